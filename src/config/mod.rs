//! Turns TOML files and flags into validated schedules. Every input error is born here.
//!
//! Precedence: built-in defaults < TOML file < flags. Values are kept raw (as the text or TOML
//! value the user wrote, with where it came from) until one place converts and checks them, so
//! a flag and a TOML key get the same rules and messages.

mod error;
mod toml_input;

pub use error::{ConfigError, Origin};
pub use toml_input::parse_layer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::schedule::{self, Decay, Dialect, NamedSchedule, Params, Unit, WarmupMethod};

/// Every TOML key, in the order the SPEC lists them. Flags are the same with `-` for `_`.
pub const KEYS: &[&str] = &[
    "base_lr",
    "milestones",
    "gamma",
    "step_size",
    "warmup_iters",
    "warmup_factor",
    "warmup_method",
    "iters",
    "iters_per_epoch",
    "unit",
    "dialect",
    "name",
];

/// A value as the user wrote it, before conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// Text from a flag, e.g. `--milestones 50,100`.
    Text(String),
    Integer(String),
    Float(String),
    Str(String),
    Array(Vec<Raw>),
    /// A TOML value of a type no key takes (boolean, date, table), by its type name.
    Other(&'static str),
}

/// One source of settings: a file, or the flags.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    entries: BTreeMap<&'static str, (Raw, Origin)>,
}

impl Layer {
    pub fn set(&mut self, key: &'static str, value: Raw, origin: Origin) {
        self.entries.insert(key, (value, origin));
    }

    /// Adds a flag's value (`None`: the flag was not given).
    pub fn set_flag(&mut self, key: &'static str, value: Option<&str>) {
        if let Some(text) = value {
            let flag = format!("--{}", key.replace('_', "-"));
            self.set(key, Raw::Text(text.to_string()), Origin::Flag(flag));
        }
    }
}

/// What the user asked for: schedule files, and flags that apply to each of them.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub files: Vec<PathBuf>,
    pub flags: Layer,
}

/// Schedules ready to evaluate, and what the user should be told about loading them.
pub struct Loaded {
    pub specs: Vec<NamedSchedule>,
    /// One line each, for the caller to print as warnings: with `dialect = "all"`, every
    /// framework that refuses the schedule and why.
    pub warnings: Vec<String>,
}

/// Loads every schedule the input names: one per file, or one from flags alone.
/// `dialect = "all"` expands a schedule into one per dialect.
pub fn load_with_warnings(input: &Input) -> Result<Loaded, ConfigError> {
    if input.files.is_empty() {
        return resolve_with_warnings(&Layer::default(), &input.flags, None);
    }
    let mut loaded = Loaded {
        specs: Vec::new(),
        warnings: Vec::new(),
    };
    for path in &input.files {
        let file = toml_input::read_layer(path)?;
        let one = resolve_with_warnings(&file, &input.flags, Some(path))?;
        loaded.specs.extend(one.specs);
        loaded.warnings.extend(one.warnings);
    }
    Ok(loaded)
}

/// [`load_with_warnings`], for callers that have no one to warn (tests).
pub fn load(input: &Input) -> Result<Vec<NamedSchedule>, ConfigError> {
    load_with_warnings(input).map(|loaded| loaded.specs)
}

/// What a schedule file holding this input would say: every key the file or the flags set,
/// as a canonical TOML value (`lrsched init` writes these). Validated as [`load`] does, so only
/// a schedule every command accepts is written; floats keep their exact value (shortest
/// round-trip text) and counts stay in the user's unit.
pub fn settings(input: &Input) -> Result<BTreeMap<&'static str, String>, ConfigError> {
    let file = match input.files.as_slice() {
        [] => Layer::default(),
        [path] => toml_input::read_layer(path)?,
        [_, second, ..] => {
            return Err(ConfigError::invalid(
                Origin::Flag("--config".into()),
                format!(
                    "one schedule at a time: {} is a second schedule file",
                    second.display()
                ),
            ));
        }
    };
    resolve(
        &file,
        &input.flags,
        input.files.first().map(PathBuf::as_path),
    )?;
    let mut settings = BTreeMap::new();
    for &key in KEYS {
        let Some((raw, at)) = input
            .flags
            .entries
            .get(key)
            .or_else(|| file.entries.get(key))
        else {
            continue;
        };
        let text = match key {
            "base_lr" | "gamma" | "warmup_factor" => shortest(finite_f64(raw, at)?),
            "milestones" => {
                let list: Vec<String> = whole_list(raw, at)?.iter().map(u64::to_string).collect();
                format!("[{}]", list.join(", "))
            }
            "step_size" | "warmup_iters" | "iters" | "iters_per_epoch" => {
                whole(raw, at)?.to_string()
            }
            _ => toml_string(&string(raw, at)?),
        };
        settings.insert(key, text);
    }
    Ok(settings)
}

/// A TOML basic string: quoted, with quotes, backslashes and control characters escaped.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// [`resolve_with_warnings`], for callers that have no one to warn (`settings`, tests, the
/// fuzzer).
pub fn resolve(
    file: &Layer,
    flags: &Layer,
    path: Option<&Path>,
) -> Result<Vec<NamedSchedule>, ConfigError> {
    resolve_with_warnings(file, flags, path).map(|loaded| loaded.specs)
}

/// Merges a file layer and the flag layer over the defaults and validates the result.
pub fn resolve_with_warnings(
    file: &Layer,
    flags: &Layer,
    path: Option<&Path>,
) -> Result<Loaded, ConfigError> {
    let get = |key: &str| flags.entries.get(key).or_else(|| file.entries.get(key));
    let defaults = Params::default();

    let base_lr = match get("base_lr") {
        Some((raw, at)) => positive_f64(raw, at)?,
        None => defaults.base_lr,
    };
    let gamma = match get("gamma") {
        Some((raw, at)) => positive_f64(raw, at)?,
        None => defaults.gamma,
    };
    let warmup_method = match get("warmup_method") {
        Some((raw, at)) => {
            let name = string(raw, at)?;
            WarmupMethod::from_name(&name).ok_or_else(|| {
                ConfigError::invalid(
                    at.clone(),
                    format!(
                        "unknown warmup method '{name}'; expected one of: {}",
                        WarmupMethod::NAMES.join(", ")
                    ),
                )
            })?
        }
        None => defaults.warmup_method,
    };
    let warmup_factor = match get("warmup_factor") {
        Some((raw, at)) => {
            let f = finite_f64(raw, at)?;
            if f < 0.0 {
                return Err(ConfigError::invalid(
                    at.clone(),
                    format!("must be >= 0, got {}", as_written(raw)),
                ));
            }
            if f == 0.0 && warmup_method == WarmupMethod::Exp {
                return Err(ConfigError::invalid(
                    at.clone(),
                    "must be > 0 with warmup_method = exp (exp warmup computes f ** (1 - t/W))",
                ));
            }
            f
        }
        None => defaults.warmup_factor,
    };
    let dialects = match get("dialect") {
        Some((raw, at)) => {
            let name = string(raw, at)?;
            if name == "all" {
                Dialect::ALL.to_vec()
            } else {
                vec![Dialect::from_name(&name).ok_or_else(|| {
                    ConfigError::invalid(
                        at.clone(),
                        format!(
                            "unknown dialect '{name}'; expected one of: {}, all",
                            Dialect::accepted_names().join(", ")
                        ),
                    )
                })?]
            }
        }
        None => vec![Dialect::default()],
    };
    let unit = match get("unit") {
        Some((raw, at)) => match string(raw, at)?.as_str() {
            "iter" | "iters" | "iteration" | "iterations" => Unit::Iter,
            "epoch" | "epochs" => Unit::Epoch,
            other => {
                return Err(ConfigError::invalid(
                    at.clone(),
                    format!("unknown unit '{other}'; expected iter or epoch"),
                ));
            }
        },
        None => Unit::Iter,
    };
    let iters_per_epoch = match get("iters_per_epoch") {
        Some((raw, at)) => Some(at_least_one(raw, at)?),
        None => None,
    };
    // Converts a count in the configured unit to iterations.
    let to_iters = |count: u64, at: &Origin| -> Result<u64, ConfigError> {
        match (unit, iters_per_epoch) {
            (Unit::Iter, _) => Ok(count),
            (Unit::Epoch, Some(per_epoch)) => count.checked_mul(per_epoch).ok_or_else(|| {
                ConfigError::invalid(
                    at.clone(),
                    format!("{count} epochs × {per_epoch} iters_per_epoch is past the u64 range"),
                )
            }),
            (Unit::Epoch, None) => Err(ConfigError::invalid(
                get("unit").map_or(at.clone(), |(_, unit_at)| unit_at.clone()),
                "unit = epoch needs iters_per_epoch (--iters-per-epoch N)",
            )),
        }
    };

    let warmup_iters = match get("warmup_iters") {
        Some((raw, at)) => to_iters(whole(raw, at)?, at)?,
        None => to_iters(defaults.warmup_iters, &Origin::Default("warmup_iters"))?,
    };
    let decay = match (get("milestones"), get("step_size")) {
        (Some((_, milestones_at)), Some((_, step_at))) => {
            return Err(ConfigError::Conflict {
                first: Box::new(milestones_at.clone()),
                second: step_at.clone(),
                problem: "give milestones or step_size, not both".into(),
            });
        }
        (_, Some((raw, at))) => {
            let step = whole(raw, at)?;
            if step == 0 {
                return Err(ConfigError::invalid(at.clone(), "must be >= 1, got 0"));
            }
            Decay::StepSize(to_iters(step, at)?)
        }
        (Some((raw, at)), None) => {
            let list = whole_list(raw, at)?;
            let converted: Result<Vec<u64>, _> = list.iter().map(|&m| to_iters(m, at)).collect();
            Decay::Milestones(converted?)
        }
        (None, None) => {
            let default_at = Origin::Default("milestones");
            let Decay::Milestones(list) = &defaults.decay else {
                unreachable!("the default decay is a milestone list")
            };
            let converted: Result<Vec<u64>, _> =
                list.iter().map(|&m| to_iters(m, &default_at)).collect();
            Decay::Milestones(converted?)
        }
    };
    let iters = match get("iters") {
        Some((raw, at)) => {
            let iters = to_iters(whole(raw, at)?, at)?;
            if iters == 0 {
                return Err(ConfigError::invalid(at.clone(), "must be >= 1, got 0"));
            }
            iters
        }
        None => default_iters(&decay, warmup_iters)?,
    };

    let name = match get("name") {
        Some((raw, at)) => string(raw, at)?,
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
    };
    check_lr_range(&params, |key| {
        get(key).map_or(Origin::Default(key), |(_, at)| at.clone())
    })?;
    let several = dialects.len() > 1;
    let mut specs = Vec::new();
    let mut refusals = Vec::new();
    for dialect in dialects {
        match schedule::build(dialect, params.clone()) {
            Ok(schedule) => specs.push(NamedSchedule {
                name: if several {
                    dialect.name().to_string()
                } else {
                    name.clone()
                },
                dialect,
                iters_per_epoch,
                unit,
                schedule,
            }),
            Err(rejection) => {
                let at =
                    get(rejection.key).map_or(Origin::Default(rejection.key), |(_, at)| at.clone());
                refusals.push(ConfigError::invalid(
                    at,
                    format!("{}: {}", dialect.name(), rejection.message),
                ));
            }
        }
    }
    // `--dialect all` shows the frameworks that accept the schedule and says why the others
    // are missing; it fails only when no framework accepts it.
    if specs.is_empty() {
        return Err(refusals.remove(0));
    }
    let warnings = refusals
        .iter()
        .map(|refusal| format!("--dialect all: skipped, as the framework refuses it: {refusal}"))
        .collect();
    Ok(Loaded { specs, warnings })
}

/// SPEC: ceil(1.5 × last milestone); with step_size W + 3 × step_size; else max(2W, 100).
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
            let last = *list.iter().max().expect("non-empty");
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
    let growth = if params.gamma > 1.0 {
        params.gamma.powf(decays as f64)
    } else {
        1.0
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
                shortest(params.gamma),
                params.iters,
                shortest(peak)
            ),
        )
    } else if params.base_lr <= LR_LIMIT {
        (
            "warmup_factor",
            format!(
                "base_lr × warmup_factor is {}, {limit}",
                shortest(params.base_lr * params.warmup_factor)
            ),
        )
    } else {
        (
            "base_lr",
            format!("{} is {limit}", shortest(params.base_lr)),
        )
    };
    Err(ConfigError::invalid(origin(key), problem))
}

/// A number as every output writes it: the shortest text that reads back the same.
fn shortest(value: f64) -> String {
    ryu::Buffer::new().format(value).to_string()
}

fn type_name(raw: &Raw) -> &'static str {
    match raw {
        Raw::Text(_) => "text",
        Raw::Integer(_) => "an integer",
        Raw::Float(_) => "a float",
        Raw::Str(_) => "a string",
        Raw::Array(_) => "an array",
        Raw::Other(kind) => kind,
    }
}

fn type_error(raw: &Raw, at: &Origin, expected: &str) -> ConfigError {
    ConfigError::invalid(
        at.clone(),
        format!("expected {expected}, found {}", type_name(raw)),
    )
}

/// Parses a float, refusing NaN, infinities and values past the f64 range.
fn finite_f64(raw: &Raw, at: &Origin) -> Result<f64, ConfigError> {
    let text = match raw {
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) => t.trim(),
        _ => return Err(type_error(raw, at, "a number")),
    };
    let value: f64 = text
        .parse()
        .map_err(|_| ConfigError::invalid(at.clone(), format!("'{text}' is not a number")))?;
    if value.is_nan() {
        return Err(ConfigError::invalid(
            at.clone(),
            "must be a finite number, got NaN",
        ));
    }
    // `1e-400` parses to 0 without complaint; say so rather than "must be > 0, got 0".
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    if value == 0.0 && mantissa.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        return Err(ConfigError::invalid(
            at.clone(),
            format!("'{text}' is below the f64 range (about 4.9e-324) and would read as 0"),
        ));
    }
    if value.is_infinite() {
        let lower = text.to_ascii_lowercase();
        let problem = if lower.contains("inf") {
            format!("must be a finite number, got {text}")
        } else {
            format!("'{text}' is past the f64 range (about ±1.8e308)")
        };
        return Err(ConfigError::invalid(at.clone(), problem));
    }
    Ok(value)
}

fn positive_f64(raw: &Raw, at: &Origin) -> Result<f64, ConfigError> {
    let value = finite_f64(raw, at)?;
    if value <= 0.0 {
        return Err(ConfigError::invalid(
            at.clone(),
            format!("must be > 0, got {}", as_written(raw)),
        ));
    }
    Ok(value)
}

/// A number as the user wrote it, for messages: `-1e300` stays short, where the parsed
/// value's `Display` would print 301 digits.
fn as_written(raw: &Raw) -> &str {
    match raw {
        Raw::Text(t) | Raw::Integer(t) | Raw::Float(t) => t.trim(),
        _ => "a non-number",
    }
}

/// Parses a whole number of iterations (or epochs) in `0 ..= u64::MAX`.
fn whole(raw: &Raw, at: &Origin) -> Result<u64, ConfigError> {
    match raw {
        Raw::Text(t) | Raw::Integer(t) => {
            parse_whole(t.trim()).map_err(|p| ConfigError::invalid(at.clone(), p))
        }
        Raw::Float(t) => Err(ConfigError::invalid(
            at.clone(),
            format!("must be a whole number, got {t}"),
        )),
        _ => Err(type_error(raw, at, "a whole number")),
    }
}

fn at_least_one(raw: &Raw, at: &Origin) -> Result<u64, ConfigError> {
    let value = whole(raw, at)?;
    if value == 0 {
        return Err(ConfigError::invalid(at.clone(), "must be >= 1, got 0"));
    }
    Ok(value)
}

/// The one rule for whole numbers, shared with `lrsched at`'s iteration arguments.
pub fn parse_whole(text: &str) -> Result<u64, String> {
    use std::num::IntErrorKind;
    let error = match text.parse::<u64>() {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    match error.kind() {
        IntErrorKind::Empty => Err("expected a whole number, got nothing".to_string()),
        IntErrorKind::PosOverflow => Err(format!(
            "{text} is past the u64 range (at most {})",
            u64::MAX
        )),
        _ => match text.strip_prefix('-').map(str::parse::<u64>) {
            // `-0` is 0, as TOML reads it.
            Some(Ok(0)) => Ok(0),
            Some(Ok(_)) => Err(format!("must be >= 0, got {text}")),
            Some(Err(e)) if *e.kind() == IntErrorKind::PosOverflow => {
                Err(format!("must be >= 0, got {text}"))
            }
            _ => Err(format!("'{text}' is not a whole number")),
        },
    }
}

fn whole_list(raw: &Raw, at: &Origin) -> Result<Vec<u64>, ConfigError> {
    let in_list =
        |problem: String| ConfigError::invalid(at.clone(), format!("{problem} in the list"));
    match raw {
        Raw::Text(t) if t.trim().is_empty() => Ok(Vec::new()),
        Raw::Text(t) => t
            .split(',')
            .map(|item| match item.trim() {
                "" => Err(ConfigError::invalid(
                    at.clone(),
                    format!("an empty item in '{t}' (an empty value alone means no milestones)"),
                )),
                item => parse_whole(item).map_err(in_list),
            })
            .collect(),
        Raw::Array(items) => items
            .iter()
            .map(|item| match item {
                Raw::Integer(t) => parse_whole(t).map_err(in_list),
                Raw::Float(t) => Err(in_list(format!("must be whole numbers, got {t}"))),
                other => Err(in_list(format!(
                    "expected whole numbers, found {}",
                    type_name(other)
                ))),
            })
            .collect(),
        _ => Err(type_error(
            raw,
            at,
            "an array of whole numbers, e.g. [60000, 80000]",
        )),
    }
}

fn string(raw: &Raw, at: &Origin) -> Result<String, ConfigError> {
    match raw {
        Raw::Text(t) | Raw::Str(t) => Ok(t.clone()),
        _ => Err(type_error(raw, at, "a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(pairs: &[(&'static str, &str)]) -> Layer {
        let mut layer = Layer::default();
        for &(key, value) in pairs {
            layer.set_flag(key, Some(value));
        }
        layer
    }

    fn one(file: &str, flag_pairs: &[(&'static str, &str)]) -> Result<NamedSchedule, ConfigError> {
        let path = Path::new("s.toml");
        let file = parse_layer(path, file)?;
        resolve(&file, &flags(flag_pairs), Some(path)).map(|mut v| v.remove(0))
    }

    fn error(file: &str, flag_pairs: &[(&'static str, &str)]) -> String {
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
    }

    #[test]
    fn flags_override_the_file() {
        let spec = one("gamma = 0.5\nbase_lr = 0.2\n", &[("gamma", "0.25")]).unwrap();
        assert_eq!(spec.params().gamma, 0.25);
        assert_eq!(spec.params().base_lr, 0.2);
    }

    #[test]
    fn default_iters_rules() {
        assert_eq!(
            one("milestones = [60000, 80000]", &[])
                .unwrap()
                .params()
                .iters,
            120000
        );
        assert_eq!(one("milestones = [3]", &[]).unwrap().params().iters, 5);
        assert_eq!(one("step_size = 30", &[]).unwrap().params().iters, 100);
        assert_eq!(one("milestones = []", &[]).unwrap().params().iters, 100);
        assert_eq!(
            one("milestones = []\nwarmup_iters = 80", &[])
                .unwrap()
                .params()
                .iters,
            160
        );
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
        assert_eq!(
            error("unit = \"epoch\"", &[]),
            "s.toml:1: unit: unit = epoch needs iters_per_epoch (--iters-per-epoch N)"
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
    }

    #[test]
    fn dialect_all_skips_the_frameworks_that_refuse() {
        let names = |file: &str| -> Vec<String> {
            let path = Path::new("s.toml");
            let layer = parse_layer(path, file).unwrap();
            resolve(&layer, &flags(&[("dialect", "all")]), Some(path))
                .unwrap()
                .into_iter()
                .map(|spec| spec.name)
                .collect()
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
                "mmengine"
            ]
        );
        // detectron2 and MXNet refuse a repeated milestone.
        assert_eq!(
            names("milestones = [20, 20, 40]"),
            vec![
                "maskrcnn",
                "torch-chained",
                "torch-sequential",
                "timm",
                "mmengine"
            ]
        );
        // Said by the caller, once each: config itself prints nothing.
        let layer = parse_layer(Path::new("s.toml"), "milestones = [20, 20, 40]").unwrap();
        let loaded = resolve_with_warnings(&layer, &flags(&[("dialect", "all")]), None).unwrap();
        assert_eq!(loaded.warnings.len(), 2);
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
            one("iters = -0\nmilestones = []", &[])
                .err()
                .unwrap()
                .to_string(),
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
            "s.toml:1: milestones: expected whole numbers, found a string in the list"
        );
        assert_eq!(
            error("gamma = true", &[]),
            "s.toml:1: gamma: expected a number, found a boolean"
        );
    }

    #[test]
    fn settings_are_canonical_toml() {
        let input = Input {
            files: Vec::new(),
            flags: flags(&[
                ("base_lr", "1E-3"),
                ("milestones", " 7, 9 "),
                ("unit", "iters"),
            ]),
        };
        let settings = settings(&input).unwrap();
        assert_eq!(settings["base_lr"], "0.001");
        assert_eq!(settings["milestones"], "[7, 9]");
        assert_eq!(settings["unit"], "\"iters\"");
        assert_eq!(toml_string("a\"b\\c\n\u{7f}"), "\"a\\\"b\\\\c\\n\\u007F\"");
    }

    #[test]
    fn empty_milestones_flag_means_no_decay() {
        let spec = one("milestones = [5]", &[("milestones", "")]).unwrap();
        assert_eq!(spec.params().decay, Decay::Milestones(vec![]));
    }
}
