//! Keras's `CSVLogger` `training.csv`: one row per epoch, `epoch` 0-based, the lr under
//! `learning_rate` (Keras 3) or `lr` (Keras 2), a float32 variable. Which lr a row holds
//! depends on how the run schedules it:
//!
//! - a `LearningRateSchedule` object: Keras logs `optimizer.learning_rate` at the end of epoch
//!   e, which evaluates the schedule at the step count then, (e + 1)·iters_per_epoch: the lr of
//!   the next epoch's first iteration. lrsched reads it so by default.
//! - the `LearningRateScheduler` callback: it sets the lr at the start of epoch e, so the row
//!   holds epoch e's own lr, iteration e·iters_per_epoch: read it with `--step-base 1`.
//!
//! Either way a per-epoch log checks the schedule at epoch boundaries only.

use std::path::Path;

use super::keyed::{Columns, Layout, Steps, Table, column};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "keras",
    about: "Keras CSVLogger training.csv (one row per epoch; needs iters_per_epoch)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    let header = file.header();
    header.first().is_some_and(|h| h == "epoch")
        && header.iter().any(|h| h == "learning_rate" || h == "lr")
        && !header.iter().any(|h| h == "step" || h == "iteration")
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let per = options.iters_per_epoch.ok_or_else(|| {
        LogError::file(
            path,
            "a Keras log has one row per epoch: give the schedule's iters_per_epoch \
             (--iters-per-epoch N)",
        )
    })?;
    let steps = epochs(per, options);
    let step_key = options.step_key.clone().unwrap_or("epoch".into());
    let lr_key = options.lr_key.clone();
    Table::open(
        path,
        Layout {
            step_keys: vec![step_key.clone()],
            lr_key: String::new(),
            steps,
            precision: Precision::Float32,
            description: per_epoch(FORMAT.name, "'epoch' e", steps),
        },
        |header, delimiter| {
            let lr = match &lr_key {
                Some(key) => column(header, key)?,
                None => column(header, "learning_rate").or_else(|_| column(header, "lr"))?,
            };
            Ok(Columns {
                step: column(header, &step_key)?,
                lr,
                delimiter,
            })
        },
    )
}

/// Keras's steps: epoch e is logged after e + 1 epochs, unless `--step-base 1`.
pub fn epochs(per: u64, options: &ReadOptions) -> Steps {
    Steps {
        add: 1,
        base: options.step_base.unwrap_or(0),
        per,
    }
}

/// What a per-epoch log's report says about its steps.
pub fn per_epoch(format: &'static str, what: &str, steps: Steps) -> Description {
    let (at, whose) = if steps.base == 0 {
        (
            "(e + 1)",
            "the lr a LearningRateSchedule gives the next epoch",
        )
    } else {
        ("e", "the epoch's own lr, as LearningRateScheduler sets it")
    };
    Description {
        format,
        convention: format!(
            "{what} is iteration {at} × {}: {whose}; lr stored as float32",
            steps.per
        ),
        caveat: Some("a per-epoch log checks the schedule at epoch boundaries only".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    const CSV: &str = "epoch,accuracy,learning_rate,loss\n0,0.5,0.0010000000474974513,2.0\n1,0.6,9.999999747378752e-05,1.5\n";

    #[test]
    fn epoch_e_is_the_start_of_the_next_epoch() {
        let file = written("training.csv", CSV);
        let options = ReadOptions {
            iters_per_epoch: Some(100),
            ..ReadOptions::default()
        };
        let points = read_all(file.path(), &options).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(100, 0.001f32 as f64), (200, 0.0001f32 as f64)]);
        let options = ReadOptions {
            step_base: Some(1),
            ..options
        };
        let points = read_all(file.path(), &options).unwrap();
        assert_eq!(points[0].iteration, 0);
    }

    #[test]
    fn needs_iters_per_epoch() {
        let file = written("training.csv", CSV);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert!(error.problem.contains("--iters-per-epoch"), "{error}");
    }
}
