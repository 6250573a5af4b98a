//! The command line, as clap sees it. Values stay text here: `config` converts and checks them
//! so that a flag and a TOML key share one set of rules and messages.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser, ValueParser};
use clap::{
    Arg, ArgAction, ArgGroup, ArgMatches, Args, ColorChoice, FromArgMatches, Parser, Subcommand,
    ValueHint, value_parser,
};

use crate::config::{self, Input, Layer};
use crate::output::FormatName;
use crate::schedule::Dialect;

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
lrsched table --end 12 --every 3                # the reference example, as CSV\n  \
lrsched at 59999 60000 -c schedules/detectron2-1x.toml\n  \
lrsched explain schedules/resnet-imagenet.toml\n  \
lrsched check schedules/*.toml --strict\n  \
lrsched plot schedules/detectron2-1x.toml schedules/detectron2-3x.toml -o d2.png\n  \
lrsched init -o my-schedule.toml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour errors, warnings, help and overlaid terminal plots: auto colours a terminal
    /// unless NO_COLOR is set
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        value_enum,
        default_value_t = ColorChoice::Auto
    )]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Every iteration's learning rate as rows (CSV, TSV, JSON, JSON Lines)
    #[command(after_help = "Examples:\n  \
lrsched table --end 12 --every 3                # the reference example, as CSV\n  \
lrsched table schedules/detectron2-1x.toml --every 10000 --columns iteration,lr,phase\n  \
lrsched table schedules/detectron2-1x.toml --start 59998 --end 60002 --format jsonl\n  \
lrsched table schedules/detectron2-1x.toml schedules/detectron2-3x.toml --every 5000 -o d2.csv")]
    Table(TableArgs),
    /// The learning rate at given iterations, one per line
    #[command(after_help = "Examples:\n  \
lrsched at 59999 60000 -c schedules/detectron2-1x.toml\n  \
lrsched at 0 5 10 --format csv                  # the reference example, with the iteration\n  \
seq 0 10000 90000 | lrsched at - -c schedules/detectron2-1x.toml --format csv")]
    At(AtArgs),
    /// Draw the schedule as PNG or SVG, or in the terminal
    #[command(after_help = "Examples:\n  \
lrsched plot                                    # the reference example, to lrsched.png\n  \
lrsched plot schedules/detectron2-1x.toml schedules/detectron2-3x.toml -o d2.svg --log-y\n  \
lrsched plot schedules/resnet-imagenet.toml --x epoch --terminal")]
    Plot(PlotArgs),
    /// One row per phase: where it starts and ends and what the lr does
    #[command(after_help = "Examples:\n  \
lrsched explain                                 # the reference example\n  \
lrsched explain schedules/resnet-imagenet.toml\n  \
lrsched explain schedules/detectron2-1x.toml --format json\n  \
lrsched explain --dialect all                   # one row per dialect; --phases: one per phase")]
    Explain(ExplainArgs),
    /// Validate schedules and warn about likely mistakes
    #[command(
        after_help = "Warnings: a milestone never reached, a warmup longer than the first \
milestone, gamma or warmup_factor above 1, milestones that look like epochs.\n\n\
Exit status: 0 valid (warnings allowed unless --strict), 1 warnings with --strict, 2 errors.\n\n\
Examples:\n  \
lrsched check schedules/*.toml\n  \
lrsched check schedules/reference.toml --iters-per-epoch 391 --strict"
    )]
    Check(CheckArgs),
    /// Write a commented schedule TOML with every key at its default
    #[command(after_help = "Examples:\n  \
lrsched init > my-schedule.toml\n  \
lrsched init -o my-schedule.toml && lrsched check my-schedule.toml\n  \
lrsched init --milestones 60000,80000 --iters 90000 --warmup-iters 1000 -o d2.toml")]
    Init(InitArgs),
    /// Scale a schedule to another batch or number of devices, written as schedule TOML
    #[command(
        after_help = "Rule: k = to / from; base_lr × k (--rule linear, the default), × sqrt(k) \
(sqrt) or unchanged (none); every count in iterations becomes round(x / k), rounding half to \
even, as detectron2's auto_scale_workers does, so that the run keeps its epochs; counts in epochs \
stay. --keep-warmup keeps warmup_iters. The same flags scale the schedule of any other command.\n\n\
Examples:\n  \
lrsched scale schedules/detectron2-1x.toml --from-devices 8 --to-devices 4\n  \
lrsched scale schedules/detectron2-1x.toml --from-batch 16 --to-batch 2 --keep-warmup -o d2-1gpu.toml\n  \
lrsched plot schedules/detectron2-1x.toml --from-batch 16 --to-batch 4 --terminal"
    )]
    Scale(ScaleArgs),
    /// Compare the lr a training run logged with the schedule
    #[command(
        after_help = "A LOG is a metrics.json (detectron2), scalars.json or .log (mmengine), \
metrics.csv (Lightning), training.csv (Keras), an event file or run directory (TensorBoard), a \
TensorBoard/W&B CSV download, or an iteration,lr table; the format is detected, or named with \
--log-format. docs/verify.md lists each format's step convention and every diagnosis.\n\n\
Exit status: 0 the log agrees with the schedule, 1 it does not, 2 bad input.\n\n\
Examples:\n  \
lrsched verify ~/runs/d2/metrics.json -c schedules/detectron2-1x.toml\n  \
lrsched verify ~/runs/d2 -c schedules/detectron2-1x.toml --format json  # its event files\n  \
lrsched verify ~/lightning_logs/version_0/metrics.csv --milestones 30000,40000 --iters 45000"
    )]
    Verify(VerifyArgs),
    /// Recover a warmup + multi-step schedule from the lr a training run logged, as TOML
    #[command(
        after_help = "Prints schedule TOML that `lrsched verify` accepts for the same log: base_lr, warmup, milestones and gamma (or explicit values), and, as comments, the dialects that reproduce every logged point and what the log shows only to a range (docs/verify.md#fit).\n\n\
Exit status: 0 a schedule fits, 1 the log is not a warmup + multi-step curve (its phases are \
printed instead), 2 bad input.\n\n\
Examples:\n  \
lrsched fit ~/runs/d2/metrics.json > d2.toml && lrsched verify ~/runs/d2/metrics.json -c d2.toml\n  \
lrsched fit ~/keras/training.csv --iters-per-epoch 500"
    )]
    Fit(FitArgs),
    /// Compare two schedules iteration by iteration, like diff: exit 0 identical, 1 different
    #[command(
        after_help = "Sources: two schedule files (A B), or one schedule under two dialects \
(--dialect A,B); with two files, --dialect X applies to both and --dialect X,Y gives A's and \
B's. Cost follows the phases, not the iterations (docs/export.md).\n\n\
Exit status: 0 identical to the bit, 1 different, 2 errors.\n\n\
Examples:\n  \
lrsched diff schedules/detectron2-1x.toml --dialect maskrcnn,torch-sequential\n  \
lrsched diff schedules/detectron2-1x.toml schedules/detectron2-3x.toml --format json\n  \
lrsched diff --dialect maskrcnn,mmcv1                  # the reference example"
    )]
    Diff(DiffArgs),
    /// Write the target framework's config that reproduces a schedule, and check it
    #[command(
        after_help = "Targets: detectron2, maskrcnn, mmengine, mmcv1, torch, timm, paddle, \
paddledet, optax, keras, tf-model-garden, lrsched. The parameters are adjusted for the target's \
own arithmetic, then evaluated under its dialect; the residual against the source is printed \
(docs/export.md).\n\n\
Exit status: 0 written, 1 with --check when the target's curve is not identical to the bit, \
2 errors.\n\n\
Examples:\n  \
lrsched export --to mmengine schedules/detectron2-1x.toml\n  \
lrsched export --to torch schedules/detectron2-1x.toml --check\n  \
lrsched export --to lrsched --dialect torch-sequential   # the intended numbers of a curve"
    )]
    Export(ExportArgs),
    /// Print a framework config's schedule as lrsched TOML, each value with where it came from
    #[command(
        after_help = "Formats: told from the file's content, then its extension; --from \
FORMAT says it. Flags override the config's values, as for every command.\n\n\
Examples:\n  \
lrsched import docs/examples/detectron2/mask_rcnn_R_50_FPN_3x.yaml\n  \
lrsched import docs/examples/detectron2/mask_rcnn_R_50_FPN_3x.yaml --devices 4 -o d2-4gpu.toml\n  \
lrsched import --from torchvision-detection --dataset-size coco2017-nonempty --devices 8 -- --epochs 26 --lr-steps 16 22\n  \
lrsched plot docs/examples/maskrcnn-benchmark/e2e_faster_rcnn_R_50_FPN_1x.yaml --terminal"
    )]
    Import(ImportArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish
    #[command(after_help = "Examples:\n  \
lrsched completions bash > ~/.local/share/bash-completion/completions/lrsched\n  \
lrsched completions zsh > ~/.zfunc/_lrsched     # with fpath+=(~/.zfunc) before compinit\n  \
lrsched completions fish > ~/.config/fish/completions/lrsched.fish\n  \
lrsched completions powershell >> $PROFILE\n  \
echo 'eval (lrsched completions elvish | slurp)' >> ~/.config/elvish/rc.elv")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) of lrsched or of one of its commands
    #[command(after_help = "Examples:\n  \
lrsched man | man -l -                          # read it now\n  \
lrsched man > ~/.local/share/man/man1/lrsched.1\n  \
lrsched man table > ~/.local/share/man/man1/lrsched-table.1")]
    Man(ManArgs),
}

/// The schedule: TOML files and flags (flags override files). The flags are the rows of
/// [`config::KEYS`], built with clap's builder API under the heading "Schedule"; a command's
/// derive struct takes them all with `#[command(flatten)] schedule: ScheduleArgs`.
#[derive(Debug, Clone, Default)]
pub struct ScheduleArgs {
    /// Schedule TOML files given with `-c`.
    pub config: Vec<PathBuf>,
    /// `--from FORMAT`: the format of the files, when it cannot be told from them.
    pub from: Option<String>,
    /// `--auto-scale-lr`: scale a framework config's lr to the real batch, as its training
    /// script's flag of that name does.
    pub auto_scale_lr: bool,
    /// The schedule keys given as flags, as text.
    flags: Layer,
    /// `--dialect` as given: `diff` reads a comma-separated pair from it.
    pub dialect: Option<String>,
}

impl ScheduleArgs {
    /// The same flags with `--dialect` set to `name`.
    pub fn with_dialect(&self, name: &str) -> ScheduleArgs {
        let mut args = self.clone();
        args.flags.set_flag("dialect", Some(name));
        args.dialect = Some(name.to_string());
        args
    }

    /// The input these flags describe, with extra positional schedule files.
    pub fn input(&self, positional_files: &[PathBuf]) -> Input {
        let mut files = positional_files.to_vec();
        files.extend(self.config.iter().cloned());
        Input {
            files,
            from: self.from.clone(),
            auto_scale_lr: self.auto_scale_lr,
            flags: self.flags.clone(),
        }
    }

    fn arguments(command: clap::Command) -> clap::Command {
        let ids = ["config", "from", "auto_scale_lr"]
            .into_iter()
            .chain(config::KEYS.iter().map(|key| key.name));
        // As clap's derive does for a flattened struct: a group of its arguments, and the
        // heading that they and the arguments after them are listed under.
        let mut command = command
            .next_help_heading("Schedule")
            .group(ArgGroup::new("ScheduleArgs").multiple(true).args(ids))
            .arg(
                Arg::new("config")
                    .short('c')
                    .long("config")
                    .value_name("FILE")
                    .value_hint(ValueHint::FilePath)
                    .value_parser(value_parser!(PathBuf))
                    .action(ArgAction::Append)
                    .help(
                        "Schedule TOML file or framework config (repeatable: one schedule per \
                         file)",
                    ),
            )
            .arg(
                Arg::new("from")
                    .long("from")
                    .value_name("FORMAT")
                    .value_parser(ValueParser::new(ConfigFormat))
                    .action(ArgAction::Set)
                    .help("Read the files as this format instead of telling it from them"),
            )
            .arg(
                Arg::new("auto_scale_lr")
                    .long("auto-scale-lr")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Scale an mmdetection config's lr to the real batch (its batch per GPU × \
                         --devices), as its train.py --auto-scale-lr does",
                    ),
            );
        for key in config::KEYS {
            let mut arg = Arg::new(key.name)
                .long(key.long)
                .value_name(key.value_name)
                .allow_hyphen_values(key.kind.allows_hyphen_values())
                .value_parser(flag_values(key.name))
                .action(ArgAction::Set)
                .help(key.help_line());
            // `--drop-last` alone is true; `--drop-last=false` says it.
            if key.kind == config::Kind::Switch {
                arg = arg
                    .num_args(0..=1)
                    .require_equals(true)
                    .default_missing_value("true");
            }
            command = command.arg(arg);
        }
        command
    }
}

impl clap::Args for ScheduleArgs {
    fn group_id() -> Option<clap::Id> {
        Some(clap::Id::from("ScheduleArgs"))
    }

    fn augment_args(command: clap::Command) -> clap::Command {
        Self::arguments(command)
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::arguments(command)
    }
}

impl FromArgMatches for ScheduleArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = ScheduleArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        if let Some(files) = matches.get_many::<PathBuf>("config") {
            self.config = files.cloned().collect();
        }
        if let Some(from) = matches.get_one::<String>("from") {
            self.from = Some(from.clone());
        }
        if matches.get_flag("auto_scale_lr") {
            self.auto_scale_lr = true;
        }
        for key in config::KEYS {
            if let Some(text) = matches.get_one::<String>(key.name) {
                self.flags.set_flag(key.name, Some(text));
                if key.name == "dialect" {
                    self.dialect = Some(text.clone());
                }
            }
        }
        Ok(())
    }
}

/// A flag's value stays text for `config`; `--dialect` also offers the registry's names.
fn flag_values(key: &str) -> ValueParser {
    match key {
        "dialect" => ValueParser::new(DialectName),
        _ => value_parser!(String),
    }
}

/// `--dialect` takes any text (`config` checks it, as it checks the TOML key) but offers the
/// registry's names, and `all`, to help and completions.
#[derive(Clone)]
struct DialectName;

impl TypedValueParser for DialectName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let dialects = Dialect::ALL.iter().map(|d| {
            PossibleValue::new(d.name())
                .help(d.construction())
                .aliases(d.aliases().iter().copied())
        });
        let all = PossibleValue::new("all").help("every dialect above, side by side");
        Some(Box::new(dialects.chain([all])))
    }
}

/// `--from` takes any text (`config` checks it) but offers the registry's formats to help and
/// completions.
#[derive(Clone)]
struct ConfigFormat;

impl TypedValueParser for ConfigFormat {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let formats = config::FORMATS.iter().map(|format| {
            PossibleValue::new(format.name())
                .help(format.framework())
                .aliases(format.aliases().iter().copied())
        });
        // Command lines of a framework that also has a config format share its name.
        let scripts = config::COMMAND_LINES
            .iter()
            .filter(|script| config::FORMATS.iter().all(|f| f.name() != script.name()))
            .map(|script| {
                PossibleValue::new(script.name())
                    .help(format!("{} command line, after --", script.script()))
                    .aliases(script.aliases().iter().copied())
            });
        Some(Box::new(formats.chain(scripts)))
    }
}

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
pub struct VerifyArgs {
    /// Training logs: files, or TensorBoard run directories (their event files)
    #[arg(value_name = "LOG", required = true, value_hint = ValueHint::AnyPath)]
    pub logs: Vec<PathBuf>,
    /// Read the logs as this format instead of detecting it (`--from` names a config's)
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

/// How to read a training log, for `fit` and `plot --log` (`verify` has the same flags).
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

/// The commands that have their own page (`lrsched-<command>(1)`); a unit test keeps this list
/// equal to the subcommands.
pub const MAN_PAGES: [&str; 14] = [
    "table",
    "at",
    "plot",
    "explain",
    "check",
    "init",
    "scale",
    "verify",
    "fit",
    "diff",
    "export",
    "import",
    "completions",
    "man",
];

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// `--dialect` offers the registry's names and `all`, and leaves any other text to
    /// `config`, whose message lists what is accepted.
    #[test]
    fn dialect_values_come_from_the_registry() {
        let command = Cli::command();
        let table = command.find_subcommand("table").expect("table");
        let dialect = table
            .get_arguments()
            .find(|a| a.get_id() == "dialect")
            .expect("--dialect");
        let offered: Vec<String> = dialect
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        let mut names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        names.push("all");
        assert_eq!(offered, names);
        let parsed = Cli::try_parse_from(["lrsched", "table", "--dialect", "bogus"]).unwrap();
        let Command::Table(args) = parsed.command else {
            panic!("not table");
        };
        // The text reaches config, which refuses it with its own message.
        let error = config::load(&args.schedule.input(&[]))
            .err()
            .expect("refused");
        assert!(
            error
                .to_string()
                .starts_with("--dialect: unknown dialect 'bogus'"),
            "{error}"
        );
    }

    #[test]
    fn every_command_help_has_a_summary_and_at_least_two_examples() {
        for command in Cli::command().get_subcommands() {
            let name = command.get_name();
            let summary = command.get_about().expect("summary").to_string();
            assert!(!summary.contains('\n'), "{name}: {summary}");
            let after_help = command.get_after_help().expect("examples").to_string();
            let examples = after_help.split("\n\n").last().expect("a paragraph");
            let mut lines = examples.lines();
            assert_eq!(lines.next(), Some("Examples:"), "{name}");
            assert!(lines.count() >= 2, "{name}: fewer than two examples");
        }
    }
}
