//! How the chances build up over time: P(target reached by month m) and
//! P(success by month m) above, mean arrived personnel by month below.

use anyhow::Result;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::style::{
    BLUE, INK, ORANGE, VERMILLION, WIDTH, desc_font, draw_band, draw_probability_mesh, fmt_month,
    fmt_people, font, label_font, nice_max, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Build-up over time";
const HEIGHT: u32 = 620;

/// The interval columns belong to P(success by month m).
pub(super) fn svg(table: &Table, target: Option<f64>) -> Result<String> {
    let month = table.numbers("month")?;
    let dates = table.strings("date")?;
    let reached = table.numbers("p_target_reached")?;
    let success = table.numbers("p_success")?;
    let lo = table.numbers("ci_low")?;
    let hi = table.numbers("ci_high")?;
    let personnel = table.numbers("mean_personnel")?;

    let series = |ys: &[Option<f64>]| -> Vec<(f64, f64)> {
        month
            .iter()
            .zip(ys)
            .filter_map(|(m, y)| Some(((*m)?, (*y)?)))
            .collect()
    };
    let reached = series(&reached);
    let success = series(&success);
    let personnel = series(&personnel);
    let band: Vec<(f64, f64, f64)> = month
        .iter()
        .zip(lo.iter().zip(&hi))
        .filter_map(|(m, (l, h))| Some(((*m)?, (*l)?, (*h)?)))
        .collect();
    let last_month = month.iter().flatten().fold(0.0, |a: f64, b| a.max(*b));
    let x_max = if last_month > 0.0 { last_month } else { 1.0 };
    // Month 0's calendar date, when the scenario has a start date.
    let start = month
        .iter()
        .zip(&dates)
        .find(|(m, d)| **m == Some(0.0) && !d.trim().is_empty())
        .map(|(_, d)| d.trim().to_string());
    let x_desc = match &start {
        Some(d) => format!("month (month 0 = {d})"),
        None => "month".to_string(),
    };

    render((WIDTH, HEIGHT), |root| {
        let root = root.titled(TITLE, title_font())?;
        if month.iter().all(Option::is_none) {
            return no_data(&root, "no months in timeline.csv");
        }
        let (upper, lower) = root.split_vertically(root.dim_in_pixel().1 * 60 / 100);

        let mut chart = ChartBuilder::on(&upper)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(46)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..x_max, 0f64..1.02)?;
        draw_probability_mesh(&mut chart, x_desc.as_str(), &|v| fmt_month(*v))?;
        draw_band(&mut chart, &band, "95% interval of P(success)")?;
        chart
            .draw_series(LineSeries::new(reached, ORANGE.stroke_width(2)))?
            .label("P(target reached by month m)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], ORANGE.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(success.clone(), BLUE.stroke_width(2)))?
            .label("P(success by month m)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        chart.draw_series(
            success
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 3, BLUE.filled())),
        )?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(font(13.0))
            .background_style(WHITE.mix(0.9))
            .border_style(INK.mix(0.4))
            .draw()?;

        let y_data = personnel.iter().map(|(_, y)| *y).fold(0.0, f64::max);
        let y_max = nice_max(y_data.max(target.unwrap_or(0.0)) * 1.05);
        let mut chart = ChartBuilder::on(&lower)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..x_max, 0f64..y_max)?;
        chart
            .configure_mesh()
            .x_desc(x_desc.as_str())
            .y_desc("personnel (people)")
            .axis_desc_style(desc_font())
            .label_style(label_font())
            .x_label_formatter(&|v| fmt_month(*v))
            .y_label_formatter(&|v| fmt_people(*v))
            .y_labels(6)
            .max_light_lines(0)
            .bold_line_style(INK.mix(0.12))
            .draw()?;
        chart
            .draw_series(
                AreaSeries::new(personnel.clone(), 0.0, BLUE.mix(0.15))
                    .border_style(BLUE.stroke_width(2)),
            )?
            .label("mean arrived personnel")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));
        if let Some(t) = target {
            let style = VERMILLION.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(0.0, t), (x_max, t)],
                    8,
                    5,
                    style,
                ))?
                .label(format!("target: {} people", fmt_people(t)))
                .legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 18, y)], 6, 4, style)
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font(font(13.0))
            .background_style(WHITE.mix(0.9))
            .border_style(INK.mix(0.4))
            .draw()?;
        Ok(())
    })
}
