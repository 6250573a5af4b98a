//! timm `MultiStepLRScheduler(decay_t=M, decay_rate=gamma, warmup_t=W,
//! warmup_lr_init=base_lr * warmup_factor, t_in_epochs=False)`, read after
//! `step_update(num_updates=i)`.
//!
//! `_get_lr(t)`: during warmup `warmup_lr_init + t * (base_lr - warmup_lr_init) / W` (timm has
//! no warmup method: it always ramps linearly); after it, with the default `warmup_prefix=True`,
//! `t -= W` and the lr is `base_lr * decay_rate ** bisect_right(decay_t, t + 1)`. Decays thus
//! land at m + W - 1: shifted by the warmup, and one step early. The list is bisected as given,
//! sorted or not, and nothing is validated.

use super::milestones::Milestones;
use super::piecewise::{self, Shape};
use super::{Params, Schedule, Segment};

pub struct Timm {
    params: Params,
    milestones: Milestones,
    /// `warmup_lr_init`.
    init: f64,
    /// `warmup_steps`: the per-update increment.
    increment: f64,
}

impl Timm {
    pub fn new(params: Params) -> Self {
        let init = params.base_lr * params.warmup_factor;
        Timm {
            milestones: Milestones::of(&params),
            increment: (params.base_lr - init) / params.warmup_iters as f64,
            init,
            params,
        }
    }

    /// `bisect_right(decay_t, t + 1)` for `t` counted from the end of warmup.
    fn bisect(&self, since_warmup: u64) -> u64 {
        self.milestones
            .bisect_right_given(since_warmup.saturating_add(1))
    }
}

impl Shape for Timm {
    fn params(&self) -> &Params {
        &self.params
    }
    fn warmup_ramps(&self) -> bool {
        true
    }
    fn decays(&self, t: u64) -> u64 {
        t.checked_sub(self.params.warmup_iters)
            .map_or(0, |since| self.bisect(since))
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        let decays = self.decays(t);
        let from = t.checked_add(1)?.max(w);
        if self.decays(from) != decays {
            return Some(from);
        }
        // bisect_right only moves where its argument reaches a listed value, and never back.
        let argument = from - w + 1;
        self.milestones
            .distinct_from(argument)
            .find(|&value| self.milestones.bisect_right_given(value) != decays)
            .and_then(|value| (value - 1).checked_add(w))
    }
}

impl Schedule for Timm {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        if t < p.warmup_iters {
            self.init + t as f64 * self.increment
        } else {
            p.base_lr * p.gamma.powf(self.bisect(t - p.warmup_iters) as f64)
        }
    }

    fn segments(&self) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Decay, WarmupMethod};

    #[test]
    fn decays_shift_by_warmup_and_one_step_early() {
        let s = Timm::new(Params::default());
        assert_eq!(s.lr(1), 0.0019000000000000002);
        assert_eq!(s.lr(58), 0.01);
        assert_eq!(s.lr(59), 0.001);
        assert_eq!(s.lr(109), 0.00010000000000000002);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (59, 1), (109, 2)]);
    }

    #[test]
    fn constant_warmup_ramps_anyway() {
        let s = Timm::new(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        });
        assert_eq!(s.lr(1), 0.0019000000000000002);
    }

    #[test]
    fn unsorted_list_is_bisected_as_given() {
        // bisect_right([60, 30], x) jumps from 0 to 2 at x = 30: both decays at 30 + 5 - 1.
        let s = Timm::new(Params {
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        });
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (5, 0), (34, 2)]);
    }

    #[test]
    fn without_warmup_decays_one_step_early() {
        let s = Timm::new(Params {
            warmup_iters: 0,
            ..Params::default()
        });
        assert_eq!(s.lr(0), 0.01);
        assert_eq!(s.lr(49), 0.001);
        assert_eq!(s.lr(u64::MAX), 0.01 * 0.1f64.powf(2.0));
    }
}
