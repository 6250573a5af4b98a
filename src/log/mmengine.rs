//! mmengine's `vis_data/scalars.json` and the `<timestamp>.json` beside it (`LocalVisBackend`):
//! one JSON object per `LoggerHook` interval (50 iterations by default). The hook logs before
//! the iteration runs, with the 1-based count:
//!
//! ```python
//! # LoggerHook.after_train_iter, runner.iter already counts the iteration just started
//! tag, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, 'train')
//! runner.visualizer.add_scalars(tag, step=runner.iter + 1, file_path=self.json_log_path)
//! ```
//!
//! so `iter` (and `step`) k holds the lr of iteration k − 1; `lr` is at full precision.
//! Validation lines (`coco/bbox_mAP`, …) carry no `lr` and are skipped.

use std::path::Path;

use super::detectron2::convention;
use super::keyed::{JsonLines, Layout, Steps};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "mmengine",
    about: "mmengine vis_data/scalars.json or <timestamp>.json (`iter` 1-based)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    if file.head.first() != Some(&b'{') || file.options.step_key.is_some() {
        return false;
    }
    let keys = file.json_keys_near("lr");
    !keys.iter().any(|k| k == "iteration") && keys.iter().any(|k| k == "iter" || k == "step")
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let steps = Steps {
        base: 1,
        ..Steps::ZERO_BASED
    }
    .with_options(options);
    let step_keys = match &options.step_key {
        Some(key) => vec![key.clone()],
        None => vec!["iter".to_string(), "step".to_string()],
    };
    JsonLines::open(
        path,
        Layout {
            description: Description {
                format: FORMAT.name,
                convention: convention(&step_keys[0], steps),
                caveat: None,
            },
            step_keys,
            lr_key: options.lr_key.clone().unwrap_or("lr".into()),
            steps,
            precision: Precision::Exact,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tests_support::{read_all, written};

    #[test]
    fn iter_k_is_iteration_k_minus_1() {
        let file = written(
            "scalars.json",
            concat!(
                "{\"lr\": 2e-05, \"data_time\": 0.01, \"loss\": 1.2, \"time\": 0.3, \"iter\": 50, \"memory\": 3000, \"step\": 50}\n",
                "{\"coco/bbox_mAP\": 0.1, \"data_time\": 0.01, \"time\": 0.3, \"step\": 12}\n",
                "{\"lr\": 4e-05, \"step\": 100}\n",
            ),
        );
        let points = read_all(file.path(), &ReadOptions::default()).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(49, 2e-05), (99, 4e-05)]);
    }

    #[test]
    fn step_zero_is_below_the_first_step() {
        let file = written("scalars.json", "{\"lr\": 0.1, \"iter\": 0}\n");
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            error.problem,
            "'iter' 0 is below the first step, 1 (see --step-base)"
        );
    }
}
