//! End-to-end tests of each command through the real binary: outputs, formats, precedence
//! of flags over files, and the example schedules. Bad input has its own file (errors.rs);
//! bit-exact golden curves have theirs.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn lrsched() -> Command {
    Command::cargo_bin("lrsched").expect("binary builds")
}

fn stdout_of(args: &[&str]) -> String {
    let output = lrsched().args(args).output().expect("runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "{args:?} wrote to stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Parses `iteration,lr` CSV rows.
fn csv_rows(text: &str) -> Vec<(u64, f64)> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("iteration,lr"));
    lines
        .map(|line| {
            let (t, lr) = line.split_once(',').expect("two cells");
            (t.parse().expect("iteration"), lr.parse().expect("lr"))
        })
        .collect()
}

#[test]
fn table_default_is_the_reference_example() {
    let rows = csv_rows(&stdout_of(&["table"]));
    assert_eq!(rows.len(), 150);
    let expect = [
        (0, 0.001),
        (9, 0.0091),
        (10, 0.01),
        (49, 0.01),
        (50, 0.001),
        (99, 0.001),
        (100, 0.00010000000000000002),
        (149, 0.00010000000000000002),
    ];
    for (t, lr) in expect {
        assert_eq!(rows[t as usize], (t, lr), "row {t}");
    }
}

#[test]
fn table_formats() {
    let args = [
        "table",
        "--start",
        "9",
        "--end",
        "11",
        "--columns",
        "iteration,lr,phase,factor",
    ];
    let with = |format: &str| stdout_of(&[&args[..], &["--format", format]].concat());
    assert_eq!(
        with("csv"),
        "iteration,lr,phase,factor\n9,0.0091,warmup,0.91\n10,0.01,base,1.0\n"
    );
    assert_eq!(
        with("tsv"),
        "iteration\tlr\tphase\tfactor\n9\t0.0091\twarmup\t0.91\n10\t0.01\tbase\t1.0\n"
    );
    assert_eq!(
        with("jsonl"),
        "{\"iteration\":9,\"lr\":0.0091,\"phase\":\"warmup\",\"factor\":0.91}\n\
         {\"iteration\":10,\"lr\":0.01,\"phase\":\"base\",\"factor\":1.0}\n"
    );
    assert_eq!(
        with("json"),
        "{\"schedules\":[\n{\"name\":\"schedule\",\"dialect\":\"maskrcnn\",\"base_lr\":0.01,\
         \"milestones\":[50,100],\"gamma\":0.1,\"warmup_iters\":10,\"warmup_factor\":0.1,\
         \"warmup_method\":\"linear\",\"iters\":150,\"iters_per_epoch\":null}\n],\n\"rows\":[\n\
         {\"iteration\":9,\"lr\":0.0091,\"phase\":\"warmup\",\"factor\":0.91},\n\
         {\"iteration\":10,\"lr\":0.01,\"phase\":\"base\",\"factor\":1.0}\n]}\n"
    );
}

#[test]
fn table_every_start_end_and_epoch_column() {
    assert_eq!(
        stdout_of(&["table", "--every", "40", "--start", "5"]),
        "iteration,lr\n5,0.0055000000000000005\n45,0.01\n85,0.001\n125,0.00010000000000000002\n"
    );
    assert_eq!(
        stdout_of(&[
            "table",
            "--iters-per-epoch",
            "4",
            "--columns",
            "epoch,lr",
            "--end",
            "3"
        ]),
        "epoch,lr\n0.0,0.001\n0.25,0.0019\n0.5,0.0028000000000000004\n"
    );
}

#[test]
fn table_to_file_takes_the_format_from_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.jsonl");
    lrsched()
        .args(["table", "--end", "2", "-o"])
        .arg(&path)
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"iteration\":0,\"lr\":0.001}\n{\"iteration\":1,\"lr\":0.0019}\n"
    );
}

#[test]
fn table_of_several_schedules_has_one_lr_column_each() {
    let dir = tempfile::tempdir().unwrap();
    let fast = dir.path().join("fast.toml");
    fs::write(&fast, "milestones = [2]\niters = 4\nwarmup_iters = 0\n").unwrap();
    assert_eq!(
        stdout_of(&[
            "table",
            "schedules/reference.toml",
            fast.to_str().unwrap(),
            "--end",
            "5"
        ]),
        "iteration,lr_reference,lr_fast\n0,0.001,0.01\n1,0.0019,0.01\n2,0.0028000000000000004,0.001\n\
         3,0.0037,0.001\n4,0.0046,\n"
    );
}

#[test]
fn each_schedule_counts_its_own_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.toml");
    let long = dir.path().join("long.toml");
    let none = dir.path().join("none.toml");
    let schedule = "milestones = [60000, 80000]\niters = 100000\n";
    fs::write(&short, format!("iters_per_epoch = 7393\n{schedule}")).unwrap();
    fs::write(&long, format!("iters_per_epoch = 14786\n{schedule}")).unwrap();
    fs::write(&none, schedule).unwrap();
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let text = stdout_of(&[
        "table",
        &path(&short),
        &path(&long),
        "--columns",
        "iteration,epoch,lr",
        "--start",
        "59144",
        "--end",
        "59145",
    ]);
    assert_eq!(
        text,
        "iteration,epoch_short,epoch_long,lr_short,lr_long\n59144,8.0,4.0,0.01,0.01\n"
    );
    // One schedule without an epoch length is an error naming it, not the other's epochs.
    lrsched()
        .args(["table", &path(&short), &path(&none), "--columns", "epoch,lr"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: --columns: the epoch column needs every schedule's iters_per_epoch, and \
             'none' has none (--iters-per-epoch N sets it for all, or iters_per_epoch in a schedule file)\n",
        );
}

#[test]
fn closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("lrsched"))
        .args(["table", "--iters", "100000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        lines.push(line);
    }
    drop(reader);
    let output = child.wait_with_output().unwrap();
    assert_eq!(lines, ["iteration,lr\n", "0,0.001\n", "1,0.0019\n"]);
    assert!(output.status.success(), "status {:?}", output.status);
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn at_arguments_and_stdin() {
    assert_eq!(
        stdout_of(&["at", "59999", "60000", "-c", "schedules/detectron2-1x.toml"]),
        "0.02\n0.002\n"
    );
    lrsched()
        .args(["at", "-", "--format", "csv"])
        .write_stdin("0\n\n100\n 50 \n")
        .assert()
        .success()
        .stdout("iteration,lr\n0,0.001\n100,0.00010000000000000002\n50,0.001\n");
    assert_eq!(
        stdout_of(&["at", "9", "--format", "jsonl"]),
        "{\"iteration\":9,\"lr\":0.0091}\n"
    );
}

#[test]
fn flags_override_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(
        &file,
        "base_lr = 1.0\ngamma = 0.5\nmilestones = [10]\nwarmup_iters = 0\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    // From the file alone: 1.0 until 10, then 0.5.
    assert_eq!(stdout_of(&["at", "0", "10", "-c", file]), "1.0\n0.5\n");
    // A flag replaces one key and keeps the others.
    assert_eq!(
        stdout_of(&["at", "0", "10", "-c", file, "--gamma", "0.25"]),
        "1.0\n0.25\n"
    );
    assert_eq!(
        stdout_of(&["at", "10", "-c", file, "--milestones="]),
        "1.0\n"
    );
}

#[test]
fn explain_lists_the_phases() {
    assert_eq!(
        stdout_of(&["explain"]),
        "phase   first  last                lr_first                 lr_last  what\n\
         warmup      0     9                   0.001                  0.0091  linear warmup: factor 0.1 → 1 reached at iteration 10\n\
         base       10    49                    0.01                    0.01  base_lr\n\
         decay1     50    99                   0.001                   0.001  decayed once: base_lr × 0.1^1\n\
         decay2    100   149  0.00010000000000000002  0.00010000000000000002  decayed 2 times: base_lr × 0.1^2\n"
    );
    assert_eq!(
        stdout_of(&[
            "explain",
            "--format",
            "csv",
            "--milestones=",
            "--warmup-iters",
            "0",
            "--iters",
            "5"
        ]),
        "phase,first,last,lr_first,lr_last,what\nbase,0,4,0.01,0.01,base_lr\n"
    );
}

#[test]
fn check_exit_codes() {
    lrsched().args(["check"]).assert().code(0).stdout(
        "ok: schedule (maskrcnn): 150 iterations, 4 phases, lr 0.001 → 0.00010000000000000002\n",
    );
    let epochs_trap = ["check", "--iters-per-epoch", "391"];
    lrsched()
        .args(epochs_trap)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "warning: milestones [50, 100] all fall inside the first epoch",
        ));
    lrsched().args(epochs_trap).arg("--strict").assert().code(1);
    lrsched()
        .args(["check", "--gamma", "0"])
        .assert()
        .code(2)
        .stderr("error: --gamma: must be > 0, got 0\n");
}

#[test]
fn other_commands_print_lint_warnings_to_stderr() {
    lrsched()
        .args(["at", "0", "--gamma", "2"])
        .assert()
        .success()
        .stdout("0.001\n")
        .stderr("warning: schedule: gamma 2.0 > 1: the lr grows at every milestone\n");
}

#[test]
fn init_writes_a_template_that_loads_back() {
    let template = stdout_of(&["init"]);
    assert!(template.contains("milestones = [50, 100]"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    lrsched().args(["init", "-o"]).arg(&path).assert().success();
    assert_eq!(fs::read_to_string(&path).unwrap(), template);
    // Loads back to the defaults: the same table as no input at all.
    assert_eq!(
        stdout_of(&["table", path.to_str().unwrap()]),
        stdout_of(&["table"])
    );
    // Never clobbers a file unless asked.
    lrsched()
        .args(["init", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists; add --force"));
    lrsched()
        .args(["init", "--force", "-o"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn every_help_shows_examples() {
    for command in [
        &[][..],
        &["table"],
        &["at"],
        &["plot"],
        &["explain"],
        &["check"],
        &["init"],
    ] {
        let mut args: Vec<&str> = command.to_vec();
        args.push("--help");
        let help = stdout_of(&args);
        assert!(
            help.contains("Examples:\n  lrsched "),
            "{args:?} has no examples:\n{help}"
        );
    }
}

/// Every shipped example schedule loads cleanly and has the values its comments promise.
#[test]
fn example_schedules() {
    let check = |file: &str, iterations: &str, expect: &str| {
        let path = Path::new("schedules").join(file);
        lrsched()
            .args(["check", "--strict"])
            .arg(&path)
            .assert()
            .code(0);
        let args: Vec<&str> = iterations.split(' ').collect();
        let out = stdout_of(&[&["at", "-c", path.to_str().unwrap()][..], &args].concat());
        assert_eq!(
            out.split_whitespace().collect::<Vec<_>>().join(" "),
            expect,
            "{file}"
        );
    };
    check(
        "reference.toml",
        "0 10 50 100",
        "0.001 0.01 0.001 0.00010000000000000002",
    );
    check(
        "detectron2-1x.toml",
        "0 1000 59999 60000 80000 89999",
        "0.00002 0.02 0.02 0.002 0.00020000000000000004 0.00020000000000000004",
    );
    check(
        "detectron2-3x.toml",
        "1000 209999 210000 250000",
        "0.02 0.02 0.002 0.00020000000000000004",
    );
    check(
        "maskrcnn-benchmark-default.toml",
        "0 500 29999 30000",
        "0.0003333333333333333 0.001 0.001 0.0001",
    );
    // Epoch units: 30 epochs × 5005 iterations = 150150.
    check(
        "resnet-imagenet.toml",
        "25025 150149 150150 300300",
        "0.1 0.1 0.010000000000000002 0.0010000000000000002",
    );
    check(
        "constant-warmup.toml",
        "0 399 400 32000",
        "0.010000000000000002 0.010000000000000002 0.1 0.010000000000000002",
    );
    // detectron2 1x scaled to 4 GPUs: lr 0.01, every count doubled.
    check(
        "detectron2-1x-4gpu.toml",
        "0 2000 119999 120000 179999",
        "0.00001 0.01 0.01 0.001 0.00010000000000000002",
    );
    // Counts with their units: warmup 500it, decays at epochs 8 and 11 of 7330 iterations.
    // mmengine's in-place arithmetic is a departure `check --strict` reports.
    let mmdet = Path::new("schedules").join("mmdet-1x.toml");
    lrsched().arg("check").arg(&mmdet).assert().code(0);
    lrsched()
        .args(["at", "0", "500", "58640", "80630", "87959", "-c"])
        .arg(&mmdet)
        .assert()
        .success()
        .stdout(
            "0.00002\n0.019999999999999952\n0.0019999999999999953\n0.00019999999999999955\n\
             0.00019999999999999955\n",
        );
    // Stepped per epoch: timm's 3-epoch warmup from 1e-6, then 0.016 × 0.97 ** (epoch // 2.4)
    // from epoch 0 at 5004 iterations per epoch, decays at epochs 3 and 5 (train.py's
    // StepLRScheduler departs from the reference: `check --strict` reports it);
    // torchvision's in-place warmup, then decays at epochs 16 and 22.
    let timm = Path::new("schedules").join("timm-efficientnet.toml");
    lrsched().arg("check").arg(&timm).assert().code(0);
    lrsched()
        .args(["at", "0", "15011", "15012", "25020", "-c"])
        .arg(&timm)
        .assert()
        .success()
        .stdout("1e-6\n0.010667\n0.015519999999999999\n0.015054399999999999\n");
    let torchvision = Path::new("schedules").join("torchvision-detection.toml");
    lrsched().arg("check").arg(&torchvision).assert().code(0);
    lrsched()
        .args(["at", "0", "1000", "117280", "161260", "-c"])
        .arg(&torchvision)
        .assert()
        .success()
        .stdout("0.00002\n0.020000000000000073\n0.0020000000000000074\n0.00020000000000000074\n");
    let listed: Vec<String> = fs::read_dir("schedules")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed.len(),
        10,
        "a new schedule file needs a check here: {listed:?}"
    );
}

/// `--dialect all` is a comparison: the departures it shows are not warned about, and a
/// parameter warning is printed once, not once per dialect.
#[test]
fn dialect_all_warns_once_and_not_about_departures() {
    lrsched()
        .args(["at", "0", "--dialect", "all"])
        .assert()
        .success()
        // mmcv1 and gluoncv round their warmup start differently, detectron-caffe2,
        // tf-model-garden and optax hold it in float32 (golden seed.csv, row 0).
        .stdout(
            "0.001 0.001 0.001 0.001 0.001 0.001 0.001 0.001 0.0009999999999999998 \
             0.0009999999999999992 0.001 0.001 0.0010000000474974513 0.0010000000474974513 \
             0.0010000001639127731\n",
        )
        // Keras has no warmup: the one framework left out, said once.
        .stderr(
            "warning: --dialect all: skipped, as the framework refuses it: warmup_iters \
             (default): keras: keras.optimizers.schedules.PiecewiseConstantDecay has no warmup; \
             set warmup_iters = 0\n",
        );
    let output = lrsched()
        .args(["at", "0", "--dialect", "all", "--warmup-factor", "1.5"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("warmup_factor 1.5 > 1").count(),
        1,
        "{stderr}"
    );
    // One dialect on its own still warns where it departs in a way users rarely mean, and
    // keeps quiet about its rounding (a note, for explain and check).
    lrsched()
        .args([
            "at",
            "10",
            "--dialect",
            "torch-chained",
            "--warmup-iters",
            "0",
        ])
        .assert()
        .success()
        .stdout("0.001\n")
        .stderr(predicate::str::contains(
            "warning: schedule: torch-chained: after warmup the lr is 0.001, not 0.01",
        ));
    lrsched()
        .args(["at", "10", "--dialect", "torch-chained"])
        .assert()
        .success()
        .stdout("0.010000000000000004\n")
        .stderr("");
}

/// In-place rounding is what the framework does: `check` notes it and `--strict` passes; a
/// decay moved by W is a warning, and fails it.
#[test]
fn check_strict_fails_on_warnings_not_notes() {
    for dialect in ["torch-chained", "mmengine"] {
        lrsched()
            .args(["check", "--strict", "--dialect", dialect])
            .assert()
            .code(0)
            .stdout(predicate::str::starts_with(format!(
                "ok: schedule ({dialect}): "
            )))
            .stdout(predicate::str::contains(format!(
                "\n  note: {dialect}: after warmup the lr is 0.01000000000000000"
            )))
            .stdout(predicate::str::contains("warning").not());
    }
    lrsched()
        .args(["check", "--strict", "--dialect", "torch-sequential"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\n  warning: torch-sequential: decays at 60 and 110 instead of 50 and 100",
        ));
}

/// float32 rounding is the framework's own arithmetic, like in-place rounding: a note, which
/// `check --strict` passes.
#[test]
fn float32_rounding_is_a_note() {
    lrsched()
        .args(["check", "--strict", "--dialect", "detectron-caffe2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "  note: detectron-caffe2: after warmup the lr is 0.009999999776482582, not 0.01 = \
             base_lr × gamma^0 (3 of 3 constant phases are off): get_lr_at_iter returns \
             np.float32(lr), fed to Caffe2 as a float32 blob\n",
        ))
        .stdout(predicate::str::contains("warning").not());
}

/// Runs lrsched: its stdout and stderr, after asserting it succeeded.
fn outputs_of(args: &[&str]) -> (String, String) {
    let output = lrsched().args(args).output().expect("runs");
    let stderr = String::from_utf8(output.stderr).expect("UTF-8 stderr");
    assert!(output.status.success(), "{args:?} failed: {stderr}");
    (
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr,
    )
}

const KERAS_SKIPPED: &str = "warning: --dialect all: skipped, as the framework refuses it: \
    warmup_iters (default): keras: keras.optimizers.schedules.PiecewiseConstantDecay has no \
    warmup; set warmup_iters = 0\n";

/// Past six schedules, explain's text is one row per schedule against the first, then the
/// departures one line each. Every figure is read off the golden seed curves
/// (tests/golden/<dialect>/seed.runs): torch-sequential decays at 60 and 110, differs from
/// maskrcnn on 50–59 and 100–109 and in the last bits at 3, 4, 9 and 110–149; mxnet decays at
/// 51 and 101 (last bits at 1 and 101–149); timm-train at 49 and 99 (last bits at 1 and 7);
/// tf-model-garden at 51 and 101 in float32, so only 50 and 100 differ by more than float32's
/// rounding.
#[test]
fn explain_sums_up_dialect_all() {
    let (stdout, stderr) = outputs_of(&["explain", "--dialect", "all"]);
    assert_eq!(stderr, KERAS_SKIPPED);
    let lines: Vec<&str> = stdout.lines().collect();
    let expected = [
        "schedule          warmup_end  decays_at        lr_after_warmup                 lr_last  rows_vs_maskrcnn",
        "maskrcnn                  10  50 and 100                  0.01  0.00010000000000000002  reference",
        "torch-sequential          10  60 and 110                  0.01                  0.0001  differs on 20, last bits on 43",
        "mxnet                     10  51 and 101                  0.01                  0.0001  differs on 2, last bits on 50",
        "mmengine                   9  50 and 100  0.010000000000000002  0.00010000000000000003  differs on 9, last bits on 140",
        "timm-train                10  49 and 99                   0.01  0.00010000000000000002  differs on 2, last bits on 2",
        "tf-model-garden           10  51 and 101  0.009999999776482582  0.00009999999747378752  differs on 2, last bits on 148",
    ];
    for line in expected {
        assert!(lines.contains(&line), "no line {line:?} in\n{stdout}");
    }
    // A row per dialect but keras (no warmup on this example), then a blank line.
    assert_eq!(lines[0], expected[0]);
    assert_eq!(lines[16], "");
    assert!(
        !stdout.contains("keras") && !stdout.contains("decay1"),
        "{stdout}"
    );
    // The departures: one line each, the dialect named on its first only.
    assert_eq!(lines[17], "departures from maskrcnn:");
    let sequential = lines
        .iter()
        .position(|line| {
            line.starts_with("torch-sequential  decays at 60 and 110 instead of 50 and 100: ")
        })
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(lines[sequential + 1].starts_with("                  3 of 10 warmup values differ"));
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("mxnet ")).count(),
        2,
        "the row and the first note: {stdout}"
    );
    // One run in epochs for all, above the same table.
    let (epochs, _) = outputs_of(&["explain", "--dialect", "all", "--iters-per-epoch", "20"]);
    assert_eq!(
        epochs,
        format!("every schedule: 150 iterations = 7.5 epochs at 20 it/epoch\n{stdout}")
    );
}

/// `--phases` keeps the table of every phase past six schedules; the data formats always have
/// one row per phase; six schedules or fewer keep it without asking.
#[test]
fn explain_phases_flag() {
    let (stdout, _) = outputs_of(&["explain", "--dialect", "all", "--phases"]);
    let phase_rows: Vec<&str> = stdout
        .lines()
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect();
    assert_eq!(phase_rows.len(), 15 * 4, "{stdout}");
    assert!(phase_rows.contains(
        &"torch-sequential  decay1     60   109                   0.001                   0.001  decayed once: base_lr × 0.1^1"
    ));
    assert!(stdout.contains("\ntorch-sequential departs from maskrcnn:\n  - decays at 60 and 110"));

    for format in ["csv", "jsonl"] {
        for phases in [&[][..], &["--phases"][..]] {
            let args = [
                &["explain", "--dialect", "all", "--format", format][..],
                phases,
            ]
            .concat();
            let (data, _) = outputs_of(&args);
            assert_eq!(data.lines().count(), 15 * 4 + usize::from(format == "csv"));
            assert!(data.contains("mxnet"), "{data}");
        }
    }
    let (csv, _) = outputs_of(&["explain", "--dialect", "all", "--format", "csv"]);
    assert!(csv.contains("\nmxnet,decay1,51,100,0.001,0.001,decayed once: base_lr × 0.1^1\n"));

    // Six schedules: every phase, no summary.
    let six: Vec<String> = [
        "reference",
        "detectron2-1x",
        "detectron2-3x",
        "mmdet-1x",
        "constant-warmup",
        "detectron2-1x-4gpu",
    ]
    .iter()
    .map(|name| format!("schedules/{name}.toml"))
    .collect();
    let mut args = vec!["explain"];
    args.extend(six.iter().map(String::as_str));
    let (stdout, _) = outputs_of(&args);
    assert!(
        stdout.contains("\nreference           decay1      50      99"),
        "{stdout}"
    );
    assert!(!stdout.contains("rows_vs_"), "{stdout}");
    // Seven: the summary, against the first, with each file's dialect.
    args.push("schedules/maskrcnn-benchmark-default.toml");
    let (stdout, _) = outputs_of(&args);
    assert!(stdout.contains("  rows_vs_reference\n"), "{stdout}");
    assert!(
        stdout.contains("\nmmdet-1x (mmengine)  "),
        "the dialect beside the file's name: {stdout}"
    );
    assert!(!stdout.contains("decay1"), "{stdout}");
}

/// The summary walks segments within a budget: a decay at every iteration of 10^12 answers at
/// once (the dialects that step every decay refuse that many and are left out).
#[test]
fn explain_summary_is_bounded() {
    let started = std::time::Instant::now();
    let (stdout, _) = outputs_of(&[
        "explain",
        "--dialect",
        "all",
        "--step-size",
        "1",
        "--iters",
        "1000000000000",
    ]);
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[1],
        "maskrcnn                  10  11, 12, 13, …                    0.01      0.0  reference"
    );
    // Compared on the budget, then on a sample: counts marked as estimates.
    assert!(
        lines[2..].iter().any(|line| line.contains("differs on ≈")),
        "{stdout}"
    );
}

/// `check --dialect all`: one status line per dialect, not naming it twice, and a tally.
#[test]
fn check_dialect_all_reads_well() {
    let (stdout, stderr) = outputs_of(&["check", "--dialect", "all", "--iters-per-epoch", "20"]);
    assert_eq!(
        stderr,
        format!("{KERAS_SKIPPED}every schedule: 150 iterations = 7.5 epochs at 20 it/epoch\n")
    );
    let status: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("  ")).collect();
    assert_eq!(status.len(), 15 + 1, "{stdout}");
    assert_eq!(
        status[0],
        "ok: maskrcnn: 150 iterations, 4 phases, lr 0.001 → 0.00010000000000000002"
    );
    assert_eq!(
        status[15],
        "15 schedules: 12 ok, 3 with warnings (torch-sequential, timm, paddle)"
    );
}
