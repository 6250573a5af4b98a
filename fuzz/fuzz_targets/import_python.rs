//! Fuzzes the Python framework configs (mmdetection 3.x and 2.x, detectron2 LazyConfig) and their
//! Python literal reader through the public loader, as `lrsched check --from F config.py`
//! reads them: the input is written once per run to `config.py` in a directory
//! of its own (so `_base_` names files beside it, itself included: a cycle), then
//! read with each format's `--from`, and without (detection).
//!
//! What must hold, whatever the input: no panic, no hang, bounded memory (run with
//! `-timeout=10 -rss_limit_mb=2048`); an error renders as text of bounded lines; a loaded
//! schedule's lr is finite and >= 0 at its first and last iteration.
//! Seeds: `fuzz/seeds/import_python/`.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lrsched::config::{self, Input};

const FORMATS: &[Option<&str>] = &[None, Some("mmdet"), Some("mmdet2"), Some("detectron2-lazy")];

fuzz_target!(|data: &[u8]| {
    let path = scratch_file();
    std::fs::write(path, data).expect("the scratch file is writable");
    for from in FORMATS {
        let input = Input {
            files: vec![path.clone()],
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
});

/// `config.py` in a directory of this process's own.
fn scratch_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lrsched-fuzz-python-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the scratch directory");
        dir.join("config.py")
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
