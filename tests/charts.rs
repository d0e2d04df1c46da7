//! Charts and the HTML report, drawn from a hand-made result folder
//! (tests/fixtures/result_folder) and small tornado and sweep tables
//! (tests/fixtures/analysis), each copied into a temporary folder first.
//!
//! The table section of the report is compared with
//! tests/fixtures/report_tables.html byte for byte. After an intended change
//! to the report's tables, regenerate it with
//!     UPDATE_SNAPSHOTS=1 cargo test --test charts
//! and review the diff before committing it.
//!
//! `cargo test --test charts` also leaves the fixture folder with its charts
//! and report in target/tmp/fixture-report, for a look in a real browser:
//!     bash scripts/browser-test.sh target/tmp/fixture-report

use std::path::{Path, PathBuf};

use muster::output::charts::{write_run_charts, write_sweep_chart, write_tornado_chart};
use muster::output::report::{read_tables, tables_html, write_report};

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
            "exceedance.svg",
            "timeline.svg",
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

    let t = texts("timeline.svg");
    assert_has(
        &t,
        &[
            "Build-up over time",
            "probability",
            "personnel (people)",
            "month (month 0 = 2025-11-17)",
            "P(success by month m)",
            "P(target reached by month m)",
        ],
        "timeline",
    );

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
            "ceasefire = partial (p 0.45)",
            "un_mandate = false (p 0.26)",
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
    write_report(dir.path()).unwrap();
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
        "exceedance",
        "timeline",
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
    write_report(dir.path()).unwrap();
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
    write_report(dir.path()).unwrap();
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
    write_report(&out).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<figure id=\"chart-tornado\">"));
}
