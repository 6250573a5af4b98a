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
    /// The reference takes them as the intended levels of a schedule given by its multipliers
    /// (detectron2's): base_lr × w(t) × factors[k].
    fn takes_factors(&self) -> bool {
        true
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "WarmupMultiStepLR takes SOLVER.GAMMA")?;
        super::no_warmup_lr(&params, "WarmupMultiStepLR takes SOLVER.WARMUP_FACTOR")?;
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

    /// What k decays make of the lr: `gamma.powf(k)` (or `factors[k]`), or `values[k]` itself
    /// when the schedule lists its values.
    fn decay(&self, k: u64) -> f64 {
        match self.params.values {
            None => self.params.multiplier(k),
            Some(_) => self.params.level(k),
        }
    }

    /// lr(t) given [`Maskrcnn::decay`] of k(t): the formula in its order (values[k] exactly
    /// once warmup is over, w = 1).
    #[inline]
    fn lr_with(&self, t: u64, decay: f64) -> f64 {
        match self.params.values {
            None => (self.params.base_lr * self.warmup_multiplier(t)) * decay,
            Some(_) => decay * self.warmup_multiplier(t),
        }
    }

    /// The walk through k(t) from iteration `t` on.
    fn decay_walk(&self, t: u64) -> DecayWalk<'_> {
        DecayWalk {
            schedule: self,
            decays: self.decays(t),
            next: self.next_decay_after(t),
        }
    }
}

/// k(t) for increasing t, stepped from one decay to the next rather than worked out again at
/// every iteration (no division or search per segment: docs/performance.md).
struct DecayWalk<'a> {
    schedule: &'a Maskrcnn,
    /// k at the last iteration asked.
    decays: u64,
    /// The first iteration after it at which k changes.
    next: Option<u64>,
}

impl DecayWalk<'_> {
    /// Moves to iteration `t` (no earlier than the last one asked): whether k changed.
    #[inline]
    fn reach(&mut self, t: u64) -> bool {
        if self.next.is_none_or(|next| t < next) {
            return false;
        }
        match &self.schedule.params.decay {
            Decay::Milestones(milestones) => {
                // Repeated milestones decay together; k counts the milestones at or before t.
                let mut k = self.decays as usize;
                while milestones.get(k).is_some_and(|&m| m <= t) {
                    k += 1;
                }
                self.decays = k as u64;
                self.next = milestones.get(k).copied();
            }
            Decay::StepSize(_) if self.next != Some(t) => *self = self.schedule.decay_walk(t),
            Decay::StepSize(step) => {
                self.decays += 1;
                self.next = t.checked_add(*step);
            }
        }
        true
    }
}

/// maskrcnn's segments, walked with [`DecayWalk`].
struct Segments<'a> {
    walk: DecayWalk<'a>,
    start: u64,
}

impl Iterator for Segments<'_> {
    type Item = Segment;

    #[inline]
    fn next(&mut self) -> Option<Segment> {
        let schedule = self.walk.schedule;
        let p = &schedule.params;
        let start = self.start;
        if start >= p.iters {
            return None;
        }
        self.walk.reach(start);
        let warmup = start < p.warmup_iters;
        let mut end = self.walk.next.unwrap_or(p.iters).min(p.iters);
        if warmup {
            end = end.min(p.warmup_iters);
        }
        let decays = self.walk.decays;
        let ramps = warmup && p.warmup_method != WarmupMethod::Constant;
        self.start = end;
        Some(Segment {
            start,
            end,
            phase: Phase { warmup, decays },
            constant_lr: (!ramps).then(|| schedule.lr_with(start, schedule.decay(decays))),
        })
    }
}

impl Schedule for Maskrcnn {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        self.lr_with(t, self.decay(self.decays(t)))
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        Box::new(Segments {
            walk: self.decay_walk(from),
            start: from,
        })
    }

    /// `gamma.powf(k)` once per value of k, not once per iteration.
    fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
        let mut walk = self.decay_walk(start);
        let mut decay = self.decay(walk.decays);
        Box::new((start..end).map(move |t| {
            if walk.reach(t) {
                decay = self.decay(walk.decays);
            }
            self.lr_with(t, decay)
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

    /// The walked segments and values() give lr(t), the formula, bit for bit, from any start.
    #[test]
    fn walk_matches_the_formula() {
        for (decay, warmup_method) in [
            (
                Decay::Milestones(vec![3, 3, 12, 40, 40, 41]),
                WarmupMethod::Linear,
            ),
            (Decay::Milestones(vec![20]), WarmupMethod::Exp),
            (Decay::StepSize(1), WarmupMethod::Linear),
            (Decay::StepSize(7), WarmupMethod::Constant),
        ] {
            let s = Maskrcnn::new(Params {
                decay,
                gamma: 0.9,
                warmup_iters: 15,
                warmup_method,
                iters: 60,
                ..Params::default()
            });
            for segment in s.segments() {
                assert_eq!(segment.phase.decays, s.decays(segment.start));
                if let Some(lr) = segment.constant_lr {
                    assert_eq!(lr.to_bits(), s.lr(segment.start).to_bits());
                }
            }
            for start in [0, 2, 3, 14, 15, 21, 59] {
                let values: Vec<u64> = s.values(start, 60).map(f64::to_bits).collect();
                let lrs: Vec<u64> = (start..60).map(|t| s.lr(t).to_bits()).collect();
                assert_eq!(values, lrs, "from {start}");
            }
        }
    }

    #[test]
    fn listed_values_are_the_levels_after_warmup() {
        // The intended curve of a schedule that lists its values (TF's 0.0012 stays 0.0012).
        let s = Maskrcnn::new(Params {
            decay: Decay::Milestones(vec![20, 40]),
            values: Some(vec![0.12, 0.012, 0.0012]),
            warmup_iters: 10,
            iters: 60,
            ..Params::default()
        });
        assert_eq!(s.lr(45), 0.0012);
        assert_eq!(s.lr(25), 0.012);
        assert_eq!(s.lr(0), 0.12 * 0.1);
        for segment in s.segments() {
            if let Some(lr) = segment.constant_lr {
                assert_eq!(lr.to_bits(), s.lr(segment.start).to_bits());
            }
        }
        let values: Vec<u64> = s.values(0, 60).map(f64::to_bits).collect();
        let lrs: Vec<u64> = (0..60).map(|t| s.lr(t).to_bits()).collect();
        assert_eq!(values, lrs);
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
