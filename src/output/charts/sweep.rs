//! A sweep's P(success) against the values of one varied path (a line with
//! its interval) or two (a heat map).

use std::collections::HashMap;

use anyhow::{Result, bail};
use plotters::prelude::*;

use super::style::{
    BLUE, HEIGHT, INK, ORANGE, WIDTH, category_at, category_axis, centred_text, desc_font,
    draw_band, draw_probability_mesh, fmt_people, fmt_tick, font, label_font, shorten, title_font,
};
use super::table::{Table, parse_number};
use super::{no_data, render};

/// Title of a sweep chart over `varied`.
pub fn title(varied: &[String]) -> String {
    let names: Vec<String> = varied.iter().map(|v| shorten(v, 36)).collect();
    format!("P(success) by {}", names.join(" and "))
}

pub(super) fn svg(table: &Table, varied: &[String]) -> Result<String> {
    match varied {
        [one] => line(table, one, &title(varied)),
        [x, y] => heat_map(table, x, y, &title(varied)),
        _ => bail!(
            "a sweep chart shows one or two varied paths, not {}",
            varied.len()
        ),
    }
}

/// The distinct values of a column in display order: numerically sorted when
/// every value is a number, else in order of first appearance.
fn axis_values(cells: &[&str]) -> (Vec<String>, bool) {
    let mut values: Vec<String> = Vec::new();
    for c in cells {
        if !values.iter().any(|v| v == c) {
            values.push(c.to_string());
        }
    }
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|v| parse_number(v).ok().flatten())
        .collect();
    match numbers {
        Some(nums) if !values.is_empty() => {
            let mut pairs: Vec<(f64, String)> = nums.into_iter().zip(values).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            (pairs.into_iter().map(|(_, v)| v).collect(), true)
        }
        _ => (values, false),
    }
}

/// A value of a varied path as a tick label: 12,500 or 0.75.
fn fmt_value(v: f64) -> String {
    if v.abs() >= 1000.0 && v.fract() == 0.0 {
        fmt_people(v)
    } else {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.into() }
    }
}

/// Shows every k-th of `n` tick labels so that about `fit` fit.
fn tick_every(n: usize, fit: usize) -> usize {
    n.div_ceil(fit.max(1)).max(1)
}

fn line(table: &Table, path: &str, title: &str) -> Result<String> {
    let cells = table.strings(path)?;
    let p = table.numbers("p_success")?;
    let lo = table.numbers("ci_low")?;
    let hi = table.numbers("ci_high")?;
    let reached = table.numbers("p_target_reached")?;
    let (values, numeric) = axis_values(&cells);
    // Position of each row on the x axis.
    let x_of = |cell: &str| -> f64 {
        if numeric {
            parse_number(cell).ok().flatten().unwrap_or(0.0)
        } else {
            values.iter().position(|v| v == cell).unwrap_or(0) as f64
        }
    };
    /// One sweep point: position on the x axis, P(success), its interval, P(target reached).
    struct Point {
        x: f64,
        p: Option<f64>,
        ci: Option<(f64, f64)>,
        reached: Option<f64>,
    }
    let mut rows: Vec<Point> = (0..cells.len())
        .map(|i| Point {
            x: x_of(cells[i]),
            p: p[i],
            ci: lo[i].zip(hi[i]),
            reached: reached[i],
        })
        .collect();
    rows.sort_by(|a, b| a.x.total_cmp(&b.x));
    let x_desc = shorten(path, 70);

    render((WIDTH, HEIGHT), |root| {
        let root = root.titled(title, title_font())?;
        if rows.is_empty() {
            return no_data(&root, "no sweep points");
        }
        let success: Vec<(f64, f64)> = rows.iter().filter_map(|r| Some((r.x, r.p?))).collect();
        let target: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|r| Some((r.x, r.reached?)))
            .collect();
        let band: Vec<(f64, f64, f64)> = rows
            .iter()
            .filter_map(|r| r.ci.map(|(l, h)| (r.x, l, h)))
            .collect();
        if numeric {
            let (a, z) = (rows[0].x, rows[rows.len() - 1].x);
            let pad = if z > a { 0.0 } else { a.abs().max(1.0) * 0.1 };
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .margin_right(28)
                .x_label_area_size(48)
                .y_label_area_size(64)
                .build_cartesian_2d(a - pad..z + pad, 0f64..1.02)?;
            draw_probability_mesh(&mut chart, x_desc.as_str(), &|v| fmt_value(*v))?;
            draw_band(&mut chart, &band, "95% interval of P(success)")?;
            chart
                .draw_series(DashedLineSeries::new(target, 6, 4, ORANGE.stroke_width(2)))?
                .label("P(target reached)")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], ORANGE.stroke_width(2))
                });
            chart
                .draw_series(LineSeries::new(success.clone(), BLUE.stroke_width(2)))?
                .label("P(success)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
            chart.draw_series(
                success
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 4, BLUE.filled())),
            )?;
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font(font(13.0))
                .background_style(WHITE.mix(0.9))
                .border_style(INK.mix(0.4))
                .draw()?;
        } else {
            let n = values.len();
            let every = tick_every(n, 10);
            let labels: Vec<String> = values.iter().map(|v| shorten(v, 14)).collect();
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .margin_right(28)
                .x_label_area_size(48)
                .y_label_area_size(64)
                .build_cartesian_2d(category_axis(n), 0f64..1.02)?;
            chart
                .configure_mesh()
                .x_desc(x_desc.as_str())
                .y_desc("probability")
                .axis_desc_style(desc_font())
                .label_style(label_font())
                .x_label_formatter(&|v| match category_at(*v, n) {
                    Some(i) if i % every == 0 => labels[i].clone(),
                    _ => String::new(),
                })
                .y_label_formatter(&|v| fmt_tick(*v))
                .disable_x_mesh()
                .max_light_lines(0)
                .bold_line_style(INK.mix(0.12))
                .draw()?;
            for r in &rows {
                if let (Some(p), Some((l, h))) = (r.p, r.ci) {
                    chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                        r.x,
                        l,
                        p,
                        h,
                        BLUE.stroke_width(2),
                        12,
                    )))?;
                }
            }
            chart
                .draw_series(
                    success
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 5, BLUE.filled())),
                )?
                .label("P(success) with 95% interval")
                .legend(|(x, y)| Circle::new((x + 9, y), 5, BLUE.filled()));
            chart
                .draw_series(
                    target
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 5, ORANGE.stroke_width(2))),
                )?
                .label("P(target reached)")
                .legend(|(x, y)| Circle::new((x + 9, y), 5, ORANGE.stroke_width(2)));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font(font(13.0))
                .background_style(WHITE.mix(0.9))
                .border_style(INK.mix(0.4))
                .draw()?;
        }
        Ok(())
    })
}

/// Sequential blue ramp (ColorBrewer "Blues" stops) for probabilities.
fn ramp(p: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (247, 251, 255),
        (198, 219, 239),
        (107, 174, 214),
        (33, 113, 181),
        (8, 48, 107),
    ];
    let t = p.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

fn heat_map(table: &Table, x_path: &str, y_path: &str, title: &str) -> Result<String> {
    let xs = table.strings(x_path)?;
    let ys = table.strings(y_path)?;
    let p = table.numbers("p_success")?;
    let (x_values, _) = axis_values(&xs);
    let (y_values, _) = axis_values(&ys);
    let mut cell: HashMap<(usize, usize), Option<f64>> = HashMap::new();
    for i in 0..xs.len() {
        let xi = x_values.iter().position(|v| v == xs[i]).unwrap_or(0);
        let yi = y_values.iter().position(|v| v == ys[i]).unwrap_or(0);
        cell.insert((xi, yi), p[i]);
    }
    let (nx, ny) = (x_values.len(), y_values.len());
    let x_labels: Vec<String> = x_values.iter().map(|v| shorten(v, 12)).collect();
    let y_labels: Vec<String> = y_values.iter().map(|v| shorten(v, 12)).collect();
    let (x_every, y_every) = (tick_every(nx, 10), tick_every(ny, 14));

    render((WIDTH, HEIGHT), |root| {
        let root = root.titled(title, title_font())?;
        if cell.is_empty() {
            return no_data(&root, "no sweep points");
        }
        let (main, bar) = root.split_horizontally(WIDTH - 110);
        let mut chart = ChartBuilder::on(&main)
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(100)
            .build_cartesian_2d(category_axis(nx), category_axis(ny))?;
        chart
            .configure_mesh()
            .x_desc(shorten(x_path, 60))
            .y_desc(shorten(y_path, 40))
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| match category_at(*v, nx) {
                Some(i) if i % x_every == 0 => x_labels[i].clone(),
                _ => String::new(),
            })
            .y_label_formatter(&|v| match category_at(*v, ny) {
                Some(i) if i % y_every == 0 => y_labels[i].clone(),
                _ => String::new(),
            })
            .disable_mesh()
            .draw()?;
        let plot = chart.plotting_area().dim_in_pixel();
        let show_values = plot.0 as usize / nx >= 40 && plot.1 as usize / ny >= 18;
        for (&(xi, yi), value) in &cell {
            let (x, y) = (xi as f64, yi as f64);
            let fill = match value {
                Some(v) => ramp(*v).filled(),
                None => WHITE.filled(),
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                fill,
            )))?;
            if show_values {
                let (text, colour) = match value {
                    Some(v) => (format!("{v:.2}"), if *v > 0.55 { WHITE } else { INK }),
                    None => ("n/a".to_string(), INK),
                };
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x, y),
                    centred_text(12.0).color(&colour),
                )))?;
            }
        }

        // Colour scale, labelled on its right.
        let mut scale = ChartBuilder::on(&bar)
            .margin_top(44)
            .margin_bottom(72)
            .margin_left(16)
            .margin_right(8)
            .right_y_label_area_size(44)
            .build_cartesian_2d(0f64..1.0, 0f64..1.0)?;
        scale
            .configure_mesh()
            .disable_x_axis()
            .disable_mesh()
            .label_style(label_font())
            .y_label_formatter(&|v| fmt_tick(*v))
            .draw()?;
        let (bar_w, _) = bar.dim_in_pixel();
        bar.draw(&Text::new(
            "P(success)",
            ((bar_w as i32 - 36) / 2 + 8, 28),
            centred_text(13.0),
        ))?;
        let steps = 50;
        scale.draw_series((0..steps).map(|k| {
            let (a, b) = (k as f64 / steps as f64, (k + 1) as f64 / steps as f64);
            Rectangle::new([(0.0, a), (1.0, b)], ramp((a + b) / 2.0).filled())
        }))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_values_sort_by_value() {
        let (v, numeric) = axis_values(&["10", "2", "10", "1.5"]);
        assert!(numeric);
        assert_eq!(v, ["1.5", "2", "10"]);
        let (v, numeric) = axis_values(&["high", "low", "high"]);
        assert!(!numeric);
        assert_eq!(v, ["high", "low"]);
    }

    #[test]
    fn ramp_ends() {
        assert_eq!(ramp(0.0), RGBColor(247, 251, 255));
        assert_eq!(ramp(1.0), RGBColor(8, 48, 107));
        assert_eq!(ramp(2.0), RGBColor(8, 48, 107));
    }

    #[test]
    fn value_ticks() {
        assert_eq!(fmt_value(12500.0), "12,500");
        assert_eq!(fmt_value(0.75), "0.75");
        assert_eq!(fmt_value(12.0), "12");
    }
}
