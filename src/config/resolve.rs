//! From the keys a file and the flags set to schedules: what each key means for the model,
//! and the rules between keys (unit conversion, milestones or step_size, the default iters,
//! the lr range). docs/guide.md, sections "The schedule" and "Keys and flags", describes them.

use std::path::Path;

use super::amount::Amount;
use super::checks;
use super::error::{ConfigError, Origin};
pub(super) use super::given::Given;
use super::{Loaded, epoch, scale, stepping};
use crate::schedule::message::number;
use crate::schedule::{self, Decay, Dialect, NamedSchedule, Params, Stepping, Unit, WarmupMethod};

/// The given keys, scaled when they ask for it (`from_batch` … `to_devices`).
pub(super) fn scaled(given: &Given) -> Result<Given, ConfigError> {
    match scale::scaling(given)? {
        Some(scaling) => scale::apply(given, &scaling),
        None => Ok(given.clone()),
    }
}

/// The schedules the given keys describe: one, or one per dialect for `dialect = "all"`,
/// leaving out (with a warning) the frameworks that refuse it.
pub(super) fn resolve(given: &Given, path: Option<&Path>) -> Result<Loaded, ConfigError> {
    let given = &scaled(given)?;
    let defaults = Params::default();
    let values = given.numbers("values");
    let base_lr = match values {
        Some((list, _)) => list[0],
        None => given.number("base_lr").map_or(defaults.base_lr, |(v, _)| v),
    };
    let factors = given.numbers("factors");
    // Unused with values or factors, which set every level: 1 keeps the gamma lints quiet.
    let gamma = match (values, factors) {
        (None, None) => given.number("gamma").map_or(defaults.gamma, |(v, _)| v),
        _ => 1.0,
    };
    let warmup_lr = given.number("warmup_lr");
    let warmup_method = match given.text("warmup_method") {
        Some((name, at)) => checks::warmup_method(name, at)?,
        None => defaults.warmup_method,
    };
    let factor = match warmup_lr {
        Some((lr, at)) => Some((lr / base_lr, at)),
        None => given.number("warmup_factor"),
    };
    let warmup_factor = match factor {
        Some((f, at)) if f == 0.0 && warmup_method == WarmupMethod::Exp => {
            return Err(ConfigError::invalid(
                at.clone(),
                "must be > 0 with warmup_method = exp (exp warmup computes f ** (1 - t/W))",
            ));
        }
        Some((f, _)) => f,
        None => defaults.warmup_factor,
    };
    let dialects = match given.text("dialect") {
        Some((name, at)) => checks::dialects(name, at)?,
        None => vec![Dialect::default()],
    };
    let unit = match given.text("unit") {
        Some((name, at)) => checks::unit(name, at)?,
        None => Unit::Iter,
    };
    let iters_per_epoch = epoch::iters_per_epoch(given)?;
    let stepping = stepping::read(given, iters_per_epoch)?;
    if let (Unit::Epoch, None) = (unit, iters_per_epoch) {
        return Err(ConfigError::invalid(
            given.origin("unit"),
            "unit = epoch needs an epoch length: iters_per_epoch, or dataset_size and a batch",
        ));
    }
    // The keys whose counts were written bare, with the unit they were read in: the epoch
    // lints' evidence.
    let mut bare_counts = Vec::new();
    let mut to_iters = |name: &'static str, amounts: &[Amount], at: &Origin, exact: bool| {
        if amounts.iter().all(|amount| amount.unit.is_none()) {
            bare_counts.push((name, unit));
        }
        amounts
            .iter()
            .map(|amount| {
                amount
                    .iterations(unit, iters_per_epoch, exact)
                    .map_err(|problem| ConfigError::invalid(at.clone(), problem))
            })
            .collect::<Result<Vec<u64>, ConfigError>>()
    };
    let one = |list: Vec<u64>| list[0];

    let (warmup, at) = given.amount("warmup_iters").map_or_else(
        || {
            (
                Amount::bare(defaults.warmup_iters),
                Origin::Default("warmup_iters"),
            )
        },
        |(amount, at)| (*amount, at.clone()),
    );
    let warmup_iters = one(to_iters("warmup_iters", &[warmup], &at, false)?);
    let fractional_step = given
        .amount("step_size")
        .filter(|(step, _)| stepping::is_fractional(step, unit, stepping));
    let decay = match (given.amounts("milestones"), given.amount("step_size")) {
        // Whole iterations for the default iters only: the milestones replace it below.
        (_, Some((step, at))) => {
            let exact = fractional_step.is_none();
            Decay::StepSize(one(to_iters("step_size", &[*step], at, exact)?))
        }
        (Some((list, at)), None) => Decay::Milestones(to_iters("milestones", list, at, false)?),
        (None, None) => match &defaults.decay {
            Decay::Milestones(list) => {
                let list: Vec<Amount> = list.iter().copied().map(Amount::bare).collect();
                let at = Origin::Default("milestones");
                Decay::Milestones(to_iters("milestones", &list, &at, false)?)
            }
            Decay::StepSize(step) => {
                let at = Origin::Default("step_size");
                Decay::StepSize(one(to_iters(
                    "step_size",
                    &[Amount::bare(*step)],
                    &at,
                    true,
                )?))
            }
        },
    };
    let iters = match given.amount("iters") {
        Some((count, at)) => one(to_iters("iters", &[*count], at, false)?),
        None => default_iters(&decay, warmup_iters)?,
    };
    let decay = match (fractional_step, stepping) {
        (
            Some((step, step_at)),
            Stepping::Epoch {
                iters_per_epoch, ..
            },
        ) => Decay::Milestones(stepping::fractional_milestones(
            step,
            step_at,
            (warmup_iters, &at),
            iters,
            iters_per_epoch,
        )?),
        _ => decay,
    };
    if let (Some((list, values_at)), Decay::Milestones(milestones)) = (values, &decay)
        && list.len() != milestones.len() + 1
    {
        return Err(ConfigError::invalid(
            values_at.clone(),
            format!(
                "has {} values for {} milestones; give one more value than milestones: the lr \
                 before the first milestone and after each",
                list.len(),
                milestones.len()
            ),
        ));
    }
    if let (Some((list, factors_at)), Decay::Milestones(milestones)) = (factors, &decay)
        && list.len() != milestones.len() + 1
    {
        return Err(ConfigError::invalid(
            factors_at.clone(),
            format!(
                "has {} factors for {} milestones; give one more factor than milestones: the \
                 multiplier of base_lr before the first milestone and after each",
                list.len(),
                milestones.len()
            ),
        ));
    }
    let name = match given.text("name") {
        Some((name, _)) => name.to_string(),
        None => path.and_then(|p| p.file_stem()).map_or_else(
            || "schedule".to_string(),
            |s| s.to_string_lossy().into_owned(),
        ),
    };
    let params = Params {
        base_lr,
        decay,
        gamma,
        warmup_iters,
        warmup_factor,
        warmup_method,
        iters,
        values: values.map(|(list, _)| list.to_vec()),
        factors: factors.map(|(list, _)| list.to_vec()),
        warmup_lr: warmup_lr.map(|(lr, _)| lr),
        stepping,
        fractional_step: fractional_step.map(|(step, _)| stepping::as_python_reads(step)),
    };
    // The keys the model names stand for the ones the user gave instead.
    let origin = |key: &'static str| match key {
        "base_lr" | "gamma" if values.is_some() => given.origin("values"),
        "gamma" if factors.is_some() => given.origin("factors"),
        "warmup_factor" if warmup_lr.is_some() => given.origin("warmup_lr"),
        _ => given.origin(key),
    };
    check_lr_range(&params, origin)?;
    let several = dialects.len() > 1;
    let mut schedules = Vec::new();
    let mut refusals = Vec::new();
    for dialect in dialects {
        match schedule::build(dialect, params.clone()) {
            Ok(schedule) => schedules.push(NamedSchedule {
                name: if several {
                    dialect.name().to_string()
                } else {
                    name.clone()
                },
                dialect,
                iters_per_epoch,
                unit,
                bare_counts: bare_counts.clone(),
                schedule,
            }),
            Err(rejection) => refusals.push(ConfigError::invalid(
                origin(rejection.key),
                format!("{}: {}", dialect.name(), rejection.message),
            )),
        }
    }
    // `--dialect all` shows the frameworks that accept the schedule and says why the others
    // are missing; it fails only when no framework accepts it.
    if schedules.is_empty() {
        return Err(refusals.remove(0));
    }
    let warnings = refusals
        .iter()
        .map(|refusal| format!("--dialect all: skipped, as the framework refuses it: {refusal}"))
        .collect();
    Ok(Loaded {
        schedules,
        warnings,
    })
}

/// docs/guide.md, "Keys and flags": ceil(1.5 × last milestone); with step_size
/// W + 3 × step_size; with neither max(2W, 100).
fn default_iters(decay: &Decay, warmup_iters: u64) -> Result<u64, ConfigError> {
    let refuse = |problem: String| {
        ConfigError::invalid(
            Origin::Default("iters"),
            format!("{problem}; set iters (--iters N)"),
        )
    };
    let past_u64 = |rule: String| refuse(format!("{rule} is past the u64 range"));
    let iters = match decay {
        Decay::Milestones(list) if !list.is_empty() => {
            let last = list.iter().copied().max().unwrap_or(0);
            let iters = last
                .checked_add(last.div_ceil(2))
                .ok_or_else(|| past_u64(format!("1.5 × the last milestone {last}")))?;
            if iters == 0 {
                return Err(refuse("1.5 × the last milestone 0 is 0 iterations".into()));
            }
            iters
        }
        Decay::StepSize(step) => step
            .checked_mul(3)
            .and_then(|three| three.checked_add(warmup_iters))
            .ok_or_else(|| {
                past_u64(format!(
                    "warmup_iters {warmup_iters} + 3 × step_size {step}"
                ))
            })?,
        Decay::Milestones(_) => warmup_iters
            .checked_mul(2)
            .ok_or_else(|| past_u64(format!("2 × warmup_iters {warmup_iters}")))?
            .max(100),
    };
    Ok(iters)
}

/// The largest lr a schedule may reach: f64's limit with room for the rounding of dialects
/// that multiply by gamma step by step.
const LR_LIMIT: f64 = f64::MAX / 16.0;

/// lr must be a finite f64 at every iteration. It is at most
/// base_lr × max(1, warmup_factor) × gamma^k, k the decays reached before `iters`, where the
/// last factor only counts for gamma > 1 (otherwise decays only lower the lr).
fn check_lr_range(
    params: &Params,
    origin: impl Fn(&'static str) -> Origin,
) -> Result<(), ConfigError> {
    let last = params.iters - 1;
    let decays = match &params.decay {
        // Not yet known to be sorted: the dialects check that.
        Decay::Milestones(list) => list.iter().filter(|&&m| m <= last).count() as u64,
        Decay::StepSize(step) => last
            .checked_sub(params.warmup_iters)
            .map_or(0, |since_warmup| since_warmup / step),
    };
    let warmup_peak = if params.warmup_iters > 0 {
        params.warmup_factor.max(1.0)
    } else {
        1.0
    };
    let growth = match (&params.values, &params.factors) {
        (Some(values), _) => values
            .iter()
            .fold(1.0f64, |top, lr| top.max(lr / params.base_lr)),
        (None, Some(factors)) => factors.iter().fold(1.0f64, |top, &f| top.max(f)),
        (None, None) if params.gamma > 1.0 => params.gamma.powf(decays as f64),
        (None, None) => 1.0,
    };
    let peak = params.base_lr * warmup_peak * growth;
    if peak <= LR_LIMIT {
        return Ok(());
    }
    let limit = if peak.is_finite() {
        "too close to the f64 limit (an lr must stay below about 1.1e307)"
    } else {
        "past the f64 range (an lr must stay below about 1.1e307)"
    };
    let (key, problem) = if growth > 1.0 && params.base_lr * warmup_peak <= LR_LIMIT {
        (
            "gamma",
            format!(
                "{decays} decays by {} before iteration {} take the lr to {}, {limit}",
                number(params.gamma),
                params.iters,
                number(peak)
            ),
        )
    } else if params.base_lr <= LR_LIMIT {
        (
            "warmup_factor",
            format!(
                "base_lr × warmup_factor is {}, {limit}",
                number(params.base_lr * params.warmup_factor)
            ),
        )
    } else {
        ("base_lr", format!("{} is {limit}", number(params.base_lr)))
    };
    Err(ConfigError::invalid(origin(key), problem))
}

#[cfg(test)]
mod tests {
    use super::super::keys::KEYS;
    use super::super::{Layer, load_toml};
    use super::*;

    fn flags(pairs: &[(&str, &str)]) -> Layer {
        let mut layer = Layer::default();
        for &(key, value) in pairs {
            layer.set_flag(key, Some(value));
        }
        layer
    }

    fn one(file: &str, flag_pairs: &[(&str, &str)]) -> Result<NamedSchedule, ConfigError> {
        load_toml("s.toml", file, &flags(flag_pairs)).map(|mut loaded| loaded.schedules.remove(0))
    }

    fn error(file: &str, flag_pairs: &[(&str, &str)]) -> String {
        match one(file, flag_pairs) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults_are_the_reference_example() {
        let spec = one("", &[]).unwrap();
        assert_eq!(spec.params(), &Params::default());
        assert_eq!(spec.name, "s");
        assert_eq!(spec.unit, Unit::Iter);
        assert_eq!(spec.dialect, Dialect::default());
        assert_eq!(spec.iters_per_epoch, None);
    }

    /// Each key, set to a value other than its default, changes the schedule: no key's value
    /// is lost between its row and the model.
    #[test]
    fn every_key_reaches_the_schedule() {
        let file = [
            ("base_lr", "0.2"),
            ("milestones", "[3, 4]"),
            ("gamma", "0.5"),
            ("warmup_iters", "2"),
            ("warmup_factor", "0.25"),
            ("warmup_method", "\"constant\""),
            ("iters", "6"),
            ("iters_per_epoch", "7"),
            ("unit", "\"epochs\""),
            ("dialect", "\"timm\""),
            ("name", "\"n\""),
        ];
        let text: String = file.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        let spec = one(&text, &[]).unwrap();
        let expected = Params {
            base_lr: 0.2,
            decay: Decay::Milestones(vec![21, 28]),
            gamma: 0.5,
            warmup_iters: 14,
            warmup_factor: 0.25,
            warmup_method: WarmupMethod::Constant,
            iters: 42,
            ..Params::default()
        };
        assert_eq!(spec.params(), &expected);
        assert_eq!(
            (
                spec.iters_per_epoch,
                spec.unit,
                spec.dialect,
                spec.name.as_str()
            ),
            (
                Some(7),
                Unit::Epoch,
                Dialect::from_name("timm").unwrap(),
                "n"
            )
        );
        let stepped = one("step_size = 30", &[]).unwrap();
        assert_eq!(stepped.params().decay, Decay::StepSize(30));
        // Explicit lrs, an absolute warmup start, per-epoch decays after an iteration warmup.
        let explicit = [
            ("values", "[0.4, 0.04]"),
            ("warmup_lr", "0.1"),
            ("stepping", "\"epoch\""),
            ("warmup_stepping", "\"iter\""),
        ];
        let text: String = explicit
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .chain(["iters_per_epoch = 5\nmilestones = [\"2ep\"]\ndialect = \"tf-model-garden\"\nwarmup_iters = 3\n".into()])
            .collect();
        let spec = one(&text, &[]).unwrap();
        let p = spec.params();
        assert_eq!(
            (p.base_lr, p.values.clone(), p.warmup_lr, p.warmup_factor),
            (0.4, Some(vec![0.4, 0.04]), Some(0.1), 0.25)
        );
        assert_eq!(
            p.stepping,
            Stepping::Epoch {
                iters_per_epoch: 5,
                warmup: Unit::Iter
            }
        );
        // The epoch from the dataset, and a scaling: 2 → 4 devices of 3 make a batch of 12,
        // floor(100 / 12) = 8 batches, ceil(8 / 3) = 3 steps an epoch.
        let counted = [
            ("dataset_size", "100"),
            ("batch_per_device", "3"),
            ("devices", "2"),
            ("grad_accum", "3"),
            ("drop_last", "true"),
            ("from_devices", "2"),
            ("to_devices", "4"),
            ("rule", "\"sqrt\""),
            ("keep_warmup", "true"),
        ];
        let text: String = counted
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .chain(["unit = \"epoch\"\nmilestones = [1, 2]\nwarmup_iters = \"5it\"\n".into()])
            .collect();
        let spec = one(&text, &[]).unwrap();
        assert_eq!(spec.iters_per_epoch, Some(3));
        assert_eq!(spec.params().decay, Decay::Milestones(vec![3, 6]));
        assert_eq!(spec.params().warmup_iters, 5);
        assert_eq!(spec.params().base_lr, 0.01 * 2f64.sqrt());
        // By batch: 8 → 16 images, ceil(2975 / 16) = 186 steps an epoch.
        let by_batch = [("batch_size", "8"), ("from_batch", "8"), ("to_batch", "16")];
        let text: String = by_batch
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .chain(["dataset_size = \"cityscapes\"\nrule = \"none\"\niters = \"12ep\"\n".into()])
            .collect();
        let spec = one(&text, &[]).unwrap();
        assert_eq!(spec.iters_per_epoch, Some(186));
        assert_eq!(spec.params().iters, 12 * 186);
        assert_eq!(spec.params().base_lr, 0.01);
        // round(10 / 2) and round(50 / 2), round(100 / 2).
        assert_eq!(spec.params().warmup_iters, 5);
        assert_eq!(spec.params().decay, Decay::Milestones(vec![25, 50]));
        // Every row is one of the above.
        let mut tested: Vec<&str> = file
            .iter()
            .chain(&counted)
            .chain(&by_batch)
            .chain(&explicit)
            .map(|(k, _)| *k)
            .chain(["step_size", "factors"])
            .collect();
        // factors: base_lr × factors[k], 0.1 * 0.01 = 0.001 in Python, not 0.1 * 0.1 ** 2.
        let text = "factors = [1.0, 0.1, 0.01]\nmilestones = [4, 8]\nbase_lr = 0.1\n\
                    warmup_iters = 0\niters = 10\ndialect = \"detectron2\"\n";
        let spec = one(text, &[]).unwrap();
        assert_eq!(spec.params().factors, Some(vec![1.0, 0.1, 0.01]));
        assert_eq!(spec.schedule.lr(9).to_bits(), 0.001f64.to_bits());
        let mut rows: Vec<&str> = KEYS.iter().map(|key| key.name).collect();
        tested.sort_unstable();
        rows.sort_unstable();
        assert_eq!(tested, rows);
    }

    #[test]
    fn flags_override_the_file() {
        let spec = one("gamma = 0.5\nbase_lr = 0.2\n", &[("gamma", "0.25")]).unwrap();
        assert_eq!(spec.params().gamma, 0.25);
        assert_eq!(spec.params().base_lr, 0.2);
    }

    #[test]
    fn default_iters_rules() {
        let iters = |file: &str| one(file, &[]).unwrap().params().iters;
        assert_eq!(iters("milestones = [60000, 80000]"), 120000);
        assert_eq!(iters("milestones = [3]"), 5);
        assert_eq!(iters("step_size = 30"), 100);
        assert_eq!(iters("milestones = []"), 100);
        assert_eq!(iters("milestones = []\nwarmup_iters = 80"), 160);
    }

    #[test]
    fn epochs_convert_to_iterations() {
        let spec = one(
            "unit = \"epoch\"\niters_per_epoch = 100\nmilestones = [30, 60]\nwarmup_iters = 5\niters = 90",
            &[],
        )
        .unwrap();
        assert_eq!(spec.params().decay, Decay::Milestones(vec![3000, 6000]));
        assert_eq!(spec.params().warmup_iters, 500);
        assert_eq!(spec.params().iters, 9000);
    }

    #[test]
    fn messages_name_the_source() {
        assert_eq!(
            error("gamma = -1", &[]),
            "s.toml:1: gamma: must be > 0, got -1"
        );
        assert_eq!(
            error("", &[("gamma", "nan")]),
            "--gamma: must be a finite number, got NaN"
        );
        assert_eq!(
            error("", &[("base_lr", "1e999")]),
            "--base-lr: '1e999' is past the f64 range (about ±1.8e308)"
        );
        assert_eq!(
            error("", &[("iters", "-3")]),
            "--iters: must be >= 0, got -3"
        );
        assert_eq!(
            error("", &[("milestones", "5,x")]),
            "--milestones: 'x' is not a whole number in the list"
        );
        assert_eq!(
            error("\n\nmilestones = [60, 30]", &[]),
            "s.toml:3: milestones: maskrcnn: must be sorted ascending (repeats allowed), got [60, 30] \
             (maskrcnn-benchmark: \"Milestones should be a list of increasing integers\")"
        );
        assert_eq!(
            error("milestones = [1]", &[("step_size", "3")]),
            "--step-size conflicts with s.toml:1: milestones: give milestones or step_size, not both"
        );
        // Said before either value is read.
        assert_eq!(
            error("milestones = [1]", &[("step_size", "x")]),
            "--step-size conflicts with s.toml:1: milestones: give milestones or step_size, not both"
        );
        assert_eq!(
            error("unit = \"epoch\"", &[]),
            "s.toml:1: unit: unit = epoch needs an epoch length: iters_per_epoch, or dataset_size \
             and a batch"
        );
        assert_eq!(
            error("iters = 10.5", &[]),
            "s.toml:1: iters: must be a whole number, got 10.5"
        );
        assert_eq!(
            error("name = 3", &[]),
            "s.toml:1: name: expected a string, found an integer"
        );
        assert_eq!(
            error("", &[("warmup_method", "exp"), ("warmup_factor", "0")]),
            "--warmup-factor: must be > 0 with warmup_method = exp (exp warmup computes f ** (1 - t/W))"
        );
        assert_eq!(
            error("iters = 18446744073709551616", &[]),
            "s.toml:1: iters: 18446744073709551616 is past the u64 range (at most 18446744073709551615)"
        );
        assert_eq!(
            error(
                "",
                &[
                    ("unit", "epoch"),
                    ("iters_per_epoch", "10000000000"),
                    ("milestones", "3000000000"),
                    ("iters", "1")
                ]
            ),
            "--milestones: 3000000000 epochs × 10000000000 iters_per_epoch is past the u64 range"
        );
    }

    #[test]
    fn dialect_all_skips_the_frameworks_that_refuse() {
        let all = flags(&[("dialect", "all")]);
        let names = |file: &str| -> Vec<String> {
            let loaded = load_toml("s.toml", file, &all).unwrap();
            loaded.schedules.into_iter().map(|spec| spec.name).collect()
        };
        assert_eq!(
            names(""),
            vec![
                "maskrcnn",
                "torch-chained",
                "torch-sequential",
                "detectron2",
                "mxnet",
                "timm",
                "mmengine",
                "timm-train",
                "mmcv1",
                "gluoncv",
                "paddledet",
                "paddle",
                "detectron-caffe2",
                "tf-model-garden",
                "optax"
            ]
        );
        // detectron2, MXNet and paddle refuse a repeated milestone (Keras any warmup).
        assert_eq!(
            names("milestones = [20, 20, 40]"),
            vec![
                "maskrcnn",
                "torch-chained",
                "torch-sequential",
                "timm",
                "mmengine",
                "timm-train",
                "mmcv1",
                "gluoncv",
                "paddledet",
                "detectron-caffe2",
                "tf-model-garden",
                "optax"
            ]
        );
        // Said by the caller, once each: config itself prints nothing.
        let loaded = load_toml("s.toml", "milestones = [20, 20, 40]", &all).unwrap();
        assert_eq!(loaded.warnings.len(), 4);
        assert!(loaded.warnings[1].starts_with(
            "--dialect all: skipped, as the framework refuses it: s.toml:1: milestones: mxnet: "
        ));
        assert_eq!(
            error("milestones = [20, 20]", &[("dialect", "mxnet")]),
            "s.toml:1: milestones: mxnet: must be strictly increasing, got [20, 20] \
             (MultiFactorScheduler: \"Schedule step must be an increasing integer list\")"
        );
    }

    #[test]
    fn lr_must_stay_in_the_f64_range() {
        assert_eq!(
            error(
                "",
                &[("gamma", "1e300"), ("milestones", "1,2,3"), ("iters", "5")]
            ),
            "--gamma: 3 decays by 1e300 before iteration 5 take the lr to inf, past the f64 range \
             (an lr must stay below about 1.1e307)"
        );
        // Decays past iters never happen, so they cannot overflow.
        assert!(
            one(
                "",
                &[("gamma", "1e300"), ("milestones", "1,2,3"), ("iters", "2")]
            )
            .is_ok()
        );
        assert_eq!(
            error("base_lr = 1e308", &[]),
            "s.toml:1: base_lr: 1e308 is too close to the f64 limit (an lr must stay below about 1.1e307)"
        );
        assert_eq!(
            error("", &[("base_lr", "1e10"), ("warmup_factor", "1e300")]),
            "--warmup-factor: base_lr × warmup_factor is inf, past the f64 range \
             (an lr must stay below about 1.1e307)"
        );
        // Decays only lower the lr when gamma < 1: no limit on their number.
        assert!(
            one(
                "",
                &[("gamma", "1e-300"), ("step_size", "1"), ("iters", "1000")]
            )
            .is_ok()
        );
    }

    #[test]
    fn edge_numbers() {
        assert_eq!(
            error("", &[("base_lr", "1e-400")]),
            "--base-lr: '1e-400' is below the f64 range (about 4.9e-324) and would read as 0"
        );
        assert_eq!(
            error("", &[("base_lr", "0e-400")]),
            "--base-lr: must be > 0, got 0e-400"
        );
        assert_eq!(
            error("iters = -0\nmilestones = []", &[]),
            "s.toml:1: iters: must be >= 1, got 0"
        );
        assert_eq!(
            one("warmup_iters = -0", &[]).unwrap().params().warmup_iters,
            0
        );
        assert_eq!(
            error("", &[("iters", "-99999999999999999999")]),
            "--iters: must be >= 0, got -99999999999999999999"
        );
        assert_eq!(
            error("milestones = [1, \"2\"]", &[]),
            "s.toml:1: milestones: the string \"2\" has no unit: write 2 as a number, or \"2it\" \
             or \"2ep\" in the list"
        );
        assert_eq!(
            error("gamma = true", &[]),
            "s.toml:1: gamma: expected a number, found a boolean"
        );
    }

    #[test]
    fn empty_milestones_flag_means_no_decay() {
        let spec = one("milestones = [5]", &[("milestones", "")]).unwrap();
        assert_eq!(spec.params().decay, Decay::Milestones(vec![]));
    }
}
