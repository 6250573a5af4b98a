//! `lrsched check`: validation (errors exit 2 before we get here) and lint warnings.

use std::process::ExitCode;

use crate::cli::CheckArgs;
use crate::error::Error;
use crate::lint::lint;
use crate::output::sink::Sink;
use crate::output::table::{Cell, Plain, write_table};
use crate::schedule::message::number;

/// Counting phases walks them; past this many (a step_size of 1 over a long run), the report
/// says "over" rather than walking on.
const PHASES_COUNTED: usize = 1_000_000;

pub fn run(args: &CheckArgs) -> Result<ExitCode, Error> {
    let specs = super::load_without_lint(&args.schedule.input(&args.files))?;
    // One line per schedule and per warning: a table of one text cell per row.
    let mut report = Vec::new();
    let mut warning_count = 0;
    for spec in &specs {
        let warnings = lint(spec);
        warning_count += warnings.len();
        let p = spec.params();
        let counted = spec.schedule.segments().take(PHASES_COUNTED + 1).count();
        let phases = if counted > PHASES_COUNTED {
            format!("over {PHASES_COUNTED}")
        } else {
            counted.to_string()
        };
        let last_lr = spec.schedule.lr(p.iters - 1);
        let status = if warnings.is_empty() {
            "ok"
        } else {
            "warnings"
        };
        report.push(vec![Cell::Text(format!(
            "{status}: {} ({}): {} iterations, {phases} phases, lr {} → {}",
            spec.name,
            spec.dialect.name(),
            p.iters,
            number(spec.schedule.lr(0)),
            number(last_lr)
        ))]);
        for warning in warnings {
            report.push(vec![Cell::Text(format!("  warning: {}", warning.0))]);
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
