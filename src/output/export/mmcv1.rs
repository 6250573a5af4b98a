//! mmdetection 2.x and every mmcv 1.x config: `lr_config` (StepLrUpdaterHook by iteration),
//! `runner` and the optimizer's lr.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct Mmcv1Target;

impl Target for Mmcv1Target {
    fn name(&self) -> &'static str {
        "mmcv1"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["mmcv1"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let warmup = if p.warmup_iters == 0 {
            "warmup=None".to_string()
        } else {
            format!(
                "warmup='{}', warmup_iters={}, warmup_ratio={}",
                p.warmup_method.name(),
                p.warmup_iters,
                py(p.warmup_factor)
            )
        };
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: an mmcv 1.x config (mmdetection 2.x), merged into its base",
            text: format!(
                "lr_config = dict(policy='step', by_epoch=False, step={}, gamma={}, {warmup})\n\
                 runner = dict(type='IterBasedRunner', max_iters={})\n\
                 optimizer = dict(lr={})\n",
                ints(fitted.milestones()),
                py(p.gamma),
                p.iters,
                py(p.base_lr)
            ),
        }]
    }
}
