//! Framework configs as schedule files: one file per format, one line per format in the
//! registry, [`FORMATS`]. docs/import.md describes each format, how a file's format is told
//! (by content, then by extension, or `--from`), where each value comes from, and the limits.
//!
//! A format reads a file (and the files it inherits from, through [`bounded::inherit`]) into
//! a [`Layer`] of lrsched keys, each with the framework's own key and line as its origin, or
//! the framework's default ([`Origin::FrameworkDefault`]); the keys' rows then check the
//! values as they check a TOML file's.

mod argv;
pub(super) mod bounded;
mod detectron2;
mod emit;
mod keyed;
mod lazyconfig;
mod literal;
mod lrsched;
mod maskrcnn;
mod mmcv1;
mod mmengine;
mod openmmlab;
mod paddledet;
pub mod python;
mod tf_model_garden;
mod timm_args;
mod timm_cli;
mod timm_defaults;
mod torchvision;
mod yacs;
mod yaml;

use std::path::{Path, PathBuf};

use super::Layer;
use super::error::{ConfigError, Origin};
use super::value::Raw;

/// What a format file provides about its framework's configs.
pub trait Format: Sync {
    /// The `--from` value.
    fn name(&self) -> &'static str;
    /// Other values `--from` accepts for it.
    fn aliases(&self) -> &'static [&'static str];
    /// The framework whose configs these are, in a few words.
    fn framework(&self) -> &'static str;
    /// The dialect its schedules follow unless `dialect` is given; `None` for lrsched's own.
    fn dialect(&self) -> Option<&'static str>;
    /// How surely `text`, read from `path`, is a config of this format.
    fn detect(&self, path: &Path, text: &str) -> Fit;
    /// The schedule keys the config sets. `flags` are the command line's keys, for the
    /// formats whose framework reads a setting from its command line (`--devices`).
    fn read(&self, file: &Source<'_>, flags: &Layer) -> Result<Layer, ConfigError>;
}

/// How surely a file is of a format; the surest format reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    No,
    /// Only the file's extension says so (`.yaml`).
    Extension,
    /// Its content has the format's layout, which another format may share.
    Layout,
    /// Its content has something only this format has (or its extension is lrsched's own).
    Certain,
}

/// A file as read, for a format to parse.
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// `--auto-scale-lr`: scale the lr to the real batch, as the framework's training script
    /// does when given the flag of that name.
    pub auto_scale_lr: bool,
}

/// Every format, in the order messages and docs/import.md list them: the registry.
pub const FORMATS: &[&dyn Format] = &[
    &lrsched::LrschedToml,
    &detectron2::Detectron2Yaml,
    &lazyconfig::Detectron2Lazy,
    &maskrcnn::MaskrcnnYaml,
    &mmengine::MmdetConfig,
    &mmcv1::Mmdet2Config,
    &paddledet::PaddledetYaml,
    &tf_model_garden::TfModelGardenYaml,
    &timm_args::TimmArgsYaml,
];

/// A training script whose command line says the schedule: `lrsched import --from timm --
/// --sched step ...` (docs/import.md, "Command lines").
pub trait CommandLine: Sync {
    /// The `--from` value.
    fn name(&self) -> &'static str;
    /// Other values `--from` accepts for it.
    fn aliases(&self) -> &'static [&'static str];
    /// The script, in a few words: `timm train.py`.
    fn script(&self) -> &'static str;
    /// The dialect its schedules follow unless the command line says otherwise.
    fn dialect(&self) -> &'static str;
    /// The schedule keys the command line sets, its dialect among them. `flags` are lrsched's
    /// own (`--dataset-size`, `--devices`), for what the script learns from its environment.
    fn read(&self, args: &[String], flags: &Layer) -> Result<Layer, ConfigError>;
}

/// Every training script whose command line lrsched reads: the registry of command lines.
pub const COMMAND_LINES: &[&dyn CommandLine] = &[
    &timm_cli::TimmTrain,
    &torchvision::Detection,
    &torchvision::Classification,
];

/// Reads a training script's command line, the script named by `--from`.
pub(super) fn read_command_line(
    from: &str,
    args: &[String],
    flags: &Layer,
) -> Result<(Layer, &'static dyn CommandLine), ConfigError> {
    let script = COMMAND_LINES
        .iter()
        .copied()
        .find(|script| script.name() == from || script.aliases().contains(&from))
        .ok_or_else(|| {
            let names: Vec<&str> = COMMAND_LINES.iter().map(|script| script.name()).collect();
            ConfigError::invalid(
                Origin::Flag("--from".into()),
                format!(
                    "'{from}' has no command line lrsched reads; after -- it reads those of: {}",
                    names.join(", ")
                ),
            )
        })?;
    let mut layer = script.read(args, flags)?;
    let whose = Origin::Flag(format!("{} command line", script.script()));
    if layer.get("dialect").is_none() {
        emit::text(&mut layer, "dialect", script.dialect(), whose.clone());
    }
    if layer.get("name").is_none() {
        emit::text(&mut layer, "name", script.name(), whose);
    }
    Ok((layer, script))
}

/// The format named by `--from` (its name or an alias).
pub fn format_named(name: &str) -> Result<&'static dyn Format, ConfigError> {
    FORMATS
        .iter()
        .copied()
        .find(|format| format.name() == name || format.aliases().contains(&name))
        .ok_or_else(|| {
            ConfigError::invalid(
                Origin::Flag("--from".into()),
                format!("unknown format '{name}'; expected one of: {}", names()),
            )
        })
}

fn names() -> String {
    let names: Vec<&str> = FORMATS.iter().map(|format| format.name()).collect();
    names.join(", ")
}

/// Reads a schedule file or a framework config into a layer of keys: in the format `from`
/// names, else in the one that fits it best. A framework's config also sets `dialect` to
/// the framework's, unless it says otherwise.
pub(super) fn read_layer(
    path: &Path,
    from: Option<&str>,
    auto_scale_lr: bool,
    flags: &Layer,
) -> Result<(Layer, &'static dyn Format), ConfigError> {
    let text = bounded::read_text(path)?;
    let format = match from {
        Some(name) => format_named(name)?,
        None => detect(path, &text)?,
    };
    // The training scripts that have the flag: mmdetection 3.x's and 2.x's.
    if auto_scale_lr && !["mmdet", "mmdet2"].contains(&format.name()) {
        return Err(ConfigError::invalid(
            Origin::Flag("--auto-scale-lr".into()),
            format!(
                "scales mmdetection configs (mmdet, mmdet2); {} is read as {}",
                path.display(),
                format.name()
            ),
        ));
    }
    let mut layer = format.read(
        &Source {
            path,
            text: &text,
            auto_scale_lr,
        },
        flags,
    )?;
    if let Some(dialect) = format.dialect()
        && layer.get("dialect").is_none()
    {
        layer.set(
            "dialect",
            Raw::Str(dialect.into()),
            Origin::Format {
                path: path.to_path_buf(),
                format: format.name(),
            },
        );
    }
    Ok((layer, format))
}

/// The format that fits the file best; several fitting as well, or none, is an error that
/// lists them (or all) and names `--from`.
fn detect(path: &Path, text: &str) -> Result<&'static dyn Format, ConfigError> {
    let fits: Vec<(Fit, &'static dyn Format)> = FORMATS
        .iter()
        .map(|format| (format.detect(path, text), *format))
        .collect();
    let best = fits.iter().map(|(fit, _)| *fit).max().unwrap_or(Fit::No);
    let error = |problem: String| ConfigError::Import {
        path: PathBuf::from(path),
        problem,
    };
    if best == Fit::No {
        return Err(error(format!(
            "cannot tell which format this is; give --from FORMAT, one of: {}",
            names()
        )));
    }
    let candidates: Vec<&'static dyn Format> = fits
        .iter()
        .filter(|(fit, _)| *fit == best)
        .map(|(_, format)| *format)
        .collect();
    match candidates.as_slice() {
        [one] => Ok(*one),
        several => {
            let names: Vec<&str> = several.iter().map(|format| format.name()).collect();
            Err(error(format!(
                "could be any of {}; give --from FORMAT to say which",
                names.join(", ")
            )))
        }
    }
}

/// A scheduler lrsched does not model, named where the config names it.
pub(super) fn unmodelled(at: Origin, scheduler: &str) -> ConfigError {
    ConfigError::invalid(
        at,
        format!(
            "the scheduler '{scheduler}' is not one lrsched models: it covers the warmup + \
             multi-step family"
        ),
    )
}

/// The extension of a file name, lower case: `yaml` for `x.YAML`.
pub(super) fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut all: Vec<&str> = FORMATS
            .iter()
            .flat_map(|f| std::iter::once(f.name()).chain(f.aliases().iter().copied()))
            .collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }

    #[test]
    fn command_line_names_and_aliases_are_unique() {
        let mut all: Vec<&str> = COMMAND_LINES
            .iter()
            .flat_map(|c| std::iter::once(c.name()).chain(c.aliases().iter().copied()))
            .collect();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }

    #[test]
    fn an_unknown_format_lists_the_registry() {
        let error = format_named("keras").err().unwrap().to_string();
        assert_eq!(
            error,
            format!(
                "--from: unknown format 'keras'; expected one of: {}",
                names()
            )
        );
        assert_eq!(format_named("toml").unwrap().name(), "lrsched");
    }

    #[test]
    fn a_file_no_format_fits_is_refused() {
        let error = detect(Path::new("notes.txt"), "hello\n").err().unwrap();
        assert_eq!(
            error.to_string(),
            format!(
                "notes.txt: cannot tell which format this is; give --from FORMAT, one of: {}",
                names()
            )
        );
    }
}
