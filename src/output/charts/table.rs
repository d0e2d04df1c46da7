//! Reads a result folder's CSV files by column name, so charts and the report
//! depend only on the published file format, not on the engine's types.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// One CSV file held as text: its header and its rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// File name, for error messages.
    pub name: String,
    /// Column names from the header row.
    pub headers: Vec<String>,
    /// Every data row, one cell per column (short rows are padded with empty cells).
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> Result<Table> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let headers: Vec<String> = reader
            .headers()
            .with_context(|| format!("cannot read the header row of {}", path.display()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record =
                record.with_context(|| format!("{}: cannot read data row {}", name, i + 1))?;
            let mut row: Vec<String> = record.iter().map(|c| c.to_string()).collect();
            row.resize(headers.len(), String::new());
            rows.push(row);
        }
        Ok(Table {
            name,
            headers,
            rows,
        })
    }

    /// Reads `name` in `dir`.
    pub fn read_in(dir: &Path, name: &str) -> Result<Table> {
        Table::read(&dir.join(name))
    }

    /// Index of a column, or an error naming the file and the columns it has.
    pub fn col(&self, column: &str) -> Result<usize> {
        match self.headers.iter().position(|h| h == column) {
            Some(i) => Ok(i),
            None => bail!(
                "{}: no column `{}` (columns: {})",
                self.name,
                column,
                self.headers.join(",")
            ),
        }
    }

    /// The cells of one column, in row order.
    pub fn strings(&self, column: &str) -> Result<Vec<&str>> {
        let c = self.col(column)?;
        Ok(self.rows.iter().map(|r| r[c].as_str()).collect())
    }

    /// The numbers of one column; an empty cell (undefined) is `None`.
    pub fn numbers(&self, column: &str) -> Result<Vec<Option<f64>>> {
        let c = self.col(column)?;
        self.rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                parse_number(&r[c])
                    .with_context(|| format!("{}: row {}, column `{}`", self.name, i + 1, column))
            })
            .collect()
    }
}

/// Parses a cell: empty means undefined; non-finite values count as undefined too.
pub fn parse_number(cell: &str) -> Result<Option<f64>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Ok(None),
        Err(_) => bail!("`{cell}` is not a number"),
    }
}

impl From<&crate::stats::results::Table> for Table {
    /// A result table as its CSV file reads: every cell as its CSV text.
    fn from(t: &crate::stats::results::Table) -> Table {
        Table {
            name: t.file.to_string(),
            headers: t.header.iter().map(|h| h.to_string()).collect(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().map(|c| c.text()).collect())
                .collect(),
        }
    }
}
