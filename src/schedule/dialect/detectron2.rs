//! detectron2 `build_lr_scheduler` for `WarmupMultiStepLR` with N = iters:
//! `LRMultiplier(WarmupParamScheduler(MultiStepParamScheduler(values=[gamma**k],
//! milestones=[m for m in M if m <= N], num_updates=N), warmup_factor, min(W / N, 1.0), method,
//! rescale_interval=False), max_iter=N)`.
//!
//! Stateless: row i is `base_lr * multiplier(i / N)`. fvcore works on `where = i / N` with a
//! `WHERE_EPSILON = 1e-6` in its comparisons, so its decays come at
//! `int((where + 1e-6) * N) >= m`, which is m itself unless N is above a million. The warmup
//! interpolates `end * where' + start * (1 - where')` from `warmup_factor * sched(0)` to
//! `sched(W / N)`, the scheduled value at the end of warmup: a milestone inside the warmup
//! makes it ramp towards the decayed lr instead of multiplying the ramp.
//!
//! A LazyConfig's `MultiStepParamScheduler(values=[1.0, 0.1, 0.01], ...)` lists the multipliers
//! itself: `factors`, taken as given, so its last phase is base_lr × 0.01, not base_lr × 0.1 ** 2.

use super::Framework;
use crate::schedule::departures::{Departs, Departure, Precision};
use crate::schedule::message::{list, list_around, number};
use crate::schedule::milestones::Milestones;
use crate::schedule::piecewise::{self, Piecewise};
use crate::schedule::{Decay, Params, Rejection, Schedule, Segment, WarmupMethod};

/// fvcore's `ParamScheduler.WHERE_EPSILON`.
const WHERE_EPSILON: f64 = 1e-6;

/// The registry's entry for detectron2.
pub(crate) struct Detectron2Dialect;

impl Framework for Detectron2Dialect {
    fn name(&self) -> &'static str {
        "detectron2"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn framework(&self) -> &'static str {
        "detectron2"
    }
    fn version(&self) -> &'static str {
        "fvcore 0.1.5"
    }
    fn construction(&self) -> &'static str {
        "detectron2 build_lr_scheduler: LRMultiplier(WarmupParamScheduler(MultiStepParamScheduler))"
    }
    /// `LRMultiplier` computes base_lr × the scheduler's value.
    fn takes_factors(&self) -> bool {
        true
    }
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection> {
        super::no_values(
            &params,
            "MultiStepParamScheduler's values are multipliers of base_lr (LRMultiplier computes base_lr × values[k]: give them as factors)",
        )?;
        super::no_warmup_lr(&params, "WarmupParamScheduler takes warmup_factor")?;
        Ok(Box::new(Detectron2::new(params)?))
    }
}

/// How far fvcore's epsilon moves things on a run of `iters`.
fn epsilon_reason(p: &Params) -> String {
    format!(
        "fvcore compares where = t / iters with a 1e-6 epsilon, {} iterations at iters = {}",
        number(WHERE_EPSILON * p.iters as f64),
        p.iters
    )
}

/// The milestones `build_lr_scheduler` drops: those past iters.
fn dropped(p: &Params) -> Vec<u64> {
    match &p.decay {
        Decay::Milestones(given) => given.iter().copied().filter(|&m| m > p.iters).collect(),
        Decay::StepSize(_) => Vec::new(),
    }
}

impl Departs for Detectron2Dialect {
    fn warmup_end_reason(&self, p: &Params) -> String {
        epsilon_reason(p)
    }
    fn decay_reason(&self, p: &Params) -> String {
        let mut reasons: Vec<String> = Vec::new();
        if Milestones::of(p).count_lt(p.warmup_iters.min(p.iters)) > 0 {
            reasons.push(
                "a milestone inside the warmup only changes the value the warmup ramps to".into(),
            );
        }
        if !dropped(p).is_empty() {
            reasons.push("milestones past iters are dropped".into());
        }
        if WHERE_EPSILON * p.iters as f64 >= 0.5 || reasons.is_empty() {
            reasons.push(epsilon_reason(p));
        }
        reasons.join("; ")
    }
    fn warmup_arithmetic(&self) -> &'static str {
        "fvcore interpolates end × where + start × (1 - where)"
    }
    /// fvcore's warmup starts from `warmup_factor × scheduler(0)` and, when linear, ends at
    /// `scheduler(W / iters)`: a milestone inside it is not applied part-way.
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure {
        Departure::note(match schedule.params().warmup_method {
            WarmupMethod::Constant => format!(
                "the constant warmup holds {}, warmup_factor × the lr scheduled at 0, instead \
                 of decaying inside it (WarmupParamScheduler holds warmup_factor × scheduler(0))",
                number(schedule.lr(0))
            ),
            WarmupMethod::Linear | WarmupMethod::Exp => format!(
                "the warmup ramps towards {}, the lr scheduled at its end, instead of decaying \
                 inside it (WarmupParamScheduler interpolates towards scheduler(W / iters))",
                number(schedule.lr(warmup_end))
            ),
        })
    }
    fn level_reason(&self, _: &Params, _: bool) -> String {
        "LRMultiplier multiplies base_lr by MultiStepParamScheduler's gamma ** k".into()
    }
    fn structural(&self, p: &Params) -> Vec<Departure> {
        let dropped = dropped(p);
        if dropped.is_empty() {
            return Vec::new();
        }
        vec![Departure::warning(format!(
            "milestones {} are past iters {}: build_lr_scheduler silently drops them (it keeps \
             m <= max_iter)",
            list(&dropped),
            p.iters
        ))]
    }
    fn precision(&self) -> Precision {
        Precision::Double
    }
}

pub(crate) struct Detectron2 {
    params: Params,
    /// The milestones kept by `build_lr_scheduler` (those <= N).
    steps: Milestones,
    /// `warmup_length = min(W / N, 1.0)`.
    warmup_length: f64,
    /// The warmup's start and end multipliers.
    start: f64,
    end: f64,
    /// The first iteration fvcore no longer counts as warmup.
    warmup_end: u64,
}

impl Detectron2 {
    pub fn new(params: Params) -> Result<Self, Rejection> {
        let n = params.iters;
        let steps = Milestones::of(&params).below(n.saturating_add(1));
        check(&steps, n)?;
        if params.warmup_method == WarmupMethod::Exp {
            return Err(Rejection {
                key: "warmup_method",
                message: "detectron2's WarmupParamScheduler takes linear or constant \
                          (\"Unknown warmup method: exp\")"
                    .into(),
            });
        }
        let mut schedule = Detectron2 {
            warmup_length: (params.warmup_iters as f64 / n as f64).min(1.0),
            params,
            steps,
            start: 0.0,
            end: 0.0,
            warmup_end: 0,
        };
        schedule.start = schedule.params.warmup_factor * schedule.multistep(0.0);
        schedule.end = schedule.multistep(schedule.warmup_length);
        schedule.warmup_end = first_true(0, n, |i| !schedule.in_warmup(i));
        Ok(schedule)
    }

    fn progress(&self, t: u64) -> f64 {
        t as f64 / self.params.iters as f64
    }

    /// CompositeParamScheduler's test: `where + WHERE_EPSILON > lengths[0]` leaves the warmup.
    fn in_warmup(&self, t: u64) -> bool {
        self.progress(t) + WHERE_EPSILON <= self.warmup_length
    }

    /// MultiStepParamScheduler's `int((where + WHERE_EPSILON) * num_updates)`.
    fn epoch(&self, progress: f64) -> u64 {
        ((progress + WHERE_EPSILON) * self.params.iters as f64) as u64
    }

    /// MultiStepParamScheduler at `where`: `values[bisect_right(milestones, epoch_num)]`, the
    /// values being `factors`, or `[gamma ** k ...]` as `build_lr_scheduler` lists them.
    fn multistep(&self, progress: f64) -> f64 {
        self.params
            .multiplier(self.steps.count_le(self.epoch(progress)))
    }
}

/// fvcore's MultiStepParamScheduler checks, in its order.
fn check(steps: &Milestones, n: u64) -> Result<(), Rejection> {
    let reject = |message: String| {
        Err(Rejection {
            key: "milestones",
            message,
        })
    };
    if n < steps.len() + 1 {
        return Err(Rejection {
            key: "iters",
            message: format!(
                "must exceed the number of milestones kept ({}) (fvcore MultiStepParamScheduler: \
                 \"Total num_updates must be greater than length of param schedule\")",
                steps.len()
            ),
        });
    }
    let Some(given) = steps.given() else {
        // An expanded step_size is increasing, above 0 and below iters by construction.
        return Ok(());
    };
    let mut start_epoch = 0;
    for (index, &milestone) in given.iter().enumerate() {
        if milestone >= n {
            return reject(format!(
                "a milestone equal to iters is kept by build_lr_scheduler (m <= max_iter) and \
                 then refused by fvcore: \"Milestone must be smaller than total number of \
                 updates: num_updates={n}, milestone={milestone}\""
            ));
        }
        if start_epoch >= milestone {
            return reject(format!(
                "must be strictly increasing and above 0, got {} (fvcore \
                 MultiStepParamScheduler: \"Milestone must be smaller than start epoch: \
                 start_epoch={start_epoch}, milestone={milestone}\")",
                list_around(given, index)
            ));
        }
        start_epoch = milestone;
    }
    Ok(())
}

/// The smallest t in `[low, high]` with `holds(t)`, for a predicate false then true; `high` if none.
fn first_true(mut low: u64, mut high: u64, holds: impl Fn(u64) -> bool) -> u64 {
    while low < high {
        let mid = low + (high - low) / 2;
        if holds(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

impl Piecewise for Detectron2 {
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
            self.steps.count_le(self.epoch(self.progress(t)))
        }
    }
    fn next_decay(&self, t: u64) -> Option<u64> {
        let decays = self.decays(t);
        let from = t.checked_add(1)?.max(self.warmup_end);
        if self.decays(from) != decays {
            return Some(from);
        }
        let milestone = self.steps.next_after(self.epoch(self.progress(from)))?;
        // epoch(i) is non-decreasing in i and reaches m by i = m (the epsilon only adds).
        let reached = |i: u64| self.epoch(self.progress(i)) >= milestone;
        let mut high = milestone.max(from);
        while !reached(high) {
            high = high.checked_mul(2)?;
        }
        Some(first_true(from, high, reached))
    }
}

impl Schedule for Detectron2 {
    fn params(&self) -> &Params {
        &self.params
    }

    fn warmup_end(&self) -> u64 {
        self.warmup_end
    }

    fn lr(&self, t: u64) -> f64 {
        let progress = self.progress(t);
        let multiplier = if self.in_warmup(t) {
            // The warmup scheduler is "rescaled": where' = (where - 0.0) / warmup_length.
            let local = progress / self.warmup_length;
            match self.params.warmup_method {
                WarmupMethod::Constant => self.start,
                _ => self.end * local + self.start * (1.0 - local),
            }
        } else {
            // Past max_iter fvcore raises; lrsched holds the last scheduled value.
            self.multistep(progress)
        };
        self.params.base_lr * multiplier
    }

    fn segments_from(&self, from: u64) -> Box<dyn Iterator<Item = Segment> + '_> {
        piecewise::segments(self, from, |t| self.lr(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_example() {
        let s = Detectron2::new(Params::default()).unwrap();
        assert_eq!(s.lr(7), 0.007300000000000001);
        assert_eq!(s.lr(10), 0.01);
        assert_eq!(s.lr(50), 0.001);
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts, vec![0, 10, 50, 100]);
    }

    #[test]
    fn warmup_ramps_towards_the_decayed_value() {
        let s = Detectron2::new(Params {
            warmup_iters: 60,
            ..Params::default()
        })
        .unwrap();
        assert_eq!(s.end, 0.1);
        let starts: Vec<(u64, u64)> = s.segments().map(|g| (g.start, g.phase.decays)).collect();
        assert_eq!(starts, vec![(0, 0), (60, 1), (100, 2)]);
    }

    #[test]
    fn epsilon_moves_decays_on_long_runs() {
        // 1e-6 of 10^8 iterations is 100: fvcore decays 100 iterations before the milestone.
        let s = Detectron2::new(Params {
            decay: Decay::Milestones(vec![50_000_000]),
            warmup_iters: 0,
            iters: 100_000_000,
            ..Params::default()
        })
        .unwrap();
        let starts: Vec<u64> = s.segments().map(|g| g.start).collect();
        assert_eq!(starts.len(), 2);
        assert!((49_999_899..=49_999_901).contains(&starts[1]), "{starts:?}");
        assert_eq!(s.lr(starts[1] - 1), 0.01);
        assert_eq!(s.lr(starts[1]), 0.001);
    }

    #[test]
    fn rejections_quote_fvcore() {
        let reject = |params: Params| Detectron2::new(params).err().unwrap().message;
        assert!(
            reject(Params {
                decay: Decay::Milestones(vec![20, 20, 40]),
                ..Params::default()
            })
            .contains("Milestone must be smaller than start epoch: start_epoch=20, milestone=20")
        );
        assert!(
            reject(Params {
                iters: 100,
                ..Params::default()
            })
            .contains("num_updates=100, milestone=100")
        );
        assert!(
            reject(Params {
                warmup_method: WarmupMethod::Exp,
                ..Params::default()
            })
            .contains("Unknown warmup method: exp")
        );
        // Past iters: dropped, not refused.
        assert!(
            Detectron2::new(Params {
                iters: 99,
                ..Params::default()
            })
            .is_ok()
        );
    }
}
