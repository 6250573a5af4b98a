//! Streams a per-iteration table of one or more schedules through a [`Format`].
//!
//! It walks the schedules' segments in order rather than searching milestone lists, so the cost
//! of a row does not depend on how many milestones there are. The table is cut into runs where
//! no schedule changes segment; within a run every constant cell (an lr, phase or factor) is
//! formatted once. When the iteration number is the only cell that changes — the common case,
//! constant phases — the row is kept as bytes and its iteration number is advanced in place as
//! decimal text; with `--every 1` ten rows (numbers ending in 0 to 9) are kept as one block, so
//! ten rows cost one copy and, nine times in ten, one byte changed in each. Rows are assembled
//! in one buffer handed to the output in large chunks, and the buffers a run needs are reused
//! from run to run, so even a schedule that decays at every iteration allocates nothing per row.
//! `bench/run.sh` measures all this.

use std::io::{self, Write};
use std::ops::Range;

use super::{Format, Layout};
use crate::schedule::{Schedule, Segment};

/// Rows are collected into chunks of about this size before they are written out.
const CHUNK_BYTES: usize = 1 << 16;

/// What a column shows. `Lr`, `Phase` and `Factor` name a schedule by its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Iteration,
    Epoch { iters_per_epoch: u64 },
    Lr(usize),
    Phase(usize),
    Factor(usize),
}

/// Which rows to write: iterations in `range`, every `every`-th starting at `range.start`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows {
    pub range: Range<u64>,
    pub every: u64,
}

pub fn write_rows(
    out: &mut dyn Write,
    format: &dyn Format,
    headers: &[String],
    columns: &[Column],
    schedules: &[&dyn Schedule],
    rows: &Rows,
) -> io::Result<()> {
    assert!(rows.every >= 1, "every is validated to be >= 1");
    let mut writer = TableWriter::new(format, headers, columns, schedules, rows.every);
    let mut cursors: Vec<Cursor> = schedules
        .iter()
        .map(|s| {
            let mut segments = s.segments();
            let current = segments.next();
            Cursor { segments, current }
        })
        .collect();
    let mut segments: Vec<Option<Segment>> = Vec::with_capacity(schedules.len());
    let mut first_row = true;
    // The next row's iteration; None once it would be past u64.
    let mut next = Some(rows.range.start);
    while let Some(t) = next.filter(|&t| t < rows.range.end) {
        segments.clear();
        segments.extend(cursors.iter_mut().map(|c| c.seek(t)));
        // The run ends where any schedule's segment ends (or the table does).
        let run_end = segments
            .iter()
            .filter_map(|s| s.map(|s| s.end))
            .fold(rows.range.end, u64::min);
        let count = (run_end - t - 1) / rows.every + 1;
        next = count
            .checked_mul(rows.every)
            .and_then(|span| t.checked_add(span));
        writer.run(&segments, t..run_end, count, first_row, out)?;
        first_row = false;
    }
    writer.finish(out)
}

/// Per-schedule position in its segment list.
struct Cursor<'a> {
    segments: Box<dyn Iterator<Item = Segment> + 'a>,
    current: Option<Segment>,
}

impl Cursor<'_> {
    /// Moves to the segment holding `t`; `None` once `t` is past the schedule's last iteration.
    fn seek(&mut self, t: u64) -> Option<Segment> {
        while let Some(segment) = self.current {
            if t < segment.end {
                return Some(segment);
            }
            self.current = self.segments.next();
        }
        None
    }
}

/// A schedule whose lr changes every row of the run, stepped through in order.
struct Ramp<'s> {
    schedule: usize,
    values: Box<dyn Iterator<Item = f64> + 's>,
}

/// Writes the table run by run, keeping its buffers from one run to the next.
struct TableWriter<'a, 's> {
    format: &'a dyn Format,
    layout: Layout,
    columns: &'a [Column],
    schedules: &'a [&'s dyn Schedule],
    every: u64,
    /// Rows not yet handed to the output.
    buffer: Vec<u8>,
    number: ryu::Buffer,
    /// The current run's row, as pieces.
    parts: RowParts,
    /// The next row's iteration number, for rows written piece by piece.
    iteration: IterationText,
    /// The whole row, for runs where only the iteration number changes.
    row: IterationText,
    ramps: Vec<Ramp<'s>>,
    /// The current row's lr of each schedule that ramps in this run.
    lrs: Vec<f64>,
}

impl<'a, 's> TableWriter<'a, 's> {
    fn new(
        format: &'a dyn Format,
        headers: &[String],
        columns: &'a [Column],
        schedules: &'a [&'s dyn Schedule],
        every: u64,
    ) -> Self {
        let layout = format.layout(headers);
        let mut buffer = Vec::with_capacity(2 * CHUNK_BYTES);
        buffer.extend_from_slice(layout.header.as_bytes());
        TableWriter {
            format,
            layout,
            columns,
            schedules,
            every,
            buffer,
            number: ryu::Buffer::new(),
            parts: RowParts::default(),
            iteration: IterationText::default(),
            row: IterationText::default(),
            ramps: Vec::new(),
            lrs: vec![f64::NAN; schedules.len()],
        }
    }

    /// Writes the `count` rows of `run` (from its start, every `every`), where each schedule
    /// stays in the segment given for it (`None`: past its end).
    fn run(
        &mut self,
        segments: &[Option<Segment>],
        run: Range<u64>,
        count: u64,
        first_row: bool,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.start_ramps(segments, run.clone());
        self.iteration.set(run.start);
        let mut t = run.start;
        let mut left = count;
        if first_row {
            self.build(true, segments);
            self.write_row(t);
            t = self.next_row(t);
            left -= 1;
        }
        self.build(false, segments);
        match self.parts.shape() {
            Shape::Fixed(row) => {
                self.row.reset(&self.parts.text[row], b"", b"");
                repeat_row(&mut self.row, 0, left, &mut self.buffer, out)
            }
            Shape::Counting(prefix, suffix) => {
                let text = &self.parts.text;
                self.row
                    .reset(&text[prefix], self.iteration.digits(), &text[suffix]);
                repeat_row(&mut self.row, self.every, left, &mut self.buffer, out)
            }
            Shape::General => {
                for _ in 0..left {
                    self.write_row(t);
                    t = self.next_row(t);
                    if self.buffer.len() >= CHUNK_BYTES {
                        out.write_all(&self.buffer)?;
                        self.buffer.clear();
                    }
                }
                Ok(())
            }
        }
    }

    /// The footer, and out with the rest.
    fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.extend_from_slice(self.layout.footer.as_bytes());
        out.write_all(&self.buffer)
    }

    /// The values of every schedule that ramps over the run and that a column shows.
    fn start_ramps(&mut self, segments: &[Option<Segment>], run: Range<u64>) {
        self.ramps.clear();
        for column in self.columns {
            let (Column::Lr(schedule) | Column::Factor(schedule)) = *column else {
                continue;
            };
            let ramps = matches!(segments[schedule], Some(s) if s.constant_lr.is_none());
            if ramps && !self.ramps.iter().any(|r| r.schedule == schedule) {
                self.ramps.push(Ramp {
                    schedule,
                    values: self.schedules[schedule].values(run.start, run.end),
                });
            }
        }
    }

    /// The run's row as pieces (the first row of the table opens differently in some formats):
    /// cells that stay the same over the run are formatted here, once.
    fn build(&mut self, first_row: bool, segments: &[Option<Segment>]) {
        let open = if first_row {
            &self.layout.first_row_open
        } else {
            &self.layout.row_open
        };
        let parts = &mut self.parts;
        parts.clear();
        parts.push_text(open.as_bytes());
        let missing = self.format.missing_cell().as_bytes();
        for (index, column) in self.columns.iter().enumerate() {
            parts.push_text(self.layout.cell_open[index].as_bytes());
            match *column {
                Column::Iteration => parts.push(Piece::Iteration),
                Column::Epoch { iters_per_epoch } => parts.push(Piece::Epoch {
                    iters_per_epoch: iters_per_epoch as f64,
                }),
                Column::Phase(s) => match segments[s] {
                    None => parts.push_text(missing),
                    Some(segment) => parts
                        .push_text(self.format.text_cell(&segment.phase.to_string()).as_bytes()),
                },
                Column::Lr(s) => match segments[s] {
                    None => parts.push_text(missing),
                    Some(Segment {
                        constant_lr: Some(lr),
                        ..
                    }) => parts.push_text(self.number.format(lr).as_bytes()),
                    Some(_) => parts.push(Piece::Lr(s)),
                },
                Column::Factor(s) => {
                    let base_lr = self.schedules[s].params().base_lr;
                    match segments[s] {
                        None => parts.push_text(missing),
                        Some(Segment {
                            constant_lr: Some(lr),
                            ..
                        }) => parts.push_text(self.number.format(lr / base_lr).as_bytes()),
                        Some(_) => parts.push(Piece::Factor {
                            schedule: s,
                            base_lr,
                        }),
                    }
                }
            }
            parts.push_text(self.layout.cell_close[index].as_bytes());
        }
        parts.push_text(self.layout.row_close.as_bytes());
    }

    /// Writes the row of iteration `t`, piece by piece.
    fn write_row(&mut self, t: u64) {
        for ramp in &mut self.ramps {
            self.lrs[ramp.schedule] = ramp
                .values
                .next()
                .expect("a schedule's values() cover the segment");
        }
        let buffer = &mut self.buffer;
        for piece in &self.parts.pieces {
            match piece {
                Piece::Text(range) => buffer.extend_from_slice(&self.parts.text[range.clone()]),
                Piece::Iteration => buffer.extend_from_slice(self.iteration.digits()),
                Piece::Epoch { iters_per_epoch } => buffer
                    .extend_from_slice(self.number.format(t as f64 / iters_per_epoch).as_bytes()),
                Piece::Lr(schedule) => {
                    buffer.extend_from_slice(self.number.format(self.lrs[*schedule]).as_bytes())
                }
                Piece::Factor { schedule, base_lr } => buffer.extend_from_slice(
                    self.number.format(self.lrs[*schedule] / base_lr).as_bytes(),
                ),
            }
        }
    }

    /// Moves the row-by-row state on from the row of `t` to the next: the iteration text, and
    /// the ramps past the `every - 1` rows in between.
    fn next_row(&mut self, t: u64) -> u64 {
        self.iteration.advance(self.every);
        if self.every > 1 {
            let skip = (self.every - 2) as usize;
            for ramp in &mut self.ramps {
                // Past the run's end after its last row: nothing is read from it then.
                let _ = ramp.values.nth(skip);
            }
        }
        // Wraps only after the table's last row, when the value is no longer read.
        t.wrapping_add(self.every)
    }
}

/// A stretch of a row over a run: fixed text, or a cell worked out per row.
#[derive(Debug)]
enum Piece {
    /// Where the text sits in [`RowParts::text`].
    Text(Range<usize>),
    Iteration,
    Epoch {
        iters_per_epoch: f64,
    },
    /// The lr of this schedule, which ramps over the run.
    Lr(usize),
    Factor {
        schedule: usize,
        base_lr: f64,
    },
}

/// A run's row as pieces, their fixed text kept in one buffer.
#[derive(Debug, Default)]
struct RowParts {
    text: Vec<u8>,
    pieces: Vec<Piece>,
}

impl RowParts {
    fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
    }

    /// Appends text, joined to the text piece before it, if any.
    fn push_text(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.extend_from_slice(bytes);
        let end = self.text.len();
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.end = end,
            _ => self.pieces.push(Piece::Text(start..end)),
        }
    }

    fn push(&mut self, piece: Piece) {
        self.pieces.push(piece);
    }

    /// Pieces never hold two texts in a row, so these are all the shapes but the general one.
    fn shape(&self) -> Shape {
        match &self.pieces[..] {
            [] => Shape::Fixed(0..0),
            [Piece::Text(row)] => Shape::Fixed(row.clone()),
            [Piece::Iteration] => Shape::Counting(0..0, 0..0),
            [Piece::Text(prefix), Piece::Iteration] => Shape::Counting(prefix.clone(), 0..0),
            [Piece::Iteration, Piece::Text(suffix)] => Shape::Counting(0..0, suffix.clone()),
            [Piece::Text(prefix), Piece::Iteration, Piece::Text(suffix)] => {
                Shape::Counting(prefix.clone(), suffix.clone())
            }
            _ => Shape::General,
        }
    }
}

/// How the rows of a run differ from one another (text as ranges of [`RowParts::text`]).
#[derive(Debug)]
enum Shape {
    /// Not at all: every row is this text.
    Fixed(Range<usize>),
    /// Only in the iteration number, between this text before and after it.
    Counting(Range<usize>, Range<usize>),
    /// In some number worked out per row (a ramp, an epoch).
    General,
}

/// An iteration number kept as decimal text inside a row (between a fixed prefix and suffix)
/// and advanced in place, so consecutive rows never re-format it.
#[derive(Debug, Default)]
struct IterationText {
    bytes: Vec<u8>,
    digits: Range<usize>,
}

impl IterationText {
    /// Holds `prefix`, the number written as `digits`, and `suffix` (keeping its allocation).
    fn reset(&mut self, prefix: &[u8], digits: &[u8], suffix: &[u8]) {
        self.bytes.clear();
        self.bytes.extend_from_slice(prefix);
        self.bytes.extend_from_slice(digits);
        self.bytes.extend_from_slice(suffix);
        self.digits = prefix.len()..prefix.len() + digits.len();
    }

    /// Holds just the number `value`.
    fn set(&mut self, value: u64) {
        self.reset(b"", itoa::Buffer::new().format(value).as_bytes(), b"");
    }

    /// The whole row (or the digits alone after [`IterationText::set`]).
    fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn digits(&self) -> &[u8] {
        &self.bytes[self.digits.clone()]
    }

    /// Adds `step` to the number, digit by digit from the right. The text may grow past
    /// u64::MAX (after the last row): it is only text.
    fn advance(&mut self, step: u64) {
        if step == 1 {
            return self.increment();
        }
        let mut carry = step;
        let mut position = self.digits.end;
        while carry != 0 {
            if position == self.digits.start {
                self.grow();
                position += 1;
            }
            position -= 1;
            let sum = u64::from(self.bytes[position] - b'0') + carry % 10;
            carry /= 10;
            let digit = if sum >= 10 {
                carry += 1;
                sum - 10
            } else {
                sum
            };
            self.bytes[position] = b'0' + digit as u8;
        }
    }

    /// Adds one: the last digit, unless it is a 9 (one row in ten).
    fn increment(&mut self) {
        for digit in self.bytes[self.digits.clone()].iter_mut().rev() {
            if *digit != b'9' {
                *digit += 1;
                return;
            }
            *digit = b'0';
        }
        // 99…9 + 1: the zeros are in place, a 1 goes in front.
        self.grow();
        self.bytes[self.digits.start] = b'1';
    }

    /// One more digit, a leading zero.
    fn grow(&mut self) {
        self.bytes.insert(self.digits.start, b'0');
        self.digits.end += 1;
    }
}

/// Writes `count` copies of `row`, advancing its iteration number by `every` after each (a
/// step of 0 keeps the row as it is), and hands the buffer to `out` whenever it holds a chunk.
fn repeat_row(
    row: &mut IterationText,
    every: u64,
    count: u64,
    buffer: &mut Vec<u8>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut left = count;
    if every == 1 {
        // One by one up to a number ending in 0, then ten rows at a time.
        while left > 0 && !row.digits().ends_with(b"0") {
            buffer.extend_from_slice(row.bytes());
            row.increment();
            left -= 1;
        }
        while left >= 10 {
            let mut decade = Decade::new(row);
            loop {
                buffer.extend_from_slice(&decade.bytes);
                left -= 10;
                if buffer.len() >= CHUNK_BYTES {
                    out.write_all(buffer)?;
                    buffer.clear();
                }
                if left < 10 || !decade.advance() {
                    break;
                }
            }
            *row = decade.following();
        }
    }
    while left > 0 {
        // Rows that fit before the chunk is full, so the loop below has no flush test.
        let room = CHUNK_BYTES.saturating_sub(buffer.len()) / row.bytes().len().max(1) + 1;
        let batch = left.min(room as u64);
        for _ in 0..batch {
            buffer.extend_from_slice(row.bytes());
            row.advance(every);
        }
        left -= batch;
        if buffer.len() >= CHUNK_BYTES {
            out.write_all(buffer)?;
            buffer.clear();
        }
    }
    Ok(())
}

/// Ten consecutive rows whose iteration numbers end in 0 to 9, as one block of bytes. They share
/// every digit but the last, so the next ten rows are one more in that shared part of each copy:
/// usually one byte per row.
struct Decade {
    bytes: Vec<u8>,
    row_len: usize,
    /// Where the number sits in each row, and its digits but the last, which the rows share.
    digits: Range<usize>,
    shared: Range<usize>,
}

impl Decade {
    /// The ten rows from `first`, whose number ends in 0.
    fn new(first: &IterationText) -> Decade {
        let row = first.bytes();
        let last_digit = first.digits.end - 1;
        let mut bytes = Vec::with_capacity(10 * row.len());
        for digit in b'0'..=b'9' {
            let start = bytes.len();
            bytes.extend_from_slice(row);
            bytes[start + last_digit] = digit;
        }
        Decade {
            bytes,
            row_len: row.len(),
            digits: first.digits.clone(),
            shared: first.digits.start..last_digit,
        }
    }

    /// Moves on to the next ten rows; false, leaving the block as it is, when their numbers have
    /// one digit more (…990 to …999 is followed by …1000).
    fn advance(&mut self) -> bool {
        let Some(rising) = self.bytes[self.shared.clone()]
            .iter()
            .rposition(|&digit| digit != b'9')
        else {
            return false;
        };
        let rising = self.shared.start + rising;
        let rolling = rising + 1..self.shared.end;
        for row in self.bytes.chunks_exact_mut(self.row_len) {
            row[rising] += 1;
            // Nine decades in ten nothing rolls over: skip the (empty) fill call.
            if !rolling.is_empty() {
                row[rolling.clone()].fill(b'0');
            }
        }
        true
    }

    /// The row after the block's last.
    fn following(&self) -> IterationText {
        let mut row = IterationText {
            bytes: self.bytes[..self.row_len].to_vec(),
            digits: self.digits.clone(),
        };
        row.advance(10);
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Csv, Json, JsonLines};
    use crate::schedule::{Decay, Maskrcnn, Params};

    fn render(
        format: &dyn Format,
        columns: &[Column],
        schedules: &[&dyn Schedule],
        rows: Rows,
    ) -> String {
        let headers: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
        let mut out = Vec::new();
        write_rows(&mut out, format, &headers, columns, schedules, &rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_row_matches_lr() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &Csv { delimiter: ',' },
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: 0..150,
                every: 1,
            },
        );
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), 150);
        for (t, line) in lines.iter().enumerate() {
            let (iteration, lr) = line.split_once(',').unwrap();
            assert_eq!(iteration.parse::<u64>().unwrap(), t as u64);
            assert_eq!(
                lr.parse::<f64>().unwrap().to_bits(),
                s.lr(t as u64).to_bits(),
                "row {t}"
            );
        }
    }

    #[test]
    fn every_and_range_across_segments() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &Csv { delimiter: ',' },
            &[
                Column::Iteration,
                Column::Lr(0),
                Column::Phase(0),
                Column::Factor(0),
            ],
            &[&s],
            Rows {
                range: 7..120,
                every: 21,
            },
        );
        assert_eq!(
            text,
            "c0,c1,c2,c3\n7,0.0073,warmup,0.73\n28,0.01,base,1.0\n49,0.01,base,1.0\n\
             70,0.001,decay1,0.1\n91,0.001,decay1,0.1\n112,0.00010000000000000002,decay2,0.010000000000000002\n"
        );
    }

    #[test]
    fn shorter_schedule_has_missing_cells() {
        let long = Maskrcnn::new(Params::default());
        let short = Maskrcnn::new(Params {
            iters: 2,
            ..Params::default()
        });
        let text = render(
            &Json,
            &[Column::Iteration, Column::Lr(0), Column::Lr(1)],
            &[&long, &short],
            Rows {
                range: 1..4,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "[\n{\"c0\":1,\"c1\":0.0019,\"c2\":0.0019},\n{\"c0\":2,\"c1\":0.0028000000000000004,\"c2\":null},\n\
             {\"c0\":3,\"c1\":0.0037,\"c2\":null}\n]\n"
        );
    }

    #[test]
    fn epoch_column() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &Csv { delimiter: ',' },
            &[Column::Epoch { iters_per_epoch: 4 }],
            &[&s],
            Rows {
                range: 0..3,
                every: 1,
            },
        );
        assert_eq!(text, "c0\n0.0\n0.25\n0.5\n");
    }

    fn csv() -> Csv {
        Csv { delimiter: ',' }
    }

    fn holding(prefix: &[u8], value: u64, suffix: &[u8]) -> IterationText {
        let mut text = IterationText::default();
        text.reset(prefix, itoa::Buffer::new().format(value).as_bytes(), suffix);
        text
    }

    fn advanced(start: u64, step: u64, times: usize) -> String {
        let mut text = holding(b"<", start, b">");
        for _ in 0..times {
            text.advance(step);
        }
        String::from_utf8(text.bytes().to_vec()).unwrap()
    }

    #[test]
    fn counter_carries() {
        assert_eq!(advanced(0, 1, 1), "<1>");
        assert_eq!(advanced(9, 1, 1), "<10>");
        assert_eq!(advanced(99, 1, 1), "<100>");
        assert_eq!(advanced(98, 1, 3), "<101>");
        assert_eq!(advanced(1999, 1, 1), "<2000>");
        assert_eq!(advanced(0, 1, 1234), "<1234>");
    }

    #[test]
    fn counter_adds_every() {
        assert_eq!(advanced(95, 7, 1), "<102>");
        assert_eq!(advanced(7, 21, 5), "<112>");
        assert_eq!(advanced(5, 1000, 1), "<1005>");
        assert_eq!(advanced(999_999, 1_000_001, 1), "<2000000>");
        assert_eq!(advanced(0, 10, 10), "<100>");
    }

    #[test]
    fn counter_near_u64_max() {
        assert_eq!(advanced(u64::MAX - 2, 1, 2), format!("<{}>", u64::MAX));
        assert_eq!(advanced(u64::MAX - 10, 5, 2), format!("<{}>", u64::MAX));
        assert_eq!(advanced(0, u64::MAX, 1), format!("<{}>", u64::MAX));
        // Past the last row the text keeps counting, beyond u64.
        assert_eq!(advanced(u64::MAX, 1, 1), "<18446744073709551616>");
        assert_eq!(advanced(u64::MAX, u64::MAX, 1), "<36893488147419103230>");
    }

    proptest::proptest! {
        #[test]
        fn counter_matches_arithmetic(start in 0..u64::MAX / 2, step in 1..u64::MAX / 1024, times in 0..1024usize) {
            let expected = u128::from(start) + u128::from(step) * times as u128;
            proptest::prop_assert_eq!(advanced(start, step, times), format!("<{expected}>"));
        }

        #[test]
        fn repeated_rows_match_arithmetic(start in 0..2_000_000u64, every in 1..4u64, count in 0..500u64) {
            proptest::prop_assert_eq!(repeated(start, every, count), expected_rows(start, every, count));
        }

        #[test]
        fn small_counter_steps(start in 0..100_000u64, step in 1..30u64, times in 0..2000usize) {
            let expected = start + step * times as u64;
            proptest::prop_assert_eq!(advanced(start, step, times), format!("<{expected}>"));
        }
    }

    /// What `repeat_row` writes for `count` rows "<t>|" from `start`, through a flush or two.
    fn repeated(start: u64, every: u64, count: u64) -> String {
        let mut row = holding(b"<", start, b">|");
        let mut buffer = Vec::new();
        let mut out = Vec::new();
        repeat_row(&mut row, every, count, &mut buffer, &mut out).unwrap();
        out.extend_from_slice(&buffer);
        String::from_utf8(out).unwrap()
    }

    fn expected_rows(start: u64, every: u64, count: u64) -> String {
        (0..count)
            .map(|i| {
                format!(
                    "<{}>|",
                    u128::from(start) + u128::from(every) * u128::from(i)
                )
            })
            .collect()
    }

    #[test]
    fn repeated_rows_by_tens_and_ones() {
        for (start, count) in [
            (0, 0),
            (0, 1),
            (0, 10),
            (0, 101),
            (7, 3),
            (7, 30),
            (95, 20),
            (990, 25),
            (999_995, 12),
            (u64::MAX - 25, 26),
        ] {
            assert_eq!(
                repeated(start, 1, count),
                expected_rows(start, 1, count),
                "{start} {count}"
            );
        }
        // Longer than a chunk: the rows go out in several writes, none lost or repeated.
        assert_eq!(repeated(0, 1, 20_000), expected_rows(0, 1, 20_000));
        assert_eq!(repeated(3, 7, 20_000), expected_rows(3, 7, 20_000));
    }

    #[test]
    fn fixed_rows_repeat_unchanged() {
        let mut row = IterationText::default();
        row.reset(b"0.1\n", b"", b"");
        let (mut buffer, mut out) = (Vec::new(), Vec::new());
        repeat_row(&mut row, 0, 3, &mut buffer, &mut out).unwrap();
        assert_eq!(buffer, b"0.1\n0.1\n0.1\n");
    }

    #[test]
    fn rows_shapes() {
        let shape_of = |pieces: &[&dyn Fn(&mut RowParts)]| {
            let mut parts = RowParts::default();
            for piece in pieces {
                piece(&mut parts);
            }
            let text = |range: Range<usize>| String::from_utf8(parts.text[range].to_vec()).unwrap();
            match parts.shape() {
                Shape::Fixed(row) => format!("fixed {:?}", text(row)),
                Shape::Counting(prefix, suffix) => {
                    format!("counting {:?} {:?}", text(prefix), text(suffix))
                }
                Shape::General => "general".to_string(),
            }
        };
        let iteration = |parts: &mut RowParts| parts.push(Piece::Iteration);
        let lr = |parts: &mut RowParts| parts.push(Piece::Lr(0));
        let open = |parts: &mut RowParts| parts.push_text(b"{\"i\":");
        let close = |parts: &mut RowParts| parts.push_text(b",0.1}\n");
        let empty = |parts: &mut RowParts| parts.push_text(b"");
        assert_eq!(shape_of(&[]), "fixed \"\"");
        assert_eq!(
            shape_of(&[&open, &empty, &close]),
            "fixed \"{\\\"i\\\":,0.1}\\n\""
        );
        assert_eq!(
            shape_of(&[&iteration, &close]),
            "counting \"\" \",0.1}\\n\""
        );
        assert_eq!(
            shape_of(&[&open, &iteration, &empty, &close]),
            "counting \"{\\\"i\\\":\" \",0.1}\\n\""
        );
        assert_eq!(shape_of(&[&iteration, &close, &lr, &close]), "general");
        assert_eq!(shape_of(&[&iteration, &iteration]), "general");
    }

    #[test]
    fn iteration_digits_carry_in_rows() {
        let s = Maskrcnn::new(Params {
            iters: 2000,
            ..Params::default()
        });
        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: 997..1002,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "c0,c1\n997,0.00010000000000000002\n998,0.00010000000000000002\n\
             999,0.00010000000000000002\n1000,0.00010000000000000002\n1001,0.00010000000000000002\n"
        );
        let text = render(
            &JsonLines,
            &[Column::Iteration, Column::Phase(0)],
            &[&s],
            Rows {
                range: 8..120,
                every: 45,
            },
        );
        assert_eq!(
            text,
            "{\"c0\":8,\"c1\":\"warmup\"}\n{\"c0\":53,\"c1\":\"decay1\"}\n{\"c0\":98,\"c1\":\"decay1\"}\n"
        );
    }

    #[test]
    fn rows_without_iteration_repeat() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &csv(),
            &[Column::Phase(0), Column::Lr(0)],
            &[&s],
            Rows {
                range: 48..52,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "c0,c1\nbase,0.01\nbase,0.01\ndecay1,0.001\ndecay1,0.001\n"
        );
    }

    #[test]
    fn rows_near_u64_max() {
        let s = Maskrcnn::new(Params {
            iters: u64::MAX,
            ..Params::default()
        });
        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: u64::MAX - 5..u64::MAX,
                every: 2,
            },
        );
        assert_eq!(
            text,
            "c0,c1\n18446744073709551610,0.00010000000000000002\n\
             18446744073709551612,0.00010000000000000002\n18446744073709551614,0.00010000000000000002\n"
        );
    }

    #[test]
    fn json_opens_the_first_row_differently() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &Json,
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: 11..14,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "[\n{\"c0\":11,\"c1\":0.01},\n{\"c0\":12,\"c1\":0.01},\n{\"c0\":13,\"c1\":0.01}\n]\n"
        );
    }

    #[test]
    fn many_milestones_and_every_match_lr() {
        let s = Maskrcnn::new(Params {
            decay: Decay::Milestones((1..=1000).map(|m| m * 7).collect()),
            gamma: 0.99,
            iters: 7100,
            ..Params::default()
        });
        for every in [1, 3, 10, 999] {
            let text = render(
                &csv(),
                &[Column::Iteration, Column::Lr(0), Column::Factor(0)],
                &[&s],
                Rows {
                    range: 5..7100,
                    every,
                },
            );
            let mut expected_t = 5;
            for line in text.lines().skip(1) {
                let cells: Vec<&str> = line.split(',').collect();
                assert_eq!(cells[0].parse::<u64>().unwrap(), expected_t);
                let lr = s.lr(expected_t);
                assert_eq!(cells[1].parse::<f64>().unwrap().to_bits(), lr.to_bits());
                assert_eq!(
                    cells[2].parse::<f64>().unwrap().to_bits(),
                    (lr / 0.01).to_bits()
                );
                expected_t += every;
            }
            assert_eq!(expected_t, 5 + (7100u64 - 5).div_ceil(every) * every);
        }
    }

    /// A schedule in the style of the recursive frameworks: ramps come only from `values()`
    /// and constants from `constant_lr`; `lr()` must never be needed for a table.
    struct Stepped {
        params: Params,
    }

    impl Schedule for Stepped {
        fn params(&self) -> &Params {
            &self.params
        }

        fn lr(&self, _t: u64) -> f64 {
            panic!("the row writer must not evaluate lr(t)")
        }

        fn segments(&self) -> Box<dyn Iterator<Item = Segment> + '_> {
            let phase = |warmup| crate::schedule::Phase { warmup, decays: 0 };
            Box::new(
                [
                    Segment {
                        start: 0,
                        end: 4,
                        phase: phase(true),
                        constant_lr: None,
                    },
                    Segment {
                        start: 4,
                        end: 6,
                        phase: phase(false),
                        constant_lr: Some(0.5),
                    },
                ]
                .into_iter(),
            )
        }

        fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
            Box::new((start..end).map(|t| 0.125 * (t + 1) as f64))
        }
    }

    #[test]
    fn ramps_come_from_values() {
        let stepped = Stepped {
            params: Params {
                base_lr: 0.5,
                iters: 6,
                ..Params::default()
            },
        };
        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0), Column::Factor(0)],
            &[&stepped],
            Rows {
                range: 1..6,
                every: 2,
            },
        );
        assert_eq!(text, "c0,c1,c2\n1,0.25,0.5\n3,0.5,1.0\n5,0.5,1.0\n");
    }

    #[test]
    fn several_schedules_split_runs() {
        let a = Maskrcnn::new(Params::default());
        let b = Maskrcnn::new(Params {
            decay: Decay::Milestones(vec![12]),
            warmup_iters: 0,
            iters: 14,
            ..Params::default()
        });
        let text = render(
            &Csv { delimiter: '\t' },
            &[Column::Iteration, Column::Lr(0), Column::Lr(1)],
            &[&a, &b],
            Rows {
                range: 8..16,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "c0\tc1\tc2\n8\t0.0082\t0.01\n9\t0.0091\t0.01\n10\t0.01\t0.01\n11\t0.01\t0.01\n\
             12\t0.01\t0.001\n13\t0.01\t0.001\n14\t0.01\t\n15\t0.01\t\n"
        );
    }

    #[test]
    fn long_tables_cross_chunks_intact() {
        let s = Maskrcnn::new(Params {
            iters: 30_000,
            ..Params::default()
        });
        let text = render(
            &JsonLines,
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: 0..30_000,
                every: 1,
            },
        );
        assert!(text.len() > 2 * CHUNK_BYTES);
        for (t, line) in text.lines().enumerate() {
            let expected = format!(
                "{{\"c0\":{t},\"c1\":{}}}",
                ryu::Buffer::new().format(s.lr(t as u64))
            );
            assert_eq!(line, expected);
        }
    }
}
