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
    /// Seed of the random streams; from 2^63 up written as text, since a
    /// TOML integer is signed 64-bit.
    #[serde(with = "seed_text")]
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

/// A seed in TOML: an integer up to 2^63 − 1 (every seed written so far),
/// decimal text above, where a TOML integer cannot hold it. Both read back.
pub mod seed_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        if i64::try_from(*v).is_ok() {
            s.serialize_u64(*v)
        } else {
            s.serialize_str(&v.to_string())
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Integer(u64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        match Written::deserialize(d)? {
            Written::Integer(v) => Ok(v),
            Written::Text(t) => t.trim().parse().map_err(|_| {
                serde::de::Error::custom(format!(
                    "seed {t:?} is not a whole number from 0 to 2^64 - 1"
                ))
            }),
        }
    }
}
