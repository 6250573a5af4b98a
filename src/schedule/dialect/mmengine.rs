//! mmengine `[LinearLR | ConstantLR(by_epoch=False, begin=0, end=W), MultiStepLR(by_epoch=False)]`,
//! both stepped once per iteration, in that order.
//!
//! mmengine's schedulers update in place like PyTorch's, but a scheduler only steps while
//! `begin <= step < end` and sets `total_iters = end - begin - 1`: the warmup runs W - 1 steps
//! and reaches its full factor at W - 1 (LinearLR's slope is 1/(W - 1)). `end = W = 0` is refused
//! ("end should be larger than begin"), and MultiStepLR's default `end = INF = int(1e9)` means a
//! milestone at or past 1e9 never fires.

use super::Framework;
use crate::schedule::chainable::{
    IN_PLACE_LEVELS, IN_PLACE_WARMUP, apply_milestone, counter_note, linear_lr_factor,
};
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::message::{list, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::Piecewise;
use crate::schedule::stepper::{Recurrence, Stepped};
use crate::schedule::{Decay, Params, Rejection, Schedule, WarmupMethod};

/// mmengine's `INF = int(1e9)`, MultiStepLR's default `end`.
const MMENGINE_INF: u64 = 1_000_000_000;

/// The registry's entry for mmengine.
pub(crate) struct MmengineDialect;

impl Framework for MmengineDialect {
    fn name(&self) -> &'static str {
        "mmengine"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "mmengine"
    }
    fn version(&self) -> &'static str {
        "mmengine 0.10.7"
    }
    fn construction(&self) -> &'static str {
        "mmengine LinearLR or ConstantLR + MultiStepLR (by_epoch=False)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepLR takes gamma")?;
        super::no_warmup_lr(&params, "LinearLR takes start_factor")?;
        Ok(Box::new(Mmengine::new(params)?))
    }
}

impl Departs for MmengineDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "LinearLR(begin=0, end={w}) steps while step < end and sets total_iters = end - \
             begin - 1, so the full lr comes at {}",
            p.warmup_iters - 1,
            w = p.warmup_iters
        )
    }
    fn decay_reason(&self, _: &Params) -> String {
        format!("MultiStepLR stops stepping at its default end = INF = {MMENGINE_INF}")
    }
    fn warmup_arithmetic(&self) -> &'static str {
        IN_PLACE_WARMUP
    }
    /// The warmup scheduler takes W - 1 steps: a linear ramp is steeper (milestones inside it
    /// still decay it, in place, as the phases show).
    fn warmup_shape(&self, schedule: &dyn Schedule, _: u64) -> Departure {
        let w = schedule.params().warmup_iters;
        let (warmup, scheduler) = match schedule.params().warmup_method {
            WarmupMethod::Constant => ("lasts", "ConstantLR"),
            WarmupMethod::Linear | WarmupMethod::Exp => ("ramps over", "LinearLR"),
        };
        Departure::note(format!(
            "the warmup {warmup} {} steps, not {w}: {scheduler}(begin=0, end={w}) sets \
             total_iters = end - begin - 1",
            w - 1
        ))
    }
    fn level_reason(&self, p: &Params, far: bool) -> String {
        if p.warmup_iters == 1 && far {
            "a warmup scheduler with end = 1 steps only at construction: its start factor is \
             never undone"
                .into()
        } else {
            IN_PLACE_LEVELS.into()
        }
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        let mut out = Vec::new();
        if let Decay::Milestones(given) = &p.decay {
            let never: Vec<u64> = given
                .iter()
                .copied()
                .filter(|&m| m >= MMENGINE_INF)
                .collect();
            if !never.is_empty() {
                out.push(Departure::warning(format!(
                    "milestones {} never fire: MultiStepLR steps only below its default \
                     end = INF = {MMENGINE_INF}",
                    list(&never)
                )));
            }
        }
        out.extend(counter_note(p));
        out
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

/// Built by [`Mmengine::new`]; evaluated by the shared in-place stepper.
pub(crate) type Mmengine = Stepped<MmengineRule>;

pub(crate) struct MmengineRule {
    params: Params,
    milestones: Milestones,
}

impl Mmengine {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        check(&params)?;
        let rule = MmengineRule {
            milestones: Milestones::of(&params).below(MMENGINE_INF),
            params,
        };
        Stepped::from_rule(rule, "mmengine")
    }
}

/// mmengine's checks, in the order its constructors run them, and the division by zero a zero
/// factor meets while stepping.
fn check(params: &Params) -> Result<(), Rejection> {
    let f = params.warmup_factor;
    let w = params.warmup_iters;
    let reject = |key, message: String| Err(Rejection { key, message });
    match params.warmup_method {
        WarmupMethod::Exp => {
            return reject(
                "warmup_method",
                "mmengine has no exponential warmup scheduler; this construction uses LinearLR \
                 (linear) or ConstantLR (constant)"
                    .into(),
            );
        }
        WarmupMethod::Linear if f > 1.0 => {
            return reject(
                "warmup_factor",
                format!(
                    "must be in [0, 1], got {} (mmengine LinearLR: \"Starting multiplicative \
                     factor should between 0 and 1.\")",
                    number(f)
                ),
            );
        }
        WarmupMethod::Constant if f > 1.0 => {
            return reject(
                "warmup_factor",
                format!(
                    "must be in [0, 1], got {} (mmengine ConstantLR: \"Constant multiplicative \
                     factor should between 0 and 1.\")",
                    number(f)
                ),
            );
        }
        _ => {}
    }
    if w == 0 {
        return reject(
            "warmup_iters",
            "must be >= 1: the warmup scheduler is built with begin=0, end=warmup_iters \
             (mmengine: \"end should be larger than begin, but got begin=0, end=0\")"
                .into(),
        );
    }
    // Both warmup schedulers divide by a product with the factor once they step past 0.
    let divides_at = match params.warmup_method {
        WarmupMethod::Linear => 1,
        _ => w - 1,
    };
    if f == 0.0 && w >= 2 && divides_at < params.iters {
        return reject(
            "warmup_factor",
            format!(
                "0 makes mmengine's {} divide by zero at iteration {divides_at} \
                 (\"ZeroDivisionError: float division by zero\")",
                match params.warmup_method {
                    WarmupMethod::Linear => "LinearLR (start_factor × total_iters)",
                    _ => "ConstantLR (1.0 / factor)",
                }
            ),
        );
    }
    Ok(())
}

impl MmengineRule {
    /// mmengine's `total_iters = end - begin - 1`.
    fn total_iters(&self) -> u64 {
        self.params.warmup_iters - 1
    }
}

impl Recurrence for MmengineRule {
    fn initial(&self) -> f64 {
        let p = &self.params;
        apply_milestone(
            p.base_lr * p.warmup_factor,
            p.gamma,
            self.milestones.multiplicity(0),
        )
    }

    fn ramp_end(&self) -> u64 {
        match self.params.warmup_method {
            WarmupMethod::Linear => self.total_iters(),
            _ => 0,
        }
    }

    fn step(&self, t: u64, lr: f64) -> f64 {
        let p = &self.params;
        let f = p.warmup_factor;
        let total = self.total_iters();
        let warmed = match p.warmup_method {
            WarmupMethod::Linear if t <= total => lr * linear_lr_factor(f, total, t),
            WarmupMethod::Constant if t == total => lr * (1.0 / f),
            _ => lr,
        };
        apply_milestone(warmed, p.gamma, self.milestones.multiplicity(t))
    }

    fn next_change(&self, t: u64) -> Option<u64> {
        let total = self.total_iters();
        let warmup_end =
            (self.params.warmup_method == WarmupMethod::Constant && t < total).then_some(total);
        match (warmup_end, self.milestones.next_after(t)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn decays_before(&self, end: u64) -> u64 {
        self.milestones.count_lt(end)
    }

    fn decay_key(&self) -> &'static str {
        self.milestones.key()
    }
}

impl Piecewise for MmengineRule {
    fn params(&self) -> &Params {
        &self.params
    }
    fn warmup_end(&self) -> u64 {
        self.total_iters()
    }
    fn decays(&self, t: u64) -> u64 {
        self.milestones.count_le(t)
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        self.milestones.next_after(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Decay;
    use crate::schedule::Schedule;

    #[test]
    fn warmup_ends_one_iteration_early() {
        let s = Mmengine::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(1), 0.002);
        assert_eq!(s.lr(9), 0.010000000000000002);
        assert_eq!(s.lr(50), 0.0010000000000000002);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 9, 50, 100]);
    }

    #[test]
    fn one_iteration_of_warmup_never_ends() {
        // total_iters = 0: only the construction step, which applies the start factor.
        let s = Mmengine::new(Params {
            warmup_iters: 1,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(49), 0.001);
    }

    #[test]
    fn milestones_past_inf_never_fire() {
        let s = Mmengine::new(Params {
            decay: Decay::Milestones(vec![MMENGINE_INF]),
            iters: MMENGINE_INF + 10,
            warmup_factor: 1.0,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(MMENGINE_INF + 5), 0.01);
    }

    #[test]
    fn rejections_quote_mmengine() {
        let reject = |params: Params| Mmengine::new(params).err().unwrap().message;
        assert!(
            reject(Params {
                warmup_iters: 0,
                ..Params::default()
            })
            .contains("end should be larger than begin, but got begin=0, end=0")
        );
        assert!(
            reject(Params {
                warmup_factor: 0.0,
                ..Params::default()
            })
            .contains("ZeroDivisionError")
        );
        assert!(
            reject(Params {
                warmup_factor: 2.0,
                warmup_method: WarmupMethod::Constant,
                ..Params::default()
            })
            .contains("Constant multiplicative factor should between 0 and 1.")
        );
    }

    #[test]
    fn warmup_steps_count_to_the_limit() {
        // total_iters = W - 1 steps, then the lr holds past iters.
        let refused = Mmengine::new(Params {
            warmup_iters: 10_000_002,
            iters: 20_000_000,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(refused.key, "warmup_iters");
        assert!(
            refused
                .message
                .starts_with("mmengine updates the lr in place, so lrsched steps through each warmup iteration and decay: 10000001 warmup steps and 2 decays")
        );
        let short = Mmengine::new(Params {
            warmup_iters: 1_000_000_000_000,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(short.warmup_end(), 999_999_999_999);
        assert_eq!(short.lr(1 << 40), short.lr(99));
    }
}
