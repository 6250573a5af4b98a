//! The command line, as clap sees it. Values stay text here: `config` converts and checks them
//! so that a flag and a TOML key share one set of rules and messages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Input, Layer};
use crate::output::FormatName;

#[derive(Parser, Debug)]
#[command(
    name = "lrsched",
    version,
    about = "Compute, check, tabulate and plot warmup + multi-step learning-rate schedules",
    long_about = "Compute, check, tabulate and plot warmup + multi-step (\"multi-factor\") \
learning-rate schedules: maskrcnn-benchmark / detectron2 WarmupMultiStepLR, PyTorch MultiStepLR \
with a warmup, MXNet MultiFactorScheduler and friends.\n\n\
A schedule comes from flags, from TOML files (-c FILE or positional), or both; flags win. \
With no input at all it is the reference example: base_lr 0.01, milestones [50, 100], gamma 0.1, \
linear warmup from 0.1x over 10 iterations.",
    after_help = "Examples:\n  \
lrsched table schedules/detectron2-1x.toml | awk -F, '$2 != prev {print; prev = $2}'\n  \
lrsched at 59999 60000 -c schedules/detectron2-1x.toml\n  \
lrsched explain --milestones 30,60,90 --iters-per-epoch 5005 --unit epoch\n  \
lrsched check schedules/*.toml --strict\n  \
lrsched init -o my-schedule.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every iteration's learning rate as rows (CSV, TSV, JSON, JSON Lines)
    #[command(after_help = "Examples:\n  \
lrsched table                                   # the reference example, as CSV\n  \
lrsched table schedules/detectron2-1x.toml --every 1000 --columns iteration,lr,phase\n  \
lrsched table -c d2.toml --start 59990 --end 60010 --format jsonl\n  \
lrsched table a.toml b.toml -o compare.csv      # one lr column per schedule")]
    Table(TableArgs),
    /// The learning rate at given iterations, one per line
    #[command(after_help = "Examples:\n  \
lrsched at 59999 60000 -c schedules/detectron2-1x.toml\n  \
seq 0 1000 90000 | lrsched at - -c schedules/detectron2-1x.toml --format csv")]
    At(AtArgs),
    /// Draw the schedule as PNG or SVG, or in the terminal
    #[command(after_help = "Examples:\n  \
lrsched plot                                    # writes lrsched.png\n  \
lrsched plot schedules/detectron2-1x.toml schedules/detectron2-3x.toml -o cmp.svg --log-y\n  \
lrsched plot -c resnet.toml --x epoch --terminal")]
    Plot(PlotArgs),
    /// One row per phase: where it starts and ends and what the lr does
    #[command(after_help = "Examples:\n  \
lrsched explain\n  \
lrsched explain schedules/detectron2-1x.toml --format json")]
    Explain(ExplainArgs),
    /// Validate schedules and warn about likely mistakes
    #[command(
        after_help = "Exit status: 0 valid (warnings allowed unless --strict), \
1 warnings with --strict, 2 errors.\n\nExamples:\n  \
lrsched check schedules/*.toml\n  \
lrsched check --milestones 50,100 --iters-per-epoch 391 --strict"
    )]
    Check(CheckArgs),
    /// Write a commented schedule TOML with every key at its default
    #[command(after_help = "Examples:\n  \
lrsched init > my-schedule.toml\n  \
lrsched init -o my-schedule.toml && lrsched check my-schedule.toml")]
    Init(InitArgs),
}

/// The schedule: TOML files and flags (flags override files).
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Schedule")]
pub struct ScheduleArgs {
    /// Schedule TOML file (repeatable: one schedule per file)
    #[arg(short = 'c', long = "config", value_name = "FILE")]
    pub config: Vec<PathBuf>,
    /// Learning rate after warmup, before any decay [default: 0.01]
    #[arg(long, value_name = "LR", allow_hyphen_values = true)]
    pub base_lr: Option<String>,
    /// Iterations at which lr is multiplied by gamma, e.g. 60000,80000; empty for none
    /// [default: 50,100]
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub milestones: Option<String>,
    /// Decay factor per milestone [default: 0.1]
    #[arg(long, value_name = "G", allow_hyphen_values = true)]
    pub gamma: Option<String>,
    /// Decay every N iterations after warmup, instead of milestones
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub step_size: Option<String>,
    /// Length of the warmup phase [default: 10]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub warmup_iters: Option<String>,
    /// lr multiplier at iteration 0 [default: 0.1]
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub warmup_factor: Option<String>,
    /// linear, constant or exp [default: linear]
    #[arg(long, value_name = "METHOD")]
    pub warmup_method: Option<String>,
    /// Iterations to evaluate (t = 0 … N-1) [default: 1.5 × last milestone]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub iters: Option<String>,
    /// Iterations per epoch, for epoch units and the epoch axis
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub iters_per_epoch: Option<String>,
    /// Unit of milestones, step_size, warmup_iters and iters: iter or epoch [default: iter]
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Framework whose exact arithmetic to reproduce, or `all` [default: maskrcnn]
    #[arg(long, value_name = "NAME")]
    pub dialect: Option<String>,
    /// Label for legends and JSON [default: file stem, or "schedule"]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

impl ScheduleArgs {
    /// The input these flags describe, with extra positional schedule files.
    pub fn input(&self, positional_files: &[PathBuf]) -> Input {
        let mut flags = Layer::default();
        flags.set_flag("base_lr", self.base_lr.as_deref());
        flags.set_flag("milestones", self.milestones.as_deref());
        flags.set_flag("gamma", self.gamma.as_deref());
        flags.set_flag("step_size", self.step_size.as_deref());
        flags.set_flag("warmup_iters", self.warmup_iters.as_deref());
        flags.set_flag("warmup_factor", self.warmup_factor.as_deref());
        flags.set_flag("warmup_method", self.warmup_method.as_deref());
        flags.set_flag("iters", self.iters.as_deref());
        flags.set_flag("iters_per_epoch", self.iters_per_epoch.as_deref());
        flags.set_flag("unit", self.unit.as_deref());
        flags.set_flag("dialect", self.dialect.as_deref());
        flags.set_flag("name", self.name.as_deref());
        let mut files = positional_files.to_vec();
        files.extend(self.config.iter().cloned());
        Input { files, flags }
    }
}

#[derive(Args, Debug)]
pub struct TableArgs {
    /// Schedule TOML files (same as -c)
    #[arg(value_name = "SCHEDULE.toml")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Output format [default: from the -o extension, else csv]
    #[arg(long, value_enum)]
    pub format: Option<FormatName>,
    /// Write to FILE instead of stdout (atomically)
    #[arg(short, long, value_name = "FILE")]
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
}

#[derive(Args, Debug)]
pub struct AtArgs {
    /// Iterations to evaluate; `-` reads them from stdin, one per line
    #[arg(value_name = "ITER", required = true, allow_negative_numbers = true)]
    pub iterations: Vec<String>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Output format: plain prints the lr only [default: plain]
    #[arg(long, value_enum)]
    pub format: Option<FormatName>,
}

#[derive(Args, Debug)]
pub struct PlotArgs {
    /// Schedule TOML files, overlaid on one chart (same as -c)
    #[arg(value_name = "SCHEDULE.toml")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Image to write: .png or .svg; `-` writes PNG to stdout
    #[arg(short, long, value_name = "FILE", default_value = "lrsched.png")]
    pub output: PathBuf,
    /// Logarithmic y axis
    #[arg(long)]
    pub log_y: bool,
    /// x axis unit: iter or epoch (epoch needs iters_per_epoch)
    #[arg(long = "x", value_name = "UNIT", default_value = "iter")]
    pub x_axis: String,
    /// Chart title [default: the schedule's name and key parameters]
    #[arg(long)]
    pub title: Option<String>,
    /// Image size in pixels, WIDTHxHEIGHT
    #[arg(long, value_name = "WxH", default_value = "1200x700")]
    pub size: String,
    /// Draw in the terminal instead of writing an image
    #[arg(short, long)]
    pub terminal: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Schedule TOML files (same as -c)
    #[arg(value_name = "SCHEDULE.toml")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Output format: text is an aligned table [default: text]
    #[arg(long, value_enum)]
    pub format: Option<ExplainFormat>,
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
    #[arg(value_name = "SCHEDULE.toml")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Exit 1 when there are warnings
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Write to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists
    #[arg(long)]
    pub force: bool,
}
