//! Training logs: the learning rate a run logged, read as the framework that wrote it counts
//! its steps (docs/verify.md).
//!
//! One file per format and one line each in the registry, [`FORMATS`]; a reader turns its file
//! into a stream of [`Point`]s (iteration, lr, how precise the logged value is, where it was
//! read), in constant memory: `compare` checks each point against the schedule as it arrives
//! and keeps only run-length summaries.

mod compare;
mod curve;
mod detectron2;
mod diagnose;
mod error;
mod event;
mod fit;
mod fit_numbers;
mod keras;
mod keyed;
mod lightning;
mod lines;
mod mmengine;
mod mmengine_text;
mod plain;
mod tensorboard;
mod tensorboard_csv;
mod tfrecord;

pub use compare::{Comparison, Difference, Range, Tolerance, Verdict, compare};
pub use curve::{Curve, RUNS_KEPT, Run, read_curve};
pub use diagnose::Diagnosis;
pub use error::{LogError, Place};
pub use fit::{Fit, Fitted, Phase, fit};
pub use tfrecord::frame as frame_record;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The longest line a text log may have: detectron2's widest lines are a few kB.
pub const MAX_LINE: usize = 1 << 20;
/// The largest TFRecord read: scalar events are under 100 bytes; graphs and images can be MBs.
pub const MAX_RECORD: u64 = 64 << 20;

/// One logged learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The iteration whose lr this is (0-based: the number of scheduler steps taken).
    pub iteration: u64,
    pub lr: f64,
    pub precision: Precision,
    pub place: Place,
}

/// How exactly a logged value stands for the lr the run used.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Precision {
    /// Full-precision text (Python's `repr`) or a float64: the value itself.
    Exact,
    /// Stored as a float32: agrees to 2^-24 relative.
    Float32,
    /// Printed with a fixed number of digits: agrees to half a unit of the last digit, this.
    HalfUnit(f64),
}

/// What a reader says about its file, for the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// The format's name (`--log-format`).
    pub format: &'static str,
    /// The framework's step convention, in a few words.
    pub convention: String,
    /// Said once in the report when it limits what can be checked (a per-epoch log).
    pub caveat: Option<String>,
}

/// A stream of logged points, in file order.
pub trait Points {
    fn describe(&self) -> Description;
    /// The file being read (one of a run directory's event files).
    fn file(&self) -> &Path;
    /// Where `place` is, in words: `line 12`, or in a run directory `events.out.…: record 3 at
    /// byte 120`.
    fn place_words(&self, place: Place) -> String {
        match place {
            Place::Line(n) => format!("line {n}"),
            other => other.to_string(),
        }
    }
    /// The next point, `None` at the end of the log.
    fn next_point(&mut self) -> Result<Option<Point>, LogError>;
}

/// How to read a log: what the user forced, and what the schedule says about epochs.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub from: Option<&'static Format>,
    pub step_key: Option<String>,
    pub lr_key: Option<String>,
    /// The step the log counts its first iteration as (0 or 1).
    pub step_base: Option<u64>,
    pub tag: Option<String>,
    /// For logs written per epoch (Keras).
    pub iters_per_epoch: Option<u64>,
}

/// Opens a file as one format.
pub type Opener = fn(&Path, &ReadOptions) -> Result<Box<dyn Points>, LogError>;

/// A log format: its name, how to recognise it, how to read it.
pub struct Format {
    /// The `--log-format` value.
    pub name: &'static str,
    /// What writes it, for `--log-format`'s help and the error that lists formats.
    pub about: &'static str,
    /// Whether the start of a file (its first 64 kB) and its name look like this format.
    pub sniff: fn(&Sniff) -> bool,
    pub open: Opener,
}

/// The registry: every format, in the order detection tries them.
pub static FORMATS: &[Format] = &[
    tensorboard::FORMAT,
    detectron2::FORMAT,
    mmengine::FORMAT,
    mmengine_text::FORMAT,
    lightning::FORMAT,
    tensorboard_csv::FORMAT,
    keras::FORMAT,
    plain::CSV,
    plain::JSONL,
];

impl Format {
    pub fn named(name: &str) -> Option<&'static Format> {
        FORMATS.iter().find(|f| f.name == name)
    }

    /// `tensorboard, detectron2, …`: for messages.
    pub fn names() -> String {
        let names: Vec<&str> = FORMATS.iter().map(|f| f.name).collect();
        names.join(", ")
    }
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The start of a file, as detection sees it.
pub struct Sniff<'a> {
    pub name: &'a str,
    pub head: &'a [u8],
    pub options: &'a ReadOptions,
}

impl Sniff<'_> {
    /// The first line, less its line end.
    pub fn first_line(&self) -> &[u8] {
        let line = self.head.split(|&b| b == b'\n').next().unwrap_or_default();
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    /// The CSV header's cells, when the first line is one (`,` or tab separated).
    pub fn header(&self) -> Vec<String> {
        let line = String::from_utf8_lossy(self.first_line()).into_owned();
        let delimiter = if line.contains('\t') { '\t' } else { ',' };
        line.split(delimiter)
            .map(|cell| cell.trim().trim_matches('"').to_string())
            .collect()
    }

    /// The keys of the first JSON line that has `key` (or of the first line).
    pub fn json_keys_near(&self, key: &str) -> Vec<String> {
        let lines = self.head.split(|&b| b == b'\n').take(64);
        let mut first = None;
        for line in lines {
            let Ok(keys) = lines::json_keys(line) else {
                continue;
            };
            if keys.iter().any(|k| k == key) {
                return keys;
            }
            first.get_or_insert(keys);
        }
        first.unwrap_or_default()
    }
}

/// Opens `path` as the format `options.from` names, else as the one its content (then its
/// name) shows. A directory is a TensorBoard run: its event files.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    if path.is_dir() {
        return match options.from {
            None
            | Some(Format {
                name: "tensorboard",
                ..
            }) => tensorboard::open_dir(path, options),
            Some(format) => Err(LogError::file(
                path,
                format!("is a directory; --log-format {} reads a file", format.name),
            )),
        };
    }
    if let Some(format) = options.from {
        return (format.open)(path, options);
    }
    let mut head = Vec::with_capacity(64 << 10);
    File::open(path)
        .and_then(|file| file.take(64 << 10).read_to_end(&mut head))
        .map_err(|e| LogError::io(path, &e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sniff = Sniff {
        name: &name,
        head: &head,
        options,
    };
    let found: Vec<&Format> = FORMATS.iter().filter(|f| (f.sniff)(&sniff)).collect();
    match found.as_slice() {
        [format] => (format.open)(path, options),
        [] if head.is_empty() => Err(LogError::file(path, "is empty: no lr logged")),
        [] => Err(LogError::file(
            path,
            format!(
                "unknown log format; name one with --log-format: {}",
                Format::names()
            ),
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|f| f.name).collect();
            Err(LogError::file(
                path,
                format!(
                    "could be read as {}; name one with --log-format",
                    names.join(" or ")
                ),
            ))
        }
    }
}

/// The event files of a TensorBoard run directory, in the order TensorBoard loads them.
pub fn event_files(dir: &Path) -> Result<Vec<PathBuf>, LogError> {
    tensorboard::event_files(dir)
}

/// Whether a tag or key names a learning rate: `lr`, `train/lr`, `lr-SGD`, `learning_rate`,
/// `epoch_learning_rate`; not `base_lr` or `initial_lr`, which mmengine and PyTorch log
/// beside it.
pub fn looks_like_lr(name: &str) -> bool {
    let words: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let lr =
        words.contains(&"lr") || name.contains("learning_rate") || name.contains("learning-rate");
    lr && !words
        .iter()
        .any(|w| matches!(*w, "base" | "initial" | "max" | "min"))
}

/// Log files for the readers' tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A file in a directory of its own, removed with it.
    pub struct Written {
        _dir: tempfile::TempDir,
        path: PathBuf,
    }

    impl Written {
        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    pub fn written_bytes(name: &str, bytes: &[u8]) -> Written {
        let dir = tempfile::tempdir().expect("a scratch directory");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("written");
        Written { _dir: dir, path }
    }

    pub fn written(name: &str, text: &str) -> Written {
        written_bytes(name, text.as_bytes())
    }

    /// Every point of the log at `path`, read as `open` detects it.
    pub fn read_all(path: &Path, options: &ReadOptions) -> Result<Vec<Point>, LogError> {
        let mut points = open(path, options)?;
        let mut all = Vec::new();
        while let Some(point) = points.next_point()? {
            all.push(point);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lr_names() {
        for name in [
            "lr",
            "train/lr",
            "lr-SGD",
            "lr-AdamW/pg2",
            "learning_rate",
            "epoch_learning_rate",
        ] {
            assert!(looks_like_lr(name), "{name}");
        }
        for name in [
            "base_lr",
            "initial_lr",
            "loss",
            "lr_scale_max",
            "slr",
            "clr2",
        ] {
            assert!(!looks_like_lr(name), "{name}");
        }
    }

    #[test]
    fn format_names_are_distinct() {
        for (i, format) in FORMATS.iter().enumerate() {
            assert!(
                FORMATS[..i].iter().all(|f| f.name != format.name),
                "{} twice",
                format.name
            );
            assert!(Format::named(format.name).is_some());
        }
    }
}
