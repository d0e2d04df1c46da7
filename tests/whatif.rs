//! The what-if commands (`sweep`, `sensitivity`, `solve`, `compare`) run as
//! the real binary on small scenarios written into temporary folders. The
//! central scenario has one contributor whose pledge is exactly the target
//! and no conditions, so that P(success) is exactly its `p_join`.

use crate::util::{ok_in as ok, run_in, text};
use std::path::Path;

/// P(success) = p_join of the one contributor.
const ONE: &str = r#"
[scenario]
name = "one contributor"
target = 1000
trials = 40000
seed = 11

[[contributors]]
name = "Alpha Land"
p_join = 0.3
troops = 1000
"#;

const P_JOIN: &str = "contributors.\"Alpha Land\".p_join";

const TRIALS: &str = "40000";

/// Runs muster, insists on exit status 2, and returns stderr.
fn usage_error(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "muster {args:?}: expected status 2\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stderr)
}

/// A temporary folder holding `one.toml`.
fn folder_with(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.toml"), scenario).unwrap();
    dir
}

/// A CSV file as a header and rows of text cells.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn solve_brackets_the_exact_answer() {
    let dir = folder_with(ONE);
    let out = ok(
        dir.path(),
        &[
            "solve",
            "one.toml",
            "--vary",
            P_JOIN,
            "--goal",
            "p_success >= 0.5",
            "--trials",
            TRIALS,
            "--csv",
            "solve.csv",
            "--quiet",
        ],
    );
    assert!(out.is_empty(), "--quiet prints nothing: {out}");
    let (header, rows) = read_csv(&dir.path().join("solve.csv"));
    let answer = &rows[0];
    assert_eq!(answer[column(&header, "phase")], "answer");
    let num = |name: &str| -> f64 { answer[column(&header, name)].parse().unwrap() };
    let (value, low, high) = (num("value"), num("value_low"), num("value_high"));
    assert!(
        low <= 0.5 && 0.5 <= high,
        "interval {low} to {high} misses 0.5"
    );
    assert!(low <= value && value <= high);
    // The interval reflects the sampling error at 40,000 trials (half-width about 0.005), not more.
    assert!(high - low < 0.03, "interval {low} to {high} is too wide");
    // Every bisection step is in the file, after the coarse grid of 11 points.
    let phases: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r[column(&header, "phase")].as_str())
        .collect();
    assert_eq!(phases.iter().filter(|p| **p == "grid").count(), 11);
    assert!(phases.contains(&"bisect_estimate"));

    // Stdout names the answer with its interval.
    let out = ok(
        dir.path(),
        &[
            "solve",
            "one.toml",
            "--vary",
            P_JOIN,
            "--goal",
            "p_success >= 0.5",
            "--trials",
            TRIALS,
        ],
    );
    assert!(out.contains("answer") && out.contains("interval"), "{out}");
}

#[test]
fn solve_says_when_no_value_meets_the_goal() {
    let dir = folder_with(ONE);
    let out = ok(
        dir.path(),
        &[
            "solve",
            "one.toml",
            "--vary",
            "scenario.target",
            "--range",
            "1500:3000",
            "--goal",
            "p_success >= 0.1",
            "--trials",
            "20000",
        ],
    );
    assert!(out.contains("no value of scenario.target"), "{out}");
}

#[test]
fn sweep_is_exact_monotone_and_matches_the_truth() {
    let dir = folder_with(ONE);
    let spec = format!("{P_JOIN}=0:1:0.1");
    ok(
        dir.path(),
        &[
            "sweep",
            "one.toml",
            "--vary",
            &spec,
            "--trials",
            TRIALS,
            "--out",
            "sweep.csv",
            "--quiet",
        ],
    );
    let (header, rows) = read_csv(&dir.path().join("sweep.csv"));
    assert_eq!(
        header,
        [
            P_JOIN,
            "p_success",
            "ci_low",
            "ci_high",
            "p_target_reached",
            "p_roles_met",
            "mean_personnel",
            "personnel_p05",
            "personnel_p50",
            "personnel_p95"
        ]
    );
    let values: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        values,
        [
            "0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"
        ]
    );
    let n: f64 = TRIALS.parse().unwrap();
    let mut last = -1.0;
    for r in &rows {
        let exact: f64 = r[0].parse().unwrap();
        let p: f64 = r[1].parse().unwrap();
        assert!(p >= last, "not monotone at {}: {p} after {last}", r[0]);
        last = p;
        let se = (exact * (1.0 - exact) / n).sqrt();
        assert!(
            (p - exact).abs() <= 4.5 * se,
            "p_join {exact}: p_success {p} is more than 4.5 standard errors ({se}) away"
        );
    }
    assert!(
        dir.path().join("sweep.svg").exists(),
        "the chart is written beside the CSV"
    );
    assert!(!dir.path().join("sweep.csv.partial").exists());
    let record = std::fs::read_to_string(dir.path().join("sweep.csv.sweep.toml")).unwrap();
    assert!(record.contains("trials = 40000"), "{record}");
}

#[test]
fn each_sweep_row_equals_a_run_with_set() {
    let dir = folder_with(ONE);
    let spec = format!("{P_JOIN}=0.15,0.55,0.9");
    ok(
        dir.path(),
        &[
            "sweep",
            "one.toml",
            "--vary",
            &spec,
            "--vary",
            "scenario.target=900,1000",
            "--trials",
            TRIALS,
            "--seed",
            "5",
            "--out",
            "sweep.csv",
            "--quiet",
        ],
    );
    let (header, rows) = read_csv(&dir.path().join("sweep.csv"));
    assert_eq!(rows.len(), 6);
    for (i, row) in rows.iter().enumerate() {
        let out = format!("run{i}");
        let set_p = format!("{P_JOIN}={}", row[0]);
        let set_t = format!("scenario.target={}", row[1]);
        ok(
            dir.path(),
            &[
                "run", "one.toml", "--set", &set_p, "--set", &set_t, "--trials", TRIALS, "--seed",
                "5", "--out", &out, "--quiet",
            ],
        );
        let (_, summary) = read_csv(&dir.path().join(&out).join("summary.csv"));
        let cell = |metric: &str, col: usize| -> String {
            summary.iter().find(|r| r[0] == metric).unwrap()[col].clone()
        };
        let want = [
            ("p_success", cell("p_success", 1)),
            ("ci_low", cell("p_success", 2)),
            ("ci_high", cell("p_success", 3)),
            ("p_target_reached", cell("p_target_reached", 1)),
            ("p_roles_met", cell("p_roles_met", 1)),
            ("mean_personnel", cell("mean_personnel", 1)),
            ("personnel_p05", cell("personnel_p05", 1)),
            ("personnel_p50", cell("personnel_p50", 1)),
            ("personnel_p95", cell("personnel_p95", 1)),
        ];
        for (name, value) in want {
            assert_eq!(
                row[column(&header, name)],
                value,
                "{name} at {set_p}, {set_t}"
            );
        }
        let record = std::fs::read_to_string(dir.path().join(&out).join("run.toml")).unwrap();
        assert!(
            record.contains("scenario.target="),
            "overrides are recorded: {record}"
        );
    }
}

#[test]
fn resume_continues_a_partial_sweep() {
    let dir = folder_with(ONE);
    let spec = format!("{P_JOIN}=0:1:0.25");
    let args = |out: &'static str, resume: bool| {
        let mut a = vec![
            "sweep".to_string(),
            "one.toml".into(),
            "--vary".into(),
            spec.clone(),
            "--vary".into(),
            "scenario.target=1000,2000".into(),
            "--trials".into(),
            "20000".into(),
            "--out".into(),
            out.into(),
            "--quiet".into(),
        ];
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let run = |a: Vec<String>| {
        ok(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    run(args("full.csv", false));
    let full = std::fs::read_to_string(dir.path().join("full.csv")).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    assert_eq!(lines.len(), 11);
    // A partial file with the header, four rows and a row cut short mid-write.
    let partial = format!("{}\n{}", lines[..5].join("\n"), &lines[5][..6]);
    std::fs::write(dir.path().join("part.csv.partial"), partial).unwrap();
    // The record of the sweep the rows come from; without it, nothing says
    // the rows belong to this sweep.
    std::fs::copy(
        dir.path().join("full.csv.sweep.toml"),
        dir.path().join("part.csv.sweep.toml"),
    )
    .unwrap();
    run(args("part.csv", true));
    let resumed = std::fs::read_to_string(dir.path().join("part.csv")).unwrap();
    assert_eq!(resumed, full);
    assert!(!dir.path().join("part.csv.partial").exists());

    // A partial file of another sweep is refused.
    std::fs::write(dir.path().join("other.csv.partial"), "x,p_success\n1,0.5\n").unwrap();
    let err = usage_error(
        dir.path(),
        &args("other.csv", true)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(
        err.contains("other.csv.partial") && err.contains("header"),
        "{err}"
    );
}

/// One input dominates: Big decides success; Small rarely joins and is never needed.
const DOMINANT: &str = r#"
[scenario]
name = "one input dominates"
target = 1000
trials = 40000
seed = 3

[conditions.calm]
p = 0.5

[[contributors]]
name = "Big"
p_join = 0.5
troops = 2000

[[contributors]]
name = "Small"
p_join = 0.02
requires = ["calm"]
troops = 2000
veto = 0.05
"#;

#[test]
fn sensitivity_ranks_the_dominant_input_first() {
    let dir = folder_with(DOMINANT);
    let stdout = ok(
        dir.path(),
        &[
            "sensitivity",
            "one.toml",
            "--trials",
            TRIALS,
            "--out",
            "sens",
        ],
    );
    let sens = dir.path().join("sens");
    let (header, rows) = read_csv(&sens.join("tornado.csv"));
    assert_eq!(
        header,
        [
            "input",
            "low_setting",
            "high_setting",
            "p_success_low",
            "p_success_high",
            "swing"
        ]
    );
    assert_eq!(rows[0][0], "contributors.Big.p_join", "{rows:?}");
    assert_eq!((rows[0][1].as_str(), rows[0][2].as_str()), ("0.4", "0.6"));
    let swings: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    assert!(swings[0] > 2.0 * swings[1], "{swings:?}");
    // Every kind of input is there: probabilities, distributions, the target.
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for want in [
        "conditions.calm.p",
        "contributors.Small.veto",
        "contributors.Big.troops",
        "scenario.target",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(sens.join("tornado.svg").exists());
    let record = std::fs::read_to_string(sens.join("run.toml")).unwrap();
    assert!(
        record.contains("contributors.Big.p_join=0.6"),
        "the variants are recorded as overrides: {record}"
    );
    assert!(stdout.contains("contributors.Big.p_join"), "{stdout}");
}

#[test]
fn compare_flags_real_differences_only() {
    let dir = folder_with(ONE);
    let run = |out: &str, p: &str, seed: &str| {
        let set = format!("{P_JOIN}={p}");
        ok(
            dir.path(),
            &[
                "run", "one.toml", "--set", &set, "--seed", seed, "--trials", TRIALS, "--out", out,
                "--quiet",
            ],
        );
    };
    run("a", "0.3", "1");
    run("b", "0.6", "2");
    run("c", "0.3", "3");
    let flagged = |x: &str, y: &str| -> Vec<String> {
        let out = run_in(dir.path(), &["compare", x, y, "--csv", "cmp.csv"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let (header, rows) = read_csv(&dir.path().join("cmp.csv"));
        let (m, s) = (column(&header, "metric"), column(&header, "significant"));
        assert!(rows.iter().all(|r| r[s] == "true" || r[s] == "false"));
        rows.iter()
            .filter(|r| r[s] == "true")
            .map(|r| r[m].clone())
            .collect()
    };
    let real = flagged("a", "b");
    assert!(real.contains(&"p_success".to_string()), "{real:?}");
    assert!(real.contains(&"mean_personnel".to_string()), "{real:?}");
    let same = flagged("a", "c");
    assert!(
        same.is_empty(),
        "two seeds of one scenario flagged {same:?}"
    );
    let (header, rows) = read_csv(&dir.path().join("cmp.csv"));
    let d = column(&header, "difference");
    assert!(
        rows.iter().all(|r| !r[d].contains("0000000")),
        "exact differences: {rows:?}"
    );

    // Same seed: a note on correlation; a different scenario: a warning.
    let out = run_in(dir.path(), &["compare", "a", "a"]);
    assert!(text(&out.stderr).contains("seed"), "{}", text(&out.stderr));
    std::fs::write(dir.path().join("two.toml"), ONE.replace("40000", "30000")).unwrap();
    ok(
        dir.path(),
        &[
            "run", "two.toml", "--trials", TRIALS, "--out", "d", "--quiet",
        ],
    );
    let out = run_in(dir.path(), &["compare", "a", "d"]);
    assert!(
        text(&out.stderr).contains("differ in scenario"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn state_probabilities_can_be_varied_one_at_a_time() {
    let scenario = r#"
[scenario]
name = "weather"
target = 100

[conditions.weather]
states = ["bad", "fair", "good"]
probs = [0.5, 0.3, 0.2]

[[contributors]]
name = "A"
p_join = 1
requires = ["weather == good"]
troops = 100
"#;
    let dir = folder_with(scenario);
    ok(
        dir.path(),
        &[
            "sweep",
            "one.toml",
            "--vary",
            "conditions.weather.probs.good=0.2,0.8",
            "--trials",
            TRIALS,
            "--out",
            "w.csv",
            "--quiet",
        ],
    );
    let (_, rows) = read_csv(&dir.path().join("w.csv"));
    let n: f64 = TRIALS.parse().unwrap();
    for r in &rows {
        let exact: f64 = r[0].parse().unwrap();
        let p: f64 = r[1].parse().unwrap();
        assert!(
            (p - exact).abs() <= 4.5 * (exact * (1.0 - exact) / n).sqrt(),
            "{r:?}"
        );
    }
    let err = usage_error(
        dir.path(),
        &[
            "sweep",
            "one.toml",
            "--vary",
            "conditions.weather.probs.sunny=0.5",
        ],
    );
    assert!(err.contains("sunny"), "{err}");
}

#[test]
fn bad_paths_and_values_are_usage_errors_that_name_them() {
    let dir = folder_with(ONE);
    let d = dir.path();
    let bad_path = "contributors.\"Alpha Land\".p_jion";
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{bad_path}=0:1:0.5"),
            ],
            "p_jion",
        ),
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{P_JOIN}=0,0.5,1.5"),
            ],
            "1.5",
        ),
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{P_JOIN}=0:1:0.0001"),
            ],
            "10000",
        ),
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{P_JOIN}=0:1:0.01"),
                "--vary".into(),
                "scenario.target=1:200:1".into(),
            ],
            "10000",
        ),
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{P_JOIN}=0:1:0"),
            ],
            "STEP",
        ),
        (
            vec![
                "sweep".into(),
                "one.toml".into(),
                "--vary".into(),
                format!("{P_JOIN}=0,1"),
                "--set".into(),
                "scenario.target=-5".into(),
            ],
            "scenario.target",
        ),
        (
            vec![
                "solve".into(),
                "one.toml".into(),
                "--vary".into(),
                P_JOIN.into(),
                "--goal".into(),
                "p_sucess >= 0.5".into(),
            ],
            "p_sucess",
        ),
        (
            vec![
                "solve".into(),
                "one.toml".into(),
                "--vary".into(),
                P_JOIN.into(),
                "--goal".into(),
                "p_success = 0.5".into(),
            ],
            "p_success = 0.5",
        ),
        (
            vec![
                "solve".into(),
                "one.toml".into(),
                "--vary".into(),
                bad_path.into(),
                "--goal".into(),
                "p_success >= 0.5".into(),
            ],
            "p_jion",
        ),
        (
            vec![
                "solve".into(),
                "one.toml".into(),
                "--vary".into(),
                "scenario.target".into(),
                "--goal".into(),
                "p_success >= 0.5".into(),
            ],
            "--range",
        ),
        (
            vec![
                "sensitivity".into(),
                "one.toml".into(),
                "--set".into(),
                "contributors.Atlantis.p_join=0.5".into(),
            ],
            "Atlantis",
        ),
        (
            vec![
                "sensitivity".into(),
                "one.toml".into(),
                "--delta".into(),
                "1.5".into(),
            ],
            "--delta",
        ),
        (
            vec!["compare".into(), "one.toml".into(), "nowhere".into()],
            "one.toml",
        ),
    ];
    for (args, named) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = usage_error(d, &a);
        assert!(
            err.contains(named),
            "muster {args:?}: message does not name {named}: {err}"
        );
    }
    // A folder that is not a result folder.
    std::fs::create_dir(d.join("empty")).unwrap();
    ok(
        d,
        &[
            "run", "one.toml", "--trials", "1000", "--out", "r", "--quiet",
        ],
    );
    let err = usage_error(d, &["compare", "r", "empty"]);
    assert!(
        err.contains("empty") && err.contains("not a muster result folder"),
        "{err}"
    );
}

#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    muster::cli::Cli::command().debug_assert();
}
