//! `lrsched diff`: where two schedules differ, iteration by iteration, at the cost of their
//! phases (docs/export.md, "diff").

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{DiffArgs, DiffFormat, ScheduleArgs};
use crate::config::{ConfigError, Input, Origin};
use crate::error::Error;
use crate::output::export::{brief, verdict};
use crate::output::sink::Sink;
use crate::output::table::{quoted, schedule_object};
use crate::schedule::NamedSchedule;
use crate::schedule::compare::{Budget, Comparison, Shade, compare_within};
use crate::schedule::message::number;

/// Differing ranges listed in the text report; JSON lists them all.
const LISTED_RANGES: usize = 20;

pub fn run(args: &DiffArgs) -> Result<ExitCode, Error> {
    let [a, b] = sources(&args.schedule, &args.files)?;
    let labels = labels(&a, &b);
    let rounding = a.dialect.rounding().max(b.dialect.rounding());
    let comparison = compare_within(
        a.schedule.as_ref(),
        b.schedule.as_ref(),
        rounding,
        Budget::EXACT,
    );
    let text = match args.format.unwrap_or(DiffFormat::Text) {
        DiffFormat::Text => text_report(&[&a, &b], &labels, &comparison, rounding),
        DiffFormat::Json => json_report(&[&a, &b], &comparison, rounding),
    };
    let mut sink = Sink::open(None)?;
    sink.write_all(text.as_bytes()).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(if comparison.runs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The two schedules: two files (`--dialect X` for both, or `X,Y` one each), or one schedule
/// (a file, or flags alone) under the two dialects of `--dialect X,Y`.
fn sources(args: &ScheduleArgs, positional: &[PathBuf]) -> Result<[NamedSchedule; 2], Error> {
    let input = args.input(positional);
    let dialects: Vec<&str> = args
        .dialect
        .as_deref()
        .map_or_else(Vec::new, |d| d.split(',').collect());
    let at_dialect = || Origin::Flag("--dialect".into());
    if dialects == ["all"] {
        return Err(ConfigError::invalid(
            at_dialect(),
            "diff compares two schedules, and 'all' names every dialect; give two (--dialect A,B)",
        )
        .into());
    }
    let pair = match (input.files.len(), dialects.len()) {
        (0 | 1, 2) => [input.files.clone(), input.files.clone()],
        (2, 0..=2) => [vec![input.files[0].clone()], vec![input.files[1].clone()]],
        (_, 3..) => {
            return Err(ConfigError::invalid(
                at_dialect(),
                format!(
                    "diff compares two schedules, and '{}' names {} dialects; give two \
                     (--dialect A,B)",
                    dialects.join(","),
                    dialects.len()
                ),
            )
            .into());
        }
        (3.., _) => {
            return Err(ConfigError::invalid(
                Origin::Flag("--config".into()),
                format!(
                    "diff compares two schedules, and {} schedule files are given",
                    input.files.len()
                ),
            )
            .into());
        }
        _ => {
            return Err(ConfigError::invalid(
                at_dialect(),
                "diff needs two schedules: two schedule files, or one schedule under two \
                 dialects (--dialect A,B)",
            )
            .into());
        }
    };
    let load = |side: usize, files: Vec<PathBuf>| -> Result<NamedSchedule, Error> {
        let flags = match dialects.as_slice() {
            [one, other] => args.with_dialect([one, other][side]),
            _ => args.clone(),
        };
        let mut loaded = super::load_without_lint(&Input {
            files,
            ..flags.input(&[])
        })?;
        if loaded.len() != 1 {
            return Err(ConfigError::invalid(
                at_dialect(),
                format!(
                    "diff compares two schedules, and dialect = \"all\" gives {} for one side; \
                     give two dialects (--dialect A,B)",
                    loaded.len()
                ),
            )
            .into());
        }
        Ok(loaded.remove(0))
    };
    let [first, second] = pair;
    Ok([load(0, first)?, load(1, second)?])
}

/// What to call each side: its name, its dialect when the names are the same, else A and B.
fn labels(a: &NamedSchedule, b: &NamedSchedule) -> [String; 2] {
    if a.name != b.name {
        [a.name.clone(), b.name.clone()]
    } else if a.dialect != b.dialect {
        [a.dialect.name().to_string(), b.dialect.name().to_string()]
    } else {
        ["A".into(), "B".into()]
    }
}

fn rows(count: u64, sampled: bool) -> String {
    let about = if sampled { "about " } else { "" };
    format!("{about}{count}")
}

fn text_report(
    specs: &[&NamedSchedule; 2],
    [a, b]: &[String; 2],
    c: &Comparison,
    rounding: f64,
) -> String {
    let [a_iters, b_iters] = c.ends;
    if c.runs.is_empty() {
        return format!("{a} and {b} are identical to the bit over {a_iters} iterations\n");
    }
    let mut out = format!("{a} and {b}: {}\n", verdict(c, rounding));
    if a_iters != b_iters {
        out += &format!("lengths: {a} runs {a_iters} iterations, {b} {b_iters}\n");
    }
    let first = c.runs[0].start;
    out += &format!(
        "first difference: iteration {first}: {}\n",
        values(specs, first)
    );
    if let Some(largest) = c.largest {
        out += &format!(
            "largest relative difference: {} at iteration {}: {a} {}, {b} {}\n",
            brief(largest.relative),
            largest.at,
            number(largest.values[0]),
            number(largest.values[1])
        );
    }
    out += &format!(
        "differing iterations: {}, {} of them in the last bits only\n",
        rows(
            c.differing + c.last_bits + a_iters.abs_diff(b_iters),
            c.sampled
        ),
        rows(c.last_bits, c.sampled)
    );
    if c.sampled {
        out += "sampled: ramps past the exact budget were compared on 4096 rows each, so the \
                counts are estimates\n";
    }
    let phases = phases(c);
    if !phases.is_empty() {
        out += "phases:\n";
        for (phase, [x, y]) in phases {
            let at = |v: Option<u64>| v.map_or_else(|| "never".to_string(), |v| format!("at {v}"));
            out += &format!("  {phase}: {a} {}, {b} {}\n", at(x), at(y));
        }
    }
    out += "differing ranges:\n";
    for run in c.runs.iter().take(LISTED_RANGES) {
        out += &format!(
            "  {} … {}: {}\n",
            run.start,
            run.end - 1,
            match run.shade {
                Shade::Differs => "differ",
                Shade::LastBits => "last bits",
            }
        );
    }
    if c.runs.len() > LISTED_RANGES {
        out += &format!(
            "  … {} more (--format json lists them all)\n",
            c.runs.len() - LISTED_RANGES
        );
    }
    out
}

/// Both lr values at `t`, or which schedule has ended.
fn values(specs: &[&NamedSchedule; 2], t: u64) -> String {
    let lr = |spec: &NamedSchedule| (t < spec.params().iters).then(|| number(spec.schedule.lr(t)));
    match (lr(specs[0]), lr(specs[1])) {
        (Some(x), Some(y)) => format!("{x} and {y}"),
        (Some(x), None) => format!("{x}, and the second schedule has ended"),
        (None, Some(y)) => format!("the first schedule has ended, and {y}"),
        (None, None) => String::new(),
    }
}

/// The phase boundaries that differ: the warmup's end, then decay k, each as iteration or
/// never.
fn phases(c: &Comparison) -> Vec<(String, [Option<u64>; 2])> {
    let mut out = Vec::new();
    let [wa, wb] = c.warmup_ends;
    if wa != wb {
        let end = |w: u64| (w > 0).then_some(w);
        out.push(("warmup end".to_string(), [end(wa), end(wb)]));
    }
    let [da, db] = &c.decays;
    for k in 0..da.len().max(db.len()) {
        let (x, y) = (da.get(k).copied(), db.get(k).copied());
        if x != y {
            out.push((format!("decay {}", k + 1), [x, y]));
        }
    }
    out
}

fn json_report(specs: &[&NamedSchedule; 2], c: &Comparison, rounding: f64) -> String {
    let [a_iters, b_iters] = c.ends;
    let value = |v: Option<u64>| v.map_or_else(|| "null".to_string(), |v| v.to_string());
    let first = c.runs.first().map_or_else(
        || "null".to_string(),
        |run| {
            let lr = |spec: &NamedSchedule| {
                if run.start < spec.params().iters {
                    number(spec.schedule.lr(run.start))
                } else {
                    "null".to_string()
                }
            };
            format!(
                "{{\"iteration\":{},\"a\":{},\"b\":{}}}",
                run.start,
                lr(specs[0]),
                lr(specs[1])
            )
        },
    );
    let largest = c.largest.map_or_else(
        || "null".to_string(),
        |l| {
            format!(
                "{{\"iteration\":{},\"relative\":{},\"a\":{},\"b\":{}}}",
                l.at,
                number(l.relative),
                number(l.values[0]),
                number(l.values[1])
            )
        },
    );
    let phases: Vec<String> = phases(c)
        .into_iter()
        .map(|(phase, [x, y])| {
            format!(
                "{{\"phase\":{},\"a\":{},\"b\":{}}}",
                quoted(&phase),
                value(x),
                value(y)
            )
        })
        .collect();
    let ranges: Vec<String> = c
        .runs
        .iter()
        .map(|run| {
            let kind = match run.shade {
                Shade::Differs => "differs",
                Shade::LastBits => "last_bits",
            };
            format!(
                "{{\"start\":{},\"end\":{},\"kind\":\"{kind}\"}}",
                run.start, run.end
            )
        })
        .collect();
    format!(
        "{{\"identical\":{},\"a\":{},\n\"b\":{},\n\"rounding\":{},\"sampled\":{},\
         \"differing_iterations\":{},\"last_bits_iterations\":{},\"first_difference\":{first},\
         \"largest_relative_difference\":{largest},\n\"phases\":[{}],\n\"ranges\":[{}]}}\n",
        c.runs.is_empty(),
        schedule_object(specs[0]),
        schedule_object(specs[1]),
        number(rounding),
        c.sampled,
        c.differing + c.last_bits + a_iters.abs_diff(b_iters),
        c.last_bits,
        phases.join(","),
        ranges.join(",")
    )
}
