//! What the float32 frameworks (TensorFlow, Keras, JAX) share: steps that are compared as
//! float32, and learning rates that must stay inside the float32 range.
//!
//! Whole numbers up to 2^24 are exact in float32; above that a step rounds to the nearest
//! float32 (ties to even), so several steps can compare equal to one milestone. Rust's `as f32`
//! rounds integers the same way TensorFlow's `tf.cast` and JAX's conversions do.

use super::Rejection;
use super::message::number;

/// Every whole number below this is exact in float32.
const EXACT: u64 = 1 << 24;

/// The smallest step whose float32 value is at least `x` (`x` >= 0, the float32 of a step).
pub(crate) fn first_step_at_least(x: f32) -> u64 {
    if x <= 0.0 {
        return 0;
    }
    if x < EXACT as f32 {
        return x.ceil() as u64;
    }
    // (i as f32) >= x is false then true as i grows; u64::MAX rounds to 2^64, above any step.
    let (mut low, mut high) = (0u64, u64::MAX);
    while low < high {
        let mid = low + (high - low) / 2;
        if mid as f32 >= x {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    low
}

/// The smallest step whose float32 value is above `x`: where a float32 `step > x` first holds.
/// None when no u64 step gets there.
pub(crate) fn first_step_above(x: f32) -> Option<u64> {
    let next = f32::from_bits(x.to_bits() + 1);
    (next <= u64::MAX as f32).then(|| first_step_at_least(next))
}

/// The float32 a framework holds for `value`, or a refusal naming `key` when it would be inf.
pub(crate) fn in_range(
    value: f64,
    key: &'static str,
    framework: &str,
    what: &str,
) -> Result<f32, Rejection> {
    let narrow = value as f32;
    if narrow.is_finite() {
        Ok(narrow)
    } else {
        Err(Rejection {
            key,
            message: format!(
                "{what} = {} is past the float32 range (about 3.4e38): {framework} computes the \
                 lr in float32, where it would be inf",
                number(value)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_steps_compare_as_themselves() {
        assert_eq!(first_step_at_least(0.0), 0);
        assert_eq!(first_step_at_least(50.0), 50);
        assert_eq!(first_step_above(50.0), Some(51));
        assert_eq!(first_step_above(60000.0), Some(60001));
    }

    #[test]
    fn past_2_pow_24_steps_round_to_even() {
        // 2^24 + 1 rounds down to 2^24 (tie to even), 2^24 + 2 is exact, 2^24 + 3 rounds up.
        let two_24 = (1u64 << 24) as f32;
        assert_eq!(first_step_above(two_24), Some((1 << 24) + 2));
        assert_eq!(first_step_at_least(two_24), 1 << 24);
        let next = ((1u64 << 24) + 4) as f32;
        assert_eq!(first_step_at_least(next), (1 << 24) + 3);
        // float32(2^64 - 1) is 2^64: no u64 step is above it.
        assert_eq!(first_step_above(u64::MAX as f32), None);
        assert_eq!(
            first_step_at_least(u64::MAX as f32),
            u64::MAX - (1 << 39) + 1
        );
    }

    #[test]
    fn out_of_range_is_refused() {
        assert_eq!(
            in_range(0.01, "base_lr", "Keras", "base_lr").unwrap(),
            0.01f32
        );
        let refused = in_range(1e39, "base_lr", "Keras", "base_lr").unwrap_err();
        assert_eq!(refused.key, "base_lr");
        assert!(
            refused
                .message
                .starts_with("base_lr = 1e39 is past the float32 range")
        );
    }
}
