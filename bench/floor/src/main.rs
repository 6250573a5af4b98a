//! The naive floor for `lrsched table` (docs/performance.md): for every row, compute the maskrcnn
//! lr from scratch, `(base_lr * w) * gamma.powf(k)`, and format the iteration with itoa and the
//! lr with ryu into one buffer, flushed to stdout in 64 KiB chunks. It writes exactly the bytes
//! of `lrsched table` for the same linear-warmup multi-step schedule (checked by bench/run.sh).
//!
//! Usage: lrsched-floor FORMAT ITERS BASE_LR GAMMA WARMUP_ITERS WARMUP_FACTOR MILESTONES
//! FORMAT is csv, tsv or jsonl; MILESTONES is a comma-separated list (empty for none), or
//! `step:N` for a decay every N iterations after warmup (lrsched's `--step-size N`).

use std::io::{self, Write};
use std::process::ExitCode;

const CHUNK: usize = 1 << 16;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [
        format,
        iters,
        base_lr,
        gamma,
        warmup_iters,
        warmup_factor,
        milestones,
    ] = &args[..]
    else {
        eprintln!(
            "usage: lrsched-floor csv|tsv|jsonl ITERS BASE_LR GAMMA WARMUP_ITERS WARMUP_FACTOR MILESTONES"
        );
        return ExitCode::from(2);
    };
    let number = |text: &str| -> f64 { text.parse().expect("a number") };
    let whole = |text: &str| -> u64 { text.parse().expect("a whole number") };
    let iters = whole(iters);
    let base_lr = number(base_lr);
    let gamma = number(gamma);
    let warmup_iters = whole(warmup_iters);
    let warmup_factor = number(warmup_factor);
    let step_size = milestones.strip_prefix("step:").map(whole);
    let milestones: Vec<u64> = match step_size {
        Some(_) => Vec::new(),
        None => milestones
            .split(',')
            .filter(|m| !m.is_empty())
            .map(whole)
            .collect(),
    };
    let (header, open, between, close): (&[u8], &[u8], &[u8], &[u8]) = match format.as_str() {
        "csv" => (b"iteration,lr\n", b"", b",", b"\n"),
        "tsv" => (b"iteration\tlr\n", b"", b"\t", b"\n"),
        "jsonl" => (b"", b"{\"iteration\":", b",\"lr\":", b"}\n"),
        _ => {
            eprintln!("unknown format {format}");
            return ExitCode::from(2);
        }
    };

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 128);
    let mut integer = itoa::Buffer::new();
    let mut float = ryu::Buffer::new();
    buffer.extend_from_slice(header);
    for t in 0..iters {
        let w = if t >= warmup_iters {
            1.0
        } else {
            let alpha = t as f64 / warmup_iters as f64;
            warmup_factor * (1.0 - alpha) + alpha
        };
        let k = match step_size {
            Some(step) => t.checked_sub(warmup_iters).map_or(0, |since| since / step) as usize,
            None => milestones.partition_point(|&m| m <= t),
        };
        let lr = (base_lr * w) * gamma.powf(k as f64);
        buffer.extend_from_slice(open);
        buffer.extend_from_slice(integer.format(t).as_bytes());
        buffer.extend_from_slice(between);
        buffer.extend_from_slice(float.format(lr).as_bytes());
        buffer.extend_from_slice(close);
        if buffer.len() >= CHUNK {
            if out.write_all(&buffer).is_err() {
                return ExitCode::SUCCESS;
            }
            buffer.clear();
        }
    }
    if out.write_all(&buffer).and_then(|()| out.flush()).is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
