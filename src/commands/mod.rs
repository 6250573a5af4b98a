//! One module per command. Each takes its parsed arguments and returns the exit status.

pub mod at;
pub mod check;
pub mod completions;
pub mod explain;
pub mod init;
pub mod man;
pub mod plot;
pub mod table;

use std::path::PathBuf;

use crate::cli::ScheduleArgs;
use crate::config::{self, ScheduleSpec};
use crate::diagnostics;
use crate::error::Error;
use crate::lint::lint;

/// Loads the schedules and prints their lint warnings to stderr.
pub fn load(args: &ScheduleArgs, files: &[PathBuf]) -> Result<Vec<ScheduleSpec>, Error> {
    let specs = config::load(&args.input(files))?;
    for spec in &specs {
        for warning in lint(spec) {
            diagnostics::warning(format_args!("{}: {}", spec.name, warning.0));
        }
    }
    Ok(specs)
}
