//! TensorBoard's "download CSV" of one scalar series, and W&B's export of one: a header
//! `Wall time,Step,Value`, one row per point, the value a float32 widened to text
//! (0.002 reads 0.0020000000949949026). The step is the one the run wrote.

use std::path::Path;

use super::keyed::{Columns, Layout, Steps, Table, column};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "tensorboard-csv",
    about: "TensorBoard or W&B CSV download (`Wall time,Step,Value`)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    let header = file.header();
    header.iter().any(|h| h == "Step") && header.iter().any(|h| h == "Value")
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let step_key = options.step_key.clone().unwrap_or("Step".into());
    let lr_key = options.lr_key.clone().unwrap_or("Value".into());
    let steps = Steps::ZERO_BASED.with_options(options);
    Table::open(
        path,
        Layout {
            step_keys: vec![step_key.clone()],
            lr_key: lr_key.clone(),
            steps,
            precision: Precision::Float32,
            description: Description {
                format: FORMAT.name,
                convention: format!(
                    "{}, lr stored as float32",
                    super::detectron2::convention(&step_key, steps)
                ),
                caveat: None,
            },
        },
        |header, delimiter| {
            Ok(Columns {
                step: column(header, &step_key)?,
                lr: column(header, &lr_key)?,
                delimiter,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    #[test]
    fn reads_step_and_value() {
        let file = written(
            "run-lr.csv",
            "Wall time,Step,Value\n1700000000.5,0,0.0010000000474974513\n1700000001.5,20,0.0020000000949949026\n",
        );
        let points = read_all(file.path(), &ReadOptions::default()).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(0, 0.001f32 as f64), (20, 0.002f32 as f64)]);
        assert_eq!(points[0].precision, Precision::Float32);
    }
}
