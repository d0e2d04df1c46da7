//! Where each node of the scenario tree came from (the file or one `--set`
//! override) and the small checks every validation step shares: key paths,
//! unknown keys with "did you mean", type errors.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::error::ScenarioError;

pub(crate) type Node<'i> = Spanned<DeValue<'i>>;
pub(crate) type Key<'i> = Spanned<DeString<'i>>;
pub(crate) type Result<T> = std::result::Result<T, ScenarioError>;

/// The text of one override's VALUE, placed after the file in one virtual
/// address space so that a span alone tells where a node came from.
struct Region {
    base: usize,
    label: String,
    text: String,
}

/// The file and the overrides applied to it; turns spans into locations.
pub(crate) struct Sources<'a> {
    label: &'a str,
    text: &'a str,
    regions: Vec<Region>,
}

impl<'a> Sources<'a> {
    pub fn new(label: &'a str, text: &'a str) -> Self {
        Sources {
            label,
            text,
            regions: Vec::new(),
        }
    }

    /// Registers an override VALUE; spans of its nodes start at the returned base.
    pub fn add_region(&mut self, label: String, text: &str) -> usize {
        let base = match self.regions.last() {
            Some(r) => r.base.saturating_add(r.text.len()).saturating_add(1),
            None => self.text.len().saturating_add(1),
        };
        self.regions.push(Region {
            base,
            label,
            text: text.to_string(),
        });
        base
    }

    fn region(&self, pos: usize) -> Option<&Region> {
        self.regions
            .iter()
            .rev()
            .find(|r| r.base <= pos && pos <= r.base.saturating_add(r.text.len()))
    }

    /// An error at byte position `pos` of the virtual address space.
    pub fn at(&self, pos: usize, key_path: &str, message: impl Into<String>) -> ScenarioError {
        let (file, line, column) = match self.region(pos) {
            Some(r) => (r.label.clone(), 1, column_in(&r.text, pos - r.base)),
            None => {
                let (line, column) = line_col(self.text, pos);
                (self.label.to_string(), line, column)
            }
        };
        ScenarioError {
            file,
            line,
            column,
            key_path: one_line(key_path),
            message: one_line(&message.into()),
        }
    }

    /// An error at the start of `span`.
    pub fn err(
        &self,
        span: &Range<usize>,
        key_path: &str,
        message: impl Into<String>,
    ) -> ScenarioError {
        self.at(span.start, key_path, message)
    }

    /// The source text a span covers, if it lies within one source.
    pub fn slice(&self, span: &Range<usize>) -> Option<&str> {
        match self.region(span.start) {
            Some(r) => r
                .text
                .get(span.start - r.base..span.end.checked_sub(r.base)?),
            None => self.text.get(span.clone()),
        }
    }

    /// Position of the character `char_index` of string `value`, whose node
    /// has `span`: exact for strings written without escapes, else the
    /// string's start.
    pub fn char_pos(&self, span: &Range<usize>, value: &str, char_index: usize) -> usize {
        let offset = value
            .char_indices()
            .nth(char_index)
            .map_or(value.len(), |(i, _)| i);
        match self.slice(span) {
            Some(raw) if raw == value => span.start + offset,
            Some(raw)
                if raw.len() == value.len() + 2 && raw.get(1..raw.len() - 1) == Some(value) =>
            {
                span.start + 1 + offset
            }
            _ => span.start,
        }
    }
}

/// Escapes control characters (newlines in quoted user text, terminal
/// escapes) so that an error stays on one line and user text printed on a
/// terminal cannot act on it.
pub(crate) fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn floor_boundary(text: &str, pos: usize) -> usize {
    let mut p = pos.min(text.len());
    while !text.is_char_boundary(p) {
        p -= 1;
    }
    p
}

fn column_in(text: &str, pos: usize) -> usize {
    text[..floor_boundary(text, pos)].chars().count() + 1
}

/// 1-based line and character column of byte `pos` (a leading BOM is not a column).
pub(crate) fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..floor_boundary(text, pos)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut column = before[line_start..].chars().count() + 1;
    if line == 1 && before.starts_with('\u{feff}') {
        column -= 1;
    }
    (line, column)
}

/// `path.key`, quoting keys that are not bare TOML keys.
pub(crate) fn child(path: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

/// What a value is, for "found ..." in type errors.
pub(crate) fn found(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("a string {:?}...", short)
            } else {
                format!("a string {short:?}")
            }
        }
        DeValue::Integer(i) => format!("an integer {i}"),
        DeValue::Float(f) => format!("a float {f}"),
        DeValue::Boolean(b) => format!("a boolean {b}"),
        DeValue::Datetime(d) => format!("a date-time {d}"),
        DeValue::Array(_) => "an array".to_string(),
        DeValue::Table(_) => "a table".to_string(),
    }
}

/// `expected {what}, found ...` at the value.
pub(crate) fn type_error(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    what: &str,
) -> ScenarioError {
    src.err(
        &node.span(),
        path,
        format!("expected {what}, found {}", found(node.get_ref())),
    )
}

/// The closest candidate, when one is close enough to be a likely typo.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let w = word.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let lc = c.to_lowercase();
        let distance = strsim::damerau_levenshtein(&w, &lc);
        let score = strsim::jaro_winkler(&w, &lc);
        let close = distance <= lc.chars().count() / 3 || score >= 0.85;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Entries of a table in the order they were written (overrides last).
pub(crate) fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Node<'i>)> {
    let mut v: Vec<_> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// Rejects keys outside `allowed`, with a hint.
pub(crate) fn check_keys(
    src: &Sources<'_>,
    table: &DeTable<'_>,
    path: &str,
    allowed: &[&str],
) -> Result<()> {
    for (key, _) in entries(table) {
        let name: &str = key.get_ref();
        if !allowed.contains(&name) {
            let hint = match suggest(name, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("allowed keys: {}", allowed.join(", ")),
            };
            return Err(src.err(
                &key.span(),
                &child(path, name),
                format!("unknown key `{name}`; {hint}"),
            ));
        }
    }
    Ok(())
}

/// A required key, or an error at the table naming it.
pub(crate) fn require<'t, 'i>(
    src: &Sources<'_>,
    table: &'t DeTable<'i>,
    table_span: &Range<usize>,
    path: &str,
    key: &str,
    what: &str,
) -> Result<&'t Node<'i>> {
    table.get(key).ok_or_else(|| {
        src.err(
            table_span,
            path,
            format!("missing required key `{key}` ({what})"),
        )
    })
}

/// The value as a table.
pub(crate) fn table<'t, 'i>(
    src: &Sources<'_>,
    node: &'t Node<'i>,
    path: &str,
    what: &str,
) -> Result<&'t DeTable<'i>> {
    match node.get_ref() {
        DeValue::Table(t) => Ok(t),
        _ => Err(type_error(src, node, path, what)),
    }
}

/// The value as a string.
pub(crate) fn string<'t>(
    src: &Sources<'_>,
    node: &'t Node<'_>,
    path: &str,
    what: &str,
) -> Result<&'t str> {
    match node.get_ref() {
        DeValue::String(s) => Ok(s),
        _ => Err(type_error(src, node, path, what)),
    }
}

/// Words a condition or state cannot be called, as clauses use them.
pub(crate) const RESERVED: [&str; 8] = [
    "and",
    "or",
    "not",
    "joined",
    "committed",
    "true",
    "false",
    "given",
];

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks a condition, state or role name.
pub(crate) fn check_identifier(
    src: &Sources<'_>,
    span: &Range<usize>,
    path: &str,
    what: &str,
    name: &str,
    reserved_too: bool,
) -> Result<()> {
    if !is_identifier(name) {
        return Err(src.err(
            span,
            path,
            format!(
                "{what} {name:?} is not an identifier; use letters, digits and `_`, not starting with a digit"
            ),
        ));
    }
    if reserved_too && RESERVED.contains(&name) {
        return Err(src.err(
            span,
            path,
            format!(
                "{what} {name:?} is a reserved word; choose another name (reserved: {})",
                RESERVED.join(", ")
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        let x = text.find("\"x").unwrap();
        assert_eq!(line_col(text, x), (2, 6));
        assert_eq!(line_col("\u{feff}a = 1", 3), (1, 1));
    }

    #[test]
    fn suggestions_are_close_or_absent() {
        let keys = ["name", "target", "horizon_months", "trials", "seed"];
        assert_eq!(suggest("traget", keys), Some("target"));
        assert_eq!(suggest("horizon", keys), Some("horizon_months"));
        assert_eq!(suggest("Seed", keys), Some("seed"));
        assert_eq!(suggest("budget", keys), None);
    }

    #[test]
    fn override_regions_locate_inside_the_value() {
        let mut src = Sources::new("f.toml", "a = 1\n");
        let base = src.add_region("--set x=é[1]".into(), "é[1]");
        let e = src.at(base + 2, "x", "m");
        assert_eq!((e.file.as_str(), e.line, e.column), ("--set x=é[1]", 1, 2));
        let e = src.at(4, "a", "m");
        assert_eq!((e.file.as_str(), e.line, e.column), ("f.toml", 1, 5));
    }
}
