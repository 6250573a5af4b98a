//! Overlaid curves that coincide on the image, and how to stack them so that none hides
//! another. Curves are drawn in order, each over the ones before; where several run along the
//! same pixels (dialects that agree for thousands of iterations, a 1x and a 3x schedule before
//! the first decay), an earlier curve is drawn wider there, one step per later curve on the
//! same pixels, so that each shows as a rim around the ones drawn over it. Values are never
//! shifted, and a curve running alone keeps the base width.

use std::collections::HashMap;

/// A stretch of a curve over which the same number of later curves coincide with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stretch {
    /// Polyline in pixels.
    pub points: Vec<(i32, i32)>,
    /// Later curves running along it (centre lines at most `tolerance` pixels apart).
    pub cover: u32,
}

/// Each curve cut into stretches of equal cover, in order along the curve.
///
/// Curves are polylines in pixels whose segments are axis-aligned, as traced staircases are;
/// a slanted segment is never compared (cover 0), and zero-length ones are dropped.
pub fn stretches(curves: &[Vec<(i32, i32)>], tolerance: i32) -> Vec<Vec<Stretch>> {
    let runs: Vec<Runs> = curves.iter().map(|curve| Runs::of(curve)).collect();
    curves
        .iter()
        .enumerate()
        .map(|(index, curve)| split(curve, &runs[index + 1..], tolerance))
        .collect()
}

/// `curve` cut wherever the number of `later` curves along it changes.
fn split(curve: &[(i32, i32)], later: &[Runs], tolerance: i32) -> Vec<Stretch> {
    let mut stretches: Vec<Stretch> = Vec::new();
    let mut push = |from: (i32, i32), to: (i32, i32), cover: u32| match stretches.last_mut() {
        Some(last) if last.cover == cover && last.points.last() == Some(&from) => {
            last.points.push(to);
        }
        _ => stretches.push(Stretch {
            points: vec![from, to],
            cover,
        }),
    };
    for pair in curve.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // The line the segment lies on, and its ends along that line.
        let (horizontal, line, from, to) = match (a, b) {
            _ if a == b => continue,
            _ if a.1 == b.1 => (true, a.1, a.0, b.0),
            _ if a.0 == b.0 => (false, a.0, a.1, b.1),
            _ => {
                push(a, b, 0);
                continue;
            }
        };
        let point = |along: i32| {
            if horizontal {
                (along, line)
            } else {
                (line, along)
            }
        };
        let (low, high) = (from.min(to), from.max(to));
        let mut pieces = cover_along(later, horizontal, line, (low, high), tolerance);
        if from > to {
            pieces.reverse();
            for piece in &mut pieces {
                *piece = (piece.1, piece.0, piece.2);
            }
        }
        for (start, end, cover) in pieces {
            push(point(start), point(end), cover);
        }
    }
    stretches
}

/// `[low, high]` on row (or column) `line` cut into pieces `(start, end, cover)`, in order,
/// where `cover` is how many of `later` run within `tolerance` of the line there.
fn cover_along(
    later: &[Runs],
    horizontal: bool,
    line: i32,
    (low, high): (i32, i32),
    tolerance: i32,
) -> Vec<(i32, i32, u32)> {
    // +1 where a later curve starts running along, -1 where it stops.
    let mut changes: Vec<(i32, i32)> = Vec::new();
    for runs in later {
        let lines = if horizontal {
            &runs.rows
        } else {
            &runs.columns
        };
        let mut spans: Vec<(i32, i32)> = (line - tolerance..=line + tolerance)
            .filter_map(|near| lines.get(&near))
            .flatten()
            .map(|&(from, to)| (from.max(low), to.min(high)))
            .filter(|(from, to)| from < to)
            .collect();
        spans.sort_unstable();
        // One curve counts once, however many of its runs overlap.
        let mut merged: Vec<(i32, i32)> = Vec::new();
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        for (from, to) in merged {
            changes.push((from, 1));
            changes.push((to, -1));
        }
    }
    changes.sort_unstable();
    let mut cuts: Vec<i32> = changes.iter().map(|c| c.0).chain([low, high]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces = Vec::with_capacity(cuts.len());
    let mut cover = 0i32;
    let mut next_change = changes.iter().peekable();
    for window in cuts.windows(2) {
        while let Some(&&(at, delta)) = next_change.peek()
            && at <= window[0]
        {
            cover += delta;
            next_change.next();
        }
        pieces.push((window[0], window[1], cover.max(0) as u32));
    }
    pieces
}

/// A curve's horizontal runs by row and vertical runs by column, each as `(from, to)`, from
/// below to above.
#[derive(Default)]
struct Runs {
    rows: HashMap<i32, Vec<(i32, i32)>>,
    columns: HashMap<i32, Vec<(i32, i32)>>,
}

impl Runs {
    fn of(curve: &[(i32, i32)]) -> Runs {
        let mut runs = Runs::default();
        for pair in curve.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            if y0 == y1 && x0 != x1 {
                runs.rows
                    .entry(y0)
                    .or_default()
                    .push((x0.min(x1), x0.max(x1)));
            } else if x0 == x1 && y0 != y1 {
                runs.columns
                    .entry(x0)
                    .or_default()
                    .push((y0.min(y1), y0.max(y1)));
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(stretches: &[Stretch]) -> Vec<(Vec<(i32, i32)>, u32)> {
        stretches
            .iter()
            .map(|s| (s.points.clone(), s.cover))
            .collect()
    }

    #[test]
    fn curves_on_one_line_nest_in_drawing_order() {
        let flat = vec![(0, 10), (100, 10)];
        let near = vec![(0, 11), (100, 11)];
        let all = stretches(&[flat.clone(), flat.clone(), near], 2);
        // Each curve has as many later curves over it as there are after it.
        let cover: Vec<Vec<u32>> = all
            .iter()
            .map(|s| s.iter().map(|s| s.cover).collect())
            .collect();
        assert_eq!(cover, [vec![2], vec![1], vec![0]]);
        // Apart by more than the tolerance: nothing covers.
        let apart = stretches(&[flat, vec![(0, 40), (100, 40)]], 2);
        assert_eq!(covers(&apart[0]), [(vec![(0, 10), (100, 10)], 0)]);
    }

    #[test]
    fn stretches_split_where_curves_part() {
        // Two staircases sharing the top run up to x = 50, where the first drops and the
        // second goes on to x = 60.
        let early = vec![(0, 10), (50, 10), (50, 40), (100, 40)];
        let late = vec![(0, 10), (60, 10), (60, 40), (100, 40)];
        let all = stretches(&[early, late], 1);
        assert_eq!(
            covers(&all[0]),
            [
                (vec![(0, 10), (50, 10)], 1),
                (vec![(50, 10), (50, 40), (60, 40)], 0),
                (vec![(60, 40), (100, 40)], 1),
            ]
        );
        // The last curve is never covered.
        assert_eq!(
            covers(&all[1]),
            [(vec![(0, 10), (60, 10), (60, 40), (100, 40)], 0)]
        );
    }

    #[test]
    fn direction_and_crossings() {
        // Drawn right to left and bottom to top: pieces keep the curve's direction.
        let back = vec![(100, 40), (100, 10), (0, 10)];
        let part = vec![(20, 10), (30, 10)];
        assert_eq!(
            covers(&stretches(&[back, part], 0)[0]),
            [
                (vec![(100, 40), (100, 10), (30, 10)], 0),
                (vec![(30, 10), (20, 10)], 1),
                (vec![(20, 10), (0, 10)], 0),
            ]
        );
        // A curve that only crosses covers nothing; a slanted segment is never covered.
        let flat = vec![(0, 10), (100, 10)];
        let crossing = vec![(50, 0), (50, 50)];
        assert_eq!(stretches(&[flat, crossing], 2)[0][0].cover, 0);
        let slanted = vec![(0, 0), (10, 10), (10, 10)];
        assert_eq!(
            covers(&stretches(&[slanted.clone(), slanted], 2)[0]),
            [(vec![(0, 0), (10, 10)], 0)]
        );
    }
}
