//! maskrcnn-benchmark `WarmupMultiStepLR`: the default semantics, and the intended schedule
//! the other dialects are compared with (docs/guide.md#the-schedule).
//!
//! `lr(t) = (base_lr * w(t)) * gamma.powf(k(t))`, in exactly that order, which is what
//! `base_lr * warmup_factor * self.gamma ** bisect_right(milestones, t)` computes in Python
//! (C `pow` for the power, as `f64::powf`).

use super::Framework;
use crate::schedule::message::{first_unsorted, list_around};
use crate::schedule::{Decay, Params, Phase, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for maskrcnn.
pub(crate) struct MaskrcnnDialect;

impl Framework for MaskrcnnDialect {
    fn name(&self) -> &'static str {
        "maskrcnn"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["warmup-multistep"]
    }
    fn framework(&self) -> &'static str {
        "maskrcnn-benchmark"
    }
    fn version(&self) -> &'static str {
        "torch 2.15"
    }
    fn construction(&self) -> &'static str {
        "maskrcnn-benchmark WarmupMultiStepLR"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        check(&params)?;
        Ok(Box::new(Maskrcnn::new(params)))
    }
}

/// `WarmupMultiStepLR.__init__` refuses milestones out of order.
fn check(params: &Params) -> Result<(), Rejection> {
    if let Decay::Milestones(milestones) = &params.decay
        && let Some(unsorted) = first_unsorted(milestones)
    {
        return Err(Rejection {
            key: "milestones",
            message: format!(
                "must be sorted ascending (repeats allowed), got {} \
                 (maskrcnn-benchmark: \"Milestones should be a list of increasing integers\")",
                list_around(milestones, unsorted)
            ),
        });
    }
    Ok(())
}

/// maskrcnn's formula, for any parameters: `build` refuses unsorted milestones first, and the
/// comparison in `departures` sorts them.
pub struct Maskrcnn {
    params: Params,
}

impl Maskrcnn {
    pub fn new(params: Params) -> Self {
        Maskrcnn { params }
    }

    /// k(t): decays applied at iteration t.
    fn decays(&self, t: u64) -> u64 {
        match &self.params.decay {
            Decay::Milestones(milestones) => milestones.partition_point(|&m| m <= t) as u64,
            Decay::StepSize(step) => t
                .checked_sub(self.params.warmup_iters)
                .map_or(0, |since_warmup| since_warmup / step),
        }
    }

    /// w(t): the warmup multiplier, 1 once warmup is over.
    fn warmup_multiplier(&self, t: u64) -> f64 {
        let p = &self.params;
        if t >= p.warmup_iters {
            return 1.0;
        }
        let alpha = t as f64 / p.warmup_iters as f64;
        match p.warmup_method {
            WarmupMethod::Constant => p.warmup_factor,
            WarmupMethod::Linear => p.warmup_factor * (1.0 - alpha) + alpha,
            WarmupMethod::Exp => p.warmup_factor.powf(1.0 - alpha),
        }
    }

    /// The first iteration after `t` at which k changes, if any.
    fn next_decay_after(&self, t: u64) -> Option<u64> {
        match &self.params.decay {
            Decay::Milestones(milestones) => milestones
                .get(milestones.partition_point(|&m| m <= t))
                .copied(),
            Decay::StepSize(step) => {
                let warmup = self.params.warmup_iters;
                let steps_done = t.checked_sub(warmup).map_or(0, |since| since / step);
                (steps_done + 1)
                    .checked_mul(*step)
                    .and_then(|offset| offset.checked_add(warmup))
            }
        }
    }

    fn phase(&self, t: u64) -> Phase {
        Phase {
            warmup: t < self.params.warmup_iters,
            decays: self.decays(t),
        }
    }
}

impl Schedule for Maskrcnn {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        (p.base_lr * self.warmup_multiplier(t)) * p.gamma.powf(self.decays(t) as f64)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        let iters = self.params.iters;
        let warmup = self.params.warmup_iters;
        let mut start = from;
        Box::new(std::iter::from_fn(move || {
            if start >= iters {
                return None;
            }
            let mut end = self.next_decay_after(start).unwrap_or(iters).min(iters);
            if start < warmup {
                end = end.min(warmup);
            }
            let phase = self.phase(start);
            let ramps = phase.warmup && self.params.warmup_method != WarmupMethod::Constant;
            let segment = Segment {
                start,
                end,
                phase,
                constant_lr: (!ramps).then(|| self.lr(start)),
            };
            start = end;
            Some(segment)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Maskrcnn {
        Maskrcnn::new(Params::default())
    }

    #[test]
    fn reference_example_values() {
        let s = reference();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(9).to_bits(), 0.0091f64.to_bits());
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(49), 0.01);
        assert_eq!(s.lr(50), 0.001);
        assert_eq!(s.lr(99), 0.001);
        // 0.01 * 0.1.powf(2): not 0.0001 in f64, as in Python.
        assert_eq!(s.lr(100), 0.00010000000000000002);
    }

    #[test]
    fn reference_segments() {
        let s = reference();
        let spans: Vec<(u64, u64, bool, u64, Option<f64>)> = s
            .segments()
            .map(|g| {
                (
                    g.start,
                    g.end,
                    g.phase.warmup,
                    g.phase.decays,
                    g.constant_lr,
                )
            })
            .collect();
        assert_eq!(
            spans,
            vec![
                (0, 10, true, 0, None),
                (10, 50, false, 0, Some(0.01)),
                (50, 100, false, 1, Some(0.001)),
                (100, 150, false, 2, Some(0.00010000000000000002)),
            ]
        );
    }

    #[test]
    fn warmup_past_a_milestone_splits_the_ramp() {
        let s = Maskrcnn::new(Params {
            warmup_iters: 60,
            ..Params::default()
        });
        let bounds: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.end)).collect();
        assert_eq!(bounds, vec![(0, 50), (50, 60), (60, 100), (100, 150)]);
        // Both apply: warmup multiplier and one decay.
        let alpha = 55.0 / 60.0;
        let w = 0.1 * (1.0 - alpha) + alpha;
        assert_eq!(s.lr(55), (0.01 * w) * 0.1f64.powf(1.0));
    }

    #[test]
    fn step_size_counts_from_end_of_warmup() {
        let s = Maskrcnn::new(Params {
            decay: Decay::StepSize(30),
            iters: 100,
            ..Params::default()
        });
        assert_eq!(s.decays(39), 0);
        assert_eq!(s.decays(40), 1);
        assert_eq!(s.decays(70), 2);
        let bounds: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(bounds, vec![0, 10, 40, 70]);
    }

    #[test]
    fn repeated_milestone_decays_twice() {
        let s = Maskrcnn::new(Params {
            decay: Decay::Milestones(vec![20, 20, 40]),
            ..Params::default()
        });
        assert_eq!(s.decays(19), 0);
        assert_eq!(s.decays(20), 2);
        assert_eq!(s.decays(40), 3);
        let bounds: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(bounds, vec![0, 10, 20, 40]);
    }

    #[test]
    fn exp_and_constant_warmup() {
        let exp = Maskrcnn::new(Params {
            warmup_method: WarmupMethod::Exp,
            ..Params::default()
        });
        assert_eq!(exp.lr(0), 0.01 * 0.1);
        assert_eq!(exp.lr(5), 0.01 * 0.1f64.powf(0.5));
        let constant = Maskrcnn::new(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        });
        assert_eq!(constant.lr(9), 0.001);
        assert_eq!(constant.segments().next().unwrap().constant_lr, Some(0.001));
    }

    #[test]
    fn no_warmup_starts_at_base_lr() {
        let s = Maskrcnn::new(Params {
            warmup_iters: 0,
            ..Params::default()
        });
        assert_eq!(s.lr(0), 0.01);
        assert!(!s.segments().next().unwrap().phase.warmup);
    }

    #[test]
    fn unsorted_milestones_are_refused() {
        let refused = MaskrcnnDialect
            .build(Params {
                decay: Decay::Milestones(vec![100, 50]),
                ..Params::default()
            })
            .err()
            .unwrap();
        assert_eq!(refused.key, "milestones");
        assert_eq!(
            refused.message,
            "must be sorted ascending (repeats allowed), got [100, 50] (maskrcnn-benchmark: \
             \"Milestones should be a list of increasing integers\")"
        );
        assert!(
            MaskrcnnDialect
                .build(Params {
                    decay: Decay::Milestones(vec![20, 20, 40]),
                    ..Params::default()
                })
                .is_ok()
        );
    }

    #[test]
    fn huge_step_size_does_not_overflow() {
        let s = Maskrcnn::new(Params {
            decay: Decay::StepSize(u64::MAX),
            iters: 1000,
            ..Params::default()
        });
        assert_eq!(s.segments().count(), 2);
        assert_eq!(s.lr(u64::MAX), 0.01);
    }
}
