//! detectron2's LazyConfig `.py` files (`configs/new_baselines/*.py`), read, never run: the
//! config files they import relatively (`from ..common.train import train`) are read as
//! `LazyConfig.load` follows them; `L(X)(**kwargs)` is `LazyCall`'s dict with `_target_`; and
//! `tools/lazyconfig_train_net.py` trains
//!
//! ```python
//! optim = instantiate(cfg.optimizer)             # lr = cfg.optimizer.lr
//! LRMultiplier(optim, instantiate(cfg.lr_multiplier), max_iter=cfg.train.max_iter)
//! # lr = base_lr * multiplier(i / max_iter)
//! WarmupParamScheduler(scheduler, warmup_factor, warmup_length, warmup_method="linear")
//! MultiStepParamScheduler(values, num_updates=None, milestones=None)
//! # value(where) = values[bisect_right(milestones, int((where + 1e-6) * num_updates))]
//! ```
//!
//! The values are multipliers of the optimizer's lr: `factors`. `configs/common/coco_schedule.py`
//! (`default_X_scheduler(N)` and its `lr_multiplier_Nx`) defines a function, so lrsched knows it
//! rather than reads it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod fvcore;

use super::python::{self, Dict, Host, Kind, Loc, Value};
use super::{Fit, Format, Source, bounded};
use crate::config::Layer;
use crate::config::error::ConfigError;
use fvcore::schedule;

pub struct Detectron2Lazy;

impl Format for Detectron2Lazy {
    fn name(&self) -> &'static str {
        "detectron2-lazy"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["lazyconfig", "d2-lazy"]
    }

    fn framework(&self) -> &'static str {
        "detectron2 LazyConfig Python"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("detectron2")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        if super::extension(path) != "py" {
            return Fit::No;
        }
        let lazy = [
            "LazyCall",
            "lr_multiplier",
            "ParamScheduler",
            "from ..common",
        ];
        if lazy.iter().any(|word| text.contains(word)) {
            Fit::Certain
        } else {
            Fit::No
        }
    }

    fn read(&self, file: &Source<'_>, _: &Layer) -> Result<Layer, ConfigError> {
        let mut host = Lazy::default();
        let path = file.path.to_path_buf();
        host.reading.push(path.clone());
        let names = python::read(&path, file.text, &mut host)?;
        schedule(&names, file.path)
    }
}

/// What the imports of a LazyConfig file mean; the files it has read, and is reading.
#[derive(Default)]
struct Lazy {
    read: BTreeMap<PathBuf, Result<Dict, String>>,
    /// The chain of files being read, for cycles and the depth bound.
    reading: Vec<PathBuf>,
}

fn opaque(what: String, at: &Loc) -> Value {
    Value::new(Kind::Opaque(what), at.clone())
}

fn symbol(name: &str, at: &Loc) -> Value {
    Value::new(Kind::Symbol(name.into()), at.clone())
}

impl Host for Lazy {
    fn import(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError> {
        if module.starts_with('.') {
            return self.relative(module, name, at);
        }
        let known = match (module, name) {
            ("detectron2.config", "LazyCall") => Some("LazyCall"),
            ("detectron2.solver" | "detectron2.solver.lr_scheduler", "WarmupParamScheduler") => {
                Some("WarmupParamScheduler")
            }
            ("fvcore.common.param_scheduler", _) => Some(name),
            ("detectron2.solver" | "detectron2.solver.lr_scheduler", _) => Some(name),
            _ => None,
        };
        Ok(match known {
            Some(known) if !known.is_empty() => symbol(known, at),
            _ => opaque(
                format!("'{name}' imported from '{module}' (lrsched follows config files only)"),
                at,
            ),
        })
    }

    fn call(
        &mut self,
        function: &str,
        args: &[Value],
        kwargs: &Dict,
        at: &Loc,
    ) -> Option<Result<Value, ConfigError>> {
        if function == "LazyCall" {
            let target = match args {
                [
                    Value {
                        kind: Kind::Symbol(name),
                        ..
                    },
                ] => name.clone(),
                _ => "?".into(),
            };
            return Some(Ok(symbol(&format!("L:{target}"), at)));
        }
        if let Some(target) = function.strip_prefix("L:") {
            let mut dict = kwargs.clone();
            let target = match target {
                "?" => opaque("a class lrsched does not know".into(), at),
                known => symbol(known, at),
            };
            dict.insert("_target_".into(), target);
            if !args.is_empty() {
                return Some(Err(
                    at.error(target_name(&dict), "LazyCall takes keyword arguments only")
                ));
            }
            return Some(Ok(Value::new(Kind::Dict(dict), at.clone())));
        }
        if function == "default_X_scheduler" {
            return Some(default_x_scheduler(args, at));
        }
        None
    }

    fn base_var(&self, _: &[String]) -> Option<Value> {
        None
    }
}

fn target_name(dict: &Dict) -> &str {
    match dict.get("_target_").map(|v| &v.kind) {
        Some(Kind::Symbol(name)) => name,
        _ => "L(...)",
    }
}

impl Lazy {
    /// `from ..common.train import train`: the file `../common/train.py` next to the importing
    /// one, read as a config, and its name.
    fn relative(&mut self, module: &str, name: &str, at: &Loc) -> Result<Value, ConfigError> {
        let dots = module.chars().take_while(|&c| c == '.').count();
        let mut dir = at.file.parent().unwrap_or(Path::new("")).to_path_buf();
        for _ in 1..dots {
            dir.pop();
        }
        let rest = &module[dots..];
        let path = rest
            .split('.')
            .filter(|part| !part.is_empty())
            .fold(dir, |path, part| path.join(part))
            .with_extension("py");
        if path.ends_with("common/coco_schedule.py") {
            return coco_schedule(name, at);
        }
        if name.is_empty() || rest.is_empty() {
            return Ok(opaque(format!("the module '{module}'"), at));
        }
        let names = match self.read.get(&path) {
            Some(done) => done.clone(),
            None => {
                let done = self.read_file(&path, at)?;
                self.read.insert(path.clone(), done.clone());
                done
            }
        };
        match names {
            Ok(names) => names.get(name).cloned().ok_or_else(|| {
                at.error(
                    &format!("import {name}"),
                    format!("{} defines no '{name}' (ImportError)", path.display()),
                )
            }),
            Err(why) => Ok(opaque(
                format!(
                    "'{name}' imported from {}, which lrsched cannot read ({why})",
                    path.display()
                ),
                at,
            )),
        }
    }

    /// A config file read for its names; what lrsched cannot read in it is kept as the reason.
    fn read_file(&mut self, path: &Path, at: &Loc) -> Result<Result<Dict, String>, ConfigError> {
        let key = format!("import from {}", path.display());
        if self.reading.iter().any(|p| p == path) {
            return Err(at.error(&key, "imports itself through its imports (a cycle)"));
        }
        if self.reading.len() >= bounded::MAX_INHERITANCE {
            return Err(at.error(
                &key,
                format!(
                    "imports nest deeper than {} files",
                    bounded::MAX_INHERITANCE
                ),
            ));
        }
        let text = bounded::read_text(path).map_err(|error| match error {
            ConfigError::Read { problem, .. } => {
                at.error(&key, format!("cannot read it: {problem}"))
            }
            other => other,
        })?;
        self.reading.push(path.to_path_buf());
        let names = python::read(path, &text, self);
        self.reading.pop();
        Ok(names.map_err(|e| e.to_string()))
    }
}

/// `configs/common/coco_schedule.py`: `default_X_scheduler` and the `lr_multiplier_Nx` it
/// defines.
fn coco_schedule(name: &str, at: &Loc) -> Result<Value, ConfigError> {
    let x = match name {
        "default_X_scheduler" => return Ok(symbol("default_X_scheduler", at)),
        "lr_multiplier_1x" => 1,
        "lr_multiplier_2x" => 2,
        "lr_multiplier_3x" => 3,
        "lr_multiplier_6x" => 6,
        "lr_multiplier_9x" => 9,
        _ => {
            return Err(at.error(
                &format!("import {name}"),
                "coco_schedule.py defines default_X_scheduler and lr_multiplier_1x, 2x, 3x, 6x, \
                 9x",
            ));
        }
    };
    default_x_scheduler(&[Value::new(Kind::Int(x), at.clone())], at)
}

/// ```python
/// total_steps_16bs = num_X * 90000
/// if num_X <= 2: milestones = [60000, 80000, 90000]  # scale-invariant: num_updates 90000
/// else: milestones = [total_steps_16bs - 60000, total_steps_16bs - 20000, total_steps_16bs]
/// L(WarmupParamScheduler)(scheduler=L(MultiStepParamScheduler)(values=[1.0, 0.1, 0.01],
///     milestones=milestones), warmup_length=1000 / total_steps_16bs, warmup_method="linear",
///     warmup_factor=0.001)
/// ```
fn default_x_scheduler(args: &[Value], at: &Loc) -> Result<Value, ConfigError> {
    let x = match args {
        [
            Value {
                kind: Kind::Int(x @ 1..=1_000_000),
                ..
            },
        ] => *x,
        _ => {
            return Err(at.error(
                "default_X_scheduler",
                "lrsched reads default_X_scheduler(N) of one whole N from 1 to 1000000",
            ));
        }
    };
    let total = x * 90000;
    let milestones: Vec<i128> = if x <= 2 {
        vec![60000, 80000, 90000]
    } else {
        vec![total - 60000, total - 20000, total]
    };
    let v = |kind: Kind| Value::new(kind, at.clone());
    let list = |kinds: Vec<Kind>| v(Kind::List(kinds.into_iter().map(v).collect()));
    let scheduler: Dict = [
        (
            "_target_",
            v(Kind::Symbol("MultiStepParamScheduler".into())),
        ),
        (
            "values",
            list(vec![Kind::Float(1.0), Kind::Float(0.1), Kind::Float(0.01)]),
        ),
        (
            "milestones",
            list(milestones.into_iter().map(Kind::Int).collect()),
        ),
    ]
    .into_iter()
    .map(|(k, value)| (k.to_string(), value))
    .collect();
    let warmup: Dict = [
        ("_target_", v(Kind::Symbol("WarmupParamScheduler".into()))),
        ("scheduler", v(Kind::Dict(scheduler))),
        ("warmup_length", v(Kind::Float(1000.0 / total as f64))),
        ("warmup_method", v(Kind::Str("linear".into()))),
        ("warmup_factor", v(Kind::Float(0.001))),
    ]
    .into_iter()
    .map(|(k, value)| (k.to_string(), value))
    .collect();
    Ok(v(Kind::Dict(warmup)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coco_schedule_is_known_without_reading_it() {
        let text = "from ..common.coco_schedule import lr_multiplier_3x as m\n\
                    from ..common.coco_schedule import default_X_scheduler\n\
                    n = default_X_scheduler(1)\n";
        let names = python::read(Path::new("configs/x/c.py"), text, &mut Lazy::default()).unwrap();
        let m = names["m"].dict("m").unwrap();
        let scheduler = m["scheduler"].dict("s").unwrap();
        let milestones: Vec<u64> = scheduler["milestones"]
            .items("s")
            .unwrap()
            .iter()
            .map(|v| v.count("s").unwrap())
            .collect();
        // 3 × 90000 = 270000: [270000 - 60000, 270000 - 20000, 270000].
        assert_eq!(milestones, [210_000, 250_000, 270_000]);
        assert_eq!(m["warmup_length"].kind, Kind::Float(1000.0 / 270_000.0));
        let n = names["n"].dict("n").unwrap();
        let first = &n["scheduler"].dict("s").unwrap()["milestones"];
        assert_eq!(first.items("s").unwrap()[2].kind, Kind::Int(90_000));
    }

    #[test]
    fn lazy_call_builds_a_dict_with_its_target() {
        let text = "from detectron2.config import LazyCall as L\n\
                    from fvcore.common.param_scheduler import MultiStepParamScheduler\n\
                    s = L(MultiStepParamScheduler)(values=[1.0, 0.1], num_updates=10)\n\
                    s.num_updates = 20\n";
        let names = python::read(Path::new("c.py"), text, &mut Lazy::default()).unwrap();
        let s = names["s"].dict("s").unwrap();
        assert_eq!(
            s["_target_"].kind,
            Kind::Symbol("MultiStepParamScheduler".into())
        );
        assert_eq!(s["num_updates"].kind, Kind::Int(20));
    }
}
