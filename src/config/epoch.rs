//! The epoch length: given (`iters_per_epoch`), or counted from the dataset and the batch as
//! the frameworks' data loaders count it. docs/guide.md, section "Units", states the rules.

use super::error::{ConfigError, Origin};
use super::resolve::Given;
use crate::schedule::message::{QUOTED, quote_prefix};

/// A dataset whose training set has a well-known size, by name.
pub struct Dataset {
    pub name: &'static str,
    pub size: u64,
    /// What the number counts, and where it comes from.
    pub what: &'static str,
}

pub const DATASETS: &[Dataset] = &[
    Dataset {
        name: "coco2017",
        size: 118_287,
        what: "COCO train2017 images (instances_train2017.json)",
    },
    Dataset {
        name: "coco2017-nonempty",
        size: 117_266,
        what: "COCO train2017 images with at least one annotation, as detectron2, mmdetection \
               and PaddleDetection train on them by default",
    },
    Dataset {
        name: "imagenet1k",
        size: 1_281_167,
        what: "ImageNet-1k (ILSVRC 2012) training images",
    },
    Dataset {
        name: "cityscapes",
        size: 2_975,
        what: "Cityscapes fine-annotation training images (gtFine train)",
    },
    Dataset {
        name: "cifar10",
        size: 50_000,
        what: "CIFAR-10 training images",
    },
    Dataset {
        name: "cifar100",
        size: 50_000,
        what: "CIFAR-100 training images",
    },
];

pub(super) fn dataset_size(name: &str, at: &Origin) -> Result<u64, ConfigError> {
    DATASETS
        .iter()
        .find(|dataset| dataset.name == name)
        .map(|dataset| dataset.size)
        .ok_or_else(|| {
            let names: Vec<&str> = DATASETS.iter().map(|dataset| dataset.name).collect();
            ConfigError::invalid(
                at.clone(),
                format!(
                    "unknown dataset {}; expected a number of samples or one of: {}",
                    quote_prefix(name, QUOTED),
                    names.join(", ")
                ),
            )
        })
}

/// The keys that count the epoch from the dataset, besides `dataset_size`.
const BATCH_KEYS: [&str; 5] = [
    "batch_size",
    "batch_per_device",
    "devices",
    "grad_accum",
    "drop_last",
];

/// Iterations (scheduler steps) per epoch, if the keys give them: `iters_per_epoch`, or
/// batches = ceil(size / batch) (floor with `drop_last`), then ceil(batches / grad_accum).
pub(super) fn iters_per_epoch(given: &Given) -> Result<Option<u64>, ConfigError> {
    let conflict = |first: &Origin, second: &Origin, problem: &str| ConfigError::Conflict {
        first: Box::new(first.clone()),
        second: second.clone(),
        problem: problem.into(),
    };
    if let Some((per_epoch, at)) = given.count("iters_per_epoch") {
        if let Some(other) = ["dataset_size"]
            .iter()
            .chain(&BATCH_KEYS)
            .find_map(|&name| given.origin_if_set(name))
        {
            return Err(conflict(
                at,
                other,
                "iters_per_epoch is the epoch length itself: give it, or dataset_size and a \
                 batch, not both",
            ));
        }
        return Ok(Some(per_epoch));
    }
    let size = match given.value_of("dataset_size") {
        Some((super::Value::Text(name), at)) => Some((dataset_size(name, at)?, at)),
        Some((super::Value::Count(size), at)) => Some((*size, at)),
        _ => None,
    };
    let Some((size, size_at)) = size else {
        if let Some(at) = BATCH_KEYS
            .iter()
            .find_map(|&name| given.origin_if_set(name))
        {
            return Err(ConfigError::invalid(
                at.clone(),
                "counts the epoch only with dataset_size (--dataset-size N, or a dataset's name)",
            ));
        }
        return Ok(None);
    };
    let global = match (
        given.count("batch_size"),
        given.count("batch_per_device"),
        given.count("devices"),
    ) {
        (Some((_, at)), Some((_, other)), _) | (Some((_, at)), None, Some((_, other))) => {
            return Err(conflict(
                at,
                other,
                "batch_size is the global batch: give it, or batch_per_device × devices, not both",
            ));
        }
        (Some((batch, _)), None, None) => batch,
        (None, Some((per_device, at)), devices) => {
            let devices = devices.map_or(1, |(n, _)| n);
            per_device.checked_mul(devices).ok_or_else(|| {
                ConfigError::invalid(
                    at.clone(),
                    format!("{per_device} × {devices} devices is past the u64 range"),
                )
            })?
        }
        (None, None, _) => {
            return Err(ConfigError::invalid(
                size_at.clone(),
                "needs a batch to count the epoch: batch_size, or batch_per_device (× devices)",
            ));
        }
    };
    let batches = match given.switch("drop_last") {
        Some((true, at)) => match size / global {
            0 => {
                return Err(ConfigError::invalid(
                    at.clone(),
                    format!("{size} samples in batches of {global} leave no full batch to keep"),
                ));
            }
            full => full,
        },
        _ => size.div_ceil(global),
    };
    let accumulated = given.count("grad_accum").map_or(1, |(a, _)| a);
    Ok(Some(batches.div_ceil(accumulated)))
}
