//! Learning rates that a framework updates in place, one step at a time.
//!
//! PyTorch's chainable schedulers, mmengine's and MXNet's `MultiFactorScheduler` multiply the
//! current lr instead of recomputing it from the base, so the value at iteration t is a fold over
//! every step up to t and carries the framework's rounding. A [`Recurrence`] says what one step
//! does; [`Checkpoints`] keeps a bounded number of (iteration, lr) pairs so that `lr(t)` steps
//! from the nearest one instead of from 0, whatever the length of the warmup.

/// One framework's in-place update rule.
pub(crate) trait Recurrence {
    /// The lr at iteration 0 (after construction).
    fn initial(&self) -> f64;
    /// Every step in `1..=ramp_end` may change the lr (a recursive warmup); 0 for none.
    fn ramp_end(&self) -> u64;
    /// The lr after step `t` (t >= 1), given the lr after step `t - 1`. Identity where nothing
    /// happens.
    fn step(&self, t: u64, lr: f64) -> f64;
    /// The first step after `t` (t >= `ramp_end`) at which `step` may change the lr.
    fn next_change(&self, t: u64) -> Option<u64>;
}

/// At most this many checkpoints in each list: a few tens of KB whatever the schedule.
const MAX_CHECKPOINTS: usize = 4096;
/// Ramp steps between checkpoints, to start with.
const RAMP_STRIDE: u64 = 256;

/// (iteration, lr) pairs taken every `stride`-th update; when they outgrow the bound, every
/// other one is dropped and the stride doubles.
struct Sampled {
    points: Vec<(u64, f64)>,
    stride: u64,
    since_last: u64,
}

impl Sampled {
    fn new(stride: u64) -> Self {
        Sampled {
            points: Vec::new(),
            stride,
            since_last: 0,
        }
    }

    fn update(&mut self, t: u64, lr: f64) {
        self.since_last += 1;
        if self.since_last < self.stride {
            return;
        }
        self.points.push((t, lr));
        self.since_last = 0;
        if self.points.len() > MAX_CHECKPOINTS {
            // MAX_CHECKPOINTS is even: the point just pushed has an even index and is kept.
            let mut index = 0;
            self.points.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.stride *= 2;
        }
    }

    /// The last point at or before `t`.
    fn before(&self, t: u64) -> Option<(u64, f64)> {
        let index = self.points.partition_point(|&(at, _)| at <= t);
        index.checked_sub(1).map(|i| self.points[i])
    }
}

/// The lr along the ramp every few hundred steps, and after every change past it while the
/// changes are few (every few after that): `lr(t)` steps from the nearest point.
pub(crate) struct Checkpoints {
    ramp: Sampled,
    changes: Sampled,
}

impl Checkpoints {
    /// Runs the recurrence once over the ramp and the later changes, up to iteration `limit`.
    pub fn new(rule: &impl Recurrence, limit: u64) -> Self {
        let mut ramp = Sampled::new(RAMP_STRIDE);
        let mut changes = Sampled::new(1);
        let (mut t, mut lr) = (0, rule.initial());
        ramp.points.push((t, lr));
        let ramp_stop = rule.ramp_end().min(limit);
        while t < ramp_stop {
            t += 1;
            lr = rule.step(t, lr);
            ramp.update(t, lr);
        }
        if t == rule.ramp_end() {
            changes.points.push((t, lr));
            while let Some(next) = rule.next_change(t).filter(|&next| next < limit) {
                t = next;
                lr = rule.step(t, lr);
                changes.update(t, lr);
            }
        }
        Checkpoints { ramp, changes }
    }

    /// The lr at iteration `t`.
    pub fn lr(&self, rule: &impl Recurrence, t: u64) -> f64 {
        let (at, lr) = self
            .changes
            .before(t)
            .or_else(|| self.ramp.before(t))
            .expect("the ramp starts at 0");
        advance(rule, at, lr, t)
    }
}

/// The lr at iteration `to`, stepping from `lr` at iteration `from` (`from <= to`).
pub(crate) fn advance(rule: &impl Recurrence, mut from: u64, mut lr: f64, to: u64) -> f64 {
    let ramp_stop = to.min(rule.ramp_end());
    while from < ramp_stop {
        from += 1;
        lr = rule.step(from, lr);
    }
    if to > from {
        while let Some(next) = rule.next_change(from).filter(|&next| next <= to) {
            lr = rule.step(next, lr);
            from = next;
        }
    }
    lr
}

/// The lr at every iteration of `[start, end)`, stepping from `first` at `start`.
pub(crate) fn values<'a>(
    rule: &'a impl Recurrence,
    first: f64,
    start: u64,
    end: u64,
) -> Box<dyn Iterator<Item = f64> + 'a> {
    let mut lr = first;
    Box::new((start..end).map(move |t| {
        if t > start {
            lr = rule.step(t, lr);
        }
        lr
    }))
}

/// A function of the iteration that is cheapest to evaluate in increasing order: it keeps the
/// last answer and steps on from it (for segments, which ask in order).
pub(crate) struct Walker<'a, R: Recurrence> {
    rule: &'a R,
    checkpoints: &'a Checkpoints,
    last: Option<(u64, f64)>,
}

impl<'a, R: Recurrence> Walker<'a, R> {
    pub fn new(rule: &'a R, checkpoints: &'a Checkpoints) -> Self {
        Walker {
            rule,
            checkpoints,
            last: None,
        }
    }

    pub fn lr(&mut self, t: u64) -> f64 {
        let lr = match self.last {
            Some((at, lr)) if at <= t => advance(self.rule, at, lr, t),
            _ => self.checkpoints.lr(self.rule, t),
        };
        self.last = Some((t, lr));
        lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lr shrinks at every step up to `ramp`, then doubles at every multiple of 1000.
    struct Toy {
        ramp: u64,
    }

    impl Recurrence for Toy {
        fn initial(&self) -> f64 {
            1.0
        }
        fn ramp_end(&self) -> u64 {
            self.ramp
        }
        fn step(&self, t: u64, lr: f64) -> f64 {
            if t <= self.ramp {
                lr * 0.999
            } else if t.is_multiple_of(1000) {
                lr * 2.0
            } else {
                lr
            }
        }
        fn next_change(&self, t: u64) -> Option<u64> {
            let next = (t / 1000 + 1) * 1000;
            (next <= 5_000_000).then_some(next)
        }
    }

    fn naive(toy: &Toy, t: u64) -> f64 {
        (1..=t).fold(toy.initial(), |lr, step| toy.step(step, lr))
    }

    #[test]
    fn checkpoints_agree_with_stepping_from_zero() {
        let toy = Toy { ramp: 3000 };
        let checkpoints = Checkpoints::new(&toy, 10_000_000);
        for t in [0, 1, 255, 256, 257, 2999, 3000, 3001, 3999, 4000, 123_456] {
            assert_eq!(
                checkpoints.lr(&toy, t).to_bits(),
                naive(&toy, t).to_bits(),
                "t = {t}"
            );
        }
    }

    #[test]
    fn long_ramps_keep_the_checkpoints_bounded() {
        let toy = Toy { ramp: 3_000_000 };
        let checkpoints = Checkpoints::new(&toy, 10_000_000);
        assert!(checkpoints.ramp.points.len() <= MAX_CHECKPOINTS);
        assert!(checkpoints.changes.points.len() <= MAX_CHECKPOINTS);
        let t = 2_999_999;
        assert_eq!(checkpoints.lr(&toy, t).to_bits(), naive(&toy, t).to_bits());
        let mut walker = Walker::new(&toy, &checkpoints);
        assert_eq!(walker.lr(10).to_bits(), naive(&toy, 10).to_bits());
        assert_eq!(
            walker.lr(4_000_000).to_bits(),
            naive(&toy, 4_000_000).to_bits()
        );
        assert_eq!(walker.lr(7).to_bits(), naive(&toy, 7).to_bits());
    }

    #[test]
    fn work_stops_at_the_limit() {
        // A ramp far longer than the run is only stepped as far as the run goes.
        let toy = Toy { ramp: u64::MAX };
        let checkpoints = Checkpoints::new(&toy, 1000);
        assert_eq!(
            checkpoints.lr(&toy, 999).to_bits(),
            naive(&toy, 999).to_bits()
        );
        assert_eq!(
            checkpoints.lr(&toy, 1500).to_bits(),
            naive(&toy, 1500).to_bits()
        );
    }

    #[test]
    fn values_step_in_order() {
        let toy = Toy { ramp: 10 };
        let checkpoints = Checkpoints::new(&toy, 10_000_000);
        let stepped: Vec<u64> = values(&toy, checkpoints.lr(&toy, 5), 5, 1005)
            .map(f64::to_bits)
            .collect();
        let direct: Vec<u64> = (5..1005).map(|t| naive(&toy, t).to_bits()).collect();
        assert_eq!(stepped, direct);
    }
}
