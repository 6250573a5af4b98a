//! lrsched: compute, check, tabulate and plot warmup + multi-step learning-rate schedules.
//!
//! The layers, lowest first; each imports only the layers before it (a test below reads the
//! `use crate::` lines and holds them to this; docs/architecture.md says more):
//! - [`schedule`]: the model. Parameters, the `Schedule` trait (a pure function of the
//!   iteration), the registry of dialects (one file each), and how a dialect departs from the
//!   intended schedule.
//! - [`lint`]: likely mistakes in a schedule, read off the model.
//! - [`config`]: inputs. TOML files and flags into validated schedules, one row per key; every
//!   input error starts there.
//! - [`log`]: inputs too. Training logs of the frameworks, read as streams of logged lr, and
//!   compared with a schedule (`lrsched verify`).
//! - [`output`]: tables (one file per format, behind one small trait, through one writer),
//!   plots (model, PNG/SVG renderer, braille renderer) and the atomic file sink. It imports the
//!   model, never the inputs.
//! - [`cli`], [`error`], [`diagnostics`] and [`commands`]: the command line, one module per
//!   subcommand wiring inputs to outputs, and the mapping of errors to messages and exit codes.

pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod lint;
pub mod log;
pub mod output;
pub mod schedule;

#[cfg(test)]
mod layers {
    use std::fs;
    use std::path::Path;

    /// What each top-level module may import from the crate, besides itself.
    const ALLOWED: &[(&str, &[&str])] = &[
        ("schedule", &[]),
        ("lint", &["schedule"]),
        ("config", &["schedule"]),
        ("log", &["schedule", "config"]),
        ("output", &["schedule"]),
        ("diagnostics", &[]),
        ("cli", &["schedule", "config", "log", "output"]),
        ("error", &["schedule", "config", "log", "output"]),
        (
            "commands",
            &[
                "schedule",
                "lint",
                "config",
                "log",
                "output",
                "cli",
                "error",
                "diagnostics",
            ],
        ),
    ];

    /// The `crate::X` paths a file's non-test code names.
    fn imports(text: &str) -> Vec<String> {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        code.match_indices("crate::")
            .map(|(at, _)| {
                code[at + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    }

    fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }

    #[test]
    fn layers_point_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        visit(&src, &mut files);
        let mut checked = 0;
        for path in files {
            let relative = path.strip_prefix(&src).unwrap();
            let top = relative.iter().next().unwrap().to_string_lossy();
            let top = top.trim_end_matches(".rs");
            if top == "lib" || top == "main" {
                continue;
            }
            let allowed = ALLOWED
                .iter()
                .find(|(module, _)| *module == top)
                .unwrap_or_else(|| panic!("{top}: a new top-level module needs a layer here"))
                .1;
            for used in imports(&fs::read_to_string(&path).unwrap()) {
                assert!(
                    used == top || allowed.contains(&used.as_str()),
                    "{}: imports crate::{used}, against the layers in src/lib.rs",
                    relative.display()
                );
            }
            checked += 1;
        }
        assert!(checked > 30, "only {checked} files read");
    }

    #[test]
    fn imports_are_read_from_code_before_its_tests() {
        let text = "use crate::schedule::X;\nfn f() { crate::config::g() }\n#[cfg(test)]\nuse crate::output;";
        assert_eq!(imports(text), vec!["schedule", "config"]);
    }
}
