//! The `[conditions]` section: names and states first (so that `given` may
//! point at any condition), then probabilities, then an order in which every
//! condition comes after the one it depends on.

use std::ops::Range;

use toml::de::DeValue;

use super::model::{Condition, Prob, StateProbs};
use super::source::{
    Node, Result, Sources, check_identifier, check_keys, child, entries, table, type_error,
};
use super::values::{CondInfo, given, prob, prob_array, state_names};

pub(crate) use crate::limits::{MAX_CONDITIONS, MAX_STATES};

/// A declared condition before its probabilities are read.
struct Decl<'t, 'i> {
    path: String,
    node: &'t Node<'i>,
    key_span: Range<usize>,
}

/// The conditions in declaration order and an evaluation order (parents first).
pub(crate) fn conditions(
    src: &Sources<'_>,
    section: Option<&Node<'_>>,
) -> Result<(Vec<Condition>, Vec<usize>)> {
    let Some(section) = section else {
        return Ok((Vec::new(), Vec::new()));
    };
    let all = table(
        src,
        section,
        "conditions",
        "a table of conditions ([conditions.NAME])",
    )?;
    let mut decls = Vec::new();
    let mut infos = Vec::new();
    for (key, node) in entries(all) {
        let name: &str = key.get_ref();
        let path = child("conditions", name);
        if decls.len() == MAX_CONDITIONS {
            return Err(src.err(
                &key.span(),
                &path,
                format!("too many conditions; a scenario has at most {MAX_CONDITIONS}"),
            ));
        }
        check_identifier(src, &key.span(), &path, "condition name", name, true)?;
        let body = table(
            src,
            node,
            &path,
            "a table with `p` or with `states` and `probs`",
        )?;
        check_keys(src, body, &path, &["p", "states", "probs"])?;
        let states = match (body.get("p"), body.get("states"), body.get("probs")) {
            (Some(_), Some(other), _) | (Some(_), None, Some(other)) => {
                let which = if body.contains_key("states") {
                    "states"
                } else {
                    "probs"
                };
                return Err(src.err(
                    &other.span(),
                    &child(&path, which),
                    "a condition has either `p` (boolean) or `states` and `probs` (categorical), not both",
                ));
            }
            (Some(_), None, None) => vec!["true".to_string(), "false".to_string()],
            (None, Some(states), Some(_)) => {
                state_names(src, states, &child(&path, "states"), MAX_STATES)?
            }
            (None, Some(_), None) => {
                return Err(src.err(
                    &node.span(),
                    &path,
                    "missing required key `probs` (one probability per state, summing to 1)",
                ));
            }
            (None, None, Some(_)) => {
                return Err(src.err(
                    &node.span(),
                    &path,
                    "missing required key `states` (the state names, in order)",
                ));
            }
            (None, None, None) => {
                return Err(src.err(
                    &node.span(),
                    &path,
                    "a condition needs `p` (boolean: true with probability p) or `states` and `probs` (categorical)",
                ));
            }
        };
        infos.push(CondInfo {
            name: name.to_string(),
            states,
        });
        decls.push(Decl {
            path,
            node,
            key_span: key.span(),
        });
    }

    let mut conditions = Vec::with_capacity(decls.len());
    let mut parents: Vec<Option<(usize, Range<usize>)>> = Vec::with_capacity(decls.len());
    for (decl, info) in decls.iter().zip(&infos) {
        let body = table(src, decl.node, &decl.path, "a table")?;
        let (probs, parent, boolean) = if let Some(p) = body.get("p") {
            let (prob, given_span) = prob(src, p, &child(&decl.path, "p"), &infos)?;
            let probs = boolean_probs(prob);
            let parent = match (&probs, given_span) {
                (StateProbs::Given { parent, .. }, Some(span)) => Some((*parent, span)),
                _ => None,
            };
            (probs, parent, true)
        } else {
            let node = body.get("probs").ok_or_else(|| {
                src.err(&decl.key_span, &decl.path, "missing required key `probs`")
            })?;
            let path = child(&decl.path, "probs");
            match node.get_ref() {
                DeValue::Array(_) => (
                    StateProbs::Fixed(prob_array(src, node, &path, info)?),
                    None,
                    false,
                ),
                DeValue::Table(_) => {
                    let g = given(src, node, &path, &infos, |n, p| prob_array(src, n, p, info))?;
                    let probs = StateProbs::Given {
                        parent: g.parent,
                        rows: g.rows,
                    };
                    (probs, Some((g.parent, g.span)), false)
                }
                _ => {
                    return Err(type_error(
                        src,
                        node,
                        &path,
                        "an array of probabilities, one per state, or a table { given = \"CONDITION\", STATE = [..], ... }",
                    ));
                }
            }
        };
        conditions.push(Condition {
            name: info.name.clone(),
            states: info.states.clone(),
            boolean,
            probs,
            changes: Vec::new(),
        });
        parents.push(parent);
    }
    let order = order(src, &conditions, &parents, &decls)?;
    Ok((conditions, order))
}

/// Parents before children, ties in declaration order; a cycle is an error.
fn order(
    src: &Sources<'_>,
    conditions: &[Condition],
    parents: &[Option<(usize, Range<usize>)>],
    decls: &[Decl<'_, '_>],
) -> Result<Vec<usize>> {
    let n = conditions.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n).find(|&i| {
            !placed[i]
                && match &parents[i] {
                    None => true,
                    Some((p, _)) => placed.get(*p).copied().unwrap_or(true),
                }
        });
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => {
                // Every unplaced condition waits on another unplaced one, so
                // following parents from the first of them must loop.
                let start = (0..n).find(|&i| !placed[i]).unwrap_or(0);
                let mut seen = vec![usize::MAX; n];
                let mut path = Vec::new();
                let mut at = start;
                while seen.get(at) == Some(&usize::MAX) {
                    seen[at] = path.len();
                    path.push(at);
                    match &parents[at] {
                        Some((p, _)) => at = *p,
                        None => break,
                    }
                }
                let cycle_start = seen.get(at).copied().unwrap_or(0).min(path.len());
                let mut cycle: Vec<usize> = path[cycle_start..].to_vec();
                // Name the cycle from its first-declared member.
                if let Some(pos) = cycle
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, c)| **c)
                    .map(|(p, _)| p)
                {
                    cycle.rotate_left(pos);
                }
                let first = cycle.first().copied().unwrap_or(start);
                let mut names: Vec<&str> =
                    cycle.iter().map(|&c| conditions[c].name.as_str()).collect();
                names.push(conditions[first].name.as_str());
                let field = if conditions[first].boolean {
                    "p"
                } else {
                    "probs"
                };
                let span = match &parents[first] {
                    Some((_, span)) => span.clone(),
                    None => decls[first].key_span.clone(),
                };
                return Err(src.err(
                    &span,
                    &child(&child(&decls[first].path, field), "given"),
                    format!(
                        "conditions depend on each other in a cycle: {} (through `given`); \
                         a condition can only depend on conditions that do not depend on it",
                        names.join(" -> ")
                    ),
                ));
            }
        }
    }
    Ok(order)
}

/// A boolean condition's `p` as the probabilities of its states (true, false).
fn boolean_probs(prob: Prob) -> StateProbs {
    match prob {
        Prob::Fixed(p) => StateProbs::Fixed(vec![p, 1.0 - p]),
        Prob::Given {
            condition,
            by_state,
        } => StateProbs::Given {
            parent: condition,
            rows: by_state.iter().map(|p| vec![*p, 1.0 - p]).collect(),
        },
        Prob::Nested {
            condition,
            branches,
        } => StateProbs::Nested {
            condition,
            branches: branches.into_iter().map(boolean_probs).collect(),
        },
    }
}
