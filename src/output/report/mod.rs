//! The HTML report of one run: a single self-contained page (inline CSS and
//! SVG, no scripts, nothing fetched) built from the result folder's files
//! and the run's headline, so it can be mailed or archived with the folder.
//! It reads from the top down: the headline, the key figures, the charts,
//! the tables, and the run record last.

mod key_figures;
mod tables;

pub use key_figures::{headline_html, milestones_html, summary_html};
pub use tables::{ReportTables, read_tables, tables_html};

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use crate::output::charts::RUN_CHARTS;
use crate::output::charts::run_info::RunInfo;
use crate::output::charts::style::fmt_people;
use crate::output::charts::table::Table;
use crate::output::milestones;
use crate::output::trace::Story;
use crate::scenario::provenance::Provenance;

/// Writes report.html into `dir` from its CSV files, run.toml and SVG
/// charts, opening with `headline` (sentences), with `stories` (trials
/// told step by step) and the scenario's `sources` before the run record.
pub fn write_report(
    dir: &Path,
    headline: &[String],
    stories: &[Story],
    sources: &Provenance,
) -> Result<()> {
    let run = RunInfo::read(dir)?;
    let summary = Table::read_in(dir, "summary.csv")?;
    let tables = read_tables(dir)?;
    let milestones_path = dir.join("milestones.csv");
    let milestones = match tables.trials {
        Some(n) if milestones_path.exists() => {
            milestones_html(&milestones::read(&Table::read(&milestones_path)?, n)?, n)
        }
        _ => String::new(),
    };
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
    let top = Top {
        headline: headline_html(headline),
        summary: summary_html(&summary, tables.trials),
        milestones,
    };
    let html = page(&run, &top, &charts, &tables, stories, sources);
    let path = dir.join("report.html");
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
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
        "fan" => {
            "Personnel in theatre at each month: the line is the median trial, the dark band holds the middle half of the trials and the light band the middle 90%; the orange line is the mean. Dashed lines mark the milestones and, in red, the target."
        }
        "losses" => {
            "Above: where the personnel pledged by all contributors goes, on average per trial, from the total pledged down through each stage where it is lost to what is in theatre. Below: each contributor's pledge split into the same stages."
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

/// The parts of the page above the charts, as HTML.
struct Top {
    headline: String,
    summary: String,
    milestones: String,
}

fn page(
    run: &RunInfo,
    top: &Top,
    charts: &[(String, Option<String>)],
    tables: &ReportTables,
    stories: &[Story],
    sources: &Provenance,
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
    out.push_str(&top.headline);
    out.push_str("<section id=\"results\">\n<h2>Key figures</h2>\n");
    out.push_str(&top.summary);
    out.push_str(&top.milestones);
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
    out.push_str(&stories_html(run, stories));
    out.push_str(&sources_html(sources));
    out.push_str(&run_html(run));
    let _ = writeln!(
        out,
        "<footer>Intervals are 95%: Wilson score intervals for probabilities, normal intervals for means.</footer>\n</main>\n</body>\n</html>"
    );
    out
}

/// The scenario's sources with their links and dates, and the date the
/// file is written as of.
fn sources_html(p: &Provenance) -> String {
    if p.sources.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section id=\"sources\">\n<h2>Sources</h2>\n");
    if let Some(d) = p.as_of {
        let _ = writeln!(out, "<p>The scenario is written as of {d}.</p>");
    }
    out.push_str("<ul class=\"sources\">\n");
    for r in &p.sources {
        let date = r
            .published
            .map_or("date unknown".to_string(), |d| d.to_string());
        let link = if r.url.starts_with("http://") || r.url.starts_with("https://") {
            format!("<a href=\"{0}\">{0}</a>", escape(&r.url))
        } else {
            escape(&r.url)
        };
        let _ = writeln!(
            out,
            "<li><b>{}</b> {} ({date}) {link}</li>",
            escape(&r.id),
            escape(&r.title)
        );
    }
    out.push_str("</ul>\n</section>\n");
    out
}

/// The stories of single trials, each with the command that tells it again.
fn stories_html(run: &RunInfo, stories: &[Story]) -> String {
    if stories.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<section id=\"stories\">\n<h2>One trial, step by step</h2>\n\
         <p>Why a trial failed, or succeeded, in time order: the draws, each decision time, \
         the arrivals and the verdict.</p>\n",
    );
    for st in stories {
        let mut command = format!(
            "muster trace {} --trial {}",
            run.scenario_file.as_deref().unwrap_or("SCENARIO"),
            st.trial
        );
        if let Some(seed) = &run.seed {
            command += &format!(" --seed {seed}");
        }
        for o in &run.overrides {
            command += &format!(" --set '{o}'");
        }
        let _ = writeln!(
            out,
            "<details>\n<summary>{} (trial {})</summary>\n<pre>{}</pre>\n<p>Tell it again: <code>{}</code></p>\n</details>",
            escape(&st.title),
            st.trial,
            escape(&st.words),
            escape(&command)
        );
    }
    out.push_str("</section>\n");
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
td.given { white-space: normal; }
td.few { color: #a33; }
section#headline p.headline { font-size: 1.25em; line-height: 1.5; margin: 0.8em 0 0.4em; padding: 0.6em 0.9em; background: #f3f7fb; border-left: 4px solid #0072b2; }
h3 { font-size: 1.1em; margin: 1.2em 0 0.3em; }
#milestones th.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th[colspan] { text-align: center; }
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
        use crate::output::charts::style::fmt_prob;
        assert_eq!(fmt_people(11830.7579), "11,831");
        assert_eq!(fmt_prob(0.18150001), "0.182");
        assert_eq!(
            tables::number_td("", fmt_prob),
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
