//! timm's `train.py` command line (`--sched step --epochs 450 --decay-epochs 2.4 ...`): each
//! option train.py's schedule reads, as argparse converts it, over the script's defaults; the
//! schedule is then the one `timm_defaults` builds, as for an `args.yaml` (docs/import.md,
//! "Command lines").

use super::CommandLine;
use super::argv::{self, Arity, Opt, Parsed};
use super::timm_defaults::{ARGS, Arg, ArgKind, Args, FRAMEWORK};
use crate::config::Layer;
use crate::config::error::ConfigError;

/// Options that change the run in ways lrsched does not model, or that it cannot follow.
const REFUSED: &[(&str, &str)] = &[
    (
        "--epoch-repeats",
        "repeats the dataset within an epoch, which changes the epoch lrsched counts",
    ),
    (
        "--aug-repeats",
        "samples through RepeatAugSampler, which changes the epoch lrsched counts",
    ),
    (
        "--config",
        "sets defaults from a YAML file: import that file with --from timm, or give its options \
         on the command line",
    ),
    (
        "-c",
        "sets defaults from a YAML file: import that file with --from timm",
    ),
];

pub struct TimmTrain;

impl CommandLine for TimmTrain {
    fn name(&self) -> &'static str {
        "timm"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["timm-train"]
    }

    fn dialect(&self) -> &'static str {
        "timm-train"
    }

    fn script(&self) -> &'static str {
        FRAMEWORK
    }

    fn read(&self, args: &[String], flags: &Layer) -> Result<Layer, ConfigError> {
        let mut options: Vec<Opt> = ARGS
            .iter()
            .map(|arg| Opt {
                names: arg.flags,
                arity: match arg.kind {
                    ArgKind::Flag => Arity::Flag,
                    ArgKind::Ints | ArgKind::OptFloats => Arity::Many,
                    _ => Arity::One,
                },
            })
            .collect();
        options.extend(REFUSED.iter().map(|(name, _)| Opt {
            names: std::slice::from_ref(name),
            arity: Arity::One,
        }));
        let parsed = argv::parse(FRAMEWORK, args, &options)?;
        for (name, why) in REFUSED {
            // `--epoch-repeats 0` and `--aug-repeats 0` are the defaults: nothing repeats.
            let zero = parsed.float(name, 0.0).is_ok_and(|x| x == 0.0);
            if parsed.is_given(name) && (name.starts_with("-c") || !zero) {
                return Err(ConfigError::invalid(parsed.origin(name), *why));
            }
        }
        let mut train = Args::default();
        for arg in ARGS {
            let name = arg.flags[0];
            if parsed.is_given(name) {
                train.set(
                    arg.name,
                    value(&parsed, name, arg.kind)?,
                    parsed.origin(name),
                )?;
            }
        }
        train.layer(flags)
    }
}

/// An option's value as argparse converts it for its `add_argument` declaration.
fn value(parsed: &Parsed, name: &'static str, kind: ArgKind) -> Result<Arg, ConfigError> {
    Ok(match kind {
        ArgKind::Str => Arg::Str(parsed.text(name, "")),
        ArgKind::Int => Arg::Int(i128::from(parsed.int(name, 0)?)),
        ArgKind::Float | ArgKind::OptFloat => Arg::Float(parsed.float(name, 0.0)?),
        ArgKind::Flag => Arg::Bool(true),
        ArgKind::Ints => Arg::Ints(
            parsed
                .ints(name, &[])?
                .into_iter()
                .map(i128::from)
                .collect(),
        ),
        ArgKind::OptFloats => Arg::Floats(parsed.floats(name)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(line: &str, flags: &[(&str, &str)]) -> Result<String, String> {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let mut given = Layer::default();
        for (key, value) in flags {
            given.set_flag(key, Some(value));
        }
        TimmTrain
            .read(&args, &given)
            .map(|layer| format!("{layer:?}"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_default_scheduler_is_cosine_and_refused() {
        assert_eq!(
            layer("--epochs 90", &[("dataset_size", "imagenet1k")]).unwrap_err(),
            "timm train.py default --sched: the scheduler 'cosine' is not one lrsched models: it \
             covers the warmup + multi-step family"
        );
    }

    #[test]
    fn repeats_and_config_files_are_refused() {
        assert_eq!(
            layer("--sched step --epoch-repeats 2", &[]).unwrap_err(),
            "timm train.py --epoch-repeats: repeats the dataset within an epoch, which changes \
             the epoch lrsched counts"
        );
        assert!(
            layer(
                "--sched step --aug-repeats 0 --warmup-epochs 0",
                &[("iters_per_epoch", "10")]
            )
            .is_ok()
        );
        assert!(
            layer("-c args.yaml", &[])
                .unwrap_err()
                .starts_with("timm train.py -c: sets defaults from a YAML file")
        );
    }
}
