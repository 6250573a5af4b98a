//! Detectron (the original, on Caffe2) `detectron/utils/lr_policy.py`, `LR_POLICY:
//! steps_with_decay` with `SOLVER.STEPS = [0] + M`, as `tools/train_net.py` feeds it:
//!
//! ```python
//! def get_lr_at_iter(it):
//!     lr = get_lr_func()(it)                      # BASE_LR * GAMMA ** get_step_index(it)
//!     if it < cfg.SOLVER.WARM_UP_ITERS:
//!         if method == 'constant':
//!             warmup_factor = cfg.SOLVER.WARM_UP_FACTOR
//!         elif method == 'linear':
//!             alpha = it / cfg.SOLVER.WARM_UP_ITERS
//!             warmup_factor = cfg.SOLVER.WARM_UP_FACTOR * (1 - alpha) + alpha
//!         else:
//!             raise KeyError('Unknown SOLVER.WARM_UP_METHOD: {}'.format(method))
//!         lr *= warmup_factor
//!     return np.float32(lr)
//!
//! def get_step_index(cur_iter):
//!     steps = cfg.SOLVER.STEPS + [cfg.SOLVER.MAX_ITER]
//!     for ind, step in enumerate(steps):
//!         if cur_iter < step:
//!             break
//!     return ind - 1
//! ```
//!
//! So lr(i) = f32((B * g**k) * w(i)) in f64 up to the final rounding, k the index of the
//! first listed milestone above i: decays at m, as maskrcnn; an unsorted list waits for its
//! largest milestone so far ([60, 30] decays twice at 60). Every value is a float32 widened
//! exactly (0.009999999776482582 for 0.01). Detectron validates nothing but the warmup method.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::first_above::FirstAbove;
use crate::schedule::message::number;
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for detectron-caffe2.
pub(crate) struct DetectronCaffe2Dialect;

impl Framework for DetectronCaffe2Dialect {
    fn name(&self) -> &'static str {
        "detectron-caffe2"
    }
    /// The original Detectron is plain "Detectron"; detectron2 keeps its 2.
    fn aliases(&self) -> &'static [&'static str] {
        &["detectron"]
    }
    fn framework(&self) -> &'static str {
        "Detectron (Caffe2)"
    }
    fn version(&self) -> &'static str {
        "Detectron 04155a01"
    }
    fn construction(&self) -> &'static str {
        "Detectron lr_policy steps_with_decay: np.float32(BASE_LR * GAMMA ** k * \
         warmup_factor), SOLVER.STEPS = [0] + M"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "Detectron takes SOLVER.GAMMA")?;
        super::no_warmup_lr(&params, "Detectron takes SOLVER.WARMUP.WARMUP_FACTOR")?;
        Ok(Box::new(DetectronCaffe2::new(params)?))
    }
}

/// Why its warmup values differ from the intended ones.
const WARMUP_ARITHMETIC: &str =
    "get_lr_at_iter returns np.float32(lr), so every warmup value is rounded to float32";

impl Departs for DetectronCaffe2Dialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "get_lr_at_iter warms up while it < WARM_UP_ITERS = {}",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        let unsorted = matches!(&p.decay, Decay::Milestones(given) if !given.is_sorted());
        if unsorted {
            "get_step_index takes the first listed step above the iteration, so an unsorted list \
             decays only when the iteration passes the largest milestone listed so far"
                .into()
        } else {
            "get_step_index takes the first listed step above the iteration".into()
        }
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    /// Past float32's rounding, only the levels the warmup multiplies can differ: they are
    /// decayed as everywhere else.
    fn warmup_shape(&self, _: &dyn Schedule, _: u64) -> Departure {
        Departure::note(format!(
            "the warmup multiplies base_lr × gamma^k as Detectron counts k: {WARMUP_ARITHMETIC}"
        ))
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "get_lr_at_iter returns np.float32(lr), fed to Caffe2 as a float32 blob".into()
    }
    /// Detectron validates nothing, but nothing is dropped either: the decays say the rest.
    fn structural(&self, _: &Params) -> Vec<Departure> {
        Vec::new()
    }
    fn precision(&self) -> Precision {
        Precision::Single
    }
}

pub(crate) struct DetectronCaffe2 {
    params: Params,
    steps: FirstAbove,
}

impl DetectronCaffe2 {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        if params.warmup_method == WarmupMethod::Exp {
            return Err(Rejection {
                key: "warmup_method",
                message: "Detectron's get_lr_at_iter takes linear or constant \
                          (\"KeyError: 'Unknown SOLVER.WARM_UP_METHOD: exp'\")"
                    .into(),
            });
        }
        let schedule = DetectronCaffe2 {
            steps: FirstAbove::of(&Milestones::of(&params)),
            params,
        };
        schedule.check_float32()?;
        Ok(schedule)
    }

    /// np.float32 of an lr past float32's range is inf: a schedule that would reach it is
    /// refused. The bound is base_lr × max(1, warmup_factor) × gamma^k at the most decays.
    fn check_float32(&self) -> Result<(), Rejection> {
        let p = &self.params;
        let warmup_peak = if p.warmup_iters > 0 {
            p.warmup_factor.max(1.0)
        } else {
            1.0
        };
        let growth = if p.gamma > 1.0 {
            p.gamma
                .powf(self.steps.index(p.iters.saturating_sub(1)) as f64)
        } else {
            1.0
        };
        let peak = p.base_lr * warmup_peak * growth;
        if !(peak as f32).is_infinite() {
            return Ok(());
        }
        let key = if growth > 1.0 {
            "gamma"
        } else if p.base_lr as f32 == f32::INFINITY {
            "base_lr"
        } else {
            "warmup_factor"
        };
        Err(Rejection {
            key,
            message: format!(
                "the lr would reach {}, past float32's range (about 3.4e38): Detectron \
                 returns np.float32(lr), which is inf there",
                number(peak)
            ),
        })
    }

    /// `warmup_factor` at iteration `t < W`.
    fn warmup_factor(&self, t: u64) -> f64 {
        let p = &self.params;
        match p.warmup_method {
            WarmupMethod::Constant => p.warmup_factor,
            _ => {
                let alpha = t as f64 / p.warmup_iters as f64;
                p.warmup_factor * (1.0 - alpha) + alpha
            }
        }
    }
}

impl Piecewise for DetectronCaffe2 {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        self.steps.index(t)
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        self.steps.next_change(t)
    }
}

impl Schedule for DetectronCaffe2 {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        let mut lr = p.base_lr * p.gamma.powf(self.steps.index(t) as f64);
        if t < p.warmup_iters {
            lr *= self.warmup_factor(t);
        }
        f64::from(lr as f32)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::departures::Severity;
    use crate::schedule::{Dialect, departures};

    // Values from the golden curves Detectron produced (float32, widened).
    #[test]
    fn reference_example_in_float32() {
        let s = DetectronCaffe2::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.0010000000474974513);
        assert_eq!(s.lr(9), 0.009100000374019146);
        assert_eq!(s.lr(10), 0.009999999776482582);
        assert_eq!(s.lr(49), 0.009999999776482582);
        assert_eq!(s.lr(50), 0.0010000000474974513);
        assert_eq!(s.lr(100), 9.999999747378752e-05);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (50, 1), (100, 2)]);
    }

    #[test]
    fn constant_warmup() {
        let s = DetectronCaffe2::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![30, 60, 90]),
            warmup_factor: 0.3333333333333333,
            warmup_iters: 5,
            warmup_method: WarmupMethod::Constant,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(4), 0.03333333507180214);
        assert_eq!(s.lr(5), 0.10000000149011612);
        assert_eq!(s.lr(90), 9.999999747378752e-05);
    }

    #[test]
    fn unsorted_list_waits_for_its_largest_milestone() {
        let s = DetectronCaffe2::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(59), 0.10000000149011612);
        assert_eq!(s.lr(60), 0.0010000000474974513);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (5, 0), (60, 2)]);
    }

    #[test]
    fn refuses_exp_and_float32_overflow() {
        let exp = DetectronCaffe2::new(Params {
            warmup_method: WarmupMethod::Exp,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(exp.key, "warmup_method");
        assert!(exp.message.contains("Unknown SOLVER.WARM_UP_METHOD: exp"));
        let huge = DetectronCaffe2::new(Params {
            base_lr: 1e39,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(huge.key, "base_lr");
        assert!(huge.message.starts_with("the lr would reach 1e39, past"));
        // Just inside float32's range: accepted.
        assert!(
            DetectronCaffe2::new(Params {
                base_lr: 3e38,
                warmup_iters: 0,
                ..Params::default()
            })
            .is_ok()
        );
    }

    #[test]
    fn departures_say_float32() {
        let s = DetectronCaffe2::new(Params::default()).unwrap();
        let notes: Vec<(String, Severity)> =
            departures(Dialect::from_name("detectron").unwrap(), &s)
                .into_iter()
                .map(|d| (d.text, d.severity))
                .collect();
        // float32 rounding is the framework's arithmetic: notes, so `check --strict` passes.
        assert_eq!(
            notes,
            [
                (
                    "10 of 10 warmup values differ in the last bits: get_lr_at_iter returns \
                     np.float32(lr), so every warmup value is rounded to float32"
                        .to_string(),
                    Severity::Note
                ),
                (
                    "after warmup the lr is 0.009999999776482582, not 0.01 = base_lr × gamma^0 (3 \
                     of 3 constant phases are off): get_lr_at_iter returns np.float32(lr), fed to \
                     Caffe2 as a float32 blob"
                        .to_string(),
                    Severity::Note
                )
            ]
        );
    }

    #[test]
    fn huge_inputs_are_closed_form() {
        let s = DetectronCaffe2::new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 0,
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(0), 0.009999999776482582);
        assert_eq!(s.lr(u64::MAX - 1), 0.0);
        assert_eq!(
            s.segments().take(3).map(|g| g.start).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }
}
