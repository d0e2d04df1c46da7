//! The outcomes file of a precedent (`NAME.outcomes.toml`): what the force
//! was asked to be, what had been pledged on the day the scenario is
//! written as of, the personnel on record at some months after it (each
//! record with its sources), and what each contributor of that day did.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::scenario::provenance::Reference;
use crate::scenario::{Date, ScenarioError};

/// What a contributor had said by the scenario's `as_of`, strongest first.
pub const STANCES: [&str; 5] = [
    "in_place",
    "committed",
    "offered",
    "considering",
    "declined",
];

/// A precedent's outcomes, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcomes {
    /// Display name.
    pub precedent: String,
    /// Personnel the force was authorised or asked to have (people, > 0).
    pub target: u64,
    /// Personnel pledged or in place on the scenario's `as_of` (people).
    pub pledged: u64,
    /// Sources of `target` and `pledged` (indices into `sources`).
    pub cited: Vec<usize>,
    pub sources: Vec<Reference>,
    /// Records in increasing month order, the first at month 0.
    pub records: Vec<Record>,
    pub contributors: Vec<Contributor>,
}

/// Personnel on record at one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Months after month 0 of the scenario (>= 0).
    pub month: f64,
    /// Personnel in theatre (people).
    pub personnel: u64,
    /// Indices into [`Outcomes::sources`].
    pub sources: Vec<usize>,
    pub note: Option<String>,
}

/// What one contributor of the scenario's day did.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    pub name: String,
    /// One of [`STANCES`]: what it had said by `as_of`.
    pub stance: String,
    /// Whether it put personnel in theatre within the records' span.
    pub deployed: bool,
    /// What it had pledged by `as_of` (people; 0 when no number was given).
    pub pledged: u64,
    pub sources: Vec<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    outcome: RawHeader,
    #[serde(default)]
    sources: Vec<RawSource>,
    records: Vec<RawRecord>,
    #[serde(default)]
    contributors: Vec<RawContributor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    precedent: String,
    target: Spanned<u64>,
    pledged: u64,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: String,
    url: String,
    published: Spanned<Published>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Published {
    Date(toml::value::Datetime),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Int(i64),
    Float(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    month: Spanned<Number>,
    personnel: u64,
    sources: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContributor {
    name: Spanned<String>,
    stance: Spanned<String>,
    deployed: bool,
    #[serde(default)]
    pledged: u64,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

/// `YYYY-MM-DD` as a calendar date.
fn iso_date(t: &str) -> Option<Date> {
    let mut parts = t.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let date = Date {
        year: y.parse().ok()?,
        month: m.parse().ok()?,
        day: d.parse().ok()?,
    };
    ((1..=12).contains(&date.month) && (1..=31).contains(&date.day)).then_some(date)
}

/// Reads and validates an outcomes file.
pub fn load(path: &Path) -> Result<Outcomes, ScenarioError> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: label.clone(),
        line: 1,
        column: 1,
        key_path: String::new(),
        message: format!("cannot read the outcomes file: {e}"),
    })?;
    parse(&text, &label)
}

/// Parses and validates outcomes text; `label` names it in errors.
pub fn parse(text: &str, label: &str) -> Result<Outcomes, ScenarioError> {
    let at = |span: Range<usize>, key: &str, message: String| {
        let (line, column) = crate::scenario::line_col(text, span.start);
        ScenarioError {
            file: label.to_string(),
            line,
            column,
            key_path: key.to_string(),
            message,
        }
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        at(
            e.span().unwrap_or(0..0),
            "",
            format!("invalid outcomes file: {}", e.message().trim()),
        )
    })?;
    let mut sources: Vec<Reference> = Vec::new();
    for (k, s) in raw.sources.into_iter().enumerate() {
        let path = format!("sources[{k}]");
        if sources.iter().any(|r| &r.id == s.id.get_ref()) {
            let id = s.id.get_ref();
            return Err(at(
                s.id.span(),
                &format!("{path}.id"),
                format!("duplicate source id \"{id}\""),
            ));
        }
        let published = match s.published.get_ref() {
            Published::Text(t) if t == "unknown" => None,
            Published::Date(d) => match (d.date, d.time) {
                (Some(d), None) => Some(Date {
                    year: i32::from(d.year),
                    month: u32::from(d.month),
                    day: u32::from(d.day),
                }),
                _ => None,
            }
            .ok_or_else(|| {
                at(
                    s.published.span(),
                    &format!("{path}.published"),
                    "expected a date such as 2006-08-29".into(),
                )
            })
            .map(Some)?,
            Published::Text(t) if iso_date(t).is_some() => iso_date(t),
            Published::Text(t) => {
                return Err(at(
                    s.published.span(),
                    &format!("{path}.published"),
                    format!(
                        "\"{t}\" is not a date; write a date such as 2006-08-29, or \"unknown\""
                    ),
                ));
            }
        };
        sources.push(Reference {
            id: s.id.into_inner(),
            title: s.title,
            url: s.url,
            published,
            note: s.note,
        });
    }
    let cite = |ids: &[Spanned<String>], path: &str| -> Result<Vec<usize>, ScenarioError> {
        ids.iter()
            .enumerate()
            .map(|(k, id)| {
                sources
                    .iter()
                    .position(|s| &s.id == id.get_ref())
                    .ok_or_else(|| {
                        at(
                            id.span(),
                            &format!("{path}[{k}]"),
                            format!("no source has id \"{}\"", id.get_ref()),
                        )
                    })
            })
            .collect()
    };
    let header = raw.outcome;
    if *header.target.get_ref() == 0 {
        return Err(at(
            header.target.span(),
            "outcome.target",
            "the target must be > 0".into(),
        ));
    }
    let cited = cite(&header.sources, "outcome.sources")?;
    let mut records: Vec<Record> = Vec::new();
    for (k, r) in raw.records.iter().enumerate() {
        let path = format!("records[{k}]");
        let month = match r.month.get_ref() {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
        };
        let span = r.month.span();
        if !(month.is_finite() && month >= 0.0) {
            return Err(at(
                span,
                &format!("{path}.month"),
                format!("month {month} must be a number >= 0"),
            ));
        }
        match records.last() {
            None if month != 0.0 => {
                return Err(at(
                    span,
                    &format!("{path}.month"),
                    "the first record must be at month 0 (personnel on the day, often 0)".into(),
                ));
            }
            Some(before) if month <= before.month => {
                return Err(at(
                    span,
                    &format!("{path}.month"),
                    format!(
                        "month {month} is not after the record before it ({}); records must be in increasing month order",
                        before.month
                    ),
                ));
            }
            _ => {}
        }
        if r.sources.get_ref().is_empty() {
            return Err(at(
                r.sources.span(),
                &format!("{path}.sources"),
                "a record needs at least one source".into(),
            ));
        }
        records.push(Record {
            month,
            personnel: r.personnel,
            sources: cite(r.sources.get_ref(), &format!("{path}.sources"))?,
            note: r.note.clone(),
        });
    }
    if records.len() < 2 {
        return Err(at(
            0..0,
            "records",
            "need a record at month 0 and at least one after it".into(),
        ));
    }
    let mut contributors: Vec<Contributor> = Vec::new();
    for (k, c) in raw.contributors.iter().enumerate() {
        let path = format!("contributors[{k}]");
        let stance = c.stance.get_ref();
        if !STANCES.contains(&stance.as_str()) {
            return Err(at(
                c.stance.span(),
                &format!("{path}.stance"),
                format!("unknown stance \"{stance}\"; one of {}", STANCES.join(", ")),
            ));
        }
        if contributors.iter().any(|o| &o.name == c.name.get_ref()) {
            return Err(at(
                c.name.span(),
                &format!("{path}.name"),
                format!("duplicate contributor \"{}\"", c.name.get_ref()),
            ));
        }
        contributors.push(Contributor {
            name: c.name.get_ref().clone(),
            stance: stance.clone(),
            deployed: c.deployed,
            pledged: c.pledged,
            sources: cite(&c.sources, &format!("{path}.sources"))?,
        });
    }
    Ok(Outcomes {
        precedent: header.precedent,
        target: *header.target.get_ref(),
        pledged: header.pledged,
        cited,
        sources,
        records,
        contributors,
    })
}
