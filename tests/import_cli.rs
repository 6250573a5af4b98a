//! Training-script command lines and detectron2 LazyConfig files, end to end
//! (docs/import.md): each table equals, bit for bit, the table of the flags it translates to by
//! hand from the framework's own code; `import`'s TOML loads back to the same curve; and the
//! values a framework's arithmetic gives, computed in Python, come out to the bit.

use std::path::Path;

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let output = Command::cargo_bin("lrsched")
        .expect("the binary builds")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("lrsched runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The schedule `import` writes for `args`, in a scratch file.
fn imported(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("imported.toml");
    let out = out.to_str().expect("UTF-8 path").to_string();
    let mut all = vec!["import", "-o", &out];
    all.extend_from_slice(args);
    run(&all);
    out
}

/// `table` of a schedule and of flags, the same rows: every lr to the bit (the text is the
/// shortest round-trip form of each f64, so equal text is equal bits).
fn same_table(schedule: &[&str], flags: &[&str], rows: &[&str]) -> String {
    let mut a = vec!["table", "--columns", "iteration,lr,phase"];
    a.extend_from_slice(rows);
    let mut b = a.clone();
    a.extend_from_slice(schedule);
    b.extend_from_slice(flags);
    let (left, right) = (run(&a), run(&b));
    assert_eq!(left, right, "{schedule:?} against {flags:?}");
    left
}

/// The lr column of a table, as f64 bits.
fn lrs(table: &str) -> Vec<u64> {
    table
        .lines()
        .skip(1)
        .map(|row| {
            let lr: f64 = row.split(',').nth(1).expect("lr").parse().expect("number");
            lr.to_bits()
        })
        .collect()
}

#[test]
fn timm_step_command_line() {
    let dir = tempfile::tempdir().expect("scratch");
    let toml = imported(
        dir.path(),
        &[
            "--from",
            "timm",
            "--dataset-size",
            "imagenet1k",
            "--devices",
            "2",
            "--",
            "/imagenet",
            "--model",
            "efficientnet_b2",
            "-b",
            "128",
            "--sched",
            "step",
            "--epochs",
            "450",
            "--decay-epochs",
            "2.4",
            "--decay-rate",
            ".97",
            "--opt",
            "rmsproptf",
            "--warmup-lr",
            "1e-6",
            "--lr",
            ".016",
            "--amp",
        ],
    );
    // floor(ceil(1281167 / 2) / 128) = 5004 updates an epoch; one row per epoch.
    let rows = ["--every", "5004", "--end", "60048"];
    let table = same_table(
        &[&toml],
        &[
            "--dialect",
            "timm-train",
            "--stepping",
            "epoch",
            "--base-lr",
            "0.016",
            "--gamma",
            "0.97",
            "--warmup-iters",
            "5ep",
            "--warmup-lr",
            "1e-6",
            "--iters",
            "450ep",
            "--iters-per-epoch",
            "5004",
            "--milestones",
            "4ep,6ep,9ep,11ep,13ep,16ep,18ep,21ep,23ep,25ep,28ep,30ep,33ep",
        ],
        &rows,
    );
    // timm's StepLRScheduler in Python: warmup_lr_init + t * (0.016 - 1e-6) / 5 for t < 5,
    // then 0.016 * 0.97 ** (t // 2.4).
    let python = [
        1e-06,
        0.0032008,
        0.0064006,
        0.0096004,
        0.0128002,
        0.015054399999999999,
        0.015054399999999999,
        0.015054399999999999,
        0.014602768,
        0.014602768,
        0.01416468496,
        0.01416468496,
    ];
    let expected: Vec<u64> = python.iter().map(|x: &f64| x.to_bits()).collect();
    assert_eq!(lrs(&table), expected);
}

#[test]
fn torchvision_detection_command_line() {
    let dir = tempfile::tempdir().expect("scratch");
    let toml = imported(
        dir.path(),
        &[
            "--from",
            "torchvision-detection",
            "--dataset-size",
            "coco2017-nonempty",
            "--devices",
            "8",
            "--",
            "--dataset",
            "coco",
            "--model",
            "maskrcnn_resnet50_fpn",
            "--epochs",
            "26",
            "--lr-steps",
            "16",
            "22",
            "--aspect-ratio-group-factor",
            "3",
        ],
    );
    let text = std::fs::read_to_string(&toml).expect("written");
    // GroupedBatchSampler: floor(ceil(117266 / 8) / 2) = 7329 batches an epoch.
    assert!(text.contains("iters_per_epoch = 7329  #"), "{text}");
    let rows = ["--every", "997"];
    same_table(
        &[&toml],
        &[
            "--stepping",
            "epoch",
            "--warmup-stepping",
            "iter",
            "--dialect",
            "torch-chained",
            "--milestones",
            "16ep,22ep",
            "--iters",
            "26ep",
            "--warmup-iters",
            "1000it",
            "--warmup-factor",
            "1/1000",
            "--base-lr",
            "0.02",
            "--iters-per-epoch",
            "7329",
        ],
        &rows,
    );
    // Around the warmup's end and the first decay, every row.
    same_table(
        &[&toml],
        &[
            "--stepping",
            "epoch",
            "--warmup-stepping",
            "iter",
            "--dialect",
            "torch-chained",
            "--milestones",
            "16ep,22ep",
            "--iters",
            "26ep",
            "--warmup-iters",
            "1000it",
            "--warmup-factor",
            "0.001",
            "--base-lr",
            "0.02",
            "--iters-per-epoch",
            "7329",
        ],
        &["--start", "995", "--end", "1005"],
    );
}

#[test]
fn torchvision_classification_command_line() {
    let dir = tempfile::tempdir().expect("scratch");
    let toml = imported(
        dir.path(),
        &[
            "--from",
            "torchvision-classification",
            "--dataset-size",
            "imagenet1k",
            "--devices",
            "8",
            "--",
            "--model",
            "resnet50",
            "--lr-step-size",
            "30",
            "--lr-gamma",
            "0.1",
            "--lr-warmup-epochs",
            "5",
            "--lr-warmup-method",
            "linear",
            "--lr-warmup-decay",
            "0.01",
        ],
    );
    // DataLoader(drop_last=False): ceil(ceil(1281167 / 8) / 32) = 5005 an epoch; StepLR's
    // decays counted from SequentialLR's switch at epoch 5.
    same_table(
        &[&toml],
        &[
            "--dialect",
            "torch-sequential",
            "--stepping",
            "epoch",
            "--milestones",
            "30ep,60ep",
            "--gamma",
            "0.1",
            "--warmup-iters",
            "5ep",
            "--warmup-method",
            "linear",
            "--warmup-factor",
            "0.01",
            "--iters",
            "90ep",
            "--base-lr",
            "0.1",
            "--iters-per-epoch",
            "5005",
        ],
        &["--every", "5005"],
    );
}

const LSJ: &str = "docs/examples/detectron2-lazy/new_baselines/mask_rcnn_R_50_FPN_50ep_LSJ.py";

#[test]
fn lazyconfig_lsj_trains_its_last_phase_at_exactly_0_001() {
    let flags = [
        "--dialect",
        "detectron2",
        "--base-lr",
        "0.1",
        "--factors",
        "1,0.1,0.01",
        "--milestones",
        "81945,88773",
        "--iters",
        "92188",
        "--warmup-iters",
        "250",
        "--warmup-factor",
        "0.067",
    ];
    same_table(&[LSJ], &flags, &["--every", "1"]);
    let dir = tempfile::tempdir().expect("scratch");
    let toml = imported(dir.path(), &[LSJ]);
    same_table(&[&toml], &flags, &["--every", "1"]);
    // Python: 0.1 * 0.01 == 0.001, where 0.1 * 0.1 ** 2 == 0.0010000000000000002.
    let last = run(&["at", "92187", "-c", LSJ]);
    assert_eq!(
        last.trim().parse::<f64>().unwrap().to_bits(),
        0.001f64.to_bits()
    );
}

/// The 200- and 400-epoch LSJ configs import the 100-epoch one and scale it, as detectron2's
/// do: `train.max_iter *= 2` and `[milestone * 2 for milestone in ...milestones]`; the warmup
/// keeps its `500 / 184375` of the run, so it is 1000 and 2000 iterations.
#[test]
fn lazyconfig_lsj_scaled_by_a_comprehension_equals_its_flags() {
    for (epochs, iters, milestones, warmup) in [
        ("100", "184375", "163889,177546", "500"),
        ("200", "368750", "327778,355092", "1000"),
        ("400", "737500", "655556,710184", "2000"),
    ] {
        let config = format!(
            "docs/examples/detectron2-lazy/new_baselines/mask_rcnn_R_50_FPN_{epochs}ep_LSJ.py"
        );
        let flags = [
            "--dialect",
            "detectron2",
            "--base-lr",
            "0.1",
            "--factors",
            "1,0.1,0.01",
            "--milestones",
            milestones,
            "--iters",
            iters,
            "--warmup-iters",
            warmup,
            "--warmup-factor",
            "0.067",
        ];
        same_table(&[&config], &flags, &["--every", "1"]);
        let dir = tempfile::tempdir().expect("scratch");
        let toml = imported(dir.path(), &[&config]);
        same_table(&[&toml], &flags, &["--every", "1"]);
    }
}

#[test]
fn lazyconfig_coco_schedule_2x_decays_where_fvcore_does() {
    let config = "docs/examples/detectron2-lazy/COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_2x.py";
    // default_X_scheduler(2): milestones [60000, 80000] of num_updates 90000 over a run of
    // train.max_iter 180000: fvcore's int((i / 180000 + 1e-6) * 90000) reaches them at
    // 120000 and 160000.
    let flags = [
        "--dialect",
        "detectron2",
        "--base-lr",
        "0.02",
        "--factors",
        "1,0.1,0.01",
        "--milestones",
        "120000,160000",
        "--iters",
        "180000",
        "--warmup-iters",
        "1000",
        "--warmup-factor",
        "0.001",
    ];
    same_table(&[config], &flags, &["--every", "7"]);
    same_table(&[config], &flags, &["--start", "119990", "--end", "120010"]);
    // fvcore's arithmetic in Python (WarmupParamScheduler, MultiStepParamScheduler,
    // LRMultiplier): lr at 0, 500, 119999, 120000, 160000.
    let python = [2e-05, 0.01001, 0.02, 0.002, 0.0002];
    let got = run(&["at", "0", "500", "119999", "120000", "160000", "-c", config]);
    let got: Vec<u64> = got
        .lines()
        .map(|l| l.parse::<f64>().unwrap().to_bits())
        .collect();
    let expected: Vec<u64> = python.iter().map(|x: &f64| x.to_bits()).collect();
    assert_eq!(got, expected);
}
