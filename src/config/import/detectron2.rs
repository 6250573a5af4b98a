//! detectron2's yacs YAML configs (`configs/COCO-InstanceSegmentation/*.yaml`): `_BASE_`
//! chains as fvcore's `load_yaml_with_base` merges them, SOLVER over the defaults of
//! `detectron2/config/defaults.py`, then what `DefaultTrainer` does before building the
//! scheduler:
//!
//! ```python
//! cfg = DefaultTrainer.auto_scale_workers(cfg, comm.get_world_size())
//! #   scale = num_workers / REFERENCE_WORLD_SIZE  (unless 0 or equal)
//! #   IMS_PER_BATCH = int(round(IMS_PER_BATCH * scale)); BASE_LR = BASE_LR * scale
//! #   MAX_ITER, WARMUP_ITERS, each of STEPS = int(round(x / scale))
//! steps = [x for x in cfg.SOLVER.STEPS if x <= cfg.SOLVER.MAX_ITER]  # solver/build.py
//! ```

use std::path::Path;

use super::bounded;
use super::yacs::{self, Default, DefaultValue as V, Py, Schedule, Solver};
use super::yaml;
use super::{Fit, Format, Source};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::config::keys::Key;
use crate::config::scale::round_div;
use crate::config::value::Value;

/// `detectron2/config/defaults.py`, `_C.SOLVER`.
const DEFAULTS: &[Default] = &[
    Default {
        key: "SOLVER.LR_SCHEDULER_NAME",
        value: V::Str("WarmupMultiStepLR"),
    },
    Default {
        key: "SOLVER.MAX_ITER",
        value: V::Int(40000),
    },
    Default {
        key: "SOLVER.BASE_LR",
        value: V::Float(0.001),
    },
    Default {
        key: "SOLVER.BASE_LR_END",
        value: V::Float(0.0),
    },
    Default {
        key: "SOLVER.MOMENTUM",
        value: V::Float(0.9),
    },
    Default {
        key: "SOLVER.NESTEROV",
        value: V::Bool(false),
    },
    Default {
        key: "SOLVER.WEIGHT_DECAY",
        value: V::Float(0.0001),
    },
    Default {
        key: "SOLVER.WEIGHT_DECAY_NORM",
        value: V::Float(0.0),
    },
    Default {
        key: "SOLVER.GAMMA",
        value: V::Float(0.1),
    },
    Default {
        key: "SOLVER.STEPS",
        value: V::Ints(&[30000]),
    },
    Default {
        key: "SOLVER.NUM_DECAYS",
        value: V::Int(3),
    },
    Default {
        key: "SOLVER.WARMUP_FACTOR",
        value: V::Float(1.0 / 1000.0),
    },
    Default {
        key: "SOLVER.WARMUP_ITERS",
        value: V::Int(1000),
    },
    Default {
        key: "SOLVER.WARMUP_METHOD",
        value: V::Str("linear"),
    },
    Default {
        key: "SOLVER.RESCALE_INTERVAL",
        value: V::Bool(false),
    },
    Default {
        key: "SOLVER.CHECKPOINT_PERIOD",
        value: V::Int(5000),
    },
    Default {
        key: "SOLVER.IMS_PER_BATCH",
        value: V::Int(16),
    },
    Default {
        key: "SOLVER.REFERENCE_WORLD_SIZE",
        value: V::Int(0),
    },
    Default {
        key: "SOLVER.BIAS_LR_FACTOR",
        value: V::Float(1.0),
    },
    Default {
        key: "SOLVER.WEIGHT_DECAY_BIAS",
        value: V::None,
    },
    Default {
        key: "SOLVER.CLIP_GRADIENTS",
        value: V::Node,
    },
    Default {
        key: "SOLVER.CLIP_GRADIENTS.ENABLED",
        value: V::Bool(false),
    },
    Default {
        key: "SOLVER.CLIP_GRADIENTS.CLIP_TYPE",
        value: V::Str("value"),
    },
    Default {
        key: "SOLVER.CLIP_GRADIENTS.CLIP_VALUE",
        value: V::Float(1.0),
    },
    Default {
        key: "SOLVER.CLIP_GRADIENTS.NORM_TYPE",
        value: V::Float(2.0),
    },
    Default {
        key: "SOLVER.AMP",
        value: V::Node,
    },
    Default {
        key: "SOLVER.AMP.ENABLED",
        value: V::Bool(false),
    },
];

pub struct Detectron2Yaml;

impl Format for Detectron2Yaml {
    fn name(&self) -> &'static str {
        "detectron2"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["d2"]
    }

    fn framework(&self) -> &'static str {
        "detectron2 yacs YAML"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("detectron2")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        let yaml = matches!(super::extension(path).as_str(), "yaml" | "yml");
        if !yacs::yacs_layout(text) {
            return if yaml { Fit::Extension } else { Fit::No };
        }
        // fvcore's `_BASE_`, detectron2's `VERSION: 2`, `MODEL.WEIGHTS: detectron2://`.
        let own = yacs::top_level_keys(text).any(|key| key == "_BASE_" || key == "VERSION")
            || text.contains("detectron2://");
        if own { Fit::Certain } else { Fit::Layout }
    }

    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let parse = |path: &Path, text: &str| yacs::bases(yaml::parse(path, text)?, "_BASE_");
        let root = bounded::inherit(file.path, file.text, &parse, &yacs::merge)?;
        let solver = Solver::read("detectron2", DEFAULTS, &root)?;
        let (name, at) = solver.text("SOLVER.LR_SCHEDULER_NAME")?;
        if name != "WarmupMultiStepLR" {
            return Err(super::unmodelled(at, &name));
        }
        if let (Py::Bool(true), at) = solver.get("SOLVER.RESCALE_INTERVAL") {
            return Err(ConfigError::invalid(
                at.clone(),
                "True rescales the decay to the run after warmup, which lrsched does not model \
                 (it reproduces RESCALE_INTERVAL: False)",
            ));
        }
        let mut schedule = Schedule::read(&solver)?;
        if let Some(devices) = devices(flags)? {
            auto_scale_workers(
                &mut schedule,
                solver.int("SOLVER.REFERENCE_WORLD_SIZE")?,
                devices,
            )?;
        }
        let (steps, at) = &schedule.steps;
        let max_iter = schedule.max_iter.0;
        let dropped: Vec<String> = steps
            .iter()
            .filter(|&&s| s > max_iter)
            .map(i128::to_string)
            .collect();
        if !dropped.is_empty() {
            let note = format!("past MAX_ITER {max_iter}, dropped: {}", dropped.join(", "));
            let kept = steps.iter().copied().filter(|&s| s <= max_iter).collect();
            schedule.steps = (kept, yacs::noted(at, &note));
        }
        Ok(schedule.layer(flags))
    }
}

/// `--devices`, the world size detectron2 runs on.
fn devices(flags: &Layer) -> Result<Option<u64>, ConfigError> {
    let Some((raw, at)) = flags.get("devices") else {
        return Ok(None);
    };
    let row = Key::named("devices").expect("devices is a key");
    match row.read(raw, at)? {
        Value::Count(n) => Ok(Some(n)),
        _ => Ok(None),
    }
}

/// `DefaultTrainer.auto_scale_workers`, with `round_div` as Python's `int(round(x / scale))`.
fn auto_scale_workers(
    schedule: &mut Schedule,
    (reference, reference_at): (i128, Origin),
    devices: u64,
) -> Result<(), ConfigError> {
    let workers = i128::from(devices);
    if reference == 0 || reference == workers {
        return Ok(());
    }
    if reference < 0 || schedule.ims_per_batch.0 % reference != 0 {
        return Err(ConfigError::invalid(
            reference_at,
            format!(
                "IMS_PER_BATCH {} is not a multiple of it, which detectron2 refuses \
                 (\"Invalid REFERENCE_WORLD_SIZE in config!\")",
                schedule.ims_per_batch.0
            ),
        ));
    }
    let scale = devices as f64 / reference as f64;
    let note = format!("auto_scale_workers: REFERENCE_WORLD_SIZE {reference} to {devices} devices");
    let scaled = |value: i128, at: &Origin| -> Result<(i128, Origin), ConfigError> {
        let count = u64::try_from(value)
            .map_err(|_| ConfigError::invalid(at.clone(), format!("must be >= 0, got {value}")))?;
        let rounded = round_div(count, scale)
            .ok_or_else(|| ConfigError::invalid(at.clone(), "past the u64 range after scaling"))?;
        Ok((i128::from(rounded), yacs::noted(at, &note)))
    };
    let (batch, batch_at) = &schedule.ims_per_batch;
    schedule.ims_per_batch = (
        (*batch as f64 * scale).round_ties_even() as i128,
        yacs::noted(batch_at, &note),
    );
    schedule.base_lr = (
        schedule.base_lr.0 * scale,
        yacs::noted(&schedule.base_lr.1, &note),
    );
    schedule.max_iter = scaled(schedule.max_iter.0, &schedule.max_iter.1)?;
    schedule.warmup_iters = scaled(schedule.warmup_iters.0, &schedule.warmup_iters.1)?;
    let steps = schedule
        .steps
        .0
        .iter()
        .map(|&s| scaled(s, &schedule.steps.1).map(|(v, _)| v))
        .collect::<Result<Vec<i128>, ConfigError>>()?;
    schedule.steps = (steps, yacs::noted(&schedule.steps.1, &note));
    Ok(())
}
