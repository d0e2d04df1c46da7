//! The HTML report of one run: a single self-contained page (inline CSS and
//! SVG, no scripts, nothing fetched) built from the result folder's files, so
//! it can be mailed or archived with the folder.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::output::charts::RUN_CHARTS;
use crate::output::charts::run_info::RunInfo;
use crate::output::charts::style::{fmt_people, fmt_prob};
use crate::output::charts::table::{Table, parse_number};

/// Writes report.html into `dir` from its CSV files, run.toml and SVG charts.
pub fn write_report(dir: &Path) -> Result<()> {
    let run = RunInfo::read(dir)?;
    let summary = Table::read_in(dir, "summary.csv")?;
    let tables = read_tables(dir)?;
    let mut charts = Vec::new();
    for name in RUN_CHARTS.iter().chain(&["tornado"]) {
        let path = dir.join(format!("{name}.svg"));
        let svg = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(text)
        } else if *name == "tornado" {
            continue;
        } else {
            None
        };
        charts.push((name.to_string(), svg));
    }
    let html = page(&run, &summary, &charts, &tables);
    let path = dir.join("report.html");
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
}

/// The per-entity result tables the report shows (absent files are `None`).
#[derive(Debug, Clone, Default)]
pub struct ReportTables {
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
    /// A probability, three decimals.
    Prob(&'a str),
    /// A number of people, whole with thousands separators.
    People(&'a str),
    /// A 95% interval from two probability columns.
    Interval(&'a str, &'a str),
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
                out.push_str(&table_html(id, table, cols));
                out.push_str("</section>\n");
            }
        };
    section(
        "contributors",
        "Contributors",
        "How often each contributor joined, the personnel it brought when it did, and how often success depended on it (pivotal: a successful trial fails when it is replayed with that contributor declining).",
        &t.contributors,
        &[
            ("Contributor", Text("contributor")),
            ("P(joined)", Prob("p_joined")),
            ("95% interval", Interval("ci_low", "ci_high")),
            (
                "Mean personnel if joined (people)",
                People("mean_personnel_if_joined"),
            ),
            ("P(joined | success)", Prob("p_joined_given_success")),
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
        "The chance of success in each state of each condition; a dash marks a state that never occurred.",
        &t.conditions,
        &[
            ("Condition", Text("condition")),
            ("State", Text("state")),
            ("P(state)", Prob("p_state")),
            ("P(success | state)", Prob("p_success_given_state")),
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
        "The most frequent final sets of contributors that joined.",
        &t.coalitions,
        &[
            ("Coalition", Text("coalition")),
            ("P", Prob("p")),
            ("P(success | coalition)", Prob("p_success_given")),
        ],
    );
    out
}

/// The cell of `row` in column `c`; empty when the column is missing.
fn cell(row: &[String], c: Option<usize>) -> &str {
    c.map(|c| row[c].as_str()).unwrap_or("")
}

/// One table; a missing column shows as empty cells.
fn table_html(id: &str, table: &Table, cols: &[(&str, Cell)]) -> String {
    let idx = |name: &str| table.col(name).ok();
    let mut out = format!("<table id=\"table-{id}\">\n<thead><tr>");
    for (head, _) in cols {
        let _ = write!(out, "<th>{}</th>", escape(head));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (_, how) in cols {
            match how {
                Cell::Text(c) => {
                    let _ = write!(out, "<td>{}</td>", escape(cell(row, idx(c))));
                }
                Cell::Prob(c) => out.push_str(&number_td(cell(row, idx(c)), fmt_prob)),
                Cell::People(c) => out.push_str(&number_td(cell(row, idx(c)), fmt_people)),
                Cell::Interval(lo, hi) => out.push_str(&interval_td(
                    cell(row, idx(lo)),
                    cell(row, idx(hi)),
                    fmt_prob,
                )),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The summary table (`id="summary"`).
pub fn summary_html(summary: &Table) -> String {
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
        let fmt: fn(f64) -> String = if metric.starts_with("p_") {
            fmt_prob
        } else {
            fmt_people
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th>{}{}</tr>",
            escape(metric_label(&metric)),
            number_td(&get(row, e), fmt),
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

fn number_td(cell: &str, fmt: fn(f64) -> String) -> String {
    match parse_number(cell) {
        Ok(Some(v)) => format!("<td class=\"num\">{}</td>", fmt(v)),
        Ok(None) => "<td class=\"num na\" title=\"undefined\">–</td>".to_string(),
        Err(_) => format!("<td>{}</td>", escape(cell)),
    }
}

fn interval_td(lo: &str, hi: &str, fmt: fn(f64) -> String) -> String {
    match (parse_number(lo), parse_number(hi)) {
        (Ok(Some(l)), Ok(Some(h))) => format!("<td class=\"num\">{} – {}</td>", fmt(l), fmt(h)),
        _ => "<td class=\"num na\">–</td>".to_string(),
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Caption of each run chart.
fn chart_caption(name: &str) -> &'static str {
    match name {
        "exceedance" => {
            "Chance that at least x personnel arrive, with its 95% interval; the dashed line marks the target."
        }
        "timeline" => {
            "Above: chance that the target is reached, and that the run succeeds, by each month. Below: mean arrived personnel by month."
        }
        "contributors" => {
            "Chance that each contributor joins (with its 95% interval) and that success depended on it."
        }
        "blockers" => {
            "For each contributor, the share of trials in which each reason first kept its personnel from arriving."
        }
        "conditions" => {
            "Chance of success in each state of each condition, with its 95% interval, against the overall chance."
        }
        "tornado" => {
            "Chance of success with each input at its low and its high setting, inputs ordered by the swing."
        }
        _ => "",
    }
}

/// An SVG file's text ready to sit inside HTML (without an XML prologue).
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end(),
        None => svg.trim_end(),
    }
}

fn page(
    run: &RunInfo,
    summary: &Table,
    charts: &[(String, Option<String>)],
    tables: &ReportTables,
) -> String {
    let name = run.scenario_name.as_deref().unwrap_or("Unnamed scenario");
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — force generation report</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
        escape(name),
        CSS
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(name));
    if let Some(d) = &run.scenario_description {
        let _ = writeln!(out, "<p class=\"description\">{}</p>", escape(d));
    }
    out.push_str("</header>\n");
    out.push_str(&run_html(run));
    out.push_str("<section id=\"results\">\n<h2>Summary</h2>\n");
    out.push_str(&summary_html(summary));
    out.push_str("</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (chart, svg) in charts {
        let _ = writeln!(out, "<figure id=\"chart-{}\">", escape(chart));
        match svg {
            Some(svg) => {
                out.push_str(inline_svg(svg));
                out.push('\n');
            }
            None => {
                let _ = writeln!(
                    out,
                    "<p class=\"missing\">{}.svg was not drawn.</p>",
                    escape(chart)
                );
            }
        }
        let _ = writeln!(
            out,
            "<figcaption>{}</figcaption>\n</figure>",
            escape(chart_caption(chart))
        );
    }
    out.push_str("</section>\n");
    out.push_str(&tables_html(tables));
    let _ = writeln!(
        out,
        "<footer>Intervals are 95%: Wilson score intervals for probabilities, normal intervals for means.</footer>\n</main>\n</body>\n</html>"
    );
    out
}

/// The run's identity: scenario file, checksum, seed, trials, target, overrides, version.
fn run_html(run: &RunInfo) -> String {
    let mut out = String::from("<section id=\"run\">\n<h2>Run</h2>\n<dl>\n");
    let mut item = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", key, escape(v));
        }
    };
    item("Scenario file", &run.scenario_file);
    item("SHA-256", &run.scenario_sha256);
    item("Seed", &run.seed);
    item("Trials", &run.trials.as_ref().map(|t| group_digits(t)));
    item(
        "Target",
        &run.target.map(|t| format!("{} people", fmt_people(t))),
    );
    item("Version", &run.version);
    out.push_str("<dt>Overrides</dt>");
    if run.overrides.is_empty() {
        out.push_str("<dd>none</dd>\n");
    } else {
        out.push_str("<dd><ul class=\"overrides\">");
        for o in &run.overrides {
            let _ = write!(out, "<li><code>{}</code></li>", escape(o));
        }
        out.push_str("</ul></dd>\n");
    }
    out.push_str("</dl>\n</section>\n");
    out
}

/// "200000" as "200,000"; anything that is not a whole number is kept.
fn group_digits(text: &str) -> String {
    match text.parse::<i64>() {
        Ok(n) => fmt_people(n as f64),
        Err(_) => text.to_string(),
    }
}

const CSS: &str = "\
body { margin: 0; background: #f6f6f4; color: #222; font: 16px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.9em; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.35em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.description { font-size: 1.05em; color: #444; max-width: 46em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1.2em; margin: 0; }
dt { font-weight: 600; color: #555; }
dd { margin: 0; overflow-wrap: anywhere; }
ul.overrides { margin: 0; padding-left: 1.1em; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 0.92em; background: #f1f1ee; padding: 0 0.25em; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.95em; }
th, td { padding: 0.3em 0.75em; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999; background: #fafafa; }
tbody th { font-weight: normal; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na { color: #999; }
#summary td.num { font-weight: 600; }
figure { margin: 1.2em 0 2em; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; margin-top: 0.4em; }
p.missing { color: #a33; }
footer { margin-top: 2.5em; color: #666; font-size: 0.9em; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<b>\"Côte d'Ivoire\" & co</b>"),
            "&lt;b&gt;&quot;Côte d&#39;Ivoire&quot; &amp; co&lt;/b&gt;"
        );
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(fmt_people(11830.7579), "11,831");
        assert_eq!(fmt_prob(0.18150001), "0.182");
        assert_eq!(
            number_td("", fmt_prob),
            "<td class=\"num na\" title=\"undefined\">–</td>"
        );
        assert_eq!(group_digits("200000"), "200,000");
    }

    #[test]
    fn svg_prologue_is_dropped() {
        assert_eq!(
            inline_svg("<?xml version=\"1.0\"?>\n<svg x=\"1\"></svg>\n"),
            "<svg x=\"1\"></svg>"
        );
    }
}
