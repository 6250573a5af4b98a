//! The value types of schedule keys: how a raw flag or TOML value is read, and how a value is
//! written back (as TOML for `lrsched init`, as flag text for `--help`).

use super::error::{ConfigError, Origin};
use crate::schedule::message::number;

/// A value as the user wrote it, before conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// Text from a flag, e.g. `--milestones 50,100`.
    Text(String),
    Integer(String),
    Float(String),
    Str(String),
    Array(Vec<Raw>),
    /// A TOML value of a type no key takes (boolean, date, table), by its type name.
    Other(&'static str),
}

/// The type of a key's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A finite f64.
    Number,
    /// A whole number of iterations (or epochs), `0 ..= u64::MAX`.
    Count,
    /// A list of counts: a TOML array, or comma-separated on the command line.
    Counts,
    /// A string.
    Text,
}

/// A key's value after its type and its key's own rule were checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Count(u64),
    Counts(Vec<u64>),
    Text(String),
}

impl Kind {
    pub fn read(self, raw: &Raw, at: &Origin) -> Result<Value, ConfigError> {
        match self {
            Kind::Number => finite_f64(raw, at).map(Value::Number),
            Kind::Count => whole(raw, at).map(Value::Count),
            Kind::Counts => whole_list(raw, at).map(Value::Counts),
            Kind::Text => string(raw, at).map(Value::Text),
        }
    }

    /// Whether the flag takes a value that starts with `-`: numbers do, so that `--gamma -1`
    /// reaches the key's check ("must be > 0") instead of clap's "unexpected argument".
    pub fn allows_hyphen_values(self) -> bool {
        self != Kind::Text
    }
}

impl Value {
    /// As a TOML value: floats in their shortest round-trip text, strings quoted.
    pub fn toml(&self) -> String {
        match self {
            Value::Counts(list) => format!("[{}]", counts(list, ", ")),
            Value::Text(text) => toml_string(text),
            _ => self.flag_text(),
        }
    }

    /// As it would be given to the flag (`--milestones 50,100`).
    pub fn flag_text(&self) -> String {
        match self {
            Value::Number(value) => number(*value),
            Value::Count(count) => count.to_string(),
            Value::Counts(list) => counts(list, ","),
            Value::Text(text) => text.clone(),
        }
    }
}

fn counts(list: &[u64], separator: &str) -> String {
    let items: Vec<String> = list.iter().map(u64::to_string).collect();
    items.join(separator)
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
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) => t.trim(),
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
        Raw::Other(kind) => kind,
    }
}

fn type_error(raw: &Raw, at: &Origin, expected: &str) -> ConfigError {
    ConfigError::invalid(
        at.clone(),
        format!("expected {expected}, found {}", type_name(raw)),
    )
}

/// Parses a float, refusing NaN, infinities and values past the f64 range.
fn finite_f64(raw: &Raw, at: &Origin) -> Result<f64, ConfigError> {
    let text = match raw {
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) => t.trim(),
        _ => return Err(type_error(raw, at, "a number")),
    };
    let value: f64 = text
        .parse()
        .map_err(|_| ConfigError::invalid(at.clone(), format!("'{text}' is not a number")))?;
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
            format!("'{text}' is below the f64 range (about 4.9e-324) and would read as 0"),
        ));
    }
    if value.is_infinite() {
        let lower = text.to_ascii_lowercase();
        let problem = if lower.contains("inf") {
            format!("must be a finite number, got {text}")
        } else {
            format!("'{text}' is past the f64 range (about ±1.8e308)")
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
            format!("must be a whole number, got {t}"),
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
        IntErrorKind::PosOverflow => Err(format!(
            "{text} is past the u64 range (at most {})",
            u64::MAX
        )),
        _ => match text.strip_prefix('-').map(str::parse::<u64>) {
            // `-0` is 0, as TOML reads it.
            Some(Ok(0)) => Ok(0),
            Some(Ok(_)) => Err(format!("must be >= 0, got {text}")),
            Some(Err(e)) if *e.kind() == IntErrorKind::PosOverflow => {
                Err(format!("must be >= 0, got {text}"))
            }
            _ => Err(format!("'{text}' is not a whole number")),
        },
    }
}

fn whole_list(raw: &Raw, at: &Origin) -> Result<Vec<u64>, ConfigError> {
    let in_list =
        |problem: String| ConfigError::invalid(at.clone(), format!("{problem} in the list"));
    match raw {
        Raw::Text(t) if t.trim().is_empty() => Ok(Vec::new()),
        Raw::Text(t) => t
            .split(',')
            .map(|item| match item.trim() {
                "" => Err(ConfigError::invalid(
                    at.clone(),
                    format!("an empty item in '{t}' (an empty value alone means no milestones)"),
                )),
                item => parse_whole(item).map_err(in_list),
            })
            .collect(),
        Raw::Array(items) => items
            .iter()
            .map(|item| match item {
                Raw::Integer(t) => parse_whole(t).map_err(in_list),
                Raw::Float(t) => Err(in_list(format!("must be whole numbers, got {t}"))),
                other => Err(in_list(format!(
                    "expected whole numbers, found {}",
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
        let list = Value::Counts(vec![7, 9]);
        assert_eq!(list.toml(), "[7, 9]");
        assert_eq!(list.flag_text(), "7,9");
        assert_eq!(Value::Counts(vec![]).toml(), "[]");
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
            Kind::Counts.read(&text(" 7, 9 "), &flag()).unwrap(),
            Value::Counts(vec![7, 9])
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
