//! timm's `args.yaml`, which `train.py` writes next to its checkpoints (and reads back with
//! `--config`): every argument of the run, as `yaml.safe_dump(args.__dict__)` writes it
//! before the lr is computed, so `lr: null` means train.py's `lr_base` rule. The schedule is
//! what [`super::timm_defaults`] builds from the arguments; the others (model, data,
//! augmentation) are not read. docs/import.md, "timm".

use std::path::Path;

use super::timm_defaults::{Arg, Args};
use super::yaml::{self, Kind, Node, Scalar};
use super::{Fit, Format, Source};
use crate::config::Layer;
use crate::config::error::ConfigError;

pub struct TimmArgsYaml;

impl Format for TimmArgsYaml {
    fn name(&self) -> &'static str {
        "timm"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["timm-args"]
    }

    fn framework(&self) -> &'static str {
        "timm train.py args.yaml"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("timm-train")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        let yaml = matches!(super::extension(path).as_str(), "yaml" | "yml");
        let keys: Vec<&str> = super::yacs::top_level_keys(text).collect();
        let has = |key: &str| keys.contains(&key);
        // train.py's own argument names, which no other format's top level has.
        if has("sched") && (has("warmup_epochs") || has("decay_rate") || has("lr_base")) {
            Fit::Certain
        } else if yaml {
            Fit::Extension
        } else {
            Fit::No
        }
    }

    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let root = yaml::parse(file.path, file.text)?;
        let Kind::Map(entries) = &root.kind else {
            return Err(ConfigError::Import {
                path: file.path.to_path_buf(),
                problem: format!(
                    "expected a mapping of train.py's arguments, found {}",
                    root.type_name()
                ),
            });
        };
        let mut args = Args::default();
        for entry in entries {
            let at = entry.value.origin(&entry.key);
            args.set(&entry.key, arg(&entry.value), at)?;
        }
        args.layer(flags)
    }
}

/// A YAML value as train.py holds it.
fn arg(node: &Node) -> Arg {
    match &node.kind {
        Kind::Map(_) => Arg::Other("a mapping"),
        Kind::Seq(items) => {
            let scalars: Vec<Option<Scalar>> = items.iter().map(Node::scalar).collect();
            let ints: Option<Vec<i128>> = scalars
                .iter()
                .map(|s| match s {
                    Some(Scalar::Int(n)) => Some(*n),
                    _ => None,
                })
                .collect();
            if let Some(ints) = ints {
                return Arg::Ints(ints);
            }
            let floats: Option<Vec<f64>> = scalars
                .iter()
                .map(|s| match s {
                    Some(Scalar::Int(n)) => Some(*n as f64),
                    Some(Scalar::Float(x)) => Some(*x),
                    _ => None,
                })
                .collect();
            floats.map_or(Arg::Other("a list of strings"), Arg::Floats)
        }
        Kind::Scalar { .. } => match node.scalar().unwrap_or(Scalar::Null) {
            Scalar::Null => Arg::None,
            Scalar::Bool(on) => Arg::Bool(on),
            Scalar::Int(n) => Arg::Int(n),
            Scalar::Float(x) => Arg::Float(x),
            Scalar::Str(text) => Arg::Str(text),
        },
    }
}
