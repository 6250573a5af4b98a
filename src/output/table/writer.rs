//! The one row writer: every table row of every command goes through it, so the header, the
//! row and cell text of the [`Format`], the footer and the chunked output live here only.
//!
//! Rows are assembled in one buffer handed to the output in chunks of [`CHUNK_BYTES`]; numbers
//! are formatted straight into it (ryu, itoa), so writing a row allocates nothing.

use std::io::{self, Write};

use super::{Cell, Format, Layout};

/// Rows are collected into chunks of about this size before they are written out.
pub(super) const CHUNK_BYTES: usize = 1 << 16;

pub struct RowWriter<'f> {
    format: &'f dyn Format,
    pub(super) layout: Layout,
    /// Rows not yet handed to the output.
    pub(super) buffer: Vec<u8>,
    /// Whether a row has been opened: the first opens differently in some formats (JSON).
    started: bool,
    integer: itoa::Buffer,
}

impl<'f> RowWriter<'f> {
    /// A writer for a table of these columns; the header goes first.
    pub fn new(format: &'f dyn Format, columns: &[String]) -> Self {
        let layout = format.layout(columns);
        let mut buffer = Vec::with_capacity(2 * CHUNK_BYTES);
        buffer.extend_from_slice(layout.header.as_bytes());
        RowWriter {
            format,
            layout,
            buffer,
            started: false,
            integer: itoa::Buffer::new(),
        }
    }

    pub fn format(&self) -> &'f dyn Format {
        self.format
    }

    /// Whether the next row is the table's first.
    pub(super) fn at_first_row(&self) -> bool {
        !self.started
    }

    pub fn open_row(&mut self) {
        let open = if self.started {
            &self.layout.row_open
        } else {
            &self.layout.first_row_open
        };
        self.buffer.extend_from_slice(open.as_bytes());
        self.started = true;
    }

    /// A cell of ready text (a number's, or a text cell the format has already written).
    pub fn cell(&mut self, column: usize, text: &[u8]) {
        self.buffer
            .extend_from_slice(self.layout.cell_open[column].as_bytes());
        self.buffer.extend_from_slice(text);
        self.buffer
            .extend_from_slice(self.layout.cell_close[column].as_bytes());
    }

    pub fn integer_cell(&mut self, column: usize, value: u64) {
        self.buffer
            .extend_from_slice(self.layout.cell_open[column].as_bytes());
        self.buffer
            .extend_from_slice(self.integer.format(value).as_bytes());
        self.buffer
            .extend_from_slice(self.layout.cell_close[column].as_bytes());
    }

    pub fn float_cell(&mut self, column: usize, value: f64) {
        self.buffer
            .extend_from_slice(self.layout.cell_open[column].as_bytes());
        push_float(&mut self.buffer, value);
        self.buffer
            .extend_from_slice(self.layout.cell_close[column].as_bytes());
    }

    pub fn text_cell(&mut self, column: usize, text: &str) {
        self.buffer
            .extend_from_slice(self.layout.cell_open[column].as_bytes());
        self.format.text_cell(text, &mut self.buffer);
        self.buffer
            .extend_from_slice(self.layout.cell_close[column].as_bytes());
    }

    pub fn missing_cell(&mut self, column: usize) {
        self.cell(column, self.format.missing_cell().as_bytes());
    }

    /// Closes the row, handing out a chunk when the buffer holds one.
    pub fn close_row(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.buffer
            .extend_from_slice(self.layout.row_close.as_bytes());
        self.flush_if_full(out)
    }

    /// A whole row of cells.
    pub fn row(&mut self, cells: &[Cell], out: &mut dyn Write) -> io::Result<()> {
        self.open_row();
        for (column, cell) in cells.iter().enumerate() {
            match cell {
                Cell::Number(text) => self.cell(column, text.as_bytes()),
                Cell::Text(text) => self.text_cell(column, text),
                Cell::Missing => self.missing_cell(column),
            }
        }
        self.close_row(out)
    }

    pub(super) fn flush_if_full(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush(out)?;
        }
        Ok(())
    }

    /// Hands out the rows written so far (`at` does before it reports a bad iteration, so the
    /// rows before it go out as they would have unbuffered).
    pub fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    /// The footer, and out with the rest.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.buffer.extend_from_slice(self.layout.footer.as_bytes());
        self.flush(out)
    }
}

/// Writes one whole table of cells (small tables: `explain`, `check`).
pub fn write_table(
    out: &mut dyn Write,
    format: &dyn Format,
    columns: &[String],
    rows: &[Vec<Cell>],
) -> io::Result<()> {
    let mut writer = RowWriter::new(format, columns);
    for row in rows {
        writer.row(row, out)?;
    }
    writer.finish(out)
}

/// Appends the shortest text that reads back as `value`: the text of
/// `crate::schedule::message::number`, written in place rather than copied from a buffer.
#[inline]
pub(super) fn push_float(buffer: &mut Vec<u8>, value: f64) {
    if !value.is_finite() {
        buffer.extend_from_slice(ryu::Buffer::new().format(value).as_bytes());
        return;
    }
    // ryu writes at most 24 bytes for a finite f64.
    buffer.reserve(24);
    let length = buffer.len();
    // SAFETY: `value` is finite, as `format64` requires, and the 24 bytes it may write past
    // `length` are reserved; it returns how many it wrote, all initialised ASCII.
    unsafe {
        let written = ryu::raw::format64(value, buffer.as_mut_ptr().add(length));
        buffer.set_len(length + written);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::{Csv, Json};
    use crate::schedule::message::number;

    #[test]
    fn floats_in_place_match_the_message_text() {
        for value in [
            0.0,
            -0.0,
            0.1,
            2.0,
            1e300,
            5e-324,
            f64::MAX,
            0.00010000000000000002,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let mut buffer = b"x".to_vec();
            push_float(&mut buffer, value);
            assert_eq!(buffer[1..], *number(value).as_bytes(), "{value}");
        }
    }

    #[test]
    fn rows_cell_by_cell() {
        let format = Json;
        let mut writer = RowWriter::new(&format, &["a".into(), "b".into()]);
        let mut out = Vec::new();
        for t in [7, 8] {
            writer.open_row();
            writer.integer_cell(0, t);
            writer.float_cell(1, 0.5);
            writer.close_row(&mut out).unwrap();
        }
        writer
            .row(&[Cell::Missing, Cell::Text("x".into())], &mut out)
            .unwrap();
        writer.finish(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[\n{\"a\":7,\"b\":0.5},\n{\"a\":8,\"b\":0.5},\n{\"a\":null,\"b\":\"x\"}\n]\n"
        );
    }

    #[test]
    fn chunks_go_out_whole_rows_at_a_time() {
        let format = Csv { delimiter: ',' };
        let mut writer = RowWriter::new(&format, &["t".into()]);
        let mut out = Vec::new();
        let mut writes = 0;
        for t in 0..20_000 {
            writer.open_row();
            writer.integer_cell(0, t);
            let before = out.len();
            writer.close_row(&mut out).unwrap();
            if out.len() > before {
                writes += 1;
                assert!(out.ends_with(b"\n"));
            }
        }
        writer.finish(&mut out).unwrap();
        assert!(writes >= 1, "{writes}");
        let expected: String = std::iter::once("t\n".to_string())
            .chain((0..20_000).map(|t| format!("{t}\n")))
            .collect();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
