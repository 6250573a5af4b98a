//! optax `join_schedules([linear_schedule(B * f, B, W), piecewise_constant_schedule(B,
//! {m - W: g for m in M})], boundaries=[W])`, evaluated on int32 steps (float32 values, JAX
//! without x64):
//!
//! ```python
//! # join_schedules
//! output = schedules[0](step)
//! output = jnp.where(step < boundary, output, schedule(step - boundary))
//! # linear_schedule = polynomial_schedule(power=1); a constant init_value if W <= 0
//! count = jnp.clip(count - transition_begin, 0, transition_steps)
//! frac = 1 - count / transition_steps
//! return (init_value - end_value) * (frac**power) + end_value
//! # piecewise_constant_schedule
//! v = init_value
//! for threshold, scale in sorted(boundaries_and_scales.items()):
//!     indicator = jnp.maximum(0., jnp.sign(threshold - count))
//!     v = v * indicator + (1 - indicator) * scale * v
//! ```
//!
//! So the warmup is `float32(B*f - B) * (1 - float32(i) * float32(1 / W)) + float32(B)` in
//! float32: the difference is taken in Python's float64 first, and `count / transition_steps`
//! comes out as XLA compiles a division by a constant, a multiplication by its float32
//! reciprocal (the golden rows show it: the division differs on 320 of d2_1x's 1000 warmup
//! rows; see docs/dialects.md). And a milestone m applies at m itself
//! (count = i - W reaches m - W), each scale multiplying the float32 value in turn. The scales
//! are a dict: a repeated milestone is one key, applied once. optax's optimizers count steps
//! with `safe_int32_increment`, which stops at 2^31 - 1: lrsched holds the lr there too.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::float32;
use crate::schedule::message::{list, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for optax.
pub(crate) struct OptaxDialect;

const FRAMEWORK: &str = "optax";

impl Framework for OptaxDialect {
    fn name(&self) -> &'static str {
        "optax"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        FRAMEWORK
    }
    /// The golden curves' manifest records no optax or JAX version.
    fn version(&self) -> &'static str {
        "optax, version not recorded"
    }
    fn construction(&self) -> &'static str {
        "optax join_schedules([linear_schedule, piecewise_constant_schedule]) (float32, int32 \
         steps)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(
            &params,
            "piecewise_constant_schedule takes scales of init_value",
        )?;
        Ok(Box::new(Optax::new(params)?))
    }
    fn epoch_stepping_refusal(&self) -> Option<&'static str> {
        Some(
            "an optax schedule is a function of the optimizer's update count; give the milestones in epochs instead (\"8ep\"): they land on epoch boundaries",
        )
    }
}

/// Why warmup values differ in their last bits.
const WARMUP_ARITHMETIC: &str =
    "linear_schedule computes (init - end) × (1 - step × float32(1 / W)) + end in float32";

impl Departs for OptaxDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "join_schedules switches at boundaries = [{}]",
            p.warmup_iters
        )
    }
    fn decay_reason(&self, p: &Params) -> String {
        if !repeated(p).is_empty() {
            "piecewise_constant_schedule's dict keeps a repeated boundary once".into()
        } else if p.iters > LAST_STEP + 1 {
            format!("optax's int32 step count stops at {LAST_STEP}")
        } else {
            "join_schedules hands piecewise_constant_schedule the count since W".into()
        }
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    /// Milestones inside the warmup are refused: only the arithmetic can differ.
    fn warmup_shape(&self, _: &dyn Schedule, _: u64) -> Departure {
        Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "every lr is a float32, and piecewise_constant_schedule multiplies it by each scale in \
         turn"
            .into()
    }
    /// How the milestones are handed to optax: a dict, and int32 steps.
    fn structural(&self, p: &Params) -> Vec<Departure> {
        let mut out = Vec::new();
        let twice = repeated(p);
        if !twice.is_empty() {
            out.push(Departure::warning(format!(
                "milestones {} are listed more than once: the dict {{m - W: gamma}} keeps each \
                 once, so each decays by gamma once",
                list(&twice)
            )));
        }
        if p.iters > LAST_STEP + 1 {
            out.push(Departure::warning(format!(
                "iterations past {LAST_STEP} hold its lr: optax counts steps in int32 and \
                 safe_int32_increment stops there"
            )));
        }
        out
    }
    fn precision(&self) -> Precision {
        Precision::Single
    }
}

/// The last step an int32 count reaches: `safe_int32_increment` stays there.
const LAST_STEP: u64 = i32::MAX as u64;

pub(crate) struct Optax {
    params: Params,
    /// The dict's keys as steps (m, not m - W), each once, ascending.
    milestones: Milestones,
    /// The value after k scales: `levels[k]`, multiplied in float32 one scale at a time.
    levels: Vec<f32>,
    /// `float32(B*f - B)`, `float32(B)`: the warmup's terms.
    rise: f32,
    end: f32,
    /// `float32(1 / W)`: XLA divides by the constant W as a multiplication by its reciprocal.
    reciprocal: f32,
}

impl Optax {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        let reject = |key, message: String| Err(Rejection { key, message });
        if params.warmup_method != WarmupMethod::Linear && params.warmup_iters > 0 {
            return reject(
                "warmup_method",
                format!(
                    "optax has no constant warmup schedule in this construction (nor an exp \
                     one): linear_schedule ramps linearly; use warmup_method = linear, not {}",
                    params.warmup_method.name()
                ),
            );
        }
        let Decay::Milestones(given) = &params.decay else {
            return reject(
                "step_size",
                "piecewise_constant_schedule takes an explicit dict of boundaries and scales; \
                 list the milestones instead"
                    .into(),
            );
        };
        let w = params.warmup_iters;
        if w > LAST_STEP {
            return reject(
                "warmup_iters",
                format!(
                    "must be at most {LAST_STEP}, got {w}: optax's steps are int32, and jax \
                     refuses the larger transition_steps (OverflowError: Python int too large \
                     to convert to int32)"
                ),
            );
        }
        let early: Vec<u64> = given.iter().copied().filter(|&m| m < w).collect();
        if !early.is_empty() {
            return reject(
                "milestones",
                format!(
                    "{} are below warmup_iters {w}: a milestone before the end of warmup has \
                     no place in join_schedules (its key m - W would be negative)",
                    list(&early)
                ),
            );
        }
        if let Some(&m) = given.iter().find(|&&m| m - w > LAST_STEP) {
            return reject(
                "milestones",
                format!(
                    "{m} is too large: its key m - W = {} must be at most {LAST_STEP}, since \
                     optax's steps are int32 (OverflowError: Python int too large to convert \
                     to int32)",
                    m - w
                ),
            );
        }
        let mut keys = given.clone();
        keys.sort_unstable();
        keys.dedup();
        let base = float32::in_range(params.base_lr, "base_lr", FRAMEWORK, "init_value")?;
        let scale = params.gamma as f32;
        let reached = keys.partition_point(|&m| m <= (params.iters - 1).min(LAST_STEP));
        let mut levels = Vec::with_capacity(keys.len() + 1);
        levels.push(base);
        for k in 1..=keys.len() {
            let next = scale * levels[k - 1];
            if k <= reached && !next.is_finite() {
                return reject(
                    "gamma",
                    format!(
                        "scaling by {} {k} times takes the lr past the float32 range (about \
                         3.4e38): optax computes it in float32, where it would be inf",
                        number(params.gamma)
                    ),
                );
            }
            levels.push(next);
        }
        let rise = params.warmup_start() - params.base_lr;
        if w > 0 {
            float32::in_range(
                params.base_lr * params.warmup_factor,
                "warmup_factor",
                FRAMEWORK,
                "init_value",
            )?;
        }
        Ok(Optax {
            rise: rise as f32,
            end: base,
            reciprocal: 1.0 / w as f32,
            levels,
            milestones: Milestones::list(keys),
            params,
        })
    }

    /// The int32 count optax holds at iteration `t`.
    fn step(t: u64) -> u64 {
        t.min(LAST_STEP)
    }
}

impl Piecewise for Optax {
    fn params(&self) -> &Params {
        &self.params
    }
    fn decays(&self, t: u64) -> u64 {
        let step = Self::step(t);
        if step < self.params.warmup_iters {
            0
        } else {
            self.milestones.count_le(step)
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let from = t.checked_add(1)?.max(self.params.warmup_iters);
        self.milestones
            .next_at_or_after(from)
            .filter(|&m| m <= LAST_STEP)
    }
}

impl Schedule for Optax {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let step = Self::step(t);
        let w = self.params.warmup_iters;
        let lr = if step < w {
            let frac = 1.0 - step as f32 * self.reciprocal;
            self.rise * frac + self.end
        } else {
            self.levels[self.milestones.count_le(step) as usize]
        };
        f64::from(lr)
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

/// The milestones listed more than once, each once.
fn repeated(p: &Params) -> Vec<u64> {
    let Decay::Milestones(given) = &p.decay else {
        return Vec::new();
    };
    let mut sorted = given.clone();
    sorted.sort_unstable();
    let mut twice: Vec<u64> = sorted
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    twice.dedup();
    twice
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Dialect;
    use crate::schedule::departures::Severity;

    #[test]
    fn seed_in_float32() {
        let s = Optax::new(Params::default()).unwrap();
        // optax/seed.csv
        assert_eq!(s.lr(0), 0.0010000001639127731);
        assert_eq!(s.lr(9), 0.009100000374019146);
        assert_eq!(s.lr(10), 0.009999999776482582);
        assert_eq!(s.lr(49), 0.009999999776482582);
        assert_eq!(s.lr(50), 0.0010000000474974513);
        assert_eq!(s.lr(100), 0.00010000000474974513);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (50, 1), (100, 2)]);
    }

    #[test]
    fn a_repeated_milestone_is_one_key() {
        let s = Optax::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![20, 20, 40]),
            warmup_iters: 5,
            iters: 60,
            ..Params::default()
        })
        .unwrap();
        // optax/repeated.csv
        assert_eq!(s.lr(0), 0.009999997913837433);
        assert_eq!(s.lr(20), 0.010000000707805157);
        assert_eq!(s.lr(40), 0.0010000000474974513);
    }

    #[test]
    fn refusals() {
        let reject = |params: Params| Optax::new(params).err().unwrap();
        let constant = reject(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        });
        assert!(
            constant
                .message
                .starts_with("optax has no constant warmup schedule in this construction")
        );
        let early = reject(Params {
            warmup_iters: 60,
            ..Params::default()
        });
        assert_eq!(early.key, "milestones");
        assert!(early.message.starts_with("[50] are below warmup_iters 60"));
        assert_eq!(
            reject(Params {
                decay: Decay::StepSize(10),
                ..Params::default()
            })
            .key,
            "step_size"
        );
        let wide = reject(Params {
            decay: Decay::Milestones(vec![50, 1 << 40]),
            ..Params::default()
        });
        assert!(wide.message.contains("int32"));
        let long = reject(Params {
            warmup_iters: 1 << 31,
            decay: Decay::Milestones(vec![]),
            ..Params::default()
        });
        assert_eq!(long.key, "warmup_iters");
    }

    #[test]
    fn the_int32_count_stops_at_its_maximum() {
        let s = Optax::new(Params {
            decay: Decay::Milestones(vec![LAST_STEP]),
            warmup_iters: 0,
            iters: u64::MAX,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(LAST_STEP - 1), 0.009999999776482582);
        assert_eq!(s.lr(LAST_STEP), 0.0010000000474974513);
        assert_eq!(s.lr(u64::MAX), 0.0010000000474974513);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, LAST_STEP]);
    }

    #[test]
    fn departures_float32_notes_and_dict_warnings() {
        let notes = |params: Params| {
            let s = Optax::new(params).unwrap();
            crate::schedule::departures(Dialect::from_name("optax").unwrap(), &s)
        };
        let seed = notes(Params::default());
        assert!(
            seed.iter().all(|d| d.severity == Severity::Note),
            "{seed:?}"
        );
        assert!(seed[1].text.starts_with(
            "after warmup the lr is 0.009999999776482582, not 0.01 = base_lr × gamma^0"
        ));
        let repeated = notes(Params {
            decay: Decay::Milestones(vec![20, 20, 40]),
            warmup_iters: 5,
            iters: 60,
            ..Params::default()
        });
        assert!(repeated.iter().any(|d| {
            d.severity == Severity::Warning
                && d.text
                    .starts_with("milestones [20] are listed more than once")
        }));
    }
}
