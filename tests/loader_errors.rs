//! Scenario loading: the example of the format specification loads as
//! written, and every class of bad input is reported at the right line,
//! column and key with a message that says what would be right.

use muster::scenario::clause::{CmpOp, Expr};
use muster::scenario::dist::Dist;
use muster::scenario::{
    Date, Override, Prob, Scenario, ScenarioError, StateProbs, load_file, parse_scenario,
};

/// The example of section 1 of the format specification.
const SPEC: &str = r#"[scenario]
name = "Gaza stabilization force, late 2025"   # required
description = "free text"                       # optional
format = 1                 # optional: 1 or 2 (§5); absent = the lowest version the file needs
start = "2025-11-17"       # optional: calendar date of month 0 (ISO date)
target = 20000             # required: personnel the force needs (integer > 0)
horizon_months = 12        # optional: only personnel that has arrived by this month counts
trials = 200000            # optional default (100000 when absent); the command line overrides it
seed = 20251027            # optional default (u64, 1 when absent); the command line overrides it

# Uncertain states of the world that contributors condition on.
[conditions.ceasefire]
states = ["none", "partial", "full"]     # categorical, ordered as written
probs  = [0.30, 0.45, 0.25]              # must sum to 1 (tolerance 1e-9; then used as given)

[conditions.un_mandate]                  # boolean: true with probability p
p = { given = "ceasefire", none = 0.5, partial = 0.8, full = 0.95 }   # depends on another condition

# Minimum personnel per task. Every role a contributor names must be declared here (0 is allowed).
[roles]
security = 0
disarmament = 4000
policing = 3000
reconstruction = 0

[[contributors]]
name = "Indonesia"                                   # required, unique
p_join = { given = "ceasefire", none = 0.1, partial = 0.6, full = 0.85 }  # required
requires = ["un_mandate", "ceasefire >= partial"]    # optional: every clause must hold
troops = { dist = "triangular", min = 2000, mode = 8000, max = 20000 }   # required: pledge
delivery = { dist = "uniform", min = 0.5, max = 1.0 }   # optional, default 1: share of the pledge that deploys
lead_months = { dist = "triangular", min = 2, mode = 4, max = 9 }       # optional, default 0
roles = ["security", "policing", "reconstruction"]   # optional, default: every declared role
veto = 0.0                                           # optional, default 0: probability the host excludes it
"#;

/// Lines 1-18: two conditions, one role, two contributors ("Saudi Arabia", "Egypt").
const BASE: &str = r#"[scenario]
name = "x"
target = 100
[conditions.cf]
states = ["none", "partial", "full"]
probs = [0.3, 0.45, 0.25]
[conditions.um]
p = { given = "cf", none = 0.1, partial = 0.5, full = 0.9 }
[roles]
policing = 10
[[contributors]]
name = "Saudi Arabia"
p_join = 0.5
troops = { dist = "uniform", min = 1, max = 5 }
[[contributors]]
name = "Egypt"
p_join = 0.5
troops = 100
"#;

fn load(text: &str) -> Scenario {
    parse_scenario(text, "s.toml", &[]).unwrap_or_else(|e| panic!("unexpected error: {e}"))
}

fn load_with(text: &str, sets: &[&str]) -> Result<Scenario, ScenarioError> {
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    parse_scenario(text, "s.toml", &overrides)
}

fn fail(text: &str) -> ScenarioError {
    match parse_scenario(text, "s.toml", &[]) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// `BASE` with lines appended to the last contributor ("Egypt"), from line 19.
fn egypt(extra: &str) -> ScenarioError {
    fail(&format!("{BASE}{extra}"))
}

#[track_caller]
fn expect(e: &ScenarioError, line: usize, column: usize, key_path: &str, fragment: &str) {
    expect_in(e, "s.toml", line, column, key_path, fragment);
}

#[track_caller]
fn expect_in(
    e: &ScenarioError,
    file: &str,
    line: usize,
    column: usize,
    key_path: &str,
    fragment: &str,
) {
    assert_eq!(
        (e.file.as_str(), e.line, e.column, e.key_path.as_str()),
        (file, line, column, key_path),
        "\n{e}"
    );
    assert!(
        e.message.contains(fragment),
        "message lacks {fragment:?}:\n{e}"
    );
    assert!(!e.to_string().contains('\n'), "not one line: {e}");
}

#[test]
fn spec_example_loads() {
    let s = load(SPEC);
    assert_eq!(s.name, "Gaza stabilization force, late 2025");
    assert_eq!(s.description.as_deref(), Some("free text"));
    assert_eq!(
        s.start,
        Some(Date {
            year: 2025,
            month: 11,
            day: 17
        })
    );
    assert_eq!(s.target, 20000);
    assert_eq!(s.horizon_months, Some(12.0));
    assert_eq!((s.trials, s.seed), (200_000, 20_251_027));

    let names: Vec<&str> = s.conditions.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ceasefire", "un_mandate"]);
    assert_eq!(s.condition_order, [0, 1]);
    let cf = &s.conditions[0];
    assert!(!cf.boolean);
    assert_eq!(cf.states, ["none", "partial", "full"]);
    assert_eq!(cf.probs, StateProbs::Fixed(vec![0.30, 0.45, 0.25]));
    let um = &s.conditions[1];
    assert!(um.boolean);
    assert_eq!(um.states, ["true", "false"]);
    match &um.probs {
        StateProbs::Given { parent, rows } => {
            assert_eq!(*parent, 0);
            assert_eq!(rows.len(), 3);
            assert_eq!(rows[1][0], 0.8);
            assert!((rows[1][1] - 0.2).abs() < 1e-12);
        }
        other => panic!("{other:?}"),
    }

    let roles: Vec<(&str, u64)> = s
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.minimum))
        .collect();
    assert_eq!(
        roles,
        [
            ("security", 0),
            ("disarmament", 4000),
            ("policing", 3000),
            ("reconstruction", 0)
        ]
    );

    let c = &s.contributors[0];
    assert_eq!(c.name, "Indonesia");
    assert_eq!(
        c.p_join,
        Prob::Given {
            condition: 0,
            by_state: vec![0.1, 0.6, 0.85]
        }
    );
    assert_eq!(c.veto, Prob::Fixed(0.0));
    assert_eq!(c.requires.len(), 2);
    assert_eq!(c.requires[0].text, "un_mandate");
    assert_eq!(c.requires[0].expr, Expr::IsTrue { condition: 1 });
    assert_eq!(
        c.requires[1].expr,
        Expr::State {
            condition: 0,
            op: CmpOp::Ge,
            state: 1
        }
    );
    assert_eq!(
        c.troops,
        Dist::Triangular {
            min: 2000.0,
            mode: 8000.0,
            max: 20000.0
        }
    );
    assert_eq!(c.delivery, Dist::Uniform { min: 0.5, max: 1.0 });
    assert_eq!(
        c.lead_months,
        Dist::Triangular {
            min: 2.0,
            mode: 4.0,
            max: 9.0
        }
    );
    assert_eq!(c.roles, [0, 2, 3]);
}

#[test]
fn defaults_apply_when_keys_are_absent() {
    let s = load(
        r#"[scenario]
name = "x"
target = 5
start = 2024-02-29
[roles]
b = 1
a = 2
[[contributors]]
name = "A"
p_join = 1
troops = 7
"#,
    );
    assert_eq!(
        s.start,
        Some(Date {
            year: 2024,
            month: 2,
            day: 29
        })
    );
    assert_eq!((s.trials, s.seed, s.horizon_months), (100_000, 1, None));
    let names: Vec<&str> = s.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["b", "a"], "roles keep declaration order");
    let c = &s.contributors[0];
    assert_eq!(c.p_join, Prob::Fixed(1.0));
    assert_eq!(c.veto, Prob::Fixed(0.0));
    assert_eq!(c.troops, Dist::Fixed(7.0));
    assert_eq!(c.delivery, Dist::Fixed(1.0));
    assert_eq!(c.lead_months, Dist::Fixed(0.0));
    assert_eq!(c.roles, [0, 1]);
    assert!(c.requires.is_empty());
}

#[test]
fn single_point_distributions_become_fixed() {
    let s = load(&format!(
        "{BASE}delivery = {{ dist = \"normal\", mean = 2, sd = 0, min = 0, max = 1.5 }}\n\
         lead_months = {{ dist = \"discrete\", values = [3, 3], weights = [1, 2] }}\n"
    ));
    assert_eq!(s.contributors[1].delivery, Dist::Fixed(1.5));
    assert_eq!(s.contributors[1].lead_months, Dist::Fixed(3.0));
    let s = load(&format!(
        "{BASE}delivery = {{ dist = \"triangular\", min = 0.5, mode = 0.5, max = 0.5 }}\n\
         lead_months = {{ dist = \"discrete\", values = [1, 2], weights = [1, 3] }}\n"
    ));
    assert_eq!(s.contributors[1].delivery, Dist::Fixed(0.5));
    assert_eq!(
        s.contributors[1].lead_months,
        Dist::Discrete {
            values: vec![1.0, 2.0],
            weights: vec![0.25, 0.75]
        }
    );
}

#[test]
fn condition_order_puts_parents_first_and_keeps_declaration_order() {
    let s = load(
        r#"[scenario]
name = "x"
target = 5
[conditions.late]
p = { given = "early", true = 0.9, false = 0.1 }
[conditions.other]
p = 0.5
[conditions.early]
p = 0.5
[[contributors]]
name = "A"
p_join = 1
troops = 7
"#,
    );
    let names: Vec<&str> = s.conditions.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["late", "other", "early"]);
    assert_eq!(s.condition_order, [1, 2, 0]);
}

#[test]
fn toml_syntax_error() {
    let e = fail("[scenario]\nname = \"x\"\ntarget = = 5\n");
    expect(&e, 3, 10, "", "invalid TOML: extra `=`");
    let e = fail("[scenario]\nname = \"x\"\n[scenario]\ntarget = 5\n");
    expect(&e, 3, 2, "", "duplicate key `scenario`");
}

#[test]
fn unknown_key_with_did_you_mean() {
    let e = fail("[scenario]\nname = \"x\"\ntraget = 100\n");
    expect(
        &e,
        3,
        1,
        "scenario.traget",
        "unknown key `traget`; did you mean `target`?",
    );
    let e = egypt("troop = 100\n");
    expect(
        &e,
        19,
        1,
        "contributors[1] \"Egypt\".troop",
        "did you mean `troops`?",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\n[[contributor]]\nname = \"A\"\n");
    expect(&e, 4, 3, "contributor", "did you mean `contributors`?");
}

#[test]
fn unknown_key_lists_the_allowed_keys() {
    let e = fail("[scenario]\nname = \"x\"\nbudget = 100\n");
    expect(
        &e,
        3,
        1,
        "scenario.budget",
        "allowed keys: name, description, format, start, target, horizon_months, trials, seed",
    );
    let e = egypt("delivery = { dist = \"uniform\", min = 0.5, mode = 0.7, max = 1 }\n");
    expect(
        &e,
        19,
        43,
        "contributors[1] \"Egypt\".delivery.mode",
        "allowed keys: dist, min, max",
    );
}

#[test]
fn missing_keys() {
    let e = fail("[scenario]\nname = \"x\"\n[[contributors]]\n");
    expect(&e, 1, 1, "scenario", "missing required key `target`");
    let e = fail("[[contributors]]\nname = \"A\"\n");
    expect(&e, 1, 1, "scenario", "missing required section [scenario]");
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\n");
    expect(
        &e,
        1,
        1,
        "contributors",
        "missing required section [[contributors]]",
    );
    let e = fail(&format!(
        "{BASE}[[contributors]]\nname = \"Chad\"\ntroops = 5\n"
    ));
    expect(
        &e,
        19,
        1,
        "contributors[2] \"Chad\"",
        "missing required key `p_join`",
    );
    let e = fail(&format!("{BASE}[[contributors]]\np_join = 0.5\n"));
    expect(&e, 19, 1, "contributors[2]", "missing required key `name`");
    let e = egypt("delivery = { dist = \"triangular\", min = 0.5, max = 1 }\n");
    expect(
        &e,
        19,
        12,
        "contributors[1] \"Egypt\".delivery",
        "missing required key `mode`",
    );
}

#[test]
fn a_condition_needs_p_or_states_and_probs_not_both() {
    let head = "[scenario]\nname = \"x\"\ntarget = 5\n";
    let e = fail(&format!(
        "{head}[conditions.a]\np = 0.5\nstates = [\"x\"]\n"
    ));
    expect(
        &e,
        6,
        10,
        "conditions.a.states",
        "either `p` (boolean) or `states` and `probs`",
    );
    let e = fail(&format!("{head}[conditions.a]\n[conditions.b]\np = 0.5\n"));
    expect(&e, 4, 1, "conditions.a", "needs `p`");
    let e = fail(&format!("{head}[conditions.a]\nstates = [\"x\", \"y\"]\n"));
    expect(&e, 4, 1, "conditions.a", "missing required key `probs`");
}

#[test]
fn wrong_types() {
    let e = fail("[scenario]\nname = \"x\"\ntarget = \"20000\"\n");
    expect(
        &e,
        3,
        10,
        "scenario.target",
        "expected an integer > 0, found a string \"20000\"",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 2.5e4\n");
    expect(
        &e,
        3,
        10,
        "scenario.target",
        "expected an integer > 0, found a float 2.5e4",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 0\n");
    expect(
        &e,
        3,
        10,
        "scenario.target",
        "expected an integer > 0, found 0",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nseed = -1\n");
    expect(
        &e,
        4,
        8,
        "scenario.seed",
        "expected an integer >= 0, found -1",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nformat = 3\n");
    expect(&e, 4, 10, "scenario.format", "the formats are 1 and 2");
    let e = egypt("veto = \"never\"\n");
    expect(
        &e,
        19,
        8,
        "contributors[1] \"Egypt\".veto",
        "expected a probability",
    );
    let e = egypt("roles = \"policing\"\n");
    expect(
        &e,
        19,
        9,
        "contributors[1] \"Egypt\".roles",
        "found a string \"policing\"",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\n[contributors]\nname = \"A\"\n");
    expect(
        &e,
        4,
        1,
        "contributors",
        "expected an array of tables ([[contributors]])",
    );
}

#[test]
fn dates() {
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nstart = \"2025-02-29\"\n");
    expect(
        &e,
        4,
        9,
        "scenario.start",
        "2025-02-29 is not a calendar date",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nstart = \"17/11/2025\"\n");
    expect(&e, 4, 9, "scenario.start", "write YYYY-MM-DD");
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nstart = 2025-11-17T10:00:00\n");
    expect(&e, 4, 9, "scenario.start", "expected a date without a time");
}

#[test]
fn probability_outside_unit_interval() {
    let e = egypt("veto = 1.5\n");
    expect(
        &e,
        19,
        8,
        "contributors[1] \"Egypt\".veto",
        "probability 1.5 is outside [0, 1]",
    );
    let e = fail(&BASE.replace("partial = 0.5", "partial = -0.5"));
    expect(
        &e,
        8,
        43,
        "conditions.um.p.partial",
        "probability -0.5 is outside [0, 1]",
    );
}

#[test]
fn probs_must_sum_to_one() {
    let e = fail(&BASE.replace("[0.3, 0.45, 0.25]", "[0.3, 0.45, 0.2]"));
    expect(
        &e,
        6,
        9,
        "conditions.cf.probs",
        "probabilities sum to 0.95, not 1 (tolerance 1e-9)",
    );
    let e = fail(&BASE.replace("[0.3, 0.45, 0.25]", "[0.3, 0.7]"));
    expect(
        &e,
        6,
        9,
        "conditions.cf.probs",
        "condition cf has 3 states (none, partial, full)",
    );
}

#[test]
fn distribution_parameters_out_of_order() {
    let e = fail(&format!(
        "{BASE}[[contributors]]\nname = \"Pakistan\"\np_join = 0.5\n\
         troops = {{ dist = \"triangular\", min = 1000, mode = 9000, max = 8000 }}\n"
    ));
    expect(
        &e,
        22,
        52,
        "contributors[2] \"Pakistan\".troops.mode",
        "mode 9000 is above max 8000; need min <= mode <= max",
    );
    let e = egypt("lead_months = { dist = \"uniform\", min = 5, max = 2 }\n");
    expect(
        &e,
        19,
        41,
        "contributors[1] \"Egypt\".lead_months.min",
        "min 5 is above max 2",
    );
    let e = egypt("lead_months = { dist = \"normal\", mean = 5, sd = -2 }\n");
    expect(
        &e,
        19,
        49,
        "contributors[1] \"Egypt\".lead_months.sd",
        "sd -2 is negative",
    );
    let e = egypt("lead_months = { dist = \"normal\", mean = 5, sd = 1, min = 3, max = 2 }\n");
    expect(
        &e,
        19,
        67,
        "contributors[1] \"Egypt\".lead_months.max",
        "max 2 is below min 3",
    );
    let e = egypt("lead_months = { dist = \"normal\", mean = 5, sd = 1, min = 12 }\n");
    expect(
        &e,
        19,
        15,
        "contributors[1] \"Egypt\".lead_months",
        "essentially no probability",
    );
    let e = egypt("delivery = { dist = \"discrete\", values = [0, 1], weights = [1, 0] }\n");
    expect(
        &e,
        19,
        64,
        "contributors[1] \"Egypt\".delivery.weights[1]",
        "weights must be > 0",
    );
    let e = egypt("delivery = { dist = \"unifrom\", min = 0, max = 1 }\n");
    expect(
        &e,
        19,
        21,
        "contributors[1] \"Egypt\".delivery.dist",
        "did you mean \"uniform\"?",
    );
}

#[test]
fn negative_support() {
    let e = fail(&BASE.replace("min = 1, max = 5", "min = -1, max = 5"));
    expect(
        &e,
        14,
        36,
        "contributors[0] \"Saudi Arabia\".troops.min",
        "min -1 is negative; troops must be >= 0",
    );
    let e = egypt("lead_months = -2\n");
    expect(
        &e,
        19,
        15,
        "contributors[1] \"Egypt\".lead_months",
        "-2 is negative; lead_months must be >= 0",
    );
    let e = egypt("delivery = { dist = \"discrete\", values = [1, -0.5], weights = [1, 1] }\n");
    expect(
        &e,
        19,
        46,
        "contributors[1] \"Egypt\".delivery.values[1]",
        "value -0.5 is negative",
    );
}

#[test]
fn nan_and_inf_are_rejected() {
    let e = egypt("veto = nan\n");
    expect(
        &e,
        19,
        8,
        "contributors[1] \"Egypt\".veto",
        "must be a finite number, found a float nan",
    );
    let e = egypt("lead_months = inf\n");
    expect(
        &e,
        19,
        15,
        "contributors[1] \"Egypt\".lead_months",
        "must be a finite number",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nhorizon_months = -inf\n");
    expect(
        &e,
        4,
        18,
        "scenario.horizon_months",
        "must be a finite number",
    );
    let e = egypt("delivery = { dist = \"normal\", mean = 1, sd = 0.1, max = +inf }\n");
    expect(
        &e,
        19,
        57,
        "contributors[1] \"Egypt\".delivery.max",
        "must be a finite number",
    );
}

#[test]
fn unknown_condition() {
    let e = fail(&BASE.replace("given = \"cf\"", "given = \"cff\""));
    expect(
        &e,
        8,
        15,
        "conditions.um.p.given",
        "unknown condition \"cff\"; did you mean \"cf\"?",
    );
    let e = egypt("requires = [\"um\", \"mandate\"]\n");
    expect(
        &e,
        19,
        20,
        "contributors[1] \"Egypt\".requires[1]",
        "in clause \"mandate\": unknown condition \"mandate\" (conditions: cf, um)",
    );
}

#[test]
fn unknown_state() {
    let e = egypt("requires = [\"cf >= parital\"]\n");
    expect(
        &e,
        19,
        20,
        "contributors[1] \"Egypt\".requires[0]",
        "in clause \"cf >= parital\": unknown state \"parital\" of condition cf \
         (states: none, partial, full); did you mean \"partial\"?",
    );
    let e = fail(&BASE.replace("partial = 0.5", "parital = 0.5"));
    expect(
        &e,
        8,
        33,
        "conditions.um.p.parital",
        "`parital` is not a state of condition cf",
    );
    let e = fail(&BASE.replace(", full = 0.9", ""));
    expect(
        &e,
        8,
        5,
        "conditions.um.p",
        "missing a value for state full of condition cf",
    );
}

#[test]
fn unknown_role() {
    let e = egypt("roles = [\"polcing\"]\n");
    expect(
        &e,
        19,
        10,
        "contributors[1] \"Egypt\".roles[0]",
        "unknown role \"polcing\"; did you mean \"policing\"?",
    );
    let e = egypt("roles = [\"security\"]\n");
    expect(
        &e,
        19,
        10,
        "contributors[1] \"Egypt\".roles[0]",
        "(roles: policing)",
    );
}

#[test]
fn unknown_contributor_in_joined() {
    let e = egypt("requires = [\"joined( Saudi Arabai )\"]\n");
    expect(
        &e,
        19,
        22,
        "contributors[1] \"Egypt\".requires[0]",
        "unknown contributor \"Saudi Arabai\"; did you mean \"Saudi Arabia\"?",
    );
    let s = load(&format!(
        "{BASE}requires = [\"joined(Saudi Arabia) or committed >= 2_000\"]\n"
    ));
    assert_eq!(
        s.contributors[1].requires[0].expr,
        Expr::Or(
            Box::new(Expr::Joined { contributor: 0 }),
            Box::new(Expr::Committed {
                op: CmpOp::Ge,
                personnel: 2000
            })
        )
    );
}

#[test]
fn duplicate_names() {
    let e = fail(&format!(
        "{BASE}[[contributors]]\nname = \"Egypt\"\np_join = 0.5\ntroops = 1\n"
    ));
    expect(
        &e,
        20,
        8,
        "contributors[2].name",
        "duplicate contributor name \"Egypt\" (also contributors[1] at line 16)",
    );
    let e = fail(&BASE.replace("\"partial\", \"full\"", "\"partial\", \"none\""));
    expect(
        &e,
        5,
        30,
        "conditions.cf.states[2]",
        "duplicate state name \"none\"",
    );
    let e = fail(&BASE.replace("[roles]\n", "[conditions.cf]\np = 0.1\n[roles]\n"));
    expect(&e, 9, 13, "", "duplicate key `cf`");
}

#[test]
fn bad_names() {
    let e = fail(&BASE.replace("[conditions.um]", "[conditions.not]"));
    expect(
        &e,
        7,
        13,
        "conditions.not",
        "condition name \"not\" is a reserved word",
    );
    let e = fail(&BASE.replace("\"full\"]", "\"full-ish\"]"));
    expect(
        &e,
        5,
        30,
        "conditions.cf.states[2]",
        "state name \"full-ish\" is not an identifier",
    );
    let e = fail(&BASE.replace("\"Egypt\"", "\"Egypt (north)\""));
    expect(
        &e,
        16,
        8,
        "contributors[1].name",
        "cannot contain `(` or `)`",
    );
    let e = fail(&BASE.replace("\"Egypt\"", "\" \""));
    expect(&e, 16, 8, "contributors[1].name", "must not be empty");
}

#[test]
fn given_cycle_is_named() {
    let e = fail(
        r#"[scenario]
name = "x"
target = 5
[conditions.c]
p = { given = "a", true = 0.1, false = 0.2 }
[conditions.a]
p = { given = "b", x = 0.1, y = 0.2 }
[conditions.b]
states = ["x", "y"]
probs = { given = "c", true = [0.5, 0.5], false = [0.2, 0.8] }
[[contributors]]
name = "A"
p_join = 1
troops = 7
"#,
    );
    expect(&e, 5, 15, "conditions.c.p.given", "cycle: c -> a -> b -> c");
    let e = fail(&BASE.replace("given = \"cf\"", "given = \"um\"").replace(
        "none = 0.1, partial = 0.5, full = 0.9",
        "true = 0.5, false = 0.5",
    ));
    expect(&e, 8, 15, "conditions.um.p.given", "cycle: um -> um");
}

#[test]
fn clause_syntax_errors() {
    let cases = [
        ("um and (cf > none", 21, "this `(` is never closed"),
        ("um or cf > none)", 29, "this `)` has no matching `(`"),
        ("um um", 17, "unexpected `um` after a complete clause"),
        ("", 14, "empty clause"),
        ("um and", 20, "clause ends too early"),
        (
            "um and == none",
            21,
            "expected a condition, `not`, `(`, joined(NAME) or committed, found `==`",
        ),
        ("cf = full", 17, "`=` is not a comparison; write `==`"),
        ("joined(Saudi Arabia", 20, "`joined(` is never closed"),
        (
            "committed >= lots",
            27,
            "expected a whole number of personnel after `committed >=`",
        ),
        ("um AND um", 17, "keywords are lower case"),
    ];
    for (clause, column, fragment) in cases {
        let e = egypt(&format!("requires = [\"{clause}\"]\n"));
        expect(
            &e,
            19,
            column,
            "contributors[1] \"Egypt\".requires[0]",
            fragment,
        );
        assert!(
            e.message.starts_with(&format!("in clause \"{clause}\": ")),
            "{e}"
        );
    }
    let deep = format!("{}um{}", "(".repeat(33), ")".repeat(33));
    let e = egypt(&format!("requires = [\"{deep}\"]\n"));
    expect(
        &e,
        19,
        46,
        "contributors[1] \"Egypt\".requires[0]",
        "at most 32 levels",
    );
    let long = format!("um{}", " or um".repeat(200));
    let e = egypt(&format!("requires = [\"{long}\"]\n"));
    expect(
        &e,
        19,
        13,
        "contributors[1] \"Egypt\".requires[0]",
        "the limit is 1000",
    );
}

#[test]
fn clause_columns_fall_back_to_the_string_start_when_escaped() {
    let e = egypt("requires = [\"um \\u0061nd nope\"]\n");
    expect(
        &e,
        19,
        13,
        "contributors[1] \"Egypt\".requires[0]",
        "unknown condition \"nope\"",
    );
    let e = egypt("requires = ['um and nope']\n");
    expect(
        &e,
        19,
        21,
        "contributors[1] \"Egypt\".requires[0]",
        "unknown condition \"nope\"",
    );
}

#[test]
fn comparing_a_boolean_condition() {
    let e = egypt("requires = [\"um == true\"]\n");
    expect(
        &e,
        19,
        17,
        "contributors[1] \"Egypt\".requires[0]",
        "um is a boolean condition and cannot be compared; write `um` or `not um`",
    );
    let e = egypt("requires = [\"not cf\"]\n");
    expect(
        &e,
        19,
        18,
        "contributors[1] \"Egypt\".requires[0]",
        "compare it with a state, e.g. `cf >= partial`",
    );
}

#[test]
fn joined_of_itself() {
    let e = egypt("requires = [\"joined(Egypt)\"]\n");
    expect(
        &e,
        19,
        21,
        "contributors[1] \"Egypt\".requires[0]",
        "cannot require joined() of itself",
    );
}

#[test]
fn limits() {
    let head = "[scenario]\nname = \"x\"\ntarget = 5\n";
    let one = |i: usize| format!("[[contributors]]\nname = \"C{i}\"\np_join = 0.5\ntroops = 1\n");
    let many: String = (0..65).map(one).collect();
    let e = fail(&format!("{head}{many}"));
    expect(&e, 4 + 64 * 4, 1, "contributors[64]", "at most 64");

    let roles: String = (0..11).map(|i| format!("r{i} = 0\n")).collect();
    let e = fail(&format!("{head}[roles]\n{roles}{}", one(0)));
    expect(&e, 15, 1, "roles.r10", "at most 10");

    let states: Vec<String> = (0..33).map(|i| format!("\"s{i}\"")).collect();
    let e = fail(&format!(
        "{head}[conditions.a]\nstates = [{}]\nprobs = [1]\n{}",
        states.join(", "),
        one(0)
    ));
    expect(&e, 5, 10, "conditions.a.states", "at most 32 states");

    let e = fail("[scenario]\nname = \"x\"\ntarget = 100_000_001\n");
    expect(
        &e,
        3,
        10,
        "scenario.target",
        "above the limit of 100,000,000",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\ntrials = 1_000_000_000_001\n");
    expect(
        &e,
        4,
        10,
        "scenario.trials",
        "above the limit of 1,000,000,000,000",
    );
    let e = fail("[scenario]\nname = \"x\"\ntarget = 5\nhorizon_months = 1200.5\n");
    expect(
        &e,
        4,
        18,
        "scenario.horizon_months",
        "above the limit of 1,200 months",
    );
    let e = egypt("lead_months = 1201\n");
    expect(
        &e,
        19,
        15,
        "contributors[1] \"Egypt\".lead_months",
        "above the limit of 1,200 for lead_months",
    );
    let e = fail(&BASE.replace("troops = 100", "troops = 1_000_001"));
    expect(
        &e,
        18,
        10,
        "contributors[1] \"Egypt\".troops",
        "above the limit of 1,000,000 for troops",
    );

    let big: String = (0..11)
        .map(|i| format!("[[contributors]]\nname = \"C{i}\"\np_join = 0.5\ntroops = 1_000_000\n"))
        .collect();
    let e = fail(&format!("{head}{big}"));
    expect(
        &e,
        4 + 10 * 4 + 3,
        10,
        "contributors[10] \"C10\".troops",
        "above the limit of 10,000,000",
    );
}

#[test]
fn deep_nesting_is_refused_without_crashing() {
    let arrays = format!("a = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = fail(&arrays);
    assert_eq!(e.line, 1, "{e}");
    assert!(e.message.starts_with("invalid TOML"), "{e}");
    let tables = format!("a = {}1{}\n", "{ b = ".repeat(10_000), " }".repeat(10_000));
    assert!(fail(&tables).message.starts_with("invalid TOML"));
    let keys: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    assert!(
        fail(&format!("{} = 1\n", keys.join(".")))
            .message
            .starts_with("invalid TOML")
    );
}

#[test]
fn no_panic_on_single_character_edits() {
    let chars: Vec<char> = SPEC.chars().collect();
    for i in 0..chars.len() {
        for replacement in ['"', '[', '=', '9', '-', ' ', 'x', '\n', '(', '.'] {
            let mut edited = chars.clone();
            edited[i] = replacement;
            let text: String = edited.into_iter().collect();
            let _ = parse_scenario(&text, "s.toml", &[]);
        }
        let mut cut = chars.clone();
        cut.remove(i);
        let _ = parse_scenario(&cut.into_iter().collect::<String>(), "s.toml", &[]);
    }
}

#[test]
fn overrides_change_values() {
    let s = load_with(
        BASE,
        &[
            "scenario.target=500",
            "scenario.horizon_months=6.5",
            "contributors.\"Saudi Arabia\".troops.max=3000",
            "contributors.Egypt.veto=0.25",
            "contributors.Egypt.requires=cf >= full",
            "conditions.um.p.partial=0.6",
            "conditions.cf.probs=[0.2, 0.3, 0.5]",
            "roles.policing=11",
            "scenario.name=Foo Bar",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.target, 500);
    assert_eq!(s.horizon_months, Some(6.5));
    assert_eq!(s.name, "Foo Bar");
    assert_eq!(
        s.contributors[0].troops,
        Dist::Uniform {
            min: 1.0,
            max: 3000.0
        }
    );
    assert_eq!(s.contributors[1].veto, Prob::Fixed(0.25));
    assert_eq!(s.contributors[1].requires[0].text, "cf >= full");
    match &s.conditions[1].probs {
        StateProbs::Given { rows, .. } => assert_eq!(rows[1][0], 0.6),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        s.conditions[0].probs,
        StateProbs::Fixed(vec![0.2, 0.3, 0.5])
    );
    assert_eq!(s.roles[0].minimum, 11);

    let s = load_with(
        BASE,
        &[
            "contributors.Egypt.requires=[\"um\", \"joined(Saudi Arabia)\"]",
            "contributors.Egypt.troops={ dist = \"pert\", min = 10, mode = 20, max = 40 }",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.contributors[1].requires.len(), 2);
    assert_eq!(
        s.contributors[1].troops,
        Dist::Pert {
            min: 10.0,
            mode: 20.0,
            max: 40.0
        }
    );
}

#[test]
fn override_with_a_bad_path() {
    let cases = [
        (
            "contributors.Egyp.troops=3000",
            "no contributor named \"Egyp\"; did you mean \"Egypt\"?",
        ),
        (
            "contributors.Egypt.troops.max=3000",
            "it is an integer 100, not a table",
        ),
        (
            "contributors.Egypt.delivery.max=3",
            "`contributors.Egypt.delivery` is not in the file",
        ),
        (
            "scenaro.target=5",
            "unknown section `scenaro`; did you mean `scenario`?",
        ),
        (
            "conditions.xx.p=0.5",
            "no condition named \"xx\" (conditions: \"cf\", \"um\")",
        ),
        ("roles.planning=5", "no role named \"planning\""),
        ("scenario=5", "name a key inside `scenario`"),
    ];
    for (set, fragment) in cases {
        let e = load_with(BASE, &[set]).unwrap_err();
        let path = set.split('=').next().unwrap_or_default();
        expect_in(&e, &format!("--set {set}"), 1, 1, path, fragment);
    }
    let e = Override::parse("scenario.target").unwrap_err();
    expect_in(&e, "--set scenario.target", 1, 1, "", "expected PATH=VALUE");
}

#[test]
fn override_with_a_bad_value_names_the_override() {
    let set = "contributors.Egypt.p_join=1.5";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        "--set contributors.Egypt.p_join=1.5",
        1,
        1,
        "contributors[1] \"Egypt\".p_join",
        "outside [0, 1]",
    );

    let set = "contributors.Egypt.troops={ dist = \"uniform\", min = 3000, max = 1000 }";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        &format!("--set {set}"),
        1,
        27,
        "contributors[1] \"Egypt\".troops.min",
        "min 3000 is above max 1000",
    );

    let set = "contributors.Egypt.requires=[\"um\", \"cf >= parital\"]";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        &format!("--set {set}"),
        1,
        15,
        "contributors[1] \"Egypt\".requires[1]",
        "did you mean \"partial\"?",
    );

    let set = "contributors.Egypt.requires=cf >= parital";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        &format!("--set {set}"),
        1,
        7,
        "contributors[1] \"Egypt\".requires",
        "unknown state \"parital\"",
    );

    let set = "conditions.cf.probs=[0.5, 0.5";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        &format!("--set {set}"),
        1,
        10,
        "conditions.cf.probs",
        "VALUE is not valid TOML",
    );

    let set = "scenario.targt=5";
    let e = load_with(BASE, &[set]).unwrap_err();
    expect_in(
        &e,
        &format!("--set {set}"),
        1,
        1,
        "scenario.targt",
        "did you mean `target`?",
    );

    let e = load_with(BASE, &["contributors.Egypt.veto=nan"]).unwrap_err();
    expect_in(
        &e,
        "--set contributors.Egypt.veto=nan",
        1,
        1,
        "contributors[1] \"Egypt\".veto",
        "finite",
    );

    // A value left in the file is still reported in the file.
    let e = load_with(
        &BASE.replace("p_join = 0.5\ntroops = 100", "p_join = 2\ntroops = 100"),
        &["contributors.Egypt.veto=0.1"],
    )
    .unwrap_err();
    expect(
        &e,
        17,
        10,
        "contributors[1] \"Egypt\".p_join",
        "outside [0, 1]",
    );
}

#[test]
fn load_file_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.toml");
    let e = load_file(&missing, &[]).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("no such file"), "{e}");
    assert_eq!(e.file, missing.display().to_string());

    let e = load_file(dir.path(), &[]).unwrap_err();
    assert!(e.message.contains("is a directory"), "{e}");

    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"[scenario]\nname = \"Caf\xe9\"\n").unwrap();
    let e = load_file(&latin1, &[]).unwrap_err();
    assert_eq!((e.line, e.column), (2, 12), "{e}");
    assert!(e.message.contains("not valid UTF-8"), "{e}");

    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; 10 * 1024 * 1024 + 1]).unwrap();
    let e = load_file(&big, &[]).unwrap_err();
    assert!(
        e.message.contains("scenario files are limited to 10 MB"),
        "{e}"
    );

    let good = dir.path().join("good.toml");
    std::fs::write(&good, SPEC).unwrap();
    let (s, bytes) = load_file(&good, &[Override::parse("scenario.seed=7").unwrap()]).unwrap();
    assert_eq!(s.seed, 7);
    assert_eq!(bytes, SPEC.as_bytes());
}

#[test]
fn errors_display_on_one_line() {
    let e = fail("[scenario]\nname = \"x\"\ntarget = \"20000\"\n");
    assert_eq!(
        e.to_string(),
        "s.toml:3:10: scenario.target: expected an integer > 0, found a string \"20000\""
    );
    let e = egypt("requires = [\"\"\"um and\nnope\"\"\"]\n");
    assert!(!e.to_string().contains('\n'), "{e}");
    assert!(e.message.contains("um and\\nnope"), "{e}");
}
