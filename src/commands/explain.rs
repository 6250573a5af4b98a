//! `lrsched explain`: one row per phase.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::config::ScheduleSpec;
use crate::error::Error;
use crate::output::sink::Sink;
use crate::output::{Cell, FormatName, number, terminal, write_table};
use crate::schedule::{Segment, WarmupMethod};

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
        for segment in spec.schedule.segments() {
            let mut row = phase_row(spec, &segment);
            if several {
                row.insert(0, Cell::Text(spec.name.clone()));
            }
            rows.push(row);
        }
    }

    let mut sink = Sink::open(None)?;
    let written = match args.format.unwrap_or(ExplainFormat::Text) {
        ExplainFormat::Text => {
            let text_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|cell| match cell {
                            Cell::Number(t) | Cell::Text(t) => t.clone(),
                            Cell::Missing => String::new(),
                        })
                        .collect()
                })
                .collect();
            sink.write_all(terminal::aligned(&headers, &text_rows, &numeric).as_bytes())
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

fn phase_row(spec: &ScheduleSpec, segment: &Segment) -> Vec<Cell> {
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
fn describe(spec: &ScheduleSpec, segment: &Segment) -> String {
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
        let ramp = match p.warmup_method {
            WarmupMethod::Constant => format!(
                "constant warmup: base_lr × {} until iteration {}",
                number(p.warmup_factor),
                p.warmup_iters
            ),
            method => format!(
                "{} warmup: factor {} → 1 reached at iteration {}",
                method.name(),
                number(p.warmup_factor),
                p.warmup_iters
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
