//! Milestone positions and the warmup span, labelled above the plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::Figure;
use super::{NOTE, Rect, Sizes, style};

/// Narrowest shaded warmup span (pixels at 1200×700) worth a "warmup" label.
const MIN_LABELLED_WARMUP: f64 = 10.0;

/// Milestone positions and "warmup" above the plot, where they cannot cover the curve; a label
/// that would touch the one before it is left out.
pub(super) fn draw_notes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    sizes: &Sizes,
    plot: Rect,
    x_pixel: impl Fn(f64) -> i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let note_style = style(sizes.note, &NOTE);
    let baseline = plot.top - sizes.px(5.0);
    let gap = sizes.px(8.0);
    let (width, _) = root.dim_in_pixel();
    let mut taken: Vec<(i32, i32)> = Vec::new();
    let place = |text: &str,
                 left: i32,
                 text_width: i32,
                 taken: &mut Vec<(i32, i32)>|
     -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let right = left + text_width;
        let clear = taken
            .iter()
            .all(|&(l, r)| right + gap <= l || left >= r + gap);
        if clear && left >= 0 && right <= width as i32 {
            root.draw(&Text::new(
                text.to_string(),
                (left, baseline),
                note_style.pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
            taken.push((left, right));
        }
        Ok(())
    };
    for marker in &figure.markers {
        let text_width = root.estimate_text_size(&marker.label, &note_style)?.0 as i32;
        let left = x_pixel(marker.x) - text_width / 2;
        place(&marker.label, left, text_width, &mut taken)?;
    }
    let warmup_end = figure
        .series
        .iter()
        .filter_map(|s| s.warmup_end)
        .max_by(f64::total_cmp);
    if let Some(end) = warmup_end {
        let text = "warmup";
        let text_width = root.estimate_text_size(text, &note_style)?.0 as i32;
        let span = x_pixel(end) - plot.left;
        // Centred over the shaded span when it is wide enough, else from its start; not at
        // all when the span is too thin to see what the label names.
        if span >= sizes.px(MIN_LABELLED_WARMUP) {
            let left = if span >= text_width + gap {
                plot.left + (span - text_width) / 2
            } else {
                plot.left
            };
            place(text, left, text_width, &mut taken)?;
        }
    }
    Ok(())
}
