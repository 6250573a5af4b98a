//! A training log over the curve (`plot --log`): the ranges where it differs shaded red, its
//! points as dark dots where they agree and red crosses where they differ, and a key in the
//! plot's top right corner saying how many differ.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::Logged;
use super::{Rect, Sizes, TEXT, style};

/// Logged points that agree: near-black, over any curve colour.
pub const AGREEING: RGBColor = RGBColor(20, 20, 20);
/// Logged points that differ, and the shading of their ranges: the palette's red.
pub const DIFFERING: RGBColor = RGBColor(214, 39, 40);
/// Opacity of a differing range's shading.
const RANGE_SHADE: f64 = 0.12;

/// The shading of the differing ranges, under the curves; `x` maps an axis x to a pixel
/// column. A range of one point is widened a few pixels either side, to be seen.
pub(super) fn draw_ranges<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    logged: &Logged,
    x: impl Fn(f64) -> i32,
    plot: Rect,
    sizes: &Sizes,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for &(from, to) in &logged.ranges {
        let left = (x(from) - sizes.px(3.0)).max(plot.left);
        let right = (x(to) + sizes.px(3.0)).min(plot.right);
        root.draw(&Rectangle::new(
            [(left, plot.top), (right, plot.bottom)],
            DIFFERING.mix(RANGE_SHADE).filled(),
        ))?;
    }
    Ok(())
}

/// The points, over the curves; `at` maps `(x, lr)` to pixels.
pub(super) fn draw_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    logged: &Logged,
    at: impl Fn(f64, f64) -> (i32, i32),
    sizes: &Sizes,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let radius = sizes.px(2.5).max(1);
    for &(x, lr) in &logged.agreeing {
        root.draw(&Circle::new(at(x, lr), radius, AGREEING.filled()))?;
    }
    let arm = sizes.px(5.0).max(2);
    for &(x, lr) in &logged.differing {
        root.draw(&Cross::new(
            at(x, lr),
            arm,
            DIFFERING.stroke_width((sizes.line / 2).max(2)),
        ))?;
    }
    Ok(())
}

/// What the marks mean, in the top right corner of the plot: a dot, "agrees", a cross, and
/// how many points differ.
pub(super) fn draw_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    logged: &Logged,
    sizes: &Sizes,
    plot: Rect,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let inset = sizes.px(10.0);
    let mark = sizes.px(18.0);
    let agrees = "agrees";
    let summary = logged.summary();
    let text_style = style(sizes.note, &TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let (agrees_width, height) = root.estimate_text_size(agrees, &text_style)?;
    let (summary_width, _) = root.estimate_text_size(&summary, &text_style)?;
    let width = 2 * mark + agrees_width as i32 + inset + summary_width as i32;
    let left = (plot.right - inset - width).max(plot.left + inset);
    let middle = plot.top + inset + height as i32 / 2 + inset / 2;
    root.draw(&Rectangle::new(
        [
            (left - inset / 2, plot.top + inset / 2),
            (plot.right - inset / 2, middle + height as i32 / 2 + inset),
        ],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Circle::new(
        (left + mark / 3, middle),
        sizes.px(2.5).max(1),
        AGREEING.filled(),
    ))?;
    let mut cursor = left + mark;
    root.draw(&Text::new(agrees, (cursor, middle), text_style.clone()))?;
    cursor += agrees_width as i32 + inset;
    root.draw(&Cross::new(
        (cursor + mark / 3, middle),
        sizes.px(5.0).max(2),
        DIFFERING.stroke_width((sizes.line / 2).max(2)),
    ))?;
    root.draw(&Text::new(summary, (cursor + mark, middle), text_style))?;
    Ok(())
}
