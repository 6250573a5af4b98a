//! The figure as a PNG or SVG image, drawn with plotters and a font compiled into the binary:
//! no system fonts, no fontconfig, nothing but libc at run time.

mod axes;
mod crisp;
mod font;
mod grid;
mod legend;
mod logged;
mod notes;
mod overlap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Figure;
use super::axis;
use axes::{Axes, TickedRange, YAxis};
use crisp::Crisp;
use font::FAMILY as FONT;
use legend::draw_legend;
use notes::draw_notes;

/// One colour per curve, in order (the matplotlib "tab10" palette, familiar to ML users).
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// How much wider (pixels at 1200×700) a curve is than each one drawn over it: a rim of half
/// that on either side...
const LAYER_STEP: f64 = 4.0;
/// ...unless so many curves coincide that the widest would be more than this much wider than
/// the base; then narrower rims, down to one pixel.
const MAX_NESTED_EXTRA: f64 = 24.0;

/// Opacity of the warmup shading where every warmup span overlaps, however many there are.
const WARMUP_SHADE: f64 = 0.10;

const TEXT: RGBColor = RGBColor(33, 33, 33);
/// Warmup shading, and markers, shared by several curves.
const SHARED: RGBColor = RGBColor(110, 110, 110);
const NOTE: RGBColor = RGBColor(90, 90, 90);

/// The figure as a PNG file's bytes.
pub fn png(figure: &Figure, (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    font::register()?;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let bitmap = BitMapBackend::with_buffer(&mut rgb, (width, height));
        let root = Crisp { inner: bitmap }.into_drawing_area();
        draw(&root, figure).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&rgb, width, height).map_err(|e| e.to_string())
}

/// The figure as an SVG document; text stays text.
pub fn svg(figure: &Figure, size: (u32, u32)) -> Result<String, String> {
    font::register()?;
    let mut document = String::new();
    {
        let root = SVGBackend::with_string(&mut document, size).into_drawing_area();
        draw(&root, figure).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(document)
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // A chart is mostly flat colour: fast compression is nearly as small, several times faster.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}

/// Text and line sizes, scaled with the image (the defaults are for 1200×700).
struct Sizes {
    scale: f64,
    title: f64,
    axis_title: f64,
    tick: f64,
    legend: f64,
    note: f64,
    line: u32,
}

impl Sizes {
    fn for_image(width: u32, height: u32) -> Sizes {
        let scale = (f64::from(width) / 1200.0)
            .min(f64::from(height) / 700.0)
            .clamp(0.5, 4.0);
        Sizes {
            scale,
            title: 22.0 * scale,
            axis_title: 18.0 * scale,
            tick: 15.0 * scale,
            legend: 15.0 * scale,
            note: 14.0 * scale,
            line: (2.5 * scale).round().max(1.0) as u32,
        }
    }

    /// A length in pixels at this scale.
    fn px(&self, length: f64) -> i32 {
        (length * self.scale).round() as i32
    }
}

fn style(size: f64, color: &RGBColor) -> TextStyle<'static> {
    TextStyle {
        color: color.to_backend_color(),
        ..TextStyle::from((FONT, size).into_font())
    }
}

/// A pixel rectangle `[left, right) × [top, bottom)`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    left: i32,
    top: i32,
    right: i32,
    bottom: i32,
}

impl Rect {
    /// Whether the segment from `a` to `b` (axis-aligned, as every staircase edge is) passes
    /// through this rectangle, widened by `margin`. Non-aligned segments are judged by their
    /// bounding box, which can only over-report.
    fn touches(&self, a: (i32, i32), b: (i32, i32), margin: i32) -> bool {
        a.0.min(b.0) <= self.right + margin
            && a.0.max(b.0) >= self.left - margin
            && a.1.min(b.1) <= self.bottom + margin
            && a.1.max(b.1) >= self.top - margin
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if let Some(panels) = &figure.grid {
        return grid::draw_grid(root, figure, panels);
    }
    let (width, height) = root.dim_in_pixel();
    let sizes = Sizes::for_image(width, height);
    root.fill(&WHITE)?;
    let title_band = draw_title(root, figure, &sizes)?;

    // Room above the plot for milestone and warmup labels.
    let has_notes =
        !figure.markers.is_empty() || figure.series.iter().any(|s| s.warmup_end.is_some());
    let note_band = if has_notes {
        (sizes.note * 1.9).round() as i32
    } else {
        sizes.px(8.0)
    };

    let x_ticks = axis::x_ticks(figure.x_max, figure.x_unit, (width as usize / 110).max(2));
    let y_axis = YAxis::new(figure, (height as usize / 70).max(2));
    let tick_style = style(sizes.tick, &TEXT);
    let mut widest_y_label = 0;
    for tick in &y_axis.ticks {
        widest_y_label = widest_y_label.max(root.estimate_text_size(&tick.label, &tick_style)?.0);
    }
    let y_label_area = widest_y_label as i32 + sizes.px(12.0) + (sizes.axis_title * 1.6) as i32;
    let x_label_area = (sizes.tick * 1.7 + sizes.axis_title * 1.7).round() as i32;

    let mut chart = ChartBuilder::on(root)
        .margin_top(title_band + note_band)
        .margin_bottom(sizes.px(10.0))
        .margin_left(sizes.px(10.0))
        .margin_right(sizes.px(30.0))
        .x_label_area_size(x_label_area)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(
            TickedRange {
                low: 0.0,
                high: figure.x_max,
                ticks: x_ticks.iter().map(|t| t.value).collect(),
            },
            TickedRange {
                low: y_axis.low,
                high: y_axis.high,
                ticks: y_axis.ticks.iter().map(|t| t.value).collect(),
            },
        )?;

    let axes = Axes {
        x_ticks: &x_ticks,
        y_ticks: &y_axis.ticks,
        x_title: figure.x_unit.label(),
        tick_style: &tick_style,
        title_style: &style(sizes.axis_title, &TEXT),
    };
    axes.draw_grid(&mut chart)?;

    let color = |index: usize| PALETTE[index % PALETTE.len()];
    // Each distinct warmup span shaded once: in the curve's colour for one curve, grey for
    // several. Nested spans add up to WARMUP_SHADE where they all overlap, so the shading
    // stays light however many spans there are, and lighter where fewer curves warm up.
    let mut warmup_ends: Vec<f64> = figure.series.iter().filter_map(|s| s.warmup_end).collect();
    warmup_ends.sort_by(f64::total_cmp);
    warmup_ends.dedup();
    let opacity = match warmup_ends.len() {
        0 | 1 => WARMUP_SHADE,
        spans => 1.0 - (1.0 - WARMUP_SHADE).powf(1.0 / spans as f64),
    };
    let shade = match figure.series.len() {
        1 => color(0).mix(opacity),
        _ => SHARED.mix(opacity),
    };
    for end in warmup_ends {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y_axis.low), (end, y_axis.high)],
            shade.filled(),
        )))?;
    }
    // A marker in the colour of the one curve that decays there; grey where several do, as
    // one curve's colour would hide the others.
    for marker in &figure.markers {
        let marker_color = match marker.series.as_slice() {
            [only] => color(*only),
            _ => SHARED,
        };
        chart.draw_series(DashedLineSeries::new(
            [(marker.x, y_axis.low), (marker.x, y_axis.high)],
            sizes.px(6.0),
            sizes.px(4.0),
            marker_color.mix(0.7).stroke_width((sizes.line / 2).max(1)),
        ))?;
    }

    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let plot = Rect {
        left: x_pixels.start,
        top: y_pixels.start,
        right: x_pixels.end,
        bottom: y_pixels.end,
    };
    if let Some(log) = &figure.logged {
        logged::draw_ranges(
            root,
            log,
            |x| chart.backend_coord(&(x, y_axis.high)).0,
            plot,
            &sizes,
        )?;
    }

    let curves: Vec<Vec<(i32, i32)>> = figure
        .series
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|&(x, lr)| chart.backend_coord(&(x, y_axis.map(lr))))
                .collect()
        })
        .collect();
    // Where curves coincide, each earlier one wider beneath the later ones.
    let step = layer_step(&sizes, figure.series.len());
    let stroke = |stretch: &overlap::Stretch| sizes.line + stretch.cover * step;
    let mut nested = false;
    for (index, stretches) in overlap::stretches(&curves, sizes.line as i32)
        .iter()
        .enumerate()
    {
        for (k, stretch) in stretches.iter().enumerate() {
            nested |= stretch.cover > 0;
            // Where a stretch turns a corner into one of another width, it reaches to the
            // far edge of that one, so the corner is whole; a straight change of width and
            // the curve's own ends stay flat, where the values are.
            let reach = |other: Option<&overlap::Stretch>, turns: bool| match other {
                Some(other) if turns => (stroke(other) / 2) as i32,
                _ => 0,
            };
            let before = k.checked_sub(1).and_then(|k| stretches.get(k));
            let after = stretches.get(k + 1);
            let points = capped(
                &stretch.points,
                reach(before, before.is_some_and(|b| turns(b, stretch))),
                reach(after, after.is_some_and(|a| turns(stretch, a))),
            );
            root.draw(&PathElement::new(
                points,
                color(index).stroke_width(stroke(stretch)),
            ))?;
        }
    }

    if let Some(log) = &figure.logged {
        let at = |x: f64, lr: f64| chart.backend_coord(&(x, y_axis.map(lr)));
        logged::draw_points(root, log, at, &sizes)?;
    }
    // A wide stroke near an edge reaches past the plot: clear all around it below the title,
    // then draw the axes, ticks and labels there.
    let (right, bottom) = (width as i32, height as i32);
    for clear in [
        [(0, title_band), (plot.left, bottom)],
        [(plot.right, title_band), (right, bottom)],
        [(plot.left, title_band), (plot.right, plot.top)],
        [(plot.left, plot.bottom), (plot.right, bottom)],
    ] {
        root.draw(&Rectangle::new(clear, WHITE.filled()))?;
    }
    axes.draw_axes(&mut chart)?;
    draw_notes(root, figure, &sizes, plot, |x| {
        chart.backend_coord(&(x, y_axis.high)).0
    })?;
    if figure.series.len() > 1 {
        draw_legend(root, figure, &sizes, plot, &curves, nested)?;
    }
    if let Some(log) = &figure.logged {
        logged::draw_key(root, log, &sizes, plot)?;
    }
    Ok(())
}

/// The title, shrunk (then cut) to fit the width; returns the bottom of its band.
fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    sizes: &Sizes,
) -> Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    let margin = sizes.px(14.0);
    let room = width as i32 - 2 * margin;
    let (title, title_size) = font::fit_shrinking(&figure.title, sizes.title, room);
    root.draw(&Text::new(
        title,
        (width as i32 / 2, margin),
        style(title_size, &TEXT).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    Ok(margin + (sizes.title * 1.4).round() as i32)
}

/// How much wider a curve is drawn than one lying over it, with `curves` curves overlaid.
fn layer_step(sizes: &Sizes, curves: usize) -> u32 {
    let beneath = curves.saturating_sub(1).max(1) as i32;
    let most = sizes.px(LAYER_STEP).max(2);
    (sizes.px(MAX_NESTED_EXTRA) / beneath).clamp(2, most) as u32
}

/// Whether the curve turns a corner where stretch `first` ends and `then` begins.
fn turns(first: &overlap::Stretch, then: &overlap::Stretch) -> bool {
    let direction = |a: (i32, i32), b: (i32, i32)| ((b.0 - a.0).signum(), (b.1 - a.1).signum());
    match (&first.points[..], &then.points[..]) {
        ([.., a, b], [c, d, ..]) => direction(*a, *b) != direction(*c, *d),
        _ => false,
    }
}

/// `points` with the first segment longer by `start` pixels and the last by `end`.
fn capped(points: &[(i32, i32)], start: i32, end: i32) -> Vec<(i32, i32)> {
    let mut points = points.to_vec();
    let beyond = |tip: (i32, i32), from: (i32, i32), by: i32| {
        (
            tip.0 + (tip.0 - from.0).signum() * by,
            tip.1 + (tip.1 - from.1).signum() * by,
        )
    };
    if let [first, second, ..] = points[..] {
        points[0] = beyond(first, second, start);
    }
    if let [.., before_last, last] = points[..] {
        let at = points.len() - 1;
        points[at] = beyond(last, before_last, end);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touches_axis_aligned_segments() {
        let frame = Rect {
            left: 10,
            top: 10,
            right: 20,
            bottom: 20,
        };
        assert!(frame.touches((0, 15), (30, 15), 0));
        assert!(!frame.touches((0, 25), (30, 25), 0));
        assert!(frame.touches((0, 25), (30, 25), 5));
        assert!(!frame.touches((25, 0), (25, 30), 0));
    }

    #[test]
    fn png_encoding_round_trips() {
        let rgb: Vec<u8> = (0..4 * 3 * 3).map(|i| i as u8).collect();
        let bytes = encode_png(&rgb, 4, 3).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut out = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut out).unwrap();
        assert_eq!((info.width, info.height), (4, 3));
        assert_eq!(&out[..info.buffer_size()], &rgb[..]);
    }
}
