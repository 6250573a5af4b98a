//! `lrsched check`: validation (errors exit 2 before we get here), lint warnings, and notes on
//! what the dialect's framework does (which `--strict` does not count).

use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::error::Error;
use crate::lint::{lint, run_in_epochs};
use crate::output::sink::Sink;
use crate::output::table::{Cell, Plain, write_table};
use crate::schedule::Severity;
use crate::schedule::message::number;

/// Counting phases walks them; past this many (a step_size of 1 over a long run), the report
/// says "over" rather than walking on.
const PHASES_COUNTED: usize = 1_000_000;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let specs = super::load_without_lint(&args.schedule.input(&args.files))?;
    // One line per schedule and per finding: a table of one text cell per row.
    let mut report = Vec::new();
    let mut warning_count = 0;
    for spec in &specs {
        // Beside the report, so that it stays the same with or without an epoch length.
        if let Some(line) = run_in_epochs(spec) {
            eprintln!("{line}");
        }
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
        report.push(vec![Cell::Text(format!(
            "{status}: {} ({}): {} iterations, {phases} phases, lr {} → {}",
            spec.name,
            spec.dialect.name(),
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
    let mut sink = Sink::open(None)?;
    write_table(&mut sink, &Plain, &[String::new()], &report).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(if args.strict && warning_count > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
