//! PaddleDetection's YAML configs (`configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml`):
//! `_BASE_` lists merged as `ppdet/core/workspace.py` merges them, then what the trainer
//! builds from `LearningRate` (`ppdet/optimizer/optimizer.py`):
//!
//! ```python
//! # _load_config_with_base: each base over the earlier ones, the file over its bases;
//! # dict_merge: a mapping over a mapping merges key by key, anything else replaces
//! steps_per_epoch = len(self.loader)                      # TrainReader.batch_size per GPU
//! self.lr = create('LearningRate')(steps_per_epoch)       # LearningRate(base_lr=0.01,
//! #     schedulers=[PiecewiseDecay(gamma=[0.1, 0.01], milestones=[8, 11]), LinearWarmup()])
//! if not self.schedulers[0].use_warmup: return self.schedulers[0](base_lr, step_per_epoch)
//! boundary, value = self.schedulers[1](self.base_lr, step_per_epoch)  # LinearWarmup(
//! #     steps=500, start_factor=1/3, epochs=None): warmup_steps = epochs * step_per_epoch
//! #     if epochs is not None else steps
//! return self.schedulers[0](self.base_lr, boundary, value, step_per_epoch)  # PiecewiseDecay:
//! #     boundary.extend([int(step_per_epoch) * i for i in self.milestones])
//! ```
//!
//! The milestones and `epoch` are epochs (`"8ep"`), the warmup's `steps` iterations; the
//! `paddledet` dialect does the rest (its scalar gamma is `[g, g/10, g/100, …]`).

use std::borrow::Cow;
use std::path::Path;

use super::emit::{self, Count};
use super::keyed::Keyed as Value;
use super::yaml::{self, Entry, Kind, Node, Scalar};
use super::{Fit, Format, Source, bounded, yacs};
use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::config::keys::Key;
use crate::config::value::{Raw, Value as KeyValue};

const FRAMEWORK: &str = "PaddleDetection";

pub struct PaddledetYaml;

impl Format for PaddledetYaml {
    fn name(&self) -> &'static str {
        "paddledet"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["ppdet", "paddledetection"]
    }

    fn framework(&self) -> &'static str {
        "PaddleDetection YAML"
    }

    fn dialect(&self) -> Option<&'static str> {
        Some("paddledet")
    }

    fn detect(&self, path: &Path, text: &str) -> Fit {
        let yaml = matches!(super::extension(path).as_str(), "yaml" | "yml");
        let mut keys = yacs::top_level_keys(text);
        if text.contains("!PiecewiseDecay")
            || text.contains("!LinearWarmup")
            || keys.any(|k| matches!(k, "LearningRate" | "TrainReader" | "OptimizerBuilder"))
        {
            return Fit::Certain;
        }
        // A `_BASE_` list beside lower-case keys (`weights:`), which yacs would refuse.
        let mut keys = yacs::top_level_keys(text);
        if yacs::top_level_keys(text).any(|k| k == "_BASE_")
            && keys.any(|k| k.starts_with(|c: char| c.is_ascii_lowercase()))
        {
            return Fit::Layout;
        }
        if yaml { Fit::Extension } else { Fit::No }
    }

    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError> {
        let parse = |path: &Path, text: &str| {
            yacs::bases(yaml::parse(path, &closings_indented(text))?, "_BASE_")
        };
        let root = bounded::inherit(file.path, file.text, &parse, &merge)?;
        schedule(file.path, &root, flags)
    }
}

/// PaddleDetection writes `_BASE_: [` … `]` with the `]` at the start of a line after quoted
/// items, which PyYAML reads and saphyr-parser refuses ("invalid indentation"); a line can
/// only start with `]` or `}` to close a flow collection, and one space before it reads the
/// same. Line numbers are kept.
fn closings_indented(text: &str) -> Cow<'_, str> {
    let closing = |line: &str| line.starts_with([']', '}']);
    if !text.lines().any(closing) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        if closing(line) {
            out.push(' ');
        }
        out.push_str(line);
    }
    Cow::Owned(out)
}

/// `dict_merge(bases, file)`: the later mapping's keys over the earlier's; a mapping over a
/// mapping merges, anything else (a list, a tagged object) replaces.
fn merge(mut under: Node, over: Node) -> Result<Node, ConfigError> {
    let (Kind::Map(entries), Kind::Map(over_entries)) = (&mut under.kind, over.kind) else {
        return Ok(under);
    };
    for entry in over_entries {
        match entries.iter().rposition(|e| e.key == entry.key) {
            Some(at) if plain_map(&entries[at].value) && plain_map(&entry.value) => {
                let base = entries.remove(at);
                let value = merge(base.value, entry.value)?;
                entries.insert(
                    at,
                    Entry {
                        key: entry.key,
                        line: base.line,
                        value,
                    },
                );
            }
            Some(at) => entries[at] = entry,
            None => entries.push(entry),
        }
    }
    Ok(under)
}

/// A mapping that loads as a dict (a tagged one is an object).
fn plain_map(node: &Node) -> bool {
    matches!(node.kind, Kind::Map(_)) && node.tag.is_none()
}

fn schedule(path: &Path, root: &Node, flags: &Layer) -> Result<Layer, ConfigError> {
    let mut layer = Layer::default();
    let top = |key: &str| Value::top(root, key);
    let epoch = top("epoch").ok_or_else(|| ConfigError::Import {
        path: path.to_path_buf(),
        problem: "epoch is not set, here or in a _BASE_ file; PaddleDetection's trainer needs it"
            .into(),
    })?;
    emit::count(
        &mut layer,
        "iters",
        Count::Epochs(epoch.whole()?),
        epoch.at(),
    );

    let lr = top("LearningRate");
    let field = |name: &str| lr.as_ref().and_then(|lr| lr.field(name));
    match field("base_lr") {
        Some(base) => emit::number(&mut layer, "base_lr", base.number()?, base.at()),
        None => emit::number(
            &mut layer,
            "base_lr",
            0.01,
            emit::default(FRAMEWORK, "LearningRate.base_lr"),
        ),
    }
    match field("schedulers") {
        Some(list) => schedulers(&list, &mut layer)?,
        None => {
            let at = |key: &'static str| emit::default(FRAMEWORK, key);
            // `PiecewiseDecay()`: gamma [0.1, 0.01] is the list the scalar 0.1 makes.
            emit::counts(
                &mut layer,
                "milestones",
                &[Count::Epochs(8), Count::Epochs(11)],
                at("PiecewiseDecay.milestones"),
            );
            emit::number(
                &mut layer,
                "gamma",
                0.1,
                at("PiecewiseDecay.gamma [0.1, 0.01]"),
            );
            emit::count(
                &mut layer,
                "warmup_iters",
                Count::Iters(500),
                at("LinearWarmup.steps"),
            );
            emit::number(
                &mut layer,
                "warmup_factor",
                1.0 / 3.0,
                at("LinearWarmup.start_factor"),
            );
        }
    }
    emit::text(
        &mut layer,
        "warmup_method",
        "linear",
        emit::default(FRAMEWORK, "LinearWarmup"),
    );
    if let Some((raw, at)) = flags.get("dataset_size") {
        let reader = top("TrainReader");
        epoch_length(reader.as_ref(), raw, at, flags, &mut layer)?;
    }
    Ok(layer)
}

/// `steps_per_epoch = len(self.loader)`: paddle's `DistributedBatchSampler` gives each of the
/// devices ceil(size / devices) samples (padding), then floor(… / batch) batches with
/// `drop_last` (TrainReader's default), ceil without. Written as `iters_per_epoch`, since
/// lrsched's own count of a global batch rounds once, not per device.
fn epoch_length(
    reader: Option<&Value<'_>>,
    raw: &Raw,
    at: &Origin,
    flags: &Layer,
    layer: &mut Layer,
) -> Result<(), ConfigError> {
    let row = Key::named("dataset_size").expect("dataset_size is a key");
    let size = match row.read(raw, at)? {
        KeyValue::Count(n) => n,
        KeyValue::Text(name) => crate::config::epoch::dataset_size(&name, at)?,
        _ => return Ok(()),
    };
    let field = |name: &str| reader.and_then(|r| r.field(name));
    let (batch, batch_at) = match field("batch_size") {
        Some(batch) => (batch.whole()?, batch.at()),
        None => (1, emit::default(FRAMEWORK, "TrainReader.batch_size")),
    };
    if batch == 0 {
        return Err(field("batch_size").map_or_else(
            || ConfigError::invalid(at.clone(), "batch_size 0"),
            |b| b.error("must be >= 1"),
        ));
    }
    let drop_last = match field("drop_last") {
        Some(flag) => match flag.node.scalar() {
            Some(Scalar::Bool(on)) => on,
            _ => {
                return Err(flag.error(format!(
                    "expected true or false, found {}",
                    flag.node.type_name()
                )));
            }
        },
        None => true,
    };
    let devices = emit::devices(flags)?;
    let batches = emit::batches_per_device(size, devices, batch, drop_last);
    if batches == 0 {
        return Err(ConfigError::invalid(
            at.clone(),
            format!(
                "{size} samples over {devices} devices make no batch of {batch}: PaddleDetection \
                 refuses it (\"Samples in dataset are less than batch_size\")"
            ),
        ));
    }
    let rounding = if drop_last { "floor" } else { "ceil" };
    let note = format!(
        "len(DistributedBatchSampler) = {rounding}(ceil({size} / {devices} devices) / {batch}), \
         {size} from {at}"
    );
    emit::whole(
        layer,
        "iters_per_epoch",
        batches,
        yacs::noted(&batch_at, &note),
    );
    layer.consume_flag("dataset_size");
    layer.consume_flag("devices");
    Ok(())
}

/// A scheduler of the list: its class (the tag, or a `name` key) and its arguments.
fn class_of<'a>(item: &Value<'a>) -> Result<String, ConfigError> {
    if let Some(tag) = &item.node.tag {
        return Ok(tag.clone());
    }
    match item.field("name").and_then(|name| name.node.scalar()) {
        Some(Scalar::Str(name)) => Ok(name),
        _ => Err(item.error(
            "expected a tagged scheduler (!PiecewiseDecay, !LinearWarmup) or a mapping with \
             its name",
        )),
    }
}

/// Refuses an argument the class does not take, as its constructor would.
fn check_arguments(item: &Value<'_>, class: &str, known: &[&str]) -> Result<(), ConfigError> {
    let Kind::Map(entries) = &item.node.kind else {
        return Err(item.error(format!(
            "expected the arguments of {class}, found {}",
            item.node.type_name()
        )));
    };
    match entries
        .iter()
        .find(|e| e.key != "name" && !known.contains(&e.key.as_str()))
    {
        Some(entry) => Err(ConfigError::invalid(
            entry.value.origin(&format!("{}.{}", item.key, entry.key)),
            format!(
                "{class} takes {}; PaddleDetection refuses it (\"unexpected keyword argument\")",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// `LearningRate.schedulers`: the decay first, then the warmup (`LearningRate.__call__`).
fn schedulers(list: &Value<'_>, layer: &mut Layer) -> Result<(), ConfigError> {
    let items = list.items()?;
    let mut classes = Vec::new();
    for item in &items {
        let class = class_of(item)?;
        match class.as_str() {
            "PiecewiseDecay" => check_arguments(
                item,
                &class,
                &["gamma", "milestones", "values", "use_warmup"],
            )?,
            "LinearWarmup" => check_arguments(
                item,
                &class,
                &["steps", "start_factor", "epochs", "epochs_first"],
            )?,
            other => return Err(super::unmodelled(item.at(), other)),
        }
        classes.push(class);
    }
    let Some(decay) = items.first().filter(|_| classes[0] == "PiecewiseDecay") else {
        return Err(list.error(
            "PaddleDetection takes the decay first (schedulers[0], a !PiecewiseDecay) and the \
             warmup second",
        ));
    };
    let use_warmup = match decay.field("use_warmup") {
        Some(flag) => match flag.node.scalar() {
            Some(Scalar::Bool(on)) => on,
            _ => return Err(flag.error("expected true or false")),
        },
        None => true,
    };
    piecewise(decay, layer)?;
    if !use_warmup {
        // No warmup boundaries: one warmup step at factor 1 is base_lr itself.
        let at = decay
            .field("use_warmup")
            .map_or_else(|| decay.at(), |f| f.at());
        emit::whole(layer, "warmup_iters", 0, at.clone());
        emit::number(layer, "warmup_factor", 1.0, at);
        return Ok(());
    }
    match (items.get(1), classes.get(1).map(String::as_str)) {
        (Some(warmup), Some("LinearWarmup")) => linear_warmup(warmup, layer),
        (Some(other), Some(class)) => Err(other.error(format!(
            "{class} second: PaddleDetection takes the warmup (a !LinearWarmup) there"
        ))),
        _ => Err(list.error(
            "has no warmup after the PiecewiseDecay, whose use_warmup is true: PaddleDetection \
             fails (schedulers[1]: IndexError); add a !LinearWarmup or set use_warmup: false",
        )),
    }
}

fn piecewise(decay: &Value<'_>, layer: &mut Layer) -> Result<(), ConfigError> {
    if let Some(values) = decay.field("values").filter(|v| !v.null()) {
        return Err(values.error(
            "PiecewiseDecay values are not modelled: the paddledet dialect reproduces its gamma \
             list (give gamma instead)",
        ));
    }
    let milestones = match decay.field("milestones") {
        Some(list) => {
            let counts = list
                .items()?
                .iter()
                .map(|m| m.whole().map(Count::Epochs))
                .collect::<Result<Vec<Count>, ConfigError>>()?;
            emit::counts(layer, "milestones", &counts, list.at());
            counts.len()
        }
        None => {
            emit::counts(
                layer,
                "milestones",
                &[Count::Epochs(8), Count::Epochs(11)],
                emit::default(FRAMEWORK, "PiecewiseDecay.milestones"),
            );
            2
        }
    };
    let Some(gamma) = decay.field("gamma") else {
        if milestones != 2 {
            return Err(decay.error(format!(
                "PiecewiseDecay's default gamma [0.1, 0.01] has 2 factors for {milestones} \
                 milestones; give gamma"
            )));
        }
        emit::number(
            layer,
            "gamma",
            0.1,
            emit::default(FRAMEWORK, "PiecewiseDecay.gamma [0.1, 0.01]"),
        );
        return Ok(());
    };
    if !matches!(gamma.node.kind, Kind::Seq(_)) {
        return emit_number(layer, "gamma", &gamma);
    }
    // A list is taken as given: lrsched's scalar gamma makes [g, g/10, …], so the list must be
    // that one.
    let factors = gamma
        .items()?
        .iter()
        .map(Value::number)
        .collect::<Result<Vec<f64>, ConfigError>>()?;
    let first = factors.first().copied().unwrap_or(0.1);
    let expanded: Vec<f64> = (0..factors.len())
        .map(|k| first / format!("1e{k}").parse::<f64>().unwrap_or(f64::INFINITY))
        .collect();
    if factors.len() != milestones || factors != expanded {
        return Err(gamma.error(format!(
            "lrsched reads a gamma list that is [g, g/10, g/100, …] with one factor per \
             milestone ({milestones}), as a scalar gamma expands; this one is not"
        )));
    }
    emit::number(layer, "gamma", first, gamma.at());
    Ok(())
}

fn linear_warmup(warmup: &Value<'_>, layer: &mut Layer) -> Result<(), ConfigError> {
    let epochs_first = match warmup.field("epochs_first") {
        Some(flag) => !matches!(flag.node.scalar(), Some(Scalar::Bool(false))),
        None => true,
    };
    let epochs = warmup.field("epochs").filter(|e| !e.null() && epochs_first);
    match (epochs, warmup.field("steps")) {
        (Some(epochs), _) => emit::count(
            layer,
            "warmup_iters",
            Count::Epochs(epochs.whole()?),
            epochs.at(),
        ),
        (None, Some(steps)) => emit::count(
            layer,
            "warmup_iters",
            Count::Iters(steps.whole()?),
            steps.at(),
        ),
        (None, None) => emit::count(
            layer,
            "warmup_iters",
            Count::Iters(500),
            emit::default(FRAMEWORK, "LinearWarmup.steps"),
        ),
    }
    match warmup.field("start_factor") {
        Some(factor) => emit_number(layer, "warmup_factor", &factor),
        None => {
            emit::number(
                layer,
                "warmup_factor",
                1.0 / 3.0,
                emit::default(FRAMEWORK, "LinearWarmup.start_factor"),
            );
            Ok(())
        }
    }
}

fn emit_number(layer: &mut Layer, key: &'static str, value: &Value<'_>) -> Result<(), ConfigError> {
    emit::number(layer, key, value.number()?, value.at());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Result<Vec<(String, Raw)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yml");
        std::fs::write(&path, text).unwrap();
        let root = yaml::parse(&path, text).map_err(|e| e.to_string())?;
        let layer = schedule(&path, &root, &Layer::default()).map_err(|e| {
            e.to_string()
                .replace(&format!("{}", path.display()), "c.yml")
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

    #[test]
    fn defaults_and_gamma_lists() {
        let set = keys("epoch: 12\n").unwrap();
        assert_eq!(get(&set, "base_lr"), Raw::Float("0.01".into()));
        assert_eq!(get(&set, "warmup_iters"), Raw::Str("500it".into()));
        assert_eq!(get(&set, "iters"), Raw::Str("12ep".into()));
        let text = "epoch: 24\nLearningRate:\n  schedulers:\n  - !PiecewiseDecay\n    \
                    gamma: [0.2, 0.02]\n    milestones: [16, 22]\n  - !LinearWarmup\n    \
                    epochs: 1\n";
        let set = keys(text).unwrap();
        assert_eq!(get(&set, "gamma"), Raw::Float("0.2".into()));
        assert_eq!(get(&set, "warmup_iters"), Raw::Str("1ep".into()));
        let text = text.replace("0.02", "0.04");
        assert!(keys(&text).unwrap_err().contains("is not"));
    }

    #[test]
    fn the_warmup_is_second_and_unknown_classes_are_named() {
        let error =
            keys("epoch: 12\nLearningRate:\n  schedulers:\n  - !CosineDecay\n    max_epochs: 12\n")
                .unwrap_err();
        assert_eq!(
            error,
            "c.yml:4: LearningRate.schedulers[0]: the scheduler 'CosineDecay' is not one \
             lrsched models: it covers the warmup + multi-step family"
        );
        let error = keys(
            "epoch: 12\nLearningRate:\n  schedulers:\n  - !PiecewiseDecay\n    \
             milestones: [8]\n    gamma: 0.1\n",
        )
        .unwrap_err();
        assert!(error.contains("IndexError"), "{error}");
        let set = keys(
            "epoch: 12\nLearningRate:\n  schedulers:\n  - !PiecewiseDecay\n    \
             milestones: [8]\n    gamma: 0.1\n    use_warmup: false\n",
        )
        .unwrap();
        assert_eq!(get(&set, "warmup_factor"), Raw::Float("1.0".into()));
    }
}
