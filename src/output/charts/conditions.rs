//! How much the world's state matters: P(success | state) for every state of
//! every condition, against the overall P(success).

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    BLUE, HEIGHT, INK, VERMILLION, WIDTH, category_at, category_axis, desc_font, fmt_chance,
    fmt_tick, label_area_width, label_font, shorten, title_font,
};
use super::table::Table;
use super::{no_data, render};
use crate::output::words::{FEW_TRIALS, count};

pub const TITLE: &str = "Chance of success in each state of the world";

/// States that never occurred (empty P(success | state)) are left out;
/// each state's label says how many trials its P(success | state) rests on.
/// `trials` (when known) tells a rare overall P(success) as a count.
pub(super) fn svg(table: &Table, p_success: Option<f64>, trials: Option<u64>) -> Result<String> {
    let condition = table.strings("condition")?;
    let state = table.strings("state")?;
    let p_state = table.numbers("p_state")?;
    let given = table.numbers("p_success_given_state")?;
    let lo = table.numbers("ci_low")?;
    let hi = table.numbers("ci_high")?;
    // The trials each conditional rests on, when the file has them.
    let base = match table.col("trials_in_state") {
        Ok(_) => table.numbers("trials_in_state")?,
        Err(_) => vec![None; table.rows.len()],
    };

    struct Row {
        label: String,
        condition: String,
        p: f64,
        ci: Option<(f64, f64)>,
    }
    let rows: Vec<Row> = (0..table.rows.len())
        .filter_map(|i| {
            let p = given[i]?;
            let trials = base[i].map(|n| {
                let n = n as u64;
                let few = if n < FEW_TRIALS { " — too few" } else { "" };
                format!(
                    "; {} {}{few}",
                    count(n),
                    if n == 1 { "trial" } else { "trials" }
                )
            });
            let share = p_state[i]
                .map(|s| format!(" (p {}{})", fmt_tick(s), trials.unwrap_or_default()))
                .unwrap_or_default();
            Some(Row {
                label: format!(
                    "{} = {}{}",
                    shorten(condition[i], 24),
                    shorten(state[i], 16),
                    share
                ),
                condition: condition[i].to_string(),
                p,
                ci: lo[i].zip(hi[i]),
            })
        })
        .collect();
    let n = rows.len();
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();

    let mut entries = vec![Entry::new(
        Mark::Dot(BLUE),
        "P(success | state) with 95% interval",
    )];
    if let Some(p) = p_success {
        entries.push(Entry::new(
            Mark::Dashed(VERMILLION),
            format!("overall P(success) = {}", fmt_chance(p, trials)),
        ));
    }
    let label_w = label_area_width(&labels, 13.0);
    let left = 12 + label_w as i32;
    let legend_h = legend::height(&entries, left, WIDTH as i32);
    let height = HEIGHT.max(130 + legend_h + 30 * n as u32);

    render((WIDTH, height), |root| {
        let root = root.titled(TITLE, title_font())?;
        if n == 0 {
            return no_data(&root, "no condition states with outcomes in conditions.csv");
        }
        let (top, plot) = root.split_vertically(legend_h);
        legend::draw(&top, &entries, left)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(48)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..1.0, category_axis(n))?;
        // Shade every other condition so that its states read as a group.
        let mut shade = false;
        for (i, r) in rows.iter().enumerate() {
            if i > 0 && r.condition != rows[i - 1].condition {
                shade = !shade;
            }
            if shade {
                let y = (n - 1 - i) as f64;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.5), (1.0, y + 0.5)],
                    INK.mix(0.06).filled(),
                )))?;
            }
        }
        chart
            .configure_mesh()
            .x_desc("probability of success")
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
        if let Some(p) = p_success {
            chart.draw_series(DashedLineSeries::new(
                vec![(p, -0.5), (p, n as f64 - 0.5)],
                8,
                5,
                VERMILLION.stroke_width(2),
            ))?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            if let Some((l, h)) = r.ci {
                chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                    y,
                    l,
                    r.p,
                    h,
                    BLUE.stroke_width(2),
                    10,
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new((r.p, y), 5, BLUE.filled())))?;
        }
        Ok(())
    })
}
