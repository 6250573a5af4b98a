//! The figure as a PNG or SVG image, drawn with plotters and a font compiled into the binary:
//! no system fonts, no fontconfig, nothing but libc at run time.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Figure;
use super::axis::{self, Tick};
use super::overlap;
use super::text::{self, Crisp, FAMILY as FONT};

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

/// Narrowest shaded warmup span (pixels at 1200×700) worth a "warmup" label.
const MIN_LABELLED_WARMUP: f64 = 10.0;
/// How much wider (pixels at 1200×700) a curve is than each one drawn over it: a rim of half
/// that on either side...
const LAYER_STEP: f64 = 4.0;
/// ...unless so many curves coincide that the widest would be more than this much wider than
/// the base; then narrower rims, down to one pixel.
const MAX_NESTED_EXTRA: f64 = 24.0;
/// The legend's last line when curves are layered.
const LAYERS_NOTE: &str = "coinciding curves nest, first listed outermost";

/// Opacity of the warmup shading where every warmup span overlaps, however many there are.
const WARMUP_SHADE: f64 = 0.10;

const TEXT: RGBColor = RGBColor(33, 33, 33);
/// Warmup shading, and markers, shared by several curves.
const SHARED: RGBColor = RGBColor(110, 110, 110);
const NOTE: RGBColor = RGBColor(90, 90, 90);

/// The figure as a PNG file's bytes.
pub fn png(figure: &Figure, (width, height): (u32, u32)) -> Result<Vec<u8>, String> {
    text::register()?;
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
    text::register()?;
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

/// A linear axis from `low` to `high` whose grid lines and labels go exactly at `ticks`.
/// (plotters' own `with_key_points` wrapper loses the value formatter the mesh needs.)
struct TickedRange {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Ranged for TickedRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = (value - self.low) / (self.high - self.low);
        let pixels = f64::from(limit.1 - limit.0) * fraction;
        limit.0 + pixels.round().clamp(-1e6, 1e6) as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Light (minor) grid lines: none.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

/// The lr axis: linear from 0, or decimal exponents for `--log-y`.
struct YAxis {
    low: f64,
    high: f64,
    ticks: Vec<Tick>,
    log: bool,
}

impl YAxis {
    fn new(figure: &Figure, max_ticks: usize) -> YAxis {
        let (_, max_lr) = figure.lr_range();
        if !figure.log_y {
            // Headroom above the curve, unless that overflows.
            let high = match max_lr * 1.1 {
                high if high.is_finite() && max_lr > 0.0 => high,
                _ if max_lr > 0.0 && max_lr.is_finite() => max_lr,
                _ => 1.0,
            };
            return YAxis {
                low: 0.0,
                high,
                ticks: axis::linear_ticks(high, max_ticks),
                log: false,
            };
        }
        let (mut low, mut high) = match figure.min_positive_lr() {
            Some(min_lr) => (min_lr.log10(), max_lr.log10()),
            None => (-1.0, 0.0),
        };
        // At least a factor of 4 in view, so that a flat curve still gets ticks.
        let min_span = 4f64.log10();
        if high - low < min_span {
            let middle = (high + low) / 2.0;
            low = middle - min_span / 2.0;
            high = middle + min_span / 2.0;
        }
        let pad = (high - low) * 0.06;
        low -= pad;
        high += pad;
        YAxis {
            low,
            high,
            ticks: axis::log_ticks(low, high, max_ticks),
            log: true,
        }
    }

    /// Where `lr` goes on this axis; on a log axis, 0 sits at the bottom.
    fn map(&self, lr: f64) -> f64 {
        if !self.log {
            lr
        } else if lr > 0.0 {
            lr.log10().max(self.low)
        } else {
            self.low
        }
    }
}

/// What the axes show.
struct Axes<'a> {
    x_ticks: &'a [Tick],
    y_ticks: &'a [Tick],
    x_title: &'a str,
    tick_style: &'a TextStyle<'static>,
    title_style: &'a TextStyle<'static>,
}

impl Axes<'_> {
    /// The grid lines across the plot, drawn under everything.
    fn draw_grid<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<TickedRange, TickedRange>>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        chart
            .configure_mesh()
            .bold_line_style(BLACK.mix(0.08))
            .light_line_style(TRANSPARENT)
            .disable_axes()
            .draw()
    }

    /// Axis lines, ticks, labels and titles, drawn over the curves.
    fn draw_axes<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<TickedRange, TickedRange>>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let x_formatter = |value: &f64| label_at(self.x_ticks, *value);
        let y_formatter = |value: &f64| label_at(self.y_ticks, *value);
        chart
            .configure_mesh()
            .x_desc(self.x_title)
            .y_desc("learning rate")
            .x_label_formatter(&x_formatter)
            .y_label_formatter(&y_formatter)
            .label_style(self.tick_style.clone())
            .axis_desc_style(self.title_style.clone())
            .axis_style(BLACK.mix(0.6))
            .disable_mesh()
            .draw()
    }
}

/// The label of the tick nearest `value` (plotters asks by value).
fn label_at(ticks: &[Tick], value: f64) -> String {
    ticks
        .iter()
        .min_by(|a, b| (a.value - value).abs().total_cmp(&(b.value - value).abs()))
        .map(|t| t.label.clone())
        .unwrap_or_default()
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
    let (width, height) = root.dim_in_pixel();
    let sizes = Sizes::for_image(width, height);
    root.fill(&WHITE)?;

    // Title, shrunk (then cut) to fit the width.
    let margin = sizes.px(14.0);
    let room = width as i32 - 2 * margin;
    let (title, title_size) = fit_text(root, &figure.title, sizes.title, room)?;
    root.draw(&Text::new(
        title,
        (width as i32 / 2, margin),
        style(title_size, &TEXT).pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let title_band = margin + (sizes.title * 1.4).round() as i32;

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

    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let plot = Rect {
        left: x_pixels.start,
        top: y_pixels.start,
        right: x_pixels.end,
        bottom: y_pixels.end,
    };
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
    Ok(())
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

/// `text` at `size`, or smaller (down to 60%), or cut with an ellipsis, to fit `room` pixels.
fn fit_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    size: f64,
    room: i32,
) -> Result<(String, f64), DrawingAreaErrorKind<DB::ErrorType>> {
    let fits = |text: &str, size: f64| -> Result<bool, DrawingAreaErrorKind<DB::ErrorType>> {
        Ok(root.estimate_text_size(text, &style(size, &TEXT))?.0 as i32 <= room)
    };
    let mut current = size;
    while current > size * 0.6 {
        if fits(text, current)? {
            return Ok((text.to_string(), current));
        }
        current -= 1.0;
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>().trim_end());
        if fits(&cut, current)? {
            return Ok((cut, current));
        }
    }
    Ok((String::new(), current))
}

/// Milestone positions and "warmup" above the plot, where they cannot cover the curve; a label
/// that would touch the one before it is left out.
fn draw_notes<DB: DrawingBackend>(
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

/// One entry per curve, in the first corner (or else side, or else centre) of the plot that no
/// curve passes through; when `nested` (some curves drawn wider beneath others), a last line
/// says how to read that.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure,
    sizes: &Sizes,
    plot: Rect,
    curves: &[Vec<(i32, i32)>],
    nested: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let text_style = style(sizes.legend, &TEXT);
    let note_style = style(sizes.note, &NOTE);
    let note = nested.then_some(LAYERS_NOTE);
    let mut widest = 0;
    for series in &figure.series {
        widest = widest.max(root.estimate_text_size(&series.name, &text_style)?.0 as i32);
    }
    let pad = sizes.px(10.0);
    let swatch = sizes.px(28.0);
    let row = (sizes.legend * 1.5).round() as i32;
    // Curves beneath others are wider: keep clear of the widest.
    let curves_beneath = figure.series.len().saturating_sub(1) as u32;
    let widest_stroke = sizes.line + curves_beneath * layer_step(sizes, figure.series.len());
    let clearance = widest_stroke as i32 / 2 + 2;
    let mut box_width = pad + swatch + pad + widest + pad;
    let mut box_height = pad + row * figure.series.len() as i32 + pad / 2;
    if let Some(note) = note {
        let note_width = root.estimate_text_size(note, &note_style)?.0 as i32;
        box_width = box_width.max(pad + note_width + pad);
        box_height += (sizes.note * 1.5).round() as i32;
    }
    let inset = sizes.px(10.0);
    let left = plot.left + inset;
    let right = plot.right - inset - box_width;
    let top = plot.top + inset;
    let bottom = plot.bottom - inset - box_height;
    let (middle_x, middle_y) = ((left + right) / 2, (top + bottom) / 2);
    // The corners first, then the middles of the sides, then the centre.
    let places = [
        (right, top),
        (right, bottom),
        (left, top),
        (left, bottom),
        (right, middle_y),
        (left, middle_y),
        (middle_x, top),
        (middle_x, bottom),
        (middle_x, middle_y),
    ];
    let boxes: Vec<Rect> = places
        .iter()
        .map(|&(x, y)| Rect {
            left: x,
            top: y,
            right: x + box_width,
            bottom: y + box_height,
        })
        .collect();
    let crossings = |frame: &Rect| -> usize {
        curves
            .iter()
            .flat_map(|curve| curve.windows(2))
            .filter(|pair| frame.touches(pair[0], pair[1], clearance))
            .count()
    };
    // The first free place; if none is, the one the curves cross least.
    let frame = boxes
        .iter()
        .find(|frame| crossings(frame) == 0)
        .or_else(|| boxes.iter().min_by_key(|frame| crossings(frame)))
        .copied()
        .unwrap_or(boxes[0]);

    root.draw(&Rectangle::new(
        [(frame.left, frame.top), (frame.right, frame.bottom)],
        WHITE.mix(0.92).filled(),
    ))?;
    root.draw(&Rectangle::new(
        [(frame.left, frame.top), (frame.right, frame.bottom)],
        BLACK.mix(0.25),
    ))?;
    let x = frame.left + pad;
    for (index, series) in figure.series.iter().enumerate() {
        let middle = frame.top + pad + row * index as i32 + row / 2 - pad / 4;
        root.draw(&PathElement::new(
            [(x, middle), (x + swatch, middle)],
            PALETTE[index % PALETTE.len()].stroke_width(sizes.line + 1),
        ))?;
        root.draw(&Text::new(
            series.name.clone(),
            (x + swatch + pad, middle),
            text_style.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    if let Some(note) = note {
        let top = frame.top + pad + row * figure.series.len() as i32;
        root.draw(&Text::new(
            note,
            (x, top),
            note_style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(())
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
