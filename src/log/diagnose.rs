//! The known ways a run departs from its schedule, each tried against every logged point while
//! the log is read (docs/verify.md#diagnoses): a hypothesis is a curve the run would log if
//! that mistake were made, and it fits when every point agrees with it.
//!
//! Tried: the scheduler restarted (a resume without its state), milestones read as epochs or
//! as iterations, every other registered dialect, decays shifted by ±1 or ±W, the whole curve
//! one step off, and a constant ratio (a scaling rule applied twice or not at all).

use super::Precision;
use super::compare::Tolerance;
use crate::schedule::message::{in_words, number};
use crate::schedule::{self, Decay, Dialect, NamedSchedule, Params, Schedule, departures};

/// A hypothesis that misses more points than this is out, whatever a restart of the log replaces.
const MISSES_KEPT: usize = 64;
/// Restart iterations tried at most, and kept at most among those that fit the first difference.
const RESTARTS_SCANNED: u64 = 1_000_000;
const RESTARTS_KEPT: usize = 64;
/// Below this relative difference two values are the same curve for a diagnosis (rounding).
const ROUNDING: f64 = 1e-9;

/// One known cause that fits the log: a short name for machines and the sentence for people.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnosis {
    pub cause: &'static str,
    pub text: String,
}

/// The logged iterations a hypothesis does not fit.
#[derive(Default)]
struct Misses {
    steps: Vec<u64>,
    out: bool,
}

impl Misses {
    fn miss(&mut self, t: u64) {
        if self.steps.len() == MISSES_KEPT {
            self.out = true;
        } else {
            self.steps.push(t);
        }
    }

    fn cut(&mut self, step: u64) {
        self.steps.retain(|&t| t < step);
    }

    fn fits(&self) -> bool {
        !self.out && self.steps.is_empty()
    }
}

enum What {
    Dialect(Dialect),
    /// Milestones (or step_size) × or ÷ iters_per_epoch.
    EpochsAsIterations(u64),
    IterationsAsEpochs(u64),
    /// Every decay `k` iterations late (negative: early).
    Shift(i64),
    /// The whole curve one step off: the log's step t holds lr(t + k).
    Offset(i64),
}

struct Candidate {
    what: What,
    schedule: Box<dyn Schedule>,
    misses: Misses,
    /// Some point fitted only to rounding, not to the log's own precision.
    rounded: bool,
}

/// The scheduler restarted at `r`: lr(t) for t < r, lr(t − r) after.
struct Restart {
    first_difference: u64,
    at: Vec<(u64, Misses)>,
}

/// logged = ratio × expected, the ratio read at the first point with an lr above 0.
struct Ratio {
    ratio: f64,
    since: u64,
    misses: Misses,
}

pub struct Hypotheses<'a> {
    spec: &'a NamedSchedule,
    tolerance: Tolerance,
    candidates: Vec<Candidate>,
    restart: Option<Restart>,
    ratio: Option<Ratio>,
    ratio_misses: Misses,
}

impl<'a> Hypotheses<'a> {
    pub fn new(spec: &'a NamedSchedule, tolerance: Tolerance) -> Self {
        let p = spec.params();
        let mut wanted: Vec<(What, Dialect, Params)> = Vec::new();
        if let Some(per) = spec.iters_per_epoch.filter(|&n| n > 1) {
            if let Some(params) = scaled(p, |m| m.checked_mul(per)) {
                wanted.push((What::IterationsAsEpochs(per), spec.dialect, params));
            }
            if let Some(params) = scaled(p, |m| (m % per == 0).then(|| m / per)) {
                wanted.push((What::EpochsAsIterations(per), spec.dialect, params));
            }
        }
        for &dialect in Dialect::ALL {
            if dialect != spec.dialect {
                wanted.push((What::Dialect(dialect), dialect, p.clone()));
            }
        }
        if let Decay::Milestones(_) = p.decay {
            let w = p.warmup_iters as i64;
            let mut shifts = vec![1, -1];
            if w > 1 {
                shifts.extend([w, -w]);
            }
            for k in shifts {
                let shifted = scaled(p, |m| m.checked_add_signed(k));
                if let Some(params) = shifted {
                    wanted.push((What::Shift(k), spec.dialect, params));
                }
            }
        }
        wanted.push((What::Offset(1), spec.dialect, p.clone()));
        wanted.push((What::Offset(-1), spec.dialect, p.clone()));
        let candidates = wanted
            .into_iter()
            .filter_map(|(what, dialect, params)| {
                let schedule = schedule::build(dialect, params).ok()?;
                Some(Candidate {
                    what,
                    schedule,
                    misses: Misses::default(),
                    rounded: false,
                })
            })
            .collect();
        Hypotheses {
            spec,
            tolerance,
            candidates,
            restart: None,
            ratio: None,
            ratio_misses: Misses::default(),
        }
    }

    /// Whether `logged` is the curve's `expected`, to the source's precision or to rounding.
    fn close(&self, expected: f64, logged: f64, precision: Precision) -> bool {
        self.tolerance.agrees(expected, logged, precision)
            || (expected - logged).abs() <= ROUNDING * expected.abs()
    }

    /// The first point that differs: the restarts that would explain it become hypotheses.
    pub fn first_difference(
        &mut self,
        t: u64,
        logged: f64,
        precision: Precision,
        last_agreeing: Option<u64>,
    ) {
        if self.restart.is_some() {
            return;
        }
        let lowest = last_agreeing
            .map_or(1, |a| a + 1)
            .max(t.saturating_sub(RESTARTS_SCANNED));
        let schedule = self.spec.schedule.as_ref();
        let at = (lowest.max(1)..=t)
            .filter(|&r| self.close(schedule.lr(t - r), logged, precision))
            .take(RESTARTS_KEPT)
            .map(|r| (r, Misses::default()))
            .collect();
        self.restart = Some(Restart {
            first_difference: t,
            at,
        });
    }

    /// Checks one logged point against every hypothesis still in.
    pub fn check(&mut self, t: u64, logged: f64, expected: f64, precision: Precision) {
        let tolerance = self.tolerance;
        let close = |e: f64| {
            tolerance.agrees(e, logged, precision) || (e - logged).abs() <= ROUNDING * e.abs()
        };
        for candidate in &mut self.candidates {
            if candidate.misses.out {
                continue;
            }
            let curve = match candidate.what {
                What::Offset(k) => t.checked_add_signed(k).map(|s| candidate.schedule.lr(s)),
                _ => Some(candidate.schedule.lr(t)),
            };
            match curve {
                Some(e) if tolerance.agrees(e, logged, precision) => {}
                Some(e) if close(e) => candidate.rounded = true,
                _ => candidate.misses.miss(t),
            }
        }
        let schedule = self.spec.schedule.as_ref();
        if let Some(restart) = &mut self.restart {
            for (r, misses) in &mut restart.at {
                let curve = if t < *r {
                    expected
                } else {
                    schedule.lr(t - *r)
                };
                if !misses.out && !close(curve) {
                    misses.miss(t);
                }
            }
        }
        match &mut self.ratio {
            None if expected > 0.0 && logged > 0.0 => {
                self.ratio = Some(Ratio {
                    ratio: logged / expected,
                    since: t,
                    misses: std::mem::take(&mut self.ratio_misses),
                });
            }
            None => {
                if logged != expected {
                    self.ratio_misses.miss(t);
                }
            }
            Some(ratio) => {
                let scaled = ratio.ratio * expected;
                // The ratio itself carries the source's error once more.
                let slack = match precision {
                    Precision::Exact => ROUNDING,
                    Precision::Float32 => f64::powi(2.0, -22),
                    Precision::HalfUnit(half) => 2.0 * half / logged.max(f64::MIN_POSITIVE),
                };
                let slack = tolerance.rtol.map_or(slack, |r| 2.0 * r).max(ROUNDING);
                if (scaled - logged).abs() > slack * scaled.abs() {
                    ratio.misses.miss(t);
                }
            }
        }
    }

    /// The log went back to `step`: what was checked from there on is replaced.
    pub fn restart_log(&mut self, step: u64) {
        for candidate in &mut self.candidates {
            candidate.misses.cut(step);
        }
        if self
            .restart
            .as_ref()
            .is_some_and(|r| r.first_difference >= step)
        {
            self.restart = None;
        }
        if let Some(restart) = &mut self.restart {
            for (_, misses) in &mut restart.at {
                misses.cut(step);
            }
        }
        self.ratio_misses.cut(step);
        if self.ratio.as_ref().is_some_and(|r| r.since >= step) {
            let ratio = self.ratio.take().expect("a ratio");
            self.ratio_misses = ratio.misses;
        }
        if let Some(ratio) = &mut self.ratio {
            ratio.misses.cut(step);
        }
    }

    /// The causes that fit every point, and what was tried (for when none does).
    pub fn conclude(self) -> (Vec<Diagnosis>, Vec<String>) {
        let p = self.spec.params();
        let mut found = Vec::new();
        if let Some(restart) = &self.restart {
            let fitting: Vec<u64> = restart
                .at
                .iter()
                .filter(|(_, m)| m.fits())
                .map(|(r, _)| *r)
                .collect();
            if let (Some(first), Some(last)) = (fitting.first(), fitting.last()) {
                let at = if first == last {
                    format!("at iteration {first}")
                } else {
                    format!("between iterations {first} and {last} (the log cannot tell where)")
                };
                found.push(Diagnosis {
                    cause: "scheduler-restarted",
                    text: format!(
                        "the scheduler restarted {at}: warmup again from there and every decay \
                         {first} iterations late — a resume that loaded the weights but not the \
                         scheduler's state"
                    ),
                });
            }
        }
        let dialect = |c: &Candidate| matches!(c.what, What::Dialect(_)) && c.misses.fits();
        // A dialect that reproduces the log exactly leaves out those that do to rounding only.
        let exact_dialect = self.candidates.iter().any(|c| dialect(c) && !c.rounded);
        for candidate in self.candidates.iter().filter(|c| c.misses.fits()) {
            if exact_dialect && candidate.rounded && dialect(candidate) {
                continue;
            }
            let text = match candidate.what {
                What::Dialect(dialect) => {
                    let why: Vec<String> = departures(dialect, candidate.schedule.as_ref())
                        .into_iter()
                        .map(|d| d.text)
                        .collect();
                    let why = if why.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", why.join("; "))
                    };
                    format!(
                        "this log matches {} ({}){why}",
                        dialect.name(),
                        dialect.construction()
                    )
                }
                What::IterationsAsEpochs(per) => format!(
                    "decays land {per}× late, {}: the milestones are in iterations but the \
                     scheduler steps once per epoch (iters_per_epoch = {per})",
                    moved(candidate.schedule.params(), p)
                ),
                What::EpochsAsIterations(per) => format!(
                    "decays land {per}× early, {}: milestones in epochs were given to a \
                     scheduler that steps every iteration (multiply them by iters_per_epoch = \
                     {per})",
                    moved(candidate.schedule.params(), p)
                ),
                What::Shift(_) if exact_dialect => continue,
                What::Shift(k) => {
                    let by = match k.unsigned_abs() {
                        1 => "1 iteration".to_string(),
                        w => format!("W = {w} iterations"),
                    };
                    let late = if k > 0 { "late" } else { "early" };
                    let why = if k.unsigned_abs() == 1 {
                        "an off-by-one in when the scheduler steps"
                    } else if k > 0 {
                        "the milestones are counted from the end of warmup"
                    } else {
                        "the milestones were shortened by the warmup"
                    };
                    format!(
                        "decays land {by} {late}, {}: {why}",
                        moved(candidate.schedule.params(), p)
                    )
                }
                What::Offset(k) => format!(
                    "the log is one step {}: its step t holds lr(t {} 1) (check the log's step \
                     convention, --step-base)",
                    if k > 0 { "ahead" } else { "behind" },
                    if k > 0 { "+" } else { "−" }
                ),
            };
            let cause = match candidate.what {
                What::Dialect(_) => "other-dialect",
                What::IterationsAsEpochs(_) => "milestones-in-iterations-stepped-per-epoch",
                What::EpochsAsIterations(_) => "milestones-in-epochs-stepped-per-iteration",
                What::Shift(_) => "decays-shifted",
                What::Offset(_) => "steps-off-by-one",
            };
            found.push(Diagnosis { cause, text });
        }
        if let Some(ratio) = &self.ratio
            && ratio.misses.fits()
            && self.ratio_misses.fits()
            && (ratio.ratio - 1.0).abs() > 1e-6
        {
            found.push(Diagnosis {
                cause: "constant-ratio",
                text: format!(
                    "every logged lr is {} × the expected one: a scaling of the lr (linear \
                     scaling with the batch size, a changed base_lr) applied twice or not at \
                     all; the run's base_lr is {}",
                    number(ratio.ratio),
                    number(p.base_lr * ratio.ratio)
                ),
            });
        }
        let mut tried = vec!["a restart of the scheduler".to_string()];
        match self.spec.iters_per_epoch {
            Some(per) if per > 1 => tried.push(format!(
                "milestones read as epochs or as iterations (iters_per_epoch = {per})"
            )),
            _ => tried.push(
                "epochs read as iterations needs iters_per_epoch (--iters-per-epoch N)".into(),
            ),
        }
        tried.push(format!(
            "the {} other dialects",
            Dialect::ALL.len().saturating_sub(1)
        ));
        tried.push("decays shifted by ±1 and ±W".into());
        tried.push("the log one step off".into());
        tried.push("a constant ratio".into());
        (found, tried)
    }
}

/// `p` with every milestone (or the step size) mapped by `f`; `None` when one cannot be.
fn scaled(p: &Params, f: impl Fn(u64) -> Option<u64>) -> Option<Params> {
    let decay = match &p.decay {
        Decay::Milestones(list) => {
            Decay::Milestones(list.iter().map(|&m| f(m)).collect::<Option<Vec<u64>>>()?)
        }
        Decay::StepSize(n) => Decay::StepSize(f(*n).filter(|&n| n > 0)?),
    };
    Some(Params { decay, ..p.clone() })
}

/// `at 30 and 60 instead of at 37500 and 75000`, or `every 5 iterations instead of every 250`.
fn moved(got: &Params, want: &Params) -> String {
    let points = |p: &Params| match &p.decay {
        Decay::Milestones(list) => format!("at {}", in_words(list, true)),
        Decay::StepSize(n) => format!("every {n} iterations"),
    };
    format!("{} instead of {}", points(got), points(want))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_and_step_sizes_are_mapped_whole() {
        let p = Params::default();
        let late = scaled(&p, |m| m.checked_mul(10)).unwrap();
        assert_eq!(late.decay, Decay::Milestones(vec![500, 1000]));
        assert!(scaled(&p, |m| (m % 3 == 0).then_some(m / 3)).is_none());
        assert_eq!(moved(&late, &p), "at 500 and 1000 instead of at 50 and 100");
        let step = Params {
            decay: Decay::StepSize(5),
            ..p
        };
        let every = scaled(&step, |m| m.checked_mul(50)).unwrap();
        assert_eq!(
            moved(&every, &step),
            "every 250 iterations instead of every 5 iterations"
        );
        assert!(scaled(&step, |_| Some(0)).is_none());
    }

    #[test]
    fn misses_are_cut_back_by_a_restart_until_too_many() {
        let mut misses = Misses::default();
        misses.miss(10);
        misses.miss(30);
        misses.cut(20);
        assert_eq!(misses.steps, [10]);
        misses.cut(5);
        assert!(misses.fits());
        for t in 0..=MISSES_KEPT as u64 {
            misses.miss(t);
        }
        misses.cut(0);
        assert!(!misses.fits(), "out for good");
    }
}
