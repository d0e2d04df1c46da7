//! Which inputs matter most: the metric of the analysis (P(success) unless
//! `--metric` said otherwise) with each input at its low and its high
//! setting, inputs ordered by swing as tornado.csv lists them.

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    BLUE, HEIGHT, INK, ORANGE, PALE, WIDTH, category_at, category_axis, desc_font, fmt_tick,
    label_area_width, label_font, left_text, right_text, shorten, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Sensitivity of P(success) to each input";

pub(super) fn svg(table: &Table) -> Result<String> {
    let input = table.strings("input")?;
    let low_setting = table.strings("low_setting")?;
    let high_setting = table.strings("high_setting")?;
    // tornado.csv of P(success), or of another metric named in its rows.
    let (p_low, p_high, metric) = if table.col("p_success_low").is_ok() {
        let p = (
            table.numbers("p_success_low")?,
            table.numbers("p_success_high")?,
        );
        (p.0, p.1, "P(success)".to_string())
    } else {
        let name = table
            .strings("metric")?
            .first()
            .map_or("the metric", |m| *m)
            .to_string();
        (
            table.numbers("estimate_low")?,
            table.numbers("estimate_high")?,
            name,
        )
    };
    let probability = metric == "P(success)" || metric.starts_with("p_");
    let title = if metric == "P(success)" {
        TITLE.to_string()
    } else {
        format!("Sensitivity of {metric} to each input")
    };

    struct Bar {
        low: (String, f64),
        high: (String, f64),
    }
    let mut labels = Vec::new();
    let mut bars = Vec::new();
    for i in 0..table.rows.len() {
        if let (Some(l), Some(h)) = (p_low[i], p_high[i]) {
            labels.push(shorten(input[i], 44));
            bars.push(Bar {
                low: (shorten(low_setting[i], 14), l),
                high: (shorten(high_setting[i], 14), h),
            });
        }
    }
    let n = bars.len();
    let all = bars.iter().flat_map(|b| [b.low.1, b.high.1]);
    let (min, max) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p), b.max(p))
    });
    let (min, max) = if n == 0 { (0.0, 1.0) } else { (min, max) };
    let x_range = if probability {
        let span = (max - min).max(0.05);
        (min - 0.35 * span).max(0.0)..(max + 0.35 * span).min(1.0)
    } else {
        let span = (max - min).max(max.abs() * 0.05).max(1e-9);
        (min - 0.35 * span).max(0.0)..(max + 0.35 * span)
    };

    let entries = [
        Entry::new(Mark::Dot(BLUE), format!("{metric} at the low setting")),
        Entry::new(Mark::Dot(ORANGE), format!("{metric} at the high setting")),
    ];
    let label_w = label_area_width(&labels, 13.0);
    let left = 12 + label_w as i32;
    let legend_h = legend::height(&entries, left, WIDTH as i32);
    let height = HEIGHT.max(130 + legend_h + 34 * n as u32);

    render((WIDTH, height), |root| {
        let root = root.titled(&title, title_font())?;
        if n == 0 {
            return no_data(&root, "no inputs with results in tornado.csv");
        }
        let (top, plot) = root.split_vertically(legend_h);
        legend::draw(&top, &entries, left)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(label_w)
            .build_cartesian_2d(x_range.clone(), category_axis(n))?;
        chart
            .configure_mesh()
            .x_desc(if probability {
                format!("{metric} (probability)")
            } else {
                metric.clone()
            })
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_tick(*v))
            .y_label_formatter(&|v| match category_at(*v, n) {
                Some(i) => labels[n - 1 - i].clone(),
                None => String::new(),
            })
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        for (i, b) in bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let (a, z) = (b.low.1.min(b.high.1), b.low.1.max(b.high.1));
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, y - 0.28), (z, y + 0.28)],
                PALE.filled(),
            )))?;
            for ((setting, p), colour) in [(&b.low, BLUE), (&b.high, ORANGE)] {
                chart.draw_series(std::iter::once(Circle::new((*p, y), 6, colour.filled())))?;
                // Setting text beside its end of the bar, on the outside.
                let outside_left = *p < a + (z - a) / 2.0 || (z - a) < 1e-12 && colour == BLUE;
                let (dx, style) = if outside_left {
                    (-10, right_text(12.0))
                } else {
                    (10, left_text(12.0))
                };
                chart.draw_series(std::iter::once(
                    EmptyElement::at((*p, y)) + Text::new(setting.clone(), (dx, 0), style),
                ))?;
            }
        }
        Ok(())
    })
}
