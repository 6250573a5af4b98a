use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use lrsched::cli::{Cli, Command};
use lrsched::commands;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let result = match &cli.command {
        Command::Table(args) => commands::table::run(args),
        Command::At(args) => commands::at::run(args),
        Command::Plot(_) => todo!("plot"),
        Command::Explain(args) => commands::explain::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Init(args) => commands::init::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is_closed_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// clap's help and version go to stdout; a usage error is reported without the usage block
/// (the first paragraph names the flag and the problem) and exits 2.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // A closed pipe while printing help is not worth reporting.
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let rendered = e.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .take_while(|line| !line.starts_with("Usage:"))
                .filter(|line| !line.trim().is_empty())
                .collect();
            eprintln!("{}", message.join("\n"));
            eprintln!("For more information, try '--help'.");
            ExitCode::from(2)
        }
    }
}
