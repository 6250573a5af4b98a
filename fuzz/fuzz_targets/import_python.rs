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

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

const FORMATS: &[Option<&str>] = &[None, Some("mmdet"), Some("mmdet2"), Some("detectron2-lazy")];

fuzz_target!(|data: &[u8]| {
    let path = common::scratch_file("python", "config.py");
    std::fs::write(path, data).expect("the scratch file is writable");
    common::load_each(path, FORMATS);
});
