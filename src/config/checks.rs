//! The checks and name lookups that the rows of `keys.rs` run on a key's value, and that
//! `resolve` and `scale` use to read named values (units, methods, dialects, rules).

use super::error::{ConfigError, Origin};
use super::scale::Rule;
use super::value::{Raw, Value, as_written};
use crate::schedule::message::{QUOTED, number, quote_prefix};
use crate::schedule::{Dialect, Unit, WarmupMethod};

pub(super) fn text_of(value: &Value) -> Option<&str> {
    match value {
        Value::Text(text) => Some(text),
        _ => None,
    }
}

pub(super) fn any(_: &Value, _: &Raw, _: &Origin) -> Result<(), ConfigError> {
    Ok(())
}

pub(super) fn above_zero(value: &Value, raw: &Raw, at: &Origin) -> Result<(), ConfigError> {
    match value {
        Value::Number(n) if *n <= 0.0 => Err(ConfigError::invalid(
            at.clone(),
            format!("must be > 0, got {}", as_written(raw)),
        )),
        _ => Ok(()),
    }
}

/// Every number of a list is > 0 (`values`: learning rates).
pub(super) fn all_above_zero(value: &Value, _: &Raw, at: &Origin) -> Result<(), ConfigError> {
    match value {
        Value::Numbers(list) => match list.iter().find(|&&lr| lr <= 0.0) {
            Some(&lr) => Err(ConfigError::invalid(
                at.clone(),
                format!("every value must be > 0, got {}", number(lr)),
            )),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

pub(super) fn not_negative(value: &Value, raw: &Raw, at: &Origin) -> Result<(), ConfigError> {
    match value {
        Value::Number(n) if *n < 0.0 => Err(ConfigError::invalid(
            at.clone(),
            format!("must be >= 0, got {}", as_written(raw)),
        )),
        _ => Ok(()),
    }
}

pub(super) fn at_least_one(value: &Value, _: &Raw, at: &Origin) -> Result<(), ConfigError> {
    match value {
        Value::Count(0) => Err(ConfigError::invalid(at.clone(), "must be >= 1, got 0")),
        Value::Amount(amount) if amount.is_zero() => Err(ConfigError::invalid(
            at.clone(),
            format!("must be >= 1, got {amount}"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn rule(name: &str, at: &Origin) -> Result<Rule, ConfigError> {
    Rule::from_name(name).ok_or_else(|| {
        ConfigError::invalid(
            at.clone(),
            format!(
                "unknown rule {}; expected linear, sqrt or none",
                quote_prefix(name, QUOTED)
            ),
        )
    })
}

pub(super) fn warmup_method(name: &str, at: &Origin) -> Result<WarmupMethod, ConfigError> {
    WarmupMethod::from_name(name).ok_or_else(|| {
        ConfigError::invalid(
            at.clone(),
            format!(
                "unknown warmup method {}; expected one of: {}",
                quote_prefix(name, QUOTED),
                WarmupMethod::NAMES.join(", ")
            ),
        )
    })
}

pub(super) fn unit(name: &str, at: &Origin) -> Result<Unit, ConfigError> {
    match name {
        "iter" | "iters" | "iteration" | "iterations" => Ok(Unit::Iter),
        "epoch" | "epochs" => Ok(Unit::Epoch),
        other => Err(ConfigError::invalid(
            at.clone(),
            format!(
                "unknown unit {}; expected iter or epoch",
                quote_prefix(other, QUOTED)
            ),
        )),
    }
}

/// When the scheduler steps (`stepping`, `warmup_stepping`): per iteration or per epoch.
pub(super) fn stepping(name: &str, at: &Origin) -> Result<Unit, ConfigError> {
    match name {
        "iter" => Ok(Unit::Iter),
        "epoch" => Ok(Unit::Epoch),
        other => Err(ConfigError::invalid(
            at.clone(),
            format!("unknown stepping '{other}'; expected iter or epoch"),
        )),
    }
}

/// One dialect, or every one for `all`.
pub(super) fn dialects(name: &str, at: &Origin) -> Result<Vec<Dialect>, ConfigError> {
    if name == "all" {
        return Ok(Dialect::ALL.to_vec());
    }
    let dialect = Dialect::from_name(name).ok_or_else(|| {
        ConfigError::invalid(
            at.clone(),
            format!(
                "unknown dialect {}; expected one of: {}, all",
                quote_prefix(name, QUOTED),
                Dialect::accepted_names().join(", ")
            ),
        )
    })?;
    Ok(vec![dialect])
}
