//! Shards: `muster run --shard K/N` computes a deterministic share of the
//! batches and writes its integer tallies as a part file; `muster merge`
//! adds the parts up and writes the same result folder as a single run.

use super::pipeline::{self, Inputs, Settings};
use super::run::RunArgs;
use super::{Failure, Outcome};
use crate::engine::{self, batch_count};
use crate::scenario::{Override, parse_scenario};
use crate::stats::tally::Tally;
use clap::Args;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part files written by `muster run --shard K/N`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Result folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Write into an existing folder that holds other files, replacing only muster's own.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

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
    Ok((k, n))
}

pub fn run_shard(a: &RunArgs, inputs: &Inputs, st: &Settings, k: u64, n: u64) -> Outcome {
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
    let dir = match &a.out {
        Some(d) => d.clone(),
        None => {
            let stem = Path::new(&inputs.file)
                .file_stem()
                .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
            PathBuf::from("results").join(format!(
                "{stem}-{}-parts",
                pipeline::inputs_hash(inputs, st)
            ))
        }
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::Run(anyhow::anyhow!("creating {}: {e}", dir.display())))?;
    let path = dir.join(format!("part-{k}-of-{n}.json"));
    let tmp = dir.join(format!(".part-{k}-of-{n}.json.tmp-{}", std::process::id()));
    let text = serde_json::to_string(&part).map_err(|e| Failure::Run(e.into()))?;
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| Failure::Run(anyhow::anyhow!("writing {}: {e}", path.display())))?;
    if !a.quiet {
        crate::outln!("part {k} of {n}: {}", path.display());
    }
    Ok(())
}

fn read_part(path: &Path) -> Result<Part, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("{}: cannot read: {e}", path.display())))?;
    let part: Part = serde_json::from_str(&text)
        .map_err(|e| Failure::Usage(format!("{}: not a muster part file: {e}", path.display())))?;
    if part.format != PART_FORMAT {
        return Err(Failure::Usage(format!(
            "{}: part format {} is not {PART_FORMAT}",
            path.display(),
            part.format
        )));
    }
    Ok(part)
}

pub fn run(a: MergeArgs) -> Outcome {
    let parts: Vec<(PathBuf, Part)> = a
        .parts
        .iter()
        .map(|p| read_part(p).map(|x| (p.clone(), x)))
        .collect::<Result<_, _>>()?;
    let (first_path, first) = &parts[0];
    let mut seen = vec![None::<&PathBuf>; first.shards as usize];
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
        let slot = seen.get_mut((p.shard.max(1) - 1) as usize).ok_or_else(|| {
            Failure::Usage(format!(
                "{}: shard {} of {} is out of range",
                path.display(),
                p.shard,
                p.shards
            ))
        })?;
        if let Some(other) = slot {
            return Err(Failure::Usage(format!(
                "{} and {} are both shard {} of {}: remove the duplicate",
                other.display(),
                path.display(),
                p.shard,
                p.shards
            )));
        }
        *slot = Some(path);
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| (k + 1).to_string())
        .collect();
    if !missing.is_empty() {
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
    for (_, p) in &parts {
        tally.merge(&p.tally);
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
        quiet: a.quiet,
        precision: None,
    };
    let rec = pipeline::record(&inputs, &st, tally.trials, None);
    let dest = pipeline::write_results(&a.out, a.force, &inputs.scenario, &tally, rec)?;
    if !a.quiet {
        crate::outln!("merged {} parts: {}", parts.len(), dest.display());
    }
    Ok(())
}
