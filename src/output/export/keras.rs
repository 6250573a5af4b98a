//! Keras 3: `keras.optimizers.schedules.PiecewiseConstantDecay`, which has no warmup.

use super::syntax::{ints, py};
use super::{Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct KerasTarget;

impl Target for KerasTarget {
    fn name(&self) -> &'static str {
        "keras"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["keras"]
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let milestones = fitted.milestones();
        vec![Snippet {
            lang: Lang::Python,
            title: "Python: Keras 3",
            text: format!(
                "import keras\n\
                 \n\
                 schedule = keras.optimizers.schedules.PiecewiseConstantDecay(\n    \
                     boundaries={},\n    \
                     values=[{} * {} ** k for k in range({})],\n\
                 )\n\
                 optimizer = keras.optimizers.SGD(learning_rate=schedule)\n",
                ints(milestones),
                py(p.base_lr),
                py(p.gamma),
                milestones.len() + 1,
            ),
        }]
    }
}
