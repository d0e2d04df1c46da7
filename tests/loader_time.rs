//! Loading format 2 (time): the example of the specification's §5 loads to
//! the model as written, the format is the declared one or the lowest the
//! file needs, and every mistake of time is reported at its line, column
//! and key. `--set` reaches changes (numbered from 1) and `on_unmet`;
//! `muster check` describes time; sensitivity moves the changes.

use muster::scenario::clause::{CmpOp, Expr};
use muster::scenario::dist::Dist;
use muster::scenario::{
    Change, OnUnmet, Override, Prob, Scenario, ScenarioError, StateProbs, parse_scenario,
};

use crate::util::{ok_in, temp_dir};

/// The examples of §5 in one file.
const TIME: &str = r#"[scenario]
name = "Time"
target = 20000
horizon_months = 24

[conditions.ceasefire]
states = ["none", "partial", "full"]
probs  = [0.25, 0.55, 0.20]

[[conditions.ceasefire.changes]]
to = "full"
p = { given = "un_mandate", true = 0.6, false = 0.3 }
month = { dist = "pert", min = 1, mode = 5, max = 18 }
lasts = { dist = "uniform", min = 2, max = 6 }

[conditions.un_mandate]
p = 0.7

[conditions.regional_war]
p = 0.0
[[conditions.regional_war.changes]]
to = true
p = 0.3
month = { dist = "uniform", min = 0, max = 12 }
lasts = { dist = "triangular", min = 1, mode = 3, max = 12 }

[[contributors]]
name = "Indonesia advance team"
p_join = { given = "ceasefire", none = 0.0, partial = { given = "un_mandate", true = 0.5, false = 0.2 }, full = 0.8 }
troops = 1000
on_unmet = "suspend"

[[contributors]]
name = "Indonesia main body"
p_join = 0.9
requires = ["arrived(Indonesia advance team)"]
troops = { given = "un_mandate", true = { dist = "pert", min = 5000, mode = 8000, max = 20000 }, false = 1000 }
lead_months = 3
on_unmet = "withdraw"

[[contributors]]
name = "Small state"
p_join = 0.5
requires = ["deployed >= 5000", "not regional_war"]
troops = 500
"#;

/// Lines 1-17: a horizon, two conditions, two contributors ("Saudi Arabia", "Egypt").
const BASE: &str = r#"[scenario]
name = "t"
target = 100
horizon_months = 12
[conditions.cf]
states = ["none", "partial", "full"]
probs = [0.3, 0.45, 0.25]
[conditions.um]
p = 0.5
[[contributors]]
name = "Saudi Arabia"
p_join = 0.5
troops = 100
[[contributors]]
name = "Egypt"
p_join = 0.5
troops = 100
"#;

/// A change of `cf` to full at month 2, for appending to `BASE` (from line 18).
const CHANGE: &str = "[[conditions.cf.changes]]\nto = \"full\"\nmonth = 2\n";

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

/// `base` with lines for its last contributor, each in place of that
/// contributor's line of the same key, or appended.
fn last_with(base: &str, lines: &str) -> String {
    let at = base.rfind("[[contributors]]").unwrap_or(0);
    let (head, tail) = base.split_at(at);
    let mut tail = tail.to_string();
    for line in lines.lines() {
        let key = line.split('=').next().unwrap_or_default().trim();
        let own = tail
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .map(str::to_string);
        match own {
            Some(own) => tail = tail.replace(&own, line),
            None => tail += &format!("{line}\n"),
        }
    }
    format!("{head}{tail}")
}

/// `BASE` without its horizon: every line after the third moves up one.
fn no_horizon(extra: &str) -> String {
    format!("{}{extra}", BASE.replace("horizon_months = 12\n", ""))
}

/// `BASE` saying `format = 1` (line 4): every line after it moves down one.
fn format_1(extra: &str) -> String {
    format!(
        "{}{extra}",
        BASE.replace("target = 100\n", "target = 100\nformat = 1\n")
    )
}

#[track_caller]
fn expect(e: &ScenarioError, line: usize, column: usize, key_path: &str, fragment: &str) {
    assert_eq!(
        (e.file.as_str(), e.line, e.column, e.key_path.as_str()),
        ("s.toml", line, column, key_path),
        "\n{e}"
    );
    assert!(
        e.message.contains(fragment),
        "message lacks {fragment:?}:\n{e}"
    );
    assert!(!e.to_string().contains('\n'), "not one line: {e}");
}

#[test]
fn the_example_of_time_loads_as_written() {
    let s = load(TIME);
    assert_eq!(s.format, 2);
    assert!(s.uses_time());
    let cf = &s.conditions[0];
    assert_eq!(cf.probs, StateProbs::Fixed(vec![0.25, 0.55, 0.20]));
    assert_eq!(
        cf.changes,
        [Change {
            to: 2,
            p: Prob::Given {
                condition: 1,
                by_state: vec![0.6, 0.3]
            },
            month: Dist::Pert {
                min: 1.0,
                mode: 5.0,
                max: 18.0
            },
            lasts: Some(Dist::Uniform { min: 2.0, max: 6.0 }),
        }]
    );
    let war = &s.conditions[2];
    assert_eq!(war.probs, StateProbs::Fixed(vec![0.0, 1.0]));
    assert_eq!(war.changes.len(), 1);
    assert_eq!(war.changes[0].to, 0, "to = true is the state true");
    assert_eq!(war.changes[0].p, Prob::Fixed(0.3));
    // A change's `given` takes no part in the order: ceasefire still comes first.
    assert_eq!(s.condition_order, [0, 1, 2]);

    let [advance, main, small] = &s.contributors[..] else {
        panic!("three contributors")
    };
    assert_eq!(
        advance.p_join,
        Prob::Nested {
            condition: 0,
            branches: vec![
                Prob::Fixed(0.0),
                Prob::Given {
                    condition: 1,
                    by_state: vec![0.5, 0.2]
                },
                Prob::Fixed(0.8),
            ]
        }
    );
    assert_eq!(advance.p_join.at(&[1, 1, 0]), 0.2);
    assert_eq!(advance.on_unmet, OnUnmet::Suspend);
    assert_eq!(main.on_unmet, OnUnmet::Withdraw);
    assert_eq!(small.on_unmet, OnUnmet::Stay);
    assert_eq!(main.requires[0].expr, Expr::Arrived { contributor: 0 });
    assert_eq!(
        main.troops,
        Dist::Given {
            condition: 1,
            branches: vec![
                Dist::Pert {
                    min: 5000.0,
                    mode: 8000.0,
                    max: 20000.0
                },
                Dist::Fixed(1000.0)
            ]
        }
    );
    assert_eq!(
        small.requires[0].expr,
        Expr::Deployed {
            op: CmpOp::Ge,
            personnel: 5000
        }
    );
}

#[test]
fn the_format_is_the_declared_one_else_the_lowest_the_file_needs() {
    let plain = load(BASE);
    assert_eq!(plain.format, 1);
    assert!(!plain.uses_time());
    let declared = BASE.replace("target = 100\n", "target = 100\nformat = 2\n");
    assert_eq!(load(&declared).format, 2);
    assert_eq!(load(&format_1("")).format, 1);
    let uses = [
        CHANGE,
        "on_unmet = \"stay\"\n",
        "on_unmet = \"suspend\"\n",
        "requires = [\"arrived(Saudi Arabia)\"]\n",
        "requires = [\"deployed < 10\"]\n",
        "troops = { given = \"um\", true = 5, false = 7 }\n",
        "lead_months = { given = \"cf\", none = 1, partial = 2, full = { dist = \"uniform\", min = 0, max = 3 } }\n",
        "p_join = { given = \"um\", true = 0.5, false = { given = \"cf\", none = 0, partial = 0.1, full = 0.2 } }\n",
    ];
    for extra in uses {
        assert_eq!(load(&last_with(BASE, extra)).format, 2, "{extra}");
    }
    // One flat `given` on a probability stays format 1's.
    let s = load(&BASE.replace(
        "p = 0.5",
        "p = { given = \"cf\", none = 0.1, partial = 0.5, full = 0.9 }",
    ));
    assert_eq!(s.format, 1);
    assert!(matches!(
        s.conditions[1].probs,
        StateProbs::Given { parent: 0, .. }
    ));
}

#[test]
fn a_change_goes_to_a_state_and_defaults_to_happening_for_ever() {
    let s = load(&format!("{BASE}{CHANGE}"));
    assert_eq!(
        s.conditions[0].changes,
        [Change {
            to: 2,
            p: Prob::Fixed(1.0),
            month: Dist::Fixed(2.0),
            lasts: None
        }]
    );
    for (to, index) in [("true", 0), ("false", 1), ("\"true\"", 0), ("\"false\"", 1)] {
        let text = format!("{BASE}[[conditions.um.changes]]\nto = {to}\nmonth = 1\nlasts = 0\n");
        let s = load(&text);
        assert_eq!(s.conditions[1].changes[0].to, index, "to = {to}");
        assert_eq!(s.conditions[1].changes[0].lasts, Some(Dist::Fixed(0.0)));
    }
    let e = fail(&format!(
        "{BASE}[[conditions.cf.changes]]\nto = true\nmonth = 1\n"
    ));
    expect(
        &e,
        19,
        6,
        "conditions.cf.changes[0].to",
        "expected a state of cf (a string: none, partial, full), found a boolean true",
    );
    let e = fail(&format!(
        "{BASE}[[conditions.um.changes]]\nto = \"yes\"\nmonth = 1\n"
    ));
    expect(
        &e,
        19,
        6,
        "conditions.um.changes[0].to",
        "unknown state \"yes\" of condition um (states: true, false)",
    );
    let e = fail(&format!(
        "{BASE}[[conditions.um.changes]]\nto = 1\nmonth = 1\n"
    ));
    expect(
        &e,
        19,
        6,
        "conditions.um.changes[0].to",
        "expected true or false, found an integer 1",
    );
}

#[test]
fn mistakes_in_changes_are_located() {
    let cases = [
        (
            "to = \"ful\"\nmonth = 1\n",
            19,
            6,
            "conditions.cf.changes[0].to",
            "unknown state \"ful\" of condition cf (states: none, partial, full); did you mean \"full\"?",
        ),
        (
            "to = \"full\"\nmonth = -0.5\n",
            20,
            9,
            "conditions.cf.changes[0].month",
            "-0.5 is negative; month must be >= 0",
        ),
        (
            "to = \"full\"\nmonth = { dist = \"uniform\", min = -1, max = 2 }\n",
            20,
            35,
            "conditions.cf.changes[0].month.min",
            "min -1 is negative; month must be >= 0",
        ),
        (
            "to = \"full\"\nmonth = 1\nlasts = -2\n",
            21,
            9,
            "conditions.cf.changes[0].lasts",
            "-2 is negative; lasts must be >= 0",
        ),
        (
            "to = \"full\"\nmonth = 1\nlasts = 1201\n",
            21,
            9,
            "conditions.cf.changes[0].lasts",
            "above the limit of 1,200 for lasts",
        ),
        (
            "to = \"full\"\n",
            18,
            1,
            "conditions.cf.changes[0]",
            "missing required key `month`",
        ),
        (
            "month = 1\n",
            18,
            1,
            "conditions.cf.changes[0]",
            "missing required key `to`",
        ),
        (
            "to = \"full\"\nmonth = 1\nlast = 2\n",
            21,
            1,
            "conditions.cf.changes[0].last",
            "unknown key `last`; did you mean `lasts`?",
        ),
        (
            "to = \"full\"\nmonth = 1\np = 1.5\n",
            21,
            5,
            "conditions.cf.changes[0].p",
            "probability 1.5 is outside [0, 1]",
        ),
    ];
    for (body, line, column, key_path, fragment) in cases {
        let e = fail(&format!("{BASE}[[conditions.cf.changes]]\n{body}"));
        expect(&e, line, column, key_path, fragment);
    }
    let e = fail(&format!("{BASE}{}", CHANGE.repeat(17)));
    expect(
        &e,
        66,
        1,
        "conditions.cf.changes[16]",
        "too many changes of condition cf (17); a condition has at most 16",
    );
    assert_eq!(
        load(&format!("{BASE}{}", CHANGE.repeat(16))).conditions[0]
            .changes
            .len(),
        16
    );
    let e = fail(&BASE.replace("p = 0.5\n", "p = 0.5\nchanges = 3\n"));
    expect(
        &e,
        10,
        11,
        "conditions.um.changes",
        "expected an array of tables",
    );
}

#[test]
fn given_inside_a_change_reads_any_condition_without_a_cycle() {
    // cf's change reads um, um's month-0 probability reads cf, and um's own
    // change reads um: no cycle, since changes take no part in the order.
    let text = BASE.replace(
        "p = 0.5\n",
        "p = { given = \"cf\", none = 0.1, partial = 0.5, full = 0.9 }\n",
    );
    let text = format!(
        "{text}[[conditions.cf.changes]]\nto = \"none\"\np = {{ given = \"um\", true = 0.2, false = 0.7 }}\nmonth = {{ given = \"cf\", none = 1, partial = 2, full = 3 }}\n\
         [[conditions.um.changes]]\nto = false\np = {{ given = \"um\", true = 0.5, false = 0 }}\nmonth = 4\nlasts = {{ given = \"um\", true = 1, false = 2 }}\n"
    );
    let s = load(&text);
    assert_eq!(s.condition_order, [0, 1]);
    assert_eq!(
        s.conditions[0].changes[0].month,
        Dist::Given {
            condition: 0,
            branches: vec![Dist::Fixed(1.0), Dist::Fixed(2.0), Dist::Fixed(3.0)]
        }
    );
    assert_eq!(
        s.conditions[1].changes[0].p,
        Prob::Given {
            condition: 1,
            by_state: vec![0.5, 0.0]
        }
    );
}

#[test]
fn a_nested_given_depends_on_every_condition_in_its_tree() {
    let conditions = |c_reads: &str| {
        format!(
            "[scenario]\nname = \"t\"\ntarget = 1\n\
             [conditions.a]\np = {{ given = \"b\", true = {{ given = \"c\", true = 0.1, false = 0.2 }}, false = 0.3 }}\n\
             [conditions.b]\np = 0.5\n\
             [conditions.c]\np = {c_reads}\n\
             [[contributors]]\nname = \"X\"\np_join = 1\ntroops = 1\n"
        )
    };
    let s = load(&conditions("0.5"));
    assert_eq!(s.condition_order, [1, 2, 0]);
    assert_eq!(s.format, 2);
    let e = fail(&conditions("{ given = \"a\", true = 0.5, false = 0.5 }"));
    expect(
        &e,
        5,
        37,
        "conditions.a.p.true.given",
        "a cycle: a -> c -> a (through `given`)",
    );
    // Categorical `probs` trees have arrays as leaves.
    let text = BASE.replace(
        "probs = [0.3, 0.45, 0.25]",
        "probs = { given = \"um\", true = { given = \"x\", true = [1, 0, 0], false = [0, 1, 0] }, false = [0, 0, 1] }\n[conditions.x]\np = 0.1",
    );
    let s = load(&text);
    assert_eq!(s.condition_order, [1, 2, 0]);
    assert!(
        matches!(&s.conditions[0].probs, StateProbs::Nested { condition: 2, branches } if branches.len() == 2)
    );
    assert_eq!(s.conditions[0].probs.at(&[0, 1, 0]), [0.0, 1.0, 0.0]);
    assert_eq!(s.conditions[0].probs.at(&[0, 1, 1]), [0.0, 0.0, 1.0]);
}

#[test]
fn mistakes_in_given_trees_are_located() {
    let egypt = |extra: &str| fail(&last_with(BASE, extra));
    let e = egypt(
        "troops = { given = \"um\", true = { given = \"um\", true = 1, false = 2 }, false = 3 }\n",
    );
    expect(
        &e,
        17,
        43,
        "contributors[1] \"Egypt\".troops.true.given",
        "condition um is already read higher up this tree (`contributors[1] \"Egypt\".troops.given`)",
    );
    let e = egypt(
        "troops = { given = \"um\", true = { given = \"cf\", none = 1, full = 2 }, false = 3 }\n",
    );
    expect(
        &e,
        17,
        33,
        "contributors[1] \"Egypt\".troops.true",
        "missing a value for state partial of condition cf",
    );
    let e = egypt(
        "troops = { given = \"um\", true = { dist = \"uniform\", min = 1, max = 2, given = \"cf\" }, false = 3 }\n",
    );
    expect(
        &e,
        17,
        35,
        "contributors[1] \"Egypt\".troops.true.dist",
        "either `dist` (a distribution) or `given`",
    );
    let e = egypt(
        "troops = { given = \"um\", true = { dist = \"uniform\", min = 3, max = 2 }, false = 3 }\n",
    );
    expect(
        &e,
        17,
        59,
        "contributors[1] \"Egypt\".troops.true.min",
        "min 3 is above max 2",
    );
    let e = egypt("delivery = { given = \"um\", true = -1, false = 1 }\n");
    expect(
        &e,
        18,
        35,
        "contributors[1] \"Egypt\".delivery.true",
        "-1 is negative; delivery must be >= 0",
    );

    // Deeper than the limit: 17 conditions read one inside the other.
    let mut text = String::from("[scenario]\nname = \"t\"\ntarget = 1\n");
    for i in 0..17 {
        text += &format!("[conditions.c{i}]\np = 0.5\n");
    }
    let mut tree = "0.5".to_string();
    for i in (0..17).rev() {
        tree = format!("{{ given = \"c{i}\", true = {tree}, false = 0 }}");
    }
    let deep = format!("{text}[[contributors]]\nname = \"X\"\ntroops = 1\np_join = {tree}\n");
    let e = fail(&deep);
    assert!(e.message.contains("at most 16 levels"), "{e}");
    assert!(
        e.key_path.ends_with(".given") && e.key_path.matches(".true").count() == 16,
        "{e}"
    );
    let sixteen = deep.replacen("{ given = \"c16\", true = 0.5, false = 0 }", "0.5", 1);
    assert_eq!(load(&sixteen).format, 2);
}

#[test]
fn format_1_refuses_each_use_of_time_at_its_place() {
    let cases = [
        (
            CHANGE,
            19,
            17,
            "conditions.cf.changes",
            "`changes` of condition cf needs format 2 (time), but [scenario] says format = 1; write format = 2",
        ),
        (
            "on_unmet = \"stay\"\n",
            19,
            1,
            "contributors[1] \"Egypt\".on_unmet",
            "`on_unmet` needs format 2",
        ),
        (
            "requires = [\"um and arrived(Saudi Arabia)\"]\n",
            19,
            21,
            "contributors[1] \"Egypt\".requires[0]",
            "`arrived(..)` in clause \"um and arrived(Saudi Arabia)\" needs format 2",
        ),
        (
            "requires = [\"deployed >= 3\"]\n",
            19,
            14,
            "contributors[1] \"Egypt\".requires[0]",
            "`deployed` in clause \"deployed >= 3\" needs format 2",
        ),
        (
            "delivery = { given = \"um\", true = 1, false = 0.5 }\n",
            19,
            22,
            "contributors[1] \"Egypt\".delivery.given",
            "a `given` on a distribution needs format 2",
        ),
        (
            "veto = { given = \"um\", true = 0, false = { given = \"cf\", none = 1, partial = 0.5, full = 0 } }\n",
            19,
            52,
            "contributors[1] \"Egypt\".veto.false.given",
            "a nested `given` (a `given` inside a `given`) needs format 2",
        ),
    ];
    for (extra, line, column, key_path, fragment) in cases {
        expect(&fail(&format_1(extra)), line, column, key_path, fragment);
    }
}

#[test]
fn uses_of_time_need_a_horizon() {
    let cases = [
        (
            CHANGE,
            17,
            1,
            "conditions.cf.changes[0]",
            "a change of condition cf needs [scenario] horizon_months: without a horizon a trial need not end",
        ),
        (
            "on_unmet = \"withdraw\"\n",
            17,
            12,
            "contributors[1] \"Egypt\".on_unmet",
            "on_unmet = \"withdraw\" needs [scenario] horizon_months",
        ),
        (
            "requires = [\"arrived(Saudi Arabia)\"]\n",
            17,
            14,
            "contributors[1] \"Egypt\".requires[0]",
            "`arrived(..)` in clause \"arrived(Saudi Arabia)\" needs [scenario] horizon_months",
        ),
    ];
    for (extra, line, column, key_path, fragment) in cases {
        expect(&fail(&no_horizon(extra)), line, column, key_path, fragment);
    }
    // What does not change a trial over time needs no horizon.
    assert_eq!(load(&no_horizon("on_unmet = \"stay\"\n")).format, 2);
    let tree = "troops = { given = \"um\", true = 1, false = 2 }\n";
    let s = load(&last_with(&no_horizon(""), tree));
    assert_eq!((s.format, s.horizon_months), (2, None));
}

#[test]
fn on_unmet_is_one_of_three_words() {
    for (word, value) in [
        ("stay", OnUnmet::Stay),
        ("suspend", OnUnmet::Suspend),
        ("withdraw", OnUnmet::Withdraw),
    ] {
        let s = load(&format!("{BASE}on_unmet = \"{word}\"\n"));
        assert_eq!(s.contributors[1].on_unmet, value);
        assert_eq!(s.contributors[0].on_unmet, OnUnmet::Stay);
    }
    let e = fail(&format!("{BASE}on_unmet = \"withdrawn\"\n"));
    expect(
        &e,
        18,
        12,
        "contributors[1] \"Egypt\".on_unmet",
        "unknown on_unmet \"withdrawn\"; did you mean \"withdraw\"?",
    );
    let e = fail(&format!("{BASE}on_unmet = \"leave\"\n"));
    expect(
        &e,
        18,
        12,
        "contributors[1] \"Egypt\".on_unmet",
        "use one of \"stay\", \"suspend\", \"withdraw\"",
    );
    let e = fail(&format!("{BASE}on_unmet = true\n"));
    expect(
        &e,
        18,
        12,
        "contributors[1] \"Egypt\".on_unmet",
        "expected one of \"stay\", \"suspend\", \"withdraw\", found a boolean true",
    );
    let e = fail(&format!("{BASE}requires = [\"arrived(Egypt)\"]\n"));
    expect(
        &e,
        18,
        22,
        "contributors[1] \"Egypt\".requires[0]",
        "a contributor cannot require arrived() of itself (\"Egypt\")",
    );
}

#[test]
fn format_2_reserves_the_words_of_time() {
    // In format 1 `arrived` may name a condition, and a clause reads it.
    let text =
        BASE.replace("[conditions.um]", "[conditions.arrived]") + "requires = [\"arrived\"]\n";
    let s = load(&text);
    assert_eq!(
        (s.format, &s.contributors[1].requires[0].expr),
        (1, &Expr::IsTrue { condition: 1 })
    );
    let declared = text.replace("target = 100\n", "target = 100\nformat = 2\n");
    let e = fail(&declared);
    expect(
        &e,
        9,
        13,
        "conditions.arrived",
        "condition name \"arrived\" is a reserved word in format 2; choose another name (reserved in format 2: arrived, deployed, late, left, declined, vetoed, withdrew)",
    );
    // A file that is format 2 by what it uses says why.
    let text = format!("{}{CHANGE}", BASE.replace("\"partial\"", "\"declined\""));
    let e = fail(&text);
    expect(
        &e,
        6,
        19,
        "conditions.cf.states[1]",
        "state name \"declined\" is a reserved word in format 2 (the file is format 2: `changes` of condition cf at line 18)",
    );
    for word in ["late", "left", "vetoed", "withdrew", "deployed"] {
        let e = fail(&format!(
            "{}{CHANGE}",
            BASE.replace("conditions.um]", &format!("conditions.{word}]"))
        ));
        assert_eq!(
            (e.line, e.key_path.clone()),
            (8, format!("conditions.{word}")),
            "{e}"
        );
    }
    // Contributors may carry those names.
    let s = load(&format!(
        "{}{CHANGE}",
        BASE.replace("\"Egypt\"", "\"late\"")
    ));
    assert_eq!(s.contributors[1].name, "late");
}

#[test]
fn overrides_reach_changes_by_number_and_on_unmet() {
    let two =
        format!("{BASE}{CHANGE}[[conditions.cf.changes]]\nto = \"none\"\np = 0.5\nmonth = 6\n");
    let s = load_with(
        &two,
        &[
            "conditions.cf.changes.1.month=4",
            "conditions.cf.changes.2.p=0.25",
            "conditions.cf.changes.2.lasts={ dist = \"uniform\", min = 1, max = 3 }",
            "contributors.Egypt.on_unmet=suspend",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let [first, second] = &s.conditions[0].changes[..] else {
        panic!("two changes")
    };
    assert_eq!((first.month.clone(), first.to), (Dist::Fixed(4.0), 2));
    assert_eq!(second.p, Prob::Fixed(0.25));
    assert_eq!(second.lasts, Some(Dist::Uniform { min: 1.0, max: 3.0 }));
    assert_eq!(s.contributors[1].on_unmet, OnUnmet::Suspend);

    let s = load_with(
        &two,
        &["conditions.cf.changes.2={ to = \"partial\", month = 9 }"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.conditions[0].changes[1],
        Change {
            to: 1,
            p: Prob::Fixed(1.0),
            month: Dist::Fixed(9.0),
            lasts: None
        }
    );
    let s = load_with(BASE, &["conditions.um.changes=[{ to = true, month = 1 }]"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.format, s.conditions[1].changes.len()), (2, 1));

    for (set, fragment) in [
        (
            "conditions.cf.changes.0.month=1",
            "`conditions.cf.changes` is an array of 2: name an element by its number, from 1 to 2 (`conditions.cf.changes.1` is the first)",
        ),
        ("conditions.cf.changes.3.month=1", "from 1 to 2"),
        ("conditions.cf.changes.first.month=1", "from 1 to 2"),
        (
            "conditions.cf.changes.1.month.max=1",
            "cannot set `max` inside `conditions.cf.changes.1.month`: it is an integer 2",
        ),
    ] {
        let e = load_with(&two, &[set]).unwrap_err();
        assert_eq!(
            (e.file.clone(), e.line, e.column),
            (format!("--set {set}"), 1, 1),
            "{e}"
        );
        assert!(e.message.contains(fragment), "{set}: {e}");
    }
    // A bad value is located in the override, under the loader's key path.
    let set = "conditions.cf.changes.1.lasts=-3";
    let e = load_with(&two, &[set]).unwrap_err();
    assert_eq!(
        (e.file.as_str(), e.line, e.column, e.key_path.as_str()),
        (
            "--set conditions.cf.changes.1.lasts=-3",
            1,
            1,
            "conditions.cf.changes[0].lasts"
        ),
        "{e}"
    );
    let e = load_with(BASE, &["contributors.Egypt.on_unmet=suspnd"]).unwrap_err();
    assert!(e.message.contains("did you mean \"suspend\"?"), "{e}");
    let e = load_with(&format_1(""), &["contributors.Egypt.on_unmet=stay"]).unwrap_err();
    assert!(e.message.contains("needs format 2"), "{e}");
}

#[test]
fn check_describes_time() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("time.toml"), TIME).unwrap();
    let out = ok_in(dir.path(), &["check", "time.toml"]);
    for line in [
        "  format 2 (time): decisions at month 0, at each start and end of a change that happens and at each arrival, up to the horizon (month 24)\n",
        "    ceasefire: none 0.25, partial 0.55, full 0.2 at month 0\n",
        "      change 1 to full: p given un_mandate: true 0.6, false 0.3; month pert 1..5..18; lasts uniform 2..6\n",
        "      change 1 to true: p 0.3; month uniform 0..12; lasts triangular 1..3..12\n",
        "    Indonesia advance team: p_join given ceasefire: none (0), partial (given un_mandate: true 0.5, false 0.2), full (0.8); troops 1000\n",
        "      on_unmet: suspend (out while it would not join; may join again at a later decision time)\n",
        "    Indonesia main body: p_join 0.9; troops given un_mandate: true (pert 5000..8000..20000), false (1000)\n",
        "      on_unmet: withdraw (leaves for good the first time it would not join)\n",
        "      requires: deployed >= 5000; not regional_war\n",
    ] {
        assert!(out.contains(line), "lacks {line:?}:\n{out}");
    }
    assert!(!out.contains("on_unmet: stay"), "{out}");
    std::fs::write(dir.path().join("plain.toml"), BASE).unwrap();
    let out = ok_in(dir.path(), &["check", "plain.toml"]);
    assert!(
        out.contains("\n  format 1: one negotiation at month 0\n"),
        "{out}"
    );
    assert!(!out.contains("change 1"), "{out}");
}

#[test]
fn sensitivity_moves_changes_written_in_the_file() {
    use muster::whatif::inputs::{Written, inputs};
    use muster::whatif::paths::{Kind, kind};
    let text = format!(
        "{BASE}{CHANGE}[[conditions.um.changes]]\nto = true\np = {{ given = \"cf\", none = 0.1, partial = 0.2, full = 0.3 }}\nmonth = {{ dist = \"uniform\", min = 1, max = 5 }}\nlasts = 2\n"
    );
    let s = load(&text);
    let names = |sets: &[String]| -> Vec<String> {
        let (all, _) = inputs(&s, &Written::new(&text, sets), 0.1);
        all.into_iter()
            .map(|i| i.name)
            .filter(|n| n.contains("changes"))
            .collect()
    };
    assert_eq!(
        names(&[]),
        [
            "conditions.cf.changes.1.month",
            "conditions.um.changes.1.p.none",
            "conditions.um.changes.1.p.partial",
            "conditions.um.changes.1.p.full",
            "conditions.um.changes.1.month",
            "conditions.um.changes.1.lasts",
        ]
    );
    // A `p` written by an override is moved too.
    let with_p = names(&["conditions.cf.changes.1.p=1".to_string()]);
    assert_eq!(with_p[0], "conditions.cf.changes.1.p");
    let (all, _) = inputs(&s, &Written::new(&text, &[]), 0.1);
    let month = all
        .iter()
        .find(|i| i.name == "conditions.um.changes.1.month")
        .unwrap();
    assert_eq!(
        month.low.set.as_deref(),
        Some("conditions.um.changes.1.month={ dist = \"uniform\", min = 0.8, max = 4 }")
    );
    // Every variant loads.
    for i in &all {
        for set in [&i.low.set, &i.high.set].into_iter().flatten() {
            load_with(&text, &[set]).unwrap_or_else(|e| panic!("{set}: {e}"));
        }
    }
    assert_eq!(
        kind(&s, "conditions.um.changes.1.p.none"),
        Kind::Probability
    );
    assert_eq!(kind(&s, "conditions.um.changes.1.month"), Kind::Real);
}

#[test]
fn the_worked_example_of_the_documentation_loads() {
    let doc = std::fs::read_to_string(crate::util::repo().join("docs/scenario-format.md"))
        .expect("docs/scenario-format.md");
    let after = doc
        .split("### A worked example")
        .nth(1)
        .expect("a worked example");
    let toml = after
        .split("```toml\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .expect("its scenario");
    let s = load(toml);
    assert_eq!((s.format, s.horizon_months), (2, Some(18.0)));
    let on_unmet: Vec<OnUnmet> = s.contributors.iter().map(|c| c.on_unmet).collect();
    assert_eq!(
        on_unmet,
        [
            OnUnmet::Stay,
            OnUnmet::Stay,
            OnUnmet::Suspend,
            OnUnmet::Withdraw
        ]
    );
    assert_eq!(
        s.contributors[1].requires[0].expr,
        Expr::Arrived { contributor: 0 }
    );
    assert!(s.contributors[1].troops.is_given());
    assert_eq!(
        s.contributors[3].requires[0].expr,
        Expr::Deployed {
            op: CmpOp::Ge,
            personnel: 9000
        }
    );
    let changes: Vec<usize> = s.conditions.iter().map(|c| c.changes.len()).collect();
    assert_eq!(changes, [0, 1, 1]);
}
