//! GluonCV `gluoncv/utils/lr_scheduler.py`, composed as its training scripts do
//! (`train_imagenet.py`, `train_yolo3.py`, …):
//! `LRSequential([LRScheduler('linear', base_lr=base_lr * warmup_factor, target_lr=base_lr,
//! niters=W), LRScheduler('step', base_lr=base_lr, niters=N - W, step_iter=[m - W for m in M],
//! step_factor=gamma)])` (`LRScheduler('constant', base_lr=base_lr * warmup_factor, niters=W)` for
//! a constant warmup), called as `sched(i)` for i = 0, 1, ….
//!
//! ```python
//! # LRSequential.update: the scheduler whose span holds num_update, clamped to the last
//! num_update = min(num_update, self.count - 1)
//! # LRScheduler.update
//! N = self.niters - 1
//! T = min(max(0, num_update - self.offset), N)
//! factor = 1 - T / N                                   # linear
//! factor = pow(self.step_factor, sum([1 for s in self.step if s <= T]))   # step
//! lr = self.target_lr + (self.base_lr - self.target_lr) * factor         # linear, constant
//! lr = self.base_lr * factor                                             # step
//! ```
//!
//! The linear ramp divides by `niters - 1`, so it reaches base_lr at W - 1, one iteration
//! early, and W = 1 divides by zero. The step scheduler starts at offset W and its steps are
//! `m - W`, so it decays at m; a milestone inside the warmup counts from W. Steps are counted
//! in any order. Past N every call answers N - 1.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::message::{first_unsorted, list_around};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::true_division::true_div;
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for gluoncv.
pub(crate) struct GluoncvDialect;

impl Framework for GluoncvDialect {
    fn name(&self) -> &'static str {
        "gluoncv"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "GluonCV"
    }
    fn version(&self) -> &'static str {
        "gluoncv 0.10.5.post0"
    }
    fn construction(&self) -> &'static str {
        "GluonCV LRSequential([LRScheduler('linear' or 'constant', niters=W), \
         LRScheduler('step', step_iter=[m - W])])"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "LRScheduler(mode='step') takes step_factor")?;
        Ok(Box::new(Gluoncv::new(params)?))
    }
}

/// Why warmup values differ in their last bits.
const WARMUP_ARITHMETIC: &str =
    "GluonCV computes target_lr + (base_lr - target_lr) × (1 - T / (niters - 1))";

impl Departs for GluoncvDialect {
    /// The linear warmup ends at W - 1.
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "GluonCV's linear LRScheduler(niters={w}) divides by niters - 1, so it reaches \
             base_lr at {}",
            p.warmup_iters.saturating_sub(1),
            w = p.warmup_iters
        )
    }
    /// Milestones inside the warmup wait for the step scheduler.
    fn decay_reason(&self, p: &Params) -> String {
        format!(
            "LRSequential hands iterations before {} to the warmup scheduler, so milestones \
             inside the warmup apply when it ends",
            p.warmup_iters
        )
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        let p = schedule.params();
        if Milestones::of(p).count_lt(warmup_end) > 0 {
            Departure::note(format!(
                "milestones inside the warmup do not decay it: LRSequential hands iterations \
                 before {} to the warmup scheduler",
                p.warmup_iters
            ))
        } else {
            Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "GluonCV computes base_lr × step_factor ** k".into()
    }
    /// Steps in any order: what the framework does, a note.
    fn structural(&self, p: &Params) -> Vec<Departure> {
        let Decay::Milestones(given) = &p.decay else {
            return Vec::new();
        };
        first_unsorted(given)
            .map(|at| {
                Departure::note(format!(
                    "milestones {} are taken in any order (LRScheduler counts the steps s <= \
                     T); maskrcnn would refuse them",
                    list_around(given, at)
                ))
            })
            .into_iter()
            .collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

pub(crate) struct Gluoncv {
    params: Params,
    milestones: Milestones,
    /// `base_lr` of the warmup scheduler.
    warmup_lr: f64,
}

impl Gluoncv {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        check(&params)?;
        Ok(Gluoncv {
            milestones: Milestones::of(&params),
            warmup_lr: params.warmup_start(),
            params,
        })
    }

    /// The warmup scheduler at `t < W`.
    fn warmup(&self, t: u64) -> f64 {
        let p = &self.params;
        match p.warmup_method {
            WarmupMethod::Linear => {
                let last = p.warmup_iters - 1;
                let factor = 1.0 - true_div(t.min(last), last);
                p.base_lr + (self.warmup_lr - p.base_lr) * factor
            }
            // target_lr = base_lr, so the lr is base_lr + 0.0 * 0.
            _ => self.warmup_lr,
        }
    }
}

fn check(params: &Params) -> Result<(), Rejection> {
    match params.warmup_method {
        WarmupMethod::Exp if params.warmup_iters > 0 => Err(Rejection {
            key: "warmup_method",
            message: "GluonCV's LRScheduler has no exp mode (its modes are constant, step, \
                      linear, poly and cosine); use linear or constant"
                .into(),
        }),
        WarmupMethod::Linear if params.warmup_iters == 1 => Err(Rejection {
            key: "warmup_iters",
            message: "must not be 1 with a linear warmup: LRScheduler('linear', niters=1) \
                      divides by niters - 1 = 0 on its first call (GluonCV: \
                      \"ZeroDivisionError: division by zero\"); use 0, 2 or more, or a \
                      constant warmup"
                .into(),
        }),
        _ => Ok(()),
    }
}

impl Piecewise for Gluoncv {
    fn params(&self) -> &Params {
        &self.params
    }
    /// The linear ramp reaches base_lr at W - 1.
    fn warmup_end(&self) -> u64 {
        let w = self.params.warmup_iters;
        if self.params.warmup_method == WarmupMethod::Linear {
            w.saturating_sub(1)
        } else {
            w
        }
    }
    /// The step scheduler's count; the warmup scheduler applies none.
    fn decays(&self, t: u64) -> u64 {
        if t < self.params.warmup_iters {
            0
        } else {
            self.milestones.count_le(t)
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        if t < w && self.milestones.count_le(w) > 0 {
            Some(w)
        } else {
            self.milestones.next_after(t.max(w))
        }
    }
}

impl Schedule for Gluoncv {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        let t = t.min(p.iters.saturating_sub(1));
        if t < p.warmup_iters {
            self.warmup(t)
        } else {
            p.base_lr * p.gamma.powf(self.milestones.count_le(t) as f64)
        }
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }

    fn warmup_end(&self) -> u64 {
        Piecewise::warmup_end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::departures::Severity;
    use crate::schedule::{Dialect, departures};

    /// Values from the golden `gluoncv/seed.csv`.
    #[test]
    fn seed_reaches_base_lr_one_step_early() {
        let s = Gluoncv::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.0009999999999999992);
        assert_eq!(s.lr(1), 0.002);
        assert_eq!(s.lr(8), 0.009);
        assert_eq!(s.lr(9), 0.01);
        assert_eq!(s.lr(49), 0.01);
        assert_eq!(s.lr(50), 0.001);
        assert_eq!(s.lr(100), 0.00010000000000000002);
        assert_eq!(Schedule::warmup_end(&s), 9);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (9, 0), (50, 1), (100, 2)]);
        // The run is over at 150: every later call answers 149.
        assert_eq!(s.lr(u64::MAX), 0.00010000000000000002);
    }

    /// golden `gluoncv/overlap.csv`: milestone 100 waits for the step scheduler at 150.
    #[test]
    fn milestones_inside_warmup_apply_at_its_end() {
        let s = Gluoncv::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![100, 200]),
            gamma: 0.5,
            warmup_factor: 0.01,
            warmup_iters: 150,
            iters: 300,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(1), 0.0016644295302013362);
        assert_eq!(s.lr(100), 0.06744295302013423);
        assert_eq!(s.lr(148), 0.09933557046979867);
        assert_eq!(s.lr(149), 0.1);
        assert_eq!(s.lr(150), 0.05);
        assert_eq!(s.lr(200), 0.025);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (149, 0), (150, 1), (200, 2)]);
    }

    /// golden `gluoncv/unsorted.csv`: steps are counted, in any order.
    #[test]
    fn unsorted_steps_are_counted() {
        let s = Gluoncv::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(29), 0.1);
        assert_eq!(s.lr(30), 0.010000000000000002);
        assert_eq!(s.lr(60), 0.0010000000000000002);
    }

    #[test]
    fn refusals() {
        let one = Gluoncv::new(Params {
            warmup_iters: 1,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(one.key, "warmup_iters");
        assert!(one.message.contains("ZeroDivisionError: division by zero"));
        assert!(
            Gluoncv::new(Params {
                warmup_iters: 1,
                warmup_method: WarmupMethod::Constant,
                ..Params::default()
            })
            .is_ok()
        );
        let exp = Gluoncv::new(Params {
            warmup_method: WarmupMethod::Exp,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(exp.key, "warmup_method");
    }

    #[test]
    fn huge_inputs_answer_at_once() {
        let s = Gluoncv::new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: u64::MAX - 1,
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        // Python: 0.01 + (0.01 * 0.1 - 0.01) * (1 - 1164115433906158532 / (2**64 - 2)).
        assert_eq!(s.lr(1164115433906158532), 0.0015679614171092322);
        assert_eq!(s.lr(u64::MAX - 2), 0.01);
        assert_eq!(s.segments().count(), 2);
        let every = Gluoncv::new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 0,
            iters: u64::MAX,
            gamma: 0.5,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(every.segments().nth(1000).map(|g| g.start), Some(1000));
        assert_eq!(every.lr(u64::MAX), 0.0);
    }

    fn notes(params: Params) -> Vec<(String, Severity)> {
        let s = Gluoncv::new(params).unwrap();
        departures(Dialect::from_name("gluoncv").unwrap(), &s)
            .into_iter()
            .map(|d| (d.text, d.severity))
            .collect()
    }

    #[test]
    fn departures_say_why() {
        assert_eq!(
            notes(Params::default()),
            vec![(
                "warmup ends at 9, not 10: GluonCV's linear LRScheduler(niters=10) divides by \
                 niters - 1, so it reaches base_lr at 9"
                    .to_string(),
                Severity::Note
            )]
        );
        let overlap = notes(Params {
            warmup_iters: 60,
            ..Params::default()
        });
        assert_eq!(
            overlap[1],
            (
                "decays at 60 and 100 instead of 50 and 100: LRSequential hands iterations \
                 before 60 to the warmup scheduler, so milestones inside the warmup apply when \
                 it ends"
                    .to_string(),
                Severity::Warning
            )
        );
        let unsorted = notes(Params {
            decay: Decay::Milestones(vec![100, 50]),
            ..Params::default()
        });
        assert!(
            unsorted
                .iter()
                .any(|(note, severity)| *severity == Severity::Note
                    && note.starts_with("milestones [100, 50] are taken in any order"))
        );
    }
}
