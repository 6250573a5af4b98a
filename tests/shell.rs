//! The shell integration through the real binary: completion scripts, the man page, and when
//! `error:` / `warning:` are coloured (`--color`, NO_COLOR, a terminal or not).

use std::process::Command as StdCommand;

use assert_cmd::Command;

const RED_BOLD_ERROR: &str = "\x1b[1m\x1b[31merror:\x1b[0m ";
const YELLOW_BOLD_WARNING: &str = "\x1b[1m\x1b[33mwarning:\x1b[0m ";
const GAMMA_ERROR: &str = "--gamma: must be > 0, got 0\n";

/// The binary with no colour settings inherited from whoever runs the tests.
fn lrsched() -> Command {
    let mut command = Command::cargo_bin("lrsched").expect("binary builds");
    for variable in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "CI"] {
        command.env_remove(variable);
    }
    command
}

fn stderr_of(command: &mut Command) -> String {
    let output = command.output().expect("runs");
    String::from_utf8(output.stderr).expect("UTF-8 stderr")
}

fn stdout_of(args: &[&str]) -> String {
    let output = lrsched().args(args).output().expect("runs");
    assert!(output.status.success(), "{args:?} failed");
    assert!(output.stderr.is_empty(), "{args:?} wrote to stderr");
    String::from_utf8(output.stdout).expect("UTF-8 stdout")
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        for command in [
            "table",
            "at",
            "plot",
            "explain",
            "check",
            "init",
            "completions",
        ] {
            assert!(script.contains(command), "{shell}: no {command}");
        }
        // A value lrsched offers for completion, not only its own names.
        assert!(script.contains("jsonl"), "{shell}: no format values");
    }
}

#[test]
fn bash_completion_script_defines_and_registers_its_function() {
    let script = stdout_of(&["completions", "bash"]);
    assert!(script.starts_with("_lrsched() {"), "{script}");
    assert!(script.contains("complete -F _lrsched"), "{script}");
}

#[test]
fn completions_reject_an_unknown_shell() {
    let output = lrsched().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: invalid value 'tcsh' for '<SHELL>'"),
        "{stderr}"
    );
}

#[test]
fn man_page_is_roff_with_a_title_and_the_sections_of_a_manual() {
    let page = stdout_of(&["man"]);
    let title = page
        .lines()
        .find(|line| line.starts_with(".TH "))
        .expect("a .TH line");
    assert_eq!(
        title,
        concat!(
            ".TH lrsched 1  \"lrsched ",
            env!("CARGO_PKG_VERSION"),
            "\" "
        )
    );
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
        assert!(page.contains(&format!("\n.SH {section}\n")), "no {section}");
    }
    assert!(page.contains("lrsched\\-table(1)"), "{page}");
}

#[test]
fn man_page_of_a_command_has_its_options_and_examples() {
    let page = stdout_of(&["man", "table"]);
    assert!(page.contains("\n.TH lrsched-table 1 "), "{page}");
    assert!(page.contains("\\fB\\-\\-columns\\fR"), "{page}");
    assert!(
        page.contains(
            ".SH EXAMPLES\n.nf\nlrsched table \\-\\-end 12 \\-\\-every 3                # the reference example, as CSV\n"
        ),
        "{page}"
    );
}

#[test]
fn color_always_colours_the_error_prefix_only() {
    let stderr = stderr_of(lrsched().args(["table", "--gamma", "0", "--color", "always"]));
    assert_eq!(stderr, format!("{RED_BOLD_ERROR}{GAMMA_ERROR}"));
    // Before the command, and with `=`, as a global flag.
    let stderr = stderr_of(lrsched().args(["--color=always", "table", "--gamma", "0"]));
    assert_eq!(stderr, format!("{RED_BOLD_ERROR}{GAMMA_ERROR}"));
}

#[test]
fn color_always_colours_warnings_and_usage_errors() {
    let stderr = stderr_of(lrsched().args([
        "table",
        "--milestones",
        "50,200",
        "--iters",
        "100",
        "--end",
        "1",
        "--color",
        "always",
    ]));
    assert_eq!(
        stderr,
        format!(
            "{YELLOW_BOLD_WARNING}schedule: milestones [200] are at or past iters 100: never reached\n"
        )
    );
    // clap's own usage error, though parsing failed before --color was read by clap.
    let stderr = stderr_of(lrsched().args(["table", "--bogus", "--color", "always"]));
    assert!(stderr.starts_with(RED_BOLD_ERROR), "{stderr:?}");
}

#[test]
fn no_colour_when_not_a_terminal_with_never_or_with_no_color() {
    let plain = format!("error: {GAMMA_ERROR}");
    // stderr is a pipe here.
    assert_eq!(stderr_of(lrsched().args(["table", "--gamma", "0"])), plain);
    // CLICOLOR_FORCE would colour a pipe; never and NO_COLOR still win.
    assert_eq!(
        stderr_of(
            lrsched()
                .env("CLICOLOR_FORCE", "1")
                .args(["table", "--gamma", "0", "--color", "never"])
        ),
        plain
    );
    assert_eq!(
        stderr_of(
            lrsched()
                .env("CLICOLOR_FORCE", "1")
                .env("NO_COLOR", "1")
                .args(["table", "--gamma", "0"])
        ),
        plain
    );
    let stderr = stderr_of(lrsched().args(["table", "--bogus", "--color", "never"]));
    assert!(
        stderr.starts_with("error: unexpected argument '--bogus'"),
        "{stderr}"
    );
}

/// Runs lrsched under `script`, which gives it a pseudo-terminal as stdin, stdout and stderr
/// (util-linux, always there on Debian), and returns what the terminal showed.
fn on_a_terminal(environment: &str, args: &str) -> String {
    let binary = env!("CARGO_BIN_EXE_lrsched");
    let output = StdCommand::new("script")
        .args([
            "--quiet",
            "--return",
            "--command",
            &format!("env -u NO_COLOR -u CLICOLOR -u CLICOLOR_FORCE -u CI TERM=xterm {environment} {binary} {args}"),
            "/dev/null",
        ])
        .output()
        .expect("util-linux `script` runs");
    String::from_utf8(output.stdout).expect("UTF-8 terminal")
}

#[test]
fn auto_colours_a_terminal_unless_no_color_is_set() {
    assert_eq!(
        on_a_terminal("", "table --gamma 0"),
        format!("{RED_BOLD_ERROR}{}", GAMMA_ERROR.replace('\n', "\r\n"))
    );
    assert_eq!(
        on_a_terminal("NO_COLOR=1", "table --gamma 0"),
        format!("error: {}", GAMMA_ERROR.replace('\n', "\r\n"))
    );
    assert_eq!(
        on_a_terminal("", "table --gamma 0 --color never"),
        format!("error: {}", GAMMA_ERROR.replace('\n', "\r\n"))
    );
}
