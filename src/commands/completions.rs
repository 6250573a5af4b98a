//! `lrsched completions SHELL`: the completion script clap_complete generates from the same
//! clap definitions the parser uses, so it never falls behind a new flag.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Error;
use crate::output::sink::Sink;

pub fn run(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    let script = script(args.shell);
    let mut sink = Sink::open(None)?;
    sink.write_all(&script).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// The script, built in memory first: clap_complete panics when its writer fails, and stdout
/// may be a closed pipe.
fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "lrsched", &mut script);
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_shell_gets_a_script_that_completes_the_commands_and_flags() {
        for shell in clap_complete::Shell::value_variants() {
            let script = String::from_utf8(script(*shell)).expect("UTF-8 script");
            // fish names long flags without their dashes.
            for word in [
                "explain",
                "completions",
                "milestones",
                "warmup-factor",
                "color",
            ] {
                assert!(script.contains(word), "{shell}: no {word}");
            }
        }
    }
}
