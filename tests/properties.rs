//! Properties of random valid schedules (proptest). Most run the library in-process, the way
//! the commands use it (`config` to load, `output::table::schedule_rows` to write the table); one runs the
//! binary to check that `at` and `table` agree end to end.

use std::io::Write;

use assert_cmd::Command;
use proptest::prelude::*;

use lrsched::commands::options;
use lrsched::config::{self, Input, Layer};
use lrsched::output::FormatName;
use lrsched::output::table::schedule_rows::write_rows;
use lrsched::schedule::NamedSchedule;
use lrsched::schedule::{Decay, Dialect, Schedule};

/// A schedule as flags: `(key, value)` pairs, the key as in TOML.
#[derive(Clone, Debug)]
struct Flags(Vec<(&'static str, String)>);

impl Flags {
    fn input(&self) -> Input {
        let mut flags = Layer::default();
        for (key, value) in &self.0 {
            flags.set_flag(key, Some(value));
        }
        Input {
            files: Vec::new(),
            from: None,
            auto_scale_lr: false,
            flags,
        }
    }

    /// The same flags with `key` set to `value` (replaced if present).
    fn with(&self, key: &'static str, value: String) -> Flags {
        let mut pairs: Vec<_> = self.0.iter().filter(|(k, _)| *k != key).cloned().collect();
        pairs.push((key, value));
        Flags(pairs)
    }

    /// As command-line arguments, `--key=value` so that empty and negative values pass.
    fn args(&self) -> Vec<String> {
        self.0
            .iter()
            .map(|(key, value)| format!("--{}={value}", key.replace('_', "-")))
            .collect()
    }

    fn load(&self) -> Vec<NamedSchedule> {
        config::load(&self.input())
            .unwrap_or_else(|e| panic!("{self:?} is valid: {e}"))
            .schedules
    }
}

/// Floats as a user might type them: the shortest text that reads back the same.
fn text(value: f64) -> String {
    format!("{value:?}")
}

fn gamma() -> impl Strategy<Value = f64> {
    prop_oneof![0.05f64..0.95, 1.05f64..3.0, Just(1.0), Just(0.1)]
}

/// Valid schedules within sizes a test can tabulate: up to 8 milestones below 2,000 (repeats
/// allowed) or a step size, any warmup, iters given or derived, sometimes in epochs.
fn schedules() -> impl Strategy<Value = Flags> {
    // gamma > 1 only with a few milestones: many decays by it leave the f64 range, which is
    // an error (tested in tests/errors.rs), not a valid schedule.
    let decay = prop_oneof![
        (proptest::collection::vec(1u64..2000, 0..8), gamma()).prop_map(|(mut list, gamma)| {
            list.sort_unstable();
            let text: Vec<String> = list.iter().map(u64::to_string).collect();
            (("milestones", text.join(",")), gamma)
        }),
        (1u64..500, prop_oneof![0.05f64..0.95, Just(1.0), Just(0.1)])
            .prop_map(|(step, gamma)| (("step_size", step.to_string()), gamma)),
    ];
    let warmup = (
        0u64..300,
        prop_oneof![Just("linear"), Just("constant"), Just("exp")],
        prop_oneof![0.001f64..1.5, Just(0.0), Just(1.0)],
    );
    let epochs = prop_oneof![4 => Just(None), 1 => (1u64..8).prop_map(Some)];
    (
        1e-6f64..10.0,
        decay,
        warmup,
        proptest::option::of(1u64..3000),
        epochs,
    )
        .prop_map(
            |(base_lr, (decay, gamma), (w, method, factor), iters, epochs)| {
                // exp warmup computes f ** (1 - t/W): f = 0 is refused, so keep it positive.
                let factor = if method == "exp" && factor == 0.0 {
                    0.5
                } else {
                    factor
                };
                let mut pairs = vec![
                    ("base_lr", text(base_lr)),
                    ("gamma", text(gamma)),
                    decay,
                    ("warmup_iters", w.to_string()),
                    ("warmup_method", method.to_string()),
                    ("warmup_factor", text(factor)),
                ];
                if let Some(per_epoch) = epochs {
                    // Counts are then epochs: keep the iterations they make small.
                    pairs.push(("unit", "epoch".into()));
                    pairs.push(("iters_per_epoch", per_epoch.to_string()));
                    pairs.retain(|(key, _)| *key != "warmup_iters");
                    pairs.push(("warmup_iters", (w % 20).to_string()));
                }
                if let Some(iters) = iters {
                    pairs.push(("iters", iters.to_string()));
                }
                Flags(pairs)
            },
        )
}

/// Every dialect that accepts these flags, each as loaded with `--dialect NAME`.
fn every_dialect(flags: &Flags) -> Vec<NamedSchedule> {
    Dialect::ALL
        .iter()
        .filter_map(|dialect| {
            config::load(&flags.with("dialect", dialect.name().into()).input())
                .ok()
                .map(|mut loaded| loaded.schedules.remove(0))
        })
        .collect()
}

/// Iterations worth looking at: both ends, each segment's ends and a few in between.
fn sample_iterations(schedule: &dyn Schedule) -> Vec<u64> {
    let mut ts = Vec::new();
    for segment in schedule.segments() {
        let mid = segment.start + (segment.end - segment.start) / 2;
        ts.extend([segment.start, mid, segment.end - 1]);
    }
    ts
}

/// `table` as the command writes it, in-process: CSV with these columns and rows.
fn table(
    specs: &[NamedSchedule],
    columns: &str,
    start: Option<&str>,
    end: Option<&str>,
    every: &str,
) -> String {
    let (headers, columns) = options::columns(columns, specs).expect("valid columns");
    let rows = options::rows(start, end, every, specs).expect("valid rows");
    let schedules: Vec<&dyn Schedule> = specs.iter().map(|s| s.schedule.as_ref()).collect();
    let mut out = Vec::new();
    write_rows(
        &mut out,
        FormatName::Csv.format().as_ref(),
        &headers,
        &columns,
        &schedules,
        &rows,
    )
    .expect("writes to memory");
    String::from_utf8(out).expect("UTF-8 table")
}

fn shortest(value: f64) -> String {
    ryu::Buffer::new().format(value).to_string()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        // No regression files in tests/: a failure prints its minimal input.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_lr_is_finite_and_not_negative(flags in schedules()) {
        for spec in every_dialect(&flags) {
            let schedule = spec.schedule.as_ref();
            for t in sample_iterations(schedule) {
                let lr = schedule.lr(t);
                prop_assert!(lr.is_finite() && lr >= 0.0, "{}: lr({t}) = {lr}", spec.dialect.name());
            }
        }
    }

    /// Between the breakpoints `explain` lists (the segments), a constant segment's lr is the
    /// same at every iteration; and in the default semantics, each milestone past warmup is a
    /// breakpoint where the lr changes unless gamma = 1 (or the lr has left the normal range).
    #[test]
    fn lr_is_constant_between_breakpoints_and_changes_at_milestones(flags in schedules()) {
        for spec in every_dialect(&flags) {
            let schedule = spec.schedule.as_ref();
            for segment in schedule.segments() {
                let Some(constant) = segment.constant_lr else { continue };
                let mid = segment.start + (segment.end - segment.start) / 2;
                for t in [segment.start, mid, segment.end - 1] {
                    prop_assert_eq!(schedule.lr(t).to_bits(), constant.to_bits(),
                        "{} at {} in {:?}", spec.dialect.name(), t, segment);
                }
            }
        }
        let spec = flags.load().remove(0);
        prop_assert_eq!(spec.dialect, Dialect::default());
        let p = spec.params();
        let schedule = spec.schedule.as_ref();
        let starts: Vec<u64> = schedule.segments().map(|s| s.start).collect();
        let decays_at: Vec<u64> = match &p.decay {
            Decay::Milestones(list) => list.clone(),
            Decay::StepSize(step) => (1..)
                .map(|k| p.warmup_iters + k * step)
                .take_while(|&t| t < p.iters)
                .collect(),
        };
        for m in decays_at.into_iter().filter(|&m| m > p.warmup_iters && m < p.iters) {
            prop_assert!(starts.contains(&m), "milestone {} is not a breakpoint: {:?}", m, starts);
            let (before, after) = (schedule.lr(m - 1), schedule.lr(m));
            // Many decays take the lr below the normal f64 range, down to 0, where a further
            // decay may round to the same value: only a normal lr must change.
            if p.gamma != 1.0 && before.min(after) >= f64::MIN_POSITIVE {
                prop_assert_ne!(before.to_bits(), after.to_bits(), "no change at milestone {}", m);
            }
        }
    }

    /// Row t of `table` is what `at t` prints (`at` prints `lr(t)`, shortest round-trip).
    #[test]
    fn table_rows_are_lr_at_each_iteration(flags in schedules()) {
        for spec in every_dialect(&flags) {
            let specs = [spec];
            let text = table(&specs, "iteration,lr", None, None, "1");
            let schedule = specs[0].schedule.as_ref();
            let mut rows = 0;
            for (t, line) in text.lines().skip(1).enumerate() {
                let t = t as u64;
                prop_assert_eq!(line, format!("{t},{}", shortest(schedule.lr(t))));
                rows += 1;
            }
            prop_assert_eq!(rows, schedule.params().iters);
        }
    }

    /// `table --every N` (with any --start and --end) is every N-th row of `table`.
    #[test]
    fn every_nth_row(
        flags in schedules(),
        every in 1u64..50,
        start_fraction in 0.0f64..1.0,
        end_fraction in 0.0f64..1.0,
    ) {
        let specs = flags.load();
        let iters = specs[0].params().iters;
        let start = (start_fraction * iters as f64) as u64;
        let end = start + ((end_fraction * (iters - start) as f64) as u64);
        let columns = "iteration,lr,phase,factor";
        let all = table(&specs, columns, None, None, "1");
        let all_rows: Vec<&str> = all.lines().skip(1).collect();
        let expected: Vec<&str> = (start..end)
            .step_by(every as usize)
            .map(|t| all_rows[t as usize])
            .collect();
        let sampled = table(
            &specs,
            columns,
            Some(&start.to_string()),
            Some(&end.to_string()),
            &every.to_string(),
        );
        prop_assert_eq!(sampled.lines().next(), all.lines().next());
        prop_assert_eq!(sampled.lines().skip(1).collect::<Vec<_>>(), expected);
    }

    /// `init` with the schedule's flags writes a file that loads back to the same schedule;
    /// edited (one value changed on its line), it loads to the schedule with that change.
    #[test]
    fn init_round_trips(
        flags in schedules(),
        new_gamma in gamma(),
        new_base_lr in 1e-6f64..10.0,
        new_iters in 1u64..5000,
    ) {
        let written = config::schedule_file(&flags.input()).expect("valid flags");
        let dir = tempfile::tempdir().expect("a scratch directory");
        let path = dir.path().join("init.toml");
        let load_file = |text: &str| {
            std::fs::write(&path, text).expect("a scratch file");
            config::load(&Input {
                files: vec![path.clone()],
                from: None,
                auto_scale_lr: false,
                flags: Layer::default(),
            })
        };
        let read = |text: &str| {
            load_file(text)
                .expect("init writes a valid schedule")
                .schedules
                .remove(0)
        };
        let spec = read(&written);
        let expected = flags.load().remove(0);
        prop_assert_eq!(spec.params(), expected.params());
        prop_assert_eq!(spec.unit, expected.unit);
        prop_assert_eq!(spec.iters_per_epoch, expected.iters_per_epoch);
        prop_assert_eq!(spec.dialect, expected.dialect);

        for (key, value) in [
            ("gamma", text(new_gamma)),
            ("base_lr", text(new_base_lr)),
            ("iters", new_iters.to_string()),
        ] {
            let edited: String = written
                .lines()
                .map(|line| {
                    let assignment = line.strip_prefix("# ").unwrap_or(line);
                    if assignment.starts_with(&format!("{key} = ")) {
                        format!("{key} = {value}\n")
                    } else {
                        format!("{line}\n")
                    }
                })
                .collect();
            let changed = flags.with(key, value.clone());
            let Ok(mut loaded) = config::load(&changed.input()) else {
                // The edit made the schedule invalid (an lr past the f64 range): so must the
                // file be.
                prop_assert!(load_file(&edited).is_err());
                continue;
            };
            let (got, wanted) = (read(&edited), loaded.schedules.remove(0));
            prop_assert_eq!(got.params(), wanted.params(), "{} = {}", key, value);
        }
    }
}

proptest! {
    // Each case runs the binary twice.
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `lrsched at t` (here all t at once, from stdin) prints row t of `lrsched table`.
    #[test]
    fn at_prints_the_table_rows(flags in schedules()) {
        let iters = flags.load()[0].params().iters;
        prop_assume!(iters <= 20_000);
        let args = flags.args();
        let run = |command: &[&str], stdin: &[u8]| {
            let output = Command::cargo_bin("lrsched")
                .expect("the binary builds")
                .args(command)
                .args(&args)
                .write_stdin(stdin)
                .output()
                .expect("lrsched runs");
            assert!(output.status.success(), "{command:?} {args:?}");
            String::from_utf8(output.stdout).expect("UTF-8 output")
        };
        let table = run(&["table", "--columns", "lr"], b"");
        let mut iterations = Vec::new();
        for t in 0..iters {
            writeln!(iterations, "{t}").expect("writes to memory");
        }
        let at = run(&["at", "-"], &iterations);
        prop_assert_eq!(table.lines().skip(1).collect::<Vec<_>>(), at.lines().collect::<Vec<_>>());
    }
}
