//! The two shapes most logs take: JSON lines with a step key and an lr key, and a CSV table
//! with a step column and an lr column. A format file says which keys, how its steps count
//! and how precise its values are; these read the lines.

use std::path::Path;

use super::lines::{self, Lines};
use super::{Description, LogError, Point, Points, Precision, ReadOptions};
use crate::schedule::message;

/// Up to this many distinct keys are remembered, to say which ones a log without lr has.
const KEYS_KEPT: usize = 32;

/// How a log's step numbers become iterations: `(step + add − base) × per`.
#[derive(Clone, Copy, Debug)]
pub struct Steps {
    /// Added to the step as read (Keras logs epoch e after e + 1 epochs ran).
    pub add: u64,
    /// The step of the first iteration.
    pub base: u64,
    /// Iterations per step (an epoch's iterations for a per-epoch log).
    pub per: u64,
}

impl Steps {
    pub const ZERO_BASED: Steps = Steps {
        add: 0,
        base: 0,
        per: 1,
    };

    /// With `--step-base` applied.
    pub fn with_options(self, options: &ReadOptions) -> Steps {
        Steps {
            base: options.step_base.unwrap_or(self.base),
            ..self
        }
    }

    pub fn iteration(&self, step: u64, key: &str) -> Result<u64, String> {
        let shifted = step
            .checked_add(self.add)
            .and_then(|s| s.checked_sub(self.base))
            .ok_or_else(|| {
                format!(
                    "{key} {step} is below the first step, {} (see --step-base)",
                    self.base
                )
            })?;
        shifted.checked_mul(self.per).ok_or_else(|| {
            format!(
                "{key} {step} × {} iterations is past the u64 range",
                self.per
            )
        })
    }
}

/// What a format file tells the keyed readers.
pub struct Layout {
    /// Step keys, the first one present wins.
    pub step_keys: Vec<String>,
    pub lr_key: String,
    pub steps: Steps,
    pub precision: Precision,
    pub description: Description,
}

/// A JSON-lines log: one object per line; lines without the lr key are skipped.
pub struct JsonLines {
    lines: Lines,
    layout: Layout,
    keys_seen: Vec<String>,
    lr_seen: bool,
}

impl JsonLines {
    pub fn open(path: &Path, layout: Layout) -> Result<Box<dyn Points>, LogError> {
        Ok(Box::new(JsonLines {
            lines: Lines::open(path)?,
            layout,
            keys_seen: Vec::new(),
            lr_seen: false,
        }))
    }
}

impl Points for JsonLines {
    fn describe(&self) -> Description {
        self.layout.description.clone()
    }

    fn file(&self) -> &Path {
        self.lines.path()
    }

    fn next_point(&mut self) -> Result<Option<Point>, LogError> {
        loop {
            if !self.lines.advance()? {
                if self.lr_seen {
                    return Ok(None);
                }
                return Err(no_lr(
                    self.lines.path(),
                    &self.layout.lr_key,
                    &self.keys_seen,
                ));
            }
            let line = self.lines.line();
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let layout = &self.layout;
            let mut lr = None;
            let mut step: Option<(usize, &[u8])> = None;
            let keys_seen = &mut self.keys_seen;
            let scanned = lines::json_object(line, |key, value| {
                if key == layout.lr_key.as_bytes() {
                    lr = Some(value);
                } else if let Some(rank) = layout.step_keys.iter().position(|k| k.as_bytes() == key)
                    && step.is_none_or(|(best, _)| rank < best)
                {
                    step = Some((rank, value));
                }
                if keys_seen.len() < KEYS_KEPT && !keys_seen.iter().any(|k| k.as_bytes() == key) {
                    keys_seen.push(String::from_utf8_lossy(key).into_owned());
                }
            });
            let (lr, step) = match scanned {
                Err(problem) => return Err(self.lines.error(problem)),
                Ok(()) => (lr, step),
            };
            let Some(lr) = lr else { continue };
            if lr == b"null" {
                continue;
            }
            self.lr_seen = true;
            let layout = &self.layout;
            let Some((rank, step)) = step else {
                return Err(self.lines.error(format!(
                    "'{}' without {}",
                    layout.lr_key,
                    quoted_list(&layout.step_keys)
                )));
            };
            let key = &layout.step_keys[rank];
            let step = lines::whole(step).ok_or_else(|| {
                self.lines.error(format!(
                    "'{key}' is {}, not a whole number >= 0",
                    String::from_utf8_lossy(step)
                ))
            })?;
            let iteration = layout
                .steps
                .iteration(step, &format!("'{key}'"))
                .map_err(|p| self.lines.error(p))?;
            let value = lines::checked_lr(lr).map_err(|p| self.lines.error(p))?;
            return Ok(Some(Point {
                iteration,
                lr: value,
                precision: precision(layout.precision, lr),
                place: self.lines.place(),
            }));
        }
    }
}

fn precision(precision: Precision, raw: &[u8]) -> Precision {
    match precision {
        Precision::HalfUnit(_) => Precision::HalfUnit(lines::half_unit(raw)),
        other => other,
    }
}

/// Names read from a log (header cells, JSON keys, tags), as a message lists them: the first
/// 32, each cut to 64 characters, so that a header line of a megabyte or a tag of megabytes
/// still makes a short message (docs/errors.md, "Oversized inputs").
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 32;
    let mut shown: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|name| message::prefix(name.as_ref(), 64))
        .collect();
    if names.len() > SHOWN {
        shown.push(format!("… ({} in all)", names.len()));
    }
    shown.join(", ")
}

fn quoted_list(keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
    quoted.join(" or ")
}

/// The error for a log in which no line or column has the lr.
pub fn no_lr(path: &Path, lr_key: &str, keys: &[String]) -> LogError {
    let found = if keys.is_empty() {
        "no keys at all".to_string()
    } else {
        let more = if keys.len() == KEYS_KEPT { ", …" } else { "" };
        format!("keys found: {}{more}", listed(keys))
    };
    LogError::file(
        path,
        format!("no '{lr_key}' logged; {found} (name the lr with --lr-key, or --tag)"),
    )
}

/// Which column of a CSV header holds the lr and which the step.
pub struct Columns {
    pub step: usize,
    pub lr: usize,
    pub delimiter: u8,
}

/// A CSV or TSV table with a header line; rows with an empty lr cell are skipped.
pub struct Table {
    lines: Lines,
    columns: Columns,
    layout: Layout,
}

impl Table {
    /// `choose` picks the columns from the header cells, or says why it cannot.
    pub fn open(
        path: &Path,
        layout: Layout,
        choose: impl FnOnce(&[String], u8) -> Result<Columns, String>,
    ) -> Result<Box<dyn Points>, LogError> {
        let mut lines = Lines::open(path)?;
        if !lines.advance()? {
            return Err(LogError::file(path, "is empty: no lr logged"));
        }
        let header = lines.line();
        let delimiter = if header.contains(&b'\t') { b'\t' } else { b',' };
        let header: Vec<String> = lines::cells(header, delimiter)
            .map(|c| String::from_utf8_lossy(c).trim().to_string())
            .collect();
        let columns = choose(&header, delimiter).map_err(|p| lines.error(p))?;
        Ok(Box::new(Table {
            lines,
            columns,
            layout,
        }))
    }
}

impl Points for Table {
    fn describe(&self) -> Description {
        self.layout.description.clone()
    }

    fn file(&self) -> &Path {
        self.lines.path()
    }

    fn next_point(&mut self) -> Result<Option<Point>, LogError> {
        loop {
            if !self.lines.advance()? {
                return Ok(None);
            }
            let line = self.lines.line();
            if line.is_empty() {
                continue;
            }
            let (mut step, mut lr) = (None, None);
            for (index, cell) in lines::cells(line, self.columns.delimiter).enumerate() {
                if index == self.columns.step {
                    step = Some(cell);
                }
                if index == self.columns.lr {
                    lr = Some(cell);
                }
            }
            let lr = match lr {
                Some(cell) if !cell.trim_ascii().is_empty() => cell,
                _ => continue,
            };
            let key = &self.layout.step_keys[0];
            let step = step
                .filter(|cell| !cell.trim_ascii().is_empty())
                .ok_or_else(|| {
                    self.lines.error(format!(
                        "an lr without a '{key}' (the row has too few cells)"
                    ))
                })?;
            let step = lines::whole(step).ok_or_else(|| {
                self.lines.error(format!(
                    "'{key}' is {}, not a whole number >= 0",
                    String::from_utf8_lossy(step)
                ))
            })?;
            let iteration = self
                .layout
                .steps
                .iteration(step, &format!("'{key}'"))
                .map_err(|p| self.lines.error(p))?;
            let value = lines::checked_lr(lr).map_err(|p| self.lines.error(p))?;
            return Ok(Some(Point {
                iteration,
                lr: value,
                precision: precision(self.layout.precision, lr),
                place: self.lines.place(),
            }));
        }
    }
}

/// The index of `name` among the header cells, or the error naming what the header has.
pub fn column(header: &[String], name: &str) -> Result<usize, String> {
    header.iter().position(|h| h == name).ok_or_else(|| {
        format!(
            "no '{}' column; the header has: {}",
            message::prefix(name, 64),
            listed(header)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_header_is_listed_whole() {
        let header: Vec<String> = ["Wall time", "Step", "Value"].map(String::from).to_vec();
        assert_eq!(
            column(&header, "iteration").unwrap_err(),
            "no 'iteration' column; the header has: Wall time, Step, Value"
        );
    }

    /// Found by the `log_text` fuzz target: a header line of thousands of characters was
    /// quoted whole in the message.
    #[test]
    fn a_huge_header_is_listed_by_its_start() {
        let mut header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
        header[1] = "x".repeat(100_000);
        let error = column(&header, "iteration").unwrap_err();
        assert_eq!(
            error,
            format!(
                "no 'iteration' column; the header has: c0, {}… (100000 characters), {}, … \
                 (10000 in all)",
                "x".repeat(64),
                (2..32)
                    .map(|i| format!("c{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }

    #[test]
    fn long_keys_are_cut() {
        let keys = vec!["iteration".to_string(), "k".repeat(5000)];
        let error = no_lr(Path::new("metrics.json"), "lr", &keys).to_string();
        assert!(error.len() < 300, "{error}");
        assert!(error.contains("keys found: iteration, kkkk"), "{error}");
    }
}
