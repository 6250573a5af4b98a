//! The value types of schedule keys: how a raw flag or TOML value is read, and how a value is
//! written back (as TOML for `lrsched init`, as flag text for `--help`).

use super::amount::Amount;
use super::error::{ConfigError, Origin};
use crate::schedule::message::{QUOTED, number, prefix, quote_prefix};

/// A value as the user wrote it, before conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// Text from a flag, e.g. `--milestones 50,100`.
    Text(String),
    Integer(String),
    Float(String),
    Str(String),
    Array(Vec<Raw>),
    Bool(bool),
    /// A TOML value of a type no key takes (date, table), by its type name.
    Other(&'static str),
}

/// The type of a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A finite f64, or a fraction of two (`1/3`, in TOML as a string).
    Number,
    /// A whole number, `0 ..= u64::MAX`.
    Count,
    /// A number of iterations or epochs, with its unit or bare: `500`, `500it`, `2.4ep`.
    Amount,
    /// A list of amounts: a TOML array, or comma-separated on the command line.
    Amounts,
    /// A list of numbers, as `Number` reads each: a TOML array, or comma-separated.
    Numbers,
    /// A string.
    Text,
    /// On or off: `--drop-last` (or `--drop-last=false`), `drop_last = true`.
    Switch,
    /// A whole number, or a name for one (a dataset's size: `coco2017`).
    CountOrName,
}

/// A key's value after its type and its key's own rule were checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Count(u64),
    Amount(Amount),
    Amounts(Vec<Amount>),
    Numbers(Vec<f64>),
    Text(String),
    Switch(bool),
}

impl Kind {
    pub fn read(self, raw: &Raw, at: &Origin) -> Result<Value, ConfigError> {
        match self {
            Kind::Number => finite_f64(raw, at).map(Value::Number),
            Kind::Count => whole(raw, at).map(Value::Count),
            Kind::Amount => amount(raw, at).map(Value::Amount),
            Kind::Amounts => amount_list(raw, at).map(Value::Amounts),
            Kind::Numbers => number_list(raw, at).map(Value::Numbers),
            Kind::Text => string(raw, at).map(Value::Text),
            Kind::Switch => switch(raw, at).map(Value::Switch),
            Kind::CountOrName => match raw {
                Raw::Str(name) => Ok(Value::Text(name.clone())),
                Raw::Text(text) if text.trim().starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    Ok(Value::Text(text.trim().to_string()))
                }
                _ => whole(raw, at).map(Value::Count),
            },
        }
    }

    /// Whether the flag takes a value that starts with `-`: numbers do, so that `--gamma -1`
    /// reaches the key's check ("must be > 0") instead of clap's "unexpected argument".
    pub fn allows_hyphen_values(self) -> bool {
        !matches!(self, Kind::Text | Kind::Switch)
    }
}

impl Value {
    /// As a TOML value: floats in their shortest round-trip text, strings quoted.
    pub fn toml(&self) -> String {
        match self {
            Value::Amounts(list) => {
                let items: Vec<String> = list.iter().map(amount_toml).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Amount(amount) => amount_toml(amount),
            Value::Numbers(list) => {
                let items: Vec<String> = list.iter().map(|&n| number(n)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Text(text) => toml_string(text),
            _ => self.flag_text(),
        }
    }

    /// As it would be given to the flag (`--milestones 50,100`).
    pub fn flag_text(&self) -> String {
        match self {
            Value::Number(value) => number(*value),
            Value::Count(count) => count.to_string(),
            Value::Amount(amount) => amount.to_string(),
            Value::Amounts(list) => {
                let items: Vec<String> = list.iter().map(Amount::to_string).collect();
                items.join(",")
            }
            Value::Numbers(list) => {
                let items: Vec<String> = list.iter().map(|&n| number(n)).collect();
                items.join(",")
            }
            Value::Text(text) => text.clone(),
            Value::Switch(on) => on.to_string(),
        }
    }
}

/// A bare count as a TOML number (`500`, `2.4`), one with its unit as a string (`"8ep"`).
fn amount_toml(amount: &Amount) -> String {
    match amount.unit {
        None => amount.to_string(),
        Some(_) => toml_string(&amount.to_string()),
    }
}

/// A TOML basic string: quoted, with quotes, backslashes and control characters escaped.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A number as the user wrote it, for messages: `-1e300` stays short, where the parsed
/// value's `Display` would print 301 digits.
pub fn as_written(raw: &Raw) -> &str {
    match raw {
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) | Raw::Str(t) => t.trim(),
        _ => "a non-number",
    }
}

fn type_name(raw: &Raw) -> &'static str {
    match raw {
        Raw::Text(_) => "text",
        Raw::Integer(_) => "an integer",
        Raw::Float(_) => "a float",
        Raw::Str(_) => "a string",
        Raw::Array(_) => "an array",
        Raw::Bool(_) => "a boolean",
        Raw::Other(kind) => kind,
    }
}

fn type_error(raw: &Raw, at: &Origin, expected: &str) -> ConfigError {
    ConfigError::invalid(
        at.clone(),
        format!("expected {expected}, found {}", type_name(raw)),
    )
}

/// Parses a float, or a fraction `a/b` as the f64 of a / b (a flag, or a TOML string:
/// `"1/3"`), refusing NaN, infinities and values past the f64 range.
fn finite_f64(raw: &Raw, at: &Origin) -> Result<f64, ConfigError> {
    let text = match raw {
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) => t.trim(),
        Raw::Str(t) if t.contains('/') => t.trim(),
        _ => return Err(type_error(raw, at, "a number")),
    };
    let Some((numerator, denominator)) = text.split_once('/') else {
        return decimal_f64(text, at);
    };
    let part = |part: &str| decimal_f64(part.trim(), at);
    let (numerator, denominator) = (part(numerator)?, part(denominator)?);
    if denominator == 0.0 {
        return Err(ConfigError::invalid(
            at.clone(),
            format!("{} divides by zero", quote_prefix(text, QUOTED)),
        ));
    }
    let quotient = numerator / denominator;
    if !quotient.is_finite() || (quotient == 0.0 && numerator != 0.0) {
        return Err(ConfigError::invalid(
            at.clone(),
            format!(
                "{} is {}, outside the f64 range",
                quote_prefix(text, QUOTED),
                number(quotient)
            ),
        ));
    }
    Ok(quotient)
}

/// One decimal float, as Rust reads it.
fn decimal_f64(text: &str, at: &Origin) -> Result<f64, ConfigError> {
    let value: f64 = text.parse().map_err(|_| {
        ConfigError::invalid(
            at.clone(),
            format!("{} is not a number", quote_prefix(text, QUOTED)),
        )
    })?;
    if value.is_nan() {
        return Err(ConfigError::invalid(
            at.clone(),
            "must be a finite number, got NaN",
        ));
    }
    // `1e-400` parses to 0 without complaint; say so rather than "must be > 0, got 0".
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    if value == 0.0 && mantissa.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        return Err(ConfigError::invalid(
            at.clone(),
            format!(
                "{} is below the f64 range (about 4.9e-324) and would read as 0",
                quote_prefix(text, QUOTED)
            ),
        ));
    }
    if value.is_infinite() {
        let lower = text.to_ascii_lowercase();
        let problem = if lower.contains("inf") {
            format!("must be a finite number, got {}", prefix(text, QUOTED))
        } else {
            format!(
                "{} is past the f64 range (about ±1.8e308)",
                quote_prefix(text, QUOTED)
            )
        };
        return Err(ConfigError::invalid(at.clone(), problem));
    }
    Ok(value)
}

/// Parses a whole number of iterations (or epochs) in `0 ..= u64::MAX`.
fn whole(raw: &Raw, at: &Origin) -> Result<u64, ConfigError> {
    match raw {
        Raw::Text(t) | Raw::Integer(t) => {
            parse_whole(t.trim()).map_err(|p| ConfigError::invalid(at.clone(), p))
        }
        Raw::Float(t) => Err(ConfigError::invalid(
            at.clone(),
            format!("must be a whole number, got {}", prefix(t, QUOTED)),
        )),
        _ => Err(type_error(raw, at, "a whole number")),
    }
}

/// The one rule for whole numbers, shared with `lrsched at`'s iteration arguments.
pub fn parse_whole(text: &str) -> Result<u64, String> {
    use std::num::IntErrorKind;
    let error = match text.parse::<u64>() {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    match error.kind() {
        IntErrorKind::Empty => Err("expected a whole number, got nothing".to_string()),
        // Rust says overflow as soon as the digits pass u64, even if a letter follows.
        IntErrorKind::PosOverflow
            if text
                .trim_start_matches('+')
                .bytes()
                .all(|b| b.is_ascii_digit()) =>
        {
            Err(format!(
                "{} is past the u64 range (at most {})",
                prefix(text, QUOTED),
                u64::MAX
            ))
        }
        _ => match text.strip_prefix('-').map(str::parse::<u64>) {
            // `-0` is 0, as TOML reads it.
            Some(Ok(0)) => Ok(0),
            Some(Ok(_)) => Err(format!("must be >= 0, got {}", prefix(text, QUOTED))),
            Some(Err(e)) if *e.kind() == IntErrorKind::PosOverflow => {
                Err(format!("must be >= 0, got {}", prefix(text, QUOTED)))
            }
            _ => Err(format!(
                "{} is not a whole number",
                quote_prefix(text, QUOTED)
            )),
        },
    }
}

/// A count with its unit or bare; a TOML string must carry its unit.
fn amount(raw: &Raw, at: &Origin) -> Result<Amount, ConfigError> {
    let invalid = |problem: String| ConfigError::invalid(at.clone(), problem);
    match raw {
        Raw::Text(t) | Raw::Integer(t) => Amount::parse(t).map_err(invalid),
        Raw::Float(t) => Amount::parse_float(t).map_err(invalid),
        Raw::Str(t) => unit_string(t).map_err(invalid),
        _ => Err(type_error(
            raw,
            at,
            "a whole number or a string with its unit (\"500it\", \"8ep\")",
        )),
    }
}

/// A TOML string count: `"500it"`, `"8ep"`, never bare (a bare count is a TOML number).
fn unit_string(text: &str) -> Result<Amount, String> {
    match Amount::parse(text) {
        Ok(amount) if amount.unit.is_some() => Ok(amount),
        Ok(_) => {
            let text = prefix(text, QUOTED);
            Err(format!(
                "the string \"{text}\" has no unit: write {text} as a number, or \"{text}it\" \
                 or \"{text}ep\""
            ))
        }
        Err(problem) => Err(problem),
    }
}

fn amount_list(raw: &Raw, at: &Origin) -> Result<Vec<Amount>, ConfigError> {
    let in_list =
        |problem: String| ConfigError::invalid(at.clone(), format!("{problem} in the list"));
    match raw {
        Raw::Text(t) if t.trim().is_empty() => Ok(Vec::new()),
        Raw::Text(t) => t
            .split(',')
            .map(|item| match item.trim() {
                "" => Err(ConfigError::invalid(
                    at.clone(),
                    format!(
                        "an empty item in {} (an empty value alone means no milestones)",
                        quote_prefix(t, QUOTED)
                    ),
                )),
                item => Amount::parse(item).map_err(in_list),
            })
            .collect(),
        Raw::Array(items) => items
            .iter()
            .map(|item| match item {
                Raw::Integer(t) => Amount::parse(t).map_err(in_list),
                Raw::Float(t) => Amount::parse_float(t).map_err(in_list),
                Raw::Str(t) => unit_string(t).map_err(in_list),
                other => Err(in_list(format!(
                    "expected whole numbers or strings with their unit, found {}",
                    type_name(other)
                ))),
            })
            .collect(),
        _ => Err(type_error(
            raw,
            at,
            "an array of whole numbers, e.g. [60000, 80000]",
        )),
    }
}

/// Numbers, each read as a `Number` key reads it (fractions included).
fn number_list(raw: &Raw, at: &Origin) -> Result<Vec<f64>, ConfigError> {
    let in_list = |e: ConfigError| match e {
        ConfigError::Invalid { at, problem } => ConfigError::Invalid {
            at,
            problem: format!("{problem} in the list"),
        },
        other => other,
    };
    let items: Vec<Raw> = match raw {
        Raw::Text(t) if t.trim().is_empty() => {
            return Err(ConfigError::invalid(
                at.clone(),
                "expected numbers, got nothing",
            ));
        }
        Raw::Text(t) => t.split(',').map(|item| Raw::Text(item.into())).collect(),
        Raw::Array(items) => items.clone(),
        _ => return Err(type_error(raw, at, "an array of numbers, e.g. [0.1, 0.01]")),
    };
    items
        .iter()
        .map(|item| finite_f64(item, at).map_err(in_list))
        .collect()
}

fn switch(raw: &Raw, at: &Origin) -> Result<bool, ConfigError> {
    match raw {
        Raw::Bool(on) => Ok(*on),
        Raw::Text(t) => match t.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(ConfigError::invalid(
                at.clone(),
                format!(
                    "expected true or false, got {}",
                    quote_prefix(other, QUOTED)
                ),
            )),
        },
        _ => Err(type_error(raw, at, "true or false")),
    }
}

fn string(raw: &Raw, at: &Origin) -> Result<String, ConfigError> {
    match raw {
        Raw::Text(t) | Raw::Str(t) => Ok(t.clone()),
        _ => Err(type_error(raw, at, "a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag() -> Origin {
        Origin::Flag("--x".into())
    }

    #[test]
    fn values_write_back_as_toml_and_as_flags() {
        let list = Value::Amounts(vec![Amount::bare(7), Amount::parse("9ep").unwrap()]);
        assert_eq!(list.toml(), "[7, \"9ep\"]");
        assert_eq!(list.flag_text(), "7,9ep");
        assert_eq!(Value::Amounts(vec![]).toml(), "[]");
        assert_eq!(Value::Amount(Amount::parse("2.4").unwrap()).toml(), "2.4");
        assert_eq!(Value::Switch(true).toml(), "true");
        assert_eq!(Value::Number(1e-3).toml(), "0.001");
        assert_eq!(Value::Number(1e300).toml(), "1e300");
        assert_eq!(Value::Count(90000).toml(), "90000");
        assert_eq!(Value::Text("iter".into()).toml(), "\"iter\"");
        assert_eq!(Value::Text("iter".into()).flag_text(), "iter");
        assert_eq!(toml_string("a\"b\\c\n\u{7f}"), "\"a\\\"b\\\\c\\n\\u007F\"");
    }

    #[test]
    fn each_kind_reads_its_type() {
        let text = |t: &str| Raw::Text(t.into());
        assert_eq!(
            Kind::Amounts.read(&text(" 7, 9 "), &flag()).unwrap(),
            Value::Amounts(vec![Amount::bare(7), Amount::bare(9)])
        );
        let toml_list = Raw::Array(vec![Raw::Str("8ep".into()), Raw::Str("11".into())]);
        assert_eq!(
            Kind::Amounts
                .read(&toml_list, &flag())
                .unwrap_err()
                .to_string(),
            "--x: the string \"11\" has no unit: write 11 as a number, or \"11it\" or \"11ep\" \
             in the list"
        );
        assert_eq!(
            Kind::Number.read(&text("1/3"), &flag()).unwrap(),
            Value::Number(1.0 / 3.0)
        );
        assert_eq!(
            Kind::Number.read(&Raw::Str("1/3".into()), &flag()).unwrap(),
            Value::Number(0.3333333333333333)
        );
        assert_eq!(
            Kind::Number
                .read(&text("1/0"), &flag())
                .unwrap_err()
                .to_string(),
            "--x: '1/0' divides by zero"
        );
        assert_eq!(
            Kind::Number
                .read(&text("1e300/1e-300"), &flag())
                .unwrap_err()
                .to_string(),
            "--x: '1e300/1e-300' is inf, outside the f64 range"
        );
        assert_eq!(
            Kind::Number
                .read(&text("1/x"), &flag())
                .unwrap_err()
                .to_string(),
            "--x: 'x' is not a number"
        );
        assert_eq!(
            Kind::Switch.read(&Raw::Bool(true), &flag()).unwrap(),
            Value::Switch(true)
        );
        assert_eq!(
            Kind::Switch
                .read(&text("yes"), &flag())
                .unwrap_err()
                .to_string(),
            "--x: expected true or false, got 'yes'"
        );
        assert_eq!(
            Kind::CountOrName.read(&text("coco2017"), &flag()).unwrap(),
            Value::Text("coco2017".into())
        );
        assert_eq!(
            Kind::CountOrName
                .read(&Raw::Integer("2975".into()), &flag())
                .unwrap(),
            Value::Count(2975)
        );
        assert_eq!(
            Kind::Number.read(&text("1E-3"), &flag()).unwrap(),
            Value::Number(0.001)
        );
        assert_eq!(
            Kind::Count
                .read(&Raw::Float("2.0".into()), &flag())
                .unwrap_err()
                .to_string(),
            "--x: must be a whole number, got 2.0"
        );
        assert_eq!(
            Kind::Text
                .read(&Raw::Other("a boolean"), &flag())
                .unwrap_err()
                .to_string(),
            "--x: expected a string, found a boolean"
        );
        assert!(Kind::Number.allows_hyphen_values());
        assert!(!Kind::Text.allows_hyphen_values());
    }
}
