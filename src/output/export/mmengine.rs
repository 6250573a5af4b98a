//! mmdetection 3.x and every mmengine-based config: `param_scheduler` (LinearLR or ConstantLR,
//! then MultiStepLR, both by iteration), `train_cfg` and the optimizer's lr.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::{Dialect, WarmupMethod};

pub(super) struct MmengineTarget;

impl Target for MmengineTarget {
    fn name(&self) -> &'static str {
        "mmengine"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["mmengine"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let warmup = match (p.warmup_iters, p.warmup_method) {
            (0, _) => String::new(),
            (w, WarmupMethod::Constant) => format!(
                "    dict(type='ConstantLR', factor={}, by_epoch=False, begin=0, end={w}),\n",
                py(p.warmup_factor)
            ),
            (w, _) => format!(
                "    dict(type='LinearLR', start_factor={}, by_epoch=False, begin=0, end={w}),\n",
                py(p.warmup_factor)
            ),
        };
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: an mmengine config (mmdetection 3.x), merged into its base",
            text: format!(
                "param_scheduler = [\n{warmup}    dict(type='MultiStepLR', by_epoch=False, \
                 milestones={}, gamma={}),\n]\n\
                 train_cfg = dict(type='IterBasedTrainLoop', max_iters={})\n\
                 optim_wrapper = dict(optimizer=dict(lr={}))\n",
                ints(fitted.milestones()),
                py(p.gamma),
                p.iters,
                py(p.base_lr)
            ),
        }]
    }
}
