//! `lrsched export`: the target framework's config for a schedule, checked against it.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ExportArgs;
use crate::config::{self, ConfigError, Origin};
use crate::error::Error;
use crate::output::export::{self, ExportError};
use crate::output::sink::Sink;

pub fn run(args: &ExportArgs) -> Result<ExitCode, Error> {
    if let Some(list) = args
        .schedule
        .dialect
        .as_deref()
        .filter(|d| d.contains(',') || *d == "all")
    {
        return Err(ConfigError::invalid(
            Origin::Flag("--dialect".into()),
            format!(
                "export takes one source schedule, and '{list}' names several dialects; give \
                 the one whose curve to export"
            ),
        )
        .into());
    }
    // Before loading: an unknown target is the first thing to hear about.
    if !export::target_names().contains(&args.to.as_str()) {
        return Err(refused(&args.to, ExportError::UnknownTarget(args.to.clone())).into());
    }
    let files: Vec<_> = args.file.iter().cloned().collect();
    // A file's dialect = "all" is refused before its skipped frameworks are reported.
    let mut specs = config::load(&args.schedule.input(&files))?.schedules;
    if specs.len() != 1 {
        return Err(ConfigError::invalid(
            Origin::Flag("--dialect".into()),
            format!(
                "export takes one source schedule, and dialect = \"all\" gives {}; give the \
                 dialect whose curve to export",
                specs.len()
            ),
        )
        .into());
    }
    let source = specs.remove(0);
    let exported = export::export(&args.to, &source).map_err(|e| refused(&args.to, e))?;

    let mut sink =
        Sink::open_unless_input(args.output.as_deref(), &args.schedule.input(&files).files)?;
    sink.write_all(exported.text(&source).as_bytes())
        .map_err(|e| sink.fail(e))?;
    sink.finish()?;
    // On stdout the header says it; a file's reader is told here too.
    if let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!("wrote {}: {}", path.display(), exported.verdict());
    }
    Ok(if args.check && !exported.identical() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// An export error, named after the flag (`--to`) or the target (`--to keras`).
fn refused(target: &str, error: ExportError) -> ConfigError {
    let at = match error {
        ExportError::UnknownTarget(_) => "--to".to_string(),
        _ => format!("--to {target}"),
    };
    ConfigError::invalid(Origin::Flag(at), error.to_string())
}
