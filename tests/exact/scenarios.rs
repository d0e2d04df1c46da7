//! Small scenarios whose every outcome can be listed. Each one exercises a
//! part of spec section 2; the comments say which.

use super::model::{CatProbs, Condition, Contributor, Dist, Prob, Scenario};

pub fn fixed(v: f64) -> Dist {
    Dist::Fixed(v)
}

/// Discrete distribution from (value, weight) pairs.
pub fn disc(pairs: &[(f64, f64)]) -> Dist {
    Dist::Discrete(
        pairs.iter().map(|p| p.0).collect(),
        pairs.iter().map(|p| p.1).collect(),
    )
}

pub fn p(x: f64) -> Prob {
    Prob::Fixed(x)
}

pub fn given(cond: &str, entries: &[(&str, f64)]) -> Prob {
    Prob::Given(
        cond.to_string(),
        entries.iter().map(|(s, x)| (s.to_string(), *x)).collect(),
    )
}

/// Cascades: a small lead nation that the others follow. `Delta` follows
/// `Bravo`, which needs 2000 pledged by others, which only happens when
/// `Lead` brings in `Alpha`; so the negotiation takes three rounds
/// (Delta and Bravo come first in file order). `Alpha` pledges 2500.5
/// (rounded to 2501) with a delivery share of 0, 0.5 or 1 (2501 * 0.5 =
/// 1250.5 deploys 1251), and may be vetoed. Without `Lead` at most 1200
/// people come, so `Lead` is pivotal in every success. No horizon and no
/// roles section.
pub fn cascade() -> Scenario {
    let mut s = Scenario::new("Cascade behind a lead nation", 3000);
    s.contributors = vec![
        Contributor::new("Delta", p(0.5), fixed(400.0)).requires(&["joined(Bravo)"]),
        Contributor::new("Bravo", p(0.8), fixed(1000.0))
            .requires(&["committed >= 2000"])
            .lead(disc(&[(1.0, 1.0), (4.5, 1.0)])),
        Contributor::new("Lead", p(0.7), fixed(500.0)).lead(fixed(1.0)),
        Contributor::new("Alpha", p(0.9), disc(&[(1500.0, 1.0), (2500.5, 1.0)]))
            .requires(&["joined(Lead)"])
            .delivery(disc(&[(0.0, 1.0), (0.5, 2.0), (1.0, 3.0)]))
            .lead(fixed(2.0))
            .veto(p(0.1)),
        Contributor::new("Charlie", p(0.6), disc(&[(800.0, 1.0), (1200.0, 1.0)])).lead(fixed(3.0)),
    ];
    s
}

/// Conditions that depend on each other through `given`, declared child
/// before parent: `mandate` (boolean) given `ceasefire` (categorical),
/// `funding` (categorical) given `mandate` (boolean); p_join and veto given
/// boolean and categorical conditions (entries written out of state order);
/// clauses on conditions with `and`, `or`, `not`, parentheses, state
/// comparisons and `committed`.
pub fn conditioned() -> Scenario {
    let mut s = Scenario::new("Conditions and vetoes", 5000);
    s.conditions = vec![
        Condition::boolean(
            "mandate",
            given(
                "ceasefire",
                &[("none", 0.5), ("partial", 0.8), ("full", 0.95)],
            ),
        ),
        Condition::categorical(
            "ceasefire",
            &["none", "partial", "full"],
            CatProbs::Fixed(vec![0.3, 0.45, 0.25]),
        ),
        Condition::categorical(
            "funding",
            &["low", "high"],
            CatProbs::Given(
                "mandate".into(),
                vec![
                    ("false".into(), vec![0.8, 0.2]),
                    ("true".into(), vec![0.3, 0.7]),
                ],
            ),
        ),
        Condition::boolean("elections", p(0.4)),
    ];
    s.roles = Some(vec![("security".into(), 0)]);
    s.contributors = vec![
        Contributor::new(
            "Indonesia",
            given(
                "ceasefire",
                &[("none", 0.1), ("partial", 0.6), ("full", 0.85)],
            ),
            disc(&[(2000.0, 1.0), (4000.0, 1.0)]),
        )
        .requires(&["mandate", "ceasefire >= partial"])
        .veto(given("mandate", &[("true", 0.05), ("false", 0.3)])),
        Contributor::new(
            "Azerbaijan",
            given("funding", &[("low", 0.3), ("high", 0.7)]),
            fixed(1500.0),
        )
        .requires(&["ceasefire == full or funding > low"])
        .veto(p(0.2)),
        Contributor::new("Pakistan", p(0.5), disc(&[(1000.0, 1.0), (3000.0, 1.0)]))
            .requires(&["not elections"])
            .veto(given(
                "ceasefire",
                &[("full", 0.0), ("none", 0.5), ("partial", 0.25)],
            )),
        Contributor::new(
            "Egypt",
            given("elections", &[("true", 0.9), ("false", 0.4)]),
            fixed(2500.0),
        )
        .requires(&["(mandate and ceasefire != none) or committed >= 4000"]),
    ];
    s
}

/// Overlapping roles: A (min 300) and B (min 200) with contributors
/// accepting {A}, {A, B}, {B} and every role (C, min 0, included). With
/// target 350, `Xland` alone with 500 reaches the target but B gets
/// nobody; `Yland` 250 + `Wland` 100 satisfy each role on its own (as
/// roles.csv counts them) but not both at once. Integer horizon 6 with
/// `Xland` sometimes arriving at month 8; `start` set for the dates.
pub fn roles() -> Scenario {
    let mut s = Scenario::new("Overlapping roles", 350);
    s.horizon = Some(6.0);
    s.start = Some("2026-01-15".into());
    s.roles = Some(vec![("A".into(), 300), ("B".into(), 200), ("C".into(), 0)]);
    s.contributors = vec![
        Contributor::new("Xland", p(0.7), disc(&[(300.0, 1.0), (500.0, 1.0)]))
            .roles(&["A"])
            .lead(disc(&[(2.0, 3.0), (8.0, 1.0)])),
        Contributor::new("Yland", p(0.5), disc(&[(100.0, 1.0), (250.0, 1.0)]))
            .roles(&["A", "B"])
            .delivery(disc(&[(0.0, 1.0), (1.0, 3.0)])),
        Contributor::new("Zland", p(0.6), disc(&[(150.0, 1.0), (400.0, 1.0)]))
            .roles(&["B"])
            .lead(fixed(3.0)),
        Contributor::new("Wland", p(0.3), fixed(100.0)).veto(p(0.25)),
    ];
    s
}

/// Fractional horizon 6.5: lead times before, at and after it, including
/// for contributors that decline (their `late` reason still holds).
/// `not` on a boolean and around a state comparison, a categorical
/// parent for a boolean condition, a discrete delivery with a value 0, and
/// a veto given a boolean condition.
pub fn horizon() -> Scenario {
    let mut s = Scenario::new("Horizon and lead times", 2500);
    s.horizon = Some(6.5);
    s.conditions = vec![
        Condition::categorical(
            "access",
            &["closed", "limited", "open"],
            CatProbs::Fixed(vec![0.2, 0.5, 0.3]),
        ),
        Condition::boolean(
            "hostile",
            given(
                "access",
                &[("closed", 0.7), ("limited", 0.3), ("open", 0.1)],
            ),
        ),
    ];
    s.contributors = vec![
        Contributor::new("North", p(0.8), fixed(1200.0)).lead(disc(&[
            (3.0, 2.0),
            (7.0, 1.0),
            (6.5, 1.0),
        ])),
        Contributor::new(
            "South",
            given(
                "access",
                &[("closed", 0.2), ("limited", 0.6), ("open", 0.9)],
            ),
            disc(&[(800.0, 1.0), (1600.0, 1.0)]),
        )
        .requires(&["not hostile", "access >= limited"])
        .delivery(disc(&[(0.0, 1.0), (1.0, 4.0)]))
        .lead(disc(&[(2.0, 3.0), (9.0, 1.0)])),
        Contributor::new("East", p(0.6), fixed(1000.0))
            .requires(&["joined(North) or joined(South)"])
            .lead(fixed(5.5))
            .veto(given("hostile", &[("true", 0.4), ("false", 0.1)])),
        Contributor::new("West", p(0.5), fixed(700.0))
            .requires(&["not (access == closed)"])
            .lead(disc(&[(0.0, 1.0), (12.0, 1.0)])),
    ];
    s
}

/// Clauses that can turn false as others join (`not joined(..)`,
/// `committed <`, `committed <=`), so the file order matters; a
/// contributor that never joins (p_join 0) and one that can only follow it
/// or a state; a categorical state with probability 0 (its conditional
/// cells stay empty). No horizon, lead times up to 2.5 months.
pub fn order() -> Scenario {
    let mut s = Scenario::new("Order-dependent clauses", 1000);
    s.conditions = vec![Condition::categorical(
        "weather",
        &["calm", "storm", "hurricane"],
        CatProbs::Fixed(vec![0.6, 0.4, 0.0]),
    )];
    s.contributors = vec![
        Contributor::new("Early", p(0.7), fixed(600.0)).requires(&["not joined(Late)"]),
        Contributor::new("Ghost", p(0.0), fixed(500.0)),
        Contributor::new("Follower", p(0.9), fixed(300.0))
            .requires(&["joined(Ghost) or weather == calm"]),
        Contributor::new("Late", p(0.6), disc(&[(500.0, 1.0), (900.0, 1.0)]))
            .requires(&["committed < 800"])
            .lead(disc(&[(1.0, 1.0), (2.5, 1.0)])),
        Contributor::new("Shy", p(0.8), fixed(400.0))
            .requires(&["not joined(Early)", "committed <= 1000"])
            .lead(fixed(2.0)),
    ];
    s
}

/// More than 20 possible coalitions, so coalitions.csv keeps only the 20
/// most probable; `committed >` and `committed <=` on the same contributor.
pub fn many() -> Scenario {
    let mut s = Scenario::new("Many coalitions", 700);
    s.contributors = vec![
        Contributor::new("Ant", p(0.5), fixed(100.0)),
        Contributor::new("Bee", p(0.4), disc(&[(200.0, 1.0), (300.0, 1.0)])),
        Contributor::new("Cat", p(0.6), fixed(150.0)).veto(p(0.2)),
        Contributor::new("Dog", p(0.3), fixed(250.0)).lead(disc(&[(0.5, 1.0), (1.5, 1.0)])),
        Contributor::new("Eel", p(0.55), fixed(400.0))
            .requires(&["committed > 300", "committed <= 700"])
            .lead(fixed(1.0)),
    ];
    s
}

/// A contributor that joins, is later contradicted by its own
/// `not joined(..)` clause (the other joins after it) and arrives after the
/// horizon: spec section 2 lists the failing clause before `late`, so the
/// clause is its first reason. Also a categorical condition given another
/// categorical one, a pledge of 0 that still "arrives", and a lead time
/// equal to the horizon.
pub fn late_clause() -> Scenario {
    let mut s = Scenario::new("Late and contradicted", 900);
    s.horizon = Some(3.0);
    s.conditions = vec![
        Condition::categorical(
            "supply",
            &["poor", "fair", "good"],
            CatProbs::Given(
                "access".into(),
                vec![
                    ("open".into(), vec![0.2, 0.3, 0.5]),
                    ("closed".into(), vec![0.6, 0.3, 0.1]),
                ],
            ),
        ),
        Condition::categorical(
            "access",
            &["closed", "open"],
            CatProbs::Fixed(vec![0.3, 0.7]),
        ),
    ];
    s.contributors = vec![
        Contributor::new("First", p(0.8), fixed(600.0))
            .requires(&["not joined(Second)"])
            .lead(disc(&[(1.0, 1.0), (5.0, 1.0)])),
        Contributor::new("Second", p(0.6), disc(&[(0.0, 1.0), (500.0, 3.0)]))
            .requires(&["supply >= fair"])
            .lead(disc(&[(2.0, 3.0), (4.0, 1.0)])),
        Contributor::new(
            "Third",
            given("supply", &[("poor", 0.2), ("fair", 0.5), ("good", 0.9)]),
            fixed(400.0),
        )
        .requires(&["access == open", "committed <= 600"])
        .lead(fixed(3.0)),
    ];
    s
}

pub fn all() -> Vec<(&'static str, Scenario)> {
    vec![
        ("cascade", cascade()),
        ("conditioned", conditioned()),
        ("roles", roles()),
        ("horizon", horizon()),
        ("order", order()),
        ("many", many()),
        ("late_clause", late_clause()),
    ]
}

/// Three independent contributors (one conditioned on a condition), one
/// follower, continuous distributions (not enumerable; used for the
/// reproducibility tests). `two_p_join` is `Two`'s p_join.
pub fn independent(two_p_join: f64) -> String {
    format!(
        r#"[scenario]
name = "Independent contributors"
target = 6000
horizon_months = 9

[conditions.calm]
p = 0.6

[roles]
ground = 1000
air = 0

[[contributors]]
name = "One"
p_join = 0.55
troops = {{ dist = "triangular", min = 1000, mode = 2000, max = 4000 }}
delivery = {{ dist = "uniform", min = 0.6, max = 1.0 }}
lead_months = {{ dist = "pert", min = 2, mode = 5, max = 12 }}
veto = 0.1

[[contributors]]
name = "Two"
p_join = {two_p_join:?}
troops = {{ dist = "normal", mean = 2500, sd = 700, min = 500 }}
lead_months = {{ dist = "uniform", min = 1, max = 11 }}
roles = ["ground"]
veto = 0.2

[[contributors]]
name = "Three"
p_join = {{ given = "calm", true = 0.8, false = 0.3 }}
troops = {{ dist = "discrete", values = [800, 1600, 3000], weights = [1, 2, 1] }}
delivery = {{ dist = "discrete", values = [0, 0.5, 1], weights = [1, 1, 2] }}
lead_months = {{ dist = "triangular", min = 0, mode = 3, max = 10 }}

[[contributors]]
name = "Four"
p_join = 0.7
requires = ["joined(One)", "calm"]
troops = {{ dist = "pert", min = 500, mode = 1500, max = 2000 }}
lead_months = 4
"#
    )
}
