//! Likely mistakes in a valid schedule (things a framework accepts but a user rarely means),
//! and what the dialect's framework does differently from maskrcnn.

use crate::schedule::message::{list, number};
use crate::schedule::{Decay, Departure, Severity, departures};
use crate::schedule::{NamedSchedule, Unit};

/// A likely mistake, phrased for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning(pub String);

/// One line of `check`'s report: a warning, or a note on what the framework does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub text: String,
}

/// Everything `check` reports on `spec`: its parameters' warnings, then its dialect's
/// departures from maskrcnn, each a warning or a note.
pub fn lint(spec: &NamedSchedule) -> Vec<Finding> {
    let warnings = parameter_lints(spec).into_iter().map(|w| Finding {
        severity: Severity::Warning,
        text: w.0,
    });
    let departures = dialect_departures(spec).map(|d| Finding {
        severity: d.severity,
        text: d.text,
    });
    warnings.chain(departures).collect()
}

/// Likely mistakes in the parameters themselves, whatever the dialect.
pub fn parameter_lints(spec: &NamedSchedule) -> Vec<Warning> {
    let p = spec.params();
    let mut warnings = Vec::new();
    let mut warn = |text: String| warnings.push(Warning(text));

    match &p.decay {
        Decay::Milestones(milestones) => {
            let unreached = unreached(spec, milestones);
            if unreached.iter().all(|&m| m >= p.iters) && !unreached.is_empty() {
                warn(format!(
                    "milestones {} are at or past iters {}: never reached",
                    list(&unreached),
                    p.iters
                ));
            } else if !unreached.is_empty() {
                warn(format!(
                    "milestones {} are never reached: {} applies them at or past iters {}",
                    list(&unreached),
                    spec.dialect.name(),
                    p.iters
                ));
            }
            if let Some(&first) = milestones.iter().min()
                && p.warmup_iters > first
            {
                warn(format!(
                    "warmup_iters {} runs past the first milestone {first}: warmup and decay both apply there",
                    p.warmup_iters
                ));
            }
        }
        Decay::StepSize(step) => {
            let first = p.warmup_iters.saturating_add(*step);
            // The first decay ends the walk, so a step of 1 over a long run costs nothing.
            let decays = spec.schedule.segments().any(|s| s.phase.decays > 0);
            if !decays && first >= p.iters {
                warn(format!(
                    "step_size {step}: the first decay, at {first}, is at or past iters {}: never reached",
                    p.iters
                ));
            } else if !decays {
                warn(format!(
                    "step_size {step}: never reached: {} makes its first decay at or past iters {}",
                    spec.dialect.name(),
                    p.iters
                ));
            }
        }
    }
    if p.gamma > 1.0 {
        warn(format!(
            "gamma {} > 1: the lr grows at every milestone",
            number(p.gamma)
        ));
    }
    if p.warmup_factor > 1.0 {
        warn(format!(
            "warmup_factor {} > 1: warmup starts above base_lr and ramps down",
            number(p.warmup_factor)
        ));
    }
    if let Some(per_epoch) = spec.iters_per_epoch {
        warnings.extend(epoch_lints(spec, per_epoch));
    }
    warnings
}

/// The milestones the dialect's own curve never applies within `[0, iters)`: its k-th decay is
/// the k-th milestone in order, wherever the dialect puts it (timm-train a step early,
/// torch-sequential after the warmup), so those past the decays it makes are unreached. The
/// walk is over the curve's phases, one per milestone at most.
fn unreached(spec: &NamedSchedule, milestones: &[u64]) -> Vec<u64> {
    let applied = spec
        .schedule
        .segments()
        .map(|s| s.phase.decays)
        .max()
        .unwrap_or(0);
    let mut sorted = milestones.to_vec();
    sorted.sort_unstable();
    let applied = usize::try_from(applied).unwrap_or(usize::MAX);
    sorted.into_iter().skip(applied).collect()
}

/// A run longer than this many epochs is more likely counts in the wrong unit than a plan.
const MAX_EPOCHS: u64 = 1000;

/// Counts that look like the wrong unit, once the epoch length is known: milestones written
/// as iterations that look like epochs, and a run of more than [`MAX_EPOCHS`] epochs.
fn epoch_lints(spec: &NamedSchedule, per_epoch: u64) -> Vec<Warning> {
    let p = spec.params();
    let bare_in = |name: &str| {
        spec.bare_counts
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, unit)| *unit)
    };
    let mut warnings = Vec::new();
    if let (Decay::Milestones(milestones), Some(Unit::Iter)) = (&p.decay, bare_in("milestones"))
        && let Some(&last) = milestones.iter().max()
    {
        let epochs = p.iters.div_ceil(per_epoch);
        let looks = if last < per_epoch {
            Some(format!(
                "milestones {} all fall inside the first epoch ({per_epoch} iterations)",
                list(milestones)
            ))
        } else if last < epochs {
            Some(format!(
                "milestones {} are all below the number of epochs ({epochs})",
                list(milestones)
            ))
        } else {
            None
        };
        if let Some(looks) = looks {
            warnings.push(Warning(format!(
                "{looks}: {}",
                as_epochs_advice(spec, milestones, last, per_epoch)
            )));
        }
    }
    if u128::from(p.iters) > u128::from(MAX_EPOCHS) * u128::from(per_epoch) {
        let advice = match bare_in("iters") {
            Some(Unit::Epoch) => {
                let written = p.iters / per_epoch;
                format!(
                    ": unit = \"epoch\" read iters {written} as epochs; if it is iterations, \
                     write --iters {written}it"
                )
            }
            _ => String::new(),
        };
        warnings.push(Warning(format!(
            "a run of {} is more than {MAX_EPOCHS} epochs{advice}",
            in_epochs(p.iters, per_epoch)
        )));
    }
    warnings
}

/// What to write if the milestones are epochs: each with its unit, and what `unit = "epoch"`
/// would do besides, to every other count written bare in iterations and to the run.
fn as_epochs_advice(spec: &NamedSchedule, milestones: &[u64], last: u64, per_epoch: u64) -> String {
    let p = spec.params();
    let per_value: Vec<String> = milestones.iter().map(|m| format!("{m}ep")).collect();
    let times = |n: u64| {
        n.checked_mul(per_epoch)
            .map_or("past the u64 range".to_string(), |iters| iters.to_string())
    };
    let others: Vec<String> = spec
        .bare_counts
        .iter()
        .filter(|(key, unit)| *unit == Unit::Iter && *key != "milestones")
        .filter_map(|(key, _)| {
            let value = match *key {
                "warmup_iters" => p.warmup_iters,
                "iters" => p.iters,
                _ => return None,
            };
            (value > 0).then(|| format!("{key} {value} into {}", times(value)))
        })
        .collect();
    // The run `unit = "epoch"` would make: iters epochs, or 1.5 × the last milestone's.
    let run_epochs = if others.iter().any(|o| o.starts_with("iters ")) {
        Some(p.iters)
    } else {
        last.checked_add(last.div_ceil(2))
    };
    let run = run_epochs.map_or("past the u64 range".to_string(), |epochs| {
        format!("a run of {} iterations, {epochs} epochs", times(epochs))
    });
    let mut advice = format!(
        "if they are epochs, write --milestones {}",
        per_value.join(",")
    );
    if others.is_empty() {
        advice.push_str(&format!(" (or set unit = \"epoch\": {run})"));
    } else {
        advice.push_str(&format!(
            "; unit = \"epoch\" would also turn {} ({run})",
            others.join(" and ")
        ));
    }
    advice
}

/// `270000 iterations = 36.5 epochs at 7393 it/epoch`.
pub fn in_epochs(iterations: u64, per_epoch: u64) -> String {
    let epochs = iterations as f64 / per_epoch as f64;
    let epochs = if iterations.is_multiple_of(per_epoch) {
        (iterations / per_epoch).to_string()
    } else if epochs < 1.0 {
        format!("{epochs:.2}")
    } else {
        format!("{epochs:.1}")
    };
    format!("{iterations} iterations = {epochs} epochs at {per_epoch} it/epoch")
}

/// The run's length in epochs, when the epoch length is known: one line for `check` and
/// `explain`.
pub fn run_in_epochs(spec: &NamedSchedule) -> Option<String> {
    let per_epoch = spec.iters_per_epoch?;
    Some(format!(
        "{}: {}",
        spec.name,
        in_epochs(spec.params().iters, per_epoch)
    ))
}

/// Where the framework's curve departs from the intended one in a way users rarely mean.
pub fn dialect_lints(spec: &NamedSchedule) -> Vec<Warning> {
    dialect_departures(spec)
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| Warning(d.text))
        .collect()
}

/// The dialect's departures, named after it when the schedule has another name.
fn dialect_departures(spec: &NamedSchedule) -> impl Iterator<Item = Departure> {
    let dialect = spec.dialect.name();
    let prefix = if spec.name == dialect {
        String::new()
    } else {
        format!("{dialect}: ")
    };
    departures(spec.dialect, spec.schedule.as_ref())
        .into_iter()
        .map(move |d| Departure {
            text: format!("{prefix}{}", d.text),
            ..d
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Layer, load_toml};

    fn findings(toml: &str, severity: Severity) -> Vec<String> {
        let loaded = load_toml("t.toml", toml, &Layer::default()).unwrap();
        lint(&loaded.schedules[0])
            .into_iter()
            .filter(|f| f.severity == severity)
            .map(|f| f.text)
            .collect()
    }

    fn lints(toml: &str) -> Vec<String> {
        findings(toml, Severity::Warning)
    }

    fn notes(toml: &str) -> Vec<String> {
        findings(toml, Severity::Note)
    }

    #[test]
    fn reference_example_is_clean() {
        assert!(lints("").is_empty());
        assert!(notes("").is_empty());
    }

    #[test]
    fn each_warning() {
        assert_eq!(
            lints("iters = 80"),
            vec!["milestones [100] are at or past iters 80: never reached"]
        );
        assert_eq!(
            lints("warmup_iters = 60"),
            vec![
                "warmup_iters 60 runs past the first milestone 50: warmup and decay both apply there"
            ]
        );
        assert_eq!(
            lints("gamma = 2.0"),
            vec!["gamma 2.0 > 1: the lr grows at every milestone"]
        );
        assert_eq!(
            lints("warmup_factor = 3"),
            vec!["warmup_factor 3.0 > 1: warmup starts above base_lr and ramps down"]
        );
        assert_eq!(
            lints("iters_per_epoch = 391"),
            vec![
                "milestones [50, 100] all fall inside the first epoch (391 iterations): \
                  if they are epochs, write --milestones 50ep,100ep; unit = \"epoch\" would \
                  also turn warmup_iters 10 into 3910 (a run of 58650 iterations, 150 epochs)"
            ]
        );
        assert_eq!(
            lints("iters_per_epoch = 20\nmilestones = [30, 60]\niters = 1800\nwarmup_iters = 0"),
            vec![
                "milestones [30, 60] are all below the number of epochs (90): \
                  if they are epochs, write --milestones 30ep,60ep; unit = \"epoch\" would \
                  also turn iters 1800 into 36000 (a run of 36000 iterations, 1800 epochs)"
            ]
        );
        assert_eq!(
            lints("iters_per_epoch = 100\nmilestones = [30, 60]\nwarmup_iters = \"10it\""),
            vec![
                "milestones [30, 60] all fall inside the first epoch (100 iterations): \
                  if they are epochs, write --milestones 30ep,60ep (or set unit = \"epoch\": a \
                  run of 9000 iterations, 90 epochs)"
            ]
        );
        assert_eq!(
            lints("step_size = 100\niters = 50"),
            vec!["step_size 100: the first decay, at 110, is at or past iters 50: never reached"]
        );
    }

    #[test]
    fn long_lists_and_huge_numbers_stay_short() {
        let milestones: Vec<String> = (1..=10_000).map(|k| (k * 10).to_string()).collect();
        assert_eq!(
            lints(&format!(
                "milestones = [{}]\niters = 5\ngamma = 1e300",
                milestones.join(", ")
            )),
            vec![
                "milestones [10, 20, 30, …, 100000] (10000 in all) are at or past iters 5: never \
                 reached",
                "gamma 1e300 > 1: the lr grows at every milestone"
            ]
        );
    }

    #[test]
    fn timm_points_train_py_users_to_timm_train() {
        let pointer = |decays: &str| {
            format!(
                "timm: this is MultiStepLRScheduler's class default, warmup_prefix=True; timm's \
                 train.py passes warmup_prefix=False (unless --warmup-prefix), which decays at \
                 {decays}: use --dialect timm-train for a train.py run"
            )
        };
        assert!(lints("dialect = \"timm\"").contains(&pointer("49 and 99")));
        // W = 1: the class default decays at the milestones, train.py a step before them.
        assert_eq!(
            lints("dialect = \"timm\"\nwarmup_iters = 1"),
            vec![pointer("49 and 99")]
        );
        // No warmup, no prefix: the two are one schedule.
        assert!(lints("dialect = \"timm\"\nwarmup_iters = 0").is_empty());
        assert!(lints("dialect = \"timm-train\"").is_empty());
    }

    #[test]
    fn never_reached_asks_the_dialects_curve() {
        // timm-train's bisect_right(decay_t, t + 1) applies a milestone m at m - 1: one at
        // iters decays the run's last step; one at iters + 1 would decay at iters.
        let own = |toml: &str| -> Vec<String> {
            let loaded = load_toml("t.toml", toml, &Layer::default()).unwrap();
            parameter_lints(&loaded.schedules[0])
                .into_iter()
                .map(|w| w.0)
                .collect()
        };
        let timm_train = |milestones: &str| {
            own(&format!(
                "dialect = \"timm-train\"\niters = 100\nwarmup_iters = 5\nmilestones = [{milestones}]"
            ))
        };
        assert!(timm_train("50, 99").is_empty());
        assert!(timm_train("50, 100").is_empty());
        assert_eq!(
            timm_train("50, 101"),
            vec!["milestones [101] are at or past iters 100: never reached"]
        );
        // maskrcnn's bisect_right(milestones, t) never reaches a milestone at iters.
        assert_eq!(
            lints("iters = 100\nwarmup_iters = 5\nmilestones = [50, 100]"),
            vec!["milestones [100] are at or past iters 100: never reached"]
        );
        // torch-sequential decays W steps late: a milestone inside the run can miss it.
        let sequential = own(
            "dialect = \"torch-sequential\"\niters = 100\nwarmup_iters = 20\n\
             milestones = [50, 90]",
        );
        assert_eq!(
            sequential,
            vec![
                "milestones [90] are never reached: torch-sequential applies them at or past iters 100"
            ]
        );
    }

    #[test]
    fn dialect_departures_users_rarely_mean() {
        assert_eq!(
            lints("dialect = \"torch-sequential\""),
            vec![
                "torch-sequential: decays at 60 and 110 instead of 50 and 100: SequentialLR \
                 restarts MultiStepLR's count at the switch (W = 10)"
            ]
        );
        assert_eq!(
            lints("dialect = \"torch-chained\"\nwarmup_iters = 0"),
            vec![
                "torch-chained: after warmup the lr is 0.001, not 0.01 = base_lr × gamma^0 (3 of 3 \
                 constant phases are off): LinearLR(total_iters=0) multiplies by start_factor at \
                 construction and never undoes it"
            ]
        );
        assert!(
            lints("dialect = \"detectron2\"\niters = 90")
                .iter()
                .any(|w| w.starts_with(
                    "detectron2: milestones [100] are past iters 90: build_lr_scheduler silently drops them"
                ))
        );
        // Conventions rather than surprises: MXNet's one-step-late decays.
        assert!(lints("dialect = \"mxnet\"").is_empty());
        assert_eq!(notes("dialect = \"mxnet\"").len(), 3);
    }

    /// In-place rounding is the framework's arithmetic, not the user's mistake: a note, which
    /// `check --strict` does not fail on.
    #[test]
    fn in_place_rounding_is_a_note() {
        for dialect in ["torch-chained", "mmengine"] {
            let toml = format!("dialect = \"{dialect}\"");
            assert!(lints(&toml).is_empty(), "{dialect}: {:?}", lints(&toml));
            assert!(
                notes(&toml)
                    .iter()
                    .any(|n| n.contains("multiply the lr in place, so rounding accumulates")),
                "{dialect}: {:?}",
                notes(&toml)
            );
        }
        assert_eq!(
            notes("dialect = \"torch-chained\""),
            vec![
                "torch-chained: 3 of 10 warmup values differ in the last bits: LinearLR \
                 multiplies the lr in place at each step, so rounding accumulates",
                "torch-chained: after warmup the lr is 0.010000000000000004, not 0.01 = base_lr × \
                 gamma^0 (3 of 3 constant phases are off): the schedulers multiply the lr in \
                 place, so rounding accumulates"
            ]
        );
    }

    /// The epoch lint's own advice, followed with `unit = "epoch"`: the run becomes 90000
    /// epochs, which is said, with the per-value form.
    #[test]
    fn runs_past_a_thousand_epochs() {
        assert_eq!(
            lints(
                "unit = \"epoch\"\niters_per_epoch = 7393\nmilestones = [8, 11]\n\
                 iters = 90000\nwarmup_iters = \"500it\""
            ),
            vec![
                "a run of 665370000 iterations = 90000 epochs at 7393 it/epoch is more than \
                 1000 epochs: unit = \"epoch\" read iters 90000 as epochs; if it is \
                 iterations, write --iters 90000it"
            ]
        );
        assert_eq!(
            lints("iters_per_epoch = 1\nmilestones = []\niters = \"1001it\""),
            vec!["a run of 1001 iterations = 1001 epochs at 1 it/epoch is more than 1000 epochs"]
        );
        assert!(lints("iters_per_epoch = 1\nmilestones = []\niters = 1000").is_empty());
        // Milestones with their unit are what the user said.
        assert!(lints("iters_per_epoch = 391\nmilestones = [\"50it\", \"100it\"]").is_empty());
    }

    #[test]
    fn epoch_unit_milestones_are_not_flagged() {
        assert!(
            lints(
                "unit = \"epoch\"\niters_per_epoch = 391\nmilestones = [30, 60]\nwarmup_iters = 1"
            )
            .is_empty()
        );
    }
}
