//! Reading within stated bounds, for every format: a file of at most [`MAX_FILE_BYTES`], and
//! inheritance (`_BASE_`, `_base_`) at most [`MAX_INHERITANCE`] files deep, without cycles.
//! A 10 MB file or a 1,000-deep chain fails fast, with one line (docs/import.md, "Bounds").

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::error::{ConfigError, Origin};

/// The largest file lrsched reads: 8 MiB, thousands of times the largest real config (and
/// above the 5 MB schedule names the plot tests draw).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The most files an inheritance chain may go through, the file itself included.
pub const MAX_INHERITANCE: usize = 64;

/// A file's text: at most [`MAX_FILE_BYTES`], UTF-8.
pub fn read_text(path: &Path) -> Result<String, ConfigError> {
    let read_error = |problem: String| ConfigError::Read {
        path: path.to_path_buf(),
        problem,
    };
    if path.is_dir() {
        return Err(read_error("is a directory, not a file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| read_error(describe_io(&e)))?;
    let too_large = || {
        read_error(format!(
            "larger than {} MiB, the most a schedule or config file may have",
            MAX_FILE_BYTES >> 20
        ))
    };
    // A regular file says its size; a pipe or a device is cut at the limit as it is read.
    if file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() > MAX_FILE_BYTES)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(describe_io(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let what = if super::extension(path) == "toml" {
            "TOML files"
        } else {
            "config files"
        };
        read_error(format!(
            "line {line}: not valid UTF-8 ({what} are UTF-8 text)"
        ))
    })
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// A file a config inherits from, as written, and where: `_BASE_: "../Base-RCNN-FPN.yaml"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub target: String,
    pub line: usize,
    /// The framework's key: `_BASE_`, `_base_`.
    pub key: &'static str,
}

/// How a format reads one file of a chain: its own content, and the bases it names.
pub type ParseOne<'a, T> = &'a dyn Fn(&Path, &str) -> Result<(T, Vec<Base>), ConfigError>;

/// A config and everything it inherits, merged: each file is parsed by `parse` into its own
/// content and the bases it names; the bases are merged in their order (`merge(earlier,
/// later)`, the later winning), then the file over them. Paths are relative to the file that
/// names them (`~` is the home directory).
pub fn inherit<T>(
    path: &Path,
    text: &str,
    parse: ParseOne<'_, T>,
    merge: &dyn Fn(T, T) -> Result<T, ConfigError>,
) -> Result<T, ConfigError> {
    let mut chain = vec![(identity(path), path.to_path_buf())];
    walk(path, text, parse, merge, &mut chain)
}

fn walk<T>(
    path: &Path,
    text: &str,
    parse: ParseOne<'_, T>,
    merge: &dyn Fn(T, T) -> Result<T, ConfigError>,
    chain: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<T, ConfigError> {
    let (own, bases) = parse(path, text)?;
    let mut merged: Option<T> = None;
    for base in bases {
        let at = || Origin::File {
            path: path.to_path_buf(),
            line: base.line,
            key: base.key.to_string(),
        };
        let target =
            locate(path, &base.target).map_err(|problem| ConfigError::invalid(at(), problem))?;
        let id = identity(&target);
        if let Some(start) = chain.iter().position(|(seen, _)| *seen == id) {
            let cycle: Vec<String> = chain[start..]
                .iter()
                .map(|(_, shown)| shown)
                .chain([&target])
                .map(|p| p.display().to_string())
                .collect();
            return Err(ConfigError::invalid(
                at(),
                format!("inheritance cycle: {}", cycle.join(" -> ")),
            ));
        }
        if chain.len() >= MAX_INHERITANCE {
            return Err(ConfigError::invalid(
                at(),
                format!(
                    "more than {MAX_INHERITANCE} files of inheritance from {}",
                    chain[0].1.display()
                ),
            ));
        }
        let base_text = read_text(&target).map_err(|e| match e {
            ConfigError::Read { path, problem } => {
                ConfigError::invalid(at(), format!("cannot read {}: {problem}", path.display()))
            }
            other => other,
        })?;
        chain.push((id, target.clone()));
        let content = walk(&target, &base_text, parse, merge, chain)?;
        chain.pop();
        merged = Some(match merged {
            None => content,
            Some(earlier) => merge(earlier, content)?,
        });
    }
    match merged {
        None => Ok(own),
        Some(bases) => merge(bases, own),
    }
}

/// The path a base names, from the file that names it.
fn locate(from: &Path, target: &str) -> Result<PathBuf, String> {
    if target.starts_with("http://") || target.starts_with("https://") {
        return Err(format!(
            "'{target}' is a URL; lrsched reads local files only"
        ));
    }
    if let Some(rest) = target.strip_prefix("~/") {
        let home = std::env::var_os("HOME").ok_or("'~' but HOME is not set")?;
        return Ok(PathBuf::from(home).join(rest));
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    Ok(dir.join(target))
}

/// A file's identity for cycle detection: its canonical path when it exists.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test configs: `base: FILE` lines name bases, every other line is content.
    fn parse(_: &Path, text: &str) -> Result<(Vec<String>, Vec<Base>), ConfigError> {
        let mut own = Vec::new();
        let mut bases = Vec::new();
        for (index, line) in text.lines().enumerate() {
            match line.strip_prefix("base: ") {
                Some(target) => bases.push(Base {
                    target: target.into(),
                    line: index + 1,
                    key: "_BASE_",
                }),
                None => own.push(line.to_string()),
            }
        }
        Ok((own, bases))
    }

    fn merge(mut under: Vec<String>, over: Vec<String>) -> Result<Vec<String>, ConfigError> {
        under.extend(over);
        Ok(under)
    }

    fn load(dir: &Path, name: &str) -> Result<Vec<String>, String> {
        let path = dir.join(name);
        let text = read_text(&path).map_err(|e| e.to_string())?;
        inherit(&path, &text, &parse, &merge).map_err(|e| e.to_string())
    }

    #[test]
    fn bases_merge_in_order_under_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(
            dir.path().join("a.cfg"),
            "base: sub/b.cfg\nbase: c.cfg\na\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("sub/b.cfg"), "base: ../c.cfg\nb\n").unwrap();
        std::fs::write(dir.path().join("c.cfg"), "c\n").unwrap();
        // A diamond is no cycle: c is read twice.
        assert_eq!(load(dir.path(), "a.cfg").unwrap(), ["c", "b", "c", "a"]);
    }

    #[test]
    fn cycles_missing_files_and_depth_are_one_line_each() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a.cfg"), "x\nbase: sub/b.cfg\n").unwrap();
        std::fs::write(dir.path().join("sub/b.cfg"), "base: ../a.cfg\n").unwrap();
        let b = dir.path().join("sub/b.cfg");
        assert_eq!(
            load(dir.path(), "a.cfg").unwrap_err(),
            format!(
                "{}:1: _BASE_: inheritance cycle: {a} -> {b} -> {back}",
                b.display(),
                a = dir.path().join("a.cfg").display(),
                b = b.display(),
                back = dir.path().join("sub/../a.cfg").display(),
            )
        );
        std::fs::write(dir.path().join("m.cfg"), "base: gone.cfg\n").unwrap();
        assert_eq!(
            load(dir.path(), "m.cfg").unwrap_err(),
            format!(
                "{}:1: _BASE_: cannot read {}: no such file",
                dir.path().join("m.cfg").display(),
                dir.path().join("gone.cfg").display()
            )
        );
        for level in 0..1000 {
            let text = format!("base: {}.cfg\n", level + 1);
            std::fs::write(dir.path().join(format!("{level}.cfg")), text).unwrap();
        }
        let error = load(dir.path(), "0.cfg").unwrap_err();
        assert!(
            error.ends_with(&format!(
                "63.cfg:1: _BASE_: more than 64 files of inheritance from {}",
                dir.path().join("0.cfg").display()
            )),
            "{error}"
        );
    }

    #[test]
    fn files_past_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        std::fs::write(&path, vec![b'#'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert_eq!(
            read_text(&path).unwrap_err().to_string(),
            format!(
                "{}: cannot read schedule file: larger than 8 MiB, the most a schedule or \
                 config file may have",
                path.display()
            )
        );
        std::fs::write(&path, b"a: 1\nb: caf\xe9\n").unwrap();
        assert!(
            read_text(&path)
                .unwrap_err()
                .to_string()
                .ends_with("line 2: not valid UTF-8 (config files are UTF-8 text)")
        );
        assert_eq!(
            locate(Path::new("x/a.yaml"), "https://h/b.yaml").unwrap_err(),
            "'https://h/b.yaml' is a URL; lrsched reads local files only"
        );
    }
}
