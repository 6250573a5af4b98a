//! maskrcnn-benchmark's yacs YAML configs (`configs/e2e_mask_rcnn_R_50_FPN_1x.yaml`): one
//! file (its yacs has no `_BASE_`), SOLVER over `maskrcnn_benchmark/config/defaults.py`, fed
//! to `make_lr_scheduler`:
//!
//! ```python
//! WarmupMultiStepLR(optimizer, cfg.SOLVER.STEPS, cfg.SOLVER.GAMMA,
//!     warmup_factor=cfg.SOLVER.WARMUP_FACTOR, warmup_iters=cfg.SOLVER.WARMUP_ITERS,
//!     warmup_method=cfg.SOLVER.WARMUP_METHOD)   # for MAX_ITER iterations
//! ```

use std::path::Path;

use super::yacs::{self, Default, DefaultValue as V, Schedule, Solver};
use super::yaml;
use super::{Fit, Format, Source};
use crate::config::Layer;
use crate::config::error::ConfigError;

/// `maskrcnn_benchmark/config/defaults.py`, `_C.SOLVER`.
const DEFAULTS: &[Default] = &[
    Default {
        key: "SOLVER.MAX_ITER",
        value: V::Int(40000),
    },
    Default {
        key: "SOLVER.BASE_LR",
        value: V::Float(0.001),
    },
    Default {
        key: "SOLVER.BIAS_LR_FACTOR",
        value: V::Int(2),
    },
    Default {
        key: "SOLVER.MOMENTUM",
        value: V::Float(0.9),
    },
    Default {
        key: "SOLVER.WEIGHT_DECAY",
        value: V::Float(0.0005),
    },
    Default {
        key: "SOLVER.WEIGHT_DECAY_BIAS",
        value: V::Int(0),
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
        key: "SOLVER.WARMUP_FACTOR",
        value: V::Float(1.0 / 3.0),
    },
    Default {
        key: "SOLVER.WARMUP_ITERS",
        value: V::Int(500),
    },
    Default {
        key: "SOLVER.WARMUP_METHOD",
        value: V::Str("linear"),
    },
    Default {
        key: "SOLVER.CHECKPOINT_PERIOD",
        value: V::Int(2500),
    },
    Default {
        key: "SOLVER.TEST_PERIOD",
        value: V::Int(0),
    },
    Default {
        key: "SOLVER.IMS_PER_BATCH",
        value: V::Int(16),
    },
];

pub struct MaskrcnnYaml;

impl Format for MaskrcnnYaml {
    fn name(&self) -> &'static str {
        "maskrcnn"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["maskrcnn-benchmark"]
    }

    fn framework(&self) -> &'static str {
        "maskrcnn-benchmark yacs YAML"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("maskrcnn")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        let yaml = matches!(super::extension(path).as_str(), "yaml" | "yml");
        if !yacs::yacs_layout(text) {
            return if yaml { Fit::Extension } else { Fit::No };
        }
        // Its `MODEL.BACKBONE.CONV_BODY`, `MODEL.WEIGHT: "catalog://..."`.
        let own = text.contains("CONV_BODY:") || text.contains("catalog://");
        if own { Fit::Certain } else { Fit::Layout }
    }

    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let root = yaml::parse(file.path, file.text)?;
        if let Some(base) = root.get("_BASE_") {
            return Err(ConfigError::invalid(
                base.value.origin("_BASE_"),
                "maskrcnn-benchmark's yacs has no _BASE_ (\"Non-existent config key\"); \
                 is this a detectron2 config? (--from detectron2)",
            ));
        }
        let solver = Solver::read("maskrcnn-benchmark", DEFAULTS, &root)?;
        Ok(Schedule::read(&solver)?.layer(flags))
    }
}
