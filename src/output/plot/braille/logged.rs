//! A training log over a terminal plot (`plot --log`): each logged point a character of its
//! own in place of the braille cell it falls in (`•` agrees, `×` differs, in red with
//! colour), the axis marked `×` under every column of a differing range, and a key.

use super::super::Logged;

/// A logged point's character in the plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mark {
    Agrees,
    Differs,
}

impl Mark {
    pub(super) fn symbol(self) -> char {
        match self {
            Mark::Agrees => '•',
            Mark::Differs => '×',
        }
    }

    /// The ANSI colour with `--color`: red where the log differs.
    pub(super) fn color(self) -> Option<u8> {
        match self {
            Mark::Agrees => None,
            Mark::Differs => Some(31),
        }
    }
}

/// Every point's cell `(column, row)` and mark, a differing point winning its cell; `dot`
/// maps `(x, lr)` to a braille dot.
pub(super) fn marks(
    logged: &Logged,
    dot: impl Fn(f64, f64) -> (i64, i64),
) -> Vec<((usize, usize), Mark)> {
    let cell = |(x, y): (i64, i64)| ((x.max(0) / 2) as usize, (y.max(0) / 4) as usize);
    let mut marks: Vec<((usize, usize), Mark)> = logged
        .agreeing
        .iter()
        .map(|&(x, lr)| (cell(dot(x, lr)), Mark::Agrees))
        .chain(
            logged
                .differing
                .iter()
                .map(|&(x, lr)| (cell(dot(x, lr)), Mark::Differs)),
        )
        .collect();
    // Differing after agreeing in each cell: the last one set wins.
    marks.sort_by_key(|&(at, mark)| (at, mark == Mark::Differs));
    marks
}

/// The plot columns a differing range covers; `column` maps an x to one.
pub(super) fn differing_columns(
    logged: &Logged,
    column: impl Fn(f64) -> usize,
    columns: usize,
) -> Vec<bool> {
    let mut marked = vec![false; columns];
    for &(from, to) in &logged.ranges {
        let (first, last) = (column(from), column(to).min(columns.saturating_sub(1)));
        if let Some(span) = marked.get_mut(first..=last) {
            span.fill(true);
        }
    }
    marked
}

/// The key under the plot.
pub(super) fn key(logged: &Logged) -> String {
    format!("• agrees  × differs (× on the axis): {}", logged.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_differing_point_wins_its_cell() {
        let logged = Logged {
            name: "log".into(),
            agreeing: vec![(0.0, 1.0), (5.0, 1.0)],
            differing: vec![(1.0, 1.0)],
            ranges: vec![(1.0, 1.0)],
            points: 3,
            differing_points: 1,
        };
        let marks = marks(&logged, |x, _| (x as i64, 0));
        assert_eq!(
            marks,
            [
                ((0, 0), Mark::Agrees),
                ((0, 0), Mark::Differs),
                ((2, 0), Mark::Agrees)
            ]
        );
        assert_eq!(
            differing_columns(&logged, |x| x as usize / 2, 4),
            [true, false, false, false]
        );
    }
}
