//! The aligned text table `lrsched explain` prints for people: columns padded to their widest
//! cell, numbers right-aligned, the last column unpadded, no trailing spaces.
//!
//! Widths depend on every row, so this format is fitted to its rows first ([`Aligned::fit`]),
//! which pads each cell; the writer then writes the padded cells as they are.

use super::{Cell, Format, Layout};

pub struct Aligned {
    widths: Vec<usize>,
    numeric: Vec<bool>,
}

impl Aligned {
    /// The format for a table of `rows` under `headers`, and the rows with every cell padded.
    /// `numeric` says which columns are right-aligned.
    pub fn fit(headers: &[String], rows: &[Vec<Cell>], numeric: &[bool]) -> (Self, Vec<Vec<Cell>>) {
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(text(cell).chars().count());
            }
        }
        let aligned = Aligned {
            widths,
            numeric: numeric.to_vec(),
        };
        let padded = rows
            .iter()
            .map(|row| {
                aligned
                    .pad(row.iter().map(text))
                    .into_iter()
                    .map(Cell::Text)
                    .collect()
            })
            .collect();
        (aligned, padded)
    }

    /// A line's cells, each padded to its column's width after the two spaces that separate it
    /// from the one before; the spaces the line would end with are left out.
    fn pad<'t>(&self, cells: impl Iterator<Item = &'t str>) -> Vec<String> {
        let last = self.widths.len().saturating_sub(1);
        let mut line: Vec<String> = cells
            .enumerate()
            .map(|(index, cell)| {
                let mut text = String::new();
                if index > 0 {
                    text.push_str("  ");
                }
                let pad = " ".repeat(self.widths[index] - cell.chars().count());
                if self.numeric.get(index).copied().unwrap_or(false) {
                    text.push_str(&pad);
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    if index != last {
                        text.push_str(&pad);
                    }
                }
                text
            })
            .collect();
        for cell in line.iter_mut().rev() {
            cell.truncate(cell.trim_end().len());
            if !cell.is_empty() {
                break;
            }
        }
        line
    }
}

impl Format for Aligned {
    fn layout(&self, columns: &[String]) -> Layout {
        let mut header = self.pad(columns.iter().map(String::as_str)).concat();
        header.push('\n');
        Layout {
            header,
            cell_open: vec![String::new(); columns.len()],
            cell_close: vec![String::new(); columns.len()],
            row_close: "\n".into(),
            ..Layout::default()
        }
    }
}

fn text(cell: &Cell) -> &str {
    match cell {
        Cell::Number(text) | Cell::Text(text) => text,
        Cell::Missing => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::table::write_table;

    fn render(headers: &[&str], rows: &[Vec<Cell>], numeric: &[bool]) -> String {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let (format, rows) = Aligned::fit(&headers, rows, numeric);
        let mut out = Vec::new();
        write_table(&mut out, &format, &headers, &rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn texts(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|c| Cell::Text(c.to_string())).collect()
    }

    #[test]
    fn aligns_columns() {
        let rows = vec![
            vec![
                Cell::Text("warmup".into()),
                Cell::Number("0".into()),
                Cell::Text("ramp".into()),
            ],
            vec![
                Cell::Text("decay1".into()),
                Cell::Number("100".into()),
                Cell::Text("x".into()),
            ],
        ];
        assert_eq!(
            render(&["phase", "first", "what"], &rows, &[false, true, false]),
            "phase   first  what\nwarmup      0  ramp\ndecay1    100  x\n"
        );
    }

    #[test]
    fn lines_never_end_in_spaces() {
        let rows = vec![
            texts(&["a", "", ""]),
            vec![Cell::Missing; 3],
            texts(&["", "b", ""]),
        ];
        assert_eq!(
            render(&["name", "x", "y"], &rows, &[false; 3]),
            "name  x  y\na\n\n      b\n"
        );
        assert_eq!(render(&["n"], &[], &[true]), "n\n");
    }
}
