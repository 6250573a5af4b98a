//! `lrsched export`: what a user pastes into another framework so that it computes the same
//! curve (docs/export.md). One file per target framework, listed once in [`TARGETS`]; a target
//! names the dialect(s) that model its construction, and renders the parameters it is given.
//! The parameters themselves are found from those dialects' models (`fit.rs`), and the curve
//! they give is compared with the source's, so every export states its residual.
//!
//! Adding a target: a file here implementing [`Target`], its line in [`TARGETS`], its section
//! and transcript in docs/export.md (tests/export.rs checks every target's snippets parse).

mod fit;
mod residual;
mod syntax;

mod detectron2;
mod keras;
mod lrsched;
mod maskrcnn;
mod mmcv1;
mod mmengine;
mod optax;
mod paddle;
mod paddledet;
mod tf_model_garden;
mod timm;
mod torch;

pub use residual::{brief, verdict};

use crate::schedule::compare::Comparison;
use crate::schedule::{Decay, Dialect, NamedSchedule, Params, Rejection};
use fit::{Candidate, Quantum, Shape};

/// The language of a snippet, which its test parses it as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Yaml,
    Python,
    Toml,
    Shell,
}

/// One piece of text to paste: a config file's content, a code fragment or a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub lang: Lang,
    /// Where it goes, in a few words.
    pub title: &'static str,
    pub text: String,
}

/// Which counts a target takes in whole epochs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Epochs {
    Neither,
    Milestones,
    MilestonesAndWarmup,
}

/// The parameters a target renders, in iterations, and the epoch length for targets that
/// count in epochs.
pub(crate) struct Fitted<'a> {
    pub params: &'a Params,
    pub name: &'a str,
    pub iters_per_epoch: u64,
}

impl Fitted<'_> {
    pub fn milestones(&self) -> &[u64] {
        match &self.params.decay {
            Decay::Milestones(list) => list,
            Decay::StepSize(_) => &[],
        }
    }

    /// Whole epochs of a count (the fit made it a multiple of the epoch length).
    pub fn epochs(&self, count: u64) -> u64 {
        count / self.iters_per_epoch
    }
}

/// A framework lrsched writes configs for.
pub(crate) trait Target: Sync {
    /// The `--to` value.
    fn name(&self) -> &'static str;
    /// The dialects that model the construction rendered, the preferred first: the one whose
    /// curve comes closest to the source's is rendered.
    fn dialects(&self) -> &'static [&'static str];
    /// The counts written in epochs (the fit keeps them whole).
    fn epochs(&self) -> Epochs {
        Epochs::Neither
    }
    /// What the framework refuses although the dialect computes it (lrsched's extensions).
    fn refuses(&self, _params: &Params) -> Option<Rejection> {
        None
    }
    /// The text for `dialect`'s construction with these parameters.
    fn render(&self, dialect: Dialect, fitted: &Fitted) -> Vec<Snippet>;
}

/// Every target, in the order docs/export.md lists them: the registry.
pub(crate) const TARGETS: &[&dyn Target] = &[
    &detectron2::Detectron2Target,
    &maskrcnn::MaskrcnnTarget,
    &mmengine::MmengineTarget,
    &mmcv1::Mmcv1Target,
    &torch::TorchTarget,
    &timm::TimmTarget,
    &paddle::PaddleTarget,
    &paddledet::PaddledetTarget,
    &optax::OptaxTarget,
    &keras::KerasTarget,
    &tf_model_garden::TfModelGardenTarget,
    &lrsched::LrschedTarget,
];

/// The `--to` values.
pub fn target_names() -> Vec<&'static str> {
    TARGETS.iter().map(|t| t.name()).collect()
}

/// A schedule exported for a target, and how the target's curve compares with the source's.
pub struct Exported {
    pub target: &'static str,
    /// The dialect whose model the snippets follow.
    pub dialect: Dialect,
    /// The target's parameters, in iterations.
    pub params: Params,
    pub comparison: Comparison,
    /// A relative difference below this is rounding.
    pub rounding: f64,
    /// What the target cannot reproduce, in words.
    pub misses: Vec<String>,
    /// The other constructions tried and their residuals.
    pub alternatives: Vec<String>,
    pub snippets: Vec<Snippet>,
}

impl Exported {
    pub fn identical(&self) -> bool {
        self.comparison.runs.is_empty()
    }

    /// The residual against the source, in a sentence.
    pub fn verdict(&self) -> String {
        verdict(&self.comparison, self.rounding)
    }

    /// The whole output: a header of `#` comments (every target's languages take them), then
    /// each snippet under its title.
    pub fn text(&self, source: &NamedSchedule) -> String {
        let mut out = format!(
            "# lrsched export --to {} of \"{}\" (dialect {})\n# construction: {} (dialect {})\n",
            self.target,
            source.name,
            source.dialect.name(),
            self.dialect.construction(),
            self.dialect.name(),
        );
        out += &format!("# check: {}\n", self.verdict());
        let changes = changes(source.params(), &self.params);
        if !changes.is_empty() {
            out += &format!("# adjusted: {}\n", changes.join("; "));
        }
        for miss in &self.misses {
            out += &format!("# cannot express: {miss}\n");
        }
        for alternative in &self.alternatives {
            out += &format!("# also tried: {alternative}\n");
        }
        for snippet in &self.snippets {
            out += &format!("\n# ---- {} ----\n{}", snippet.title, snippet.text);
        }
        out
    }
}

/// Why a schedule cannot be exported.
#[derive(Debug, PartialEq, Eq)]
pub enum ExportError {
    UnknownTarget(String),
    /// The target counts in epochs and the schedule has no epoch length.
    NeedsEpochs(&'static str),
    /// Nothing the target accepts comes close: its reason.
    Refused(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::UnknownTarget(name) => write!(
                f,
                "unknown target '{name}'; expected one of: {}",
                target_names().join(", ")
            ),
            ExportError::NeedsEpochs(target) => write!(
                f,
                "{target} counts milestones in whole epochs: give the epoch length \
                 (--iters-per-epoch N, or iters_per_epoch in the schedule file)"
            ),
            ExportError::Refused(reason) => f.write_str(reason),
        }
    }
}

/// `source` exported for the target named `target`.
pub fn export(target: &str, source: &NamedSchedule) -> Result<Exported, ExportError> {
    let found = TARGETS
        .iter()
        .find(|t| t.name() == target)
        .ok_or_else(|| ExportError::UnknownTarget(target.to_string()))?;
    let per_epoch = match (found.epochs(), source.iters_per_epoch) {
        (Epochs::Neither, _) => 1,
        (_, Some(n)) => n,
        (_, None) => return Err(ExportError::NeedsEpochs(found.name())),
    };
    let quantum = Quantum {
        milestones: if found.epochs() == Epochs::Neither {
            1
        } else {
            per_epoch
        },
        warmup: if found.epochs() == Epochs::MilestonesAndWarmup {
            per_epoch
        } else {
            1
        },
    };
    let shape = Shape::of(source.schedule.as_ref()).map_err(ExportError::Refused)?;
    let mut template = source.params().clone();
    if template.warmup_iters == 0 {
        // No warmup is a warmup of factor 1, which frameworks that always warm up accept.
        template.warmup_factor = 1.0;
    }
    let mut fits = Vec::new();
    let mut refusal = None;
    for &name in found.dialects() {
        let dialect = Dialect::from_name(name).expect("a target names registered dialects");
        match best_for(*found, dialect, source, &shape, &template, quantum) {
            Ok(candidate) => fits.push(candidate),
            Err(reason) => {
                refusal.get_or_insert(reason);
            }
        }
    }
    let Some(chosen) = (0..fits.len()).min_by_key(|&i| fits[i].distance()) else {
        return Err(ExportError::Refused(refusal.unwrap_or_default()));
    };
    let chosen = fits.remove(chosen);
    let alternatives = fits
        .iter()
        .map(|c| {
            format!(
                "{} ({}): {}",
                c.dialect.name(),
                c.dialect.construction(),
                verdict(&c.comparison, rounding(source, c.dialect))
            )
        })
        .collect();
    let fitted = Fitted {
        params: &chosen.params,
        name: &source.name,
        iters_per_epoch: per_epoch,
    };
    let snippets = found.render(chosen.dialect, &fitted);
    Ok(Exported {
        target: found.name(),
        dialect: chosen.dialect,
        rounding: rounding(source, chosen.dialect),
        params: chosen.params,
        comparison: chosen.comparison,
        misses: chosen.misses,
        alternatives,
        snippets,
    })
}

fn rounding(source: &NamedSchedule, target: Dialect) -> f64 {
    source.dialect.rounding().max(target.rounding())
}

/// The closest parameters `dialect` accepts: the source's own, or, when the target refuses a
/// warmup it lacks, the closest fallback (saying what it gives up).
fn best_for(
    target: &dyn Target,
    dialect: Dialect,
    source: &NamedSchedule,
    shape: &Shape,
    template: &Params,
    quantum: Quantum,
) -> Result<Candidate, String> {
    let refuses = |p: &Params| target.refuses(p);
    let source_rounding = source.dialect.rounding();
    let schedule = source.schedule.as_ref();
    let attempt = |params: &Params| {
        fit::fit(
            schedule,
            source_rounding,
            shape,
            dialect,
            params,
            quantum,
            &refuses,
        )
    };
    let rejection = match attempt(template) {
        Ok(candidate) => return Ok(candidate),
        Err(rejection) => rejection,
    };
    let reason = format!("{}: {}", rejection.key, rejection.message);
    if !matches!(
        rejection.key,
        "warmup_method" | "warmup_iters" | "warmup_factor"
    ) {
        return Err(reason);
    }
    let mut best: Option<Candidate> = None;
    for (params, gives_up) in fit::fallbacks(template) {
        if let Ok(mut candidate) = attempt(&params) {
            candidate.misses.insert(
                0,
                format!(
                    "{} ({}): the closest is {gives_up}",
                    rejection.key, rejection.message
                ),
            );
            if best
                .as_ref()
                .is_none_or(|b| candidate.distance() < b.distance())
            {
                best = Some(candidate);
            }
        }
    }
    best.ok_or(reason)
}

/// The parameters the target is given that differ from the source's, in words.
fn changes(source: &Params, target: &Params) -> Vec<String> {
    let mut out = Vec::new();
    if source.warmup_iters != target.warmup_iters {
        out.push(format!(
            "warmup_iters {} → {}",
            source.warmup_iters, target.warmup_iters
        ));
    }
    if source.warmup_method != target.warmup_method {
        out.push(format!(
            "warmup_method {} → {}",
            source.warmup_method.name(),
            target.warmup_method.name()
        ));
    }
    let list = |p: &Params| match &p.decay {
        Decay::Milestones(list) => crate::schedule::message::list(list),
        Decay::StepSize(step) => format!("every {step} after warmup"),
    };
    if source.decay != target.decay {
        out.push(format!("milestones {} → {}", list(source), list(target)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/export.md has a section per target, in registry order.
    #[test]
    fn docs_list_every_target() {
        let docs = include_str!("../../../docs/export.md");
        let sections: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("## `--to "))
            .map(|l| l.trim_end_matches('`'))
            .collect();
        assert_eq!(sections, target_names());
    }

    #[test]
    fn names_are_distinct_and_dialects_registered() {
        let names = target_names();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} twice");
        }
        for target in TARGETS {
            for name in target.dialects() {
                assert!(Dialect::from_name(name).is_some(), "{name}");
            }
        }
    }
}
