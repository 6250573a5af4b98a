//! Learning rates that a framework updates in place, one step at a time.
//!
//! PyTorch's chainable schedulers, mmengine's and MXNet's `MultiFactorScheduler` multiply the
//! current lr instead of recomputing it from the base, so the value at iteration t is a fold over
//! every step up to t and carries the framework's rounding. A [`Recurrence`] says what one step
//! does; [`Checkpoints`] keeps a bounded number of (iteration, lr) pairs so that `lr(t)` steps
//! from the nearest one instead of from 0, whatever the length of the warmup.
//!
//! There is no shortcut through a fold of roundings: building such a schedule takes one step
//! per recursive warmup iteration and per decay before `iters`. [`MAX_STEPS`] bounds that work,
//! and [`Checkpoints::new`] refuses a schedule past it, in the framework's terms. Past `iters`
//! the framework's run is over and the lr holds its last value (as detectron2's does), so no
//! question costs more steps than building did.

use std::cell::Cell;

use super::piecewise::{self, Piecewise};
use super::{Params, Rejection, Schedule, Segment};

/// One framework's in-place update rule.
pub(crate) trait Recurrence {
    /// The lr at iteration 0 (after construction).
    fn initial(&self) -> f64;
    /// The lr at `t` when the framework computes it without the lr before (MXNet's warmup).
    fn direct(&self, _t: u64) -> Option<f64> {
        None
    }
    /// Every step in `1..=ramp_end` may change the lr (a recursive warmup); 0 for none.
    fn ramp_end(&self) -> u64;
    /// The lr after step `t` (t >= 1), given the lr after step `t - 1`. Identity where nothing
    /// happens.
    fn step(&self, t: u64, lr: f64) -> f64;
    /// The first step after `t` (t >= `ramp_end`) at which `step` may change the lr.
    fn next_change(&self, t: u64) -> Option<u64>;
    /// How many decays the framework applies in place before iteration `end`: the steps
    /// `next_change` leads to there, but for a constant warmup's end.
    fn decays_before(&self, end: u64) -> u64;
    /// The key that sets the decays, `milestones` or `step_size`.
    fn decay_key(&self) -> &'static str;
}

/// The most steps (recursive warmup iterations plus decays before `iters`) a schedule may take
/// to build. 10^7 steps take about 0.1 s in a release build on a 2-core machine, so even
/// `--dialect all`, with its four dialects that step, starts in well under a second.
pub(crate) const MAX_STEPS: u64 = 10_000_000;

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
    /// The run's last iteration, `iters - 1`: the lr holds from there on.
    last: u64,
    /// The last answer of `lr`: callers mostly ask in increasing order (`explain` asks for
    /// each phase's first and last lr), and stepping on from it beats stepping from a
    /// checkpoint up to a stride away each time.
    recent: Cell<Option<(u64, f64)>>,
}

impl Checkpoints {
    /// Runs the recurrence once over the ramp and the later changes, up to iteration `limit`
    /// (the schedule's `iters`), or says why not: more than [`MAX_STEPS`] steps. `framework`
    /// names who updates the lr in place, for that message.
    pub fn new(rule: &impl Recurrence, limit: u64, framework: &str) -> Result<Self, Rejection> {
        check_steps(rule, limit, framework)?;
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
        Ok(Checkpoints {
            ramp,
            changes,
            last: limit.saturating_sub(1),
            recent: Cell::new(None),
        })
    }

    /// The lr at iteration `t`.
    pub fn lr(&self, rule: &impl Recurrence, t: u64) -> f64 {
        let t = t.min(self.last);
        if let Some(lr) = rule.direct(t) {
            return lr;
        }
        let (at, lr) = self
            .changes
            .before(t)
            .or_else(|| self.ramp.before(t))
            .expect("the ramp starts at 0");
        let (at, lr) = match self.recent.get() {
            Some((recent, recent_lr)) if at <= recent && recent <= t => (recent, recent_lr),
            _ => (at, lr),
        };
        let lr = advance(rule, at, lr, t);
        self.recent.set(Some((t, lr)));
        lr
    }

    /// The lr at every iteration of `[start, end)`, stepping from the lr at `start`.
    pub fn values<'a>(
        &'a self,
        rule: &'a impl Recurrence,
        start: u64,
        end: u64,
    ) -> Box<dyn Iterator<Item = f64> + 'a> {
        let mut lr = self.lr(rule, start);
        let last = self.last;
        Box::new((start..end).map(move |t| {
            if t > start && t <= last {
                lr = rule.step(t, lr);
            }
            lr
        }))
    }
}

/// Refuses a schedule that would take more than [`MAX_STEPS`] steps before `iters`, naming
/// the key that asks for most of them.
fn check_steps(rule: &impl Recurrence, iters: u64, framework: &str) -> Result<(), Rejection> {
    let warmup = rule.ramp_end().min(iters);
    let decays = rule.decays_before(iters);
    if warmup.saturating_add(decays) <= MAX_STEPS {
        return Ok(());
    }
    let (each, counts) = match (warmup, decays) {
        (0, _) => ("decay", format!("{decays} decays")),
        (_, 0) => ("warmup iteration", format!("{warmup} warmup steps")),
        _ => (
            "warmup iteration and decay",
            format!("{warmup} warmup steps and {decays} decays"),
        ),
    };
    let (key, advice) = if warmup >= decays {
        (
            "warmup_iters",
            "a shorter warmup, warmup_method = constant or fewer iters",
        )
    } else if rule.decay_key() == "step_size" {
        ("step_size", "a larger step_size or fewer iters")
    } else {
        ("milestones", "fewer milestones or fewer iters")
    };
    Err(Rejection {
        key,
        message: format!(
            "{framework} updates the lr in place, so lrsched steps through each {each}: \
             {counts} before iters {iters} are past its limit of {MAX_STEPS} steps for this \
             dialect; use {advice}"
        ),
    })
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
        let t = t.min(self.checkpoints.last);
        let lr = match self.last {
            Some((at, lr)) if at <= t && self.rule.direct(t).is_none() => {
                advance(self.rule, at, lr, t)
            }
            _ => self.checkpoints.lr(self.rule, t),
        };
        self.last = Some((t, lr));
        lr
    }
}

/// A schedule whose framework updates the lr in place: the framework's rule, and checkpoints
/// along the fold of its steps. Each in-place dialect is this with a rule of its own.
pub(crate) struct Stepped<R> {
    rule: R,
    checkpoints: Checkpoints,
}

impl<R: Recurrence + Piecewise> Stepped<R> {
    /// Builds the checkpoints, or refuses in `framework`'s terms a schedule past [`MAX_STEPS`].
    pub(crate) fn from_rule(rule: R, framework: &str) -> Result<Self, Rejection> {
        let checkpoints = Checkpoints::new(&rule, rule.iters(), framework)?;
        Ok(Stepped { rule, checkpoints })
    }
}

impl<R: Recurrence + Piecewise> Schedule for Stepped<R> {
    fn params(&self) -> &Params {
        Piecewise::params(&self.rule)
    }

    fn warmup_end(&self) -> u64 {
        Piecewise::warmup_end(&self.rule)
    }

    fn lr(&self, t: u64) -> f64 {
        self.checkpoints.lr(&self.rule, t)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        let mut walker = Walker::new(&self.rule, &self.checkpoints);
        piecewise::segments(&self.rule, from, move |t| walker.lr(t))
    }

    fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
        self.checkpoints.values(&self.rule, start, end)
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
        fn decays_before(&self, end: u64) -> u64 {
            (end.saturating_sub(1) / 1000).min(5000)
        }
        fn decay_key(&self) -> &'static str {
            "step_size"
        }
    }

    fn checkpoints(toy: &Toy, limit: u64) -> Checkpoints {
        Checkpoints::new(toy, limit, "Toy").unwrap()
    }

    fn naive(toy: &Toy, t: u64) -> f64 {
        (1..=t).fold(toy.initial(), |lr, step| toy.step(step, lr))
    }

    #[test]
    fn checkpoints_agree_with_stepping_from_zero() {
        let toy = Toy { ramp: 3000 };
        let checkpoints = checkpoints(&toy, 10_000_000);
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
        let checkpoints = checkpoints(&toy, 10_000_000);
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
    fn work_stops_at_the_end_of_the_run() {
        // A ramp far longer than the run is only stepped as far as the run goes, and the lr
        // holds after it.
        let toy = Toy { ramp: u64::MAX };
        let checkpoints = checkpoints(&toy, 1000);
        let last = naive(&toy, 999).to_bits();
        assert_eq!(checkpoints.lr(&toy, 999).to_bits(), last);
        assert_eq!(checkpoints.lr(&toy, u64::MAX).to_bits(), last);
        let mut walker = Walker::new(&toy, &checkpoints);
        assert_eq!(walker.lr(500).to_bits(), naive(&toy, 500).to_bits());
        assert_eq!(walker.lr(1 << 60).to_bits(), last);
        let tail: Vec<u64> = checkpoints
            .values(&toy, 998, 1002)
            .map(f64::to_bits)
            .collect();
        assert_eq!(tail, vec![naive(&toy, 998).to_bits(), last, last, last]);
    }

    #[test]
    fn past_the_step_limit_is_refused() {
        // 9995000 warmup steps and 5000 decays: exactly the limit.
        let at_limit = Toy {
            ramp: MAX_STEPS - 5000,
        };
        assert!(check_steps(&at_limit, u64::MAX, "Toy").is_ok());
        let past = Toy {
            ramp: MAX_STEPS - 4999,
        };
        let refused = Checkpoints::new(&past, 20_000_000, "Toy").err().unwrap();
        assert_eq!(refused.key, "warmup_iters");
        assert_eq!(
            refused.message,
            "Toy updates the lr in place, so lrsched steps through each warmup iteration and \
             decay: 9995001 warmup steps and 5000 decays before iters 20000000 are past its \
             limit of 10000000 steps for this dialect; use a shorter warmup, warmup_method = \
             constant or fewer iters"
        );
        // Only the steps before the run's end count: a ramp of any length over a short run.
        let endless = Toy { ramp: u64::MAX };
        assert!(check_steps(&endless, 1000, "Toy").is_ok());
        let refused = check_steps(&endless, u64::MAX, "Toy").err().unwrap();
        assert!(
            refused
                .message
                .contains(&format!("{} warmup steps and 5000 decays", u64::MAX))
        );
        let decays_only = Toy { ramp: 0 };
        assert!(check_steps(&decays_only, u64::MAX, "Toy").is_ok());
    }

    #[test]
    fn answers_in_any_order_agree_with_stepping_from_zero() {
        // The last answer is where the next one steps from: in increasing order, backwards,
        // and across checkpoints, every answer is the fold from 0.
        let toy = Toy { ramp: 3000 };
        let checkpoints = checkpoints(&toy, 10_000_000);
        for t in [
            10, 2999, 2000, 5, 3001, 7000, 7001, 4000, 6_543_210, 1000, 6_543_211,
        ] {
            assert_eq!(
                checkpoints.lr(&toy, t).to_bits(),
                naive(&toy, t).to_bits(),
                "t = {t}"
            );
        }
    }

    #[test]
    fn values_step_in_order() {
        let toy = Toy { ramp: 10 };
        let checkpoints = checkpoints(&toy, 10_000_000);
        let stepped: Vec<u64> = checkpoints
            .values(&toy, 5, 1005)
            .map(f64::to_bits)
            .collect();
        let direct: Vec<u64> = (5..1005).map(|t| naive(&toy, t).to_bits()).collect();
        assert_eq!(stepped, direct);
    }
}
