//! optax: `join_schedules` of a `linear_schedule` warmup and a `piecewise_constant_schedule`
//! whose boundaries count from the end of the warmup.

use super::syntax::py;
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct OptaxTarget;

impl Target for OptaxTarget {
    fn name(&self) -> &'static str {
        "optax"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["optax"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let w = p.warmup_iters;
        let scales: Vec<String> = fitted
            .milestones()
            .iter()
            .map(|&m| format!("{}: {}", m.saturating_sub(w), py(p.gamma)))
            .collect();
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: optax (JAX)",
            text: format!(
                "import optax\n\
                 \n\
                 schedule = optax.join_schedules(\n    \
                     [\n        \
                         optax.linear_schedule(init_value={start}, end_value={lr}, transition_steps={w}),\n        \
                         optax.piecewise_constant_schedule(\n            \
                             init_value={lr}, boundaries_and_scales={{{scales}}}),\n    \
                     ],\n    \
                     boundaries=[{w}],\n\
                 )\n\
                 optimizer = optax.sgd(learning_rate=schedule)\n",
                start = py(p.base_lr * p.warmup_factor),
                lr = py(p.base_lr),
                scales = scales.join(", "),
            ),
        }]
    }
}
