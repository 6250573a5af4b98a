//! Fuzzes the whole input path and the evaluators: TOML text and flag values as a user could
//! give them, through `config::load` (the TOML as a schedule file), then every schedule that
//! comes out is evaluated and walked.
//!
//! Input (bytes; not UTF-8 ends the run, as `read_layer` refuses such a file first): the TOML
//! text, then after each NUL byte one `name=value` option, where `name` is a schedule key
//! (`gamma=0.5`, as the flag `--gamma 0.5`) or one of the `table` options `columns`, `start`,
//! `end`, `every`, or `at` (an iteration to evaluate). Seeds are in `fuzz/seeds/`.
//!
//! What must hold, whatever the input: no panic; an error renders as text of bounded lines; a
//! schedule's lr is finite and >= 0 on [0, iters); its segments tile [0, iters) in order, a
//! constant segment's lr is the lr at each of its ends, and a ramp's `values` are its `lr`s;
//! the segments from `start` (a table's seek) are those segments cut at `start`.

#![no_main]

#[path = "common.rs"]
mod common;

use common::bounded;
use libfuzzer_sys::fuzz_target;
use lrsched::commands::options;
use lrsched::config::{self, Input, Key, Layer};
use lrsched::lint::lint;
use lrsched::schedule::NamedSchedule;

/// Segments walked per schedule, and iterations checked at each end of each: enough to cover
/// warmup, a few decays and their boundaries without making one run slow.
const SEGMENTS: usize = 64;
const EDGE: u64 = 4;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let toml = parts.next().unwrap_or("");
    let path = common::scratch_file("toml", "schedule.toml");
    std::fs::write(path, toml).expect("the scratch file is writable");
    let mut flags = Layer::default();
    let mut columns = None;
    let mut rows = (None, None, "1");
    let mut at = Vec::new();
    for option in parts {
        let (name, value) = option.split_once('=').unwrap_or((option, ""));
        match name {
            "columns" => columns = Some(value),
            "start" => rows.0 = Some(value),
            "end" => rows.1 = Some(value),
            "every" => rows.2 = value,
            "at" => at.push(value),
            _ => {
                if Key::named(name).is_some() {
                    flags.set_flag(name, Some(value));
                }
            }
        }
    }
    let input = Input {
        files: vec![path.clone()],
        flags,
        ..Input::default()
    };
    let specs = match config::load(&input) {
        Ok(loaded) => loaded.schedules,
        Err(error) => {
            bounded(&error.to_string());
            return;
        }
    };
    for spec in &specs {
        let _ = lint(spec);
        check(spec);
        if let Some(Ok(start)) = rows.0.map(|t| options::iteration(t, || "start".into())) {
            check_seek(spec, start);
        }
        for value in &at {
            if let Ok(t) = options::iteration(value, || "at".into()) {
                // Past iters lr may grow without bound (gamma > 1); it must still not panic.
                let _ = spec.schedule.lr(t);
            }
        }
    }
    if let Some(list) = columns {
        let _ = options::columns(list, &specs).map_err(|e| e.to_string());
    }
    let _ = options::rows(rows.0, rows.1, rows.2, &specs).map_err(|e| e.to_string());
});

/// `segments_from(start)` is `segments()` from the one holding `start` on, the first cut to
/// begin at `start`, compared as far as `segments()` is walked.
fn check_seek(spec: &NamedSchedule, start: u64) {
    let schedule = spec.schedule.as_ref();
    let walked: Vec<_> = schedule
        .segments()
        .take(SEGMENTS)
        .skip_while(|s| s.end <= start)
        .collect();
    let seeked: Vec<_> = schedule.segments_from(start).take(walked.len()).collect();
    if start >= spec.params().iters {
        assert!(
            schedule.segments_from(start).next().is_none(),
            "segments past iters"
        );
        return;
    }
    for (index, (walked, seeked)) in walked.iter().zip(&seeked).enumerate() {
        let expected_start = if index == 0 { start } else { walked.start };
        assert_eq!(seeked.start, expected_start, "seek to {start}");
        assert_eq!(seeked.end, walked.end, "seek to {start}");
        assert_eq!(seeked.phase, walked.phase, "seek to {start}");
        assert_eq!(
            seeked.constant_lr.map(f64::to_bits),
            walked.constant_lr.map(f64::to_bits),
            "seek to {start}"
        );
    }
    if let Some(first) = schedule.segments_from(start).next() {
        assert_eq!(first.start, start);
        if let Some(constant) = first.constant_lr {
            assert_eq!(
                constant.to_bits(),
                schedule.lr(start).to_bits(),
                "seek to {start}"
            );
        }
    }
}

fn check(spec: &NamedSchedule) {
    let schedule = spec.schedule.as_ref();
    let iters = spec.params().iters;
    let valid = |t: u64| {
        let lr = schedule.lr(t);
        assert!(
            lr.is_finite() && lr >= 0.0,
            "lr({t}) = {lr} for {:?}",
            spec.params()
        );
        lr
    };
    valid(0);
    valid(iters - 1);
    let mut expected_start = 0;
    for segment in schedule.segments().take(SEGMENTS) {
        assert_eq!(
            segment.start, expected_start,
            "segments must tile [0, iters)"
        );
        assert!(
            segment.start < segment.end && segment.end <= iters,
            "{segment:?}"
        );
        expected_start = segment.end;
        let head_end = segment.end.min(segment.start.saturating_add(EDGE));
        let tail_start = segment.end.saturating_sub(EDGE).max(head_end);
        for (from, to) in [(segment.start, head_end), (tail_start, segment.end)] {
            let values: Vec<f64> = schedule.values(from, to).collect();
            assert_eq!(values.len() as u64, to - from);
            for (t, value) in (from..to).zip(values) {
                let lr = valid(t);
                assert_eq!(value.to_bits(), lr.to_bits(), "values vs lr at {t}");
                if let Some(constant) = segment.constant_lr {
                    assert_eq!(constant.to_bits(), lr.to_bits(), "constant segment at {t}");
                }
            }
        }
    }
}
