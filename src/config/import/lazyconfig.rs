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

use super::emit::{self, Count};
use super::python::{self, Dict, Host, Kind, Loc, Value};
use super::{Fit, Format, Source, bounded};
use crate::config::Layer;
use crate::config::error::ConfigError;

/// fvcore's `ParamScheduler.WHERE_EPSILON`.
const WHERE_EPSILON: f64 = 1e-6;

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

/// A name of the module, or the error LazyConfig's trainer would meet.
fn name<'a>(names: &'a Dict, key: &str, file: &Path) -> Result<&'a Value, ConfigError> {
    names.get(key).ok_or_else(|| ConfigError::Import {
        path: file.to_path_buf(),
        problem: format!("defines no '{key}', which lazyconfig_train_net.py reads"),
    })
}

fn field<'a>(
    dict: &'a Dict,
    key: &str,
    owner: &Value,
    path: &str,
) -> Result<&'a Value, ConfigError> {
    dict.get(key)
        .ok_or_else(|| owner.at.error(path, format!("has no '{key}'")))
}

/// The keys `lazyconfig_train_net.py` trains with.
fn schedule(names: &Dict, file: &Path) -> Result<Layer, ConfigError> {
    let mut layer = Layer::default();
    let optimizer = name(names, "optimizer", file)?;
    let lr = field(optimizer.dict("optimizer")?, "lr", optimizer, "optimizer")?;
    emit::number(
        &mut layer,
        "base_lr",
        lr.number("optimizer.lr")?,
        lr.at.origin("optimizer.lr"),
    );
    let train = name(names, "train", file)?;
    let max_iter = field(train.dict("train")?, "max_iter", train, "train")?;
    let n = max_iter.count("train.max_iter")?;
    if n == 0 {
        return Err(max_iter.at.error("train.max_iter", "must be >= 1"));
    }
    emit::count(
        &mut layer,
        "iters",
        Count::Iters(n),
        max_iter.at.origin("train.max_iter"),
    );
    let multiplier = name(names, "lr_multiplier", file)?;
    let dict = multiplier.dict("lr_multiplier")?;
    let (steps, warmup) = match class(dict, multiplier, "lr_multiplier")? {
        "WarmupParamScheduler" => {
            let inner = field(dict, "scheduler", multiplier, "lr_multiplier")?;
            let key = "lr_multiplier.scheduler";
            (MultiStep::read(inner, key)?, Some(dict))
        }
        "MultiStepParamScheduler" => (MultiStep::read(multiplier, "lr_multiplier")?, None),
        other => {
            return Err(super::unmodelled(
                multiplier.at.origin("lr_multiplier"),
                other,
            ));
        }
    };
    let w = match warmup {
        Some(dict) => warmup_keys(dict, multiplier, n, &mut layer)?,
        None => {
            emit::count(
                &mut layer,
                "warmup_iters",
                Count::Iters(0),
                multiplier.at.origin("lr_multiplier"),
            );
            0.0
        }
    };
    steps.in_iterations(n, w, &mut layer)?;
    Ok(layer)
}

fn class<'a>(dict: &'a Dict, value: &Value, key: &str) -> Result<&'a str, ConfigError> {
    match dict.get("_target_").map(|v| &v.kind) {
        Some(Kind::Symbol(name)) => Ok(name),
        Some(Kind::Opaque(_)) => Err(dict["_target_"].unexpected(key, "a scheduler class")),
        _ => Err(value
            .at
            .error(key, "is not a LazyCall of a scheduler class (no _target_)")),
    }
}

/// `warmup_length`, `warmup_factor`, `warmup_method`: the warmup in whole iterations of the
/// run, or an error where it is not; returns warmup_length.
fn warmup_keys(dict: &Dict, owner: &Value, n: u64, layer: &mut Layer) -> Result<f64, ConfigError> {
    let key = "lr_multiplier";
    if let Some(rescale) = dict.get("rescale_interval")
        && rescale.bool("lr_multiplier.rescale_interval")?
    {
        return Err(rescale.at.error(
            "lr_multiplier.rescale_interval",
            "True rescales the decay to the run after warmup, which lrsched does not model",
        ));
    }
    let length = field(dict, "warmup_length", owner, key)?;
    let f = length.number("lr_multiplier.warmup_length")?;
    let w = (f * n as f64).round();
    if !(0.0..=n as f64).contains(&w) || w / n as f64 != f {
        return Err(length.at.error(
            "lr_multiplier.warmup_length",
            format!(
                "{} is not a whole number of iterations of train.max_iter {n} (W / max_iter); \
                 lrsched counts the warmup in iterations",
                crate::schedule::message::number(f)
            ),
        ));
    }
    emit::count(
        layer,
        "warmup_iters",
        Count::Iters(w as u64),
        length
            .at
            .origin(&format!("lr_multiplier.warmup_length = {} / {n}", w as u64)),
    );
    let factor = field(dict, "warmup_factor", owner, key)?;
    let at = factor.at.origin("lr_multiplier.warmup_factor");
    emit::number(
        layer,
        "warmup_factor",
        factor.number("lr_multiplier.warmup_factor")?,
        at,
    );
    let (method, at) = match dict.get("warmup_method") {
        Some(method) => (
            method.str("lr_multiplier.warmup_method")?.to_string(),
            method.at.origin("lr_multiplier.warmup_method"),
        ),
        None => (
            "linear".into(),
            emit::default("detectron2", "WarmupParamScheduler warmup_method"),
        ),
    };
    if method != "linear" && method != "constant" {
        return Err(ConfigError::invalid(
            at,
            format!("WarmupParamScheduler refuses '{method}' (\"Unknown warmup method\")"),
        ));
    }
    emit::text(layer, "warmup_method", &method, at);
    Ok(f)
}

/// fvcore's `MultiStepParamScheduler(values, num_updates, milestones)`, as it normalises them.
struct MultiStep<'a> {
    value: &'a Value,
    key: &'a str,
    values: Vec<f64>,
    milestones: Vec<u64>,
    num_updates: u64,
}

impl<'a> MultiStep<'a> {
    fn read(value: &'a Value, key: &'a str) -> Result<MultiStep<'a>, ConfigError> {
        let dict = value.dict(key)?;
        match class(dict, value, key)? {
            "MultiStepParamScheduler" => {}
            other => return Err(super::unmodelled(value.at.origin(key), other)),
        }
        let sub = |name: &str| format!("{key}.{name}");
        let values = field(dict, "values", value, key)?;
        let values = values
            .items(&sub("values"))?
            .iter()
            .map(|v| v.number(&sub("values")))
            .collect::<Result<Vec<f64>, _>>()?;
        let given = |name: &str| dict.get(name).filter(|v| v.kind != Kind::None);
        let num_updates = given("num_updates")
            .map(|v| v.count(&sub("num_updates")))
            .transpose()?;
        let milestones = given("milestones")
            .map(|m| {
                m.items(&sub("milestones"))?
                    .iter()
                    .map(|v| v.count(&sub("milestones")))
                    .collect::<Result<Vec<u64>, _>>()
            })
            .transpose()?;
        let fvcore = |problem: String| value.at.error(key, format!("fvcore refuses it: {problem}"));
        let (milestones, num_updates) = match (milestones, num_updates) {
            (None, None) => {
                return Err(fvcore(
                    "\"num_updates and milestones cannot both be None\"".into(),
                ));
            }
            (None, Some(u)) => {
                let width = u.div_ceil(values.len().max(1) as u64);
                ((1..values.len() as u64).map(|i| width * i).collect(), u)
            }
            (Some(list), u) => {
                let wanted = values.len() - usize::from(u.is_some());
                if list.len() != wanted {
                    return Err(fvcore(format!(
                        "\"MultiStep scheduler requires a list of {wanted} miletones\""
                    )));
                }
                match u {
                    Some(u) => (list, u),
                    None => {
                        let (last, rest) = list.split_last().expect("one more than values - 1");
                        (rest.to_vec(), *last)
                    }
                }
            }
        };
        if num_updates < values.len() as u64 {
            return Err(fvcore(
                "\"Total num_updates must be greater than length of param schedule\"".into(),
            ));
        }
        let mut start = 0;
        for &m in &milestones {
            if m >= num_updates || start >= m {
                return Err(fvcore(format!(
                    "milestone {m}: each must be above the one before (and 0) and below \
                     num_updates {num_updates}"
                )));
            }
            start = m;
        }
        Ok(MultiStep {
            value,
            key,
            values,
            milestones,
            num_updates,
        })
    }

    /// The milestones as iterations of the run of `n`, where the detectron2 dialect (which
    /// counts num_updates = n) decays at the iteration fvcore does; the factors the run reaches.
    fn in_iterations(&self, n: u64, warmup: f64, layer: &mut Layer) -> Result<(), ConfigError> {
        let u = self.num_updates;
        let epoch =
            |i: u64, updates: u64| ((i as f64 / n as f64 + WHERE_EPSILON) * updates as f64) as u64;
        // The first iteration whose epoch reaches m (epoch(i) rises with i).
        let first = |m: u64, updates: u64| {
            let (mut low, mut high) = (0, n);
            while low < high {
                let mid = low + (high - low) / 2;
                if epoch(mid, updates) >= m {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            (low < n).then_some(low)
        };
        let mut iterations = Vec::new();
        for &m in &self.milestones {
            // Decay points are monotone in m: search from the last one found.
            let Some(at) = first(m, u) else { break };
            if u == n {
                iterations.push(m);
                continue;
            }
            let matching = (at..n.min(at + 3)).find(|&m2| first(m2, n) == Some(at));
            let Some(m2) = matching else {
                return Err(self.value.at.error(
                    &format!("{}.num_updates", self.key),
                    format!(
                        "milestone {m} of num_updates {u} decays at iteration {at} of \
                         train.max_iter {n}, which lrsched cannot place exactly"
                    ),
                ));
            };
            iterations.push(m2);
        }
        // The warmup ends at fvcore's scheduler(warmup_length), its start at scheduler(0).
        let count = |list: &[u64], updates: u64, where_: f64| {
            let e = ((where_ + WHERE_EPSILON) * updates as f64) as u64;
            list.iter().filter(|&&m| m <= e).count()
        };
        for where_ in [0.0, warmup] {
            if count(&self.milestones, u, where_) != count(&iterations, n, where_) {
                return Err(self.value.at.error(
                    &format!("{}.num_updates", self.key),
                    "a milestone inside the warmup falls differently in num_updates and \
                     train.max_iter, which lrsched cannot reproduce",
                ));
            }
        }
        let reached = iterations.len();
        let note = if u == n {
            String::new()
        } else {
            format!(" (num_updates {u} over train.max_iter {n}: where fvcore decays)")
        };
        let at = self
            .value
            .at
            .origin(&format!("{}.milestones{note}", self.key));
        let counts: Vec<Count> = iterations.into_iter().map(Count::Iters).collect();
        emit::counts(layer, "milestones", &counts, at);
        let factors: Vec<String> = self.values[..=reached]
            .iter()
            .map(|&x| crate::schedule::message::number(x))
            .collect();
        let at = self.value.at.origin(&format!("{}.values", self.key));
        layer.set(
            "factors",
            crate::config::value::Raw::Array(
                factors
                    .into_iter()
                    .map(crate::config::value::Raw::Float)
                    .collect(),
            ),
            at,
        );
        Ok(())
    }
}
