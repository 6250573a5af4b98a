//! `lrsched table`'s rows: a per-iteration table of one or more schedules, streamed through the
//! [`RowWriter`].
//!
//! It walks the schedules' segments in order rather than evaluating or searching anything per
//! row, so the cost of a row does not depend on how many milestones there are; `--start` and a
//! large `--every` start a schedule's segments over at the row (`Schedule::segments_from`)
//! instead of walking to it. The table is cut
//! into runs over which no cell changes but the iteration (and a ramping lr or the epoch):
//! consecutive segments that write the same cells (the same lr bits, and the same phase if it
//! is shown) make one run, so a schedule that has decayed to 0.0 and goes on "decaying" every
//! step does not cut the table into single rows. Within a run every constant cell is formatted
//! once, and rows that differ only in their iteration number are repeated by the odometer
//! (odometer.rs); rows with a number worked out per row are written from pieces (pieces.rs)
//! prepared once per run (runs.rs), and so are rows of a schedule that decays at every step.
//! `bench/run.sh` measures all this (docs/performance.md).

use std::io::{self, Write};
use std::ops::Range;

use super::Format;
use super::runs::Runs;
use super::writer::RowWriter;
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
        .map(|(index, s)| {
            let shows = |column| columns.contains(&column);
            Cursor {
                shows_phase: shows(Column::Phase(index)),
                shows_lr: shows(Column::Lr(index)) || shows(Column::Factor(index)),
                ..Cursor::new(*s, rows.range.start)
            }
        })
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
            next = table.step(&mut writer, &segments, t, rows, out)?;
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
    for _ in 0..MAX_ABSORBED {
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
    // Cut here: the next run goes on with the same cells, so the rows are the same, and the
    // first row of a table that decays to 0.0 at every step does not wait for the last one.
    cursors
        .iter()
        .filter_map(|c| c.current.map(|s| s.end))
        .fold(table_end, u64::min)
}

/// The most segments one run absorbs (see [`run_end`]).
const MAX_ABSORBED: usize = 1 << 16;
/// The most segments a cursor steps through to reach an iteration; past that it starts the
/// schedule's segments over from the iteration (`Schedule::segments_from`).
const MAX_STEPPED: usize = 4;

/// Per-schedule position in its segment list.
pub(super) struct Cursor<'a> {
    schedule: &'a dyn Schedule,
    segments: Box<dyn Iterator<Item = Segment> + 'a>,
    /// The segment after `current`, once looked at.
    following: Option<Segment>,
    /// The segment holding the current iteration (stretched over the following segments that
    /// write the same cells); None past the schedule's last iteration.
    pub(super) current: Option<Segment>,
    /// Whether the table shows this schedule's phase, and its lr (or factor): what makes a
    /// following segment a change of cells.
    shows_phase: bool,
    shows_lr: bool,
}

impl<'a> Cursor<'a> {
    /// A cursor at the segment holding `t`, for a table that shows the schedule's phase and lr.
    fn new(schedule: &'a dyn Schedule, t: u64) -> Self {
        let mut segments = schedule.segments_from(t);
        let current = segments.next();
        Cursor {
            schedule,
            segments,
            following: None,
            current,
            shows_phase: true,
            shows_lr: true,
        }
    }

    /// Moves to the segment holding `t`: the next few by stepping, a farther one (a large
    /// `--every`) by starting the segments over from `t`.
    pub(super) fn seek(&mut self, t: u64) {
        for _ in 0..MAX_STEPPED {
            match self.current {
                Some(segment) if t >= segment.end => {
                    self.current = match self.following.take() {
                        None => self.segments.next(),
                        following => following,
                    };
                }
                _ => return,
            }
        }
        if self.current.is_some_and(|segment| t >= segment.end) {
            self.segments = self.schedule.segments_from(t);
            self.following = None;
            self.current = self.segments.next();
        }
    }

    /// Stretches the current segment over the next one if that writes the same cells; false if
    /// it does not (or there is none).
    fn absorb_next(&mut self) -> bool {
        let Some(current) = &mut self.current else {
            return false;
        };
        let same_lr = |next: &Segment| match (current.constant_lr, next.constant_lr) {
            (Some(lr), Some(next)) => lr.to_bits() == next.to_bits(),
            // A ramp's lr changes from row to row.
            _ => false,
        };
        let same = |next: &Segment| {
            (!self.shows_lr || same_lr(next)) && (!self.shows_phase || next.phase == current.phase)
        };
        if self.following.is_none() {
            self.following = self.segments.next();
        }
        match self.following.take_if(|next| same(next)) {
            Some(next) => {
                current.end = next.end;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::writer::CHUNK_BYTES;
    use crate::output::table::{Csv, Json, JsonLines};
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

    /// A schedule in the style of the recursive frameworks: lrs come from `values()` and
    /// `constant_lr`; `lr()` must never be needed for a table.
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

        fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
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
                .into_iter()
                .filter(move |s| s.end > from)
                .map(move |s| Segment {
                    start: s.start.max(from),
                    ..s
                }),
            )
        }

        fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
            // lr at every iteration, as the trait asks: the ramp, then the constant.
            Box::new((start..end).map(|t| if t < 4 { 0.125 * (t + 1) as f64 } else { 0.5 }))
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
        let every_step = Maskrcnn::new(Params {
            decay: Decay::StepSize(1),
            gamma: 0.9,
            warmup_iters: 3,
            iters: 400,
            ..Params::default()
        });
        let short = Maskrcnn::new(Params {
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
    fn iteration_after_a_ramping_lr() {
        let s = Maskrcnn::new(Params::default());
        let text = render(
            &Json,
            &[Column::Lr(0), Column::Iteration],
            &[&s],
            Rows {
                range: 5..12,
                every: 1,
            },
        );
        let expected: Vec<String> = (5..12)
            .map(|t| {
                format!(
                    "{{\"c0\":{},\"c1\":{t}}}",
                    ryu::Buffer::new().format(s.lr(t))
                )
            })
            .collect();
        assert_eq!(text, format!("[\n{}\n]\n", expected.join(",\n")));
    }

    #[test]
    fn segments_with_the_same_cells_are_one_run() {
        // gamma 1e-200: the lr is 0.0 from the second decay on, and stays 0.0 at each later one.
        let reference = Maskrcnn::new(Params::default());
        let vanishing = Maskrcnn::new(Params {
            decay: Decay::StepSize(1),
            gamma: 1e-200,
            warmup_iters: 0,
            iters: 1000,
            ..Params::default()
        });
        let cursor = |shows_phase| Cursor {
            shows_phase,
            ..Cursor::new(&vanishing, 0)
        };
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
        let mut cursors = [cursor(false), Cursor::new(&reference, 0)];
        assert_eq!(run_end(&mut cursors, 2, 1000), 10);
        assert_eq!(run_end(&mut cursors, 10, 1000), 50);
        assert_eq!(run_end(&mut cursors, 100, 1000), 150);
        assert_eq!(run_end(&mut cursors, 150, 1000), 1000);
        // A schedule whose lr and phase are not shown never ends a run.
        let mut hidden = [Cursor {
            shows_phase: false,
            shows_lr: false,
            ..Cursor::new(&reference, 0)
        }];
        assert_eq!(run_end(&mut hidden, 0, 150), 150);

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
    fn far_rows_are_reached_by_seeking() {
        // A phase per iteration over nearly 2^64 iterations: walking to the rows would never end.
        let s = Maskrcnn::new(Params {
            decay: Decay::StepSize(1),
            gamma: 0.9999999,
            iters: u64::MAX,
            ..Params::default()
        });
        let rows = Rows {
            range: 1_000_000_000_000_000_000..u64::MAX,
            every: 4_000_000_000_000_000_000,
        };
        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0), Column::Phase(0)],
            &[&s],
            rows,
        );
        let expected: Vec<String> = [1, 5, 9, 13, 17]
            .iter()
            .map(|k| {
                let t = k * 1_000_000_000_000_000_000u64;
                format!("{t},{},decay{}", ryu::Buffer::new().format(s.lr(t)), t - 10)
            })
            .collect();
        assert_eq!(text, format!("c0,c1,c2\n{}\n", expected.join("\n")));
    }

    #[test]
    fn a_huge_every_over_a_ramp_takes_each_row_alone() {
        // A warmup of 10^18 iterations, a row every 10^17: stepping through the iterations
        // between rows would never end.
        let s = Maskrcnn::new(Params {
            decay: Decay::Milestones(vec![]),
            warmup_iters: 1_000_000_000_000_000_000,
            iters: 1_000_000_000_000_000_000,
            ..Params::default()
        });
        let every = 100_000_000_000_000_000;
        let text = render(
            &csv(),
            &[Column::Iteration, Column::Lr(0)],
            &[&s],
            Rows {
                range: 3..s.params().iters,
                every,
            },
        );
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 10);
        for (k, row) in rows.iter().enumerate() {
            let t = 3 + k as u64 * every;
            assert_eq!(*row, format!("{t},{}", ryu::Buffer::new().format(s.lr(t))));
        }
    }

    #[test]
    fn runs_absorb_a_bounded_number_of_segments() {
        // Decayed to 0.0 by iteration 2, then "decaying" at every step until u64::MAX: the first
        // run is cut, rather than walking 2^64 segments before its first row.
        let vanishing = Maskrcnn::new(Params {
            decay: Decay::StepSize(1),
            gamma: 1e-200,
            warmup_iters: 0,
            iters: u64::MAX,
            ..Params::default()
        });
        let mut cursors = [Cursor {
            shows_phase: false,
            ..Cursor::new(&vanishing, 2)
        }];
        let end = run_end(&mut cursors, 2, u64::MAX);
        // Its own segment, [2, 3), and MAX_ABSORBED more.
        assert_eq!(end, 3 + MAX_ABSORBED as u64);
        let text = render(
            &csv(),
            &[Column::Lr(0)],
            &[&vanishing],
            Rows {
                range: end - 2..end + 2,
                every: 1,
            },
        );
        assert_eq!(text, "c0\n0.0\n0.0\n0.0\n0.0\n");
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
