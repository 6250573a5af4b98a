//! A count with its unit, as written: `500`, `500it`, `8ep`, `2.4ep`; and its exact conversion
//! to iterations. docs/guide.md, section "Units", states the rules.

use super::value::parse_whole;
use crate::schedule::Unit;
use crate::schedule::message::{QUOTED, prefix, quote_prefix};

/// A non-negative decimal, exactly: `units / 10^decimals`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    units: u128,
    decimals: u32,
}

/// Fraction digits a decimal may have: 10^18 × u64::MAX still fits a u128.
const MAX_DECIMALS: usize = 18;

impl Decimal {
    fn scale(self) -> u128 {
        10u128.pow(self.decimals)
    }

    pub fn whole(self) -> Option<u64> {
        let scale = self.scale();
        self.units
            .is_multiple_of(scale)
            .then(|| (self.units / scale) as u64)
    }

    pub fn from_whole(n: u64) -> Decimal {
        Decimal {
            units: u128::from(n),
            decimals: 0,
        }
    }

    fn is_zero(self) -> bool {
        self.units == 0
    }

    /// `digits[.digits]`, or a whole number with `parse_whole`'s messages.
    fn parse(text: &str) -> Result<Decimal, String> {
        let Some((whole, fraction)) = text.split_once('.') else {
            return parse_whole(text).map(Decimal::from_whole);
        };
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
            return Err(format!("{} is not a number", quote_prefix(text, QUOTED)));
        }
        if fraction.len() > MAX_DECIMALS {
            return Err(format!(
                "{} has more than {MAX_DECIMALS} decimals",
                quote_prefix(text, QUOTED)
            ));
        }
        let whole = if whole.is_empty() {
            0
        } else {
            parse_whole(whole)?
        };
        let decimals = fraction.len() as u32;
        let fraction: u128 = if fraction.is_empty() {
            0
        } else {
            fraction
                .parse()
                .map_err(|_| format!("{} is not a number", quote_prefix(text, QUOTED)))?
        };
        Ok(Decimal {
            units: u128::from(whole) * 10u128.pow(decimals) + fraction,
            decimals,
        })
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scale = self.scale();
        write!(f, "{}", self.units / scale)?;
        if self.decimals > 0 {
            let width = self.decimals as usize;
            write!(f, ".{:0width$}", self.units % scale)?;
        }
        Ok(())
    }
}

/// A count of iterations or epochs; `unit` is `None` for a bare number, which is in the
/// schedule's `unit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    pub number: Decimal,
    pub unit: Option<Unit>,
}

/// The unit suffixes, long and short.
const ITER_SUFFIXES: [&str; 3] = ["it", "iter", "iters"];
const EPOCH_SUFFIXES: [&str; 3] = ["ep", "epoch", "epochs"];

impl Amount {
    pub fn bare(n: u64) -> Amount {
        Amount {
            number: Decimal::from_whole(n),
            unit: None,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.number.is_zero()
    }

    /// `500`, `2.4`, `500it`, `8 ep`; `2.5it` is refused, since iterations are whole.
    pub fn parse(text: &str) -> Result<Amount, String> {
        let text = text.trim();
        let number = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &text[number.len()..];
        let number = number.trim_end();
        if suffix.is_empty() || number.is_empty() {
            // A bare number, or no number at all (`abc`): said as for any whole number.
            let unit = None;
            return Decimal::parse(text).map(|number| Amount { number, unit });
        }
        let unit = if ITER_SUFFIXES.contains(&suffix) {
            Unit::Iter
        } else if EPOCH_SUFFIXES.contains(&suffix) {
            Unit::Epoch
        } else {
            return Err(format!(
                "unknown unit {} in {}; expected a number with it, iter, iters, ep, epoch or \
                 epochs (500it, 8ep), or a bare number",
                quote_prefix(suffix, QUOTED),
                quote_prefix(text, QUOTED)
            ));
        };
        let amount = Amount {
            number: Decimal::parse(number)?,
            unit: Some(unit),
        };
        if unit == Unit::Iter && amount.number.whole().is_none() {
            return Err(format!(
                "{} is not a whole number of iterations (fractions are for epochs: 2.4ep)",
                quote_prefix(text, QUOTED)
            ));
        }
        Ok(amount)
    }

    /// A TOML float as written (`2.4`): a bare decimal; exponents and `_` are refused.
    pub fn parse_float(text: &str) -> Result<Amount, String> {
        Decimal::parse(text.trim())
            .map(|number| Amount { number, unit: None })
            .map_err(|_| format!("must be a whole number, got {}", prefix(text, QUOTED)))
    }

    /// The unit this count is in: its own, else the schedule's.
    pub fn unit_or(&self, default: Unit) -> Unit {
        self.unit.unwrap_or(default)
    }

    /// In iterations. An epoch count e is the first iteration at or after e epochs,
    /// ceil(e × per_epoch), computed exactly; with `exact`, e × per_epoch must be whole.
    pub fn iterations(
        &self,
        default: Unit,
        per_epoch: Option<u64>,
        exact: bool,
    ) -> Result<u64, String> {
        match self.unit_or(default) {
            Unit::Iter => self
                .number
                .whole()
                .ok_or_else(|| format!("must be a whole number, got {}", self.number)),
            Unit::Epoch => {
                let Some(per_epoch) = per_epoch else {
                    return Err(format!(
                        "{self} needs an epoch length: --iters-per-epoch N, or --dataset-size N \
                         with --batch-size B"
                    ));
                };
                let past_u64 = || {
                    format!(
                        "{} epochs × {per_epoch} iters_per_epoch is past the u64 range",
                        self.number
                    )
                };
                let product = self
                    .number
                    .units
                    .checked_mul(u128::from(per_epoch))
                    .ok_or_else(past_u64)?;
                let scale = self.number.scale();
                if exact && !product.is_multiple_of(scale) {
                    return Err(format!(
                        "{self} is {} iterations at {per_epoch} per epoch, not a whole number",
                        Decimal {
                            units: product,
                            decimals: self.number.decimals
                        }
                    ));
                }
                u64::try_from(product.div_ceil(scale)).map_err(|_| past_u64())
            }
        }
    }
}

impl std::fmt::Display for Amount {
    /// As a flag takes it: `500`, `500it`, `8ep`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let suffix = match self.unit {
            None => "",
            Some(Unit::Iter) => "it",
            Some(Unit::Epoch) => "ep",
        };
        write!(f, "{}{suffix}", self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<String, String> {
        Amount::parse(text).map(|a| format!("{a:?}"))
    }

    #[test]
    fn units_by_any_of_their_names() {
        for (text, shown) in [
            ("500", "500"),
            ("500it", "500it"),
            ("500 iter", "500it"),
            ("500iters", "500it"),
            ("8ep", "8ep"),
            ("8epoch", "8ep"),
            (" 8 epochs ", "8ep"),
            ("2.4ep", "2.4ep"),
            ("2.0it", "2.0it"),
            ("2.5", "2.5"),
            (".5ep", "0.5ep"),
            ("-0", "0"),
        ] {
            assert_eq!(Amount::parse(text).unwrap().to_string(), shown, "{text}");
        }
    }

    #[test]
    fn bad_counts_say_why() {
        assert_eq!(
            parse("8 weeks").unwrap_err(),
            "unknown unit 'weeks' in '8 weeks'; expected a number with it, iter, iters, ep, \
             epoch or epochs (500it, 8ep), or a bare number"
        );
        assert_eq!(
            parse("2.5it").unwrap_err(),
            "'2.5it' is not a whole number of iterations (fractions are for epochs: 2.4ep)"
        );
        assert_eq!(parse("1e3").unwrap_err(), "'1e3' is not a whole number");
        assert_eq!(parse("ten").unwrap_err(), "'ten' is not a whole number");
        assert_eq!(parse("-5ep").unwrap_err(), "must be >= 0, got -5");
        assert_eq!(parse("1.2.3ep").unwrap_err(), "'1.2.3' is not a number");
        assert_eq!(parse(".ep").unwrap_err(), "'.' is not a number");
        assert_eq!(
            parse("0.1234567890123456789ep").unwrap_err(),
            "'0.1234567890123456789' has more than 18 decimals"
        );
        assert_eq!(
            Amount::parse_float("1e3").unwrap_err(),
            "must be a whole number, got 1e3"
        );
    }

    #[test]
    fn epochs_convert_exactly_and_round_up() {
        let iters = |text: &str, per_epoch: u64| {
            Amount::parse(text)
                .unwrap()
                .iterations(Unit::Iter, Some(per_epoch), false)
        };
        assert_eq!(iters("8ep", 7393), Ok(59144));
        assert_eq!(iters("12ep", 7393), Ok(88716));
        // 2.4 × 7393 = 17743.2: the first iteration at or after it.
        assert_eq!(iters("2.4ep", 7393), Ok(17744));
        // 0.57 × 100 is 56.99999999999999 in f64; exactly, it is 57.
        assert_eq!(iters("0.57ep", 100), Ok(57));
        assert_eq!(iters("500", 7393), Ok(500));
        assert_eq!(
            Amount::parse("2.5")
                .unwrap()
                .iterations(Unit::Iter, None, false),
            Err("must be a whole number, got 2.5".into())
        );
        assert_eq!(
            Amount::parse("2.5")
                .unwrap()
                .iterations(Unit::Epoch, Some(4), false),
            Ok(10)
        );
        assert_eq!(
            Amount::parse("8ep")
                .unwrap()
                .iterations(Unit::Iter, None, false),
            Err(
                "8ep needs an epoch length: --iters-per-epoch N, or --dataset-size N with \
                 --batch-size B"
                    .into()
            )
        );
        assert_eq!(
            Amount::parse("2.4ep")
                .unwrap()
                .iterations(Unit::Iter, Some(7393), true),
            Err("2.4ep is 17743.2 iterations at 7393 per epoch, not a whole number".into())
        );
        assert_eq!(
            Amount::parse("0.5ep")
                .unwrap()
                .iterations(Unit::Iter, Some(7394), true),
            Ok(3697)
        );
        assert_eq!(
            iters("18446744073709551615ep", 2),
            Err("18446744073709551615 epochs × 2 iters_per_epoch is past the u64 range".into())
        );
    }
}
