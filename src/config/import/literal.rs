//! Python's `ast.literal_eval` for the strings of a yacs config (`STEPS: (60000, 80000)`).

use super::yacs::Py;

/// Python's `ast.literal_eval` for what a config holds: numbers, strings, True/False/None,
/// tuples and lists of them; `None` if the text is not such a literal (yacs keeps the string).
pub(super) fn literal_eval(text: &str) -> Option<Py> {
    let mut reader = Literal {
        text: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = reader.value()?;
    reader.space();
    (reader.at == reader.text.len()).then_some(value)
}

struct Literal<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl Literal<'_> {
    fn space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn value(&mut self) -> Option<Py> {
        self.space();
        match self.peek()? {
            b'(' | b'[' => self.sequence(),
            b'\'' | b'"' => self.string(),
            _ => self.atom(),
        }
    }

    fn sequence(&mut self) -> Option<Py> {
        self.depth += 1;
        if self.depth > super::yaml::MAX_DEPTH {
            return None;
        }
        let open = self.peek()?;
        let close = if open == b'(' { b')' } else { b']' };
        self.at += 1;
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.space();
            if self.peek()? == close {
                self.at += 1;
                break;
            }
            items.push(self.value()?);
            self.space();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    trailing_comma = true;
                }
                c if c == close => {
                    trailing_comma = false;
                }
                _ => return None,
            }
        }
        self.depth -= 1;
        Some(match open {
            b'[' => Py::List(items),
            // `(1)` is the int 1; `(1,)` and `()` are tuples.
            _ if items.len() == 1 && !trailing_comma => items.pop()?,
            _ => Py::Tuple(items),
        })
    }

    fn string(&mut self) -> Option<Py> {
        let quote = self.peek()?;
        self.at += 1;
        let start = self.at;
        while self.peek()? != quote {
            if self.peek()? == b'\\' {
                // Escapes other than none at all: not worth guessing; yacs keeps the text.
                return None;
            }
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.text[start..self.at]).ok()?;
        self.at += 1;
        Some(Py::Str(text.to_string()))
    }

    fn atom(&mut self) -> Option<Py> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|c| !matches!(c, b',' | b')' | b']') && !c.is_ascii_whitespace())
        {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.text[start..self.at]).ok()?;
        match word {
            "True" => return Some(Py::Bool(true)),
            "False" => return Some(Py::Bool(false)),
            "None" => return Some(Py::None),
            _ => {}
        }
        let (sign, digits) = match word.as_bytes().first()? {
            b'-' => (-1, &word[1..]),
            b'+' => (1, &word[1..]),
            _ => (1, word),
        };
        if !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') || digits.contains("__") {
            return None;
        }
        let clean = digits.replace('_', "");
        if clean.bytes().all(|b| b.is_ascii_digit()) {
            // Python 3 has no `010`: only 0 may start with a zero.
            if clean.len() > 1 && clean.starts_with('0') {
                return None;
            }
            return clean.parse::<i128>().ok().map(|v| Py::Int(sign * v));
        }
        let lower = clean.to_ascii_lowercase();
        if let Some(hex) = lower.strip_prefix("0x") {
            return i128::from_str_radix(hex, 16)
                .ok()
                .map(|v| Py::Int(sign * v));
        }
        if lower.contains(['i', 'n']) {
            return None;
        }
        lower
            .parse::<f64>()
            .ok()
            .map(|v| Py::Float(if sign < 0 { -v } else { v }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_eval_reads_python_literals() {
        let ints = |v: &[i128]| v.iter().map(|&i| Py::Int(i)).collect::<Vec<_>>();
        assert_eq!(
            literal_eval("(60000, 80000)"),
            Some(Py::Tuple(ints(&[60000, 80000])))
        );
        assert_eq!(literal_eval("(210000,)"), Some(Py::Tuple(ints(&[210000]))));
        assert_eq!(literal_eval("(5)"), Some(Py::Int(5)));
        assert_eq!(literal_eval("[1, 2]"), Some(Py::List(ints(&[1, 2]))));
        assert_eq!(literal_eval("1e-3"), Some(Py::Float(0.001)));
        assert_eq!(literal_eval("-0.5"), Some(Py::Float(-0.5)));
        assert_eq!(literal_eval("1_000"), Some(Py::Int(1000)));
        assert_eq!(literal_eval("'linear'"), Some(Py::Str("linear".into())));
        assert_eq!(literal_eval("True"), Some(Py::Bool(true)));
        assert_eq!(literal_eval("linear"), None);
        assert_eq!(literal_eval("1/3"), None);
        assert_eq!(literal_eval("010"), None);
        assert_eq!(literal_eval("inf"), None);
        assert_eq!(literal_eval("(1, 2"), None);
    }
}
