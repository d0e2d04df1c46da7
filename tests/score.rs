//! `muster score`: CRPS and Brier scores of a result folder against an
//! outcomes file, and of the two leave-one-out baselines, on a case small
//! enough to score by hand.

use crate::util::{ok_in, run_in, stderr, temp_dir};
use std::path::Path;

/// Every trial is the same: 40 people arrive at month 1, 60 at month 5.
const SCENARIO: &str = r#"
[scenario]
name = "two contingents"
target = 100
horizon_months = 12
milestones = [50, 100]
[[contributors]]
name = "A"
p_join = 1
troops = 40
lead_months = 1
[[contributors]]
name = "B"
p_join = 1
troops = 60
lead_months = 5
"#;

const SOURCE: &str = r#"
[[sources]]
id = "S"
title = "a record"
url = "https://example.org"
published = 2001-01-01
"#;

fn outcomes(name: &str, target: u64, pledged: u64, records: &[(f64, u64)]) -> String {
    let mut t = format!(
        "[outcome]\nprecedent = \"{name}\"\ntarget = {target}\npledged = {pledged}\n{SOURCE}"
    );
    for (m, p) in records {
        t += &format!("[[records]]\nmonth = {m}\npersonnel = {p}\nsources = [\"S\"]\n");
    }
    t
}

fn setup(dir: &Path) {
    std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
    std::fs::create_dir(dir.join("o")).unwrap();
    let w = |f: &str, t: String| std::fs::write(dir.join("o").join(f), t).unwrap();
    w(
        "this.outcomes.toml",
        outcomes(
            "this",
            100,
            120,
            &[(0.0, 0), (3.0, 50), (6.0, 80), (24.0, 90)],
        ),
    );
    w(
        "one.outcomes.toml",
        outcomes("one", 200, 100, &[(0.0, 0), (4.0, 100), (12.0, 200)]),
    );
    w(
        "two.outcomes.toml",
        outcomes("two", 1000, 2000, &[(0.0, 0), (6.0, 500)]),
    );
    ok_in(
        dir,
        &["run", "s.toml", "--trials", "50", "--quiet", "--out", "r"],
    );
}

/// (measure, month, level) -> [model, base_rate, pledge_ratio]
fn rows(csv: &str) -> Vec<(String, f64, String, [f64; 3])> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let n = |k: usize| c[k].parse::<f64>().unwrap();
            (c[1].to_string(), n(2), c[3].to_string(), [n(5), n(6), n(7)])
        })
        .collect()
}

fn close(a: [f64; 3], b: [f64; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
}

#[test]
fn scores_match_the_hand_computation() {
    let dir = temp_dir();
    setup(dir.path());
    let csv = ok_in(dir.path(), &["score", "r", "o/this.outcomes.toml", "--csv"]);
    assert!(
        csv.starts_with("precedent,measure,month,level,outcome,model,base_rate,pledge_ratio\n")
    );
    let r = rows(&csv);
    let get = |m: &str, month: f64, level: &str| {
        r.iter()
            .find(|x| x.0 == m && x.1 == month && x.2 == level)
            .unwrap_or_else(|| panic!("no row {m} {month} {level} in\n{csv}"))
            .3
    };
    // Month 3, observed 0.5. The model says 0.4 in every trial: |0.4 - 0.5|.
    // Base rate {75/200, 250/1000} = {0.375, 0.25}: mean miss 0.1875 minus
    // half the mean spread (0.125 / 4) = 0.15625. Pledges x ratio: 1.2 x
    // {75/100, 250/2000} = {0.9, 0.15}: 0.375 - 0.75/4 = 0.1875.
    assert!(close(get("crps", 3.0, ""), [0.1, 0.15625, 0.1875]), "{csv}");
    // Month 6, observed 0.8. Model 1.0. Base {0.625, 0.5}: 0.2375 - 0.03125.
    // Pledges 1.2 x {125/100, 500/2000} = {1.5, 0.3}: 0.6 - 1.2/4.
    assert!(close(get("crps", 6.0, ""), [0.2, 0.20625, 0.3]), "{csv}");
    // The means of the three at month 3: 0.4, (0.375 + 0.25)/2, (0.9 + 0.15)/2.
    assert!(close(get("mean", 3.0, ""), [0.4, 0.3125, 0.525]), "{csv}");
    // P(personnel >= 50 at month 3): model 0, base 0 of 2, pledges 1 of 2.
    assert!(close(get("p", 3.0, "50"), [0.0, 0.0, 0.5]), "{csv}");
    assert!(close(get("p", 6.0, "100"), [1.0, 0.0, 0.5]), "{csv}");
    // >= 50 happened at both months, >= 100 at neither.
    assert!(close(get("brier", 3.0, "50"), [1.0, 1.0, 0.25]), "{csv}");
    assert!(close(get("brier", 6.0, "50"), [0.0, 0.0, 0.25]), "{csv}");
    assert!(close(get("brier", 6.0, "100"), [1.0, 0.0, 0.25]), "{csv}");
    // Month 24 is after the horizon: not scored.
    assert!(!r.iter().any(|x| x.1 == 24.0), "{csv}");
}

#[test]
fn the_text_report_gives_the_means_and_what_was_left_out() {
    let dir = temp_dir();
    setup(dir.path());
    let out = ok_in(dir.path(), &["score", "r", "o/this.outcomes.toml"]);
    // Mean CRPS: model (0.1 + 0.2)/2, base (0.15625 + 0.20625)/2, pledges (0.1875 + 0.3)/2.
    assert!(
        out.contains("mean                0.150      0.181            0.244"),
        "{out}"
    );
    // Mean Brier over four events: model (1 + 0 + 0 + 1)/4, base (1+0+0+0)/4,
    // pledges 4 x 0.25 x ... = (0.25 + 0 + 0.25 + 0.25)/4.
    assert!(
        out.contains("mean Brier                   0.500      0.250            0.188"),
        "{out}"
    );
    assert!(
        out.contains("not scored: month 24 (after the scenario's horizon)"),
        "{out}"
    );
    assert!(
        out.contains("fan.csv's mean reproduced at 13 months"),
        "{out}"
    );
}

#[test]
fn a_changed_scenario_or_a_doctored_fan_is_refused() {
    let dir = temp_dir();
    setup(dir.path());
    let p = dir.path();
    std::fs::write(
        p.join("s.toml"),
        SCENARIO.replace("troops = 40", "troops = 41"),
    )
    .unwrap();
    let out = run_in(p, &["score", "r", "o/this.outcomes.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SHA-256 differs"), "{}", stderr(&out));
    std::fs::write(p.join("s.toml"), SCENARIO).unwrap();
    let fan = std::fs::read_to_string(p.join("r/fan.csv")).unwrap();
    let doctored = fan.replacen(",40\n", ",41\n", 1);
    assert_ne!(fan, doctored);
    std::fs::write(p.join("r/fan.csv"), doctored).unwrap();
    let out = run_in(p, &["score", "r", "o/this.outcomes.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does not reproduce fan.csv"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_outcomes_are_located() {
    let dir = temp_dir();
    setup(dir.path());
    let p = dir.path();
    let cases = [
        (
            outcomes("x", 100, 1, &[(1.0, 0), (3.0, 5)]),
            "records[0].month",
            "must be at month 0",
        ),
        (
            outcomes("x", 100, 1, &[(0.0, 0), (3.0, 5), (3.0, 6)]),
            "records[2].month",
            "not after",
        ),
        (
            outcomes("x", 100, 1, &[(0.0, 0)]),
            "records",
            "at least one after",
        ),
        (
            outcomes("x", 100, 1, &[(0.0, 0), (3.0, 5)]).replacen(
                "sources = [\"S\"]",
                "sources = [\"T\"]",
                1,
            ),
            "records[0].sources[0]",
            "no source has id \"T\"",
        ),
    ];
    for (text, key, message) in cases {
        std::fs::write(p.join("bad.outcomes.toml"), &text).unwrap();
        let out = run_in(
            p,
            &[
                "score",
                "r",
                "bad.outcomes.toml",
                "--others",
                "o/one.outcomes.toml",
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = stderr(&out);
        assert!(
            err.contains("bad.outcomes.toml:") && err.contains(key) && err.contains(message),
            "{err}"
        );
    }
    // The line of a month out of order.
    let text = outcomes("x", 100, 1, &[(0.0, 0), (3.0, 5), (2.0, 6)]);
    std::fs::write(p.join("bad.outcomes.toml"), &text).unwrap();
    let err = stderr(&run_in(p, &["score", "r", "bad.outcomes.toml"]));
    let line = text.lines().position(|l| l == "month = 2").unwrap() + 1;
    assert!(
        err.contains(&format!("bad.outcomes.toml:{line}:9: records[2].month")),
        "{err}"
    );
}
