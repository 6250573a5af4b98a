//! Bit-exact agreement with the frameworks' own curves, for every dialect and every case of
//! `tests/golden/` (a compact, lossless copy of the shared golden files; see
//! `tests/golden/convert.py`).
//!
//! Each `<case>.runs` file is expanded back into the framework's CSV text and must hash to the
//! manifest's sha256, so the copy is proven to be the original. Then every row's lr, parsed as
//! f64, must have the same bits as lrsched's: through `Schedule::lr(t)` (what `at` uses),
//! through `segments()`/`values()` in process, and through the real binary's
//! `lrsched table --format csv` (the streaming path). A `<case>.error.txt` case must make
//! lrsched exit with status 2, quoting the framework's rule.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use lrsched::schedule::{Decay, Dialect, Params, Schedule, WarmupMethod, build};
use serde_json::Value;
use sha2::{Digest, Sha256};

const HEADER: &str = "iteration,lr\n";

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// One case of one dialect's manifest.
struct Case {
    dialect: Dialect,
    name: String,
    params: Value,
    expected: Expected,
}

enum Expected {
    Curve { sha256: String, rows: u64 },
    Error(String),
}

fn manifest(dialect: Dialect) -> Value {
    let path = golden_dir().join(dialect.name()).join("manifest.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every case of every dialect. A rejected case has no params in its own manifest: they are
/// the same case's params in another dialect's manifest (the cases are shared).
fn cases() -> Vec<Case> {
    let manifests: Vec<(Dialect, Value)> = Dialect::ALL.iter().map(|&d| (d, manifest(d))).collect();
    let shared_params = |case: &str| -> Value {
        manifests
            .iter()
            .find_map(|(_, m)| m["cases"][case].get("params").cloned())
            .unwrap_or_else(|| panic!("no manifest gives params for case {case}"))
    };
    let mut all = Vec::new();
    for (dialect, manifest) in &manifests {
        let entries = manifest["cases"].as_object().expect("cases is an object");
        for (name, entry) in entries {
            let expected = if entry.get("error").is_some() {
                let path = golden_dir()
                    .join(dialect.name())
                    .join(format!("{name}.error.txt"));
                Expected::Error(fs::read_to_string(&path).expect("error.txt beside the manifest"))
            } else {
                Expected::Curve {
                    sha256: entry["sha256"].as_str().expect("sha256").to_string(),
                    rows: entry["rows"].as_u64().expect("rows"),
                }
            };
            all.push(Case {
                dialect: *dialect,
                name: name.clone(),
                params: shared_params(name),
                expected,
            });
        }
    }
    all
}

fn params_of(json: &Value) -> Params {
    let number = |key: &str| json[key].as_f64().unwrap_or_else(|| panic!("{key}"));
    let whole = |key: &str| json[key].as_u64().unwrap_or_else(|| panic!("{key}"));
    Params {
        base_lr: number("base_lr"),
        decay: Decay::Milestones(
            json["milestones"]
                .as_array()
                .expect("milestones")
                .iter()
                .map(|m| m.as_u64().expect("whole milestone"))
                .collect(),
        ),
        gamma: number("gamma"),
        warmup_iters: whole("warmup_iters"),
        warmup_factor: number("warmup_factor"),
        warmup_method: WarmupMethod::from_name(json["warmup_method"].as_str().expect("method"))
            .expect("known method"),
        iters: whole("iters"),
        ..Params::default()
    }
}

/// The same parameters as command-line flags; `{}` prints an f64 so that it reads back exactly.
fn flags_of(json: &Value, dialect: Dialect) -> Vec<String> {
    let p = params_of(json);
    let Decay::Milestones(milestones) = &p.decay else {
        unreachable!("golden cases list milestones")
    };
    let list: Vec<String> = milestones.iter().map(u64::to_string).collect();
    vec![
        format!("--base-lr={}", p.base_lr),
        format!("--milestones={}", list.join(",")),
        format!("--gamma={}", p.gamma),
        format!("--warmup-iters={}", p.warmup_iters),
        format!("--warmup-factor={}", p.warmup_factor),
        format!("--warmup-method={}", p.warmup_method.name()),
        format!("--iters={}", p.iters),
        format!("--dialect={}", dialect.name()),
    ]
}

/// The CSV text a `.runs` file stands for: each line `first,count,lr` is `count` rows.
fn expand(runs: &str) -> String {
    let mut csv = String::from(HEADER);
    for line in runs.lines() {
        let mut cells = line.splitn(3, ',');
        let first: u64 = cells.next().unwrap().parse().expect("first iteration");
        let count: u64 = cells.next().expect("count").parse().expect("count");
        let lr = cells.next().expect("lr text");
        for t in first..first + count {
            csv.push_str(&format!("{t},{lr}\n"));
        }
    }
    csv
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `iteration,lr` rows, each lr as parsed from its text.
fn rows(csv: &str, source: &str) -> Vec<f64> {
    let body = csv
        .strip_prefix(HEADER)
        .unwrap_or_else(|| panic!("{source}: no `iteration,lr` header"));
    body.lines()
        .enumerate()
        .map(|(index, line)| {
            let (t, lr) = line
                .split_once(',')
                .unwrap_or_else(|| panic!("{source}: bad row {line:?}"));
            assert_eq!(t.parse::<usize>().ok(), Some(index), "{source}: row order");
            lr.parse::<f64>()
                .unwrap_or_else(|e| panic!("{source}: row {index}: {e}"))
        })
        .collect()
}

/// Fails with the first row whose bits differ.
fn assert_same_bits(case: &Case, path: &str, expected: &[f64], actual: &[f64]) {
    for (t, (want, got)) in expected.iter().zip(actual).enumerate() {
        assert!(
            want.to_bits() == got.to_bits(),
            "{} / {} via {path}: first difference at iteration {t}: expected {want:?} \
             (bits {:#018x}), got {got:?} (bits {:#018x})",
            case.dialect.name(),
            case.name,
            want.to_bits(),
            got.to_bits()
        );
    }
    assert_eq!(
        expected.len(),
        actual.len(),
        "{} / {} via {path}: row count",
        case.dialect.name(),
        case.name
    );
}

/// Every row through `segments()` and `values()`, as the table writer walks them.
fn streamed(schedule: &dyn Schedule) -> Vec<f64> {
    let mut out = Vec::new();
    for segment in schedule.segments() {
        match segment.constant_lr {
            Some(lr) => out.extend((segment.start..segment.end).map(|_| lr)),
            None => out.extend(schedule.values(segment.start, segment.end)),
        }
    }
    out
}

/// The framework's rule from its exception text: `ValueError: MESSAGE` (any `…Error: `), or
/// maskrcnn's tuple `ValueError: ('MESSAGE. Got {}', [...])`, or TensorFlow's `… Input error:
/// RULE (?, …`. A case the framework cannot express reads `Unsupported (raised by GENERATOR,
/// not by …): WHY; …`: the rule is WHY, up to its first `; `.
fn framework_rule(error: &str) -> &str {
    let message = error.trim();
    let message = match message.split_once(": ") {
        Some((kind, rest)) if kind.ends_with("Error") && !kind.contains(' ') => rest.trim(),
        _ => message,
    };
    if let Some(rest) = message.strip_prefix("Unsupported (raised by ") {
        let why = rest.split_once("): ").map_or(rest, |(_, why)| why);
        return why.split("; ").next().unwrap_or(why);
    }
    if let Some((_, input)) = message.split_once("Input error: ") {
        return input.split(" (").next().unwrap_or(input);
    }
    match message.strip_prefix("('") {
        Some(tuple) => tuple.split(". Got").next().unwrap_or(tuple),
        None => message,
    }
}

fn lrsched() -> Command {
    Command::cargo_bin("lrsched").expect("binary builds")
}

#[test]
fn the_copy_covers_every_dialect_and_case() {
    let cases = cases();
    for &dialect in Dialect::ALL {
        let names: Vec<&str> = cases
            .iter()
            .filter(|c| c.dialect == dialect)
            .map(|c| c.name.as_str())
            .collect();
        for case in [
            "seed", "d2_1x", "constant", "overlap", "repeated", "nowarmup", "unsorted",
        ] {
            assert!(names.contains(&case), "{}: case {case}", dialect.name());
        }
    }
}

#[test]
fn every_curve_matches_its_framework_bit_for_bit() {
    for case in cases() {
        let Expected::Curve {
            sha256,
            rows: count,
        } = &case.expected
        else {
            continue;
        };
        let label = format!("{}/{}", case.dialect.name(), case.name);
        let runs_path = golden_dir()
            .join(case.dialect.name())
            .join(format!("{}.runs", case.name));
        let csv = expand(&fs::read_to_string(&runs_path).expect("runs file"));
        assert_eq!(
            &sha256_hex(&csv),
            sha256,
            "{label}: the compact copy does not expand to the framework's file"
        );
        let expected = rows(&csv, &label);
        assert_eq!(expected.len() as u64, *count, "{label}: rows");

        let params = params_of(&case.params);
        let schedule = build(case.dialect, params)
            .unwrap_or_else(|r| panic!("{label}: rejected: {}", r.message));
        let by_lr: Vec<f64> = (0..*count).map(|t| schedule.lr(t)).collect();
        assert_same_bits(&case, "Schedule::lr", &expected, &by_lr);
        assert_same_bits(
            &case,
            "segments/values",
            &expected,
            &streamed(schedule.as_ref()),
        );

        let output = lrsched()
            .arg("table")
            .arg("--format=csv")
            .args(flags_of(&case.params, case.dialect))
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "{label}: lrsched table failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let table = String::from_utf8(output.stdout).expect("UTF-8");
        assert_same_bits(
            &case,
            "lrsched table",
            &expected,
            &rows(&table, &format!("{label} (lrsched table)")),
        );
    }
}

#[test]
fn every_rejection_matches_its_framework() {
    let mut checked = 0;
    for case in cases() {
        let Expected::Error(error) = &case.expected else {
            continue;
        };
        let label = format!("{}/{}", case.dialect.name(), case.name);
        let rule = framework_rule(error);
        let params = params_of(&case.params);
        let rejection = build(case.dialect, params)
            .err()
            .unwrap_or_else(|| panic!("{label}: accepted, but the framework raises {error}"));
        assert!(
            rejection.message.contains(rule),
            "{label}: {:?} does not quote {rule:?}",
            rejection.message
        );
        for command in ["table", "check"] {
            let output = lrsched()
                .arg(command)
                .args(flags_of(&case.params, case.dialect))
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{label}: {command}: {stderr}"
            );
            assert!(output.stdout.is_empty(), "{label}: {command} wrote rows");
            assert!(
                stderr.starts_with("error: ") && stderr.contains(rule),
                "{label}: {command}: {stderr:?} does not quote {rule:?}"
            );
            assert!(
                stderr.contains(case.dialect.name()),
                "{label}: {command}: {stderr:?} does not name the dialect"
            );
        }
        checked += 1;
    }
    // maskrcnn unsorted, detectron2 repeated + unsorted, mxnet repeated + unsorted, mmengine
    // nowarmup; timm-train constant, mmcv1 nowarmup; paddledet constant, paddle constant +
    // repeated + nowarmup + unsorted; tf-model-garden constant + unsorted, keras all but
    // nowarmup (6), optax constant + overlap.
    assert_eq!(checked, 6 + 2 + 5 + 2 + 6 + 2);
}

/// The golden rows of one dialect's case, from its compact copy.
fn golden_rows(dialect: Dialect, case: &str) -> Vec<f64> {
    let path = golden_dir()
        .join(dialect.name())
        .join(format!("{case}.runs"));
    let csv = expand(&fs::read_to_string(&path).expect("runs file"));
    rows(&csv, &format!("{}/{case}", dialect.name()))
}

#[test]
fn dialect_all_tabulates_every_framework_that_accepts_the_case() {
    let cases = cases();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let of_case: Vec<&Case> = cases.iter().filter(|c| c.name == name).collect();
        let mut flags = flags_of(&of_case[0].params, Dialect::default());
        flags.pop();
        let output = lrsched()
            .args(["table", "--format=csv", "--dialect=all"])
            .args(&flags)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{name}: {stderr}");
        let table = String::from_utf8(output.stdout).expect("UTF-8");
        let mut lines = table.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let body: Vec<Vec<f64>> = lines
            .map(|line| {
                line.split(',')
                    .skip(1)
                    .map(|v| v.parse().unwrap())
                    .collect()
            })
            .collect();
        let mut column = 0;
        for case in &of_case {
            match &case.expected {
                Expected::Curve { .. } => {
                    let label = format!("lr_{}", case.dialect.name());
                    assert_eq!(
                        header[column + 1],
                        label,
                        "{name}: columns in dialect order"
                    );
                    let actual: Vec<f64> = body.iter().map(|row| row[column]).collect();
                    let expected = golden_rows(case.dialect, name);
                    assert_same_bits(case, "lrsched table --dialect all", &expected, &actual);
                    column += 1;
                }
                Expected::Error(error) => {
                    let skipped = stderr.lines().any(|line| {
                        line.starts_with("warning: --dialect all: skipped")
                            && line.contains(case.dialect.name())
                            && line.contains(framework_rule(error))
                    });
                    assert!(
                        skipped,
                        "{name}: no warning for {}: {stderr}",
                        case.dialect.name()
                    );
                }
            }
        }
        assert_eq!(header.len(), column + 1, "{name}: {header:?}");
    }
}

#[test]
fn a_tampered_copy_is_caught() {
    let runs = "0,2,0.5\n2,1,0.1\n";
    assert_eq!(expand(runs), "iteration,lr\n0,0.5\n1,0.5\n2,0.1\n");
    assert_ne!(
        sha256_hex(&expand(runs)),
        sha256_hex(&expand("0,2,0.5\n2,1,0.10\n"))
    );
}

#[test]
fn framework_rules_are_read_from_the_exception_text() {
    assert_eq!(
        framework_rule(
            "ValueError: ('Milestones should be a list of increasing integers. Got {}', [60, 30])"
        ),
        "Milestones should be a list of increasing integers"
    );
    assert_eq!(
        framework_rule("ValueError: end should be larger than begin, but got begin=0, end=0\n"),
        "end should be larger than begin, but got begin=0, end=0"
    );
    assert_eq!(
        framework_rule("AssertionError:  'warmup_steps' must be a positive integer.\n"),
        "'warmup_steps' must be a positive integer."
    );
    assert_eq!(
        framework_rule(
            "ValueError: Unsupported (raised by gen_timm_train.py, not by timm): timm warms up \
             linearly only\n"
        ),
        "timm warms up linearly only"
    );
    assert_eq!(
        framework_rule(
            "Unsupported (raised by gen_next.py, not by the framework): keras.optimizers.\
             schedules.PiecewiseConstantDecay has no warmup; only cases with warmup_iters = 0"
        ),
        "keras.optimizers.schedules.PiecewiseConstantDecay has no warmup"
    );
    assert_eq!(
        framework_rule(
            "InvalidArgumentError: Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. \
             Summarized data: b'Input error: exclusive=True: more than 1 conditions (?, ?, ?) \
             evaluated as True:'\nTrue, True, False"
        ),
        "exclusive=True: more than 1 conditions"
    );
}

/// A schedule past the step limit of the dialects that update in place leaves just those out
/// of `--dialect all`, each with one warning that names the key at fault; the others answer
/// (paddledet, keras and optax refuse these schedules for reasons of their own).
#[test]
fn dialect_all_leaves_out_the_dialects_past_their_step_limit() {
    const PAST_LIMIT: &str = "past its limit of 10000000 steps for this dialect";
    /// Flags, then each dialect left out: the key at fault, the dialect, a phrase of its reason.
    type Skips = (
        &'static [&'static str],
        &'static [(&'static str, &'static str, &'static str)],
    );
    const W: &str = "--warmup-iters";
    const STEP: &str = "--step-size";
    let cases: [Skips; 2] = [
        (
            &[
                "--warmup-iters",
                "1000000000000",
                "--iters",
                "1000000000000",
            ],
            &[
                (W, "torch-chained", PAST_LIMIT),
                (W, "torch-sequential", PAST_LIMIT),
                (W, "mmengine", PAST_LIMIT),
                (W, "keras", "has no warmup"),
                // optax's int32 steps stop below W.
                (W, "optax", "optax's steps are int32"),
            ],
        ),
        (
            &["--step-size", "1", "--iters", "1000000000000"],
            &[
                (STEP, "torch-chained", PAST_LIMIT),
                (STEP, "torch-sequential", PAST_LIMIT),
                (STEP, "mxnet", PAST_LIMIT),
                (STEP, "mmengine", PAST_LIMIT),
                (STEP, "paddledet", "int too large to convert to float"),
                // Keras refuses the default warmup; optax takes an explicit dict of milestones.
                ("warmup_iters (default)", "keras", "has no warmup"),
                (STEP, "optax", "explicit dict"),
            ],
        ),
    ];
    for (flags, skipped) in cases {
        let output = lrsched()
            .args(["at", "5", "--dialect", "all"])
            .args(flags)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{flags:?}: {stderr}");
        let values = String::from_utf8(output.stdout).expect("UTF-8");
        assert_eq!(
            values.split_whitespace().count(),
            Dialect::ALL.len() - skipped.len(),
            "{flags:?}: {values}"
        );
        let skip_lines: Vec<&str> = stderr
            .lines()
            .filter(|line| line.starts_with("warning: --dialect all: skipped"))
            .collect();
        assert_eq!(skip_lines.len(), skipped.len(), "{flags:?}: {stderr}");
        for (line, (key, dialect, reason)) in skip_lines.iter().zip(skipped) {
            assert!(
                line.contains(&format!("it: {key}: {dialect}: ")) && line.contains(reason),
                "{flags:?}: {line}"
            );
        }
    }
}
