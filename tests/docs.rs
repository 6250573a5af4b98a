//! The documentation, checked against the tool. In README.md and docs/**/*.md:
//!
//! - Every ```console block is a transcript. A line `$ lrsched ARGS` is a command, run from
//!   the repository root; the lines after it, up to the next `$ ` line or the end of the
//!   block, are exactly what it prints, stdout and stderr interleaved as on a terminal (no
//!   colour, help wrapped at 100 columns). Arguments are split as sh would in simple cases:
//!   whitespace, 'single' and "double" quotes, backslash escapes, `*` in the last path
//!   component, `# comment`. Anything needing a shell (pipes, redirections, variables) and any
//!   program but lrsched is refused: such recipes go in ```sh blocks, which are not run.
//!   Commands that write files (`-o`) are refused too, so the test leaves the clone as it was.
//!   The exit status is not compared: a transcript may show an error.
//! - A fenced block whose info string has `file=PATH` (```` ```toml file=schedules/x.toml ````)
//!   quotes that file of the repository whole, and must equal it.
//! - Relative links and images point at files that exist.
//!
//! `LRSCHED_BLESS_DOCS=1 cargo test --test docs` rewrites the transcripts whose output
//! changed with what lrsched prints now, for review with `git diff`.
//!
//! The `Examples:` of every `--help` run too (those that need no shell), in a scratch folder
//! that sees the repository's `schedules/`, so that they stay real.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::CommandFactory;
use lrsched::cli::Cli;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A fenced code block: the line of its opening fence, its info string, its numbered lines.
struct Block<'a> {
    start: usize,
    info: &'a str,
    lines: Vec<(usize, &'a str)>,
}

/// One `$ lrsched ...` line of a console block and the output shown under it.
struct Example {
    file: String,
    line: usize,
    command: String,
    expected: String,
}

#[test]
fn console_blocks_show_what_lrsched_prints() {
    let bless = std::env::var_os("LRSCHED_BLESS_DOCS").is_some();
    let mut failures = Vec::new();
    // file -> (line of the command, lines of output shown, output printed now)
    let mut blessings: BTreeMap<String, Vec<(usize, usize, String)>> = BTreeMap::new();
    let mut count = 0;
    for (file, text) in markdown_files() {
        let examples = match fenced_blocks(&file, &text).and_then(|b| console_examples(&file, &b)) {
            Ok(examples) => examples,
            Err(problem) => {
                failures.push(problem);
                continue;
            }
        };
        for example in examples {
            count += 1;
            let place = format!("{}:{}: `{}`", example.file, example.line, example.command);
            match printed(&example.command) {
                Err(problem) => failures.push(format!("{place}: {problem}")),
                Ok(printed) if printed == example.expected => {}
                Ok(printed) if bless && can_be_shown(&printed) => {
                    blessings.entry(example.file).or_default().push((
                        example.line,
                        example.expected.lines().count(),
                        printed,
                    ));
                }
                Ok(printed) => failures.push(format!(
                    "{place}: the docs show\n{}\n  lrsched prints\n{}",
                    indent(&example.expected),
                    indent(&printed)
                )),
            }
        }
    }
    for (file, fixes) in blessings {
        rewrite_outputs(&file, &fixes);
    }
    assert!(
        failures.is_empty(),
        "{} of {count} documented commands differ (LRSCHED_BLESS_DOCS=1 updates the docs):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(count >= 20, "only {count} documented commands found");
}

/// What the command of a transcript prints, or why it is not run.
fn printed(command: &str) -> Result<String, String> {
    let words = shell_words(command, Path::new(ROOT))?;
    let args = match words.split_first() {
        Some((program, args)) if program == "lrsched" => args,
        _ => return Err("only `$ lrsched ...` lines run; use a ```sh block".into()),
    };
    if args.iter().any(|arg| writes_a_file(arg)) {
        return Err("writes a file; show it in a ```sh block".into());
    }
    Ok(run(args, Path::new(ROOT)).1)
}

fn writes_a_file(arg: &str) -> bool {
    arg == "--output" || arg.starts_with("--output=") || arg.starts_with("-o")
}

/// Whether `printed` can stand in a console block as it is.
fn can_be_shown(printed: &str) -> bool {
    (printed.is_empty() || printed.ends_with('\n'))
        && printed
            .lines()
            .all(|line| !line.starts_with("$ ") && !line.trim_start().starts_with("```"))
}

/// Replaces, in `file`, the output lines under each command line with what it prints now.
fn rewrite_outputs(file: &str, fixes: &[(usize, usize, String)]) {
    let path = Path::new(ROOT).join(file);
    let text = fs::read_to_string(&path).expect("readable Markdown");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // From the bottom up, so that the line numbers above stay right.
    for (command_line, shown, printed) in fixes.iter().rev() {
        lines.splice(
            *command_line..command_line + shown,
            printed.lines().map(str::to_owned),
        );
    }
    fs::write(&path, lines.join("\n") + "\n").expect("docs are writable");
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    |{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// README.md and every .md under docs/ (paths relative to the root, and their text).
fn markdown_files() -> Vec<(String, String)> {
    let mut files = vec![PathBuf::from("README.md")];
    let mut folders = vec![PathBuf::from("docs")];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(Path::new(ROOT).join(&folder)).expect("docs/ is readable") {
            let name = entry.expect("a directory entry").file_name();
            let path = folder.join(name);
            if Path::new(ROOT).join(&path).is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                files.push(path);
            }
        }
    }
    files[1..].sort();
    files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(Path::new(ROOT).join(&path)).expect("readable");
            (path.display().to_string(), text)
        })
        .collect()
}

/// The fenced blocks of `text`. A fence is three backticks at the start of a line (after
/// indentation) and closes at the next line of three backticks alone, as in CommonMark;
/// these docs use no tildes and no longer fences.
fn fenced_blocks<'a>(file: &str, text: &'a str) -> Result<Vec<Block<'a>>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => {
                open = Some(Block {
                    start: number,
                    info: info.trim(),
                    lines: Vec::new(),
                });
            }
            (Some(_), Some(rest)) if rest.trim().is_empty() => blocks.extend(open.take()),
            (Some(block), _) => block.lines.push((number, line)),
            (None, None) => {}
        }
    }
    match open {
        Some(block) => Err(format!("{file}:{}: fenced block never closed", block.start)),
        None => Ok(blocks),
    }
}

/// The transcripts of the ```console blocks.
fn console_examples(file: &str, blocks: &[Block]) -> Result<Vec<Example>, String> {
    let mut examples = Vec::new();
    for block in blocks {
        if block.info.split_whitespace().next() != Some("console") {
            continue;
        }
        let first = examples.len();
        for &(number, line) in &block.lines {
            if let Some(command) = line.strip_prefix("$ ") {
                examples.push(Example {
                    file: file.to_owned(),
                    line: number,
                    command: command.to_owned(),
                    expected: String::new(),
                });
            } else if examples.len() > first {
                let last: &mut Example = examples.last_mut().expect("a command of this block");
                last.expected.push_str(line);
                last.expected.push('\n');
            } else {
                return Err(format!(
                    "{file}:{number}: output before any `$ lrsched` line"
                ));
            }
        }
        if examples.len() == first {
            return Err(format!(
                "{file}:{}: console block without a `$ ` line",
                block.start
            ));
        }
    }
    Ok(examples)
}

#[test]
fn quoted_files_are_the_files_of_the_repository() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, text) in markdown_files() {
        for block in fenced_blocks(&file, &text).expect("well-formed fences") {
            let Some(quoted) = block
                .info
                .split_whitespace()
                .find_map(|word| word.strip_prefix("file="))
            else {
                continue;
            };
            count += 1;
            let shown: String = block
                .lines
                .iter()
                .map(|(_, line)| format!("{line}\n"))
                .collect();
            match fs::read_to_string(Path::new(ROOT).join(quoted)) {
                Ok(actual) if actual == shown => {}
                Ok(_) => failures.push(format!("{file}:{}: differs from {quoted}", block.start)),
                Err(e) => failures.push(format!("{file}:{}: {quoted}: {e}", block.start)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= 6, "only {count} quoted files");
}

#[test]
fn relative_links_and_images_exist() {
    let mut failures = Vec::new();
    for (file, text) in markdown_files() {
        let folder = Path::new(ROOT).join(&file);
        let folder = folder.parent().expect("a file in a folder");
        for (index, line) in text.lines().enumerate() {
            for target in link_targets(line) {
                let path = target.split('#').next().unwrap_or_default();
                let external = target.contains("://") || target.starts_with("mailto:");
                if !external && !path.is_empty() && !folder.join(path).exists() {
                    failures.push(format!("{file}:{}: {target} does not exist", index + 1));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The targets of the `[text](target)` and `![alt](target)` links on one line.
fn link_targets(line: &str) -> Vec<&str> {
    line.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target))
        .map(|target| target.split_whitespace().next().unwrap_or_default())
        .collect()
}

/// Runs lrsched with `args` in `folder`: its exit code, and its stdout and stderr as one
/// text in the order written (both go to the same file).
fn run(args: &[String], folder: &Path) -> (Option<i32>, String) {
    // assert_cmd captures stdout and stderr apart; one shared file keeps their order.
    let mut output = tempfile::tempfile().expect("a temporary file");
    let status = Command::new(env!("CARGO_BIN_EXE_lrsched"))
        .args(args)
        .current_dir(folder)
        // Help is wrapped to COLUMNS when stdout is not a terminal; a file is never coloured
        // unless forced.
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(output.try_clone().expect("a second handle"))
        .stderr(output.try_clone().expect("a second handle"))
        .status()
        .expect("lrsched runs");
    output.rewind().expect("seekable");
    let mut printed = String::new();
    output.read_to_string(&mut printed).expect("UTF-8 output");
    (status.code(), printed)
}

/// Splits `command` into words as sh would in the simple cases the docs use, expanding `*`
/// in the last component of a path against `folder`. Whatever else sh would treat specially
/// is refused, so that a recipe that needs a shell is never run without one.
fn shell_words(command: &str, folder: &Path) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = command.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.peek() {
            None | Some('#') => break,
            Some(_) => {}
        }
        let mut word = String::new();
        let mut glob = false;
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            match c {
                '\'' => loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unclosed single quote".into()),
                    }
                },
                '"' => loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unclosed double quote".into()),
                        },
                        Some(c @ ('$' | '`')) => {
                            return Err(format!("`{c}` needs a shell; use a ```sh block"));
                        }
                        Some(c) => word.push(c),
                        None => return Err("unclosed double quote".into()),
                    }
                },
                '\\' => word.push(chars.next().ok_or("a backslash at the end")?),
                '*' => {
                    glob = true;
                    word.push(c);
                }
                '|' | '&' | ';' | '<' | '>' | '(' | ')' | '$' | '`' | '?' | '[' | '~' | '{' => {
                    return Err(format!("`{c}` needs a shell; use a ```sh block"));
                }
                c => word.push(c),
            }
        }
        if glob {
            words.extend(expand(&word, folder)?);
        } else {
            words.push(word);
        }
    }
    Ok(words)
}

/// The sorted paths that `pattern` (`*` in its last component only) names in `folder`.
fn expand(pattern: &str, folder: &Path) -> Result<Vec<String>, String> {
    let (directory, name) = match pattern.rsplit_once('/') {
        Some((directory, name)) => (Some(directory), name),
        None => (None, pattern),
    };
    if directory.is_some_and(|directory| directory.contains('*')) {
        return Err(format!("{pattern}: `*` only in the last path component"));
    }
    let listing = fs::read_dir(folder.join(directory.unwrap_or(".")))
        .map_err(|e| format!("{pattern}: {e}"))?;
    let mut matches: Vec<String> = listing
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|file| !file.starts_with('.') && wildcard_match(name, file))
        .map(|file| match directory {
            Some(directory) => format!("{directory}/{file}"),
            None => file,
        })
        .collect();
    if matches.is_empty() {
        return Err(format!("{pattern} matches nothing"));
    }
    matches.sort();
    Ok(matches)
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            let Some(rest) = text.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len())
                .filter(|&cut| rest.is_char_boundary(cut))
                .any(|cut| wildcard_match(tail, &rest[cut..]))
        }
    }
}

#[test]
fn shell_words_split_quote_and_expand_like_sh() {
    let root = Path::new(ROOT);
    let words = |command| shell_words(command, root);
    assert_eq!(
        words(r#"lrsched  at 1 'a b' "c \"d\"" e\ f g''h # comment"#).unwrap(),
        ["lrsched", "at", "1", "a b", "c \"d\"", "e f", "gh"]
    );
    assert_eq!(
        words("lrsched check schedules/detectron2-*x.toml").unwrap(),
        [
            "lrsched",
            "check",
            "schedules/detectron2-1x.toml",
            "schedules/detectron2-3x.toml"
        ]
    );
    assert_eq!(words("lrsched '*'").unwrap(), ["lrsched", "*"]);
    for needs_a_shell in [
        "lrsched table | head",
        "lrsched init > a.toml",
        "lrsched at $X",
        "lrsched init && ls",
        "lrsched 'open",
    ] {
        assert!(words(needs_a_shell).is_err(), "{needs_a_shell}");
    }
    assert!(words("lrsched check nowhere/*.toml").is_err());
}

#[test]
fn transcripts_are_read_from_console_blocks_only() {
    let text = "# Title\n\n```sh\n$ lrsched not run\n```\n\n```console\n$ lrsched at 0\n0.001\n\
                $ lrsched at 1\n```\n";
    let blocks = fenced_blocks("x.md", text).unwrap();
    let examples = console_examples("x.md", &blocks).unwrap();
    let found: Vec<(usize, &str, &str)> = examples
        .iter()
        .map(|e| (e.line, e.command.as_str(), e.expected.as_str()))
        .collect();
    assert_eq!(
        found,
        [(8, "lrsched at 0", "0.001\n"), (10, "lrsched at 1", "")]
    );
    let blocks = fenced_blocks("x.md", "```console\noutput\n```\n").unwrap();
    assert!(console_examples("x.md", &blocks).is_err());
    assert!(fenced_blocks("x.md", "```console\n$ lrsched\n").is_err());
    assert_eq!(
        link_targets("see [a](docs/a.md#top) and ![b](images/b.png \"title\")"),
        ["docs/a.md#top", "images/b.png"]
    );
}

/// Every `--help` example that needs no shell runs and succeeds (`check --strict` may exit 1:
/// warnings are its point). Files they write land in a scratch folder.
#[test]
fn help_examples_run() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    std::os::unix::fs::symlink(
        Path::new(ROOT).join("schedules"),
        scratch.path().join("schedules"),
    )
    .expect("a link to schedules/");
    std::os::unix::fs::symlink(Path::new(ROOT).join("docs"), scratch.path().join("docs"))
        .expect("a link to docs/ (its example configs)");
    let root = Cli::command();
    let mut failures = Vec::new();
    let mut count = 0;
    for command in std::iter::once(&root).chain(root.get_subcommands()) {
        let Some(after_help) = command.get_after_help() else {
            continue;
        };
        let after_help = after_help.to_string();
        let Some((_, examples)) = after_help.split_once("Examples:\n") else {
            continue;
        };
        for example in examples.lines() {
            // Recipes with pipes or redirections need a shell: not run here.
            let Ok(words) = shell_words(example, scratch.path()) else {
                continue;
            };
            count += 1;
            let (code, printed) = run(&words[1..], scratch.path());
            if !matches!(code, Some(0 | 1)) || printed.contains("error") {
                failures.push(format!("{example}\n{}", indent(&printed)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(count >= 15, "only {count} examples ran");
}

/// The README's set-up commands leave `git status` clean: the main job writes its image under
/// `target/`, which `.gitignore` ignores, not into the work tree.
#[test]
fn set_up_writes_only_ignored_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|line| line.starts_with("cargo run --release -- plot"))
        .expect("the README's main job");
    let words: Vec<&str> = command.split_whitespace().collect();
    let output = words
        .iter()
        .position(|&w| w == "-o")
        .and_then(|at| words.get(at + 1))
        .expect("the main job names its output");
    assert!(output.starts_with("target/"), "{command}");
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(ignored.lines().any(|line| line == "/target"), "{ignored}");
}
