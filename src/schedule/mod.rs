//! Learning-rate schedules as pure functions of the iteration.
//!
//! Nothing here does I/O: parameters go in, `lr(t)` and the piecewise structure of the curve
//! (its segments) come out. Every consumer — tables, `at`, plots, `explain` — goes through the
//! [`Schedule`] trait, so a framework dialect is only another implementation of it, in its own
//! file under `dialect/` and on one line of the registry, [`Dialect::ALL`].

mod chainable;
pub mod compare;
mod departures;
mod dialect;
mod first_above;
mod float32;
pub(crate) mod floor_division;
pub mod message;
mod milestones;
mod named;
mod piecewise;
mod stepper;
mod stepping;
mod true_division;

pub use departures::{Departure, Severity, departures};
pub use dialect::Dialect;
/// maskrcnn's formula: the intended schedule every other dialect is compared with.
pub use dialect::maskrcnn::Maskrcnn;
pub use named::{NamedSchedule, Unit};
pub use stepping::Stepping;

use std::fmt;

/// How the warmup factor moves from `warmup_factor` at t = 0 to 1 at t = W.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarmupMethod {
    Linear,
    Constant,
    Exp,
}

impl WarmupMethod {
    pub const NAMES: [&'static str; 3] = ["linear", "constant", "exp"];

    pub fn name(self) -> &'static str {
        match self {
            WarmupMethod::Linear => "linear",
            WarmupMethod::Constant => "constant",
            WarmupMethod::Exp => "exp",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "linear" => Some(WarmupMethod::Linear),
            "constant" => Some(WarmupMethod::Constant),
            "exp" => Some(WarmupMethod::Exp),
            _ => None,
        }
    }
}

/// When the learning rate is multiplied by `gamma`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decay {
    /// At each listed iteration (a repeated milestone decays twice).
    Milestones(Vec<u64>),
    /// Every `step_size` iterations, counted from the end of warmup.
    StepSize(u64),
}

/// Validated schedule parameters, all in iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub base_lr: f64,
    pub decay: Decay,
    pub gamma: f64,
    pub warmup_iters: u64,
    pub warmup_factor: f64,
    pub warmup_method: WarmupMethod,
    /// Iterations evaluated: t = 0 … iters − 1.
    pub iters: u64,
    /// The lr after k decays, exactly, instead of base_lr × gamma^k: one more than the
    /// milestones, `values[0] == base_lr` (docs/guide.md#explicit-values).
    pub values: Option<Vec<f64>>,
    /// Multipliers of base_lr instead of gamma^k: after k decays the lr is
    /// base_lr × factors[k], as detectron2's `MultiStepParamScheduler(values=...)` gives them
    /// (docs/guide.md#explicit-values-and-an-absolute-warmup-start).
    pub factors: Option<Vec<f64>>,
    /// The lr at iteration 0 of the warmup, as the framework is handed it, instead of
    /// base_lr × warmup_factor (`warmup_factor` then holds warmup_lr / base_lr).
    pub warmup_lr: Option<f64>,
    /// When the scheduler steps: every iteration, or once per epoch.
    pub stepping: Stepping,
    /// A `step_size` of fractional epochs stepped per epoch, as the framework is handed it
    /// (timm's `decay_t = 2.4`): `decay` then holds the milestones where (e − W) // step rises,
    /// for the frameworks that take a list (docs/guide.md#stepping-per-epoch).
    pub fractional_step: Option<f64>,
}

impl Params {
    /// The lr after `k` decays, once warmup is over: `values[k]` as given, else
    /// base_lr × gamma^k (C `pow`, as Python's `**`).
    pub fn level(&self, k: u64) -> f64 {
        match &self.values {
            Some(values) => values[(k as usize).min(values.len() - 1)],
            None => self.base_lr * self.multiplier(k),
        }
    }

    /// How the lr after k decays is given, for messages: `base_lr × 0.1^2`, `base_lr ×
    /// factors[2]`, `values[2]`.
    pub fn level_text(&self, k: u64) -> String {
        let at = |list: &[f64]| (k as usize).min(list.len() - 1);
        match (&self.values, &self.factors) {
            (Some(values), _) => format!("values[{}]", at(values)),
            (None, Some(factors)) => format!("base_lr × factors[{}]", at(factors)),
            (None, None) => format!("base_lr × {}^{k}", message::number(self.gamma)),
        }
    }

    /// What k decays multiply base_lr by: `factors[k]` as given, else gamma^k (C `pow`).
    pub fn multiplier(&self, k: u64) -> f64 {
        match &self.factors {
            Some(factors) => factors[(k as usize).min(factors.len() - 1)],
            None => self.gamma.powf(k as f64),
        }
    }

    /// The lr at iteration 0 of a warmup that starts from an absolute lr (timm's
    /// `warmup_lr_init`, MXNet's `warmup_begin_lr`): `warmup_lr` as given, else
    /// base_lr × warmup_factor.
    pub fn warmup_start(&self) -> f64 {
        self.warmup_lr.unwrap_or(self.base_lr * self.warmup_factor)
    }
}

impl Default for Params {
    /// The worked example of the reference `WarmupMultiFactorScheduler` description.
    fn default() -> Self {
        Params {
            base_lr: 0.01,
            decay: Decay::Milestones(vec![50, 100]),
            gamma: 0.1,
            warmup_iters: 10,
            warmup_factor: 0.1,
            warmup_method: WarmupMethod::Linear,
            iters: 150,
            values: None,
            factors: None,
            warmup_lr: None,
            stepping: Stepping::Iter,
            fractional_step: None,
        }
    }
}

/// What the schedule is doing over a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub warmup: bool,
    /// Decays applied so far (k in the formula).
    pub decays: u64,
}

impl fmt::Display for Phase {
    /// `warmup`, `base` (after warmup, before any decay) or `decayK`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.warmup, self.decays) {
            (true, 0) => f.write_str("warmup"),
            (true, k) => write!(f, "warmup+decay{k}"),
            (false, 0) => f.write_str("base"),
            (false, k) => write!(f, "decay{k}"),
        }
    }
}

/// A maximal run of iterations `[start, end)` in one phase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    pub phase: Phase,
    /// `Some(lr)` when lr is the same at every iteration of the segment.
    pub constant_lr: Option<f64>,
}

/// A learning-rate schedule: a pure function of the iteration.
pub trait Schedule {
    fn params(&self) -> &Params;

    /// The learning rate at iteration `t` (the number of scheduler steps already taken). Past
    /// `iters` the run is over: a dialect that steps its lr in place holds the last value there.
    fn lr(&self, t: u64) -> f64;

    /// The segments covering `[from, iters)` in order, the first one cut to start at `from`.
    /// Within a segment the phase does not change, and lr either is constant (`constant_lr`) or
    /// changes every iteration (a warmup ramp). Starting costs what `lr(from)` costs, not a walk
    /// over the segments before `from` (a table's `--start`, `--every`: docs/errors.md).
    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_>;

    /// The segments covering `[0, iters)` in order.
    fn segments(&self) -> Box<dyn Iterator<Item = Segment> + '_> {
        self.segments_from(0)
    }

    /// The first iteration the framework no longer counts as warmup; `iters` or past it when
    /// the warmup outlasts the run.
    fn warmup_end(&self) -> u64 {
        self.params().warmup_iters
    }

    /// lr for every iteration of `[start, end)`, in order. Schedules whose framework updates
    /// recursively override this to step instead of re-deriving each value.
    fn values(&self, start: u64, end: u64) -> Box<dyn Iterator<Item = f64> + '_> {
        Box::new((start..end).map(move |t| self.lr(t)))
    }
}

/// Parameters a framework refuses, in that framework's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The parameter at fault (a TOML key), so the caller can say where it came from.
    pub key: &'static str,
    pub message: String,
}

/// The schedule `dialect` computes for `params`, or the framework's reason to refuse them.
pub fn build(dialect: Dialect, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
    stepping::build(dialect.framework_impl(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schedules that exercise every kind of segment: ramps, constant warmups, decays inside
    /// the warmup, a decay at every step, repeated milestones.
    fn cases() -> Vec<Params> {
        let mut cases = vec![Params::default()];
        for method in [
            WarmupMethod::Linear,
            WarmupMethod::Constant,
            WarmupMethod::Exp,
        ] {
            cases.push(Params {
                decay: Decay::Milestones(vec![5, 20, 20, 40]),
                warmup_method: method,
                warmup_iters: 12,
                iters: 60,
                ..Params::default()
            });
            cases.push(Params {
                decay: Decay::StepSize(3),
                warmup_method: method,
                iters: 50,
                ..Params::default()
            });
        }
        cases.push(Params {
            decay: Decay::StepSize(1),
            warmup_iters: 0,
            iters: 40,
            ..Params::default()
        });
        // Stepped per epoch (every dialect through `PerEpoch`, or its own iteration arithmetic
        // with the warmup stepped every iteration), the last epoch cut short.
        for warmup in [Unit::Epoch, Unit::Iter] {
            cases.push(Params {
                decay: Decay::Milestones(vec![30, 50]),
                warmup_iters: 20,
                iters: 65,
                stepping: Stepping::Epoch {
                    iters_per_epoch: 10,
                    warmup,
                },
                ..Params::default()
            });
        }
        cases
    }

    #[test]
    fn segments_from_is_segments_cut_at_from() {
        for params in cases() {
            let mut built = 0;
            for &dialect in Dialect::ALL {
                let Ok(schedule) = build(dialect, params.clone()) else {
                    continue;
                };
                built += 1;
                let all: Vec<Segment> = schedule.segments().collect();
                for from in 0..=params.iters + 1 {
                    let expected: Vec<Segment> = all
                        .iter()
                        .filter(|s| s.end > from)
                        .map(|s| Segment {
                            start: s.start.max(from),
                            ..*s
                        })
                        .collect();
                    let got: Vec<Segment> = schedule.segments_from(from).collect();
                    let bits = |segments: &[Segment]| -> Vec<_> {
                        segments
                            .iter()
                            .map(|s| (s.start, s.end, s.phase, s.constant_lr.map(f64::to_bits)))
                            .collect()
                    };
                    assert_eq!(
                        bits(&got),
                        bits(&expected),
                        "{} from {from}: {params:?}",
                        dialect.name()
                    );
                }
            }
            assert!(built >= 3, "only {built} dialects take {params:?}");
        }
    }

    #[test]
    fn segments_from_far_in_a_long_run_is_immediate() {
        // 10^18 one-iteration phases: reaching the last ones by walking would never end.
        let params = Params {
            decay: Decay::StepSize(1),
            iters: 1_000_000_000_000_000_000,
            ..Params::default()
        };
        for &dialect in Dialect::ALL {
            let Ok(schedule) = build(dialect, params.clone()) else {
                continue;
            };
            let from = params.iters - 2;
            let got: Vec<(u64, u64)> = schedule
                .segments_from(from)
                .map(|s| (s.start, s.end))
                .collect();
            // One segment per iteration, or one for both where a framework cannot tell these
            // iterations apart (detectron2 counts epochs in f64).
            let name = dialect.name();
            assert!(matches!(got.len(), 1 | 2), "{name}: {got:?}");
            assert_eq!(got[0].0, from, "{name}");
            assert!(got.windows(2).all(|w| w[0].1 == w[1].0), "{name}: {got:?}");
            assert_eq!(got[got.len() - 1].1, params.iters, "{name}");
        }
    }
}
