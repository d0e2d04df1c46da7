//! A legend laid out in rows above a chart, for charts whose plot area has no
//! free corner and whose entries (clause texts) can be long.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{left_text, text_width};

/// Height of one legend row (pixels).
const ROW: i32 = 22;
/// Font size of legend text (pixels).
const PX: f64 = 13.0;

/// How an entry's colour is shown.
#[derive(Clone, Copy)]
pub enum Mark {
    /// A filled square, for bars.
    Swatch(RGBColor),
    /// A short line, for lines and intervals.
    Line(RGBColor),
    /// A dashed line, for reference lines.
    Dashed(RGBColor),
    /// A filled dot, for point estimates.
    Dot(RGBColor),
}

/// One legend entry.
pub struct Entry {
    /// Its symbol.
    pub mark: Mark,
    /// Its text.
    pub text: String,
}

impl Entry {
    pub fn new(mark: Mark, text: impl Into<String>) -> Entry {
        Entry {
            mark,
            text: text.into(),
        }
    }
}

/// Top-left corners of the entries when laid out from `left` within `width`, and the height used.
fn layout(entries: &[Entry], left: i32, width: i32) -> (Vec<(i32, i32)>, i32) {
    let mut places = Vec::with_capacity(entries.len());
    let (mut x, mut y) = (left, 4);
    for e in entries {
        let w = 26 + text_width(&e.text, PX) as i32 + 18;
        if x > left && x + w > width {
            x = left;
            y += ROW;
        }
        places.push((x, y));
        x += w;
    }
    (places, if entries.is_empty() { 0 } else { y + ROW + 4 })
}

/// Height (pixels) the entries need when laid out from `left` within `width`.
pub fn height(entries: &[Entry], left: i32, width: i32) -> u32 {
    layout(entries, left, width).1 as u32
}

/// Draws the entries in rows starting at `left`.
pub fn draw(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    entries: &[Entry],
    left: i32,
) -> anyhow::Result<()> {
    let width = area.dim_in_pixel().0 as i32;
    let (places, _) = layout(entries, left, width);
    for (e, &(x, y)) in entries.iter().zip(&places) {
        let mid = y + ROW / 2;
        match e.mark {
            Mark::Swatch(c) => {
                area.draw(&Rectangle::new(
                    [(x, mid - 6), (x + 18, mid + 6)],
                    c.filled(),
                ))?;
            }
            Mark::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x, mid), (x + 18, mid)],
                    c.stroke_width(2),
                ))?;
            }
            Mark::Dashed(c) => {
                area.draw(&PathElement::new(
                    vec![(x, mid), (x + 7, mid)],
                    c.stroke_width(2),
                ))?;
                area.draw(&PathElement::new(
                    vec![(x + 11, mid), (x + 18, mid)],
                    c.stroke_width(2),
                ))?;
            }
            Mark::Dot(c) => {
                area.draw(&Circle::new((x + 9, mid), 5, c.filled()))?;
            }
        }
        area.draw(&Text::new(e.text.clone(), (x + 26, mid), left_text(PX)))?;
    }
    Ok(())
}
