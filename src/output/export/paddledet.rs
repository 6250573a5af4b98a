//! PaddleDetection: the `LearningRate` section of a config, `PiecewiseDecay` (milestones in
//! epochs, multiplied by the steps per epoch) and `LinearWarmup` (steps in iterations).

use super::syntax::yaml;
use super::{Epochs, Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct PaddledetTarget;

impl Target for PaddledetTarget {
    fn name(&self) -> &'static str {
        "paddledet"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["paddledet"]
    }
    fn epochs(&self) -> Epochs {
        Epochs::Milestones
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let milestones: Vec<String> = fitted
            .milestones()
            .iter()
            .map(|&m| fitted.epochs(m).to_string())
            .collect();
        vec![Snippet {
            lang: Lang::Yaml,
            title: "YAML: a PaddleDetection config",
            text: format!(
                "epoch: {}\nLearningRate:\n  base_lr: {}\n  schedulers:\n  - !PiecewiseDecay\n    \
                 gamma: {}\n    milestones: [{}]\n    use_warmup: true\n  - !LinearWarmup\n    \
                 start_factor: {}\n    steps: {}\n",
                p.iters.div_ceil(fitted.iters_per_epoch),
                yaml(p.base_lr),
                yaml(p.gamma),
                milestones.join(", "),
                yaml(p.warmup_factor),
                p.warmup_iters,
            ),
        }]
    }
}
