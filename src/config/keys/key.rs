//! A key's row: its names, type, default and texts, and its own check (docs/guide.md, "Keys
//! and flags"); the rows themselves are the table in `keys`.

use super::super::error::{ConfigError, Origin};
use super::super::value::{Kind, Raw, Value};
use super::KEYS;

/// One schedule key.
pub struct Key {
    /// The TOML key.
    pub name: &'static str,
    /// The flag without its dashes: `name` with `-` for `_`.
    pub long: &'static str,
    /// The flag's value in `--help` (`--gamma <G>`).
    pub value_name: &'static str,
    pub kind: Kind,
    pub unset: Unset,
    /// The flag's line in `--help`, before its `[default: ...]`.
    pub help: &'static str,
    /// The "meaning" column of the table in docs/guide.md.
    pub doc: &'static str,
    /// The comment above the key in the file `lrsched init` writes, one or more lines.
    pub comment: &'static str,
    /// The key's own rule, beyond its type (e.g. `> 0`).
    pub(super) check: fn(&Value, &Raw, &Origin) -> Result<(), ConfigError>,
}

/// What a schedule uses when a key is not set.
pub enum Unset {
    /// This value, from the model's defaults.
    Value(fn() -> Value),
    /// Nothing, or a value derived from other keys: described for `--help` (`None`: no
    /// default shown) and for docs/guide.md; `example` is the TOML value `lrsched init` shows
    /// on the key's commented-out line.
    Derived {
        help: Option<&'static str>,
        doc: &'static str,
        example: &'static str,
    },
}

impl Key {
    /// The row of a TOML key name.
    pub fn named(name: &str) -> Option<&'static Key> {
        KEYS.iter().find(|key| key.name == name)
    }

    /// The flag, as messages name it: `--base-lr`.
    pub fn flag(&self) -> String {
        format!("--{}", self.long)
    }

    /// Reads a raw value: its type, then the key's own rule.
    pub(in crate::config) fn read(&self, raw: &Raw, at: &Origin) -> Result<Value, ConfigError> {
        let value = self.kind.read(raw, at)?;
        (self.check)(&value, raw, at)?;
        Ok(value)
    }

    /// The flag's `--help` line, with its default.
    pub fn help_line(&self) -> String {
        match &self.unset {
            Unset::Value(default) => format!("{} [default: {}]", self.help, default().flag_text()),
            Unset::Derived {
                help: Some(default),
                ..
            } => format!("{} [default: {default}]", self.help),
            Unset::Derived { help: None, .. } => self.help.to_string(),
        }
    }

    /// The key's row in the table of docs/guide.md.
    pub fn doc_row(&self) -> String {
        let default = match &self.unset {
            Unset::Value(default) => format!("`{}`", default().toml()),
            Unset::Derived { doc, .. } => doc.to_string(),
        };
        format!(
            "| `{}` | `{} {}` | {} | {default} |",
            self.name,
            self.flag(),
            self.value_name,
            self.doc
        )
    }
}
