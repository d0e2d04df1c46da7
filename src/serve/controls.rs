//! The controls of the page: one for every input `muster sensitivity`
//! moves (sliders for probabilities, distribution parameters, the target,
//! role minimums and the horizon; a select of states for categorical
//! conditions), plus a select of `on_unmet` per contributor under format 2
//! and a slider for each leaf of a nested `given` tree, which sensitivity
//! leaves out. Grouped by scenario, roles, condition and contributor, each
//! with the value the file gives and the key path a `--set` names.

use serde::Serialize;

use crate::limits::{MAX_DELIVERY, MAX_MONTHS, MAX_TROOPS};
use crate::scenario::{Prob, Scenario, StateProbs};
use crate::whatif::decimal::tidy;
use crate::whatif::inputs::{Written, inputs};
use crate::whatif::paths::{join, segments};

/// Controls under one heading.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub title: String,
    pub controls: Vec<Control>,
}

/// One control: what it sets and the values it offers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Control {
    /// The key path of the override, e.g. `contributors.Turkey.veto`.
    pub key: String,
    /// What the page calls it, e.g. `veto` or `troops: mode`.
    pub label: String,
    /// `slider`, `select` or `states`.
    pub kind: &'static str,
    /// What the quantity is: probability, people, share, months.
    pub unit: &'static str,
    /// The file's value, as an override would write it.
    pub value: String,
    /// Slider range and step.
    pub min: f64,
    pub max: f64,
    pub step: f64,
    /// The choices of a select, or the states of a categorical condition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The file's probability of each state (`states`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probs: Vec<f64>,
    /// Whether each state may be set alone (`KEY.STATE=P`).
    pub per_state: bool,
}

impl Control {
    fn slider(key: String, label: String, unit: &'static str, value: f64, range: Range) -> Control {
        Control {
            key,
            label,
            kind: "slider",
            unit,
            value: tidy(value),
            min: range.0,
            max: range.1,
            step: range.2,
            options: Vec::new(),
            probs: Vec::new(),
            per_state: false,
        }
    }
}

/// Lowest, highest and step of a slider.
#[derive(Debug, Clone, Copy)]
struct Range(f64, f64, f64);

/// A round step near `span`/200: 1, 2 or 5 times a power of ten.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 200.0).max(1e-9);
    let p = 10f64.powf(raw.log10().floor());
    let m = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|m| m * p >= raw)
        .unwrap_or(10.0);
    m * p
}

/// A slider from `low` up to `high` (rounded up to its step), capped.
fn range(low: f64, high: f64, cap: f64, whole: bool) -> Range {
    let high = high.min(cap);
    let mut step = nice_step(high - low);
    if whole {
        step = step.max(1.0).round();
    }
    Range(low, ((high / step).ceil() * step).min(cap), step)
}

/// What a key's quantity is and the slider it gets, from its largest value.
fn quantity(quantity_key: &str, largest: f64) -> (&'static str, Range) {
    match quantity_key {
        "troops" => (
            "people",
            range(0.0, (2.0 * largest).max(100.0), MAX_TROOPS, true),
        ),
        "delivery" => (
            "share",
            Range(0.0, (1.5 * largest).clamp(1.0, MAX_DELIVERY), 0.01),
        ),
        "target" | "roles" => (
            "people",
            range(0.0, (2.0 * largest).max(1000.0), f64::INFINITY, true),
        ),
        "horizon_months" => (
            "months",
            Range(0.5, (2.0 * largest).clamp(24.0, MAX_MONTHS), 0.5),
        ),
        _ => (
            "months",
            Range(0.0, (2.0 * largest).clamp(12.0, MAX_MONTHS), 0.1),
        ),
    }
}

const PROBABILITY: Range = Range(0.0, 1.0, 0.01);

/// The controls of `s`, whose file reads `text`.
pub fn controls(s: &Scenario, text: &str) -> Vec<Group> {
    let doc: toml::Value = text
        .parse::<toml::Table>()
        .map(toml::Value::Table)
        .unwrap_or(toml::Value::Table(Default::default()));
    let mut groups: Vec<Group> = Vec::new();
    let mut add = |title: String, c: Control| match groups.iter_mut().find(|g| g.title == title) {
        Some(g) => g.controls.push(c),
        None => groups.push(Group {
            title,
            controls: vec![c],
        }),
    };
    let (list, _) = inputs(s, &Written::new(text, &[]), 0.1);
    for input in list {
        let Ok(seg) = segments(&input.name) else {
            continue;
        };
        let Some(value) = lookup(&doc, &seg) else {
            continue;
        };
        let (title, label) = heading(s, &doc, &seg);
        for c in make(s, &input.name, &seg, value, label) {
            add(title.clone(), c);
        }
    }
    for c in &s.contributors {
        if matches!(c.p_join, Prob::Nested { .. }) {
            let seg = ["contributors".to_string(), c.name.clone(), "p_join".into()];
            if let Some(v) = lookup(&doc, &seg) {
                for control in tree_leaves(&seg, v, "p_join") {
                    add(format!("Contributor: {}", c.name), control);
                }
            }
        }
        if s.format >= 2 {
            let options = ["stay", "suspend", "withdraw"].map(String::from).to_vec();
            add(
                format!("Contributor: {}", c.name),
                Control {
                    key: join(&["contributors", &c.name, "on_unmet"]),
                    label: "on_unmet (when its conditions fail)".into(),
                    kind: "select",
                    unit: "",
                    value: c.on_unmet.word().to_string(),
                    min: 0.0,
                    max: 0.0,
                    step: 0.0,
                    options,
                    probs: Vec::new(),
                    per_state: false,
                },
            );
        }
    }
    let rank = |t: &str| match t.split(':').next().unwrap_or("") {
        "Scenario" => 0,
        "Roles" => 1,
        "Condition" => 2,
        _ => 3,
    };
    let order = |t: &str| {
        let name = t.split_once(": ").map_or("", |(_, n)| n);
        s.conditions
            .iter()
            .position(|c| c.name == name)
            .or_else(|| s.contributors.iter().position(|c| c.name == name))
            .unwrap_or(0)
    };
    groups.sort_by_key(|g| (rank(&g.title), order(&g.title)));
    groups
}

/// The value at a key path of the file: contributors by name, changes by
/// number from 1.
fn lookup<'a>(doc: &'a toml::Value, seg: &[String]) -> Option<&'a toml::Value> {
    let mut v = doc;
    let mut i = 0;
    while i < seg.len() {
        v = match v {
            toml::Value::Array(items) if i > 0 && seg[i - 1] == "contributors" => items
                .iter()
                .find(|t| t.get("name").and_then(|n| n.as_str()) == Some(seg[i].as_str()))?,
            toml::Value::Array(items) => {
                items.get(seg[i].parse::<usize>().ok()?.checked_sub(1)?)?
            }
            toml::Value::Table(t) => t.get(&seg[i])?,
            _ => return None,
        };
        i += 1;
    }
    Some(v)
}

/// The group and the label of an input.
fn heading(s: &Scenario, doc: &toml::Value, seg: &[String]) -> (String, String) {
    let given = |upto: usize| {
        lookup(doc, &seg[..upto])
            .and_then(|t| t.get("given"))
            .and_then(|g| g.as_str())
            .map(str::to_string)
    };
    let with_state = |key: &str, upto: usize| match (seg.get(upto), given(upto)) {
        (Some(state), Some(cond)) => format!("{key} | {cond} = {state}"),
        (Some(state), None) => format!("{key}: {state}"),
        _ => key.to_string(),
    };
    match seg {
        [_, key] if seg[0] == "scenario" => ("Scenario".into(), key.clone()),
        [_, role] if seg[0] == "roles" => ("Roles".into(), format!("{role} minimum")),
        [_, name, rest @ ..] if seg[0] == "conditions" => {
            let label = match rest {
                [key, ..] if key != "changes" => with_state(key, 3),
                [_, k, key, ..] => {
                    let to = s
                        .conditions
                        .iter()
                        .find(|c| &c.name == name)
                        .zip(k.parse::<usize>().ok())
                        .and_then(|(c, k)| c.changes.get(k.checked_sub(1)?))
                        .map(|ch| format!(" (to {})", display_state(s, name, ch.to)))
                        .unwrap_or_default();
                    format!("change {k}{to}: {}", with_state(key, 5))
                }
                _ => rest.join("."),
            };
            (format!("Condition: {name}"), label)
        }
        [_, name, key, ..] => (format!("Contributor: {name}"), with_state(key, 3)),
        _ => ("Scenario".into(), seg.join(".")),
    }
}

fn display_state(s: &Scenario, condition: &str, state: u8) -> String {
    s.conditions
        .iter()
        .find(|c| c.name == condition)
        .and_then(|c| c.states.get(state as usize).cloned())
        .unwrap_or_else(|| state.to_string())
}

/// The controls of one input whose value in the file is `value`.
fn make(
    s: &Scenario,
    name: &str,
    seg: &[String],
    value: &toml::Value,
    label: String,
) -> Vec<Control> {
    let num = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let probability = matches!(
        seg.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["conditions", _, "p", ..]
            | ["conditions", _, "changes", _, "p", ..]
            | ["contributors", _, "p_join" | "veto", ..]
    );
    if probability {
        return num(value)
            .map(|v| Control::slider(name.into(), label, "probability", v, PROBABILITY))
            .into_iter()
            .collect();
    }
    if seg.len() >= 3 && seg[0] == "conditions" && seg[2] == "probs" {
        return states(s, name, seg, label).into_iter().collect();
    }
    let quantity_key = match seg {
        [_, key] if seg[0] != "conditions" => {
            if seg[0] == "roles" {
                "roles"
            } else {
                key.as_str()
            }
        }
        _ => seg.last().map_or("", String::as_str),
    };
    match value {
        // A role in its table form, `{ minimum = N, sources = [...] }`.
        toml::Value::Table(t) if seg[0] == "roles" => t
            .get("minimum")
            .and_then(num)
            .map(|x| {
                let (unit, r) = quantity("roles", x);
                Control::slider(format!("{name}.minimum"), label, unit, x, r)
            })
            .into_iter()
            .collect(),
        toml::Value::Table(t) if t.contains_key("dist") => {
            let mut params: Vec<(&String, f64)> = t
                .iter()
                .filter(|(k, _)| k.as_str() != "dist")
                .filter_map(|(k, v)| num(v).map(|x| (k, x)))
                .collect();
            let rank = |k: &str| {
                ["min", "mode", "max", "mean", "sd"]
                    .iter()
                    .position(|p| *p == k)
            };
            params.sort_by_key(|(k, _)| rank(k));
            let largest = params.iter().map(|(_, x)| *x).fold(0.0, f64::max);
            let (unit, r) = quantity(quantity_key, largest);
            params
                .into_iter()
                .map(|(k, x)| {
                    Control::slider(
                        format!("{name}.{}", join(&[k])),
                        format!("{label}: {k}"),
                        unit,
                        x,
                        r,
                    )
                })
                .collect()
        }
        v => num(v)
            .map(|x| {
                let (unit, r) = quantity(quantity_key, x);
                Control::slider(name.into(), label, unit, x, r)
            })
            .into_iter()
            .collect(),
    }
}

/// The control of a categorical condition's probabilities (or of one row
/// of its `given` table).
fn states(s: &Scenario, name: &str, seg: &[String], label: String) -> Option<Control> {
    let c = s.conditions.iter().find(|c| c.name == seg[1])?;
    let (probs, per_state) = match (&c.probs, seg.get(3)) {
        (StateProbs::Fixed(p), None) => (p.clone(), true),
        (StateProbs::Given { parent, rows }, Some(state)) => {
            let j = s.conditions[*parent]
                .states
                .iter()
                .position(|x| x == state)?;
            (rows.get(j)?.clone(), false)
        }
        _ => return None,
    };
    let values: Vec<String> = probs.iter().map(|p| tidy(*p)).collect();
    Some(Control {
        key: name.to_string(),
        label: if seg.len() > 3 {
            label
        } else {
            "state probabilities".into()
        },
        kind: "states",
        unit: "probability",
        value: format!("[{}]", values.join(", ")),
        min: 0.0,
        max: 1.0,
        step: 0.01,
        options: c.states.clone(),
        probs,
        per_state,
    })
}

/// A slider for each leaf of a nested `given` tree of probabilities.
fn tree_leaves(seg: &[String], v: &toml::Value, label: &str) -> Vec<Control> {
    let mut out = Vec::new();
    let Some(t) = v.as_table() else {
        return out;
    };
    let cond = t.get("given").and_then(|g| g.as_str()).unwrap_or("?");
    for (state, child) in t.iter().filter(|(k, _)| k.as_str() != "given") {
        let mut path = seg.to_vec();
        path.push(state.clone());
        let label = format!("{label} | {cond} = {state}");
        match child {
            toml::Value::Table(_) => out.extend(tree_leaves(&path, child, &label)),
            _ => {
                if let Some(x) = child
                    .as_float()
                    .or_else(|| child.as_integer().map(|i| i as f64))
                {
                    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
                    out.push(Control::slider(
                        join(&keys),
                        label,
                        "probability",
                        x,
                        PROBABILITY,
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn gaza() -> Vec<Group> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/gaza_isf_2025-11.toml");
        let (s, bytes) = crate::scenario::load_file(&path, &[]).unwrap();
        controls(&s, std::str::from_utf8(&bytes).unwrap())
    }

    fn find<'a>(groups: &'a [Group], key: &str) -> &'a Control {
        groups
            .iter()
            .flat_map(|g| &g.controls)
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("no control {key}"))
    }

    #[test]
    fn every_kind_of_input_has_its_control() {
        let g = gaza();
        let titles: Vec<&str> = g.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles[..3], ["Scenario", "Roles", "Condition: ceasefire"]);
        assert!(titles.contains(&"Contributor: Indonesia"));
        let veto = find(&g, "contributors.Turkey.veto");
        assert_eq!(
            (veto.kind, veto.value.as_str(), veto.max),
            ("slider", "0.85", 1.0)
        );
        let mode = find(&g, "contributors.Indonesia.troops.mode");
        assert_eq!((mode.unit, mode.value.as_str()), ("people", "20000"));
        assert_eq!(mode.max, 40000.0);
        let egypt = find(&g, "contributors.Egypt.p_join.partial");
        assert_eq!(egypt.label, "p_join | ceasefire = partial");
        let nested = find(&g, "contributors.Indonesia.p_join.false.partial");
        assert_eq!(nested.value, "0.6");
        assert_eq!(
            nested.label,
            "p_join | regional_war = false | ceasefire = partial"
        );
        let on_unmet = find(&g, "contributors.Azerbaijan.on_unmet");
        assert_eq!(
            (on_unmet.kind, on_unmet.value.as_str()),
            ("select", "withdraw")
        );
        let states = find(&g, "conditions.ceasefire.probs");
        assert_eq!(states.options, ["none", "partial", "full"]);
        assert_eq!(states.probs, [0.25, 0.55, 0.2]);
        let month = find(&g, "conditions.ceasefire.changes.1.month.mode");
        assert_eq!(month.label, "change 1 (to full): month: mode");
        assert_eq!(find(&g, "roles.security").unit, "people");
        assert_eq!(find(&g, "scenario.target").value, "20000");
    }

    #[test]
    fn a_role_in_its_table_form_has_its_minimum_moved() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let text = text.replacen("\nsecurity = 5000", "\nsecurity = { minimum = 5000 }", 1);
        let s = crate::scenario::parse_scenario(&text, "t.toml", &[]).unwrap();
        let g = controls(&s, &text);
        let c = find(&g, "roles.security.minimum");
        assert_eq!(
            (c.value.as_str(), c.label.as_str()),
            ("5000", "security minimum")
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(40000.0), 200.0);
        assert_eq!(nice_step(1.0), 0.005);
        assert_eq!(range(0.0, 3000.0, 1e6, true).2, 20.0);
    }
}
