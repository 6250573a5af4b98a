//! Every schedule key, one row each: its TOML name and flag, value type, default, the texts
//! that describe it (`--help`, docs/guide.md "Keys and flags", `lrsched init`'s comments) and
//! its own check. The flags, the TOML reader, `init`'s file and the guide's table all follow
//! this table; what a key means for the schedule is in `resolve`.

mod key;

pub use key::{Key, Unset};

use super::amount::Amount;
use super::checks::{
    above_zero, all_above_zero, any, at_least_one, dialects, not_negative, rule, stepping, text_of,
    unit, warmup_method,
};
use super::epoch::dataset_size;
#[cfg(test)]
use super::error::Origin;
use super::value::{Kind, Raw, Value};
use crate::schedule::{Decay, Dialect, Params};

/// Every key, in the order `--help`, docs/guide.md and `lrsched init` list them. Values are
/// read and checked in this order, so the first bad key in it is the one reported.
pub const KEYS: &[Key] = &[
    Key {
        name: "base_lr",
        long: "base-lr",
        value_name: "LR",
        kind: Kind::Number,
        unset: Unset::Value(|| Value::Number(Params::default().base_lr)),
        help: "Learning rate after warmup, before any decay",
        doc: "learning rate after warmup, before any decay (> 0)",
        comment: "Learning rate after warmup, before any decay.",
        check: above_zero,
    },
    Key {
        name: "milestones",
        long: "milestones",
        value_name: "LIST",
        kind: Kind::Amounts,
        unset: Unset::Value(|| match Params::default().decay {
            Decay::Milestones(list) => Value::Amounts(list.into_iter().map(Amount::bare).collect()),
            Decay::StepSize(_) => Value::Amounts(Vec::new()),
        }),
        help: "Iterations (or 8ep epochs) at which lr is multiplied by gamma, e.g. 60000,80000; \
               empty for none",
        doc: "iterations at which lr is multiplied by `gamma`, ascending, repeats allowed; \
              each may carry its unit (`8ep`, `500it`); `[]` / `--milestones=` for none",
        comment: "Iterations at which lr is multiplied by gamma (a repeated milestone decays \
                  twice).\n[] means no decay. A count may carry its unit: [\"8ep\", \"11ep\"].",
        check: any,
    },
    Key {
        name: "gamma",
        long: "gamma",
        value_name: "G",
        kind: Kind::Number,
        unset: Unset::Value(|| Value::Number(Params::default().gamma)),
        help: "Decay factor per milestone",
        doc: "decay factor per milestone (> 0)",
        comment: "Decay factor applied at each milestone.",
        check: above_zero,
    },
    Key {
        name: "values",
        long: "values",
        value_name: "LIST",
        kind: Kind::Numbers,
        unset: Unset::Derived {
            help: None,
            doc: "none: base_lr × gamma^k",
            example: "[0.12, 0.012, 0.0012]",
        },
        help: "The lr in each phase exactly, instead of --base-lr and --gamma: one more than the \
               milestones, e.g. 0.12,0.012,0.0012",
        doc: "instead of `base_lr` and `gamma`: the lr after k decays is `values[k]` exactly; \
              one more than the milestones ([Explicit values](#explicit-values-and-an-absolute-warmup-start))",
        comment: "Instead of base_lr and gamma: the lr before the first milestone and after each,\n\
                  exactly as given (TF's boundaries/values): one more than the milestones.",
        check: all_above_zero,
    },
    Key {
        name: "factors",
        long: "factors",
        value_name: "LIST",
        kind: Kind::Numbers,
        unset: Unset::Derived {
            help: None,
            doc: "none: gamma^k",
            example: "[1.0, 0.1, 0.01]",
        },
        help: "Multipliers of --base-lr in each phase, instead of --gamma (detectron2 \
               MultiStepParamScheduler values), e.g. 1,0.1,0.01",
        doc: "instead of `gamma`: the lr after k decays is `base_lr` × `factors[k]`, as \
              detectron2's `MultiStepParamScheduler(values=...)` gives them (detectron2 only)",
        comment: "Instead of gamma: the multiplier of base_lr before the first milestone and\n\
                  after each (detectron2's MultiStepParamScheduler values).",
        check: all_above_zero,
    },
    Key {
        name: "step_size",
        long: "step-size",
        value_name: "N",
        kind: Kind::Amount,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "30",
        },
        help: "Decay every N iterations after warmup, instead of milestones (2.4ep per epoch)",
        doc: "instead of milestones: decay every N iterations after warmup (fractional epochs \
              with `stepping = \"epoch\"`)",
        comment: "Instead of milestones: decay every step_size iterations after warmup.",
        check: at_least_one,
    },
    Key {
        name: "warmup_iters",
        long: "warmup-iters",
        value_name: "N",
        kind: Kind::Amount,
        unset: Unset::Value(|| Value::Amount(Amount::bare(Params::default().warmup_iters))),
        help: "Length of the warmup phase (500it, 1ep)",
        doc: "warmup length W (0: none; `500it`, `1ep`)",
        comment: "Length of the warmup phase (0: no warmup).",
        check: any,
    },
    Key {
        name: "warmup_factor",
        long: "warmup-factor",
        value_name: "F",
        kind: Kind::Number,
        unset: Unset::Value(|| Value::Number(Params::default().warmup_factor)),
        help: "lr multiplier at iteration 0",
        doc: "multiplier f at iteration 0 (>= 0; > 0 for exp)",
        comment: "lr multiplier at iteration 0.",
        check: not_negative,
    },
    Key {
        name: "warmup_lr",
        long: "warmup-lr",
        value_name: "LR",
        kind: Kind::Number,
        unset: Unset::Derived {
            help: None,
            doc: "none: base_lr × warmup_factor",
            example: "1e-6",
        },
        help: "lr at iteration 0, instead of --warmup-factor (timm --warmup-lr, TF \
               warmup_learning_rate)",
        doc: "instead of `warmup_factor`: the lr at iteration 0, as frameworks with an absolute \
              start take it (>= 0)",
        comment: "Instead of warmup_factor: the lr at iteration 0 (timm's warmup_lr, MXNet's\n\
                  warmup_begin_lr, TF's warmup_learning_rate).",
        check: not_negative,
    },
    Key {
        name: "warmup_method",
        long: "warmup-method",
        value_name: "METHOD",
        kind: Kind::Text,
        unset: Unset::Value(|| Value::Text(Params::default().warmup_method.name().into())),
        help: "linear, constant or exp",
        doc: "`linear`, `constant` or `exp`",
        comment: "linear, constant or exp.",
        check: |value, _, at| {
            text_of(value).map_or(Ok(()), |name| warmup_method(name, at).map(drop))
        },
    },
    Key {
        name: "iters",
        long: "iters",
        value_name: "N",
        kind: Kind::Amount,
        unset: Unset::Derived {
            help: Some("1.5 × last milestone"),
            doc: "ceil(1.5 × last milestone); with `step_size`: W + 3 × step_size; with \
                  neither: max(2W, 100)",
            example: "150",
        },
        help: "Iterations to evaluate (t = 0 … N-1), or 12ep",
        doc: "iterations to evaluate, t = 0 … iters−1 (`12ep`: 12 epochs)",
        comment: "Iterations to evaluate, t = 0 .. iters-1.\nDefault: ceil(1.5 * last \
                  milestone); with step_size, warmup_iters + 3 * step_size.",
        check: at_least_one,
    },
    Key {
        name: "iters_per_epoch",
        long: "iters-per-epoch",
        value_name: "N",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "391",
        },
        help: "Iterations per epoch, for epoch counts and the epoch axis",
        doc: "the epoch length, for epoch counts, the epoch column and the epoch lints",
        comment: "Iterations per epoch: needed for unit = \"epoch\" and for epoch axes and \
                  columns.",
        check: at_least_one,
    },
    Key {
        name: "dataset_size",
        long: "dataset-size",
        value_name: "N|NAME",
        kind: Kind::CountOrName,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "\"coco2017\"",
        },
        help: "Training images, or a dataset's name (coco2017, imagenet1k, ...): with the batch, \
               the epoch length",
        doc: "training samples, or a named dataset ([Units](#units)): with the batch, gives the \
              epoch length instead of `iters_per_epoch`",
        comment: "Instead of iters_per_epoch: the training set's size, or its name (coco2017,\n\
                  coco2017-nonempty, imagenet1k, cityscapes, cifar10, cifar100), with a batch.",
        check: |value, _, at| match value {
            Value::Text(name) => dataset_size(name, at).map(drop),
            _ => at_least_one(value, &Raw::Text(String::new()), at),
        },
    },
    Key {
        name: "batch_size",
        long: "batch-size",
        value_name: "B",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "16",
        },
        help: "Global batch, all devices together (per optimizer step: without --grad-accum)",
        doc: "the global batch (all devices), for the epoch length",
        comment: "The global batch, all devices together.",
        check: at_least_one,
    },
    Key {
        name: "batch_per_device",
        long: "batch-per-device",
        value_name: "B",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "2",
        },
        help: "Batch on each device, instead of --batch-size (× --devices)",
        doc: "instead of `batch_size`: the batch per device, × `devices`",
        comment: "Instead of batch_size: the batch on each device, times devices.",
        check: at_least_one,
    },
    Key {
        name: "devices",
        long: "devices",
        value_name: "N",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: Some("1"),
            doc: "1",
            example: "8",
        },
        help: "Devices (GPUs) sharing an iteration, with --batch-per-device",
        doc: "devices (GPUs) sharing an iteration, with `batch_per_device`",
        comment: "Devices (GPUs) that share an iteration, with batch_per_device.",
        check: at_least_one,
    },
    Key {
        name: "grad_accum",
        long: "grad-accum",
        value_name: "A",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: Some("1"),
            doc: "1",
            example: "4",
        },
        help: "Batches per optimizer step (gradient accumulation)",
        doc: "batches per optimizer (and scheduler) step",
        comment: "Batches accumulated per optimizer (and scheduler) step.",
        check: at_least_one,
    },
    Key {
        name: "drop_last",
        long: "drop-last",
        value_name: "BOOL",
        kind: Kind::Switch,
        unset: Unset::Derived {
            help: None,
            doc: "false: a last, partial batch counts",
            example: "true",
        },
        help: "The loader drops the last partial batch: floor(size / batch) batches, not ceil",
        doc: "`true`: the loader drops the last partial batch (floor), else it counts (ceil)",
        comment: "true if the loader drops the last, partial batch (floor instead of ceil).",
        check: any,
    },
    Key {
        name: "unit",
        long: "unit",
        value_name: "UNIT",
        kind: Kind::Text,
        unset: Unset::Value(|| Value::Text("iter".into())),
        help: "Unit of bare counts (milestones, step_size, warmup_iters, iters): iter or epoch",
        doc: "unit of the counts written bare (milestones, step_size, warmup_iters, iters): \
              `iter` or `epoch`",
        comment: "Unit of the counts written without one (milestones, step_size, warmup_iters,\n\
                  iters): \"iter\" or \"epoch\". A count with its own (\"500it\", \"8ep\") keeps it.",
        check: |value, _, at| text_of(value).map_or(Ok(()), |name| unit(name, at).map(drop)),
    },
    Key {
        name: "stepping",
        long: "stepping",
        value_name: "WHEN",
        kind: Kind::Text,
        unset: Unset::Value(|| Value::Text("iter".into())),
        help: "When the scheduler steps: iter, or epoch (lr changes only at epoch boundaries)",
        doc: "`iter`, or `epoch`: the scheduler steps once per epoch and the lr holds across it \
              ([Stepping per epoch](#stepping-per-epoch))",
        comment: "When the scheduler steps: \"iter\" (every iteration) or \"epoch\" (once per\n\
                  epoch, as timm and torchvision's classification reference do).",
        check: |value, _, at| text_of(value).map_or(Ok(()), |name| stepping(name, at).map(drop)),
    },
    Key {
        name: "warmup_stepping",
        long: "warmup-stepping",
        value_name: "WHEN",
        kind: Kind::Text,
        unset: Unset::Derived {
            help: Some("as --stepping"),
            doc: "as `stepping`",
            example: "\"iter\"",
        },
        help: "When the warmup steps, if not as --stepping: iter (torchvision detection) or epoch",
        doc: "when the warmup steps, if not as `stepping`: `iter` warms up every iteration \
              while the decays step per epoch (torchvision's detection reference)",
        comment: "When the warmup steps, if not as stepping: \"iter\" warms up every iteration\n\
                  while the decays step per epoch (torchvision's detection reference).",
        check: |value, _, at| text_of(value).map_or(Ok(()), |name| stepping(name, at).map(drop)),
    },
    Key {
        name: "from_batch",
        long: "from-batch",
        value_name: "B",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "16",
        },
        help: "Scale the schedule from this global batch (with --to-batch)",
        doc: "scale the schedule from this global batch to `to_batch` ([Units](#units))",
        comment: "Scale this schedule from global batch from_batch to to_batch\n\
                  (or from_devices to to_devices): lr by the rule, iterations by 1 / k.",
        check: at_least_one,
    },
    Key {
        name: "to_batch",
        long: "to-batch",
        value_name: "B",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "4",
        },
        help: "The global batch to scale the schedule to",
        doc: "the global batch to scale to",
        comment: "The global batch to scale to.",
        check: at_least_one,
    },
    Key {
        name: "from_devices",
        long: "from-devices",
        value_name: "N",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "8",
        },
        help: "Scale the schedule from this many devices (with --to-devices)",
        doc: "instead of batches: scale from this many devices to `to_devices`",
        comment: "Instead of batches: scale from from_devices to to_devices.",
        check: at_least_one,
    },
    Key {
        name: "to_devices",
        long: "to-devices",
        value_name: "N",
        kind: Kind::Count,
        unset: Unset::Derived {
            help: None,
            doc: "none",
            example: "4",
        },
        help: "The number of devices to scale the schedule to",
        doc: "the number of devices to scale to",
        comment: "The number of devices to scale to.",
        check: at_least_one,
    },
    Key {
        name: "rule",
        long: "rule",
        value_name: "RULE",
        kind: Kind::Text,
        unset: Unset::Derived {
            help: Some("linear, when scaling"),
            doc: "`\"linear\"` when scaling",
            example: "\"sqrt\"",
        },
        help: "How base_lr follows the batch when scaling: linear, sqrt or none",
        doc: "when scaling, base_lr × k (`linear`), × √k (`sqrt`) or unchanged (`none`)",
        comment: "When scaling: base_lr times k (linear), sqrt(k) (sqrt), or unchanged (none).",
        check: |value, _, at| text_of(value).map_or(Ok(()), |name| rule(name, at).map(drop)),
    },
    Key {
        name: "keep_warmup",
        long: "keep-warmup",
        value_name: "BOOL",
        kind: Kind::Switch,
        unset: Unset::Derived {
            help: None,
            doc: "false: scaled",
            example: "true",
        },
        help: "When scaling, keep warmup_iters as it is (maskrcnn-benchmark's recipe)",
        doc: "when scaling, keep `warmup_iters` unscaled",
        comment: "true to keep warmup_iters unscaled when scaling.",
        check: any,
    },
    Key {
        name: "dialect",
        long: "dialect",
        value_name: "NAME",
        kind: Kind::Text,
        unset: Unset::Value(|| Value::Text(Dialect::default().name().into())),
        help: "Framework whose exact arithmetic to reproduce, or `all`",
        doc: "whose arithmetic to reproduce: a dialect of [dialects.md](dialects.md), or `all` \
              to compare them",
        // `init` lists the registry's dialects after this line (template.rs).
        comment: "Whose arithmetic, rounding and off-by-ones to reproduce, bit for bit:",
        check: |value, _, at| text_of(value).map_or(Ok(()), |name| dialects(name, at).map(drop)),
    },
    Key {
        name: "name",
        long: "name",
        value_name: "NAME",
        kind: Kind::Text,
        unset: Unset::Derived {
            help: Some("file stem, or \"schedule\""),
            doc: "file stem, or \"schedule\"",
            example: "\"my-schedule\"",
        },
        help: "Label for legends and JSON",
        doc: "label in legends, column names and reports",
        comment: "Label in plot legends and JSON. Default: this file's name without .toml.",
        check: any,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_the_keys_with_dashes() {
        for key in KEYS {
            assert_eq!(key.long, key.name.replace('_', "-"));
        }
    }

    /// docs/guide.md's "Keys and flags" table is this table.
    #[test]
    fn the_guide_lists_every_key() {
        let guide = include_str!("../../docs/guide.md");
        let mut rows = vec![
            "| key | flag | meaning | default |".to_string(),
            "|---|---|---|---|".to_string(),
        ];
        rows.extend(KEYS.iter().map(Key::doc_row));
        let table = rows.join("\n") + "\n";
        assert!(
            guide.contains(&format!("\n\n{table}\n")),
            "docs/guide.md, section \"Keys and flags\", should hold this table:\n{table}"
        );
    }

    #[test]
    fn help_lines_show_the_defaults() {
        let help = |name: &str| Key::named(name).unwrap().help_line();
        assert_eq!(
            help("milestones"),
            "Iterations (or 8ep epochs) at which lr is multiplied by gamma, e.g. 60000,80000; \
             empty for none [default: 50,100]"
        );
        assert_eq!(help("dialect").rsplit_once(' ').unwrap().1, "maskrcnn]");
        assert_eq!(
            help("step_size"),
            "Decay every N iterations after warmup, instead of milestones (2.4ep per epoch)"
        );
        assert_eq!(
            help("iters"),
            "Iterations to evaluate (t = 0 … N-1), or 12ep [default: 1.5 × last milestone]"
        );
    }

    #[test]
    fn each_key_checks_its_own_rule() {
        let flag = |key: &Key| Origin::Flag(key.flag());
        let read = |name: &str, text: &str| {
            let key = Key::named(name).unwrap();
            key.read(&Raw::Text(text.into()), &flag(key))
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            read("gamma", "0").unwrap_err(),
            "--gamma: must be > 0, got 0"
        );
        assert_eq!(
            read("warmup_factor", "-0.1").unwrap_err(),
            "--warmup-factor: must be >= 0, got -0.1"
        );
        assert_eq!(read("warmup_factor", "0"), Ok(Value::Number(0.0)));
        assert_eq!(
            read("step_size", "0").unwrap_err(),
            "--step-size: must be >= 1, got 0"
        );
        assert_eq!(
            read("warmup_iters", "0"),
            Ok(Value::Amount(Amount::bare(0)))
        );
        assert_eq!(
            read("iters", "0ep").unwrap_err(),
            "--iters: must be >= 1, got 0ep"
        );
        assert_eq!(
            read("dataset_size", "coco"),
            Err(
                "--dataset-size: unknown dataset 'coco'; expected a number of samples or one \
                 of: coco2017, coco2017-nonempty, imagenet1k, cityscapes, cifar10, cifar100"
                    .into()
            )
        );
        assert_eq!(
            read("rule", "cube").unwrap_err(),
            "--rule: unknown rule 'cube'; expected linear, sqrt or none"
        );
        assert_eq!(
            read("unit", "days").unwrap_err(),
            "--unit: unknown unit 'days'; expected iter or epoch"
        );
        assert_eq!(read("unit", "epochs"), Ok(Value::Text("epochs".into())));
        assert_eq!(
            read("warmup_method", "cosine").unwrap_err(),
            "--warmup-method: unknown warmup method 'cosine'; expected one of: linear, \
             constant, exp"
        );
        assert!(
            read("dialect", "lasagne")
                .unwrap_err()
                .starts_with("--dialect: unknown dialect 'lasagne'; expected one of: maskrcnn, ")
        );
        assert_eq!(read("dialect", "all"), Ok(Value::Text("all".into())));
    }
}
