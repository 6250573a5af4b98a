//! Python's `a / b` on two ints: the exact quotient, rounded once to the nearest f64.
//!
//! Frameworks that write `cur_iters / self.warmup_iters` divide Python ints, which Python rounds
//! correctly however large they are. `a as f64 / b as f64` rounds each operand first, and past
//! 2^53 that can move the last bit of the result.

/// Every integer up to 2^53 is exact as an f64.
const EXACT: u64 = 1 << 53;

/// `a / b` as Python computes it for ints `a` and `b > 0`.
pub(crate) fn true_div(a: u64, b: u64) -> f64 {
    debug_assert!(b > 0, "callers divide by a positive count");
    if a <= EXACT && b <= EXACT {
        // Both operands exact: IEEE division rounds the true quotient once.
        return a as f64 / b as f64;
    }
    if a == 0 {
        return 0.0;
    }
    // Scale a so that the integer quotient has at least 56 significant bits: the 53 kept, a
    // rounding bit and room for a sticky bit that records a non-zero remainder.
    let bits = |x: u64| i32::try_from(64 - x.leading_zeros()).unwrap_or(64);
    let shift = 56 + bits(b) - bits(a);
    let (quotient, exact) = if shift <= 0 {
        (a / b, a.is_multiple_of(b))
    } else {
        let scaled = u128::from(a) << shift;
        let q = scaled / u128::from(b);
        // scaled < 2^(56 + bits(b)) and b >= 2^(bits(b) - 1), so q < 2^57.
        (
            u64::try_from(q).unwrap_or(u64::MAX),
            scaled % u128::from(b) == 0,
        )
    };
    let rounded = (quotient | u64::from(!exact)) as f64;
    if shift <= 0 {
        rounded
    } else {
        // 2^-shift, exact: shift is at most 56 + 64 - 1.
        rounded * f64::from_bits(((1023 - shift) as u64) << 52)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each expected value is Python 3's `a / b`.
    #[test]
    fn rounds_once_as_python_does() {
        let cases: [(u64, u64, f64); 9] = [
            (1, 10, 0.1),
            (9, 10, 0.9),
            (
                1164115433906158532,
                10517972530174996981,
                0.11067869121795378,
            ),
            (
                4912931603392816429,
                11223267648211636870,
                0.4377452055307319,
            ),
            (731942910207193913, 1903772634860831394, 0.3844697086218492),
            (9007199254740993, 9007199254740994, 0.9999999999999999),
            (u64::MAX - 1, u64::MAX, 1.0),
            (u64::MAX, 3, 6.148914691236517e18),
            (1, u64::MAX, 5.421010862427522e-20),
        ];
        for (a, b, python) in cases {
            assert_eq!(true_div(a, b).to_bits(), python.to_bits(), "{a} / {b}");
        }
        // Where rounding each operand first gives another last bit.
        assert_ne!(
            (1164115433906158532u64 as f64 / 10517972530174996981u64 as f64).to_bits(),
            0.11067869121795378f64.to_bits()
        );
        assert_eq!(true_div(0, u64::MAX), 0.0);
        assert_eq!(true_div(u64::MAX, 1), 1.8446744073709552e19);
    }
}
