//! `lrsched fit` through the binary: the schedule recovered from every correct run of
//! tests/logs/ and every agreeing example of docs/verify/, which `verify` must then accept for
//! the same log (the round trip); what a wrong run fits or why it does not.

use std::fs;

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the binary builds");
    command
        .current_dir(ROOT)
        .env_remove("CLICOLOR_FORCE")
        .env("NO_COLOR", "1");
    command
}

/// `fit ARGS`: its exit status and stdout.
fn fit(args: &[&str]) -> (i32, String) {
    let output = lrsched().arg("fit").args(args).output().expect("runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    (output.status.code().expect("a status"), stdout)
}

/// The TOML's lines that are not comments.
fn keys(toml: &str) -> Vec<&str> {
    toml.lines().filter(|l| !l.starts_with('#')).collect()
}

/// Fits `log` (with `extra` flags), then verifies the log against the fitted TOML: both must
/// succeed. Returns the TOML.
fn round_trip(log: &str, extra: &[&str]) -> String {
    let mut args = vec![log];
    args.extend(extra);
    let (code, toml) = fit(&args);
    assert_eq!(code, 0, "{log}: fit failed:\n{toml}");
    let dir = tempfile::tempdir().unwrap();
    let schedule = dir.path().join("fitted.toml");
    fs::write(&schedule, &toml).unwrap();
    let output = lrsched()
        .args(["verify", log, "-c"])
        .arg(&schedule)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{log}: verify rejects the fitted schedule:\n{toml}\n{report}"
    );
    assert!(report.contains("agrees: every point"), "{report}");
    toml
}

/// The parameters the run's config gave (tests/logs/README.md), as TOML lines.
fn d2_config(dialect: &str) -> Vec<String> {
    [
        "base_lr = 0.02",
        "milestones = [1200, 1600]",
        "gamma = 0.1",
        "warmup_iters = 100",
        "warmup_factor = 0.001",
        "warmup_method = \"linear\"",
        "iters = 2000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("dialect = \"{dialect}\"")])
    .collect()
}

#[test]
fn detectron2_run_every_20_iterations() {
    let toml = round_trip("tests/logs/detectron2-correct/metrics.json", &[]);
    assert_eq!(keys(&toml), d2_config("detectron2"));
    assert!(toml.contains("# every logged point is reproduced by: detectron2\n"));
    // Logged at 1199 and 1219: the decay is only known to a range.
    assert!(toml.contains(
        "# decay 1 between iterations 1200 and 1219 (the log shows no point between): 1200 \
         taken, the roundest\n"
    ));
}

#[test]
fn tensorboard_runs_every_iteration_in_float32() {
    for log in [
        "tests/logs/tensorboard-torch",
        "tests/logs/tensorboard-torch-restart",
        "tests/logs/tensorboard-csv-export/run-.-tag-train_lr.csv",
    ] {
        let toml = round_trip(log, &[]);
        assert_eq!(keys(&toml), d2_config("maskrcnn"), "{log}");
        // The run's own dialect is among those that reproduce it.
        let dialects = toml.lines().find(|l| l.contains("reproduced by")).unwrap();
        assert!(dialects.contains("torch-chained"), "{log}: {dialects}");
    }
}

#[test]
fn mmengine_runs_in_place_arithmetic_and_printed_digits() {
    let iter_run = "tests/logs/mmengine-iter-correct/20261130_034816";
    let toml = round_trip(&format!("{iter_run}/vis_data/scalars.json"), &[]);
    // The peak is 0.020000000000000007: mmengine's in-place arithmetic from base_lr 0.02.
    assert_eq!(
        keys(&toml),
        [
            "base_lr = 0.02",
            "milestones = [600, 800]",
            "gamma = 0.1",
            "warmup_iters = 100",
            "warmup_factor = 0.001",
            "warmup_method = \"linear\"",
            "iters = 1000",
            "dialect = \"mmengine\"",
        ]
    );
    let toml = round_trip(&format!("{iter_run}/20261130_034816.log"), &[]);
    assert!(toml.contains("base_lr = 0.02\nmilestones = [600, 800]\ngamma = 0.1\n"));
    let epoch_run = "tests/logs/mmengine-epoch-correct/20261130_034329/vis_data/scalars.json";
    let toml = round_trip(epoch_run, &["--iters-per-epoch", "50"]);
    assert!(toml.contains("milestones = [400, 550]\n"), "{toml}");
    assert!(toml.contains("iters_per_epoch = 50\n"));
}

#[test]
fn lightning_run_is_torch_sequential() {
    let toml = round_trip(
        "tests/logs/lightning-correct/lightning_logs/version_0/metrics.csv",
        &[],
    );
    // SequentialLR decays at 700 and 900 for milestones 600 and 800: its own milestones.
    assert!(toml.contains("milestones = [600, 800]\n"), "{toml}");
    assert!(
        toml.ends_with("iters = 1000\ndialect = \"torch-sequential\"\n"),
        "{toml}"
    );
}

#[test]
fn keras_runs_per_epoch() {
    let toml = round_trip(
        "tests/logs/keras-csvlogger/training.csv",
        &["--iters-per-epoch", "20"],
    );
    assert!(
        toml.contains("base_lr = 0.02\nmilestones = [160, 220]\ngamma = 0.1\n"),
        "{toml}"
    );
    let toml = round_trip(
        "tests/logs/keras-tensorboard/train",
        &["--iters-per-epoch", "20"],
    );
    // Logged after each epoch: the decays show between 160 and 180, 220 and 240.
    assert!(
        toml.contains("base_lr = 0.02\nmilestones = [180, 240]\n"),
        "{toml}"
    );
}

#[test]
fn docs_examples_round_trip() {
    for (log, extra) in [
        ("docs/verify/detectron2/metrics.json", &[][..]),
        ("docs/verify/mmengine/vis_data/scalars.json", &[]),
        ("docs/verify/mmengine/20240101_120000.log", &[]),
        ("docs/verify/lightning/metrics.csv", &[]),
        ("docs/verify/tensorboard", &[]),
        ("docs/verify/tensorboard-csv/run-lr.csv", &[]),
        ("docs/verify/table/lr.csv", &[]),
        (
            "docs/verify/keras/training.csv",
            &["--iters-per-epoch", "10"],
        ),
        ("docs/verify/mistakes/torch-sequential.json", &[]),
        ("docs/verify/mistakes/shifted.json", &[]),
        ("docs/verify/mistakes/scaled-twice.json", &[]),
    ] {
        round_trip(log, extra);
    }
    // The reference example, logged every iteration: its parameters exactly.
    let toml = round_trip("docs/verify/table/lr.csv", &[]);
    assert_eq!(
        keys(&toml),
        [
            "base_lr = 0.01",
            "milestones = [50, 100]",
            "gamma = 0.1",
            "warmup_iters = 10",
            "warmup_factor = 0.1",
            "warmup_method = \"linear\"",
            "iters = 150",
            "dialect = \"maskrcnn\"",
        ]
    );
}

#[test]
fn wrong_runs_fit_another_schedule_or_none() {
    // The linear scaling applied twice: base_lr 0.08 where 0.04 was meant.
    let toml = round_trip(
        "tests/logs/lightning-lr-scaled-twice/lightning_logs/version_0/metrics.csv",
        &[],
    );
    assert!(toml.contains("base_lr = 0.08\n"), "{toml}");
    // Boundaries in epochs counted as iterations: every point past them, at 0.0002.
    let toml = round_trip(
        "tests/logs/keras-tensorboard-epoch-boundaries/train",
        &["--iters-per-epoch", "20"],
    );
    assert!(
        toml.contains("base_lr = 0.0002\nmilestones = []\n"),
        "{toml}"
    );
    // The resume that restarted the scheduler: no warmup + multi-step curve.
    let (code, text) = fit(&["tests/logs/detectron2-resume-no-scheduler-state/metrics.json"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains(
        "not a warmup + multi-step curve: past its peak 0.02 at iteration 119, the lr falls to \
         0.0038161999999999996 at 519 and rises again at 539: a restart of the schedule"
    ));
    assert!(text.contains("    519..599 (5 points): rising, 0.0038161999999999996 to 0.0198002\n"));
    assert!(text.contains("    619..1699 (55 points): constant 0.02\n"));
    // Epoch milestones in a per-iteration scheduler: both decays inside the warmup.
    let (code, text) = fit(&[
        "tests/logs/mmengine-epoch-milestones-per-iter/20261130_034340/vis_data/scalars.json",
    ]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the lr falls at iteration 19 before its peak"),
        "{text}"
    );
}

#[test]
fn a_cosine_is_no_step_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("lr.csv");
    let mut text = String::from("iteration,lr\n");
    for t in (0..1000u64).step_by(20) {
        let lr = 0.05 * (1.0 + (std::f64::consts::PI * t as f64 / 1000.0).cos());
        text.push_str(&format!("{t},{lr:?}\n"));
    }
    fs::write(&log, text).unwrap();
    let (code, out) = fit(&[log.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(
        "not a warmup + multi-step curve: from iteration 0 the lr changes at every logged \
         point: a continuous decay (cosine, exponential, polynomial), not steps"
    ));
    assert!(
        out.contains("    0..980 (50 points): falling, 0.1 to "),
        "{out}"
    );
}

#[test]
fn explicit_values_when_no_gamma_fits() {
    // Levels 0.1, 0.03, 0.001 in float32, as TensorBoard's CSV download stores them: no gamma
    // gives them; PiecewiseConstantDecay (Keras, TF Model Garden) takes them as values, and
    // decays a step after each boundary.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run-lr.csv");
    let mut text = String::from("Wall time,Step,Value\n");
    for t in 0..30u64 {
        let lr: f32 = match t {
            0..10 => 0.1,
            10..20 => 0.03,
            _ => 0.001,
        };
        text.push_str(&format!("1700000000.0,{t},{:?}\n", f64::from(lr)));
    }
    fs::write(&log, text).unwrap();
    let toml = round_trip(log.to_str().unwrap(), &[]);
    assert!(
        toml.contains("milestones = [9, 19]\nvalues = [0.1, 0.03, 0.001]\n"),
        "{toml}"
    );
    assert!(toml.contains("# every logged point is reproduced by: tf-model-garden, keras\n"));
    assert!(
        toml.contains("# values: no gamma reproduces every level"),
        "{toml}"
    );
}
