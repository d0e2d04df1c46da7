//! Charts and the HTML report, drawn from a hand-made result folder
//! (tests/fixtures/result_folder) and small tornado and sweep tables
//! (tests/fixtures/analysis), each copied into a temporary folder first.
//!
//! The table section of the report is compared with
//! tests/fixtures/report_tables.html byte for byte. After an intended change
//! to the report's tables, regenerate it with
//!     UPDATE_SNAPSHOTS=1 cargo test --test main charts
//! and review the diff before committing it.
//!
//! `cargo test --test main charts` also leaves the fixture folder with its charts
//! and report in target/tmp/fixture-report, for a look in a real browser:
//!     bash scripts/browser-test.sh target/tmp/fixture-report

use std::path::{Path, PathBuf};

use muster::output::charts::{write_run_charts, write_sweep_chart, write_tornado_chart};
use muster::output::report::{read_tables, tables_html, write_report};

/// A headline as the run writes one (the report shows what it is given).
fn headline() -> Vec<String> {
    vec![
        "In 20,000 simulated years the force reached 20,000 in 18.2% of them.".to_string(),
        "Half the time at least 11,732 were in theatre at month 12.".to_string(),
    ]
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A temporary copy of the fixture result folder.
fn result_folder() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixtures().join("result_folder")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    tmp
}

/// The texts of an SVG document's `<text>` elements; panics unless it is well-formed XML with an `<svg>` root.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    assert_eq!(
        doc.root_element().tag_name().name(),
        "svg",
        "{}",
        path.display()
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Each `<text>` element's text and its y position, in document order.
fn svg_text_positions(path: &Path) -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let y = n
                .attribute("y")
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN);
            (n.text().unwrap_or("").trim().to_string(), y)
        })
        .collect()
}

fn assert_has(texts: &[String], wanted: &[&str], chart: &str) {
    for w in wanted {
        assert!(
            texts.iter().any(|t| t == w),
            "{chart}: no <text> `{w}` among {texts:?}"
        );
    }
}

#[test]
fn run_charts_are_svg_with_titles_and_axis_labels() {
    let dir = result_folder();
    let written = write_run_charts(dir.path()).unwrap();
    assert_eq!(
        written,
        [
            "fan.svg",
            "losses.svg",
            "exceedance.svg",
            "contributors.svg",
            "blockers.svg",
            "conditions.svg"
        ]
    );
    let texts = |name: &str| svg_texts(&dir.path().join(name));

    let t = texts("exceedance.svg");
    assert_has(
        &t,
        &[
            "Chance of reaching each force size",
            "personnel (people)",
            "probability",
            "target: 20,000 people",
            "P(personnel ≥ target) = 0.193",
        ],
        "exceedance",
    );

    let t = texts("fan.svg");
    assert_has(
        &t,
        &[
            "Personnel in theatre by month",
            "personnel in theatre (people)",
            "month (month 0 = 2025-11-17)",
            "median",
            "middle half",
            "middle 90% of trials",
            "target",
            // The milestones and the target, labelled at the right.
            "5,000",
            "10,000",
            "15,000",
            "20,000",
        ],
        "fan",
    );

    // The waterfall: what all contributors pledged, each stage of loss from
    // the file, in the blockers' order, then delivery; values of (all).
    let t = texts("losses.svg");
    assert_has(
        &t,
        &[
            "Where the pledged personnel goes",
            "pledged",
            "declined",
            "vetoed",
            "un_mandate",
            "committed < 15000",
            "late",
            "not delivered",
            "in theatre",
            "−16,759",
            "16,222",
            "each contributor's pledge (mean per trial)",
            "Indonesia",
            "Côte d'Ivoire",
        ],
        "losses",
    );
    // 48,800 pledged in all: the stages of (all) sum to it.
    assert_has(&t, &["48,800"], "losses total");
    // Its rows run from the pledge down through the losses to what is in
    // theatre: the first label of each (the axis, before the legend) lower
    // on the page than the one before.
    let at = svg_text_positions(&dir.path().join("losses.svg"));
    let y = |label: &str| {
        at.iter()
            .find(|(t, _)| t == label)
            .unwrap_or_else(|| panic!("no {label}"))
            .1
    };
    let order = [
        "pledged",
        "declined",
        "vetoed",
        "un_mandate",
        "committed < 15000",
        "late",
        "not delivered",
        "in theatre",
    ];
    for pair in order.windows(2) {
        assert!(y(pair[0]) < y(pair[1]), "{} above {}", pair[0], pair[1]);
    }

    let t = texts("contributors.svg");
    assert_has(
        &t,
        &[
            "Contributors: chance of joining and of being pivotal",
            "probability",
            "Indonesia",
            "Côte d'Ivoire",
            "Bangladesh",
        ],
        "contributors",
    );

    let t = texts("blockers.svg");
    assert_has(
        &t,
        &[
            "Why personnel did not arrive (first reason)",
            "share of trials (probability)",
            "declined",
            "vetoed",
            "late",
            "committed < 15000",
            "joined(Indonesia)",
            "arrived",
        ],
        "blockers",
    );

    let t = texts("conditions.svg");
    assert_has(
        &t,
        &[
            "Chance of success in each state of the world",
            "probability of success",
            "ceasefire = partial (p 0.45; 9,066 trials)",
            "un_mandate = false (p 0.26; 5,116 trials)",
            "overall P(success) = 0.181",
        ],
        "conditions",
    );
    // A state that never occurred has no P(success | state) and is left out.
    assert!(!t.iter().any(|s| s.contains("un_mandate_withdrawn")));
}

#[test]
fn report_is_one_self_contained_page() {
    let dir = result_folder();
    write_run_charts(dir.path()).unwrap();
    write_report(dir.path(), &headline(), &[], &Default::default()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>Gaza stabilization force, late 2025</h1>"));
    // The description is user text: markup in it is shown, not obeyed.
    assert!(html.contains(
        "a ceasefire &amp; a UN mandate; host-nation vetoes &lt;em&gt;apply&lt;/em&gt;."
    ));
    assert!(html.contains("<table id=\"summary\">"));
    assert!(html.contains("<td class=\"num\">0.181</td><td class=\"num\">0.176 – 0.187</td>"));
    assert!(html.contains("<dt>Seed</dt><dd>20251027</dd>"));
    assert!(html.contains("<dt>Trials</dt><dd>20,000</dd>"));
    assert!(html.contains("<li><code>contributors.Pakistan.veto=0.3</code></li>"));
    for chart in [
        "fan",
        "losses",
        "exceedance",
        "contributors",
        "blockers",
        "conditions",
    ] {
        let start = html
            .find(&format!("<figure id=\"chart-{chart}\">\n<svg "))
            .unwrap_or_else(|| panic!("no inline chart-{chart}"));
        assert!(html[start..].contains("</svg>"));
    }
    // Nothing is fetched or run.
    for forbidden in ["<script", "src=", "href=", "<link", "@import", "url("] {
        assert!(!html.contains(forbidden), "report holds `{forbidden}`");
    }
    assert!(html.contains(&tables_html(&read_tables(dir.path()).unwrap())));
}

#[test]
fn report_reads_from_the_answer_down_to_the_run_record() {
    let dir = result_folder();
    write_run_charts(dir.path()).unwrap();
    write_report(dir.path(), &headline(), &[], &Default::default()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in the report"))
    };
    // Headline, key figures (summary, milestones), charts, tables, run record.
    let order = [
        "<section id=\"headline\">",
        "<table id=\"summary\">",
        "<table id=\"milestones\">",
        "<figure id=\"chart-fan\">",
        "<figure id=\"chart-losses\">",
        "<table id=\"table-contributors\">",
        "<section id=\"run\">",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert!(html.contains(
        "<p class=\"headline\">In 20,000 simulated years the force reached 20,000 in 18.2% of them. \
         Half the time at least 11,732 were in theatre at month 12.</p>"
    ));
    // A milestone: 14,811 of 20,000 trials reached 5,000, a tenth of them
    // by month 2.6 and half by 4.8; never 90% within the horizon.
    assert!(html.contains(
        "<tr><th scope=\"row\" class=\"num\">5,000</th><td class=\"num\">74.1%</td>\
         <td class=\"num\">2.6</td><td class=\"num\">4.8</td><td class=\"num\">–</td></tr>"
    ));
}

#[test]
fn conditional_figures_say_how_many_trials_they_rest_on() {
    let dir = result_folder();
    let html = tables_html(&read_tables(dir.path()).unwrap());
    // P(joined | success) over the 3,630 successful trials of 20,000.
    assert!(html.contains("<td class=\"num given\">0.994 (3,630 trials)</td>"));
    // Rare among them: a count, which names its base.
    assert!(html.contains("<td class=\"num given\">1 in 3,630</td>"));
    // The mean personnel if joined, over the trials in which it joined.
    assert!(html.contains("<td class=\"num given\">8,508 (9,551 trials)</td>"));
    // A coalition seen in 21 trials: too few to rely on, and marked.
    assert!(
        html.contains("<td class=\"num given few\">0.048 (21 trials — too few to rely on)</td>")
    );
    // A state that never occurred: undefined, not a figure on 0 trials.
    let row = html
        .lines()
        .find(|l| l.contains("un_mandate_withdrawn"))
        .unwrap();
    assert!(
        row.contains("<td class=\"num na\" title=\"undefined\">–</td>"),
        "{row}"
    );
}

#[test]
fn report_tables_match_snapshot() {
    let dir = result_folder();
    let html = tables_html(&read_tables(dir.path()).unwrap());
    let snapshot = fixtures().join("report_tables.html");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &html).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap();
    assert!(
        html == expected,
        "the report's tables differ from {}; if the change is intended, run \
         UPDATE_SNAPSHOTS=1 cargo test --test charts and review the diff\n{html}",
        snapshot.display()
    );
}

#[test]
fn tornado_chart() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("tornado.svg");
    write_tornado_chart(&fixtures().join("analysis/tornado.csv"), &svg).unwrap();
    let t = svg_texts(&svg);
    assert_has(
        &t,
        &[
            "Sensitivity of P(success) to each input",
            "P(success) (probability)",
            "contributors.Indonesia.p_join",
            "contributors.Côte d'Ivoire.p_join",
            "4000",
            "6000",
            "P(success) at the low setting",
        ],
        "tornado",
    );
}

#[test]
fn sweep_chart_of_one_numeric_path_is_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let varied = ["target".to_string()];
    write_sweep_chart(&fixtures().join("analysis/sweep_1d.csv"), &varied, &svg).unwrap();
    let t = svg_texts(&svg);
    assert_has(
        &t,
        &[
            "P(success) by target",
            "target",
            "probability",
            "20,000",
            "95% interval of P(success)",
        ],
        "sweep 1-D",
    );
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<polyline"));
}

#[test]
fn sweep_chart_of_one_categorical_path() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let varied = ["contributors.Egypt.troops.dist".to_string()];
    write_sweep_chart(
        &fixtures().join("analysis/sweep_categorical.csv"),
        &varied,
        &svg,
    )
    .unwrap();
    let t = svg_texts(&svg);
    assert_has(
        &t,
        &[
            "P(success) by contributors.Egypt.troops.dist",
            "pert",
            "triangular",
            "uniform",
        ],
        "sweep categorical",
    );
}

#[test]
fn sweep_chart_of_two_paths_is_a_heat_map() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let varied = [
        "contributors.Indonesia.p_join".to_string(),
        "horizon_months".to_string(),
    ];
    write_sweep_chart(&fixtures().join("analysis/sweep_2d.csv"), &varied, &svg).unwrap();
    let t = svg_texts(&svg);
    assert_has(
        &t,
        &[
            "P(success) by contributors.Indonesia.p_join and horizon_months",
            "contributors.Indonesia.p_join",
            "horizon_months",
            "P(success)",
            "0.25",
            "12",
            // Cell values, lowest and highest.
            "0.01",
            "0.41",
        ],
        "sweep 2-D",
    );
}

#[test]
fn sweep_chart_rejects_three_paths_and_unknown_columns() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("sweep.svg");
    let csv = fixtures().join("analysis/sweep_2d.csv");
    let three: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let err = write_sweep_chart(&csv, &three, &svg).unwrap_err();
    assert!(
        format!("{err:#}").contains("one or two varied paths"),
        "{err:#}"
    );
    let err = write_sweep_chart(&csv, &["seed".to_string()], &svg).unwrap_err();
    assert!(format!("{err:#}").contains("no column `seed`"), "{err:#}");
}

#[test]
fn empty_tables_draw_charts_without_data() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("summary.csv", "metric,estimate,ci_low,ci_high\n"),
        ("exceedance.csv", "personnel,p_at_least,ci_low,ci_high\n"),
        (
            "timeline.csv",
            "month,date,p_target_reached,p_success,ci_low,ci_high,mean_personnel\n",
        ),
        (
            "contributors.csv",
            "contributor,p_joined,ci_low,ci_high,mean_personnel_if_joined,p_joined_given_success,p_pivotal\n",
        ),
        ("blockers.csv", "contributor,reason,p_first,p_any\n"),
        (
            "conditions.csv",
            "condition,state,p_state,p_success_given_state,ci_low,ci_high\nwar,on,0,,,\n",
        ),
        ("fan.csv", "month,date,p05,p25,p50,p75,p95,mean\n"),
        ("losses.csv", "contributor,stage,mean_personnel\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let written = write_run_charts(dir.path()).unwrap();
    for name in &written {
        let t = svg_texts(&dir.path().join(name));
        assert!(t.iter().any(|s| s.starts_with("no ")), "{name}: {t:?}");
    }
    // No run.toml: the report still renders, with a placeholder name.
    write_report(dir.path(), &headline(), &[], &Default::default()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<h1>Unnamed scenario</h1>"));
}

#[test]
fn undefined_cells_are_not_drawn() {
    let dir = result_folder();
    // A contributor that never contributed to a success has no conditional values.
    std::fs::write(
        dir.path().join("contributors.csv"),
        "contributor,p_joined,ci_low,ci_high,mean_personnel_if_joined,p_joined_given_success,p_pivotal\n\
         Fiji,0,0,0.0001920,,,\n\
         Ghana,0.5,0.49,0.51,800,,\n",
    )
    .unwrap();
    write_run_charts(dir.path()).unwrap();
    let t = svg_texts(&dir.path().join("contributors.svg"));
    assert_has(&t, &["Fiji", "Ghana"], "contributors");
    write_report(dir.path(), &headline(), &[], &Default::default()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("<tr><td>Fiji</td><td class=\"num\">0.000</td>"));
    assert!(html.contains("<td class=\"num na\" title=\"undefined\">–</td>"));
}

#[test]
fn fixture_report_for_the_browser_check() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-report");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let src = result_folder();
    for entry in std::fs::read_dir(src.path()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), out.join(entry.file_name())).unwrap();
    }
    write_run_charts(&out).unwrap();
    write_tornado_chart(
        &fixtures().join("analysis/tornado.csv"),
        &out.join("tornado.svg"),
    )
    .unwrap();
    write_report(&out, &headline(), &[], &Default::default()).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<figure id=\"chart-tornado\">"));
}
