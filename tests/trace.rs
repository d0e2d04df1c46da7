//! `muster trace` tells trial N exactly as `muster run` counts it: run with
//! N and N-1 trials differ by that trial, whose personnel, success and
//! coalition the trace must report.

use crate::util::{ok_in, read_csv, repo, temp_dir};
use std::path::Path;

/// Sums over the first `k` trials of a run: personnel, successes and, per
/// contributor, the trials in which it was in the coalition at the horizon.
fn sums(dir: &Path, file: &str, k: u64) -> (f64, f64, Vec<(String, f64)>) {
    let out = dir.join(format!("run{k}"));
    ok_in(
        dir,
        &[
            "run",
            file,
            "--trials",
            &k.to_string(),
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let (_, summary) = read_csv(&out.join("summary.csv"));
    let get = |m: &str| -> f64 {
        summary.iter().find(|r| r[0] == m).unwrap()[1]
            .parse()
            .unwrap()
    };
    let (_, contributors) = read_csv(&out.join("contributors.csv"));
    let joined = contributors
        .iter()
        .map(|r| (r[0].clone(), r[1].parse::<f64>().unwrap() * k as f64))
        .collect();
    (
        get("mean_personnel") * k as f64,
        get("p_success") * k as f64,
        joined,
    )
}

fn check_scenario(file: &str, trials: u64) {
    let dir = temp_dir();
    let path = repo().join(file);
    let path = path.to_str().unwrap();
    let mut before = (0.0, 0.0, Vec::new());
    for k in 1..=trials {
        let now = sums(dir.path(), path, k);
        let json = ok_in(
            dir.path(),
            &["trace", path, "--trial", &k.to_string(), "--json"],
        );
        let t: serde_json::Value = serde_json::from_str(&json).unwrap();
        let v = &t["verdict"];
        let personnel = (now.0 - before.0).round();
        assert_eq!(
            v["personnel_at_horizon"].as_f64().unwrap(),
            personnel,
            "{file} trial {k}"
        );
        let success = (now.1 - before.1).round() == 1.0;
        assert_eq!(v["success"].as_bool().unwrap(), success, "{file} trial {k}");
        let coalition: Vec<&str> = v["coalition_at_horizon"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        for (i, (name, joined)) in now.2.iter().enumerate() {
            let was = before.2.get(i).map_or(0.0, |b: &(String, f64)| b.1);
            let member = (joined - was).round() == 1.0;
            assert_eq!(
                coalition.contains(&name.as_str()),
                member,
                "{file} trial {k} {name}"
            );
        }
        before = now;
    }
}

#[test]
fn trace_reports_each_trial_as_run_counts_it() {
    check_scenario("scenarios/gaza_isf_2025-11.toml", 8);
    check_scenario("scenarios/tutorial.toml", 8);
}

#[test]
fn first_finds_the_first_trial_of_its_kind() {
    let dir = temp_dir();
    let file = repo().join("scenarios/gaza_isf_2025-11.toml");
    let file = file.to_str().unwrap();
    let text = ok_in(
        dir.path(),
        &["trace", file, "--first", "personnel >= 10000", "--json"],
    );
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    let n = t["trial"].as_u64().unwrap();
    assert!(t["verdict"]["personnel_at_horizon"].as_u64().unwrap() >= 10000);
    for k in 1..n {
        let text = ok_in(
            dir.path(),
            &["trace", file, "--trial", &k.to_string(), "--json"],
        );
        let t: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            t["verdict"]["personnel_at_horizon"].as_u64().unwrap() < 10000,
            "trial {k}"
        );
    }
    let words = ok_in(dir.path(), &["trace", file, "--trial", &n.to_string()]);
    assert!(words.starts_with(&format!("Trial {n} of ")), "{words}");
    assert!(words.contains("Verdict: "), "{words}");
}

/// The report tells a typical failure step by step, with the command that
/// tells it again; that trial is a failure whose personnel is the run's
/// median when some failure has it.
#[test]
fn report_tells_a_typical_failure() {
    let dir = temp_dir();
    let file = repo().join("scenarios/tutorial.toml");
    let file = file.to_str().unwrap();
    let out = dir.path().join("r");
    ok_in(
        dir.path(),
        &[
            "run",
            file,
            "--trials",
            "3000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"stories\""), "no stories section");
    let at = html
        .find("A typical failure (trial ")
        .expect("no typical failure");
    let rest = &html[at + "A typical failure (trial ".len()..];
    let trial: u64 = rest[..rest.find(')').unwrap()].parse().unwrap();
    assert!(
        html.contains(&format!("--trial {trial}")),
        "no command for trial {trial}"
    );
    let json = ok_in(
        dir.path(),
        &["trace", file, "--trial", &trial.to_string(), "--json"],
    );
    let t: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!t["verdict"]["success"].as_bool().unwrap());
    let (_, summary) = read_csv(&out.join("summary.csv"));
    let median: f64 = summary.iter().find(|r| r[0] == "personnel_p50").unwrap()[1]
        .parse()
        .unwrap();
    let personnel = t["verdict"]["personnel_at_horizon"].as_f64().unwrap();
    // No earlier failure is closer to the median.
    for k in 1..trial {
        let json = ok_in(
            dir.path(),
            &["trace", file, "--trial", &k.to_string(), "--json"],
        );
        let e: serde_json::Value = serde_json::from_str(&json).unwrap();
        if !e["verdict"]["success"].as_bool().unwrap() {
            let p = e["verdict"]["personnel_at_horizon"].as_f64().unwrap();
            assert!(
                (p - median).abs() > (personnel - median).abs(),
                "trial {k} is closer"
            );
        }
    }
}

/// The report lists the scenario's sources with their links.
#[test]
fn report_lists_the_sources_with_links() {
    let dir = temp_dir();
    let file = repo().join("scenarios/gaza_isf_2025-11.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let out = dir.path().join("r");
    ok_in(
        dir.path(),
        &[
            "run",
            file.to_str().unwrap(),
            "--trials",
            "2000",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"sources\""), "no sources section");
    let urls: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("url = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(!urls.is_empty());
    for url in urls {
        let shown = url.replace('&', "&amp;");
        assert!(
            html.contains(&format!("<a href=\"{shown}\">")),
            "{url} not linked"
        );
    }
}
