//! PyTorch Lightning's `CSVLogger` `metrics.csv` with a `LearningRateMonitor`: one column per
//! optimizer and param group (`lr-SGD`, `lr-AdamW/pg2`), rows of lr and rows of other metrics
//! interleaved, empty cells where a row has no value. The monitor logs before the optimizer
//! steps, at the count of steps taken:
//!
//! ```python
//! # LearningRateMonitor.on_train_batch_start
//! latest_stat = self._extract_stats(trainer, interval)
//! for logger in trainer.loggers:
//!     logger.log_metrics(latest_stat, step=trainer.fit_loop.epoch_loop._batches_that_stepped)
//! ```
//!
//! so `step` N (0-based) holds lr(N); the lr is a Python float at full precision.

use std::path::Path;

use super::keyed::{Columns, Layout, Steps, Table, column, listed};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "lightning",
    about: "PyTorch Lightning CSVLogger metrics.csv (`lr-<Optimizer>` columns, `step` 0-based)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    let header = file.header();
    header.iter().any(|h| h == "step") && header.iter().any(|h| h.starts_with("lr-"))
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let step_key = options.step_key.clone().unwrap_or("step".into());
    let steps = Steps::ZERO_BASED.with_options(options);
    let mut chosen = String::new();
    let chosen_ref = &mut chosen;
    let table = Table::open(
        path,
        Layout {
            step_keys: vec![step_key.clone()],
            lr_key: String::new(),
            steps,
            precision: Precision::Exact,
            description: Description {
                format: FORMAT.name,
                convention: String::new(),
                caveat: None,
            },
        },
        |header, delimiter| {
            let lr = match options.lr_key.as_ref().or(options.tag.as_ref()) {
                Some(name) => column(header, name)?,
                None => only_lr_column(header)?,
            };
            chosen_ref.clone_from(&header[lr]);
            Ok(Columns {
                step: column(header, &step_key)?,
                lr,
                delimiter,
            })
        },
    )?;
    Ok(Box::new(Named {
        table,
        description: Description {
            format: FORMAT.name,
            convention: format!(
                "{}, lr from column '{chosen}'",
                super::detectron2::convention(&step_key, steps)
            ),
            caveat: None,
        },
    }))
}

/// The one `lr-` column, or the error listing them all.
fn only_lr_column(header: &[String]) -> Result<usize, String> {
    let lr: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].starts_with("lr-"))
        .collect();
    match lr.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "no 'lr-' column; the header has: {}",
            listed(header)
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|&i| header[i].as_str()).collect();
            Err(format!(
                "several lr series: {}; pick one with --tag",
                listed(&names)
            ))
        }
    }
}

/// A table with the description of the column it reads.
struct Named {
    table: Box<dyn Points>,
    description: Description,
}

impl Points for Named {
    fn describe(&self) -> Description {
        self.description.clone()
    }

    fn file(&self) -> &Path {
        self.table.file()
    }

    fn next_point(&mut self) -> Result<Option<super::Point>, LogError> {
        self.table.next_point()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    const CSV: &str =
        "epoch,lr-SGD,step,train_loss\r\n,0.001,0,\r\n0,,0,2.3\r\n,0.0019,1,\r\n0,,1,2.2\r\n";

    /// Found by the `log_text` fuzz target: every `lr-` cell of a huge header was listed.
    #[test]
    fn many_lr_columns_are_listed_by_the_first() {
        let header: Vec<String> = (0..1000).map(|i| format!("lr-{i}")).collect();
        let error = only_lr_column(&header).unwrap_err();
        let first: Vec<String> = (0..32).map(|i| format!("lr-{i}")).collect();
        assert_eq!(
            error,
            format!(
                "several lr series: {}, … (1000 in all); pick one with --tag",
                first.join(", ")
            )
        );
    }

    #[test]
    fn reads_lr_rows_between_metric_rows() {
        let file = written("metrics.csv", CSV);
        let mut points = super::super::open(file.path(), &ReadOptions::default()).unwrap();
        assert_eq!(
            points.describe().convention,
            "'step' N is iteration N, lr from column 'lr-SGD'"
        );
        let got: Vec<(u64, f64)> = read_all(file.path(), &ReadOptions::default())
            .unwrap()
            .iter()
            .map(|p| (p.iteration, p.lr))
            .collect();
        assert_eq!(got, [(0, 0.001), (1, 0.0019)]);
        assert!(points.next_point().unwrap().is_some());
    }

    #[test]
    fn several_param_groups_need_a_tag() {
        let file = written("metrics.csv", "lr-SGD/pg1,lr-SGD/pg2,step\n0.1,0.2,0\n");
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}:1: several lr series: lr-SGD/pg1, lr-SGD/pg2; pick one with --tag",
                file.path().display()
            )
        );
        let options = ReadOptions {
            tag: Some("lr-SGD/pg2".into()),
            ..ReadOptions::default()
        };
        let points = read_all(file.path(), &options).unwrap();
        assert_eq!(points[0].lr, 0.2);
    }
}
