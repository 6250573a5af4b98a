//! Schedulers stepped once per epoch: timm's default (`step_on_epochs`), torchvision's
//! classification reference, Keras's `LearningRateScheduler`. The framework calls the same
//! scheduler arithmetic with the epoch instead of the iteration, so the lr changes only at epoch
//! boundaries and holds across each epoch's iterations (docs/guide.md#stepping-per-epoch).
//!
//! Any dialect gets it here: [`PerEpoch`] builds the dialect on the parameters counted in
//! epochs and evaluates it at `t / iters_per_epoch`, so a framework's off-by-ones (timm's
//! `t + 1`, an in-place rounding) happen per epoch, as in the framework. With the warmup stepped
//! every iteration (torchvision's detection reference: a `LinearLR` inside epoch 0, then
//! `MultiStepLR` stepped per epoch), the dialect's own iteration arithmetic is the schedule,
//! once every decay is on an epoch boundary.

use super::dialect::Framework;
use super::{Decay, Params, Rejection, Schedule, Segment, Unit};

/// When the framework steps its scheduler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stepping {
    /// Every iteration (optimizer step).
    Iter,
    /// Once per epoch of `iters_per_epoch` iterations; the warmup steps every iteration
    /// (`warmup: Unit::Iter`) or once per epoch too.
    Epoch { iters_per_epoch: u64, warmup: Unit },
}

/// The schedule `framework` computes for `params`, stepped as `params.stepping` says.
pub(super) fn build(
    framework: &dyn Framework,
    params: Params,
) -> Result<Box<dyn Schedule>, Rejection> {
    super::dialect::no_factors(framework, &params)?;
    let Stepping::Epoch {
        iters_per_epoch,
        warmup,
    } = params.stepping
    else {
        return framework.build(params);
    };
    on_boundaries(&params, iters_per_epoch, warmup)?;
    if warmup == Unit::Iter {
        return framework.build(params);
    }
    if let Some(reason) = framework.epoch_stepping_refusal() {
        return Err(Rejection {
            key: "stepping",
            message: format!("cannot step per epoch: {reason}"),
        });
    }
    let inner = framework.build(in_epochs(&params, iters_per_epoch))?;
    Ok(Box::new(PerEpoch {
        params,
        inner,
        iters_per_epoch,
    }))
}

/// Every point where the lr may change must be an epoch boundary: the decays, and the warmup's
/// end when the warmup steps per epoch (or when `step_size` counts from it).
fn on_boundaries(p: &Params, per_epoch: u64, warmup: Unit) -> Result<(), Rejection> {
    let off = |key: &'static str, what: String, n: u64| Rejection {
        key,
        message: format!(
            "{what} {n} is not a whole number of epochs at {per_epoch} iterations per epoch; \
             with stepping = \"epoch\" the lr changes only at epoch boundaries (write it as \
             whole epochs, e.g. \"{}ep\")",
            n.div_ceil(per_epoch)
        ),
    };
    let step_size_counts_from_warmup = matches!(p.decay, Decay::StepSize(_));
    if (warmup == Unit::Epoch || step_size_counts_from_warmup)
        && !p.warmup_iters.is_multiple_of(per_epoch)
    {
        let what = if warmup == Unit::Epoch {
            "the warmup, stepped per epoch: warmup_iters"
        } else {
            "step_size counts from the end of the warmup: warmup_iters"
        };
        return Err(off("warmup_iters", what.into(), p.warmup_iters));
    }
    match &p.decay {
        Decay::Milestones(list) => match list.iter().find(|&&m| !m.is_multiple_of(per_epoch)) {
            Some(&m) => Err(off("milestones", "milestone".into(), m)),
            None => Ok(()),
        },
        Decay::StepSize(step) if !step.is_multiple_of(per_epoch) => {
            Err(off("step_size", "step_size".into(), *step))
        }
        Decay::StepSize(_) => Ok(()),
    }
}

/// The same parameters counted in epochs (all but `iters` whole: `on_boundaries` checked), as
/// the framework is handed them when it steps per epoch.
fn in_epochs(p: &Params, per_epoch: u64) -> Params {
    Params {
        warmup_iters: p.warmup_iters / per_epoch,
        decay: match &p.decay {
            Decay::Milestones(list) => {
                Decay::Milestones(list.iter().map(|m| m / per_epoch).collect())
            }
            Decay::StepSize(step) => Decay::StepSize(step / per_epoch),
        },
        iters: p.iters.div_ceil(per_epoch),
        stepping: Stepping::Iter,
        ..p.clone()
    }
}

/// A dialect stepped once per epoch: its lr at epoch `t / iters_per_epoch`.
struct PerEpoch {
    /// In iterations, as given.
    params: Params,
    /// The dialect on the parameters in epochs.
    inner: Box<dyn Schedule>,
    iters_per_epoch: u64,
}

impl PerEpoch {
    /// Iteration at which epoch `epoch` starts, or the run's end.
    fn start_of(&self, epoch: u64) -> u64 {
        epoch
            .saturating_mul(self.iters_per_epoch)
            .min(self.params.iters)
    }
}

impl Schedule for PerEpoch {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        self.inner.lr(t / self.iters_per_epoch)
    }

    /// The dialect's segments scaled to iterations; a ramp, which changes every epoch, becomes
    /// one constant segment per epoch. From `from`: the dialect's from its epoch on, cut.
    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        let epoch = from / self.iters_per_epoch;
        let scaled = self.inner.segments_from(epoch).flat_map(move |segment| {
            let pieces: Box<dyn Iterator<Item = Segment> + '_> = match segment.constant_lr {
                Some(_) => Box::new(std::iter::once(Segment {
                    start: self.start_of(segment.start),
                    end: self.start_of(segment.end),
                    ..segment
                })),
                None => Box::new(
                    (segment.start..segment.end)
                        .zip(self.inner.values(segment.start, segment.end))
                        .map(move |(epoch, lr)| Segment {
                            start: self.start_of(epoch),
                            end: self.start_of(epoch + 1),
                            phase: segment.phase,
                            constant_lr: Some(lr),
                        }),
                ),
            };
            pieces
        });
        Box::new(
            scaled
                .map(move |segment| Segment {
                    start: segment.start.max(from),
                    ..segment
                })
                .filter(|segment| segment.start < segment.end),
        )
    }

    fn warmup_end(&self) -> u64 {
        self.inner.warmup_end().saturating_mul(self.iters_per_epoch)
    }

    /// Each epoch's lr once, repeated over its iterations.
    fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
        if start >= end {
            return Box::new(std::iter::empty());
        }
        let per_epoch = self.iters_per_epoch;
        let (first, last) = (start / per_epoch, (end - 1) / per_epoch);
        Box::new(
            (first..=last)
                .zip(self.inner.values(first, last + 1))
                .flat_map(move |(epoch, lr)| {
                    let from = (epoch * per_epoch).max(start);
                    let to = (epoch + 1).saturating_mul(per_epoch).min(end);
                    std::iter::repeat_n(lr, (to - from) as usize)
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Dialect, WarmupMethod, build};

    fn per_epoch(warmup: Unit) -> Stepping {
        Stepping::Epoch {
            iters_per_epoch: 10,
            warmup,
        }
    }

    /// maskrcnn's formula at the epoch index: warmup of 2 epochs from 0.1 × 0.01, decay at
    /// epochs 3 and 5, 6 epochs of 10 iterations.
    fn stepped() -> Params {
        Params {
            decay: Decay::Milestones(vec![30, 50]),
            warmup_iters: 20,
            iters: 60,
            stepping: per_epoch(Unit::Epoch),
            ..Params::default()
        }
    }

    #[test]
    fn the_lr_holds_across_each_epoch() {
        let s = build(Dialect::default(), stepped()).unwrap();
        // Epoch 1: alpha = 1/2, w = 0.1 × 0.5 + 0.5 = 0.55.
        let w1 = 0.1 * (1.0 - 0.5) + 0.5;
        let expected: Vec<f64> = [
            0.001,
            0.01 * w1,
            0.01,
            0.001,
            0.001,
            0.01 * 0.1f64.powf(2.0),
        ]
        .iter()
        .flat_map(|&lr| std::iter::repeat_n(lr, 10))
        .collect();
        let got: Vec<f64> = (0..60).map(|t| s.lr(t)).collect();
        assert_eq!(got, expected);
        assert_eq!(s.values(0, 60).collect::<Vec<_>>(), expected);
        assert_eq!(s.values(15, 33).collect::<Vec<_>>(), expected[15..33]);
        assert_eq!(s.warmup_end(), 20);
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
                (0, 10, true, 0, Some(0.001)),
                (10, 20, true, 0, Some(0.01 * w1)),
                (20, 30, false, 0, Some(0.01)),
                (30, 50, false, 1, Some(0.001)),
                (50, 60, false, 2, Some(0.01 * 0.1f64.powf(2.0))),
            ]
        );
    }

    #[test]
    fn a_last_partial_epoch_is_cut_at_iters() {
        let s = build(
            Dialect::default(),
            Params {
                iters: 55,
                ..stepped()
            },
        )
        .unwrap();
        assert_eq!(
            s.segments().last().map(|g| (g.start, g.end)),
            Some((50, 55))
        );
        assert_eq!(s.values(50, 55).count(), 5);
    }

    /// timm's `bisect_right(decay_t, t + 1)` is one epoch early per epoch, not one iteration.
    #[test]
    fn off_by_ones_are_per_epoch() {
        let timm = Dialect::from_name("timm-train").unwrap();
        let params = Params {
            warmup_iters: 0,
            ..stepped()
        };
        let starts: Vec<u64> = build(timm, params)
            .unwrap()
            .segments()
            .map(|g| g.start)
            .collect();
        assert_eq!(starts, vec![0, 20, 40]);
    }

    #[test]
    fn an_iteration_warmup_keeps_the_dialect_arithmetic() {
        let params = Params {
            warmup_iters: 5,
            stepping: per_epoch(Unit::Iter),
            ..stepped()
        };
        let s = build(Dialect::default(), params.clone()).unwrap();
        let plain = build(
            Dialect::default(),
            Params {
                stepping: Stepping::Iter,
                ..params
            },
        )
        .unwrap();
        assert_eq!(
            (0..60).map(|t| s.lr(t)).collect::<Vec<_>>(),
            (0..60).map(|t| plain.lr(t)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn changes_off_an_epoch_boundary_are_refused() {
        let refused = |params: Params| build(Dialect::default(), params).err().unwrap();
        let milestone = refused(Params {
            decay: Decay::Milestones(vec![30, 45]),
            ..stepped()
        });
        assert_eq!(milestone.key, "milestones");
        assert_eq!(
            milestone.message,
            "milestone 45 is not a whole number of epochs at 10 iterations per epoch; with \
             stepping = \"epoch\" the lr changes only at epoch boundaries (write it as whole \
             epochs, e.g. \"5ep\")"
        );
        let warmup = refused(Params {
            warmup_iters: 15,
            ..stepped()
        });
        assert_eq!(warmup.key, "warmup_iters");
        assert!(
            warmup
                .message
                .starts_with("the warmup, stepped per epoch: warmup_iters 15 is not a whole ")
        );
        // An iteration warmup may end anywhere, unless step_size counts from it.
        let params = Params {
            warmup_iters: 15,
            stepping: per_epoch(Unit::Iter),
            ..stepped()
        };
        assert!(build(Dialect::default(), params.clone()).is_ok());
        let from_warmup = refused(Params {
            decay: Decay::StepSize(20),
            ..params
        });
        assert_eq!(from_warmup.key, "warmup_iters");
        let step = refused(Params {
            decay: Decay::StepSize(25),
            ..stepped()
        });
        assert_eq!(step.key, "step_size");
    }

    #[test]
    fn frameworks_without_epoch_stepping_say_so() {
        let optax = Dialect::from_name("optax").unwrap();
        let refused = build(
            optax,
            Params {
                warmup_method: WarmupMethod::Linear,
                ..stepped()
            },
        )
        .err()
        .unwrap();
        assert_eq!(refused.key, "stepping");
        assert!(refused.message.starts_with("cannot step per epoch: "));
    }
}
