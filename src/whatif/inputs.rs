//! The inputs a sensitivity analysis moves, each to a low and a high
//! setting written as an override (`PATH=VALUE`), so that every variant is
//! validated and recorded like a `--set`:
//! - probabilities (`p` of boolean conditions, `p_join`, `veto`, and each
//!   entry of a `given` table on its own): value − delta and value + delta,
//!   clamped to [0, 1];
//! - categorical conditions (and each row of a `given` table of `probs`):
//!   delta of probability mass moved to the first and to the last declared
//!   state, taken from the others in proportion to what they hold;
//! - distributions (`troops`, `delivery`, `lead_months`, and a change's
//!   `month` and `lasts`; fixed values too): every location and scale
//!   parameter times 0.8 and times 1.2 (a normal's truncation bounds and a
//!   discrete distribution's weights stay), capped at the loader's limit for
//!   the quantity;
//! - a change's `p` as a probability above (changes named by their number
//!   from 1, `conditions.NAME.changes.K.p`);
//! - the target, each role minimum and the horizon: times 0.8 and 1.2.
//!
//! Only keys the file (or a `--set`) writes are moved: a contributor without
//! `veto`, `delivery` or `lead_months`, or a change without `p`, keeps the
//! default, which is not an uncertain input of the file. `given` trees
//! deeper than one table are not moved. Inputs that cannot move (a role minimum of
//! 0, a fixed lead time of 0) are left out with a note.

use std::collections::{HashMap, HashSet};

use super::decimal::tidy;
use super::paths::{join, segments, with_state};
use crate::scenario::dist::Dist;
use crate::scenario::{Prob, Scenario, StateProbs};

/// Upper limits the loader puts on each distribution's support.
use crate::limits::{
    MAX_DELIVERY as DELIVERY_LIMIT, MAX_MONTHS as LEAD_MONTHS_LIMIT, MAX_MONTHS as HORIZON_LIMIT,
    MAX_MONTHS as CHANGE_MONTHS_LIMIT, MAX_TROOPS as TROOPS_LIMIT,
};

/// One setting of an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Short text for the table and the chart, e.g. `0.5`, `x1.2`, `full +0.1`.
    pub label: String,
    /// The override, `PATH=VALUE`; None when the setting is the base value.
    pub set: Option<String>,
}

/// An input with its two settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The key path, e.g. `contributors.Indonesia.p_join.partial`.
    pub name: String,
    pub low: Setting,
    pub high: Setting,
}

/// Which optional keys the file or the overrides write.
#[derive(Debug, Default)]
pub struct Written {
    contributors: HashMap<String, HashSet<String>>,
    /// Keys of each change, by condition name and number from 1.
    changes: HashMap<(String, usize), HashSet<String>>,
}

impl Written {
    /// From the file's text and the `--set` overrides.
    pub fn new(text: &str, overrides: &[String]) -> Written {
        let mut w = Written::default();
        if let Ok(doc) = text.parse::<toml::Table>() {
            if let Some(toml::Value::Array(items)) = doc.get("contributors") {
                for item in items {
                    if let Some(t) = item.as_table()
                        && let Some(name) = t.get("name").and_then(|n| n.as_str())
                    {
                        w.contributors
                            .entry(name.to_string())
                            .or_default()
                            .extend(t.keys().cloned());
                    }
                }
            }
            if let Some(toml::Value::Table(conditions)) = doc.get("conditions") {
                for (name, c) in conditions {
                    if let Some(changes) = c.get("changes") {
                        w.add_changes(name, changes);
                    }
                }
            }
        }
        for o in overrides {
            let Ok(o) = crate::scenario::Override::parse(o) else {
                continue;
            };
            let Ok(seg) = segments(&o.path) else {
                continue;
            };
            let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
            match seg.as_slice() {
                ["contributors", name, key, ..] => {
                    w.contributors
                        .entry(name.to_string())
                        .or_default()
                        .insert(key.to_string());
                }
                ["conditions", name, "changes", rest @ ..] => {
                    let value = format!("v = {}", o.value).parse::<toml::Table>();
                    let value = value.ok().and_then(|mut t| t.remove("v"));
                    match (rest, value) {
                        ([], Some(v)) => w.add_changes(name, &v),
                        ([k], Some(toml::Value::Table(t))) => {
                            if let Ok(k) = k.parse::<usize>() {
                                w.changes
                                    .entry((name.to_string(), k))
                                    .or_default()
                                    .extend(t.keys().cloned());
                            }
                        }
                        ([k, key, ..], _) => {
                            if let Ok(k) = k.parse::<usize>() {
                                w.changes
                                    .entry((name.to_string(), k))
                                    .or_default()
                                    .insert(key.to_string());
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        w
    }

    /// Records the keys of a condition's `changes` array.
    fn add_changes(&mut self, condition: &str, changes: &toml::Value) {
        let Some(items) = changes.as_array() else {
            return;
        };
        for (k, item) in items.iter().enumerate() {
            if let Some(t) = item.as_table() {
                self.changes
                    .entry((condition.to_string(), k + 1))
                    .or_default()
                    .extend(t.keys().cloned());
            }
        }
    }

    fn has(&self, contributor: &str, key: &str) -> bool {
        self.contributors
            .get(contributor)
            .is_some_and(|keys| keys.contains(key))
    }

    /// Whether change `k` (from 1) of `condition` writes `key`.
    fn change_has(&self, condition: &str, k: usize, key: &str) -> bool {
        self.changes
            .get(&(condition.to_string(), k))
            .is_some_and(|keys| keys.contains(key))
    }
}

/// The inputs of `s` and notes on those left out or capped.
pub fn inputs(s: &Scenario, written: &Written, delta: f64) -> (Vec<Input>, Vec<String>) {
    let mut b = Builder {
        delta,
        inputs: Vec::new(),
        notes: Vec::new(),
    };
    b.whole(
        &["scenario", "target"],
        s.target as f64,
        true,
        f64::INFINITY,
    );
    if let Some(h) = s.horizon_months {
        b.whole(&["scenario", "horizon_months"], h, false, HORIZON_LIMIT);
    }
    for c in &s.conditions {
        match (&c.probs, c.boolean) {
            (StateProbs::Fixed(p), true) => b.probability(&["conditions", &c.name, "p"], p[0]),
            (StateProbs::Given { parent, rows }, true) => {
                for (state, row) in s.conditions[*parent].states.iter().zip(rows) {
                    b.probability(&["conditions", &c.name, "p", state], row[0]);
                }
            }
            (StateProbs::Fixed(p), false) => {
                b.categorical(&["conditions", &c.name, "probs"], &c.states, p)
            }
            (StateProbs::Given { parent, rows }, false) => {
                for (state, row) in s.conditions[*parent].states.iter().zip(rows) {
                    b.categorical(&["conditions", &c.name, "probs", state], &c.states, row);
                }
            }
            // Decision trees are not moved (their leaves are many).
            (StateProbs::Nested { .. }, _) => {}
        }
        for (k, change) in c.changes.iter().enumerate() {
            let number = (k + 1).to_string();
            let at = |key: &'static str| ["conditions", c.name.as_str(), "changes", &number, key];
            if written.change_has(&c.name, k + 1, "p") {
                b.prob_value(s, &at("p"), &change.p);
            }
            b.dist(&at("month"), &change.month, CHANGE_MONTHS_LIMIT);
            if let Some(lasts) = &change.lasts {
                b.dist(&at("lasts"), lasts, CHANGE_MONTHS_LIMIT);
            }
        }
    }
    for r in &s.roles {
        b.whole(&["roles", &r.name], r.minimum as f64, true, f64::INFINITY);
    }
    for c in &s.contributors {
        let n = c.name.as_str();
        b.prob_value(s, &["contributors", n, "p_join"], &c.p_join);
        if written.has(n, "veto") {
            b.prob_value(s, &["contributors", n, "veto"], &c.veto);
        }
        b.dist(&["contributors", n, "troops"], &c.troops, TROOPS_LIMIT);
        if written.has(n, "delivery") {
            b.dist(
                &["contributors", n, "delivery"],
                &c.delivery,
                DELIVERY_LIMIT,
            );
        }
        if written.has(n, "lead_months") {
            b.dist(
                &["contributors", n, "lead_months"],
                &c.lead_months,
                LEAD_MONTHS_LIMIT,
            );
        }
    }
    (b.inputs, b.notes)
}

struct Builder {
    delta: f64,
    inputs: Vec<Input>,
    notes: Vec<String>,
}

impl Builder {
    fn push(&mut self, keys: &[&str], low: Setting, high: Setting) {
        let name = join(keys);
        if low.set.is_none() && high.set.is_none() {
            self.notes.push(format!(
                "{name}: left out, it does not change at 0.8 or 1.2 times its value"
            ));
            return;
        }
        self.inputs.push(Input { name, low, high });
    }

    /// A setting that overrides `keys` with `value` unless it equals `base`.
    fn setting(keys: &[&str], label: String, value: String, same: bool) -> Setting {
        Setting {
            label,
            set: (!same).then(|| format!("{}={value}", join(keys))),
        }
    }

    fn probability(&mut self, keys: &[&str], p: f64) {
        let low = tidy((p - self.delta).max(0.0));
        let high = tidy((p + self.delta).min(1.0));
        let base = tidy(p);
        let l = Self::setting(keys, low.clone(), low.clone(), low == base);
        let h = Self::setting(keys, high.clone(), high.clone(), high == base);
        self.push(keys, l, h);
    }

    fn prob_value(&mut self, s: &Scenario, keys: &[&str], p: &Prob) {
        match p {
            Prob::Fixed(v) => self.probability(keys, *v),
            Prob::Given {
                condition,
                by_state,
            } => {
                for (state, v) in s.conditions[*condition].states.iter().zip(by_state) {
                    let mut k = keys.to_vec();
                    k.push(state);
                    self.probability(&k, *v);
                }
            }
            // Decision trees are not moved (their leaves are many).
            Prob::Nested { .. } => {}
        }
    }

    fn categorical(&mut self, keys: &[&str], states: &[String], probs: &[f64]) {
        let side = |j: usize| {
            let moved = self.delta.min(1.0 - probs[j]).max(0.0);
            let label = format!("{} +{}", states[j], tidy(moved));
            match with_state(probs, j, tidy(probs[j] + moved).parse().unwrap_or(1.0)) {
                Some(new) if moved > 0.0 => {
                    let values: Vec<String> = new.iter().map(|p| tidy(*p)).collect();
                    Self::setting(keys, label, format!("[{}]", values.join(", ")), false)
                }
                _ => Self::setting(keys, format!("{} +0", states[j]), String::new(), true),
            }
        };
        let low = side(0);
        let high = side(probs.len() - 1);
        self.push(keys, low, high);
    }

    fn whole(&mut self, keys: &[&str], v: f64, integer: bool, limit: f64) {
        let scaled = |f: f64| {
            let x = (v * f / 10.0).min(limit);
            if integer {
                let r = x.round().max(if keys[0] == "scenario" { 1.0 } else { 0.0 });
                format!("{r}")
            } else {
                tidy(x)
            }
        };
        let base = if integer { format!("{v}") } else { tidy(v) };
        let (low, high) = (scaled(8.0), scaled(12.0));
        let l = Self::setting(keys, low.clone(), low.clone(), low == base);
        let h = Self::setting(keys, high.clone(), high.clone(), high == base);
        self.push(keys, l, h);
    }

    fn dist(&mut self, keys: &[&str], d: &Dist, limit: f64) {
        // Decision trees are not moved (their leaves are many).
        if d.is_given() {
            return;
        }
        let base = dist_toml(d, 10.0, limit).0;
        let mut side = |f: f64, label: &str| {
            let (text, capped) = dist_toml(d, f, limit);
            if capped {
                self.notes.push(format!(
                    "{}: at {label} a parameter passes the limit of {limit} and is capped there",
                    join(keys)
                ));
            }
            let label = if capped {
                format!("{label} (capped)")
            } else {
                label.to_string()
            };
            let same = text == base;
            Self::setting(keys, label, text, same)
        };
        let low = side(8.0, "x0.8");
        let high = side(12.0, "x1.2");
        self.push(keys, low, high);
    }
}

/// A distribution with its location and scale parameters times `tenths`/10,
/// as a TOML value, and whether a parameter was capped at `limit`.
pub fn dist_toml(d: &Dist, tenths: f64, limit: f64) -> (String, bool) {
    let mut capped = false;
    let mut scale = |x: f64| {
        let y = x * tenths / 10.0;
        if y > limit {
            capped = true;
        }
        tidy(y.min(limit))
    };
    let text = match d {
        Dist::Fixed(v) => scale(*v),
        Dist::Uniform { min, max } => format!(
            "{{ dist = \"uniform\", min = {}, max = {} }}",
            scale(*min),
            scale(*max)
        ),
        Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
            let kind = if matches!(d, Dist::Pert { .. }) {
                "pert"
            } else {
                "triangular"
            };
            format!(
                "{{ dist = \"{kind}\", min = {}, mode = {}, max = {} }}",
                scale(*min),
                scale(*mode),
                scale(*max)
            )
        }
        Dist::Normal { mean, sd, min, max } => {
            let bounds = if max.is_finite() {
                format!("min = {}, max = {}", tidy(*min), tidy(*max))
            } else {
                format!("min = {}", tidy(*min))
            };
            format!(
                "{{ dist = \"normal\", mean = {}, sd = {}, {bounds} }}",
                scale(*mean),
                scale(*sd)
            )
        }
        Dist::Given { .. } => unreachable!("trees are not moved"),
        Dist::Discrete { values, weights } => {
            let v: Vec<String> = values.iter().map(|x| scale(*x)).collect();
            let w: Vec<String> = weights.iter().map(|x| tidy(*x)).collect();
            format!(
                "{{ dist = \"discrete\", values = [{}], weights = [{}] }}",
                v.join(", "),
                w.join(", ")
            )
        }
    };
    (text, capped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_scale_without_noise() {
        let d = Dist::Pert {
            min: 2000.0,
            mode: 8000.0,
            max: 20000.0,
        };
        assert_eq!(
            dist_toml(&d, 8.0, TROOPS_LIMIT).0,
            "{ dist = \"pert\", min = 1600, mode = 6400, max = 16000 }"
        );
        let d = Dist::Uniform { min: 5.0, max: 9.0 };
        let (text, capped) = dist_toml(&d, 12.0, DELIVERY_LIMIT);
        assert_eq!(text, "{ dist = \"uniform\", min = 6, max = 10 }");
        assert!(capped);
        assert_eq!(dist_toml(&Dist::Fixed(0.3), 12.0, 10.0).0, "0.36");
    }
}
