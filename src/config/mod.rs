//! Turns TOML files, framework configs (`import`) and flags into validated schedules. Every
//! input error is born here.
//!
//! Precedence: built-in defaults < TOML file or framework config < flags. Values are kept raw (as the text or TOML
//! value the user wrote, with where it came from) until their key's row (`keys`) reads and
//! checks them, so a flag and a TOML key get the same rules and messages; `resolve` then
//! applies the rules between keys.

mod amount;
mod checks;
mod epoch;
mod error;
mod given;
mod import;
mod keys;
mod resolve;
mod scale;
mod stepping;
mod template;
mod toml_input;
mod value;

pub use amount::{Amount, Decimal};
pub use epoch::{DATASETS, Dataset};
pub use error::{ConfigError, Origin};
pub use import::bounded::{MAX_FILE_BYTES, MAX_INHERITANCE};
pub use import::{COMMAND_LINES, CommandLine, FORMATS, Fit, Format, Source};
pub use keys::{KEYS, Key, Unset};
pub use scale::Rule;
pub use value::{Kind, Value, parse_whole};

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::schedule::NamedSchedule;
use resolve::Given;
use value::Raw;

/// One source of settings: a file, or the flags.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    entries: BTreeMap<&'static str, (Raw, Origin)>,
    /// Keys whose flags a framework config took as its own input (detectron2 reads
    /// `--devices` as its world size): they do not also reach the schedule.
    consumed: Vec<&'static str>,
}

impl Layer {
    /// Sets a key (its TOML name) from its flag's text; `None`: the flag was not given.
    ///
    /// # Panics
    /// If `key` is not a key of [`KEYS`]: the flags are made from that table.
    pub fn set_flag(&mut self, key: &str, value: Option<&str>) {
        let row = Key::named(key).unwrap_or_else(|| panic!("'{key}' is not a schedule key"));
        if let Some(text) = value {
            self.set(
                row.name,
                Raw::Text(text.to_string()),
                Origin::Flag(row.flag()),
            );
        }
    }

    fn set(&mut self, key: &'static str, value: Raw, origin: Origin) {
        self.entries.insert(key, (value, origin));
    }

    fn get(&self, key: &str) -> Option<&(Raw, Origin)> {
        self.entries.get(key)
    }

    /// Marks a flag as read by the config's framework (see `consumed`).
    fn consume_flag(&mut self, key: &'static str) {
        self.consumed.push(key);
    }

    fn consumes(&self, key: &str) -> bool {
        self.consumed.contains(&key)
    }
}

/// What the user asked for: schedule files (or framework configs), and flags that apply to
/// each of them.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub files: Vec<PathBuf>,
    /// `--from FORMAT`: the format of every file, instead of telling it from the file.
    pub from: Option<String>,
    /// `--auto-scale-lr`: scale a framework config's lr to the real batch, as the framework's
    /// training script does with the flag of that name.
    pub auto_scale_lr: bool,
    pub flags: Layer,
}

/// Schedules ready to evaluate, and what the user should be told about loading them.
pub struct Loaded {
    pub schedules: Vec<NamedSchedule>,
    /// One line each, for the caller to print as warnings: with `dialect = "all"`, every
    /// framework that refuses the schedule and why.
    pub warnings: Vec<String>,
}

/// Loads every schedule the input names: one per file, or one from flags alone.
/// `dialect = "all"` expands a schedule into one per dialect.
pub fn load(input: &Input) -> Result<Loaded, ConfigError> {
    if input.files.is_empty() {
        no_file_for_from(input)?;
        return resolve::resolve(&Given::read(&Layer::default(), &input.flags)?, None);
    }
    let mut loaded = Loaded {
        schedules: Vec::new(),
        warnings: Vec::new(),
    };
    for path in &input.files {
        let (file, _) = import::read_layer(
            path,
            input.from.as_deref(),
            input.auto_scale_lr,
            &input.flags,
        )?;
        let one = resolve::resolve(&Given::read(&file, &input.flags)?, Some(path))?;
        loaded.schedules.extend(one.schedules);
        loaded.warnings.extend(one.warnings);
    }
    Ok(loaded)
}

/// The schedule file `lrsched init` writes for this input: every key with its comment, at the
/// value the flags or the one file give it, else at its default. Checked as [`load`] checks, so
/// only a schedule every command accepts is written; floats keep their exact value (shortest
/// round-trip text) and counts stay in the user's unit.
pub fn schedule_file(input: &Input) -> Result<String, ConfigError> {
    let (given, source) = one_schedule(input)?;
    resolve::resolve(&given, source.as_ref().map(|(path, _)| path.as_path()))?;
    Ok(template::render(&given))
}

/// The schedule file `lrsched scale` writes: the one schedule of the input scaled as its
/// `from_batch`/`to_batch` (or `from_devices`/`to_devices`) say, in [`schedule_file`]'s
/// format, under a comment line that states the rule used.
pub fn scaled_schedule_file(input: &Input) -> Result<String, ConfigError> {
    let (given, source) = one_schedule(input)?;
    let path = source.map(|(path, _)| path);
    let Some(scaling) = scale::scaling(&given)? else {
        return Err(ConfigError::invalid(
            Origin::Flag("--to-batch".into()),
            "scale needs --from-batch and --to-batch, or --from-devices and --to-devices",
        ));
    };
    let scaled = scale::apply(&given, &scaling)?;
    resolve::resolve(&scaled, path.as_deref())?;
    Ok(scaling.comment() + &template::render(&scaled))
}

/// The schedule file `lrsched import` writes: the input's one schedule as lrsched TOML, each
/// value with a comment saying where it came from (docs/import.md). Checked as [`load`]
/// checks, and loads back to the same schedule.
pub fn imported_schedule_file(input: &Input) -> Result<String, ConfigError> {
    let (given, Some((path, format))) = one_schedule(input)? else {
        return Err(ConfigError::invalid(
            Origin::Flag("FILE".into()),
            "import needs a config file to read",
        ));
    };
    resolve::resolve(&given, Some(&path))?;
    Ok(template::render_imported(&given, &path, format.framework()))
}

/// [`imported_schedule_file`] for a training script's command line (`args`, what follows
/// `--`), the script named by `--from` (docs/import.md, "Command lines").
pub fn imported_command_line(input: &Input, args: &[String]) -> Result<String, ConfigError> {
    if let Some(file) = input.files.first() {
        return Err(ConfigError::invalid(
            Origin::Flag("--".into()),
            format!(
                "import reads a config file or a command line, not both: {} is a file",
                file.display()
            ),
        ));
    }
    let Some(from) = &input.from else {
        return Err(ConfigError::invalid(
            Origin::Flag("--".into()),
            format!(
                "a command line needs --from to say whose it is: one of {}",
                import::COMMAND_LINES
                    .iter()
                    .map(|script| script.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    if input.auto_scale_lr {
        return Err(ConfigError::invalid(
            Origin::Flag("--auto-scale-lr".into()),
            "scales mmdetection configs, not a command line",
        ));
    }
    let (layer, script) = import::read_command_line(from, args, &input.flags)?;
    let given = Given::read(&layer, &input.flags)?;
    resolve::resolve(&given, None)?;
    let line = format!("{} {}", script.script(), args.join(" "));
    let framework = format!("{} command line", script.script());
    Ok(template::render_imported(
        &given,
        std::path::Path::new(&line),
        &framework,
    ))
}

/// `--from` names the format of files; without one it has nothing to apply to.
fn no_file_for_from(input: &Input) -> Result<(), ConfigError> {
    match &input.from {
        Some(_) => Err(ConfigError::invalid(
            Origin::Flag("--from".into()),
            "gives the format of a config file, and no file was given",
        )),
        None => Ok(()),
    }
}

/// The keys of the input's one schedule, and its file with the format it was read in.
type OneSchedule = (Given, Option<(PathBuf, &'static dyn Format)>);

fn one_schedule(input: &Input) -> Result<OneSchedule, ConfigError> {
    let (file, source) = match input.files.as_slice() {
        [] => {
            no_file_for_from(input)?;
            (Layer::default(), None)
        }
        [path] => {
            let (layer, format) = import::read_layer(
                path,
                input.from.as_deref(),
                input.auto_scale_lr,
                &input.flags,
            )?;
            (layer, Some((path.clone(), format)))
        }
        [_, second, ..] => {
            return Err(ConfigError::invalid(
                Origin::Flag("--config".into()),
                format!(
                    "one schedule at a time: {} is a second schedule file",
                    second.display()
                ),
            ));
        }
    };
    Ok((Given::read(&file, &input.flags)?, source))
}

/// [`load`] for TOML text, as if read from a file at `path` (tests).
#[cfg(test)]
pub(crate) fn load_toml(path: &str, toml: &str, flags: &Layer) -> Result<Loaded, ConfigError> {
    let path = std::path::Path::new(path);
    let file = toml_input::parse_layer(path, toml)?;
    resolve::resolve(&Given::read(&file, flags)?, Some(path))
}
