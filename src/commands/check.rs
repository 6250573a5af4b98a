//! `lrsched check`: validation (errors exit 2 before we get here), lint warnings, and notes on
//! what the dialect's framework does (which `--strict` does not count).

use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::error::Error;
use crate::lint::lint;
use crate::output::sink::Sink;
use crate::output::table::{Cell, Plain, write_table};
use crate::schedule::Severity;
use crate::schedule::message::number;

use super::explain::{MAX_IN_FULL, runs_in_epochs, whose};

/// Counting phases walks them; past this many (a step_size of 1 over a long run), the report
/// says "over" rather than walking on.
const PHASES_COUNTED: usize = 1_000_000;

/// Schedules with warnings the closing tally names; a line's worth.
const NAMED: usize = 8;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let specs = super::load_without_lint(&args.schedule.input(&args.files))?;
    // Beside the report, so that it stays the same with or without an epoch length.
    for line in runs_in_epochs(&specs) {
        eprintln!("{line}");
    }
    // One line per schedule and per finding: a table of one text cell per row.
    let mut report = Vec::new();
    let mut warning_count = 0;
    let mut warned = Vec::new();
    for spec in &specs {
        let findings = lint(spec);
        let warnings = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count();
        warning_count += warnings;
        let p = spec.params();
        let counted = spec.schedule.segments().take(PHASES_COUNTED + 1).count();
        let phases = if counted > PHASES_COUNTED {
            format!("over {PHASES_COUNTED}")
        } else {
            counted.to_string()
        };
        let last_lr = spec.schedule.lr(p.iters - 1);
        let status = if warnings == 0 { "ok" } else { "warnings" };
        if warnings > 0 {
            warned.push(spec.name.as_str());
        }
        report.push(vec![Cell::Text(format!(
            "{status}: {}: {} iterations, {phases} phases, lr {} → {}",
            whose(spec),
            p.iters,
            number(spec.schedule.lr(0)),
            number(last_lr)
        ))]);
        for finding in findings {
            report.push(vec![Cell::Text(format!(
                "  {}: {}",
                finding.severity, finding.text
            ))]);
        }
    }
    if specs.len() > MAX_IN_FULL {
        // Past a screenful, which schedules to scroll back to.
        let with_warnings = match warned.len() {
            0 => String::new(),
            1..=NAMED => format!(" ({})", warned.join(", ")),
            _ => format!(" ({}, …)", warned[..NAMED].join(", ")),
        };
        report.push(vec![Cell::Text(format!(
            "{} schedules: {} ok, {} with warnings{with_warnings}",
            specs.len(),
            specs.len() - warned.len(),
            warned.len()
        ))]);
    }
    let mut sink = Sink::open(None)?;
    write_table(&mut sink, &Plain, &[String::new()], &report).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(if args.strict && warning_count > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
