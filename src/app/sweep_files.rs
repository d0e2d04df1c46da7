//! A sweep's files: its CSV, the partial file its rows go to as they finish,
//! its chart, and the record that lets `--resume` continue it — what each
//! holds, how they are checked before a sweep touches them, and how a
//! partial file is read back.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::Failure;
use crate::output::own_file;
use crate::stats::results::{self, Cell};

/// Metric columns after the varied paths.
pub const METRICS: [&str; 9] = [
    "p_success",
    "ci_low",
    "ci_high",
    "p_target_reached",
    "p_roles_met",
    "mean_personnel",
    "personnel_p05",
    "personnel_p50",
    "personnel_p95",
];

/// Columns of the chosen metric (`--metric`, other than p_success), after
/// the varied paths and before `METRICS`.
pub const CHOSEN: [&str; 4] = ["metric", "estimate", "estimate_ci_low", "estimate_ci_high"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    pub scenario_name: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    /// `--set` overrides applied to every point.
    pub overrides: Vec<String>,
    /// The `--vary` arguments as given.
    pub vary: Vec<String>,
    /// `--metric`, when other than p_success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    #[serde(with = "crate::output::run_record::seed_text")]
    pub seed: u64,
    /// Trials per point.
    pub trials: u64,
    pub points: u64,
    pub version: String,
    /// Files the sweep writes beside its record (the CSV, the partial file, the chart).
    #[serde(default)]
    pub files: Vec<String>,
}

/// The metric cells of one run, as summary.csv writes them.
pub fn metric_cells(summary: &results::Table) -> Vec<String> {
    let cell = |metric: &str, col: usize| {
        summary
            .row(metric)
            .and_then(|r| r.get(col))
            .map_or(String::new(), Cell::text)
    };
    vec![
        cell("p_success", 1),
        cell("p_success", 2),
        cell("p_success", 3),
        cell("p_target_reached", 1),
        cell("p_roles_met", 1),
        cell("mean_personnel", 1),
        cell("personnel_p05", 1),
        cell("personnel_p50", 1),
        cell("personnel_p95", 1),
    ]
}

pub fn csv_line(cells: &[String]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells)?;
    w.into_inner().context("writing a CSV row")
}

/// `path` with `suffix` appended to its full name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The rows of a partial file whose header is `header`: complete lines only.
pub fn read_partial(path: &Path, header: &[String]) -> Result<Vec<Vec<String>>, Failure> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    // A line cut short by an interruption mid-write is dropped.
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(complete.as_bytes());
    let mut records = r.records();
    let found: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_string).collect(),
        _ => Vec::new(),
    };
    if found != header {
        return Err(Failure::Usage(format!(
            "cannot resume from {}: its header is `{}`, but this sweep writes `{}`; \
             it comes from another sweep: remove it or choose another --out",
            path.display(),
            found.join(","),
            header.join(",")
        )));
    }
    let mut rows = Vec::new();
    for (i, rec) in records.enumerate() {
        let rec = rec.map_err(|e| {
            Failure::Usage(format!(
                "cannot resume from {}: row {} is not valid CSV: {e}",
                path.display(),
                i + 2
            ))
        })?;
        if rec.len() != header.len() {
            return Err(Failure::Usage(format!(
                "cannot resume from {}: row {} has {} cells, the header {}",
                path.display(),
                i + 2,
                rec.len(),
                header.len()
            )));
        }
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// Compares a partial sweep's record with this sweep's; names the first difference.
pub fn same_sweep(old: &SweepRecord, new: &SweepRecord) -> Result<(), String> {
    let differ = |what: &str, a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| {
        Err(format!(
            "the partial sweep was run with {what} {a:?}, this one with {b:?}"
        ))
    };
    if old.scenario_sha256 != new.scenario_sha256 {
        return differ(
            "a scenario file of sha256",
            &old.scenario_sha256,
            &new.scenario_sha256,
        );
    }
    if old.overrides != new.overrides {
        return differ("--set", &old.overrides, &new.overrides);
    }
    if old.vary != new.vary {
        return differ("--vary", &old.vary, &new.vary);
    }
    if old.metric != new.metric {
        let name = |m: &Option<String>| m.clone().unwrap_or_else(|| "p_success".into());
        return differ("--metric", &name(&old.metric), &name(&new.metric));
    }
    if old.seed != new.seed {
        return differ("seed", &old.seed, &new.seed);
    }
    if old.trials != new.trials {
        return differ("trials", &old.trials, &new.trials);
    }
    Ok(())
}

/// The files a sweep writes for `--out FILE`.
pub struct SweepFiles {
    /// The finished CSV.
    pub out: PathBuf,
    /// Rows so far, `FILE.partial`.
    pub partial: PathBuf,
    /// What the sweep was computed from, `FILE.sweep.toml`.
    pub record: PathBuf,
    /// The chart, FILE with the extension `.svg`.
    pub chart: PathBuf,
}

impl SweepFiles {
    pub fn new(out: &Path) -> SweepFiles {
        SweepFiles {
            out: out.to_path_buf(),
            partial: with_suffix(out, ".partial"),
            record: with_suffix(out, ".sweep.toml"),
            chart: out.with_extension("svg"),
        }
    }
}

/// A sweep record muster wrote, or why the file is not one.
pub fn read_record(path: &Path) -> Result<SweepRecord, String> {
    let text = own_file::read_regular(path).map_err(|e| format!("cannot read it: {e}"))?;
    toml::from_str(&text).map_err(|_| "it is not a sweep record muster wrote".to_string())
}

/// Whether a CSV's header is one a sweep writes: varied paths, then the metrics.
pub fn sweep_header(path: &Path) -> Result<(), String> {
    let line = own_file::first_line(path).unwrap_or_default();
    let cells: Vec<&str> = line.split(',').collect();
    let n = cells.len();
    if n > METRICS.len() && cells[n - METRICS.len()..] == METRICS {
        Ok(())
    } else {
        Err("it does not start with a sweep's header, so muster did not write it".into())
    }
}

/// Refuses, before anything runs, to replace a file muster did not write for
/// this output: the scenario, a CSV that is not a sweep's, a chart or a
/// record that no sweep record of this output lists.
pub fn check_files(f: &SweepFiles, scenario: &Path, force: bool) -> Result<(), Failure> {
    let record = read_record(&f.record);
    let listed = |p: &Path| -> Result<(), String> {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match &record {
            Ok(r) if r.files.contains(&name) => Ok(()),
            Ok(_) => Err(format!(
                "the sweep record {} does not list it, so muster did not write it",
                f.record.display()
            )),
            Err(_) => Err(format!(
                "there is no sweep record {} listing it, so muster did not write it",
                f.record.display()
            )),
        }
    };
    own_file::may_replace(&f.record, Some(scenario), force, |_| {
        record.as_ref().map(|_| ()).map_err(Clone::clone)
    })?;
    own_file::may_replace(&f.out, Some(scenario), force, sweep_header)?;
    own_file::may_replace(&f.chart, Some(scenario), force, listed)?;
    own_file::may_replace(&f.partial, Some(scenario), force, |p| {
        // An empty partial file is what a full disk can leave.
        let empty = std::fs::metadata(p).is_ok_and(|m| m.len() == 0);
        if empty && record.is_ok() {
            return Ok(());
        }
        sweep_header(p)
    })?;
    Ok(())
}
