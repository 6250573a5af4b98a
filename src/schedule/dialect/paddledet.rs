//! PaddleDetection `ppdet/optimizer/optimizer.py`, as a config writes it
//! (`LearningRate: {base_lr: B, schedulers: [!PiecewiseDecay {gamma: g, milestones: M},
//! !LinearWarmup {steps: W, start_factor: f}]}`) and the trainer builds it with
//! `step_per_epoch = 1`. The two schedulers only make lists for paddle's
//! `optimizer.lr.PiecewiseDecay(boundaries, values)`:
//!
//! ```python
//! # LinearWarmup.__call__
//! warmup_steps = max(warmup_steps, 1)
//! for i in range(warmup_steps + 1):
//!     alpha = i / warmup_steps
//!     factor = self.start_factor * (1 - alpha) + alpha
//!     value.append(base_lr * factor)
//!     if i > 0:
//!         boundary.append(i)
//! # PiecewiseDecay.__init__, for a scalar gamma
//! for i in range(len(milestones)):
//!     self.gamma.append(gamma / 10**i)
//! # PiecewiseDecay.__call__
//! boundary.extend([int(step_per_epoch) * i for i in self.milestones])
//! for i in self.gamma:
//!     value.append(base_lr * i)
//! # paddle.optimizer.lr.PiecewiseDecay.get_lr
//! for i in range(len(self.boundaries)):
//!     if self.last_epoch < self.boundaries[i]:
//!         return self.values[i]
//! return self.values[len(self.values) - 1]
//! ```
//!
//! So lr(i) = B·(f·(1 − i/W') + i/W') for i < W' = max(W, 1) (one warmup step even when W = 0),
//! then B, then B·(g / 10^(k−1)) once the first k listed milestones are passed: a scalar gamma
//! is the list [g, g/10, g/100, …], not powers of g (the same only for g = 0.1, and even then
//! rounded differently). The milestones come after the warmup boundaries, so one inside the
//! warmup takes effect at its end, and an unsorted list waits for its largest milestone so far.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::first_above::FirstAbove;
use crate::schedule::message::number;
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for paddledet.
pub(crate) struct PaddledetDialect;

impl Framework for PaddledetDialect {
    fn name(&self) -> &'static str {
        "paddledet"
    }
    /// PaddleDetection's package name.
    fn aliases(&self) -> &'static [&'static str] {
        &["ppdet"]
    }
    fn framework(&self) -> &'static str {
        "PaddleDetection"
    }
    fn version(&self) -> &'static str {
        "PaddleDetection 666f597f"
    }
    fn construction(&self) -> &'static str {
        "PaddleDetection LearningRate([PiecewiseDecay(gamma, milestones), LinearWarmup(steps, \
         start_factor)]) -> paddle PiecewiseDecay(boundaries, values)"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(
            &params,
            "this dialect reproduces PiecewiseDecay's gamma list, not its values",
        )?;
        super::no_warmup_lr(&params, "LinearWarmup takes start_factor")?;
        Ok(Box::new(Paddledet::new(params)?))
    }
}

/// Why its warmup values differ from the intended ones in the last bits.
const WARMUP_ARITHMETIC: &str =
    "LinearWarmup computes base_lr × (start_factor × (1 - alpha) + alpha)";

/// `10**i` converts to a float only up to 10**308: a longer gamma list raises `OverflowError`.
const MOST_MILESTONES: usize = 309;

/// Whether the list goes down somewhere.
fn unsorted(p: &Params) -> bool {
    matches!(&p.decay, Decay::Milestones(given) if !given.is_sorted())
}

impl Departs for PaddledetDialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "LinearWarmup's boundaries run 1 … max(steps, 1) = {}",
            p.warmup_iters.max(1)
        )
    }
    /// A milestone inside the warmup waits for its boundaries; an unsorted list for its
    /// largest milestone so far.
    fn decay_reason(&self, p: &Params) -> String {
        let warmup_end = p.warmup_iters.max(1);
        let mut reasons = Vec::new();
        if Milestones::of(p).count_lt(warmup_end) > 0 {
            reasons.push(format!(
                "the milestones come after the warmup boundaries [1 … {warmup_end}] in paddle's \
                 PiecewiseDecay, so one inside the warmup takes effect at its end"
            ));
        }
        if unsorted(p) {
            reasons.push(
                "paddle's PiecewiseDecay takes the first boundary above the iteration, so an \
                 unsorted list decays only when the iteration passes its largest milestone so far"
                    .to_string(),
            );
        }
        if reasons.is_empty() {
            reasons.push(
                "paddle's PiecewiseDecay takes the first boundary above the iteration".into(),
            );
        }
        reasons.join("; ")
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        if Milestones::of(schedule.params()).count_lt(warmup_end) > 0 {
            Departure::note(
                "milestones inside the warmup do not decay it: PaddleDetection's boundaries \
                 put them after the warmup's"
                    .into(),
            )
        } else {
            Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "PiecewiseDecay turns a scalar gamma into [gamma, gamma/10, gamma/100, …], so decay k \
         gives base_lr × (gamma / 10^(k-1)), not base_lr × gamma^k"
            .into()
    }
    /// The warmup step PaddleDetection adds at W = 0, which users rarely mean.
    fn structural(&self, p: &Params) -> Vec<Departure> {
        if p.warmup_iters > 0 || p.warmup_factor == 1.0 {
            return Vec::new();
        }
        vec![Departure::warning(format!(
            "warms up for one step although warmup_iters = 0: LinearWarmup takes max(steps, 1), \
             so iteration 0 runs at base_lr × warmup_factor = {}",
            number(p.base_lr * p.warmup_factor)
        ))]
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

pub(crate) struct Paddledet {
    params: Params,
    /// `max(W, 1)`: the warmup boundaries are 1 … W'.
    warmup_end: u64,
    steps: FirstAbove,
    /// The lr after k listed milestones: `values[W' + k]`.
    levels: Vec<f64>,
}

impl Paddledet {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        match params.warmup_method {
            WarmupMethod::Linear => {}
            WarmupMethod::Constant => {
                return Err(Rejection {
                    key: "warmup_method",
                    message: "PaddleDetection's warmups are LinearWarmup and ExpWarmup; there is \
                              no constant warmup (use warmup_method = linear)"
                        .into(),
                });
            }
            WarmupMethod::Exp => {
                return Err(Rejection {
                    key: "warmup_method",
                    message: "PaddleDetection's ExpWarmup computes base_lr × (i / W)^2, not \
                              warmup_factor^(1 - i/W) (use warmup_method = linear)"
                        .into(),
                });
            }
        }
        let milestones = Milestones::of(&params);
        let steps = FirstAbove::of(&milestones);
        if steps.len() > MOST_MILESTONES as u64 {
            return Err(Rejection {
                key: milestones.key(),
                message: format!(
                    "PiecewiseDecay turns gamma into gamma / 10**k for each of the {} \
                     milestones, and 10**309 is past the float range (\"OverflowError: int too \
                     large to convert to float\"); PaddleDetection takes at most \
                     {MOST_MILESTONES}",
                    steps.len()
                ),
            });
        }
        let b = params.base_lr;
        let levels = std::iter::once(b)
            .chain((0..steps.len()).map(|k| b * (params.gamma / power_of_ten(k))))
            .collect();
        Ok(Paddledet {
            warmup_end: params.warmup_iters.max(1),
            params,
            steps,
            levels,
        })
    }
}

/// Python's `float(10**k)`: the f64 nearest to 10^k, which parsing `1ek` gives exactly.
fn power_of_ten(k: u64) -> f64 {
    format!("1e{k}")
        .parse()
        .expect("1e0 … 1e308 are valid floats")
}

impl Piecewise for Paddledet {
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
            self.steps.index(t)
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let from = t.checked_add(1)?.max(self.warmup_end);
        if self.decays(from) != self.decays(t) {
            return Some(from);
        }
        self.steps.next_change(from)
    }
}

impl Schedule for Paddledet {
    fn params(&self) -> &Params {
        &self.params
    }

    fn warmup_end(&self) -> u64 {
        self.warmup_end
    }

    fn lr(&self, t: u64) -> f64 {
        if t < self.warmup_end {
            let alpha = t as f64 / self.warmup_end as f64;
            self.params.base_lr * (self.params.warmup_factor * (1.0 - alpha) + alpha)
        } else {
            self.levels[self.steps.index(t) as usize]
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

    // Values from the golden curves PaddleDetection produced.
    #[test]
    fn reference_example() {
        let s = Paddledet::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.001);
        assert_eq!(s.lr(2), 0.0028000000000000004);
        assert_eq!(s.lr(9), 0.0091);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(50), 0.001);
        // 0.01 × (0.1 / 10), where 0.01 × 0.1² is 0.00010000000000000002.
        assert_eq!(s.lr(100), 0.0001);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (50, 1), (100, 2)]);
    }

    #[test]
    fn scalar_gamma_is_divided_by_ten() {
        let s = Paddledet::new(Params {
            base_lr: 0.5,
            decay: Decay::Milestones(vec![10, 20, 30]),
            gamma: 0.2,
            warmup_factor: 1.0,
            warmup_iters: 0,
            iters: 40,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(0), 0.5);
        assert_eq!(s.lr(10), 0.1);
        assert_eq!(s.lr(20), 0.01);
        assert_eq!(s.lr(39), 0.001);
    }

    #[test]
    fn warmup_step_at_zero_and_milestones_inside_the_warmup() {
        let none = Paddledet::new(Params {
            warmup_iters: 0,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(none.lr(0), 0.01 * 0.1);
        assert_eq!(none.lr(1), 0.01);
        assert_eq!(Schedule::warmup_end(&none), 1);
        // Golden overlap: W 150, M [100, 200], g 0.5: the first decay at 150.
        let overlap = Paddledet::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![100, 200]),
            gamma: 0.5,
            warmup_factor: 0.01,
            warmup_iters: 150,
            warmup_method: WarmupMethod::Linear,
            iters: 300,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(overlap.lr(149), 0.09934);
        assert_eq!(overlap.lr(150), 0.05);
        assert_eq!(overlap.lr(200), 0.005000000000000001);
        let starts: Vec<(u64, u64)> = overlap
            .segments()
            .map(|g| (g.start, g.phase.decays))
            .collect();
        assert_eq!(starts, vec![(0, 0), (150, 1), (200, 2)]);
    }

    #[test]
    fn unsorted_list_waits_for_its_largest_milestone() {
        let s = Paddledet::new(Params {
            base_lr: 0.1,
            decay: Decay::Milestones(vec![60, 30]),
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.lr(0), 0.010000000000000002);
        assert_eq!(s.lr(59), 0.1);
        assert_eq!(s.lr(60), 0.001);
    }

    #[test]
    fn refusals() {
        let constant = Paddledet::new(Params {
            warmup_method: WarmupMethod::Constant,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(constant.key, "warmup_method");
        assert!(constant.message.contains(
            "PaddleDetection's warmups are LinearWarmup and ExpWarmup; there is no constant warmup"
        ));
        let many = Paddledet::new(Params {
            decay: Decay::Milestones((1..=310).collect()),
            iters: 400,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(many.key, "milestones");
        assert!(many.message.contains("int too large to convert to float"));
        let step = Paddledet::new(Params {
            decay: Decay::StepSize(1),
            iters: u64::MAX,
            ..Params::default()
        })
        .err()
        .unwrap();
        assert_eq!(step.key, "step_size");
        // 309 milestones are fine: the last level divides by 1e308.
        let most = Paddledet::new(Params {
            decay: Decay::Milestones((1..=309).collect()),
            warmup_iters: 0,
            gamma: 1.0,
            iters: 400,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(most.lr(399), 0.01 * (1.0 / 1e308));
    }

    #[test]
    fn departures_name_the_gamma_list_and_the_warmup_step() {
        let notes = |params: Params| -> Vec<(String, Severity)> {
            let s = Paddledet::new(params).unwrap();
            departures(Dialect::from_name("ppdet").unwrap(), &s)
                .into_iter()
                .map(|d| (d.text, d.severity))
                .collect()
        };
        assert_eq!(
            notes(Params::default()),
            [(
                "from iteration 100 the lr is 0.0001, not 0.00010000000000000002 = base_lr × \
                 gamma^2: PiecewiseDecay turns a scalar gamma into [gamma, gamma/10, gamma/100, \
                 …], so decay k gives base_lr × (gamma / 10^(k-1)), not base_lr × gamma^k"
                    .to_string(),
                Severity::Note
            )]
        );
        let no_warmup = notes(Params {
            warmup_iters: 0,
            ..Params::default()
        });
        assert!(
            no_warmup.contains(&(
                "warms up for one step although warmup_iters = 0: LinearWarmup takes \
                 max(steps, 1), so iteration 0 runs at base_lr × warmup_factor = 0.001"
                    .to_string(),
                Severity::Warning
            )),
            "{no_warmup:?}"
        );
    }

    #[test]
    fn step_size_is_a_list_from_the_end_of_warmup() {
        let s = Paddledet::new(Params {
            decay: Decay::StepSize(30),
            iters: 100,
            ..Params::default()
        })
        .unwrap();
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 10, 40, 70]);
        assert_eq!(s.lr(70), 0.01 * (0.1 / 10.0));
    }
}
