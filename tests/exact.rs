//! Exact-answer tests: small scenarios whose every outcome is listed in the
//! test code (tests/exact/enumerate.rs, independent of the engine), run
//! through the real `muster` binary, with every estimate in the result
//! files compared with the exact value (within 4.5 standard errors).

#[path = "exact/check.rs"]
pub mod check;
#[path = "exact/enumerate.rs"]
pub mod enumerate;
#[path = "exact/model.rs"]
pub mod model;
#[path = "exact/scenarios.rs"]
mod scenarios;

use check::{Table, compare, run_muster, run_scenario, work_dir};
use enumerate::{Exact, enumerate};
use model::{Contributor, Scenario};
use scenarios::{disc, fixed, p};

const TRIALS: u64 = 200_000;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

// ---------------------------------------------------------------------------
// The oracle on its own.

#[test]
fn oracle_probabilities_sum_to_one() {
    for (name, s) in scenarios::all() {
        let ex = enumerate(&s);
        assert!(
            close(ex.total_probability, 1.0),
            "{name}: {}",
            ex.total_probability
        );
        let totals: f64 = ex.totals.values().sum();
        assert!(close(totals, 1.0), "{name}: totals {totals}");
        let coalitions: f64 = ex.coalitions.values().map(|c| c.p).sum();
        assert!(close(coalitions, 1.0), "{name}: coalitions {coalitions}");
        for (cond, states) in &ex.conditions {
            let sum: f64 = states.iter().map(|s| s.p_state).sum();
            assert!(close(sum, 1.0), "{name}: states of {cond} sum to {sum}");
            let succ: f64 = states.iter().map(|s| s.p_state_and_success).sum();
            assert!(close(succ, ex.p_success), "{name}: {cond} success {succ}");
        }
        for (c, ce) in s.contributors.iter().zip(&ex.contributors) {
            let first: f64 = ce.blockers.iter().map(|b| b.1).sum();
            assert!(
                close(first + ce.p_arrived, 1.0),
                "{name}/{}: first reasons {first} + arrived {}",
                c.name,
                ce.p_arrived
            );
            for (reason, pf, pa) in &ce.blockers {
                assert!(
                    *pf <= *pa + 1e-12,
                    "{name}/{}/{reason}: p_first > p_any",
                    c.name
                );
            }
            assert!(ce.p_pivotal <= ce.p_joined_and_success + 1e-12);
        }
        assert!(ex.p_success <= ex.p_target.min(ex.p_roles) + 1e-12);
        assert!(ex.outcomes < 200_000, "{name}: {} outcomes", ex.outcomes);
    }
}

fn tiny(target: u64, contributors: Vec<Contributor>) -> Exact {
    let mut s = Scenario::new("tiny", target);
    s.contributors = contributors;
    enumerate(&s)
}

#[test]
fn oracle_hand_computed_cases() {
    // Two independent coin flips, both needed.
    let ex = tiny(
        150,
        vec![
            Contributor::new("A", p(0.5), fixed(100.0)),
            Contributor::new("B", p(0.5), fixed(100.0)),
        ],
    );
    assert!(close(ex.p_success, 0.25));
    assert!(close(ex.contributors[0].p_pivotal, 0.25));
    assert!(close(ex.m1, 100.0));
    assert!(close(ex.totals[&0], 0.25) && close(ex.totals[&100], 0.5));
    assert!(close(ex.coalitions["A+B"].p, 0.25) && close(ex.coalitions["(none)"].p, 0.25));

    // A follower needing a lead nation placed after it: two rounds.
    let ex = tiny(
        100,
        vec![
            Contributor::new("F", p(1.0), fixed(100.0)).requires(&["joined(L)"]),
            Contributor::new("L", p(0.5), fixed(10.0)),
        ],
    );
    assert!(close(ex.p_success, 0.5));
    assert!(close(ex.contributors[1].p_pivotal, 0.5));
    assert!(close(ex.contributors[0].p_pivotal, 0.5));
    assert_eq!(ex.contributors[0].blockers[2].0, "joined(L)");
    assert!(close(ex.contributors[0].blockers[2].1, 0.5));

    // Rounding: 2500.5 -> 2501, 2501 * 0.5 = 1250.5 -> 1251.
    let ex = tiny(
        1,
        vec![Contributor::new("R", p(1.0), fixed(2500.5)).delivery(fixed(0.5))],
    );
    assert!(close(ex.totals[&1251], 1.0));

    // Enough people for the target, but not for role B.
    let mut s = Scenario::new("roles", 400);
    s.roles = Some(vec![("A".into(), 300), ("B".into(), 200)]);
    s.contributors = vec![Contributor::new("X", p(1.0), fixed(500.0)).roles(&["A"])];
    let ex = enumerate(&s);
    assert!(close(ex.p_target, 1.0) && close(ex.p_roles, 0.0) && close(ex.p_success, 0.0));
    assert!(close(ex.roles[0].p_met, 1.0) && close(ex.roles[1].p_met, 0.0));

    // Shared personnel: each role alone is met, both together are not.
    let mut s = Scenario::new("hall", 100);
    s.roles = Some(vec![("A".into(), 300), ("B".into(), 200)]);
    s.contributors = vec![Contributor::new("Y", p(1.0), fixed(400.0))];
    let ex = enumerate(&s);
    assert!(close(ex.roles[0].p_met, 1.0) && close(ex.roles[1].p_met, 1.0));
    assert!(close(ex.p_roles, 0.0));

    // Declined with a late lead time: declined; late holds only for those
    // that joined (spec §2: "joined, but arrives after the horizon").
    let mut s = Scenario::new("late", 100);
    s.horizon = Some(3.0);
    s.contributors =
        vec![Contributor::new("D", p(0.25), fixed(100.0)).lead(disc(&[(2.0, 1.0), (4.0, 1.0)]))];
    let ex = enumerate(&s);
    let b = &ex.contributors[0].blockers;
    assert_eq!(
        b.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
        ["declined", "vetoed", "late"]
    );
    assert!(close(b[0].1, 0.75) && close(b[0].2, 0.75));
    assert!(close(b[2].1, 0.125) && close(b[2].2, 0.125));
    assert!(close(ex.contributors[0].p_arrived, 0.125));
}

#[test]
fn oracle_scenarios_cover_their_cases() {
    let ex = enumerate(&scenarios::cascade());
    // The lead nation carries every success.
    assert!(close(ex.contributors[2].p_pivotal, ex.p_success) && ex.p_success > 0.05);
    // Three rounds are needed for Delta.
    assert!(ex.contributors[0].p_joined > 0.05);

    let ex = enumerate(&scenarios::roles());
    // Target reached while the roles fail.
    assert!(ex.p_target - ex.p_success > 0.05);
    assert!(
        ex.contributors[0]
            .blockers
            .iter()
            .any(|b| b.0 == "late" && b.1 > 0.05)
    );

    let ex = enumerate(&scenarios::horizon());
    for ce in &ex.contributors {
        let late = ce.blockers.last().unwrap();
        assert_eq!(late.0, "late");
    }
    assert!(ex.contributors[0].blockers.last().unwrap().1 > 0.05);
    // Late counts only joined contributors, so p_any of late can exceed
    // its p_first only where a clause failed first.
    assert!(
        ex.contributors[1].blockers.last().unwrap().2
            >= ex.contributors[1].blockers.last().unwrap().1
    );

    let ex = enumerate(&scenarios::order());
    assert_eq!(ex.contributors[1].p_joined, 0.0);
    assert_eq!(ex.conditions[0].1[2].p_state, 0.0);
    // Early sometimes joins and then sees Late join after it.
    assert!(
        ex.coalitions
            .keys()
            .any(|k| k.contains("Early") && k.contains("Late"))
    );
}

// ---------------------------------------------------------------------------
// The engine against the oracle.

fn check_scenario(name: &str, s: &Scenario, seed: u64) -> std::path::PathBuf {
    let ex = enumerate(s);
    let out = run_scenario(name, s, TRIALS, seed);
    compare(name, s, &ex, &out, TRIALS, seed);
    out
}

#[test]
fn exact_cascade() {
    let s = scenarios::cascade();
    let out = check_scenario("cascade", &s, 11);
    // Lead is pivotal in every success: the same count, so the same text.
    let summary = Table::read(&out, "summary.csv", "metric,estimate,ci_low,ci_high");
    let contributors = Table::read(
        &out,
        "contributors.csv",
        "contributor,p_joined,ci_low,ci_high,mean_personnel_if_joined,p_joined_given_success,p_pivotal,successes,trials_joined",
    );
    let lead = contributors.rows.iter().find(|r| r[0] == "Lead").unwrap();
    assert_eq!(lead[6], summary.rows[0][1], "Lead p_pivotal vs p_success");
}

#[test]
fn exact_conditioned() {
    check_scenario("conditioned", &scenarios::conditioned(), 12);
}

#[test]
fn exact_roles() {
    check_scenario("roles", &scenarios::roles(), 13);
}

#[test]
fn exact_horizon() {
    check_scenario("horizon", &scenarios::horizon(), 14);
}

#[test]
fn exact_order() {
    check_scenario("order", &scenarios::order(), 15);
}

#[test]
fn exact_late_clause() {
    let s = scenarios::late_clause();
    let ex = enumerate(&s);
    assert!(ex.contributors[0].p_late_clause_first > 0.05);
    check_scenario("late_clause", &s, 17);
}

#[test]
fn exact_many_coalitions() {
    let s = scenarios::many();
    assert!(enumerate(&s).coalitions.len() > 20);
    check_scenario("many", &s, 16);
}

// ---------------------------------------------------------------------------
// Reproducibility.

const FILES: [&str; 9] = [
    "summary.csv",
    "contributors.csv",
    "blockers.csv",
    "roles.csv",
    "conditions.csv",
    "coalitions.csv",
    "exceedance.csv",
    "timeline.csv",
    "run.toml",
];

#[test]
fn thread_count_does_not_change_results() {
    let dir = work_dir("threads");
    let file = dir.join("independent.toml");
    std::fs::write(&file, scenarios::independent(0.4)).unwrap();
    // The same output path both times, so that nothing differs but the threads.
    let out = dir.join("out");
    run_muster(&file, &out, 100_000, 7, &["--threads", "1"]);
    std::fs::rename(&out, dir.join("one")).unwrap();
    run_muster(&file, &out, 100_000, 7, &["--threads", "2"]);
    for f in FILES {
        let a = std::fs::read(dir.join("one").join(f)).unwrap();
        let b = std::fs::read(out.join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and --threads 2");
    }
}

#[test]
fn changing_one_p_join_leaves_the_others_draws_alone() {
    let dir = work_dir("p_join");
    let mut outs = Vec::new();
    for (k, pj) in [0.4, 0.75].into_iter().enumerate() {
        let file = dir.join(format!("independent{k}.toml"));
        std::fs::write(&file, scenarios::independent(pj)).unwrap();
        outs.push(run_muster(
            &file,
            &dir.join(format!("out{k}")),
            100_000,
            3,
            &[],
        ));
    }
    let header = "contributor,p_joined,ci_low,ci_high,mean_personnel_if_joined,p_joined_given_success,p_pivotal,successes,trials_joined";
    let a = Table::read(&outs[0], "contributors.csv", header);
    let b = Table::read(&outs[1], "contributors.csv", header);
    let blockers_a = Table::read(&outs[0], "blockers.csv", "contributor,reason,p_first,p_any");
    let blockers_b = Table::read(&outs[1], "blockers.csv", "contributor,reason,p_first,p_any");
    for (ra, rb) in a.rows.iter().zip(&b.rows) {
        if ra[0] == "Two" {
            assert_ne!(ra[1], rb[1], "Two's p_joined should change with its p_join");
            continue;
        }
        // One and Three are independent; Four follows only One.
        assert_eq!(ra[1..4], rb[1..4], "p_joined of {} changed", ra[0]);
        assert_eq!(
            ra[4], rb[4],
            "mean_personnel_if_joined of {} changed",
            ra[0]
        );
    }
    for (ra, rb) in blockers_a.rows.iter().zip(&blockers_b.rows) {
        if ra[0] != "Two" {
            assert_eq!(ra, rb, "blockers of {} changed", ra[0]);
        }
    }
}

/// A joined contributor that arrives late has the one reason `late`, even
/// though a clause of its own (`not joined(B)`) turned false when B joined
/// after it; the clause counts neither as first reason nor in p_any.
#[test]
fn joined_late_contributor_has_only_the_late_reason() {
    let dir = work_dir("joined_late_only_late");
    let file = dir.join("s.toml");
    std::fs::write(
        &file,
        r#"
[scenario]
name = "late"
target = 100
horizon_months = 0

[[contributors]]
name = "A"
p_join = 1
requires = ["not joined(B)"]
troops = 100
lead_months = 1

[[contributors]]
name = "B"
p_join = 1
troops = 50
"#,
    )
    .unwrap();
    let out = run_muster(&file, &dir.join("out"), 1000, 1, &[]);
    let blockers = std::fs::read_to_string(out.join("blockers.csv")).unwrap();
    assert!(blockers.contains("A,not joined(B),0,0\n"), "{blockers}");
    assert!(blockers.contains("A,late,1,1\n"), "{blockers}");
}
