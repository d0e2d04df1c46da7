//! The `[[contributors]]` array: names first (so that `joined(..)` may name
//! any contributor), then each contributor's values, checked against the
//! limit on the largest possible total personnel.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::dist::Dist;
use super::distributions::{DELIVERY, LEAD_MONTHS, Quantity, TROOPS, dist_value, grouped};
use super::model::{Clause, Condition, Contributor, OnUnmet, Prob, Role};
use super::parse_clause::{MAX_CLAUSE_CHARS, parse_with_ground};
use super::source::{
    Node, Result, Sources, check_keys, child, require, string, suggest, table, type_error,
};
use super::trees::{Scope, prob};
use super::values::CondInfo;
use super::version::Version;

pub(crate) use crate::limits::{MAX_CONTRIBUTORS, MAX_TOTAL_PERSONNEL};

/// Its own keys, then those of provenance.
const KEYS: [&str; 12] = [
    "name",
    "p_join",
    "requires",
    "troops",
    "delivery",
    "lead_months",
    "roles",
    "veto",
    "on_unmet",
    "sources",
    "hindsight",
    "assumptions",
];

/// Everything the contributors can refer to.
pub(crate) struct Context<'a> {
    pub conditions: &'a [Condition],
    pub infos: &'a [CondInfo],
    pub roles: &'a [Role],
    pub version: &'a Version,
}

/// Reads and checks every contributor.
pub(crate) fn contributors(
    src: &Sources<'_>,
    root: &DeTable<'_>,
    root_span: &Range<usize>,
    cx: &Context<'_>,
) -> Result<Vec<Contributor>> {
    let Some(node) = root.get("contributors") else {
        return Err(src.err(
            root_span,
            "contributors",
            "missing required section [[contributors]]; a scenario needs at least one contributor",
        ));
    };
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(
            src,
            node,
            "contributors",
            "an array of tables ([[contributors]])",
        ));
    };
    if items.is_empty() {
        return Err(src.err(
            &node.span(),
            "contributors",
            "a scenario needs at least one contributor",
        ));
    }
    if let Some(extra) = items.get(MAX_CONTRIBUTORS) {
        return Err(src.err(
            &extra.span(),
            &format!("contributors[{MAX_CONTRIBUTORS}]"),
            format!(
                "too many contributors ({}); a scenario has at most {MAX_CONTRIBUTORS}",
                items.len()
            ),
        ));
    }

    let mut names: Vec<String> = Vec::with_capacity(items.len());
    let mut name_spans: Vec<Range<usize>> = Vec::with_capacity(items.len());
    let mut bodies = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let base = format!("contributors[{i}]");
        let body = table(src, item, &base, "a table of contributor keys")?;
        let name_node = require(
            src,
            body,
            &item.span(),
            &base,
            "name",
            "the contributor's name, unique in the file",
        )?;
        let name_path = child(&base, "name");
        let name = string(src, name_node, &name_path, "a name (a string)")?;
        check_name(src, name_node, &name_path, name)?;
        if let Some(j) = names.iter().position(|n| n == name) {
            let first = src.err(&name_spans[j], "", "");
            let here = src.err(&name_node.span(), "", "");
            // Name the source of the first when it is not this one's: the
            // file, or the --set override that gave the name.
            let place = if first.file == here.file {
                format!("at line {}", first.line)
            } else if first.file.starts_with("--set ") {
                format!("named by {}", first.file)
            } else {
                format!("at {}:{}", first.file, first.line)
            };
            return Err(src.err(
                &name_node.span(),
                &name_path,
                format!(
                    "duplicate contributor name \"{name}\" (also contributors[{j}] {place}); names must be unique"
                ),
            ));
        }
        let label = format!("contributors[{i}] {name:?}");
        check_keys(src, body, &label, &KEYS)?;
        names.push(name.to_string());
        name_spans.push(name_node.span());
        bodies.push((label, body, item.span()));
    }

    let scope = Scope {
        conds: cx.infos,
        version: cx.version,
    };
    let mut out = Vec::with_capacity(bodies.len());
    let mut total = 0.0;
    for (i, (label, body, span)) in bodies.iter().enumerate() {
        let at = |key: &str| child(label, key);
        let p_join_node = require(
            src,
            body,
            span,
            label,
            "p_join",
            "the probability of being willing",
        )?;
        let (p_join, _) = prob(src, p_join_node, &at("p_join"), &scope)?;
        let veto = match body.get("veto") {
            Some(n) => prob(src, n, &at("veto"), &scope)?.0,
            None => Prob::Fixed(0.0),
        };
        let troops_node = require(
            src,
            body,
            span,
            label,
            "troops",
            "the pledge: a number or a distribution",
        )?;
        let troops = dist_value(src, troops_node, &at("troops"), &TROOPS, &scope)?;
        let optional = |key: &str, default: f64, q: &Quantity| match body.get(key) {
            Some(n) => dist_value(src, n, &at(key), q, &scope),
            None => Ok(Dist::Fixed(default)),
        };
        let delivery = optional("delivery", 1.0, &DELIVERY)?;
        let lead_months = optional("lead_months", 0.0, &LEAD_MONTHS)?;
        let roles = match body.get("roles") {
            Some(n) => role_list(src, n, &at("roles"), cx.roles)?,
            None => (0..cx.roles.len()).collect(),
        };
        let requires = match body.get("requires") {
            Some(n) => clauses(src, n, &at("requires"), cx, &names, i)?,
            None => Vec::new(),
        };
        let on_unmet = match body.get_key_value("on_unmet") {
            Some((key, n)) => on_unmet(src, key.span(), n, &at("on_unmet"), cx.version)?,
            None => OnUnmet::Stay,
        };
        total += troops.support().1 * delivery.support().1;
        if total > MAX_TOTAL_PERSONNEL {
            return Err(src.err(
                &troops_node.span(),
                &at("troops"),
                format!(
                    "the largest possible total personnel (sum over contributors of max troops x max delivery) \
                     reaches {} here, above the limit of {}",
                    grouped(total.round()),
                    grouped(MAX_TOTAL_PERSONNEL)
                ),
            ));
        }
        out.push(Contributor {
            on_unmet,
            name: names[i].clone(),
            p_join,
            veto,
            requires,
            troops,
            delivery,
            lead_months,
            roles,
        });
    }
    Ok(out)
}

fn check_name(src: &Sources<'_>, node: &Node<'_>, path: &str, name: &str) -> Result<()> {
    let problem = if name.trim().is_empty() {
        Some("a contributor name must not be empty")
    } else if name.contains(['(', ')']) {
        Some("a contributor name cannot contain `(` or `)` (clauses write joined(NAME))")
    } else if name.trim() != name {
        Some("a contributor name must not start or end with spaces")
    } else if name.chars().any(char::is_control) {
        Some("a contributor name must not contain control characters such as newlines or tabs")
    } else {
        None
    };
    match problem {
        Some(m) => Err(src.err(&node.span(), path, m)),
        None => Ok(()),
    }
}

const ON_UNMET: [OnUnmet; 3] = [OnUnmet::Stay, OnUnmet::Suspend, OnUnmet::Withdraw];

/// `on_unmet` (format 2): `stay`, `suspend` or `withdraw`.
fn on_unmet(
    src: &Sources<'_>,
    key_span: Range<usize>,
    node: &Node<'_>,
    path: &str,
    version: &Version,
) -> Result<OnUnmet> {
    version.uses_2(src, &key_span, path, "`on_unmet`")?;
    let words: Vec<&str> = ON_UNMET.iter().map(|o| o.word()).collect();
    let what = format!("one of \"{}\"", words.join("\", \""));
    let word = string(src, node, path, &what)?;
    let Some(value) = ON_UNMET.iter().copied().find(|o| o.word() == word) else {
        let hint = match suggest(word, words.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("use {what}"),
        };
        return Err(src.err(
            &node.span(),
            path,
            format!("unknown on_unmet \"{word}\"; {hint}"),
        ));
    };
    if value != OnUnmet::Stay {
        let what = format!("on_unmet = \"{word}\"");
        version.uses_time(src, &node.span(), path, &what)?;
    }
    Ok(value)
}

fn role_list(src: &Sources<'_>, node: &Node<'_>, path: &str, roles: &[Role]) -> Result<Vec<usize>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(src, node, path, "an array of role names"));
    };
    let mut out: Vec<usize> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        let name = string(src, item, &item_path, "a role name (a string)")?;
        let Some(index) = roles.iter().position(|r| r.name == name) else {
            let hint = match suggest(name, roles.iter().map(|r| r.name.as_str())) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None if roles.is_empty() => {
                    "; the file declares no roles (declare them under [roles])".to_string()
                }
                None => format!(
                    " (roles: {})",
                    roles
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            return Err(src.err(
                &item.span(),
                &item_path,
                format!("unknown role \"{name}\"{hint}"),
            ));
        };
        if out.contains(&index) {
            return Err(src.err(
                &item.span(),
                &item_path,
                format!("role \"{name}\" is listed twice"),
            ));
        }
        out.push(index);
    }
    Ok(out)
}

fn clauses(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    cx: &Context<'_>,
    names: &[String],
    self_index: usize,
) -> Result<Vec<Clause>> {
    let what = "an array of clauses, e.g. requires = [\"un_mandate\", \"ceasefire >= partial\"]";
    let items: Vec<(&Node<'_>, String)> = match node.get_ref() {
        DeValue::String(_) => vec![(node, path.to_string())],
        DeValue::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, n)| (n, format!("{path}[{i}]")))
            .collect(),
        _ => return Err(type_error(src, node, path, what)),
    };
    let mut out = Vec::with_capacity(items.len());
    for (item, item_path) in items {
        let text = string(src, item, &item_path, "a clause (a string)")?;
        let length = text.chars().count();
        if length > MAX_CLAUSE_CHARS {
            return Err(src.err(
                &item.span(),
                &item_path,
                format!("clause is {length} characters long; the limit is {MAX_CLAUSE_CHARS}"),
            ));
        }
        let (expr, ground) = parse_with_ground(text, cx.conditions, names, self_index).map_err(
            |(column, message)| {
                let pos = src.char_pos(&item.span(), text, column);
                src.at(pos, &item_path, format!("in clause \"{text}\": {message}"))
            },
        )?;
        if let Some((column, word)) = ground {
            let pos = src.char_pos(&item.span(), text, column);
            let what = format!("`{word}` in clause \"{text}\"");
            cx.version.uses_time(src, &(pos..pos), &item_path, &what)?;
        }
        out.push(Clause {
            text: text.to_string(),
            expr,
        });
    }
    Ok(out)
}
