//! Streams a per-iteration table of one or more schedules through a [`Format`].
//!
//! It walks the schedules' segments rather than the milestone lists: within a run where every
//! schedule's segment is constant, each lr, phase and factor is formatted once and only the
//! iteration number changes from row to row.

use std::io::{self, Write};
use std::ops::Range;

use super::{Format, Layout};
use crate::schedule::{Schedule, Segment};

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

/// A column's cell over a run of rows: the same text for every row, or worked out per row.
enum RunCell {
    Fixed(Vec<u8>),
    Iteration,
    Epoch(f64),
    Lr(usize),
    Factor(usize),
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

pub fn write_rows(
    out: &mut dyn Write,
    format: &dyn Format,
    headers: &[String],
    columns: &[Column],
    schedules: &[&dyn Schedule],
    rows: &Rows,
) -> io::Result<()> {
    assert!(rows.every >= 1, "every is validated to be >= 1");
    let layout: Layout = format.layout(headers);
    out.write_all(layout.header.as_bytes())?;

    let mut cursors: Vec<Cursor> = schedules
        .iter()
        .map(|s| {
            let mut segments = s.segments();
            let current = segments.next();
            Cursor { segments, current }
        })
        .collect();
    let mut number = ryu::Buffer::new();
    let mut integer = itoa::Buffer::new();
    let mut first_row = true;
    let mut t = rows.range.start;
    while t < rows.range.end {
        let segments: Vec<Option<Segment>> = cursors.iter_mut().map(|c| c.seek(t)).collect();
        // The run ends where any schedule's segment ends (or the table does).
        let run_end = segments
            .iter()
            .filter_map(|s| s.map(|s| s.end))
            .fold(rows.range.end, u64::min);
        let cells: Vec<RunCell> = columns
            .iter()
            .map(|column| run_cell(*column, &segments, schedules, format, &mut number))
            .collect();
        // Per-row values of ramping schedules, stepped in order.
        let mut ramps: Vec<Option<Box<dyn Iterator<Item = f64>>>> = segments
            .iter()
            .zip(schedules)
            .map(|(segment, schedule)| match segment {
                Some(s) if s.constant_lr.is_none() => Some(schedule.values(t, run_end)),
                _ => None,
            })
            .collect();
        let mut lrs: Vec<f64> = vec![0.0; schedules.len()];
        let mut skip = 0;
        while t < run_end {
            for (lr, ramp) in lrs.iter_mut().zip(ramps.iter_mut()) {
                if let Some(values) = ramp {
                    *lr = values.nth(skip).expect("values covers the run");
                }
            }
            skip = (rows.every - 1) as usize;
            let open = if first_row {
                &layout.first_row_open
            } else {
                &layout.row_open
            };
            first_row = false;
            out.write_all(open.as_bytes())?;
            for (index, cell) in cells.iter().enumerate() {
                out.write_all(layout.cell_open[index].as_bytes())?;
                match cell {
                    RunCell::Fixed(text) => out.write_all(text)?,
                    RunCell::Iteration => out.write_all(integer.format(t).as_bytes())?,
                    RunCell::Epoch(per_epoch) => {
                        out.write_all(number.format(t as f64 / per_epoch).as_bytes())?
                    }
                    RunCell::Lr(s) => out.write_all(number.format(lrs[*s]).as_bytes())?,
                    RunCell::Factor(s) => out.write_all(
                        number
                            .format(lrs[*s] / schedules[*s].params().base_lr)
                            .as_bytes(),
                    )?,
                }
                out.write_all(layout.cell_close[index].as_bytes())?;
            }
            out.write_all(layout.row_close.as_bytes())?;
            t = t.saturating_add(rows.every);
        }
    }
    out.write_all(layout.footer.as_bytes())
}

fn run_cell(
    column: Column,
    segments: &[Option<Segment>],
    schedules: &[&dyn Schedule],
    format: &dyn Format,
    number: &mut ryu::Buffer,
) -> RunCell {
    let schedule_index = match column {
        Column::Iteration => return RunCell::Iteration,
        Column::Epoch { iters_per_epoch } => return RunCell::Epoch(iters_per_epoch as f64),
        Column::Lr(s) | Column::Phase(s) | Column::Factor(s) => s,
    };
    let Some(segment) = segments[schedule_index] else {
        return RunCell::Fixed(format.missing_cell().as_bytes().to_vec());
    };
    let base_lr = schedules[schedule_index].params().base_lr;
    match (column, segment.constant_lr) {
        (Column::Phase(_), _) => {
            RunCell::Fixed(format.text_cell(&segment.phase.to_string()).into_bytes())
        }
        (Column::Lr(_), Some(lr)) => RunCell::Fixed(number.format(lr).as_bytes().to_vec()),
        (Column::Factor(_), Some(lr)) => {
            RunCell::Fixed(number.format(lr / base_lr).as_bytes().to_vec())
        }
        (Column::Lr(s), None) => RunCell::Lr(s),
        (_, None) => RunCell::Factor(schedule_index),
        (Column::Iteration | Column::Epoch { .. }, _) => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Csv, Json};
    use crate::schedule::{Params, WarmupMultiStep};

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
}
