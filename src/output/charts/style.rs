//! Shared look of the charts: size, fonts, colours, number formats and the
//! categorical axis used by the horizontal bar charts.
//!
//! Text needs no font file: plotters' SVG backend writes `<text>` elements and
//! the viewer lays them out; without the `ttf`/`ab_glyph` features plotters
//! only estimates text extents (about 0.45 em per byte), which is enough for
//! sizing label areas.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width of every chart (pixels).
pub const WIDTH: u32 = 800;
/// Height of a chart with a fixed number of elements (pixels).
pub const HEIGHT: u32 = 500;

/// Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Dark grey for text, axes and reference lines.
pub const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
/// Light grey for "nothing to see here" areas (personnel arrived, shading).
pub const PALE: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// `colour` at `alpha` over white, as an opaque colour (for bands drawn
/// over each other and for their legend swatches).
pub fn tint(colour: RGBColor, alpha: f64) -> RGBColor {
    let mix = |c: u8| (f64::from(c) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// Further colours for categories beyond the named ones (clause texts).
pub const EXTRA: [RGBColor; 8] = [
    BLUE,
    SKY,
    GREEN,
    YELLOW,
    RGBColor(0x88, 0x22, 0x55),
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x99, 0x99, 0x33),
];

/// A sans-serif font whose SVG `font-size` is `px` pixels (plotters divides by 1.24).
pub fn font(px: f64) -> TextStyle<'static> {
    ("sans-serif", px * 1.24).into_font().color(&INK)
}

/// Chart title font.
pub fn title_font() -> TextStyle<'static> {
    ("sans-serif", 20.0 * 1.24)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK)
}

/// Axis description font ("probability").
pub fn desc_font() -> TextStyle<'static> {
    font(15.0)
}

/// Tick label font.
pub fn label_font() -> TextStyle<'static> {
    font(13.0)
}

/// Text anchored at its left end, vertically centred.
pub fn left_text(px: f64) -> TextStyle<'static> {
    font(px).pos(Pos::new(HPos::Left, VPos::Center))
}

/// Text anchored at its right end, vertically centred.
pub fn right_text(px: f64) -> TextStyle<'static> {
    font(px).pos(Pos::new(HPos::Right, VPos::Center))
}

/// Text centred both ways.
pub fn centred_text(px: f64) -> TextStyle<'static> {
    font(px).pos(Pos::new(HPos::Center, VPos::Center))
}

/// Rough rendered width of `text` at `px` pixels in a sans-serif font.
pub fn text_width(text: &str, px: f64) -> u32 {
    (text.chars().count() as f64 * px * 0.56).ceil() as u32
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Width of a label area that holds the longest of `labels` (pixels), within bounds.
pub fn label_area_width(labels: &[String], px: f64) -> u32 {
    let widest = labels.iter().map(|l| text_width(l, px)).max().unwrap_or(0);
    (widest + 16).clamp(60, 320)
}

/// A probability tick: "0", "0.25", "1".
pub fn fmt_tick(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A count of people with thousands separators: 12,500.
pub fn fmt_people(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A probability as people read it: three decimals (0.623), or two
/// significant digits when it is below 0.001 but not zero (0.0000051), so
/// that a rare outcome does not read as impossible.
pub fn fmt_prob(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.001 {
        let decimals = (1.0 - v.abs().log10().floor()) as usize;
        let s = format!("{v:.decimals$}");
        s.trim_end_matches('0').to_string()
    } else {
        format!("{v:.3}")
    }
}

/// A probability over `trials` trials as people read it: [`fmt_prob`],
/// or a count when rare ("1 in 200,000") if the trials are known.
pub fn fmt_chance(v: f64, trials: Option<u64>) -> String {
    match trials {
        Some(n) if n > 0 => crate::output::words::prob(v, n),
        _ => fmt_prob(v),
    }
}

/// A month count: 3, 4.5.
pub fn fmt_month(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{:.1}", v)
    }
}

/// An axis for `n` categories at 0, 1, .., n-1, each with a tick of its own
/// (the numeric axes choose "nice" ticks instead).
pub struct CategoryAxis {
    n: usize,
}

/// The axis of `n` categories (at least one).
pub fn category_axis(n: usize) -> CategoryAxis {
    CategoryAxis { n: n.max(1) }
}

impl Ranged for CategoryAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value + 0.5) / self.n as f64;
        limit.0 + (share * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.n).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.n as f64 - 0.5
    }
}

/// The category at an axis position made by [`category_axis`]; `None` between ticks.
pub fn category_at(v: f64, n: usize) -> Option<usize> {
    let i = v.round();
    if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
        Some(i as usize)
    } else {
        None
    }
}

/// A nice upper bound for an axis that must show `max`.
pub fn nice_max(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * magnitude >= max {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// A plotting area with real numbers on both axes.
pub type Plot<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draws the grid and axes of a chart whose y axis is a probability.
pub fn draw_probability_mesh(
    chart: &mut Plot,
    x_desc: &str,
    x_format: &dyn Fn(&f64) -> String,
) -> anyhow::Result<()> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("probability")
        .axis_desc_style(desc_font())
        .label_style(label_font())
        .x_label_formatter(x_format)
        .y_label_formatter(&|v| fmt_tick(*v))
        .max_light_lines(0)
        .bold_line_style(INK.mix(0.12))
        .draw()?;
    Ok(())
}

/// Draws a 95% interval, given as (x, low, high) points, as a shaded band
/// with a legend entry.
pub fn draw_band(chart: &mut Plot, band: &[(f64, f64, f64)], label: &str) -> anyhow::Result<()> {
    if band.is_empty() {
        return Ok(());
    }
    let mut outline: Vec<(f64, f64)> = band.iter().map(|(x, _, h)| (*x, *h)).collect();
    outline.extend(band.iter().rev().map(|(x, l, _)| (*x, *l)));
    chart
        .draw_series(std::iter::once(Polygon::new(
            outline,
            BLUE.mix(0.2).filled(),
        )))?
        .label(label)
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], BLUE.mix(0.2).filled()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_people(12500.0), "12,500");
        assert_eq!(fmt_people(999.0), "999");
        assert_eq!(fmt_people(1000.0), "1,000");
        assert_eq!(fmt_people(-1234567.0), "-1,234,567");
        assert_eq!(fmt_tick(0.0), "0");
        assert_eq!(fmt_tick(0.25), "0.25");
        assert_eq!(fmt_tick(1.0), "1");
        assert_eq!(fmt_tick(0.4), "0.4");
        assert_eq!(fmt_prob(0.18149999), "0.181");
        assert_eq!(fmt_prob(0.0), "0.000");
        assert_eq!(fmt_prob(1.0), "1.000");
        assert_eq!(fmt_prob(0.000005), "0.000005");
        assert_eq!(fmt_prob(0.00002832410980122599), "0.000028");
        assert_eq!(fmt_prob(0.0000008826233199317767), "0.00000088");
        assert_eq!(fmt_prob(0.00099), "0.00099");
        assert_eq!(fmt_month(4.0), "4");
        assert_eq!(fmt_month(4.5), "4.5");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }

    #[test]
    fn axes() {
        assert_eq!(category_at(2.0, 3), Some(2));
        assert_eq!(category_at(2.5, 3), None);
        assert_eq!(category_at(3.0, 3), None);
        assert_eq!(nice_max(11800.0), 12000.0);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(1.0), 1.0);
    }
}
