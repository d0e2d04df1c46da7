//! Where a scenario's numbers come from: the `[[sources]]` it cites, the
//! `sources`, `hindsight` and `assumptions` keys of each entry, and the
//! date `[scenario] as_of` it is written as of. A source published after
//! that date (or at an unknown date) may be cited only by an entry marked
//! `hindsight = true`, so the file shows what a forecaster could have known.

use toml::de::{DeTable, DeValue};

use super::load::date;
use super::model::Date;
use super::source::{
    Node, Result, Sources, check_keys, child, entries, require, string, suggest, table, type_error,
};

/// Keys every entry (the scenario, a role, a condition, a change, a
/// contributor) may carry besides its own.
pub(crate) const KEYS: [&str; 3] = ["sources", "hindsight", "assumptions"];

/// Keys of one `[[sources]]` table.
const SOURCE_KEYS: [&str; 5] = ["id", "title", "url", "published", "note"];

/// The most `[[sources]]` a file may declare.
pub const MAX_SOURCES: usize = 1000;

/// The provenance of a scenario's numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    /// `[scenario] as_of`: the date the scenario is written as of.
    pub as_of: Option<Date>,
    /// `[[sources]]` in file order.
    pub sources: Vec<Reference>,
    /// Every entry, in file order: the scenario, roles, conditions (each
    /// followed by its changes), contributors.
    pub entries: Vec<Sourced>,
}

/// One `[[sources]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Short id that entries cite.
    pub id: String,
    pub title: String,
    pub url: String,
    /// Publication date; None when written `published = "unknown"`.
    pub published: Option<Date>,
    /// Free text (what was read, how far it was checked).
    pub note: Option<String>,
}

/// What one entry rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    /// How `muster check` names it: `contributor "Kenya"`, `condition funded`.
    pub label: String,
    /// Indices into [`Provenance::sources`], as cited.
    pub sources: Vec<usize>,
    /// Marked `hindsight = true`: written knowing what came after `as_of`.
    pub hindsight: bool,
    /// Keys of the entry that rest on no source (`assumptions = [..]`).
    pub assumptions: Vec<String>,
    /// Numbers (TOML integers and floats) of the entry resting on a source.
    pub sourced_numbers: usize,
    /// Numbers of the entry that are assumptions: all of them when it
    /// cites no source, else those under the keys of `assumptions`.
    pub assumed_numbers: usize,
}

impl Provenance {
    /// Numbers resting on a source, numbers that are assumptions.
    pub fn counts(&self) -> (usize, usize) {
        self.entries.iter().fold((0, 0), |(s, a), e| {
            (s + e.sourced_numbers, a + e.assumed_numbers)
        })
    }

    /// Sources no entry cites.
    pub fn uncited(&self) -> Vec<&Reference> {
        (0..self.sources.len())
            .filter(|k| !self.entries.iter().any(|e| e.sources.contains(k)))
            .map(|k| &self.sources[k])
            .collect()
    }
}

/// `a` is later than `b`.
pub fn after(a: Date, b: Date) -> bool {
    (a.year, a.month, a.day) > (b.year, b.month, b.day)
}

/// Reads `[[sources]]` and every entry's provenance keys; `as_of` is the
/// scenario's, already read.
pub(crate) fn provenance(
    src: &Sources<'_>,
    root: &DeTable<'_>,
    as_of: Option<Date>,
) -> Result<Provenance> {
    let sources = match root.get("sources") {
        Some(node) => references(src, node)?,
        None => Vec::new(),
    };
    let reader = Reader {
        src,
        sources: &sources,
        as_of,
    };
    let mut out = Vec::new();
    if let Some(node) = root.get("scenario")
        && let DeValue::Table(t) = node.get_ref()
    {
        out.push(reader.entry(t, "scenario", "scenario", &|k| k == "target")?);
    }
    if let Some(node) = root.get("roles")
        && let DeValue::Table(t) = node.get_ref()
    {
        for (key, value) in entries(t) {
            let name: &str = key.get_ref();
            let label = format!("role {name}");
            out.push(match value.get_ref() {
                DeValue::Table(body) => {
                    reader.entry(body, &child("roles", name), &label, &|_| true)?
                }
                _ => unsourced(label, count(value)),
            });
        }
    }
    if let Some(node) = root.get("conditions")
        && let DeValue::Table(t) = node.get_ref()
    {
        for (key, value) in entries(t) {
            let name: &str = key.get_ref();
            let path = child("conditions", name);
            let DeValue::Table(body) = value.get_ref() else {
                continue;
            };
            let label = format!("condition {name}");
            out.push(reader.entry(body, &path, &label, &|k| k != "changes")?);
            if let Some(DeValue::Array(items)) = body.get("changes").map(|n| n.get_ref()) {
                for (k, item) in items.iter().enumerate() {
                    if let DeValue::Table(c) = item.get_ref() {
                        let label = format!("change {} of {name}", k + 1);
                        let at = format!("{}[{k}]", child(&path, "changes"));
                        out.push(reader.entry(c, &at, &label, &|_| true)?);
                    }
                }
            }
        }
    }
    if let Some(DeValue::Array(items)) = root.get("contributors").map(|n| n.get_ref()) {
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(body) = item.get_ref() else {
                continue;
            };
            let name = match body.get("name").map(|n| n.get_ref()) {
                Some(DeValue::String(s)) => s.to_string(),
                _ => String::new(),
            };
            let path = format!("contributors[{i}] {name:?}");
            let label = format!("contributor {name:?}");
            out.push(reader.entry(body, &path, &label, &|_| true)?);
        }
    }
    Ok(Provenance {
        as_of,
        sources,
        entries: out,
    })
}

/// An entry written as a bare number (a role's minimum): an assumption.
fn unsourced(label: String, numbers: usize) -> Sourced {
    Sourced {
        label,
        sources: Vec::new(),
        hindsight: false,
        assumptions: Vec::new(),
        sourced_numbers: 0,
        assumed_numbers: numbers,
    }
}

/// TOML numbers in a value, at any depth.
fn count(node: &Node<'_>) -> usize {
    match node.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => 1,
        DeValue::Array(items) => items.iter().map(count).sum(),
        DeValue::Table(t) => t.iter().map(|(_, v)| count(v)).sum(),
        _ => 0,
    }
}

struct Reader<'a, 'b> {
    src: &'a Sources<'b>,
    sources: &'a [Reference],
    as_of: Option<Date>,
}

impl Reader<'_, '_> {
    /// The provenance of one entry (a table at `path`); `counted` says
    /// which of its keys hold numbers of the model.
    fn entry(
        &self,
        body: &DeTable<'_>,
        path: &str,
        label: &str,
        counted: &dyn Fn(&str) -> bool,
    ) -> Result<Sourced> {
        let src = self.src;
        let hindsight = match body.get("hindsight") {
            Some(n) => match n.get_ref() {
                DeValue::Boolean(b) => *b,
                _ => {
                    return Err(type_error(
                        src,
                        n,
                        &child(path, "hindsight"),
                        "true or false",
                    ));
                }
            },
            None => false,
        };
        let cited = match body.get("sources") {
            Some(n) => self.cited(n, &child(path, "sources"), hindsight)?,
            None => Vec::new(),
        };
        let own: Vec<&str> = entries(body)
            .into_iter()
            .map(|(k, _)| -> &str { k.get_ref() })
            .filter(|k| !KEYS.contains(k))
            .collect();
        let assumptions = match body.get("assumptions") {
            Some(n) => keys(src, n, &child(path, "assumptions"), &own)?,
            None => Vec::new(),
        };
        let (mut sourced, mut assumed) = (0, 0);
        for (key, value) in entries(body) {
            let k: &str = key.get_ref();
            if KEYS.contains(&k) || !counted(k) {
                continue;
            }
            if cited.is_empty() || assumptions.iter().any(|a| a == k) {
                assumed += count(value);
            } else {
                sourced += count(value);
            }
        }
        Ok(Sourced {
            label: label.to_string(),
            sources: cited,
            hindsight,
            assumptions,
            sourced_numbers: sourced,
            assumed_numbers: assumed,
        })
    }

    /// `sources = ["ID", ..]`: declared ids, each available on `as_of`
    /// unless the entry is marked hindsight.
    fn cited(&self, node: &Node<'_>, path: &str, hindsight: bool) -> Result<Vec<usize>> {
        let src = self.src;
        let what = "an array of source ids declared in [[sources]]";
        let DeValue::Array(items) = node.get_ref() else {
            return Err(type_error(src, node, path, what));
        };
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let at = format!("{path}[{k}]");
            let id = string(src, item, &at, "a source id (a string)")?;
            let Some(index) = self.sources.iter().position(|s| s.id == id) else {
                let ids = self.sources.iter().map(|s| s.id.as_str());
                let hint = match suggest(id, ids) {
                    Some(s) => format!("; did you mean \"{s}\"?"),
                    None if self.sources.is_empty() => {
                        "; the file declares no [[sources]]".to_string()
                    }
                    None => String::new(),
                };
                return Err(src.err(
                    &item.span(),
                    &at,
                    format!("no source has id \"{id}\"{hint}"),
                ));
            };
            if out.contains(&index) {
                return Err(src.err(&item.span(), &at, format!("source \"{id}\" is cited twice")));
            }
            if let (Some(as_of), false) = (self.as_of, hindsight) {
                let s = &self.sources[index];
                let late = match s.published {
                    Some(p) if after(p, as_of) => {
                        Some(format!("was published {p}, after as_of {as_of}"))
                    }
                    Some(_) => None,
                    None => Some(format!(
                        "has no known publication date, so it cannot show that it was available on as_of {as_of}"
                    )),
                };
                if let Some(late) = late {
                    return Err(src.err(
                        &item.span(),
                        &at,
                        format!(
                            "source \"{id}\" {late}; cite what was published by then, \
                             or mark the entry hindsight = true"
                        ),
                    ));
                }
            }
            out.push(index);
        }
        Ok(out)
    }
}

/// `assumptions = ["KEY", ..]`: keys the entry has.
fn keys(src: &Sources<'_>, node: &Node<'_>, path: &str, own: &[&str]) -> Result<Vec<String>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(src, node, path, "an array of this entry's keys"));
    };
    let mut out: Vec<String> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let at = format!("{path}[{k}]");
        let key = string(src, item, &at, "a key of this entry (a string)")?;
        if !own.contains(&key) {
            let hint = match suggest(key, own.iter().copied()) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None => format!("; its keys: {}", own.join(", ")),
            };
            return Err(src.err(
                &item.span(),
                &at,
                format!("the entry has no key `{key}`{hint}"),
            ));
        }
        if out.iter().any(|o| o == key) {
            return Err(src.err(&item.span(), &at, format!("`{key}` is listed twice")));
        }
        out.push(key.to_string());
    }
    Ok(out)
}

/// The `[[sources]]` array.
fn references(src: &Sources<'_>, node: &Node<'_>) -> Result<Vec<Reference>> {
    let DeValue::Array(items) = node.get_ref() else {
        return Err(type_error(
            src,
            node,
            "sources",
            "an array of tables ([[sources]])",
        ));
    };
    if let Some(extra) = items.get(MAX_SOURCES) {
        return Err(src.err(
            &extra.span(),
            &format!("sources[{MAX_SOURCES}]"),
            format!("too many sources; a scenario cites at most {MAX_SOURCES}"),
        ));
    }
    let mut out: Vec<Reference> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        let at = format!("sources[{k}]");
        let t = table(src, item, &at, "a table with id, title, url and published")?;
        check_keys(src, t, &at, &SOURCE_KEYS)?;
        let text = |key: &str, what: &str| -> Result<String> {
            let n = require(src, t, &item.span(), &at, key, what)?;
            let s = string(src, n, &child(&at, key), what)?;
            if s.trim().is_empty() || s.chars().any(char::is_control) {
                return Err(src.err(
                    &n.span(),
                    &child(&at, key),
                    format!("`{key}` must be non-empty text on one line"),
                ));
            }
            Ok(s.to_string())
        };
        let id = text("id", "a short id that entries cite")?;
        if out.iter().any(|r| r.id == id) {
            let n = t.get("id").unwrap_or(item);
            return Err(src.err(
                &n.span(),
                &child(&at, "id"),
                format!("duplicate source id \"{id}\"; ids must be unique"),
            ));
        }
        let title = text("title", "the source's title")?;
        let url = text("url", "where to read it")?;
        let published_node = require(
            src,
            t,
            &item.span(),
            &at,
            "published",
            "its publication date, or \"unknown\"",
        )?;
        let published = match published_node.get_ref() {
            DeValue::String(s) if s.as_ref() == "unknown" => None,
            _ => Some(date(src, published_node, &child(&at, "published"))?),
        };
        let note = match t.get("note") {
            Some(n) => {
                Some(string(src, n, &child(&at, "note"), "free text (a string)")?.to_string())
            }
            None => None,
        };
        out.push(Reference {
            id,
            title,
            url,
            published,
            note,
        });
    }
    Ok(out)
}
