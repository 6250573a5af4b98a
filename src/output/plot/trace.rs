//! The learning-rate curve as a polyline whose size depends on the drawing's resolution, never
//! on `iters` (see docs/performance.md, "plot").
//!
//! A schedule is a step function: lr holds over `[t, t + 1)`. The trace is a staircase through
//! it: a constant segment is one horizontal run, a decay one vertical drop at its boundary, and a
//! ramp (warmup) one step per iteration while iterations are wider than a pixel, else one step
//! per pixel with the segment's exact first and last values.

use crate::schedule::Schedule;

/// More segments than this many per pixel are below what can be drawn; past it the trace
/// samples the curve per pixel instead of walking every segment (a `step_size` of 1 over 10^8
/// iterations has 10^8 segments).
const SEGMENTS_PER_PIXEL: usize = 4;

/// Fewer pixels than this between decay markers, on average, and they would paint the chart
/// grey: past it markers are left out (the curve itself shows the decays).
const PIXELS_PER_MARKER: f64 = 4.0;

/// The curve of one schedule, x in iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Vertices `(iteration, lr)` of the staircase, from `(0, lr(0))` to `(iters, lr(iters-1))`.
    pub points: Vec<(f64, f64)>,
    /// Iterations at which another decay starts (milestone markers); empty when they are too
    /// dense to draw one by one.
    pub decays: Vec<u64>,
    /// End of the warmup span `[0, warmup_end)`, within `iters`.
    pub warmup_end: u64,
    pub iters: u64,
    /// Smallest and largest lr over the drawn points.
    pub min_lr: f64,
    pub max_lr: f64,
}

/// Traces `schedule` for a drawing `resolution` units wide (pixels, or braille dots).
pub fn trace(schedule: &dyn Schedule, resolution: u32) -> Trace {
    let params = schedule.params();
    let iters = params.iters;
    let resolution = resolution.max(1);
    let budget = (resolution as usize * SEGMENTS_PER_PIXEL).max(16);
    // `take` keeps this bounded: the segments iterator is lazy.
    let segments: Vec<_> = schedule.segments().take(budget + 1).collect();

    let mut steps = Staircase::default();
    let mut decays = Vec::new();
    if segments.len() <= budget {
        let mut decays_so_far = 0;
        for segment in &segments {
            if segment.phase.decays > decays_so_far {
                decays.push(segment.start);
            }
            decays_so_far = segment.phase.decays;
            match segment.constant_lr {
                Some(lr) => steps.hold(segment.start, lr),
                None => {
                    let pixels =
                        (segment.end - segment.start) as f64 * f64::from(resolution) / iters as f64;
                    let samples = sample_points(segment.start, segment.end, pixels.ceil() as u64);
                    if samples.len() as u64 == segment.end - segment.start {
                        // Every iteration: through `values`, which recursive dialects step
                        // through instead of re-deriving each value.
                        for (t, lr) in samples
                            .into_iter()
                            .zip(schedule.values(segment.start, segment.end))
                        {
                            steps.hold(t, lr);
                        }
                    } else {
                        for t in samples {
                            steps.hold(t, schedule.lr(t));
                        }
                    }
                }
            }
        }
        if decays.len() as f64 * PIXELS_PER_MARKER > f64::from(resolution) {
            decays.clear();
        }
    } else {
        // Too many segments: the step function per pixel column, plus the warmup's last and
        // first plain iterations where the curve peaks.
        let mut samples = sample_points(0, iters, u64::from(resolution) * 2);
        let warmup = params.warmup_iters;
        samples.extend(
            [warmup.saturating_sub(1), warmup]
                .into_iter()
                .filter(|&t| t < iters),
        );
        samples.sort_unstable();
        samples.dedup();
        for t in samples {
            steps.hold(t, schedule.lr(t));
        }
    }
    steps.finish(iters);

    let (min_lr, max_lr) = steps.points.iter().fold(
        (f64::INFINITY, f64::NEG_INFINITY),
        |(low, high), &(_, lr)| (low.min(lr), high.max(lr)),
    );
    Trace {
        points: steps.points,
        decays,
        warmup_end: params.warmup_iters.min(iters),
        iters,
        min_lr,
        max_lr,
    }
}

/// Iterations in `[start, end)` to evaluate: all of them if there are at most `count + 1`,
/// else `count + 1` evenly spread ones including `start` and `end - 1`.
fn sample_points(start: u64, end: u64, count: u64) -> Vec<u64> {
    let length = end - start;
    let count = count.max(1);
    if length <= count + 1 {
        return (start..end).collect();
    }
    let last = u128::from(length - 1);
    let mut samples: Vec<u64> = (0..=count)
        .map(|j| start + (last * u128::from(j) / u128::from(count)) as u64)
        .collect();
    samples.dedup();
    samples
}

/// Builds the staircase: each value holds from its iteration to the next one's.
#[derive(Default)]
struct Staircase {
    points: Vec<(f64, f64)>,
    held: Option<f64>,
}

impl Staircase {
    /// lr is `lr` from iteration `t` until the next call (or the end).
    fn hold(&mut self, t: u64, lr: f64) {
        let x = t as f64;
        match self.held {
            Some(previous) if previous == lr => return,
            Some(previous) => self.points.push((x, previous)),
            None => {}
        }
        self.points.push((x, lr));
        self.held = Some(lr);
    }

    fn finish(&mut self, iters: u64) {
        if let Some(lr) = self.held {
            self.points.push((iters as f64, lr));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Decay, Maskrcnn, Params};

    #[test]
    fn reference_example_is_an_exact_staircase() {
        let schedule = Maskrcnn::new(Params::default());
        let trace = trace(&schedule, 1200);
        // 150 iterations over 1200 pixels: every warmup iteration is its own step.
        let warmup_points = trace.points.iter().filter(|p| p.0 < 10.0).count();
        assert_eq!(warmup_points, 2 * 10 - 1);
        assert_eq!(trace.points[0], (0.0, 0.001));
        assert_eq!(trace.points[1], (1.0, 0.001));
        // The end: horizontal runs joined by vertical drops at the milestones.
        let tail = &trace.points[trace.points.len() - 6..];
        assert_eq!(
            tail,
            &[
                (10.0, 0.01),
                (50.0, 0.01),
                (50.0, 0.001),
                (100.0, 0.001),
                (100.0, 0.00010000000000000002),
                (150.0, 0.00010000000000000002),
            ]
        );
        assert_eq!(trace.decays, vec![50, 100]);
        assert_eq!(trace.warmup_end, 10);
        assert_eq!(trace.min_lr, 0.00010000000000000002);
        assert_eq!(trace.max_lr, 0.01);
    }

    #[test]
    fn long_warmup_is_sampled_per_pixel_with_exact_ends() {
        let schedule = Maskrcnn::new(Params {
            warmup_iters: 1_000_000,
            decay: Decay::Milestones(vec![]),
            iters: 2_000_000,
            ..Params::default()
        });
        let trace = trace(&schedule, 100);
        // Half the width is warmup: about 50 steps of two vertices each, plus the flat end.
        assert!(trace.points.len() <= 2 * 52 + 2, "{}", trace.points.len());
        let last_ramp = trace
            .points
            .iter()
            .rev()
            .find(|p| p.1 < 0.01)
            .copied()
            .unwrap();
        assert_eq!(last_ramp.1, schedule.lr(999_999));
        assert_eq!(trace.points.last(), Some(&(2_000_000.0, 0.01)));
    }

    #[test]
    fn size_does_not_grow_with_iters() {
        let small = trace(
            &Maskrcnn::new(Params {
                iters: 1000,
                ..Params::default()
            }),
            800,
        );
        let huge = trace(
            &Maskrcnn::new(Params {
                iters: 100_000_000,
                ..Params::default()
            }),
            800,
        );
        // Same milestones, so the same runs; the 10-iteration warmup is below a pixel at 10^8.
        assert!(huge.points.len() <= small.points.len());
        assert_eq!(huge.points.len(), 2 * 2 + 6);
    }

    #[test]
    fn more_segments_than_pixels_stays_bounded() {
        let schedule = Maskrcnn::new(Params {
            decay: Decay::StepSize(1),
            gamma: 0.999_999,
            iters: 100_000_000,
            ..Params::default()
        });
        let trace = trace(&schedule, 500);
        assert!(trace.points.len() <= 4 * 1000 + 8, "{}", trace.points.len());
        assert!(trace.decays.is_empty());
        assert_eq!(trace.points[0], (0.0, schedule.lr(0)));
        assert_eq!(
            trace.points.last(),
            Some(&(100_000_000.0, schedule.lr(99_999_999)))
        );
        // The warmup peak is a sample even though no pixel column starts there.
        assert_eq!(trace.max_lr, schedule.lr(10));
    }

    #[test]
    fn dense_markers_are_left_out() {
        let schedule = Maskrcnn::new(Params {
            decay: Decay::StepSize(10),
            gamma: 0.99,
            iters: 10_000,
            ..Params::default()
        });
        let trace = trace(&schedule, 1000);
        assert!(trace.decays.is_empty());
        // But every decay is still drawn: the segments fit the budget.
        assert_eq!(trace.points.last(), Some(&(10_000.0, schedule.lr(9_999))));
        assert_eq!(trace.min_lr, schedule.lr(9_999));
    }

    #[test]
    fn sample_points_spread_and_keep_ends() {
        assert_eq!(sample_points(5, 8, 10), vec![5, 6, 7]);
        assert_eq!(sample_points(0, 101, 4), vec![0, 25, 50, 75, 100]);
        assert_eq!(
            sample_points(0, u64::MAX, 2),
            vec![0, u64::MAX / 2, u64::MAX - 1]
        );
    }
}
