//! timm as its `train.py` builds the scheduler: `create_scheduler_v2(opt, sched='multistep',
//! num_epochs=N, decay_milestones=M, decay_rate=gamma, warmup_lr=base_lr * warmup_factor,
//! warmup_epochs=W, warmup_prefix=False, step_on_epochs=False, updates_per_epoch=1)`, read after
//! `step_update(num_updates=i)`; with `step_size`, `sched='step', decay_epochs=step_size`.
//!
//! That is `MultiStepLRScheduler(decay_t=M, ..., warmup_prefix=False)`: `scheduler_kwargs` reads
//! `warmup_prefix` from `--warmup-prefix`, which is off by default. `_get_lr(t)` is then
//! `warmup_lr_init + t * (base_lr - warmup_lr_init) / W` while `t < W`, and after it
//! `base_lr * decay_rate ** bisect_right(decay_t, t + 1)` on the unshifted `t`: each decay lands
//! one step early (m - 1), and a milestone inside the warmup waits for its end. `StepLRScheduler`
//! computes `base_lr * (decay_rate ** (t // decay_t))` on the unshifted `t` too: counted from
//! t = 0, not from the end of the warmup, so at t = W the lr may already be decayed. The
//! arithmetic is the classes', shared with the `timm` dialect ([`Timm`]); only the prefix differs.

use super::Framework;
use super::timm::{Timm, class_name, steps_alike, unsorted, unsorted_decay_t};
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::milestones::Milestones;
use crate::schedule::{Params, Rejection, Schedule, WarmupMethod};

/// The registry's entry for timm-train.
pub(crate) struct TimmTrainDialect;

/// Why warmup values differ in their last bits.
const WARMUP_ARITHMETIC: &str = "timm computes warmup_lr_init + t × (base_lr - warmup_lr_init) / W";

impl Framework for TimmTrainDialect {
    fn name(&self) -> &'static str {
        "timm-train"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "timm"
    }
    fn version(&self) -> &'static str {
        "timm 1.0.31"
    }
    fn construction(&self) -> &'static str {
        "timm train.py: create_scheduler_v2(sched='multistep', warmup_prefix=False, \
         step_on_epochs=False) = MultiStepLRScheduler(warmup_prefix=False)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepLRScheduler takes decay_rate")?;
        Ok(Box::new(new(params)?))
    }
}

/// The scheduler `train.py` gets, or why it cannot express `params`.
fn new(params: Params) -> Result<Timm, Rejection> {
    if params.warmup_iters > 0 && params.warmup_method != WarmupMethod::Linear {
        return Err(Rejection {
            key: "warmup_method",
            message: format!(
                "timm warms up linearly only: MultiStepLRScheduler ramps from warmup_lr \
                 (warmup_factor × base_lr) to base_lr and has no {} warmup; set warmup_method = \
                 \"linear\"",
                params.warmup_method.name()
            ),
        });
    }
    steps_alike(&params)?;
    Ok(Timm::with_warmup_prefix(params, false))
}

/// Whether a milestone falls inside the warmup (before its end or the run's).
fn inside_warmup(p: &Params) -> bool {
    Milestones::of(p).count_lt(p.warmup_iters.min(p.iters)) > 0
}

impl Departs for TimmTrainDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!("timm warms up while t < warmup_t = {}", p.warmup_iters)
    }
    /// `t + 1`, the warmup that holds decays back, an unsorted list.
    fn decay_reason(&self, p: &Params) -> String {
        if class_name(p) == "StepLRScheduler" {
            return "StepLRScheduler counts t // decay_t from t = 0, not from the end of the \
                    warmup (train.py passes warmup_prefix=False); decays inside the warmup wait \
                    for its end"
                .into();
        }
        let mut reasons =
            vec!["bisect_right(decay_t, t + 1) applies each milestone a step early".to_string()];
        if inside_warmup(p) {
            reasons.push(format!(
                "milestones inside the warmup wait for its end at {}",
                p.warmup_iters
            ));
        }
        if unsorted(p).is_some() {
            reasons.push("an unsorted decay_t is bisected as given".into());
        }
        reasons.join("; ")
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        if Milestones::of(schedule.params()).count_lt(warmup_end) > 0 {
            Departure::note(
                "milestones inside the warmup do not decay it: timm ramps to base_lr and decays \
                 only after it"
                    .into(),
            )
        } else {
            Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "timm computes base_lr × decay_rate ** k".into()
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        unsorted_decay_t(p).into_iter().collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::departures::Severity;
    use crate::schedule::piecewise::Piecewise;
    use crate::schedule::{Decay, Dialect, departures};

    /// Values from the golden `timm-train/seed.csv`.
    #[test]
    fn seed_decays_one_step_early() {
        let s = new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(9), 0.0091);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(48), 0.01);
        assert_eq!(s.lr(49), 0.001);
        assert_eq!(s.lr(99), 0.00010000000000000002);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (49, 1), (99, 2)]);
    }

    /// golden `timm-train/overlap.csv`: milestone 100 waits for the warmup to end at 150, 200
    /// lands at 199.
    #[test]
    fn milestones_inside_warmup_wait() {
        let s = new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![100, 200]),
            gamma: 0.5,
            warmup_factor: 0.01,
            warmup_iters: 150,
            iters: 300,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(149), 0.09934);
        assert_eq!(s.lr(150), 0.05);
        assert_eq!(s.lr(198), 0.05);
        assert_eq!(s.lr(199), 0.025);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 150, 199]);
    }

    /// golden `timm-train/unsorted.csv`: bisect_right([60, 30], t + 1) jumps to 2 at t = 29.
    #[test]
    fn unsorted_list_is_bisected_as_given() {
        let s = new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(28), 0.1);
        assert_eq!(s.lr(29), 0.0010000000000000002);
    }

    #[test]
    fn constant_warmup_is_refused() {
        let refused = new(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(refused.key, "warmup_method");
        assert!(refused.message.starts_with("timm warms up linearly only"));
        // No warmup, no warmup method to refuse.
        assert!(
            new(Params {
                warmup_method: WarmupMethod::Exp,
                warmup_iters: 0,
                ..Params::default()
            })
            .is_ok()
        );
    }

    #[test]
    fn huge_inputs_answer_at_once() {
        let s = new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 0,
            iters: u64::MAX,
            gamma: 0.999,
            ..Params::default()
        })
        .unwrap();
        // StepLRScheduler, step_size 1 from 0: t // 1.0 = t decays.
        assert_eq!(s.lr(0), 0.01);
        assert_eq!(s.lr(1), 0.01 * 0.999);
        assert_eq!(s.segments().nth(3).map(|g| g.start), Some(3));
        assert_eq!(s.lr(u64::MAX - 1), 0.0);
    }

    /// StepLRScheduler with train.py's warmup_prefix=False: k = t // decay_t from t = 0, so a
    /// decay inside the warmup lands at its end. W = 5, step 3: k(5) = 5 // 3 = 1, k(6) = 2.
    #[test]
    fn step_size_counts_from_zero() {
        let s = new(Params {
            base_lr: 0.1,
            decay: Decay::StepSize(3),
            gamma: 0.5,
            warmup_iters: 5,
            warmup_lr: Some(0.001),
            iters: 12,
            ..Params::default()
        })
        .unwrap();
        // warmup_lr_init + t * (0.1 - 0.001) / 5, in Python floats.
        assert_eq!(s.lr(4), 0.001 + 4.0 * ((0.1 - 0.001) / 5.0));
        assert_eq!(s.lr(5), 0.05);
        assert_eq!(s.lr(6), 0.025);
        assert_eq!(s.lr(9), 0.1 * 0.5f64.powf(3.0));
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (5, 1), (6, 2), (9, 3)]);
    }

    /// A fractional decay_t (2.4 epochs, timm's EfficientNet), on the epoch clock: Python's
    /// 3 // 2.4 == 1.0, 5 // 2.4 == 2.0, 7 // 2.4 == 2.0, 8 // 2.4 == 3.0, 12 // 2.4 == 5.0.
    #[test]
    fn fractional_step_divides_in_python_floats() {
        let s = new(Params {
            base_lr: 0.016,
            decay: Decay::Milestones(vec![]),
            fractional_step: Some(2.4),
            gamma: 0.97,
            warmup_iters: 3,
            warmup_lr: Some(1e-6),
            iters: 13,
            ..Params::default()
        })
        .unwrap();
        let decays: Vec<u64> = (0..13).map(|t| s.decays(t)).collect();
        assert_eq!(decays, [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5]);
        assert_eq!(s.lr(3), 0.016 * 0.97);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 3, 5, 8, 10, 12]);
    }

    fn notes(params: Params) -> Vec<(String, Severity)> {
        let s = new(params).unwrap();
        departures(Dialect::from_name("timm-train").unwrap(), &s)
            .into_iter()
            .map(|d| (d.text, d.severity))
            .collect()
    }

    #[test]
    fn departures_say_why() {
        assert_eq!(
            notes(Params::default()),
            [
                (
                    "decays at 49 and 99 instead of 50 and 100: bisect_right(decay_t, t + 1) \
                     applies each milestone a step early"
                        .to_string(),
                    Severity::Note
                ),
                (
                    "2 of 10 warmup values differ in the last bits: timm computes warmup_lr_init \
                     + t × (base_lr - warmup_lr_init) / W"
                        .to_string(),
                    Severity::Note
                )
            ]
        );
        let overlap = notes(Params {
            warmup_iters: 60,
            ..Params::default()
        });
        assert_eq!(
            overlap[0],
            (
                "decays at 60 and 99 instead of 50 and 100: bisect_right(decay_t, t + 1) \
                 applies each milestone a step early; milestones inside the warmup wait for its \
                 end at 60"
                    .to_string(),
                Severity::Warning
            )
        );
        assert_eq!(
            overlap[1],
            (
                "milestones inside the warmup do not decay it: timm ramps to base_lr and decays \
                 only after it"
                    .to_string(),
                Severity::Note
            )
        );
        let unsorted = notes(Params {
            decay: Decay::Milestones(vec![60, 30]),
            ..Params::default()
        });
        assert!(unsorted.contains(&(
            "decay_t [60, 30] is not sorted: timm bisects it as given (its code assumes sorted)"
                .to_string(),
            Severity::Warning
        )));
    }
}
