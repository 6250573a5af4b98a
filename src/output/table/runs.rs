//! Writing one run of `lrsched table`'s rows (see schedule_rows.rs): the first row cell by
//! cell, the rest repeated by the odometer when only the iteration changes, else from pieces.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use super::odometer::{Odometer, repeat_row};
use super::pieces::{Number, Piece, RowParts, Shape, shape_of};
use super::schedule_rows::{Column, Rows};
use super::writer::{RowWriter, push_float};
use crate::schedule::{Schedule, Segment};

/// A schedule whose lr changes every row of the run, stepped through in order.
struct Ramp<'s> {
    schedule: usize,
    values: Box<dyn Iterator<Item = f64> + 's>,
}

/// Writes the table run by run, keeping its buffers from one run to the next.
pub(super) struct Runs<'a, 's> {
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
    /// How rows from the pieces are written.
    template: Template,
    ramps: Vec<Ramp<'s>>,
    /// The current row's lr of each schedule that ramps in this run.
    lrs: Vec<f64>,
    /// A phase's text, before the format quotes it.
    phase: String,
    /// Whether a column shows a phase.
    shows_phase: bool,
    /// The lrs of the next rows [`Runs::step`] writes.
    block: Vec<f64>,
}

/// Rows whose lrs [`Runs::step`] takes before writing them.
const STEP_BLOCK: u64 = 64;

impl<'a, 's> Runs<'a, 's> {
    pub(super) fn new(
        columns: &'a [Column],
        schedules: &'a [&'s dyn Schedule],
        every: u64,
    ) -> Self {
        Runs {
            columns,
            schedules,
            every,
            parts: RowParts::default(),
            iteration: Odometer::default(),
            row: Odometer::default(),
            template: Template::Pieces,
            ramps: Vec::new(),
            lrs: vec![f64::NAN; schedules.len()],
            phase: String::new(),
            shows_phase: columns.iter().any(|c| matches!(c, Column::Phase(_))),
            block: Vec::new(),
        }
    }

    /// Writes the `count` rows of `run` (from its start, every `every`), where each schedule
    /// stays in the segment given for it (`None`: past its end).
    pub(super) fn run(
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
    pub(super) fn steps(&self, segments: &[Option<Segment>]) -> bool {
        !self.shows_phase
            && segments
                .iter()
                .all(|s| s.is_none_or(|s| s.constant_lr.is_some()))
    }

    /// Writes rows from `t` for as long as each row's lrs differ from the row before's (a
    /// schedule that decays at every step): from pieces prepared once, each lr taken from the
    /// schedule's `values()`, so that no segment is built or looked at per row
    /// (docs/performance.md). Returns the next row's iteration; the table's loop takes over
    /// there, where rows repeat the same lrs (a run) or a schedule ends.
    pub(super) fn step(
        &mut self,
        writer: &mut RowWriter,
        segments: &[Option<Segment>],
        mut t: u64,
        rows: &Rows,
        out: &mut dyn Write,
    ) -> io::Result<Option<u64>> {
        self.build(writer, segments, true);
        self.prepare(t);
        self.ramps.clear();
        for column in self.columns {
            let (Column::Lr(schedule) | Column::Factor(schedule)) = *column else {
                continue;
            };
            if segments[schedule].is_some() && !self.ramps.iter().any(|r| r.schedule == schedule) {
                let schedule_ref = self.schedules[schedule];
                let end = rows.range.end.min(schedule_ref.params().iters);
                self.ramps.push(Ramp {
                    schedule,
                    values: schedule_ref.values(t, end),
                });
            }
        }
        // The lrs of up to STEP_BLOCK rows are taken first, then the rows written: the
        // schedules' work and the formatting each run back to back.
        let width = self.ramps.len();
        let mut block = std::mem::take(&mut self.block);
        let mut first = true;
        loop {
            let rows_left = (rows.range.end - 1 - t) / rows.every + 1;
            let wanted = rows_left.min(STEP_BLOCK) as usize;
            block.clear();
            let mut stopped = false;
            'rows: for row in 0..wanted {
                let mut same_lrs = !first || row > 0;
                for ramp in &mut self.ramps {
                    let Some(lr) = ramp.values.next() else {
                        stopped = true;
                        break 'rows;
                    };
                    let before = match row {
                        0 => self.lrs[ramp.schedule],
                        _ => block[block.len() - width],
                    };
                    same_lrs &= before.to_bits() == lr.to_bits();
                    block.push(lr);
                }
                if same_lrs {
                    stopped = true;
                    break;
                }
                if rows.every > 1 {
                    for ramp in &mut self.ramps {
                        let _ = ramp.values.nth((rows.every - 2) as usize);
                    }
                }
            }
            // With no lr shown, the only row is the first.
            let full_rows = block
                .len()
                .checked_div(width)
                .unwrap_or(usize::from(!stopped || first));
            first = false;
            for row in 0..full_rows {
                for (index, ramp) in self.ramps.iter().enumerate() {
                    self.lrs[ramp.schedule] = block[row * width + index];
                }
                self.write_prepared(writer, t);
                writer.flush_if_full(out)?;
                if row + 1 < full_rows {
                    t += rows.every;
                }
            }
            if stopped || full_rows < wanted {
                self.block = block;
                return Ok(Some(t + if full_rows > 0 { rows.every } else { 0 }));
            }
            let next = t.checked_add(rows.every);
            t = match next {
                Some(next) if next < rows.range.end => next,
                _ => {
                    self.block = block;
                    return Ok(next);
                }
            };
        }
    }

    /// Prepares rows written from the pieces, the first of them at iteration `t`: the text up to
    /// the first number worked out per row is kept as one odometer row (holding the iteration,
    /// when it comes first), so that only the rest is written piece by piece.
    fn prepare(&mut self, t: u64) {
        self.iteration.set(t);
        self.template = Template::Pieces;
        let pieces = &self.parts.pieces;
        let Some(split) = pieces.iter().position(|p| matches!(p, Piece::Number(_))) else {
            return;
        };
        if pieces[split..]
            .iter()
            .any(|p| matches!(p, Piece::Iteration))
        {
            return;
        }
        let text = &self.parts.text;
        let counting = match shape_of(&pieces[..split]) {
            Shape::Fixed(row) => {
                self.row.reset(&text[row], b"", b"");
                false
            }
            Shape::Counting(prefix, suffix) => {
                self.row
                    .reset(&text[prefix], self.iteration.digits(), &text[suffix]);
                true
            }
            Shape::General => return,
        };
        self.template = match pieces[split..] {
            [Piece::Number(number), Piece::Text(ref close)] => Template::OneNumber {
                number,
                close: close.clone(),
                counting,
            },
            _ => Template::Split { split, counting },
        };
    }

    /// Writes the row of iteration `t` from the prepared pieces, with the lrs in `self.lrs`.
    #[inline]
    fn write_prepared(&mut self, writer: &mut RowWriter, t: u64) {
        let buffer = &mut writer.buffer;
        let pieces = match self.template {
            Template::OneNumber {
                number,
                ref close,
                counting,
            } => {
                buffer.extend_from_slice(self.row.bytes());
                push_float(buffer, number.value(&self.lrs, t));
                buffer.extend_from_slice(&self.parts.text[close.clone()]);
                if counting {
                    self.row.advance(self.every);
                }
                return;
            }
            Template::Split { split, counting } => {
                buffer.extend_from_slice(self.row.bytes());
                if counting {
                    self.row.advance(self.every);
                }
                &self.parts.pieces[split..]
            }
            Template::Pieces => &self.parts.pieces[..],
        };
        for piece in pieces {
            match *piece {
                Piece::Text(ref range) => buffer.extend_from_slice(&self.parts.text[range.clone()]),
                Piece::Iteration => buffer.extend_from_slice(self.iteration.digits()),
                Piece::Number(number) => push_float(buffer, number.value(&self.lrs, t)),
            }
        }
        if let Template::Pieces = self.template {
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
                let source = self.schedules[schedule];
                // Every row of the run in turn; with `every` > 1, each row's value on its own,
                // so that a huge `--every` costs a row, not every iteration skipped.
                let values = match self.every {
                    1 => source.values(run.start, run.end),
                    every => Box::new(run.clone().step_by(every as usize).map(move |t| {
                        let mut row = source.values(t, t + 1);
                        row.next().expect("a schedule's values() cover the segment")
                    })),
                };
                self.ramps.push(Ramp { schedule, values });
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
                Column::Epoch { iters_per_epoch } => parts.push(Piece::Number(Number::Epoch {
                    iters_per_epoch: iters_per_epoch as f64,
                })),
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
                    Some(_) => parts.push(Piece::Number(Number::Lr(s))),
                },
                Column::Factor(s) => {
                    let base_lr = self.schedules[s].params().base_lr;
                    match segments[s] {
                        None => parts.push_text(missing),
                        Some(Segment {
                            constant_lr: Some(lr),
                            ..
                        }) if !stepping => parts.push_with(|text| push_float(text, lr / base_lr)),
                        Some(_) => parts.push(Piece::Number(Number::Factor {
                            schedule: s,
                            base_lr,
                        })),
                    }
                }
            }
            parts.push_text(layout.cell_close[index].as_bytes());
        }
        parts.push_text(layout.row_close.as_bytes());
    }
}

/// How the rows of a run are written from its pieces (see [`Runs::prepare`]).
#[derive(Debug)]
enum Template {
    /// Piece by piece, the iteration from [`Runs::iteration`].
    Pieces,
    /// [`Runs::row`], then the pieces from `split` on; `counting`: the row holds the iteration.
    Split { split: usize, counting: bool },
    /// [`Runs::row`], one number, then the text at `close`: the common case.
    OneNumber {
        number: Number,
        close: Range<usize>,
        counting: bool,
    },
}
