//! mmcv 1.x `StepLrUpdaterHook(by_epoch=False, step=M, gamma=gamma, warmup=method,
//! warmup_iters=W, warmup_ratio=warmup_factor)`, as `IterBasedRunner` drives it: the lr of
//! iteration i is what `before_train_iter` sets with `runner.iter = i`. mmdetection 2.x configs
//! (`lr_config = dict(policy='step', ...)`) build exactly this hook.
//!
//! ```python
//! # StepLrUpdaterHook.get_lr
//! exp = len(self.step)
//! for i, s in enumerate(self.step):
//!     if progress < s:
//!         exp = i
//!         break
//! lr = base_lr * (self.gamma**exp)
//! # LrUpdaterHook.get_warmup_lr, while cur_iter < warmup_iters
//! k = (1 - cur_iters / self.warmup_iters) * (1 - self.warmup_ratio)   # linear
//! warmup_lr = [_lr * (1 - k) for _lr in regular_lr]
//! warmup_lr = [_lr * self.warmup_ratio for _lr in regular_lr]         # constant
//! k = self.warmup_ratio**(1 - cur_iters / self.warmup_iters)          # exp
//! warmup_lr = [_lr * k for _lr in regular_lr]
//! ```
//!
//! Stateless and closed form: the warmup multiplies the regular lr, which decays inside the
//! warmup as anywhere else. `exp` is the index of the first step the iteration is below, so an
//! unsorted list decays only where its running maximum rises. The constructor asserts
//! `warmup_iters > 0` and `0 < warmup_ratio <= 1` whenever a warmup is set, and steps > 0.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::first_above::FirstAbove;
use crate::schedule::message::{first_unsorted, list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::true_division::true_div;
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// The registry's entry for mmcv1.
pub(crate) struct Mmcv1Dialect;

impl Framework for Mmcv1Dialect {
    fn name(&self) -> &'static str {
        "mmcv1"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "mmcv 1.x"
    }
    fn version(&self) -> &'static str {
        "mmcv 1.7.2"
    }
    fn construction(&self) -> &'static str {
        "mmcv 1.x StepLrUpdaterHook(by_epoch=False, step=M, warmup=method) = mmdetection 2.x \
         lr_config=dict(policy='step')"
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(&params, "StepLrUpdaterHook takes gamma")?;
        super::no_warmup_lr(&params, "the warmup takes warmup_ratio")?;
        Ok(Box::new(Mmcv1::new(params)?))
    }
}

/// Why warmup values differ in their last bits.
const WARMUP_ARITHMETIC: &str = "mmcv computes regular_lr × (1 - (1 - i / W) × (1 - warmup_ratio))";

/// The steps as given, and where they first go down, when they do.
fn unsorted(p: &Params) -> Option<(&[u64], usize)> {
    match &p.decay {
        Decay::Milestones(given) => first_unsorted(given).map(|i| (given.as_slice(), i)),
        Decay::StepSize(_) => None,
    }
}

impl Departs for Mmcv1Dialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        format!(
            "StepLrUpdaterHook warms up while cur_iter < warmup_iters = {}",
            p.warmup_iters
        )
    }
    /// Only an unsorted list moves the decays.
    fn decay_reason(&self, _: &Params) -> String {
        "StepLrUpdaterHook counts the steps before the first one the iteration is below".into()
    }
    fn warmup_arithmetic(&self) -> &'static str {
        WARMUP_ARITHMETIC
    }
    /// The warmup multiplies the regular lr, decayed as anywhere else: only unsorted steps or
    /// the exp warmup's arithmetic set it apart.
    fn warmup_shape(&self, schedule: &dyn Schedule, _: u64) -> Departure {
        if unsorted(schedule.params()).is_some() {
            Departure::note(
                "the warmup multiplies the regular lr, which counts an unsorted step only once \
                 the steps listed before it are passed"
                    .into(),
            )
        } else {
            Departure::note(format!("the warmup differs: {WARMUP_ARITHMETIC}"))
        }
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "StepLrUpdaterHook computes base_lr × gamma ** exp".into()
    }
    /// An unsorted list, which mmcv does not check: users rarely mean it.
    fn structural(&self, p: &Params) -> Vec<Departure> {
        unsorted(p)
            .map(|(given, at)| {
                Departure::warning(format!(
                    "steps {} are not sorted: mmcv does not check, and a step below an earlier \
                     one counts only once that earlier one is passed (maskrcnn would refuse them)",
                    list_around(given, at)
                ))
            })
            .into_iter()
            .collect()
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

pub(crate) struct Mmcv1 {
    params: Params,
    steps: FirstAbove,
}

impl Mmcv1 {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        check(&params)?;
        Ok(Mmcv1 {
            steps: FirstAbove::of(&Milestones::of(&params)),
            params,
        })
    }

    /// `get_lr`: `base_lr * gamma ** exp`.
    fn regular(&self, t: u64) -> f64 {
        let p = &self.params;
        p.base_lr * p.gamma.powf(self.steps.index(t) as f64)
    }
}

/// The hook's asserts, in the order its constructors run them.
fn check(params: &Params) -> Result<(), Rejection> {
    if let Decay::Milestones(list) = &params.decay
        && let Some(zero) = list.iter().position(|&step| step == 0)
    {
        return Err(Rejection {
            key: "milestones",
            message: format!(
                "must be >= 1, got {} (mmcv 1.x StepLrUpdaterHook: `assert all([s > 0 for s in \
                 step])` fails)",
                list_around(list, zero)
            ),
        });
    }
    if params.warmup_iters == 0 {
        return Err(Rejection {
            key: "warmup_iters",
            message: "must be >= 1: the hook is built with a warmup method (mmcv 1.x: \
                      AssertionError: \"warmup_iters\" must be a positive integer); for no \
                      warmup an mmcv config sets warmup=None, which gives the maskrcnn curve"
                .into(),
        });
    }
    let f = params.warmup_factor;
    if !(f > 0.0 && f <= 1.0) {
        return Err(Rejection {
            key: "warmup_factor",
            message: format!(
                "must be in (0, 1], got {} (mmcv 1.x: AssertionError: \"warmup_ratio\" must be \
                 in range (0,1])",
                number(f)
            ),
        });
    }
    Ok(())
}

impl Piecewise for Mmcv1 {
    fn params(&self) -> &Params {
        &self.params
    }
    fn warmup_ramps(&self) -> bool {
        self.params.warmup_method != WarmupMethod::Constant
    }
    fn decays(&self, t: u64) -> u64 {
        self.steps.index(t)
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        self.steps.next_change(t)
    }
}

impl Schedule for Mmcv1 {
    fn params(&self) -> &Params {
        &self.params
    }

    fn lr(&self, t: u64) -> f64 {
        let p = &self.params;
        let regular = self.regular(t);
        if t >= p.warmup_iters {
            return regular;
        }
        let ratio = p.warmup_factor;
        match p.warmup_method {
            WarmupMethod::Linear => {
                let k = (1.0 - true_div(t, p.warmup_iters)) * (1.0 - ratio);
                regular * (1.0 - k)
            }
            WarmupMethod::Constant => regular * ratio,
            WarmupMethod::Exp => regular * ratio.powf(1.0 - true_div(t, p.warmup_iters)),
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

    fn with(decay: Vec<u64>, params: Params) -> Mmcv1 {
        Mmcv1::new(Params {
            decay: Decay::Milestones(decay),
            ..params
        })
        .unwrap()
    }

    /// Values from the golden `mmcv1/seed.csv`.
    #[test]
    fn seed_decays_at_the_milestones() {
        let s = Mmcv1::new(Params::default()).unwrap();
        assert_eq!(s.lr(0), 0.0009999999999999998);
        assert_eq!(s.lr(1), 0.0018999999999999996);
        assert_eq!(s.lr(9), 0.0091);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(49), 0.01);
        assert_eq!(s.lr(50), 0.001);
        assert_eq!(s.lr(100), 0.00010000000000000002);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (10, 0), (50, 1), (100, 2)]);
    }

    /// golden `mmcv1/overlap.csv`: the warmup multiplies the decayed regular lr.
    #[test]
    fn warmup_decays_inside() {
        let s = with(
            vec![100, 200],
            Params {
                base_lr: 0.1,
                gamma: 0.5,
                warmup_factor: 0.01,
                warmup_iters: 150,
                iters: 300,
                ..Params::default()
            },
        );
        assert_eq!(s.lr(0), 0.0010000000000000009);
        assert_eq!(s.lr(99), 0.06634);
        assert_eq!(s.lr(100), 0.033499999999999995);
        assert_eq!(s.lr(149), 0.04967);
        assert_eq!(s.lr(150), 0.05);
        assert_eq!(s.lr(200), 0.025);
        let starts: Vec<(u64, bool)> = s.segments().map(|g| (g.start, g.phase.warmup)).collect();
        assert_eq!(
            starts,
            vec![(0, true), (100, true), (150, false), (200, false)]
        );
    }

    /// golden `mmcv1/unsorted.csv` and `constant.csv`.
    #[test]
    fn unsorted_steps_decay_where_the_list_rises() {
        let params = Params {
            base_lr: 0.1,
            warmup_iters: 5,
            iters: 100,
            ..Params::default()
        };
        let s = with(vec![60, 30], params.clone());
        assert_eq!(s.lr(59), 0.1);
        assert_eq!(s.lr(60), 0.0010000000000000002);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (5, 0), (60, 2)]);
        let constant = with(
            vec![30, 60, 90],
            Params {
                warmup_factor: 0.3333333333333333,
                warmup_method: WarmupMethod::Constant,
                ..params
            },
        );
        assert_eq!(constant.lr(4), 0.03333333333333333);
        assert_eq!(constant.lr(30), 0.010000000000000002);
    }

    #[test]
    fn exp_warmup_is_ratio_to_the_remaining_fraction() {
        let s = Mmcv1::new(Params {
            warmup_method: WarmupMethod::Exp,
            ..Params::default()
        })
        .unwrap();
        // Python: 0.01 * 0.1 ** (1 - 5 / 10).
        assert_eq!(s.lr(5), 0.0031622776601683794);
        assert_eq!(s.lr(10), 0.01);
    }

    #[test]
    fn asserts_quote_mmcv() {
        let reject = |params: Params| Mmcv1::new(params).err().unwrap();
        let no_warmup = reject(Params {
            warmup_iters: 0,
            ..Params::default()
        });
        assert_eq!(no_warmup.key, "warmup_iters");
        assert!(
            no_warmup
                .message
                .contains("AssertionError: \"warmup_iters\" must be a positive integer")
        );
        for f in [0.0, 1.5] {
            assert!(
                reject(Params {
                    warmup_factor: f,
                    ..Params::default()
                })
                .message
                .contains("\"warmup_ratio\" must be in range (0,1]")
            );
        }
        let zero = reject(Params {
            decay: Decay::Milestones(vec![0, 50]),
            ..Params::default()
        });
        assert_eq!(zero.key, "milestones");
        assert!(zero.message.starts_with("must be >= 1, got [0, 50]"));
    }

    #[test]
    fn huge_inputs_answer_at_once() {
        let s = Mmcv1::new(Params {
            decay: Decay::StepSize(1),
            warmup_iters: u64::MAX - 1,
            iters: u64::MAX,
            gamma: 0.5,
            ..Params::default()
        })
        .unwrap();
        // Python: 0.01 * (1 - (1 - (2**64 - 3) / (2**64 - 2)) * (1 - 0.1)).
        assert_eq!(s.lr(u64::MAX - 2), 0.01);
        let many: Vec<u64> = (1..=100_000).collect();
        let s = with(
            many,
            Params {
                iters: u64::MAX,
                ..Params::default()
            },
        );
        assert_eq!(s.segments().nth(50_000).map(|g| g.start), Some(50_000));
        assert_eq!(s.lr(u64::MAX), 0.0);
    }

    fn notes(params: Params) -> Vec<(String, Severity)> {
        let s = Mmcv1::new(params).unwrap();
        departures(Dialect::from_name("mmcv1").unwrap(), &s)
            .into_iter()
            .map(|d| (d.text, d.severity))
            .collect()
    }

    #[test]
    fn departures_say_why() {
        assert_eq!(
            notes(Params::default()),
            vec![(
                "4 of 10 warmup values differ in the last bits: mmcv computes regular_lr × \
                 (1 - (1 - i / W) × (1 - warmup_ratio))"
                    .to_string(),
                Severity::Note
            )]
        );
        let unsorted = notes(Params {
            decay: Decay::Milestones(vec![60, 30]),
            ..Params::default()
        });
        assert_eq!(
            unsorted[0],
            (
                "decays at 60 instead of 30 and 60: StepLrUpdaterHook counts the steps before \
                 the first one the iteration is below"
                    .to_string(),
                Severity::Warning
            )
        );
        assert!(
            unsorted
                .iter()
                .any(|(note, severity)| *severity == Severity::Warning
                    && note.starts_with("steps [60, 30] are not sorted: mmcv does not check"))
        );
    }
}
