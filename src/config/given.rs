//! The keys a schedule file and the flags set, each read through its row of `KEYS` and checked
//! on its own (flags win over the file), with the pairs of keys that exclude each other; the
//! rules between keys are `resolve`'s.

use std::collections::BTreeMap;

use super::Layer;
use super::amount::Amount;
use super::error::{ConfigError, Origin};
use super::keys::KEYS;
use super::value::Value;

/// Keys that exclude each other, and why: said before any value is read.
const EXCLUSIVE: [(&str, &str, &str); 12] = [
    (
        "milestones",
        "step_size",
        "give milestones or step_size, not both",
    ),
    (
        "values",
        "base_lr",
        "values[0] is the base lr: give values, or base_lr and gamma, not both",
    ),
    (
        "values",
        "gamma",
        "values give every lr: give values, or base_lr and gamma, not both",
    ),
    (
        "values",
        "step_size",
        "values go with milestones (one more value than milestones), not step_size",
    ),
    (
        "warmup_lr",
        "warmup_factor",
        "give warmup_lr or warmup_factor, not both",
    ),
    (
        "factors",
        "gamma",
        "factors give every multiplier of base_lr: give factors or gamma, not both",
    ),
    (
        "factors",
        "values",
        "give factors (multipliers of base_lr) or values (the lrs themselves), not both",
    ),
    (
        "factors",
        "step_size",
        "factors go with milestones (one more factor than milestones), not step_size",
    ),
    (
        "values",
        "from_batch",
        "scaling rescales base_lr; scale the values yourself",
    ),
    (
        "values",
        "from_devices",
        "scaling rescales base_lr; scale the values yourself",
    ),
    (
        "warmup_lr",
        "from_batch",
        "scaling rescales base_lr, not warmup_lr: give warmup_factor",
    ),
    (
        "warmup_lr",
        "from_devices",
        "scaling rescales base_lr, not warmup_lr: give warmup_factor",
    ),
];

/// The keys a file and the flags set (flags win), each read and checked on its own.
#[derive(Clone, Debug)]
pub(super) struct Given {
    values: BTreeMap<&'static str, (Value, Origin)>,
}

impl Given {
    pub(super) fn read(file: &Layer, flags: &Layer) -> Result<Given, ConfigError> {
        let set = |name: &str| {
            flags
                .get(name)
                .filter(|_| !file.consumes(name))
                .or_else(|| file.get(name))
        };
        // Said first: whatever their values, one of the two has to go.
        for (first, second, problem) in EXCLUSIVE {
            if let (Some((_, first_at)), Some((_, second_at))) = (set(first), set(second)) {
                return Err(ConfigError::Conflict {
                    first: Box::new(first_at.clone()),
                    second: second_at.clone(),
                    problem: problem.into(),
                });
            }
        }
        let mut values = BTreeMap::new();
        for key in KEYS {
            if let Some((raw, at)) = set(key.name) {
                values.insert(key.name, (key.read(raw, at)?, at.clone()));
            }
        }
        Ok(Given { values })
    }

    /// Every key set, in the order of [`KEYS`].
    pub(super) fn values(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        KEYS.iter()
            .filter_map(|key| Some((key.name, &self.values.get(key.name)?.0)))
    }

    /// Every key set with where it came from, in the order of [`KEYS`].
    pub(super) fn entries(&self) -> impl Iterator<Item = (&'static str, &Value, &Origin)> {
        KEYS.iter().filter_map(|key| {
            let (value, at) = self.values.get(key.name)?;
            Some((key.name, value, at))
        })
    }

    /// Where a key's value came from; a key not set is its default.
    pub(super) fn origin(&self, name: &'static str) -> Origin {
        self.values
            .get(name)
            .map_or(Origin::Default(name), |(_, at)| at.clone())
    }

    pub(super) fn origin_if_set(&self, name: &str) -> Option<&Origin> {
        self.values.get(name).map(|(_, at)| at)
    }

    pub(super) fn value_of(&self, name: &str) -> Option<(&Value, &Origin)> {
        self.values.get(name).map(|(value, at)| (value, at))
    }

    /// Sets a key to a value derived from others (a scaled one).
    pub(super) fn set(&mut self, name: &'static str, value: Value, at: Origin) {
        self.values.insert(name, (value, at));
    }

    pub(super) fn remove(&mut self, name: &str) {
        self.values.remove(name);
    }

    // One accessor per value type. A key's row fixes its type, so each name below is only
    // ever asked for as its type (`every_key_reaches_the_schedule` sets every key).
    pub(super) fn number(&self, name: &str) -> Option<(f64, &Origin)> {
        match self.values.get(name)? {
            (Value::Number(value), at) => Some((*value, at)),
            _ => None,
        }
    }

    pub(super) fn count(&self, name: &str) -> Option<(u64, &Origin)> {
        match self.values.get(name)? {
            (Value::Count(value), at) => Some((*value, at)),
            _ => None,
        }
    }

    pub(super) fn amount(&self, name: &str) -> Option<(&Amount, &Origin)> {
        match self.values.get(name)? {
            (Value::Amount(amount), at) => Some((amount, at)),
            _ => None,
        }
    }

    pub(super) fn amounts(&self, name: &str) -> Option<(&[Amount], &Origin)> {
        match self.values.get(name)? {
            (Value::Amounts(list), at) => Some((list, at)),
            _ => None,
        }
    }

    pub(super) fn numbers(&self, name: &str) -> Option<(&[f64], &Origin)> {
        match self.values.get(name)? {
            (Value::Numbers(list), at) => Some((list, at)),
            _ => None,
        }
    }

    pub(super) fn switch(&self, name: &str) -> Option<(bool, &Origin)> {
        match self.values.get(name)? {
            (Value::Switch(on), at) => Some((*on, at)),
            _ => None,
        }
    }

    pub(super) fn text(&self, name: &str) -> Option<(&str, &Origin)> {
        match self.values.get(name)? {
            (Value::Text(text), at) => Some((text, at)),
            _ => None,
        }
    }
}
