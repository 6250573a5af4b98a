//! The embedded font: registered with plotters, and text measured the way plotters measures it,
//! so that a title or a legend name is cut to fit in one pass however long it is.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScaleFont, ScaleFont};
use plotters::style::FontStyle;

/// DejaVu Sans (licence in `assets/fonts/`).
const FONT_BYTES: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// The family name the font is registered under. Generic, so that an SVG viewer substitutes
/// its own sans-serif font for the `<text>` elements.
pub const FAMILY: &str = "sans-serif";

/// What ends a cut text.
const ELLIPSIS: char = '…';

pub fn font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Makes the embedded font plotters' `sans-serif`, once.
pub fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if registered && font().is_some() {
        Ok(())
    } else {
        Err("the embedded font cannot be read".into())
    }
}

/// `text` at `size`, or smaller (down to 60%), or cut with an ellipsis, to fit `room` pixels.
pub fn fit_shrinking(text: &str, size: f64, room: i32) -> (String, f64) {
    let mut current = size;
    while current > size * 0.6 {
        if fits(text, current, room) {
            return (text.to_string(), current);
        }
        current -= 1.0;
    }
    (cut(text, current, room), current)
}

/// `text`, or as much of it as fits `room` pixels at `size` followed by an ellipsis.
pub fn fit(text: &str, size: f64, room: i32) -> String {
    if fits(text, size, room) {
        text.to_string()
    } else {
        cut(text, size, room)
    }
}

/// The pen position after each glyph of a text, summed as plotters' `estimate_layout` sums
/// it (advance, then kerning with the glyph before, in f32), so that a width found here is
/// the width plotters lays the text out with.
#[derive(Clone)]
struct Pen<'a> {
    font: PxScaleFont<&'a FontRef<'static>>,
    x: f32,
    previous: Option<GlyphId>,
}

impl<'a> Pen<'a> {
    fn new(font: &'a FontRef<'static>, size: f64) -> Pen<'a> {
        Pen {
            font: font.as_scaled(size as f32),
            x: 0.0,
            previous: None,
        }
    }

    fn advance(&mut self, c: char) -> f32 {
        let id = self.font.glyph_id(c);
        self.x += self.font.h_advance(id);
        if let Some(before) = self.previous {
            self.x += self.font.kern(before, id);
        }
        self.previous = Some(id);
        self.x
    }

    /// Whether the pen is so far past `room` that no longer text can come back within it:
    /// kerning pulls a glyph back by a fraction of an em, never by two.
    fn beyond(&self, room: i32, size: f64) -> bool {
        f64::from(self.x) > f64::from(room) + 2.0 * size
    }
}

/// Whether `text` at `size` is at most `room` pixels wide; reads no further than needed.
fn fits(text: &str, size: f64, room: i32) -> bool {
    let Some(font) = font() else {
        return false;
    };
    let mut pen = Pen::new(font, size);
    for c in text.chars() {
        pen.advance(c);
        if pen.beyond(room, size) {
            return false;
        }
    }
    pen.x as i32 <= room
}

/// The longest shorter start of `text` (trailing spaces dropped) that fits `room` with an
/// ellipsis after it; empty if not even the ellipsis fits. One pass, stopping once the text
/// is past the room.
fn cut(text: &str, size: f64, room: i32) -> String {
    let Some(font) = font() else {
        return String::new();
    };
    let mut pen = Pen::new(font, size);
    let with_ellipsis = |pen: &Pen| {
        let mut after = pen.clone();
        after.advance(ELLIPSIS) as i32 <= room
    };
    // Bytes of `text` kept before the ellipsis, and the pen after the last of them.
    let mut kept = with_ellipsis(&pen).then_some(0);
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        pen.advance(c);
        if chars.peek().is_none() || pen.beyond(room, size) {
            break;
        }
        if !c.is_whitespace() && with_ellipsis(&pen) {
            kept = Some(start + c.len_utf8());
        }
    }
    match kept {
        Some(end) => format!("{}{ELLIPSIS}", &text[..end]),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// plotters' own measure of `text`, as the chart code asks for it.
    fn plotters_width(text: &str, size: f64) -> i32 {
        use plotters::prelude::*;
        register().unwrap();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (10, 10)).into_drawing_area();
        let style = TextStyle::from((FAMILY, size).into_font());
        root.estimate_text_size(text, &style).unwrap().0 as i32
    }

    #[test]
    fn widths_agree_with_plotters() {
        for text in ["learning rate", "AV To Wa", "iteration 0…", "", "x"] {
            for size in [11.0, 15.0, 22.0] {
                let width = plotters_width(text, size);
                assert!(fits(text, size, width), "{text} at {size}");
                assert!(!fits(text, size, width - 1) || text.is_empty(), "{text}");
            }
        }
    }

    #[test]
    fn cut_keeps_the_longest_start_that_fits() {
        let text = "a title that is too long";
        let room = plotters_width("a title that…", 15.0);
        assert_eq!(fit(text, 15.0, room), "a title that…");
        // Trailing spaces go before the ellipsis.
        assert_eq!(fit(text, 15.0, room - 1), "a title tha…");
        assert_eq!(fit(text, 15.0, plotters_width(text, 15.0)), text);
        assert_eq!(fit(text, 15.0, 0), "");
    }

    #[test]
    fn shrinks_before_cutting() {
        let text = "learning rate";
        let full = plotters_width(text, 22.0);
        assert_eq!(fit_shrinking(text, 22.0, full), (text.to_string(), 22.0));
        let (shrunk, size) = fit_shrinking(text, 22.0, full - 10);
        assert_eq!(shrunk, text);
        assert!(size < 22.0 && size > 22.0 * 0.6, "{size}");
        let (cut, _) = fit_shrinking(text, 22.0, full / 3);
        assert!(cut.ends_with('…') && cut.len() < text.len(), "{cut}");
    }

    #[test]
    fn a_huge_text_is_read_only_as_far_as_it_could_fit() {
        let huge = "x".repeat(50_000_000);
        let started = std::time::Instant::now();
        let (title, _) = fit_shrinking(&huge, 22.0, 1000);
        assert!(
            title.ends_with('…') && title.chars().count() < 200,
            "{}",
            title.len()
        );
        // A bound against a quadratic or whole-text measure, not a benchmark: one pass over
        // the first few hundred characters takes microseconds.
        assert!(started.elapsed().as_secs() < 5);
    }
}
