//! Reads the run description (run.toml) of a result folder, tolerating missing
//! keys, so that charts and the report can label what they show.

use std::path::Path;

use anyhow::{Context, Result};
use toml::Value;

/// What run.toml says about a run; every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// The scenario's name.
    pub scenario_name: Option<String>,
    /// The scenario's free-text description.
    pub scenario_description: Option<String>,
    /// The scenario file as given on the command line.
    pub scenario_file: Option<String>,
    /// SHA-256 of the scenario file's bytes (hex).
    pub scenario_sha256: Option<String>,
    /// Seed of the random streams, as written.
    pub seed: Option<String>,
    /// Number of trials, as written.
    pub trials: Option<String>,
    /// Personnel the force needs (people).
    pub target: Option<f64>,
    /// Command-line overrides, each `PATH=VALUE`.
    pub overrides: Vec<String>,
    /// Version of the program that wrote the folder.
    pub version: Option<String>,
}

impl RunInfo {
    /// Reads `dir/run.toml`; a missing file gives an empty description.
    pub fn read(dir: &Path) -> Result<RunInfo> {
        let path = dir.join("run.toml");
        if !path.exists() {
            return Ok(RunInfo::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", path.display()))?;
        Ok(RunInfo::from_table(&table))
    }

    /// Picks the known keys out of a parsed run.toml.
    pub fn from_table(table: &toml::Table) -> RunInfo {
        let nested = |outer: &str, inner: &str| {
            table
                .get(outer)
                .and_then(Value::as_table)
                .and_then(|t| t.get(inner))
        };
        let text = |key: &str, outer: &str, inner: &str| {
            table
                .get(key)
                .or_else(|| nested(outer, inner))
                .map(value_text)
        };
        let target = table
            .get("target")
            .or_else(|| nested("scenario", "target"))
            .and_then(|v| match v {
                Value::Integer(i) => Some(*i as f64),
                Value::Float(f) => Some(*f),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .filter(|t: &f64| t.is_finite());
        let overrides = match table.get("overrides") {
            Some(Value::Array(items)) => items.iter().map(value_text).collect(),
            Some(other) => vec![value_text(other)],
            None => Vec::new(),
        };
        RunInfo {
            scenario_name: text("scenario_name", "scenario", "name"),
            scenario_description: text("scenario_description", "scenario", "description"),
            scenario_file: text("scenario_file", "scenario", "file"),
            scenario_sha256: text("scenario_sha256", "scenario", "sha256"),
            seed: text("seed", "run", "seed"),
            trials: text("trials", "run", "trials"),
            target,
            overrides,
            version: text("version", "program", "version"),
        }
    }
}

/// A TOML value as plain text: strings without quotes, everything else as TOML writes it.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
