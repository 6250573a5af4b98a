//! The grid layout in a terminal: the first schedule's curve, then one row per other schedule
//! on the same x axis, marking the cells where it differs from the first, with what differs
//! in words under it.
//!
//! Rows rather than small braille panels: a panel narrow enough to sit two to a line of 80
//! columns has about 70 dots across, so a decay one iteration late in 150 (mxnet's) falls
//! inside one dot and shows nowhere, and 16 panels of 8 lines fill several screens. A row marks
//! every cell that holds a differing iteration, however few, and takes two lines.

use super::super::{Figure, Grid, Marker, Shade};
use super::{Chart, PlotLayout, chart, cut, wrap};

/// Rows of braille cells the first schedule's curve is tall here.
const REFERENCE_ROWS: usize = 10;
/// Widest name shown left of a row; longer ones are cut.
const MAX_NAME: usize = 16;
/// Lines of words under a row before they are cut.
const SUMMARY_LINES: usize = 2;

/// What a row's cell shows, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    /// Past the end of every schedule.
    Blank,
    Same,
    LastBits,
    Differs,
}

impl Cell {
    fn symbol(self) -> char {
        match self {
            Cell::Blank => ' ',
            Cell::Same => '─',
            Cell::LastBits => '░',
            Cell::Differs => '█',
        }
    }

    /// Its ANSI colour: red where the curve differs, yellow where the last bits do.
    fn color(self) -> Option<u8> {
        match self {
            Cell::LastBits => Some(33),
            Cell::Differs => Some(31),
            Cell::Blank | Cell::Same => None,
        }
    }
}

/// A row of cells, trailing blanks dropped; with `color`, each run of one kind in its colour.
fn row_text(cells: &[Cell], color: bool) -> String {
    let mut text = String::new();
    let mut current = None;
    let last = cells
        .iter()
        .rposition(|&c| c != Cell::Blank)
        .map_or(0, |at| at + 1);
    for &cell in &cells[..last] {
        let wanted = cell.color().filter(|_| color);
        if wanted != current {
            if current.is_some() {
                text.push_str("\x1b[0m");
            }
            if let Some(code) = wanted {
                text.push_str(&format!("\x1b[{code}m"));
            }
            current = wanted;
        }
        text.push(cell.symbol());
    }
    if current.is_some() {
        text.push_str("\x1b[0m");
    }
    text
}

pub(super) fn plot(figure: &Figure, grid: &Grid, layout: &PlotLayout, color: bool) -> String {
    let reference = Figure {
        series: figure.series.iter().take(1).cloned().collect(),
        markers: figure
            .markers
            .iter()
            .filter(|m| m.series.contains(&0))
            .map(|m| Marker {
                series: vec![0],
                ..m.clone()
            })
            .collect(),
        grid: None,
        ..figure.clone()
    };
    let name_width = figure
        .series
        .iter()
        .map(|s| s.name.chars().count().min(MAX_NAME))
        .max()
        .unwrap_or(0);
    let Chart {
        mut text,
        gutter,
        plot_columns,
    } = chart(
        &reference,
        &PlotLayout {
            rows: REFERENCE_ROWS,
            ..*layout
        },
        color,
        name_width + 1,
    );

    let room = layout.columns.saturating_sub(gutter + 1);
    // Wrapped without colour (codes have no width), coloured after.
    let key = format!(
        "each row against {}, drawn above: █ differs, ░ last bits only, ─ same",
        grid.reference
    );
    for line in wrap(&key, layout.columns, SUMMARY_LINES) {
        let line = line
            .replace('█', &row_text(&[Cell::Differs], color))
            .replace('░', &row_text(&[Cell::LastBits], color));
        text.push_str(&line);
        text.push('\n');
    }
    let reference_end = series_end(figure, 0);
    for (index, panel) in grid.panels.iter().enumerate().skip(1) {
        let Some(series) = figure.series.get(index) else {
            break;
        };
        let end = series_end(figure, index).max(reference_end);
        let cells = cells(&panel.spans, end, figure.x_max, plot_columns);
        let name = cut(&series.name, gutter - 1);
        text.push_str(&format!("{name:>width$} ├", width = gutter - 1));
        text.push_str(&row_text(&cells, color));
        text.push('\n');
        for line in wrap(&panel.summary, room, SUMMARY_LINES) {
            text.push_str(&" ".repeat(gutter + 1));
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

/// Where series `index` ends, in axis units.
fn series_end(figure: &Figure, index: usize) -> f64 {
    figure.series[index].points.last().map_or(0.0, |p| p.0)
}

/// `columns` cells across `[0, x_max)`: each shows the most a span in it differs, the same up
/// to `end`, blank past it. Every span marks at least the cell it starts in.
fn cells(spans: &[super::super::Span], end: f64, x_max: f64, columns: usize) -> Vec<Cell> {
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let column = |x: f64| (x / x_max * columns as f64).clamp(0.0, columns as f64);
    let mut cells: Vec<Cell> = (0..columns)
        .map(|c| {
            if (c as f64) < column(end).ceil() {
                Cell::Same
            } else {
                Cell::Blank
            }
        })
        .collect();
    for span in spans {
        let first = (column(span.from).floor() as usize).min(columns.saturating_sub(1));
        let last = (column(span.to).ceil() as usize).clamp(first + 1, columns);
        let shade = match span.shade {
            Shade::LastBits => Cell::LastBits,
            Shade::Differs => Cell::Differs,
        };
        for cell in &mut cells[first..last] {
            *cell = (*cell).max(shade);
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::super::super::Span;
    use super::*;

    #[test]
    fn cells_mark_every_differing_span() {
        let spans = [
            Span {
                from: 50.0,
                to: 51.0,
                shade: Shade::Differs,
            },
            Span {
                from: 0.0,
                to: 20.0,
                shade: Shade::LastBits,
            },
        ];
        let row = cells(&spans, 150.0, 200.0, 20);
        // One iteration of 200 in a 10-iteration cell still marks it; past 150, blank.
        assert_eq!(row_text(&row, false), "░░───█─────────");
        assert_eq!(row.len(), 20);
        assert_eq!(
            row_text(&row[..6], true),
            "\x1b[33m░░\x1b[0m───\x1b[31m█\x1b[0m"
        );
        assert_eq!(cells(&[], 1.0, 1.0, 3), [Cell::Same; 3]);
        // A span at the very end marks the last cell, not past it.
        let end = [Span {
            from: 200.0,
            to: 200.0,
            shade: Shade::Differs,
        }];
        assert_eq!(cells(&end, 200.0, 200.0, 2), [Cell::Same, Cell::Differs]);
    }
}
