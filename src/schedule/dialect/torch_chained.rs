//! PyTorch `ChainedScheduler([LinearLR | ConstantLR, MultiStepLR])`, stepped once per iteration.
//!
//! Both schedulers use their chainable `get_lr`, which multiplies the optimizer's current lr in
//! place: each step applies LinearLR's factor
//! `1 + (end - start) / (total_iters * start + (last_epoch - 1) * (end - start))` (while
//! `last_epoch <= total_iters`), or ConstantLR's `1 / factor` at `total_iters`, then
//! MultiStepLR's `gamma ** Counter(milestones)[last_epoch]`. At construction LinearLR multiplies
//! the base lr by `start_factor` and MultiStepLR applies a milestone at 0. Rounding accumulates:
//! the reference example trains at 0.010000000000000004, not 0.01.

use super::Framework;
use crate::schedule::chainable::{
    IN_PLACE_LEVELS, IN_PLACE_WARMUP, apply_milestone, check_warmup, counter_note, linear_lr_factor,
};
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::Piecewise;
use crate::schedule::stepper::{Recurrence, Stepped};
use crate::schedule::{Params, Rejection, Schedule, WarmupMethod};

/// The registry's entry for torch-chained.
pub(crate) struct TorchChainedDialect;

impl Framework for TorchChainedDialect {
    fn name(&self) -> &'static str {
        "torch-chained"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "PyTorch"
    }
    fn version(&self) -> &'static str {
        "torch 2.15"
    }
    fn construction(&self) -> &'static str {
        "PyTorch ChainedScheduler([LinearLR or ConstantLR, MultiStepLR])"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepLR takes gamma")?;
        super::no_warmup_lr(&params, "LinearLR takes start_factor")?;
        Ok(Box::new(TorchChained::new(params)?))
    }
}

impl Departs for TorchChainedDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "LinearLR and ConstantLR end at total_iters = {}",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, _: &Params) -> String {
        "MultiStepLR decays at the steps its Counter lists".into()
    }
    fn warmup_arithmetic(&self) -> &'static str {
        IN_PLACE_WARMUP
    }
    fn warmup_shape(&self, _: &dyn Schedule, _: u64) -> Departure {
        Departure::note(format!(
            "the warmup values are a product of LinearLR's and MultiStepLR's factors: {IN_PLACE_WARMUP}"
        ))
    }
    fn level_reason(&self, p: &Params, far: bool) -> String {
        if p.warmup_iters == 0 && far {
            "LinearLR(total_iters=0) multiplies by start_factor at construction and never undoes it"
                .into()
        } else {
            IN_PLACE_LEVELS.into()
        }
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        counter_note(p).into_iter().collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

/// Built by [`TorchChained::new`]; evaluated by the shared in-place stepper.
pub(crate) type TorchChained = Stepped<TorchChainedRule>;

pub(crate) struct TorchChainedRule {
    params: Params,
    milestones: Milestones,
}

impl TorchChained {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        check_warmup(&params)?;
        let f = params.warmup_factor;
        if params.warmup_method == WarmupMethod::Constant
            && f == 0.0
            && params.warmup_iters >= 1
            && params.warmup_iters < params.iters
        {
            return Err(Rejection {
                key: "warmup_factor",
                message: format!(
                    "0 makes ConstantLR divide by zero when warmup ends at iteration {} \
                     (ConstantLR multiplies by 1.0 / factor: \"ZeroDivisionError: float division by zero\")",
                    params.warmup_iters
                ),
            });
        }
        let rule = TorchChainedRule {
            milestones: Milestones::of(&params),
            params,
        };
        Stepped::from_rule(rule, "PyTorch")
    }
}

impl Recurrence for TorchChainedRule {
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
            WarmupMethod::Linear => self.params.warmup_iters,
            _ => 0,
        }
    }

    fn step(&self, t: u64, lr: f64) -> f64 {
        let p = &self.params;
        let warmed = match p.warmup_method {
            WarmupMethod::Linear if t <= p.warmup_iters => {
                lr * linear_lr_factor(p.warmup_factor, p.warmup_iters, t)
            }
            WarmupMethod::Constant if t == p.warmup_iters => lr * (1.0 / p.warmup_factor),
            _ => lr,
        };
        apply_milestone(warmed, p.gamma, self.milestones.multiplicity(t))
    }

    fn next_change(&self, t: u64) -> Option<u64> {
        let warmup_end = (self.params.warmup_method == WarmupMethod::Constant
            && t < self.params.warmup_iters)
            .then_some(self.params.warmup_iters);
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

impl Piecewise for TorchChainedRule {
    fn params(&self) -> &Params {
        &self.params
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
    fn reference_example_accumulates_rounding() {
        let s = TorchChained::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(3), 0.0037000000000000006);
        assert_eq!(s.lr(10), 0.010000000000000004);
        assert_eq!(s.lr(50), 0.0010000000000000005);
        assert_eq!(s.lr(100), 0.00010000000000000005);
        let starts: Vec<(u64, Option<f64>)> =
            s.segments().map(|g| (g.start, g.constant_lr)).collect();
        assert_eq!(
            starts,
            vec![
                (0, None),
                (10, Some(0.010000000000000004)),
                (50, Some(0.0010000000000000005)),
                (100, Some(0.00010000000000000005)),
            ]
        );
    }

    #[test]
    fn no_warmup_keeps_the_start_factor() {
        // LinearLR(total_iters=0) multiplies by start_factor at construction and never undoes it.
        let s = TorchChained::new(Params {
            warmup_iters: 0,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(49), 0.001);
    }

    #[test]
    fn milestone_zero_applies_at_construction() {
        let s = TorchChained::new(Params {
            decay: Decay::Milestones(vec![0, 0]),
            warmup_iters: 0,
            warmup_factor: 1.0,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(0), 0.01 * 0.1f64.powf(2.0));
    }

    #[test]
    fn rejections_quote_pytorch() {
        let reject = |params: Params| TorchChained::new(params).err().unwrap().message;
        assert!(
            reject(Params {
                warmup_factor: 0.0,
                ..Params::default()
            })
            .contains("Starting multiplicative factor expected to be greater than 0")
        );
        assert!(
            reject(Params {
                warmup_factor: 0.0,
                warmup_method: WarmupMethod::Constant,
                ..Params::default()
            })
            .contains("ZeroDivisionError")
        );
        assert!(
            reject(Params {
                warmup_method: WarmupMethod::Exp,
                ..Params::default()
            })
            .contains("no exponential warmup")
        );
    }

    #[test]
    fn step_size_expands_below_iters() {
        let s = TorchChained::new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 0,
            warmup_factor: 1.0,
            gamma: 0.5,
            iters: 1_000_000,
            ..Params::default()
        })
        .unwrap();
        // Repeated halving of a power of two is exact.
        assert_eq!(s.lr(3), 0.01 / 8.0);
        assert_eq!(s.segments().count(), 1_000_000);
    }

    #[test]
    fn only_the_steps_before_iters_are_taken() {
        // A warmup of 10^12 steps over a run of 1000: a thousand steps, then the lr holds.
        let short = TorchChained::new(Params {
            warmup_iters: 1_000_000_000_000,
            iters: 1000,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(short.lr(u64::MAX).to_bits(), short.lr(999).to_bits());
        let long = |params: Params| TorchChained::new(params).err().unwrap();
        let warmup = long(Params {
            warmup_iters: 1_000_000_000_000,
            iters: 1_000_000_000_000,
            ..Params::default()
        });
        assert_eq!(warmup.key, "warmup_iters");
        assert!(
            warmup
                .message
                .contains("1000000000000 warmup steps and 2 decays before iters 1000000000000")
        );
        let decays = long(Params {
            decay: Decay::StepSize(1),
            iters: 1_000_000_000_000,
            ..Params::default()
        });
        assert_eq!(decays.key, "step_size");
        assert!(decays.message.starts_with(
            "PyTorch updates the lr in place, so lrsched steps through each warmup iteration and \
             decay: 10 warmup steps and 999999999989 decays"
        ));
    }
}
