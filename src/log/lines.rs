//! Text logs, line by line in bounded memory: the line reader, the one-line JSON object scanner,
//! CSV cells, and numbers as the logs write them.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::{LogError, MAX_LINE, Place};

/// The lines of a file, each at most [`MAX_LINE`] bytes, without their line end.
pub struct Lines {
    path: PathBuf,
    reader: BufReader<File>,
    line: Vec<u8>,
    number: u64,
}

impl Lines {
    pub fn open(path: &Path) -> Result<Lines, LogError> {
        let file = File::open(path).map_err(|e| LogError::io(path, &e))?;
        Ok(Lines {
            path: path.to_path_buf(),
            reader: BufReader::with_capacity(256 << 10, file),
            line: Vec::with_capacity(4096),
            number: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn place(&self) -> Place {
        Place::Line(self.number)
    }

    pub fn error(&self, problem: impl Into<String>) -> LogError {
        LogError::at(&self.path, self.place(), problem)
    }

    /// Reads the next line (then [`Lines::line`]); false at the end of the file.
    pub fn advance(&mut self) -> Result<bool, LogError> {
        self.line.clear();
        let read = (&mut self.reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.line)
            .map_err(|e| LogError::io(&self.path, &e))?;
        if read == 0 {
            return Ok(false);
        }
        self.number += 1;
        if self.line.last() == Some(&b'\n') {
            self.line.pop();
        } else if self.line.len() > MAX_LINE {
            return Err(self.error(format!(
                "line longer than {MAX_LINE} bytes (the limit for a log line)"
            )));
        }
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        Ok(true)
    }

    /// The line last read, without its line end.
    pub fn line(&self) -> &[u8] {
        &self.line
    }
}

/// Calls `visit(key, raw value)` for each member of the JSON object on `line`, in order; a
/// string value keeps its quotes, nested objects and arrays are passed whole. Python's `NaN`,
/// `Infinity` and `-Infinity` are taken as values (json.dumps writes them for a NaN loss).
/// Keys are compared as written: the logs' keys have no escapes.
pub fn json_object<'a>(
    line: &'a [u8],
    mut visit: impl FnMut(&'a [u8], &'a [u8]),
) -> Result<(), String> {
    let mut at = skip_space(line, 0);
    if line.get(at) != Some(&b'{') {
        return Err(not_json(line, at, "expected a JSON object '{'"));
    }
    at = skip_space(line, at + 1);
    if line.get(at) == Some(&b'}') {
        return end(line, at + 1);
    }
    loop {
        if line.get(at) != Some(&b'"') {
            return Err(not_json(line, at, "expected a key in double quotes"));
        }
        let key_end = string_end(line, at).ok_or_else(|| not_json(line, at, "unclosed string"))?;
        let key = &line[at + 1..key_end - 1];
        at = skip_space(line, key_end);
        if line.get(at) != Some(&b':') {
            return Err(not_json(line, at, "expected ':' after a key"));
        }
        at = skip_space(line, at + 1);
        let value_end = value_end(line, at)?;
        visit(key, &line[at..value_end]);
        at = skip_space(line, value_end);
        match line.get(at) {
            Some(b',') => at = skip_space(line, at + 1),
            Some(b'}') => return end(line, at + 1),
            _ => return Err(not_json(line, at, "expected ',' or '}'")),
        }
    }
}

/// The keys of the JSON object on `line`.
pub fn json_keys(line: &[u8]) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    json_object(line, |key, _| {
        keys.push(String::from_utf8_lossy(key).into_owned())
    })?;
    Ok(keys)
}

fn end(line: &[u8], at: usize) -> Result<(), String> {
    let at = skip_space(line, at);
    if at == line.len() {
        Ok(())
    } else {
        Err(not_json(line, at, "text after the object"))
    }
}

fn not_json(line: &[u8], at: usize, what: &str) -> String {
    let found = match line.get(at) {
        None => "the end of the line".to_string(),
        Some(_) => {
            let near: String = String::from_utf8_lossy(&line[at..line.len().min(at + 12)]).into();
            format!("'{near}'")
        }
    };
    format!(
        "not a JSON line: {what} at column {}, found {found}",
        at + 1
    )
}

fn skip_space(line: &[u8], mut at: usize) -> usize {
    while line.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// The index after the closing quote of the string opening at `at`.
fn string_end(line: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < line.len() {
        match line[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// The index after the value starting at `at`.
fn value_end(line: &[u8], at: usize) -> Result<usize, String> {
    match line.get(at) {
        Some(b'"') => string_end(line, at).ok_or_else(|| not_json(line, at, "unclosed string")),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = at;
            while i < line.len() {
                match line[i] {
                    b'"' => {
                        i = string_end(line, i)
                            .ok_or_else(|| not_json(line, i, "unclosed string"))?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Err(not_json(line, line.len(), "unclosed object or array"))
        }
        Some(_) => {
            let len = line[at..]
                .iter()
                .position(|&b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(line.len() - at);
            if len == 0 {
                Err(not_json(line, at, "expected a value"))
            } else {
                Ok(at + len)
            }
        }
        None => Err(not_json(line, at, "expected a value")),
    }
}

/// The cells of a CSV or TSV line; a quoted cell loses its quotes.
pub fn cells(line: &[u8], delimiter: u8) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(line);
    std::iter::from_fn(move || {
        let text = rest?;
        if text.first() == Some(&b'"')
            && let Some(close) = text[1..].iter().position(|&b| b == b'"')
        {
            let cell = &text[1..1 + close];
            let after = &text[close + 2..];
            rest = after
                .iter()
                .position(|&b| b == delimiter)
                .map(|i| &after[i + 1..]);
            return Some(cell);
        }
        match text.iter().position(|&b| b == delimiter) {
            Some(i) => {
                rest = Some(&text[i + 1..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// A logged step: a whole number (`19`, or `19.0` as pandas writes it).
pub fn whole(raw: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let text = text.strip_suffix(".0").unwrap_or(text);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A logged lr: any number text, NaN and infinities included (checked by the caller).
pub fn float(raw: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    match text {
        "NaN" | "nan" => Some(f64::NAN),
        "Infinity" | "inf" => Some(f64::INFINITY),
        "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ if text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) =>
        {
            text.parse().ok()
        }
        _ => None,
    }
}

/// Half a unit of the last digit `raw` shows: `2.0000e-05` → 5e-10, `0.125` → 5e-4.
pub fn half_unit(raw: &[u8]) -> f64 {
    let text = std::str::from_utf8(raw).unwrap_or_default().trim();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let decimals = mantissa.find('.').map_or(0, |dot| mantissa.len() - dot - 1) as i32;
    0.5 * 10f64.powi(exponent - decimals)
}

/// The lr `raw` reads as, or why it cannot be one.
pub fn checked_lr(raw: &[u8]) -> Result<f64, String> {
    match float(raw) {
        None => Err(format!(
            "lr '{}' is not a number",
            String::from_utf8_lossy(raw)
        )),
        Some(lr) => valid_lr(lr),
    }
}

/// `lr` if a learning rate can be it: finite and not negative.
pub fn valid_lr(lr: f64) -> Result<f64, String> {
    if lr.is_nan() {
        Err("lr is NaN".to_string())
    } else if lr.is_infinite() {
        Err(format!("lr is {lr}: not finite"))
    } else if lr < 0.0 {
        Err(format!("lr is negative ({lr})"))
    } else {
        Ok(lr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(line: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        json_object(line.as_bytes(), |k, v| {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ))
        })?;
        Ok(out)
    }

    #[test]
    fn scans_json_objects() {
        let got = members(
            r#"{"data_time": 0.01, "iteration": 19, "lr": 0.0003996, "loss": NaN, "x": {"a": [1, "}"]}, "s": "a\"b"}"#,
        )
        .unwrap();
        let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["data_time", "iteration", "lr", "loss", "x", "s"]);
        assert_eq!(got[1].1, "19");
        assert_eq!(got[2].1, "0.0003996");
        assert_eq!(got[3].1, "NaN");
        assert_eq!(got[4].1, r#"{"a": [1, "}"]}"#);
        assert_eq!(got[5].1, r#""a\"b""#);
        assert_eq!(members("{}").unwrap(), vec![]);
        assert_eq!(
            members(r#"{"lr": 0.1"#).unwrap_err(),
            "not a JSON line: expected ',' or '}' at column 11, found the end of the line"
        );
        assert_eq!(
            members(r#"{"lr": 0.1}x"#).unwrap_err(),
            "not a JSON line: text after the object at column 12, found 'x'"
        );
        assert!(members("[1]").is_err());
        assert!(members(r#"{"lr" 1}"#).is_err());
        assert!(members(r#"{"lr": }"#).is_err());
    }

    #[test]
    fn splits_cells() {
        let got: Vec<&[u8]> = cells(b"a,\"b,c\",,d", b',').collect();
        assert_eq!(got, [&b"a"[..], b"b,c", b"", b"d"]);
        let got: Vec<&[u8]> = cells(b"1\t2", b'\t').collect();
        assert_eq!(got, [&b"1"[..], b"2"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(whole(b"19"), Some(19));
        assert_eq!(whole(b"19.0"), Some(19));
        assert_eq!(whole(b"-1"), None);
        assert_eq!(whole(b"1e3"), None);
        assert_eq!(float(b"0.0020000000949949026"), Some(0.0020000000949949026));
        assert!(float(b"NaN").unwrap().is_nan());
        assert_eq!(float(b"abc"), None);
        assert_eq!(half_unit(b"2.0000e-05"), 0.5e-9);
        assert_eq!(half_unit(b"0.125"), 0.5e-3);
        assert_eq!(checked_lr(b"-0.1").unwrap_err(), "lr is negative (-0.1)");
        assert_eq!(checked_lr(b"NaN").unwrap_err(), "lr is NaN");
        assert_eq!(
            checked_lr(b"Infinity").unwrap_err(),
            "lr is inf: not finite"
        );
        assert_eq!(
            checked_lr(b"\"x\"").unwrap_err(),
            "lr '\"x\"' is not a number"
        );
    }
}
