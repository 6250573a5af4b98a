//! The schedule flags, built from the key table rather than derived.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser, ValueParser};
use clap::{Arg, ArgAction, ArgGroup, ArgMatches, FromArgMatches, ValueHint, value_parser};

use crate::config::{self, Input, Layer};
use crate::schedule::Dialect;

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
