//! Counts with their units, epoch lengths from the dataset and the batch, fractions and
//! scaling, end to end through the binary. The expected numbers are the frameworks' own:
//! detectron2's `auto_scale_workers`, maskrcnn-benchmark's README, mmdetection's 1x.

use assert_cmd::Command;

fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the binary builds");
    command.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    command
}

fn run(args: &[&str]) -> (String, String) {
    let output = lrsched().args(args).output().expect("lrsched runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    (
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

/// The mmdetection 1x schedule on one line: warmup in iterations, milestones and the run in
/// epochs; 8 × 7393 = 59144 and 11 × 7393 = 81323, 12 × 7393 = 88716 iterations.
#[test]
fn mmdet_1x_is_one_line() {
    let mmdet = [
        "--milestones",
        "8ep,11ep",
        "--warmup-iters",
        "500it",
        "--iters",
        "12ep",
        "--dataset-size",
        "coco2017",
        "--batch-size",
        "16",
    ];
    let (at, _) = run(&[&["at", "499", "500", "59143", "59144", "81323"][..], &mmdet].concat());
    let iterations = [
        "at",
        "499",
        "500",
        "59143",
        "59144",
        "81323",
        "--milestones",
        "59144,81323",
        "--warmup-iters",
        "500",
        "--iters",
        "88716",
    ];
    assert_eq!(at, run(&iterations).0);
    assert_eq!(at, "0.009982\n0.01\n0.01\n0.001\n0.00010000000000000002\n");
    let (_, stderr) = run(&[&["check"][..], &mmdet].concat());
    assert_eq!(
        stderr,
        "schedule: 88716 iterations = 12 epochs at 7393 it/epoch\n"
    );
    // The same in a file, with TOML strings.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mmdet.toml");
    std::fs::write(
        &file,
        "milestones = [\"8ep\", \"11epochs\"]\nwarmup_iters = \"500it\"\niters = \"12ep\"\n\
         iters_per_epoch = 7393\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    assert_eq!(
        run(&["at", "499", "500", "59143", "59144", "81323", "-c", file]).0,
        at
    );
}

/// Epoch length: ceil(118287 / 16) = 7393, floor with --drop-last = 7392; 2 per device on 8
/// devices is the same 16; accumulating 2 batches per step: ceil(7393 / 2) = 3697.
#[test]
fn epoch_length_from_dataset_and_batch() {
    let per_epoch = |extra: &[&str]| {
        let (_, stderr) = run(&[&["check", "--dataset-size", "coco2017"][..], extra].concat());
        stderr.split(" at ").nth(1).unwrap().to_string()
    };
    assert_eq!(per_epoch(&["--batch-size", "16"]), "7393 it/epoch\n");
    assert_eq!(
        per_epoch(&["--batch-size", "16", "--drop-last"]),
        "7392 it/epoch\n"
    );
    assert_eq!(
        per_epoch(&["--batch-per-device", "2", "--devices", "8"]),
        "7393 it/epoch\n"
    );
    assert_eq!(
        per_epoch(&["--batch-size", "16", "--grad-accum", "2"]),
        "3697 it/epoch\n"
    );
    let (_, stderr) = run(&[
        "check",
        "--dataset-size",
        "imagenet1k",
        "--batch-size",
        "256",
    ]);
    assert_eq!(
        stderr,
        "schedule: 150 iterations = 0.03 epochs at 5005 it/epoch\n"
    );
}

/// `1/3` is the f64 of 1 / 3, as maskrcnn-benchmark's `1.0 / 3`; `2.4ep` is iteration
/// ceil(2.4 × 7393) = ceil(17743.2) = 17744.
#[test]
fn fractions_and_fractional_epochs() {
    let lr0 = |factor: &str| run(&["at", "0", "--warmup-factor", factor]).0;
    assert_eq!(lr0("1/3"), lr0("0.3333333333333333"));
    let (at, _) = run(&[
        "at",
        "17743",
        "17744",
        "--milestones",
        "2.4ep",
        "--iters-per-epoch",
        "7393",
        "--warmup-iters",
        "0",
    ]);
    assert_eq!(at, "0.01\n0.001\n");
}

/// maskrcnn-benchmark README, single GPU: from the 8-GPU 0.02 / 90000 / (60000, 80000) to
/// lr 0.0025, 720000 iterations, steps (480000, 640000), the warmup of 500 kept.
#[test]
fn scale_reproduces_maskrcnn_benchmark_single_gpu_recipe() {
    let args = [
        "scale",
        "--base-lr",
        "0.02",
        "--milestones",
        "60000,80000",
        "--iters",
        "90000",
        "--warmup-iters",
        "500",
        "--warmup-factor",
        "1/3",
        "--from-batch",
        "16",
        "--to-batch",
        "2",
        "--keep-warmup",
    ];
    let (file, _) = run(&args);
    assert!(
        file.starts_with(
            "# lrsched scale: 16 → 2 batch (k = 0.125), rule linear: base_lr × k; counts in \
             iterations round(x / k), half to even (detectron2's auto_scale_workers), \
             warmup_iters kept; counts in epochs kept.\n# lrsched schedule:"
        ),
        "{file}"
    );
    for line in [
        "\nbase_lr = 0.0025\n",
        "\nmilestones = [480000, 640000]\n",
        "\niters = 720000\n",
        "\nwarmup_iters = 500\n",
        "\nwarmup_factor = 0.3333333333333333\n",
    ] {
        assert!(file.contains(line), "{line:?} not in\n{file}");
    }
    assert!(!file.contains("\nto_batch ="), "{file}");
    // Written with -o, it reads back as that schedule.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("one-gpu.toml");
    let out = out.to_str().unwrap();
    let (_, stderr) = run(&[&args[..], &["-o", out]].concat());
    assert_eq!(stderr, format!("wrote {out}\n"));
    assert_eq!(
        run(&[
            "at", "0", "500", "479999", "480000", "640000", "719999", "-c", out
        ])
        .0,
        "0.0008333333333333333\n0.0025\n0.0025\n0.00025\n0.000025000000000000005\n\
         0.000025000000000000005\n"
    );
}

/// detectron2 1x from 8 to 4 GPUs (`auto_scale_workers`): BASE_LR 0.02 × 0.5, MAX_ITER,
/// STEPS and WARMUP_ITERS round(x / 0.5); as flags on any command, the same schedule.
#[test]
fn scale_reproduces_detectron2_auto_scale_workers() {
    let (file, _) = run(&[
        "scale",
        "schedules/detectron2-1x.toml",
        "--from-devices",
        "8",
        "--to-devices",
        "4",
    ]);
    for line in [
        "\nbase_lr = 0.01\n",
        "\nmilestones = [120000, 160000]\n",
        "\niters = 180000\n",
        "\nwarmup_iters = 2000\n",
    ] {
        assert!(file.contains(line), "{line:?} not in\n{file}");
    }
    let transformed = run(&[
        "table",
        "schedules/detectron2-1x.toml",
        "--from-batch",
        "16",
        "--to-batch",
        "8",
        "--every",
        "1000",
    ])
    .0;
    let shipped = run(&[
        "table",
        "schedules/detectron2-1x-4gpu.toml",
        "--every",
        "1000",
    ])
    .0;
    assert_eq!(transformed, shipped);
    assert_eq!(transformed.lines().count(), 1 + 180);
}

/// Python's round is half to even: round(5 / 2) = 2, round(7 / 2) = 4; sqrt scales by √k.
#[test]
fn scaled_counts_round_half_to_even() {
    let (file, _) = run(&[
        "scale",
        "--milestones",
        "5,7",
        "--warmup-iters",
        "3",
        "--iters",
        "9",
        "--from-batch",
        "2",
        "--to-batch",
        "4",
        "--rule",
        "sqrt",
    ]);
    assert!(file.contains("\nmilestones = [2, 4]\n"), "{file}");
    assert!(file.contains("\nwarmup_iters = 2\n"), "{file}");
    assert!(file.contains("\niters = 4\n"), "{file}");
    // 0.01 × sqrt(2) in f64.
    assert!(
        file.contains("\nbase_lr = 0.014142135623730952\n"),
        "{file}"
    );
}

/// Per-epoch stepping, bit for bit against the frameworks' arithmetic replayed in plain Python
/// floats by tests/per_epoch/expected.py (its output, expected.csv, is committed with it):
/// torchvision's detection reference and timm's EfficientNet `--decay-epochs 2.4`.
#[test]
fn per_epoch_schedules_match_the_frameworks() {
    let expected = include_str!("per_epoch/expected.csv");
    for (schedule, file) in [
        (
            "torchvision-detection",
            "schedules/torchvision-detection.toml",
        ),
        ("timm-efficientnet", "schedules/timm-efficientnet.toml"),
    ] {
        let rows: Vec<(&str, f64)> = expected
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.split(',');
                (fields.next() == Some(schedule)).then(|| {
                    let t = fields.next().expect("an iteration");
                    (t, fields.next().expect("an lr").parse().expect("a float"))
                })
            })
            .collect();
        assert!(rows.len() >= 6, "{schedule}: too few expected rows");
        let mut args = vec!["at", "-c", file];
        args.extend(rows.iter().map(|(t, _)| *t));
        let (out, _) = run(&args);
        let got: Vec<u64> = out
            .lines()
            .map(|lr| lr.parse::<f64>().expect("an lr").to_bits())
            .collect();
        let want: Vec<u64> = rows.iter().map(|(_, lr)| lr.to_bits()).collect();
        assert_eq!(got, want, "{schedule}");
    }
}

/// Explicit values and an absolute warmup start reach a float32 framework unchanged: TF Model
/// Garden holds float32(values[k]) and starts its warmup at float32(warmup_learning_rate);
/// PiecewiseConstantDecay moves to values[k] after boundary k (`step <= b` keeps the previous).
#[test]
fn explicit_values_and_warmup_lr_are_used_as_given() {
    let (out, _) = run(&[
        "at",
        "0",
        "31",
        "61",
        "--dialect",
        "tf-model-garden",
        "--values",
        "0.12,0.012,0.0012",
        "--milestones",
        "30,60",
        "--warmup-iters",
        "5",
        "--warmup-lr",
        "0.0067",
        "--iters",
        "90",
    ]);
    let got: Vec<f64> = out.lines().map(|lr| lr.parse().expect("an lr")).collect();
    let want: Vec<f64> = [0.0067f32, 0.012, 0.0012]
        .iter()
        .map(|&v| f64::from(v))
        .collect();
    assert_eq!(got, want);
    // timm's warmup_lr_init: 1e-6 + t × (0.016 - 1e-6) / 2, per epoch of 4 iterations.
    let (out, _) = run(&[
        "at",
        "0",
        "4",
        "--dialect",
        "timm-train",
        "--stepping",
        "epoch",
        "--iters-per-epoch",
        "4",
        "--warmup-iters",
        "2ep",
        "--warmup-lr",
        "1e-6",
        "--base-lr",
        "0.016",
        "--milestones",
        "3ep",
        "--iters",
        "5ep",
    ]);
    let got: Vec<f64> = out.lines().map(|lr| lr.parse().expect("an lr")).collect();
    assert_eq!(got, vec![1e-6, 1e-6 + 1.0 * ((0.016 - 1e-6) / 2.0)]);
}
