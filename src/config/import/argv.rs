//! A training script's command line, read as its argparse parser reads it, for the options
//! that say the schedule: `--name value`, `--name=value`, `-b 2`, `-b2`, lists after
//! `nargs='+'` options, flags. Every other option is skipped with the values after it (they say
//! nothing about the schedule); an abbreviation of a schedule option, which argparse would
//! expand, is refused rather than skipped (docs/import.md, "Command lines").

use std::collections::BTreeMap;

use super::emit;
use crate::config::Layer;
use crate::config::epoch::dataset_size;
use crate::config::error::{ConfigError, Origin};
use crate::config::keys::Key;
use crate::config::value::{Raw, Value};

/// How many values an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// `action='store_true'`.
    Flag,
    One,
    /// `nargs='+'`.
    Many,
}

/// One option the format reads: its spellings (the first names it), and its arity.
pub struct Opt {
    pub names: &'static [&'static str],
    pub arity: Arity,
}

/// The options a command line gave, by their first name, each with its values and origin.
pub struct Parsed {
    script: &'static str,
    given: BTreeMap<&'static str, (Vec<String>, Origin)>,
}

/// argparse takes `-1` and `-.5` as values, not options, when no option looks like a number.
fn is_option(token: &str) -> bool {
    token.starts_with('-')
        && token.len() > 1
        && !token[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

pub fn parse(
    script: &'static str,
    args: &[String],
    options: &[Opt],
) -> Result<Parsed, ConfigError> {
    let mut given = BTreeMap::new();
    let mut i = 0;
    while i < args.len() {
        let token = args[i].as_str();
        i += 1;
        if !is_option(token) {
            continue; // A positional argument (the data directory).
        }
        let (name, inline) = match token.split_once('=') {
            Some((name, value)) if token.starts_with("--") => (name, Some(value.to_string())),
            _ => (token, None),
        };
        // `-b2`: a short option with its value attached.
        let (name, inline) = match short_with_value(name, options) {
            Some((short, value)) if inline.is_none() => (short, Some(value)),
            _ => (name, inline),
        };
        let Some(opt) = options.iter().find(|opt| opt.names.contains(&name)) else {
            if let Some(full) = abbreviates(name, options) {
                return Err(ConfigError::invalid(
                    Origin::Flag(format!("{script} {name}")),
                    format!(
                        "argparse would read it as {full}, an abbreviation lrsched does not \
                         expand; write {full} out"
                    ),
                ));
            }
            while i < args.len() && !is_option(&args[i]) && inline.is_none() {
                i += 1;
            }
            continue;
        };
        let at = Origin::Flag(format!("{script} {name}"));
        let mut values = Vec::new();
        match (opt.arity, inline) {
            (Arity::Flag, Some(_)) => {
                return Err(ConfigError::invalid(at, "is a flag and takes no value"));
            }
            (Arity::Flag, None) => {}
            (_, Some(value)) => values.push(value),
            (arity, None) => {
                while i < args.len() && !is_option(&args[i]) {
                    values.push(args[i].clone());
                    i += 1;
                    if arity == Arity::One {
                        break;
                    }
                }
                if values.is_empty() {
                    return Err(ConfigError::invalid(
                        at,
                        "expects a value, and none follows",
                    ));
                }
            }
        }
        given.insert(opt.names[0], (values, at));
    }
    Ok(Parsed { script, given })
}

/// `-b2` as (`-b`, `2`), for a one-value short option `-b`.
fn short_with_value(token: &str, options: &[Opt]) -> Option<(&'static str, String)> {
    if token.starts_with("--") {
        return None;
    }
    options
        .iter()
        .filter(|opt| opt.arity == Arity::One)
        .flat_map(|opt| opt.names.iter().copied())
        .find(|name| !name.starts_with("--") && token.len() > name.len() && token.starts_with(name))
        .map(|name| (name, token[name.len()..].to_string()))
}

/// The schedule option a long option abbreviates, as argparse's prefix matching would take it.
fn abbreviates(token: &str, options: &[Opt]) -> Option<&'static str> {
    if !token.starts_with("--") || token.len() < 3 {
        return None;
    }
    options
        .iter()
        .flat_map(|opt| opt.names.iter().copied())
        .find(|name| name.starts_with(token))
}

impl Parsed {
    /// Where an option's value came from: the command line, or the script's default.
    pub fn origin(&self, name: &'static str) -> Origin {
        match self.given.get(name) {
            Some((_, at)) => at.clone(),
            None => Origin::FrameworkDefault {
                framework: self.script,
                key: name.to_string(),
            },
        }
    }

    pub fn flag(&self, name: &'static str) -> bool {
        self.given.contains_key(name)
    }

    pub fn is_given(&self, name: &'static str) -> bool {
        self.given.contains_key(name)
    }

    /// The option's one value as text, or `default`.
    pub fn text(&self, name: &'static str, default: &str) -> String {
        self.given
            .get(name)
            .and_then(|(values, _)| values.last().cloned())
            .unwrap_or_else(|| default.to_string())
    }

    /// A `type=float` option: Python's `float()` of its text.
    pub fn float(&self, name: &'static str, default: f64) -> Result<f64, ConfigError> {
        match self.given.get(name) {
            None => Ok(default),
            Some((values, at)) => float(&values[values.len() - 1], at),
        }
    }

    /// A `type=int` option.
    pub fn int(&self, name: &'static str, default: i64) -> Result<i64, ConfigError> {
        match self.given.get(name) {
            None => Ok(default),
            Some((values, at)) => int(&values[values.len() - 1], at),
        }
    }

    /// A `type=float, nargs='+'` option.
    pub fn floats(&self, name: &'static str) -> Result<Vec<f64>, ConfigError> {
        match self.given.get(name) {
            None => Ok(Vec::new()),
            Some((values, at)) => values.iter().map(|value| float(value, at)).collect(),
        }
    }

    /// A `type=int` option that counts something: `>= 0`.
    pub fn count(&self, name: &'static str, default: i64) -> Result<u64, ConfigError> {
        u64::try_from(self.int(name, default)?)
            .map_err(|_| ConfigError::invalid(self.origin(name), "must be >= 0"))
    }

    /// A `type=int` option that must be `>= 1` (a batch).
    pub fn positive(&self, name: &'static str, default: i64) -> Result<u64, ConfigError> {
        match self.count(name, default)? {
            0 => Err(ConfigError::invalid(self.origin(name), "must be >= 1")),
            n => Ok(n),
        }
    }

    /// A `type=int, nargs='+'` option.
    pub fn ints(&self, name: &'static str, default: &[i64]) -> Result<Vec<i64>, ConfigError> {
        match self.given.get(name) {
            None => Ok(default.to_vec()),
            Some((values, at)) => values.iter().map(|value| int(value, at)).collect(),
        }
    }
}

/// How a script's data loader cuts an epoch: the batch on each device, whether it drops the
/// last partial batch, and the batches accumulated per optimizer step.
pub struct Loader {
    pub batch_per_device: u64,
    pub drop_last: bool,
    pub grad_accum: u64,
    /// Where the batch was given, for messages.
    pub batch_at: Origin,
}

/// The epoch length the script's loader gives on lrsched's `--dataset-size` and `--devices`:
/// `DistributedSampler` (no drop) hands each device ceil(size / devices) samples, the loader cuts
/// them into batches (floor with `drop_last`, else ceil) and the optimizer steps once per
/// `grad_accum` of them (ceil). The layer takes it as `iters_per_epoch`, with the sum as its
/// origin, and the flags it came from are the script's input, not the schedule's.
/// `--iters-per-epoch` gives it directly instead, and then applies as given.
pub fn epoch_length(
    script: &'static str,
    loader: &Loader,
    flags: &Layer,
    layer: &mut Layer,
) -> Result<u64, ConfigError> {
    for key in ["batch_size", "batch_per_device", "grad_accum", "drop_last"] {
        if let Some((_, at)) = flags.get(key) {
            return Err(ConfigError::invalid(
                at.clone(),
                format!(
                    "{script} takes its batch from its own command line (after --): give it there, as the script does"
                ),
            ));
        }
    }
    loader_epoch_length(script, loader, flags, layer)
}

/// [`epoch_length`] for a script whose batch comes from a file or a command line alike (timm's
/// args.yaml): the same count, without refusing lrsched's batch flags.
pub fn loader_epoch_length(
    script: &'static str,
    loader: &Loader,
    flags: &Layer,
    layer: &mut Layer,
) -> Result<u64, ConfigError> {
    if let Some((raw, at)) = flags.get("iters_per_epoch") {
        let row = Key::named("iters_per_epoch").expect("iters_per_epoch is a key");
        return match row.read(raw, at)? {
            Value::Count(n) => Ok(n),
            _ => unreachable!("iters_per_epoch reads as a count"),
        };
    }
    let Some((raw, at)) = flags.get("dataset_size") else {
        return Err(ConfigError::invalid(
            Origin::Flag("--dataset-size".into()),
            format!(
                "{script} counts its run in epochs: give the training set's size with --dataset-size N (or a dataset's name, e.g. coco2017-nonempty, imagenet1k), or --iters-per-epoch"
            ),
        ));
    };
    let row = Key::named("dataset_size").expect("dataset_size is a key");
    let size = match row.read(raw, at)? {
        Value::Count(size) => size,
        Value::Text(name) => dataset_size(&name, at)?,
        _ => unreachable!("dataset_size reads as a count or a name"),
    };
    let devices = emit::devices(flags)?;
    let b = loader.batch_per_device;
    if b == 0 {
        return Err(ConfigError::invalid(
            loader.batch_at.clone(),
            "must be >= 1",
        ));
    }
    let batches = emit::batches_per_device(size, devices, b, loader.drop_last);
    if batches == 0 {
        let per_device = size.div_ceil(devices);
        return Err(ConfigError::invalid(
            loader.batch_at.clone(),
            format!("{per_device} samples per device in batches of {b} leave no full batch"),
        ));
    }
    let steps = batches.div_ceil(loader.grad_accum);
    let cut = if loader.drop_last { "floor" } else { "ceil" };
    let mut sum = format!("{cut}(ceil({size} / {devices} devices) / {b})");
    if loader.grad_accum > 1 {
        sum = format!("ceil({sum} / {} accumulated)", loader.grad_accum);
    }
    let text = match raw {
        Raw::Text(text) => text.clone(),
        _ => size.to_string(),
    };
    emit::whole(
        layer,
        "iters_per_epoch",
        steps,
        Origin::Flag(format!("{script}'s loader on --dataset-size {text}: {sum}")),
    );
    layer.consume_flag("dataset_size");
    layer.consume_flag("devices");
    Ok(steps)
}

fn float(text: &str, at: &Origin) -> Result<f64, ConfigError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| ConfigError::invalid(at.clone(), format!("expected a number, got '{text}'")))
}

/// Python's `int()` of a command-line text: digits with an optional sign, `_` between them.
fn int(text: &str, at: &Origin) -> Result<i64, ConfigError> {
    text.trim().replace('_', "").parse::<i64>().map_err(|_| {
        ConfigError::invalid(at.clone(), format!("expected a whole number, got '{text}'"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[Opt] = &[
        Opt {
            names: &["--epochs"],
            arity: Arity::One,
        },
        Opt {
            names: &["--batch-size", "-b"],
            arity: Arity::One,
        },
        Opt {
            names: &["--lr-steps"],
            arity: Arity::Many,
        },
        Opt {
            names: &["--amp"],
            arity: Arity::Flag,
        },
    ];

    fn parsed(line: &str) -> Result<Parsed, String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        parse("train.py", &args, OPTIONS).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_argparse_spellings_and_skips_other_options() {
        let p =
            parsed("/data --model x --epochs=26 -b2 --lr-steps 16 22 --amp --wd -1 --aa").unwrap();
        assert_eq!(p.int("--epochs", 0).unwrap(), 26);
        assert_eq!(p.int("--batch-size", 0).unwrap(), 2);
        assert_eq!(p.ints("--lr-steps", &[]).unwrap(), vec![16, 22]);
        assert!(p.flag("--amp"));
        assert_eq!(p.origin("--epochs").to_string(), "train.py --epochs");
        assert_eq!(p.origin("--lr-steps").to_string(), "train.py --lr-steps");
        let q = parsed("--batch-size 4 -b 8").unwrap();
        assert_eq!(q.int("--batch-size", 0).unwrap(), 8, "the last one wins");
        assert_eq!(q.int("--epochs", 90).unwrap(), 90);
        assert_eq!(
            q.origin("--epochs").to_string(),
            "train.py default --epochs"
        );
    }

    #[test]
    fn abbreviations_and_bad_values_are_refused() {
        assert_eq!(
            parsed("--lr-st 16").err().unwrap(),
            "train.py --lr-st: argparse would read it as --lr-steps, an abbreviation lrsched \
             does not expand; write --lr-steps out"
        );
        assert_eq!(
            parsed("--epochs ten")
                .unwrap()
                .int("--epochs", 0)
                .unwrap_err()
                .to_string(),
            "train.py --epochs: expected a whole number, got 'ten'"
        );
        assert_eq!(
            parsed("--epochs").err().unwrap(),
            "train.py --epochs: expects a value, and none follows"
        );
        assert_eq!(
            parsed("--amp=1").err().unwrap(),
            "train.py --amp: is a flag and takes no value"
        );
    }
}
