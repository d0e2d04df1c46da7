//! Property tests of the scenario loader: generated text, mutations of a
//! valid scenario (characters and lines deleted, duplicated, replaced,
//! tokens inserted) and random `--set PATH=VALUE` overrides. The loader must
//! never panic, and must return either a scenario that keeps every promise
//! of the validated types or an error located at a line and column >= 1
//! with a one-line, non-empty message.

use muster::scenario::dist::Dist;
use muster::scenario::{Override, Prob, Scenario, ScenarioError, StateProbs, parse_scenario};
use proptest::prelude::*;
use proptest::sample::{Index, select};

const FILE: &str = "prop.toml";

/// A valid scenario touching every part of the format.
const BASE: &str = r#"[scenario]
name = "Property base"
description = "every section"
format = 1
start = "2025-11-17"
target = 5000
horizon_months = 12
trials = 1000
seed = 7

[conditions.ceasefire]
states = ["none", "partial", "full"]
probs = [0.3, 0.45, 0.25]

[conditions.un_mandate]
p = { given = "ceasefire", none = 0.5, partial = 0.8, full = 0.95 }

[conditions.phase]
states = ["early", "late"]
probs = { given = "un_mandate", true = [0.4, 0.6], false = [0.9, 0.1] }

[roles]
security = 1000
policing = 0

[[contributors]]
name = "Alpha"
p_join = { given = "ceasefire", none = 0.1, partial = 0.6, full = 0.85 }
requires = ["un_mandate", "ceasefire >= partial"]
troops = { dist = "triangular", min = 200, mode = 800, max = 2000 }
delivery = { dist = "uniform", min = 0.5, max = 1.0 }
lead_months = { dist = "pert", min = 2, mode = 4, max = 9 }
roles = ["security", "policing"]
veto = 0.1

[[contributors]]
name = "Beta Force"
p_join = 0.4
requires = "joined(Alpha) or committed >= 1_000"
troops = { dist = "normal", mean = 1500, sd = 300, max = 3000 }
lead_months = { dist = "discrete", values = [1, 6], weights = [2, 1] }
roles = []

[[contributors]]
name = "Gamma"
p_join = 0.9
requires = ["not (phase == late and joined(Beta Force))"]
troops = 700
"#;

/// Fragments worth inserting: TOML syntax, keys, values, clause words.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    ",",
    ".",
    "\"",
    "'",
    "\"\"\"",
    "#",
    "\n",
    " ",
    "\t",
    "\r\n",
    "[scenario]",
    "[roles]",
    "[[contributors]]",
    "[conditions.x]",
    "name",
    "target",
    "trials",
    "seed",
    "states",
    "probs",
    "p",
    "given",
    "p_join",
    "requires",
    "troops",
    "delivery",
    "lead_months",
    "roles",
    "veto",
    "dist",
    "min",
    "mode",
    "max",
    "mean",
    "sd",
    "values",
    "weights",
    "\"uniform\"",
    "\"triangular\"",
    "\"pert\"",
    "\"normal\"",
    "\"discrete\"",
    "0",
    "1",
    "-1",
    "0.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "99999999999999999999",
    "0x10",
    "1_000_000",
    "1979-05-27",
    "true",
    "false",
    "and",
    "or",
    "not",
    "joined(",
    ")",
    "committed",
    ">=",
    "==",
    "!=",
    "Alpha",
    "Beta Force",
    "ceasefire",
    "none",
    "partial",
    "full",
    "un_mandate",
    "é",
    "\u{0}",
    "\u{feff}",
    "\\",
    "\\u0000",
];

#[derive(Debug, Clone)]
enum Edit {
    DeleteChar(Index),
    DuplicateChar(Index),
    ReplaceChar(Index, char),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    InsertToken(Index, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    let replacement = prop_oneof![
        select(vec![
            '=', '"', '[', ']', '{', '}', ',', '.', '#', '\n', ' ', '0', '9', '-', 'x', 'é'
        ]),
        any::<char>(),
    ];
    prop_oneof![
        any::<Index>().prop_map(Edit::DeleteChar),
        any::<Index>().prop_map(Edit::DuplicateChar),
        (any::<Index>(), replacement).prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Edit::SwapLines(i, j)),
        (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| Edit::InsertToken(i, t)),
    ]
}

fn apply(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
    let on_chars = matches!(
        edit,
        Edit::DeleteChar(_) | Edit::DuplicateChar(_) | Edit::ReplaceChar(..)
    );
    if chars.is_empty() && on_chars {
        return String::new();
    }
    match edit {
        Edit::DeleteChar(i) => {
            let k = at(i, chars.len());
            chars[..k].iter().chain(&chars[k + 1..]).collect()
        }
        Edit::DuplicateChar(i) => {
            let k = at(i, chars.len());
            chars[..=k].iter().chain(&chars[k..]).collect()
        }
        Edit::ReplaceChar(i, c) => {
            let mut chars = chars;
            let k = at(i, chars.len());
            chars[k] = *c;
            chars.into_iter().collect()
        }
        Edit::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(at(i, lines.len()));
            }
            lines.concat()
        }
        Edit::DuplicateLine(i) => {
            if !lines.is_empty() {
                let k = at(i, lines.len());
                lines.insert(k, lines[k]);
            }
            lines.concat()
        }
        Edit::SwapLines(i, j) => {
            if !lines.is_empty() {
                let (a, b) = (at(i, lines.len()), at(j, lines.len()));
                lines.swap(a, b);
            }
            lines.concat()
        }
        Edit::InsertToken(i, t) => {
            let k = at(i, chars.len() + 1);
            let mut s: String = chars[..k].iter().collect();
            s.push_str(t);
            s.extend(&chars[k..]);
            s
        }
    }
}

/// Checks an error's location and message; `text` is the file's text.
fn check_error(e: &ScenarioError, text: &str, overrides: &[Override]) -> Result<(), TestCaseError> {
    prop_assert!(e.line >= 1 && e.column >= 1, "unlocated: {e:?}");
    prop_assert!(!e.message.trim().is_empty(), "no message: {e:?}");
    let shown = e.to_string();
    prop_assert!(
        !shown.contains('\n') && !shown.contains('\r'),
        "not one line: {shown:?}"
    );
    if e.file == FILE {
        let lines = text.split('\n').count();
        prop_assert!(e.line <= lines, "line {} of {lines}: {e}", e.line);
        let line = text.split('\n').nth(e.line - 1).unwrap_or("");
        prop_assert!(
            e.column <= line.chars().count() + 1,
            "column {} past the end of line {:?}: {e}",
            e.column,
            line
        );
    } else {
        let o = overrides.iter().find(|o| e.file == o.label());
        prop_assert!(
            o.is_some(),
            "error names neither the file nor an override: {e}"
        );
        prop_assert_eq!(e.line, 1);
        prop_assert!(e.column <= o.unwrap().value.chars().count() + 1, "{e}");
    }
    Ok(())
}

fn check_support(d: &Dist, limit: f64) -> Result<(), TestCaseError> {
    let (lo, hi) = d.support();
    prop_assert!(lo.is_finite() && hi.is_finite(), "{d:?}");
    prop_assert!(0.0 <= lo && lo <= hi && hi <= limit, "{d:?}");
    Ok(())
}

fn check_prob(p: &Prob, s: &Scenario) -> Result<(), TestCaseError> {
    let values = match p {
        Prob::Fixed(v) => vec![*v],
        Prob::Given {
            condition,
            by_state,
        } => {
            prop_assert_eq!(by_state.len(), s.conditions[*condition].states.len());
            by_state.clone()
        }
        Prob::Nested {
            condition,
            branches,
        } => {
            prop_assert_eq!(branches.len(), s.conditions[*condition].states.len());
            for b in branches {
                check_prob(b, s)?;
            }
            Vec::new()
        }
    };
    for v in values {
        prop_assert!((0.0..=1.0).contains(&v), "{p:?}");
    }
    Ok(())
}

/// What a validated scenario promises the engine.
fn check_scenario(s: &Scenario) -> Result<(), TestCaseError> {
    prop_assert!(s.target >= 1 && s.target <= 100_000_000);
    prop_assert!(s.trials >= 1 && s.trials <= 1_000_000_000_000);
    prop_assert!(s.horizon_months.is_none_or(|h| h.is_finite() && h >= 0.0));
    prop_assert!(!s.contributors.is_empty() && s.contributors.len() <= 64);
    prop_assert!(s.conditions.len() <= 64 && s.roles.len() <= 10);
    let mut order = s.condition_order.clone();
    order.sort_unstable();
    prop_assert_eq!(order, (0..s.conditions.len()).collect::<Vec<_>>());
    for c in &s.conditions {
        prop_assert!(!c.states.is_empty() && c.states.len() <= 32);
        let rows = match &c.probs {
            StateProbs::Fixed(p) => vec![p.clone()],
            StateProbs::Given { parent, rows } => {
                prop_assert_eq!(rows.len(), s.conditions[*parent].states.len());
                rows.clone()
            }
            StateProbs::Nested { .. } => Vec::new(),
        };
        for row in rows {
            prop_assert_eq!(row.len(), c.states.len());
            prop_assert!(row.iter().all(|p| (0.0..=1.0).contains(p)), "{row:?}");
            prop_assert!((row.iter().sum::<f64>() - 1.0).abs() <= 1e-9, "{row:?}");
        }
    }
    let mut names: Vec<&str> = Vec::new();
    let mut total = 0.0;
    for c in &s.contributors {
        prop_assert!(!names.contains(&c.name.as_str()), "duplicate {}", c.name);
        names.push(&c.name);
        check_prob(&c.p_join, s)?;
        check_prob(&c.veto, s)?;
        check_support(&c.troops, 1_000_000.0)?;
        check_support(&c.delivery, 10.0)?;
        check_support(&c.lead_months, 1200.0)?;
        total += c.troops.support().1 * c.delivery.support().1;
        prop_assert!(c.roles.iter().all(|&r| r < s.roles.len()));
        for k in &c.requires {
            prop_assert!(k.text.chars().count() <= 1000);
        }
    }
    prop_assert!(total <= 10_000_000.0, "total {total}");
    Ok(())
}

fn check_load(text: &str, overrides: &[Override]) -> Result<(), TestCaseError> {
    match parse_scenario(text, FILE, overrides) {
        Ok(s) => {
            check_scenario(&s)?;
            // Loading is a pure function of its inputs.
            prop_assert_eq!(parse_scenario(text, FILE, overrides).ok(), Some(s));
        }
        Err(e) => check_error(&e, text, overrides)?,
    }
    Ok(())
}

#[test]
fn the_base_scenario_is_valid() {
    let s = parse_scenario(BASE, FILE, &[]).expect("valid");
    assert_eq!(s.contributors.len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_scenarios_load_or_fail_with_a_location(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        let mut text = BASE.to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        check_load(&text, &[])?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_text_loads_or_fails_with_a_location(
        parts in prop::collection::vec(select(TOKENS), 0..80)
    ) {
        check_load(&parts.concat(), &[])?;
    }

    #[test]
    fn arbitrary_text_loads_or_fails_with_a_location(text in any::<String>()) {
        check_load(&text, &[])?;
    }
}

const PATH_PARTS: &[&str] = &[
    "scenario",
    "conditions",
    "roles",
    "contributors",
    "name",
    "target",
    "trials",
    "seed",
    "horizon_months",
    "start",
    "format",
    "ceasefire",
    "un_mandate",
    "phase",
    "states",
    "probs",
    "p",
    "given",
    "none",
    "partial",
    "security",
    "policing",
    "Alpha",
    "\"Beta Force\"",
    "Gamma",
    "Delta",
    "p_join",
    "troops",
    "delivery",
    "lead_months",
    "requires",
    "veto",
    "dist",
    "min",
    "mode",
    "max",
    "mean",
    "sd",
    "values",
    "weights",
    "\"\"",
    "\"a.b\"",
    " ",
    "é",
];

const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.5",
    "1.5",
    "20000",
    "100000001",
    "1_000_001",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999",
    "true",
    "\"text\"",
    "text with spaces",
    "",
    " ",
    "\"",
    "[",
    "[1,",
    "{",
    "{ dist = \"uniform\", min = 1, max = 2 }",
    "{ dist = \"triangular\", min = 3, mode = 2, max = 1 }",
    "{ given = \"ceasefire\", none = 0.1, partial = 0.2, full = 0.3 }",
    "{ given = \"phase\", early = 0.1, late = 0.2 }",
    "[0.5, 0.5]",
    "[0.2, 0.2, 0.6]",
    "[\"a\", \"b\"]",
    "[\"joined(Alpha)\"]",
    "[\"joined(Gamma)\"]",
    "\"ceasefire >= full\"",
    "[\"security\"]",
    "[]",
    "{}",
    "2025-02-30",
    "1979-05-27T07:32:00Z",
    "'''x'''",
    "{ a = { b = { c = 1 } } }",
    "=",
    "a=b",
    "é",
];

/// Paths that mostly lead somewhere: a section, an entity, a key, maybe a
/// parameter; sometimes any parts at all.
fn override_path() -> impl Strategy<Value = String> {
    let keys = || select(PATH_PARTS);
    prop_oneof![
        2 => keys().prop_map(|k| format!("scenario.{k}")),
        2 => (select(&["ceasefire", "un_mandate", "phase", "none"][..]), keys())
            .prop_map(|(c, k)| format!("conditions.{c}.{k}")),
        1 => keys().prop_map(|k| format!("roles.{k}")),
        3 => (select(&["Alpha", "\"Beta Force\"", "Gamma", "Delta"][..]), keys())
            .prop_map(|(c, k)| format!("contributors.{c}.{k}")),
        2 => (select(&["Alpha", "\"Beta Force\"", "Gamma"][..]), keys(), keys())
            .prop_map(|(c, k, p)| format!("contributors.{c}.{k}.{p}")),
        1 => prop::collection::vec(keys(), 1..5).prop_map(|p| p.join(".")),
    ]
}

fn override_arg() -> impl Strategy<Value = String> {
    (
        override_path(),
        prop_oneof![4 => select(VALUES).prop_map(str::to_string), 1 => any::<String>()],
    )
        .prop_map(|(path, value)| format!("{path}={value}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn overrides_apply_or_fail_with_a_location(
        args in prop::collection::vec(
            prop_oneof![9 => override_arg(), 1 => any::<String>()],
            1..4,
        )
    ) {
        let mut overrides = Vec::new();
        for arg in &args {
            match Override::parse(arg) {
                Ok(o) => overrides.push(o),
                Err(e) => {
                    prop_assert!(e.file.starts_with("--set "), "{e}");
                    prop_assert!(e.line >= 1 && e.column >= 1 && !e.message.is_empty(), "{e}");
                    prop_assert!(!e.to_string().contains('\n'), "{e}");
                }
            }
        }
        check_load(BASE, &overrides)?;
    }
}
