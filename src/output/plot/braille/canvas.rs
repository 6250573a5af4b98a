//! The grid of braille cells the curves are drawn on, with each cell's colour.

use super::CURVE_COLORS;
use super::logged;

/// Which curves drew in a braille cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    Nobody,
    Curve(usize),
    Several,
}

/// A grid of braille cells, each remembering which curves drew in it (its colour).
pub(super) struct Canvas {
    columns: usize,
    rows: usize,
    dots: Vec<u8>,
    owners: Vec<Owner>,
    /// Logged points, each shown as its character instead of the cell's dots.
    pub(super) marks: Vec<Option<logged::Mark>>,
}

impl Canvas {
    pub(super) fn new(columns: usize, rows: usize) -> Canvas {
        Canvas {
            columns,
            rows,
            dots: vec![0; columns * rows],
            owners: vec![Owner::Nobody; columns * rows],
            marks: vec![None; columns * rows],
        }
    }

    pub(super) fn dot_width(&self) -> usize {
        self.columns * 2
    }

    pub(super) fn dot_height(&self) -> usize {
        self.rows * 4
    }

    /// Lights dot (x, y), y counted from the top.
    pub(super) fn set(&mut self, x: i64, y: i64, owner: usize) {
        // Braille dot bits by (row within the cell, column within the cell).
        const BITS: [[u8; 2]; 4] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
        if x < 0 || y < 0 || x as usize >= self.dot_width() || y as usize >= self.dot_height() {
            return;
        }
        let (x, y) = (x as usize, y as usize);
        let cell = (y / 4) * self.columns + x / 2;
        self.dots[cell] |= BITS[y % 4][x % 2];
        self.owners[cell] = match self.owners[cell] {
            Owner::Nobody => Owner::Curve(owner),
            Owner::Curve(first) if first == owner => Owner::Curve(owner),
            _ => Owner::Several,
        };
    }

    pub(super) fn has_shared_cells(&self) -> bool {
        self.owners.contains(&Owner::Several)
    }

    /// A straight line of dots from `a` to `b` (Bresenham).
    pub(super) fn line(&mut self, a: (i64, i64), b: (i64, i64), owner: usize) {
        let (mut x, mut y) = a;
        let dx = (b.0 - x).abs();
        let dy = -(b.1 - y).abs();
        let step_x = if x < b.0 { 1 } else { -1 };
        let step_y = if y < b.1 { 1 } else { -1 };
        let mut error = dx + dy;
        loop {
            self.set(x, y, owner);
            if (x, y) == b {
                break;
            }
            let doubled = 2 * error;
            if doubled >= dy {
                error += dy;
                x += step_x;
            }
            if doubled <= dx {
                error += dx;
                y += step_y;
            }
        }
    }

    /// One row of cells; with `color`, each run of cells of one curve in its colour, and cells
    /// of several curves in none.
    pub(super) fn row_text(&self, row: usize, color: bool) -> String {
        let mut text = String::new();
        let mut current: Option<usize> = None;
        for column in 0..self.columns {
            let cell = row * self.columns + column;
            if let Some(mark) = self.marks[cell] {
                if current.take().is_some() {
                    text.push_str("\x1b[0m");
                }
                match mark.color().filter(|_| color) {
                    Some(code) => text.push_str(&format!("\x1b[{code}m{}\x1b[0m", mark.symbol())),
                    None => text.push(mark.symbol()),
                }
                continue;
            }
            let bits = self.dots[cell];
            let owner = match self.owners[cell] {
                Owner::Curve(index) if color => Some(index),
                _ => None,
            };
            if owner != current && bits != 0 {
                if current.is_some() {
                    text.push_str("\x1b[0m");
                }
                if let Some(owner) = owner {
                    let code = CURVE_COLORS[owner % CURVE_COLORS.len()];
                    text.push_str(&format!("\x1b[{code}m"));
                }
                current = owner;
            }
            text.push(if bits == 0 {
                ' '
            } else {
                char::from_u32(0x2800 + u32::from(bits)).unwrap_or('?')
            });
        }
        let mut text = text.trim_end().to_string();
        if current.is_some() {
            text.push_str("\x1b[0m");
        }
        text
    }
}
