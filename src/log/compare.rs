//! A log against a schedule, point by point as the log is read, in constant memory: the points
//! are summarised as runs (maximal stretches that agree or differ, at one stride), and the
//! known mistakes (`diagnose`) are tried alongside.
//!
//! A step lower than the one before is a restart of the log (a resumed run writing again from
//! its checkpoint, or TensorBoard's next event file): as TensorBoard does, its points replace
//! those logged from that step on, so the runs are cut back to it.

use super::diagnose::{Diagnosis, Hypotheses};
use super::{Description, LogError, Point, Points, Precision};
use crate::schedule::NamedSchedule;

/// Differing ranges kept apart; past this many, the rest count as one.
const RANGES_KEPT: usize = 10_000;
/// Restarts of the log listed in the report.
const RESTARTS_KEPT: usize = 16;

/// A logged value that disagrees with the schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub iteration: u64,
    pub expected: f64,
    pub logged: f64,
    /// Where it was read, in words (`line 12`).
    pub at: String,
}

/// A stretch of logged iterations, `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub first: u64,
    pub last: u64,
    pub points: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Agree,
    Differ,
}

/// Everything the report says about one log.
#[derive(Debug)]
pub struct Comparison {
    pub description: Description,
    /// Points compared (after replacements), and their iterations.
    pub points: u64,
    pub span: Option<(u64, u64)>,
    /// The usual distance between logged iterations, and the larger gaps.
    pub every: Option<u64>,
    pub gaps: u64,
    pub largest_gap: Option<(u64, u64)>,
    pub smallest_gap: Option<u64>,
    /// Where the log went back, and the line or record, in words.
    pub restarts: Vec<(u64, String)>,
    pub past_end: u64,
    pub verdict: Verdict,
    /// Every agreeing value was the expected f64 itself.
    pub bit_identical: bool,
    /// How precise the logged values are (the first point's).
    pub precision: Option<Precision>,
    pub differing: u64,
    pub ranges: Vec<Range>,
    pub first_difference: Option<Difference>,
    pub diagnoses: Vec<Diagnosis>,
    /// The hypotheses tried, in words, for a difference that none explains.
    pub tried: Vec<String>,
}

/// How close a logged value must be: the source's precision, or `--rtol`.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    pub rtol: Option<f64>,
}

impl Tolerance {
    pub fn agrees(self, expected: f64, logged: f64, precision: Precision) -> bool {
        if expected == logged {
            return true;
        }
        let difference = (expected - logged).abs();
        match (self.rtol, precision) {
            (Some(rtol), _) => difference <= rtol * expected.abs(),
            (None, Precision::Exact) => false,
            (None, Precision::Float32) => difference <= expected.abs() * f64::powi(2.0, -24),
            // The printed digits, with room for the rounding of the subtraction.
            (None, Precision::HalfUnit(half)) => difference <= half * (1.0 + 1e-9),
        }
    }
}

/// A run of points that all agree or all differ, evenly spaced.
#[derive(Clone, Debug)]
struct Run {
    first: u64,
    last: u64,
    /// 0 while the run has one point.
    stride: u64,
    points: u64,
    /// The points that differ: all or none, but in the run that takes in the rest.
    differing: u64,
    agree: bool,
    first_difference: Option<Difference>,
}

impl Run {
    /// The run cut to the iterations below `step`, if any are left.
    fn before(&self, step: u64) -> Option<Run> {
        let mut run = self.clone();
        if run.first >= step {
            return None;
        }
        if run.last >= step {
            let kept = (step - 1 - run.first) / run.stride.max(1);
            run.differing = run.differing.min(kept + 1);
            run.points = kept + 1;
            run.last = run.first + kept * run.stride;
        }
        Some(run)
    }
}

/// Reads `log` to its end and compares every point with `spec`.
pub fn compare(
    log: &mut dyn Points,
    spec: &NamedSchedule,
    tolerance: Tolerance,
) -> Result<Comparison, LogError> {
    let schedule = spec.schedule.as_ref();
    let iters = schedule.params().iters;
    let mut hypotheses = Hypotheses::new(spec, tolerance);
    let mut runs: Vec<Run> = Vec::new();
    let mut previous: Option<Point> = None;
    let mut every = None;
    let mut gaps = 0;
    let mut largest_gap: Option<(u64, u64)> = None;
    let mut smallest_gap: Option<u64> = None;
    let mut restarts = Vec::new();
    let mut inexact = false;
    let mut precision = None;
    while let Some(point) = log.next_point()? {
        if let Some(before) = previous {
            if point.iteration == before.iteration {
                if point.lr.to_bits() == before.lr.to_bits() {
                    continue;
                }
                return Err(LogError::at(
                    log.file(),
                    point.place,
                    format!(
                        "iteration {} is logged twice with different lr: {} at {}, then {}",
                        point.iteration,
                        before.lr,
                        log.place_words(before.place),
                        point.lr
                    ),
                ));
            }
            if point.iteration < before.iteration {
                if restarts.len() < RESTARTS_KEPT {
                    restarts.push((point.iteration, log.place_words(point.place)));
                }
                runs = runs
                    .iter()
                    .filter_map(|r| r.before(point.iteration))
                    .collect();
                hypotheses.restart_log(point.iteration);
            } else {
                let gap = point.iteration - before.iteration;
                smallest_gap = Some(smallest_gap.map_or(gap, |s| s.min(gap)));
                match every {
                    None => every = Some(gap),
                    Some(usual) if gap != usual => {
                        gaps += 1;
                        if largest_gap.is_none_or(|(a, b)| b - a < gap) {
                            largest_gap = Some((before.iteration, point.iteration));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        previous = Some(point);
        precision.get_or_insert(point.precision);
        let expected = schedule.lr(point.iteration);
        let agree = tolerance.agrees(expected, point.lr, point.precision);
        inexact |= agree && expected.to_bits() != point.lr.to_bits();
        let difference = (!agree).then(|| Difference {
            iteration: point.iteration,
            expected,
            logged: point.lr,
            at: log.place_words(point.place),
        });
        let last_agreeing = runs.last().filter(|r| r.agree).map(|r| r.last);
        if !agree && runs.iter().all(|r| r.differing == 0) {
            hypotheses.first_difference(point.iteration, point.lr, point.precision, last_agreeing);
        }
        hypotheses.check(point.iteration, point.lr, expected, point.precision);
        push(&mut runs, point.iteration, agree, difference);
    }
    let points = runs.iter().map(|r| r.points).sum();
    let differing: u64 = runs.iter().map(|r| r.differing).sum();
    let past_end = runs
        .iter()
        .map(|r| r.points - r.before(iters).map_or(0, |kept| kept.points))
        .sum();
    let first_difference = runs.iter().find_map(|r| r.first_difference.clone());
    let (diagnoses, tried) = if differing > 0 {
        hypotheses.conclude()
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Comparison {
        description: log.describe(),
        points,
        span: runs
            .first()
            .zip(runs.last())
            .map(|(a, b)| (a.first, b.last)),
        every,
        gaps,
        largest_gap,
        smallest_gap,
        restarts,
        past_end,
        verdict: if differing == 0 {
            Verdict::Agree
        } else {
            Verdict::Differ
        },
        bit_identical: !inexact,
        precision,
        differing,
        ranges: runs
            .iter()
            .filter(|r| r.differing > 0)
            .map(|r| Range {
                first: r.first,
                last: r.last,
                points: r.differing,
            })
            .collect(),
        first_difference,
        diagnoses,
        tried,
    })
}

/// Adds a point to the runs: to the last one when it continues it, else as a new run. Past
/// [`RANGES_KEPT`] runs the last one takes in the rest, unevenly spaced: cut back by a later
/// restart of the log, it is counted as if even.
fn push(runs: &mut Vec<Run>, iteration: u64, agree: bool, difference: Option<Difference>) {
    let full = runs.len() >= RANGES_KEPT;
    if let Some(last) = runs.last_mut() {
        let stride = iteration - last.last;
        let same = last.agree == agree || full;
        if same && (last.points == 1 || last.stride == stride || full) {
            last.stride = if last.points == 1 {
                stride
            } else {
                last.stride
            };
            last.last = iteration;
            last.points += 1;
            last.differing += u64::from(!agree);
            last.agree &= agree;
            return;
        }
    }
    runs.push(Run {
        first: iteration,
        last: iteration,
        stride: 0,
        points: 1,
        differing: u64::from(!agree),
        agree,
        first_difference: difference,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_of(points: &[(u64, bool)]) -> Vec<(u64, u64, u64, bool)> {
        let mut runs = Vec::new();
        for &(t, agree) in points {
            push(&mut runs, t, agree, None);
        }
        runs.iter()
            .map(|r| (r.first, r.last, r.points, r.agree))
            .collect()
    }

    #[test]
    fn runs_break_on_verdict_and_stride() {
        let got = runs_of(&[
            (19, true),
            (39, true),
            (59, true),
            (79, false),
            (99, false),
            (200, false),
        ]);
        assert_eq!(
            got,
            [(19, 59, 3, true), (79, 99, 2, false), (200, 200, 1, false)]
        );
    }

    #[test]
    fn a_restart_cuts_runs_back() {
        let mut runs = Vec::new();
        for t in (19..1000).step_by(20) {
            push(&mut runs, t, true, None);
        }
        let cut = runs[0].before(500).unwrap();
        assert_eq!((cut.first, cut.last, cut.points), (19, 499, 25));
        assert!(runs[0].before(19).is_none());
        assert_eq!(runs[0].before(20).unwrap().points, 1);
    }

    #[test]
    fn tolerances() {
        let exact = Tolerance { rtol: None };
        assert!(exact.agrees(0.1, 0.1, Precision::Exact));
        assert!(!exact.agrees(0.1, 0.1 + 1e-17, Precision::Exact));
        assert!(exact.agrees(0.002, 0.002f32 as f64, Precision::Float32));
        assert!(!exact.agrees(0.002, 0.002 * (1.0 + 1e-6), Precision::Float32));
        assert!(!exact.agrees(1.98e-3, 1.982e-3, Precision::HalfUnit(5e-8)));
        assert!(exact.agrees(1.98203e-3, 1.982e-3, Precision::HalfUnit(5e-8)));
        let loose = Tolerance { rtol: Some(1e-3) };
        assert!(loose.agrees(1.0, 1.0009, Precision::Exact));
        assert!(!loose.agrees(1.0, 1.002, Precision::Exact));
    }
}
