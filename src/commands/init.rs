//! `lrsched init`: a commented schedule file with every key, at its default or as given.

use std::io::Write;
use std::process::ExitCode;

use std::collections::BTreeMap;

use crate::cli::InitArgs;
use crate::config::{self, ConfigError, KEYS, Origin};
use crate::error::Error;
use crate::output::sink::Sink;
use crate::schedule::Dialect;

/// Loads back to exactly the built-in defaults (tested). Each key's line is `key = value`,
/// commented out (`# key = value`) where the default is derived or absent.
pub const TEMPLATE: &str = r#"# lrsched schedule: warmup + multi-step decay.
# lr(t) = base_lr * w(t) * gamma ** k(t), where k(t) counts the milestones <= t
# and w(t) ramps from warmup_factor at t = 0 to 1 at t = warmup_iters.
# Every key is optional; flags given on the command line override this file.

# Learning rate after warmup, before any decay.
base_lr = 0.01

# Iterations at which lr is multiplied by gamma (a repeated milestone decays twice).
# [] means no decay.
milestones = [50, 100]

# Instead of milestones: decay every step_size iterations after warmup.
# step_size = 30

# Decay factor applied at each milestone.
gamma = 0.1

# Length of the warmup phase (0: no warmup).
warmup_iters = 10

# lr multiplier at iteration 0.
warmup_factor = 0.1

# linear, constant or exp.
warmup_method = "linear"

# Iterations to evaluate, t = 0 .. iters-1.
# Default: ceil(1.5 * last milestone); with step_size, warmup_iters + 3 * step_size.
# iters = 150

# Iterations per epoch: needed for unit = "epoch" and for epoch axes and columns.
# iters_per_epoch = 391

# Unit of milestones, step_size, warmup_iters and iters: "iter" or "epoch".
unit = "iter"

# Whose arithmetic, rounding and off-by-ones to reproduce, bit for bit:
# {dialects}
dialect = "maskrcnn"

# Label in plot legends and JSON. Default: this file's name without .toml.
# name = "my-schedule"
"#;

pub fn run(args: &InitArgs) -> Result<ExitCode, Error> {
    let settings = config::settings(&args.schedule.input(&[]))?;
    // Only a regular file can be overwritten by mistake; a directory or a device is the
    // sink's to refuse or to write.
    if let Some(path) = &args.output
        && path.as_os_str() != "-"
        && path.is_file()
        && !args.force
    {
        return Err(ConfigError::invalid(
            Origin::Flag("--output".into()),
            format!(
                "{} already exists; add --force to overwrite it",
                path.display()
            ),
        )
        .into());
    }
    let mut sink = Sink::open(args.output.as_deref())?;
    sink.write_all(render(&settings).as_bytes())
        .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    if let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The template with each given setting on its key's line (uncommented). With `step_size`
/// given and `milestones` not, the default milestones line is commented out, since a file
/// may hold only one of them.
pub fn render(settings: &BTreeMap<&'static str, String>) -> String {
    let mut text = String::with_capacity(TEMPLATE.len());
    for line in TEMPLATE.lines() {
        if line == DIALECTS_LINE {
            text.push_str(&dialect_comment());
            continue;
        }
        match setting_key(line) {
            Some(key) if settings.contains_key(key) => {
                text.push_str(&format!("{key} = {}", settings[key]));
            }
            Some("milestones") if settings.contains_key("step_size") && !line.starts_with('#') => {
                text.push_str("# ");
                text.push_str(line);
            }
            _ => text.push_str(line),
        }
        text.push('\n');
    }
    text
}

/// The template's line that stands for the list of dialects.
const DIALECTS_LINE: &str = "# {dialects}";
/// The longest comment line the list of dialects is wrapped to.
const COMMENT_WIDTH: usize = 79;

/// The registry's dialects (and aliases) as comment lines: what `dialect` accepts.
fn dialect_comment() -> String {
    let names: Vec<String> = Dialect::ALL
        .iter()
        .map(|d| match d.aliases() {
            [] => d.name().to_string(),
            aliases => format!("{} (= {})", d.name(), aliases.join(", ")),
        })
        .collect();
    let sentence = format!(
        "{}; or \"all\" to compare them (see docs/dialects.md).",
        names.join(", ")
    );
    let mut text = String::new();
    let mut line = String::from("#");
    for word in sentence.split(' ') {
        if line.chars().count() + 1 + word.chars().count() > COMMENT_WIDTH && line != "#" {
            text.push_str(&line);
            text.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    text.push_str(&line);
    text.push('\n');
    text
}

/// The key a template line sets, commented out (`# iters = 150`) or not.
fn setting_key(line: &str) -> Option<&'static str> {
    let assignment = line.strip_prefix("# ").unwrap_or(line);
    let (key, _) = assignment.split_once(" = ")?;
    KEYS.iter().copied().find(|&known| known == key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Input, Layer, parse_layer, resolve};
    use crate::schedule::{Decay, Params};
    use std::path::Path;

    fn flags(pairs: &[(&'static str, &str)]) -> Input {
        let mut flags = Layer::default();
        for &(key, value) in pairs {
            flags.set_flag(key, Some(value));
        }
        Input {
            files: Vec::new(),
            flags,
        }
    }

    fn read_back(text: &str) -> Params {
        let layer = parse_layer(Path::new("init.toml"), text).unwrap();
        let spec = resolve(&layer, &Layer::default(), None).unwrap().remove(0);
        spec.params().clone()
    }

    #[test]
    fn template_loads_back_to_the_defaults() {
        let layer = parse_layer(Path::new("init.toml"), TEMPLATE).unwrap();
        let spec = resolve(&layer, &Layer::default(), None).unwrap().remove(0);
        assert_eq!(spec.params(), &Params::default());
        assert_eq!(spec.dialect, Dialect::default());
        assert_eq!(spec.iters_per_epoch, None);
    }

    #[test]
    fn without_flags_the_template_is_written_unchanged() {
        let settings = config::settings(&Input::default()).unwrap();
        assert!(settings.is_empty());
        assert_eq!(
            render(&settings),
            TEMPLATE.replace(&format!("{DIALECTS_LINE}\n"), &dialect_comment())
        );
    }

    #[test]
    fn the_dialect_comment_lists_the_registry() {
        assert_eq!(
            dialect_comment(),
            "# maskrcnn (= warmup-multistep), torch-chained, torch-sequential, detectron2,\n\
             # mxnet, timm, mmengine; or \"all\" to compare them (see docs/dialects.md).\n"
        );
    }

    #[test]
    fn given_values_replace_their_lines() {
        let input = flags(&[
            ("base_lr", "0.02"),
            ("milestones", "60000,80000"),
            ("iters", "90000"),
            ("name", "d2 \"1x\""),
        ]);
        let text = render(&config::settings(&input).unwrap());
        assert!(text.contains("\nbase_lr = 0.02\n"), "{text}");
        assert!(text.contains("\nmilestones = [60000, 80000]\n"), "{text}");
        assert!(text.contains("\niters = 90000\n"), "{text}");
        assert!(text.contains("\nname = \"d2 \\\"1x\\\"\"\n"), "{text}");
        assert!(!text.contains("# iters = 150"), "{text}");
        let params = read_back(&text);
        assert_eq!(params, config::load(&input).unwrap()[0].params().clone());
    }

    #[test]
    fn step_size_comments_out_the_default_milestones() {
        let input = flags(&[("step_size", "30")]);
        let text = render(&config::settings(&input).unwrap());
        assert!(text.contains("\n# milestones = [50, 100]\n"), "{text}");
        assert!(text.contains("\nstep_size = 30\n"), "{text}");
        assert_eq!(read_back(&text).decay, Decay::StepSize(30));
    }

    #[test]
    fn epoch_counts_stay_in_epochs() {
        let input = flags(&[
            ("unit", "epoch"),
            ("iters_per_epoch", "5005"),
            ("milestones", "30,60"),
            ("iters", "90"),
        ]);
        let text = render(&config::settings(&input).unwrap());
        assert!(text.contains("\nmilestones = [30, 60]\n"), "{text}");
        assert_eq!(read_back(&text).iters, 90 * 5005);
    }

    #[test]
    fn invalid_values_are_refused_as_everywhere() {
        let error = config::settings(&flags(&[("gamma", "-1")])).unwrap_err();
        assert_eq!(error.to_string(), "--gamma: must be > 0, got -1");
    }
}
