//! Exact-answer tests for format 2 (spec §5, §6): small scenarios
//! (tests/exact_time/*.toml) whose conditions change during the horizon,
//! with `on_unmet`, ground clauses and `given` trees; every trial is listed
//! by tests/exact/time_enumerate.rs, written from the spec independently of
//! the engine, and the real `muster` binary's result files are compared
//! with the exact values (within 4.5 standard errors).

#[path = "exact/time_clause.rs"]
mod time_clause;
#[path = "exact/time_enumerate.rs"]
mod time_enumerate;
#[path = "exact/time_model.rs"]
mod time_model;
#[path = "exact/time_trial.rs"]
mod time_trial;

use crate::exact::check::{compare, run_muster, work_dir};
use crate::exact::enumerate::Exact;
use crate::util::repo;
use time_enumerate::{cells, enumerate, shape};
use time_model::{Dist, Scenario, load, read};

const TRIALS: u64 = 200_000;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[track_caller]
fn assert_close(what: &str, got: f64, want: f64) {
    assert!(close(got, want), "{what}: {got}, expected {want}");
}

/// (p_first, p_any) of one blocker row.
fn blocker(ex: &Exact, i: usize, reason: &str) -> (f64, f64) {
    let row = ex.contributors[i].blockers.iter().find(|b| b.0 == reason);
    let row = row.unwrap_or_else(|| panic!("no row {reason}"));
    (row.1, row.2)
}

fn month(ex: &Exact, m: f64) -> &crate::exact::enumerate::MonthExact {
    ex.timeline.iter().find(|x| x.month == m).unwrap()
}

fn file(name: &str) -> std::path::PathBuf {
    repo().join("tests/exact_time").join(format!("{name}.toml"))
}

const NAMES: [&str; 4] = ["ceasefire", "shock", "advance", "mandate"];

// Hand-computed cases (the tests below say what they give), also run by
// the engine.

const SUSPEND_WITHDRAW: &str = r#"
[scenario]
name = "hand"
format = 2
target = 200
horizon_months = 6

[conditions.regional_war]
p = 0.0

[[conditions.regional_war.changes]]
to = true
p = 0.5
month = 2
lasts = { dist = "discrete", values = [3, 4], weights = [1, 1] }

[[contributors]]
name = "A"
p_join = 1
on_unmet = "suspend"
requires = ["not regional_war"]
troops = 100
lead_months = 1

[[contributors]]
name = "B"
p_join = 0.5
on_unmet = "withdraw"
requires = ["not regional_war"]
troops = 100
"#;

const THRESHOLDS: &str = r#"
[scenario]
name = "thresholds"
format = 2
target = 10000
horizon_months = 6

[conditions.war]
p = 0.0

[[conditions.war.changes]]
to = true
month = 2
lasts = 2

[[contributors]]
name = "C"
p_join = { given = "war", true = 0.8, false = 0.2 }
troops = { given = "war", true = { dist = "discrete", values = [100, 300], weights = [1, 3] }, false = { dist = "discrete", values = [200, 400], weights = [1, 1] } }

[[contributors]]
name = "D"
p_join = { given = "war", true = 0.8, false = 0.2 }
on_unmet = "suspend"
troops = { given = "war", true = { dist = "discrete", values = [100, 300], weights = [1, 3] }, false = { dist = "discrete", values = [200, 400], weights = [1, 1] } }
"#;

const EQUAL_STARTS: &str = r#"
[scenario]
name = "equal"
format = 2
target = 150
horizon_months = 5

[conditions.phase]
states = ["calm", "tense", "open"]
probs = [1, 0, 0]

[[conditions.phase.changes]]
to = "tense"
month = 2

[[conditions.phase.changes]]
to = "open"
month = 2
lasts = 1

[[contributors]]
name = "X"
p_join = 1
on_unmet = "suspend"
requires = ["phase == tense"]
troops = { given = "phase", calm = 1, tense = 100, open = 7 }

[[contributors]]
name = "Y"
p_join = 1
requires = ["phase == open"]
troops = 50
"#;

const LEAVING_FIRST: &str = r#"
[scenario]
name = "order"
format = 2
target = 1000
horizon_months = 3

[[contributors]]
name = "A"
p_join = 1
troops = 1450
lead_months = 1

[[contributors]]
name = "Observer"
p_join = 1
on_unmet = "suspend"
requires = ["deployed < 1000"]
troops = 100

[[contributors]]
name = "Follower"
p_join = 1
requires = ["deployed >= 1500"]
troops = 400
"#;

// ---------------------------------------------------------------------------
// The oracle on its own.

#[test]
fn exact_time_oracle_cells_and_discrete_values() {
    let c = cells(vec![0.5, 0.2, 0.5, 1.0, 0.0]);
    let want = [(0.1, 0.2), (0.35, 0.3), (0.75, 0.5)];
    assert_eq!(c.len(), 3);
    for (a, b) in c.iter().zip(want) {
        assert!(close(a.0, b.0) && close(a.1, b.1), "{c:?}");
    }
    let d = Dist::Discrete(vec![1.0, 2.0, 3.0], vec![1.0, 1.0, 2.0]);
    assert_eq!(d.breaks(), [0.25, 0.5]);
    // The first value whose cumulative share exceeds u.
    let values: Vec<f64> = [0.0, 0.1, 0.25, 0.49, 0.5, 0.99].map(|u| d.value(u)).into();
    assert_eq!(values, [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
}

/// A war on [2, 5) or [2, 6) in half of the trials, H = 6, target 200.
/// A (`suspend`, sure, lead 1) and B (`withdraw`, p 0.5, lead 0) both need
/// `not regional_war`. By hand:
/// - both join at 0; B is in theatre at once, A from 1; so with B willing
///   the target is reached at 1, before any war: P(success) = 0.5, and
///   each of A, B is pivotal in every success (alone at most 100);
/// - at 2 the war makes both leave; B for good. A joins again when the
///   war ends: at 5 it arrives at 6 = H (in theatre), at 6 = H it is
///   `late` (in the coalition at H, arriving at 7);
/// - personnel at H: no war 100 + 100 [B willing]; war to 5: 100; war to
///   6: 0; mean 0.5 * 150 + 0.25 * 100 = 100;
/// - B's reasons: declined 0.5 (p_join 0.5 at H too), withdrew 0.25 (war
///   and willing), in theatre 0.25;
/// - timeline: month 2 mean 0.5 * 150 = 75; month 5 the same (A's arrival
///   at 6 counts from 6 only); month 6 the mean at H;
/// - milestone 100 is reached at 0 with B, else at 1 by A's arrival.
#[test]
fn exact_time_oracle_suspend_and_withdraw_by_hand() {
    let s = read(SUSPEND_WITHDRAW);
    let (ex, ev) = enumerate(&s);
    assert_close("total", ex.total_probability, 1.0);
    assert_close("p_success", ex.p_success, 0.5);
    assert_close("p_target", ex.p_target, 0.5);
    assert_close("p_roles", ex.p_roles, 1.0);
    assert_close("mean", ex.m1, 100.0);
    assert_close("P(0 at H)", ex.totals[&0], 0.25);
    assert_close("P(200 at H)", ex.totals[&200], 0.25);
    let (a, b) = (&ex.contributors[0], &ex.contributors[1]);
    assert_close("A p_joined", a.p_joined, 1.0);
    assert_close("A arrived", a.p_arrived, 0.75);
    assert_close("A late", blocker(&ex, 0, "late").0, 0.25);
    assert_close("A left", blocker(&ex, 0, "left").1, 0.0);
    assert_close("A pivotal", a.p_pivotal, 0.5);
    assert_close("A mean if joined", a.m1_joined, 75.0);
    assert_close("B p_joined", b.p_joined, 0.25);
    assert_close("B declined", blocker(&ex, 1, "declined").0, 0.5);
    assert_close("B withdrew", blocker(&ex, 1, "withdrew").0, 0.25);
    assert_close("B withdrew any", blocker(&ex, 1, "withdrew").1, 0.25);
    assert_close("B clause", blocker(&ex, 1, "not regional_war").1, 0.0);
    assert_close("B pivotal", b.p_pivotal, 0.5);
    assert_close("A in theatre", a.losses.last().unwrap().1, 75.0);
    assert_close("A late loss", a.losses[a.losses.len() - 3].1, 25.0);
    assert_close("B declined loss", b.losses[0].1, 50.0);
    assert_close("month 0", month(&ex, 0.0).m1, 50.0);
    assert_close("month 1", month(&ex, 1.0).m1, 150.0);
    assert_close("month 1 reached", month(&ex, 1.0).p_target, 0.5);
    assert_close("month 2", month(&ex, 2.0).m1, 75.0);
    assert_close("month 5", month(&ex, 5.0).m1, 75.0);
    assert_close("month 6", month(&ex, 6.0).m1, 100.0);
    let m100 = ex.milestones.iter().find(|m| m.level == 100).unwrap();
    assert_close("milestone 100", m100.p_reached, 1.0);
    assert_eq!(m100.months, [(0.0, 0.5), (1.0, 0.5)]);
    assert_close("A left", ev.left[0], 0.5);
    assert_close("A rejoined", ev.rejoined[0], 0.5);
    assert_close("A at H", ev.arrived_at_horizon[0], 0.25);
    assert_close("B left", ev.left[1], 0.25);
}

/// One uniform read through two thresholds (§5.2): p_join is 0.2 out of
/// war and 0.8 in the war on [2, 4) (sure), H = 6. C (`stay`) joins at 0
/// when u < 0.2, else at 2 when u < 0.8: P(joined) = 0.8 (independent
/// draws at each time would give 0.84). D (`suspend`) does the same and
/// leaves at 4 when u >= 0.2: in the coalition at H with 0.2, `declined`
/// 0.8, never `left` (declined comes first). The pledge's own uniform v is
/// read through the branch in force at joining: out of war 200 (v < 0.5)
/// or 400, in war 100 (v < 0.25) or 300. So C brings 300 on average when
/// it joins at 0, 250 at 2: mean 0.2 * 300 + 0.6 * 250 = 210; D 0.2 * 300
/// at H and 210 during the war.
#[test]
fn exact_time_oracle_one_uniform_many_thresholds() {
    let s = read(THRESHOLDS);
    let (ex, ev) = enumerate(&s);
    let (c, d) = (&ex.contributors[0], &ex.contributors[1]);
    assert_close("C p_joined", c.p_joined, 0.8);
    assert_close("C mean", c.m1_joined, 210.0);
    assert_close("D p_joined", d.p_joined, 0.2);
    assert_close("D declined", blocker(&ex, 1, "declined").0, 0.8);
    assert_close("D left", blocker(&ex, 1, "left").1, 0.0);
    assert_close("D left at some time", ev.left[1], 0.6);
    assert_close("mean at H", ex.m1, 210.0 + 60.0);
    assert_close("month 3", month(&ex, 3.0).m1, 420.0);
    // D's declined loss: u >= 0.2; its last joining's pledge when it
    // joined at 2 (u < 0.8, mean 250), else the pledge at H (mean 300).
    assert_close("D declined loss", d.losses[0].1, 0.6 * 250.0 + 0.2 * 300.0);
    assert_close("p_success", ex.p_success, 0.0);
}

/// Equal starts (§5.1): `phase` is calm at month 0; change 1 to tense and
/// change 2 to open (lasting 1) both start at 2; the later in the file
/// holds at 2, change 1 from 3. Y needs open, X (`suspend`) tense: Y
/// joins at 2, X at 3, and X's pledge is the one of its joining state.
#[test]
fn exact_time_oracle_equal_starts() {
    let s = read(EQUAL_STARTS);
    let (ex, _) = enumerate(&s);
    assert_eq!(ex.outcomes, 1);
    assert_close("month 2", month(&ex, 2.0).m1, 50.0);
    assert_close("month 3", month(&ex, 3.0).m1, 150.0);
    assert_close("success", ex.p_success, 1.0);
    let first = ex.milestones.iter().map(|m| m.months.clone());
    let first: Vec<Vec<(f64, f64)>> = first.collect();
    // Levels 38, 75, 113 (112.5 rounded away from zero), 150: Y's 50 reaches the first at 2, X's 100 the rest at 3.
    assert_eq!(
        first,
        [
            vec![(2.0, 1.0)],
            vec![(3.0, 1.0)],
            vec![(3.0, 1.0)],
            vec![(3.0, 1.0)]
        ]
    );
    assert_close("X pivotal", ex.contributors[0].p_pivotal, 1.0);
}

/// Leaving before joining (§5.2 steps 2, 3): A (1450, lead 1) arrives at
/// 1; Observer (`suspend`, 100, in theatre from 0) needs `deployed < 1000`
/// and leaves at 1 before Follower, needing `deployed >= 1500`, looks: it
/// sees 1450 and never joins (it would see 1550 the other way round).
#[test]
fn exact_time_oracle_leaving_comes_before_joining() {
    let s = read(LEAVING_FIRST);
    let (ex, ev) = enumerate(&s);
    assert_close("Follower p_joined", ex.contributors[2].p_joined, 0.0);
    assert_close("Observer left", ev.left[1], 1.0);
    assert_close("Observer clause", blocker(&ex, 1, "deployed < 1000").0, 1.0);
    assert_close("month 0", month(&ex, 0.0).m1, 100.0);
    assert_close("month 1", month(&ex, 1.0).m1, 1450.0);
}

/// A change at month 1 of a condition nobody reads: one more decision time.
const WEATHER_CHANGE: &str = "[[conditions.weather.changes]]\nto = true\nmonth = 1";

/// The scenario of the test below, with `change` under weather.
fn left_text(change: &str) -> String {
    format!(
        r#"
[scenario]
name = "left"
format = 2
target = 100
horizon_months = 2

[conditions.weather]
p = 0.5
{change}

[[contributors]]
name = "X"
p_join = 1
on_unmet = "suspend"
requires = ["not joined(V)"]
troops = 10

[[contributors]]
name = "V"
p_join = 1
on_unmet = "suspend"
requires = ["not joined(U)"]
troops = 20

[[contributors]]
name = "U"
p_join = 1
requires = ["joined(V)"]
troops = 40
"#
    )
}

/// Leaving and not joining again at the same time (§5.2 step 2): at 0, X
/// (`suspend`, needs `not joined(V)`) and V (`suspend`, needs
/// `not joined(U)`) join, then U (needs `joined(V)`, `stay`); in the next
/// pass both leave. X's clause holds again once V has left, but X may not
/// join again at 0: with no later decision time its reason at H is `left`.
/// A change at month 1 (of a condition nobody reads) is a later decision
/// time, at which X joins again.
#[test]
fn exact_time_oracle_left_until_a_later_decision_time() {
    let (ex, ev) = enumerate(&read(&left_text("")));
    assert_close("X left", blocker(&ex, 0, "left").0, 1.0);
    assert_close("X left any", blocker(&ex, 0, "left").1, 1.0);
    assert_close("V clause", blocker(&ex, 1, "not joined(U)").0, 1.0);
    assert_close("personnel", ex.m1, 40.0);
    assert_close("coalition", ex.coalitions["U"].p, 1.0);
    assert_close("X left at 0", ev.left[0], 1.0);
    let (ex, ev) = enumerate(&read(&left_text(WEATHER_CHANGE)));
    assert_close("X in theatre", ex.contributors[0].p_arrived, 1.0);
    assert_close("personnel", ex.m1, 50.0);
    assert_close("month 0", month(&ex, 0.0).m1, 40.0);
    assert_close("X rejoined", ev.rejoined[0], 1.0);
}

#[test]
fn exact_time_oracle_scenarios_are_consistent() {
    for name in NAMES {
        let s = load(&file(name));
        let (ex, _) = enumerate(&s);
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
        }
        for (c, ce) in s.contributors.iter().zip(&ex.contributors) {
            let first: f64 = ce.blockers.iter().map(|b| b.1).sum();
            assert!(close(first + ce.p_arrived, 1.0), "{name}/{}", c.name);
            for (reason, pf, pa) in &ce.blockers {
                assert!(*pf <= *pa + 1e-12, "{name}/{}/{reason}", c.name);
            }
            // A contributor may be pivotal and out of the coalition at H.
            assert!(ce.p_pivotal <= ex.p_success + 1e-12);
        }
        assert!(ex.p_success <= ex.p_target.min(ex.p_roles) + 1e-12);
        let reached = ex.timeline.iter().map(|m| m.p_target);
        assert!(
            reached
                .clone()
                .zip(reached.skip(1))
                .all(|(a, b)| a <= b + 1e-12)
        );
        assert!(close(ex.timeline.last().unwrap().p_success, ex.p_success));
        assert!(ex.outcomes < 100_000, "{name}: {} outcomes", ex.outcomes);
    }
}

fn scenario(name: &str) -> (Scenario, Exact, time_enumerate::Events) {
    let s = load(&file(name));
    let (ex, ev) = enumerate(&s);
    (s, ex, ev)
}

/// Each scenario's situations occur with a probability the comparison
/// can see.
#[test]
fn exact_time_oracle_scenarios_cover_their_cases() {
    let (s, ex, _) = scenario("ceasefire");
    assert!(blocker(&ex, 0, "late").0 > 0.02, "Indonesia joins at H");
    assert!(blocker(&ex, 0, "ceasefire == full").0 > 0.1);
    assert!(ex.p_target - ex.p_success > 0.01, "roles fail");
    assert_eq!(s.horizon, 12.0);

    let (_, ex, ev) = scenario("shock");
    assert!(
        ev.left[0] > 0.1 && ev.rejoined[0] > 0.1,
        "Turkey leaves and rejoins"
    );
    assert!(
        ev.arrived_at_horizon[0] > 0.01,
        "Turkey rejoins at H with lead 0"
    );
    assert!(
        blocker(&ex, 0, "late").0 > 0.01,
        "Turkey rejoins at H with lead 2"
    );
    assert!(blocker(&ex, 1, "withdrew").0 > 0.05, "Brazil withdrew");
    assert!(blocker(&ex, 1, "withdrew").1 > blocker(&ex, 1, "withdrew").0 + 0.05);
    assert!(ev.left[1] > 0.1 && ev.rejoined[1] == 0.0);
    assert!(ex.contributors[2].p_joined > 0.3);

    let (_, ex, ev) = scenario("advance");
    assert!(ev.arrived_at_horizon[1] > 0.05, "main body at H");
    assert!(ev.left[2] > 0.1, "Observer leaves");
    assert!(ex.contributors[3].p_joined > 0.1 && ex.contributors[3].p_pivotal > 0.05);
    assert!(blocker(&ex, 3, "deployed >= 1500").0 > 0.1);

    let (_, ex, ev) = scenario("mandate");
    assert!(ev.same_start > 0.1 && ev.arrival_at_change > 0.05);
    assert!(
        ev.rejoined[0] > 0.01 && ev.left[0] > 0.05,
        "Pakistan leaves and rejoins"
    );
    assert!(blocker(&ex, 2, "withdrew").0 > 0.01, "Rwanda withdrew");
    assert!(ex.timeline.last().unwrap().month == 9.5);
}

// ---------------------------------------------------------------------------
// The engine against the oracle.

fn check(name: &str, seed: u64) {
    let path = file(name);
    let s = load(&path);
    let (ex, _) = enumerate(&s);
    let dir = work_dir(&format!("time_{name}"));
    let out = run_muster(&path, &dir.join("out"), TRIALS, seed, &[]);
    compare(name, &shape(&s), &ex, &out, TRIALS, seed);
}

/// The hand-computed cases above, through the engine (most of their
/// answers are 0 or 1, which must come out exactly).
#[test]
fn exact_time_hand_cases() {
    let cases = [
        ("suspend_withdraw", SUSPEND_WITHDRAW.to_string()),
        ("thresholds", THRESHOLDS.to_string()),
        ("equal_starts", EQUAL_STARTS.to_string()),
        ("leaving_first", LEAVING_FIRST.to_string()),
        ("left", left_text("")),
        ("left_then_back", left_text(WEATHER_CHANGE)),
    ];
    for (name, text) in cases {
        let dir = work_dir(&format!("time_{name}"));
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, &text).unwrap();
        let s = read(&text);
        let (ex, _) = enumerate(&s);
        let out = run_muster(&path, &dir.join("out"), 50_000, 40, &[]);
        compare(name, &shape(&s), &ex, &out, 50_000, 40);
    }
}

#[test]
fn exact_time_ceasefire() {
    check("ceasefire", 31);
}

#[test]
fn exact_time_shock() {
    check("shock", 32);
}

#[test]
fn exact_time_advance() {
    check("advance", 33);
}

#[test]
fn exact_time_mandate() {
    check("mandate", 34);
}
