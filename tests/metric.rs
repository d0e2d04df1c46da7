//! `--metric` on the what-if commands, on scenarios whose metric is a known
//! function of the varied input: one contributor with a fixed pledge of
//! 1,000, no conditions, so that P(1,000 reached) is its `p_join` and the
//! mean personnel 1,000·p_join; with a fixed lead time L and p_join 1,
//! every trial reaches 1,000 at the grid point ceil(10·L)/10 (when L is
//! within the horizon), so month_pNN:1000 is that month exactly.

use crate::util::{ok_in as ok, read_csv, run_in, text};
use std::path::Path;

const ONE: &str = r#"
[scenario]
name = "one contributor"
target = 1000
horizon_months = 12
trials = 20000
seed = 11

[[contributors]]
name = "A"
p_join = 0.5
troops = 1000
lead_months = 4.25
"#;

const TRIALS: f64 = 20000.0;

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.toml"), ONE).unwrap();
    dir
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Asserts that `p` is within 4.5 standard errors of the exact `x`.
fn near(p: f64, x: f64, what: &str) {
    let se = (x * (1.0 - x) / TRIALS).sqrt();
    assert!(
        (p - x).abs() <= 4.5 * se + 1e-12,
        "{what}: {p} is more than 4.5 standard errors ({se}) from {x}"
    );
}

/// The rows of a sweep of one path with `--metric`, as (value, row).
fn sweep(dir: &Path, vary: &str, metric: &str, extra: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut args = vec![
        "sweep", "one.toml", "--vary", vary, "--metric", metric, "--out", "s.csv", "--quiet",
        "--force",
    ];
    args.extend(extra);
    ok(dir, &args);
    read_csv(&dir.join("s.csv"))
}

#[test]
fn sweep_p_reached_and_mean_personnel_follow_p_join() {
    let dir = folder();
    let (h, rows) = sweep(
        dir.path(),
        "contributors.A.p_join=0:1:0.25",
        "p_reached:1000",
        &[],
    );
    assert_eq!(
        h[1..5],
        ["metric", "estimate", "estimate_ci_low", "estimate_ci_high"]
    );
    for r in &rows {
        let x: f64 = r[0].parse().unwrap();
        assert_eq!(r[1], "p_reached:1000");
        let (p, lo, hi): (f64, f64, f64) = (
            r[2].parse().unwrap(),
            r[3].parse().unwrap(),
            r[4].parse().unwrap(),
        );
        near(p, x, &format!("p_reached:1000 at p_join {x}"));
        assert!(lo <= p && p <= hi, "{r:?}");
    }
    // The standard columns are those of a sweep without --metric: adding
    // the level to what the engine counts changes nothing else.
    let (h0, plain) = sweep(
        dir.path(),
        "contributors.A.p_join=0:1:0.25",
        "p_success",
        &[],
    );
    assert_eq!(h0[1], "p_success");
    for (r, p) in rows.iter().zip(&plain) {
        assert_eq!(r[5..], p[1..], "standard columns differ");
    }

    let (_, rows) = sweep(
        dir.path(),
        "contributors.A.p_join=0.1,0.6",
        "mean_personnel",
        &[],
    );
    for r in &rows {
        let x: f64 = r[0].parse().unwrap();
        let mean: f64 = r[2].parse().unwrap();
        let se = 1000.0 * (x * (1.0 - x) / TRIALS).sqrt();
        assert!((mean - 1000.0 * x).abs() <= 4.5 * se, "{r:?}");
    }
    // A level above every pledge is never reached; one below it, as often as 1,000.
    let (_, rows) = sweep(
        dir.path(),
        "contributors.A.p_join=0.7",
        "p_reached:1001",
        &[],
    );
    assert_eq!(rows[0][2], "0");
    let (_, low) = sweep(
        dir.path(),
        "contributors.A.p_join=0.7",
        "p_reached:400",
        &[],
    );
    let (_, at) = sweep(
        dir.path(),
        "contributors.A.p_join=0.7",
        "p_reached:1000",
        &[],
    );
    assert_eq!(low[0][2], at[0][2]);
}

#[test]
fn sweep_month_is_the_grid_point_at_or_after_the_lead_time() {
    let dir = folder();
    let leads = "contributors.A.lead_months=0,0.05,3.3,3.31,7.25,11.95,12,12.01,13";
    let (_, rows) = sweep(
        dir.path(),
        leads,
        "month_p50:1000",
        &["--set", "contributors.A.p_join=1"],
    );
    let want = ["0", "0.1", "3.3", "3.4", "7.3", "12", "12", "", ""];
    for (r, w) in rows.iter().zip(want) {
        assert_eq!(r[2], w, "lead {}: {r:?}", r[0]);
        // Every trial reaches at the same point: the interval is that point.
        assert_eq!((r[3].as_str(), r[4].as_str()), (w, w), "{r:?}");
    }
    // 80% join: the median month is the same point; 90% is never reached.
    let (_, rows) = sweep(
        dir.path(),
        "contributors.A.lead_months=3.3,7.25",
        "month_p90:1000",
        &["--set", "contributors.A.p_join=0.8"],
    );
    assert!(rows.iter().all(|r| r[2].is_empty()), "{rows:?}");
    let (_, rows) = sweep(
        dir.path(),
        "contributors.A.lead_months=3.3,7.25",
        "month_p50:1000",
        &["--set", "contributors.A.p_join=0.8"],
    );
    assert_eq!((rows[0][2].as_str(), rows[1][2].as_str()), ("3.3", "7.3"));
}

#[test]
fn reaching_by_a_month_counts_arrivals_up_to_it() {
    let dir = folder();
    let (_, rows) = sweep(
        dir.path(),
        "contributors.A.lead_months=0,5.9,6,6.01,11",
        "p_reached:1000@6",
        &["--set", "contributors.A.p_join=0.4"],
    );
    for r in &rows {
        let lead: f64 = r[0].parse().unwrap();
        let p: f64 = r[2].parse().unwrap();
        if lead <= 6.0 {
            near(p, 0.4, &format!("lead {lead}"));
        } else {
            assert_eq!(p, 0.0, "lead {lead} arrives after month 6");
        }
    }
}

/// With 80% of trials reaching 1,000, the median month and the chance by
/// a month read the same trials as milestones.csv does, and p_reached of
/// the target is P(target reached) itself.
#[test]
fn metrics_agree_with_the_run_files() {
    let scenario = r#"
[scenario]
name = "spread"
target = 3000
horizon_months = 9.55
trials = 20000
seed = 4

[[contributors]]
name = "A"
p_join = 0.8
troops = { dist = "uniform", min = 500, max = 2000 }
lead_months = { dist = "pert", min = 1, mode = 3, max = 10 }

[[contributors]]
name = "B"
p_join = 0.6
troops = 1500
lead_months = { dist = "uniform", min = 0, max = 8 }
"#;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("one.toml"), scenario).unwrap();
    ok(d, &["run", "one.toml", "--out", "r", "--quiet"]);
    let (mh, ms) = read_csv(&d.join("r/milestones.csv"));
    let (_, summary) = read_csv(&d.join("r/summary.csv"));
    for row in &ms {
        let level = &row[col(&mh, "personnel")];
        for (metric, column) in [
            (format!("month_p10:{level}"), "month_p10"),
            (format!("month_p50:{level}"), "month_p50"),
            (format!("month_p90:{level}"), "month_p90"),
            (format!("p_reached:{level}"), "p_reached"),
        ] {
            let (_, rows) = sweep(d, "contributors.B.troops=1500", &metric, &[]);
            assert_eq!(rows[0][2], row[col(&mh, column)], "{metric}");
        }
    }
    let (_, rows) = sweep(d, "contributors.B.troops=1500", "p_reached:3000", &[]);
    let reached = summary.iter().find(|r| r[0] == "p_target_reached").unwrap();
    assert_eq!(rows[0][2], reached[1]);
    // A level that is no milestone: the chance by the horizon lies between
    // the milestones around it.
    let (_, rows) = sweep(d, "contributors.B.troops=1500", "p_reached:1600", &[]);
    let p = |r: &Vec<String>| r[col(&mh, "p_reached")].parse::<f64>().unwrap();
    let v: f64 = rows[0][2].parse().unwrap();
    assert_eq!(ms[1][0], "1500");
    assert!(p(&ms[2]) <= v && v <= p(&ms[1]), "{v} {ms:?}");
}

#[test]
fn solve_finds_known_answers_on_any_metric() {
    let dir = folder();
    let d = dir.path();
    let answer = |args: &[&str]| -> (f64, f64, f64) {
        let mut a = vec![
            "solve",
            "one.toml",
            "--csv",
            "solve.csv",
            "--quiet",
            "--force",
        ];
        a.extend(args);
        ok(d, &a);
        let (h, rows) = read_csv(&d.join("solve.csv"));
        let n = |c: &str| rows[0][col(&h, c)].parse::<f64>().unwrap();
        (n("value"), n("value_low"), n("value_high"))
    };
    let (v, lo, hi) = answer(&[
        "--vary",
        "contributors.A.p_join",
        "--goal",
        "p_reached:1000 >= 0.5",
    ]);
    assert!(
        lo <= 0.5 && 0.5 <= hi && lo <= v && v <= hi,
        "{lo} {v} {hi}"
    );
    assert!(hi - lo < 0.04, "{lo} {hi}");
    let (v, lo, hi) = answer(&[
        "--vary",
        "contributors.A.p_join",
        "--metric",
        "mean_personnel",
        "--goal",
        ">= 600",
    ]);
    assert!(
        lo <= 0.6 && 0.6 <= hi && (v - 0.6).abs() < 0.02,
        "{lo} {v} {hi}"
    );
    // The latest lead time by which half the trials have 1,000 by month 6.5:
    // every lead time up to 6.5 exactly, none after.
    let (v, lo, hi) = answer(&[
        "--vary",
        "contributors.A.lead_months",
        "--range",
        "0:12",
        "--max",
        "--goal",
        "month_p50:1000 <= 6.5",
        "--set",
        "contributors.A.p_join=1",
    ]);
    // The answer and the interval's low end meet the goal; its high end,
    // the first value tried past it, does not.
    for x in [v, lo] {
        assert!((6.5 - 0.012..=6.5).contains(&x), "{lo} {v} {hi}");
    }
    assert!(hi > 6.5 && hi <= 6.5 + 0.012, "{lo} {v} {hi}");
}

#[test]
fn sensitivity_ranks_inputs_by_the_chosen_metric() {
    let dir = folder();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "sensitivity",
            "one.toml",
            "--metric",
            "p_reached:1000@5",
            "--out",
            "sens",
        ],
    );
    assert!(out.contains("P(1,000 reached by month 5)"), "{out}");
    let (h, rows) = read_csv(&d.join("sens/tornado.csv"));
    assert_eq!(
        h,
        [
            "input",
            "low_setting",
            "high_setting",
            "metric",
            "estimate_low",
            "estimate_high",
            "swing"
        ]
    );
    let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap().clone();
    let num = |s: &str| s.parse::<f64>().unwrap();
    // Lead 4.25 moves to 3.4 (reached by 5 as often as A joins) and to 5.1 (never).
    let lead = row("contributors.A.lead_months");
    assert_eq!(rows[0][0], lead[0], "{rows:?}");
    assert_eq!(lead[3], "p_reached:1000@5");
    near(num(&lead[4]), 0.5, "lead x0.8");
    assert_eq!(lead[5], "0");
    // A pledge of 800 never makes 1,000; 1,200 does whenever A joins.
    let troops = row("contributors.A.troops");
    assert_eq!(
        (troops[4].as_str(), troops[6].as_str()),
        ("0", lead[6].as_str())
    );
    let p_join = row("contributors.A.p_join");
    near(num(&p_join[4]), 0.4, "p_join 0.4");
    near(num(&p_join[5]), 0.6, "p_join 0.6");
    // The target and the horizon (9.6, 14.4) do not move 1,000 by month 5.
    for name in ["scenario.target", "scenario.horizon_months"] {
        assert_eq!(row(name)[6], "0", "{name}");
    }
    let chart = std::fs::read_to_string(d.join("sens/tornado.svg")).unwrap();
    assert!(
        chart.contains("Sensitivity of p_reached:1000@5"),
        "the chart names its metric"
    );
    let record = std::fs::read_to_string(d.join("sens/run.toml")).unwrap();
    assert!(record.contains("metric = \"p_reached:1000@5\""), "{record}");

    // The month moves with the lead time, exactly on the grid.
    ok(
        d,
        &[
            "sensitivity",
            "one.toml",
            "--metric",
            "month_p40:1000",
            "--out",
            "months",
            "--quiet",
        ],
    );
    let (_, rows) = read_csv(&d.join("months/tornado.csv"));
    let lead = rows
        .iter()
        .find(|r| r[0] == "contributors.A.lead_months")
        .unwrap();
    assert_eq!(lead[4..], ["3.4", "5.1", "1.7"]);
}

#[test]
fn compare_leads_with_the_metric() {
    let dir = folder();
    let d = dir.path();
    for (out, p, seed) in [("a", "0.3", "1"), ("b", "0.6", "2")] {
        let set = format!("contributors.A.p_join={p}");
        ok(
            d,
            &[
                "run", "one.toml", "--set", &set, "--seed", seed, "--out", out, "--quiet",
            ],
        );
    }
    let lines = |metric: &str| {
        ok(
            d,
            &[
                "compare", "a", "b", "--metric", metric, "--csv", "c.csv", "--force",
            ],
        );
        read_csv(&d.join("c.csv"))
    };
    let (h, rows) = lines("p_reached:1000");
    let first = &rows[0];
    assert_eq!(
        (first[0].as_str(), first[2].as_str()),
        ("milestones.csv", "p_reached:1000")
    );
    near(first[col(&h, "a")].parse().unwrap(), 0.3, "A");
    near(first[col(&h, "b")].parse().unwrap(), 0.6, "B");
    assert_eq!(first[col(&h, "significant")], "true");
    let (h, rows) = lines("month_p10:1000");
    assert_eq!(rows[0][col(&h, "a")], "4.3");
    assert_eq!(rows[0][col(&h, "b")], "4.3");
    assert_eq!(rows[0][col(&h, "p_value")], "", "months carry no interval");
    let (_, rows) = lines("mean_personnel");
    assert_eq!(rows[0][2], "mean_personnel");
    assert_eq!(
        rows.iter().filter(|r| r[2] == "mean_personnel").count(),
        1,
        "moved, not repeated"
    );
    // Without --metric, p_success leads as before.
    let (_, rows) = lines("p_success");
    assert_eq!(
        (rows[0][0].as_str(), rows[0][2].as_str()),
        ("summary.csv", "p_success")
    );
}

#[test]
fn bad_metrics_are_one_line_usage_errors() {
    let dir = folder();
    let d = dir.path();
    ok(
        d,
        &[
            "run", "one.toml", "--trials", "1000", "--out", "r", "--quiet",
        ],
    );
    let commands: [&[&str]; 3] = [
        &["sweep", "one.toml", "--vary", "contributors.A.p_join=0.5"],
        &["sensitivity", "one.toml"],
        &["compare", "r", "r"],
    ];
    for bad in [
        "p_reached:abc",
        "month_p150:5",
        "month_p50:0",
        "p_reached:10@6.55",
    ] {
        let mut tries: Vec<Vec<&str>> = commands
            .iter()
            .map(|c| [*c, &["--metric", bad]].concat())
            .collect();
        tries.push(vec![
            "solve",
            "one.toml",
            "--vary",
            "contributors.A.p_join",
            "--metric",
            bad,
            "--goal",
            ">= 0.5",
        ]);
        let goal = format!("{bad} >= 0.5");
        tries.push(vec![
            "solve",
            "one.toml",
            "--vary",
            "contributors.A.p_join",
            "--goal",
            &goal,
        ]);
        for args in tries {
            let out = run_in(d, &args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(
                err.starts_with("error: ") && err.contains(bad),
                "{args:?}: {err}"
            );
        }
    }
    // What each says.
    let says = |bad: &str| text(&run_in(d, &["compare", "r", "r", "--metric", bad]).stderr);
    assert!(says("p_reached:abc").contains("not a personnel level"));
    assert!(says("month_p150:5").contains("1 to 99"));
    assert!(says("month_p50:0").contains("level of 0"));
    assert!(says("p_reachd:5").contains("unknown metric"));
    // compare can only read what the folders hold.
    for (bad, why) in [
        ("p_reached:123", "not a milestone"),
        ("month_p20:1000", "10%, 50% and 90%"),
        ("p_reached:1000@5", "by the horizon only"),
    ] {
        let out = run_in(d, &["compare", "r", "r", "--metric", bad]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains(why),
            "{bad}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_sweep_resumes_only_with_its_own_metric() {
    let dir = folder();
    let d = dir.path();
    let vary = "contributors.A.p_join=0.2,0.4";
    ok(
        d,
        &[
            "sweep",
            "one.toml",
            "--vary",
            vary,
            "--metric",
            "p_reached:500",
            "--out",
            "s.csv",
            "--quiet",
        ],
    );
    let full = std::fs::read_to_string(d.join("s.csv")).unwrap();
    let first_two: Vec<&str> = full.lines().take(2).collect();
    std::fs::write(d.join("s.csv.partial"), first_two.join("\n") + "\n").unwrap();
    let out = run_in(
        d,
        &[
            "sweep",
            "one.toml",
            "--vary",
            vary,
            "--metric",
            "p_reached:600",
            "--out",
            "s.csv",
            "--resume",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--metric"),
        "{}",
        text(&out.stderr)
    );
    ok(
        d,
        &[
            "sweep",
            "one.toml",
            "--vary",
            vary,
            "--metric",
            "p_reached:500",
            "--out",
            "s.csv",
            "--resume",
            "--quiet",
        ],
    );
    assert_eq!(std::fs::read_to_string(d.join("s.csv")).unwrap(), full);
}

/// Format 2: a contributor that arrives at month 2 and withdraws when calm
/// ends at month 6. 1,000 was reached (at some month within the horizon)
/// whenever it joined, though nobody is left at the horizon.
#[test]
fn reaching_counts_personnel_that_later_leaves() {
    let scenario = r#"
[scenario]
name = "withdraws"
target = 1000
horizon_months = 12
trials = 20000
seed = 8

[conditions.calm]
p = 1

[[conditions.calm.changes]]
to = false
month = 6

[[contributors]]
name = "A"
p_join = 0.5
requires = ["calm"]
on_unmet = "withdraw"
troops = 1000
lead_months = 2
"#;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("one.toml"), scenario).unwrap();
    let (h, rows) = sweep(d, "contributors.A.p_join=0.3,1", "p_reached:1000", &[]);
    for r in &rows {
        let x: f64 = r[0].parse().unwrap();
        near(r[2].parse().unwrap(), x, &format!("p_join {x}"));
        assert_eq!(
            r[col(&h, "mean_personnel")],
            "0",
            "nobody is left at the horizon"
        );
    }
    let (_, rows) = sweep(d, "contributors.A.p_join=1", "month_p50:1000", &[]);
    assert_eq!(rows[0][2], "2");
    let (_, rows) = sweep(d, "contributors.A.p_join=1", "p_reached:1000@1.9", &[]);
    assert_eq!(rows[0][2], "0");
}

/// Beside another metric, a sweep's table shows a rare P(success) as the
/// count of trials it rests on, the CSV keeps the number.
#[test]
fn a_sweep_shows_a_rare_success_as_a_count() {
    let dir = folder();
    let out = ok(
        dir.path(),
        &[
            "sweep",
            "one.toml",
            "--vary",
            "contributors.A.p_join=0.002,0.5",
            "--metric",
            "mean_personnel",
            "--out",
            "s.csv",
            "--force",
        ],
    );
    let (header, rows) = read_csv(&dir.path().join("s.csv"));
    let p = col(&header, "p_success");
    let k = (rows[0][p].parse::<f64>().unwrap() * TRIALS).round() as u64;
    assert!(k > 0 && k < 200, "a rare success: {k} trials");
    assert!(
        out.contains(&format!("{k} in 20,000")),
        "the table counts the rare success: {out}"
    );
    assert!(!out.contains(&format!("{} in 20,000", rows[1][p])), "{out}");
}

/// `compare` leads with its metric in words: a rare P(success) as the count
/// of trials in each run, the difference in percentage points with its
/// interval and verdict; the table counts it too, and says how many
/// trials each run's P(joined | success) rests on.
#[test]
fn compare_says_its_lead_metric_in_words_with_counts() {
    let dir = folder();
    let d = dir.path();
    for (out, p, seed) in [("a", "0.3", "1"), ("b", "0.002", "2")] {
        let set = format!("contributors.A.p_join={p}");
        ok(
            d,
            &[
                "run", "one.toml", "--set", &set, "--seed", seed, "--out", out, "--quiet",
            ],
        );
    }
    let out = ok(d, &["compare", "a", "b", "--csv", "c.csv", "--force"]);
    let (h, rows) = read_csv(&d.join("c.csv"));
    let b = (rows[0][col(&h, "b")].parse::<f64>().unwrap() * TRIALS).round() as u64;
    let a = rows[0][col(&h, "a")].parse::<f64>().unwrap();
    assert!(b > 0 && b < 200, "a rare success in B: {b} trials");
    let lead = out.lines().nth(2).unwrap_or_default();
    assert!(
        lead.starts_with(&format!(
            "p_success: {:.1}% in A, {b} in 20,000 in B; A - B is ",
            100.0 * a
        )),
        "{out}"
    );
    assert!(
        lead.contains("percentage points (95% CI ")
            && lead.ends_with("a real difference after Holm's correction."),
        "{lead}"
    );
    let row = out
        .lines()
        .find(|l| l.trim_start().starts_with("p_success"))
        .unwrap();
    assert!(row.contains(&format!("{b} in 20,000")), "{row}");
    let k_a = (a * TRIALS).round() as u64;
    assert!(
        out.contains(&format!(
            "p_joined_given_success rests on the trials that succeeded (A {} trials; B {b} trials",
            with_commas(k_a)
        )),
        "{out}"
    );
}

/// 6123 as "6,123".
fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
