//! PaddlePaddle `paddle.optimizer.lr`: `LinearWarmup(learning_rate=MultiStepDecay(B,
//! milestones=M, gamma=g), warmup_steps=W, start_lr=B*f, end_lr=B)` (`StepDecay(B, step_size,
//! g)` inside it for a step_size), read as `last_lr` after i `step()` calls:
//!
//! ```python
//! # LinearWarmup.get_lr
//! if self.last_epoch < self.warmup_steps:
//!     return (self.end_lr - self.start_lr) * float(
//!         self.last_epoch
//!     ) / float(self.warmup_steps) + self.start_lr
//! else:
//!     if isinstance(self.learning_rate, LRScheduler):
//!         self.learning_rate.step(self.last_epoch - self.warmup_steps)
//!         return self.learning_rate()
//! # MultiStepDecay.get_lr
//! for i in range(len(self.milestones)):
//!     if self.last_epoch < self.milestones[i]:
//!         return self.base_lr * (self.gamma**i)
//! return self.base_lr * (self.gamma ** len(self.milestones))
//! # StepDecay.get_lr
//! return self.base_lr * (self.gamma ** (self.last_epoch // self.step_size))
//! ```
//!
//! Both are closed forms of the step. The decay scheduler is stepped with `last_epoch - W`, so
//! its milestones count from the end of warmup: each decay lands W late (60 and 110 in the
//! reference example), as with PyTorch's SequentialLR. LinearWarmup asserts `warmup_steps > 0`
//! and `end_lr > start_lr`; MultiStepDecay wants strictly increasing milestones and gamma < 1.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::message::{list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for paddle.
pub(crate) struct PaddleDialect;

impl Framework for PaddleDialect {
    fn name(&self) -> &'static str {
        "paddle"
    }
    /// The package's name on PyPI.
    fn aliases(&self) -> &'static [&'static str] {
        &["paddlepaddle"]
    }
    fn framework(&self) -> &'static str {
        "PaddlePaddle"
    }
    /// The golden curves' manifest records no paddle version.
    fn version(&self) -> &'static str {
        "PaddlePaddle, version not recorded"
    }
    fn construction(&self) -> &'static str {
        "PaddlePaddle paddle.optimizer.lr LinearWarmup(MultiStepDecay or StepDecay, \
         warmup_steps=W, start_lr=B*f, end_lr=B)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepDecay takes gamma")?;
        Ok(Box::new(Paddle::new(params)?))
    }
}

/// Why its warmup values differ from the intended ones in the last bits.
const WARMUP_ARITHMETIC: &str = "LinearWarmup computes (end_lr - start_lr) × i / W + start_lr";

impl Departs for PaddleDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "LinearWarmup warms up while last_epoch < warmup_steps = {}",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        format!(
            "LinearWarmup steps MultiStepDecay with last_epoch - warmup_steps, so its milestones \
             count from the end of warmup (W = {})",
            p.warmup_iters
        )
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        if Milestones::of(schedule.params()).count_lt(warmup_end) > 0 {
            Departure::note(
                "milestones inside the warmup do not decay it: PaddlePaddle ramps to base_lr and \
                 decays only after it"
                    .into(),
            )
        } else {
            Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "MultiStepDecay computes base_lr × gamma ** k".into()
    }
    /// paddle refuses the lists the others reorder or drop.
    fn structural(&self, _: &Params) -> Vec<Departure> {
        Vec::new()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

pub(crate) struct Paddle {
    params: Params,
    /// The decay scheduler's milestones, counted from the end of warmup.
    since_warmup: Milestones,
    /// `start_lr = B * f`.
    start: f64,
}

impl Paddle {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        let reject = |key, message: String| Err(Rejection { key, message });
        if params.warmup_method != WarmupMethod::Linear {
            return reject(
                "warmup_method",
                format!(
                    "paddle's LinearWarmup has no {} warmup (paddle.optimizer.lr warms up \
                     linearly only); use warmup_method = linear",
                    params.warmup_method.name()
                ),
            );
        }
        // The decay scheduler is built first, so its checks come first.
        let (since_warmup, class) = match &params.decay {
            Decay::Milestones(given) => {
                if let Some(i) = (1..given.len()).find(|&i| given[i - 1] >= given[i]) {
                    return reject(
                        "milestones",
                        format!(
                            "must be strictly increasing, got {} (MultiStepDecay: \"The elements \
                             of milestones must be incremented\")",
                            list_around(given, i)
                        ),
                    );
                }
                (Milestones::list(given.clone()), "MultiStepDecay")
            }
            // StepDecay's `last_epoch // step_size` decays at every multiple of the step.
            &Decay::StepSize(step) => (
                Milestones::Every {
                    first: step,
                    step,
                    end: u64::MAX,
                },
                "StepDecay",
            ),
        };
        if params.gamma >= 1.0 {
            return reject(
                "gamma",
                format!(
                    "must be < 1, got {} ({class}: \"gamma should be < 1.0.\")",
                    number(params.gamma)
                ),
            );
        }
        if params.warmup_iters == 0 {
            return reject(
                "warmup_iters",
                "must be >= 1 (LinearWarmup: \"'warmup_steps' must be a positive integer.\"); \
                 without warmup, paddle's decay scheduler alone gives maskrcnn's curve \
                 (--dialect maskrcnn)"
                    .into(),
            );
        }
        let start = params.warmup_start();
        if start >= params.base_lr {
            return reject(
                "warmup_factor",
                format!(
                    "must be < 1, got {}: LinearWarmup wants start_lr = base_lr × warmup_factor \
                     below end_lr = base_lr (\"end_lr {} must be greater than start_lr {}\")",
                    number(params.warmup_factor),
                    number(params.base_lr),
                    number(start)
                ),
            );
        }
        Ok(Paddle {
            params,
            since_warmup,
            start,
        })
    }
}

impl Piecewise for Paddle {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        t.checked_sub(self.params.warmup_iters)
            .map_or(0, |since| self.since_warmup.count_le(since))
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        let from = t.checked_add(1)?.max(w);
        if self.decays(from) != self.decays(t) {
            return Some(from);
        }
        self.since_warmup.next_after(from - w)?.checked_add(w)
    }
}

impl Schedule for Paddle {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        if t < p.warmup_iters {
            (p.base_lr - self.start) * t as f64 / p.warmup_iters as f64 + self.start
        } else {
            p.base_lr * p.gamma.powf(self.decays(t) as f64)
        }
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

    // Values from the golden curves paddle produced.
    #[test]
    fn decays_count_from_the_end_of_warmup() {
        let s = Paddle::new(Params::default()).unwrap();
        assert_eq!(s.lr(1), 0.0019000000000000002);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(59), 0.01);
        assert_eq!(s.lr(60), 0.001);
        assert_eq!(s.lr(110), 0.00010000000000000002);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (60, 1), (110, 2)]);
    }

    #[test]
    fn warmup_in_paddles_order() {
        // Golden overlap (B 0.1, f 0.01, W 150): 0.09802000000000001, where maskrcnn's
        // factor form gives 0.09802.
        let s = Paddle::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![100, 200]),
            gamma: 0.5,
            warmup_factor: 0.01,
            warmup_iters: 150,
            iters: 300,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(147), 0.09802000000000001);
        assert_eq!(s.lr(150), 0.1);
        assert_eq!(s.lr(250), 0.05);
    }

    #[test]
    fn refusals_quote_paddle() {
        let reject = |params: Params| Paddle::new(params).err().unwrap();
        let repeated = reject(Params {
            decay: Decay::Milestones(vec![20, 20, 40]),
            ..Params::default()
        });
        assert_eq!(repeated.key, "milestones");
        assert!(
            repeated
                .message
                .contains("The elements of milestones must be incremented")
        );
        let no_warmup = reject(Params {
            warmup_iters: 0,
            ..Params::default()
        });
        assert_eq!(no_warmup.key, "warmup_iters");
        assert!(
            no_warmup
                .message
                .contains("'warmup_steps' must be a positive integer.")
        );
        let constant = reject(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        });
        assert!(
            constant
                .message
                .contains("paddle's LinearWarmup has no constant warmup")
        );
        let flat = reject(Params {
            warmup_factor: 1.0,
            ..Params::default()
        });
        assert_eq!(flat.key, "warmup_factor");
        assert!(
            flat.message
                .contains("end_lr 0.01 must be greater than start_lr 0.01")
        );
        let gamma = reject(Params {
            gamma: 1.0,
            decay: Decay::StepSize(10),
            ..Params::default()
        });
        assert!(
            gamma
                .message
                .contains("(StepDecay: \"gamma should be < 1.0.\")")
        );
    }

    #[test]
    fn departure_says_the_decays_count_from_the_end_of_warmup() {
        let s = Paddle::new(Params::default()).unwrap();
        let notes = departures(Dialect::from_name("paddle").unwrap(), &s);
        assert_eq!(
            notes[0].text,
            "decays at 60 and 110 instead of 50 and 100: LinearWarmup steps MultiStepDecay with \
             last_epoch - warmup_steps, so its milestones count from the end of warmup (W = 10)"
        );
        assert_eq!(notes[0].severity, Severity::Warning);
    }

    #[test]
    fn a_warmup_near_u64_max_is_sampled_without_overflow() {
        let s = Paddle::new(Params {
            warmup_iters: u64::MAX - 1,
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(u64::MAX - 1), 0.01);
        let notes = departures(Dialect::from_name("paddlepaddle").unwrap(), &s);
        assert!(
            notes[0]
                .text
                .starts_with("never decays before iters, instead of at 50 and 100: "),
            "{notes:?}"
        );
        assert_eq!(
            notes[1].text,
            "milestones inside the warmup do not decay it: PaddlePaddle ramps to base_lr and \
             decays only after it"
        );
    }

    #[test]
    fn step_size_is_step_decay_after_warmup() {
        let s = Paddle::new(Params {
            decay: Decay::StepSize(1),
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(11), 0.01 * 0.1f64.powf(1.0));
        assert_eq!(s.lr(u64::MAX - 1), 0.0);
        let starts: Vec<u64> = s.segments().take(4).map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 10, 11, 12]);
    }
}
