//! Scaling a schedule to another batch: k = to / from; base_lr × k (linear), × √k (sqrt) or
//! unchanged (none); every count in iterations becomes round(x / k), Python's round (half to
//! even) of the f64 x / k, exactly as detectron2's `DefaultTrainer.auto_scale_workers` does, so
//! that the run keeps its epochs. Counts in epochs stay. docs/guide.md, section "Units".

use super::amount::{Amount, Decimal};
use super::error::{ConfigError, Origin};
use super::resolve::Given;
use super::value::Value;
use crate::schedule::message::number;
use crate::schedule::{Decay, Params, Unit};

/// How base_lr follows the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Linear,
    Sqrt,
    None,
}

impl Rule {
    pub fn from_name(name: &str) -> Option<Rule> {
        match name {
            "linear" => Some(Rule::Linear),
            "sqrt" => Some(Rule::Sqrt),
            "none" => Some(Rule::None),
            _ => None,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Rule::Linear => "rule linear: base_lr × k",
            Rule::Sqrt => "rule sqrt: base_lr × sqrt(k)",
            Rule::None => "rule none: base_lr unchanged",
        }
    }
}

/// A scaling the keys ask for.
pub(super) struct Scaling {
    from: u64,
    to: u64,
    /// `batch` or `devices`.
    what: &'static str,
    rule: Rule,
    keep_warmup: bool,
}

/// The keys of a scaling, which a scaled schedule no longer has.
const SCALE_KEYS: [&str; 6] = [
    "from_batch",
    "to_batch",
    "from_devices",
    "to_devices",
    "rule",
    "keep_warmup",
];

impl Scaling {
    fn k(&self) -> f64 {
        self.to as f64 / self.from as f64
    }

    /// One line saying what was done, for the top of a scaled schedule file.
    pub(super) fn comment(&self) -> String {
        let warmup = if self.keep_warmup {
            ", warmup_iters kept"
        } else {
            ""
        };
        format!(
            "# lrsched scale: {} → {} {} (k = {}), {}; counts in iterations round(x / k), \
             half to even (detectron2's auto_scale_workers){warmup}; counts in epochs kept.\n",
            self.from,
            self.to,
            self.what,
            number(self.k()),
            self.rule.describe()
        )
    }
}

/// The scaling the keys ask for, if any.
pub(super) fn scaling(given: &Given) -> Result<Option<Scaling>, ConfigError> {
    let pair = |from: &'static str, to: &'static str| -> Result<Option<(u64, u64)>, ConfigError> {
        match (given.count(from), given.count(to)) {
            (Some((from, _)), Some((to, _))) => Ok(Some((from, to))),
            (Some((_, at)), None) => Err(needs(at, to)),
            (None, Some((_, at))) => Err(needs(at, from)),
            (None, None) => Ok(None),
        }
    };
    let (from, to, what) = match (
        pair("from_batch", "to_batch")?,
        pair("from_devices", "to_devices")?,
    ) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::Conflict {
                first: Box::new(given.origin("from_batch")),
                second: given.origin("from_devices"),
                problem: "scale by batch or by devices, not both".into(),
            });
        }
        (Some((from, to)), None) => (from, to, "batch"),
        (None, Some((from, to))) => (from, to, "devices"),
        (None, None) => {
            if let Some(at) = ["rule", "keep_warmup"]
                .iter()
                .find_map(|&name| given.origin_if_set(name))
            {
                return Err(ConfigError::invalid(
                    at.clone(),
                    "applies only when scaling: give --from-batch and --to-batch, or \
                     --from-devices and --to-devices",
                ));
            }
            return Ok(None);
        }
    };
    if let Some((_, at)) = given.count("iters_per_epoch") {
        return Err(ConfigError::Conflict {
            first: Box::new(at.clone()),
            second: given.origin(if what == "batch" {
                "to_batch"
            } else {
                "to_devices"
            }),
            problem: "an epoch's length changes with the batch: give dataset_size and a batch \
                      instead of iters_per_epoch, and lrsched counts both"
                .into(),
        });
    }
    let rule = match given.text("rule") {
        Some((name, at)) => super::checks::rule(name, at)?,
        None => Rule::Linear,
    };
    let keep_warmup = given.switch("keep_warmup").is_some_and(|(on, _)| on);
    Ok(Some(Scaling {
        from,
        to,
        what,
        rule,
        keep_warmup,
    }))
}

fn needs(at: &Origin, other: &str) -> ConfigError {
    ConfigError::invalid(
        at.clone(),
        format!("needs --{} too", other.replace('_', "-")),
    )
}

/// The keys of the scaled schedule: base_lr by the rule, iteration counts by 1 / k, the batch
/// (or the devices) by k; without the keys of the scaling.
pub(super) fn apply(given: &Given, scaling: &Scaling) -> Result<Given, ConfigError> {
    let k = scaling.k();
    let defaults = Params::default();
    let mut scaled = given.clone();
    for name in SCALE_KEYS {
        scaled.remove(name);
    }
    let (base_lr, at) = given.number("base_lr").map_or(
        (defaults.base_lr, Origin::Default("base_lr")),
        |(lr, at)| (lr, at.clone()),
    );
    let lr = match scaling.rule {
        Rule::Linear => base_lr * k,
        Rule::Sqrt => base_lr * k.sqrt(),
        Rule::None => base_lr,
    };
    scaled.set("base_lr", Value::Number(lr), at);

    let unit = match given.text("unit") {
        Some((name, at)) => super::checks::unit(name, at)?,
        None => Unit::Iter,
    };
    let count = |amount: &Amount, at: &Origin| scale_count(amount, unit, k, at);
    if !scaling.keep_warmup {
        let (warmup, at) = given.amount("warmup_iters").map_or_else(
            || {
                (
                    Amount::bare(defaults.warmup_iters),
                    Origin::Default("warmup_iters"),
                )
            },
            |(amount, at)| (*amount, at.clone()),
        );
        let warmup = count(&warmup, &at)?;
        scaled.set("warmup_iters", Value::Amount(warmup), at);
    }
    if let Some((step, at)) = given.amount("step_size") {
        scaled.set("step_size", Value::Amount(count(step, at)?), at.clone());
    } else {
        let (list, at) = match given.amounts("milestones") {
            Some((list, at)) => (list.to_vec(), at.clone()),
            None => match &defaults.decay {
                Decay::Milestones(list) => (
                    list.iter().copied().map(Amount::bare).collect(),
                    Origin::Default("milestones"),
                ),
                Decay::StepSize(_) => (Vec::new(), Origin::Default("milestones")),
            },
        };
        let list = list
            .iter()
            .map(|m| count(m, &at))
            .collect::<Result<Vec<_>, _>>()?;
        scaled.set("milestones", Value::Amounts(list), at);
    }
    if let Some((iters, at)) = given.amount("iters") {
        scaled.set("iters", Value::Amount(count(iters, at)?), at.clone());
    }
    for name in ["batch_size", "devices"] {
        let Some((n, at)) = given.count(name) else {
            continue;
        };
        let matches_from = match (scaling.what, name) {
            ("batch", "batch_size") | ("devices", "devices") => n == scaling.from,
            _ => true,
        };
        if !matches_from {
            return Err(ConfigError::Conflict {
                first: Box::new(at.clone()),
                second: given.origin(if scaling.what == "batch" {
                    "from_batch"
                } else {
                    "from_devices"
                }),
                problem: format!("the schedule's {name} {n} is not the one scaled from"),
            });
        }
        let times_to = u128::from(n) * u128::from(scaling.to);
        if !times_to.is_multiple_of(u128::from(scaling.from)) {
            return Err(ConfigError::invalid(
                at.clone(),
                format!(
                    "{n} × {} / {} is not a whole {name} after scaling",
                    scaling.to, scaling.from
                ),
            ));
        }
        let new = u64::try_from(times_to / u128::from(scaling.from)).map_err(|_| {
            ConfigError::invalid(
                at.clone(),
                format!("{n} × {} is past the u64 range", scaling.to),
            )
        })?;
        scaled.set(name, Value::Count(new), at.clone());
    }
    Ok(scaled)
}

/// round(x / k), half to even, on the f64 x / k: Python's `int(round(x / k))`; `None` past
/// the u64 range.
pub(super) fn round_div(x: u64, k: f64) -> Option<u64> {
    let scaled = (x as f64 / k).round_ties_even();
    // 2^64: the first f64 past u64::MAX.
    (scaled < 18_446_744_073_709_551_616.0).then_some(scaled as u64)
}

/// A count in iterations becomes round(x / k), half to even, on f64 (Python's `round`); one in
/// epochs stays, as does a fraction that is not iterations (`resolve` refuses it).
fn scale_count(amount: &Amount, unit: Unit, k: f64, at: &Origin) -> Result<Amount, ConfigError> {
    let Some(whole) = amount.number.whole() else {
        return Ok(*amount);
    };
    if amount.unit_or(unit) == Unit::Epoch {
        return Ok(*amount);
    }
    let scaled = round_div(whole, k).ok_or_else(|| {
        ConfigError::invalid(
            at.clone(),
            format!(
                "{whole} / {} is past the u64 range after scaling",
                number(k)
            ),
        )
    })?;
    Ok(Amount {
        number: Decimal::from_whole(scaled),
        unit: amount.unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_half_to_even_like_python() {
        let scale = |x: u64, k: f64| {
            scale_count(&Amount::bare(x), Unit::Iter, k, &Origin::Default("iters"))
                .unwrap()
                .to_string()
        };
        // Python: round(2.5) == 2, round(3.5) == 4, int(round(90000 / 0.5)) == 180000.
        assert_eq!(scale(5, 2.0), "2");
        assert_eq!(scale(7, 2.0), "4");
        assert_eq!(scale(90000, 0.5), "180000");
        // 1000 / (3 / 8) = 2666.666...: 2667.
        assert_eq!(scale(1000, 3.0 / 8.0), "2667");
        let epochs = Amount::parse("8ep").unwrap();
        assert_eq!(
            scale_count(&epochs, Unit::Iter, 0.5, &Origin::Default("iters")).unwrap(),
            epochs
        );
    }
}
