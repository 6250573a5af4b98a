use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{ColorChoice, Parser};

use lrsched::cli::{Cli, Command};
use lrsched::error::Error;
use lrsched::output::sink::stdout_at_start;
use lrsched::schedule::message::{QUOTED, shorten_quoted};
use lrsched::{commands, diagnostics};

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    // Read before clap parses, so that its help and its usage errors follow --color too.
    diagnostics::use_color(diagnostics::color_from_args(&args).unwrap_or(ColorChoice::Auto));
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    diagnostics::use_color(cli.color);
    let result = match &cli.command {
        Command::Table(args) => commands::table::run(args),
        Command::At(args) => commands::at::run(args),
        Command::Plot(args) => commands::plot::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Fit(args) => commands::fit::run(args),
        Command::Init(args) => commands::init::run(args),
        Command::Scale(args) => commands::scale::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man(args) => commands::man::run(args),
    };
    exit(result)
}

/// The exit status of a command's result; an error is reported on stderr first, except a
/// closed pipe.
fn exit(result: Result<ExitCode, Error>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) if e.is_closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            diagnostics::error(e);
            ExitCode::from(2)
        }
    }
}

/// clap's help and version go to stdout; a usage error is reported without the usage block
/// (the first paragraph names the flag and the problem) and exits 2.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Written like any command's output: a failed write is an error, a closed pipe not.
            let printed = if stdout_at_start::was_closed() {
                Err(stdout_at_start::closed_error())
            } else {
                e.print().and_then(|()| std::io::stdout().flush())
            };
            exit(printed.map(|()| ExitCode::SUCCESS).map_err(Error::Stdout))
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let rendered = e.render();
            let plain = rendered.to_string();
            let styled = rendered.ansi().to_string();
            // Styles add no line breaks, so the plain lines say which styled lines to keep.
            let message: Vec<String> = plain
                .lines()
                .zip(styled.lines())
                .take_while(|(plain, _)| !plain.starts_with("Usage:"))
                .filter(|(plain, _)| !plain.trim().is_empty())
                // Printed once below, also for errors whose rendering already ends with it.
                .filter(|(plain, _)| !plain.starts_with("For more information"))
                // clap quotes a bad value whole: a 100 KB value gets a line, unstyled, not 100 KB.
                .map(|(plain, styled)| {
                    shorten_quoted(plain, QUOTED).unwrap_or_else(|| styled.to_string())
                })
                .collect();
            diagnostics::styled(message.join("\n"));
            diagnostics::styled("For more information, try '--help'.");
            ExitCode::from(2)
        }
    }
}
