//! mmdetection 2.x configs, run by mmcv 1.x's runners and `StepLrUpdaterHook`
//! (docs/import.md, "mmdetection 2.x"):
//!
//! ```python
//! lr_config = dict(policy='step', warmup='linear', warmup_iters=500, warmup_ratio=0.001,
//!                  step=[8, 11])      # gamma=0.1, by_epoch=True, warmup_by_epoch=False
//! runner = dict(type='EpochBasedRunner', max_epochs=12)   # or IterBasedRunner, max_iters
//! optimizer = dict(type='SGD', lr=0.02)
//! data = dict(samples_per_gpu=2)
//! # StepLrUpdaterHook.get_lr: base_lr * gamma ** (index of the first step progress is below)
//! # LrUpdaterHook: if warmup_by_epoch: warmup_iters = warmup_epochs * len(data_loader)
//! # mmdet.apis.auto_scale_lr: lr = (num_gpus * samples_per_gpu / base_batch_size) * lr
//! ```
//!
//! By epoch, the regular lr is set at each epoch's start and the warmup per iteration with the
//! same formula, so a step of epoch s decays at iteration s × epoch length: `"{s}ep"`.

use std::path::Path;

use super::emit::{self, Count};
use super::openmmlab::{self, Generation, get};
use super::python::{Dict, Kind, Value};
use super::{Fit, Format, Source};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};

const FRAMEWORK: &str = "mmcv 1.x";
/// The most decays an integer `step` may stand for, listed up to the run's end.
const MAX_STEPS: u64 = 100_000;

pub struct Mmdet2Config;

impl Format for Mmdet2Config {
    fn name(&self) -> &'static str {
        "mmdet2"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["mmcv1", "mmcv"]
    }
    fn framework(&self) -> &'static str {
        "mmdetection 2.x / mmcv 1.x Python config"
    }
    fn dialect(&self) -> Option<&'static str> {
        Some("mmcv1")
    }
    fn detect(&self, path: &Path, text: &str) -> Fit {
        match (
            super::extension(path).as_str(),
            openmmlab::generation(path, text),
        ) {
            ("py", Some(Generation::Mmcv1)) => Fit::Certain,
            _ => Fit::No,
        }
    }
    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let cfg = openmmlab::load(file.path, file.text)?;
        schedule(file.path, &cfg, flags, file.auto_scale_lr)
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
    let (by_epoch_runner, length) = runner(cfg, &mut layer, &missing)?;
    let optimizer = get(cfg, "optimizer").ok_or_else(|| missing("optimizer"))?;
    let lr_value = get(optimizer.dict("optimizer")?, "lr")
        .ok_or_else(|| optimizer.at.error("optimizer.lr", "is not set"))?;
    let mut lr = lr_value.number("optimizer.lr")?;
    let batch = match get(cfg, "data") {
        Some(data) => get(data.dict("data")?, "samples_per_gpu"),
        None => None,
    };
    let per_device = batch.map(|b| b.count("data.samples_per_gpu")).transpose()?;
    if let Some(scale) = get(cfg, "auto_scale_lr") {
        let scale = scale.dict("auto_scale_lr")?;
        let enabled = get(scale, "enable").map_or(Ok(false), |v| v.bool("auto_scale_lr.enable"))?;
        // tools/train.py enables it only when the config has both keys (else it warns).
        let asked =
            auto_scale && scale.contains_key("enable") && scale.contains_key("base_batch_size");
        if enabled || asked {
            lr = scaled(scale, per_device, flags, lr)?.unwrap_or(lr);
        }
    }
    emit::number(
        &mut layer,
        "base_lr",
        lr,
        lr_value.at.origin("optimizer.lr"),
    );
    let lr_config = get(cfg, "lr_config").ok_or_else(|| missing("lr_config"))?;
    hook(lr_config, by_epoch_runner, length, &mut layer)?;
    if let (Some(n), Some(batch)) = (per_device, batch)
        && emit::counts_epochs(&layer)
    {
        let at = batch.at.origin("data.samples_per_gpu");
        emit::whole(&mut layer, "batch_per_device", n, at);
    }
    Ok(layer)
}

/// mmdetection 2.x `auto_scale_lr`: `(num_gpus × samples_per_gpu / base_batch_size) × lr`.
fn scaled(
    scale: &Dict,
    per_device: Option<u64>,
    flags: &Layer,
    lr: f64,
) -> Result<Option<f64>, ConfigError> {
    let Some(base) = get(scale, "base_batch_size") else {
        return Ok(None);
    };
    let base = base.count("auto_scale_lr.base_batch_size")?;
    let per_device = per_device.ok_or_else(|| {
        ConfigError::invalid(
            Origin::Flag("--auto-scale-lr".into()),
            "data.samples_per_gpu is not set",
        )
    })?;
    let batch = u128::from(emit::devices(flags)?) * u128::from(per_device);
    if batch == u128::from(base) {
        return Ok(None);
    }
    Ok(Some((batch as f64 / base as f64) * lr))
}

/// `runner` (or the older `total_epochs`): the run's length, and whether it counts epochs.
fn runner(
    cfg: &Dict,
    layer: &mut Layer,
    missing: &dyn Fn(&str) -> ConfigError,
) -> Result<(bool, u64), ConfigError> {
    let Some(runner) = get(cfg, "runner") else {
        // mmdetection 2.x: without `runner`, an EpochBasedRunner of `total_epochs`.
        let total = get(cfg, "total_epochs").ok_or_else(|| missing("runner"))?;
        let n = total.count("total_epochs")?;
        emit::count(
            layer,
            "iters",
            Count::Epochs(n),
            total.at.origin("total_epochs"),
        );
        return Ok((true, n));
    };
    let dict = runner.dict("runner")?;
    let kind = get(dict, "type").ok_or_else(|| runner.at.error("runner.type", "is not set"))?;
    let (by_epoch, field) = match kind.str("runner.type")? {
        "EpochBasedRunner" => (true, "max_epochs"),
        "IterBasedRunner" => (false, "max_iters"),
        other => {
            return Err(kind.at.error(
                "runner.type",
                format!("'{other}': lrsched reads EpochBasedRunner and IterBasedRunner"),
            ));
        }
    };
    let key = format!("runner.{field}");
    let value = get(dict, field).ok_or_else(|| runner.at.error(&key, "is not set"))?;
    let n = value.count(&key)?;
    let count = if by_epoch {
        Count::Epochs(n)
    } else {
        Count::Iters(n)
    };
    emit::count(layer, "iters", count, value.at.origin(&key));
    Ok((by_epoch, n))
}

/// `lr_config`: the `StepLrUpdaterHook` (or `Fixed`) and its warmup.
fn hook(
    value: &Value,
    by_epoch_runner: bool,
    length: u64,
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    let hook = value.dict("lr_config")?;
    let field = |name: &str| get(hook, name);
    let policy = field("policy").ok_or_else(|| value.at.error("lr_config.policy", "is not set"))?;
    let policy_name = policy.str("lr_config.policy")?;
    let fixed = match policy_name {
        "step" | "Step" => false,
        "fixed" | "Fixed" => true,
        other => {
            return Err(policy.at.error(
                "lr_config.policy",
                format!(
                    "'{other}': lrsched covers the warmup + multi-step family (policy='step'), \
                     not {other}"
                ),
            ));
        }
    };
    if let Some(min_lr) = field("min_lr").filter(|v| v.kind != Kind::None) {
        return Err(min_lr.at.error(
            "lr_config.min_lr",
            "a floor under the lr is not a key of lrsched",
        ));
    }
    let by_epoch = field("by_epoch").map_or(Ok(true), |v| v.bool("lr_config.by_epoch"))?;
    if by_epoch != by_epoch_runner && !fixed {
        return Err(value.at.error(
            "lr_config.by_epoch",
            format!(
                "by_epoch={} with an {}: the steps would count {} of a run counted in {}",
                if by_epoch { "True" } else { "False" },
                if by_epoch_runner {
                    "EpochBasedRunner"
                } else {
                    "IterBasedRunner"
                },
                if by_epoch { "epochs" } else { "iterations" },
                if by_epoch_runner {
                    "epochs"
                } else {
                    "iterations"
                },
            ),
        ));
    }
    let unit = |n: u64| {
        if by_epoch {
            Count::Epochs(n)
        } else {
            Count::Iters(n)
        }
    };
    if fixed {
        emit::counts(
            layer,
            "milestones",
            &[],
            policy.at.origin("lr_config.policy"),
        );
    } else {
        steps(value, unit, length, layer)?;
    }
    warmup(hook, value, layer)
}

fn steps(
    value: &Value,
    unit: impl Fn(u64) -> Count,
    length: u64,
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    let hook = value.dict("lr_config")?;
    let step = get(hook, "step").ok_or_else(|| value.at.error("lr_config.step", "is not set"))?;
    let counts: Vec<Count> = match &step.kind {
        // `progress // step`: a decay at every multiple of step, from 0, until the run ends.
        Kind::Int(_) => {
            let every = step.count("lr_config.step")?;
            if every == 0 || length / every > MAX_STEPS {
                return Err(step.at.error(
                    "lr_config.step",
                    format!("{every} would decay more than {MAX_STEPS} times"),
                ));
            }
            (1..)
                .map(|k| k * every)
                .take_while(|&s| s < length)
                .map(&unit)
                .collect()
        }
        _ => step
            .items("lr_config.step")?
            .iter()
            .map(|s| s.count("lr_config.step").map(&unit))
            .collect::<Result<_, _>>()?,
    };
    emit::counts(
        layer,
        "milestones",
        &counts,
        step.at.origin("lr_config.step"),
    );
    let gamma_at = match get(hook, "gamma") {
        Some(g) => g.at.origin("lr_config.gamma"),
        None => emit::default(FRAMEWORK, "lr_config.gamma"),
    };
    let gamma = get(hook, "gamma").map_or(Ok(0.1), |g| g.number("lr_config.gamma"))?;
    emit::number(layer, "gamma", gamma, gamma_at);
    Ok(())
}

fn warmup(hook: &Dict, value: &Value, layer: &mut Layer) -> Result<(), ConfigError> {
    let method = get(hook, "warmup").filter(|v| v.kind != Kind::None);
    let Some(method) = method else {
        // No warmup: StepLrUpdaterHook is then base_lr × gamma^k, the maskrcnn curve; the
        // mmcv1 dialect models the hook with a warmup.
        let at = get(hook, "warmup").map_or_else(
            || {
                emit::default(
                    FRAMEWORK,
                    "lr_config.warmup (None: no warmup, the maskrcnn curve)",
                )
            },
            |v| v.at.origin("lr_config.warmup"),
        );
        emit::whole(layer, "warmup_iters", 0, at.clone());
        emit::text(layer, "dialect", "maskrcnn", at);
        return Ok(());
    };
    let name = method.str("lr_config.warmup")?;
    if !["linear", "constant", "exp"].contains(&name) {
        return Err(method.at.error(
            "lr_config.warmup",
            format!("'{name}' is not a warmup type (mmcv: linear, constant or exp)"),
        ));
    }
    emit::text(
        layer,
        "warmup_method",
        name,
        method.at.origin("lr_config.warmup"),
    );
    let by_epoch =
        get(hook, "warmup_by_epoch").map_or(Ok(false), |v| v.bool("lr_config.warmup_by_epoch"))?;
    // With warmup_by_epoch, mmcv reads `warmup_iters` as epochs (warmup_epochs = warmup_iters).
    let count: fn(u64) -> Count = if by_epoch {
        Count::Epochs
    } else {
        Count::Iters
    };
    let key = "lr_config.warmup_iters";
    let length = get(hook, "warmup_iters")
        .ok_or_else(|| value.at.error(key, "is not set, and a warmup is"))?;
    emit::count(
        layer,
        "warmup_iters",
        count(length.count(key)?),
        length.at.origin(key),
    );
    let (ratio, at) = match get(hook, "warmup_ratio") {
        Some(r) => (
            r.number("lr_config.warmup_ratio")?,
            r.at.origin("lr_config.warmup_ratio"),
        ),
        None => (0.1, emit::default(FRAMEWORK, "lr_config.warmup_ratio")),
    };
    emit::number(layer, "warmup_factor", ratio, at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::Raw;

    fn keys(text: &str) -> Result<Vec<(String, Raw)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.py");
        std::fs::write(&path, text).unwrap();
        let cfg = openmmlab::load(&path, text).map_err(|e| e.to_string())?;
        let layer = schedule(&path, &cfg, &Layer::default(), false).map_err(|e| e.to_string())?;
        Ok(layer
            .entries
            .iter()
            .map(|(k, (raw, _))| (k.to_string(), raw.clone()))
            .collect())
    }

    fn get(keys: &[(String, Raw)], key: &str) -> Raw {
        keys.iter().find(|(k, _)| k == key).unwrap().1.clone()
    }

    #[test]
    fn an_integer_step_is_every_multiple_before_the_end() {
        let set = keys(
            "optimizer = dict(lr=0.1)\nrunner = dict(type='IterBasedRunner', max_iters=100)\n\
             lr_config = dict(policy='step', by_epoch=False, step=30, gamma=0.5,\n\
             warmup='exp', warmup_iters=10, warmup_ratio=0.01)\n",
        )
        .unwrap();
        let its =
            |items: &[&str]| Raw::Array(items.iter().map(|s| Raw::Str(s.to_string())).collect());
        assert_eq!(get(&set, "milestones"), its(&["30it", "60it", "90it"]));
        assert_eq!(get(&set, "warmup_method"), Raw::Str("exp".into()));
        assert_eq!(get(&set, "gamma"), Raw::Float("0.5".into()));
        assert_eq!(get(&set, "iters"), Raw::Str("100it".into()));
    }

    #[test]
    fn warmup_none_is_the_maskrcnn_curve_and_epochs_warm_up_by_epoch() {
        let set = keys(
            "optimizer = dict(lr=0.1)\ntotal_epochs = 12\ndata = dict(samples_per_gpu=4)\n\
             lr_config = dict(policy='step', step=[8], warmup=None)\n",
        )
        .unwrap();
        assert_eq!(get(&set, "dialect"), Raw::Str("maskrcnn".into()));
        assert_eq!(get(&set, "warmup_iters"), Raw::Integer("0".into()));
        assert_eq!(get(&set, "batch_per_device"), Raw::Integer("4".into()));
        let set = keys(
            "optimizer = dict(lr=0.1)\nrunner = dict(type='EpochBasedRunner', max_epochs=12)\n\
             lr_config = dict(policy='step', step=[8], warmup='linear', warmup_iters=1,\n\
             warmup_by_epoch=True)\n",
        )
        .unwrap();
        assert_eq!(get(&set, "warmup_iters"), Raw::Str("1ep".into()));
        assert_eq!(get(&set, "warmup_factor"), Raw::Float("0.1".into()));
    }
}
