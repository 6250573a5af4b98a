//! `lrsched init`: a commented schedule file with every key, at its default or as given.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::config::{self, ConfigError, Origin};
use crate::error::Error;
use crate::output::sink::Sink;

pub fn run(args: &InitArgs) -> Result<ExitCode, Error> {
    let text = config::schedule_file(&args.schedule.input(&[]))?;
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
    let mut sink =
        Sink::open_unless_input(args.output.as_deref(), &args.schedule.input(&[]).files)?;
    sink.write_all(text.as_bytes()).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    if let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
