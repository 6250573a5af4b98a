//! A bitmap backend with crisp text and solid wide lines.
//!
//! plotters lays text out with the embedded font (so labels are measured the same in PNG and
//! SVG), but its own bitmap glyph drawing (0.3.7, `ab_glyph` feature) drops each glyph's side
//! bearing and rounds every glyph's position, which spaces letters unevenly ("iter ati on").
//! [`Crisp`] wraps a bitmap backend and draws text itself, placing every glyph at its exact
//! sub-pixel position.
//!
//! It draws lines wider than a pixel itself too: plotters turns a wide polyline into one
//! polygon filled even-odd, so a wide staircase whose steps are narrower than the stroke
//! folds over itself and shows holes.

use ab_glyph::{Font, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::font::font;

/// plotters' text box height for a font size (its `estimate_layout`), kept so that text sits
/// where plotters' layout expects it.
const SIZE_PER_BOX_HEIGHT: f64 = 1.24;

/// A backend whose text is drawn glyph by glyph at exact positions and whose wide lines are
/// solid; everything else goes to the wrapped backend untouched.
pub struct Crisp<B> {
    pub inner: B,
}

impl<B: DrawingBackend> DrawingBackend for Crisp<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    /// A wide path as one filled piece per segment, each reaching half the width past its
    /// inner ends so that joints are filled whatever the angle; the path's own two ends are
    /// flat, as an SVG viewer draws them (a mitred right angle, as a staircase has, is the
    /// same square).
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let width = style.stroke_width();
        if width <= 1 {
            return self.inner.draw_path(path, style);
        }
        let color = style.color();
        let mut points: Vec<BackendCoord> = path.into_iter().collect();
        points.dedup();
        let half = f64::from(width) / 2.0;
        let last = points.len().saturating_sub(2);
        for (index, pair) in points.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let length = dx.hypot(dy);
            // Half the width along the segment and across it.
            let (ux, uy) = (dx / length * half, dy / length * half);
            let (nx, ny) = (-uy, ux);
            let before = if index > 0 { 1.0 } else { 0.0 };
            let after = if index < last { 1.0 } else { 0.0 };
            let corner = |p: BackendCoord, along: f64, across: f64| {
                (
                    f64::from(p.0) + along * ux + across * nx,
                    f64::from(p.1) + along * uy + across * ny,
                )
            };
            let corners = [
                corner(a, -before, 1.0),
                corner(b, after, 1.0),
                corner(b, after, -1.0),
                corner(a, -before, -1.0),
            ];
            if a.0 == b.0 || a.1 == b.1 {
                // Axis-aligned, as every staircase edge: an exact rectangle, `width` pixels
                // across (the fill's lower-right corner is exclusive).
                let xs = corners.map(|c| c.0);
                let ys = corners.map(|c| c.1);
                let low = |v: [f64; 4]| v.into_iter().fold(f64::INFINITY, f64::min).round() as i32;
                let high =
                    |v: [f64; 4]| v.into_iter().fold(f64::NEG_INFINITY, f64::max).round() as i32;
                self.inner
                    .draw_rect((low(xs), low(ys)), (high(xs), high(ys)), &color, true)?;
            } else {
                self.inner.fill_polygon(
                    corners.map(|(x, y)| (x.round() as i32, y.round() as i32)),
                    &color,
                )?;
            }
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vertices, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let Some(font) = font() else {
            return self.inner.draw_text(text, style, pos);
        };
        let scaled = font.as_scaled(style.size() as f32);

        // The same advances and kerning plotters measured the text with.
        let mut caret = 0f32;
        let mut previous = None;
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(before) = previous {
                caret += scaled.kern(before, id);
            }
            glyphs.push((id, caret));
            caret += scaled.h_advance(id);
            previous = Some(id);
        }
        let width = caret as i32;
        let height = (style.size() / SIZE_PER_BOX_HEIGHT) as i32;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        // The font's ascent-to-descent band centred in the box.
        let baseline = height as f32 / 2.0 + (scaled.ascent() + scaled.descent()) / 2.0;
        let transform = style.transform();
        let (image_width, image_height) = self.get_size();
        let mut coverage = Vec::new();
        for (id, x) in glyphs {
            let glyph = id.with_scale_and_position(scaled.scale(), point(x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue; // a space
            };
            let bounds = outline.px_bounds();
            coverage.clear();
            outline.draw(|gx, gy, amount| {
                if amount > 0.0 {
                    coverage.push((
                        bounds.min.x as i32 + gx as i32,
                        bounds.min.y as i32 + gy as i32,
                        amount.min(1.0),
                    ));
                }
            });
            for &(gx, gy, amount) in &coverage {
                let (tx, ty) = transform.transform(gx + dx, gy + dy);
                let (x, y) = (pos.0 + tx, pos.1 + ty);
                if x >= 0 && y >= 0 && (x as u32) < image_width && (y as u32) < image_height {
                    self.inner.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha: color.alpha * f64::from(amount),
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}
