//! TensorFlow Model Garden `official/modeling/optimization/lr_schedule.py`, as
//! `OptimizerFactory.build_learning_rate` builds `learning_rate {type: stepwise}` +
//! `warmup {type: linear}`:
//!
//! ```python
//! after = PiecewiseConstantDecayWithOffset(boundaries=M, values=[B * g**k for k in range(len(M) + 1)], offset=0)
//! sched = LinearWarmup(after, warmup_steps=W, warmup_learning_rate=B * f)
//!
//! # LinearWarmup.__init__:  self._final_warmup_lr = after(W)
//! # LinearWarmup.__call__(step):
//! global_step = tf.cast(step, dtype=tf.float32)
//! linear_warmup_lr = (self._init_warmup_lr + global_step / self._warmup_steps *
//!                     (self._final_warmup_lr - self._init_warmup_lr))
//! lr = tf.cond(global_step < self._warmup_steps, lambda: linear_warmup_lr,
//!              lambda: self._after_warmup_lr_sched(step))
//! ```
//!
//! Everything is float32. The offset wrapper casts the step to float32 and tf_keras's
//! `PiecewiseConstantDecay` picks `values[0]` while `step <= boundaries[0]`, `values[k]` while
//! `boundaries[k-1] < step <= boundaries[k]`, through `tf.case(..., exclusive=True)`: a
//! milestone applies a step late (m + 1), and an unsorted list makes two ranges true, which
//! `tf.case` raises on. The warmup ramps towards `after(W)`, the value scheduled at W. lr(i) is
//! `float(sched(tf.constant(i, tf.int64)))` in eager mode (see docs/dialects.md for graph mode).

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::float32::{self, first_step_above, first_step_at_least};
use crate::schedule::message::{list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for tf-model-garden.
pub(crate) struct TfModelGardenDialect;

const FRAMEWORK: &str = "TensorFlow Model Garden";

impl Framework for TfModelGardenDialect {
    fn name(&self) -> &'static str {
        "tf-model-garden"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        FRAMEWORK
    }
    fn version(&self) -> &'static str {
        "tf-models-official 2.20.0"
    }
    fn construction(&self) -> &'static str {
        "TensorFlow Model Garden LinearWarmup(PiecewiseConstantDecayWithOffset) (float32)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        Ok(Box::new(TfModelGarden::new(params)?))
    }
    fn epoch_stepping_refusal(&self) -> Option<&'static str> {
        Some(
            "TF Model Garden evaluates its schedule at optimizer.iterations; give the milestones in epochs instead (\"8ep\"): they land on epoch boundaries",
        )
    }
}

/// Why warmup values differ in their last bits.
const WARMUP_ARITHMETIC: &str =
    "Model Garden computes init + step / W × (after(W) - init) in float32";

impl Departs for TfModelGardenDialect {
    /// The warmup ends elsewhere than at W only past 2^24, where steps round.
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "LinearWarmup compares float32(step) < float32(W) = {}",
            p.warmup_iters as f32
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        let late = "PiecewiseConstantDecay keeps values[k] while step <= boundaries[k], so each \
                    milestone applies a step late";
        let w = p.warmup_iters.min(p.iters);
        if Milestones::of(p).count_lt(w.saturating_sub(1)) > 0 {
            format!(
                "{late}; a milestone inside the warmup only changes the value it ramps to, \
                 reached at W = {w}"
            )
        } else {
            late.into()
        }
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    /// Past float32's rounding, the warmup differs only where it ramps to a decayed value.
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        Departure::note(format!(
            "the warmup ramps towards {}, the lr scheduled at W, instead of decaying inside it \
             (LinearWarmup interpolates towards after_warmup_lr_sched(W))",
            number(schedule.lr(warmup_end))
        ))
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "every lr is a float32: PiecewiseConstantDecay holds values[k] = float32(B × g**k)".into()
    }
    /// An unsorted list is refused where it matters; nothing else is dropped.
    fn structural(&self, _: &Params) -> Vec<Departure> {
        Vec::new()
    }
    fn precision(&self) -> Precision {
        Precision::Single
    }
}

pub(crate) struct TfModelGarden {
    params: Params,
    milestones: Milestones,
    /// `float32(W)`, what the step is compared with.
    warmup_steps: f32,
    /// `float32(B * f)`, the warmup's start.
    init: f32,
    /// `after(W) - init`, the warmup's rise.
    rise: f32,
    warmup_end: u64,
}

impl TfModelGarden {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        if params.warmup_method != WarmupMethod::Linear && params.warmup_iters > 0 {
            return Err(Rejection {
                key: "warmup_method",
                message: format!(
                    "Model Garden's warmup types are 'linear' (LinearWarmup) and 'polynomial' \
                     (PolynomialWarmUp); neither holds a {} warmup: use warmup_method = linear",
                    params.warmup_method.name()
                ),
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
        let warmup_steps = params.warmup_iters as f32;
        let mut schedule = TfModelGarden {
            init: 0.0,
            rise: 0.0,
            warmup_steps,
            warmup_end: first_step_at_least(warmup_steps),
            milestones,
            params,
        };
        schedule.check_sorted()?;
        schedule.check_range()?;
        let p = &schedule.params;
        let init = p.warmup_start() as f32;
        schedule.rise = schedule.value(schedule.decays_at(p.warmup_iters)) - init;
        schedule.init = init;
        Ok(schedule)
    }

    /// Milestones below `float32(step)`: k in `values[k]`.
    fn decays_at(&self, step: u64) -> u64 {
        self.milestones.count_lt(first_step_at_least(step as f32))
    }

    /// `values[k] = float32(B * g**k)`.
    fn value(&self, k: u64) -> f32 {
        self.params.level(k) as f32
    }

    /// `tf.case(exclusive=True)` raises at the first evaluated step that two ranges contain.
    /// A step is in two ranges exactly when it lies in `(m[j+1], m[j]]` (as float32) for a pair
    /// that goes down. Evaluated are W (at construction) and every step from W to iters - 1.
    fn check_sorted(&self) -> Result<(), Rejection> {
        let Some(given) = self.milestones.given() else {
            return Ok(());
        };
        // Evaluated: W (at construction), then every step from the end of warmup on.
        let evaluated = [
            (self.warmup_end, self.params.iters.saturating_sub(1)),
            (self.params.warmup_iters, self.params.warmup_iters),
        ];
        let mut first: Option<(u64, usize)> = None;
        for j in 1..given.len() {
            let (high, low) = (given[j - 1] as f32, given[j] as f32);
            let Some(from) = first_step_above(low).filter(|_| low < high) else {
                continue;
            };
            let to = first_step_above(high).map_or(u64::MAX, |above| above - 1);
            for (start, end) in evaluated {
                let step = from.max(start);
                if step <= to.min(end) && first.is_none_or(|(s, _)| step < s) {
                    first = Some((step, j));
                }
            }
        }
        let Some((step, j)) = first else {
            return Ok(());
        };
        let conditions = given.len() + 1;
        let marks = if conditions <= 8 {
            vec!["?"; conditions].join(", ")
        } else {
            format!("?, ?, ?, … {conditions} in all")
        };
        Err(Rejection {
            key: "milestones",
            message: format!(
                "must be sorted ascending, got {}: at step {step} two of PiecewiseConstantDecay's \
                 ranges hold and tf.case raises (InvalidArgumentError: \"Input error: \
                 exclusive=True: more than 1 conditions ({marks}) evaluated as True\")",
                list_around(given, j)
            ),
        })
    }

    /// Every lr of the run must be a finite float32: the warmup start and the values reached.
    fn check_range(&self) -> Result<(), Rejection> {
        let p = &self.params;
        let last = p.iters - 1;
        float32::in_range(p.base_lr, "base_lr", FRAMEWORK, "base_lr")?;
        if p.warmup_iters > 0 {
            float32::in_range(
                p.base_lr * p.warmup_factor,
                "warmup_factor",
                FRAMEWORK,
                "warmup_learning_rate",
            )?;
        }
        let k = self.decays_at(last.max(p.warmup_iters));
        let top = p.base_lr * p.gamma.powf(k as f64);
        float32::in_range(top, "gamma", FRAMEWORK, &format!("values[{k}]"))?;
        Ok(())
    }
}

impl Piecewise for TfModelGarden {
    fn params(&self) -> &Params {
        &self.params
    }
    fn warmup_end(&self) -> u64 {
        self.warmup_end
    }
    fn decays(&self, t: u64) -> u64 {
        if t < self.warmup_end {
            0
        } else {
            self.decays_at(t)
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let decays = self.decays(t);
        let from = t.checked_add(1)?.max(self.warmup_end);
        if self.decays(from) != decays {
            return Some(from);
        }
        // The next milestone not below float32(from) takes effect once the step passes it.
        let milestone = self
            .milestones
            .next_at_or_after(first_step_at_least(from as f32))?;
        first_step_above(milestone as f32)
    }
}

impl Schedule for TfModelGarden {
    fn params(&self) -> &Params {
        &self.params
    }

    fn warmup_end(&self) -> u64 {
        self.warmup_end
    }

    fn lr(&self, t: u64) -> f64 {
        let step = t as f32;
        let lr = if step < self.warmup_steps {
            self.init + step / self.warmup_steps * self.rise
        } else {
            self.value(self.decays_at(t))
        };
        f64::from(lr)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Decay;
    use crate::schedule::Dialect;
    use crate::schedule::departures::Severity;

    #[test]
    fn seed_decays_a_step_late_in_float32() {
        let s = TfModelGarden::new(Params::default()).unwrap();
        // tf-model-garden/seed.csv
        assert_eq!(s.lr(0), 0.0010000000474974513);
        assert_eq!(s.lr(9), 0.009099999442696571);
        assert_eq!(s.lr(10), 0.009999999776482582);
        assert_eq!(s.lr(50), 0.009999999776482582);
        assert_eq!(s.lr(51), 0.0010000000474974513);
        assert_eq!(s.lr(101), 9.999999747378752e-05);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (51, 1), (101, 2)]);
    }

    #[test]
    fn overlap_ramps_to_the_value_at_w() {
        let s = TfModelGarden::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![100, 200]),
            gamma: 0.5,
            warmup_factor: 0.01,
            warmup_iters: 150,
            iters: 300,
            ..Params::default()
        })
        .unwrap();
        // tf-model-garden/overlap.csv: from 0.001 to 0.05, first drop at 201.
        assert_eq!(s.lr(0), 0.0010000000474974513);
        assert_eq!(s.lr(11), 0.004593333229422569);
        assert_eq!(s.lr(150), 0.05000000074505806);
        assert_eq!(s.lr(200), 0.05000000074505806);
        assert_eq!(s.lr(201), 0.02500000037252903);
    }

    #[test]
    fn refusals() {
        let reject = |params: Params| TfModelGarden::new(params).err().unwrap();
        let constant = reject(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        });
        assert_eq!(constant.key, "warmup_method");
        assert!(constant.message.starts_with(
            "Model Garden's warmup types are 'linear' (LinearWarmup) and 'polynomial'"
        ));
        let unsorted = reject(Params {
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        });
        assert!(
            unsorted.message.contains("at step 31 "),
            "{}",
            unsorted.message
        );
        assert!(
            unsorted
                .message
                .contains("more than 1 conditions (?, ?, ?)")
        );
        let empty = reject(Params {
            decay: Decay::Milestones(vec![]),
            ..Params::default()
        });
        assert!(empty.message.contains("IndexError"));
        let huge = reject(Params {
            base_lr: 1e39,
            ..Params::default()
        });
        assert_eq!(huge.key, "base_lr");
    }

    #[test]
    fn unsorted_steps_never_evaluated_are_fine() {
        // [60, 30]: steps 31..=60 lie in two ranges; a run that stops at 31 never asks.
        let s = TfModelGarden::new(Params {
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 31,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(30), f64::from(0.01f32));
    }

    #[test]
    fn huge_steps_compare_as_float32() {
        // float32(2^24 + 1) = 2^24: the milestone 2^24 + 1 applies once float32(step) > 2^24.
        let m = (1u64 << 24) + 1;
        let s = TfModelGarden::new(Params {
            decay: Decay::Milestones(vec![m]),
            warmup_iters: 0,
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(m), f64::from(0.01f32));
        assert_eq!(s.lr(m + 1), f64::from(0.001f32));
        assert_eq!(s.lr(u64::MAX), f64::from(0.001f32));
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, m + 1]);
        let every = TfModelGarden::new(Params {
            decay: Decay::StepSize(1),
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(every.segments().take(3).count(), 3);
        assert_eq!(every.lr(12), f64::from((0.01 * 0.1f64.powf(1.0)) as f32));
    }

    /// float32 rounding is the framework's arithmetic: notes only, on the reference example.
    #[test]
    fn departures_are_notes_in_float32() {
        let s = TfModelGarden::new(Params::default()).unwrap();
        let notes = crate::schedule::departures(Dialect::from_name("tf-model-garden").unwrap(), &s);
        assert!(
            notes.iter().all(|d| d.severity == Severity::Note),
            "{notes:?}"
        );
        assert_eq!(
            notes[2].text,
            "after warmup the lr is 0.009999999776482582, not 0.01 = base_lr × gamma^0 (3 of 3 \
             constant phases are off): every lr is a float32: PiecewiseConstantDecay holds \
             values[k] = float32(B × g**k)"
        );
        // A ramp towards a decayed value is more than rounding.
        let overlap = TfModelGarden::new(Params {
            warmup_iters: 60,
            ..Params::default()
        })
        .unwrap();
        let notes =
            crate::schedule::departures(Dialect::from_name("tf-model-garden").unwrap(), &overlap);
        assert_eq!(notes[0].severity, Severity::Warning);
        assert!(
            notes[1]
                .text
                .starts_with("the warmup ramps towards 0.0010000000474974513,")
        );
    }
}
