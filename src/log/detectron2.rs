//! detectron2's `metrics.json` (`JSONWriter`): one JSON object per line, written every
//! `period` iterations (20 by default: 19, 39, …). The `LRScheduler` hook puts the lr of the
//! iteration that just ran, at full precision, before it steps the scheduler:
//!
//! ```python
//! lr = self._optimizer.param_groups[self._best_param_group_id]["lr"]
//! self.trainer.storage.put_scalar("lr", lr, smoothing_hint=False)
//! self.scheduler.step()
//! ```
//!
//! so `iteration` i (0-based) holds lr(i). Evaluation lines carry no `lr` and are skipped.

use std::path::Path;

use super::keyed::{JsonLines, Layout, Steps};
use super::{Description, Format, LogError, Points, Precision, ReadOptions, Sniff};

pub const FORMAT: Format = Format {
    name: "detectron2",
    about: "detectron2 metrics.json (JSON lines, `iteration` 0-based)",
    sniff,
    open,
};

fn sniff(file: &Sniff) -> bool {
    if file.head.first() != Some(&b'{') || file.options.step_key.is_some() {
        return false;
    }
    let keys = file.json_keys_near("lr");
    // lrsched's own `table --format jsonl` has these two keys only: that is the plain format.
    keys.iter().any(|k| k == "iteration") && keys.iter().any(|k| k != "iteration" && k != "lr")
}

fn open(path: &Path, options: &ReadOptions) -> Result<Box<dyn Points>, LogError> {
    let steps = Steps::ZERO_BASED.with_options(options);
    JsonLines::open(
        path,
        Layout {
            step_keys: vec![options.step_key.clone().unwrap_or("iteration".into())],
            lr_key: options.lr_key.clone().unwrap_or("lr".into()),
            steps,
            precision: Precision::Exact,
            description: Description {
                format: FORMAT.name,
                convention: convention("iteration", steps),
                caveat: None,
            },
        },
    )
}

/// `iteration N is iteration N` or `iter N is iteration N − 1`.
pub fn convention(key: &str, steps: Steps) -> String {
    match steps.base {
        0 => format!("'{key}' N is iteration N"),
        base => format!("'{key}' N is iteration N − {base}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Point;
    use crate::log::tests_support::{read_all, written};

    #[test]
    fn reads_lr_lines_and_skips_the_others() {
        let file = written(
            "metrics.json",
            concat!(
                "{\"data_time\": 0.0021, \"eta_seconds\": 5000.1, \"iteration\": 19, \"lr\": 0.000399604, \"total_loss\": NaN}\n",
                "{\"bbox/AP\": 1.5, \"iteration\": 29}\n",
                "\n",
                "{\"data_time\": 0.002, \"iteration\": 39, \"lr\": 0.0007992}\n",
            ),
        );
        let points = read_all(file.path(), &ReadOptions::default()).unwrap();
        let got: Vec<(u64, f64)> = points.iter().map(|p: &Point| (p.iteration, p.lr)).collect();
        assert_eq!(got, [(19, 0.000399604), (39, 0.0007992)]);
        assert_eq!(points[1].place, crate::log::Place::Line(4));
        assert_eq!(points[0].precision, Precision::Exact);
    }

    #[test]
    fn a_log_without_lr_names_its_keys() {
        let file = written("metrics.json", "{\"iteration\": 19, \"loss\": 1.0}\n");
        let options = ReadOptions {
            from: Some(&FORMAT),
            ..ReadOptions::default()
        };
        let error = read_all(file.path(), &options).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("metrics.json: no 'lr' logged; keys found: iteration, loss (name the lr with --lr-key, or --tag)"),
            "{error}"
        );
    }

    #[test]
    fn a_broken_line_is_an_error_with_its_number() {
        let file = written(
            "metrics.json",
            "{\"iteration\": 19, \"lr\": 0.1, \"x\": 1}\n{\"iteration\": 39, \"lr\": 0.1\n",
        );
        let error = read_all(file.path(), &ReadOptions::default()).unwrap_err();
        assert_eq!(error.place, Some(crate::log::Place::Line(2)));
        assert!(error.problem.starts_with("not a JSON line"), "{error}");
    }
}
