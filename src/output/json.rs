//! JSON (one array of row objects) and JSON Lines (one object per line).

use super::{Format, Layout};

pub struct Json;
pub struct JsonLines;

impl Format for Json {
    fn text_cell(&self, text: &str) -> String {
        quoted(text)
    }

    fn missing_cell(&self) -> &'static str {
        "null"
    }

    fn layout(&self, columns: &[String]) -> Layout {
        let (cell_open, cell_close) = cells(columns);
        Layout {
            header: "[".into(),
            first_row_open: "\n{".into(),
            row_open: ",\n{".into(),
            cell_open,
            cell_close,
            row_close: "}".into(),
            footer: "\n]\n".into(),
        }
    }
}

impl Format for JsonLines {
    fn text_cell(&self, text: &str) -> String {
        quoted(text)
    }

    fn missing_cell(&self) -> &'static str {
        "null"
    }

    fn layout(&self, columns: &[String]) -> Layout {
        let (cell_open, cell_close) = cells(columns);
        Layout {
            first_row_open: "{".into(),
            row_open: "{".into(),
            cell_open,
            cell_close,
            row_close: "}\n".into(),
            ..Layout::default()
        }
    }
}

/// `"name":` before each cell, commas between cells.
fn cells(columns: &[String]) -> (Vec<String>, Vec<String>) {
    columns
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let comma = if index == 0 { "" } else { "," };
            (format!("{comma}{}:", quoted(name)), String::new())
        })
        .unzip()
}

/// A JSON string literal.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    out.push_str(&escape(text));
    out.push('"');
    out
}

/// Escapes text for the inside of a JSON string.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cell, write_table};

    fn render(format: &dyn Format, rows: &[Vec<Cell>]) -> String {
        let mut out = Vec::new();
        write_table(
            &mut out,
            format,
            &["iteration".into(), "phase".into()],
            rows,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_and_jsonl() {
        let rows = vec![
            vec![Cell::Number("0".into()), Cell::Text("warmup".into())],
            vec![Cell::Number("10".into()), Cell::Text("base".into())],
        ];
        assert_eq!(
            render(&Json, &rows),
            "[\n{\"iteration\":0,\"phase\":\"warmup\"},\n{\"iteration\":10,\"phase\":\"base\"}\n]\n"
        );
        assert_eq!(
            render(&JsonLines, &rows),
            "{\"iteration\":0,\"phase\":\"warmup\"}\n{\"iteration\":10,\"phase\":\"base\"}\n"
        );
        assert_eq!(render(&Json, &[]), "[\n]\n");
        let missing = vec![vec![Cell::Number("1".into()), Cell::Missing]];
        assert_eq!(
            render(&JsonLines, &missing),
            "{\"iteration\":1,\"phase\":null}\n"
        );
    }

    #[test]
    fn escapes_names() {
        assert_eq!(quoted("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
