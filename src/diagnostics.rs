//! `error:` and `warning:` lines on stderr, coloured like clap's own messages when colour is
//! wanted: `--color always`, or `--color auto` (the default) with stderr a terminal and
//! `NO_COLOR` unset. The choice is process-wide (anstream's global), so clap's help and usage
//! errors follow the same `--color` flag.

use std::ffi::OsString;
use std::fmt::Display;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use clap::{ColorChoice, ValueEnum};

/// The same red bold as clap's `error:`.
const ERROR: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
/// Yellow bold, as cargo's `warning:`.
const WARNING: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)))
    .bold();

/// Makes `choice` the colour policy of everything this process writes through anstream
/// (these diagnostics, clap's help and errors). `Auto` keeps anstream's detection: a terminal,
/// `NO_COLOR` unset or empty, `CLICOLOR`/`CLICOLOR_FORCE` honoured.
pub fn use_color(choice: ColorChoice) {
    let choice = match choice {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// The value of the last `--color WHEN` / `--color=WHEN` before a `--`, read from the raw
/// arguments so that it applies even when clap then rejects the command line. None when the
/// flag is absent or its value is not one clap would accept (clap reports that itself).
pub fn color_from_args(args: &[OsString]) -> Option<ColorChoice> {
    let mut choice = None;
    let mut args = args.iter().map(|arg| arg.to_str());
    while let Some(arg) = args.next() {
        let value = match arg {
            Some("--") => break,
            Some("--color") => args.next().flatten(),
            Some(arg) => arg.strip_prefix("--color="),
            None => None,
        };
        if let Some(parsed) = value.and_then(|value| ColorChoice::from_str(value, false).ok()) {
            choice = Some(parsed);
        }
    }
    choice
}

/// Prints `error: <message>` to stderr.
pub fn error(message: impl Display) {
    print(ERROR, "error", message);
}

/// Prints `warning: <message>` to stderr.
pub fn warning(message: impl Display) {
    print(WARNING, "warning", message);
}

/// Prints text that may carry ANSI styles (clap's rendered errors) to stderr, styles removed
/// unless colour is wanted.
pub fn styled(text: impl Display) {
    let mut stderr = anstream::stderr().lock();
    // Nothing useful can be done when stderr itself is gone.
    let _ = writeln!(stderr, "{text}");
}

/// The most characters of any line of an error or warning. Values the user wrote are cut at
/// their source, to a short prefix; what is not (a path of 20,000 characters, a schedule name
/// of megabytes) is cut here.
const MESSAGE_LINE: usize = 1000;

fn print(style: Style, prefix: &str, message: impl Display) {
    let message = bounded_lines(&message.to_string(), MESSAGE_LINE);
    styled(format_args!("{style}{prefix}:{style:#} {message}"));
}

/// `text` with every line longer than `max` characters cut, and its length said.
fn bounded_lines(text: &str, max: usize) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| match line.char_indices().nth(max) {
            Some((end, _)) => format!("{}… ({} characters)", &line[..end], line.chars().count()),
            None => line.to_string(),
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn every_line_is_bounded() {
        assert_eq!(bounded_lines("ab\ncd", 2), "ab\ncd");
        assert_eq!(
            bounded_lines("abc\nd\néfgh", 2),
            "ab… (3 characters)\nd\néf… (4 characters)"
        );
    }

    #[test]
    fn color_flag_in_both_spellings_and_the_last_one_wins() {
        assert_eq!(color_from_args(&args(&["lrsched", "table"])), None);
        assert_eq!(
            color_from_args(&args(&["lrsched", "--color", "never", "table"])),
            Some(ColorChoice::Never)
        );
        assert_eq!(
            color_from_args(&args(&["lrsched", "table", "--color=always"])),
            Some(ColorChoice::Always)
        );
        assert_eq!(
            color_from_args(&args(&[
                "lrsched",
                "--color=always",
                "at",
                "--color",
                "auto"
            ])),
            Some(ColorChoice::Auto)
        );
    }

    #[test]
    fn color_flag_after_double_dash_or_with_a_bad_value_is_ignored() {
        assert_eq!(
            color_from_args(&args(&["lrsched", "at", "--", "--color", "always"])),
            None
        );
        assert_eq!(
            color_from_args(&args(&["lrsched", "--color", "sometimes"])),
            None
        );
        assert_eq!(color_from_args(&args(&["lrsched", "--color"])), None);
    }
}
