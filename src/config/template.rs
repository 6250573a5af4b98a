//! The schedule file `lrsched init` writes: every key of the table with its comment, at the
//! value given or at its default.

use std::collections::BTreeMap;
use std::path::Path;

use super::keys::{KEYS, Key, Unset};
use super::resolve::Given;
use super::value::Value;
use crate::schedule::Dialect;

/// Decay by milestones, or instead every `step_size`: the file shows the alternative right
/// after milestones, and comments out the default milestones when it is given.
const DECAY: &str = "milestones";
const DECAY_ALTERNATIVE: &str = "step_size";

const HEADER: &str = "\
# lrsched schedule: warmup + multi-step decay.
# lr(t) = base_lr * w(t) * gamma ** k(t), where k(t) counts the milestones <= t
# and w(t) ramps from warmup_factor at t = 0 to 1 at t = warmup_iters.
# Every key is optional; flags given on the command line override this file.
";

/// Each key's line is `key = value`: the given value, else the default, commented out
/// (`# key = example`) where the default is derived or absent. With `step_size` given and
/// `milestones` not, the default milestones are commented out too: a file may hold only one
/// of them.
pub(super) fn render(given: &Given) -> String {
    let set: BTreeMap<_, _> = given.values().collect();
    let mut text = HEADER.to_string();
    for key in file_order() {
        text.push('\n');
        for line in key.comment.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        if key.name == "dialect" {
            text.push_str(&dialect_comment());
        }
        let line = match (set.get(key.name), &key.unset) {
            (Some(value), _) => format!("{} = {}", key.name, value.toml()),
            (None, Unset::Value(default))
                if key.name == DECAY && set.contains_key(DECAY_ALTERNATIVE) =>
            {
                format!("# {} = {}", key.name, default().toml())
            }
            (None, Unset::Value(default)) => format!("{} = {}", key.name, default().toml()),
            (None, Unset::Derived { example, .. }) => format!("# {} = {example}", key.name),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// The file `lrsched import` writes: the keys the config and the flags set, each followed by
/// where its value came from; the name is the config's, so that the file loads back to the
/// same schedule under the same name.
pub(super) fn render_imported(given: &Given, path: &Path, framework: &str) -> String {
    let mut text = format!(
        "# lrsched schedule imported from {} ({}).\n\
         # Each value says where it came from: file:line and the framework's key, a default of\n\
         # the framework, or a flag given to lrsched import.\n\n",
        path.display(),
        framework
    );
    for (name, value, at) in given.entries() {
        text.push_str(&format!("{name} = {}  # {at}\n", value.toml()));
    }
    if given.text("name").is_none() {
        let stem = path.file_stem().map_or_else(
            || "schedule".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        text.push_str(&format!(
            "name = {}  # the name of {}\n",
            Value::Text(stem).toml(),
            path.display()
        ));
    }
    text
}

/// The longest comment line the list of dialects is wrapped to.
const COMMENT_WIDTH: usize = 79;

/// The registry's dialects (and aliases) as comment lines: what `dialect` accepts.
fn dialect_comment() -> String {
    let names: Vec<String> = Dialect::ALL
        .iter()
        .map(|d| match d.aliases() {
            [] => d.name().to_string(),
            aliases => format!("{} (= {})", d.name(), aliases.join(", ")),
        })
        .collect();
    let sentence = format!(
        "{}; or \"all\" to compare them (see docs/dialects.md).",
        names.join(", ")
    );
    let mut text = String::new();
    let mut line = String::from("#");
    for word in sentence.split(' ') {
        if line.chars().count() + 1 + word.chars().count() > COMMENT_WIDTH && line != "#" {
            text.push_str(&line);
            text.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    text.push_str(&line);
    text.push('\n');
    text
}

/// The keys in the order of the table, but for the alternative to milestones, next to them.
fn file_order() -> Vec<&'static Key> {
    let mut keys: Vec<&Key> = KEYS
        .iter()
        .filter(|key| key.name != DECAY_ALTERNATIVE)
        .collect();
    let decay = keys.iter().position(|key| key.name == DECAY);
    if let (Some(at), Some(alternative)) = (decay, Key::named(DECAY_ALTERNATIVE)) {
        keys.insert(at + 1, alternative);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::dialect_comment;

    #[test]
    fn the_dialect_comment_lists_the_registry() {
        assert_eq!(
            dialect_comment(),
            "# maskrcnn (= warmup-multistep), torch-chained, torch-sequential, detectron2,\n\
             # mxnet, timm, mmengine, timm-train, mmcv1, gluoncv, paddledet (= ppdet),\n\
             # paddle (= paddlepaddle), detectron-caffe2 (= detectron), tf-model-garden,\n\
             # keras, optax; or \"all\" to compare them (see docs/dialects.md).\n"
        );
    }

    use super::super::{ConfigError, Input, Layer, load, load_toml, schedule_file};
    use crate::schedule::{Decay, Dialect, Params};

    /// The file of lrsched 0.1 (its dialect comment listing today's registry), which loads back
    /// to exactly the built-in defaults.
    const DEFAULT_FILE: &str = r#"# lrsched schedule: warmup + multi-step decay.
# lr(t) = base_lr * w(t) * gamma ** k(t), where k(t) counts the milestones <= t
# and w(t) ramps from warmup_factor at t = 0 to 1 at t = warmup_iters.
# Every key is optional; flags given on the command line override this file.

# Learning rate after warmup, before any decay.
base_lr = 0.01

# Iterations at which lr is multiplied by gamma (a repeated milestone decays twice).
# [] means no decay. A count may carry its unit: ["8ep", "11ep"].
milestones = [50, 100]

# Instead of milestones: decay every step_size iterations after warmup.
# step_size = 30

# Decay factor applied at each milestone.
gamma = 0.1

# Instead of base_lr and gamma: the lr before the first milestone and after each,
# exactly as given (TF's boundaries/values): one more than the milestones.
# values = [0.12, 0.012, 0.0012]

# Instead of gamma: the multiplier of base_lr before the first milestone and
# after each (detectron2's MultiStepParamScheduler values).
# factors = [1.0, 0.1, 0.01]

# Length of the warmup phase (0: no warmup).
warmup_iters = 10

# lr multiplier at iteration 0.
warmup_factor = 0.1

# Instead of warmup_factor: the lr at iteration 0 (timm's warmup_lr, MXNet's
# warmup_begin_lr, TF's warmup_learning_rate).
# warmup_lr = 1e-6

# linear, constant or exp.
warmup_method = "linear"

# Iterations to evaluate, t = 0 .. iters-1.
# Default: ceil(1.5 * last milestone); with step_size, warmup_iters + 3 * step_size.
# iters = 150

# Iterations per epoch: needed for unit = "epoch" and for epoch axes and columns.
# iters_per_epoch = 391

# Instead of iters_per_epoch: the training set's size, or its name (coco2017,
# coco2017-nonempty, imagenet1k, cityscapes, cifar10, cifar100), with a batch.
# dataset_size = "coco2017"

# The global batch, all devices together.
# batch_size = 16

# Instead of batch_size: the batch on each device, times devices.
# batch_per_device = 2

# Devices (GPUs) that share an iteration, with batch_per_device.
# devices = 8

# Batches accumulated per optimizer (and scheduler) step.
# grad_accum = 4

# true if the loader drops the last, partial batch (floor instead of ceil).
# drop_last = true

# Unit of the counts written without one (milestones, step_size, warmup_iters,
# iters): "iter" or "epoch". A count with its own ("500it", "8ep") keeps it.
unit = "iter"

# When the scheduler steps: "iter" (every iteration) or "epoch" (once per
# epoch, as timm and torchvision's classification reference do).
stepping = "iter"

# When the warmup steps, if not as stepping: "iter" warms up every iteration
# while the decays step per epoch (torchvision's detection reference).
# warmup_stepping = "iter"

# Scale this schedule from global batch from_batch to to_batch
# (or from_devices to to_devices): lr by the rule, iterations by 1 / k.
# from_batch = 16

# The global batch to scale to.
# to_batch = 4

# Instead of batches: scale from from_devices to to_devices.
# from_devices = 8

# The number of devices to scale to.
# to_devices = 4

# When scaling: base_lr times k (linear), sqrt(k) (sqrt), or unchanged (none).
# rule = "sqrt"

# true to keep warmup_iters unscaled when scaling.
# keep_warmup = true

# Whose arithmetic, rounding and off-by-ones to reproduce, bit for bit:
# maskrcnn (= warmup-multistep), torch-chained, torch-sequential, detectron2,
# mxnet, timm, mmengine, timm-train, mmcv1, gluoncv, paddledet (= ppdet),
# paddle (= paddlepaddle), detectron-caffe2 (= detectron), tf-model-garden,
# keras, optax; or "all" to compare them (see docs/dialects.md).
dialect = "maskrcnn"

# Label in plot legends and JSON. Default: this file's name without .toml.
# name = "my-schedule"
"#;

    fn input(pairs: &[(&str, &str)]) -> Input {
        let mut flags = Layer::default();
        for &(key, value) in pairs {
            flags.set_flag(key, Some(value));
        }
        Input {
            files: Vec::new(),
            from: None,
            auto_scale_lr: false,
            flags,
        }
    }

    fn file(pairs: &[(&str, &str)]) -> Result<String, ConfigError> {
        schedule_file(&input(pairs))
    }

    fn read_back(text: &str) -> Params {
        let mut loaded = load_toml("init.toml", text, &Layer::default()).unwrap();
        loaded.schedules.remove(0).params().clone()
    }

    #[test]
    fn without_flags_every_key_is_at_its_default() {
        let text = file(&[]).unwrap();
        assert_eq!(text, DEFAULT_FILE);
        let mut loaded = load_toml("init.toml", &text, &Layer::default()).unwrap();
        let spec = loaded.schedules.remove(0);
        assert_eq!(spec.params(), &Params::default());
        assert_eq!(spec.dialect, Dialect::default());
        assert_eq!(spec.iters_per_epoch, None);
    }

    #[test]
    fn given_values_replace_their_lines() {
        let pairs = [
            ("base_lr", "0.02"),
            ("milestones", "60000,80000"),
            ("iters", "90000"),
            ("name", "d2 \"1x\""),
        ];
        let text = file(&pairs).unwrap();
        assert!(text.contains("\nbase_lr = 0.02\n"), "{text}");
        assert!(text.contains("\nmilestones = [60000, 80000]\n"), "{text}");
        assert!(text.contains("\niters = 90000\n"), "{text}");
        assert!(text.contains("\nname = \"d2 \\\"1x\\\"\"\n"), "{text}");
        assert!(!text.contains("# iters = 150"), "{text}");
        let params = read_back(&text);
        let loaded = load(&input(&pairs)).unwrap();
        assert_eq!(&params, loaded.schedules[0].params());
    }

    #[test]
    fn values_are_canonical_toml() {
        let text = file(&[
            ("base_lr", "1E-3"),
            ("milestones", " 7, 9 "),
            ("unit", "iters"),
        ])
        .unwrap();
        assert!(text.contains("\nbase_lr = 0.001\n"), "{text}");
        assert!(text.contains("\nmilestones = [7, 9]\n"), "{text}");
        // A name stays as written: `iters` is as good as `iter`.
        assert!(text.contains("\nunit = \"iters\"\n"), "{text}");
    }

    #[test]
    fn step_size_comments_out_the_default_milestones() {
        let text = file(&[("step_size", "30")]).unwrap();
        assert!(text.contains("\n# milestones = [50, 100]\n"), "{text}");
        assert!(text.contains("\nstep_size = 30\n"), "{text}");
        assert_eq!(read_back(&text).decay, Decay::StepSize(30));
    }

    #[test]
    fn epoch_counts_stay_in_epochs() {
        let text = file(&[
            ("unit", "epoch"),
            ("iters_per_epoch", "5005"),
            ("milestones", "30,60"),
            ("iters", "90"),
        ])
        .unwrap();
        assert!(text.contains("\nmilestones = [30, 60]\n"), "{text}");
        assert_eq!(read_back(&text).iters, 90 * 5005);
    }

    #[test]
    fn invalid_values_are_refused_as_everywhere() {
        let error = file(&[("gamma", "-1")]).unwrap_err();
        assert_eq!(error.to_string(), "--gamma: must be > 0, got -1");
        let two = Input {
            files: vec!["a.toml".into(), "b.toml".into()],
            from: None,
            auto_scale_lr: false,
            flags: Layer::default(),
        };
        assert_eq!(
            schedule_file(&two).unwrap_err().to_string(),
            "--config: one schedule at a time: b.toml is a second schedule file"
        );
    }
}
