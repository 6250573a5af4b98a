//! Fuzzes the text logs: JSON lines (detectron2's metrics.json, mmengine's scalars.json, plain
//! JSONL), CSV (Lightning's metrics.csv, TensorBoard's CSV export, Keras' CSVLogger, plain CSV)
//! and mmengine's text log, as `lrsched verify --log FILE` reads them. The input is written
//! once per run to a file of this process's own, then read with each `--log-format` and
//! without (detection); every point is read.
//!
//! What must hold, whatever the input: no panic, no hang, bounded memory (run with
//! `-timeout=10 -rss_limit_mb=2048`); an error renders as text of bounded lines; a point's
//! lr is finite and >= 0 (NaN, ±inf or a negative lr in the log is an error, not a point). Seeds:
//! `fuzz/seeds/log_text/`.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lrsched::log::{self, FORMATS, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let path = scratch_file();
    std::fs::write(path, data).expect("the scratch file is writable");
    read_all(path, &ReadOptions::default());
    for format in FORMATS.iter().filter(|f| f.name != "tensorboard") {
        let options = ReadOptions {
            from: Some(format),
            ..ReadOptions::default()
        };
        read_all(path, &options);
    }
});

/// Reads every point, checking that errors stay short.
fn read_all(path: &Path, options: &ReadOptions) {
    let mut points = match log::open(path, options) {
        Ok(points) => points,
        Err(error) => return bounded(&error.to_string()),
    };
    let _ = points.describe();
    loop {
        match points.next_point() {
            Ok(Some(point)) => {
                assert!(
                    point.lr.is_finite() && point.lr >= 0.0,
                    "lr {} read as a point",
                    point.lr
                );
                let _ = points.place_words(point.place);
            }
            Ok(None) => return,
            Err(error) => return bounded(&error.to_string()),
        }
    }
}

/// The log file of this process.
fn scratch_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("lrsched-fuzz-log-{}.log", std::process::id()))
    })
}

/// An error's lines stay short: a message quotes a bounded part of the input.
fn bounded(message: &str) {
    for line in message.lines() {
        assert!(
            line.chars().count() <= 2000,
            "a message line of {} characters",
            line.len()
        );
    }
}
