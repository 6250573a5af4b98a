//! CSV and TSV (a header line, then delimiter-separated cells), and `plain` (cells only).
//!
//! CSV quotes a cell as RFC 4180 says; TSV has no quoting, so a tab, line break or backslash
//! in a cell is escaped as `\t`, `\n`, `\r`, `\\` (the convention of PostgreSQL's text format,
//! Miller and most TSV readers: docs/errors.md); plain output escapes control characters, so
//! that one row stays one line.

use super::{Format, Layout};

pub struct Csv {
    pub delimiter: char,
}

impl Format for Csv {
    fn layout(&self, columns: &[String]) -> Layout {
        let mut header = Vec::new();
        for (index, name) in columns.iter().enumerate() {
            if index > 0 {
                header.extend_from_slice(self.delimiter.to_string().as_bytes());
            }
            self.text_cell(name, &mut header);
        }
        header.push(b'\n');
        Layout {
            header: String::from_utf8(header).expect("cells are text"),
            ..separated(columns.len(), self.delimiter)
        }
    }

    /// Quotes a cell that holds the delimiter, a quote or a line break (RFC 4180); in TSV,
    /// escapes tabs, line breaks and backslashes instead.
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        if self.delimiter == '\t' {
            escape(text, out, |c| matches!(c, '\t' | '\n' | '\r' | '\\'));
        } else if text.contains([self.delimiter, '"', '\n', '\r']) {
            out.push(b'"');
            out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// Cells only, space-separated, no header: what `lrsched at` prints by default.
pub struct Plain;

impl Format for Plain {
    fn layout(&self, columns: &[String]) -> Layout {
        separated(columns.len(), ' ')
    }

    /// Escapes control characters (a name with a line break in `lrsched check`'s report).
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        escape(text, out, char::is_control);
    }
}

/// Appends `text`, each character `escaped` says as its backslash escape: `\t`, `\n`, `\r`,
/// `\\`, or `\u{1b}` for any other.
fn escape(text: &str, out: &mut Vec<u8>, escaped: impl Fn(char) -> bool) {
    let mut rest = text;
    while let Some(at) = rest.find(&escaped) {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        let c = rest[at..].chars().next().expect("found at a character");
        let escape = match c {
            '\t' => "\\t".to_string(),
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\\' => "\\\\".to_string(),
            other => other.escape_unicode().to_string(),
        };
        out.extend_from_slice(escape.as_bytes());
        rest = &rest[at + c.len_utf8()..];
    }
    out.extend_from_slice(rest.as_bytes());
}

fn separated(count: usize, delimiter: char) -> Layout {
    let mut cell_open = vec![delimiter.to_string(); count];
    if let Some(first) = cell_open.first_mut() {
        first.clear();
    }
    Layout {
        cell_open,
        cell_close: vec![String::new(); count],
        row_close: "\n".into(),
        ..Layout::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::{Cell, write_table};

    fn render(format: &dyn Format, phase: &str) -> String {
        let rows = vec![
            vec![Cell::Number("0".into()), Cell::Text(phase.into())],
            vec![Cell::Number("10".into()), Cell::Missing],
        ];
        let mut out = Vec::new();
        write_table(
            &mut out,
            format,
            &["iteration".into(), "phase".into()],
            &rows,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_tsv_and_plain() {
        assert_eq!(
            render(&Csv { delimiter: ',' }, "warmup"),
            "iteration,phase\n0,warmup\n10,\n"
        );
        assert_eq!(
            render(&Csv { delimiter: '\t' }, "warmup"),
            "iteration\tphase\n0\twarmup\n10\t\n"
        );
        assert_eq!(render(&Plain, "warmup"), "0 warmup\n10 \n");
    }

    #[test]
    fn tsv_escapes_tabs_line_breaks_and_backslashes() {
        assert_eq!(
            render(&Csv { delimiter: '\t' }, "a\tb\nc\\d\re,\"f\""),
            "iteration\tphase\n0\ta\\tb\\nc\\\\d\\re,\"f\"\n10\t\n"
        );
        let mut header = Vec::new();
        Csv { delimiter: '\t' }.text_cell("lr_a\nb", &mut header);
        assert_eq!(header, b"lr_a\\nb");
    }

    #[test]
    fn plain_rows_stay_one_line() {
        assert_eq!(
            render(&Plain, "a\nb\tc\x1b\\ é"),
            "0 a\\nb\\tc\\u{1b}\\ é\n10 \n"
        );
    }

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(
            render(&Csv { delimiter: ',' }, "a,\"b\""),
            "iteration,phase\n0,\"a,\"\"b\"\"\"\n10,\n"
        );
    }
}
