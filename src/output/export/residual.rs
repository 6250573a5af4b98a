//! The residual of a comparison in a sentence: what `export` states about the target's curve,
//! and `diff` about two schedules.

use crate::schedule::compare::{Comparison, Shade};

/// "identical to the bit over N iterations", or "N iterations differ, at most X relative",
/// followed by "(rounding)" or "(float32 rounding)" when every difference is below `rounding`.
pub fn verdict(c: &Comparison, rounding: f64) -> String {
    let [a, b] = c.ends;
    if c.runs.is_empty() {
        return format!("identical to the bit over {a} iterations");
    }
    let tail = a.abs_diff(b);
    let count = c.differing + c.last_bits + tail;
    let about = if c.sampled { "about " } else { "" };
    let noun = if count == 1 {
        "iteration differs"
    } else {
        "iterations differ"
    };
    let mut text = format!("{about}{count} {noun}");
    if let Some(largest) = c.largest {
        text += &format!(", at most {} relative", brief(largest.relative));
    }
    if c.differing == 0 && tail == 0 {
        text += if rounding >= 1e-6 {
            " (float32 rounding)"
        } else {
            " (rounding)"
        };
    } else if let Some(first) = c.runs.iter().find(|r| r.shade == Shade::Differs) {
        text += &format!("; past rounding from iteration {}", first.start);
    }
    if tail > 0 {
        text += &format!(" ({tail} past the shorter schedule's end)");
    }
    text
}

/// A relative difference for people: three digits (0.9, 0.0909), or two in scientific notation
/// below 0.001 (4.4e-16).
pub fn brief(x: f64) -> String {
    if x >= 1e-3 {
        let fixed = format!("{x:.3}");
        let fixed = fixed.trim_end_matches('0').trim_end_matches('.');
        if fixed.is_empty() || fixed == "0" {
            format!("{x:.1e}")
        } else {
            fixed.to_string()
        }
    } else {
        format!("{x:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::compare::{Budget, compare_within};
    use crate::schedule::{Dialect, Params, build};

    fn against(name: &str) -> String {
        let dialect = Dialect::from_name(name).unwrap();
        let a = build(Dialect::default(), Params::default()).unwrap();
        let b = build(dialect, Params::default()).unwrap();
        let c = compare_within(a.as_ref(), b.as_ref(), dialect.rounding(), Budget::EXACT);
        verdict(&c, dialect.rounding())
    }

    #[test]
    fn sentences() {
        assert_eq!(
            against("maskrcnn"),
            "identical to the bit over 150 iterations"
        );
        assert_eq!(
            against("torch-sequential"),
            "63 iterations differ, at most 0.9 relative; past rounding from iteration 50"
        );
        assert!(
            against("detectron-caffe2").ends_with(" relative (float32 rounding)"),
            "{}",
            against("detectron-caffe2")
        );
        assert_eq!(brief(0.9000000000000001), "0.9");
        assert_eq!(brief(4.440892098500626e-16), "4.4e-16");
        assert_eq!(brief(1.0), "1");
    }
}
