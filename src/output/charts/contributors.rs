//! Who joins: P(joined) per contributor with its interval, and how often it
//! was pivotal (success would have failed without it).

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    BLUE, HEIGHT, INK, ORANGE, WIDTH, category_at, category_axis, desc_font, fmt_tick,
    label_area_width, label_font, shorten, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Contributors: chance of joining and of being pivotal";

pub(super) fn svg(table: &Table) -> Result<String> {
    let names: Vec<String> = table
        .strings("contributor")?
        .iter()
        .map(|n| shorten(n, 40))
        .collect();
    let joined = table.numbers("p_joined")?;
    let lo = table.numbers("ci_low")?;
    let hi = table.numbers("ci_high")?;
    let pivotal = table.numbers("p_pivotal")?;
    let n = names.len();

    let entries = [
        Entry::new(Mark::Swatch(BLUE), "P(joined)"),
        Entry::new(Mark::Line(INK), "95% interval of P(joined)"),
        Entry::new(Mark::Swatch(ORANGE), "P(pivotal): success fails without it"),
    ];
    let label_w = label_area_width(&names, 13.0);
    let left = 12 + label_w as i32;
    let legend_h = legend::height(&entries, left, WIDTH as i32);
    let height = HEIGHT.max(130 + legend_h + 40 * n as u32);

    render((WIDTH, height), |root| {
        let root = root.titled(TITLE, title_font())?;
        if n == 0 {
            return no_data(&root, "no contributors in contributors.csv");
        }
        let (top, plot) = root.split_vertically(legend_h);
        legend::draw(&top, &entries, left)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..1.0, category_axis(n))?;
        chart
            .configure_mesh()
            .x_desc("probability")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| match category_at(*v, n) {
                Some(i) => names[n - 1 - i].clone(),
                None => String::new(),
            })
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        for i in 0..n {
            let y = (n - 1 - i) as f64;
            if let Some(p) = joined[i] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.04), (p, y + 0.40)],
                    BLUE.filled(),
                )))?;
                if let (Some(l), Some(h)) = (lo[i], hi[i]) {
                    // The interval as a line with end caps.
                    let key = y + 0.22;
                    let style = INK.stroke_width(2);
                    chart.draw_series([
                        PathElement::new(vec![(l, key), (h, key)], style),
                        PathElement::new(vec![(l, key - 0.12), (l, key + 0.12)], style),
                        PathElement::new(vec![(h, key - 0.12), (h, key + 0.12)], style),
                    ])?;
                }
            }
            if let Some(p) = pivotal[i] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.40), (p, y - 0.04)],
                    ORANGE.filled(),
                )))?;
            }
        }
        Ok(())
    })
}
