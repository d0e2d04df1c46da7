//! The `[conditions]` section: names and states first (so that `given` may
//! point at any condition), then probabilities and changes, then an order in
//! which every condition comes after those its month-0 state depends on.

use std::ops::Range;

use super::changes::changes;
use super::error::ScenarioError;
use super::model::{Condition, Prob, StateProbs};
use super::provenance::KEYS as PROVENANCE_KEYS;
use super::source::{Node, Result, Sources, check_identifier, check_keys, child, entries, table};
use super::trees::{Dep, Scope, prob, state_probs};
use super::values::{CondInfo, state_names};
use super::version::Version;

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
    version: &Version,
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
        let mut allowed = vec!["p", "states", "probs", "changes"];
        allowed.extend(PROVENANCE_KEYS);
        check_keys(src, body, &path, &allowed)?;
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

    let scope = Scope {
        conds: &infos,
        version,
    };
    let mut conditions = Vec::with_capacity(decls.len());
    let mut parents: Vec<Vec<Dep>> = Vec::with_capacity(decls.len());
    for (decl, info) in decls.iter().zip(&infos) {
        let body = table(src, decl.node, &decl.path, "a table")?;
        let (probs, deps, boolean) = if let Some(p) = body.get("p") {
            let (prob, deps) = prob(src, p, &child(&decl.path, "p"), &scope)?;
            (boolean_probs(prob), deps, true)
        } else {
            let node = body.get("probs").ok_or_else(|| {
                src.err(&decl.key_span, &decl.path, "missing required key `probs`")
            })?;
            let (probs, deps) = state_probs(src, node, &child(&decl.path, "probs"), info, &scope)?;
            (probs, deps, false)
        };
        let changes = match body.get_key_value("changes") {
            Some((key, node)) => {
                let path = child(&decl.path, "changes");
                let what = format!("`changes` of condition {}", info.name);
                version.uses_2(src, &key.span(), &path, &what)?;
                changes(src, node, &path, info, boolean, &scope)?
            }
            None => Vec::new(),
        };
        conditions.push(Condition {
            name: info.name.clone(),
            states: info.states.clone(),
            boolean,
            probs,
            changes,
        });
        parents.push(deps);
    }
    let order = order(src, &conditions, &parents)?;
    Ok((conditions, order))
}

/// Parents before children, ties in declaration order; a cycle is an error.
/// A condition's parents are every condition its `p` or `probs` reads.
fn order(src: &Sources<'_>, conditions: &[Condition], parents: &[Vec<Dep>]) -> Result<Vec<usize>> {
    let n = conditions.len();
    let mut placed = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n).find(|&i| {
            !placed[i]
                && parents[i]
                    .iter()
                    .all(|d| placed.get(d.condition).copied().unwrap_or(true))
        });
        match next {
            Some(i) => {
                placed[i] = true;
                order.push(i);
            }
            None => return Err(cycle(src, conditions, parents, &placed)),
        }
    }
    Ok(order)
}

/// The error for conditions that cannot be placed: the cycle among them,
/// named from its first-declared member, at that member's `given`.
fn cycle(
    src: &Sources<'_>,
    conditions: &[Condition],
    parents: &[Vec<Dep>],
    placed: &[bool],
) -> ScenarioError {
    let n = conditions.len();
    // Every unplaced condition reads another unplaced one, so following
    // those from the first of them must loop.
    let waits_on = |i: usize| {
        parents[i]
            .iter()
            .find(|d| !placed.get(d.condition).copied().unwrap_or(true))
    };
    let start = (0..n).find(|&i| !placed[i]).unwrap_or(0);
    let mut seen = vec![usize::MAX; n];
    let mut path = Vec::new();
    let mut at = start;
    while seen.get(at) == Some(&usize::MAX) {
        seen[at] = path.len();
        path.push(at);
        match waits_on(at) {
            Some(d) => at = d.condition,
            None => break,
        }
    }
    let cycle_start = seen.get(at).copied().unwrap_or(0).min(path.len());
    let mut cycle: Vec<usize> = path[cycle_start..].to_vec();
    if let Some(pos) = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| **c)
        .map(|(p, _)| p)
    {
        cycle.rotate_left(pos);
    }
    let first = cycle.first().copied().unwrap_or(start);
    let mut names: Vec<&str> = cycle.iter().map(|&c| conditions[c].name.as_str()).collect();
    names.push(conditions[first].name.as_str());
    let (span, key_path) = match waits_on(first) {
        Some(d) => (d.span.clone(), d.path.clone()),
        None => (0..0, child("conditions", &conditions[first].name)),
    };
    src.err(
        &span,
        &key_path,
        format!(
            "conditions depend on each other in a cycle: {} (through `given`); \
             a condition can only depend on conditions that do not depend on it",
            names.join(" -> ")
        ),
    )
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
