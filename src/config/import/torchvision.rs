//! torchvision's reference training scripts, by their command lines.
//!
//! `references/detection/train.py` (and `engine.py`):
//!
//! ```python
//! lr_scheduler = MultiStepLR(optimizer, milestones=args.lr_steps, gamma=args.lr_gamma)
//! for epoch in range(args.start_epoch, args.epochs):
//!     train_one_epoch(...)   # epoch 0: LinearLR(optimizer, start_factor=1.0 / 1000,
//!                            #   total_iters=min(1000, len(data_loader) - 1)), stepped per batch
//!     lr_scheduler.step()
//! ```
//!
//! Both schedulers multiply the optimizer's lr in place (torch-chained), the warmup every
//! iteration of epoch 0, the decays once per epoch; `GroupedBatchSampler` (and `BatchSampler(...,
//! drop_last=True)` without aspect-ratio groups) has len(sampler) // batch_size batches.
//!
//! `references/classification/train.py`:
//!
//! ```python
//! main = StepLR(optimizer, step_size=args.lr_step_size, gamma=args.lr_gamma)  # steplr
//! main = ExponentialLR(optimizer, gamma=args.lr_gamma)                        # exponentiallr
//! if args.lr_warmup_epochs > 0:
//!     warmup = LinearLR(optimizer, start_factor=args.lr_warmup_decay, total_iters=W)  # linear
//!     warmup = ConstantLR(optimizer, factor=args.lr_warmup_decay, total_iters=W)      # constant
//!     lr_scheduler = SequentialLR(optimizer, schedulers=[warmup, main], milestones=[W])
//! # stepped once per epoch; DataLoader(drop_last=False)
//! ```
//!
//! StepLR multiplies by gamma where its own count reaches a multiple of step_size, and
//! ExponentialLR at every step: MultiStepLR at those counts does the same multiplications, and
//! at SequentialLR's switch all three reset to base_lr.

use super::CommandLine;
use super::argv::{self, Arity, Loader, Opt, Parsed};
use super::emit::{self, Count};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};

const DETECTION: &str = "torchvision detection train.py";
const CLASSIFICATION: &str = "torchvision classification train.py";

const fn opt(names: &'static [&'static str], arity: Arity) -> Opt {
    Opt { names, arity }
}

pub struct Detection;

const DETECTION_OPTIONS: &[Opt] = &[
    opt(&["--batch-size", "-b"], Arity::One),
    opt(&["--epochs"], Arity::One),
    opt(&["--lr"], Arity::One),
    opt(&["--lr-scheduler"], Arity::One),
    opt(&["--lr-steps"], Arity::Many),
    opt(&["--lr-gamma"], Arity::One),
    opt(&["--world-size"], Arity::One),
];

impl CommandLine for Detection {
    fn name(&self) -> &'static str {
        "torchvision-detection"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    fn dialect(&self) -> &'static str {
        "torch-chained"
    }

    fn script(&self) -> &'static str {
        DETECTION
    }

    fn read(&self, args: &[String], flags: &Layer) -> Result<Layer, ConfigError> {
        let p = argv::parse(DETECTION, args, DETECTION_OPTIONS)?;
        world_size_from_devices(&p)?;
        let scheduler = p.text("--lr-scheduler", "multisteplr").to_lowercase();
        match scheduler.as_str() {
            "multisteplr" => {}
            "cosineannealinglr" => {
                return Err(super::unmodelled(p.origin("--lr-scheduler"), &scheduler));
            }
            _ => return Err(refused_by_script(&p, &scheduler)),
        }
        let mut layer = Layer::default();
        let loader = Loader {
            batch_per_device: p.positive("--batch-size", 2)?,
            drop_last: true,
            grad_accum: 1,
            batch_at: p.origin("--batch-size"),
        };
        let per_epoch = argv::epoch_length(DETECTION, &loader, flags, &mut layer)?;
        if per_epoch < 2 {
            return Err(ConfigError::invalid(
                Origin::Flag("--dataset-size".into()),
                "one iteration per epoch: engine.py's warmup of min(1000, 1 - 1) = 0 \
                 iterations leaves the lr at 1/1000 of --lr (LinearLR(total_iters=0)), which \
                 lrsched does not model",
            ));
        }
        emit::number(
            &mut layer,
            "base_lr",
            p.float("--lr", 0.02)?,
            p.origin("--lr"),
        );
        milestones(&p, "--lr-steps", &[16, 22], &mut layer)?;
        emit::number(
            &mut layer,
            "gamma",
            p.float("--lr-gamma", 0.1)?,
            p.origin("--lr-gamma"),
        );
        let warmup = 1000.min(per_epoch - 1);
        let engine = |what: &str| Origin::Flag(format!("torchvision detection engine.py {what}"));
        emit::count(
            &mut layer,
            "warmup_iters",
            Count::Iters(warmup),
            engine(&format!("warmup_iters = min(1000, {per_epoch} - 1)")),
        );
        emit::number(
            &mut layer,
            "warmup_factor",
            1.0 / 1000.0,
            engine("warmup_factor = 1.0 / 1000"),
        );
        emit::text(&mut layer, "warmup_method", "linear", engine("LinearLR"));
        emit::count(
            &mut layer,
            "iters",
            Count::Epochs(p.count("--epochs", 26)?),
            p.origin("--epochs"),
        );
        let stepping =
            engine("steps the LinearLR every iteration; train.py steps MultiStepLR per epoch");
        emit::text(&mut layer, "stepping", "epoch", stepping.clone());
        emit::text(&mut layer, "warmup_stepping", "iter", stepping);
        emit::text(
            &mut layer,
            "dialect",
            "torch-chained",
            Origin::Flag(format!(
                "{DETECTION}: MultiStepLR and LinearLR on one optimizer"
            )),
        );
        Ok(layer)
    }
}

pub struct Classification;

const CLASSIFICATION_OPTIONS: &[Opt] = &[
    opt(&["--batch-size", "-b"], Arity::One),
    opt(&["--epochs"], Arity::One),
    opt(&["--lr"], Arity::One),
    opt(&["--lr-scheduler"], Arity::One),
    opt(&["--lr-step-size"], Arity::One),
    opt(&["--lr-gamma"], Arity::One),
    opt(&["--lr-warmup-epochs"], Arity::One),
    opt(&["--lr-warmup-method"], Arity::One),
    opt(&["--lr-warmup-decay"], Arity::One),
    opt(&["--ra-sampler"], Arity::Flag),
    opt(&["--world-size"], Arity::One),
];

impl CommandLine for Classification {
    fn name(&self) -> &'static str {
        "torchvision-classification"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    fn dialect(&self) -> &'static str {
        "torch-sequential"
    }

    fn script(&self) -> &'static str {
        CLASSIFICATION
    }

    fn read(&self, args: &[String], flags: &Layer) -> Result<Layer, ConfigError> {
        let p = argv::parse(CLASSIFICATION, args, CLASSIFICATION_OPTIONS)?;
        world_size_from_devices(&p)?;
        if p.flag("--ra-sampler") {
            return Err(ConfigError::invalid(
                p.origin("--ra-sampler"),
                "RASampler changes how many samples an epoch has, which lrsched does not model",
            ));
        }
        let scheduler = p.text("--lr-scheduler", "steplr").to_lowercase();
        let step = match scheduler.as_str() {
            "steplr" => p.positive("--lr-step-size", 30)?,
            "exponentiallr" => 1,
            "cosineannealinglr" => {
                return Err(super::unmodelled(p.origin("--lr-scheduler"), &scheduler));
            }
            _ => return Err(refused_by_script(&p, &scheduler)),
        };
        let mut layer = Layer::default();
        let loader = Loader {
            batch_per_device: p.positive("--batch-size", 32)?,
            drop_last: false,
            grad_accum: 1,
            batch_at: p.origin("--batch-size"),
        };
        argv::epoch_length(CLASSIFICATION, &loader, flags, &mut layer)?;
        let epochs = p.count("--epochs", 90)?;
        let warmup = p.count("--lr-warmup-epochs", 0)?;
        emit::number(
            &mut layer,
            "base_lr",
            p.float("--lr", 0.1)?,
            p.origin("--lr"),
        );
        // The main scheduler counts from SequentialLR's switch at W: its decays, at every
        // multiple of step within the run, are MultiStepLR milestones as torch-sequential
        // takes them (counted from the switch).
        let decays: Vec<Count> = (1..)
            .map(|k: u64| k.saturating_mul(step))
            .take_while(|&m| m.saturating_add(warmup) < epochs)
            .map(Count::Epochs)
            .collect();
        let at = match scheduler.as_str() {
            "steplr" => Origin::Flag(format!(
                "{CLASSIFICATION} StepLR(step_size=--lr-step-size {step}): every {step} epochs \
                 of its own count"
            )),
            _ => Origin::Flag(format!("{CLASSIFICATION} ExponentialLR: every epoch")),
        };
        emit::counts(&mut layer, "milestones", &decays, at);
        emit::number(
            &mut layer,
            "gamma",
            p.float("--lr-gamma", 0.1)?,
            p.origin("--lr-gamma"),
        );
        emit::count(
            &mut layer,
            "warmup_iters",
            Count::Epochs(warmup),
            p.origin("--lr-warmup-epochs"),
        );
        if warmup > 0 {
            let method = p.text("--lr-warmup-method", "constant");
            if method != "linear" && method != "constant" {
                return Err(ConfigError::invalid(
                    p.origin("--lr-warmup-method"),
                    format!(
                        "train.py refuses '{method}' (\"Invalid warmup lr method\"); it takes \
                         linear or constant"
                    ),
                ));
            }
            emit::text(
                &mut layer,
                "warmup_method",
                &method,
                p.origin("--lr-warmup-method"),
            );
            emit::number(
                &mut layer,
                "warmup_factor",
                p.float("--lr-warmup-decay", 0.01)?,
                p.origin("--lr-warmup-decay"),
            );
        }
        emit::count(
            &mut layer,
            "iters",
            Count::Epochs(epochs),
            p.origin("--epochs"),
        );
        emit::text(
            &mut layer,
            "stepping",
            "epoch",
            Origin::Flag(format!(
                "{CLASSIFICATION} steps lr_scheduler once per epoch"
            )),
        );
        emit::text(
            &mut layer,
            "dialect",
            "torch-sequential",
            Origin::Flag(format!(
                "{CLASSIFICATION}: SequentialLR([warmup, main], milestones=[--lr-warmup-epochs])"
            )),
        );
        Ok(layer)
    }
}

/// The world size comes from the launcher (torchrun's `WORLD_SIZE` replaces `--world-size`).
fn world_size_from_devices(p: &Parsed) -> Result<(), ConfigError> {
    if p.is_given("--world-size") {
        return Err(ConfigError::invalid(
            p.origin("--world-size"),
            "the world size comes from the launcher (torchrun sets WORLD_SIZE over it): give \
             it as lrsched's --devices N, before --",
        ));
    }
    Ok(())
}

/// A scheduler name the script itself refuses.
fn refused_by_script(p: &Parsed, scheduler: &str) -> ConfigError {
    ConfigError::invalid(
        p.origin("--lr-scheduler"),
        format!("train.py refuses '{scheduler}' (\"Invalid lr scheduler\")"),
    )
}

/// `--lr-steps 16 22`: milestones in epochs.
fn milestones(
    p: &Parsed,
    name: &'static str,
    default: &[i64],
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    let at = p.origin(name);
    let epochs = p
        .ints(name, default)?
        .into_iter()
        .map(|m| u64::try_from(m).map(Count::Epochs))
        .collect::<Result<Vec<Count>, _>>()
        .map_err(|_| ConfigError::invalid(at.clone(), "must be >= 0"))?;
    emit::counts(layer, "milestones", &epochs, at);
    Ok(())
}
