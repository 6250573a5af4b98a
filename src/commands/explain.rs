//! `lrsched explain`: one row per phase, or past six schedules one row per schedule against the
//! first (docs/guide.md#explain).

use std::process::ExitCode;

use crate::cli::{ExplainArgs, ExplainFormat};
use crate::diagnostics;
use crate::error::Error;
use crate::lint::{in_epochs, run_in_epochs};
use crate::output::Format;
use crate::output::plot::MAX_OVERLAID;
use crate::output::sink::Sink;
use crate::output::table::{Aligned, Cell, FormatName, JsonDocument, Plain, write_table};
use crate::schedule::NamedSchedule;
use crate::schedule::compare::{compare, decay_points};
use crate::schedule::message::{in_words, number};
use crate::schedule::{Segment, Stepping, Unit, WarmupMethod, departures};

/// Phases shown in all, shared among the schedules. A table of phases is read, not streamed:
/// past this (a step_size of 1 over a long run) it would only fill memory, and sixteen
/// dialects cost what one does.
const MAX_PHASES: usize = 20_000;

/// Most schedules the text views show in full (every phase; every run in epochs): past them,
/// `explain` sums up each schedule in a row and `check` adds a tally. The plot's threshold for
/// a grid, so that the views change together.
pub(super) const MAX_IN_FULL: usize = MAX_OVERLAID;

const HEADERS: [&str; 6] = ["phase", "first", "last", "lr_first", "lr_last", "what"];
const NUMERIC: [bool; 6] = [false, true, true, true, true, false];

pub fn run(args: &ExplainArgs) -> Result<ExitCode, Error> {
    let specs = super::load(&args.schedule, &args.files)?;
    let format = args.format.unwrap_or(ExplainFormat::Text);
    let summary = format == ExplainFormat::Text && specs.len() > MAX_IN_FULL && !args.phases;
    // The summary reads segments within a budget of its own; only the phases are tabulated.
    let (headers, numeric, rows) = if summary {
        Default::default()
    } else {
        phase_table(&specs)
    };

    // The run in epochs, when known, heads the text.
    let heading: Vec<Vec<Cell>> = runs_in_epochs(&specs)
        .into_iter()
        .map(|line| vec![Cell::Text(line)])
        .collect();
    let mut sink = Sink::open(None)?;
    let written = match format {
        ExplainFormat::Text if summary => {
            let (headers, rows) = summary_table(&specs);
            let numeric = [false, true, false, true, true, false];
            let (aligned, rows) = Aligned::fit(&headers, &rows, &numeric);
            write_table(&mut sink, &Plain, &[String::new()], &heading)
                .and_then(|()| write_table(&mut sink, &aligned, &headers, &rows))
                .and_then(|()| {
                    write_table(&mut sink, &Plain, &[String::new()], &compact_notes(&specs))
                })
        }
        ExplainFormat::Text => {
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
            let format: Box<dyn Format> = match data {
                ExplainFormat::Csv => FormatName::Csv.format(),
                ExplainFormat::Tsv => FormatName::Tsv.format(),
                // With the schedules' parameters and dialects, as `table --format json`.
                ExplainFormat::Json => Box::new(JsonDocument::new(&specs)),
                _ => FormatName::Jsonl.format(),
            };
            write_table(&mut sink, format.as_ref(), &headers, &rows)
        }
    };
    written.map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// One row per phase of every schedule, under its headers and which columns are numbers. Each
/// schedule may use an even share of what `MAX_PHASES` has left, so that one with few phases
/// leaves its share to the next.
fn phase_table(specs: &[NamedSchedule]) -> (Vec<String>, Vec<bool>, Vec<Vec<Cell>>) {
    let several = specs.len() > 1;
    let mut headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mut numeric = NUMERIC.to_vec();
    if several {
        headers.insert(0, "schedule".into());
        numeric.insert(0, false);
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    // The schedules cut short, with the first iteration left out.
    let mut cut = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let share = (MAX_PHASES - rows.len()) / (specs.len() - index);
        let mut segments = spec.schedule.segments();
        for segment in segments.by_ref().take(share) {
            let mut row = phase_row(spec, &segment);
            if several {
                row.insert(0, Cell::Text(spec.name.clone()));
            }
            rows.push(row);
        }
        if let Some(next) = segments.next() {
            cut.push((spec.name.as_str(), share, next.start));
        }
    }
    match cut[..] {
        [] => {}
        [(name, share, left_out)] => diagnostics::warning(format_args!(
            "{name}: explain shows the first {share} phases; those from iteration {left_out} on \
             are left out (lrsched table lists every iteration)"
        )),
        // One line, however many schedules `--dialect all` cut.
        _ => {
            let names: Vec<&str> = cut.iter().map(|(name, ..)| *name).take(3).collect();
            let more = if cut.len() > 3 { ", …" } else { "" };
            diagnostics::warning(format_args!(
                "explain shows {MAX_PHASES} phases in all, about {} per schedule: the later \
                 phases of {}{more} ({} schedules) are left out (lrsched table lists every \
                 iteration)",
                MAX_PHASES / specs.len(),
                names.join(", "),
                cut.len()
            ));
        }
    }
    (headers, numeric, rows)
}

/// One row per schedule: where its warmup ends and it decays, its lr after warmup and last,
/// and on how many rows (iterations) it differs from the first schedule. Every figure comes
/// from a bounded walk of segments (`schedule::compare`), whatever `iters`.
fn summary_table(specs: &[NamedSchedule]) -> (Vec<String>, Vec<Vec<Cell>>) {
    let reference = &specs[0];
    let headers = [
        "schedule",
        "warmup_end",
        "decays_at",
        "lr_after_warmup",
        "lr_last",
        &format!("rows_vs_{}", reference.name),
    ]
    .map(String::from)
    .to_vec();
    let rows = specs
        .iter()
        .enumerate()
        .map(|(index, spec)| {
            let schedule = spec.schedule.as_ref();
            let iters = spec.params().iters;
            let warmup_end = schedule.warmup_end().min(iters);
            let decays = decay_points(schedule);
            vec![
                Cell::Text(whose(spec)),
                match warmup_end {
                    0 => Cell::Text("none".into()),
                    end => Cell::Number(end.to_string()),
                },
                Cell::Text(if decays.points.is_empty() {
                    "none".into()
                } else {
                    in_words(&decays.points, decays.complete)
                }),
                if warmup_end < iters {
                    Cell::Number(number(schedule.lr(warmup_end)))
                } else {
                    Cell::Text("never".into())
                },
                Cell::Number(number(schedule.lr(iters - 1))),
                Cell::Text(if index == 0 {
                    "reference".into()
                } else {
                    versus(reference, spec)
                }),
            ]
        })
        .collect();
    (headers, rows)
}

/// On how many rows `spec` differs from `reference`: "identical", "differs on 20, last bits on
/// 43"; "≈" when counted on a sample. A row only one of them runs differs.
fn versus(reference: &NamedSchedule, spec: &NamedSchedule) -> String {
    let rounding = reference.dialect.rounding().max(spec.dialect.rounding());
    let found = compare(
        reference.schedule.as_ref(),
        spec.schedule.as_ref(),
        rounding,
    );
    let [reference_end, end] = found.ends;
    let count = |rows: u64| {
        if found.sampled {
            format!("≈{rows}")
        } else {
            rows.to_string()
        }
    };
    let mut parts = Vec::new();
    let differing = found.differing + reference_end.abs_diff(end);
    if differing > 0 {
        parts.push(format!("differs on {}", count(differing)));
    }
    if found.last_bits > 0 {
        parts.push(format!("last bits on {}", count(found.last_bits)));
    }
    if reference_end != end {
        parts.push(format!("ends at {end}"));
    }
    if parts.is_empty() {
        "identical".into()
    } else {
        parts.join(", ")
    }
}

/// The runs in epochs, when known: one line for all when more than `MAX_IN_FULL` schedules
/// agree (`--dialect all`), else one per schedule.
pub(super) fn runs_in_epochs(specs: &[NamedSchedule]) -> Vec<String> {
    let runs: Vec<Option<String>> = specs
        .iter()
        .map(|spec| Some(in_epochs(spec.params().iters, spec.iters_per_epoch?)))
        .collect();
    match &runs[..] {
        [Some(first), rest @ ..]
            if runs.len() > MAX_IN_FULL && rest.iter().all(|run| run.as_ref() == Some(first)) =>
        {
            vec![format!("every schedule: {first}")]
        }
        _ => specs.iter().filter_map(run_in_epochs).collect(),
    }
}

/// The departures after the summary: the schedule's name once, then one line per departure.
fn compact_notes(specs: &[NamedSchedule]) -> Vec<Vec<Cell>> {
    let notes: Vec<(String, Vec<String>)> = specs
        .iter()
        .map(|spec| {
            let notes = departures(spec.dialect, spec.schedule.as_ref());
            (
                whose(spec),
                notes.into_iter().map(|note| note.text).collect(),
            )
        })
        .filter(|(_, notes): &(String, Vec<String>)| !notes.is_empty())
        .collect();
    let Some(width) = notes.iter().map(|(name, _)| name.chars().count()).max() else {
        return Vec::new();
    };
    let mut lines = vec![String::new(), "departures from maskrcnn:".to_string()];
    for (name, texts) in &notes {
        for (index, text) in texts.iter().enumerate() {
            let name = if index == 0 { name.as_str() } else { "" };
            lines.push(format!("{name:<width$}  {text}"));
        }
    }
    lines
        .into_iter()
        .map(|line| vec![Cell::Text(line)])
        .collect()
}

/// The schedule's name, and its dialect when named otherwise: "reference (mxnet)"; the
/// schedules of `--dialect all` are named after their dialects.
pub(super) fn whose(spec: &NamedSchedule) -> String {
    let dialect = spec.dialect.name();
    if spec.name == dialect {
        dialect.to_string()
    } else {
        format!("{} ({dialect})", spec.name)
    }
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
        line(String::new());
        line(format!("{} departs from maskrcnn:", whose(spec)));
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
        format!("decayed {count}{times}: {}", p.level_text(k))
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
        // Stepped per epoch, a ramp holds each epoch's lr: constant segments, one per epoch.
        let per_epoch = matches!(
            p.stepping,
            Stepping::Epoch {
                warmup: Unit::Epoch,
                ..
            }
        ) && spec.schedule.lr(0)
            != spec.schedule.lr(warmup_end.min(p.iters).saturating_sub(1));
        let ramp = match (segment.constant_lr, p.warmup_method) {
            (Some(_), _) if !per_epoch => format!(
                "constant warmup: base_lr × {} until {until}",
                number(p.warmup_factor),
            ),
            (_, method) => format!(
                "{} warmup{}: factor {} → 1 {} {until}",
                // A framework without constant warmup (timm) ramps linearly.
                match method {
                    WarmupMethod::Constant => "linear",
                    method => method.name(),
                },
                if per_epoch { " stepped per epoch" } else { "" },
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
