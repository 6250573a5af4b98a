//! The errors a command can end with, and the exit status each maps to.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::config::ConfigError;
use crate::log::LogError;
use crate::output::sink::{OutputError, SinkError};

#[derive(Debug)]
pub enum Error {
    /// Bad input: flags, files, or values.
    Config(Box<ConfigError>),
    /// A training log that cannot be read (`verify`).
    Log(Box<LogError>),
    /// An output file that cannot be written.
    Output(SinkError),
    /// Writing to stdout failed (a closed pipe among others).
    Stdout(io::Error),
    /// `-o` names one of the command's input files.
    OutputIsInput { output: PathBuf, input: PathBuf },
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
            Error::Log(e) => e.fmt(f),
            Error::Output(e) => e.fmt(f),
            Error::Stdout(e) => write!(
                f,
                "cannot write to stdout: {}",
                crate::output::sink::describe(e)
            ),
            Error::OutputIsInput { output, input } => write!(
                f,
                "--output: {} is the input file {}; write the output to another file",
                output.display(),
                input.display()
            ),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(Box::new(e))
    }
}

impl From<LogError> for Error {
    fn from(e: LogError) -> Self {
        Error::Log(Box::new(e))
    }
}

impl From<SinkError> for Error {
    fn from(e: SinkError) -> Self {
        Error::Output(e)
    }
}

impl From<OutputError> for Error {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Stdout(e) => Error::Stdout(e),
            OutputError::File(e) => Error::Output(e),
            OutputError::OverInput { output, input } => Error::OutputIsInput { output, input },
        }
    }
}
