//! timm's `train.py` command line (`--sched step --epochs 450 --decay-epochs 2.4 ...`), over
//! the script's argparse defaults, with its lr rule and `create_scheduler_v2`:
//!
//! ```python
//! if not args.lr:
//!     global_batch_size = args.batch_size * args.world_size * args.grad_accum_steps
//!     batch_ratio = global_batch_size / args.lr_base_size
//!     if not args.lr_base_scale:
//!         on = args.opt.lower()
//!         args.lr_base_scale = 'sqrt' if any([o in on for o in ('ada', 'lamb')]) else 'linear'
//!     if args.lr_base_scale == 'sqrt':
//!         batch_ratio = batch_ratio ** 0.5
//!     args.lr = args.lr_base * batch_ratio
//! # create_scheduler_v2: counts in epochs, or x updates_per_epoch with --sched-on-updates
//! StepLRScheduler(decay_t=decay_epochs, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
//! MultiStepLRScheduler(decay_t=decay_milestones, decay_rate, warmup_t, warmup_lr_init, warmup_prefix)
//! num_epochs = epochs + (warmup_epochs if warmup_prefix else 0)
//! ```
//!
//! The loader drops the last partial batch (`create_loader(is_training=True)`), and the
//! optimizer steps once per `grad_accum_steps` batches, the last partial group included.

use super::CommandLine;
use super::argv::{self, Arity, Loader, Opt, Parsed};
use super::emit::{self, Count};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::config::stepping::floor_div;

/// At most this many decays from `--decay-epochs`: a milestone each.
const MOST_DECAYS: usize = 1_000_000;

const SCRIPT: &str = "timm train.py";

/// The options of `train.py` that decide the schedule, with argparse's arity.
const OPTIONS: &[Opt] = &[
    opt(&["--sched"], Arity::One),
    opt(&["--sched-on-updates"], Arity::Flag),
    opt(&["--lr"], Arity::One),
    opt(&["--lr-base"], Arity::One),
    opt(&["--lr-base-size"], Arity::One),
    opt(&["--lr-base-scale"], Arity::One),
    opt(&["--opt"], Arity::One),
    opt(&["--batch-size", "-b"], Arity::One),
    opt(&["--grad-accum-steps"], Arity::One),
    opt(&["--epochs"], Arity::One),
    opt(&["--decay-epochs"], Arity::One),
    opt(&["--decay-milestones"], Arity::Many),
    opt(&["--decay-rate", "--dr"], Arity::One),
    opt(&["--warmup-epochs"], Arity::One),
    opt(&["--warmup-lr"], Arity::One),
    opt(&["--warmup-prefix"], Arity::Flag),
    opt(&["--lr-noise"], Arity::Many),
    opt(&["--epoch-repeats"], Arity::One),
    opt(&["--aug-repeats"], Arity::One),
    opt(&["--config", "-c"], Arity::One),
];

const fn opt(names: &'static [&'static str], arity: Arity) -> Opt {
    Opt { names, arity }
}

pub struct TimmTrain;

impl CommandLine for TimmTrain {
    fn name(&self) -> &'static str {
        "timm"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["timm-train"]
    }

    fn script(&self) -> &'static str {
        SCRIPT
    }

    fn read(&self, args: &[String], flags: &Layer) -> Result<Layer, ConfigError> {
        let p = argv::parse(SCRIPT, args, OPTIONS)?;
        refuse_what_lrsched_does_not_model(&p)?;
        let sched = p.text("--sched", "cosine");
        if sched != "step" && sched != "multistep" {
            return Err(super::unmodelled(p.origin("--sched"), &sched));
        }
        let mut layer = Layer::default();
        let loader = Loader {
            batch_per_device: p.positive("--batch-size", 128)?,
            drop_last: true,
            grad_accum: p.positive("--grad-accum-steps", 1)?,
            batch_at: p.origin("--batch-size"),
        };
        let per_epoch = argv::epoch_length(SCRIPT, &loader, flags, &mut layer)?;
        base_lr(&p, &loader, flags, &mut layer)?;
        let prefix = p.flag("--warmup-prefix");
        let warmup = p.count("--warmup-epochs", 5)?;
        let epochs = p.count("--epochs", 300)?;
        emit::number(
            &mut layer,
            "gamma",
            p.float("--decay-rate", 0.1)?,
            p.origin("--decay-rate"),
        );
        emit::count(
            &mut layer,
            "warmup_iters",
            Count::Epochs(warmup),
            p.origin("--warmup-epochs"),
        );
        if warmup > 0 {
            let warmup_lr = p.float("--warmup-lr", 1e-5)?;
            emit::number(&mut layer, "warmup_lr", warmup_lr, p.origin("--warmup-lr"));
        }
        let (total, total_at) = if prefix {
            let at = format!("{SCRIPT} --epochs + --warmup-epochs (--warmup-prefix adds them)");
            (epochs + warmup, Origin::Flag(at))
        } else {
            (epochs, p.origin("--epochs"))
        };
        emit::count(&mut layer, "iters", Count::Epochs(total), total_at);
        // Per epoch, as timm steps by default; per update with --sched-on-updates, where
        // create_scheduler_v2 multiplies every count by updates_per_epoch, as lrsched's epoch
        // counts do.
        let on_updates = p.flag("--sched-on-updates");
        let stepping = if on_updates { "iter" } else { "epoch" };
        let at = match on_updates {
            true => p.origin("--sched-on-updates"),
            false => Origin::Flag(format!("{SCRIPT} steps per epoch (no --sched-on-updates)")),
        };
        emit::text(&mut layer, "stepping", stepping, at);
        let (milestones, at) = if sched == "step" {
            let (horizon, updates, unit): (u64, Option<u64>, fn(u64) -> Count) = if on_updates {
                (
                    epochs.saturating_mul(per_epoch),
                    Some(per_epoch),
                    Count::Iters,
                )
            } else {
                (epochs, None, Count::Epochs)
            };
            let rises = step_milestones(&p, horizon, updates)?;
            let at = Origin::Flag(format!(
                "{SCRIPT} --sched step --decay-epochs {}: where t // decay_t rises, + 1 for \
                 MultiStepLRScheduler's bisect_right(decay_t, t + 1)",
                p.text("--decay-epochs", "90")
            ));
            (rises.into_iter().map(unit).collect(), at)
        } else {
            let at = p.origin("--decay-milestones");
            let given = p.ints("--decay-milestones", &[90, 180, 270])?;
            let milestones = given
                .into_iter()
                .map(|m| u64::try_from(m).map(Count::Epochs))
                .collect::<Result<Vec<Count>, _>>()
                .map_err(|_| ConfigError::invalid(at.clone(), "must be >= 0"))?;
            (milestones, at)
        };
        emit::counts(&mut layer, "milestones", &milestones, at);
        // MultiStepLRScheduler(warmup_prefix=...): timm-train without the prefix, timm with it.
        let dialect = if prefix { "timm" } else { "timm-train" };
        let at = format!(
            "{SCRIPT} --sched {sched}{}",
            if prefix { " --warmup-prefix" } else { "" }
        );
        emit::text(&mut layer, "dialect", dialect, Origin::Flag(at));
        Ok(layer)
    }
}

/// What changes the lr or the epoch in ways lrsched does not model.
fn refuse_what_lrsched_does_not_model(p: &Parsed) -> Result<(), ConfigError> {
    if p.is_given("--lr-noise") {
        return Err(ConfigError::invalid(
            p.origin("--lr-noise"),
            "adds random noise to the lr, which lrsched does not model",
        ));
    }
    for repeats in ["--epoch-repeats", "--aug-repeats"] {
        if p.float(repeats, 0.0)? != 0.0 {
            return Err(ConfigError::invalid(
                p.origin(repeats),
                "changes how many samples an epoch has, which lrsched does not model",
            ));
        }
    }
    if p.is_given("--config") {
        return Err(ConfigError::invalid(
            p.origin("--config"),
            "sets defaults from a YAML file that lrsched does not read here: give its options \
             on the command line",
        ));
    }
    Ok(())
}

/// `--sched step`: `StepLRScheduler`, lr = base × decay_rate ** (t // decay_t) after the
/// warmup, t counted from 0 (or from the warmup's end with `--warmup-prefix`), `//` Python's
/// float floor division. `MultiStepLRScheduler` computes base × decay_rate **
/// bisect_right(decay_t, t + 1) with the same warmup and prefix: given the points r where
/// t // decay_t rises, each once per rise, as r + 1, it decays at the same t by the same power.
/// Returns the milestones, in the unit of t (epochs, or iterations with `--sched-on-updates`).
fn step_milestones(
    p: &Parsed,
    horizon: u64,
    updates: Option<u64>,
) -> Result<Vec<u64>, ConfigError> {
    let at = p.origin("--decay-epochs");
    let decay_epochs = p.float("--decay-epochs", 90.0)?;
    // create_scheduler_v2: decay_t = decay_epochs * updates_per_epoch, in floats.
    let decay_t = match updates {
        Some(per_epoch) => decay_epochs * per_epoch as f64,
        None => decay_epochs,
    };
    if decay_t <= 0.0 {
        return Err(ConfigError::invalid(at, "must be > 0"));
    }
    let decays = |t: u64| floor_div(t as f64, decay_t);
    let last = decays(horizon.saturating_sub(1));
    if last > MOST_DECAYS as f64 {
        return Err(ConfigError::invalid(
            at,
            format!("decays more than {MOST_DECAYS} times in the run, more than lrsched lists"),
        ));
    }
    let mut milestones = Vec::new();
    for n in 1..=(last as u64) {
        let n_f64 = n as f64;
        // A first guess, then the first t whose count reaches n.
        let mut t = (n_f64 * decay_t).ceil() as u64;
        while t > 0 && decays(t - 1) >= n_f64 {
            t -= 1;
        }
        while decays(t) < n_f64 {
            t += 1;
        }
        milestones.push(t + 1);
    }
    Ok(milestones)
}

/// `--lr`, or the rule that derives it from `--lr-base` and the global batch.
fn base_lr(
    p: &Parsed,
    loader: &Loader,
    flags: &Layer,
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    // `if not args.lr`: 0 derives it too.
    if let Some(lr) = p.optional_float("--lr")?.filter(|&lr| lr != 0.0) {
        emit::number(layer, "base_lr", lr, p.origin("--lr"));
        return Ok(());
    }
    let world = emit::devices(flags)?;
    let global = loader.batch_per_device * world * loader.grad_accum;
    let size = p.int("--lr-base-size", 256)?;
    if size == 0 {
        return Err(ConfigError::invalid(
            p.origin("--lr-base-size"),
            "must not be 0",
        ));
    }
    let mut ratio = global as f64 / size as f64;
    let given_scale = p.text("--lr-base-scale", "");
    let scale = if given_scale.is_empty() {
        let opt = p.text("--opt", "sgd").to_lowercase();
        if opt.contains("ada") || opt.contains("lamb") {
            "sqrt"
        } else {
            "linear"
        }
    } else {
        given_scale.as_str()
    };
    if scale == "sqrt" {
        // Python's `** 0.5` is C `pow`, not `sqrt`.
        ratio = ratio.powf(0.5);
    }
    let lr_base = p.float("--lr-base", 0.1)?;
    emit::number(
        layer,
        "base_lr",
        lr_base * ratio,
        Origin::Flag(format!(
            "{SCRIPT} --lr-base {} × ({global} / {size}){}: global batch --batch-size {} × {world} \
             devices × --grad-accum-steps {}",
            crate::schedule::message::number(lr_base),
            if scale == "sqrt" { " ** 0.5" } else { "" },
            loader.batch_per_device,
            loader.grad_accum
        )),
    );
    Ok(())
}
