//! Fuzzes TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length and
//! of the data) and the `Event` / `Summary` protobuf inside, as `lrsched verify --log
//! events.out.tfevents.…` reads them. The input is written once per run to an event file in a
//! directory of its own, then read as a file with `--log-format tensorboard`, without it
//! (detection), and as a run directory; every point is read.
//!
//! What must hold, whatever the input: no panic, no hang, bounded memory (run with
//! `-timeout=10 -rss_limit_mb=2048`); an error renders as text of bounded lines; a point's
//! lr is finite and >= 0. A record's CRCs are checked, so most mutations end at the first
//! record that they touch: the seeds' records are real (`fuzz/seeds/log_event/`).

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lrsched::log::{self, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let path = scratch_file();
    std::fs::write(path, data).expect("the scratch file is writable");
    let dir = path.parent().expect("a directory");
    let forced = ReadOptions {
        from: Format::named("tensorboard"),
        ..ReadOptions::default()
    };
    for (file, options) in [
        (path.as_path(), forced),
        (path.as_path(), ReadOptions::default()),
        (dir, ReadOptions::default()),
    ] {
        read_all(file, &options);
    }
});

/// Reads every point, checking that errors stay short.
fn read_all(path: &std::path::Path, options: &ReadOptions) {
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

/// An event file in a directory of this process's own.
fn scratch_file() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lrsched-fuzz-event-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the scratch directory");
        dir.join("events.out.tfevents.1700000000.host.1.0")
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
