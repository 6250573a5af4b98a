//! timm's `train.py` with `--sched multistep --sched-on-updates`: the command line and the same
//! keys for an `args.yaml` given with `--config`. Milestones and warmup are whole epochs there,
//! multiplied by the updates per epoch.

use super::syntax::{py, yaml};
use super::{Epochs, Fitted, Lang, Snippet, Target};
use crate::schedule::Dialect;

pub(super) struct TimmTarget;

impl Target for TimmTarget {
    fn name(&self) -> &'static str {
        "timm"
    }
    fn dialects(&self) -> &'static [&'static str] {
        &["timm-train"]
    }
    fn epochs(&self) -> Epochs {
        Epochs::MilestonesAndWarmup
    }
    fn render(&self, _: Dialect, fitted: &Fitted) -> Vec<Snippet> {
        let p = fitted.params;
        let milestones: Vec<String> = fitted
            .milestones()
            .iter()
            .map(|&m| fitted.epochs(m).to_string())
            .collect();
        let warmup_lr = p.base_lr * p.warmup_factor;
        let epochs = p.iters.div_ceil(fitted.iters_per_epoch);
        let warmup = fitted.epochs(p.warmup_iters);
        vec![
            Snippet {
                lang: Lang::Shell,
                title: "shell: timm's train.py, with your data and model arguments",
                text: format!(
                    "python train.py --sched multistep --sched-on-updates --lr {} --warmup-lr {} \
                     --warmup-epochs {warmup} --decay-milestones {} --decay-rate {} --epochs \
                     {epochs}\n",
                    py(p.base_lr),
                    py(warmup_lr),
                    milestones.join(" "),
                    py(p.gamma),
                ),
            },
            Snippet {
                lang: Lang::Yaml,
                title: "YAML: the same keys in an args.yaml for train.py --config",
                text: format!(
                    "sched: multistep\nsched_on_updates: true\nlr: {}\nwarmup_lr: {}\n\
                     warmup_epochs: {warmup}\nwarmup_prefix: false\ndecay_milestones: [{}]\n\
                     decay_rate: {}\nepochs: {epochs}\n",
                    yaml(p.base_lr),
                    yaml(warmup_lr),
                    milestones.join(", "),
                    yaml(p.gamma),
                ),
            },
        ]
    }
}
