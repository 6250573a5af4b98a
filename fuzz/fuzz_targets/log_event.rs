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

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lrsched::log::{self, Format, ReadOptions};

fuzz_target!(|data: &[u8]| {
    let path = scratch_file();
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
        let length = (data.len() as u64).to_le_bytes();
        file.extend_from_slice(&length);
        file.extend_from_slice(&masked_crc(&length).to_le_bytes());
        file.extend_from_slice(data);
        file.extend_from_slice(&masked_crc(data).to_le_bytes());
    }
    file
}

/// TFRecord's checksum: CRC-32C (Castagnoli), rotated and offset ("masked").
fn masked_crc(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    (!crc).rotate_right(15).wrapping_add(0xa282_ead8)
}

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
