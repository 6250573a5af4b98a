//! detectron2: the yacs `SOLVER` keys `build_lr_scheduler` reads, and the same schedule as a
//! LazyConfig `lr_multiplier` (`WarmupParamScheduler(MultiStepParamScheduler(...))`, as
//! `build_lr_scheduler` constructs it).

use super::syntax::{ints, py, yaml};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct Detectron2Target;

impl Target for Detectron2Target {
    fn name(&self) -> &'static str {
        "detectron2"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["detectron2"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let milestones = fitted.milestones();
        let yacs = format!(
            "SOLVER:\n  LR_SCHEDULER_NAME: WarmupMultiStepLR\n  BASE_LR: {}\n  STEPS: {}\n  \
             GAMMA: {}\n  MAX_ITER: {}\n  WARMUP_ITERS: {}\n  WARMUP_FACTOR: {}\n  \
             WARMUP_METHOD: {}\n",
            yaml(p.base_lr),
            ints(milestones),
            yaml(p.gamma),
            p.iters,
            p.warmup_iters,
            yaml(p.warmup_factor),
            p.warmup_method.name()
        );
        // build_lr_scheduler: min(WARMUP_ITERS / MAX_ITER, 1.0).
        let length = if p.warmup_iters >= p.iters {
            "1.0".to_string()
        } else {
            format!("{} / {}", p.warmup_iters, p.iters)
        };
        let lazy = format!(
            "from detectron2.config import LazyCall as L\n\
             from detectron2.solver import WarmupParamScheduler\n\
             from fvcore.common.param_scheduler import MultiStepParamScheduler\n\
             \n\
             optimizer.lr = {lr}\n\
             train.max_iter = {iters}\n\
             lr_multiplier = L(WarmupParamScheduler)(\n    \
                 scheduler=L(MultiStepParamScheduler)(\n        \
                     values=[{gamma} ** k for k in range({count})],\n        \
                     milestones={milestones},\n        \
                     num_updates={iters},\n    \
                 ),\n    \
                 warmup_length={length},\n    \
                 warmup_factor={factor},\n    \
                 warmup_method=\"{method}\",\n\
             )\n",
            lr = py(p.base_lr),
            iters = p.iters,
            gamma = py(p.gamma),
            count = milestones.len() + 1,
            milestones = ints(milestones),
            factor = py(p.warmup_factor),
            method = p.warmup_method.name(),
        );
        vec![
            Snippet {
                lang: Lang::Yaml,
                title: "YAML: the SOLVER keys of a detectron2 yacs config",
                text: yacs,
            },
            Snippet {
                lang: Lang::Python,
                title: "Python: the same in a LazyConfig (optimizer and train from its common parts)",
                text: lazy,
            },
        ]
    }
}
