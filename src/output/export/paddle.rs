//! PaddlePaddle: `paddle.optimizer.lr.LinearWarmup` around `MultiStepDecay`, whose milestones
//! count from the end of the warmup.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct PaddleTarget;

impl Target for PaddleTarget {
    fn name(&self) -> &'static str {
        "paddle"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["paddle"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: PaddlePaddle (pass scheduler as the optimizer's learning_rate)",
            text: format!(
                "import paddle\n\
                 \n\
                 scheduler = paddle.optimizer.lr.LinearWarmup(\n    \
                     learning_rate=paddle.optimizer.lr.MultiStepDecay(\n        \
                         learning_rate={lr}, milestones={milestones}, gamma={gamma}),\n    \
                     warmup_steps={w}, start_lr={start}, end_lr={lr})\n\
                 iters = {iters}  # call scheduler.step() once per iteration\n",
                lr = py(p.base_lr),
                milestones = ints(fitted.milestones()),
                gamma = py(p.gamma),
                w = p.warmup_iters,
                start = py(p.base_lr * p.warmup_factor),
                iters = p.iters,
            ),
        }]
    }
}
