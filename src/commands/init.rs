//! `lrsched init`: a commented schedule file with every key at its default.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::config::{ConfigError, Origin};
use crate::error::Error;
use crate::output::sink::Sink;

/// Loads back to exactly the built-in defaults (tested).
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

# Whose arithmetic to reproduce: maskrcnn (= warmup-multistep).
dialect = "maskrcnn"

# Label in plot legends and JSON. Default: this file's name without .toml.
# name = "my-schedule"
"#;

pub fn run(args: &InitArgs) -> Result<ExitCode, Error> {
    if let Some(path) = &args.output
        && path.as_os_str() != "-"
        && path.exists()
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
    sink.write_all(TEMPLATE.as_bytes())
        .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    if let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Layer, parse_layer, resolve};
    use crate::schedule::{Dialect, Params};
    use std::path::Path;

    #[test]
    fn template_loads_back_to_the_defaults() {
        let layer = parse_layer(Path::new("init.toml"), TEMPLATE).unwrap();
        let spec = resolve(&layer, &Layer::default(), None).unwrap().remove(0);
        assert_eq!(spec.params(), &Params::default());
        assert_eq!(spec.dialect, Dialect::Maskrcnn);
        assert_eq!(spec.iters_per_epoch, None);
    }
}
