//! A log read whole into a compact curve, for `fit` and `plot --log` (docs/verify.md): the
//! points as runs of one lr at one stride, so that a long constant phase costs one entry
//! whatever its length. A restart of the log replaces the points from its step on, as in
//! `compare`.

use super::{Description, LogError, Points, Precision};

/// Most runs kept: a curve that changes at more logged points than this is no step schedule,
/// and a plot draws far fewer. Past it the points are counted, not kept.
pub const RUNS_KEPT: usize = 200_000;

/// Logged points with one lr, evenly spaced: `first`, `first + stride`, … (`points` of them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Run {
    pub first: u64,
    /// 0 while the run has one point.
    pub stride: u64,
    pub points: u64,
    pub lr: f64,
    /// How precise the logged value is (text printed to fixed digits: by its magnitude).
    pub precision: Precision,
}

impl Run {
    pub fn last(&self) -> u64 {
        self.first + self.stride * (self.points - 1)
    }

    /// Every logged iteration of the run.
    pub fn iterations(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.points).map(move |i| self.first + i * self.stride)
    }

    /// The run cut to the iterations below `step`, if any are left.
    fn before(&self, step: u64) -> Option<Run> {
        if self.first >= step {
            return None;
        }
        let mut run = *self;
        if run.last() >= step {
            run.points = (step - 1 - run.first) / run.stride.max(1) + 1;
        }
        Some(run)
    }
}

/// A whole log, in iteration order, after its restarts.
#[derive(Debug)]
pub struct Curve {
    pub description: Description,
    pub runs: Vec<Run>,
    /// How precise the logged values are (the first point's).
    pub precision: Precision,
    /// Points read past [`RUNS_KEPT`] runs, not kept.
    pub dropped: u64,
    /// Iterations where the log went back, replacing what it had logged from there.
    pub restarts: Vec<u64>,
}

impl Curve {
    pub fn points(&self) -> u64 {
        self.runs.iter().map(|r| r.points).sum()
    }

    /// Every kept point, `(iteration, lr)`, in order.
    pub fn each(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        self.runs
            .iter()
            .flat_map(|run| run.iterations().map(move |t| (t, run.lr)))
    }
}

/// Reads `log` to its end; an iteration logged twice with different lr is an error, as in
/// `verify`.
pub fn read_curve(log: &mut dyn Points) -> Result<Curve, LogError> {
    let mut runs: Vec<Run> = Vec::new();
    let mut previous: Option<super::Point> = None;
    let mut precision = None;
    let mut dropped = 0;
    let mut restarts = Vec::new();
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
                runs = runs
                    .iter()
                    .filter_map(|r| r.before(point.iteration))
                    .collect();
                restarts.push(point.iteration);
                restarts.truncate(16);
            }
        }
        previous = Some(point);
        precision.get_or_insert(point.precision);
        if let Some(last) = runs.last_mut() {
            let stride = point.iteration - last.last();
            if last.lr.to_bits() == point.lr.to_bits()
                && (last.points == 1 || last.stride == stride)
            {
                last.stride = stride;
                last.points += 1;
                continue;
            }
        }
        if runs.len() >= RUNS_KEPT {
            dropped += 1;
            continue;
        }
        runs.push(Run {
            first: point.iteration,
            stride: 0,
            points: 1,
            lr: point.lr,
            precision: point.precision,
        });
    }
    Ok(Curve {
        description: log.describe(),
        runs,
        precision: precision.unwrap_or(Precision::Exact),
        dropped,
        restarts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::written;
    use crate::log::{ReadOptions, open};

    fn curve_of(text: &str) -> Curve {
        let file = written("lr.csv", text);
        let mut log = open(file.path(), &ReadOptions::default()).unwrap();
        read_curve(log.as_mut()).unwrap()
    }

    #[test]
    fn runs_of_one_lr_at_one_stride() {
        let curve = curve_of("iteration,lr\n0,0.1\n10,0.1\n20,0.1\n25,0.1\n30,0.2\n");
        let runs: Vec<(u64, u64, u64, f64)> = curve
            .runs
            .iter()
            .map(|r| (r.first, r.last(), r.points, r.lr))
            .collect();
        assert_eq!(runs, [(0, 20, 3, 0.1), (25, 25, 1, 0.1), (30, 30, 1, 0.2)]);
        assert_eq!(curve.points(), 5);
    }

    #[test]
    fn a_restart_replaces_the_points_from_its_step() {
        let curve = curve_of("iteration,lr\n0,0.1\n10,0.1\n20,0.1\n30,0.1\n15,0.5\n25,0.5\n");
        let points: Vec<(u64, f64)> = curve.each().collect();
        assert_eq!(points, [(0, 0.1), (10, 0.1), (15, 0.5), (25, 0.5)]);
        assert_eq!(curve.restarts, [15]);
    }
}
