//! `lrsched plot`: the schedule as a PNG or SVG chart, or drawn in the terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::options;
use crate::cli::{LayoutName, PlotArgs};
use crate::config::{ConfigError, Origin};
use crate::diagnostics;
use crate::error::Error;
use crate::log::{self, Tolerance};
use crate::output::plot::{Figure, Layout, Logged, MAX_DRAWN, PlotOptions, XUnit, braille, chart};
use crate::output::sink::{Sink, SinkError};
use crate::schedule::NamedSchedule;

const DEFAULT_OUTPUT: &str = "lrsched.png";
const DEFAULT_SIZE: &str = "1200x700";
/// Width of a terminal plot when stdout is not a terminal (a pipe, a file, a test).
const DEFAULT_COLUMNS: u16 = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImageKind {
    Png,
    Svg,
}

impl ImageKind {
    fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Svg => "SVG",
        }
    }
}

pub fn run(args: &PlotArgs) -> Result<ExitCode, Error> {
    // A log is drawn over one chart: the schedules overlaid, however many.
    if args.log.is_some() && args.layout == Some(LayoutName::Grid) {
        return Err(ConfigError::invalid(
            Origin::Flag("--log".into()),
            "draws over one chart, not a grid; use --layout overlay",
        )
        .into());
    }
    let mut specs = super::load(&args.schedule, &args.files)?;
    if specs.len() > MAX_DRAWN {
        diagnostics::warning(format_args!(
            "plot: drawing the first {MAX_DRAWN} of {} schedules, {} left out: more do not fit \
             one plot",
            specs.len(),
            specs.len() - MAX_DRAWN
        ));
        specs.truncate(MAX_DRAWN);
    }
    let x_unit = x_unit(&args.x_axis)?;
    let options = PlotOptions {
        x_unit,
        log_y: args.log_y,
        title: args.title.clone(),
        layout: match args.layout.unwrap_or(LayoutName::Auto) {
            LayoutName::Auto if args.log.is_some() => Layout::Overlay,
            LayoutName::Auto => Layout::Auto,
            LayoutName::Overlay => Layout::Overlay,
            LayoutName::Grid => Layout::Grid,
        },
    };
    if args.terminal {
        return draw_in_terminal(&specs, &options, args);
    }

    let (width, height) = options::size(args.size.as_deref().unwrap_or(DEFAULT_SIZE))?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUTPUT));
    let to_stdout = output.as_os_str() == "-";
    let kind = if to_stdout {
        ImageKind::Png
    } else {
        image_kind(&output)?
    };
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(ConfigError::invalid(
            Origin::Flag("--output".into()),
            "refusing to write a PNG image to a terminal; pipe it, or use --terminal to draw here",
        )
        .into());
    }
    let mut figure = figure(&specs, &options, width)?;
    overlay(&mut figure, &specs[0], args, width)?;

    let mut inputs = args.schedule.input(&args.files).files;
    inputs.extend(args.log.clone());
    let mut sink = Sink::open_unless_input(Some(&output), &inputs)?;
    let rendered = match kind {
        ImageKind::Png => chart::png(&figure, (width, height)),
        ImageKind::Svg => chart::svg(&figure, (width, height)).map(String::into_bytes),
    };
    let bytes = rendered.map_err(|problem| SinkError {
        path: output.clone(),
        problem: format!("cannot draw the chart: {problem}"),
    })?;
    sink.write_all(&bytes).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    if !to_stdout {
        eprintln!(
            "wrote {} ({width}x{height} {})",
            output.display(),
            kind.name()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn draw_in_terminal(
    specs: &[NamedSchedule],
    options: &PlotOptions,
    args: &PlotArgs,
) -> Result<ExitCode, Error> {
    let stdout = std::io::stdout();
    let columns = if stdout.is_terminal() {
        terminal_size::terminal_size_of(&stdout).map_or(DEFAULT_COLUMNS, |(width, _)| width.0)
    } else {
        DEFAULT_COLUMNS
    };
    // Overlaid curves are told apart by colour when colour is wanted (--color, NO_COLOR, a tty).
    let color = anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
    let layout = braille::PlotLayout::new(usize::from(columns));
    let mut figure = figure(specs, options, layout.resolution())?;
    overlay(&mut figure, &specs[0], args, layout.resolution())?;
    let text = braille::plot(&figure, &layout, color);
    let mut sink = Sink::open(None)?;
    sink.write_all(text.as_bytes()).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// The figure, or which schedule cannot be drawn against epochs.
fn figure(
    specs: &[NamedSchedule],
    options: &PlotOptions,
    resolution: u32,
) -> Result<Figure, Error> {
    Figure::new(specs, options, resolution).map_err(|missing| {
        let which = if specs.len() > 1 {
            format!(" (schedule '{}')", missing.schedule)
        } else {
            String::new()
        };
        ConfigError::invalid(
            Origin::Flag("--x".into()),
            format!(
                "the epoch axis needs iters_per_epoch{which}; set it with --iters-per-epoch N \
                 or the iters_per_epoch key"
            ),
        )
        .into()
    })
}

/// With `--log`, the log's points over the first schedule, each compared with it as `verify`
/// compares them (to the log's precision).
fn overlay(
    figure: &mut Figure,
    spec: &NamedSchedule,
    args: &PlotArgs,
    resolution: u32,
) -> Result<(), Error> {
    let Some(path) = &args.log else {
        return Ok(());
    };

    let mut points = log::open(path, &args.log_reading.options(spec.iters_per_epoch))?;
    let curve = log::read_curve(points.as_mut())?;
    let schedule = spec.schedule.as_ref();
    let tolerance = Tolerance { rtol: None };
    let compared = curve.runs.iter().flat_map(|run| {
        run.iterations().map(move |t| {
            let agrees = tolerance.agrees(schedule.lr(t), run.lr, run.precision);
            (t, run.lr, agrees)
        })
    });
    let per_unit = match figure.x_unit {
        XUnit::Iteration => 1,
        XUnit::Epoch => spec.iters_per_epoch.unwrap_or(1),
    };
    figure.logged = Some(Logged::new(
        path.display().to_string(),
        compared,
        per_unit,
        figure.x_max,
        resolution,
    ));
    Ok(())
}

/// `--x iter|epoch`.
fn x_unit(text: &str) -> Result<XUnit, ConfigError> {
    match text.trim() {
        "iter" | "iteration" | "iterations" => Ok(XUnit::Iteration),
        "epoch" | "epochs" => Ok(XUnit::Epoch),
        other => Err(ConfigError::invalid(
            Origin::Flag("--x".into()),
            format!(
                "unknown axis unit {}; expected iter or epoch",
                crate::schedule::message::quote_prefix(other, crate::schedule::message::QUOTED)
            ),
        )),
    }
}

/// PNG or SVG, from the output file's extension.
fn image_kind(path: &Path) -> Result<ImageKind, ConfigError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => Ok(ImageKind::Png),
        Some("svg") => Ok(ImageKind::Svg),
        other => {
            let found = match other {
                Some(extension) => format!("'.{extension}' is not an image type lrsched writes"),
                None => format!("'{}' has no extension", path.display()),
            };
            Err(ConfigError::invalid(
                Origin::Flag("--output".into()),
                format!("{found}; use a .png or .svg file name, or - for PNG on stdout"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_kind_from_extension() {
        assert_eq!(image_kind(Path::new("a.png")).unwrap(), ImageKind::Png);
        assert_eq!(image_kind(Path::new("dir/A.SVG")).unwrap(), ImageKind::Svg);
        assert_eq!(
            image_kind(Path::new("a.jpg")).unwrap_err().to_string(),
            "--output: '.jpg' is not an image type lrsched writes; \
             use a .png or .svg file name, or - for PNG on stdout"
        );
        assert_eq!(
            image_kind(Path::new("plot")).unwrap_err().to_string(),
            "--output: 'plot' has no extension; use a .png or .svg file name, or - for PNG on stdout"
        );
    }

    #[test]
    fn x_units() {
        assert_eq!(x_unit("iter").unwrap(), XUnit::Iteration);
        assert_eq!(x_unit("epoch").unwrap(), XUnit::Epoch);
        assert_eq!(
            x_unit("step").unwrap_err().to_string(),
            "--x: unknown axis unit 'step'; expected iter or epoch"
        );
    }
}
