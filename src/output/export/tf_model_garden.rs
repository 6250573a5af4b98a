//! TensorFlow Model Garden: the `learning_rate` (stepwise) and `warmup` (linear) parts of an
//! `OptimizationConfig`, with the values written out.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct TfModelGardenTarget;

impl Target for TfModelGardenTarget {
    fn name(&self) -> &'static str {
        "tf-model-garden"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["tf-model-garden"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let milestones = fitted.milestones();
        // values[k] = B * g**k, as Python computes it (C pow, as f64::powf).
        let values: Vec<String> = (0..=milestones.len())
            .map(|k| py(p.base_lr * p.gamma.powf(k as f64)))
            .collect();
        let warmup = if p.warmup_iters == 0 {
            String::new()
        } else {
            format!(
                "    'warmup': {{\n        'type': 'linear',\n        \
                 'linear': {{'warmup_steps': {}, 'warmup_learning_rate': {}}},\n    }},\n",
                p.warmup_iters,
                py(p.base_lr * p.warmup_factor)
            )
        };
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: the optimizer config of a Model Garden experiment",
            text: format!(
                "optimizer_config = {{\n    \
                     'learning_rate': {{\n        \
                         'type': 'stepwise',\n        \
                         'stepwise': {{'boundaries': {}, 'values': [{}]}},\n    \
                     }},\n\
                 {warmup}}}\n",
                ints(milestones),
                values.join(", "),
            ),
        }]
    }
}
