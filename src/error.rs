//! The errors a command can end with, and the exit status each maps to.

use std::fmt;
use std::io;

use crate::config::ConfigError;
use crate::output::sink::{FinishError, SinkError};

#[derive(Debug)]
pub enum Error {
    /// Bad input: flags, files, or values.
    Config(Box<ConfigError>),
    /// An output file that cannot be written.
    Output(SinkError),
    /// Writing to stdout failed (a closed pipe among others).
    Stdout(io::Error),
}

impl Error {
    /// A reader that went away (`lrsched table | head`) is not an error.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => e.fmt(f),
            Error::Output(e) => e.fmt(f),
            Error::Stdout(e) => write!(
                f,
                "cannot write to stdout: {}",
                crate::output::sink::describe(e)
            ),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(Box::new(e))
    }
}

impl From<SinkError> for Error {
    fn from(e: SinkError) -> Self {
        Error::Output(e)
    }
}

impl From<FinishError> for Error {
    fn from(e: FinishError) -> Self {
        match e {
            FinishError::Io(e) => Error::Stdout(e),
            FinishError::Sink(e) => Error::Output(e),
        }
    }
}
