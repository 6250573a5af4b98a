//! A run's row as pieces: fixed text (formatted once per run), the iteration number, and the
//! numbers worked out per row.

use std::ops::Range;

/// A stretch of a row over a run: fixed text, or a cell worked out per row.
#[derive(Debug)]
pub(super) enum Piece {
    /// Where the text sits in [`RowParts::text`].
    Text(Range<usize>),
    Iteration,
    Number(Number),
}

/// A number worked out per row.
#[derive(Clone, Copy, Debug)]
pub(super) enum Number {
    Epoch {
        iters_per_epoch: f64,
    },
    /// The lr of this schedule.
    Lr(usize),
    Factor {
        schedule: usize,
        base_lr: f64,
    },
}

impl Number {
    /// Its value in the row of iteration `t` where the schedules' lrs are `lrs`.
    #[inline]
    pub(super) fn value(self, lrs: &[f64], t: u64) -> f64 {
        match self {
            Number::Epoch { iters_per_epoch } => t as f64 / iters_per_epoch,
            Number::Lr(schedule) => lrs[schedule],
            Number::Factor { schedule, base_lr } => lrs[schedule] / base_lr,
        }
    }
}

/// A run's row as pieces, their fixed text kept in one buffer.
#[derive(Debug, Default)]
pub(super) struct RowParts {
    pub(super) text: Vec<u8>,
    pub(super) pieces: Vec<Piece>,
}

impl RowParts {
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
    }

    /// Appends text, joined to the text piece before it, if any.
    pub(super) fn push_text(&mut self, bytes: &[u8]) {
        self.push_with(|text| text.extend_from_slice(bytes));
    }

    /// Appends the text `write` adds, joined to the text piece before it, if any.
    pub(super) fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.text.len();
        write(&mut self.text);
        let end = self.text.len();
        if start == end {
            return;
        }
        match self.pieces.last_mut() {
            Some(Piece::Text(last)) => last.end = end,
            _ => self.pieces.push(Piece::Text(start..end)),
        }
    }

    pub(super) fn push(&mut self, piece: Piece) {
        self.pieces.push(piece);
    }
}

/// How rows made of `pieces` differ. Pieces never hold two texts in a row, so these are all
/// the shapes but the general one.
pub(super) fn shape_of(pieces: &[Piece]) -> Shape {
    match pieces {
        [] => Shape::Fixed(0..0),
        [Piece::Text(row)] => Shape::Fixed(row.clone()),
        [Piece::Iteration] => Shape::Counting(0..0, 0..0),
        [Piece::Text(prefix), Piece::Iteration] => Shape::Counting(prefix.clone(), 0..0),
        [Piece::Iteration, Piece::Text(suffix)] => Shape::Counting(0..0, suffix.clone()),
        [Piece::Text(prefix), Piece::Iteration, Piece::Text(suffix)] => {
            Shape::Counting(prefix.clone(), suffix.clone())
        }
        _ => Shape::General,
    }
}

/// How the rows of a run differ from one another (text as ranges of [`RowParts::text`]).
#[derive(Debug)]
pub(super) enum Shape {
    /// Not at all: every row is this text.
    Fixed(Range<usize>),
    /// Only in the iteration number, between this text before and after it.
    Counting(Range<usize>, Range<usize>),
    /// In some number worked out per row (a ramp, an epoch).
    General,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_shapes() {
        let shape_of = |pieces: &[&dyn Fn(&mut RowParts)]| {
            let mut parts = RowParts::default();
            for piece in pieces {
                piece(&mut parts);
            }
            let text = |range: Range<usize>| String::from_utf8(parts.text[range].to_vec()).unwrap();
            match shape_of(&parts.pieces) {
                Shape::Fixed(row) => format!("fixed {:?}", text(row)),
                Shape::Counting(prefix, suffix) => {
                    format!("counting {:?} {:?}", text(prefix), text(suffix))
                }
                Shape::General => "general".to_string(),
            }
        };
        let iteration = |parts: &mut RowParts| parts.push(Piece::Iteration);
        let lr = |parts: &mut RowParts| parts.push(Piece::Number(Number::Lr(0)));
        let open = |parts: &mut RowParts| parts.push_text(b"{\"i\":");
        let close = |parts: &mut RowParts| parts.push_text(b",0.1}\n");
        let empty = |parts: &mut RowParts| parts.push_text(b"");
        assert_eq!(shape_of(&[]), "fixed \"\"");
        assert_eq!(
            shape_of(&[&open, &empty, &close]),
            "fixed \"{\\\"i\\\":,0.1}\\n\""
        );
        assert_eq!(
            shape_of(&[&iteration, &close]),
            "counting \"\" \",0.1}\\n\""
        );
        assert_eq!(
            shape_of(&[&open, &iteration, &empty, &close]),
            "counting \"{\\\"i\\\":\" \",0.1}\\n\""
        );
        assert_eq!(shape_of(&[&iteration, &close, &lr, &close]), "general");
        assert_eq!(shape_of(&[&iteration, &iteration]), "general");
    }
}
