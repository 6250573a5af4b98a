//! Plain PyTorch: a runnable snippet with `torch.optim.lr_scheduler`, either `SequentialLR`
//! (warmup, then MultiStepLR with milestones counted from the switch) or `ChainedScheduler`
//! (both stepped together): whichever reproduces the source more closely, the other stated.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::{Dialect, WarmupMethod};

pub(super) struct TorchTarget;

impl Target for TorchTarget {
    fn name(&self) -> &'static str {
        "torch"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["torch-sequential", "torch-chained"]
    }
    fn render(&self, dialect: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let (warmup_class, warmup) = match p.warmup_method {
            WarmupMethod::Constant => (
                "ConstantLR",
                format!(
                    "ConstantLR(optimizer, factor={}, total_iters={})",
                    py(p.warmup_factor),
                    p.warmup_iters
                ),
            ),
            _ => (
                "LinearLR",
                format!(
                    "LinearLR(optimizer, start_factor={}, end_factor=1.0, total_iters={})",
                    py(p.warmup_factor),
                    p.warmup_iters
                ),
            ),
        };
        let (combiner, scheduler) = if dialect.name() == "torch-chained" {
            (
                "ChainedScheduler",
                "ChainedScheduler([warmup, decay])".to_string(),
            )
        } else {
            (
                "SequentialLR",
                format!(
                    "SequentialLR(optimizer, [warmup, decay], milestones=[{}])",
                    p.warmup_iters
                ),
            )
        };
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: PyTorch, runnable (put your model's parameters in the optimizer)",
            text: format!(
                "import torch\n\
                 from torch.optim.lr_scheduler import {combiner}, {warmup_class}, MultiStepLR\n\
                 \n\
                 params = [torch.nn.Parameter(torch.zeros(1))]  # your model's parameters\n\
                 optimizer = torch.optim.SGD(params, lr={lr})\n\
                 warmup = {warmup}\n\
                 decay = MultiStepLR(optimizer, milestones={milestones}, gamma={gamma})\n\
                 scheduler = {scheduler}\n\
                 iters = {iters}  # call scheduler.step() once per iteration, after optimizer.step()\n",
                lr = py(p.base_lr),
                milestones = ints(fitted.milestones()),
                gamma = py(p.gamma),
                iters = p.iters,
            ),
        }]
    }
}
