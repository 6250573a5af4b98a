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

#[path = "common.rs"]
mod common;

use common::read_all;
use libfuzzer_sys::fuzz_target;
use lrsched::log::{FORMATS, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let path = common::scratch_file("log", "log.log");
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
