//! Setting lrsched keys from a framework's values: numbers in their shortest round-trip text,
//! counts with their unit (`"8ep"`, `"500it"`), so that the keys' rows read them exactly.

use crate::config::Layer;
use crate::config::error::{ConfigError, Origin};
use crate::config::value::Raw;

/// A count of iterations or epochs, as the framework counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Iters(u64),
    Epochs(u64),
}

impl Count {
    fn raw(self) -> Raw {
        match self {
            Count::Iters(n) => Raw::Str(format!("{n}it")),
            Count::Epochs(n) => Raw::Str(format!("{n}ep")),
        }
    }
}

pub fn number(layer: &mut Layer, key: &'static str, value: f64, at: Origin) {
    // Shortest round-trip text: the key's row reads back the same f64.
    layer.set(key, Raw::Float(crate::schedule::message::number(value)), at);
}

pub fn count(layer: &mut Layer, key: &'static str, value: Count, at: Origin) {
    layer.set(key, value.raw(), at);
}

pub fn counts(layer: &mut Layer, key: &'static str, values: &[Count], at: Origin) {
    layer.set(
        key,
        Raw::Array(values.iter().map(|c| c.raw()).collect()),
        at,
    );
}

pub fn whole(layer: &mut Layer, key: &'static str, value: u64, at: Origin) {
    layer.set(key, Raw::Integer(value.to_string()), at);
}

pub fn text(layer: &mut Layer, key: &'static str, value: &str, at: Origin) {
    layer.set(key, Raw::Str(value.to_string()), at);
}

/// A framework's own default, as an origin.
pub fn default(framework: &'static str, key: &'static str) -> Origin {
    Origin::FrameworkDefault {
        framework,
        key: key.to_string(),
    }
}

/// The batches each device's loader cuts an epoch into, as the frameworks' distributed samplers
/// do: every one of `devices` gets ceil(size / devices) samples (the sampler pads), cut into
/// batches of `batch` (floor with `drop_last`, else ceil). lrsched's own epoch length rounds the
/// global batch once instead, which can be one more; docs/guide.md, "Units". `batch` is >= 1.
pub fn batches_per_device(size: u64, devices: u64, batch: u64, drop_last: bool) -> u64 {
    let per_device = size.div_ceil(devices);
    if drop_last {
        per_device / batch
    } else {
        per_device.div_ceil(batch)
    }
}

/// The devices the command line gives (`--devices`), 1 without it, as the world size.
pub fn devices(flags: &Layer) -> Result<u64, ConfigError> {
    match flags.get("devices") {
        None => Ok(1),
        Some((Raw::Text(text), at)) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                ConfigError::invalid(
                    at.clone(),
                    format!("expected a whole number >= 1, got '{text}'"),
                )
            }),
        Some((_, at)) => Err(ConfigError::invalid(
            at.clone(),
            "expected a whole number >= 1",
        )),
    }
}

/// Whether any count the layer sets is in epochs: only then does the batch matter.
pub fn counts_epochs(layer: &Layer) -> bool {
    let epochs = |raw: &Raw| matches!(raw, Raw::Str(text) if text.ends_with("ep"));
    layer.entries.values().any(|(raw, _)| match raw {
        Raw::Array(items) => items.iter().any(epochs),
        other => epochs(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_device_pads_its_share_then_cuts_batches() {
        // 1001 on 2 devices: 501 each; floor and ceil of 501 / 167 and of 501 / 100.
        assert_eq!(batches_per_device(1001, 2, 167, true), 3);
        assert_eq!(batches_per_device(1001, 2, 100, true), 5);
        assert_eq!(batches_per_device(1001, 2, 100, false), 6);
        assert_eq!(batches_per_device(7, 8, 2, true), 0);
    }
}
