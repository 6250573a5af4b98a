//! `lrsched explain`: one row per phase.

use std::process::ExitCode;

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::diagnostics;
use crate::error::Error;
use crate::lint::run_in_epochs;
use crate::output::sink::Sink;
use crate::output::table::{Aligned, Cell, FormatName, Plain, write_table};
use crate::schedule::NamedSchedule;
use crate::schedule::message::number;
use crate::schedule::{Segment, WarmupMethod, departures};

/// Phases shown per schedule. A table of phases is read, not streamed: past this (a step_size
/// of 1 over a long run) it would only fill memory.
const MAX_PHASES: usize = 20_000;

const HEADERS: [&str; 6] = ["phase", "first", "last", "lr_first", "lr_last", "what"];
const NUMERIC: [bool; 6] = [false, true, true, true, true, false];

pub fn run(args: &ExplainArgs) -> Result<ExitCode, Error> {
    let specs = super::load(&args.schedule, &args.files)?;
    let several = specs.len() > 1;
    let mut headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mut numeric = NUMERIC.to_vec();
    if several {
        headers.insert(0, "schedule".into());
        numeric.insert(0, false);
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for spec in &specs {
        let mut segments = spec.schedule.segments();
        for segment in segments.by_ref().take(MAX_PHASES) {
            let mut row = phase_row(spec, &segment);
            if several {
                row.insert(0, Cell::Text(spec.name.clone()));
            }
            rows.push(row);
        }
        if let Some(next) = segments.next() {
            diagnostics::warning(format_args!(
                "{}: explain shows the first {MAX_PHASES} phases; those from iteration {} on \
                 are left out (lrsched table lists every iteration)",
                spec.name, next.start
            ));
        }
    }

    let mut sink = Sink::open(None)?;
    let written = match args.format.unwrap_or(ExplainFormat::Text) {
        ExplainFormat::Text => {
            // The run in epochs, when known, heads the table.
            let heading: Vec<Vec<Cell>> = specs
                .iter()
                .filter_map(run_in_epochs)
                .map(|line| vec![Cell::Text(line)])
                .collect();
            let (aligned, rows) = Aligned::fit(&headers, &rows, &numeric);
            write_table(&mut sink, &Plain, &[String::new()], &heading)
                .and_then(|()| write_table(&mut sink, &aligned, &headers, &rows))
                .and_then(|()| {
                    write_table(
                        &mut sink,
                        &Plain,
                        &[String::new()],
                        &departure_notes(&specs),
                    )
                })
        }
        data => {
            let name = match data {
                ExplainFormat::Csv => FormatName::Csv,
                ExplainFormat::Tsv => FormatName::Tsv,
                ExplainFormat::Json => FormatName::Json,
                _ => FormatName::Jsonl,
            };
            write_table(&mut sink, name.format().as_ref(), &headers, &rows)
        }
    };
    written.map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// Where each schedule's dialect departs from maskrcnn's arithmetic, in words, after the table:
/// lines of text, as rows of one cell.
fn departure_notes(specs: &[NamedSchedule]) -> Vec<Vec<Cell>> {
    let mut lines = Vec::new();
    let mut line = |text: String| lines.push(vec![Cell::Text(text)]);
    for spec in specs {
        let notes = departures(spec.dialect, spec.schedule.as_ref());
        if notes.is_empty() {
            continue;
        }
        let dialect = spec.dialect.name();
        let whose = if spec.name == dialect {
            dialect.to_string()
        } else {
            format!("{} ({dialect})", spec.name)
        };
        line(String::new());
        line(format!("{whose} departs from maskrcnn:"));
        for note in notes {
            line(format!("  - {}", note.text));
        }
    }
    lines
}

fn phase_row(spec: &NamedSchedule, segment: &Segment) -> Vec<Cell> {
    let schedule = spec.schedule.as_ref();
    let last = segment.end - 1;
    vec![
        Cell::Text(segment.phase.to_string()),
        Cell::Number(segment.start.to_string()),
        Cell::Number(last.to_string()),
        Cell::Number(number(schedule.lr(segment.start))),
        Cell::Number(number(schedule.lr(last))),
        Cell::Text(describe(spec, segment)),
    ]
}

/// What happens over a segment, in words.
fn describe(spec: &NamedSchedule, segment: &Segment) -> String {
    let p = spec.params();
    let decayed = || {
        let k = segment.phase.decays;
        let times = if k == 1 { "once" } else { "times" };
        let count = if k == 1 {
            String::new()
        } else {
            format!("{k} ")
        };
        format!("decayed {count}{times}: base_lr × {}^{k}", number(p.gamma))
    };
    if segment.phase.warmup {
        // Where this dialect's warmup really ends (mmengine's one iteration early), which a run
        // shorter than the warmup never reaches.
        let warmup_end = spec.schedule.warmup_end();
        let until = if warmup_end < p.iters {
            format!("iteration {warmup_end}")
        } else {
            format!(
                "iteration {warmup_end}, which iters {} never reaches",
                p.iters
            )
        };
        let ramp = match (segment.constant_lr, p.warmup_method) {
            (Some(_), _) => format!(
                "constant warmup: base_lr × {} until {until}",
                number(p.warmup_factor),
            ),
            (None, method) => format!(
                "{} warmup: factor {} → 1 {} {until}",
                // A framework without constant warmup (timm) ramps linearly.
                match method {
                    WarmupMethod::Constant => "linear",
                    method => method.name(),
                },
                number(p.warmup_factor),
                if warmup_end < p.iters {
                    "reached at"
                } else {
                    "by"
                },
            ),
        };
        if segment.phase.decays == 0 {
            ramp
        } else {
            format!("{ramp}; {}", decayed())
        }
    } else if segment.phase.decays == 0 {
        "base_lr".to_string()
    } else {
        decayed()
    }
}
