//! Every way input can be wrong, each rendered as one line that says where and what.

use std::fmt;
use std::path::PathBuf;

use crate::schedule::message::{LINE_SHOWN, QUOTED, excerpt, prefix, quote_prefix};

/// Where a value came from, for messages: a flag, or a key on a line of a file (a schedule
/// TOML, or a framework's config: `key` is then the framework's, `SOLVER.STEPS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag(String),
    File {
        path: PathBuf,
        line: usize,
        key: String,
    },
    /// A built-in default (only reachable through derived values such as the default iters).
    Default(&'static str),
    /// A framework's own default for a key its config did not set (docs/import.md).
    FrameworkDefault {
        framework: &'static str,
        key: String,
    },
    /// What a framework config implies as a whole: its dialect.
    Format {
        path: PathBuf,
        format: &'static str,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::File { path, line, key } => write!(f, "{}:{line}: {key}", path.display()),
            Origin::Default(key) => write!(f, "{key} (default)"),
            Origin::FrameworkDefault { framework, key } => write!(f, "{framework} default {key}"),
            Origin::Format { path, format } => {
                write!(f, "{} (read as {format})", path.display())
            }
        }
    }
}

#[derive(Debug)]
pub enum ConfigError {
    /// A value of the wrong type, range or form.
    Invalid { at: Origin, problem: String },
    /// A key lrsched does not know.
    UnknownKey {
        path: PathBuf,
        line: usize,
        key: String,
        suggestion: Option<&'static str>,
    },
    /// The file is not valid TOML (or YAML: `language`).
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        language: &'static str,
        message: String,
        source_line: String,
    },
    /// The file could not be read.
    Read { path: PathBuf, problem: String },
    /// A file whose format lrsched cannot tell, or a config it cannot import (docs/import.md).
    Import { path: PathBuf, problem: String },
    /// Two settings that exclude each other.
    Conflict {
        first: Box<Origin>,
        second: Origin,
        problem: String,
    },
}

impl ConfigError {
    pub fn invalid(at: Origin, problem: impl Into<String>) -> Self {
        ConfigError::Invalid {
            at,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Invalid { at, problem } => write!(f, "{at}: {problem}"),
            ConfigError::UnknownKey {
                path,
                line,
                key,
                suggestion,
            } => {
                write!(
                    f,
                    "{}:{line}: unknown key {}",
                    path.display(),
                    quote_prefix(key, QUOTED)
                )?;
                match suggestion {
                    Some(near) => write!(f, "; did you mean '{near}'?"),
                    None => {
                        let names: Vec<&str> = super::KEYS.iter().map(|key| key.name).collect();
                        write!(f, "; valid keys: {}", names.join(", "))
                    }
                }
            }
            ConfigError::Syntax {
                path,
                line,
                column,
                language,
                message,
                source_line,
            } => write!(
                f,
                "{}:{line}:{column}: invalid {language}: {}\n  {line} | {}",
                path.display(),
                prefix(message, LINE_SHOWN),
                excerpt(source_line, *column, LINE_SHOWN)
            ),
            ConfigError::Read { path, problem } => {
                write!(
                    f,
                    "{}: cannot read schedule file: {problem}",
                    path.display()
                )
            }
            ConfigError::Import { path, problem } => write!(f, "{}: {problem}", path.display()),
            ConfigError::Conflict {
                first,
                second,
                problem,
            } => write!(f, "{second} conflicts with {first}: {problem}"),
        }
    }
}

impl std::error::Error for ConfigError {}
