//! lrsched's own schedule TOML, in maskrcnn's formula (the default dialect, the intended
//! schedule): the numbers that mean the source's curve.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::output::table::quoted;
use crate::schedule::Dialect;

pub(super) struct LrschedTarget;

impl Target for LrschedTarget {
    fn name(&self) -> &'static str {
        "lrsched"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["maskrcnn"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        vec![Snippet {
            lang: Lang::Toml,
            title: "TOML: an lrsched schedule file",
            // A JSON string literal is a TOML basic string.
            text: format!(
                "name = {}\nbase_lr = {}\nmilestones = {}\ngamma = {}\nwarmup_iters = {}\n\
                 warmup_factor = {}\nwarmup_method = \"{}\"\niters = {}\n",
                quoted(fitted.name),
                py(p.base_lr),
                ints(fitted.milestones()),
                py(p.gamma),
                p.warmup_iters,
                py(p.warmup_factor),
                p.warmup_method.name(),
                p.iters
            ),
        }]
    }
}
