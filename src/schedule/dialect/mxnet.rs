//! MXNet `MultiFactorScheduler(step=M, factor=gamma, base_lr, warmup_steps=W,
//! warmup_begin_lr=base_lr * warmup_factor, warmup_mode)`, called as `sched(i)` for i = 0, 1, ….
//!
//! Warmup is a closed form, `begin + (final - begin) * i / W` (or `begin` when constant). After
//! it the scheduler is stateful: each call runs
//! `while num_update > step[cur_step_ind]: base_lr *= factor`, so a milestone m takes effect at
//! m + 1, milestones inside the warmup are caught up all at once at W, and the decayed lr is a
//! product computed in place (0.0001 after two decays of 0.01, not 0.00010000000000000002).

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::message::{list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::Piecewise;
use crate::schedule::stepper::{Recurrence, Stepped};
use crate::schedule::{Params, Rejection, Schedule, WarmupMethod};

/// The registry's entry for mxnet.
pub(crate) struct MxnetDialect;

impl Framework for MxnetDialect {
    fn name(&self) -> &'static str {
        "mxnet"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "MXNet"
    }
    fn version(&self) -> &'static str {
        "MXNet main"
    }
    fn construction(&self) -> &'static str {
        "MXNet MultiFactorScheduler with warmup"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "MultiFactorScheduler takes factor")?;
        Ok(Box::new(Mxnet::new(params)?))
    }
}

/// Whether a milestone falls inside the warmup (before its end or the run's).
fn inside_warmup(p: &Params) -> bool {
    Milestones::of(p).count_lt(p.warmup_iters.min(p.iters)) > 0
}

impl Departs for MxnetDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "MultiFactorScheduler warms up while num_update < warmup_steps = {}",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        let late = "MultiFactorScheduler decays once num_update > step, a step late";
        if inside_warmup(p) {
            format!(
                "{late}; milestones inside the warmup wait for its end at {}",
                p.warmup_iters
            )
        } else {
            late.into()
        }
    }
    fn warmup_arithmetic(&self) -> &'static str {
        "MXNet computes begin + (final - begin) × i / W"
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        let p = schedule.params();
        if Milestones::of(p).count_lt(warmup_end) > 0 {
            Departure::note(format!(
                "milestones inside the warmup do not decay it: MXNet's warmup is closed form, \
                 and the milestones below W = {} are applied at its end",
                p.warmup_iters
            ))
        } else {
            Departure::note(format!("the warmup differs: {}", self.warmup_arithmetic()))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "MultiFactorScheduler multiplies base_lr by factor in place at each milestone".into()
    }
    /// MXNet refuses the lists the others reorder or drop.
    fn structural(&self, _: &Params) -> Vec<Departure> {
        Vec::new()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

/// Built by [`Mxnet::new`]; evaluated by the shared in-place stepper.
pub(crate) type Mxnet = Stepped<MxnetRule>;

pub(crate) struct MxnetRule {
    params: Params,
    milestones: Milestones,
    /// `warmup_begin_lr`.
    begin: f64,
}

impl Mxnet {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        let milestones = Milestones::of(&params);
        check(&params, &milestones)?;
        let rule = MxnetRule {
            begin: params.warmup_start(),
            milestones,
            params,
        };
        Stepped::from_rule(rule, "MultiFactorScheduler")
    }
}

/// MXNet's checks, in the order `LRScheduler.__init__` and `MultiFactorScheduler.__init__` run them.
fn check(params: &Params, milestones: &Milestones) -> Result<(), Rejection> {
    let reject = |key, message: String| Err(Rejection { key, message });
    if params.base_lr * params.warmup_factor > params.base_lr {
        return reject(
            "warmup_factor",
            format!(
                "must be <= 1, got {}: warmup_begin_lr = base_lr × warmup_factor would exceed \
                 base_lr (MXNet: \"Base lr has to be higher than warmup_begin_lr\")",
                number(params.warmup_factor)
            ),
        );
    }
    if params.warmup_method == WarmupMethod::Exp {
        return reject(
            "warmup_method",
            "MXNet supports linear and constant warmup only (\"Supports only linear and \
             constant modes of warmup\")"
                .into(),
        );
    }
    let key = milestones.key();
    if milestones.is_empty() {
        return reject(
            key,
            "MultiFactorScheduler needs at least one milestone below iters \
             (\"assert isinstance(step, list) and len(step) >= 1\" fails)"
                .into(),
        );
    }
    if let Some(given) = milestones.given() {
        for (i, &m) in given.iter().enumerate() {
            if i != 0 && m <= given[i - 1] {
                return reject(
                    key,
                    format!(
                        "must be strictly increasing, got {} (MultiFactorScheduler: \
                         \"Schedule step must be an increasing integer list\")",
                        list_around(given, i)
                    ),
                );
            }
            if m < 1 {
                return reject(
                    key,
                    format!(
                        "must be >= 1, got {m} (MultiFactorScheduler: \"Schedule step must be \
                         greater or equal than 1 round\")"
                    ),
                );
            }
        }
    }
    if params.gamma > 1.0 {
        return reject(
            "gamma",
            format!(
                "must be <= 1, got {} (MultiFactorScheduler: \"Factor must be no more than 1 \
                 to make lr reduce\")",
                number(params.gamma)
            ),
        );
    }
    Ok(())
}

impl MxnetRule {
    /// `get_warmup_lr(i)` for i < W.
    fn warmup(&self, t: u64) -> f64 {
        let p = &self.params;
        match p.warmup_method {
            WarmupMethod::Linear => {
                self.begin + (p.base_lr - self.begin) * t as f64 / p.warmup_iters as f64
            }
            _ => self.begin,
        }
    }

    /// The first call after warmup: every milestone below W is applied, one multiplication each.
    fn caught_up(&self) -> f64 {
        let p = &self.params;
        (0..self.milestones.count_lt(p.warmup_iters)).fold(p.base_lr, |lr, _| lr * p.gamma)
    }
}

impl Recurrence for MxnetRule {
    fn direct(&self, t: u64) -> Option<f64> {
        (t < self.params.warmup_iters).then(|| self.warmup(t))
    }

    fn initial(&self) -> f64 {
        if self.params.warmup_iters == 0 {
            self.params.base_lr
        } else {
            self.warmup(0)
        }
    }

    /// The warmup is closed form (`direct`) and `step(W)` does not read the lr before it, so
    /// the recurrence jumps from 0 to W: a warmup of any length costs nothing to build.
    fn ramp_end(&self) -> u64 {
        0
    }

    fn step(&self, t: u64, lr: f64) -> f64 {
        let w = self.params.warmup_iters;
        if t < w {
            self.warmup(t)
        } else if t == w {
            self.caught_up()
        } else if self.milestones.multiplicity(t - 1) > 0 {
            lr * self.params.gamma
        } else {
            lr
        }
    }

    fn next_change(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        if t < w {
            Some(w)
        } else {
            self.milestones
                .next_at_or_after(t)
                .and_then(|m| m.checked_add(1))
        }
    }

    fn decays_before(&self, end: u64) -> u64 {
        self.milestones.count_lt(end)
    }

    fn decay_key(&self) -> &'static str {
        self.milestones.key()
    }
}

impl Piecewise for MxnetRule {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        if t < self.params.warmup_iters {
            0
        } else {
            self.milestones.count_lt(t)
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let w = self.params.warmup_iters;
        if t < w && self.milestones.count_lt(w) > 0 {
            return Some(w);
        }
        self.milestones
            .next_at_or_after(t.max(w))
            .and_then(|m| m.checked_add(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Decay;
    use crate::schedule::Schedule;

    #[test]
    fn decays_one_call_late_and_in_place() {
        let s = Mxnet::new(Params::default()).unwrap();
        assert_eq!(s.lr(1), 0.0019000000000000002);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(50), 0.01);
        assert_eq!(s.lr(51), 0.001);
        assert_eq!(s.lr(101), 0.0001);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (51, 1), (101, 2)]);
    }

    #[test]
    fn milestones_inside_warmup_wait_for_its_end() {
        let s = Mxnet::new(Params {
            warmup_iters: 60,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(59), 0.01 * 0.1 + (0.01 - 0.01 * 0.1) * 59.0 / 60.0);
        assert_eq!(s.lr(60), 0.01 * 0.1);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 60, 101]);
    }

    #[test]
    fn rejections_quote_mxnet() {
        let reject = |params: Params| Mxnet::new(params).err().unwrap().message;
        let repeated = reject(Params {
            decay: Decay::Milestones(vec![20, 20, 40]),
            ..Params::default()
        });
        assert!(repeated.contains("Schedule step must be an increasing integer list"));
        assert!(
            reject(Params {
                decay: Decay::Milestones(vec![0, 5]),
                ..Params::default()
            })
            .contains("Schedule step must be greater or equal than 1 round")
        );
        assert!(
            reject(Params {
                decay: Decay::Milestones(vec![]),
                ..Params::default()
            })
            .contains("len(step) >= 1")
        );
        assert!(
            reject(Params {
                gamma: 2.0,
                ..Params::default()
            })
            .contains("Factor must be no more than 1")
        );
        assert!(
            reject(Params {
                warmup_factor: 2.0,
                ..Params::default()
            })
            .contains("Base lr has to be higher than warmup_begin_lr")
        );
    }

    #[test]
    fn a_warmup_of_any_length_is_closed_form() {
        let s = Mxnet::new(Params {
            warmup_iters: 1_000_000_000_000,
            iters: 1_000_000_000_000,
            decay: Decay::Milestones(vec![2_000_000_000_000]),
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(5), 0.001 + (0.01 - 0.001) * 5.0 / 1e12);
        assert_eq!(
            s.values(999_999_999_998, 1_000_000_000_000)
                .map(f64::to_bits)
                .collect::<Vec<_>>(),
            [999_999_999_998u64, 999_999_999_999]
                .map(|t| s.lr(t).to_bits())
                .to_vec()
        );
        // Past iters the lr holds: the warmup does not go on.
        assert_eq!(s.lr(u64::MAX), s.lr(999_999_999_999));
        let refused = Mxnet::new(Params {
            decay: Decay::StepSize(1),
            iters: 1_000_000_000_000,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(refused.key, "step_size");
        assert!(refused.message.starts_with(
            "MultiFactorScheduler updates the lr in place, so lrsched steps through each decay: \
             999999999989 decays before iters 1000000000000 are past its limit"
        ));
    }

    #[test]
    fn long_lists_are_abbreviated_around_the_fault() {
        let mut list: Vec<u64> = (1..=10_000).map(|k| k * 10).collect();
        list.swap(5, 6);
        let message = Mxnet::new(Params {
            decay: Decay::Milestones(list),
            iters: 200_000,
            ..Params::default()
        })
        .err()
        .unwrap()
        .message;
        assert!(
            message.starts_with(
                "must be strictly increasing, got [10, 20, 30, …, 70, 60, …, 100000] (10000 in all) ("
            ),
            "{message}"
        );
    }
}
