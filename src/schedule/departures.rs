//! Where a dialect's curve departs from the intended schedule (maskrcnn's formula on the same
//! parameters, docs/guide.md#the-schedule), in words, for `explain` and `check`.
//!
//! The kinds of departure are found here, every number read off the two curves; the dialect
//! only says why, through [`Departs`].

use super::dialect::Framework;
use super::message::{in_words, number};
use super::{Decay, Dialect, Maskrcnn, Params, Schedule};
use std::fmt;

/// How much a departure matters to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// What the framework does: worth knowing, not a mistake.
    Note,
    /// A likely mistake: a curve users rarely mean. `check --strict` fails on it.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
        })
    }
}

/// One way the dialect's curve differs from the intended one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departure {
    pub text: String,
    pub severity: Severity,
}

impl Departure {
    pub(crate) fn note(text: String) -> Self {
        Departure {
            text,
            severity: Severity::Note,
        }
    }

    pub(crate) fn warning(text: String) -> Self {
        Departure {
            text,
            severity: Severity::Warning,
        }
    }
}

/// The float type a framework holds its lr in. Its rounding is the framework's own arithmetic
/// (a note), like in-place rounding; only a difference past it is another curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Precision {
    /// f64, as Python floats.
    Double,
    /// f32: NumPy's `float32`, a TensorFlow or JAX tensor (0.009999999776482582 for 0.01).
    Single,
}

impl Precision {
    /// A relative difference below this is rounding; above it, a different curve.
    pub(crate) fn rounding(self) -> f64 {
        match self {
            Precision::Double => 1e-9,
            // float32 keeps 24 bits (about 6e-8 per rounding): a few roundings stay below.
            Precision::Single => 1e-6,
        }
    }
}

/// Why a framework's curve departs from maskrcnn's, in the framework's terms: one method per
/// kind of departure, none with a default, so a dialect cannot leave one out. Each says what the
/// framework does; [`departures`] decides from the curves whether it shows.
pub(crate) trait Departs: Framework {
    /// Why the warmup ends at the schedule's `warmup_end`, when that is not warmup_iters.
    fn warmup_end_reason(&self, p: &Params) -> String;
    /// Why the decays land where the schedule's segments put them.
    fn decay_reason(&self, p: &Params) -> String;
    /// How the framework computes its warmup values, when they differ in the last bits only.
    fn warmup_arithmetic(&self) -> &'static str;
    /// Why the warmup values (before `warmup_end`) differ by more than rounding: the whole note,
    /// as a note or, when users rarely mean it, a warning.
    fn warmup_shape(&self, schedule: &dyn Schedule, warmup_end: u64) -> Departure;
    /// Why a constant lr after warmup is not base_lr × gamma^k; `far` when it is off by more
    /// than rounding.
    fn level_reason(&self, p: &Params, far: bool) -> String;
    /// Departures in how the parameters are handed to the framework (dropped, ignored, taken
    /// in any order): complete notes, read off the parameters.
    fn structural(&self, p: &Params) -> Vec<Departure>;
    /// The float type its lr is computed in, which sets what counts as rounding.
    fn precision(&self) -> Precision;
}

/// How many decay points and constant phases are compared: enough for any real schedule, and
/// bounded for a `step_size` of 1 over 10^8 iterations.
const COMPARED: usize = 10_000;
/// Warmups up to this length are compared row by row; longer ones at `SAMPLES` points.
const FULL_WARMUP: u64 = 200_000;
const SAMPLES: u64 = 1_000;

/// How `dialect`'s `schedule` departs from maskrcnn's on the same parameters.
pub fn departures(dialect: Dialect, schedule: &dyn Schedule) -> Vec<Departure> {
    let Some(dialect) = dialect.departs() else {
        return Vec::new();
    };
    let p = schedule.params();
    let intended = intended(p);
    let mut out = Vec::new();

    let warmup_end = schedule.warmup_end().min(p.iters);
    let intended_warmup_end = p.warmup_iters.min(p.iters);
    let warmup_moved = warmup_end != intended_warmup_end;
    if warmup_moved && p.warmup_iters > 0 {
        out.push(Departure::note(format!(
            "warmup ends at {warmup_end}, not {intended_warmup_end}: {}",
            dialect.warmup_end_reason(p)
        )));
    }

    let got = decay_points(schedule);
    let want = decay_points(&intended);
    if got != want {
        let far = got.len() != want.len() || got.iter().zip(&want).any(|(a, b)| a.abs_diff(*b) > 1);
        let moved = match (got.is_empty(), want.is_empty()) {
            (true, _) => format!(
                "never decays before iters, instead of at {}",
                listing(&want)
            ),
            (false, true) => format!("decays at {}, where none was intended", listing(&got)),
            _ => format!("decays at {} instead of {}", listing(&got), listing(&want)),
        };
        let text = format!("{moved}: {}", dialect.decay_reason(p));
        out.push(if far {
            Departure::warning(text)
        } else {
            Departure::note(text)
        });
    }

    if !warmup_moved && let Some(note) = warmup_values(dialect, schedule, &intended, warmup_end) {
        out.push(note);
    }
    if let Some(note) = levels(dialect, schedule) {
        out.push(note);
    }
    out.extend(dialect.structural(p));
    out
}

/// maskrcnn's formula on the same parameters, milestones sorted (maskrcnn refuses them otherwise).
fn intended(p: &Params) -> Maskrcnn {
    let mut params = p.clone();
    if let Decay::Milestones(list) = &mut params.decay {
        list.sort_unstable();
    }
    Maskrcnn::new(params)
}

/// The iterations at which the decay count rises, from one segment to the next (at most
/// `COMPARED` of them).
pub(crate) fn decay_points(schedule: &dyn Schedule) -> Vec<u64> {
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

/// Decay points in a sentence; a list cut short at `COMPARED` goes without its count.
pub(crate) fn listing(points: &[u64]) -> String {
    in_words(points, points.len() < COMPARED)
}

/// The warmup rows, compared with the intended ones.
fn warmup_values(
    dialect: &dyn Departs,
    schedule: &dyn Schedule,
    intended: &Maskrcnn,
    warmup_end: u64,
) -> Option<Departure> {
    if warmup_end == 0 {
        return None;
    }
    let full = warmup_end <= FULL_WARMUP;
    let rows: Vec<u64> = if full {
        (0..warmup_end).collect()
    } else {
        // In u128: k × warmup_end passes u64 for a warmup near u64::MAX.
        (0..SAMPLES)
            .map(|k| (u128::from(k) * u128::from(warmup_end) / u128::from(SAMPLES)) as u64)
            .collect()
    };
    let actual: Vec<f64> = if full {
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
    if worst < dialect.precision().rounding() {
        let sampled = if full { "" } else { " sampled" };
        Some(Departure::note(format!(
            "{differing} of {}{sampled} warmup values differ in the last bits: {}",
            rows.len(),
            dialect.warmup_arithmetic()
        )))
    } else {
        Some(dialect.warmup_shape(schedule, warmup_end))
    }
}

/// The constant lr levels after warmup, compared with base_lr × gamma^k.
fn levels(dialect: &dyn Departs, schedule: &dyn Schedule) -> Option<Departure> {
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
        let want = p.level(segment.phase.decays);
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
    let far = ((got - want) / want).abs() >= dialect.precision().rounding();
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
    let intended = match (&p.values, &p.factors) {
        (None, None) => format!("base_lr × gamma^{decays}"),
        _ => p.level_text(decays),
    };
    let text = format!(
        "{at} the lr is {}, not {} = {intended}{others}: {}",
        number(got),
        number(want),
        dialect.level_reason(p, far)
    );
    // Rounding is the framework's arithmetic; an lr off by more is a curve nobody asked for.
    Some(if far {
        Departure::warning(text)
    } else {
        Departure::note(text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::build;

    fn notes_of(name: &str, params: Params) -> Vec<(String, Severity)> {
        let dialect = Dialect::from_name(name).unwrap();
        let schedule = build(dialect, params).unwrap();
        departures(dialect, schedule.as_ref())
            .into_iter()
            .map(|d| (d.text, d.severity))
            .collect()
    }

    #[test]
    fn maskrcnn_departs_from_nothing() {
        assert!(notes_of("maskrcnn", Params::default()).is_empty());
    }

    #[test]
    fn reference_example_notes() {
        let sequential = notes_of("torch-sequential", Params::default());
        assert_eq!(
            sequential[0],
            (
                "decays at 60 and 110 instead of 50 and 100: SequentialLR restarts MultiStepLR's \
                 count at the switch (W = 10)"
                    .to_string(),
                Severity::Warning
            )
        );
        assert_eq!(
            sequential[2],
            (
                "from iteration 110 the lr is 0.0001, not 0.00010000000000000002 = base_lr × \
                 gamma^2: the schedulers multiply the lr in place, so rounding accumulates"
                    .to_string(),
                Severity::Note
            )
        );
        let timm = notes_of("timm", Params::default());
        assert_eq!(
            timm[0],
            (
                "decays at 59 and 109 instead of 50 and 100: warmup_prefix shifts decay_t by W = \
                 10 and bisect_right(decay_t, t + 1) applies each one a step early"
                    .to_string(),
                Severity::Warning
            )
        );
        let mxnet = notes_of("mxnet", Params::default());
        assert_eq!(
            mxnet[0],
            (
                "decays at 51 and 101 instead of 50 and 100: MultiFactorScheduler decays once \
                 num_update > step, a step late"
                    .to_string(),
                Severity::Note
            )
        );
        let mmengine = notes_of("mmengine", Params::default());
        assert!(mmengine[0].0.starts_with("warmup ends at 9, not 10"));
    }

    /// In-place rounding is what the framework does, not a mistake: a note.
    #[test]
    fn rounding_is_a_note_and_a_stuck_lr_a_warning() {
        for name in ["torch-chained", "mmengine"] {
            let notes = notes_of(name, Params::default());
            assert!(
                notes
                    .iter()
                    .all(|(_, severity)| *severity == Severity::Note),
                "{name}: {notes:?}"
            );
        }
        let chained = notes_of("torch-chained", Params::default());
        assert!(
            chained.contains(&(
                "after warmup the lr is 0.010000000000000004, not 0.01 = base_lr × gamma^0 (3 of \
                 3 constant phases are off): the schedulers multiply the lr in place, so rounding \
                 accumulates"
                    .to_string(),
                Severity::Note
            )),
            "{chained:?}"
        );
        let no_warmup = notes_of(
            "torch-chained",
            Params {
                warmup_iters: 0,
                ..Params::default()
            },
        );
        assert_eq!(
            no_warmup,
            vec![(
                "after warmup the lr is 0.001, not 0.01 = base_lr × gamma^0 (3 of 3 constant \
                 phases are off): LinearLR(total_iters=0) multiplies by start_factor at \
                 construction and never undoes it"
                    .to_string(),
                Severity::Warning
            )]
        );
    }

    /// Milestones inside a warmup that outlasts the run: each dialect says what its warmup
    /// really does (mmengine does decay inside it, as its phases show).
    #[test]
    fn warmup_notes_follow_the_curves() {
        let params = Params {
            decay: Decay::Milestones(vec![5, 20]),
            warmup_iters: 100,
            iters: 30,
            ..Params::default()
        };
        let mmengine = notes_of("mmengine", params.clone());
        assert_eq!(
            mmengine,
            vec![(
                "the warmup ramps over 99 steps, not 100: LinearLR(begin=0, end=100) sets \
                 total_iters = end - begin - 1"
                    .to_string(),
                Severity::Note
            )]
        );
        let mmengine_phases: Vec<u64> =
            build(Dialect::from_name("mmengine").unwrap(), params.clone())
                .unwrap()
                .segments()
                .map(|s| s.phase.decays)
                .collect();
        assert_eq!(mmengine_phases, [0, 1, 2]);
        let shape = |name: &str| {
            notes_of(name, params.clone())
                .into_iter()
                .find(|(text, _)| !text.starts_with("never decays"))
                .unwrap()
                .0
        };
        assert_eq!(
            shape("torch-sequential"),
            "milestones inside the warmup do not decay it: SequentialLR steps only the warmup \
             scheduler before its switch to MultiStepLR at W = 100"
        );
        assert_eq!(
            shape("mxnet"),
            "milestones inside the warmup do not decay it: MXNet's warmup is closed form, and \
             the milestones below W = 100 are applied at its end"
        );
        assert_eq!(
            shape("timm"),
            "milestones inside the warmup do not decay it: with warmup_prefix, timm counts \
             decay_t from the end of the warmup"
        );
        assert!(
            shape("detectron2").starts_with("the warmup ramps towards 0.00010000000000000002,"),
            "{}",
            shape("detectron2")
        );
        // torch-chained decays inside the warmup as maskrcnn does, up to rounding.
        let chained = notes_of("torch-chained", params);
        assert_eq!(chained.len(), 1, "{chained:?}");
        assert!(chained[0].0.contains("differ in the last bits"));
    }

    #[test]
    fn detectron2_notes() {
        let overlap = notes_of(
            "detectron2",
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
        let dropped = notes_of(
            "detectron2",
            Params {
                iters: 90,
                ..Params::default()
            },
        );
        assert!(
            dropped
                .iter()
                .any(|(note, severity)| *severity == Severity::Warning
                    && note.starts_with("milestones [100] are past iters 90")),
            "{dropped:?}"
        );
    }
}
