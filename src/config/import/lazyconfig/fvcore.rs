//! The schedule a LazyConfig's names give, as `lazyconfig_train_net.py` and fvcore build it:
//! `optimizer.lr`, `train.max_iter` and `lr_multiplier` (docs/import.md, "detectron2
//! LazyConfig").

use std::path::Path;

use crate::config::Layer;
use crate::config::error::ConfigError;
use crate::config::import::emit::{self, Count};
use crate::config::import::python::{Dict, Kind, Value};

/// fvcore's `ParamScheduler.WHERE_EPSILON`.
const WHERE_EPSILON: f64 = 1e-6;

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
pub(super) fn schedule(names: &Dict, file: &Path) -> Result<Layer, ConfigError> {
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
            return Err(crate::config::import::unmodelled(
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
            other => {
                return Err(crate::config::import::unmodelled(
                    value.at.origin(key),
                    other,
                ));
            }
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
