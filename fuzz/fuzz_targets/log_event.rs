//! Fuzzes TensorBoard event files: TFRecord framing (length, masked CRC-32C of the length and
//! of the data) and the `Event` / `Summary` protobuf inside, as `lrsched verify --log
//! events.out.tfevents.…` reads them. The input is written once per run to an event file in a
//! directory of its own, then read as a file with `--log-format tensorboard`, without it
//! (detection), and as a run directory; every point is read.
//!
//! What must hold, whatever the input: no panic, no hang, bounded memory (run with
//! `-timeout=10 -rss_limit_mb=2048`); an error renders as text of bounded lines; a point's
//! lr is finite and >= 0.
//!
//! A record's CRCs are checked, so a mutation of the bytes ends at the record it touches. To
//! reach the protobuf reader, an input whose first byte is odd is a list of records instead,
//! each a length byte then that many bytes, which the target frames with their CRCs. Seeds
//! of both kinds, from real event files: `fuzz/seeds/log_event/` (`*-framed` the second).

#![no_main]

#[path = "common.rs"]
mod common;

use common::read_all;
use libfuzzer_sys::fuzz_target;
use lrsched::log::{self, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let path = common::scratch_file("event", "events.out.tfevents.1700000000.host.1.0");
    let file = match data.split_first() {
        Some((mode, records)) if mode & 1 == 1 => framed(records),
        _ => data.to_vec(),
    };
    std::fs::write(path, file).expect("the scratch file is writable");
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

/// `records` (each a length byte, then its bytes) framed as TFRecord records: the length as
/// a u64, its masked CRC-32C, the data, the data's masked CRC-32C (little-endian).
fn framed(mut records: &[u8]) -> Vec<u8> {
    let mut file = Vec::new();
    while let Some((&length, rest)) = records.split_first() {
        let data = &rest[..rest.len().min(length as usize)];
        records = &rest[data.len()..];
        file.extend(log::frame_record(data));
    }
    file
}
