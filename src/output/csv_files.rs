//! Writes result tables as tidy CSV files.

use crate::stats::results::{Cell, Table};
use anyhow::{Context, Result};
use std::borrow::Cow;
use std::path::Path;

/// A text cell made safe to open in a spreadsheet: text that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a number, is
/// read as a formula there, so it gets a leading `'` (as OWASP advises and
/// defusedcsv does). Numbers, negative ones included, are left as they are.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Renders one table as CSV text.
pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&table.header)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| match c {
            Cell::Text(t) => neutralise(t).into_owned(),
            other => other.text(),
        }))?;
    }
    w.into_inner().context("writing CSV")
}

/// Writes every table into `dir`; returns the file names.
pub fn write_tables(dir: &Path, tables: &[Table]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for t in tables {
        let path = dir.join(t.file);
        std::fs::write(&path, to_csv(t)?).with_context(|| format!("writing {}", path.display()))?;
        names.push(t.file.to_string());
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_prefixes_are_neutralised_and_numbers_kept() {
        for t in [
            "=1+1",
            "+cmd",
            "-x",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "-",
            "=HYPERLINK(\"a\")",
        ] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
        for t in ["-0.5", "+3", "-1e3", "Indonesia", "", "2025-11-01", "a=b"] {
            assert_eq!(neutralise(t), t);
        }
    }
}
