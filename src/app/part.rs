//! The shard part format: `muster run --shard K/N` computes a deterministic
//! share of the batches and writes its integer tallies as a part file, which
//! `muster merge` reads back, checks and adds up.

use super::pipeline::{self, Inputs, Settings};
use super::{Failure, Outcome};
use crate::engine::batch::BATCH;
use crate::engine::{self, batch_count};
use crate::output::run_record::sha256_hex;
use crate::scenario::{Override, parse_scenario};
use crate::stats::binned;
use crate::stats::tally::Tally;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

/// One shard's share of a run.
#[derive(Debug, Serialize, Deserialize)]
pub struct Part {
    pub format: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    /// The scenario file's text, so that merging needs no other file.
    pub scenario_text: String,
    pub overrides: Vec<String>,
    pub seed: u64,
    pub trials: u64,
    /// This part's number, from 1.
    pub shard: u64,
    /// Number of parts.
    pub shards: u64,
    pub version: String,
    pub tally: Tally,
}

const PART_FORMAT: &str = "muster-part-1";

/// The batches of shard k (from 1) of n: a contiguous share.
pub fn shard_batches(trials: u64, k: u64, n: u64) -> std::ops::Range<u64> {
    let all = batch_count(trials) as u128;
    let share = |i: u64| (all * i as u128 / n as u128) as u64;
    share(k - 1)..share(k)
}

fn env_u64(name: &str) -> Result<Option<u64>, Failure> {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Failure::Usage(format!("--shard auto: {name}={v:?} is not a whole number"))
        }),
        Err(_) => Ok(None),
    }
}

/// Reads `K/N` or `auto` (Slurm job array, or Kubernetes Indexed Job with --shard-count).
pub fn parse_shard(spec: &str, count: Option<u64>) -> Result<(u64, u64), Failure> {
    if spec != "auto" && count.is_some() {
        return Err(Failure::Usage(
            "--shard-count goes with --shard auto on a Kubernetes Indexed Job; with --shard K/N, N is the count".into(),
        ));
    }
    let (k, n) = if spec == "auto" {
        if let Some(id) = env_u64("SLURM_ARRAY_TASK_ID")? {
            let min = env_u64("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let max = env_u64("SLURM_ARRAY_TASK_MAX")?.unwrap_or(id);
            let n = env_u64("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                Failure::Usage("--shard auto: SLURM_ARRAY_TASK_COUNT is not set".into())
            })?;
            if env_u64("SLURM_ARRAY_TASK_STEP")?.is_some_and(|s| s != 1) {
                return Err(Failure::Usage(
                    "--shard auto: the Slurm job array has a step; submit a contiguous array with no step, such as --array=1-N".into(),
                ));
            }
            if count.is_some_and(|c| c != n) {
                return Err(Failure::Usage(format!(
                    "--shard auto: --shard-count {} disagrees with the Slurm job array's {n} tasks; drop --shard-count",
                    count.unwrap_or(0)
                )));
            }
            if max < min || max - min + 1 != n {
                return Err(Failure::Usage(format!(
                    "--shard auto: the Slurm job array {min}-{max} has {n} tasks, so it has gaps; \
                     submit a contiguous array such as --array=1-{n}"
                )));
            }
            (id.checked_sub(min).map(|d| d + 1).unwrap_or(0), n)
        } else if let Some(index) = env_u64("JOB_COMPLETION_INDEX")? {
            let n = count.ok_or_else(|| {
                Failure::Usage("--shard auto on a Kubernetes Indexed Job needs --shard-count N (the job's completions)".into())
            })?;
            if index >= n {
                return Err(Failure::Usage(format!(
                    "--shard auto: JOB_COMPLETION_INDEX={index} is outside 0..{n} for --shard-count {n}; \
                     set --shard-count to the job's completions"
                )));
            }
            (index + 1, n)
        } else {
            return Err(Failure::Usage(
                "--shard auto found neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX; use --shard K/N".into(),
            ));
        }
    } else {
        let parsed = spec
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        parsed.ok_or_else(|| {
            Failure::Usage(format!(
                "--shard {spec:?}: expected K/N such as 1/3, or auto"
            ))
        })?
    };
    if n == 0 || k == 0 || k > n {
        return Err(Failure::Usage(format!(
            "--shard {k}/{n}: K must be between 1 and N (K counts from 1)"
        )));
    }
    if n > MAX_SHARDS {
        return Err(Failure::Usage(format!(
            "--shard {k}/{n}: N is above the limit of {MAX_SHARDS} shards"
        )));
    }
    Ok((k, n))
}

/// Runs shard k of n of a run and writes its part file into `out` (default
/// results/STEM-HASH-parts/); says where unless `quiet`.
pub fn run_shard(
    out: Option<&Path>,
    quiet: bool,
    inputs: &Inputs,
    st: &Settings,
    k: u64,
    n: u64,
) -> Outcome {
    let done = AtomicU64::new(0);
    let batches = shard_batches(st.trials, k, n);
    let tally = engine::run(
        &inputs.scenario,
        st.seed,
        st.trials,
        batches,
        st.threads,
        &done,
        &super::progress::INTERRUPTED,
    )
    .ok_or(Failure::Interrupted)?;
    let part = Part {
        format: PART_FORMAT.into(),
        scenario_file: inputs.file.clone(),
        scenario_sha256: inputs.sha256.clone(),
        scenario_text: inputs.text.clone(),
        overrides: inputs.overrides.clone(),
        seed: st.seed,
        trials: st.trials,
        shard: k,
        shards: n,
        version: env!("CARGO_PKG_VERSION").into(),
        tally,
    };
    let dir = match out {
        Some(d) => d.to_path_buf(),
        None => {
            let stem = super::variants::stem(Path::new(&inputs.file));
            PathBuf::from("results").join(format!(
                "{stem}-{}-parts",
                pipeline::inputs_hash(inputs, st)
            ))
        }
    };
    let denied = |e: &std::io::Error| e.kind() == std::io::ErrorKind::PermissionDenied;
    std::fs::create_dir_all(&dir).map_err(|e| {
        let m = format!("creating {}: {e}", dir.display());
        if denied(&e) {
            Failure::Usage(m)
        } else {
            Failure::Run(anyhow::anyhow!(m))
        }
    })?;
    let path = dir.join(format!("part-{k}-of-{n}.json"));
    let tmp = dir.join(format!(".part-{k}-of-{n}.json.tmp-{}", std::process::id()));
    let text = serde_json::to_string(&part).map_err(|e| Failure::Run(e.into()))?;
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            std::fs::remove_file(&tmp).ok();
            let m = format!("writing {}: {e}", path.display());
            if denied(&e) {
                Failure::Usage(m)
            } else {
                Failure::Run(anyhow::anyhow!(m))
            }
        })?;
    if !quiet {
        crate::outln!("part {k} of {n}: {}", path.display());
    }
    Ok(())
}

/// Largest part file read (bytes): a part holds at most a 10-million-entry
/// histogram, 2^20 coalitions and a 10 MB scenario.
pub use crate::limits::MAX_PART_BYTES;
/// Most shards a run may be split into.
pub use crate::limits::MAX_SHARDS;
/// Longest personnel histogram: 10,000,000 people possible, plus zero.
const MAX_HISTOGRAM: usize = 10_000_001;
/// Most timeline rows: a lead time or horizon of 1,200 months, plus row 0 and a partial month.
const MAX_TIMELINE_ROWS: usize = 1_202;
/// The most points of milestones.csv's month grid: tenths of a month up to
/// the longest horizon, and the horizon.
const MAX_GRID_POINTS: usize = 12_002;

/// A part file muster will not merge, and why: bad usage (status 2) from
/// every command.
#[derive(Debug, thiserror::Error)]
#[error("{}: {reason}", part.display())]
pub struct PartError {
    pub part: PathBuf,
    pub reason: String,
}

impl PartError {
    /// The exit status of a refused part: 2.
    pub fn exit_status(&self) -> u8 {
        2
    }
}

impl From<PartError> for Failure {
    fn from(e: PartError) -> Failure {
        Failure::Usage(e.to_string())
    }
}

fn read_part(path: &Path) -> Result<Part, PartError> {
    use std::io::Read;
    let refuse = |reason: String| PartError {
        part: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(refuse("not a part file (not a regular file)".into()));
    }
    if meta.len() > MAX_PART_BYTES {
        return Err(refuse(format!(
            "{} bytes is above the limit of {MAX_PART_BYTES} for a part file; it is not one muster wrote",
            meta.len()
        )));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PART_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| refuse(format!("cannot read: {e}")))?;
    if text.len() as u64 > MAX_PART_BYTES {
        return Err(refuse(format!(
            "above the limit of {MAX_PART_BYTES} bytes for a part file"
        )));
    }
    parse_part(&text).map_err(refuse)
}

/// A part file's text read and checked on its own (its numbering, its
/// scenario text against the hash, its counts); Err says why it is not a
/// part muster wrote.
pub fn parse_part(text: &str) -> Result<Part, String> {
    let part: Part =
        serde_json::from_str(text).map_err(|e| format!("not a muster part file: {e}"))?;
    if part.format != PART_FORMAT {
        return Err(format!(
            "part format {:?} is not {PART_FORMAT}",
            part.format
        ));
    }
    check_part(&part)?;
    Ok(part)
}

/// The scenario a part was run with, and the part's tally checked against
/// its shape and added into an empty one with checked arithmetic.
pub fn tally_of(part: &Part) -> Result<(crate::scenario::Scenario, Tally), String> {
    let overrides = part
        .overrides
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let scenario = parse_scenario(&part.scenario_text, &part.scenario_file, &overrides)
        .map_err(|e| e.to_string())?;
    let mut tally = engine::empty_tally(&scenario);
    check_shape(part, &tally)?;
    tally
        .checked_merge(&part.tally)
        .ok_or("adding its counts overflows 64 bits")?;
    Ok((scenario, tally))
}

/// Trials in the batches of shard k of n.
fn shard_trials(trials: u64, k: u64, n: u64) -> u64 {
    let b = shard_batches(trials, k, n);
    let bt = BATCH as u64;
    let first = b.start.saturating_mul(bt).min(trials);
    let end = b.end.saturating_mul(bt).min(trials);
    end - first
}

/// Checks what a part says about itself: its numbering, its scenario text
/// against the hash, and counts that a run of its trials can produce.
/// Shapes are checked against the scenario in [`check_shape`].
fn check_part(p: &Part) -> Result<(), String> {
    // Text a part carries is printed in messages and records: no control
    // characters (a newline or an escape would forge or garble output).
    let texts = [
        ("scenario_file", &p.scenario_file),
        ("scenario_sha256", &p.scenario_sha256),
        ("version", &p.version),
    ];
    for (key, text) in texts
        .into_iter()
        .chain(p.overrides.iter().map(|o| ("overrides", o)))
    {
        if text.chars().any(char::is_control) {
            return Err(format!("its {key} {text:?} holds control characters"));
        }
    }
    if p.shards == 0 || p.shards > MAX_SHARDS {
        return Err(format!(
            "shard count {} is outside 1 to {MAX_SHARDS}",
            p.shards
        ));
    }
    if p.shard == 0 || p.shard > p.shards {
        return Err(format!(
            "shard {} of {} is out of range: shards count from 1 to {}",
            p.shard, p.shards, p.shards
        ));
    }
    if p.trials == 0 || p.trials > crate::limits::MAX_TRIALS {
        return Err(format!(
            "trials {} is outside 1 to {}",
            p.trials,
            crate::limits::MAX_TRIALS
        ));
    }
    if sha256_hex(p.scenario_text.as_bytes()) != p.scenario_sha256 {
        return Err(
            "its scenario_text does not match its scenario_sha256: the part was edited".into(),
        );
    }
    let t = &p.tally;
    let n = t.trials;
    let expected = shard_trials(p.trials, p.shard, p.shards);
    if n != expected {
        return Err(format!(
            "its tally counts {n} trials, but shard {} of {} of a run of {} trials has {expected}",
            p.shard, p.shards, p.trials
        ));
    }
    let at_most = |what: &str, v: u64, bound: u64, of: &str| {
        if v > bound {
            Err(format!("{what} {v} is more than {of} {bound}"))
        } else {
            Ok(())
        }
    };
    at_most("reached", t.reached, n, "its trials")?;
    at_most("roles_met", t.roles_met, n, "its trials")?;
    at_most(
        "success",
        t.success,
        t.reached.min(t.roles_met),
        "reached and roles_met",
    )?;
    if t.histogram.len() > MAX_HISTOGRAM {
        return Err(format!(
            "its histogram has {} entries, above the limit of {MAX_HISTOGRAM}",
            t.histogram.len()
        ));
    }
    let (mut count, mut sum, mut sq) = (0u128, 0u128, 0u128);
    for (x, &h) in t.histogram.iter().enumerate() {
        let (x, h) = (x as u128, u128::from(h));
        count += h;
        sum += x * h;
        sq = sq.checked_add(x * x * h).ok_or("its histogram overflows")?;
    }
    if count != u128::from(n) || sum != u128::from(t.personnel_sum) || sq != t.personnel_sq {
        return Err(
            "its histogram does not agree with its trials, personnel_sum and personnel_sq".into(),
        );
    }
    for (i, c) in t.contributors.iter().enumerate() {
        let who = format!("contributor {}", i + 1);
        at_most(&format!("{who} joined"), c.joined, n, "its trials")?;
        at_most(
            &format!("{who} joined_success"),
            c.joined_success,
            c.joined.min(t.success),
            "joined and success",
        )?;
        at_most(&format!("{who} pivotal"), c.pivotal, n, "its trials")?;
        for v in c.first.iter().chain(&c.any) {
            at_most(&format!("{who} reason count"), *v, n, "its trials")?;
        }
    }
    for (i, r) in t.roles.iter().enumerate() {
        at_most(&format!("role {} met", i + 1), r.met, n, "its trials")?;
    }
    for (i, states) in t.conditions.iter().enumerate() {
        let mut total = 0u64;
        for st in states {
            at_most(
                &format!("condition {} state success", i + 1),
                st.success,
                st.trials,
                "the state's trials",
            )?;
            total = total.saturating_add(st.trials);
        }
        at_most(
            &format!("condition {} state trials", i + 1),
            total,
            n,
            "its trials",
        )?;
    }
    let mut total = 0u64;
    for [k, s] in t.coalitions.values() {
        at_most("a coalition's successes", *s, *k, "its trials")?;
        total = total.saturating_add(*k);
    }
    at_most("coalition trials", total, n, "its trials")?;
    let tl = &t.timeline;
    for v in [
        &tl.first_reached,
        &tl.first_success,
        &tl.arriving,
        &tl.leaving,
    ] {
        if v.len() > MAX_TIMELINE_ROWS {
            return Err(format!(
                "its timeline has {} rows, above the limit of {MAX_TIMELINE_ROWS}",
                v.len()
            ));
        }
    }
    if tl.rows_seen > MAX_TIMELINE_ROWS as u64 {
        return Err(format!(
            "its timeline has {} rows, above the limit of {MAX_TIMELINE_ROWS}",
            tl.rows_seen
        ));
    }
    let sum = |v: &[u64]| v.iter().fold(0u64, |a, b| a.saturating_add(*b));
    for (j, m) in t.milestones.iter().enumerate() {
        if m.len() > MAX_GRID_POINTS {
            return Err(format!(
                "milestone {} has {} month points, above the limit of {MAX_GRID_POINTS}",
                j + 1,
                m.len()
            ));
        }
        at_most(
            &format!("milestone {} reached", j + 1),
            sum(m),
            n,
            "its trials",
        )?;
    }
    if t.fan.len() > MAX_TIMELINE_ROWS {
        return Err(format!(
            "its fan counts have {} rows, above the limit of {MAX_TIMELINE_ROWS}",
            t.fan.len()
        ));
    }
    for (row, b) in t.fan.iter().enumerate() {
        if b.shift > binned::MAX_SHIFT || b.counts.len() as u64 > binned::MAX_BINS + 2 {
            return Err(format!(
                "its fan counts of row {row} are not binned as muster bins them"
            ));
        }
        // Every trial counts once at row 0; later rows only move trials.
        let net = b.counts.iter().fold(0i128, |a, c| a + i128::from(*c));
        let expected = if row == 0 { i128::from(n) } else { 0 };
        if net != expected {
            return Err(format!(
                "its fan counts of row {row} add up to {net}, not {expected}"
            ));
        }
    }
    if t.fan.is_empty() && n > 0 {
        return Err("its fan counts are missing".into());
    }
    at_most(
        "timeline first_reached",
        sum(&tl.first_reached),
        t.reached,
        "reached",
    )?;
    at_most(
        "timeline first_success",
        sum(&tl.first_success),
        t.success,
        "success",
    )?;
    Ok(())
}

/// Checks that a part's tally has the shape of the scenario's.
fn check_shape(p: &Part, empty: &Tally) -> Result<(), String> {
    let t = &p.tally;
    let differ = |what: &str, a: usize, b: usize| {
        Err(format!(
            "its tally has {a} {what}, the scenario {b}: the part was not written for this scenario"
        ))
    };
    if t.contributors.len() != empty.contributors.len() {
        return differ(
            "contributors",
            t.contributors.len(),
            empty.contributors.len(),
        );
    }
    for (a, b) in t.contributors.iter().zip(&empty.contributors) {
        let lens = [a.first.len(), a.any.len(), a.first_pledge.len()];
        if lens.iter().any(|l| *l != b.first.len()) {
            return differ("reasons for a contributor", a.first.len(), b.first.len());
        }
    }
    if t.milestones.len() != empty.milestones.len() {
        return differ("milestones", t.milestones.len(), empty.milestones.len());
    }
    if t.roles.len() != empty.roles.len() {
        return differ("roles", t.roles.len(), empty.roles.len());
    }
    if t.conditions.len() != empty.conditions.len() {
        return differ("conditions", t.conditions.len(), empty.conditions.len());
    }
    for (a, b) in t.conditions.iter().zip(&empty.conditions) {
        if a.len() != b.len() {
            return differ("states of a condition", a.len(), b.len());
        }
    }
    let members = empty.contributors.len();
    if let Some(&mask) = t.coalitions.keys().next_back()
        && members < 64
        && mask >> members != 0
    {
        return Err(format!(
            "its tally has a coalition of contributors the scenario does not have (mask {mask})"
        ));
    }
    if members > 20 && !t.coalitions.is_empty() {
        return Err(
            "its tally has coalitions, which are kept only for at most 20 contributors".into(),
        );
    }
    Ok(())
}

/// Reads, checks and adds up the part files of one run and writes its result
/// folder at `out`; returns how many parts and where.
pub fn merge(
    paths: &[PathBuf],
    out: &Path,
    force: bool,
    quiet: bool,
) -> Result<(usize, PathBuf), Failure> {
    crate::output::folder::precheck(out, force).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let parts: Vec<(PathBuf, Part)> = paths
        .iter()
        .map(|p| {
            if crate::app::progress::interrupted() {
                return Err(Failure::Interrupted);
            }
            Ok((p.clone(), read_part(p)?))
        })
        .collect::<Result<_, _>>()?;
    let (first_path, first) = &parts[0];
    let mut seen = std::collections::BTreeMap::<u64, &PathBuf>::new();
    for (path, p) in &parts {
        let mismatch = |what: &str, a: String, b: String| {
            Failure::Usage(format!(
                "{} and {} come from different runs: {what} {a} vs {b}; merge only parts of one run",
                first_path.display(),
                path.display()
            ))
        };
        if p.scenario_sha256 != first.scenario_sha256 {
            return Err(mismatch(
                "scenario",
                first.scenario_file.clone(),
                p.scenario_file.clone(),
            ));
        }
        if p.overrides != first.overrides {
            return Err(mismatch(
                "overrides",
                format!("{:?}", first.overrides),
                format!("{:?}", p.overrides),
            ));
        }
        if p.seed != first.seed {
            return Err(mismatch("seed", first.seed.to_string(), p.seed.to_string()));
        }
        if p.trials != first.trials {
            return Err(mismatch(
                "trials",
                first.trials.to_string(),
                p.trials.to_string(),
            ));
        }
        if p.version != first.version {
            return Err(mismatch(
                "muster version",
                first.version.clone(),
                p.version.clone(),
            ));
        }
        if p.shards != first.shards {
            return Err(mismatch(
                "shard count",
                first.shards.to_string(),
                p.shards.to_string(),
            ));
        }
        if let Some(other) = seen.insert(p.shard, path) {
            return Err(Failure::Usage(format!(
                "{} and {} are both shard {} of {}: remove the duplicate",
                other.display(),
                path.display(),
                p.shard,
                p.shards
            )));
        }
    }
    if (seen.len() as u64) < first.shards {
        // At most ten named; found within the first parts + 10 numbers.
        let mut missing: Vec<String> = (1..=first.shards)
            .filter(|k| !seen.contains_key(k))
            .take(11)
            .map(|k| k.to_string())
            .collect();
        if missing.len() > 10 {
            missing[10] = "...".into();
        }
        return Err(Failure::Usage(format!(
            "missing shard(s) {} of {}: run them (muster run --shard K/{}) and merge all parts",
            missing.join(", "),
            first.shards,
            first.shards
        )));
    }
    let overrides = first
        .overrides
        .iter()
        .map(|o| Override::parse(o))
        .collect::<Result<Vec<_>, _>>()?;
    let scenario = parse_scenario(&first.scenario_text, &first.scenario_file, &overrides)?;
    let mut tally = engine::empty_tally(&scenario);
    for (path, p) in &parts {
        check_shape(p, &tally).map_err(|reason| PartError {
            part: path.clone(),
            reason,
        })?;
    }
    for (path, p) in &parts {
        tally.checked_merge(&p.tally).ok_or_else(|| {
            Failure::Usage(format!(
                "{}: adding its counts overflows 64 bits: the parts are not muster's",
                path.display()
            ))
        })?;
    }
    let inputs = Inputs {
        file: first.scenario_file.clone(),
        scenario,
        sha256: first.scenario_sha256.clone(),
        overrides: first.overrides.clone(),
        text: String::new(),
    };
    let st = Settings {
        seed: first.seed,
        trials: first.trials,
        threads: 1,
        quiet,
        precision: None,
    };
    let rec = pipeline::record(&inputs, &st, tally.trials, None);
    let dest = pipeline::write_results(out, force, &inputs.scenario, &tally, rec)?;
    Ok((parts.len(), dest))
}
