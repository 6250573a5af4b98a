//! mmdetection 3.x configs, run by mmengine's `Runner` (docs/import.md, "mmdetection 3.x"):
//!
//! ```python
//! train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)       # or IterBasedTrainLoop, max_iters
//! param_scheduler = [
//!     dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
//!     dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1)]
//! optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02))
//! train_dataloader = dict(batch_size=2)                              # per GPU
//! auto_scale_lr = dict(enable=False, base_batch_size=16)
//! # _ParamScheduler.step: if self.begin <= self._global_step < self.end: self.last_step += 1
//! # MultiStepLR: decays when last_step in milestones; build_iter_from_epoch: milestones * epoch_length
//! # Runner.scale_lr: lr * float(world_size * batch_size) / float(base_batch_size)
//! ```
//!
//! A by-epoch scheduler steps at each epoch's end, so a milestone m of a MultiStepLR that
//! begins at b decays at epoch b + m, iteration (b + m) × epoch length: written `"{b+m}ep"`,
//! for lrsched's epoch length (`--dataset-size`, with the config's batch per GPU × `--devices`).

use std::path::Path;

use super::emit::{self, Count};
use super::openmmlab::{self, Generation, get};
use super::python::{Dict, Kind, Value};
use super::{Fit, Format, Source};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};

/// mmengine's `INF = int(1e9)`, a scheduler's default `end`.
const INF: i128 = 1_000_000_000;
const FRAMEWORK: &str = "mmengine";

pub struct MmdetConfig;

impl Format for MmdetConfig {
    fn name(&self) -> &'static str {
        "mmdet"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["mmdet3", "mmengine"]
    }
    fn framework(&self) -> &'static str {
        "mmdetection 3.x / mmengine Python config"
    }
    fn dialect(&self) -> Option<&'static str> {
        Some("mmengine")
    }
    fn detect(&self, path: &Path, text: &str) -> Fit {
        match (
            super::extension(path).as_str(),
            openmmlab::generation(path, text),
        ) {
            ("py", Some(Generation::Mmengine)) => Fit::Certain,
            _ => Fit::No,
        }
    }
    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let cfg = openmmlab::load(file.path, file.text)?;
        schedule(file.path, &cfg, flags, file.auto_scale_lr)
    }
}

/// One scheduler of `param_scheduler`, with its index for messages.
struct Scheduler<'a> {
    dict: &'a Dict,
    value: &'a Value,
    key: String,
}

impl Scheduler<'_> {
    fn key(&self, field: &str) -> String {
        format!("{}.{field}", self.key)
    }

    fn by_epoch(&self) -> Result<bool, ConfigError> {
        get(self.dict, "by_epoch").map_or(Ok(true), |v| v.bool(&self.key("by_epoch")))
    }

    fn int(&self, field: &str, default: i128) -> Result<i128, ConfigError> {
        match get(self.dict, field) {
            None => Ok(default),
            Some(Value {
                kind: Kind::Int(n), ..
            }) => Ok(*n),
            Some(other) => Err(other.unexpected(&self.key(field), "a whole number")),
        }
    }

    fn number(&self, field: &str, default: f64) -> Result<f64, ConfigError> {
        get(self.dict, field).map_or(Ok(default), |v| v.number(&self.key(field)))
    }

    fn at(&self, field: &str) -> crate::config::Origin {
        let value = get(self.dict, field).unwrap_or(self.value);
        value.at.origin(&self.key(field))
    }

    fn refuse(&self, problem: impl Into<String>) -> ConfigError {
        self.value.at.error(&self.key, problem)
    }
}

fn schedule(
    path: &Path,
    cfg: &Dict,
    flags: &Layer,
    auto_scale: bool,
) -> Result<Layer, ConfigError> {
    let mut layer = Layer::default();
    let missing = |key: &str| ConfigError::Import {
        path: path.to_path_buf(),
        problem: format!("{key} is not set, here or in a _base_ file; lrsched needs it"),
    };
    let by_epoch_loop = train_loop(cfg, &mut layer, &missing)?;
    let lr_value = optimizer_lr(cfg, &missing)?;
    let batch = match get(cfg, "train_dataloader") {
        Some(loader) => match get(loader.dict("train_dataloader")?, "batch_size") {
            Some(batch) => Some((batch.count("train_dataloader.batch_size")?, batch)),
            None => None,
        },
        None => None,
    };
    let mut lr = lr_value.number("optim_wrapper.optimizer.lr")?;
    if let Some(scaled) = auto_scale_lr(cfg, batch, flags, auto_scale, lr)? {
        lr = scaled;
    }
    emit::number(
        &mut layer,
        "base_lr",
        lr,
        lr_value.at.origin("optim_wrapper.optimizer.lr"),
    );
    schedulers(cfg, by_epoch_loop, &mut layer)?;
    if let Some((n, batch)) = batch.filter(|_| emit::counts_epochs(&layer)) {
        let at = batch.at.origin("train_dataloader.batch_size");
        emit::whole(&mut layer, "batch_per_device", n, at);
    }
    Ok(layer)
}

/// `train_cfg`: the run's length; whether the loop counts epochs.
fn train_loop(
    cfg: &Dict,
    layer: &mut Layer,
    missing: &dyn Fn(&str) -> ConfigError,
) -> Result<bool, ConfigError> {
    let train_cfg = get(cfg, "train_cfg").ok_or_else(|| missing("train_cfg"))?;
    let loop_cfg = train_cfg.dict("train_cfg")?;
    // Runner.build_train_loop: a `type`, else `by_epoch` picks the loop.
    let by_epoch = match get(loop_cfg, "type") {
        Some(kind) => match kind.str("train_cfg.type")? {
            "EpochBasedTrainLoop" => true,
            "IterBasedTrainLoop" => false,
            other => {
                return Err(kind.at.error(
                    "train_cfg.type",
                    format!("'{other}': lrsched reads EpochBasedTrainLoop and IterBasedTrainLoop"),
                ));
            }
        },
        None => match get(loop_cfg, "by_epoch") {
            Some(flag) => flag.bool("train_cfg.by_epoch")?,
            None => {
                return Err(train_cfg
                    .at
                    .error("train_cfg", "has neither type nor by_epoch"));
            }
        },
    };
    let (field, count): (&str, fn(u64) -> Count) = if by_epoch {
        ("max_epochs", Count::Epochs)
    } else {
        ("max_iters", Count::Iters)
    };
    let key = format!("train_cfg.{field}");
    let length = get(loop_cfg, field).ok_or_else(|| train_cfg.at.error(&key, "is not set"))?;
    let n = length.count(&key)?;
    emit::count(layer, "iters", count(n), length.at.origin(&key));
    Ok(by_epoch)
}

fn optimizer_lr<'a>(
    cfg: &'a Dict,
    missing: &dyn Fn(&str) -> ConfigError,
) -> Result<&'a Value, ConfigError> {
    let wrapper = get(cfg, "optim_wrapper").ok_or_else(|| missing("optim_wrapper"))?;
    let optimizer = get(wrapper.dict("optim_wrapper")?, "optimizer").ok_or_else(|| {
        wrapper.at.error(
            "optim_wrapper.optimizer",
            "is not set: lrsched reads one optimizer (several optimizers have one schedule each)",
        )
    })?;
    get(optimizer.dict("optim_wrapper.optimizer")?, "lr").ok_or_else(|| {
        optimizer
            .at
            .error("optim_wrapper.optimizer.lr", "is not set")
    })
}

/// mmengine's `Runner.scale_lr`, when `auto_scale_lr.enable` is true or the command line says
/// `--auto-scale-lr` (mmdetection's `tools/train.py`, which also requires both keys).
fn auto_scale_lr(
    cfg: &Dict,
    batch: Option<(u64, &Value)>,
    flags: &Layer,
    asked: bool,
    lr: f64,
) -> Result<Option<f64>, ConfigError> {
    let scale = get(cfg, "auto_scale_lr")
        .map(|v| v.dict("auto_scale_lr"))
        .transpose()?;
    let enabled = match scale.and_then(|s| get(s, "enable")) {
        Some(flag) => flag.bool("auto_scale_lr.enable")?,
        None => false,
    };
    if asked
        && !scale.is_some_and(|s| s.contains_key("enable") && s.contains_key("base_batch_size"))
    {
        return Err(ConfigError::invalid(
            crate::config::Origin::Flag("--auto-scale-lr".into()),
            "the config has no auto_scale_lr with enable and base_batch_size (mmdetection's \
             train.py: Can not find \"auto_scale_lr\" ...)",
        ));
    }
    if !(enabled || asked) {
        return Ok(None);
    }
    let Some(scale) = scale else { return Ok(None) };
    let base = get(scale, "base_batch_size").ok_or_else(|| {
        ConfigError::invalid(
            crate::config::Origin::Flag("--auto-scale-lr".into()),
            "auto_scale_lr has no base_batch_size (mmengine: Lack of `base_batch_size`)",
        )
    })?;
    let base_batch = base.count("auto_scale_lr.base_batch_size")?;
    let Some((per_device, _)) = batch else {
        return Err(base.at.error(
            "auto_scale_lr",
            "scaling needs train_dataloader.batch_size, which is not set",
        ));
    };
    let world = emit::devices(flags)?;
    let real = (world as u128) * u128::from(per_device);
    let ratio = real as f64 / base_batch as f64;
    Ok(Some(lr * ratio))
}

/// `param_scheduler`: an optional LinearLR or ConstantLR warmup, then a MultiStepLR.
fn schedulers(cfg: &Dict, by_epoch_loop: bool, layer: &mut Layer) -> Result<(), ConfigError> {
    let Some(value) = get(cfg, "param_scheduler") else {
        let none = emit::default(FRAMEWORK, "param_scheduler: none, a constant lr");
        emit::counts(layer, "milestones", &[], none.clone());
        no_warmup_scheduler(layer, none);
        return Ok(());
    };
    let list: Vec<&Value> = match &value.kind {
        Kind::Dict(_) => vec![value],
        _ => value.items("param_scheduler")?.iter().collect(),
    };
    let mut warmup = None;
    let mut decay = None;
    for (index, item) in list.iter().enumerate() {
        let key = format!("param_scheduler[{index}]");
        let dict = item.dict(&key)?;
        let scheduler = Scheduler {
            dict,
            value: item,
            key: key.clone(),
        };
        let kind = get(dict, "type").ok_or_else(|| item.at.error(&key, "has no type"))?;
        let kind = kind.str(&format!("{key}.type"))?;
        match kind {
            "LinearLR" | "ConstantLR" if decay.is_some() => {
                return Err(scheduler.refuse(format!(
                    "{kind} comes after the MultiStepLR; lrsched models the warmup first"
                )));
            }
            "LinearLR" | "ConstantLR" if warmup.is_none() => warmup = Some((kind, scheduler)),
            "MultiStepLR" if decay.is_none() => decay = Some(scheduler),
            "LinearLR" | "ConstantLR" | "MultiStepLR" => {
                return Err(scheduler.refuse(format!(
                    "a second {kind}; lrsched models one warmup and one decay"
                )));
            }
            // Momentum schedulers leave the lr alone.
            other if other.ends_with("Momentum") => {}
            other => {
                return Err(scheduler.refuse(format!(
                    "{other}: lrsched covers the warmup + multi-step family (LinearLR or \
                     ConstantLR warmup, MultiStepLR decay), not {other}"
                )));
            }
        }
    }
    match warmup {
        Some((kind, scheduler)) => warmup_of(kind, &scheduler, layer)?,
        None => no_warmup_scheduler(
            layer,
            value
                .at
                .origin("param_scheduler: no warmup scheduler, MultiStepLR alone (in place)"),
        ),
    }
    match decay {
        Some(scheduler) => milestones(&scheduler, by_epoch_loop, layer),
        None => {
            emit::counts(layer, "milestones", &[], value.at.origin("param_scheduler"));
            Ok(())
        }
    }
}

/// No warmup scheduler: mmengine's MultiStepLR alone multiplies the lr in place by
/// `gamma ** Counter(milestones)[step]`, as PyTorch's MultiStepLR does. The mmengine dialect
/// models the warmup scheduler too (and refuses `end=0` as mmengine does), so this is
/// torch-chained with W = 0 and f = 1: its `LinearLR(start_factor=1.0, total_iters=0)`
/// multiplies by 1.0 once, which changes no bit, and leaves MultiStepLR's own curve. Milestones
/// past MultiStepLR's `end` (INF by default) are already dropped, as mmengine never fires them.
fn no_warmup_scheduler(layer: &mut Layer, at: Origin) {
    emit::whole(layer, "warmup_iters", 0, at.clone());
    emit::number(layer, "warmup_factor", 1.0, at.clone());
    emit::text(layer, "warmup_method", "linear", at.clone());
    emit::text(layer, "dialect", "torch-chained", at);
}

/// Whether a by-epoch scheduler's counts are epochs (they always are; `convert_to_iter_based`
/// multiplies them by the epoch length, exactly for whole epochs).
fn check_epoch_loop(scheduler: &Scheduler<'_>, by_epoch_loop: bool) -> Result<(), ConfigError> {
    if !by_epoch_loop {
        return Err(scheduler.refuse(
            "by_epoch=True under an IterBasedTrainLoop: the scheduler would step per epoch of \
             an iteration-based run; set by_epoch=False and count in iterations",
        ));
    }
    Ok(())
}

fn warmup_of(kind: &str, scheduler: &Scheduler<'_>, layer: &mut Layer) -> Result<(), ConfigError> {
    let (factor_key, method) = match kind {
        "LinearLR" => ("start_factor", "linear"),
        _ => ("factor", "constant"),
    };
    if kind == "LinearLR" && scheduler.number("end_factor", 1.0)? != 1.0 {
        return Err(
            scheduler.refuse("end_factor other than 1.0: the warmup would not end at base_lr")
        );
    }
    let factor = scheduler.number(factor_key, 1.0 / 3.0)?;
    let factor_at = match get(scheduler.dict, factor_key) {
        Some(value) => value.at.origin(&scheduler.key(factor_key)),
        None => emit::default(
            FRAMEWORK,
            if kind == "LinearLR" {
                "LinearLR.start_factor"
            } else {
                "ConstantLR.factor"
            },
        ),
    };
    if scheduler.int("begin", 0)? != 0 {
        return Err(scheduler.refuse("a warmup that begins after 0; lrsched's warmup starts at 0"));
    }
    let end = scheduler.int("end", INF)?;
    let end_count = u64::try_from(end).map_err(|_| scheduler.refuse("end must be >= 0"))?;
    let length = if scheduler.by_epoch()? {
        let converted = get(scheduler.dict, "convert_to_iter_based").map_or(Ok(false), |v| {
            v.bool(&scheduler.key("convert_to_iter_based"))
        })?;
        if !converted {
            return Err(scheduler.refuse(format!(
                "a {kind} stepped per epoch (by_epoch=True without convert_to_iter_based=True) \
                 changes the lr once an epoch; lrsched's warmup is per iteration (per-epoch \
                 stepping is not a key yet)"
            )));
        }
        Count::Epochs(end_count)
    } else {
        Count::Iters(end_count)
    };
    emit::count(layer, "warmup_iters", length, scheduler.at("end"));
    emit::number(layer, "warmup_factor", factor, factor_at);
    emit::text(layer, "warmup_method", method, scheduler.at("type"));
    Ok(())
}

fn milestones(
    scheduler: &Scheduler<'_>,
    by_epoch_loop: bool,
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    let by_epoch = scheduler.by_epoch()?;
    if by_epoch {
        check_epoch_loop(scheduler, by_epoch_loop)?;
    }
    let begin = scheduler.int("begin", 0)?;
    let end = scheduler.int("end", INF)?;
    if end <= begin {
        return Err(scheduler.refuse(format!(
            "end should be larger than begin, but got begin={begin}, end={end} (mmengine)"
        )));
    }
    let key = scheduler.key("milestones");
    let listed = get(scheduler.dict, "milestones")
        .ok_or_else(|| scheduler.value.at.error(&key, "is not set"))?;
    let mut counts = Vec::new();
    for item in listed.items(&key)? {
        let m = item.count(&key)?;
        let at = i128::from(m) + begin;
        // The scheduler stops stepping at `end`: a later milestone never fires.
        if at >= end {
            continue;
        }
        let at =
            u64::try_from(at).map_err(|_| item.at.error(&key, "begin + milestone must be >= 0"))?;
        counts.push(if by_epoch {
            Count::Epochs(at)
        } else {
            Count::Iters(at)
        });
    }
    emit::counts(layer, "milestones", &counts, listed.at.origin(&key));
    let gamma = scheduler.number("gamma", 0.1)?;
    let gamma_at = match get(scheduler.dict, "gamma") {
        Some(value) => value.at.origin(&scheduler.key("gamma")),
        None => emit::default(FRAMEWORK, "MultiStepLR.gamma"),
    };
    emit::number(layer, "gamma", gamma, gamma_at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::Raw;

    fn keys(text: &str, flags: &Layer, auto: bool) -> Result<Vec<(String, Raw)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.py");
        std::fs::write(&path, text).unwrap();
        let cfg = openmmlab::load(&path, text).map_err(|e| e.to_string())?;
        let layer = schedule(&path, &cfg, flags, auto).map_err(|e| {
            e.to_string()
                .replace(&format!("{}", path.display()), "c.py")
        })?;
        Ok(layer
            .entries
            .iter()
            .map(|(k, (raw, _))| (k.to_string(), raw.clone()))
            .collect())
    }

    fn get(keys: &[(String, Raw)], key: &str) -> Raw {
        keys.iter().find(|(k, _)| k == key).unwrap().1.clone()
    }

    const HEAD: &str = "train_cfg = dict(by_epoch=True, max_epochs=20)\n\
                        optim_wrapper = dict(optimizer=dict(lr=0.1))\n\
                        train_dataloader = dict(batch_size=8)\n";

    #[test]
    fn begin_shifts_milestones_and_end_drops_them() {
        let text = format!(
            "{HEAD}param_scheduler = [\n\
             dict(type='LinearLR', by_epoch=True, convert_to_iter_based=True, end=2),\n\
             dict(type='MultiStepLR', begin=2, end=15, milestones=[6, 12, 13])]\n"
        );
        let set = keys(&text, &Layer::default(), false).unwrap();
        let strings =
            |items: &[&str]| Raw::Array(items.iter().map(|s| Raw::Str(s.to_string())).collect());
        assert_eq!(get(&set, "milestones"), strings(&["8ep", "14ep"]));
        assert_eq!(get(&set, "warmup_iters"), Raw::Str("2ep".into()));
        assert_eq!(
            get(&set, "warmup_factor"),
            Raw::Float("0.3333333333333333".into())
        );
        assert_eq!(get(&set, "iters"), Raw::Str("20ep".into()));
        assert_eq!(get(&set, "batch_per_device"), Raw::Integer("8".into()));
    }

    #[test]
    fn auto_scale_lr_follows_the_real_batch() {
        let text = format!("{HEAD}auto_scale_lr = dict(enable=True, base_batch_size=16)\n");
        let mut flags = Layer::default();
        flags.set_flag("devices", Some("3"));
        let set = keys(&text, &flags, false).unwrap();
        // 3 × 8 = 24 over 16: × 1.5.
        assert_eq!(
            get(&set, "base_lr"),
            Raw::Float(crate::schedule::message::number(0.1 * 1.5))
        );
        let error = keys(HEAD, &flags, true).unwrap_err();
        assert!(
            error.starts_with("--auto-scale-lr: the config has no auto_scale_lr"),
            "{error}"
        );
    }

    #[test]
    fn per_epoch_warmups_and_iteration_loops_are_refused() {
        let text = format!("{HEAD}param_scheduler = dict(type='ConstantLR', factor=0.5, end=1)\n");
        let error = keys(&text, &Layer::default(), false).unwrap_err();
        assert!(error.contains("ConstantLR stepped per epoch"), "{error}");
        let text = "train_cfg = dict(type='IterBasedTrainLoop', max_iters=100)\n\
                    optim_wrapper = dict(optimizer=dict(lr=0.1))\n\
                    param_scheduler = dict(type='MultiStepLR', milestones=[50])\n";
        let error = keys(text, &Layer::default(), false).unwrap_err();
        assert!(
            error.contains("by_epoch=True under an IterBasedTrainLoop"),
            "{error}"
        );
    }
}
