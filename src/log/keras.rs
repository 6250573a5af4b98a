//! Keras's `CSVLogger` `training.csv`: one row per epoch, `epoch` 0-based, the lr under
//! `learning_rate` (Keras 3) or `lr` (Keras 2), a float32 variable. Keras 3 puts the lr into
//! the epoch's logs only from the `LearningRateScheduler` callback, which sets it when epoch e
//! begins: the row holds epoch e's own lr, iteration e·iters_per_epoch. (A
//! `LearningRateSchedule` object's lr reaches the `TensorBoard` callback only, as the
//! `epoch_learning_rate` tag: the value after the epoch, (e + 1)·iters_per_epoch, see
//! `tensorboard`.)
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
    let steps = epochs(per, 0, options);
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

/// Keras's steps: epoch e is iteration (e + `after`) × `per`; `after` is 1 for the lr read
/// at the end of the epoch.
pub fn epochs(per: u64, after: u64, options: &ReadOptions) -> Steps {
    Steps {
        add: after,
        base: options.step_base.unwrap_or(0),
        per,
    }
}

/// What a per-epoch log's report says about its steps.
pub fn per_epoch(format: &'static str, what: &str, steps: Steps) -> Description {
    let (at, whose) = match steps.add.checked_sub(steps.base) {
        Some(0) => ("e", "the epoch's own lr, as LearningRateScheduler sets it"),
        Some(_) => (
            "(e + 1)",
            "the lr a LearningRateSchedule gives the next epoch",
        ),
        None => ("(e − 1)", "epochs counted from 1 (--step-base 1)"),
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
    fn epoch_e_is_its_own_first_iteration() {
        let file = written("training.csv", CSV);
        let options = ReadOptions {
            iters_per_epoch: Some(100),
            ..ReadOptions::default()
        };
        let points = read_all(file.path(), &options).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(0, 0.001f32 as f64), (100, 0.0001f32 as f64)]);
        let options = ReadOptions {
            step_base: Some(1),
            ..options
        };
        let error = read_all(file.path(), &options).unwrap_err();
        assert_eq!(
            error.problem,
            "'epoch' 0 is below the first step, 1 (see --step-base)"
        );
    }

    #[test]
    fn needs_iters_per_epoch() {
        let file = written("training.csv", CSV);
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert!(error.problem.contains("--iters-per-epoch"), "{error}");
    }
}
