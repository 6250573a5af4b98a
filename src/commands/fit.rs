//! `lrsched fit`: the warmup + multi-step schedule a training log followed, as schedule TOML
//! that `verify` accepts for the same log (docs/verify.md#fit). Exit 0 when one fits, 1 when
//! the log is no warmup + multi-step curve (its phases are printed instead), 2 on bad input.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use super::verify::{grouped, rtol};
use crate::cli::FitArgs;
use crate::config::{ConfigError, Origin};
use crate::error::Error;
use crate::log::{self, Curve, Fit, Fitted, LogError, Phase, Tolerance};
use crate::output::sink::Sink;
use crate::schedule::message::number;
use crate::schedule::{Decay, WarmupMethod};

/// Points a fit needs: one shows a level but not where it holds.
const MIN_POINTS: u64 = 2;
/// Phases listed for a log that does not fit; the rest are counted.
const PHASES_SHOWN: usize = 40;

pub fn run(args: &FitArgs) -> Result<ExitCode, Error> {
    let tolerance = Tolerance {
        rtol: args.rtol.as_deref().map(rtol).transpose()?,
    };
    let iters_per_epoch = args
        .iters_per_epoch
        .as_deref()
        .map(iters_per_epoch)
        .transpose()?;
    let mut points = log::open(&args.log, &args.log_reading.options(iters_per_epoch))?;
    let curve = log::read_curve(points.as_mut())?;
    let found = curve.points() + curve.dropped;
    if found < MIN_POINTS {
        return Err(LogError::file(
            &args.log,
            format!(
                "{found} lr point{} logged; fit needs at least {MIN_POINTS}: a level and where \
                 it holds",
                if found == 1 { "" } else { "s" }
            ),
        )
        .into());
    }
    let source = format!(
        "{}: {}, {} points, {}..{}",
        args.log.display(),
        curve.description.format,
        grouped(curve.points()),
        curve.runs[0].first,
        curve.runs.last().map_or(0, log::Run::last)
    );
    let (text, code) = match log::fit(&curve, tolerance) {
        Fit::Schedule(fitted) => (toml(&source, &fitted, iters_per_epoch), ExitCode::SUCCESS),
        Fit::Unfit { reason, phases } => {
            (unfit(&source, &curve, &reason, &phases), ExitCode::from(1))
        }
    };
    let mut sink = Sink::open(None)?;
    sink.write_all(text.as_bytes()).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(code)
}

fn iters_per_epoch(text: &str) -> Result<u64, ConfigError> {
    let problem = match text.trim().parse::<u64>() {
        Ok(0) => "must be >= 1, got 0".to_string(),
        Ok(n) => return Ok(n),
        Err(_) => format!("'{text}' is not a whole number"),
    };
    Err(ConfigError::invalid(
        Origin::Flag("--iters-per-epoch".into()),
        problem,
    ))
}

/// The schedule as TOML, what the log leaves open as comments.
fn toml(source: &str, fitted: &Fitted, iters_per_epoch: Option<u64>) -> String {
    let p = &fitted.params;
    let names: Vec<&str> = fitted.dialects.iter().map(|d| d.name()).collect();
    // The reference when it reproduces the log, else the first that does.
    let dialect = names
        .iter()
        .find(|&&n| n == "maskrcnn")
        .unwrap_or(&names[0]);
    let mut out = format!("# fitted by lrsched fit to {source}\n");
    let _ = writeln!(
        out,
        "# every logged point is reproduced by: {}",
        names.join(", ")
    );
    for note in &fitted.notes {
        let _ = writeln!(out, "# {note}");
    }
    // With values, values[0] is base_lr: the key takes one or the other.
    if p.values.is_none() {
        let _ = writeln!(out, "base_lr = {}", number(p.base_lr));
    }
    let milestones = match &p.decay {
        Decay::Milestones(m) => m.iter().map(u64::to_string).collect::<Vec<_>>(),
        Decay::StepSize(_) => Vec::new(),
    };
    let _ = writeln!(out, "milestones = [{}]", milestones.join(", "));
    match &p.values {
        Some(values) => {
            let values: Vec<String> = values.iter().map(|&v| number(v)).collect();
            let _ = writeln!(out, "values = [{}]", values.join(", "));
        }
        None if !milestones.is_empty() => {
            let _ = writeln!(out, "gamma = {}", number(p.gamma));
        }
        None => {}
    }
    let _ = writeln!(out, "warmup_iters = {}", p.warmup_iters);
    if p.warmup_iters > 0 {
        let _ = writeln!(out, "warmup_factor = {}", number(p.warmup_factor));
        let _ = writeln!(out, "warmup_method = \"{}\"", p.warmup_method.name());
    } else if p.warmup_method != WarmupMethod::Linear {
        let _ = writeln!(out, "warmup_method = \"{}\"", p.warmup_method.name());
    }
    let _ = writeln!(out, "iters = {}", p.iters);
    if let Some(n) = iters_per_epoch {
        let _ = writeln!(out, "iters_per_epoch = {n}");
    }
    let _ = writeln!(out, "dialect = \"{dialect}\"");
    out
}

/// Why the log does not fit, and its phases.
fn unfit(source: &str, curve: &Curve, reason: &str, phases: &[Phase]) -> String {
    let mut out = format!("{source}\n  not a warmup + multi-step curve: {reason}\n");
    if !curve.restarts.is_empty() {
        let at: Vec<String> = curve.restarts.iter().map(u64::to_string).collect();
        let _ = writeln!(
            out,
            "  the log restarts at iteration {}: its points from there replace the earlier ones",
            at.join(", ")
        );
    }
    let _ = writeln!(out, "  phases found:");
    for phase in phases.iter().take(PHASES_SHOWN) {
        let span = match phase.first == phase.last {
            true => format!("{}", phase.first),
            false => format!("{}..{}", phase.first, phase.last),
        };
        let shape = match (phase.constant, phase.points) {
            (true, _) => format!("constant {}", number(phase.from)),
            (false, 1) => format!("one point, {}", number(phase.from)),
            (false, _) if phase.to > phase.from => {
                format!("rising, {} to {}", number(phase.from), number(phase.to))
            }
            (false, _) => format!("falling, {} to {}", number(phase.from), number(phase.to)),
        };
        let _ = writeln!(
            out,
            "    {span} ({}): {shape}",
            super::verify::plural(phase.points, "point", "points")
        );
    }
    if phases.len() > PHASES_SHOWN {
        let _ = writeln!(
            out,
            "    and {} more",
            grouped((phases.len() - PHASES_SHOWN) as u64)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iters_per_epoch_is_a_whole_number_at_least_1() {
        assert_eq!(iters_per_epoch("20").unwrap(), 20);
        assert_eq!(
            iters_per_epoch("0").unwrap_err().to_string(),
            "--iters-per-epoch: must be >= 1, got 0"
        );
        assert_eq!(
            iters_per_epoch("x").unwrap_err().to_string(),
            "--iters-per-epoch: 'x' is not a whole number"
        );
    }
}
