//! Output formats. Each tabular format is one file behind the [`Format`] trait: given the
//! columns, it says what text goes around the header, each row and each cell. The row writer
//! (`rows.rs`) fills in the cell text, so a format never sees a number and every format writes
//! exactly the same digits.

mod csv;
mod json;
pub mod plot;
pub mod rows;
pub mod sink;
pub mod terminal;

pub use csv::{Csv, Plain};
pub use json::{Json, JsonLines};

/// One cell of a small table, before the format has its say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Number text (already shortest round-trip), written as is by every format.
    Number(String),
    /// Text, which a format may need to quote.
    Text(String),
    /// No value (a schedule shorter than the table): empty in CSV, `null` in JSON.
    Missing,
}

/// The fixed text a format puts around rows and cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Before the first row (a CSV header line, JSON's `[`).
    pub header: String,
    /// Opens the first row.
    pub first_row_open: String,
    /// Opens every later row.
    pub row_open: String,
    /// Before and after each column's cell.
    pub cell_open: Vec<String>,
    pub cell_close: Vec<String>,
    /// Closes every row.
    pub row_close: String,
    /// After the last row (also written when there are no rows).
    pub footer: String,
}

pub trait Format {
    /// The fixed text around rows and cells for these column names.
    fn layout(&self, columns: &[String]) -> Layout;

    /// A text cell as this format writes it (quoted or escaped as needed).
    fn text_cell(&self, text: &str) -> String {
        text.to_string()
    }

    /// What stands for a missing value.
    fn missing_cell(&self) -> &'static str {
        ""
    }

    /// A cell's text in this format.
    fn cell(&self, cell: &Cell) -> String {
        match cell {
            Cell::Number(text) => text.clone(),
            Cell::Text(text) => self.text_cell(text),
            Cell::Missing => self.missing_cell().to_string(),
        }
    }
}

/// The tabular formats, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatName {
    Csv,
    Tsv,
    Json,
    Jsonl,
    /// Values only, one row per line, no header (the default of `at`).
    Plain,
}

impl FormatName {
    /// The format a file extension implies, for `-o FILE` without `--format`.
    pub fn from_extension(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(FormatName::Csv),
            "tsv" | "tab" => Some(FormatName::Tsv),
            "json" => Some(FormatName::Json),
            "jsonl" | "ndjson" => Some(FormatName::Jsonl),
            "txt" => Some(FormatName::Plain),
            _ => None,
        }
    }

    pub fn format(self) -> Box<dyn Format> {
        match self {
            FormatName::Csv => Box::new(Csv { delimiter: ',' }),
            FormatName::Tsv => Box::new(Csv { delimiter: '\t' }),
            FormatName::Json => Box::new(Json),
            FormatName::Jsonl => Box::new(JsonLines),
            FormatName::Plain => Box::new(Plain),
        }
    }
}

/// Writes one whole table of pre-formatted cells (small tables: `explain`, `check`).
pub fn write_table(
    out: &mut dyn std::io::Write,
    format: &dyn Format,
    columns: &[String],
    rows: &[Vec<Cell>],
) -> std::io::Result<()> {
    let layout = format.layout(columns);
    out.write_all(layout.header.as_bytes())?;
    for (index, row) in rows.iter().enumerate() {
        let open = if index == 0 {
            &layout.first_row_open
        } else {
            &layout.row_open
        };
        out.write_all(open.as_bytes())?;
        for (column, cell) in row.iter().enumerate() {
            out.write_all(layout.cell_open[column].as_bytes())?;
            out.write_all(format.cell(cell).as_bytes())?;
            out.write_all(layout.cell_close[column].as_bytes())?;
        }
        out.write_all(layout.row_close.as_bytes())?;
    }
    out.write_all(layout.footer.as_bytes())
}

/// Shortest text that reads back to the same f64 (ryu), the way every output writes numbers.
pub fn number(value: f64) -> String {
    ryu::Buffer::new().format(value).to_string()
}
