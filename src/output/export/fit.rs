//! Finding the target's parameters that reproduce the source's curve, from the target dialect's
//! own model (docs/export.md, "How the numbers are found"): the warmup length whose end lands
//! where the source's does, and for each decay of the source the milestone the target decays
//! at there, found by probing the target's `Schedule` (a guess from the offset, then a binary
//! search); then the whole curve is compared with the source's.

use crate::schedule::compare::{Budget, Comparison, compare_within};
use crate::schedule::{Decay, Dialect, Params, Rejection, Schedule, WarmupMethod, build};

/// Decays exported as an explicit milestone list, at most.
pub(crate) const MAX_DECAYS: usize = 10_000;

/// Where the source's curve changes phase.
pub(super) struct Shape {
    /// The first iteration past the warmup, capped at iters; 0 without warmup.
    pub warmup_end: u64,
    /// The iterations at which a decay is applied, once per decay (a double decay twice).
    pub decays: Vec<u64>,
}

impl Shape {
    pub fn of(schedule: &dyn Schedule) -> Result<Shape, String> {
        let p = schedule.params();
        let warmup_end = if p.warmup_iters == 0 {
            0
        } else {
            schedule.warmup_end().min(p.iters)
        };
        let mut decays = Vec::new();
        let mut before = 0;
        for segment in schedule.segments() {
            for _ in before..segment.phase.decays {
                decays.push(segment.start);
            }
            before = before.max(segment.phase.decays);
            if decays.len() > MAX_DECAYS {
                return Err(format!(
                    "the schedule decays more than {MAX_DECAYS} times before iters {}: export \
                     writes the milestones as a list; use a larger step_size or fewer iters",
                    p.iters
                ));
            }
        }
        Ok(Shape { warmup_end, decays })
    }
}

/// The counts a target takes in whole multiples (epochs of `iters_per_epoch` iterations).
#[derive(Clone, Copy, Debug)]
pub(super) struct Quantum {
    pub milestones: u64,
    pub warmup: u64,
}

/// One set of target parameters and how its curve compares with the source's.
pub(super) struct Candidate {
    pub dialect: Dialect,
    pub params: Params,
    pub comparison: Comparison,
    /// What could not be reproduced, in words.
    pub misses: Vec<String>,
}

impl Candidate {
    /// Iterations that differ, by more than rounding first: smaller is closer.
    pub fn distance(&self) -> (u64, u64) {
        let [a, b] = self.comparison.ends;
        (
            self.comparison.differing + a.abs_diff(b),
            self.comparison.last_bits,
        )
    }
}

/// The target `dialect`'s parameters closest to `source`'s curve, starting from `template`
/// (the source's parameters or a fallback without what the target lacks).
pub(super) fn fit(
    source: &dyn Schedule,
    source_rounding: f64,
    shape: &Shape,
    dialect: Dialect,
    template: &Params,
    quantum: Quantum,
    refuses: &dyn Fn(&Params) -> Option<Rejection>,
) -> Result<Candidate, Rejection> {
    let mut params = template.clone();
    let mut misses = Vec::new();
    if template.warmup_iters > 0 && shape.warmup_end > 0 {
        params.warmup_iters = warmup_length(dialect, &params, shape, quantum.warmup);
    }
    let mut probe = Probe {
        dialect,
        params: params.clone(),
        quantum: quantum.milestones,
        offset: 0,
    };
    let mut milestones = Vec::with_capacity(shape.decays.len());
    for (k, &d) in shape.decays.iter().enumerate() {
        let (m, landing) = probe.milestone_for(d);
        if landing != Some(d) {
            misses.push(match landing {
                Some(at) => format!("decay {} lands at {at}, not {d}", k + 1),
                None => format!("no milestone decays at {d}"),
            });
        }
        milestones.push(m);
    }
    milestones.sort_unstable();
    params.decay = Decay::Milestones(milestones);
    if let Some(rejection) = refuses(&params) {
        return Err(rejection);
    }
    let schedule = build(dialect, params.clone())?;
    let rounding = dialect.rounding().max(source_rounding);
    let comparison = compare_within(source, schedule.as_ref(), rounding, Budget::EXACT);
    Ok(Candidate {
        dialect,
        params,
        comparison,
        misses,
    })
}

/// The warmup_iters (a multiple of `quantum`) whose warmup ends where the source's does, tried
/// near it (the frameworks differ by a step or two); else the multiple nearest the source's
/// end, at least one (a warmup kept is closer than none).
fn warmup_length(dialect: Dialect, params: &Params, shape: &Shape, quantum: u64) -> u64 {
    let end = shape.warmup_end;
    let mut tried = Vec::new();
    for delta in [0i64, 1, -1, 2, -2] {
        let Some(w) = end.checked_add_signed(delta * quantum as i64) else {
            continue;
        };
        let w = w / quantum * quantum;
        if w == 0 || tried.contains(&w) {
            continue;
        }
        tried.push(w);
        let candidate = Params {
            warmup_iters: w,
            decay: Decay::Milestones(shape.decays.clone()),
            ..params.clone()
        };
        if let Ok(schedule) = build(dialect, candidate)
            && schedule.warmup_end().min(params.iters) == end
        {
            return w;
        }
    }
    (end.saturating_add(quantum / 2) / quantum).max(1) * quantum
}

/// Single-milestone schedules of the target, to see where a milestone lands.
struct Probe {
    dialect: Dialect,
    params: Params,
    quantum: u64,
    /// The last milestone's offset from its landing: the next guess.
    offset: i128,
}

impl Probe {
    /// Where the target first decays with milestones `[m]`; `None` if it refuses or never does.
    fn landing(&self, m: u64) -> Option<u64> {
        let params = Params {
            decay: Decay::Milestones(vec![m]),
            ..self.params.clone()
        };
        let schedule = build(self.dialect, params).ok()?;
        schedule
            .segments()
            .find(|s| s.phase.decays > 0)
            .map(|s| s.start)
    }

    /// The nearest multiple of the quantum to `m`.
    fn round(&self, m: i128) -> u64 {
        let q = i128::from(self.quantum);
        let k = (m.max(0) + q / 2) / q;
        u64::try_from(k * q).unwrap_or(u64::MAX / self.quantum * self.quantum)
    }

    /// The milestone whose decay lands at `d`, or the closest one found, with its landing.
    fn milestone_for(&mut self, d: u64) -> (u64, Option<u64>) {
        let mut best: Option<(u64, Option<u64>)> = None;
        let mut consider = |m: u64, landing: Option<u64>| {
            let miss = |l: Option<u64>| l.map_or(u64::MAX, |l| l.abs_diff(d));
            if best.is_none_or(|(_, b)| miss(landing) < miss(b)) {
                best = Some((m, landing));
            }
        };
        // A guess from the last offset, then one corrected by what it landed at.
        let mut m = self.round(i128::from(d) + self.offset);
        for _ in 0..2 {
            let landing = self.landing(m);
            consider(m, landing);
            match landing {
                Some(at) if at == d => {
                    self.offset = i128::from(m) - i128::from(d);
                    return (m, landing);
                }
                Some(at) => m = self.round(i128::from(m) + i128::from(d) - i128::from(at)),
                None => break,
            }
        }
        // The smallest multiple whose landing is at or past d (a refusal or no decay counts as
        // past): landings rise with the milestone.
        let q = self.quantum;
        let (mut low, mut high) = (0u64, (d.saturating_add(self.params.warmup_iters) / q) + 2);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.landing(mid * q) {
                Some(at) if at < d => low = mid + 1,
                _ => high = mid,
            }
        }
        for k in [low, low.saturating_sub(1)] {
            let m = k.saturating_mul(q);
            let landing = self.landing(m);
            if landing == Some(d) {
                self.offset = i128::from(m) - i128::from(d);
                return (m, landing);
            }
            consider(m, landing);
        }
        best.unwrap_or((d, None))
    }
}

/// The parameters to try when the target refuses the source's own: what it lacks left out,
/// each with what it gives up.
pub(super) fn fallbacks(p: &Params) -> Vec<(Params, String)> {
    let mut out = Vec::new();
    if p.warmup_method != WarmupMethod::Linear && p.warmup_iters > 0 {
        out.push((
            Params {
                warmup_method: WarmupMethod::Linear,
                ..p.clone()
            },
            format!(
                "a linear warmup from the same factor instead of the {} one",
                p.warmup_method.name()
            ),
        ));
    }
    if p.warmup_iters > 0 {
        out.push((
            Params {
                warmup_iters: 0,
                ..p.clone()
            },
            "no warmup: base_lr from iteration 0".to_string(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialect(name: &str) -> Dialect {
        Dialect::from_name(name).unwrap()
    }

    fn fitted(target: &str, params: Params) -> Candidate {
        let source = build(dialect("maskrcnn"), params.clone()).unwrap();
        let shape = Shape::of(source.as_ref()).unwrap();
        let one = Quantum {
            milestones: 1,
            warmup: 1,
        };
        fit(
            source.as_ref(),
            1e-9,
            &shape,
            dialect(target),
            &params,
            one,
            &|_| None,
        )
        .unwrap()
    }

    fn milestones(c: &Candidate) -> Vec<u64> {
        match &c.params.decay {
            Decay::Milestones(list) => list.clone(),
            Decay::StepSize(_) => panic!("a step size"),
        }
    }

    /// The offsets of docs/dialects.md, found from the models: SequentialLR counts from W,
    /// timm's train.py decays a step early, MXNet and TensorFlow a step late.
    #[test]
    fn the_off_by_ones_come_from_the_models() {
        let p = Params::default();
        assert_eq!(milestones(&fitted("torch-sequential", p.clone())), [40, 90]);
        assert_eq!(milestones(&fitted("timm-train", p.clone())), [51, 101]);
        assert_eq!(milestones(&fitted("mxnet", p.clone())), [49, 99]);
        assert_eq!(milestones(&fitted("tf-model-garden", p.clone())), [49, 99]);
        assert_eq!(milestones(&fitted("timm", p.clone())), [41, 91]);
        let mmengine = fitted("mmengine", p.clone());
        assert_eq!(mmengine.params.warmup_iters, 11);
        assert_eq!(milestones(&mmengine), [50, 100]);
        assert_eq!(mmengine.comparison.differing, 0);
        let sequential = fitted("torch-sequential", p);
        assert_eq!(sequential.comparison.differing, 0);
        assert!(sequential.misses.is_empty());
    }

    #[test]
    fn whole_epochs_are_the_closest_they_can_be() {
        let source = build(dialect("maskrcnn"), Params::default()).unwrap();
        let shape = Shape::of(source.as_ref()).unwrap();
        let epochs = Quantum {
            milestones: 10,
            warmup: 10,
        };
        let c = fit(
            source.as_ref(),
            1e-9,
            &shape,
            dialect("timm-train"),
            &Params::default(),
            epochs,
            &|_| None,
        )
        .unwrap();
        // timm-train decays at m - 1: 50 and 100 are out of reach in multiples of 10.
        assert_eq!(milestones(&c), [50, 100]);
        assert_eq!(
            c.misses,
            [
                "decay 1 lands at 49, not 50",
                "decay 2 lands at 99, not 100"
            ]
        );
    }

    #[test]
    fn a_double_decay_is_a_repeated_milestone() {
        let source = build(
            dialect("maskrcnn"),
            Params {
                decay: Decay::Milestones(vec![50, 50]),
                ..Params::default()
            },
        )
        .unwrap();
        assert_eq!(Shape::of(source.as_ref()).unwrap().decays, [50, 50]);
    }
}
