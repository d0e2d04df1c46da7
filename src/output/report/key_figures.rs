//! The top of the report: the headline in words, then the key figures (the
//! summary and the milestones), with rare chances as counts.

use std::fmt::Write as _;

use super::escape;
use super::tables::{interval_td, number_td};
use crate::output::charts::style::{fmt_people, fmt_prob};
use crate::output::charts::table::{Table, parse_number};
use crate::output::milestones::{Milestone, month_cell};
use crate::output::words::{below_one_in, chance, count, count_of, is_rare, prob};

/// The headline's sentences as one paragraph (`id="headline"`).
pub fn headline_html(sentences: &[String]) -> String {
    if sentences.is_empty() {
        return String::new();
    }
    format!(
        "<section id=\"headline\">\n<p class=\"headline\">{}</p>\n</section>\n",
        escape(&sentences.join(" "))
    )
}

/// The summary table (`id="summary"`); with the trials known, a rare
/// probability is a count with the upper end of its interval.
pub fn summary_html(summary: &Table, trials: Option<u64>) -> String {
    let col = |name: &str| summary.col(name).ok();
    let (m, e, lo, hi) = (
        col("metric"),
        col("estimate"),
        col("ci_low"),
        col("ci_high"),
    );
    let get = |row: &[String], c: Option<usize>| c.map(|c| row[c].clone()).unwrap_or_default();
    let mut out = String::from(
        "<table id=\"summary\">\n<thead><tr><th>Result</th><th>Estimate</th><th>95% interval</th></tr></thead>\n<tbody>\n",
    );
    for row in &summary.rows {
        let metric = get(row, m);
        let estimate = get(row, e);
        let label = escape(metric_label(&metric));
        let rare = match (trials, parse_number(&estimate)) {
            (Some(n), Ok(Some(p))) if metric.starts_with("p_") => {
                let k = count_of(p, n);
                (n > 0 && is_rare(k, n)).then_some((k, n))
            }
            _ => None,
        };
        if let Some((k, n)) = rare {
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{label}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                if k == 0 {
                    "0".to_string()
                } else {
                    escape(&prob(k as f64 / n as f64, n))
                },
                below_one_in(k, n),
            );
            continue;
        }
        let fmt: fn(f64) -> String = if metric.starts_with("p_") {
            fmt_prob
        } else {
            fmt_people
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{label}</th>{}{}</tr>",
            number_td(&estimate, fmt),
            interval_td(&get(row, lo), &get(row, hi), fmt),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// Plain-language name of a summary metric.
fn metric_label(metric: &str) -> &str {
    match metric {
        "p_success" => "P(success): target reached and roles met",
        "p_target_reached" => "P(target reached)",
        "p_roles_met" => "P(roles met)",
        "mean_personnel" => "Mean arrived personnel (people)",
        "personnel_p05" => "Arrived personnel, 5th percentile (people)",
        "personnel_p50" => "Arrived personnel, median (people)",
        "personnel_p95" => "Arrived personnel, 95th percentile (people)",
        other => other,
    }
}

/// The milestones table (`id="milestones"`): each force size, the chance
/// of reaching it and the months by which it is reached with 10%, 50% and
/// 90% probability.
pub fn milestones_html(rows: &[Milestone], trials: u64) -> String {
    if rows.is_empty() || trials == 0 {
        return String::new();
    }
    let mut out = String::from(
        "<h3>Milestones</h3>\n<p>For each force size, the chance that the personnel in theatre reaches it, and the month by which it has been reached in 10%, 50% and 90% of the simulated trials; a dash: not reached that often.</p>\n\
         <table id=\"milestones\">\n<thead><tr><th rowspan=\"2\">Force size (people)</th><th rowspan=\"2\">Chance of reaching it</th><th colspan=\"3\">Reached by month, with a chance of</th></tr>\n\
         <tr><th>10%</th><th>50%</th><th>90%</th></tr></thead>\n<tbody>\n",
    );
    for r in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\" class=\"num\">{}</th><td class=\"num\">{}</td>",
            count(r.personnel),
            escape(&chance(r.reached, trials))
        );
        for m in r.months {
            let _ = write!(out, "<td class=\"num\">{}</td>", month_cell(m));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
