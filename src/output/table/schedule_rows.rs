//! `lrsched table`'s rows: a per-iteration table of one or more schedules, streamed through the
//! [`RowWriter`].
//!
//! It walks the schedules' segments in order rather than evaluating or searching anything per
//! row, so the cost of a row does not depend on how many milestones there are. The table is cut
//! into runs over which no cell changes but the iteration (and a ramping lr or the epoch):
//! consecutive segments that write the same cells (the same lr bits, and the same phase if it
//! is shown) make one run, so a schedule that has decayed to 0.0 and goes on "decaying" every
//! step does not cut the table into single rows. Within a run every constant cell is formatted
//! once, and rows that differ only in their iteration number are repeated by the odometer
//! (odometer.rs). A run of a single row is written cell by cell: preparing it would not pay.
//! `bench/run.sh` measures all this (docs/performance.md).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::iter::Peekable;
use std::ops::Range;

use super::Format;
use super::odometer::{Odometer, repeat_row};
use super::writer::{RowWriter, push_float};
use crate::schedule::{Schedule, Segment};

/// What a column shows. `Lr`, `Phase` and `Factor` name a schedule by its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Iteration,
    /// The iteration in epochs of `iters_per_epoch` iterations (each schedule has its own).
    Epoch {
        iters_per_epoch: u64,
    },
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
    let mut writer = RowWriter::new(format, headers);
    let mut table = Runs::new(columns, schedules, rows.every);
    let mut cursors: Vec<Cursor> = schedules
        .iter()
        .enumerate()
        .map(|(index, s)| Cursor::new(s.segments(), columns.contains(&Column::Phase(index))))
        .collect();
    let mut segments: Vec<Option<Segment>> = Vec::with_capacity(schedules.len());
    // The next row's iteration; None once it would be past u64.
    let mut next = Some(rows.range.start);
    while let Some(t) = next.filter(|&t| t < rows.range.end) {
        let run_end = run_end(&mut cursors, t, rows.range.end);
        segments.clear();
        segments.extend(cursors.iter().map(|c| c.current));
        let count = (run_end - t - 1) / rows.every + 1;
        if count == 1 && !writer.at_first_row() && table.steps(&segments) {
            next = table.step(&mut writer, &mut cursors, &mut segments, t, rows, out)?;
            continue;
        }
        next = count
            .checked_mul(rows.every)
            .and_then(|span| t.checked_add(span));
        table.run(&mut writer, &segments, t..run_end, count, out)?;
    }
    writer.finish(out)
}

/// Moves every schedule to the segment holding `t`, and returns where the run from `t` ends:
/// where a schedule's cells next change, or the table ends (`table_end`).
fn run_end(cursors: &mut [Cursor], t: u64, table_end: u64) -> u64 {
    for cursor in cursors.iter_mut() {
        cursor.seek(t);
    }
    loop {
        let end = cursors
            .iter()
            .filter_map(|c| c.current.map(|s| s.end))
            .fold(table_end, u64::min);
        if end == table_end {
            return end;
        }
        for cursor in cursors.iter_mut() {
            if cursor.current.is_some_and(|s| s.end == end) && !cursor.absorb_next() {
                return end;
            }
        }
    }
}

/// Per-schedule position in its segment list.
struct Cursor<'a> {
    segments: Peekable<Box<dyn Iterator<Item = Segment> + 'a>>,
    /// The segment holding the current iteration (stretched over the following segments that
    /// write the same cells); None past the schedule's last iteration.
    current: Option<Segment>,
    /// Whether the table shows this schedule's phase: then a new phase is a change of cells.
    shows_phase: bool,
}

impl<'a> Cursor<'a> {
    fn new(segments: Box<dyn Iterator<Item = Segment> + 'a>, shows_phase: bool) -> Self {
        let mut segments = segments.peekable();
        let current = segments.next();
        Cursor {
            segments,
            current,
            shows_phase,
        }
    }

    /// Moves to the segment holding `t`.
    fn seek(&mut self, t: u64) {
        while let Some(segment) = self.current {
            if t < segment.end {
                return;
            }
            self.current = self.segments.next();
        }
    }

    /// Stretches the current segment over the next one if that writes the same cells; false if
    /// it does not (or there is none).
    fn absorb_next(&mut self) -> bool {
        let Some(current) = &mut self.current else {
            return false;
        };
        let Some(lr) = current.constant_lr else {
            return false;
        };
        let same = |next: &Segment| {
            next.constant_lr.map(f64::to_bits) == Some(lr.to_bits())
                && (!self.shows_phase || next.phase == current.phase)
        };
        match self.segments.next_if(same) {
            Some(next) => {
                current.end = next.end;
                true
            }
            None => false,
        }
    }
}

/// A schedule whose lr changes every row of the run, stepped through in order.
struct Ramp<'s> {
    schedule: usize,
    values: Box<dyn Iterator<Item = f64> + 's>,
}

/// Writes the table run by run, keeping its buffers from one run to the next.
struct Runs<'a, 's> {
    columns: &'a [Column],
    schedules: &'a [&'s dyn Schedule],
    every: u64,
    /// The current run's row, as pieces.
    parts: RowParts,
    /// The next row's iteration number, for rows written piece by piece.
    iteration: Odometer,
    /// The whole row, for runs where only the iteration number changes; or the row up to its
    /// first number worked out per row (see [`Runs::prepare`]).
    row: Odometer,
    /// Where the pieces after `row` start, and whether `row` holds the iteration number.
    template: Option<(usize, bool)>,
    ramps: Vec<Ramp<'s>>,
    /// The current row's lr of each schedule that ramps in this run.
    lrs: Vec<f64>,
    /// A phase's text, before the format quotes it.
    phase: String,
}

impl<'a, 's> Runs<'a, 's> {
    fn new(columns: &'a [Column], schedules: &'a [&'s dyn Schedule], every: u64) -> Self {
        Runs {
            columns,
            schedules,
            every,
            parts: RowParts::default(),
            iteration: Odometer::default(),
            row: Odometer::default(),
            template: None,
            ramps: Vec::new(),
            lrs: vec![f64::NAN; schedules.len()],
            phase: String::new(),
        }
    }

    /// Writes the `count` rows of `run` (from its start, every `every`), where each schedule
    /// stays in the segment given for it (`None`: past its end).
    fn run(
        &mut self,
        writer: &mut RowWriter,
        segments: &[Option<Segment>],
        run: Range<u64>,
        count: u64,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.start_ramps(segments, run.clone());
        let mut t = run.start;
        let mut left = count;
        // The table's first row opens differently in some formats (JSON): it goes alone.
        if count == 1 || writer.at_first_row() {
            self.write_cells(writer, segments, t, out)?;
            t = t.wrapping_add(self.every);
            left -= 1;
            if left == 0 {
                return Ok(());
            }
        }
        self.build(writer, segments, false);
        match shape_of(&self.parts.pieces) {
            Shape::Fixed(row) => {
                self.row.reset(&self.parts.text[row], b"", b"");
                repeat_row(&mut self.row, 0, left, writer, out)
            }
            Shape::Counting(prefix, suffix) => {
                let mut digits = itoa::Buffer::new();
                let text = &self.parts.text;
                self.row
                    .reset(&text[prefix], digits.format(t).as_bytes(), &text[suffix]);
                repeat_row(&mut self.row, self.every, left, writer, out)
            }
            Shape::General => {
                self.prepare(t);
                for _ in 0..left {
                    self.next_lrs();
                    self.write_prepared(writer, t);
                    self.skip_rows();
                    writer.flush_if_full(out)?;
                    // Wraps only after the table's last row, when the value is no longer read.
                    t = t.wrapping_add(self.every);
                }
                Ok(())
            }
        }
    }

    /// Whether rows can be written by [`Runs::step`]: every schedule's lr is constant over the
    /// row (or the schedule is over), and no phase is shown.
    fn steps(&self, segments: &[Option<Segment>]) -> bool {
        segments
            .iter()
            .all(|s| s.is_none_or(|s| s.constant_lr.is_some()))
            && !self.columns.iter().any(|c| matches!(c, Column::Phase(_)))
    }

    /// Writes rows from `t` for as long as each run is a single row that [`Runs::steps`] can
    /// write (a schedule that decays at every step): from pieces prepared once, with the lrs
    /// taken from the segments row by row, instead of preparing each run. Returns the next
    /// row's iteration, with the cursors and `segments` at it.
    fn step(
        &mut self,
        writer: &mut RowWriter,
        cursors: &mut [Cursor],
        segments: &mut Vec<Option<Segment>>,
        mut t: u64,
        rows: &Rows,
        out: &mut dyn Write,
    ) -> io::Result<Option<u64>> {
        self.ramps.clear();
        self.build(writer, segments, true);
        self.prepare(t);
        loop {
            for (lr, segment) in self.lrs.iter_mut().zip(segments.iter()) {
                if let Some(Segment {
                    constant_lr: Some(constant),
                    ..
                }) = segment
                {
                    *lr = *constant;
                }
            }
            self.write_prepared(writer, t);
            writer.flush_if_full(out)?;
            let next = t.checked_add(rows.every);
            t = match next {
                Some(next) if next < rows.range.end => next,
                _ => return Ok(next),
            };
            let run_end = run_end(cursors, t, rows.range.end);
            // The pieces hold a cell for each schedule that had a segment: it must still have one.
            let same_cells = segments
                .iter()
                .zip(cursors.iter())
                .all(|(before, now)| before.is_some() == now.current.is_some());
            segments.clear();
            segments.extend(cursors.iter().map(|c| c.current));
            if run_end - t > rows.every || !same_cells || !self.steps(segments) {
                return Ok(Some(t));
            }
        }
    }

    /// Prepares rows written from the pieces, the first of them at iteration `t`: the text up to
    /// the first number worked out per row is kept as one odometer row (holding the iteration,
    /// when it comes first), so that only the rest is written piece by piece.
    fn prepare(&mut self, t: u64) {
        self.iteration.set(t);
        self.template = None;
        let pieces = &self.parts.pieces;
        let Some(split) = pieces.iter().position(Piece::is_number) else {
            return;
        };
        if pieces[split..]
            .iter()
            .any(|p| matches!(p, Piece::Iteration))
        {
            return;
        }
        let text = &self.parts.text;
        match shape_of(&pieces[..split]) {
            Shape::Fixed(row) => {
                self.row.reset(&text[row], b"", b"");
                self.template = Some((split, false));
            }
            Shape::Counting(prefix, suffix) => {
                self.row
                    .reset(&text[prefix], self.iteration.digits(), &text[suffix]);
                self.template = Some((split, true));
            }
            Shape::General => {}
        }
    }

    /// Writes the row of iteration `t` from the prepared pieces, with the lrs in `self.lrs`.
    fn write_prepared(&mut self, writer: &mut RowWriter, t: u64) {
        let buffer = &mut writer.buffer;
        let pieces = match self.template {
            Some((split, counting)) => {
                buffer.extend_from_slice(self.row.bytes());
                if counting {
                    self.row.advance(self.every);
                }
                &self.parts.pieces[split..]
            }
            None => &self.parts.pieces[..],
        };
        for piece in pieces {
            match *piece {
                Piece::Text(ref range) => buffer.extend_from_slice(&self.parts.text[range.clone()]),
                Piece::Iteration => buffer.extend_from_slice(self.iteration.digits()),
                Piece::Epoch { iters_per_epoch } => push_float(buffer, t as f64 / iters_per_epoch),
                Piece::Lr(schedule) => push_float(buffer, self.lrs[schedule]),
                Piece::Factor { schedule, base_lr } => {
                    push_float(buffer, self.lrs[schedule] / base_lr)
                }
            }
        }
        if self.template.is_none() {
            self.iteration.advance(self.every);
        }
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

    /// Takes the next row's lr from each ramp.
    fn next_lrs(&mut self) {
        for ramp in &mut self.ramps {
            self.lrs[ramp.schedule] = ramp
                .values
                .next()
                .expect("a schedule's values() cover the segment");
        }
    }

    /// Moves the ramps past the `every - 1` rows after the one just written.
    fn skip_rows(&mut self) {
        if self.every > 1 {
            let skip = (self.every - 2) as usize;
            for ramp in &mut self.ramps {
                // Past the run's end after its last row: nothing is read from it then.
                let _ = ramp.values.nth(skip);
            }
        }
    }

    /// A schedule's lr in this row; None past its end.
    fn lr(&self, segments: &[Option<Segment>], schedule: usize) -> Option<f64> {
        segments[schedule].map(|s| s.constant_lr.unwrap_or(self.lrs[schedule]))
    }

    /// Writes the row of iteration `t` cell by cell.
    fn write_cells(
        &mut self,
        writer: &mut RowWriter,
        segments: &[Option<Segment>],
        t: u64,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.next_lrs();
        writer.open_row();
        for (index, column) in self.columns.iter().enumerate() {
            let value = match *column {
                Column::Iteration => {
                    writer.integer_cell(index, t);
                    continue;
                }
                Column::Epoch { iters_per_epoch } => Some(t as f64 / iters_per_epoch as f64),
                Column::Phase(s) => {
                    match segments[s] {
                        None => writer.missing_cell(index),
                        Some(segment) => {
                            self.phase.clear();
                            let _ = write!(self.phase, "{}", segment.phase);
                            writer.text_cell(index, &self.phase);
                        }
                    }
                    continue;
                }
                Column::Lr(s) => self.lr(segments, s),
                Column::Factor(s) => self
                    .lr(segments, s)
                    .map(|lr| lr / self.schedules[s].params().base_lr),
            };
            match value {
                Some(value) => writer.float_cell(index, value),
                None => writer.missing_cell(index),
            }
        }
        writer.close_row(out)?;
        self.skip_rows();
        Ok(())
    }

    /// The run's (later) row as pieces: cells that stay the same over the run are formatted
    /// here, once; with `stepping`, an lr that is constant is still a piece of its own, taken
    /// from `self.lrs` row by row.
    fn build(&mut self, writer: &RowWriter, segments: &[Option<Segment>], stepping: bool) {
        let layout = &writer.layout;
        let format = writer.format();
        let parts = &mut self.parts;
        parts.clear();
        parts.push_text(layout.row_open.as_bytes());
        let missing = format.missing_cell().as_bytes();
        for (index, column) in self.columns.iter().enumerate() {
            parts.push_text(layout.cell_open[index].as_bytes());
            match *column {
                Column::Iteration => parts.push(Piece::Iteration),
                Column::Epoch { iters_per_epoch } => parts.push(Piece::Epoch {
                    iters_per_epoch: iters_per_epoch as f64,
                }),
                Column::Phase(s) => match segments[s] {
                    None => parts.push_text(missing),
                    Some(segment) => {
                        self.phase.clear();
                        let _ = write!(self.phase, "{}", segment.phase);
                        parts.push_with(|text| format.text_cell(&self.phase, text));
                    }
                },
                Column::Lr(s) => match segments[s] {
                    None => parts.push_text(missing),
                    Some(Segment {
                        constant_lr: Some(lr),
                        ..
                    }) if !stepping => parts.push_with(|text| push_float(text, lr)),
                    Some(_) => parts.push(Piece::Lr(s)),
                },
                Column::Factor(s) => {
                    let base_lr = self.schedules[s].params().base_lr;
                    match segments[s] {
                        None => parts.push_text(missing),
                        Some(Segment {
                            constant_lr: Some(lr),
                            ..
                        }) if !stepping => parts.push_with(|text| push_float(text, lr / base_lr)),
                        Some(_) => parts.push(Piece::Factor {
                            schedule: s,
                            base_lr,
                        }),
                    }
                }
            }
            parts.push_text(layout.cell_close[index].as_bytes());
        }
        parts.push_text(layout.row_close.as_bytes());
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

impl Piece {
    /// Whether this is a number worked out per row.
    fn is_number(&self) -> bool {
        matches!(
            self,
            Piece::Epoch { .. } | Piece::Lr(_) | Piece::Factor { .. }
        )
    }
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
        self.push_with(|text| text.extend_from_slice(bytes));
    }

    /// Appends the text `write` adds, joined to the text piece before it, if any.
    fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.text.len();
        write(&mut self.text);
        let end = self.text.len();
        if start == end {
            return;
        }
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.end = end,
            _ => self.pieces.push(Piece::Text(start..end)),
        }
    }

    fn push(&mut self, piece: Piece) {
        self.pieces.push(piece);
    }
}

/// How rows made of `pieces` differ. Pieces never hold two texts in a row, so these are all
/// the shapes but the general one.
fn shape_of(pieces: &[Piece]) -> Shape {
    match pieces {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::writer::CHUNK_BYTES;
    use crate::output::table::{Csv, Json, JsonLines};
    use crate::schedule::{Decay, Params, WarmupMultiStep};

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
        let s = WarmupMultiStep::new(Params::default());
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
        let s = WarmupMultiStep::new(Params::default());
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
        let long = WarmupMultiStep::new(Params::default());
        let short = WarmupMultiStep::new(Params {
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
        let s = WarmupMultiStep::new(Params::default());
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

    #[test]
    fn rows_shapes() {
        let shape_of = |pieces: &[&dyn Fn(&mut RowParts)]| {
            let mut parts = RowParts::default();
            for piece in pieces {
                piece(&mut parts);
            }
            let text = |range: Range<usize>| String::from_utf8(parts.text[range].to_vec()).unwrap();
            match shape_of(&parts.pieces) {
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
        let s = WarmupMultiStep::new(Params {
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
        let s = WarmupMultiStep::new(Params::default());
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
        let s = WarmupMultiStep::new(Params {
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
        let s = WarmupMultiStep::new(Params::default());
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
        let s = WarmupMultiStep::new(Params {
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
        let a = WarmupMultiStep::new(Params::default());
        let b = WarmupMultiStep::new(Params {
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

    /// Rows parsed back: iteration, then the cells as f64 (None where missing).
    fn parsed(text: &str) -> Vec<(u64, Vec<Option<f64>>)> {
        text.lines()
            .skip(1)
            .map(|line| {
                let mut cells = line.split(',');
                let t = cells.next().unwrap().parse().unwrap();
                (t, cells.map(|c| c.parse().ok()).collect())
            })
            .collect()
    }

    #[test]
    fn a_decay_at_every_step_matches_lr() {
        let every_step = WarmupMultiStep::new(Params {
            decay: Decay::StepSize(1),
            gamma: 0.9,
            warmup_iters: 3,
            iters: 400,
            ..Params::default()
        });
        let short = WarmupMultiStep::new(Params {
            decay: Decay::StepSize(2),
            gamma: 0.5,
            iters: 50,
            ..Params::default()
        });
        for every in [1, 2, 7] {
            let text = render(
                &csv(),
                &[
                    Column::Iteration,
                    Column::Lr(0),
                    Column::Factor(0),
                    Column::Epoch { iters_per_epoch: 3 },
                    Column::Lr(1),
                ],
                &[&every_step, &short],
                Rows {
                    range: 1..400,
                    every,
                },
            );
            let rows = parsed(&text);
            assert_eq!(rows.len() as u64, 399u64.div_ceil(every), "every {every}");
            for (index, (t, cells)) in rows.iter().enumerate() {
                assert_eq!(*t, 1 + index as u64 * every);
                let lr = every_step.lr(*t);
                let bits = |cell: Option<f64>| cell.map(f64::to_bits);
                assert_eq!(bits(cells[0]), Some(lr.to_bits()), "row {t}");
                assert_eq!(bits(cells[1]), Some((lr / 0.01).to_bits()), "row {t}");
                assert_eq!(bits(cells[2]), Some((*t as f64 / 3.0).to_bits()), "row {t}");
                let short_lr = (*t < 50).then(|| short.lr(*t).to_bits());
                assert_eq!(bits(cells[3]), short_lr, "row {t}");
            }
        }
    }

    #[test]
    fn segments_with_the_same_cells_are_one_run() {
        // gamma 1e-200: the lr is 0.0 from the second decay on, and stays 0.0 at each later one.
        let reference = WarmupMultiStep::new(Params::default());
        let vanishing = WarmupMultiStep::new(Params {
            decay: Decay::StepSize(1),
            gamma: 1e-200,
            warmup_iters: 0,
            iters: 1000,
            ..Params::default()
        });
        let cursor = |shows_phase| Cursor::new(vanishing.segments(), shows_phase);
        let mut cursors = [cursor(false)];
        assert_eq!(run_end(&mut cursors, 0, 1000), 1);
        assert_eq!(run_end(&mut cursors, 1, 1000), 2);
        assert_eq!(run_end(&mut cursors, 2, 1000), 1000);
        assert_eq!(cursors[0].current.unwrap().constant_lr, Some(0.0));
        // Each segment has a phase of its own (decayK): shown, it ends the run.
        let mut cursors = [cursor(true)];
        assert_eq!(run_end(&mut cursors, 500, 1000), 501);
        // The table's end ends the run too, and so does another schedule's segment.
        let mut cursors = [cursor(false)];
        assert_eq!(run_end(&mut cursors, 5, 600), 600);
        let mut cursors = [cursor(false), Cursor::new(reference.segments(), false)];
        assert_eq!(run_end(&mut cursors, 2, 1000), 10);
        assert_eq!(run_end(&mut cursors, 10, 1000), 50);
        assert_eq!(run_end(&mut cursors, 100, 1000), 150);
        assert_eq!(run_end(&mut cursors, 150, 1000), 1000);

        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0), Column::Phase(0)],
            &[&vanishing],
            Rows {
                range: 0..5,
                every: 1,
            },
        );
        assert_eq!(
            text,
            "c0,c1,c2\n0,0.01,base\n1,1e-202,decay1\n2,0.0,decay2\n3,0.0,decay3\n4,0.0,decay4\n"
        );
    }

    #[test]
    fn long_tables_cross_chunks_intact() {
        let s = WarmupMultiStep::new(Params {
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
