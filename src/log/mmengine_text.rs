//! mmengine's text log, `<timestamp>.log`: `LogProcessor` prints one line per interval with the
//! lr as `f'{key}: {val:.{self.num_digits}e}'` (4 digits: `lr: 2.0000e-05`), after the loop's
//! progress, 1-based like its JSON log:
//!
//! ```text
//! … - mmengine - INFO - Iter(train) [  50/90000]  base_lr: 2.0000e-04 lr: 2.0000e-05  eta: …
//! … - mmengine - INFO - Epoch(train)  [1][  50/7330]  base_lr: 2.0000e-04 lr: 2.0000e-05  …
//! ```
//!
//! An epoch-based loop counts iterations within the epoch: `[e][i/n]` is iteration
//! (e − 1)·n + i − 1. The values only agree to their printed digits.

use std::path::Path;

use super::lines::{self, Lines};
use super::{Description, Format, LogError, Point, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "mmengine-log",
    about: "mmengine text <timestamp>.log (`Iter(train) [k/n]`, lr as %.4e)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    let text = &file.head[..file.head.len().min(16 << 10)];
    contains(text, b" - mmengine - ") || (file.name.ends_with(".log") && contains(text, b"(train)"))
}

fn contains(text: &[u8], needle: &[u8]) -> bool {
    text.windows(needle.len()).any(|w| w == needle)
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let base = options.step_base.unwrap_or(1);
    Ok(Box::new(TextLog {
        lines: Lines::open(path)?,
        lr_key: format!(" {}: ", options.lr_key.as_deref().unwrap_or("lr")),
        base,
        lr_seen: false,
    }))
}

struct TextLog {
    lines: Lines,
    /// ` lr: `, with the space before it, so that `base_lr: ` does not match.
    lr_key: String,
    base: u64,
    lr_seen: bool,
}

impl Points for TextLog {
    fn describe(&self) -> Description {
        Description {
            format: FORMAT.name,
            convention: format!(
                "'Iter(train) [k/n]' is iteration k − {}, lr printed to 5 digits",
                self.base
            ),
            caveat: None,
        }
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
                let key = self.lr_key.trim().trim_end_matches(':');
                return Err(LogError::file(
                    self.lines.path(),
                    format!(
                        "no '{key}: ' on any 'Iter(train)' or 'Epoch(train)' line (name the lr with --lr-key)"
                    ),
                ));
            }
            let line = self.lines.line();
            let Some(count) = train_count(line) else {
                continue;
            };
            let Some(at) = find(line, self.lr_key.as_bytes()) else {
                continue;
            };
            self.lr_seen = true;
            let count = count.map_err(|p| self.lines.error(p))?;
            let rest = &line[at + self.lr_key.len()..];
            let raw = rest
                .split(|b| b.is_ascii_whitespace())
                .next()
                .unwrap_or_default();
            let lr = lines::checked_lr(raw).map_err(|p| self.lines.error(p))?;
            let iteration = count.checked_sub(self.base).ok_or_else(|| {
                self.lines.error(format!(
                    "iteration count {count} is below the first step, {} (see --step-base)",
                    self.base
                ))
            })?;
            return Ok(Some(Point {
                iteration,
                lr,
                precision: Precision::HalfUnit(lines::half_unit(raw)),
                place: self.lines.place(),
            }));
        }
    }
}

fn find(text: &[u8], needle: &[u8]) -> Option<usize> {
    text.windows(needle.len()).position(|w| w == needle)
}

/// The 1-based iteration count of a training progress line, `None` for other lines.
fn train_count(line: &[u8]) -> Option<Result<u64, String>> {
    if let Some(at) = find(line, b"Iter(train) [") {
        let (k, _) = fraction(&line[at + 13..])?;
        return Some(Ok(k));
    }
    let at = find(line, b"Epoch(train)")?;
    let rest = &line[at + 12..];
    let open = rest.iter().position(|&b| b == b'[')?;
    let close = rest.iter().position(|&b| b == b']')?;
    let epoch = lines::whole(rest.get(open + 1..close)?)?;
    let inner = &rest[close + 1..];
    let (i, n) = fraction(inner.strip_prefix(b"[")?)?;
    let count = epoch
        .checked_sub(1)
        .and_then(|e| e.checked_mul(n))
        .and_then(|c| c.checked_add(i))
        .ok_or_else(|| format!("epoch {epoch} of {n} iterations: not a count lrsched can place"));
    Some(count)
}

/// `  50/90000]` → (50, 90000).
fn fraction(text: &[u8]) -> Option<(u64, u64)> {
    let close = text.iter().position(|&b| b == b']')?;
    let inside = &text[..close];
    let slash = inside.iter().position(|&b| b == b'/')?;
    Some((
        lines::whole(&inside[..slash])?,
        lines::whole(&inside[slash + 1..])?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    #[test]
    fn reads_iter_and_epoch_lines() {
        let file = written(
            "20240101_000000.log",
            concat!(
                "2024/01/01 00:00:00 - mmengine - INFO - Config: lr=0.02\n",
                "2024/01/01 00:00:10 - mmengine - INFO - Iter(train) [   50/90000]  base_lr: 2.0000e-02 lr: 1.9820e-03  eta: 1:00:00  loss: 1.2\n",
                "2024/01/01 00:00:20 - mmengine - INFO - Epoch(train)  [2][ 100/7330]  base_lr: 2.0000e-02 lr: 2.0000e-02  eta: 1:00:00\n",
            ),
        );
        let points = read_all(file.path(), &ReadOptions::default()).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(49, 1.982e-3), (7330 + 99, 2e-2)]);
        assert_eq!(
            points[0].precision,
            Precision::HalfUnit(lines::half_unit(b"1.9820e-03"))
        );
        assert_eq!(points[1].place, crate::log::Place::Line(3));
    }
}
