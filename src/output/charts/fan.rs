//! Personnel in theatre by month as a fan: the median, the middle half and
//! the middle 90% of the trials, with the target and the milestones as
//! horizontal lines, so that one sees both what typically arrives and how
//! far the lucky years go.

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    BLUE, INK, ORANGE, VERMILLION, WIDTH, desc_font, fmt_month, fmt_people, label_font, left_text,
    nice_max, tint, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Personnel in theatre by month";
const HEIGHT: u32 = 560;

/// Points (month, low, high) of a band between two quantile columns.
fn band(month: &[Option<f64>], lo: &[Option<f64>], hi: &[Option<f64>]) -> Vec<(f64, f64, f64)> {
    month
        .iter()
        .zip(lo.iter().zip(hi))
        .filter_map(|(m, (l, h))| Some(((*m)?, (*l)?, (*h)?)))
        .collect()
}

/// The outline of a band as a polygon.
fn outline(band: &[(f64, f64, f64)]) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = band.iter().map(|(x, _, h)| (*x, *h)).collect();
    points.extend(band.iter().rev().map(|(x, l, _)| (*x, *l)));
    points
}

/// `milestones` and `target` are levels in people drawn across the chart.
pub(super) fn svg(table: &Table, milestones: &[f64], target: Option<f64>) -> Result<String> {
    let month = table.numbers("month")?;
    let dates = table.strings("date")?;
    let q: Vec<Vec<Option<f64>>> = ["p05", "p25", "p50", "p75", "p95"]
        .iter()
        .map(|c| table.numbers(c))
        .collect::<Result<_>>()?;
    let mean = table.numbers("mean")?;
    let wide = band(&month, &q[0], &q[4]);
    let middle = band(&month, &q[1], &q[3]);
    let series = |ys: &[Option<f64>]| -> Vec<(f64, f64)> {
        month
            .iter()
            .zip(ys)
            .filter_map(|(m, y)| Some(((*m)?, (*y)?)))
            .collect()
    };
    let median = series(&q[2]);
    let mean = series(&mean);
    let x_max = month.iter().flatten().fold(0.0, |a: f64, b| a.max(*b));
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let highest = wide.iter().map(|b| b.2).fold(0.0, f64::max);
    let levels: Vec<f64> = milestones
        .iter()
        .copied()
        .filter(|m| Some(*m) != target)
        .collect();
    let top = levels
        .iter()
        .chain(target.iter())
        .fold(highest, |a, b| a.max(*b));
    let y_max = nice_max(top * 1.08);
    let start = month
        .iter()
        .zip(&dates)
        .find(|(m, d)| **m == Some(0.0) && !d.trim().is_empty())
        .map(|(_, d)| d.trim().to_string());
    let x_desc = match &start {
        Some(d) => format!("month (month 0 = {d})"),
        None => "month".to_string(),
    };
    let mut entries = vec![
        Entry::new(Mark::Swatch(tint(BLUE, 0.18)), "middle 90% of trials"),
        Entry::new(Mark::Swatch(tint(BLUE, 0.45)), "middle half"),
        Entry::new(Mark::Line(BLUE), "median"),
        Entry::new(Mark::Line(ORANGE), "mean"),
    ];
    if target.is_some() {
        entries.push(Entry::new(Mark::Dashed(VERMILLION), "target"));
    }
    if !levels.is_empty() {
        entries.push(Entry::new(Mark::Dashed(INK), "milestones"));
    }
    let left = 92;
    let legend_h = legend::height(&entries, left, WIDTH as i32);

    render((WIDTH, HEIGHT + legend_h), |root| {
        let root = root.titled(TITLE, title_font())?;
        if median.is_empty() {
            return no_data(&root, "no months in fan.csv");
        }
        let (top, plot) = root.split_vertically(legend_h);
        legend::draw(&top, &entries, left)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(70)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
        chart
            .configure_mesh()
            .x_desc(x_desc.as_str())
            .y_desc("personnel in theatre (people)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_month(*v))
            .y_label_formatter(&|v| fmt_people(*v))
            .y_labels(6)
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        chart.draw_series(std::iter::once(Polygon::new(
            outline(&wide),
            tint(BLUE, 0.18).filled(),
        )))?;
        chart.draw_series(std::iter::once(Polygon::new(
            outline(&middle),
            tint(BLUE, 0.45).filled(),
        )))?;
        chart.draw_series(LineSeries::new(median.clone(), BLUE.stroke_width(3)))?;
        chart.draw_series(LineSeries::new(mean.clone(), ORANGE.stroke_width(2)))?;
        let level_lines = levels
            .iter()
            .map(|l| (*l, tint(INK, 0.55), 1))
            .chain(target.map(|t| (t, VERMILLION, 2)));
        let (bx, by) = plot.get_base_pixel();
        for (level, colour, width) in level_lines {
            chart.draw_series(DashedLineSeries::new(
                vec![(0.0, level), (x_max, level)],
                6,
                5,
                colour.stroke_width(width),
            ))?;
            let (px, py) = chart.backend_coord(&(x_max, level));
            plot.draw(&Text::new(
                fmt_people(level),
                (px - bx + 6, py - by),
                left_text(12.0),
            ))?;
        }
        Ok(())
    })
}
