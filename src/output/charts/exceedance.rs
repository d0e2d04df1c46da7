//! P(personnel >= x) against x: how likely each force size is to be reached.

use anyhow::Result;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::style::{
    BLUE, HEIGHT, INK, VERMILLION, WIDTH, draw_band, draw_probability_mesh, fmt_chance, fmt_people,
    font, nice_max, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Chance of reaching each force size";

/// `target` (people) is marked, with P(personnel >= target) when known
/// (a count when rare, with `trials` known).
pub(super) fn svg(
    table: &Table,
    target: Option<f64>,
    p_target: Option<f64>,
    trials: Option<u64>,
) -> Result<String> {
    let x = table.numbers("personnel")?;
    let p = table.numbers("p_at_least")?;
    let lo = table.numbers("ci_low")?;
    let hi = table.numbers("ci_high")?;
    let line: Vec<(f64, f64)> = x
        .iter()
        .zip(&p)
        .filter_map(|(x, p)| Some(((*x)?, (*p)?)))
        .collect();
    let band: Vec<(f64, f64, f64)> = x
        .iter()
        .zip(lo.iter().zip(&hi))
        .filter_map(|(x, (l, h))| Some(((*x)?, (*l)?, (*h)?)))
        .collect();

    render((WIDTH, HEIGHT), |root| {
        let root = root.titled(TITLE, title_font())?;
        if line.is_empty() {
            return no_data(&root, "no personnel distribution in exceedance.csv");
        }
        let x_data = line.iter().map(|(x, _)| *x).fold(0.0, f64::max);
        let x_max = nice_max(x_data.max(target.unwrap_or(0.0) * 1.05));
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..x_max, 0f64..1.02)?;
        draw_probability_mesh(&mut chart, "personnel (people)", &|v| fmt_people(*v))?;

        draw_band(&mut chart, &band, "95% interval")?;
        chart
            .draw_series(LineSeries::new(line.clone(), BLUE.stroke_width(2)))?
            .label("P(personnel ≥ x)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLUE.stroke_width(2)));

        if let Some(t) = target {
            let style = VERMILLION.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(t, 0.0), (t, 1.02)],
                    8,
                    5,
                    style,
                ))?
                .label(format!("target: {} people", fmt_people(t)))
                .legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 18, y)], 6, 4, style)
                });
            if let Some(pt) = p_target {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (t, pt),
                        5,
                        VERMILLION.filled(),
                    )))?
                    .label(format!(
                        "P(personnel ≥ target) = {}",
                        fmt_chance(pt, trials)
                    ))
                    .legend(|(x, y)| Circle::new((x + 9, y), 5, VERMILLION.filled()));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(13.0))
            .background_style(WHITE.mix(0.9))
            .border_style(INK.mix(0.4))
            .draw()?;
        Ok(())
    })
}
