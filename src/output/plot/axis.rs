//! Axis ticks, and the text of every number a plot shows: whole iterations ("20000", "20k",
//! never "20000.0"), epochs, learning rates ("0.002") and decades ("1e-3").

/// What the x axis counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XUnit {
    Iteration,
    Epoch,
}

impl XUnit {
    /// The axis title.
    pub fn label(self) -> &'static str {
        match self {
            XUnit::Iteration => "iteration",
            XUnit::Epoch => "epoch",
        }
    }
}

/// A tick mark: where it goes on its axis, and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

/// The smallest 1, 2 or 5 × 10^k step that cuts `span` into at most `max_ticks` intervals.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    let raw = span / max_ticks.max(1) as f64;
    if !(raw > 0.0 && raw.is_finite()) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Most ticks an axis ever gets, whatever the range (a guard: callers ask for about ten).
const MAX_TICKS: f64 = 1000.0;

/// Multiples of `step` from 0 to `max`.
fn multiples(step: f64, max: f64) -> impl Iterator<Item = f64> {
    let count = (max / step * (1.0 + 1e-9)).floor().clamp(0.0, MAX_TICKS) as u64;
    (0..=count).map(move |k| k as f64 * step)
}

/// Decimal places that show every multiple of `step` exactly.
fn decimals(step: f64) -> usize {
    (-step.log10().floor()).max(0.0) as usize
}

/// Ticks for an x axis from 0 to `max`: whole iterations, or epochs (fractions when the run is
/// shorter than a few epochs).
pub fn x_ticks(max: f64, unit: XUnit, max_ticks: usize) -> Vec<Tick> {
    match unit {
        XUnit::Iteration => {
            let step = nice_step(max, max_ticks).max(1.0).round();
            let style = CountStyle::for_max(max as u64);
            multiples(step, max)
                .map(|value| Tick {
                    value,
                    label: style.tick(value as u64),
                })
                .collect()
        }
        XUnit::Epoch => {
            let step = nice_step(max, max_ticks);
            let places = decimals(step);
            multiples(step, max)
                .map(|value| Tick {
                    value,
                    label: fixed(value, places),
                })
                .collect()
        }
    }
}

/// Ticks for a linear lr axis from 0 to `max`.
pub fn linear_ticks(max: f64, max_ticks: usize) -> Vec<Tick> {
    let step = nice_step(max, max_ticks);
    let places = decimals(step);
    multiples(step, max)
        .map(|value| Tick {
            value,
            label: fixed(value, places),
        })
        .collect()
}

/// Ticks for a log lr axis; values and the range `[low, high]` are decimal exponents.
/// Decades when at least two fit, else 1, 2 and 5 within each decade; every `n`-th decade when
/// there are more than `max_ticks`.
pub fn log_ticks(low: f64, high: f64, max_ticks: usize) -> Vec<Tick> {
    let first = low.ceil() as i32;
    let last = high.floor() as i32;
    let decades = (last - first + 1).max(0) as usize;
    if decades >= 2 {
        let every = decades.div_ceil(max_ticks.max(1)).max(1);
        return (first..=last)
            .step_by(every)
            .map(|exponent| Tick {
                value: f64::from(exponent),
                label: power(1, exponent),
            })
            .collect();
    }
    let mut ticks = Vec::new();
    for exponent in (low.floor() as i32)..=(high.ceil() as i32) {
        for mantissa in [1u32, 2, 5] {
            let value = f64::from(mantissa).log10() + f64::from(exponent);
            if (low..=high).contains(&value) {
                ticks.push(Tick {
                    value,
                    label: power(mantissa, exponent),
                });
            }
        }
    }
    ticks
}

/// `mantissa × 10^exponent` as `2e-3`, or as a whole number from 1 up.
fn power(mantissa: u32, exponent: i32) -> String {
    if exponent < 0 {
        format!("{mantissa}e{exponent}")
    } else {
        (u128::from(mantissa) * 10u128.pow(exponent.unsigned_abs().min(30))).to_string()
    }
}

/// How iteration counts are abbreviated along one axis, the same for every tick: plain below
/// 10,000, then thousands ("90k"), millions ("100M"), billions ("20G"), and past that powers
/// of ten ("2e18").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountStyle {
    /// 0: powers of ten.
    divisor: u64,
    suffix: &'static str,
}

impl CountStyle {
    pub fn for_max(max: u64) -> Self {
        let (divisor, suffix) = match max {
            0..10_000 => (1, ""),
            10_000..10_000_000 => (1_000, "k"),
            10_000_000..10_000_000_000 => (1_000_000, "M"),
            10_000_000_000..10_000_000_000_000 => (1_000_000_000, "G"),
            _ => (0, ""),
        };
        CountStyle { divisor, suffix }
    }

    /// A tick (a round number): `20k`, `2.5k`.
    pub fn tick(self, count: u64) -> String {
        match self.divisor {
            _ if count == 0 => "0".to_string(),
            0 => plain(count as f64),
            1 => count.to_string(),
            divisor => format!("{}{}", plain(count as f64 / divisor as f64), self.suffix),
        }
    }

    /// `count` abbreviated when that loses nothing (`60k`, `1.5M`), else `None` (`59999`).
    fn short_exact(self, count: u64) -> Option<String> {
        let unit = match self.divisor {
            0 => 10_000_000_000_000,
            1 => 1,
            divisor => divisor / 10,
        };
        count.is_multiple_of(unit).then(|| self.tick(count))
    }
}

/// `value` with `places` decimals, trailing zeros dropped: `0.25`, `3`.
fn fixed(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    plain(text.parse().unwrap_or(value))
}

/// Shortest text that reads back to `value`, without ryu's `.0` on whole numbers.
pub fn plain(value: f64) -> String {
    let text = crate::schedule::message::number(value);
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// `value` rounded to four significant digits, for labels people read rather than copy
/// (0.00010000000000000002 shows as `0.0001`).
pub fn readable(value: f64) -> String {
    plain(format!("{value:.3e}").parse().unwrap_or(value))
}

/// Exact iteration counts written the same way across one chart: in the axis's abbreviated
/// style when that is exact for every one of `counts` (`210k`, `250k`), else every digit for
/// all of them (`150150`, `300300`), never a rounded `150.2k` beside a `300.3k`.
pub fn exact_counts(counts: &[u64], style: CountStyle) -> Vec<String> {
    let short: Option<Vec<String>> = counts.iter().map(|&c| style.short_exact(c)).collect();
    short.unwrap_or_else(|| counts.iter().map(u64::to_string).collect())
}

/// Decimals an exact epoch label may have; past them a shorter `≈` label is clearer.
const EXACT_EPOCH_DECIMALS: u32 = 3;
/// Most decimals an epoch label gets.
const MAX_EPOCH_DECIMALS: u32 = 12;

/// Iteration `iteration` as epochs of `per_epoch` iterations: exactly when a few decimals can
/// (`30`, `2.5`, `0.125`), else with `≈` and the fewest decimals that still round back to
/// this iteration and no other (`≈0.128` for 50 of 391: `0.13` would be iteration 51).
pub fn epoch_label(iteration: u64, per_epoch: u64) -> String {
    let per_epoch = u128::from(per_epoch.max(1));
    let whole = u128::from(iteration) / per_epoch;
    let remainder = u128::from(iteration) % per_epoch;
    let decimal = |places: u32, digits: u128| -> String {
        let text = format!("{whole}.{digits:0width$}", width = places as usize);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    for places in 0..=EXACT_EPOCH_DECIMALS {
        let scaled = remainder * 10u128.pow(places);
        if scaled.is_multiple_of(per_epoch) {
            return decimal(places, scaled / per_epoch);
        }
    }
    for places in 1..=MAX_EPOCH_DECIMALS {
        let scale = 10u128.pow(places);
        // The label in units of 10^-places epochs, rounded to nearest (below one epoch: a
        // value that rounds up to the next whole epoch is too far to name this iteration).
        let digits = (remainder * scale + per_epoch / 2) / per_epoch;
        // |label × per_epoch − iteration| in units of 10^-places iterations.
        let error = (digits * per_epoch).abs_diff(remainder * scale);
        if error == 0 {
            return decimal(places, digits);
        }
        if 2 * error < scale {
            return format!("≈{}", decimal(places, digits));
        }
    }
    format!("≈{}", plain(iteration as f64 / per_epoch as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn iteration_ticks_are_whole_numbers() {
        assert_eq!(
            labels(&x_ticks(150.0, XUnit::Iteration, 10)),
            ["0", "20", "40", "60", "80", "100", "120", "140"]
        );
        assert_eq!(
            labels(&x_ticks(90_000.0, XUnit::Iteration, 10)),
            [
                "0", "10k", "20k", "30k", "40k", "50k", "60k", "70k", "80k", "90k"
            ]
        );
        assert_eq!(
            labels(&x_ticks(100_000_000.0, XUnit::Iteration, 5)),
            ["0", "20M", "40M", "60M", "80M", "100M"]
        );
        assert_eq!(
            labels(&x_ticks(12_500.0, XUnit::Iteration, 5)),
            ["0", "5k", "10k"]
        );
        assert_eq!(CountStyle::for_max(12_500).tick(2_500), "2.5k");
        assert_eq!(
            labels(&x_ticks(u64::MAX as f64, XUnit::Iteration, 5)),
            ["0", "5e18", "1e19", "1.5e19"]
        );
        assert_eq!(
            labels(&x_ticks(20_000_000_000.0, XUnit::Iteration, 4)),
            ["0", "5G", "10G", "15G", "20G"]
        );
        // Never a fractional iteration, however few there are.
        assert_eq!(
            labels(&x_ticks(3.0, XUnit::Iteration, 10)),
            ["0", "1", "2", "3"]
        );
    }

    #[test]
    fn epoch_ticks_go_fractional_for_short_runs() {
        assert_eq!(
            labels(&x_ticks(90.0, XUnit::Epoch, 10)),
            ["0", "10", "20", "30", "40", "50", "60", "70", "80", "90"]
        );
        assert_eq!(
            labels(&x_ticks(0.38, XUnit::Epoch, 5)),
            ["0", "0.1", "0.2", "0.3"]
        );
    }

    #[test]
    fn linear_lr_ticks() {
        assert_eq!(
            labels(&linear_ticks(0.011, 6)),
            ["0", "0.002", "0.004", "0.006", "0.008", "0.01"]
        );
        assert_eq!(
            labels(&linear_ticks(0.000011, 6)),
            [
                "0", "0.000002", "0.000004", "0.000006", "0.000008", "0.00001"
            ]
            .map(|t| plain(t.parse().unwrap()))
        );
    }

    #[test]
    fn log_lr_ticks() {
        assert_eq!(labels(&log_ticks(-4.1, -1.9, 10)), ["1e-4", "1e-3", "1e-2"]);
        // Less than two decades in view: 1-2-5 ticks.
        assert_eq!(labels(&log_ticks(-2.4, -1.6, 10)), ["5e-3", "1e-2", "2e-2"]);
        // Hundreds of decades: every n-th.
        assert_eq!(log_ticks(-300.0, 0.0, 10).len(), 10);
        assert_eq!(labels(&log_ticks(-0.2, 2.1, 10)), ["1", "10", "100"]);
    }

    #[test]
    fn exact_counts_share_one_style() {
        let style = CountStyle::for_max(90_000);
        assert_eq!(exact_counts(&[60_000, 80_000], style), ["60k", "80k"]);
        assert_eq!(exact_counts(&[60_000, 60_500], style), ["60k", "60.5k"]);
        // One count that would round: every count in full.
        assert_eq!(exact_counts(&[60_000, 59_999], style), ["60000", "59999"]);
        let resnet = CountStyle::for_max(450_450);
        assert_eq!(
            exact_counts(&[150_150, 300_300, 450_450], resnet),
            ["150150", "300300", "450450"]
        );
        assert_eq!(
            exact_counts(&[50, 100], CountStyle::for_max(150)),
            ["50", "100"]
        );
        let huge = CountStyle::for_max(u64::MAX);
        assert_eq!(exact_counts(&[5_000_000_000_000_000_000], huge), ["5e18"]);
        assert_eq!(
            exact_counts(
                &[5_000_000_000_000_000_000, 5_000_000_000_000_000_001],
                huge
            ),
            ["5000000000000000000", "5000000000000000001"]
        );
    }

    #[test]
    fn epoch_labels_are_exact_or_say_so() {
        assert_eq!(epoch_label(150_150, 5005), "30");
        assert_eq!(epoch_label(0, 5005), "0");
        assert_eq!(epoch_label(25, 10), "2.5");
        assert_eq!(epoch_label(1, 8), "0.125");
        // 50 / 391 = 0.12787…: 0.13 epochs would be iteration 50.83, closer to 51.
        assert_eq!(epoch_label(50, 391), "≈0.128");
        assert_eq!(epoch_label(100, 391), "≈0.256");
        assert_eq!(epoch_label(1, 3), "≈0.3");
        // Rounding up into the next whole epoch.
        // Exact beyond three decimals: no `≈`, never a rounded "1".
        assert_eq!(epoch_label(999_999, 1_000_000), "0.999999");
        assert_eq!(epoch_label(19_999, 20_000), "0.99995");
        assert_eq!(epoch_label(5004, 5005), "≈0.9998");
        assert_eq!(epoch_label(u64::MAX, 7), "≈2635249153387078802.1");
    }

    #[test]
    fn readable_numbers() {
        assert_eq!(readable(0.00010000000000000002), "0.0001");
        assert_eq!(readable(0.01), "0.01");
        assert_eq!(readable(1e-7), "1e-7");
        assert_eq!(readable(0.0091), "0.0091");
        assert_eq!(plain(30.0), "30");
    }
}
