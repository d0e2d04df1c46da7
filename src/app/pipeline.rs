//! What every command shares: load a scenario with overrides, simulate it
//! (optionally until a precision is met), and write a result folder.

use super::Failure;
use super::progress::{INTERRUPTED, with_progress};
use crate::engine::{self, batch_count};
use crate::output::run_record::{RunRecord, sha256_hex};
use crate::output::{charts, csv_files, folder, headline, report};
use crate::scenario::{Override, Scenario, load_file};
use crate::stats::interval::wilson;
use crate::stats::results;
use crate::stats::tally::Tally;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

/// Batches per round of precision mode: the run stops only at multiples of
/// this many batches (16 × 4096 = 65,536 trials).
pub const PRECISION_ROUND_BATCHES: u64 = 16;

/// A loaded scenario and what it came from.
pub struct Inputs {
    /// The file as given on the command line.
    pub file: String,
    pub scenario: Scenario,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// The overrides as written, `PATH=VALUE`.
    pub overrides: Vec<String>,
    /// The file's text.
    pub text: String,
}

pub fn load(path: &Path, overrides: &[String]) -> Result<Inputs, Failure> {
    let parsed = overrides
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    let (scenario, bytes) = load_file(path, &parsed)?;
    Ok(Inputs {
        file: path.display().to_string(),
        scenario,
        sha256: sha256_hex(&bytes),
        overrides: overrides.to_vec(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// How to simulate.
#[derive(Debug, Clone)]
pub struct Settings {
    pub seed: u64,
    pub trials: u64,
    pub threads: usize,
    pub quiet: bool,
    /// Precision mode: target half-width of p_success's interval.
    pub precision: Option<f64>,
}

/// The larger distance from the estimate of p_success to a Wilson bound.
pub fn half_width(t: &Tally) -> f64 {
    match wilson(t.success, t.trials) {
        Some((lo, hi)) => {
            let p = t.success as f64 / t.trials as f64;
            (p - lo).max(hi - p)
        }
        None => f64::INFINITY,
    }
}

/// Runs the simulation; in precision mode `trials` is the upper limit.
/// Returns the tally and, in precision mode, whether the precision was met.
pub fn simulate(s: &Scenario, st: &Settings) -> Result<(Tally, Option<bool>), Failure> {
    let done = AtomicU64::new(0);
    let all = batch_count(st.trials);
    with_progress(st.quiet, st.trials, "trials", &done, || {
        match st.precision {
            None => engine::run(
                s,
                st.seed,
                st.trials,
                0..all,
                st.threads,
                &done,
                &INTERRUPTED,
            )
            .map(|t| (t, None))
            .ok_or(Failure::Interrupted),
            Some(goal) => {
                let mut tally = engine::empty_tally(s);
                let mut start = 0;
                while start < all {
                    let end = (start + PRECISION_ROUND_BATCHES).min(all);
                    let part = engine::run(
                        s,
                        st.seed,
                        st.trials,
                        start..end,
                        st.threads,
                        &done,
                        &INTERRUPTED,
                    )
                    .ok_or(Failure::Interrupted)?;
                    tally.merge(&part);
                    start = end;
                    if half_width(&tally) <= goal {
                        return Ok((tally, Some(true)));
                    }
                }
                Ok((tally, Some(false)))
            }
        }
    })
}

/// The first 8 hex digits of a hash of a run's inputs.
pub fn inputs_hash(inputs: &Inputs, st: &Settings) -> String {
    let mut text = format!(
        "{}\nseed={}\ntrials={}\n",
        inputs.sha256, st.seed, st.trials
    );
    for o in &inputs.overrides {
        text += &format!("set={o}\n");
    }
    if let Some(p) = st.precision {
        text += &format!("precision={p}\n");
    }
    sha256_hex(text.as_bytes())[..8].to_string()
}

/// The run record of a finished run of `trials` trials.
pub fn record(inputs: &Inputs, st: &Settings, trials: u64, met: Option<bool>) -> RunRecord {
    RunRecord {
        scenario_name: inputs.scenario.name.clone(),
        scenario_description: inputs.scenario.description.clone(),
        scenario_file: inputs.file.clone(),
        scenario_sha256: inputs.sha256.clone(),
        overrides: inputs.overrides.clone(),
        seed: st.seed,
        trials,
        target: inputs.scenario.target,
        precision: st.precision,
        precision_met: met,
        version: env!("CARGO_PKG_VERSION").to_string(),
        files: Vec::new(),
    }
}

/// Writes the result folder atomically; returns where it went.
pub fn write_results(
    dest: &Path,
    force: bool,
    s: &Scenario,
    tally: &Tally,
    mut rec: RunRecord,
) -> Result<PathBuf, Failure> {
    let staging = folder::prepare(dest, force).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let written = (|| -> anyhow::Result<()> {
        let tables = results::tables(s, tally);
        let mut files = csv_files::write_tables(&staging.tmp, &tables)?;
        files.extend(charts::RUN_CHARTS.iter().map(|c| format!("{c}.svg")));
        files.push("report.html".into());
        files.sort();
        rec.files = files;
        // The charts and the report read run.toml (the target, the seed).
        std::fs::write(staging.tmp.join("run.toml"), rec.to_toml()?)?;
        charts::write_run_charts(&staging.tmp)?;
        let facts = crate::stats::facts::Facts::of_run(s, tally);
        let median = results::quantile(&tally.histogram, tally.trials, 50);
        let stories = crate::app::stories::stories(s, rec.seed, rec.trials, median);
        report::write_report(
            &staging.tmp,
            &headline::headline(&facts),
            &stories,
            &s.provenance,
        )?;
        Ok(())
    })();
    if let Err(e) = written {
        staging.abandon();
        return Err(Failure::Run(e));
    }
    if crate::app::progress::interrupted() {
        staging.abandon();
        return Err(Failure::Interrupted);
    }
    let dest = staging.dest.clone();
    staging.commit()?;
    Ok(dest)
}
