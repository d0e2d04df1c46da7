//! `run.toml`: what a result folder was computed from, so that it can be
//! reproduced, compared and merged. Nothing in it depends on time or host.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub scenario_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_description: Option<String>,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_sha256: String,
    /// `PATH=VALUE` overrides in the order given.
    pub overrides: Vec<String>,
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// Personnel target (people), after overrides.
    pub target: u64,
    /// Precision mode: the requested half-width of p_success's interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    /// Precision mode: whether the half-width was reached within the trial limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_met: Option<bool>,
    /// muster's version.
    pub version: String,
    /// Files muster wrote into the folder.
    pub files: Vec<String>,
}

impl RunRecord {
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string(self).context("writing run.toml")
    }

    pub fn read(dir: &Path) -> Result<RunRecord> {
        let path = dir.join("run.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("{}: not a muster run record", path.display()))
    }
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
