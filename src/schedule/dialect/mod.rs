//! The dialects: one file each, and one line each in the registry, [`Dialect::ALL`].
//!
//! A dialect file holds everything about its framework: the formula it reproduces (quoted at
//! the top), what the framework refuses and why, its names, the construction it stands for
//! ([`Framework`]) and, for every dialect but the reference, why its curve departs from
//! maskrcnn's ([`Departs`]). Everything else — `--dialect` values and aliases, `--dialect all`,
//! help, completions, `init`'s comment — is read from the registry; docs/dialects.md is checked
//! against it by the tests below.

pub(super) mod detectron2;
pub(super) mod detectron_caffe2;
pub(super) mod gluoncv;
pub(super) mod keras;
pub(super) mod maskrcnn;
pub(super) mod mmcv1;
pub(super) mod mmengine;
pub(super) mod mxnet;
pub(super) mod optax;
pub(super) mod paddle;
pub(super) mod paddledet;
pub(super) mod tf_model_garden;
pub(super) mod timm;
pub(super) mod timm_train;
pub(super) mod torch_chained;
pub(super) mod torch_sequential;

use std::fmt;

use super::departures::{Departs, Precision};
use super::{Params, Rejection, Schedule};

/// What a dialect file provides about its framework.
pub(crate) trait Framework: Sync {
    /// The `--dialect` value.
    fn name(&self) -> &'static str;
    /// Other values `--dialect` accepts for it.
    fn aliases(&self) -> &'static [&'static str];
    /// The framework, by name.
    fn framework(&self) -> &'static str;
    /// The framework version its golden curves were produced with.
    fn version(&self) -> &'static str;
    /// The framework and the scheduler construction the dialect reproduces, in a few words.
    fn construction(&self) -> &'static str;
    /// The schedule the framework computes for `params`, or its reason to refuse them.
    fn build(&self, params: Params) -> Result<Box<dyn Schedule>, Rejection>;
    /// Why the framework cannot step its scheduler once per epoch, if it cannot.
    fn epoch_stepping_refusal(&self) -> Option<&'static str> {
        None
    }
    /// Whether the framework takes the levels as multipliers of base_lr (`factors`).
    fn takes_factors(&self) -> bool {
        false
    }
}

/// Refuses `factors` for a framework that does not take multipliers of base_lr.
pub(super) fn no_factors(framework: &dyn Framework, p: &Params) -> Result<(), Rejection> {
    match p.factors {
        Some(_) if !framework.takes_factors() => Err(Rejection {
            key: "factors",
            message: format!(
                "takes no factors: {} multiplies base_lr by gamma ** k (or takes the lrs \
                 themselves as values); factors, multipliers of base_lr, are detectron2's \
                 MultiStepParamScheduler values",
                framework.framework()
            ),
        }),
        _ => Ok(()),
    }
}

/// Refuses explicit `values` for a scheduler that takes base_lr and gamma: `takes` says what
/// it takes instead.
pub(super) fn no_values(p: &Params, takes: &str) -> Result<(), Rejection> {
    match p.values {
        Some(_) => Err(Rejection {
            key: "values",
            message: format!("takes no explicit values: {takes}; give base_lr and gamma instead"),
        }),
        None => Ok(()),
    }
}

/// Refuses an absolute `warmup_lr` for a warmup that takes a factor of base_lr: `takes` names
/// it.
pub(super) fn no_warmup_lr(p: &Params, takes: &str) -> Result<(), Rejection> {
    match p.warmup_lr {
        Some(_) => Err(Rejection {
            key: "warmup_lr",
            message: format!("takes no absolute warmup start: {takes}; give warmup_factor instead"),
        }),
        None => Ok(()),
    }
}

/// Whose arithmetic to reproduce (docs/dialects.md).
#[derive(Clone, Copy)]
pub struct Dialect(Entry);

#[derive(Clone, Copy)]
enum Entry {
    /// maskrcnn's formula: the intended schedule, which departs from nothing.
    Reference(&'static dyn Framework),
    /// A framework whose curve is compared with the reference's.
    Compared(&'static dyn Departs),
}

impl Dialect {
    /// Every dialect, in the order `--dialect all` lists them: the registry.
    pub const ALL: &'static [Dialect] = &[
        Dialect(Entry::Reference(&maskrcnn::MaskrcnnDialect)),
        Dialect(Entry::Compared(&torch_chained::TorchChainedDialect)),
        Dialect(Entry::Compared(&torch_sequential::TorchSequentialDialect)),
        Dialect(Entry::Compared(&detectron2::Detectron2Dialect)),
        Dialect(Entry::Compared(&mxnet::MxnetDialect)),
        Dialect(Entry::Compared(&timm::TimmDialect)),
        Dialect(Entry::Compared(&mmengine::MmengineDialect)),
        Dialect(Entry::Compared(&timm_train::TimmTrainDialect)),
        Dialect(Entry::Compared(&mmcv1::Mmcv1Dialect)),
        Dialect(Entry::Compared(&gluoncv::GluoncvDialect)),
        Dialect(Entry::Compared(&paddledet::PaddledetDialect)),
        Dialect(Entry::Compared(&paddle::PaddleDialect)),
        Dialect(Entry::Compared(&detectron_caffe2::DetectronCaffe2Dialect)),
        Dialect(Entry::Compared(&tf_model_garden::TfModelGardenDialect)),
        Dialect(Entry::Compared(&keras::KerasDialect)),
        Dialect(Entry::Compared(&optax::OptaxDialect)),
    ];

    pub(crate) fn framework_impl(self) -> &'static dyn Framework {
        match self.0 {
            Entry::Reference(framework) => framework,
            Entry::Compared(departs) => departs,
        }
    }

    /// Why this dialect departs from the reference; `None` for the reference itself.
    pub(crate) fn departs(self) -> Option<&'static dyn Departs> {
        match self.0 {
            Entry::Reference(_) => None,
            Entry::Compared(departs) => Some(departs),
        }
    }

    pub fn name(self) -> &'static str {
        self.framework_impl().name()
    }

    /// Other names accepted for it (maskrcnn's `warmup-multistep`).
    pub fn aliases(self) -> &'static [&'static str] {
        self.framework_impl().aliases()
    }

    /// Accepts each dialect's name and its aliases.
    pub fn from_name(name: &str) -> Option<Self> {
        Dialect::ALL
            .iter()
            .copied()
            .find(|d| d.name() == name || d.aliases().contains(&name))
    }

    /// Names accepted on input, for error messages and completions: every name, then every
    /// alias.
    pub fn accepted_names() -> Vec<&'static str> {
        let names = Dialect::ALL.iter().map(|d| d.name());
        let aliases = Dialect::ALL
            .iter()
            .flat_map(|d| d.aliases().iter().copied());
        names.chain(aliases).collect()
    }

    /// The framework, by name.
    pub fn framework(self) -> &'static str {
        self.framework_impl().framework()
    }

    /// The framework version the dialect's golden curves were produced with.
    pub fn version(self) -> &'static str {
        self.framework_impl().version()
    }

    /// The framework and the scheduler construction the dialect reproduces, in a few words.
    pub fn construction(self) -> &'static str {
        self.framework_impl().construction()
    }

    /// A relative difference from another curve below this is the framework's rounding (f64,
    /// or float32 for the dialects that hold the lr in float32), above it a different curve.
    pub fn rounding(self) -> f64 {
        self.departs()
            .map_or(Precision::Double, |departs| departs.precision())
            .rounding()
    }
}

impl Default for Dialect {
    /// maskrcnn-benchmark's formula is the intended schedule: the others are compared with it.
    fn default() -> Self {
        Dialect::ALL[0]
    }
}

/// Dialects are told apart by name (the registry's names are distinct: tested).
impl PartialEq for Dialect {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Dialect {}

impl fmt::Debug for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Dialect").field(&self.name()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_round_trip() {
        let names = Dialect::accepted_names();
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} is registered twice");
            assert!(Dialect::from_name(name).is_some(), "{name}");
        }
        for &dialect in Dialect::ALL {
            assert_eq!(Dialect::from_name(dialect.name()), Some(dialect));
        }
        assert_eq!(
            Dialect::from_name("warmup-multistep"),
            Some(Dialect::default())
        );
        assert_eq!(Dialect::from_name("all"), None);
        assert_eq!(Dialect::default().name(), "maskrcnn");
    }

    #[test]
    fn only_the_default_is_the_reference() {
        for &dialect in Dialect::ALL {
            assert_eq!(
                dialect.departs().is_none(),
                dialect == Dialect::default(),
                "{dialect:?}"
            );
        }
    }

    /// docs/dialects.md lists every dialect in registry order: one table row each (name and
    /// aliases), a section each, and its version among the sources.
    #[test]
    fn docs_list_the_registry() {
        let docs = include_str!("../../../docs/dialects.md");
        let rows: Vec<&str> = docs.lines().filter(|l| l.starts_with("| `")).collect();
        let row_names: Vec<&str> = rows
            .iter()
            .map(|row| row.split('`').nth(1).unwrap_or_default())
            .collect();
        let names: Vec<&str> = Dialect::ALL.iter().map(|d| d.name()).collect();
        assert_eq!(row_names, names, "the table of docs/dialects.md");
        let sources = &docs[docs.find("## Sources").expect("a Sources section")..];
        for (&dialect, row) in Dialect::ALL.iter().zip(&rows) {
            let name = dialect.name();
            for alias in dialect.aliases() {
                assert!(row.contains(&format!("alias `{alias}`")), "{name}: {alias}");
            }
            assert!(
                docs.lines()
                    .any(|l| l == format!("## {name}") || l.starts_with(&format!("## {name} ("))),
                "no section for {name}"
            );
            assert!(
                sources
                    .lines()
                    .any(|l| l.contains(&format!("`{name}`")) && l.contains(dialect.version())),
                "{name}: the sources do not give {}",
                dialect.version()
            );
        }
    }

    #[test]
    fn the_fuzz_dictionary_knows_every_name() {
        let dictionary = include_str!("../../../fuzz/lrsched.dict");
        for name in Dialect::accepted_names() {
            assert!(
                dictionary.lines().any(|l| l == format!("\"{name}\"")),
                "fuzz/lrsched.dict lacks \"{name}\""
            );
        }
    }
}
