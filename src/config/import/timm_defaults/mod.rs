//! timm's `train.py`: the arguments its schedule reads, with their defaults as data, and the
//! schedule it builds from them, for every format that gives those arguments (the `args.yaml`
//! train.py writes, a train.py command line). docs/import.md, "timm".
//!
//! ```python
//! if not args.lr:
//!     global_batch_size = batch_size_reference * args.world_size * args.grad_accum_steps
//!     batch_ratio = global_batch_size / args.lr_base_size
//!     if not args.lr_base_scale:
//!         on = args.opt.lower()
//!         args.lr_base_scale = 'sqrt' if any([o in on for o in ('ada', 'lamb')]) else 'linear'
//!     if args.lr_base_scale == 'sqrt':
//!         batch_ratio = batch_ratio ** 0.5
//!     args.lr = args.lr_base * batch_ratio
//! updates_per_epoch = (len(loader_train) + args.grad_accum_steps - 1) // args.grad_accum_steps
//! lr_scheduler, num_epochs = create_scheduler_v2(optimizer, **scheduler_kwargs(args), ...)
//! # step_on_epochs = not sched_on_updates; otherwise every count is times updates_per_epoch
//! # 'multistep': MultiStepLRScheduler: base * decay_rate ** bisect_right(decay_t, t + 1)
//! # 'step':      StepLRScheduler:      base * decay_rate ** (t // decay_t)
//! #   both: warmup_lr + t * (base - warmup_lr) / warmup_t while t < warmup_t;
//! #   with warmup_prefix, t -= warmup_t after it, and num_epochs += warmup_epochs
//! ```
//!
//! `multistep` is the `timm-train` dialect (`timm` with `--warmup-prefix`). `step` becomes the
//! same scheduler: its decays, where Python's `t // decay_t` rises, as milestones one epoch
//! later (`bisect_right(decay_t, t + 1)` applies each a step early), so that the curve is the
//! same to the bit.

use super::argv::{Loader, loader_epoch_length};
use super::emit::{self, Count};
use super::yacs::noted;
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::schedule::floor_division::floor_div;

mod train_args;

pub use train_args::{ARGS, Arg, ArgKind, TrainArg};

/// Whose defaults these are, in origins: "timm train.py default --decay-rate".
pub const FRAMEWORK: &str = "timm train.py";

/// The most decays a `step` schedule may have within its run.
const MOST_DECAYS: usize = 100_000;

/// train.py's arguments: every default, replaced where the format gives a value.
pub struct Args {
    values: Vec<(&'static TrainArg, Arg, Origin)>,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            values: ARGS
                .iter()
                .map(|a| (a, a.default.arg(), emit::default(FRAMEWORK, a.flags[0])))
                .collect(),
        }
    }
}

impl Args {
    /// Sets argument `name` (args.yaml's spelling) to `value`, found `at`; `Ok(false)` for an
    /// argument the schedule does not depend on. A value of a type train.py would not have
    /// there is an error at `at`.
    pub fn set(&mut self, name: &str, value: Arg, at: Origin) -> Result<bool, ConfigError> {
        let Some(slot) = self.values.iter_mut().find(|(a, _, _)| a.name == name) else {
            return Ok(false);
        };
        let kind = slot.0.kind;
        let fits = matches!(
            (&value, kind),
            (Arg::Str(_), ArgKind::Str)
                | (
                    Arg::Int(_),
                    ArgKind::Int | ArgKind::Float | ArgKind::OptFloat
                )
                | (Arg::Float(_), ArgKind::Float | ArgKind::OptFloat)
                | (Arg::None, ArgKind::OptFloat | ArgKind::OptFloats)
                | (Arg::Bool(_), ArgKind::Flag)
                | (Arg::Ints(_), ArgKind::Ints | ArgKind::OptFloats)
                | (Arg::Floats(_), ArgKind::OptFloats)
        );
        if !fits {
            return Err(ConfigError::invalid(
                at,
                format!("expected {}, found {}", kind_name(kind), describe(&value)),
            ));
        }
        slot.1 = value;
        slot.2 = at;
        Ok(true)
    }

    fn get(&self, name: &str) -> (&Arg, &Origin) {
        self.values
            .iter()
            .find(|(a, _, _)| a.name == name)
            .map(|(_, value, at)| (value, at))
            .unwrap_or_else(|| panic!("{name} is not among timm's ARGS"))
    }

    fn float(&self, name: &str) -> Option<(f64, Origin)> {
        match self.get(name) {
            (Arg::Float(x), at) => Some((*x, at.clone())),
            (Arg::Int(n), at) => Some((*n as f64, at.clone())),
            _ => None,
        }
    }

    fn whole(&self, name: &str) -> Result<(u64, Origin), ConfigError> {
        match self.get(name) {
            (Arg::Int(n), at) => u64::try_from(*n)
                .map(|n| (n, at.clone()))
                .map_err(|_| ConfigError::invalid(at.clone(), format!("must be >= 0, got {n}"))),
            (other, at) => Err(ConfigError::invalid(
                at.clone(),
                format!("expected a whole number, found {}", describe(other)),
            )),
        }
    }

    fn text(&self, name: &str) -> (&str, &Origin) {
        match self.get(name) {
            (Arg::Str(text), at) => (text, at),
            (_, at) => ("", at),
        }
    }

    fn on(&self, name: &str) -> (bool, &Origin) {
        match self.get(name) {
            (Arg::Bool(on), at) => (*on, at),
            (_, at) => (false, at),
        }
    }

    /// The schedule train.py builds, as lrsched keys: counts in epochs; the batch per device,
    /// the accumulation and timm's `drop_last` for the epoch length (`--dataset-size`), the
    /// devices (`--devices`) from the command line, as `world_size`.
    pub fn layer(&self, flags: &Layer) -> Result<Layer, ConfigError> {
        let mut layer = Layer::default();
        let (sched, sched_at) = self.text("sched");
        if !matches!(sched, "step" | "multistep") {
            return Err(super::unmodelled(sched_at.clone(), sched));
        }
        let sched = sched.to_string();
        if let (noise @ (Arg::Floats(_) | Arg::Ints(_)), at) = self.get("lr_noise") {
            return Err(ConfigError::invalid(
                at.clone(),
                format!(
                    "{} adds random noise to the lr, which lrsched does not model (it \
                     reproduces lr_noise: null)",
                    describe(noise)
                ),
            ));
        }
        let (batch, batch_at) = self.whole("batch_size")?;
        let (accum, _) = self.whole("grad_accum_steps")?;
        // `args.grad_accum_steps = max(1, args.grad_accum_steps)`.
        let accum = accum.max(1);
        let (lr, lr_at) = self.lr(flags, batch, accum)?;
        emit::number(&mut layer, "base_lr", lr, lr_at);

        let (epochs, epochs_at) = self.whole("epochs")?;
        let (warmup, warmup_at) = self.whole("warmup_epochs")?;
        let (prefix, prefix_at) = self.on("warmup_prefix");
        let (on_updates, on_updates_at) = self.on("sched_on_updates");
        let total = if prefix {
            epochs.checked_add(warmup).ok_or_else(|| {
                ConfigError::invalid(epochs_at.clone(), "epochs + warmup_epochs is too large")
            })?
        } else {
            epochs
        };
        let total_at = if prefix {
            noted(&epochs_at, "+ warmup_epochs, with warmup_prefix")
        } else {
            epochs_at
        };
        emit::count(&mut layer, "iters", Count::Epochs(total), total_at);
        emit::count(&mut layer, "warmup_iters", Count::Epochs(warmup), warmup_at);
        if warmup > 0 {
            let (warmup_lr, at) = self.float("warmup_lr").expect("warmup_lr is a float");
            emit::number(&mut layer, "warmup_lr", warmup_lr, at);
        }
        let (rate, rate_at) = self.float("decay_rate").expect("decay_rate is a float");
        emit::number(&mut layer, "gamma", rate, rate_at);
        let stepping_at = on_updates_at.clone();
        if on_updates {
            emit::text(&mut layer, "stepping", "iter", stepping_at);
        } else {
            emit::text(&mut layer, "stepping", "epoch", stepping_at);
        }
        if sched == "multistep" {
            let (list, at) = match self.get("decay_milestones") {
                (Arg::Ints(list), at) => (list, at),
                (other, at) => {
                    return Err(ConfigError::invalid(
                        at.clone(),
                        format!("expected a list of epochs, found {}", describe(other)),
                    ));
                }
            };
            let counts = list
                .iter()
                .map(|&m| {
                    u64::try_from(m).map(Count::Epochs).map_err(|_| {
                        ConfigError::invalid(at.clone(), format!("must be >= 0, got {m}"))
                    })
                })
                .collect::<Result<Vec<Count>, ConfigError>>()?;
            emit::counts(&mut layer, "milestones", &counts, at.clone());
            if prefix {
                emit::text(&mut layer, "dialect", "timm", prefix_at.clone());
            }
        } else {
            if on_updates {
                return Err(ConfigError::invalid(
                    on_updates_at.clone(),
                    "with sched 'step', StepLRScheduler decays every decay_epochs × \
                     updates_per_epoch updates, a count lrsched cannot write in epochs; \
                     lrsched reads sched 'step' stepped per epoch (sched_on_updates: false)",
                ));
            }
            let (step, step_at) = match self.float("decay_epochs") {
                Some(found) => found,
                None => {
                    let (other, at) = self.get("decay_epochs");
                    return Err(ConfigError::invalid(
                        at.clone(),
                        format!("expected a number of epochs, found {}", describe(other)),
                    ));
                }
            };
            let shift = if prefix { warmup } else { 0 };
            let milestones = step_milestones(step, &step_at, shift, total)?;
            let note = format!(
                "decay_epochs {}: the epochs where t // {} rises, + 1 for \
                 MultiStepLRScheduler's t + 1",
                crate::schedule::message::number(step),
                crate::schedule::message::number(step)
            );
            let counts: Vec<Count> = milestones.into_iter().map(Count::Epochs).collect();
            emit::counts(&mut layer, "milestones", &counts, noted(&step_at, &note));
        }
        // timm's loader counts the epoch per process: the distributed sampler pads to
        // ceil(N / devices), `drop_last=True` for training; `--iters-per-epoch` replaces it.
        if flags.get("dataset_size").is_some() {
            let loader = Loader {
                batch_per_device: batch,
                drop_last: true,
                grad_accum: accum,
                batch_at,
            };
            loader_epoch_length(FRAMEWORK, &loader, flags, &mut layer)?;
        } else if flags.get("iters_per_epoch").is_none() {
            return Err(ConfigError::invalid(
                Origin::Flag("--dataset-size".into()),
                format!(
                    "timm counts its schedule in epochs: give the training set's size or name \
                     (its batches of batch_size {batch} × --devices make the epoch), or \
                     --iters-per-epoch N"
                ),
            ));
        }
        Ok(layer)
    }

    /// `args.lr`, or train.py's `lr_base` rule when it is None (or 0).
    fn lr(&self, flags: &Layer, batch: u64, accum: u64) -> Result<(f64, Origin), ConfigError> {
        if let Some((lr, at)) = self.float("lr")
            && lr != 0.0
        {
            return Ok((lr, at));
        }
        let (base, base_at) = self.float("lr_base").expect("lr_base is a float");
        let (size, _) = self.whole("lr_base_size")?;
        if size == 0 {
            let (_, at) = self.get("lr_base_size");
            return Err(ConfigError::invalid(
                at.clone(),
                "is 0: train.py divides by it (ZeroDivisionError)",
            ));
        }
        let world = emit::devices(flags)?;
        let global = u128::from(batch) * u128::from(world) * u128::from(accum);
        let mut ratio = global as f64 / size as f64;
        let (scale, _) = self.text("lr_base_scale");
        let scale = if scale.is_empty() {
            let on = self.text("opt").0.to_lowercase();
            if on.contains("ada") || on.contains("lamb") {
                "sqrt"
            } else {
                "linear"
            }
        } else {
            scale
        };
        if scale == "sqrt" {
            ratio = ratio.powf(0.5);
        }
        let note = format!(
            "lr is None: lr_base × ({batch} × {world} devices × {accum}) / {size}, {scale}"
        );
        Ok((base * ratio, noted(&base_at, &note)))
    }
}

/// `StepLRScheduler`'s decays as `MultiStepLRScheduler` milestones, in epochs: k(t) =
/// (t - shift) // step rises at epoch e (for e >= shift), written e + 1, once per rise, for
/// the epochs before `total`.
fn step_milestones(
    step: f64,
    at: &Origin,
    shift: u64,
    total: u64,
) -> Result<Vec<u64>, ConfigError> {
    if !(step > 0.0 && step.is_finite()) {
        return Err(ConfigError::invalid(
            at.clone(),
            format!(
                "must be a number of epochs > 0, got {} (StepLRScheduler divides by it)",
                crate::schedule::message::number(step)
            ),
        ));
    }
    let decays = |e: u64| floor_div((e - shift) as f64, step);
    let mut milestones = Vec::new();
    for n in 1u64.. {
        let n_f64 = n as f64;
        // A first guess, then the first epoch whose k reaches n.
        let mut e = shift.saturating_add((n_f64 * step).ceil() as u64);
        while e > shift && decays(e - 1) >= n_f64 {
            e -= 1;
        }
        while e < total && decays(e) < n_f64 {
            e += 1;
        }
        if e >= total {
            break;
        }
        if milestones.len() == MOST_DECAYS {
            return Err(ConfigError::invalid(
                at.clone(),
                format!("decays more than {MOST_DECAYS} times in {total} epochs"),
            ));
        }
        milestones.push(e + 1);
    }
    Ok(milestones)
}

fn kind_name(kind: ArgKind) -> &'static str {
    match kind {
        ArgKind::Str => "a string",
        ArgKind::Int => "a whole number",
        ArgKind::Float => "a number",
        ArgKind::OptFloat => "a number or null",
        ArgKind::Flag => "true or false",
        ArgKind::Ints => "a list of whole numbers",
        ArgKind::OptFloats => "a list of numbers or null",
    }
}

fn describe(value: &Arg) -> String {
    match value {
        Arg::None => "null".into(),
        Arg::Bool(on) => format!("{on}"),
        Arg::Int(n) => n.to_string(),
        Arg::Float(x) => crate::schedule::message::number(*x),
        Arg::Str(text) => format!("'{text}'"),
        Arg::Ints(items) => format!(
            "[{}]",
            items
                .iter()
                .map(i128::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Arg::Floats(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|x| crate::schedule::message::number(*x))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Arg::Other(type_name) => (*type_name).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_decays_where_python_floor_division_rises() {
        let at = Origin::Flag("--decay-epochs".into());
        // 2.4: t // 2.4 rises at epochs 3, 5, 8, 10; written one later.
        assert_eq!(step_milestones(2.4, &at, 0, 11).unwrap(), [4, 6, 9, 11]);
        // Counted from a 3-epoch warmup: 3 + (3, 5, 8).
        assert_eq!(step_milestones(2.4, &at, 3, 11).unwrap(), [7, 9]);
        // 1 // 0.1 is 9.0 in Python: the tenth decay comes at epoch 2, not 1.
        let tenths = step_milestones(0.1, &at, 0, 3).unwrap();
        assert_eq!(tenths.len(), 9 + 10);
        assert_eq!(tenths.iter().filter(|&&m| m == 2).count(), 9);
        assert!(step_milestones(0.0, &at, 0, 10).is_err());
        assert!(
            step_milestones(1e-9, &at, 0, 10)
                .unwrap_err()
                .to_string()
                .contains("decays more than 100000 times")
        );
    }

    /// timm's loader pads each process's share to ceil(N / devices) and drops its last partial
    /// batch: 1001 images on 2 devices in batches of 167 are floor(501 / 167) = 3 iterations,
    /// where lrsched's own floor(1001 / 334) would be 2.
    #[test]
    fn the_epoch_is_counted_per_device_as_timms_loader_does() {
        let at = || Origin::Flag("test".into());
        let mut args = Args::default();
        args.set("sched", Arg::Str("multistep".into()), at())
            .unwrap();
        args.set("batch_size", Arg::Int(167), at()).unwrap();
        let mut flags = Layer::default();
        flags.set_flag("dataset_size", Some("1001"));
        flags.set_flag("devices", Some("2"));
        let layer = args.layer(&flags).unwrap();
        let (per_epoch, origin) = layer.get("iters_per_epoch").expect("iters_per_epoch");
        assert_eq!(*per_epoch, crate::config::value::Raw::Integer("3".into()));
        assert_eq!(
            origin.to_string(),
            "timm train.py's loader on --dataset-size 1001: floor(ceil(1001 / 2 devices) / 167)"
        );
        // With gradient accumulation, updates_per_epoch rounds the loader's batches up.
        args.set("grad_accum_steps", Arg::Int(2), at()).unwrap();
        let layer = args.layer(&flags).unwrap();
        let (per_epoch, _) = layer.get("iters_per_epoch").expect("iters_per_epoch");
        assert_eq!(*per_epoch, crate::config::value::Raw::Integer("2".into()));
    }

    #[test]
    fn lr_base_scales_linearly_or_by_the_square_root() {
        let mut flags = Layer::default();
        flags.set_flag("devices", Some("8"));
        let mut args = Args::default();
        let at = || Origin::Flag("test".into());
        args.set("batch_size", Arg::Int(64), at()).unwrap();
        // 0.1 × (64 × 8 × 1) / 256 = 0.2.
        assert_eq!(args.lr(&flags, 64, 1).unwrap().0, 0.1 * (512.0 / 256.0));
        args.set("opt", Arg::Str("AdamW".into()), at()).unwrap();
        assert_eq!(args.lr(&flags, 64, 1).unwrap().0, 0.1 * 2f64.powf(0.5));
        args.set("lr", Arg::Float(0.5), at()).unwrap();
        assert_eq!(args.lr(&flags, 64, 1).unwrap().0, 0.5);
        assert!(args.set("epochs", Arg::Str("x".into()), at()).is_err());
        assert!(
            !args
                .set("model", Arg::Str("resnet50".into()), at())
                .unwrap()
        );
    }
}
