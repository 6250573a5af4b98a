//! TensorFlow Model Garden experiment YAML (`--config_file`) and the `params.yaml` its
//! trainer writes: `trainer.optimizer_config`, over the defaults of
//! `official/modeling/optimization/configs/learning_rate_config.py`, as
//! `OptimizerFactory.build_learning_rate` builds it:
//!
//! ```python
//! # learning_rate: {type: stepwise, stepwise: {boundaries: None, values: None, offset: 0}}
//! lr = PiecewiseConstantDecayWithOffset(boundaries, values, offset)
//! # warmup: {type: linear, linear: {warmup_steps: None, warmup_learning_rate: 0}}
//! lr = LinearWarmup(lr, warmup_steps, warmup_learning_rate)
//! # run for trainer.train_steps steps
//! ```
//!
//! The values are the lrs themselves (`values`), the warmup's start an lr (`warmup_lr`), the
//! counts optimizer steps; the `tf-model-garden` dialect computes them in float32, as TF does.

use std::path::Path;

use super::emit;
use super::keyed::Keyed;
use super::yaml::{self, Scalar};
use super::{Fit, Format, Source, yacs};
use crate::config::Layer;
use crate::config::error::ConfigError;
use crate::config::value::Raw;

const FRAMEWORK: &str = "TF Model Garden";

pub struct TfModelGardenYaml;

impl Format for TfModelGardenYaml {
    fn name(&self) -> &'static str {
        "tf-model-garden"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["tf", "tensorflow"]
    }

    fn framework(&self) -> &'static str {
        "TF Model Garden experiment YAML"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("tf-model-garden")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        let yaml = matches!(super::extension(path).as_str(), "yaml" | "yml");
        let trainer = yacs::top_level_keys(text).any(|key| key == "trainer");
        if trainer && (text.contains("optimizer_config:") || text.contains("train_steps:")) {
            Fit::Certain
        } else if yaml {
            Fit::Extension
        } else {
            Fit::No
        }
    }

    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let root = yaml::parse(file.path, file.text)?;
        let missing = |key: &str| ConfigError::Import {
            path: file.path.to_path_buf(),
            problem: format!(
                "{key} is not set: the experiment's own defaults are registered in Python \
                 (--experiment), which lrsched does not read; write it in the YAML"
            ),
        };
        let trainer = Keyed::top(&root, "trainer").ok_or_else(|| missing("trainer"))?;
        let mut layer = Layer::default();
        let steps = trainer
            .field("train_steps")
            .ok_or_else(|| missing("trainer.train_steps"))?;
        emit::whole(&mut layer, "iters", steps.whole()?, steps.at());
        let optimizer = trainer
            .field("optimizer_config")
            .ok_or_else(|| missing("trainer.optimizer_config"))?;
        let lr = optimizer
            .field("learning_rate")
            .ok_or_else(|| missing("trainer.optimizer_config.learning_rate"))?;
        stepwise(&lr, &mut layer, &missing)?;
        if let Some(warmup) = optimizer.field("warmup") {
            linear_warmup(&warmup, &mut layer)?;
        } else {
            emit::whole(
                &mut layer,
                "warmup_iters",
                0,
                emit::default(FRAMEWORK, "warmup (none)"),
            );
        }
        if flags.get("dataset_size").is_some()
            && let Some(batch) = Keyed::top(&root, "task")
                .and_then(|task| task.field("train_data"))
                .and_then(|data| data.field("global_batch_size"))
        {
            emit::whole(&mut layer, "batch_size", batch.whole()?, batch.at());
        }
        Ok(layer)
    }
}

/// The selected one of a oneof config: `type`, and the mapping of that name if given.
type Selected<'a> = (String, Option<Keyed<'a>>);

fn selected<'a>(config: &Keyed<'a>) -> Result<Option<Selected<'a>>, ConfigError> {
    let Some(kind) = config.field("type") else {
        return Ok(None);
    };
    let name = match kind.node.scalar() {
        Some(Scalar::Null) => return Ok(None),
        Some(Scalar::Str(name)) => name,
        _ => {
            return Err(kind.error(format!(
                "expected a string, found {}",
                kind.node.type_name()
            )));
        }
    };
    let body = config.field(&name);
    Ok(Some((name, body)))
}

fn stepwise(
    lr: &Keyed<'_>,
    layer: &mut Layer,
    missing: &dyn Fn(&str) -> ConfigError,
) -> Result<(), ConfigError> {
    let Some((name, body)) = selected(lr)? else {
        return Err(missing("trainer.optimizer_config.learning_rate.type"));
    };
    if name != "stepwise" {
        return Err(super::unmodelled(
            lr.field("type").map_or_else(|| lr.at(), |t| t.at()),
            &name,
        ));
    }
    let field = |key: &str| body.as_ref().and_then(|b| b.field(key));
    if let Some(offset) = field("offset")
        && offset.whole()? != 0
    {
        return Err(offset
            .error("an offset other than 0 shifts every boundary, which lrsched does not model"));
    }
    let need = |key: &str| {
        field(key)
            .filter(|v| !v.null())
            .ok_or_else(|| missing(&format!("{}.stepwise.{key}", lr.key)))
    };
    let boundaries = need("boundaries")?;
    let values = need("values")?;
    let counts: Vec<Raw> = boundaries
        .items()?
        .iter()
        .map(|b| b.whole().map(|n| Raw::Integer(n.to_string())))
        .collect::<Result<_, _>>()?;
    layer.set("milestones", Raw::Array(counts), boundaries.at());
    let lrs: Vec<Raw> = values
        .items()?
        .iter()
        .map(|v| {
            v.number()
                .map(|x| Raw::Float(crate::schedule::message::number(x)))
        })
        .collect::<Result<_, _>>()?;
    layer.set("values", Raw::Array(lrs), values.at());
    Ok(())
}

fn linear_warmup(warmup: &Keyed<'_>, layer: &mut Layer) -> Result<(), ConfigError> {
    let Some((name, body)) = selected(warmup)? else {
        emit::whole(layer, "warmup_iters", 0, warmup.at());
        return Ok(());
    };
    if name != "linear" {
        return Err(super::unmodelled(
            warmup.field("type").map_or_else(|| warmup.at(), |t| t.at()),
            &format!("{name} warmup"),
        ));
    }
    let field = |key: &str| body.as_ref().and_then(|b| b.field(key));
    let steps = field("warmup_steps").filter(|s| !s.null()).ok_or_else(|| {
        ConfigError::invalid(
            warmup.field("type").map_or_else(|| warmup.at(), |t| t.at()),
            "linear.warmup_steps is not set (its default is None, which LinearWarmup \
                 cannot use)",
        )
    })?;
    let count = steps.whole()?;
    emit::whole(layer, "warmup_iters", count, steps.at());
    if count > 0 {
        match field("warmup_learning_rate") {
            Some(lr) => emit::number(layer, "warmup_lr", lr.number()?, lr.at()),
            None => emit::number(
                layer,
                "warmup_lr",
                0.0,
                emit::default(FRAMEWORK, "LinearWarmupConfig.warmup_learning_rate"),
            ),
        }
    }
    emit::text(
        layer,
        "warmup_method",
        "linear",
        warmup.field("type").map_or_else(|| warmup.at(), |t| t.at()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<(String, Raw)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.yaml");
        std::fs::write(&path, text).unwrap();
        let layer = TfModelGardenYaml
            .read(
                &Source {
                    path: &path,
                    text,
                    auto_scale_lr: false,
                },
                &Layer::default(),
            )
            .map_err(|e| {
                e.to_string()
                    .replace(&format!("{}", path.display()), "e.yaml")
            })?;
        Ok(layer
            .entries
            .iter()
            .map(|(k, (raw, _))| (k.to_string(), raw.clone()))
            .collect())
    }

    const HEAD: &str = "trainer:\n  train_steps: 100\n  optimizer_config:\n    learning_rate:\n";

    #[test]
    fn stepwise_values_and_a_linear_warmup_from_zero() {
        let text = format!(
            "{HEAD}      type: stepwise\n      stepwise:\n        boundaries: [30, 60]\n        \
             values: [0.1, 0.01, 0.001]\n    warmup:\n      type: linear\n      linear:\n        \
             warmup_steps: 5\n"
        );
        let set = read(&text).unwrap();
        let get = |key: &str| set.iter().find(|(k, _)| k == key).unwrap().1.clone();
        assert_eq!(get("warmup_lr"), Raw::Float("0.0".into()));
        assert_eq!(get("warmup_iters"), Raw::Integer("5".into()));
        assert_eq!(get("iters"), Raw::Integer("100".into()));
    }

    #[test]
    fn other_schedules_and_offsets_are_refused() {
        let text = format!("{HEAD}      type: cosine\n      cosine:\n        decay_steps: 100\n");
        assert_eq!(
            read(&text).unwrap_err(),
            "e.yaml:5: trainer.optimizer_config.learning_rate.type: the scheduler 'cosine' is \
             not one lrsched models: it covers the warmup + multi-step family"
        );
        let text = format!(
            "{HEAD}      type: stepwise\n      stepwise:\n        boundaries: [30]\n        \
             values: [0.1, 0.01]\n        offset: 10\n"
        );
        assert!(read(&text).unwrap_err().contains("offset"));
    }
}
