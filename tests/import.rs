//! Framework configs end to end (docs/import.md): a config's table equals, bit for bit, the
//! table of the flags it translates to by hand from the framework's own rules; `import`'s TOML
//! loads back to the same curve; bad and huge inputs fail fast with one line.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("the binary builds");
    command.env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1");
    command
}

fn run_in(dir: &Path, args: &[&str]) -> String {
    let output = lrsched()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("lrsched runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn run(args: &[&str]) -> String {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn failure(dir: &Path, args: &[&str]) -> String {
    let output = lrsched()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("lrsched runs");
    assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    String::from_utf8(output.stderr).expect("UTF-8")
}

/// Rows every `every` iterations plus the ones around each change, to compare two curves.
fn table(source: &[&str], every: &str) -> String {
    run(&[
        &["table", "--every", every, "--format", "jsonl"][..],
        source,
    ]
    .concat())
}

const D2_3X: &str = "docs/examples/detectron2/mask_rcnn_R_50_FPN_3x.yaml";
const MRCNN_1X: &str = "docs/examples/maskrcnn-benchmark/e2e_faster_rcnn_R_50_FPN_1x.yaml";

/// detectron2: BASE_LR and IMS_PER_BATCH from the base, STEPS and MAX_ITER from the file,
/// GAMMA 0.1, WARMUP_ITERS 1000, WARMUP_FACTOR 1.0 / 1000, linear from defaults.py.
const D2_3X_FLAGS: &[&str] = &[
    "--base-lr",
    "0.02",
    "--milestones",
    "210000,250000",
    "--gamma",
    "0.1",
    "--warmup-iters",
    "1000",
    "--warmup-factor",
    "0.001",
    "--iters",
    "270000",
    "--dialect",
    "detectron2",
    "--name",
    "mask_rcnn_R_50_FPN_3x",
];

#[test]
fn detectron2_config_is_its_flags() {
    assert_eq!(table(&[D2_3X], "997"), table(D2_3X_FLAGS, "997"));
    // Around the warmup's end and each decay, row by row.
    for (start, end) in [("995", "1003"), ("209998", "210002"), ("249999", "250001")] {
        let window = |source: &[&str]| {
            run(&[&["table", "--start", start, "--end", end][..], source].concat())
        };
        assert_eq!(window(&[D2_3X]), window(D2_3X_FLAGS));
    }
}

/// `auto_scale_workers` from REFERENCE_WORLD_SIZE 8 to 4 devices: scale = 0.5, BASE_LR 0.01,
/// every count doubled.
#[test]
fn detectron2_scales_to_the_devices() {
    let scaled = [
        "--base-lr",
        "0.01",
        "--milestones",
        "420000,500000",
        "--warmup-iters",
        "2000",
        "--warmup-factor",
        "0.001",
        "--iters",
        "540000",
        "--dialect",
        "detectron2",
        "--name",
        "mask_rcnn_R_50_FPN_3x",
    ];
    assert_eq!(
        table(&[D2_3X, "--devices", "4"], "1999"),
        table(&scaled, "1999")
    );
}

/// scale = 4 / 3, as Python computes it: BASE_LR 0.02 × scale = 0.026666666666666665,
/// int(round(1000 / scale)) = 750, int(round(500 / scale)) = 375 and int(round(6 / scale)) = 4
/// (4.5 rounds half to even), IMS_PER_BATCH int(round(6 × scale)) = 8; STEPS past the scaled
/// MAX_ITER are dropped, as solver/build.py does.
#[test]
fn detectron2_rounds_as_python_and_drops_late_steps() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("odd.yaml"),
        "_BASE_: base/solver.yaml\nSOLVER:\n  REFERENCE_WORLD_SIZE: 3\n  WARMUP_ITERS: 6\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("base")).unwrap();
    std::fs::write(
        dir.path().join("base/solver.yaml"),
        "SOLVER:\n  IMS_PER_BATCH: 6\n  BASE_LR: \"0.02\"\n  STEPS: [500, 1001]\n  \
         MAX_ITER: 1000\n",
    )
    .unwrap();
    let imported = run_in(dir.path(), &["import", "odd.yaml", "--devices", "4"]);
    for line in [
        "base_lr = 0.026666666666666665  # base/solver.yaml:3: SOLVER.BASE_LR \
         (auto_scale_workers: REFERENCE_WORLD_SIZE 3 to 4 devices)",
        "milestones = [375]  # base/solver.yaml:4: SOLVER.STEPS (auto_scale_workers: \
         REFERENCE_WORLD_SIZE 3 to 4 devices) (past MAX_ITER 750, dropped: 751)",
        "warmup_iters = 4  # odd.yaml:4: SOLVER.WARMUP_ITERS (auto_scale_workers: \
         REFERENCE_WORLD_SIZE 3 to 4 devices)",
        "iters = 750  # base/solver.yaml:5: SOLVER.MAX_ITER (auto_scale_workers: \
         REFERENCE_WORLD_SIZE 3 to 4 devices)",
        "gamma = 0.1  # detectron2 default SOLVER.GAMMA",
        "dialect = \"detectron2\"  # odd.yaml (read as detectron2)",
    ] {
        assert!(
            imported.contains(&format!("\n{line}\n")),
            "{line}\n{imported}"
        );
    }
    let batch = run_in(
        dir.path(),
        &[
            "import",
            "odd.yaml",
            "--devices",
            "4",
            "--dataset-size",
            "100",
        ],
    );
    assert!(
        batch.contains("\nbatch_size = 8  # base/solver.yaml:2:"),
        "{batch}"
    );
    // --devices is detectron2's world size: without REFERENCE_WORLD_SIZE it changes nothing.
    let flags = [
        "--base-lr",
        "0.02",
        "--milestones",
        "500",
        "--warmup-iters",
        "6",
        "--warmup-factor",
        "0.001",
        "--iters",
        "1000",
        "--dialect",
        "detectron2",
    ];
    let unscaled = run_in(
        dir.path(),
        &[
            "table",
            "base/solver.yaml",
            "--from",
            "d2",
            "--warmup-iters",
            "6",
            "--devices",
            "8",
        ],
    );
    let by_flags = run_in(dir.path(), &[&["table"][..], &flags].concat());
    assert_eq!(unscaled, by_flags);
}

/// maskrcnn-benchmark: its own defaults, WARMUP_FACTOR 1.0 / 3 and WARMUP_ITERS 500.
#[test]
fn maskrcnn_config_is_its_flags() {
    let flags = [
        "--base-lr",
        "0.02",
        "--milestones",
        "60000,80000",
        "--warmup-iters",
        "500",
        "--warmup-factor",
        "1/3",
        "--iters",
        "90000",
        "--dialect",
        "maskrcnn",
        "--name",
        "e2e_faster_rcnn_R_50_FPN_1x",
    ];
    assert_eq!(table(&[MRCNN_1X], "499"), table(&flags, "499"));
    let window =
        |source: &[&str]| run(&[&["table", "--start", "0", "--end", "502"][..], source].concat());
    assert_eq!(window(&[MRCNN_1X]), window(&flags));
}

/// `import`'s TOML loads back to the same curve, under the same name.
#[test]
fn import_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for (config, extra) in [
        (D2_3X, &[][..]),
        (D2_3X, &["--devices", "16"][..]),
        (MRCNN_1X, &[][..]),
    ] {
        let config = format!("{root}/{config}");
        let out = dir.path().join("imported.toml");
        let out_arg = out.to_str().unwrap();
        run(&[&["import", &config, "-o", out_arg, "--force"][..], extra].concat());
        let original = table(&[&[config.as_str()][..], extra].concat(), "1009");
        assert_eq!(table(&[out_arg], "1009"), original, "{config} {extra:?}");
        let explained =
            |source: &[&str]| run(&[&["explain", "--format", "json"][..], source].concat());
        assert_eq!(
            explained(&[out_arg]),
            explained(&[&[config.as_str()][..], extra].concat())
        );
    }
}

/// A 10 MB file and a 1,000-deep `_BASE_` chain fail at once, with one line.
#[test]
fn huge_inputs_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'#'; 10 * 1024 * 1024];
    std::fs::write(dir.path().join("big.yaml"), big).unwrap();
    let started = Instant::now();
    assert_eq!(
        failure(dir.path(), &["check", "big.yaml"]),
        "error: big.yaml: cannot read schedule file: larger than 8 MiB, the most a schedule or \
         config file may have\n"
    );
    for level in 0..1000 {
        let text = format!(
            "_BASE_: \"{}.yaml\"\nSOLVER:\n  MAX_ITER: {}\n",
            level + 1,
            level + 1
        );
        std::fs::write(dir.path().join(format!("{level}.yaml")), text).unwrap();
    }
    assert_eq!(
        failure(dir.path(), &["check", "0.yaml"]),
        "error: 63.yaml:1: _BASE_: more than 64 files of inheritance from 0.yaml\n"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// The real configs of the projects, where the shared folder is beside the repository.
#[test]
fn real_configs_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(shared) = ["../shared/configs", "../../shared/configs"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_dir())
    else {
        println!("skipped: no shared/configs beside the repository");
        return;
    };
    let d2 = shared.join(
        "facebookresearch+detectron2/configs/COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_1x.yaml",
    );
    let imported = run(&["import", d2.to_str().unwrap()]);
    for line in [
        "base_lr = 0.02  #",
        "milestones = [60000, 80000]  #",
        "iters = 90000  #",
        "warmup_factor = 0.001  # detectron2 default SOLVER.WARMUP_FACTOR",
        "dialect = \"detectron2\"  #",
    ] {
        assert!(
            imported.contains(&format!("\n{line}")),
            "{line}\n{imported}"
        );
    }
    let mrcnn =
        shared.join("facebookresearch+maskrcnn-benchmark/configs/e2e_mask_rcnn_R_50_FPN_1x.yaml");
    let imported = run(&["import", mrcnn.to_str().unwrap()]);
    for line in [
        "milestones = [60000, 80000]  #",
        "warmup_factor = 0.3333333333333333  # maskrcnn-benchmark default SOLVER.WARMUP_FACTOR",
        "dialect = \"maskrcnn\"  #",
    ] {
        assert!(
            imported.contains(&format!("\n{line}")),
            "{line}\n{imported}"
        );
    }
}

const PADDLEDET_2X: &str = "docs/examples/paddledet/faster_rcnn_r50_fpn_2x_coco.yml";
const TF_RETINANET: &str = "docs/examples/tf-model-garden/retinanet_resnetfpn_coco.yaml";
const TIMM_MULTISTEP: &str = "docs/examples/timm/args.yaml";
const TIMM_STEP: &str = "docs/examples/timm/efficientnet_args.yaml";

/// PaddleDetection: `epoch` and the schedulers from the file over its `_BASE_` list, the
/// batch from the reader; 117266 images over 8 devices: ceil(117266 / 8) = 14659 per device,
/// 2 per batch, drop_last: 7329 iterations per epoch.
#[test]
fn paddledet_config_is_its_flags() {
    let config = [
        PADDLEDET_2X,
        "--dataset-size",
        "coco2017-nonempty",
        "--devices",
        "8",
    ];
    let flags = [
        "--base-lr",
        "0.01",
        "--milestones",
        "16ep,22ep",
        "--gamma",
        "0.1",
        "--warmup-iters",
        "1000",
        "--warmup-factor",
        "0.1",
        "--iters",
        "24ep",
        "--iters-per-epoch",
        "7329",
        "--dialect",
        "paddledet",
        "--name",
        "faster_rcnn_r50_fpn_2x_coco",
    ];
    assert_eq!(table(&config, "997"), table(&flags, "997"));
    for (start, end) in [("0", "1002"), ("117262", "117266"), ("161236", "161240")] {
        let window = |source: &[&str]| {
            run(&[&["table", "--start", start, "--end", end][..], source].concat())
        };
        assert_eq!(window(&config), window(&flags));
    }
    // The last decay is base_lr × (0.1 / 10), PaddleDetection's gamma list, at 22 × 7329.
    let last = run(&[&["at", "-c"][..], &config, &["161237", "161238"]].concat());
    assert_eq!(last, "0.001\n0.0001\n");
}

/// TF Model Garden: the values and the warmup's start as given, float32 in the dialect.
#[test]
fn tf_model_garden_config_is_its_flags() {
    let flags = [
        "--values",
        "0.08,0.008,0.0008",
        "--milestones",
        "15000,20000",
        "--warmup-iters",
        "500",
        "--warmup-lr",
        "0.0067",
        "--iters",
        "22500",
        "--dialect",
        "tf-model-garden",
        "--name",
        "retinanet_resnetfpn_coco",
    ];
    assert_eq!(table(&[TF_RETINANET], "499"), table(&flags, "499"));
    let window =
        |source: &[&str]| run(&[&["table", "--start", "0", "--end", "503"][..], source].concat());
    assert_eq!(window(&[TF_RETINANET]), window(&flags));
}

/// timm multistep: lr null, so lr_base 0.1 × (128 × 8 × 1) / 256 = 0.4 (sgd: linear);
/// stepped per epoch, floor(1281167 / 1024) = 1251 iterations per epoch.
#[test]
fn timm_args_multistep_is_its_flags() {
    let config = [
        TIMM_MULTISTEP,
        "--dataset-size",
        "imagenet1k",
        "--devices",
        "8",
    ];
    let flags = [
        "--base-lr",
        "0.4",
        "--milestones",
        "30ep,60ep,80ep",
        "--gamma",
        "0.1",
        "--warmup-iters",
        "5ep",
        "--warmup-lr",
        "0.00001",
        "--iters",
        "90ep",
        "--stepping",
        "epoch",
        "--dataset-size",
        "imagenet1k",
        "--batch-per-device",
        "128",
        "--devices",
        "8",
        "--drop-last",
        "--dialect",
        "timm-train",
        "--name",
        "args",
    ];
    assert_eq!(table(&config, "1251"), table(&flags, "1251"));
}

/// timm step, decay_epochs 2.4 after a 3-epoch warmup (warmup_prefix false):
/// StepLRScheduler's lr at epoch e is 0.016 × 0.97 ** (e // 2.4) once e >= 3, and
/// 1e-6 + e × (0.016 - 1e-6) / 3 before; e // 2.4 in Python for e = 0 … 19.
#[test]
fn timm_args_step_is_step_lr_scheduler() {
    let config = [TIMM_STEP, "--dataset-size", "imagenet1k", "--devices", "2"];
    let per_epoch = run(&[
        &["table", "--every", "5004", "--format", "csv"][..],
        &config,
    ]
    .concat());
    let python_floor_division = [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 7];
    let expected: Vec<String> = (0..20u32)
        .map(|e| {
            let lr = if e < 3 {
                1e-6 + f64::from(e) * ((0.016 - 1e-6) / 3.0)
            } else {
                0.016 * 0.97f64.powf(f64::from(python_floor_division[e as usize]))
            };
            format!("{},{}", u64::from(e) * 5004, lr)
        })
        .collect();
    let rows: Vec<String> = per_epoch
        .lines()
        .skip(1)
        .map(|row| {
            let mut cells = row.split(',');
            let (t, lr) = (cells.next().unwrap(), cells.next().unwrap());
            format!("{t},{}", lr.parse::<f64>().unwrap())
        })
        .collect();
    assert_eq!(rows, expected);
}

/// `import`'s TOML of the three YAML formats loads back to the same curve.
#[test]
fn yaml_formats_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for (config, extra) in [
        (
            PADDLEDET_2X,
            &["--dataset-size", "coco2017-nonempty", "--devices", "8"][..],
        ),
        (TF_RETINANET, &[][..]),
        (
            TIMM_MULTISTEP,
            &["--dataset-size", "imagenet1k", "--devices", "8"][..],
        ),
        (
            TIMM_STEP,
            &["--dataset-size", "imagenet1k", "--devices", "2"][..],
        ),
    ] {
        let config = format!("{root}/{config}");
        let out = dir.path().join("imported.toml");
        let out_arg = out.to_str().unwrap();
        run(&[&["import", &config, "-o", out_arg, "--force"][..], extra].concat());
        let original = table(&[&[config.as_str()][..], extra].concat(), "1009");
        assert_eq!(table(&[out_arg], "1009"), original, "{config} {extra:?}");
    }
}

/// The real PaddleDetection and TF Model Garden configs, where the shared folder is beside
/// the repository.
#[test]
fn real_yaml_configs_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(shared) = ["../shared/configs", "../../shared/configs"]
        .iter()
        .map(|p| root.join(p))
        .find(|p| p.is_dir())
    else {
        println!("skipped: no shared/configs beside the repository");
        return;
    };
    let paddle = shared
        .join("PaddlePaddle+PaddleDetection/configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml");
    let imported = run(&[
        "import",
        paddle.to_str().unwrap(),
        "--dataset-size",
        "coco2017-nonempty",
        "--devices",
        "8",
    ]);
    for line in [
        "base_lr = 0.01  #",
        "milestones = [\"8ep\", \"11ep\"]  #",
        "warmup_iters = \"1000it\"  #",
        "warmup_factor = 0.1  #",
        "iters = \"12ep\"  #",
        // One image per device, padded to ceil(117266 / 8) each.
        "iters_per_epoch = 14659  #",
        "dialect = \"paddledet\"  #",
    ] {
        assert!(
            imported.contains(&format!("\n{line}")),
            "{line}\n{imported}"
        );
    }
    let tf = shared.join(
        "tensorflow+models/official/vision/configs/experiments/image_classification/imagenet_resnet50_gpu.yaml",
    );
    let imported = run(&["import", tf.to_str().unwrap()]);
    for line in [
        "milestones = [18750, 37500, 50000]  #",
        "values = [0.8, 0.08, 0.008, 0.0008]  #",
        "warmup_iters = 3125  #",
        "warmup_lr = 0.0  # TF Model Garden default LinearWarmupConfig.warmup_learning_rate",
        "iters = 56160  #",
        "dialect = \"tf-model-garden\"  #",
    ] {
        assert!(
            imported.contains(&format!("\n{line}")),
            "{line}\n{imported}"
        );
    }
}
