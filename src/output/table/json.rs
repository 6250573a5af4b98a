//! JSON (one array of row objects, or a self-describing document: the schedules, then the
//! rows) and JSON Lines (one object per line, rows only: a consumer reads uniform lines).

use super::{Format, Layout};
use crate::schedule::message::number;
use crate::schedule::{Decay, NamedSchedule};

pub struct Json;
pub struct JsonLines;

/// `{"schedules": [...], "rows": [...]}`: the rows with the parameters and dialect of every
/// schedule they come from (`table` and `explain --format json`).
pub struct JsonDocument {
    schedules: String,
}

impl JsonDocument {
    pub fn new<'a>(schedules: impl IntoIterator<Item = &'a NamedSchedule>) -> Self {
        let objects: Vec<String> = schedules.into_iter().map(schedule_object).collect();
        JsonDocument {
            schedules: format!("[\n{}\n]", objects.join(",\n")),
        }
    }
}

impl Format for JsonDocument {
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        push_quoted(text, out);
    }

    fn missing_cell(&self) -> &'static str {
        "null"
    }

    fn layout(&self, columns: &[String]) -> Layout {
        let rows = Json.layout(columns);
        Layout {
            header: format!("{{\"schedules\":{},\n\"rows\":[", self.schedules),
            footer: "\n]}\n".into(),
            ..rows
        }
    }
}

/// One schedule as a JSON object: its name, dialect and parameters in iterations, as lrsched
/// evaluates them (TOML key names).
pub fn schedule_object(spec: &NamedSchedule) -> String {
    let p = spec.params();
    let decay = match &p.decay {
        Decay::Milestones(list) => {
            let items: Vec<String> = list.iter().map(u64::to_string).collect();
            format!("\"milestones\":[{}]", items.join(","))
        }
        Decay::StepSize(step) => format!("\"step_size\":{step}"),
    };
    let per_epoch = spec
        .iters_per_epoch
        .map_or_else(|| "null".to_string(), |n| n.to_string());
    format!(
        "{{\"name\":{},\"dialect\":{},\"base_lr\":{},{decay},\"gamma\":{},\
         \"warmup_iters\":{},\"warmup_factor\":{},\"warmup_method\":{},\"iters\":{},\
         \"iters_per_epoch\":{per_epoch}}}",
        quoted(&spec.name),
        quoted(spec.dialect.name()),
        number(p.base_lr),
        number(p.gamma),
        p.warmup_iters,
        number(p.warmup_factor),
        quoted(p.warmup_method.name()),
        p.iters,
    )
}

impl Format for Json {
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        push_quoted(text, out);
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
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        push_quoted(text, out);
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
    let mut out = Vec::with_capacity(text.len() + 2);
    push_quoted(text, &mut out);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Appends `text` as a JSON string literal.
fn push_quoted(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in text.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::{Cell, write_table};

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
        assert_eq!(quoted("é\u{1}"), "\"é\\u0001\"");
    }
}
