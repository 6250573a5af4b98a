//! A log that cannot be read, in one line: the file, where in it, what is wrong.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Where in a log a value was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A line of a text log (1-based).
    Line(u64),
    /// A record of an event file (1-based) and its byte offset.
    Record { index: u64, offset: u64 },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(line) => write!(f, "{line}"),
            Place::Record { index, offset } => write!(f, "record {index} at byte {offset}"),
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct LogError {
    pub file: PathBuf,
    pub place: Option<Place>,
    pub problem: String,
}

impl LogError {
    pub fn file(file: &Path, problem: impl Into<String>) -> Self {
        LogError {
            file: file.to_path_buf(),
            place: None,
            problem: problem.into(),
        }
    }

    pub fn at(file: &Path, place: Place, problem: impl Into<String>) -> Self {
        LogError {
            file: file.to_path_buf(),
            place: Some(place),
            problem: problem.into(),
        }
    }

    pub fn io(file: &Path, error: &io::Error) -> Self {
        let problem = match error.kind() {
            io::ErrorKind::NotFound => "cannot read log: no such file".to_string(),
            io::ErrorKind::PermissionDenied => "cannot read log: permission denied".to_string(),
            io::ErrorKind::IsADirectory => "cannot read log: is a directory".to_string(),
            _ => format!("cannot read log: {error}"),
        };
        LogError::file(file, problem)
    }
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            None => write!(f, "{}: {}", self.file.display(), self.problem),
            Some(place) => write!(f, "{}:{place}: {}", self.file.display(), self.problem),
        }
    }
}

impl std::error::Error for LogError {}
