//! `lrsched verify`: the lr a run logged against the schedule (docs/verify.md). Exit 0 when
//! every log agrees, 1 when one does not, 2 on bad input.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{VerifyArgs, VerifyFormat};
use crate::config::{self, ConfigError, Origin};
use crate::error::Error;
use crate::log::{self, Comparison, Precision, Tolerance, Verdict};
use crate::output::sink::Sink;
use crate::schedule::NamedSchedule;
use crate::schedule::message::number;

/// Differing ranges the text report lists; JSON lists them all.
const RANGES_SHOWN: usize = 5;

pub fn run(args: &VerifyArgs) -> Result<ExitCode, Error> {
    let tolerance = Tolerance {
        rtol: args.rtol.as_deref().map(rtol).transpose()?,
    };
    // One schedule, checked before anything about loading it is printed.
    let loaded = config::load(&args.schedule.input(&[]))?;
    match loaded.schedules.as_slice() {
        [_] => {}
        several if several.iter().all(|s| s.params() == several[0].params()) => {
            return Err(ConfigError::invalid(
                Origin::Flag("--dialect".into()),
                "verify compares logs with one dialect and tries every other one itself; \
                 name one, or leave --dialect out for maskrcnn",
            )
            .into());
        }
        several => {
            let names: Vec<&str> = several.iter().map(|s| s.name.as_str()).collect();
            return Err(ConfigError::invalid(
                Origin::Flag("--config".into()),
                format!(
                    "verify compares logs with one schedule; got {} ({})",
                    several.len(),
                    names.join(", ")
                ),
            )
            .into());
        }
    }
    let specs = super::report(loaded, true);
    let spec = &specs[0];
    let options = args.log_reading.options(spec.iters_per_epoch);
    let mut comparisons = Vec::new();
    for path in &args.logs {
        let mut points = log::open(path, &options)?;
        comparisons.push((
            path.as_path(),
            log::compare(points.as_mut(), spec, tolerance)?,
        ));
    }
    let report = match args.format.unwrap_or(VerifyFormat::Text) {
        VerifyFormat::Text => text(spec, &comparisons, tolerance),
        VerifyFormat::Json => json(spec, &comparisons),
    };
    let mut sink = Sink::open(None)?;
    sink.write_all(report.as_bytes())
        .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    let all_agree = comparisons.iter().all(|(_, c)| c.verdict == Verdict::Agree);
    Ok(if all_agree {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub(super) fn rtol(text: &str) -> Result<f64, ConfigError> {
    let problem = match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => return Ok(x),
        Ok(_) => format!("must be a finite number >= 0, got {text}"),
        Err(_) => format!("'{text}' is not a number"),
    };
    Err(ConfigError::invalid(Origin::Flag("--rtol".into()), problem))
}

/// `4,500`.
pub(super) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// What was read: `lr logged every 20 iterations, 4,500 points, 19..89999`.
fn what_was_read(c: &Comparison) -> String {
    let widest = c.largest_gap.map(|(from, to)| to - from);
    // Downsampled series (TensorBoard's CSV keeps 1,000 points) have no usual interval.
    let irregular = c.gaps * 10 > c.points;
    let mut line = match (c.every, c.smallest_gap, widest) {
        (_, Some(low), Some(high)) if irregular => {
            format!("lr logged at irregular intervals, {low} to {high} iterations apart")
        }
        (Some(1), ..) => "lr logged every iteration".to_string(),
        (Some(n), ..) => format!("lr logged every {} iterations", grouped(n)),
        (None, ..) => "lr logged once".to_string(),
    };
    let _ = write!(line, ", {}", plural(c.points, "point", "points"));
    if let Some((first, last)) = c.span {
        let _ = write!(line, ", {first}..{last}");
    }
    if let Some((from, to)) = c.largest_gap.filter(|_| !irregular) {
        let _ = write!(
            line,
            "; {} wider, the widest {from}..{to}",
            plural(c.gaps, "gap", "gaps")
        );
    }
    line
}

/// How the agreeing values agreed.
fn agreement(c: &Comparison, tolerance: Tolerance) -> String {
    if c.bit_identical {
        return "bit-identical".into();
    }
    match (tolerance.rtol, c.precision) {
        (Some(rtol), _) => format!("within --rtol {}", number(rtol)),
        (None, Some(Precision::Float32)) => "to float32 precision (2^-24 relative)".into(),
        (None, Some(Precision::HalfUnit(_))) => "to the printed digits".into(),
        (None, _) => "exactly".into(),
    }
}

fn text(spec: &NamedSchedule, comparisons: &[(&Path, Comparison)], tolerance: Tolerance) -> String {
    let mut out = format!(
        "schedule: {} ({}), {}\n",
        spec.name,
        spec.dialect.name(),
        plural(spec.params().iters, "iteration", "iterations")
    );
    for (path, c) in comparisons {
        let d = &c.description;
        let convention = if d.convention.is_empty() {
            String::new()
        } else {
            format!(", {}", d.convention)
        };
        let _ = writeln!(out, "{}: {}{convention}", path.display(), d.format);
        let _ = writeln!(out, "  {}", what_was_read(c));
        for (iteration, place) in &c.restarts {
            let _ = writeln!(
                out,
                "  the log restarts at iteration {iteration} ({place}): its points from there \
                 replace the earlier ones"
            );
        }
        if let Some(caveat) = &d.caveat {
            let _ = writeln!(out, "  note: {caveat}");
        }
        if c.past_end > 0 {
            let _ = writeln!(
                out,
                "  note: {} past the schedule's {}",
                plural(c.past_end, "point", "points"),
                plural(spec.params().iters, "iteration", "iterations")
            );
        }
        match c.verdict {
            Verdict::Agree => {
                let _ = writeln!(out, "  agrees: every point, {}", agreement(c, tolerance));
            }
            Verdict::Differ => differs(&mut out, c),
        }
    }
    out
}

fn differs(out: &mut String, c: &Comparison) {
    let shown: Vec<String> = c
        .ranges
        .iter()
        .take(RANGES_SHOWN)
        .map(|r| match r.first == r.last {
            true => r.first.to_string(),
            false => format!("{}..{} ({})", r.first, r.last, grouped(r.points)),
        })
        .collect();
    let more = match c.ranges.len().saturating_sub(RANGES_SHOWN) {
        0 => String::new(),
        n => format!(", and {} more", grouped(n as u64)),
    };
    let _ = writeln!(
        out,
        "  DIFFERS: {} of {}, in {}: {}{more}",
        grouped(c.differing),
        plural(c.points, "point", "points"),
        plural(c.ranges.len() as u64, "range", "ranges"),
        shown.join(", ")
    );
    if let Some(first) = &c.first_difference {
        let _ = writeln!(
            out,
            "  first difference: iteration {} ({}): expected {}, logged {}",
            first.iteration,
            first.at,
            number(first.expected),
            number(first.logged)
        );
    }
    for diagnosis in &c.diagnoses {
        let _ = writeln!(out, "  diagnosis: {}", diagnosis.text);
    }
    if c.diagnoses.is_empty() {
        let _ = writeln!(
            out,
            "  diagnosis: none of the known causes fits; tried {}",
            c.tried.join(", ")
        );
    }
}

/// A JSON string literal.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn or_null<T>(value: Option<T>, f: impl FnOnce(T) -> String) -> String {
    value.map_or("null".to_string(), f)
}

fn json(spec: &NamedSchedule, comparisons: &[(&Path, Comparison)]) -> String {
    let logs: Vec<String> = comparisons
        .iter()
        .map(|(path, c)| {
            let d = &c.description;
            let ranges: Vec<String> = c
                .ranges
                .iter()
                .map(|r| {
                    format!(
                        "{{\"first\": {}, \"last\": {}, \"points\": {}}}",
                        r.first, r.last, r.points
                    )
                })
                .collect();
            let restarts: Vec<String> = c
                .restarts
                .iter()
                .map(|(t, place)| {
                    format!(
                        "{{\"iteration\": {t}, \"at\": {}}}",
                        quoted(place)
                    )
                })
                .collect();
            let diagnoses: Vec<String> = c
                .diagnoses
                .iter()
                .map(|g| {
                    format!(
                        "{{\"cause\": {}, \"text\": {}}}",
                        quoted(g.cause),
                        quoted(&g.text)
                    )
                })
                .collect();
            let first = or_null(c.first_difference.as_ref(), |f| {
                format!(
                    "{{\"iteration\": {}, \"expected\": {}, \"logged\": {}, \"at\": {}}}",
                    f.iteration,
                    number(f.expected),
                    number(f.logged),
                    quoted(&f.at)
                )
            });
            format!(
                "    {{\n      \"log\": {},\n      \"format\": {},\n      \"convention\": {},\n      \
                 \"caveat\": {},\n      \"points\": {},\n      \"first\": {},\n      \"last\": {},\n      \
                 \"every\": {},\n      \"gaps\": {},\n      \"restarts\": [{}],\n      \
                 \"past_end\": {},\n      \"agrees\": {},\n      \"bit_identical\": {},\n      \
                 \"differing\": {},\n      \"ranges\": [{}],\n      \"first_difference\": {first},\n      \
                 \"diagnoses\": [{}]\n    }}",
                quoted(&path.display().to_string()),
                quoted(d.format),
                quoted(&d.convention),
                or_null(d.caveat.as_deref(), quoted),
                c.points,
                or_null(c.span, |s| s.0.to_string()),
                or_null(c.span, |s| s.1.to_string()),
                or_null(c.every, |e| e.to_string()),
                c.gaps,
                restarts.join(", "),
                c.past_end,
                c.verdict == Verdict::Agree,
                c.verdict == Verdict::Agree && c.bit_identical,
                c.differing,
                ranges.join(", "),
                diagnoses.join(", ")
            )
        })
        .collect();
    let agrees = comparisons.iter().all(|(_, c)| c.verdict == Verdict::Agree);
    format!(
        "{{\n  \"schedule\": {{\"name\": {}, \"dialect\": {}, \"iters\": {}}},\n  \"agrees\": {agrees},\n  \"logs\": [\n{}\n  ]\n}}\n",
        quoted(&spec.name),
        quoted(spec.dialect.name()),
        spec.params().iters,
        logs.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(4500), "4,500");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn rtol_is_a_finite_number_at_least_0() {
        assert_eq!(rtol("1e-6").unwrap(), 1e-6);
        assert_eq!(
            rtol("-1").unwrap_err().to_string(),
            "--rtol: must be a finite number >= 0, got -1"
        );
        assert_eq!(
            rtol("x").unwrap_err().to_string(),
            "--rtol: 'x' is not a number"
        );
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(quoted("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }
}
