//! Tables: every tabular format behind the [`Format`] trait, and the one [`RowWriter`] that
//! writes the rows of `table`, `at`, `explain` and `check`.
//!
//! A format says what text goes around the header, each row and each cell, given the column
//! names; the writer fills in the cells. A format never sees a number, so every format writes
//! exactly the same digits.
//!
//! - `writer.rs`: the row writer (header, rows, cells, chunked output, footer).
//! - `schedule_rows.rs`: `lrsched table`'s rows, streamed from the schedules' segments, run by
//!   run (`runs.rs`), from rows prepared as pieces (`pieces.rs`).
//! - `odometer.rs`: repeated rows whose iteration number advances as decimal text.
//! - `csv.rs`, `json.rs`, `aligned.rs`: the formats.
//!
//! Adding a format:
//! 1. A file here with a type that implements [`Format`] (`layout`, and `text_cell` /
//!    `missing_cell` when text needs quoting or a missing value is spelled out), with unit tests
//!    through [`write_table`].
//! 2. A [`FormatName`] variant (the `--format` value) with its line in [`FormatName::format`]
//!    and, if it has one, its file extension in [`FormatName::from_extension`].
//! 3. The format in docs/guide.md and an end-to-end test in tests/cli.rs.

mod aligned;
mod csv;
mod json;
mod odometer;
mod pieces;
mod runs;
pub mod schedule_rows;
mod writer;

pub use aligned::Aligned;
pub use csv::{Csv, Plain};
pub use json::{Json, JsonDocument, JsonLines, quoted, schedule_object};
pub use writer::{RowWriter, write_table};

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

    /// Appends a text cell as this format writes it (quoted or escaped as needed).
    fn text_cell(&self, text: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(text.as_bytes());
    }

    /// What stands for a missing value.
    fn missing_cell(&self) -> &'static str {
        ""
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
