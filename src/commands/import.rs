//! `lrsched import`: a framework config's schedule as lrsched TOML, each value with its origin.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::ImportArgs;
use crate::config::{self, ConfigError, Origin};
use crate::error::Error;
use crate::output::sink::Sink;

pub fn run(args: &ImportArgs) -> Result<ExitCode, Error> {
    let files: Vec<_> = args.file.iter().cloned().collect();
    let input = args.schedule.input(&files);
    let text = if args.command_line.is_empty() {
        config::imported_schedule_file(&input)?
    } else {
        config::imported_command_line(&input, &args.command_line)?
    };
    // As `init`: only a regular file can be overwritten by mistake.
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
    let mut sink = Sink::open_unless_input(args.output.as_deref(), &input.files)?;
    sink.write_all(text.as_bytes()).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    if let Some(path) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
