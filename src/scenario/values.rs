//! Numbers and probability values: integers, finite numbers, probabilities in
//! [0, 1], and one `{ given = "COND", STATE = ... }` table that makes a value
//! depend on a condition.

use std::ops::Range;

use toml::de::DeValue;

use super::source::{
    Node, Result, Sources, check_identifier, child, entries, found, suggest, type_error,
};

/// What the loader knows about a condition before its probabilities are read.
#[derive(Debug, Clone)]
pub(crate) struct CondInfo {
    pub name: String,
    /// `["true", "false"]` for a boolean condition.
    pub states: Vec<String>,
}

/// A value given per state of a parent condition, in the parent's state order.
pub(crate) struct Given<T> {
    pub parent: usize,
    /// Span of the `given = "..."` value.
    pub span: Range<usize>,
    pub rows: Vec<T>,
}

/// A number as messages show it: in exponent form when it is very large
/// or very small, so that `1e308` is not written out in 309 digits.
pub(crate) struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if a >= 1e16 || (a != 0.0 && a < 1e-6) {
            write!(f, "{:e}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// An integer (TOML integers are i64).
pub(crate) fn integer(src: &Sources<'_>, node: &Node<'_>, path: &str, what: &str) -> Result<i64> {
    match node.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| {
            src.err(
                &node.span(),
                path,
                format!("integer {i} is too large; expected {what}"),
            )
        }),
        _ => Err(type_error(src, node, path, what)),
    }
}

/// A finite number; integers are accepted.
pub(crate) fn number(src: &Sources<'_>, node: &Node<'_>, path: &str, what: &str) -> Result<f64> {
    let value = match node.get_ref() {
        DeValue::Integer(_) => integer(src, node, path, what)? as f64,
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .map_err(|_| src.err(&node.span(), path, format!("cannot read {f} as a number")))?,
        _ => return Err(type_error(src, node, path, what)),
    };
    if !value.is_finite() {
        return Err(src.err(
            &node.span(),
            path,
            format!("must be a finite number, found {}", found(node.get_ref())),
        ));
    }
    // -0.0 reads as 0.0, so that it never prints as "-0".
    Ok(value + 0.0)
}

/// A number in [0, 1].
pub(crate) fn probability(src: &Sources<'_>, node: &Node<'_>, path: &str) -> Result<f64> {
    let p = number(src, node, path, "a probability (a number in [0, 1])")?;
    if !(0.0..=1.0).contains(&p) {
        return Err(src.err(
            &node.span(),
            path,
            format!("probability {} is outside [0, 1]", Num(p)),
        ));
    }
    Ok(p)
}

fn state_list(c: &CondInfo) -> String {
    c.states.join(", ")
}

/// Reads `{ given = "COND", STATE = value, ... }` with exactly one entry per
/// state of COND, each read by `entry`.
pub(crate) fn given<T>(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    conds: &[CondInfo],
    mut entry: impl FnMut(&Node<'_>, &str) -> Result<T>,
) -> Result<Given<T>> {
    let DeValue::Table(table) = node.get_ref() else {
        return Err(type_error(
            src,
            node,
            path,
            "a table { given = \"CONDITION\", ... }",
        ));
    };
    let span = node.span();
    let Some(given_node) = table.get("given") else {
        return Err(src.err(
            &span,
            path,
            "a table here must say which condition it depends on: { given = \"CONDITION\", STATE = ..., ... }",
        ));
    };
    let given_path = child(path, "given");
    let name = match given_node.get_ref() {
        DeValue::String(s) => s.as_ref(),
        _ => {
            return Err(type_error(
                src,
                given_node,
                &given_path,
                "the name of a condition (a string)",
            ));
        }
    };
    let Some(parent) = conds.iter().position(|c| c.name == name) else {
        let hint = match suggest(name, conds.iter().map(|c| c.name.as_str())) {
            Some(s) => format!("; did you mean \"{s}\"?"),
            None if conds.is_empty() => "; the file declares no conditions".to_string(),
            None => format!(
                " (conditions: {})",
                conds
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(src.err(
            &given_node.span(),
            &given_path,
            format!("unknown condition \"{name}\"{hint}"),
        ));
    };
    let cond = &conds[parent];
    let mut rows: Vec<Option<T>> = cond.states.iter().map(|_| None).collect();
    for (key, value) in entries(table) {
        let state: &str = key.get_ref();
        if state == "given" {
            continue;
        }
        let entry_path = child(path, state);
        let Some(index) = cond.states.iter().position(|s| s == state) else {
            let hint = match suggest(state, cond.states.iter().map(String::as_str)) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => String::new(),
            };
            return Err(src.err(
                &key.span(),
                &entry_path,
                format!(
                    "`{state}` is not a state of condition {} (states: {}){hint}",
                    cond.name,
                    state_list(cond)
                ),
            ));
        };
        rows[index] = Some(entry(value, &entry_path)?);
    }
    let missing: Vec<&str> = cond
        .states
        .iter()
        .zip(&rows)
        .filter(|(_, r)| r.is_none())
        .map(|(s, _)| s.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(src.err(
            &span,
            path,
            format!(
                "missing {} for state{} {} of condition {}; need one entry per state ({})",
                if missing.len() == 1 {
                    "a value"
                } else {
                    "values"
                },
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                cond.name,
                state_list(cond)
            ),
        ));
    }
    Ok(Given {
        parent,
        span: given_node.span(),
        rows: rows.into_iter().flatten().collect(),
    })
}

/// `probs` of a categorical condition as an array: one probability per
/// state, summing to 1 within 1e-9.
pub(crate) fn prob_array(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    cond: &CondInfo,
) -> Result<Vec<f64>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(
            src,
            node,
            path,
            "an array of probabilities, one per state",
        ));
    };
    if items.len() != cond.states.len() {
        return Err(src.err(
            &node.span(),
            path,
            format!(
                "{} probabilit{} given but condition {} has {} states ({}); need one probability per state",
                items.len(),
                if items.len() == 1 { "y" } else { "ies" },
                cond.name,
                cond.states.len(),
                state_list(cond)
            ),
        ));
    }
    let mut probs = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        probs.push(probability(src, item, &format!("{path}[{i}]"))?);
    }
    let sum: f64 = probs.iter().sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(src.err(
            &node.span(),
            path,
            format!("probabilities sum to {sum}, not 1 (tolerance 1e-9)"),
        ));
    }
    Ok(probs)
}

/// Reads a list of state names for a categorical condition.
pub(crate) fn state_names(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    max: usize,
) -> Result<Vec<String>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(src, node, path, "an array of state names"));
    };
    if items.is_empty() {
        return Err(src.err(&node.span(), path, "a condition needs at least one state"));
    }
    if items.len() > max {
        return Err(src.err(
            &node.span(),
            path,
            format!(
                "{} states; a condition has at most {max} states",
                items.len()
            ),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let DeValue::String(name) = item.get_ref() else {
            return Err(type_error(src, item, &item_path, "a state name (a string)"));
        };
        check_identifier(src, &item.span(), &item_path, "state name", name, true)?;
        if names.iter().any(|n| n == name.as_ref()) {
            return Err(src.err(
                &item.span(),
                &item_path,
                format!("duplicate state name \"{name}\"; state names must be unique"),
            ));
        }
        names.push(name.to_string());
    }
    Ok(names)
}
