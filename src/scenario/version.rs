//! Which format a scenario is: the `[scenario] format` it declares, else the
//! lowest one it needs. Every use of time (format 2) is reported here, so
//! that a file saying `format = 1` is refused at the first one, and so that
//! the uses that make a trial run on time find a horizon.

use std::cell::RefCell;
use std::ops::Range;

use toml::de::DeValue;

use super::source::{Node, Result, Sources, child, entries};

/// Words a condition or state cannot be called in a format-2 file: the
/// clause words of time and the blocker reasons of time.
pub(crate) const RESERVED_IN_2: [&str; 7] = [
    "arrived", "deployed", "late", "left", "declined", "vetoed", "withdrew",
];

/// The first use of format 2 in a file.
struct Use {
    what: String,
    span: Range<usize>,
}

/// The declared format and what the file uses.
pub(crate) struct Version {
    /// `[scenario] format`, when the file (or a `--set`) writes it.
    declared: Option<u8>,
    /// True when `[scenario] horizon_months` is set.
    horizon: bool,
    first: RefCell<Option<Use>>,
}

impl Version {
    pub fn new(declared: Option<u8>, horizon: bool) -> Self {
        Version {
            declared,
            horizon,
            first: RefCell::new(None),
        }
    }

    /// Records a use of format 2, `what` at `span`; refused when the file
    /// says `format = 1`.
    pub fn uses_2(
        &self,
        src: &Sources<'_>,
        span: &Range<usize>,
        path: &str,
        what: &str,
    ) -> Result<()> {
        if self.declared == Some(1) {
            return Err(src.err(
                span,
                path,
                format!(
                    "{what} needs format 2 (time), but [scenario] says format = 1; write format = 2"
                ),
            ));
        }
        self.first.borrow_mut().get_or_insert_with(|| Use {
            what: what.to_string(),
            span: span.clone(),
        });
        Ok(())
    }

    /// Records a use of format 2 that lets a trial change over time, so
    /// that it needs `horizon_months`.
    pub fn uses_time(
        &self,
        src: &Sources<'_>,
        span: &Range<usize>,
        path: &str,
        what: &str,
    ) -> Result<()> {
        self.uses_2(src, span, path, what)?;
        if !self.horizon {
            return Err(src.err(
                span,
                path,
                format!(
                    "{what} needs [scenario] horizon_months: without a horizon a trial need not end"
                ),
            ));
        }
        Ok(())
    }

    /// The format: as declared, else 2 when the file uses anything of it.
    pub fn format(&self) -> u8 {
        match self.declared {
            Some(f) => f,
            None if self.first.borrow().is_some() => 2,
            None => 1,
        }
    }

    /// Refuses condition and state names that format 2 reserves, when the
    /// file is format 2. Reads the `[conditions]` section as written and
    /// passes over anything malformed, which its own validation reports.
    pub fn check_names(&self, src: &Sources<'_>, section: Option<&Node<'_>>) -> Result<()> {
        if self.format() != 2 {
            return Ok(());
        }
        let Some(DeValue::Table(all)) = section.map(|n| n.get_ref()) else {
            return Ok(());
        };
        for (key, node) in entries(all) {
            let path = child("conditions", key.get_ref());
            self.check_name(src, &key.span(), &path, "condition name", key.get_ref())?;
            let DeValue::Table(body) = node.get_ref() else {
                continue;
            };
            let Some(DeValue::Array(states)) = body.get("states").map(|n| n.get_ref()) else {
                continue;
            };
            for (i, item) in states.iter().enumerate() {
                if let DeValue::String(name) = item.get_ref() {
                    let item_path = format!("{}[{i}]", child(&path, "states"));
                    self.check_name(src, &item.span(), &item_path, "state name", name)?;
                }
            }
        }
        Ok(())
    }

    fn check_name(
        &self,
        src: &Sources<'_>,
        span: &Range<usize>,
        path: &str,
        what: &str,
        name: &str,
    ) -> Result<()> {
        if !RESERVED_IN_2.contains(&name) {
            return Ok(());
        }
        let why = match &*self.first.borrow() {
            Some(first) if self.declared.is_none() => {
                let at = src.err(&first.span, "", "");
                let here = src.err(span, "", "");
                let place = if at.file == here.file {
                    format!("line {}", at.line)
                } else {
                    at.file
                };
                format!(" (the file is format 2: {} at {place})", first.what)
            }
            _ => String::new(),
        };
        Err(src.err(
            span,
            path,
            format!(
                "{what} {name:?} is a reserved word in format 2{why}; choose another name \
                 (reserved in format 2: {})",
                RESERVED_IN_2.join(", ")
            ),
        ))
    }
}
