//! Python's arithmetic on ints (exact) and floats (IEEE f64, as CPython computes each
//! operator), and `+`/`*` on strings and lists. Anything else is `None`: not in the subset.

use super::Kind;

/// `a op b`, or the problem Python would raise (`Err`), or `None` for an operand type outside
/// the subset.
pub(super) fn binary(op: &str, a: &Kind, b: &Kind) -> Option<Result<Kind, String>> {
    match (a, b) {
        (Kind::Int(x), Kind::Int(y)) => Some(int(op, *x, *y)),
        (Kind::Int(_) | Kind::Float(_), Kind::Int(_) | Kind::Float(_)) => {
            Some(float(op, as_f64(a)?, as_f64(b)?))
        }
        (Kind::Str(x), Kind::Str(y)) if op == "+" => Some(Ok(Kind::Str(format!("{x}{y}")))),
        (Kind::List(x), Kind::List(y)) if op == "+" => {
            Some(Ok(Kind::List(x.iter().chain(y).cloned().collect())))
        }
        (Kind::Tuple(x), Kind::Tuple(y)) if op == "+" => {
            Some(Ok(Kind::Tuple(x.iter().chain(y).cloned().collect())))
        }
        _ => None,
    }
}

fn as_f64(kind: &Kind) -> Option<f64> {
    match kind {
        Kind::Int(n) => Some(*n as f64),
        Kind::Float(x) => Some(*x),
        _ => None,
    }
}

/// Ints below 2^53 convert to f64 exactly, so `a / b` is CPython's correctly rounded quotient.
const EXACT_IN_F64: i128 = 1 << 53;

fn int(op: &str, x: i128, y: i128) -> Result<Kind, String> {
    let overflow = || format!("{x} {op} {y} is past the integers lrsched reads (i128)");
    let zero = || format!("{x} {op} {y} divides by zero");
    let result = match op {
        "+" => x.checked_add(y),
        "-" => x.checked_sub(y),
        "*" => x.checked_mul(y),
        "/" => {
            if y == 0 {
                return Err(zero());
            }
            if x.abs() > EXACT_IN_F64 || y.abs() > EXACT_IN_F64 {
                return Err(format!("{x} / {y}: true division of integers past 2^53"));
            }
            return Ok(Kind::Float(x as f64 / y as f64));
        }
        "//" | "%" if y == 0 => return Err(zero()),
        "//" => Some(x.div_euclid(y) - i128::from(y < 0 && x.rem_euclid(y) != 0)),
        "%" => Some(x - y * (x.div_euclid(y) - i128::from(y < 0 && x.rem_euclid(y) != 0))),
        "**" if y < 0 => return float("**", x as f64, y as f64),
        "**" => u32::try_from(y).ok().and_then(|e| x.checked_pow(e)),
        _ => return Err(format!("'{op}' is not arithmetic")),
    };
    result.map(Kind::Int).ok_or_else(overflow)
}

fn float(op: &str, x: f64, y: f64) -> Result<Kind, String> {
    let shown = |v: f64| crate::schedule::message::number(v);
    let zero = || format!("{} {op} {} divides by zero", shown(x), shown(y));
    let value = match op {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        "/" if y == 0.0 => return Err(zero()),
        "/" => x / y,
        "//" | "%" if y == 0.0 => return Err(zero()),
        "//" => floor_div(x, y),
        "%" => modulo(x, y),
        "**" => {
            if x == 0.0 && y < 0.0 {
                return Err(zero());
            }
            if x < 0.0 && y.fract() != 0.0 {
                return Err(format!("{} ** {} is a complex number", shown(x), shown(y)));
            }
            // CPython calls C pow(), as f64::powf does.
            let value = x.powf(y);
            if value.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(format!("{} ** {} overflows a float", shown(x), shown(y)));
            }
            value
        }
        _ => return Err(format!("'{op}' is not arithmetic")),
    };
    Ok(Kind::Float(value))
}

/// CPython's `float_rem`: the remainder takes the divisor's sign.
fn modulo(x: f64, y: f64) -> f64 {
    let rem = x % y;
    if rem != 0.0 {
        if (y < 0.0) != (rem < 0.0) {
            rem + y
        } else {
            rem
        }
    } else {
        0f64.copysign(y)
    }
}

/// CPython's `float_floor_div` (via `_float_div_mod`).
fn floor_div(x: f64, y: f64) -> f64 {
    let rem = x % y;
    let mut div = (x - rem) / y;
    if rem != 0.0 && ((y < 0.0) != (rem < 0.0)) {
        div -= 1.0;
    }
    if div == 0.0 {
        return 0f64.copysign(x / y);
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

    fn eval(op: &str, a: Kind, b: Kind) -> Kind {
        binary(op, &a, &b).unwrap().unwrap()
    }

    #[test]
    fn ints_stay_exact_and_floor_like_python() {
        assert_eq!(eval("*", Kind::Int(12), Kind::Int(7500)), Kind::Int(90000));
        assert_eq!(eval("//", Kind::Int(-7), Kind::Int(2)), Kind::Int(-4));
        assert_eq!(eval("//", Kind::Int(7), Kind::Int(-2)), Kind::Int(-4));
        assert_eq!(eval("%", Kind::Int(-7), Kind::Int(2)), Kind::Int(1));
        assert_eq!(eval("%", Kind::Int(7), Kind::Int(-2)), Kind::Int(-1));
        assert_eq!(eval("**", Kind::Int(2), Kind::Int(10)), Kind::Int(1024));
        assert_eq!(eval("**", Kind::Int(2), Kind::Int(-1)), Kind::Float(0.5));
        assert_eq!(
            eval("/", Kind::Int(250), Kind::Int(90000)),
            Kind::Float(250.0 / 90000.0)
        );
        assert_eq!(
            binary("**", &Kind::Int(10), &Kind::Int(100))
                .unwrap()
                .unwrap_err(),
            "10 ** 100 is past the integers lrsched reads (i128)"
        );
        assert_eq!(
            binary("/", &Kind::Int(1), &Kind::Int(0))
                .unwrap()
                .unwrap_err(),
            "1 / 0 divides by zero"
        );
    }

    #[test]
    fn floats_are_cpython_floats() {
        assert_eq!(
            eval("*", Kind::Float(0.02), Kind::Int(2)),
            Kind::Float(0.04)
        );
        assert_eq!(
            eval("/", Kind::Int(1), Kind::Float(3.0)),
            Kind::Float(1.0 / 3.0)
        );
        assert_eq!(
            eval("//", Kind::Float(7.5), Kind::Float(-2.0)),
            Kind::Float(-4.0)
        );
        assert_eq!(
            eval("%", Kind::Float(-1.0), Kind::Float(3.0)),
            Kind::Float(2.0)
        );
        assert_eq!(
            eval("**", Kind::Float(0.1), Kind::Int(2)),
            Kind::Float(0.1f64.powf(2.0))
        );
        assert_eq!(
            eval("+", Kind::Str("data/".into()), Kind::Str("x.json".into())),
            Kind::Str("data/x.json".into())
        );
        assert!(binary("-", &Kind::Str("a".into()), &Kind::Int(1)).is_none());
        assert_eq!(
            binary("**", &Kind::Float(-8.0), &Kind::Float(0.5))
                .unwrap()
                .unwrap_err(),
            "-8.0 ** 0.5 is a complex number"
        );
    }
}
