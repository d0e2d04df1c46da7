//! Why contributors' personnel did not arrive: per contributor, the share of
//! trials in which each reason came first, stacked, with the rest arrived.

use anyhow::Result;
use plotters::prelude::*;

use super::legend::{self, Entry, Mark};
use super::style::{
    EXTRA, HEIGHT, INK, ORANGE, PALE, PURPLE, VERMILLION, WIDTH, category_at, category_axis,
    desc_font, fmt_tick, label_area_width, label_font, shorten, title_font,
};
use super::table::Table;
use super::{no_data, render};

pub const TITLE: &str = "Why personnel did not arrive (first reason)";

/// Colour of a reason: fixed for the built-in ones, a palette for clause texts.
fn colour(reason: &str, clause_index: usize) -> RGBColor {
    match reason {
        "declined" => ORANGE,
        "vetoed" => VERMILLION,
        "late" => PURPLE,
        _ => EXTRA[clause_index % EXTRA.len()],
    }
}

pub(super) fn svg(table: &Table) -> Result<String> {
    let contributor = table.strings("contributor")?;
    let reason = table.strings("reason")?;
    let p_first = table.numbers("p_first")?;

    // Contributors and reasons in order of first appearance.
    let mut names: Vec<&str> = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for (c, r) in contributor.iter().zip(&reason) {
        if !names.contains(c) {
            names.push(c);
        }
        if !reasons.contains(r) {
            reasons.push(r);
        }
    }
    let mut clauses = 0;
    let colours: Vec<RGBColor> = reasons
        .iter()
        .map(|r| {
            let c = colour(r, clauses);
            if !matches!(*r, "declined" | "vetoed" | "late") {
                clauses += 1;
            }
            c
        })
        .collect();
    let n = names.len();
    // share[i][k]: P(first reason of contributor i is reason k).
    let mut share = vec![vec![0.0; reasons.len()]; n];
    for ((c, r), p) in contributor.iter().zip(&reason).zip(&p_first) {
        let i = names.iter().position(|x| x == c).unwrap_or(0);
        let k = reasons.iter().position(|x| x == r).unwrap_or(0);
        share[i][k] = p.unwrap_or(0.0).max(0.0);
    }

    let mut entries: Vec<Entry> = reasons
        .iter()
        .zip(&colours)
        .map(|(r, c)| Entry::new(Mark::Swatch(*c), shorten(r, 60)))
        .collect();
    entries.push(Entry::new(Mark::Swatch(PALE), "arrived"));
    let labels: Vec<String> = names.iter().map(|n| shorten(n, 40)).collect();
    let label_w = label_area_width(&labels, 13.0);
    let left = 12 + label_w as i32;
    let legend_h = legend::height(&entries, left, WIDTH as i32);
    let height = HEIGHT.max(130 + legend_h + 32 * n as u32);

    render((WIDTH, height), |root| {
        let root = root.titled(TITLE, title_font())?;
        if n == 0 {
            return no_data(&root, "no blockers in blockers.csv");
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
            .x_desc("share of trials (probability)")
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
        for (i, row) in share.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let mut x = 0.0;
            for (p, c) in row.iter().zip(&colours) {
                if *p > 0.0 {
                    let end = (x + p).min(1.0);
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(x, y - 0.35), (end, y + 0.35)],
                        c.filled(),
                    )))?;
                    x = end;
                }
            }
            if x < 1.0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, y - 0.35), (1.0, y + 0.35)],
                    PALE.filled(),
                )))?;
            }
        }
        Ok(())
    })
}
