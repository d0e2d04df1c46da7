//! The predictive distribution of a recorded run, whole: the result
//! folder's run.toml names the scenario file (checked by its SHA-256), its
//! overrides, seed and trials, so every trial can be played again on the
//! same random draws and its personnel read at any month. The CSV files
//! keep only a few quantiles per month; the replay is checked against
//! fan.csv's mean at every month before it is used.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use rayon::prelude::*;

use crate::app::{Failure, pipeline};
use crate::engine::reference::trace;
use crate::output::run_record::RunRecord;
use crate::scenario::Scenario;

/// A recorded run: its record and the scenario it ran.
pub struct Run {
    pub record: RunRecord,
    pub scenario: Scenario,
    /// The scenario file read.
    pub scenario_path: PathBuf,
}

/// Every trial's personnel at some months, played again.
pub struct Replay {
    /// For each month asked: every trial's personnel in theatre (people),
    /// sorted.
    pub by_month: Vec<Vec<u64>>,
    /// Months of fan.csv whose mean the replay reproduced.
    pub checked: usize,
}

/// Where the run's scenario file is: `given`, else the path run.toml
/// records, else a file of that name in the folder itself.
fn scenario_file(folder: &Path, record: &RunRecord, given: Option<&Path>) -> PathBuf {
    if let Some(p) = given {
        return p.to_path_buf();
    }
    let recorded = PathBuf::from(&record.scenario_file);
    if recorded.is_file() {
        return recorded;
    }
    match recorded.file_name() {
        Some(name) if folder.join(name).is_file() => folder.join(name),
        _ => recorded,
    }
}

/// Personnel in theatre at `month` in trial `trial` (from 1).
fn personnel(s: &Scenario, seed: u64, trial: u64, months: &[f64]) -> Vec<u64> {
    let t = trace(s, seed, trial);
    months
        .iter()
        .map(|&m| {
            t.stints
                .iter()
                .filter(|st| st.arrive <= m && st.leave.is_none_or(|l| l > m))
                .map(|st| st.deployed)
                .sum()
        })
        .collect()
}

/// Reads the run recorded in `folder` and its scenario file (`given`,
/// else as run.toml finds it), checked by its SHA-256.
pub fn open(folder: &Path, given: Option<&Path>) -> Result<Run, Failure> {
    let record = RunRecord::read(folder)?;
    let path = scenario_file(folder, &record, given);
    let inputs = pipeline::load(&path, &record.overrides)?;
    if inputs.sha256 != record.scenario_sha256 {
        return Err(Failure::Usage(format!(
            "{} is not the scenario file of the run in {} (its SHA-256 differs); give the file with --scenario",
            path.display(),
            folder.display()
        )));
    }
    Ok(Run {
        record,
        scenario: inputs.scenario,
        scenario_path: path,
    })
}

/// Plays every trial of `run` again and returns its personnel at each of
/// `months`, after checking the replay against the folder's fan.csv.
pub fn replay(run: &Run, folder: &Path, months: &[f64]) -> Result<Replay, Failure> {
    let (s, record) = (&run.scenario, &run.record);
    let fan = fan_means(folder)?;
    let mut all: Vec<f64> = months.to_vec();
    all.extend(fan.iter().map(|(m, _)| *m));
    let seed = record.seed;
    let rows: Vec<Vec<u64>> = (1..=record.trials)
        .into_par_iter()
        .map(|t| personnel(s, seed, t, &all))
        .collect();
    let column = |k: usize| -> Vec<u64> { rows.iter().map(|r| r[k]).collect() };
    for (j, (month, mean)) in fan.iter().enumerate() {
        let sum: u64 = column(months.len() + j).iter().sum();
        let replayed = sum as f64 / record.trials as f64;
        if (replayed - mean).abs() > 1e-9 * mean.abs().max(1.0) {
            return Err(Failure::Run(anyhow!(
                "the replay of {} does not reproduce fan.csv: mean personnel at month {month} is {mean} there, {replayed} replayed",
                folder.display()
            )));
        }
    }
    let by_month = (0..months.len())
        .map(|k| {
            let mut v = column(k);
            v.sort_unstable();
            v
        })
        .collect();
    Ok(Replay {
        by_month,
        checked: fan.len(),
    })
}

/// (month, mean) of each row of the folder's fan.csv.
fn fan_means(folder: &Path) -> anyhow::Result<Vec<(f64, f64)>> {
    let path = folder.join("fan.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let header = reader.headers()?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(m), Some(mean)) = (col("month"), col("mean")) else {
        bail!("{}: no month and mean columns", path.display());
    };
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row?;
        let num = |k: usize| -> anyhow::Result<f64> {
            row.get(k)
                .unwrap_or_default()
                .parse()
                .with_context(|| format!("{}: not a number", path.display()))
        };
        out.push((num(m)?, num(mean)?));
    }
    Ok(out)
}
