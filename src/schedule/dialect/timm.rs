//! timm `MultiStepLRScheduler(decay_t=M, decay_rate=gamma, warmup_t=W,
//! warmup_lr_init=base_lr * warmup_factor, t_in_epochs=False)` for milestones, and
//! `StepLRScheduler(decay_t=step_size, ...)` for `step_size`, read after
//! `step_update(num_updates=i)`.
//!
//! `_get_lr(t)`: during warmup `warmup_lr_init + t * (base_lr - warmup_lr_init) / W` (timm has
//! no warmup method: it always ramps linearly); after it, with the default `warmup_prefix=True`,
//! `t -= W` and the lr is `base_lr * decay_rate ** bisect_right(decay_t, t + 1)` (multistep) or
//! `base_lr * (decay_rate ** (t // decay_t))` (step, a float floor division: `decay_t` may be a
//! fraction of epochs). Multistep decays thus land at m + W - 1: shifted by the warmup, and one
//! step early; step decays where (t - W) // decay_t rises. The list is bisected as given, sorted
//! or not, and nothing is validated.
//!
//! timm's `train.py` passes `warmup_prefix=False` instead: the same schedulers without the
//! shift, which the `timm-train` dialect builds with [`Timm::with_warmup_prefix`].

use super::Framework;
use super::timm_train::TimmTrainDialect;
use crate::schedule::departures::{Departs, Departure, Precision, decay_points, listing};
use crate::schedule::floor_division::floor_div;
use crate::schedule::message::{first_unsorted, list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::stepping;
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, Stepping, Unit, WarmupMethod};

/// The registry's entry for timm.
pub(crate) struct TimmDialect;

impl Framework for TimmDialect {
    fn name(&self) -> &'static str {
        "timm"
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
        "timm MultiStepLRScheduler(t_in_epochs=False)"
    }
    /// timm validates nothing.
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiStepLRScheduler takes decay_rate")?;
        steps_alike(&params)?;
        Ok(Box::new(Timm::new(params)))
    }
}

/// The milestone list as given, and where it first goes down, when it does.
pub(super) fn unsorted(p: &Params) -> Option<(&[u64], usize)> {
    match &p.decay {
        Decay::Milestones(given) => first_unsorted(given).map(|i| (given.as_slice(), i)),
        Decay::StepSize(_) => None,
    }
}

impl Departs for TimmDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!("timm warms up while t < warmup_t = {}", p.warmup_iters)
    }
    fn decay_reason(&self, p: &Params) -> String {
        let w = p.warmup_iters;
        let mut reason = if w > 0 {
            format!(
                "warmup_prefix shifts decay_t by W = {w} and bisect_right(decay_t, t + 1) \
                 applies each one a step early"
            )
        } else {
            "bisect_right(decay_t, t + 1) applies each one a step early".to_string()
        };
        if unsorted(p).is_some() {
            reason.push_str("; an unsorted decay_t is bisected as given");
        }
        reason
    }
    fn warmup_arithmetic(&self) -> &'static str {
        "timm computes warmup_lr_init + t × (base_lr - warmup_lr_init) / W"
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        let p = schedule.params();
        if p.warmup_method != WarmupMethod::Linear {
            Departure::warning(format!(
                "timm has no {} warmup: MultiStepLRScheduler always ramps linearly from \
                 warmup_lr_init = {} to base_lr",
                p.warmup_method.name(),
                number(p.base_lr * p.warmup_factor)
            ))
        } else if Milestones::of(p).count_lt(warmup_end) > 0 {
            Departure::note(
                "milestones inside the warmup do not decay it: with warmup_prefix, timm counts \
                 decay_t from the end of the warmup"
                    .into(),
            )
        } else {
            Departure::note(format!("the warmup differs: {}", self.warmup_arithmetic()))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "timm computes base_lr × decay_rate ** k".into()
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        unsorted_decay_t(p)
            .into_iter()
            .chain(for_train_py_users(p))
            .collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

/// The warning for a `decay_t` timm bisects as given (timm and timm-train).
pub(super) fn unsorted_decay_t(p: &Params) -> Option<Departure> {
    unsorted(p).map(|(given, at)| {
        Departure::warning(format!(
            "decay_t {} is not sorted: timm bisects it as given (its code assumes sorted)",
            list_around(given, at)
        ))
    })
}

/// A timm user who runs train.py gets `warmup_prefix=False`: point them to timm-train whenever
/// its decays differ from the class default's.
fn for_train_py_users(p: &Params) -> Option<Departure> {
    if p.warmup_iters == 0 {
        return None;
    }
    // Built as stepped: a fractional step counts in epochs.
    let decays = |framework: &dyn Framework| {
        stepping::build(framework, p.clone())
            .ok()
            .map(|schedule| decay_points(schedule.as_ref()))
    };
    let class_default = decays(&TimmDialect)?;
    let train_py = decays(&TimmTrainDialect)?;
    (train_py != class_default).then(|| {
        Departure::warning(format!(
            "this is {}'s class default, warmup_prefix=True; timm's train.py passes \
             warmup_prefix=False (unless --warmup-prefix), which decays at {}: use --dialect {} \
             for a train.py run",
            class_name(p),
            listing(&train_py),
            TimmTrainDialect.name()
        ))
    })
}

/// A `step_size` of fractional epochs reaches timm only stepped per epoch, warmup included.
pub(super) fn steps_alike(p: &Params) -> Result<(), Rejection> {
    match p.stepping {
        Stepping::Epoch {
            warmup: Unit::Iter, ..
        } if p.fractional_step.is_some() => Err(Rejection {
            key: "warmup_stepping",
            message: "timm steps its warmup as its decays: StepLRScheduler with a step_size of \
                      fractional epochs needs warmup_stepping = \"epoch\""
                .into(),
        }),
        _ => Ok(()),
    }
}

/// The scheduler class timm builds for `p`.
pub(super) fn class_name(p: &Params) -> &'static str {
    match TimmDecay::of(p) {
        TimmDecay::MultiStep(_) => "MultiStepLRScheduler",
        TimmDecay::Step(_) => "StepLRScheduler",
    }
}

/// How timm counts decays: `MultiStepLRScheduler` bisects its list, `StepLRScheduler` divides.
enum TimmDecay {
    MultiStep(Milestones),
    /// `decay_t`, in the scheduler's steps.
    Step(f64),
}

impl TimmDecay {
    fn of(p: &Params) -> Self {
        match (&p.decay, p.fractional_step) {
            (_, Some(step)) => TimmDecay::Step(step),
            (Decay::StepSize(step), None) => TimmDecay::Step(*step as f64),
            (Decay::Milestones(_), None) => TimmDecay::MultiStep(Milestones::of(p)),
        }
    }
}

pub(crate) struct Timm {
    params: Params,
    decay: TimmDecay,
    /// Whether decay_t counts from the end of warmup (`t -= warmup_t`).
    warmup_prefix: bool,
    /// `warmup_lr_init`.
    init: f64,
    /// `warmup_steps`: the per-update increment.
    increment: f64,
}

impl Timm {
    /// The class default, `warmup_prefix=True`.
    pub fn new(params: Params) -> Self {
        Timm::with_warmup_prefix(params, true)
    }

    pub fn with_warmup_prefix(params: Params, warmup_prefix: bool) -> Self {
        let init = params.warmup_start();
        Timm {
            decay: TimmDecay::of(&params),
            warmup_prefix,
            increment: (params.base_lr - init) / params.warmup_iters as f64,
            init,
            params,
        }
    }

    /// The `t` that `_get_lr` bisects at iteration `t >= W`: counted from the end of warmup
    /// with the prefix, as is without it.
    fn decay_clock(&self, t: u64) -> u64 {
        t - self.shift()
    }

    /// How far the prefix moves every decay.
    fn shift(&self) -> u64 {
        if self.warmup_prefix {
            self.params.warmup_iters
        } else {
            0
        }
    }

    /// The decays at `clock` on the decay clock: `bisect_right(decay_t, t + 1)`, or
    /// `t // decay_t` in Python floats.
    fn count(&self, clock: u64) -> u64 {
        match &self.decay {
            TimmDecay::MultiStep(milestones) => {
                milestones.bisect_right_given(clock.saturating_add(1))
            }
            TimmDecay::Step(step) => floor_div(clock as f64, *step) as u64,
        }
    }
}

impl Piecewise for Timm {
    fn params(&self) -> &Params {
        &self.params
    }
    fn warmup_ramps(&self) -> bool {
        true
    }
    fn decays(&self, t: u64) -> u64 {
        if t < self.params.warmup_iters {
            0
        } else {
            self.count(self.decay_clock(t))
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        let decays = self.decays(t);
        let from = t.checked_add(1)?.max(w);
        if self.decays(from) != decays {
            return Some(from);
        }
        let clock = match &self.decay {
            // bisect_right only moves where its argument reaches a listed value, and never back.
            TimmDecay::MultiStep(milestones) => milestones
                .distinct_from(self.decay_clock(from).saturating_add(1))
                .find(|&value| milestones.bisect_right_given(value) != decays)?
                .checked_sub(1)?,
            TimmDecay::Step(step) if !(*step > 0.0 && step.is_finite()) => return None,
            TimmDecay::Step(step) => {
                // A first guess at the first clock whose count reaches the next, then exact.
                let next = decays.checked_add(1)?;
                let passes = |c: u64| self.count(c) >= next;
                let mut c = (next as f64 * step).ceil() as u64;
                while c > 0 && passes(c - 1) {
                    c -= 1;
                }
                while !passes(c) {
                    c = c.checked_add(1)?;
                }
                c
            }
        };
        clock.checked_add(self.shift())
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
            p.base_lr * p.gamma.powf(self.count(self.decay_clock(t)) as f64)
        }
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
