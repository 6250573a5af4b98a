//! One module per command. Each takes its parsed arguments and returns the exit status.

pub mod at;
pub mod check;
pub mod completions;
pub mod diff;
pub mod explain;
pub mod export;
pub mod import;
pub mod init;
pub mod man;
pub mod options;
pub mod plot;
pub mod scale;
pub mod table;
pub mod verify;

use std::path::PathBuf;

use crate::cli::ScheduleArgs;
use crate::config::{self, Input, Loaded};
use crate::diagnostics;
use crate::error::Error;
use crate::lint::{dialect_lints, parameter_lints};
use crate::schedule::NamedSchedule;

/// Loads the schedules and prints their lint warnings to stderr.
pub fn load(args: &ScheduleArgs, files: &[PathBuf]) -> Result<Vec<NamedSchedule>, Error> {
    Ok(report(config::load(&args.input(files))?, true))
}

/// Loads the schedules and prints to stderr what loading them has to say (the frameworks
/// `--dialect all` left out), but not their lint warnings: for `check`, which reports those.
pub fn load_without_lint(input: &Input) -> Result<Vec<NamedSchedule>, Error> {
    Ok(report(config::load(input)?, false))
}

/// Prints what loading had to say and, with `lint`, the schedules' lint warnings, once each;
/// for a command that first checks what it loaded, then reports.
pub fn report(loaded: Loaded, lint: bool) -> Vec<NamedSchedule> {
    for warning in &loaded.warnings {
        diagnostics::warning(warning);
    }
    let specs = loaded.schedules;
    if !lint {
        return specs;
    }
    // `--dialect all` compares one schedule across frameworks: the departures are what the
    // user asked to see, and the parameters' warnings are the same for every dialect.
    let comparing_dialects = specs.len() > 1
        && specs
            .windows(2)
            .all(|pair| pair[0].params() == pair[1].params() && pair[0].dialect != pair[1].dialect);
    let mut printed = std::collections::HashSet::new();
    for spec in &specs {
        let mut warnings = parameter_lints(spec);
        if !comparing_dialects {
            warnings.extend(dialect_lints(spec));
        }
        for warning in warnings {
            if printed.insert(warning.0.clone()) {
                diagnostics::warning(format_args!("{}: {}", spec.name, warning.0));
            }
        }
    }
    specs
}
