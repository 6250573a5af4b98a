//! The command line, as clap sees it. Values stay text here: `config` converts and checks them
//! so that a flag and a TOML key share one set of rules and messages.

use clap::{ColorChoice, Parser, Subcommand};

mod args;
mod schedule_args;

pub use args::{
    AtArgs, CheckArgs, CompletionsArgs, DiffArgs, DiffFormat, ExplainArgs, ExplainFormat,
    ExportArgs, FitArgs, ImportArgs, InitArgs, LayoutName, LogReadArgs, ManArgs, PlotArgs,
    ScaleArgs, TableArgs, VerifyArgs, VerifyFormat,
};
pub use schedule_args::ScheduleArgs;

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
    use crate::config;
    use crate::schedule::Dialect;
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
