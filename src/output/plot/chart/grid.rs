//! The grid layout: one small panel per schedule, its curve drawn over the first schedule's in
//! grey, the iterations where the two differ shaded, and a two-line title: the schedule's name,
//! then what differs. Every panel shares the same axes, labelled at the grid's edges.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::{Figure, Grid, Shade, axis};
use super::axes::YAxis;
use super::{NOTE, PALETTE, Rect, Sizes, TEXT, draw_title, font, style};

/// The reference's curve, beneath each panel's own.
const REFERENCE: RGBColor = RGBColor(175, 175, 175);
/// Shading where a schedule differs from the reference (tab10 red).
const DIFFERS: RGBAColor = RGBAColor(214, 39, 40, 0.2);
/// Where it differs only in the last bits, which no curve shows: a bar along the plot's
/// bottom (tab10 orange), so that rounding does not shade whole panels.
const LAST_BITS: RGBAColor = RGBAColor(255, 127, 14, 0.85);
/// The last-bits bar's height (pixels at 1200×700).
const LAST_BITS_BAR: f64 = 5.0;
/// Narrowest shaded span (pixels at 1200×700): a one-iteration difference still shows.
const MIN_SPAN: f64 = 3.0;
/// The width-to-height ratio the panels' plots aim for.
const ASPECT: f64 = 2.0;

/// A panel's text sizes and bands, in pixels.
struct PanelSizes {
    name: f64,
    summary: f64,
    tick: f64,
    /// Above the plot: the name and the summary.
    head: i32,
    /// Below the plot: the x tick labels.
    foot: i32,
    /// Right of the plot, before the next panel.
    gap: i32,
}

pub(super) fn draw_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    grid: &Grid,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, height) = root.dim_in_pixel();
    let sizes = Sizes::for_image(width, height);
    root.fill(&WHITE)?;
    let mut top = draw_title(root, figure, &sizes)?;
    let margin = sizes.px(14.0);
    let key = format!(
        "each panel: one schedule in blue over {} in grey, shaded where the two differ; \
         an orange bar marks where they differ in the last bits only",
        grid.reference
    );
    root.draw(&Text::new(
        font::fit(&key, sizes.note, width as i32 - 2 * margin),
        (width as i32 / 2, top),
        style(sizes.note, &NOTE).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    top += (sizes.note * 2.0).round() as i32;

    let panel = PanelSizes {
        name: sizes.legend * 0.9,
        summary: sizes.note * 0.85,
        tick: sizes.tick * 0.8,
        head: (sizes.legend * 0.9 * 1.35 + sizes.note * 0.85 * 1.35).round() as i32 + sizes.px(3.0),
        foot: (sizes.tick * 0.8 * 1.6).round() as i32,
        gap: sizes.px(16.0),
    };
    let tick_style = style(panel.tick, &TEXT);
    let axis_title = style(sizes.tick, &TEXT);
    let y_axis = YAxis::new(figure, 4);
    let mut widest = 0;
    for tick in &y_axis.ticks {
        widest = widest.max(root.estimate_text_size(&tick.label, &tick_style)?.0 as i32);
    }
    let left = sizes.px(8.0) + (sizes.tick * 1.5).round() as i32 + widest + sizes.px(6.0);
    let bottom = height as i32 - (sizes.tick * 1.8).round() as i32;
    let area = Rect {
        left,
        top,
        right: width as i32 - margin + panel.gap,
        bottom,
    };
    let count = grid.panels.len().min(figure.series.len());
    let (columns, rows) = arrangement(count, area, &panel);
    let cell_width = (area.right - area.left) / columns as i32;
    let cell_height = (area.bottom - area.top) / rows as i32;
    let plot_width = (cell_width - panel.gap).max(2);
    let plot_height = (cell_height - panel.head - panel.foot).max(2);
    let x_max = if figure.x_max > 0.0 {
        figure.x_max
    } else {
        1.0
    };
    let x_ticks = axis::x_ticks(x_max, figure.x_unit, (plot_width as usize / 70).max(2));
    let y_span = y_axis.high - y_axis.low;

    for index in 0..count {
        let (column, row) = (index % columns, index / columns);
        let cell_left = area.left + column as i32 * cell_width;
        let cell_top = area.top + row as i32 * cell_height;
        let plot = Rect {
            left: cell_left,
            top: cell_top + panel.head,
            right: cell_left + plot_width,
            bottom: cell_top + panel.head + plot_height,
        };
        let x_pixel = |x: f64| plot.left + (x / x_max * f64::from(plot_width)).round() as i32;
        let y_pixel = |lr: f64| {
            let fraction = (y_axis.map(lr) - y_axis.low) / y_span;
            plot.bottom - (fraction.clamp(0.0, 1.0) * f64::from(plot_height)).round() as i32
        };
        for tick in &x_ticks {
            let x = x_pixel(tick.value);
            root.draw(&PathElement::new(
                [(x, plot.top), (x, plot.bottom)],
                BLACK.mix(0.08),
            ))?;
        }
        for tick in &y_axis.ticks {
            let y = y_pixel_of(&y_axis, tick.value, plot);
            root.draw(&PathElement::new(
                [(plot.left, y), (plot.right, y)],
                BLACK.mix(0.08),
            ))?;
        }
        for span in &grid.panels[index].spans {
            let from = x_pixel(span.from);
            let to = x_pixel(span.to)
                .max(from + sizes.px(MIN_SPAN))
                .min(plot.right);
            let from = from.min(to - sizes.px(MIN_SPAN)).max(plot.left);
            let (color, top) = match span.shade {
                Shade::LastBits => (LAST_BITS, plot.bottom - sizes.px(LAST_BITS_BAR)),
                Shade::Differs => (DIFFERS, plot.top),
            };
            root.draw(&Rectangle::new(
                [(from, top), (to, plot.bottom)],
                color.filled(),
            ))?;
        }
        let line = ((2.0 * sizes.scale).round() as u32).max(1);
        let curve = |points: &[(f64, f64)]| -> Vec<(i32, i32)> {
            let mut pixels: Vec<(i32, i32)> = points
                .iter()
                .map(|&(x, lr)| (x_pixel(x), y_pixel(lr)))
                .collect();
            pixels.dedup();
            pixels
        };
        if index > 0 {
            root.draw(&PathElement::new(
                curve(&figure.series[0].points),
                REFERENCE.stroke_width(line + 3),
            ))?;
        }
        root.draw(&PathElement::new(
            curve(&figure.series[index].points),
            PALETTE[0].stroke_width(line),
        ))?;
        root.draw(&Rectangle::new(
            [(plot.left, plot.top), (plot.right, plot.bottom)],
            BLACK.mix(0.3),
        ))?;

        // The name, then what differs, each cut to the panel's width.
        let name = font::fit(&figure.series[index].name, panel.name, plot_width);
        root.draw(&Text::new(
            name,
            (plot.left, cell_top),
            style(panel.name, &TEXT).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
        let summary = font::fit(&grid.panels[index].summary, panel.summary, plot_width);
        root.draw(&Text::new(
            summary,
            (plot.left, cell_top + (panel.name * 1.35).round() as i32),
            style(panel.summary, &NOTE).pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;

        // x labels under every panel; lr labels left of the first column.
        let mut taken = plot.left - sizes.px(20.0);
        for tick in &x_ticks {
            let text_width = root.estimate_text_size(&tick.label, &tick_style)?.0 as i32;
            let start = x_pixel(tick.value) - text_width / 2;
            if start > taken + sizes.px(6.0) && start + text_width <= plot.right + panel.gap / 2 {
                root.draw(&Text::new(
                    tick.label.clone(),
                    (start, plot.bottom + sizes.px(3.0)),
                    tick_style.pos(Pos::new(HPos::Left, VPos::Top)),
                ))?;
                taken = start + text_width;
            }
        }
        if column == 0 {
            for tick in &y_axis.ticks {
                root.draw(&Text::new(
                    tick.label.clone(),
                    (
                        plot.left - sizes.px(5.0),
                        y_pixel_of(&y_axis, tick.value, plot),
                    ),
                    tick_style.pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
            }
        }
    }

    // The shared axis titles.
    root.draw(&Text::new(
        figure.x_unit.label(),
        (
            (area.left + area.right - panel.gap) / 2,
            height as i32 - sizes.px(4.0),
        ),
        axis_title.pos(Pos::new(HPos::Center, VPos::Bottom)),
    ))?;
    root.draw(&Text::new(
        "learning rate",
        (sizes.px(8.0), (area.top + area.bottom) / 2),
        axis_title
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(())
}

/// Where an lr axis value (a tick's, already mapped) sits in `plot`.
fn y_pixel_of(y_axis: &YAxis, value: f64, plot: Rect) -> i32 {
    let fraction = (value - y_axis.low) / (y_axis.high - y_axis.low);
    plot.bottom - (fraction.clamp(0.0, 1.0) * f64::from(plot.bottom - plot.top)).round() as i32
}

/// Columns and rows for `count` panels in `area`: the arrangement whose plots, kept at
/// [`ASPECT`], can be largest.
fn arrangement(count: usize, area: Rect, panel: &PanelSizes) -> (usize, usize) {
    let count = count.max(1);
    let fit = |columns: usize| {
        let rows = count.div_ceil(columns);
        let width = (area.right - area.left) / columns as i32 - panel.gap;
        let height = (area.bottom - area.top) / rows as i32 - panel.head - panel.foot;
        (f64::from(width) / ASPECT).min(f64::from(height))
    };
    let columns = (1..=count)
        .max_by(|&a, &b| fit(a).total_cmp(&fit(b)).then(b.cmp(&a)))
        .unwrap_or(1);
    (columns, count.div_ceil(columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrangements_keep_panels_large() {
        let panel = PanelSizes {
            name: 13.5,
            summary: 12.0,
            tick: 12.0,
            head: 38,
            foot: 19,
            gap: 16,
        };
        let area = Rect {
            left: 60,
            top: 70,
            right: 1202,
            bottom: 673,
        };
        assert_eq!(arrangement(7, area, &panel), (3, 3));
        assert_eq!(arrangement(16, area, &panel), (4, 4));
        // 8×5 leaves plots 126×63, 6×6 only 43 tall.
        assert_eq!(arrangement(36, area, &panel), (8, 5));
        assert_eq!(arrangement(2, area, &panel), (2, 1));
        // A tall image stacks them.
        let tall = Rect {
            bottom: 2000,
            ..area
        };
        assert_eq!(arrangement(2, tall, &panel), (1, 2));
    }
}
