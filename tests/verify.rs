//! `lrsched verify` through the binary: the exit status and diagnosis of every example log of
//! docs/verify.md (their transcripts are compared by tests/docs.rs, which does not look at the
//! status), the JSON report, the bounds on a line, and the real framework logs of tests/logs/.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the binary builds");
    command
        .current_dir(ROOT)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    command
}

/// The JSON report of `verify ARGS`, and its exit status.
fn report(args: &[&str]) -> (i32, Value) {
    let output = lrsched()
        .arg("verify")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("lrsched runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{stdout}"));
    (output.status.code().expect("an exit status"), json)
}

fn causes(json: &Value) -> Vec<String> {
    json["logs"][0]["diagnoses"]
        .as_array()
        .expect("diagnoses")
        .iter()
        .map(|d| d["cause"].as_str().expect("a cause").to_string())
        .collect()
}

/// Every format's example agrees with the schedule its framework ran.
#[test]
fn the_example_logs_agree() {
    let cases: &[(&[&str], &str, bool)] = &[
        (&["docs/verify/detectron2/metrics.json"], "detectron2", true),
        (
            &[
                "docs/verify/detectron2/metrics.json",
                "--dialect",
                "detectron2",
            ],
            "detectron2",
            true,
        ),
        (
            &[
                "docs/verify/mmengine/vis_data/scalars.json",
                "--dialect",
                "mmengine",
            ],
            "mmengine",
            true,
        ),
        (
            &[
                "docs/verify/mmengine/20240101_120000.log",
                "--dialect",
                "mmengine",
            ],
            "mmengine-log",
            false,
        ),
        (
            &[
                "docs/verify/lightning/metrics.csv",
                "--dialect",
                "torch-chained",
            ],
            "lightning",
            true,
        ),
        (&["docs/verify/tensorboard"], "tensorboard", false),
        (
            &["docs/verify/tensorboard-csv/run-lr.csv"],
            "tensorboard-csv",
            false,
        ),
        (
            &["docs/verify/keras/training.csv", "--iters-per-epoch", "10"],
            "keras",
            false,
        ),
        (&["docs/verify/table/lr.csv"], "csv", true),
    ];
    for (args, format, bit_identical) in cases {
        let (status, json) = report(args);
        assert_eq!(status, 0, "{args:?}: {json}");
        let log = &json["logs"][0];
        assert_eq!(log["format"], *format, "{args:?}");
        assert_eq!(log["agrees"], true, "{args:?}");
        assert_eq!(log["bit_identical"], *bit_identical, "{args:?}");
        assert_eq!(log["differing"], 0, "{args:?}");
    }
}

/// Every mistake of docs/verify.md exits 1 with its diagnosis.
#[test]
fn the_example_mistakes_are_diagnosed() {
    let cases: &[(&[&str], &[&str], u64)] = &[
        (
            &["docs/verify/mistakes/restarted.json"],
            &["scheduler-restarted"],
            74,
        ),
        (&["docs/verify/resumed"], &["scheduler-restarted"], 74),
        (
            &[
                "docs/verify/mistakes/epochs.json",
                "--iters-per-epoch",
                "10",
            ],
            &["milestones-in-epochs-stepped-per-iteration"],
            9,
        ),
        (
            &["docs/verify/mistakes/torch-sequential.json"],
            &["other-dialect"],
            3,
        ),
        (
            &["docs/verify/mistakes/shifted.json"],
            &["other-dialect", "decays-shifted"],
            50,
        ),
        (
            &["docs/verify/mistakes/one-step-ahead.json"],
            &["steps-off-by-one"],
            4,
        ),
        (
            &["docs/verify/mistakes/scaled-twice.json"],
            &["constant-ratio"],
            4,
        ),
    ];
    for (args, expected, first) in cases {
        let (status, json) = report(args);
        assert_eq!(status, 1, "{args:?}: {json}");
        assert_eq!(causes(&json), *expected, "{args:?}");
        assert_eq!(
            json["logs"][0]["first_difference"]["iteration"], *first,
            "{args:?}"
        );
    }
    let (_, json) = report(&["docs/verify/mistakes/restarted.json"]);
    let text = json["logs"][0]["diagnoses"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("the scheduler restarted at iteration 70:"),
        "{text}"
    );
    let (_, json) = report(&["docs/verify/mistakes/torch-sequential.json"]);
    let text = json["logs"][0]["diagnoses"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("this log matches torch-sequential"),
        "{text}"
    );
    assert!(
        text.contains("decays at 60 and 110 instead of 50 and 100"),
        "{text}"
    );
    let (_, json) = report(&["docs/verify/mistakes/scaled-twice.json"]);
    let text = json["logs"][0]["diagnoses"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("every logged lr is 8.0 × the expected one"),
        "{text}"
    );
}

/// Without iters_per_epoch the epoch mistake cannot be tried, and the report says so.
#[test]
fn an_unexplained_difference_says_what_was_tried() {
    let output = lrsched()
        .args(["verify", "docs/verify/mistakes/epochs.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "diagnosis: none of the known causes fits; tried a restart of the scheduler, epochs \
             read as iterations needs iters_per_epoch (--iters-per-epoch N)"
        ),
        "{stdout}"
    );
}

/// A resumed run that appended to its log from the checkpoint, with the scheduler's state
/// restored: the replayed points replace the first ones, and the log agrees.
#[test]
fn a_resume_with_the_scheduler_state_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> =
        fs::read_to_string(Path::new(ROOT).join("docs/verify/detectron2/metrics.json"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
    // Logged to iteration 89, resumed from the checkpoint at 70.
    let mut log = lines[..18].join("\n") + "\n";
    log += &(lines[14..].join("\n") + "\n");
    let path = dir.path().join("metrics.json");
    fs::write(&path, log).unwrap();
    let (status, json) = report(&[path.to_str().unwrap()]);
    assert_eq!(status, 0, "{json}");
    let log = &json["logs"][0];
    assert_eq!(log["points"], 30);
    assert_eq!(log["restarts"][0]["iteration"], 74);
    assert_eq!(log["restarts"][0]["at"], "line 19");
}

/// A line over 1 MiB is refused with the limit, in constant memory.
#[test]
fn a_line_over_the_limit_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = String::from("{\"iteration\": 19, \"lr\": 0.001, \"x\": 1}\n{\"pad\": \"");
    log.push_str(&"x".repeat(1 << 20));
    log.push_str("\"}\n");
    fs::write(dir.path().join("metrics.json"), log).unwrap();
    lrsched()
        .current_dir(dir.path())
        .args(["verify", "metrics.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: metrics.json:2: line longer than 1048576 bytes (the limit for a log line)\n",
        );
}

/// `--log-format` overrides detection; a format that does not fit the file says what it misses.
#[test]
fn from_names_the_format() {
    lrsched()
        .args([
            "verify",
            "docs/verify/table/lr.csv",
            "--log-format",
            "tensorboard",
        ])
        .assert()
        .code(2)
        .stderr(
            "error: docs/verify/table/lr.csv:record 1 at byte 0: corrupted: the length's CRC does \
             not match (not an event file, or damaged)\n",
        );
    lrsched()
        .args([
            "verify",
            "docs/verify/table/lr.csv",
            "--log-format",
            "jsonl",
        ])
        .assert()
        .code(2)
        .stderr(
            "error: docs/verify/table/lr.csv:1: not a JSON line: expected a JSON object '{' at \
             column 1, found 'iteration,lr'\n",
        );
}

/// One run of tests/logs/ (see its README): the log files, the flags beyond its
/// schedule.toml, and what verify must find.
struct Run {
    dir: &'static str,
    /// Paths under the run's directory; `*` stands for mmengine's timestamp.
    logs: &'static [&'static str],
    flags: &'static [&'static str],
    format: &'static str,
    points: u64,
    /// For a wrong run: the points that differ, the first, and the diagnosis.
    wrong: Option<(u64, u64, &'static str)>,
}

const RUNS: &[Run] = &[
    Run {
        dir: "detectron2-correct",
        logs: &["metrics.json"],
        flags: &[],
        format: "detectron2",
        points: 100,
        wrong: None,
    },
    Run {
        dir: "detectron2-resume-no-scheduler-state",
        logs: &["metrics.json"],
        flags: &[],
        format: "detectron2",
        points: 100,
        wrong: Some((45, 519, "scheduler-restarted")),
    },
    Run {
        dir: "mmengine-iter-correct",
        logs: &["*/vis_data/scalars.json", "*/vis_data/*.json", "*/*.log"],
        flags: &[],
        format: "",
        points: 100,
        wrong: None,
    },
    Run {
        dir: "mmengine-epoch-correct",
        logs: &["*/vis_data/scalars.json", "*/vis_data/*.json", "*/*.log"],
        flags: &[],
        format: "",
        points: 60,
        wrong: None,
    },
    Run {
        dir: "mmengine-epoch-milestones-per-iter",
        logs: &["*/vis_data/scalars.json", "*/vis_data/*.json", "*/*.log"],
        flags: &[],
        format: "",
        points: 60,
        wrong: Some((55, 9, "milestones-in-epochs-stepped-per-iteration")),
    },
    Run {
        dir: "lightning-correct",
        logs: &["lightning_logs/version_0/metrics.csv"],
        flags: &[],
        format: "lightning",
        points: 100,
        wrong: None,
    },
    Run {
        dir: "lightning-lr-scaled-twice",
        logs: &["lightning_logs/version_0/metrics.csv"],
        flags: &[],
        format: "lightning",
        points: 100,
        wrong: Some((100, 9, "constant-ratio")),
    },
    Run {
        dir: "tensorboard-torch",
        logs: &[""],
        flags: &[],
        format: "tensorboard",
        points: 2000,
        wrong: None,
    },
    Run {
        dir: "tensorboard-torch-restart",
        logs: &[""],
        flags: &[],
        format: "tensorboard",
        points: 2000,
        wrong: None,
    },
    Run {
        dir: "tensorboard-csv-export",
        logs: &["run-.-tag-train_lr.csv"],
        flags: &[],
        format: "tensorboard-csv",
        points: 802,
        wrong: None,
    },
    Run {
        dir: "keras-csvlogger",
        logs: &["training.csv"],
        flags: &[],
        format: "keras",
        points: 12,
        wrong: None,
    },
    Run {
        dir: "keras-tensorboard",
        logs: &["train"],
        flags: &[],
        format: "tensorboard",
        points: 12,
        wrong: None,
    },
    Run {
        dir: "keras-tensorboard-epoch-boundaries",
        logs: &["train"],
        flags: &[],
        format: "tensorboard",
        points: 12,
        wrong: Some((11, 20, "milestones-in-epochs-stepped-per-iteration")),
    },
];

/// `pattern` under `dir`, each `*` one directory entry (the first match, sorted).
fn resolve(dir: &Path, pattern: &str) -> Vec<String> {
    let mut paths = vec![dir.to_path_buf()];
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        let mut next = Vec::new();
        for path in paths {
            if part.contains('*') {
                let (prefix, suffix) = part.split_once('*').unwrap();
                let mut names: Vec<String> = fs::read_dir(&path)
                    .map(|entries| {
                        entries
                            .filter_map(|e| e.ok()?.file_name().into_string().ok())
                            .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
                            .filter(|n| n != "scalars.json")
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                next.extend(names.into_iter().map(|n| path.join(n)));
            } else {
                next.push(path.join(part));
            }
        }
        paths = next;
    }
    paths
        .into_iter()
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect()
}

/// Every run of tests/logs/, written by the frameworks themselves: the correct ones agree
/// (exit 0), the wrong ones differ (exit 1) with the diagnosis the README expects.
#[test]
fn the_real_framework_logs() {
    // Keras' PiecewiseConstantDecay decays once the step is past a boundary, as MXNet does;
    // until lrsched has a keras dialect, its runs are read with mxnet's.
    let keras = lrsched::schedule::Dialect::from_name("keras").is_some();
    let mut checked = 0;
    for run in RUNS {
        let dir = Path::new(ROOT).join("tests/logs").join(run.dir);
        let schedule = dir.join("schedule.toml");
        for pattern in run.logs {
            let logs = resolve(&dir, pattern);
            assert!(!logs.is_empty(), "{}: nothing matches {pattern}", run.dir);
            for log in logs {
                let mut args = vec![log.as_str(), "-c", schedule.to_str().unwrap()];
                args.extend(run.flags);
                if run.dir.starts_with("keras-tensorboard") && !keras {
                    args.extend(["--dialect", "mxnet"]);
                }
                let (status, json) = report(&args);
                let found = &json["logs"][0];
                if !run.format.is_empty() {
                    assert_eq!(found["format"], run.format, "{log}");
                }
                assert_eq!(found["points"], run.points, "{log}: {found}");
                match run.wrong {
                    None => {
                        assert_eq!(status, 0, "{log}: {found}");
                        assert_eq!(found["differing"], 0, "{log}");
                    }
                    Some((differing, first, cause)) => {
                        assert_eq!(status, 1, "{log}: {found}");
                        assert_eq!(found["differing"], differing, "{log}");
                        assert_eq!(found["first_difference"]["iteration"], first, "{log}");
                        assert_eq!(causes(&json), [cause], "{log}");
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 19, "every log of every run");
}

/// The resumed run restarted its scheduler at the checkpoint, iteration 500; the event files
/// of the other restarted run replace the first file's points from step 1000.
#[test]
fn the_real_restarts() {
    let dir = Path::new(ROOT).join("tests/logs");
    let log = dir.join("detectron2-resume-no-scheduler-state/metrics.json");
    let schedule = dir.join("detectron2-resume-no-scheduler-state/schedule.toml");
    let (_, json) = report(&[log.to_str().unwrap(), "-c", schedule.to_str().unwrap()]);
    let found = &json["logs"][0];
    assert_eq!(found["restarts"][0]["iteration"], 519);
    assert_eq!(found["restarts"][0]["at"], "line 38");
    assert_eq!(found["first_difference"]["logged"], 0.0038161999999999996);
    assert_eq!(found["first_difference"]["expected"], 0.02);
    let text = found["diagnoses"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("the scheduler restarted at iteration 500:"),
        "{text}"
    );

    let run = dir.join("tensorboard-torch-restart");
    let schedule = run.join("schedule.toml");
    let (status, json) = report(&[run.to_str().unwrap(), "-c", schedule.to_str().unwrap()]);
    assert_eq!(status, 0);
    assert_eq!(json["logs"][0]["restarts"][0]["iteration"], 1000);
    assert_eq!(json["logs"][0]["first"], 0);
    assert_eq!(json["logs"][0]["last"], 1999);
}
