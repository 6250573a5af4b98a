//! The axes of a chart: the value ranges, where the ticks go and how they are labelled.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;

use super::super::Figure;
use super::super::axis::{self, Tick};

/// A linear axis from `low` to `high` whose grid lines and labels go exactly at `ticks`.
/// (plotters' own `with_key_points` wrapper loses the value formatter the mesh needs.)
pub(super) struct TickedRange {
    pub low: f64,
    pub high: f64,
    pub ticks: Vec<f64>,
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
pub(super) struct YAxis {
    pub low: f64,
    pub high: f64,
    pub ticks: Vec<Tick>,
    log: bool,
}

impl YAxis {
    pub fn new(figure: &Figure, max_ticks: usize) -> YAxis {
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
    pub fn map(&self, lr: f64) -> f64 {
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
pub(super) struct Axes<'a> {
    pub x_ticks: &'a [Tick],
    pub y_ticks: &'a [Tick],
    pub x_title: &'a str,
    pub tick_style: &'a TextStyle<'static>,
    pub title_style: &'a TextStyle<'static>,
}

impl Axes<'_> {
    /// The grid lines across the plot, drawn under everything.
    pub fn draw_grid<DB: DrawingBackend>(
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
    pub fn draw_axes<DB: DrawingBackend>(
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
