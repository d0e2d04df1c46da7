//! Writes result tables as tidy CSV files.

use crate::stats::results::Table;
use anyhow::{Context, Result};
use std::path::Path;

/// Renders one table as CSV text.
pub fn to_csv(table: &Table) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&table.header)?;
    for row in &table.rows {
        w.write_record(row.iter().map(|c| c.text()))?;
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
