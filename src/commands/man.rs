//! `lrsched man [COMMAND]`: a roff manual page rendered by clap_mangen from the clap
//! definitions: `lrsched(1)` lists the commands, `lrsched-<command>(1)` has one command's options.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_mangen::roff::{Roff, roman};

use crate::cli::{Cli, ManArgs};
use crate::error::Error;
use crate::output::sink::Sink;

pub fn run(args: &ManArgs) -> Result<ExitCode, Error> {
    let page = page(args.command.as_deref());
    let mut sink = Sink::open(None)?;
    sink.write_all(&page).map_err(|e| sink.fail(e))?;
    sink.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// The page of `command`, or of lrsched itself. `command` is one of `cli::MAN_PAGES` (clap
/// checked it); an unknown name falls back to the main page, which lists them all.
fn page(command: Option<&str>) -> Vec<u8> {
    let mut root = Cli::command();
    // Building fills in what the pages show: "lrsched table" as the synopsis, the global flags.
    root.build();
    let mut command = command
        .and_then(|name| root.find_subcommand(name))
        .cloned()
        .unwrap_or(root);
    let after_help = command.get_after_help().map(|text| text.to_string());
    // clap_mangen would put the after-help text in one filled paragraph under "EXTRA"; its
    // "Heading: ..." paragraphs become sections of their own instead.
    command = command.after_help(None::<&str>);
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        // The subcommands have no version of their own.
        .source(concat!("lrsched ", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .expect("writing to a Vec cannot fail");
    if let Some(after_help) = after_help {
        page.extend_from_slice(sections(&after_help).as_bytes());
    }
    ascii_roff(&String::from_utf8(page).expect("clap_mangen writes UTF-8"))
}

/// The page with every character past ASCII written as a roff escape (`…` as `\[u2026]`):
/// roff input is ASCII, and groff warns about (and `LC_ALL=C man` drops) anything else. An
/// ASCII terminal shows `…` as `...` (groff's own fallback for `×` is `x`).
fn ascii_roff(page: &str) -> Vec<u8> {
    let mut out = String::with_capacity(page.len());
    out.push_str(".if !c\\[u2026] .char \\[u2026] ...\n");
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
}

/// One section per paragraph of the after-help text. "Heading: text" is filled as prose;
/// "Heading:" alone on its line (the examples) keeps each following line as it is.
fn sections(after_help: &str) -> String {
    let mut roff = Roff::new();
    for paragraph in after_help.split("\n\n") {
        let (first, rest) = paragraph.split_once('\n').unwrap_or((paragraph, ""));
        if let Some(heading) = first.strip_suffix(':') {
            roff.control("SH", [heading.to_uppercase().as_str()])
                .control("nf", []);
            for line in rest.lines() {
                roff.text([roman(line.trim_start())]);
            }
            roff.control("fi", []);
        } else if let Some((heading, text)) = paragraph.split_once(": ") {
            roff.control("SH", [heading.to_uppercase().as_str()]);
            roff.text([roman(text.replace('\n', " "))]);
        } else {
            roff.control("PP", [])
                .text([roman(paragraph.replace('\n', " "))]);
        }
    }
    roff.to_roff()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::MAN_PAGES;

    fn page_text(command: Option<&str>) -> String {
        String::from_utf8(page(command)).expect("UTF-8 page")
    }

    #[test]
    fn every_command_has_a_page() {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|sub| sub.get_name().to_owned())
            .collect();
        assert_eq!(names, MAN_PAGES);
        for name in MAN_PAGES {
            let page = page_text(Some(name));
            assert!(page.contains(&format!(".TH lrsched-{name} 1 ")), "{page}");
            assert!(page.contains(".SH EXAMPLES\n.nf\n"), "{name}: no examples");
        }
        let check = page_text(Some("check"));
        assert!(check.contains(".SH \"EXIT STATUS\"\n0 valid"), "{check}");
    }

    #[test]
    fn pages_are_ascii_with_escapes() {
        let fallback = ".if !c\\[u2026] .char \\[u2026] ...\n";
        assert_eq!(
            String::from_utf8(ascii_roff("t = 0 … N × 2 é 😀")).unwrap(),
            format!("{fallback}t = 0 \\[u2026] N \\[u00D7] 2 \\[u00E9] \\[u1F600]")
        );
        let mut escaped = 0;
        for name in MAN_PAGES.iter().map(Some).chain([None]) {
            let page = page(name.copied());
            assert!(page.is_ascii(), "{name:?}");
            escaped += String::from_utf8(page).unwrap().matches("\\[u").count();
        }
        assert!(
            escaped > 0,
            "no page has a character to escape: the test tests nothing"
        );
        let table = page_text(Some("table"));
        assert!(table.contains("(t = 0 \\[u2026] N\\-1)"), "{table}");
    }

    #[test]
    fn main_page_lists_the_commands_and_the_examples_line_by_line() {
        let page = page_text(None);
        assert!(page.contains(".TH lrsched 1 "), "{page}");
        assert!(page.contains("\\-\\-color"), "{page}");
        assert!(page.contains("lrsched\\-explain(1)"), "{page}");
        let examples = page.split(".SH EXAMPLES\n.nf\n").nth(1).expect("examples");
        assert!(
            examples.starts_with("lrsched table \\-\\-end 12 \\-\\-every 3"),
            "{examples}"
        );
        assert!(examples.ends_with("lrsched init \\-o my\\-schedule.toml\n.fi\n"));
    }
}
