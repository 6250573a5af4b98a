//! Fuzzes the YAML framework configs (detectron2, maskrcnn-benchmark's yacs, PaddleDetection,
//! TF Model Garden, timm's args.yaml) through the public loader, as `lrsched check --from F
//! config.yaml` reads them: the input is written once per run to `config.yaml` in a directory
//! of its own (so a `_BASE_` or `BASE` names files beside it, itself included: a cycle), then
//! read with each format's `--from`, and without (detection).
//!
//! What must hold, whatever the input: no panic, no hang, bounded memory (run with
//! `-timeout=10 -rss_limit_mb=2048`); an error renders as text of bounded lines; a loaded
//! schedule's lr is finite and >= 0 at its first and last iteration.
//! Seeds: `fuzz/seeds/import_yaml/`.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

const FORMATS: &[Option<&str>] = &[
    None,
    Some("detectron2"),
    Some("maskrcnn"),
    Some("paddledet"),
    Some("tf-model-garden"),
    Some("timm"),
];

fuzz_target!(|data: &[u8]| {
    let path = common::scratch_file("yaml", "config.yaml");
    std::fs::write(path, data).expect("the scratch file is writable");
    common::load_each(path, FORMATS);
});
