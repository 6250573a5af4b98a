//! Python configs (mmdetection 3.x and 2.x) through the binary: `lrsched table CONFIG` is
//! `lrsched table` of the hand-translated flags, bit for bit, and `import`'s TOML loads back to
//! the same curve. The configs are docs/examples/, written for lrsched.

use assert_cmd::Command;

fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the lrsched binary");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn stdout(args: &[&str]) -> String {
    let output = lrsched().args(args).output().expect("lrsched runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn error(args: &[&str]) -> String {
    let output = lrsched().args(args).output().expect("lrsched runs");
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).expect("UTF-8")
}

/// The config's table equals the flags' table, and the imported TOML's.
fn same_curve(config: &str, run: &[&str], flags: &[&str]) {
    let from_config = stdout(&[&["table", config], run].concat());
    let by_hand = stdout(&[&["table"], flags].concat());
    // The column is named after the schedule: the config's file stem.
    let stem = std::path::Path::new(config)
        .file_stem()
        .unwrap()
        .to_str()
        .unwrap();
    let by_hand = by_hand.replacen("lr_schedule", &format!("lr_{stem}"), 1);
    assert_eq!(from_config, by_hand, "{config}");
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("imported.toml");
    let toml = toml.to_str().unwrap();
    stdout(&[&["import", config, "-o", toml], run].concat());
    assert_eq!(stdout(&["table", toml]), from_config, "{config} imported");
}

#[test]
fn mmdet3_config_is_its_flags() {
    // 5000 images in batches of 4 × 2 GPUs: 625 iterations an epoch.
    same_curve(
        "docs/examples/mmdet3/retinanet_2x.py",
        &["--dataset-size", "5000", "--devices", "2"],
        &[
            "--base-lr",
            "0.01",
            "--milestones",
            "10000,13750",
            "--gamma",
            "0.1",
            "--warmup-iters",
            "1000",
            "--warmup-factor",
            "0.3333333333333333",
            "--warmup-method",
            "constant",
            "--iters",
            "15000",
            "--dialect",
            "mmengine",
        ],
    );
}

#[test]
fn mmdet2_config_is_its_flags() {
    // 5000 images in batches of 2 × 2 GPUs: 1250 iterations an epoch.
    same_curve(
        "docs/examples/mmdet2/faster_rcnn_1x.py",
        &["--dataset-size", "5000", "--devices", "2"],
        &[
            "--base-lr",
            "0.02",
            "--milestones",
            "10000,13750",
            "--gamma",
            "0.1",
            "--warmup-iters",
            "1000",
            "--warmup-factor",
            "0.3333333333333333",
            "--warmup-method",
            "constant",
            "--iters",
            "15000",
            "--dialect",
            "mmcv1",
        ],
    );
}

#[test]
fn auto_scale_lr_is_applied_when_asked() {
    let base_lr = |extra: &[&str]| {
        let args = [
            &[
                "import",
                "docs/examples/mmdet3/retinanet_2x.py",
                "--dataset-size",
                "5000",
            ],
            extra,
        ]
        .concat();
        let toml = stdout(&args);
        toml.lines()
            .find(|l| l.starts_with("base_lr = "))
            .unwrap()
            .to_string()
    };
    assert!(base_lr(&["--devices", "8"]).starts_with("base_lr = 0.01  #"));
    // 8 GPUs × 4 images = 32, twice the base batch of 16: lr × 2.0.
    assert!(base_lr(&["--devices", "8", "--auto-scale-lr"]).starts_with("base_lr = 0.02  #"));
    let two = stdout(&[
        "import",
        "docs/examples/mmdet2/faster_rcnn_1x.py",
        "--dataset-size",
        "5000",
        "--devices",
        "3",
        "--auto-scale-lr",
    ]);
    // (3 × 2 / 16) × 0.02, as mmdetection 2.x computes it.
    let expected = format!("base_lr = {:?}  #", (6.0f64 / 16.0) * 0.02);
    assert!(two.contains(&expected), "{two}");
}

/// A lone MultiStepLR (no warmup scheduler) multiplies the lr in place, as PyTorch's does: the
/// curve of torch-chained with W = 0 and f = 1, whose golden `nowarmup` case (torch's own
/// numbers, B 0.5, M [10, 20, 30], g 0.2, N 40) it must equal to the bit. Without any
/// param_scheduler the lr is constant.
#[test]
fn mmdet3_multistep_alone_is_the_in_place_curve() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("multistep.py");
    std::fs::write(
        &config,
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=40)\n\
         optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.5))\n\
         param_scheduler = [\n    dict(type='MultiStepLR', by_epoch=False, milestones=[10, 20, 30], \
         gamma=0.2)]\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let golden = std::fs::read_to_string("tests/golden/torch-chained/nowarmup.runs").unwrap();
    let expected: Vec<String> = golden
        .lines()
        .flat_map(|run| {
            let cells: Vec<&str> = run.splitn(3, ',').collect();
            let count: usize = cells[1].parse().unwrap();
            std::iter::repeat_n(cells[2].to_string(), count)
        })
        .collect();
    let lrs = |table: String| -> Vec<String> {
        table
            .lines()
            .skip(1)
            .map(|row| row.split(',').nth(1).unwrap().to_string())
            .collect()
    };
    let table = stdout(&[
        "table",
        "--format",
        "csv",
        "--columns",
        "iteration,lr",
        config,
    ]);
    assert_eq!(lrs(table), expected);
    let toml = dir.path().join("imported.toml");
    let toml = toml.to_str().unwrap();
    stdout(&["import", config, "-o", toml]);
    let written = std::fs::read_to_string(toml).unwrap();
    assert!(
        written.contains("dialect = \"torch-chained\"  # ")
            && written.contains("warmup_factor = 1.0  # "),
        "{written}"
    );
    let constant = dir.path().join("constant.py");
    std::fs::write(
        &constant,
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=3)\n\
         optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1))\n",
    )
    .unwrap();
    let table = stdout(&[
        "table",
        "--format",
        "csv",
        "--columns",
        "iteration,lr",
        constant.to_str().unwrap(),
    ]);
    assert_eq!(lrs(table), vec!["0.1", "0.1", "0.1"]);
}

#[test]
fn configs_outside_the_family_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let cosine = dir.path().join("cosine.py");
    std::fs::write(
        &cosine,
        "train_cfg = dict(type='IterBasedTrainLoop', max_iters=1000)\n\
         optim_wrapper = dict(optimizer=dict(lr=0.1))\n\
         param_scheduler = [\n    dict(type='LinearLR', by_epoch=False, end=50),\n\
         \x20   dict(type='CosineAnnealingLR', by_epoch=False, T_max=1000)]\n",
    )
    .unwrap();
    let path = cosine.to_str().unwrap();
    assert_eq!(
        error(&["table", path]),
        format!(
            "error: {path}:5: param_scheduler[1]: CosineAnnealingLR: lrsched covers the warmup + \
             multi-step family (LinearLR or ConstantLR warmup, MultiStepLR decay), not \
             CosineAnnealingLR\n"
        )
    );
    let comprehension = dir.path().join("steps.py");
    std::fs::write(
        &comprehension,
        "optimizer = dict(lr=0.1)\nrunner = dict(type='IterBasedRunner', max_iters=100)\n\
         lr_config = dict(policy='step', by_epoch=False,\n    step=[s * 10 for s in (5, 8) if s])\n",
    )
    .unwrap();
    let path = comprehension.to_str().unwrap();
    assert_eq!(
        error(&["table", path]),
        format!(
            "error: {path}:4: lr_config.step: a comprehension with 'if' is outside the Python subset \
             lrsched reads (configs are read, never run)\n"
        )
    );
}

/// The real mmdetection configs of ../shared/configs, when that directory is there.
#[test]
fn real_mmdetection_configs_load() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/configs");
    if !root.is_dir() {
        println!("skipped: {} is not there", root.display());
        return;
    }
    for (config, first_decay) in [
        (
            "open-mmlab+mmdetection/configs/mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py",
            58640,
        ),
        (
            "open-mmlab+mmdetection@v2.28.2/configs/mask_rcnn/mask_rcnn_r50_fpn_1x_coco.py",
            58640,
        ),
    ] {
        let path = root.join(config);
        let args = [
            "at",
            "--dataset-size",
            "coco2017-nonempty",
            "--devices",
            "8",
            "--config",
            path.to_str().unwrap(),
            "58639",
            "58640",
        ];
        let out = stdout(&args);
        let lrs: Vec<&str> = out.lines().collect();
        // 117266 images / 16 = 7330 iterations an epoch; the first decay at 8 epochs.
        assert_eq!(lrs.len(), 2, "{out}");
        assert_ne!(lrs[0], lrs[1], "{config}: no decay at {first_decay}");
    }
}
