//! The report's per-entity tables (contributors, blockers, conditions,
//! roles, coalitions), each figure as a reader reads it: rare chances as
//! counts, and every conditional figure with the trials it rests on.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use super::escape;
use crate::output::charts::run_info::RunInfo;
use crate::output::charts::style::{fmt_people, fmt_prob};
use crate::output::charts::table::{Table, parse_number};
use crate::output::words::{FEW_TRIALS, given, prob, trials_behind};

/// The per-entity result tables the report shows (absent files are `None`).
#[derive(Debug, Clone, Default)]
pub struct ReportTables {
    /// Trials of the run (from run.toml), to tell rare chances as counts.
    pub trials: Option<u64>,
    /// contributors.csv
    pub contributors: Option<Table>,
    /// blockers.csv
    pub blockers: Option<Table>,
    /// conditions.csv
    pub conditions: Option<Table>,
    /// roles.csv
    pub roles: Option<Table>,
    /// coalitions.csv (written only for small scenarios)
    pub coalitions: Option<Table>,
}

/// Reads the per-entity tables of a result folder.
pub fn read_tables(dir: &Path) -> Result<ReportTables> {
    let read = |name: &str| -> Result<Option<Table>> {
        let path = dir.join(name);
        if path.exists() {
            Table::read(&path).map(Some)
        } else {
            Ok(None)
        }
    };
    Ok(ReportTables {
        trials: RunInfo::read(dir)?.trials.and_then(|t| t.parse().ok()),
        contributors: read("contributors.csv")?,
        blockers: read("blockers.csv")?,
        conditions: read("conditions.csv")?,
        roles: read("roles.csv")?,
        coalitions: read("coalitions.csv")?,
    })
}

/// How one column of a report table is shown.
enum Cell<'a> {
    /// The text of a column.
    Text(&'a str),
    /// A probability over all trials: three decimals, a count when rare.
    Prob(&'a str),
    /// A number of people, whole with thousands separators.
    People(&'a str),
    /// A 95% interval from two probability columns.
    Interval(&'a str, &'a str),
    /// A conditional probability and the column of the trials it rests on.
    Given(&'a str, &'a str),
    /// A conditional mean of people and the column of its trials.
    PeopleGiven(&'a str, &'a str),
}

/// The contributors, blockers, conditions, roles and coalitions tables.
pub fn tables_html(t: &ReportTables) -> String {
    use Cell::*;
    let mut out = String::new();
    let mut section =
        |id: &str, title: &str, intro: &str, table: &Option<Table>, cols: &[(&str, Cell)]| {
            if let Some(table) = table {
                let _ = writeln!(
                    out,
                    "<section id=\"{id}\">\n<h2>{title}</h2>\n<p>{intro}</p>"
                );
                out.push_str(&table_html(id, table, cols, t.trials));
                out.push_str("</section>\n");
            }
        };
    section(
        "contributors",
        "Contributors",
        "How often each contributor joined, the personnel it brought when it did, and how often success depended on it (pivotal: a successful trial fails when it is replayed with that contributor declining). Figures that hold only in some trials (if joined, given success) say how many trials they rest on.",
        &t.contributors,
        &[
            ("Contributor", Text("contributor")),
            ("P(joined)", Prob("p_joined")),
            ("95% interval", Interval("ci_low", "ci_high")),
            (
                "Mean personnel if joined (people)",
                PeopleGiven("mean_personnel_if_joined", "trials_joined"),
            ),
            (
                "P(joined | success)",
                Given("p_joined_given_success", "successes"),
            ),
            ("P(pivotal)", Prob("p_pivotal")),
        ],
    );
    section(
        "blockers",
        "Blockers",
        "Why a contributor's personnel did not arrive. First reason: declined, vetoed, the first requirement that failed, or late; any reason: the reason held and the personnel did not arrive.",
        &t.blockers,
        &[
            ("Contributor", Text("contributor")),
            ("Reason", Text("reason")),
            ("P(first reason)", Prob("p_first")),
            ("P(any reason)", Prob("p_any")),
        ],
    );
    section(
        "conditions",
        "Conditions",
        "The chance of success in each state of each condition, with the trials in that state; a dash marks a state that never occurred.",
        &t.conditions,
        &[
            ("Condition", Text("condition")),
            ("State", Text("state")),
            ("P(state)", Prob("p_state")),
            (
                "P(success | state)",
                Given("p_success_given_state", "trials_in_state"),
            ),
            ("95% interval", Interval("ci_low", "ci_high")),
        ],
    );
    section(
        "roles",
        "Roles",
        "Whether the contributors accepting each role alone supply its minimum, and the personnel they bring.",
        &t.roles,
        &[
            ("Role", Text("role")),
            ("Minimum (people)", People("minimum")),
            ("P(met)", Prob("p_met")),
            ("Mean available (people)", People("mean_available")),
        ],
    );
    section(
        "coalitions",
        "Coalitions",
        "The most frequent final sets of contributors that joined, and the chance of success with each, with the trials it rests on.",
        &t.coalitions,
        &[
            ("Coalition", Text("coalition")),
            ("P", Prob("p")),
            ("P(success | coalition)", Given("p_success_given", "trials")),
        ],
    );
    out
}

/// The cell of `row` in column `c`; empty when the column is missing.
fn cell(row: &[String], c: Option<usize>) -> &str {
    c.map(|c| row[c].as_str()).unwrap_or("")
}

/// One table; a missing column shows as empty cells.
fn table_html(id: &str, table: &Table, cols: &[(&str, Cell)], trials: Option<u64>) -> String {
    let idx = |name: &str| table.col(name).ok();
    let mut out = format!("<table id=\"table-{id}\">\n<thead><tr>");
    for (head, _) in cols {
        let _ = write!(out, "<th>{}</th>", escape(head));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (_, how) in cols {
            let get = |c: &str| cell(row, idx(c));
            match how {
                Cell::Text(c) => {
                    let _ = write!(out, "<td>{}</td>", escape(get(c)));
                }
                Cell::Prob(c) => out.push_str(&match trials {
                    Some(n) => number_td(get(c), |v| prob(v, n)),
                    None => number_td(get(c), fmt_prob),
                }),
                Cell::People(c) => out.push_str(&number_td(get(c), fmt_people)),
                Cell::Interval(lo, hi) => out.push_str(&interval_td(get(lo), get(hi), fmt_prob)),
                Cell::Given(c, base) => out.push_str(&given_td(get(c), get(base), true)),
                Cell::PeopleGiven(c, base) => out.push_str(&given_td(get(c), get(base), false)),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

pub(super) fn number_td(cell: &str, fmt: impl Fn(f64) -> String) -> String {
    match parse_number(cell) {
        Ok(Some(v)) => format!("<td class=\"num\">{}</td>", escape(&fmt(v))),
        Ok(None) => "<td class=\"num na\" title=\"undefined\">–</td>".to_string(),
        Err(_) => format!("<td>{}</td>", escape(cell)),
    }
}

pub(super) fn interval_td(lo: &str, hi: &str, fmt: fn(f64) -> String) -> String {
    match (parse_number(lo), parse_number(hi)) {
        (Ok(Some(l)), Ok(Some(h))) => format!("<td class=\"num\">{} – {}</td>", fmt(l), fmt(h)),
        _ => "<td class=\"num na\">–</td>".to_string(),
    }
}

/// A conditional figure with the trials it rests on (a probability when
/// `is_prob`, else people); marked `few` below the threshold. Without the
/// count column (an older folder) the figure alone.
fn given_td(value: &str, base: &str, is_prob: bool) -> String {
    let fmt: fn(f64) -> String = if is_prob { fmt_prob } else { fmt_people };
    let (Ok(Some(v)), Ok(Some(n))) = (parse_number(value), parse_number(base)) else {
        return number_td(value, fmt);
    };
    let n = n as u64;
    let class = if n < FEW_TRIALS {
        "num given few"
    } else {
        "num given"
    };
    let text = if is_prob {
        given(v, n)
    } else {
        format!("{} ({})", fmt_people(v), trials_behind(n))
    };
    format!("<td class=\"{class}\">{}</td>", escape(&text))
}
