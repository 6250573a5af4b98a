//! A warmup + multi-step schedule recovered from a logged curve (docs/verify.md#fit).
//!
//! The levels are the logged values themselves: base_lr is the peak, each decay a later,
//! lower constant stretch, the warmup what comes before the peak. A parameter the log shows
//! only to a range (a decay between two logged points) takes the roundest iteration in the
//! range; a number derived from the log (warmup_factor, gamma) takes the shortest decimal with
//! which some dialect reproduces every logged point, else the levels are given as `values`.
//! The dialects listed are those whose own formula, evaluated at every logged iteration,
//! agrees with the log to its precision: what `verify` then accepts.

use super::Tolerance;
use super::curve::{Curve, RUNS_KEPT, Run};
use super::fit_numbers::{decimals, range_note, roundest, shortest};
use crate::schedule::{self, Decay, Dialect, Params, Stepping, WarmupMethod};

/// What the log was found to be.
pub enum Fit {
    Schedule(Fitted),
    /// Not a warmup + multi-step curve: why, and what the log does instead.
    Unfit {
        reason: String,
        phases: Vec<Phase>,
    },
}

/// A schedule that reproduces the log.
#[derive(Debug)]
pub struct Fitted {
    pub params: Params,
    /// The dialects that reproduce every logged point, in registry order.
    pub dialects: Vec<Dialect>,
    /// What the log shows only to a range, and the value taken, in words.
    pub notes: Vec<String>,
}

/// A stretch of the log: one lr held, or a ramp of values each logged once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Phase {
    pub first: u64,
    pub last: u64,
    pub points: u64,
    /// The first and last lr: equal for a constant phase.
    pub from: f64,
    pub to: f64,
    pub constant: bool,
}

/// Adjacent runs with the same lr: one level of the curve.
#[derive(Clone, Copy, Debug)]
struct Level<'a> {
    first: u64,
    last: u64,
    points: u64,
    lr: f64,
    /// Its first run.
    run: &'a Run,
}

/// Whether a schedule agrees with logged values, to the log's precision.
#[derive(Clone, Copy)]
struct Check<'a> {
    runs: &'a [Run],
    tolerance: Tolerance,
}

impl Check<'_> {
    fn agrees(&self, expected: f64, logged: &Run) -> bool {
        self.tolerance.agrees(expected, logged.lr, logged.precision)
    }

    /// The dialects of `among` whose schedule for `params` agrees with the runs `runs`: at
    /// every point, or (`ends`) at each run's first and last, enough while searching since
    /// each run holds one lr and a step schedule is monotone between its changes.
    fn dialects(
        &self,
        params: &Params,
        among: &[Dialect],
        runs: &[Run],
        ends: bool,
    ) -> Vec<Dialect> {
        among
            .iter()
            .copied()
            .filter(|&dialect| {
                let Ok(schedule) = schedule::build(dialect, params.clone()) else {
                    return false;
                };
                runs.iter().all(|run| {
                    let agree = |t: u64| self.agrees(schedule.lr(t), run);
                    if ends {
                        agree(run.first) && agree(run.last())
                    } else {
                        run.iterations().all(agree)
                    }
                })
            })
            .collect()
    }
}

/// Fits a warmup + multi-step schedule to `curve`, whose points were logged to its precision
/// (or `tolerance.rtol`). The caller makes sure it has points.
pub fn fit(curve: &Curve, tolerance: Tolerance) -> Fit {
    let levels = levels(&curve.runs);
    let unfit = |reason: String| Fit::Unfit {
        reason,
        phases: phases(&levels),
    };
    if curve.dropped > 0 {
        return unfit(format!(
            "the lr changes at more than {RUNS_KEPT} logged points: a continuous curve, not \
             steps (the phases below stop there)"
        ));
    }
    let check = Check {
        runs: &curve.runs,
        tolerance,
    };
    let peak_lr = levels.iter().map(|l| l.lr).fold(0.0, f64::max);
    let peak = levels.iter().position(|l| l.lr == peak_lr).unwrap_or(0);
    let (ramp, steps) = levels.split_at(peak);
    if let Some(pair) = steps.windows(2).find(|p| p[1].lr > p[0].lr) {
        return unfit(format!(
            "past its peak {peak_lr} at iteration {}, the lr falls to {} at {} and rises again \
             at {}: a restart of the schedule, or a cyclic one",
            steps[0].first, pair[0].lr, pair[0].first, pair[1].first
        ));
    }
    if let Some(level) = steps[..steps.len().saturating_sub(1)]
        .iter()
        .find(|l| l.points < 2)
    {
        return unfit(format!(
            "from iteration {} the lr changes at every logged point: a continuous decay \
             (cosine, exponential, polynomial), not steps",
            level.first
        ));
    }
    if let Some(pair) = ramp.windows(2).find(|p| p[1].lr <= p[0].lr) {
        return unfit(format!(
            "the lr falls at iteration {} before its peak {peak_lr} at {}: a decay inside the \
             warmup, which fit does not model",
            pair[1].first, steps[0].first
        ));
    }
    let last = curve.runs.last().map_or(0, Run::last);
    // The warmup: the runs before the peak and the first at it.
    let ramp_runs = &curve.runs[..runs_before(&curve.runs, steps[0].first) + 1];
    let mut failure = String::new();
    // The peak may be base_lr itself or, when the framework multiplies in place, base_lr
    // rounded on the way: the shortest decimal some dialect reproduces it from.
    for base in decimals(peak_lr) {
        let mut params = Params {
            base_lr: base,
            decay: Decay::Milestones(Vec::new()),
            gamma: 0.1,
            warmup_iters: 0,
            warmup_factor: 1.0,
            warmup_method: WarmupMethod::Linear,
            iters: last + 1,
            values: None,
            warmup_lr: None,
            factors: None,
            stepping: Stepping::Iter,
            fractional_step: None,
        };
        // Decays where the log shows them while the warmup is fitted (some frameworks need
        // one): only the runs up to the peak are checked then.
        params.decay = Decay::Milestones(
            steps
                .windows(2)
                .map(|pair| roundest(pair[0].last + 1, pair[1].first))
                .collect(),
        );
        if let [first, second, ..] = steps {
            params.gamma = second.lr / first.lr;
        }
        let (dialects, note) = match warmup(&mut params, ramp, steps[0].first, &check, ramp_runs) {
            Ok(found) => found,
            Err(reason) => {
                failure = reason;
                continue;
            }
        };
        let mut notes: Vec<String> = note.into_iter().collect();
        if !decays(&mut params, steps, &check, &dialects, &mut notes) {
            failure = format!(
                "no dialect that reproduces the warmup reproduces the levels {} from \
                 iteration {}",
                steps
                    .iter()
                    .map(|l| l.lr.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                steps[0].first
            );
            continue;
        }
        let dialects = check.dialects(&params, Dialect::ALL, check.runs, false);
        if dialects.is_empty() {
            continue;
        }
        if curve.runs[0].first > 0 && ramp.is_empty() {
            notes.push(format!(
                "no warmup seen: the first logged point, iteration {}, is at base_lr already \
                 (a warmup ending by then would not show)",
                curve.runs[0].first
            ));
        }
        notes.push(format!(
            "iters: {}, one past the last logged iteration",
            params.iters
        ));
        return Fit::Schedule(Fitted {
            params,
            dialects,
            notes,
        });
    }
    unfit(failure)
}

/// The index of the run that starts at `first`.
fn runs_before(runs: &[Run], first: u64) -> usize {
    runs.iter().position(|r| r.first == first).unwrap_or(0)
}

/// Fits the warmup to the levels before the peak (`ramp`, each one lr), with the peak first
/// logged at `peak_at`: the dialects that reproduce it, and what is only known to a range.
fn warmup(
    params: &mut Params,
    ramp: &[Level],
    peak_at: u64,
    check: &Check,
    runs: &[Run],
) -> Result<(Vec<Dialect>, Option<String>), String> {
    let base = params.base_lr;
    let among = Dialect::ALL;
    match ramp {
        [] => Ok((check.dialects(params, among, runs, true), None)),
        [held] if held.points >= 2 || held.first > 0 => {
            // One lr held before the peak: a constant warmup, over a length known to a range.
            let (from, to) = (held.last + 1, peak_at);
            params.warmup_method = WarmupMethod::Constant;
            params.warmup_iters = roundest(from, to);
            let f_est = held.lr / base;
            for f in decimals(f_est) {
                params.warmup_factor = f;
                let found = check.dialects(params, among, runs, true);
                if !found.is_empty() {
                    let mut note = range_note("the warmup ends", from, to, params.warmup_iters);
                    if held.points == 1 {
                        let extra = format!(
                            "; one logged point in the warmup (iteration {}): a constant \
                             warmup fits, so would a linear one from a lower factor",
                            held.first
                        );
                        note = Some(note.unwrap_or_default() + &extra);
                    }
                    return Ok((found, note));
                }
            }
            Err(format!(
                "the lr held at {} before iteration {peak_at} is no warmup factor of {base} \
                 under any dialect",
                held.lr
            ))
        }
        [start] => {
            // One point, at iteration 0: the factor is known, the length only to a range.
            params.warmup_method = WarmupMethod::Linear;
            params.warmup_iters = roundest(1, peak_at);
            for f in decimals(start.lr / base) {
                params.warmup_factor = f;
                let found = check.dialects(params, among, runs, true);
                if !found.is_empty() {
                    let note = range_note("the warmup ends", 1, peak_at, params.warmup_iters)
                        .map(|n| n + "; linear taken: one logged warmup point shows no ramp");
                    return Ok((found, note));
                }
            }
            Err(format!(
                "the lr {} at iteration 0 is no warmup factor of {base} under any dialect",
                start.lr
            ))
        }
        [first, .., last] => {
            let (t1, y1) = (first.first as f64, first.lr);
            let (t2, y2) = (last.first as f64, last.lr);
            for method in [WarmupMethod::Linear, WarmupMethod::Exp] {
                // The line (or, for exp, the line of ln lr) through the first and last points.
                let (f_est, w_est) = match method {
                    WarmupMethod::Linear => {
                        let slope = (y2 - y1) / (t2 - t1);
                        let start = y1 - slope * t1;
                        (start / base, (base - start) / slope)
                    }
                    _ => {
                        let slope = (y2.ln() - y1.ln()) / (t2 - t1);
                        let start = y1.ln() - slope * t1;
                        let f = (start - base.ln()).exp();
                        (f, -f.ln() / slope)
                    }
                };
                if !(f_est.is_finite() && w_est.is_finite() && f_est > 0.0) {
                    continue;
                }
                let around = w_est.round().clamp(0.0, u64::MAX as f64) as u64;
                let lengths: Vec<u64> = [0i64, -1, 1, -2, 2]
                    .iter()
                    .filter_map(|d| around.checked_add_signed(*d))
                    // Some frameworks reach base_lr a step before the end they are given.
                    .filter(|&w| w > last.first && w <= peak_at + 1)
                    .collect();
                params.warmup_method = method;
                for f in decimals(f_est) {
                    params.warmup_factor = f;
                    // Frameworks count the warmup's end differently: the length most
                    // dialects reproduce, the roundest of those.
                    let mut best: Option<(u64, Vec<Dialect>)> = None;
                    for &w in &lengths {
                        params.warmup_iters = w;
                        let found = check.dialects(params, among, runs, true);
                        let better = best.as_ref().is_none_or(|(b, most)| {
                            found.len() > most.len()
                                || (found.len() == most.len() && roundest(w, w.max(*b)) == w)
                        });
                        if !found.is_empty() && better {
                            best = Some((w, found));
                        }
                    }
                    if let Some((w, found)) = best {
                        params.warmup_iters = w;
                        return Ok((found, None));
                    }
                }
            }
            Err(format!(
                "the lr rising from {} at iteration {} to {} at {} is neither a linear nor an \
                 exponential warmup to {base} under any dialect",
                first.lr, first.first, last.lr, last.first
            ))
        }
    }
}

/// Fits the decays to the levels from the peak on: milestones where the level changes,
/// gamma as the ratio of the first two levels, else the levels as `values`. A dialect may
/// place its decays off the milestones (a step late, after the warmup): each such offset is
/// tried. False when no dialect that reproduced the warmup reproduces them.
fn decays(
    params: &mut Params,
    steps: &[Level],
    check: &Check,
    among: &[Dialect],
    notes: &mut Vec<String>,
) -> bool {
    let runs = check.runs;
    let [first, second, ..] = steps else {
        return !check.dialects(params, among, runs, true).is_empty();
    };
    // Where each decay shows: after the last point of a level, by the first of the next.
    let ranges: Vec<(u64, u64)> = steps
        .windows(2)
        .map(|pair| (pair[0].last + 1, pair[1].first))
        .collect();
    let w = i128::from(params.warmup_iters);
    let mut offsets: Vec<i128> = Vec::new();
    for d in [0, 1, -1, w, w - 1, w + 1] {
        if !offsets.contains(&d) {
            offsets.push(d);
        }
    }
    // The milestones a dialect that decays `d` iterations after its milestone needs.
    let shifted = |d: i128| -> Option<Vec<(u64, u64)>> {
        ranges
            .iter()
            .map(|&(from, to)| {
                let from = u64::try_from((i128::from(from) - d).max(0)).ok()?;
                let to = u64::try_from(i128::from(to) - d).ok()?;
                Some((from, to))
            })
            .collect()
    };
    let attempt = |params: &mut Params| {
        for &d in &offsets {
            let Some(ranges) = shifted(d) else { continue };
            params.decay = Decay::Milestones(ranges.iter().map(|&(a, b)| roundest(a, b)).collect());
            if !check.dialects(params, among, runs, true).is_empty() {
                return Some(ranges);
            }
        }
        None
    };
    let mut found = None;
    for gamma in decimals(second.lr / first.lr) {
        params.gamma = gamma;
        found = attempt(params);
        if found.is_some() {
            break;
        }
    }
    if found.is_none() {
        params.gamma = 0.1;
        let mut values: Vec<f64> = steps
            .iter()
            .map(|l| shortest(l.lr, |v| check.agrees(v, l.run)))
            .collect();
        values[0] = params.base_lr;
        params.values = Some(values);
        found = attempt(params);
        notes.push(
            "values: no gamma reproduces every level as base_lr × gamma^k: the levels are \
             given as logged"
                .into(),
        );
    }
    let Some(ranges) = found else {
        return false;
    };
    for (k, (from, to)) in ranges.into_iter().enumerate() {
        notes.extend(range_note(
            &format!("decay {}", k + 1),
            from,
            to,
            roundest(from, to),
        ));
    }
    true
}

fn levels(runs: &[Run]) -> Vec<Level<'_>> {
    let mut levels: Vec<Level> = Vec::new();
    for run in runs {
        match levels.last_mut() {
            Some(level) if level.lr.to_bits() == run.lr.to_bits() => {
                level.last = run.last();
                level.points += run.points;
            }
            _ => levels.push(Level {
                first: run.first,
                last: run.last(),
                points: run.points,
                lr: run.lr,
                run,
            }),
        }
    }
    levels
}

/// The log as constant stretches (a level held at 2 points or more) and ramps between them.
fn phases(levels: &[Level]) -> Vec<Phase> {
    let mut phases: Vec<Phase> = Vec::new();
    for level in levels {
        let phase = Phase {
            first: level.first,
            last: level.last,
            points: level.points,
            from: level.lr,
            to: level.lr,
            constant: level.points >= 2,
        };
        if let Some(ramp) = phases.last_mut().filter(|p| !p.constant && !phase.constant) {
            let rising = ramp.to > ramp.from;
            let continues = ramp.points == 1 || (level.lr > ramp.to) == rising;
            if continues {
                ramp.last = level.last;
                ramp.points += 1;
                ramp.to = level.lr;
                continue;
            }
        }
        phases.push(phase);
    }
    phases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Precision;

    fn curve(points: &[(u64, f64)], precision: Precision) -> Curve {
        let text: String = points
            .iter()
            .map(|(t, lr)| format!("{t},{lr:?}\n"))
            .collect();
        let file = crate::log::tests_support::written("lr.csv", &format!("iteration,lr\n{text}"));
        let mut log = crate::log::open(file.path(), &Default::default()).unwrap();
        let mut curve = super::super::curve::read_curve(log.as_mut()).unwrap();
        curve.precision = precision;
        for run in &mut curve.runs {
            run.precision = precision;
        }
        curve
    }

    fn exact() -> Tolerance {
        Tolerance { rtol: None }
    }

    #[test]
    fn roundest_iterations() {
        assert_eq!(roundest(1200, 1219), 1200);
        assert_eq!(roundest(141, 160), 160);
        assert_eq!(roundest(161, 180), 180);
        assert_eq!(roundest(400, 409), 400);
        assert_eq!(roundest(59981, 60000), 60000);
        assert_eq!(roundest(7, 7), 7);
        assert_eq!(roundest(1, 9), 9);
    }

    #[test]
    fn shortest_decimals_first() {
        assert_eq!(decimals(0.1 + 1e-17)[0], 0.1);
        assert_eq!(shortest(0.019999999552965164, |c| c == 0.02), 0.02);
    }

    #[test]
    fn the_reference_example_every_iteration() {
        let reference = schedule::build(Dialect::ALL[0], Params::default()).unwrap();
        let points: Vec<(u64, f64)> = (0..150).map(|t| (t, reference.lr(t))).collect();
        let Fit::Schedule(fitted) = fit(&curve(&points, Precision::Exact), exact()) else {
            panic!("not fitted");
        };
        assert_eq!(fitted.params, Params::default());
        assert_eq!(fitted.dialects[0].name(), "maskrcnn");
    }

    #[test]
    fn a_cosine_is_not_steps() {
        let points: Vec<(u64, f64)> = (0..100)
            .map(|t| (t * 10, 0.05 * (1.0 + (t as f64 * 0.03).cos())))
            .collect();
        let Fit::Unfit { reason, phases } = fit(&curve(&points, Precision::Exact), exact()) else {
            panic!("fitted a cosine");
        };
        assert!(reason.starts_with("from iteration 0 the lr changes at every logged point"));
        assert_eq!(phases.len(), 1);
        assert_eq!(
            (phases[0].first, phases[0].last, phases[0].points),
            (0, 990, 100)
        );
    }
}
