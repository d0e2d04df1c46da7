//! The back-test set in precedents/: each scenario is frozen at its date
//! (the loader refuses a later source outside a hindsight entry), pairs
//! with an outcomes file, and takes its p_join, delivery and lead times
//! from precedents/shared.toml, which is the fit on the precedents it
//! names and on no others.

use crate::util::{ok_in, repo};
use muster::scenario::dist::Dist;
use muster::scenario::{Prob, Scenario, load_file};
use muster::score::fit::{FITTED_STANCES, fit};
use muster::score::outcomes::{Outcomes, load};
use std::path::PathBuf;

fn dir() -> PathBuf {
    repo().join("precedents")
}

/// Stems of the precedent scenarios (files without a second extension).
fn stems() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_string))
        .filter(|s| !s.contains('.') && s != "shared")
        .collect();
    v.sort();
    v
}

fn scenario(stem: &str) -> Scenario {
    let path = dir().join(format!("{stem}.toml"));
    load_file(&path, &[]).unwrap_or_else(|e| panic!("{e}")).0
}

fn outcomes(stem: &str) -> Outcomes {
    load(&dir().join(format!("{stem}.outcomes.toml"))).unwrap_or_else(|e| panic!("{e}"))
}

fn shared() -> toml::Table {
    let text = std::fs::read_to_string(dir().join("shared.toml")).unwrap();
    text.parse().unwrap()
}

fn list(t: &toml::Table, key: &str) -> Vec<String> {
    t[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn number(t: &toml::Table, table: &str, key: &str) -> f64 {
    t[table][key].as_float().unwrap()
}

#[test]
fn there_are_at_least_sixteen_dated_precedents_and_check_accepts_them() {
    let stems = stems();
    assert!(stems.len() >= 16, "{stems:?}");
    for s in &stems {
        let sc = scenario(s);
        let p = &sc.provenance;
        assert!(p.as_of.is_some(), "{s}: no as_of");
        assert_eq!(sc.format, 2, "{s}");
        assert!(!p.sources.is_empty(), "{s}: no [[sources]]");
        for e in &p.entries {
            assert!(
                !e.sources.is_empty() || e.label.starts_with("role"),
                "{s}: {} cites no source",
                e.label
            );
        }
    }
    let files: Vec<String> = stems
        .iter()
        .map(|s| format!("precedents/{s}.toml"))
        .collect();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    ok_in(&repo(), &args);
}

#[test]
fn each_precedent_has_outcomes_that_match_it() {
    for s in stems() {
        let (sc, o) = (scenario(&s), outcomes(&s));
        assert_eq!(sc.target, o.target, "{s}: targets differ");
        let sum: u64 = o.contributors.iter().map(|c| c.pledged).sum();
        assert_eq!(
            o.pledged, sum,
            "{s}: pledged is not the sum of the contributors'"
        );
        let mut a: Vec<&str> = sc.contributors.iter().map(|c| c.name.as_str()).collect();
        let mut b: Vec<&str> = o.contributors.iter().map(|c| c.name.as_str()).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{s}: the contributors differ");
        assert!(o.records.len() >= 2, "{s}");
    }
}

#[test]
fn shared_assumptions_are_the_fit_on_the_precedents_they_name() {
    let t = shared();
    let (fitted, tested) = (list(&t, "fitted_on"), list(&t, "tested_on"));
    let mut both: Vec<String> = fitted.iter().chain(&tested).cloned().collect();
    both.sort();
    assert_eq!(
        both,
        stems(),
        "fitted_on and tested_on must split the precedents"
    );
    let set: Vec<Outcomes> = fitted.iter().map(|s| outcomes(s)).collect();
    let refs: Vec<&Outcomes> = set.iter().collect();
    let f = fit(&refs).unwrap();
    let two = |x: f64| format!("{x:.2}");
    for stance in FITTED_STANCES {
        assert_eq!(
            two(f.p_join(stance)),
            two(number(&t, "p_join", stance)),
            "{stance}"
        );
    }
    assert_eq!(two(f.delivery.min), two(number(&t, "delivery", "min")));
    assert_eq!(two(f.delivery.mode), two(number(&t, "delivery", "mode")));
    assert_eq!(two(f.delivery.max), two(number(&t, "delivery", "max")));
    let one = |x: f64| format!("{x:.1}");
    assert_eq!(
        one(f.lead_months.min),
        one(number(&t, "lead_months", "min"))
    );
    assert_eq!(
        one(f.lead_months.mode),
        one(number(&t, "lead_months", "mode"))
    );
    assert_eq!(
        one(f.lead_months.max),
        one(number(&t, "lead_months", "max"))
    );
}

#[test]
fn contributors_take_the_shared_values_of_their_stance() {
    let t = shared();
    let delivery = Dist::Pert {
        min: number(&t, "delivery", "min"),
        mode: number(&t, "delivery", "mode"),
        max: number(&t, "delivery", "max"),
    };
    let lead = Dist::Triangular {
        min: number(&t, "lead_months", "min"),
        mode: number(&t, "lead_months", "mode"),
        max: number(&t, "lead_months", "max"),
    };
    for s in stems() {
        let (sc, o) = (scenario(&s), outcomes(&s));
        for c in &sc.contributors {
            let stance = &o
                .contributors
                .iter()
                .find(|x| x.name == c.name)
                .unwrap()
                .stance;
            let at = format!("{s}: {}", c.name);
            if stance == "in_place" {
                assert_eq!(c.p_join, Prob::Fixed(1.0), "{at}");
                assert_eq!(c.delivery, Dist::Fixed(1.0), "{at}");
                continue;
            }
            assert_eq!(c.p_join, Prob::Fixed(number(&t, "p_join", stance)), "{at}");
            assert_eq!(c.delivery, delivery, "{at}");
            assert_eq!(c.lead_months, lead, "{at}");
        }
    }
}
