//! maskrcnn-benchmark: the yacs `SOLVER` keys `make_lr_scheduler` reads into
//! `WarmupMultiStepLR(optimizer, STEPS, GAMMA, WARMUP_FACTOR, WARMUP_ITERS, WARMUP_METHOD)`.

use super::syntax::{ints, yaml};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::{Dialect, Params, Rejection, WarmupMethod};

pub(super) struct MaskrcnnTarget;

impl Target for MaskrcnnTarget {
    fn name(&self) -> &'static str {
        "maskrcnn"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["maskrcnn"]
    }
    /// lrsched's maskrcnn dialect adds exp warmup; maskrcnn-benchmark has none.
    fn refuses(&self, params: &Params) -> Option<Rejection> {
        (params.warmup_iters > 0 && params.warmup_method == WarmupMethod::Exp).then(|| Rejection {
            key: "warmup_method",
            message: "maskrcnn-benchmark's WarmupMultiStepLR accepts warmup_method constant or \
                      linear, not exp"
                .into(),
        })
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        vec![Snippet {
            lang: Lang::Yaml,
            title: "YAML: the SOLVER keys of a maskrcnn-benchmark config (yacs makes STEPS a tuple)",
            text: format!(
                "SOLVER:\n  BASE_LR: {}\n  STEPS: {}\n  GAMMA: {}\n  MAX_ITER: {}\n  \
                 WARMUP_ITERS: {}\n  WARMUP_FACTOR: {}\n  WARMUP_METHOD: {}\n",
                yaml(p.base_lr),
                ints(fitted.milestones()),
                yaml(p.gamma),
                p.iters,
                p.warmup_iters,
                yaml(p.warmup_factor),
                p.warmup_method.name()
            ),
        }]
    }
}
