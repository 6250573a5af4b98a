//! Python's tokens, as far as configs use them: names, numbers, strings, operators, and the
//! end of each logical line (brackets and `\` join physical lines, as Python joins them).

use super::Loc;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Name(String),
    /// An integer literal's digits, without `_` (base prefix kept: `0x1f`).
    Int(String),
    Float(String),
    Str(String),
    /// A literal lrsched does not evaluate (an f-string, bytes, a complex number), by name.
    Unsupported(&'static str),
    Op(&'static str),
    /// A logical line that starts indented: a block, outside the subset.
    Indent,
    Newline,
    End,
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub tok: Tok,
    pub line: usize,
}

/// Operators, longest first so that `**=` is not read as `**` then `=`.
const OPS: [&str; 47] = [
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "@=", ":=", "<<", ">>", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
];

/// The tokens of `text`, or the line and the problem of the first one that is not Python.
pub(super) fn tokens(text: &str) -> Result<Vec<Token>, (usize, String)> {
    let bytes = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let (mut i, mut line, mut depth) = (0, 1, 0usize);
    let mut line_start = true;
    while i < bytes.len() {
        let c = bytes[i];
        if line_start && depth == 0 {
            // A logical line must start in column 0: a config has no blocks.
            let indent = bytes[i..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let rest = &bytes[i + indent..];
            let blank = rest.is_empty() || matches!(rest[0], b'\n' | b'\r' | b'#');
            if indent > 0 && !blank {
                out.push(Token {
                    tok: Tok::Indent,
                    line,
                });
            }
            line_start = false;
        }
        match c {
            b'\n' => {
                if depth == 0 && out.last().is_some_and(|t| t.tok != Tok::Newline) {
                    out.push(Token {
                        tok: Tok::Newline,
                        line,
                    });
                }
                line += 1;
                i += 1;
                line_start = depth == 0;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' if matches!(bytes.get(i + 1), Some(b'\n')) => {
                i += 2;
                line += 1;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => {
                i += 3;
                line += 1;
            }
            b'0'..=b'9' => i = number(bytes, i, line, &mut out),
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number(bytes, i, line, &mut out)
            }
            b'"' | b'\'' => {
                let (tok, end, lines) = string(text, i, "").map_err(|p| (line, p))?;
                out.push(Token { tok, line });
                line += lines;
                i = end;
            }
            c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric() || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                let word = &text[start..i];
                let prefix = word.to_ascii_lowercase();
                let is_prefix = matches!(
                    prefix.as_str(),
                    "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf"
                );
                if is_prefix && matches!(bytes.get(i), Some(b'"' | b'\'')) {
                    let (tok, end, lines) = string(text, i, &prefix).map_err(|p| (line, p))?;
                    out.push(Token { tok, line });
                    line += lines;
                    i = end;
                } else {
                    out.push(Token {
                        tok: Tok::Name(word.to_string()),
                        line,
                    });
                }
            }
            _ => {
                let Some(op) = OPS.iter().find(|op| bytes[i..].starts_with(op.as_bytes())) else {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    return Err((line, format!("unexpected character '{ch}'")));
                };
                match *op {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth = depth
                            .checked_sub(1)
                            .ok_or_else(|| (line, format!("unmatched '{op}'")))?
                    }
                    _ => {}
                }
                out.push(Token {
                    tok: Tok::Op(op),
                    line,
                });
                i += op.len();
            }
        }
    }
    if depth > 0 {
        return Err((line, "a bracket is never closed".into()));
    }
    if out.last().is_some_and(|t| t.tok != Tok::Newline) {
        out.push(Token {
            tok: Tok::Newline,
            line,
        });
    }
    out.push(Token {
        tok: Tok::End,
        line,
    });
    Ok(out)
}

/// A number literal from `start`: its token, and where it ends.
fn number(bytes: &[u8], start: usize, line: usize, out: &mut Vec<Token>) -> usize {
    let mut i = start;
    let mut float = false;
    let radix = bytes[i] == b'0'
        && matches!(
            bytes.get(i + 1),
            Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')
        );
    if radix {
        i += 2;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
    } else {
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' | b'_' => i += 1,
                b'.' => {
                    float = true;
                    i += 1;
                }
                b'e' | b'E' => {
                    float = true;
                    i += 1;
                    if matches!(bytes.get(i), Some(b'+' | b'-')) {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
    }
    let text: String = String::from_utf8_lossy(&bytes[start..i]).replace('_', "");
    let tok = if matches!(bytes.get(i), Some(b'j' | b'J')) {
        i += 1;
        Tok::Unsupported("a complex number")
    } else if float {
        Tok::Float(text)
    } else {
        Tok::Int(text)
    };
    out.push(Token { tok, line });
    i
}

/// A string literal scanned from its opening quote: the token, its end, and the newlines in it.
fn string(text: &str, open: usize, prefix: &str) -> Result<(Tok, usize, usize), String> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let triple = bytes[open..].starts_with(&[quote, quote, quote]);
    let delimiter_len = if triple { 3 } else { 1 };
    let raw = prefix.contains('r');
    let mut i = open + delimiter_len;
    let mut value = String::new();
    let mut lines = 0;
    loop {
        let Some(&c) = bytes.get(i) else {
            return Err("a string is never closed".into());
        };
        if c == quote && (!triple || bytes[i..].starts_with(&[quote, quote, quote])) {
            i += delimiter_len;
            break;
        }
        match c {
            b'\n' if !triple => return Err("a string is never closed".into()),
            b'\\' => {
                let Some(next) = text[i + 1..].chars().next() else {
                    return Err("a string is never closed".into());
                };
                if next == '\n' {
                    lines += 1;
                }
                if raw {
                    value.push('\\');
                    value.push(next);
                } else if let Some(escaped) = escape(next) {
                    value.push_str(escaped);
                } else if next != '\n' {
                    // Python keeps an unknown escape as written (`\d` is backslash, d).
                    value.push('\\');
                    value.push(next);
                }
                i += 1 + next.len_utf8();
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                if ch == '\n' {
                    lines += 1;
                }
                value.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    let tok = if prefix.contains('f') {
        Tok::Unsupported("an f-string")
    } else if prefix.contains('b') {
        Tok::Unsupported("a bytes literal")
    } else {
        Tok::Str(value)
    };
    Ok((tok, i, lines))
}

fn escape(c: char) -> Option<&'static str> {
    Some(match c {
        'n' => "\n",
        't' => "\t",
        'r' => "\r",
        '\\' => "\\",
        '\'' => "'",
        '"' => "\"",
        '0' => "\0",
        _ => return None,
    })
}

/// Where a token is, for the reader's values.
pub(super) fn loc(file: &std::rc::Rc<std::path::Path>, token: &Token) -> Loc {
    Loc {
        file: file.clone(),
        line: token.line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        tokens(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn brackets_and_backslashes_join_lines() {
        let toks = tokens("a = dict(\n  x=1,  # note\n)\nb = 1 + \\\n 2\n").unwrap();
        let lines: Vec<(Tok, usize)> = toks.into_iter().map(|t| (t.tok, t.line)).collect();
        assert_eq!(lines[0], (Tok::Name("a".into()), 1));
        assert_eq!(lines[8], (Tok::Op(")"), 3));
        assert_eq!(lines[9], (Tok::Newline, 3));
        assert_eq!(lines[14], (Tok::Int("2".into()), 5));
        assert_eq!(lines[15].0, Tok::Newline);
        assert_eq!(lines.len(), 17);
    }

    #[test]
    fn literals() {
        assert_eq!(
            kinds("1_000 .5 1e-3 0x1F 'a\\'b' r'\\d' \"\"\"x\ny\"\"\" f'{a}' 2j"),
            vec![
                Tok::Int("1000".into()),
                Tok::Float(".5".into()),
                Tok::Float("1e-3".into()),
                Tok::Int("0x1F".into()),
                Tok::Str("a'b".into()),
                Tok::Str("\\d".into()),
                Tok::Str("x\ny".into()),
                Tok::Unsupported("an f-string"),
                Tok::Unsupported("a complex number"),
                Tok::Newline,
                Tok::End
            ]
        );
        assert_eq!(kinds("a **= 2")[1], Tok::Op("**="));
    }

    #[test]
    fn bad_text_names_its_line() {
        assert_eq!(
            tokens("a = 1\nb = 'x\n").unwrap_err(),
            (2, "a string is never closed".into())
        );
        assert_eq!(
            tokens("a = (1,\n\n").unwrap_err().1,
            "a bracket is never closed"
        );
        assert_eq!(tokens("a = 1)\n").unwrap_err(), (1, "unmatched ')'".into()));
        assert_eq!(kinds("if x:\n    y = 1\n")[4], Tok::Indent);
        assert_eq!(
            tokens("a = 1 $ 2").unwrap_err(),
            (1, "unexpected character '$'".into())
        );
    }
}
