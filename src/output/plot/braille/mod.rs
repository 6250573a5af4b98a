//! The figure drawn in a terminal with braille characters (2×4 dots per character cell).

mod canvas;
mod logged;
mod strips;

use std::borrow::Cow;

use super::Figure;
use super::axis::readable;
use canvas::Canvas;

/// Rows of braille cells a terminal plot is tall (4 dots each).
const PLOT_ROWS: usize = 16;
/// Narrowest terminal plot, whatever the terminal says.
const MIN_COLUMNS: usize = 30;
/// ANSI foreground colours for overlaid curves, close to the chart palette's order (blue,
/// orange, green, red, purple, …).
const CURVE_COLORS: [u8; 10] = [34, 33, 32, 31, 35, 36, 95, 90, 93, 96];

/// The size of a terminal plot, in character cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlotLayout {
    pub columns: usize,
    pub rows: usize,
}

impl PlotLayout {
    pub fn new(columns: usize) -> PlotLayout {
        PlotLayout {
            columns: columns.max(MIN_COLUMNS),
            rows: PLOT_ROWS,
        }
    }

    /// Braille dots across the whole width: enough detail to trace the curves with.
    pub fn resolution(&self) -> u32 {
        u32::try_from(self.columns * 2).unwrap_or(u32::MAX)
    }
}

/// The figure drawn with braille dots (2×4 per character): the title, the curves with the
/// largest and smallest lr labelled, an x axis with `┴` at each milestone and the milestones'
/// positions under it, and a legend when several curves share the plot. With `color`, each
/// curve is in its own ANSI colour, and a cell that several curves pass through in the
/// terminal's own colour: one colour there would hide the others.
///
/// In the grid layout, the first curve alone, then one row per other schedule marking where
/// it differs from that one ([`strips`]).
pub fn plot(figure: &Figure, layout: &PlotLayout, color: bool) -> String {
    match &figure.grid {
        Some(grid) => strips::plot(figure, grid, layout, color),
        None => chart(figure, layout, color, 0).text,
    }
}

/// A terminal chart, and where its plot area is.
struct Chart {
    text: String,
    /// Characters left of the axis line: the lr labels and a space.
    gutter: usize,
    /// Character cells across the plot area, right of the axis line.
    plot_columns: usize,
}

/// [`plot`] of an overlay, with at least `min_gutter` characters left of the axis line.
fn chart(figure: &Figure, layout: &PlotLayout, color: bool, min_gutter: usize) -> Chart {
    let (min_lr, max_lr) = figure.lr_range();
    let scale = LrScale::new(figure, min_lr, max_lr);
    let max_label = readable(max_lr);
    let min_label = readable(min_lr);
    let gutter = (max_label.chars().count().max(min_label.chars().count()) + 1).max(min_gutter);
    let plot_columns = layout.columns.saturating_sub(gutter + 2).max(8);
    let mut canvas = Canvas::new(plot_columns, layout.rows);

    let dot_width = canvas.dot_width();
    let x_dot = |x: f64| -> i64 {
        let dots = dot_width as f64;
        ((x / figure.x_max * dots).floor() as i64).clamp(0, dots as i64 - 1)
    };
    let dot_height = canvas.dot_height();
    let y_dot = |lr: f64| -> i64 {
        let from_bottom = (scale.fraction(lr) * (dot_height - 1) as f64).round() as i64;
        (dot_height as i64 - 1 - from_bottom).clamp(0, dot_height as i64 - 1)
    };
    let curves: Vec<Vec<(i64, i64)>> = figure
        .series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|&(x, lr)| (x_dot(x), y_dot(lr)))
                .collect()
        })
        .collect();
    for (index, curve) in curves.iter().enumerate() {
        for pair in curve.windows(2) {
            canvas.line(pair[0], pair[1], index);
        }
        if let [only] = curve.as_slice() {
            canvas.set(only.0, only.1, index);
        }
    }
    let mut differing_columns = vec![false; plot_columns];
    if let Some(log) = &figure.logged {
        for ((column, row), mark) in logged::marks(log, |x, lr| (x_dot(x), y_dot(lr))) {
            canvas.marks[row * plot_columns + column] = Some(mark);
        }
        differing_columns = logged::differing_columns(log, |x| x_dot(x) as usize / 2, plot_columns);
    }

    let several = figure.series.len() > 1;
    let color = color && (several || figure.logged.is_some());
    let mut out = String::new();
    for line in wrap(&figure.title, layout.columns, 2) {
        out.push_str(&line);
        out.push('\n');
    }
    let max_row = y_dot(max_lr) as usize / 4;
    let min_row = y_dot(min_lr) as usize / 4;
    for row in 0..layout.rows {
        let label = if row == max_row {
            max_label.as_str()
        } else if row == min_row {
            min_label.as_str()
        } else {
            ""
        };
        out.push_str(&format!("{label:>width$} ", width = gutter - 1));
        out.push(if label.is_empty() { '│' } else { '┤' });
        out.push_str(&canvas.row_text(row, color));
        out.push('\n');
    }

    // The x axis: milestones marked on it and labelled under it, with both ends.
    let marker_columns: Vec<(usize, &str)> = figure
        .markers
        .iter()
        .map(|m| (x_dot(m.x) as usize / 2, m.label.as_str()))
        .collect();
    let mut axis = " ".repeat(gutter);
    axis.push('└');
    for (column, differs) in differing_columns.iter().enumerate() {
        let marked = marker_columns.iter().any(|&(c, _)| c == column);
        axis.push(match (differs, marked) {
            (true, _) => '×',
            (false, true) => '┴',
            (false, false) => '─',
        });
    }
    out.push_str(axis.trim_end());
    out.push('\n');

    let mut labels = LabelLine::new(plot_columns);
    labels.place(0, "0");
    let end = figure.end_label.as_str();
    labels.place(plot_columns.saturating_sub(end.chars().count()), end);
    for &(column, text) in &marker_columns {
        labels.place(column.saturating_sub(text.chars().count() / 2), text);
    }
    out.push_str(&" ".repeat(gutter + 1));
    out.push_str(labels.text().trim_end());
    out.push('\n');

    let name = figure.x_unit.label();
    let indent = gutter + 1 + plot_columns.saturating_sub(name.len()) / 2;
    out.push_str(&" ".repeat(indent));
    out.push_str(name);
    out.push('\n');
    if several {
        let indent = gutter + 1;
        let room = layout.columns.saturating_sub(indent);
        let legend = if color {
            // (text as shown, its width in cells)
            let mut entries: Vec<(String, usize)> = figure
                .series
                .iter()
                .enumerate()
                .map(|(index, s)| {
                    let code = CURVE_COLORS[index % CURVE_COLORS.len()];
                    let name = cut(&s.name, room.saturating_sub(3));
                    (
                        format!("\x1b[{code}m━━\x1b[0m {name}"),
                        3 + name.chars().count(),
                    )
                })
                .collect();
            if canvas.has_shared_cells() {
                entries.push(("━━ several".to_string(), 10));
            }
            flow(&entries, "   ", room)
        } else {
            let last = figure.series.len() - 1;
            let names: Vec<(String, usize)> = figure
                .series
                .iter()
                .enumerate()
                .map(|(index, s)| {
                    let prefix = if index == 0 { "overlaid: " } else { "" };
                    let comma = if index == last { "" } else { "," };
                    let name = cut(&s.name, room.saturating_sub(prefix.len() + comma.len()));
                    let text = format!("{prefix}{name}{comma}");
                    let width = text.chars().count();
                    (text, width)
                })
                .collect();
            flow(&names, " ", room)
        };
        for line in legend {
            out.push_str(&" ".repeat(indent));
            out.push_str(&line);
            out.push('\n');
        }
    }
    if let Some(log) = &figure.logged {
        for line in wrap(
            &logged::key(log),
            layout.columns.saturating_sub(gutter + 1),
            3,
        ) {
            out.push_str(&" ".repeat(gutter + 1));
            out.push_str(&line);
            out.push('\n');
        }
    }
    Chart {
        text: out,
        gutter,
        plot_columns,
    }
}

/// `entries` (text, width in cells) joined by `separator` into lines of at most `width`
/// cells; an entry wider than that gets a line of its own.
fn flow(entries: &[(String, usize)], separator: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for (text, cells) in entries {
        if used > 0 && used + separator.len() + cells > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push_str(separator);
            used += separator.len();
        }
        line.push_str(text);
        used += cells;
    }
    if used > 0 {
        lines.push(line);
    }
    lines
}

/// Where an lr goes between the bottom (0) and top (1) of a terminal plot: linear from 0, or
/// logarithmic from the smallest lr to the largest.
struct LrScale {
    low: f64,
    high: f64,
    log: bool,
}

impl LrScale {
    fn new(figure: &Figure, min_lr: f64, max_lr: f64) -> LrScale {
        if figure.log_y
            && let Some(min_positive) = figure.min_positive_lr()
        {
            let (low, high) = (min_positive.log10(), max_lr.log10());
            let (low, high) = if high > low {
                (low, high)
            } else {
                (low - 1.0, high + 1.0)
            };
            return LrScale {
                low,
                high,
                log: true,
            };
        }
        let high = if max_lr > 0.0 {
            max_lr
        } else {
            min_lr.abs().max(1.0)
        };
        LrScale {
            low: 0.0,
            high,
            log: false,
        }
    }

    fn fraction(&self, lr: f64) -> f64 {
        let value = match (self.log, lr > 0.0) {
            (true, true) => lr.log10(),
            (true, false) => self.low,
            (false, _) => lr,
        };
        ((value - self.low) / (self.high - self.low)).clamp(0.0, 1.0)
    }
}

/// A line of labels placed at columns; a label that would touch one already placed is dropped.
struct LabelLine {
    cells: Vec<char>,
    taken: Vec<(usize, usize)>,
}

impl LabelLine {
    fn new(width: usize) -> LabelLine {
        LabelLine {
            cells: vec![' '; width],
            taken: Vec::new(),
        }
    }

    fn place(&mut self, start: usize, text: &str) {
        let end = start + text.chars().count();
        let clear = self
            .taken
            .iter()
            .all(|&(left, right)| end < left || start > right);
        if end > self.cells.len() || !clear {
            return;
        }
        for (offset, c) in text.chars().enumerate() {
            self.cells[start + offset] = c;
        }
        self.taken.push((start, end));
    }

    fn text(&self) -> String {
        self.cells.iter().collect()
    }
}

/// `text` wrapped at spaces into at most `max_lines` lines of `width` characters; the last
/// line ends with `…` if text is left over. Reads `text` only as far as those lines reach.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    // The line being filled, kept to at most `width + 1` characters: a longer one is cut anyway.
    let mut current = String::new();
    let mut current_cells = 0;
    for word in text.split(' ') {
        let word_cells = word.chars().take(width + 1).count();
        let needed = current_cells + usize::from(current_cells > 0) + word_cells;
        if needed > width && !current.is_empty() {
            if lines.len() + 1 == max_lines {
                // A line past the last: the last one says text is left over.
                let kept: String = current.chars().take(width.saturating_sub(1)).collect();
                lines.push(format!("{kept}…"));
                return lines;
            }
            lines.push(cut(&current, width).into_owned());
            current.clear();
            current_cells = 0;
        }
        if !current.is_empty() {
            current.push(' ');
            current_cells += 1;
        }
        let room = (width + 1).saturating_sub(current_cells);
        current.extend(word.chars().take(room));
        current_cells += word_cells.min(room);
    }
    if !current.is_empty() {
        lines.push(cut(&current, width).into_owned());
    }
    lines
}

/// `text` if it is at most `cells` characters, else its first `cells - 1` and `…`; reads no
/// further than that.
fn cut(text: &str, cells: usize) -> Cow<'_, str> {
    if text.char_indices().nth(cells).is_none() {
        return Cow::Borrowed(text);
    }
    let end = text
        .char_indices()
        .nth(cells.saturating_sub(1))
        .map_or(text.len(), |(at, _)| at);
    Cow::Owned(format!("{}…", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braille_dots_and_lines() {
        let mut canvas = Canvas::new(2, 1);
        canvas.set(0, 0, 0);
        canvas.set(1, 3, 0);
        assert_eq!(canvas.row_text(0, false), "\u{2881}");
        // A horizontal line through dot row 3 of both cells.
        let mut canvas = Canvas::new(2, 1);
        canvas.line((0, 3), (3, 3), 0);
        assert_eq!(canvas.row_text(0, false), "⣀⣀");
        // Out of range dots are ignored, not a panic.
        canvas.set(-1, 0, 0);
        canvas.set(4, 0, 0);
        canvas.set(0, 4, 0);
        assert_eq!(canvas.row_text(0, false), "⣀⣀");
    }

    #[test]
    fn colours_group_runs_of_one_curve() {
        let mut canvas = Canvas::new(5, 1);
        canvas.line((0, 0), (3, 0), 0);
        canvas.line((6, 0), (9, 0), 1);
        assert_eq!(
            canvas.row_text(0, true),
            // Blanks change nothing: the colour switches at the next curve's cell.
            "\x1b[34m⠉⠉ \x1b[0m\x1b[33m⠉⠉\x1b[0m"
        );
        assert_eq!(canvas.row_text(0, false), "⠉⠉ ⠉⠉");
        // A cell both curves draw in is in no colour: either one's would hide the other.
        let mut canvas = Canvas::new(2, 1);
        canvas.line((0, 0), (3, 0), 0);
        canvas.line((2, 3), (3, 3), 1);
        assert!(canvas.has_shared_cells());
        assert_eq!(canvas.row_text(0, true), "\x1b[34m⠉\x1b[0m⣉");
    }

    #[test]
    fn legends_flow_into_lines() {
        let entries = [
            ("a,".to_string(), 2),
            ("bb,".to_string(), 3),
            ("c".to_string(), 1),
        ];
        assert_eq!(flow(&entries, " ", 6), ["a, bb,", "c"]);
        assert_eq!(flow(&entries, " ", 2), ["a,", "bb,", "c"]);
        assert!(flow(&[], " ", 80).is_empty());
    }

    #[test]
    fn labels_never_touch() {
        let mut line = LabelLine::new(12);
        line.place(0, "0");
        line.place(9, "150");
        line.place(1, "5");
        line.place(4, "50");
        line.place(11, "x");
        assert_eq!(line.text(), "0   50   150");
    }

    #[test]
    fn titles_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc", 4, 3), vec!["a bb", "ccc"]);
        assert_eq!(wrap("a bb ccc dd", 4, 2), vec!["a bb", "ccc…"]);
        assert_eq!(wrap("abcdefgh", 4, 2), vec!["abc…"]);
        assert_eq!(wrap("abcdefgh ij", 4, 1), vec!["abc…"]);
        assert_eq!(wrap("a  b", 1, 3), vec!["a", "b"]);
        let huge = format!("{} {}", "x".repeat(10_000_000), "y ".repeat(1_000_000));
        assert_eq!(wrap(&huge, 6, 2), vec!["xxxxx…", "y y y…"]);
    }

    #[test]
    fn long_names_are_cut() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "ab…");
        assert_eq!(cut("ééééé", 2), "é…");
    }
}
