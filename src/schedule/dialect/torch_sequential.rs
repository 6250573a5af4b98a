//! PyTorch `SequentialLR([LinearLR | ConstantLR, MultiStepLR], milestones=[W])`.
//!
//! Before W only the warmup scheduler steps (chainable, in place, as in torch-chained). At W
//! SequentialLR switches and calls `MultiStepLR._update_lr(0)`: the closed form
//! `base_lr * gamma ** bisect_right(sorted(milestones), 0)` resets the lr, and MultiStepLR counts
//! epochs from that switch. Its milestones, passed unchanged, therefore land W iterations late
//! (60 and 110 in the reference example). With W = 0 MultiStepLR runs from the start, as the
//! golden files show.

use super::Framework;
use crate::schedule::chainable::{
    IN_PLACE_LEVELS, IN_PLACE_WARMUP, apply_milestone, check_warmup, counter_note, linear_lr_factor,
};
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::Piecewise;
use crate::schedule::stepper::{Recurrence, Stepped};
use crate::schedule::{Params, Rejection, Schedule, WarmupMethod};

/// The registry's entry for torch-sequential.
pub(crate) struct TorchSequentialDialect;

impl Framework for TorchSequentialDialect {
    fn name(&self) -> &'static str {
        "torch-sequential"
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
        "PyTorch SequentialLR([LinearLR or ConstantLR, MultiStepLR], milestones=[W])"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepLR takes gamma")?;
        super::no_warmup_lr(&params, "LinearLR takes start_factor")?;
        Ok(Box::new(TorchSequential::new(params)?))
    }
}

impl Departs for TorchSequentialDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "SequentialLR switches to MultiStepLR at milestones=[{}]",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        format!(
            "SequentialLR restarts MultiStepLR's count at the switch (W = {})",
            p.warmup_iters
        )
    }
    fn warmup_arithmetic(&self) -> &'static str {
        IN_PLACE_WARMUP
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        let p = schedule.params();
        if Milestones::of(p).count_lt(warmup_end) > 0 {
            Departure::note(format!(
                "milestones inside the warmup do not decay it: SequentialLR steps only the \
                 warmup scheduler before its switch to MultiStepLR at W = {}",
                p.warmup_iters
            ))
        } else {
            Departure::note(format!(
                "the warmup values are a product of LinearLR's factors: {IN_PLACE_WARMUP}"
            ))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        IN_PLACE_LEVELS.into()
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        counter_note(p).into_iter().collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

/// Built by [`TorchSequential::new`]; evaluated by the shared in-place stepper.
pub(crate) type TorchSequential = Stepped<TorchSequentialRule>;

pub(crate) struct TorchSequentialRule {
    params: Params,
    milestones: Milestones,
}

impl TorchSequential {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        check_warmup(&params)?;
        let rule = TorchSequentialRule {
            milestones: Milestones::of(&params),
            params,
        };
        Stepped::from_rule(rule, "PyTorch")
    }
}

impl TorchSequentialRule {
    /// `_update_lr(0)` at the switch: MultiStepLR's closed form at epoch 0.
    fn switch_lr(&self) -> f64 {
        let p = &self.params;
        p.base_lr * p.gamma.powf(self.milestones.count_le(0) as f64)
    }

    /// The iteration at which MultiStepLR's epoch `epoch` falls.
    fn shifted(&self, epoch: u64) -> Option<u64> {
        self.params.warmup_iters.checked_add(epoch)
    }
}

impl Recurrence for TorchSequentialRule {
    fn initial(&self) -> f64 {
        let p = &self.params;
        if p.warmup_iters == 0 {
            self.switch_lr()
        } else {
            p.base_lr * p.warmup_factor
        }
    }

    fn ramp_end(&self) -> u64 {
        match self.params.warmup_method {
            WarmupMethod::Linear => self.params.warmup_iters.saturating_sub(1),
            _ => 0,
        }
    }

    fn step(&self, t: u64, lr: f64) -> f64 {
        let p = &self.params;
        let w = p.warmup_iters;
        if t < w {
            match p.warmup_method {
                WarmupMethod::Linear => lr * linear_lr_factor(p.warmup_factor, w, t),
                _ => lr,
            }
        } else if t == w {
            self.switch_lr()
        } else {
            apply_milestone(lr, p.gamma, self.milestones.multiplicity(t - w))
        }
    }

    fn next_change(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        if t < w {
            Some(w)
        } else {
            self.milestones
                .next_after(t - w)
                .and_then(|epoch| self.shifted(epoch))
        }
    }

    fn decays_before(&self, end: u64) -> u64 {
        // MultiStepLR's epoch e falls at W + e; a milestone at 0 is in the switch's closed form.
        let w = self.params.warmup_iters;
        end.checked_sub(w).map_or(0, |epochs| {
            self.milestones
                .count_lt(epochs)
                .saturating_sub(self.milestones.multiplicity(0))
        })
    }

    fn decay_key(&self) -> &'static str {
        self.milestones.key()
    }
}

impl Piecewise for TorchSequentialRule {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        t.checked_sub(self.params.warmup_iters)
            .map_or(0, |epoch| self.milestones.count_le(epoch))
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        if t < w && self.milestones.count_le(0) > 0 {
            return Some(w);
        }
        let epoch = t.saturating_sub(w);
        self.milestones
            .next_after(epoch)
            .and_then(|epoch| self.shifted(epoch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Decay;
    use crate::schedule::Schedule;

    #[test]
    fn decays_land_w_late() {
        let s = TorchSequential::new(Params::default()).unwrap();
        assert_eq!(s.lr(9), 0.009100000000000002);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(59), 0.01);
        assert_eq!(s.lr(60), 0.001);
        assert_eq!(s.lr(110), 0.0001);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (60, 1), (110, 2)]);
    }

    #[test]
    fn milestone_zero_counts_at_the_switch() {
        let s = TorchSequential::new(Params {
            decay: Decay::Milestones(vec![0, 30]),
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(10), 0.01 * 0.1f64.powf(1.0));
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 10, 40]);
    }

    #[test]
    fn constant_warmup_holds_until_the_switch() {
        let s = TorchSequential::new(Params {
            warmup_method: WarmupMethod::Constant,
            warmup_factor: 0.0,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(9), 0.0);
        assert_eq!(s.lr(10), 0.01);
    }

    #[test]
    fn past_the_step_limit_is_refused() {
        let refused = |params: Params| TorchSequential::new(params).err().unwrap();
        // W - 1 warmup steps; the switch is not one.
        let warmup = refused(Params {
            warmup_iters: 20_000_000,
            iters: 20_000_000,
            ..Params::default()
        });
        assert_eq!(warmup.key, "warmup_iters");
        assert!(
            warmup
                .message
                .contains(": 19999999 warmup steps before iters 20000000 ")
        );
        // Decays land W late: those past iters - W are never taken.
        let decays = refused(Params {
            decay: Decay::StepSize(1),
            iters: 30_000_000,
            ..Params::default()
        });
        assert_eq!(decays.key, "step_size");
        assert!(
            decays
                .message
                .contains(": 9 warmup steps and 29999979 decays ")
        );
    }
}
