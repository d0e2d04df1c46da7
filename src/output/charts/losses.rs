//! Where the pledged personnel goes (losses.csv): a waterfall from the
//! personnel pledged by all contributors, down through each stage where it
//! is lost (declined, vetoed, each condition, withdrew, left, late, not
//! delivered) to what is in theatre; below it, each contributor's pledge
//! split into the same stages, so that the large losses stand out from the
//! frequent but small ones.

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    BLUE, GREEN, INK, ORANGE, PALE, PURPLE, SKY, VERMILLION, WIDTH, YELLOW, category_at,
    category_axis, desc_font, fmt_people, label_area_width, label_font, left_text, nice_max,
    shorten, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Where the pledged personnel goes";

/// Height of one bar's row (pixels).
const ROW: u32 = 28;

/// Where a stage sits in the waterfall: the blockers in their order
/// (declined, vetoed, the clauses, withdrew, left, late), then not
/// delivered, then in theatre.
fn rank(stage: &str) -> u8 {
    match stage {
        "declined" => 0,
        "vetoed" => 1,
        "withdrew" => 3,
        "left" => 4,
        "late" => 5,
        "not delivered" => 6,
        "in theatre" => 7,
        _ => 2,
    }
}

/// Stages with their values in the order of the waterfall; clauses keep
/// their order.
pub(crate) fn waterfall_order<T: Clone>(stages: &[(String, T)]) -> Vec<(String, T)> {
    let mut out = stages.to_vec();
    out.sort_by_key(|(s, _)| rank(s));
    out
}

/// Colours for clause stages (green is kept for "in theatre").
const CLAUSES: [RGBColor; 6] = [
    BLUE,
    SKY,
    YELLOW,
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0x99, 0x99, 0x33),
];

/// The colour of each stage, in the order given.
fn colours(stages: &[String]) -> Vec<RGBColor> {
    let mut clause = 0;
    stages
        .iter()
        .map(|s| match s.as_str() {
            "declined" => ORANGE,
            "vetoed" => VERMILLION,
            "withdrew" => RGBColor(0x88, 0x22, 0x55),
            "left" => RGBColor(0xAA, 0x66, 0x99),
            "late" => PURPLE,
            "not delivered" => PALE,
            "in theatre" => GREEN,
            _ => {
                clause += 1;
                CLAUSES[(clause - 1) % CLAUSES.len()]
            }
        })
        .collect()
}

/// One bar: its row, from and to (people), colour and the text beside it.
struct Bar {
    /// Its row, from the top.
    row: usize,
    /// Where it starts (people).
    from: f64,
    /// Where it ends (people).
    to: f64,
    colour: RGBColor,
    /// The value written beside it ("−4,275").
    text: String,
}

pub(super) fn svg(table: &Table) -> Result<String> {
    let contributor = table.strings("contributor")?;
    let stage = table.strings("stage")?;
    let mean = table.numbers("mean_personnel")?;
    let rows: Vec<(&str, &str, f64)> = contributor
        .iter()
        .zip(&stage)
        .zip(&mean)
        .map(|((c, s), m)| (*c, *s, m.unwrap_or(0.0)))
        .collect();
    let all: Vec<(String, f64)> = waterfall_order(
        &rows
            .iter()
            .filter(|r| r.0 == "(all)")
            .map(|r| (r.1.to_string(), r.2))
            .collect::<Vec<_>>(),
    );
    let stages: Vec<String> = all.iter().map(|(s, _)| s.clone()).collect();
    let palette = colours(&stages);
    let colour_of = |s: &str| {
        stages
            .iter()
            .position(|x| x == s)
            .map_or(INK, |i| palette[i])
    };
    let mut names: Vec<&str> = Vec::new();
    for r in &rows {
        if r.0 != "(all)" && !names.contains(&r.0) {
            names.push(r.0);
        }
    }

    // The waterfall: pledged, each loss from what remains, in theatre.
    let pledged: f64 = all.iter().map(|(_, v)| v).sum();
    let mut bars = vec![Bar {
        row: 0,
        from: 0.0,
        to: pledged,
        colour: INK,
        text: fmt_people(pledged),
    }];
    let mut remaining = pledged;
    for (i, (s, v)) in all.iter().enumerate() {
        let (from, to) = if s == "in theatre" {
            (0.0, *v)
        } else {
            remaining -= v;
            (remaining, remaining + v)
        };
        let text = if s == "in theatre" || fmt_people(*v) == "0" {
            fmt_people(*v)
        } else if *v < 0.0 {
            format!("+{}", fmt_people(-v))
        } else {
            format!("−{}", fmt_people(*v))
        };
        bars.push(Bar {
            row: i + 1,
            from: from.min(to),
            to: from.max(to),
            colour: colour_of(s),
            text,
        });
    }
    let mut top_labels = vec!["pledged".to_string()];
    top_labels.extend(stages.iter().map(|s| shorten(s, 36)));

    // Per contributor: its pledge split into the stages, in waterfall order.
    let split: Vec<Vec<(String, f64)>> = names
        .iter()
        .map(|n| {
            waterfall_order(
                &rows
                    .iter()
                    .filter(|r| r.0 == *n)
                    .map(|r| (r.1.to_string(), r.2))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let widest = split
        .iter()
        .map(|s| s.iter().map(|(_, v)| v.max(0.0)).sum::<f64>())
        .fold(0.0, f64::max);
    let names_short: Vec<String> = names.iter().map(|n| shorten(n, 36)).collect();
    let label_w = label_area_width(
        &top_labels
            .iter()
            .chain(&names_short)
            .cloned()
            .collect::<Vec<_>>(),
        13.0,
    );
    let entries: Vec<Entry> = stages
        .iter()
        .zip(&palette)
        .map(|(s, c)| Entry::new(Mark::Swatch(*c), shorten(s, 50)))
        .collect();
    let left = 12 + label_w as i32;
    let legend_h = legend::height(&entries, left, WIDTH as i32);
    let upper_h = 90 + ROW * top_labels.len() as u32;
    let lower_h = 110 + ROW * names.len() as u32;
    let height = 40 + upper_h + legend_h + lower_h;

    render((WIDTH, height), |root| {
        let root = root.titled(TITLE, title_font())?;
        if all.is_empty() {
            return no_data(&root, "no stages in losses.csv");
        }
        let (upper, rest) = root.split_vertically(upper_h);
        let (legend_area, lower) = rest.split_vertically(legend_h + 8);
        let x_max = nice_max(pledged * 1.12);
        let n = top_labels.len();
        let mut chart = ChartBuilder::on(&upper)
            .caption("all contributors (mean per trial)", label_font())
            .margin(12)
            .margin_right(28)
            .x_label_area_size(44)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, category_axis(n))?;
        chart
            .configure_mesh()
            .x_desc("personnel (people)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_people(*v))
            .y_label_formatter(&|v| match category_at(*v, n) {
                Some(i) => top_labels[n - 1 - i].clone(),
                None => String::new(),
            })
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        let (bx, by) = upper.get_base_pixel();
        for b in &bars {
            let y = (n - 1 - b.row) as f64;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(b.from, y - 0.35), (b.to, y + 0.35)],
                b.colour.filled(),
            )))?;
            let (px, py) = chart.backend_coord(&(b.to, y));
            upper.draw(&Text::new(
                b.text.clone(),
                (px - bx + 6, py - by),
                left_text(12.0),
            ))?;
        }

        legend::draw(&legend_area, &entries, left)?;

        let m = names.len();
        let x_max = nice_max(widest * 1.05);
        let mut chart = ChartBuilder::on(&lower)
            .caption("each contributor's pledge (mean per trial)", label_font())
            .margin(12)
            .margin_right(28)
            .x_label_area_size(44)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..x_max, category_axis(m))?;
        chart
            .configure_mesh()
            .x_desc("personnel (people)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_people(*v))
            .y_label_formatter(&|v| match category_at(*v, m) {
                Some(i) => names_short[m - 1 - i].clone(),
                None => String::new(),
            })
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        for (i, parts) in split.iter().enumerate() {
            let y = (m - 1 - i) as f64;
            let mut x = 0.0;
            for (s, v) in parts {
                if *v > 0.0 {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x, y - 0.35), (x + v, y + 0.35)],
                        colour_of(s).filled(),
                    )))?;
                    x += v;
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_blockers_then_delivery() {
        let stages: Vec<(String, u8)> = [
            "declined",
            "late",
            "not delivered",
            "in theatre",
            "un_mandate",
            "withdrew",
            "vetoed",
            "joined(A)",
        ]
        .iter()
        .map(|s| (s.to_string(), 0))
        .collect();
        let order: Vec<String> = waterfall_order(&stages).into_iter().map(|s| s.0).collect();
        assert_eq!(
            order,
            [
                "declined",
                "vetoed",
                "un_mandate",
                "joined(A)",
                "withdrew",
                "late",
                "not delivered",
                "in theatre"
            ]
        );
    }
}
