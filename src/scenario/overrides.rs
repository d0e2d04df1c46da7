//! `--set PATH=VALUE` overrides, applied to the parsed file before
//! validation. Nodes that come from an override get spans in that
//! override's region of [`Sources`], so validation errors in them name the
//! override rather than the file.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::ScenarioError;
use super::source::{Node, Result, Sources, child, found, suggest};

/// One `--set PATH=VALUE` from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Key path as in the file; contributors by name, e.g.
    /// `contributors."Saudi Arabia".troops.max`; an element of another
    /// array by its number from 1, e.g. `conditions.ceasefire.changes.1.month`.
    pub path: String,
    /// A TOML value, or bare text taken as a string.
    pub value: String,
}

impl Override {
    /// Splits `PATH=VALUE` at the first `=` outside double quotes.
    pub fn parse(arg: &str) -> std::result::Result<Override, ScenarioError> {
        let fail = |message: &str| ScenarioError {
            file: format!("--set {arg}"),
            line: 1,
            column: 1,
            key_path: String::new(),
            message: message.to_string(),
        };
        let mut quoted = false;
        let mut escaped = false;
        let mut split = None;
        for (i, c) in arg.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '=' if !quoted => {
                    split = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(at) = split else {
            return Err(fail(
                "expected PATH=VALUE, e.g. --set scenario.target=20000 or --set contributors.Egypt.p_join=0.4",
            ));
        };
        let path = arg[..at].trim();
        if path.is_empty() {
            return Err(fail(
                "the key path before `=` is empty; e.g. --set scenario.target=20000",
            ));
        }
        let o = Override {
            path: path.to_string(),
            value: arg[at + 1..].to_string(),
        };
        segments(&o.path).map_err(|m| fail(&m))?;
        Ok(o)
    }

    /// How errors name this override.
    pub fn label(&self) -> String {
        format!("--set {}={}", self.path, self.value)
    }
}

/// Splits a key path at dots outside double quotes; quoted segments lose
/// their quotes, bare ones the spaces around them.
pub fn segments(path: &str) -> std::result::Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = path.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut seg = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some(e) => seg.push(e),
                        None => break,
                    },
                    c => seg.push(c),
                }
            }
            if !closed {
                return Err(format!("unclosed `\"` in key path `{path}`"));
            }
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek().is_some_and(|c| *c != '.') {
                return Err(format!("expected `.` after a quoted key in `{path}`"));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                if c == '"' {
                    return Err(format!(
                        "a `\"` in the middle of a key in `{path}`; quote the whole key"
                    ));
                }
                seg.push(c);
                chars.next();
            }
            seg = seg.trim().to_string();
            if seg.is_empty() {
                return Err(format!("empty key in key path `{path}`"));
            }
        }
        out.push(seg);
        match chars.next() {
            Some('.') => continue,
            _ => return Ok(out),
        }
    }
}

/// Moves every span of a parsed override value into its region.
fn shift(node: Node<'_>, by: usize) -> Node<'_> {
    let span = node.span();
    let value = match node.into_inner() {
        DeValue::Array(items) => DeValue::Array(items.into_iter().map(|v| shift(v, by)).collect()),
        DeValue::Table(table) => {
            let mut moved = DeTable::new();
            for (k, v) in table {
                let ks = k.span();
                moved.insert(
                    Spanned::new(ks.start + by..ks.end + by, k.into_inner()),
                    shift(v, by),
                );
            }
            DeValue::Table(moved)
        }
        other => other,
    };
    Spanned::new(span.start + by..span.end + by, value)
}

/// The VALUE as a node in its region: TOML when it parses, else bare text.
fn value_node<'o>(src: &Sources<'_>, o: &'o Override, base: usize) -> Result<Node<'o>> {
    let lead = o.value.len() - o.value.trim_start().len();
    let text = o.value.trim();
    match DeValue::parse(text) {
        Ok(node) => Ok(shift(node, base + lead)),
        Err(e) if text.starts_with(['[', '{', '"', '\'']) => {
            let at = e.span().map_or(0, |s| s.start);
            Err(src.at(
                base + lead + at,
                &o.path,
                format!("VALUE is not valid TOML: {}", tidy(e.message())),
            ))
        }
        Err(_) => Ok(Spanned::new(
            base + lead..base + lead + text.len(),
            DeValue::String(Cow::Borrowed(text)),
        )),
    }
}

/// A toml message on one line.
pub(crate) fn tidy(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

const SECTIONS: [&str; 4] = ["scenario", "conditions", "roles", "contributors"];

/// Applies the overrides in order.
pub(crate) fn apply<'o>(
    src: &mut Sources<'_>,
    root: &mut DeTable<'o>,
    overrides: &'o [Override],
) -> Result<()> {
    for o in overrides {
        let label = o.label();
        let base = src.add_region(label.clone(), &o.value);
        let fail = |message: String| ScenarioError {
            file: label.clone(),
            line: 1,
            column: 1,
            key_path: o.path.clone(),
            message,
        };
        let segs = segments(&o.path).map_err(&fail)?;
        let value = value_node(src, o, base)?;
        let section = segs.first().map_or("", String::as_str);
        if !SECTIONS.contains(&section) {
            let hint = match suggest(section, SECTIONS) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("paths start with one of {}", SECTIONS.join(", ")),
            };
            return Err(fail(format!("unknown section `{section}`; {hint}")));
        }
        let example = match section {
            "scenario" => "scenario.target=20000",
            "conditions" => "conditions.NAME.p=0.5",
            "roles" => "roles.NAME=1000",
            _ => "contributors.NAME.p_join=0.5",
        };
        if segs.len() < 2 {
            return Err(fail(format!(
                "name a key inside `{section}`, e.g. --set {example}"
            )));
        }
        let Some(node) = root.get_mut(section) else {
            return Err(fail(format!(
                "the file has no `{section}` section to change"
            )));
        };
        let name = &segs[1];
        let kind = found(node.get_ref());
        let (entity, rest, mut path): (&mut Node<'o>, &[String], String) = match section {
            "scenario" => (node, &segs[1..], section.to_string()),
            "contributors" => {
                let DeValue::Array(items) = node.get_mut() else {
                    return Err(fail(format!(
                        "`contributors` in the file is {kind}, not an array of tables, so it cannot be changed here"
                    )));
                };
                let named = |v: &Node<'_>| match v.get_ref() {
                    DeValue::Table(t) => t
                        .get("name")
                        .and_then(|n| n.get_ref().as_str())
                        .map(str::to_string),
                    _ => None,
                };
                let names: Vec<String> = items.iter().filter_map(named).collect();
                let Some(item) = items
                    .iter_mut()
                    .find(|v| named(v).as_deref() == Some(name.as_str()))
                else {
                    return Err(fail(unknown("contributor", name, &names)));
                };
                (item, &segs[2..], child(section, name))
            }
            _ => {
                let what = if section == "roles" {
                    "role"
                } else {
                    "condition"
                };
                let DeValue::Table(t) = node.get_mut() else {
                    return Err(fail(format!(
                        "`{section}` in the file is {kind}, not a table, so it cannot be changed here"
                    )));
                };
                let names: Vec<String> = t.keys().map(|k| k.get_ref().to_string()).collect();
                match t.get_mut(name.as_str()) {
                    Some(v) => (v, &segs[2..], child(section, name)),
                    None => return Err(fail(unknown(what, name, &names))),
                }
            }
        };
        let Some((last, through)) = rest.split_last() else {
            *entity = value;
            continue;
        };
        let mut at = entity;
        for seg in through {
            let kind = found(at.get_ref());
            let next = match at.get_mut() {
                DeValue::Table(t) => match t.get_mut(seg.as_str()) {
                    Some(next) => next,
                    None => {
                        let whole = child(&path, seg);
                        return Err(fail(format!(
                            "`{whole}` is not in the file, so nothing inside it can be changed; set `{whole}` as a whole instead"
                        )));
                    }
                },
                DeValue::Array(items) => element(items, seg, &path).map_err(&fail)?,
                _ => {
                    return Err(fail(format!(
                        "cannot go inside `{path}`: it is {kind}, not a table; set `{path}` as a whole instead"
                    )));
                }
            };
            path = child(&path, seg);
            at = next;
        }
        let kind = found(at.get_ref());
        match at.get_mut() {
            DeValue::Table(t) => match t.get_mut(last.as_str()) {
                Some(slot) => *slot = value,
                None => {
                    t.insert(Spanned::new(base..base, Cow::Owned(last.clone())), value);
                }
            },
            DeValue::Array(items) => *element(items, last, &path).map_err(&fail)? = value,
            _ => {
                return Err(fail(format!(
                    "cannot set `{last}` inside `{path}`: it is {kind}, not a table; set `{path}` as a whole instead"
                )));
            }
        }
    }
    Ok(())
}

/// Element `seg` of the array at `path`, numbered from 1 as changes are.
fn element<'a, 'o>(
    items: &'a mut [Node<'o>],
    seg: &str,
    path: &str,
) -> std::result::Result<&'a mut Node<'o>, String> {
    let n = items.len();
    match seg.parse::<usize>() {
        Ok(k) if (1..=n).contains(&k) => Ok(&mut items[k - 1]),
        _ if n == 0 => Err(format!(
            "`{path}` is an empty array; set `{path}` as a whole instead"
        )),
        _ => Err(format!(
            "`{path}` is an array of {n}: name an element by its number, from 1 to {n} \
             (`{path}.1` is the first), or set `{path}` as a whole"
        )),
    }
}

fn unknown(what: &str, name: &str, names: &[String]) -> String {
    let hint = match suggest(name, names.iter().map(String::as_str)) {
        Some(s) => format!("; did you mean \"{s}\"?"),
        None if names.is_empty() => format!("; the file declares no {what}s"),
        None => format!(
            " ({what}s: {})",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("no {what} named \"{name}\"{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_equals_outside_quotes() {
        let o = Override::parse("contributors.\"A=B\".p_join=0.5").unwrap();
        assert_eq!(o.path, "contributors.\"A=B\".p_join");
        assert_eq!(o.value, "0.5");
        let o = Override::parse("contributors.Egypt.requires=[\"a == b\"]").unwrap();
        assert_eq!(o.value, "[\"a == b\"]");
        assert!(Override::parse("scenario.target").is_err());
        assert!(Override::parse("=3").is_err());
    }

    #[test]
    fn key_paths_allow_quoted_segments() {
        assert_eq!(
            segments("contributors.\"Saudi Arabia\".troops.max").unwrap(),
            ["contributors", "Saudi Arabia", "troops", "max"]
        );
        assert_eq!(segments("a.\"x.y\"").unwrap(), ["a", "x.y"]);
        assert!(segments("a..b").is_err());
        assert!(segments("a.\"b").is_err());
        assert!(segments("a.\"b\"c").is_err());
    }
}
