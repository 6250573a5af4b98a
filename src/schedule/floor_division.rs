//! Python's `a // b` on floats, as timm's `StepLRScheduler` computes `t // decay_t` for a
//! fractional `decay_t` (docs/guide.md#stepping-per-epoch).

/// Python's `a // b` for floats (CPython's `float_floor_div`): `(a - fmod(a, b)) / b`, then
/// floored, rounding up a quotient more than half above its floor. For a, b >= 0.
pub(crate) fn floor_div(a: f64, b: f64) -> f64 {
    let div = (a - a % b) / b;
    if div == 0.0 {
        return 0.0;
    }
    let floor = div.floor();
    if div - floor > 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_floor_division() {
        // Python: 1 // 0.1 == 9.0, 12 // 2.4 == 5.0, 7 // 2.4 == 2.0, 0.5 // 0.25 == 2.0.
        assert_eq!(floor_div(1.0, 0.1), 9.0);
        assert_eq!(floor_div(12.0, 2.4), 5.0);
        assert_eq!(floor_div(7.0, 2.4), 2.0);
        assert_eq!(floor_div(0.5, 0.25), 2.0);
        assert_eq!(floor_div(0.0, 2.4), 0.0);
        assert_eq!(floor_div(7.0, 7.0), 1.0);
    }
}
