//! CSV and TSV (a header line, then delimiter-separated cells), and `plain` (cells only).

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

    /// Quotes a cell that holds the delimiter, a quote or a line break (RFC 4180).
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        if text.contains([self.delimiter, '"', '\n', '\r']) {
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
    fn csv_quotes_when_needed() {
        assert_eq!(
            render(&Csv { delimiter: ',' }, "a,\"b\""),
            "iteration,phase\n0,\"a,\"\"b\"\"\"\n10,\n"
        );
    }
}
