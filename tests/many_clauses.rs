//! A contributor with more clauses than the bit counters hold (70) takes the
//! trial-by-trial path for eligibility and blockers; its results must follow
//! the same rules: with a fair coin `c`, every clause `c` fails in half the
//! trials, the first clause is the first reason then, the others never are.

use std::process::Command;

#[test]
fn seventy_clauses_are_counted_trial_by_trial() {
    let dir = tempfile::tempdir().unwrap();
    let clauses = vec!["\"c\""; 70].join(", ");
    let text = format!(
        "[scenario]\nname = \"many clauses\"\ntarget = 100\nhorizon_months = 6\n\n\
         [conditions.c]\np = 0.5\n\n\
         [[contributors]]\nname = \"A\"\np_join = 1\nrequires = [{clauses}]\ntroops = 100\n\n\
         [[contributors]]\nname = \"B\"\np_join = 0.5\ntroops = 10\nlead_months = 7\n"
    );
    let file = dir.path().join("many.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_muster"))
        .args([
            "run",
            file.to_str().unwrap(),
            "--trials",
            "40000",
            "--seed",
            "3",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let blockers = std::fs::read_to_string(out.join("blockers.csv")).unwrap();
    let rows: Vec<Vec<&str>> = blockers
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let a: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "A").collect();
    // declined, vetoed, 70 clauses, late
    assert_eq!(a.len(), 73);
    let num = |s: &str| s.parse::<f64>().unwrap();
    let half = num(a[2][2]);
    // 4.5 standard errors of a proportion of 40,000 trials at 0.5.
    assert!(
        (half - 0.5).abs() < 4.5 * (0.25f64 / 40_000.0).sqrt(),
        "{half}"
    );
    for r in &a[2..72] {
        assert_eq!(
            num(r[3]),
            half,
            "every clause fails exactly when c is false: {r:?}"
        );
    }
    for r in &a[3..73] {
        assert_eq!(
            num(r[2]),
            0.0,
            "only the first failing clause is first: {r:?}"
        );
    }
    // B joins half the time and always arrives after the horizon: late.
    let b: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "B").collect();
    assert_eq!(b[2][1], "late");
    assert_eq!(num(b[2][2]), num(b[2][3]));
    assert!((num(b[2][2]) - 0.5).abs() < 4.5 * (0.25f64 / 40_000.0).sqrt());
}
