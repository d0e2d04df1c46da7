//! A condition's changes (format 2): `[[conditions.NAME.changes]]` tables,
//! each a state the condition changes to, the chance that it happens, when
//! it starts and how long it lasts. Their `given` reads month-0 states and
//! takes no part in the order of the conditions.

use toml::de::DeValue;

use super::distributions::{LASTS, MONTH, dist_value};
use super::model::{Change, Prob};
use super::source::{
    Node, Result, Sources, check_keys, child, require, suggest, table, type_error,
};
use super::trees::{Scope, prob};
use super::values::CondInfo;

pub(crate) use crate::limits::MAX_CHANGES;

/// Its own keys, then those of provenance.
const KEYS: [&str; 7] = [
    "to",
    "p",
    "month",
    "lasts",
    "sources",
    "hindsight",
    "assumptions",
];

/// Reads `changes` of condition `cond` at `path` (`conditions.NAME.changes`).
pub(crate) fn changes(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    cond: &CondInfo,
    boolean: bool,
    scope: &Scope<'_>,
) -> Result<Vec<Change>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(
            src,
            node,
            path,
            "an array of tables ([[conditions.NAME.changes]])",
        ));
    };
    if let Some(extra) = items.get(MAX_CHANGES) {
        return Err(src.err(
            &extra.span(),
            &format!("{path}[{MAX_CHANGES}]"),
            format!(
                "too many changes of condition {} ({}); a condition has at most {MAX_CHANGES}",
                cond.name,
                items.len()
            ),
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let at = format!("{path}[{k}]");
        let body = table(
            src,
            item,
            &at,
            "a table with `to`, `month` and optionally `p`, `lasts`",
        )?;
        check_keys(src, body, &at, &KEYS)?;
        scope.version.uses_time(
            src,
            &item.span(),
            &at,
            &format!("a change of condition {}", cond.name),
        )?;
        let to_node = require(
            src,
            body,
            &item.span(),
            &at,
            "to",
            "the state it changes to",
        )?;
        let to = state(src, to_node, &child(&at, "to"), cond, boolean)?;
        let p = match body.get("p") {
            Some(n) => prob(src, n, &child(&at, "p"), scope)?.0,
            None => Prob::Fixed(1.0),
        };
        let month_node = require(
            src,
            body,
            &item.span(),
            &at,
            "month",
            "when it starts, in months from month 0",
        )?;
        let month = dist_value(src, month_node, &child(&at, "month"), &MONTH, scope)?;
        let lasts = match body.get("lasts") {
            Some(n) => Some(dist_value(src, n, &child(&at, "lasts"), &LASTS, scope)?),
            None => None,
        };
        out.push(Change {
            to,
            p,
            month,
            lasts,
        });
    }
    Ok(out)
}

/// `to`: a state of the condition; for a boolean one `true` or `false`,
/// as a TOML boolean or a string.
fn state(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    cond: &CondInfo,
    boolean: bool,
) -> Result<u8> {
    let states = cond.states.join(", ");
    let name: &str = match node.get_ref() {
        DeValue::Boolean(b) if boolean => {
            if *b {
                "true"
            } else {
                "false"
            }
        }
        DeValue::String(s) => s,
        _ if boolean => {
            return Err(type_error(src, node, path, "true or false"));
        }
        _ => {
            return Err(type_error(
                src,
                node,
                path,
                &format!("a state of {} (a string: {states})", cond.name),
            ));
        }
    };
    match cond.states.iter().position(|s| s == name) {
        Some(i) => Ok(i as u8),
        None => {
            let hint = match suggest(name, cond.states.iter().map(String::as_str)) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None => String::new(),
            };
            Err(src.err(
                &node.span(),
                path,
                format!(
                    "unknown state \"{name}\" of condition {} (states: {states}){hint}",
                    cond.name
                ),
            ))
        }
    }
}
