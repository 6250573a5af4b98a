//! The legend of an overlay: one entry per curve, placed where no curve passes.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::Figure;
use super::{NOTE, PALETTE, Rect, Sizes, TEXT, font, layer_step, style};

/// The legend's last line when curves are layered.
const LAYERS_NOTE: &str = "coinciding curves nest, first listed outermost";

/// One entry per curve, in the first corner (or else side, or else centre) of the plot that no
/// curve passes through; when `nested` (some curves drawn wider beneath others), a last line
/// says how to read that.
pub(super) fn draw_legend<DB: DrawingBackend>(
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
    let pad = sizes.px(10.0);
    let swatch = sizes.px(28.0);
    let inset = sizes.px(10.0);
    // A name too long for the box the plot can hold is cut, measured once.
    let name_room = plot.right - plot.left - 2 * inset - (pad + swatch + pad + pad);
    let names: Vec<String> = figure
        .series
        .iter()
        .map(|series| font::fit(&series.name, sizes.legend, name_room))
        .collect();
    let mut widest = 0;
    for name in &names {
        widest = widest.max(root.estimate_text_size(name, &text_style)?.0 as i32);
    }
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
    for (index, name) in names.into_iter().enumerate() {
        let middle = frame.top + pad + row * index as i32 + row / 2 - pad / 4;
        root.draw(&PathElement::new(
            [(x, middle), (x + swatch, middle)],
            PALETTE[index % PALETTE.len()].stroke_width(sizes.line + 1),
        ))?;
        root.draw(&Text::new(
            name,
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
