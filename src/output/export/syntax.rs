//! Literals as each target language reads them back to the same f64.

use crate::schedule::message::number;

/// A float in Python (and TOML): the shortest text that reads back the same.
pub fn py(x: f64) -> String {
    number(x)
}

/// A float PyYAML reads as a float: YAML 1.1 wants a dot in the mantissa and a sign in the
/// exponent (`2.0e-05`); `1e-5` would be a string.
pub fn yaml(x: f64) -> String {
    let text = number(x);
    let Some((mantissa, exponent)) = text.split_once('e') else {
        return text;
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    let exponent = if exponent.starts_with('-') {
        exponent.to_string()
    } else {
        format!("+{exponent}")
    };
    format!("{mantissa}e{exponent}")
}

/// `[a, b, c]`: a list of counts in Python, YAML flow style and TOML alike.
pub fn ints(items: &[u64]) -> String {
    let items: Vec<String> = items.iter().map(u64::to_string).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_floats_keep_a_dot_and_a_sign() {
        assert_eq!(yaml(0.02), "0.02");
        assert_eq!(yaml(1e-7), "1.0e-7");
        assert_eq!(yaml(1.5e300), "1.5e+300");
        assert_eq!(py(1e-7), "1e-7");
        assert_eq!(ints(&[1, 20]), "[1, 20]");
        assert_eq!(ints(&[]), "[]");
    }
}
