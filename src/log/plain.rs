//! A plain table of `iteration,lr`: CSV or TSV with a header, or JSON lines, `lrsched table`'s
//! own output among them; 0-based, full precision. `--step-key`, `--lr-key` and
//! `--step-base` read any other table or JSON-lines log the same way.

use std::path::Path;

use super::detectron2::convention;
use super::keyed::{Columns, JsonLines, Layout, Steps, Table, column};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const CSV: Format = Format {
    name: "csv",
    about: "a table with a header: `iteration,lr` CSV or TSV (or --step-key/--lr-key)",
    sniff: sniff_csv,
    open: open_csv,
};

pub const JSONL: Format = Format {
    name: "jsonl",
    about: "JSON lines with `iteration` and `lr` (or --step-key/--lr-key)",
    sniff: sniff_jsonl,
    open: open_jsonl,
};

fn keys(options: &ReadOptions) -> (String, String) {
    (
        options.step_key.clone().unwrap_or("iteration".into()),
        options.lr_key.clone().unwrap_or("lr".into()),
    )
}

fn sniff_csv(file: &Sniff) -> bool {
    let (step, lr) = keys(file.options);
    let header = file.header();
    file.head.first() != Some(&b'{') && header.contains(&step) && header.contains(&lr)
}

fn sniff_jsonl(file: &Sniff) -> bool {
    let (step, lr) = keys(file.options);
    if file.head.first() != Some(&b'{') {
        return false;
    }
    let found = file.json_keys_near(&lr);
    let has = |k: &str| found.iter().any(|f| f == k);
    // With keys of its own it is detectron2's or mmengine's log, unless the keys were named.
    has(&step) && has(&lr) && (file.options.step_key.is_some() || found.len() == 2)
}

fn layout(options: &ReadOptions, name: &'static str) -> Layout {
    let (step, lr) = keys(options);
    let steps = Steps::ZERO_BASED.with_options(options);
    Layout {
        description: Description {
            format: name,
            convention: convention(&step, steps),
            caveat: None,
        },
        step_keys: vec![step],
        lr_key: lr,
        steps,
        precision: Precision::Exact,
    }
}

fn open_csv(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let (step, lr) = keys(options);
    Table::open(path, layout(options, CSV.name), |header, delimiter| {
        Ok(Columns {
            step: column(header, &step)?,
            lr: column(header, &lr)?,
            delimiter,
        })
    })
}

fn open_jsonl(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    JsonLines::open(path, layout(options, JSONL.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    #[test]
    fn reads_lrsched_table_output() {
        for (name, text) in [
            ("lr.csv", "iteration,lr\n0,0.001\n1,0.0019\n"),
            ("lr.tsv", "iteration\tlr\n0\t0.001\n1\t0.0019\n"),
            (
                "lr.jsonl",
                "{\"iteration\":0,\"lr\":0.001}\n{\"iteration\":1,\"lr\":0.0019}\n",
            ),
        ] {
            let file = written(name, text);
            let points = read_all(file.path(), &ReadOptions::default()).unwrap();
            let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
            assert_eq!(got, [(0, 0.001), (1, 0.0019)], "{name}");
        }
    }

    #[test]
    fn named_keys_read_any_table() {
        let file = written("log.csv", "global_step,train/lr,loss\n1,0.5,2\n2,0.25,1\n");
        let options = ReadOptions {
            step_key: Some("global_step".into()),
            lr_key: Some("train/lr".into()),
            step_base: Some(1),
            ..ReadOptions::default()
        };
        let points = read_all(file.path(), &options).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(0, 0.5), (1, 0.25)]);
    }
}
