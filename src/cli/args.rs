//! The arguments of each command, beyond the schedule flags.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, ValueHint};

use super::{MAN_PAGES, ScheduleArgs};
use crate::output::FormatName;

#[derive(Args, Debug)]
pub struct TableArgs {
    /// Schedule TOML files (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Output format: csv, tsv, json, jsonl or plain [default: from the -o extension, else csv]
    #[arg(long, value_enum, hide_possible_values = true)]
    pub format: Option<FormatName>,
    /// Write to FILE instead of stdout (atomically)
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Comma-separated columns: iteration, epoch, lr, phase, factor
    #[arg(long, value_name = "LIST", default_value = "iteration,lr")]
    pub columns: String,
    /// Write every N-th iteration (from --start)
    #[arg(
        long,
        value_name = "N",
        default_value = "1",
        allow_hyphen_values = true
    )]
    pub every: String,
    /// First iteration to write [default: 0]
    #[arg(long, value_name = "ITER", allow_hyphen_values = true)]
    pub start: Option<String>,
    /// Stop before this iteration [default: iters]
    #[arg(long, value_name = "ITER", allow_hyphen_values = true)]
    pub end: Option<String>,
    // Last, so that the options above stay under "Options" and these under "Schedule".
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
pub struct AtArgs {
    /// Iterations to evaluate; `-` reads them from stdin, one per line
    #[arg(value_name = "ITER", required = true, allow_negative_numbers = true)]
    pub iterations: Vec<String>,
    /// Output format: plain (the lr only), csv, tsv, json or jsonl [default: plain]
    #[arg(long, value_enum, hide_possible_values = true)]
    pub format: Option<FormatName>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
pub struct PlotArgs {
    /// Schedule TOML files, overlaid on one chart (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Image to write, PNG or SVG by its extension; `-` writes PNG to stdout
    /// [default: lrsched.png]
    #[arg(
        short,
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        conflicts_with = "terminal"
    )]
    pub output: Option<PathBuf>,
    /// Logarithmic lr axis (labels 1e-3, 1e-4, ...)
    #[arg(long)]
    pub log_y: bool,
    /// A training log to draw over the first schedule: its points, marked where they differ
    /// from the schedule (docs/verify.md#plot---log)
    #[arg(long = "log", value_name = "LOG", value_hint = ValueHint::AnyPath)]
    pub log: Option<PathBuf>,
    #[command(flatten)]
    pub log_reading: LogReadArgs,
    /// x axis unit: iter or epoch (epoch needs iters_per_epoch)
    #[arg(long = "x", value_name = "UNIT", default_value = "iter")]
    pub x_axis: String,
    /// Chart title [default: the schedule's name and key parameters]
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Image size in pixels, WIDTHxHEIGHT [default: 1200x700]
    #[arg(long, value_name = "WxH", conflicts_with = "terminal")]
    pub size: Option<String>,
    /// Draw the curve in the terminal with braille characters (80 columns when stdout is not a
    /// terminal)
    #[arg(short, long)]
    pub terminal: bool,
    /// How several schedules share the plot: overlay (one chart), grid (one panel per schedule
    /// over the first, in grey, shaded where it differs; in the terminal, the first schedule's
    /// curve and one row per schedule marking where it differs), or auto: overlay up to 6
    /// schedules, grid beyond [default: auto]
    #[arg(long, value_enum, value_name = "LAYOUT", hide_possible_values = true)]
    pub layout: Option<LayoutName>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

/// `plot --layout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutName {
    Auto,
    Overlay,
    Grid,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Schedule TOML files (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Output format: text is an aligned table [default: text]
    #[arg(long, value_enum)]
    pub format: Option<ExplainFormat>,
    /// In text, one row per phase even past six schedules, which are otherwise summed up one
    /// row each (the data formats always list every phase)
    #[arg(long)]
    pub phases: bool,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

/// `explain` prints for people by default, or as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Csv,
    Tsv,
    Json,
    Jsonl,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Schedule TOML files (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Exit 1 when there are warnings
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
// `verify` also reads a config (`--from`), so its `--log-format` help tells the two apart.
#[command(mut_args(|arg| if arg.get_id() == "log_format" {
    arg.help("Read the logs as this format instead of detecting it (`--from` names a config's)")
} else {
    arg
}))]
pub struct VerifyArgs {
    /// Training logs: files, or TensorBoard run directories (their event files)
    #[arg(value_name = "LOG", required = true, value_hint = ValueHint::AnyPath)]
    pub logs: Vec<PathBuf>,
    #[command(flatten)]
    pub log_reading: LogReadArgs,
    /// Relative tolerance [default: the log's precision: exact for full-precision text,
    /// 2^-24 for float32, the printed digits for rounded text]
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub rtol: Option<String>,
    /// Output format: text or json [default: text]
    #[arg(long, value_enum)]
    pub format: Option<VerifyFormat>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
pub struct FitArgs {
    /// A training log: a file, or a TensorBoard run directory
    #[arg(value_name = "LOG", value_hint = ValueHint::AnyPath)]
    pub log: PathBuf,
    #[command(flatten)]
    pub log_reading: LogReadArgs,
    /// Iterations per epoch, for a log written once per epoch (Keras); written into the TOML
    #[arg(long, value_name = "N")]
    pub iters_per_epoch: Option<String>,
    /// Relative tolerance [default: the log's precision, as for verify]
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub rtol: Option<String>,
}

/// How to read a training log, for `verify`, `fit` and `plot --log`.
#[derive(Args, Debug, Clone, Default)]
pub struct LogReadArgs {
    /// Read the log as this format instead of detecting it
    #[arg(long, value_name = "FORMAT", value_parser = log_formats())]
    pub log_format: Option<String>,
    /// The key or column of the step [default: the format's]
    #[arg(long, value_name = "KEY")]
    pub step_key: Option<String>,
    /// The key or column of the lr [default: the format's]
    #[arg(long, value_name = "KEY")]
    pub lr_key: Option<String>,
    /// The step the log gives the first iteration: 0 or 1 [default: the format's]
    #[arg(long, value_name = "N", value_parser = ["0", "1"])]
    pub step_base: Option<String>,
    /// The lr series to read, when a log has several (param groups, optimizers)
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

impl LogReadArgs {
    /// The reader's options, with the epoch length a per-epoch log needs.
    pub fn options(&self, iters_per_epoch: Option<u64>) -> crate::log::ReadOptions {
        crate::log::ReadOptions {
            from: self
                .log_format
                .as_deref()
                .and_then(crate::log::Format::named),
            step_key: self.step_key.clone(),
            lr_key: self.lr_key.clone(),
            step_base: self.step_base.as_deref().and_then(|b| b.parse().ok()),
            tag: self.tag.clone(),
            iters_per_epoch,
        }
    }
}

/// `verify` reports for people by default, or as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

/// `--log-format` takes the names of the log format registry.
fn log_formats() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::log::FORMATS
            .iter()
            .map(|format| PossibleValue::new(format.name).help(format.about)),
    )
}

#[derive(Args, Debug)]
pub struct InitArgs {
    // Values to write instead of the defaults; a -c FILE is read and written out complete.
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct ScaleArgs {
    /// The schedule TOML file to scale (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Write to FILE instead of stdout (atomically)
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Schedule TOML files: A and B, or one schedule with --dialect A,B (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub files: Vec<PathBuf>,
    /// Output format: text for people, json for machines [default: text]
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

/// `diff --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The target framework (docs/export.md lists them)
    #[arg(long, value_name = "TARGET", required = true)]
    pub to: String,
    /// The schedule TOML file to export (same as -c)
    #[arg(value_name = "SCHEDULE.toml", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Exit 1 unless the target's curve is identical to the source's, to the bit
    #[arg(long)]
    pub check: bool,
    /// Write to FILE instead of stdout (atomically)
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The framework config (or schedule TOML) to import (same as -c)
    #[arg(value_name = "CONFIG", value_hint = ValueHint::FilePath)]
    pub file: Option<PathBuf>,
    /// Write to FILE instead of stdout (atomically)
    #[arg(short, long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// A training script's command line, instead of a config file (with --from: timm,
    /// torchvision-detection, torchvision-classification)
    #[arg(last = true, value_name = "SCRIPT ARGS", allow_hyphen_values = true)]
    pub command_line: Vec<String>,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The command whose page to print [default: lrsched itself, which lists the commands]
    #[arg(value_name = "COMMAND", value_parser = MAN_PAGES)]
    pub command: Option<String>,
}
