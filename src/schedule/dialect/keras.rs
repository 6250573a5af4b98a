//! Keras 3 `keras.optimizers.schedules.PiecewiseConstantDecay(boundaries=M,
//! values=[B * g**k for k in range(len(M) + 1)])`, floatx float32, called as
//! `self._learning_rate(self.iterations)` with the optimizer's int64 step:
//!
//! ```python
//! result_value += ops.cast(step <= boundaries[0], result_dtype) * values[0]
//! result_value += ops.cast(step > boundaries[-1], result_dtype) * values[-1]
//! for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
//!     result_value += ops.cast((step > low) & (step <= high), result_dtype) * value
//! ```
//!
//! The step and the boundaries are compared as integers, so `values[k]` holds while
//! `step <= boundaries[k]`: a milestone applies a step late (m + 1). Each value is
//! `float32(B * g**k)`; the other terms of the sum are zeros, so the sum is that value exactly.
//! There is no warmup.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::float32;
use crate::schedule::message::list_around;
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Params, Rejection, Schedule, Segment};

/// The registry's entry for keras.
pub(crate) struct KerasDialect;

const FRAMEWORK: &str = "Keras";

impl Framework for KerasDialect {
    fn name(&self) -> &'static str {
        "keras"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        FRAMEWORK
    }
    fn version(&self) -> &'static str {
        "keras 3.15.1"
    }
    fn construction(&self) -> &'static str {
        "Keras 3 PiecewiseConstantDecay (float32, no warmup)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_warmup_lr(&params, "PiecewiseConstantDecay has no warmup")?;
        Ok(Box::new(Keras::new(params)?))
    }
}

/// Keras refuses any warmup, so the warmup texts are never shown with a curve.
const NO_WARMUP: &str = "PiecewiseConstantDecay has no warmup";

impl Departs for KerasDialect {
    fn warmup_end_reason(&self, _: &Params) -> String {
        NO_WARMUP.into()
    }
    fn decay_reason(&self, _: &Params) -> String {
        "Keras's PiecewiseConstantDecay keeps values[k] while step <= boundaries[k], so it \
         decays a step late"
            .into()
    }
    fn warmup_arithmetic(&self) -> &'static str {
        NO_WARMUP
    }
    fn warmup_shape(&self, _: &dyn Schedule, _: u64) -> Departure {
        Departure::note(NO_WARMUP.into())
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "every lr is a float32 (floatx): PiecewiseConstantDecay holds values[k] = float32(B × \
         g**k)"
            .into()
    }
    /// Keras refuses the lists it would add up wrongly.
    fn structural(&self, _: &Params) -> Vec<Departure> {
        Vec::new()
    }
    fn precision(&self) -> Precision {
        Precision::Single
    }
}

pub(crate) struct Keras {
    params: Params,
    milestones: Milestones,
}

impl Keras {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        if params.warmup_iters > 0 {
            return Err(Rejection {
                key: "warmup_iters",
                message: "keras.optimizers.schedules.PiecewiseConstantDecay has no warmup; set \
                          warmup_iters = 0"
                    .into(),
            });
        }
        let milestones = Milestones::of(&params);
        if milestones.is_empty() {
            return Err(Rejection {
                key: milestones.key(),
                message: "PiecewiseConstantDecay needs at least one boundary below iters: it \
                          reads boundaries[0] (IndexError: list index out of range)"
                    .into(),
            });
        }
        if let Some(given) = milestones.given()
            && let Some(j) = (1..given.len()).find(|&j| given[j - 1] > given[j])
        {
            return Err(Rejection {
                key: "milestones",
                message: format!(
                    "must be sorted ascending, got {}: PiecewiseConstantDecay takes \"a list of \
                     Python numbers with strictly increasing entries\", and on an unsorted one \
                     it adds up the values of every range the step falls in",
                    list_around(given, j)
                ),
            });
        }
        let schedule = Keras { params, milestones };
        let p = &schedule.params;
        float32::in_range(p.base_lr, "base_lr", FRAMEWORK, "values[0]")?;
        let k = schedule.decays(p.iters - 1);
        float32::in_range(
            schedule.exact(k),
            "gamma",
            FRAMEWORK,
            &format!("values[{k}]"),
        )?;
        Ok(schedule)
    }

    /// `B * g**k` before Keras narrows it to float32.
    fn exact(&self, k: u64) -> f64 {
        self.params.level(k)
    }
}

impl Piecewise for Keras {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        self.milestones.count_lt(t)
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        self.milestones
            .next_at_or_after(t)
            .and_then(|m| m.checked_add(1))
    }
}

impl Schedule for Keras {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        f64::from(self.exact(self.decays(t)) as f32)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Dialect;
    use crate::schedule::departures::Severity;
    use crate::schedule::{Decay, WarmupMethod};

    fn nowarmup() -> Params {
        Params {
            base_lr: 0.5,
            decay: Decay::Milestones(vec![10, 20, 30]),
            gamma: 0.2,
            warmup_factor: 1.0,
            warmup_iters: 0,
            iters: 40,
            ..Params::default()
        }
    }

    #[test]
    fn decays_a_step_late_in_float32() {
        let s = Keras::new(nowarmup()).unwrap();
        // keras/nowarmup.csv
        assert_eq!(s.lr(10), 0.5);
        assert_eq!(s.lr(11), 0.10000000149011612);
        assert_eq!(s.lr(21), 0.019999999552965164);
        assert_eq!(s.lr(31), 0.004000000189989805);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (11, 1), (21, 2), (31, 3)]);
    }

    #[test]
    fn refusals() {
        let reject = |params: Params| Keras::new(params).err().unwrap();
        let warmup = reject(Params::default());
        assert_eq!(warmup.key, "warmup_iters");
        assert!(
            warmup
                .message
                .starts_with("keras.optimizers.schedules.PiecewiseConstantDecay has no warmup")
        );
        let unsorted = reject(Params {
            decay: Decay::Milestones(vec![60, 30]),
            ..nowarmup()
        });
        assert!(unsorted.message.contains("strictly increasing entries"));
        let empty = reject(Params {
            decay: Decay::Milestones(vec![]),
            ..nowarmup()
        });
        assert!(empty.message.contains("IndexError"));
        let growing = reject(Params {
            gamma: 1e20,
            ..nowarmup()
        });
        assert_eq!(growing.key, "gamma");
        assert!(
            growing
                .message
                .starts_with("values[3] = 5e59 is past the float32 range")
        );
    }

    #[test]
    fn any_warmup_method_without_warmup_and_huge_runs() {
        let s = Keras::new(Params {
            warmup_method: WarmupMethod::Constant,
            decay: Decay::StepSize(1),
            iters: u64::MAX,
            ..nowarmup()
        })
        .unwrap();
        assert_eq!(s.lr(1), 0.5);
        assert_eq!(s.lr(2), 0.10000000149011612);
        assert_eq!(s.segments().take(4).count(), 4);
        assert_eq!(s.lr(u64::MAX), 0.0);
    }

    #[test]
    fn departures_are_notes_in_float32() {
        let s = Keras::new(nowarmup()).unwrap();
        let notes = crate::schedule::departures(Dialect::from_name("keras").unwrap(), &s);
        let texts: Vec<&str> = notes.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "decays at 11, 21 and 31 instead of 10, 20 and 30: Keras's PiecewiseConstantDecay \
                 keeps values[k] while step <= boundaries[k], so it decays a step late",
                "from iteration 11 the lr is 0.10000000149011612, not 0.1 = base_lr × gamma^1 (3 \
                 of 4 constant phases are off): every lr is a float32 (floatx): \
                 PiecewiseConstantDecay holds values[k] = float32(B × g**k)"
            ]
        );
        assert!(notes.iter().all(|d| d.severity == Severity::Note));
    }
}
