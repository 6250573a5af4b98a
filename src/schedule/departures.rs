//! Where a dialect's curve departs from the intended schedule (SPEC section 1, maskrcnn's
//! formula on the same parameters), in words, for `explain` and `check`.
//!
//! Every number in a note is read off the two curves; the dialect only supplies the why.

use super::message::{list, list_around, number};
use super::milestones::Milestones;
use super::mmengine::MMENGINE_INF;
use super::{Decay, Dialect, Params, Schedule, WarmupMethod, WarmupMultiStep};

/// One way the dialect's curve differs from the intended one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departure {
    pub note: String,
    /// A departure users rarely mean: `check` warns about it.
    pub surprising: bool,
}

/// How many decay points and constant phases are compared: enough for any real schedule, and
/// bounded for a `step_size` of 1 over 10^8 iterations.
const COMPARED: usize = 10_000;
/// Warmups up to this length are compared row by row; longer ones at `SAMPLES` points.
const FULL_WARMUP: u64 = 200_000;
const SAMPLES: u64 = 1_000;

/// How `dialect`'s `schedule` departs from maskrcnn's on the same parameters.
pub fn departures(dialect: Dialect, schedule: &dyn Schedule) -> Vec<Departure> {
    if dialect == Dialect::Maskrcnn {
        return Vec::new();
    }
    let p = schedule.params();
    let intended = intended(p);
    let mut out = Vec::new();

    let warmup_end = first_after_warmup(schedule);
    let intended_warmup_end = p.warmup_iters.min(p.iters);
    let warmup_moved = warmup_end != intended_warmup_end;
    if warmup_moved && p.warmup_iters > 0 {
        out.push(Departure {
            note: format!(
                "warmup ends at {warmup_end}, not {intended_warmup_end}: {}",
                warmup_end_reason(dialect, p)
            ),
            surprising: false,
        });
    }

    let got = decay_points(schedule);
    let want = decay_points(&intended);
    if got != want {
        let far = got.len() != want.len() || got.iter().zip(&want).any(|(a, b)| a.abs_diff(*b) > 1);
        let note = match (got.is_empty(), want.is_empty()) {
            (true, _) => format!(
                "never decays before iters, instead of at {}",
                listing(&want)
            ),
            (false, true) => format!("decays at {}, where none was intended", listing(&got)),
            _ => format!("decays at {} instead of {}", listing(&got), listing(&want)),
        };
        out.push(Departure {
            note: format!("{note}: {}", shift_reason(dialect, p)),
            surprising: far,
        });
    }

    if !warmup_moved && let Some(note) = warmup_values(dialect, schedule, &intended, warmup_end) {
        out.push(note);
    }
    if let Some(note) = levels(dialect, schedule) {
        out.push(note);
    }
    out.extend(structural(dialect, p));
    out
}

/// maskrcnn's formula on the same parameters, milestones sorted (maskrcnn refuses them otherwise).
fn intended(p: &Params) -> WarmupMultiStep {
    let mut params = p.clone();
    if let Decay::Milestones(list) = &mut params.decay {
        list.sort_unstable();
    }
    WarmupMultiStep::new(params)
}

fn first_after_warmup(schedule: &dyn Schedule) -> u64 {
    schedule.warmup_end().min(schedule.params().iters)
}

/// The iterations at which the decay count rises, from one segment to the next.
fn decay_points(schedule: &dyn Schedule) -> Vec<u64> {
    let mut points = Vec::new();
    let mut previous = None;
    for segment in schedule.segments() {
        if previous.is_some_and(|decays| segment.phase.decays > decays) {
            points.push(segment.start);
            if points.len() == COMPARED {
                break;
            }
        }
        previous = Some(segment.phase.decays);
    }
    points
}

/// "60 and 110", "60, 110 and 160", "60, 110, 160, … (12 in all)".
fn listing(points: &[u64]) -> String {
    let text: Vec<String> = points.iter().take(3).map(u64::to_string).collect();
    match points.len() {
        0 => "no iteration".into(),
        1 => text[0].clone(),
        2 | 3 => format!(
            "{} and {}",
            text[..text.len() - 1].join(", "),
            text[text.len() - 1]
        ),
        n if n >= COMPARED => format!("{}, …", text.join(", ")),
        n => format!("{}, … ({n} in all)", text.join(", ")),
    }
}

fn warmup_end_reason(dialect: Dialect, p: &Params) -> String {
    match dialect {
        Dialect::Mmengine => format!(
            "LinearLR(begin=0, end={w}) steps while step < end and sets total_iters = end - \
             begin - 1, so the full lr comes at {}",
            p.warmup_iters - 1,
            w = p.warmup_iters
        ),
        Dialect::Detectron2 => epsilon_reason(p),
        _ => format!("{}'s warmup", dialect.framework()),
    }
}

fn epsilon_reason(p: &Params) -> String {
    format!(
        "fvcore compares where = t / iters with a 1e-6 epsilon, {} iterations at iters = {}",
        number(1e-6 * p.iters as f64),
        p.iters
    )
}

fn shift_reason(dialect: Dialect, p: &Params) -> String {
    let w = p.warmup_iters;
    let milestones = Milestones::of(p);
    let inside_warmup = milestones.count_lt(w.min(p.iters)) > 0;
    let mut reasons: Vec<String> = Vec::new();
    match dialect {
        Dialect::TorchSequential => reasons.push(format!(
            "SequentialLR restarts MultiStepLR's count at the switch (W = {w})"
        )),
        Dialect::Timm => {
            if w > 0 {
                reasons.push(format!(
                    "warmup_prefix shifts decay_t by W = {w} and bisect_right(decay_t, t + 1) \
                     applies each one a step early"
                ));
            } else {
                reasons.push("bisect_right(decay_t, t + 1) applies each one a step early".into());
            }
            if unsorted(&milestones) {
                reasons.push("an unsorted decay_t is bisected as given".into());
            }
        }
        Dialect::Mxnet => {
            reasons.push("MultiFactorScheduler decays once num_update > step, a step late".into());
            if inside_warmup {
                reasons.push(format!(
                    "milestones inside the warmup wait for its end at {w}"
                ));
            }
        }
        Dialect::Detectron2 => {
            if inside_warmup {
                reasons.push(
                    "a milestone inside the warmup only changes the value the warmup ramps to"
                        .into(),
                );
            }
            if dropped_by_detectron2(p) {
                reasons.push("milestones past iters are dropped".into());
            }
            if 1e-6 * p.iters as f64 >= 0.5 {
                reasons.push(epsilon_reason(p));
            }
        }
        Dialect::Mmengine => reasons.push(format!(
            "MultiStepLR stops stepping at its default end = INF = {MMENGINE_INF}"
        )),
        Dialect::TorchChained | Dialect::Maskrcnn => {}
    }
    if reasons.is_empty() {
        reasons.push(format!("{}'s step counting", dialect.framework()));
    }
    reasons.join("; ")
}

fn unsorted(milestones: &Milestones) -> bool {
    milestones
        .given()
        .is_some_and(|list| first_unsorted(list).is_some())
}

/// The index of the first milestone below the one before it.
fn first_unsorted(list: &[u64]) -> Option<usize> {
    (1..list.len()).find(|&i| list[i - 1] > list[i])
}

fn dropped_by_detectron2(p: &Params) -> bool {
    matches!(&p.decay, Decay::Milestones(list) if list.iter().any(|&m| m > p.iters))
}

/// The warmup rows, compared with the intended ones.
fn warmup_values(
    dialect: Dialect,
    schedule: &dyn Schedule,
    intended: &WarmupMultiStep,
    warmup_end: u64,
) -> Option<Departure> {
    let p = schedule.params();
    if warmup_end == 0 {
        return None;
    }
    let rows: Vec<u64> = if warmup_end <= FULL_WARMUP {
        (0..warmup_end).collect()
    } else {
        (0..SAMPLES).map(|k| k * warmup_end / SAMPLES).collect()
    };
    let actual: Vec<f64> = if warmup_end <= FULL_WARMUP {
        schedule.values(0, warmup_end).collect()
    } else {
        rows.iter().map(|&t| schedule.lr(t)).collect()
    };
    let mut differing = 0;
    let mut worst = 0.0f64;
    for (&t, &got) in rows.iter().zip(&actual) {
        let want = intended.lr(t);
        if got.to_bits() != want.to_bits() {
            differing += 1;
            worst = worst.max(((got - want) / want).abs());
        }
    }
    if differing == 0 {
        return None;
    }
    let sampled = if warmup_end <= FULL_WARMUP {
        ""
    } else {
        " sampled"
    };
    let rounding = worst < 1e-9;
    let (note, surprising) = if rounding {
        (
            format!(
                "{differing} of {}{sampled} warmup values differ in the last bits: {}",
                rows.len(),
                warmup_arithmetic(dialect)
            ),
            false,
        )
    } else {
        warmup_shape(dialect, p, schedule, warmup_end)
    };
    Some(Departure { note, surprising })
}

fn warmup_arithmetic(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::TorchChained | Dialect::TorchSequential | Dialect::Mmengine => {
            "LinearLR multiplies the lr in place at each step, so rounding accumulates"
        }
        Dialect::Detectron2 => "fvcore interpolates end × where + start × (1 - where)",
        Dialect::Mxnet => "MXNet computes begin + (final - begin) × i / W",
        Dialect::Timm => "timm computes warmup_lr_init + t × (base_lr - warmup_lr_init) / W",
        Dialect::Maskrcnn => "",
    }
}

/// A warmup whose values differ by more than rounding: why, and whether users mean it.
fn warmup_shape(
    dialect: Dialect,
    p: &Params,
    schedule: &dyn Schedule,
    warmup_end: u64,
) -> (String, bool) {
    match dialect {
        Dialect::Timm if p.warmup_method != WarmupMethod::Linear => (
            format!(
                "timm has no {} warmup: MultiStepLRScheduler always ramps linearly from \
                 warmup_lr_init = {} to base_lr",
                p.warmup_method.name(),
                number(p.base_lr * p.warmup_factor)
            ),
            true,
        ),
        Dialect::Detectron2 => (
            format!(
                "the warmup ramps towards {}, the lr scheduled at its end, instead of decaying \
                 inside it (WarmupParamScheduler interpolates towards scheduler(W / iters))",
                number(schedule.lr(warmup_end))
            ),
            false,
        ),
        _ if Milestones::of(p).count_lt(warmup_end) > 0 => (
            format!(
                "milestones inside the warmup do not decay it: {} ramps to base_lr and decays \
                 only after it",
                dialect.framework()
            ),
            false,
        ),
        _ => (
            format!("{}'s warmup arithmetic", dialect.framework()),
            false,
        ),
    }
}

/// The constant lr levels after warmup, compared with base_lr × gamma^k.
fn levels(dialect: Dialect, schedule: &dyn Schedule) -> Option<Departure> {
    let p = schedule.params();
    let mut compared = 0;
    let mut first_off: Option<(u64, u64, f64, f64)> = None;
    let mut off = 0;
    let mut first_level = true;
    let mut base_off = false;
    for segment in schedule.segments().filter(|s| !s.phase.warmup) {
        let Some(got) = segment.constant_lr else {
            continue;
        };
        let want = p.base_lr * p.gamma.powf(segment.phase.decays as f64);
        if got.to_bits() != want.to_bits() {
            off += 1;
            first_off.get_or_insert((segment.start, segment.phase.decays, got, want));
            if first_level && segment.phase.decays == 0 {
                base_off = true;
            }
        }
        first_level = false;
        compared += 1;
        if compared == COMPARED {
            break;
        }
    }
    let (start, decays, got, want) = first_off?;
    let w = p.warmup_iters;
    let far = ((got - want) / want).abs() >= 1e-9;
    let reason = match dialect {
        Dialect::TorchChained if w == 0 && far => {
            "LinearLR(total_iters=0) multiplies by start_factor at construction and never undoes it"
                .to_string()
        }
        Dialect::Mmengine if w == 1 && far => {
            "a warmup scheduler with end = 1 steps only at construction: its start factor is \
             never undone"
                .to_string()
        }
        Dialect::Mxnet => {
            "MultiFactorScheduler multiplies base_lr by factor in place at each milestone".into()
        }
        Dialect::TorchChained | Dialect::Mmengine | Dialect::TorchSequential => {
            "the schedulers multiply the lr in place, so rounding accumulates".into()
        }
        _ => format!("{}'s arithmetic", dialect.framework()),
    };
    let at = if base_off && decays == 0 {
        "after warmup".to_string()
    } else {
        format!("from iteration {start}")
    };
    let others = if off > 1 {
        format!(" ({off} of {compared} constant phases are off)")
    } else {
        String::new()
    };
    Some(Departure {
        note: format!(
            "{at} the lr is {}, not {} = base_lr × gamma^{decays}{others}: {reason}",
            number(got),
            number(want)
        ),
        surprising: base_off || far,
    })
}

/// Departures that come from how the parameters are handed to the framework.
fn structural(dialect: Dialect, p: &Params) -> Vec<Departure> {
    let mut out = Vec::new();
    let Decay::Milestones(given) = &p.decay else {
        return out;
    };
    let as_given = || list_around(given, first_unsorted(given).unwrap_or(0));
    let note = |note: String, surprising| Departure { note, surprising };
    match dialect {
        Dialect::Detectron2 if dropped_by_detectron2(p) => {
            let dropped: Vec<u64> = given.iter().copied().filter(|&m| m > p.iters).collect();
            out.push(note(
                format!(
                    "milestones {} are past iters {}: build_lr_scheduler silently drops \
                     them (it keeps m <= max_iter)",
                    list(&dropped),
                    p.iters
                ),
                true,
            ));
        }
        Dialect::Mmengine if given.iter().any(|&m| m >= MMENGINE_INF) => {
            let never: Vec<u64> = given
                .iter()
                .copied()
                .filter(|&m| m >= MMENGINE_INF)
                .collect();
            out.push(note(
                format!(
                    "milestones {} never fire: MultiStepLR steps only below its default \
                     end = INF = {MMENGINE_INF}",
                    list(&never)
                ),
                true,
            ));
        }
        Dialect::Timm if unsorted(&Milestones::of(p)) => out.push(note(
            format!(
                "decay_t {} is not sorted: timm bisects it as given (its code assumes sorted)",
                as_given()
            ),
            true,
        )),
        Dialect::TorchChained | Dialect::TorchSequential | Dialect::Mmengine
            if unsorted(&Milestones::of(p)) =>
        {
            out.push(note(
                format!(
                    "milestones {} are taken in any order (MultiStepLR counts them in a \
                     Counter); maskrcnn would refuse them",
                    as_given()
                ),
                false,
            ))
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::build;

    fn notes(dialect: Dialect, params: Params) -> Vec<(String, bool)> {
        let schedule = build(dialect, params).unwrap();
        departures(dialect, schedule.as_ref())
            .into_iter()
            .map(|d| (d.note, d.surprising))
            .collect()
    }

    #[test]
    fn maskrcnn_departs_from_nothing() {
        assert!(notes(Dialect::Maskrcnn, Params::default()).is_empty());
    }

    #[test]
    fn reference_example_notes() {
        let sequential = notes(Dialect::TorchSequential, Params::default());
        assert_eq!(
            sequential[0],
            (
                "decays at 60 and 110 instead of 50 and 100: SequentialLR restarts MultiStepLR's \
                 count at the switch (W = 10)"
                    .to_string(),
                true
            )
        );
        assert_eq!(
            sequential[2],
            (
                "from iteration 110 the lr is 0.0001, not 0.00010000000000000002 = base_lr × \
                 gamma^2: the schedulers multiply the lr in place, so rounding accumulates"
                    .to_string(),
                false
            )
        );
        let timm = notes(Dialect::Timm, Params::default());
        assert_eq!(
            timm[0].0,
            "decays at 59 and 109 instead of 50 and 100: warmup_prefix shifts decay_t by W = 10 \
             and bisect_right(decay_t, t + 1) applies each one a step early"
        );
        assert!(timm[0].1);
        let mxnet = notes(Dialect::Mxnet, Params::default());
        assert_eq!(
            mxnet[0],
            (
                "decays at 51 and 101 instead of 50 and 100: MultiFactorScheduler decays once \
                 num_update > step, a step late"
                    .to_string(),
                false
            )
        );
        let chained = notes(Dialect::TorchChained, Params::default());
        assert!(
            chained.iter().any(|(note, surprising)| *surprising
                && note.starts_with("after warmup the lr is 0.010000000000000004, not 0.01")),
            "{chained:?}"
        );
        let mmengine = notes(Dialect::Mmengine, Params::default());
        assert!(mmengine[0].0.starts_with("warmup ends at 9, not 10"));
    }

    #[test]
    fn detectron2_notes() {
        let overlap = notes(
            Dialect::Detectron2,
            Params {
                warmup_iters: 60,
                ..Params::default()
            },
        );
        assert!(
            overlap
                .iter()
                .any(|(note, _)| note.contains("ramps towards 0.001")),
            "{overlap:?}"
        );
        let dropped = notes(
            Dialect::Detectron2,
            Params {
                iters: 90,
                ..Params::default()
            },
        );
        assert!(
            dropped.iter().any(|(note, surprising)| *surprising
                && note.starts_with("milestones [100] are past iters 90")),
            "{dropped:?}"
        );
    }

    #[test]
    fn listings() {
        assert_eq!(listing(&[5]), "5");
        assert_eq!(listing(&[5, 6, 7]), "5, 6 and 7");
        assert_eq!(listing(&[5, 6, 7, 8]), "5, 6, 7, … (4 in all)");
    }
}
