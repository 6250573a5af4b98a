//! What the fuzz targets share: a scratch file of the fuzzing process's own, the bound on an
//! error's lines, and the two walks every config or log target makes (load under each
//! `--from`; read every point). Each target includes this file (`#[path]`) and uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lrsched::config::{self, Input};
use lrsched::log::{self, ReadOptions};

/// `name` in a directory of this process's own (`lrsched-fuzz-<dir>-<pid>`), so that a config's
/// `_BASE_` or a log's run directory finds only what the target wrote.
pub fn scratch_file(dir: &str, name: &str) -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lrsched-fuzz-{dir}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the scratch directory");
        dir.join(name)
    })
}

/// An error's lines stay short: whatever the input, a message quotes a bounded part of it (a
/// TOML syntax error's second line shows an 80-character excerpt).
pub fn bounded(message: &str) {
    for line in message.lines() {
        assert!(
            line.chars().count() <= 2000,
            "a message line of {} characters",
            line.len()
        );
    }
}

/// Loads the config at `path` with each `--from` of `formats` (`None`: detection): an error
/// stays short, a loaded schedule's lr is finite and >= 0 at its first and last iteration.
pub fn load_each(path: &Path, formats: &[Option<&str>]) {
    for from in formats {
        let input = Input {
            files: vec![path.to_path_buf()],
            from: from.map(String::from),
            ..Input::default()
        };
        match config::load(&input) {
            Ok(loaded) => {
                for spec in &loaded.schedules {
                    let iters = spec.params().iters;
                    for t in [0, iters - 1] {
                        let lr = spec.schedule.lr(t);
                        assert!(lr.is_finite() && lr >= 0.0, "lr({t}) = {lr}");
                    }
                }
            }
            Err(error) => bounded(&error.to_string()),
        }
    }
}

/// Reads every point of the log at `path`, checking that errors stay short and that a point's
/// lr is finite and >= 0 (NaN, ±inf or a negative lr is an error, not a point).
pub fn read_all(path: &Path, options: &ReadOptions) {
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
