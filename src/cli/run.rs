//! `muster run`: simulate scenarios and write their result folders, or one
//! shard's share of the batches as a part file.

use super::pipeline::{self, Inputs, Settings};
use super::{Failure, Outcome, merge};
use crate::engine::batch_count;
use crate::output::terminal;
use crate::stats::results;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Number of trials (default: the file's `trials`, else 100000).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed of the random streams (default: the file's `seed`, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Result folder (with several scenarios: the parent folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing but errors; no progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Override a scenario value: PATH=VALUE (repeatable), e.g. contributors.Indonesia.p_join=0.5
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Write into an existing folder that holds other files, replacing only muster's own.
    #[arg(long)]
    pub force: bool,
    /// Run in rounds of 65,536 trials until the 95% half-width of p_success is at most this.
    #[arg(long)]
    pub precision: Option<f64>,
    /// Upper limit of trials in precision mode.
    #[arg(long, default_value_t = 100_000_000)]
    pub max_trials: u64,
    /// Compute only shard K of N (`K/N`, K from 1), or `auto` from Slurm or Kubernetes.
    #[arg(long)]
    pub shard: Option<String>,
    /// Number of shards, with `--shard auto` on a Kubernetes Indexed Job.
    #[arg(long)]
    pub shard_count: Option<u64>,
}

pub use crate::limits::{MAX_TRIALS, THREADS_ALWAYS_ALLOWED, THREADS_PER_CORE};

/// The worker threads to run: `--threads` checked against its limits (at
/// least 1, at most [`THREADS_PER_CORE`] per core or 64), then no more than the
/// cores. Results do not depend on the count, and each worker keeps its own
/// tallies (a personnel histogram of up to 80 MB), so workers beyond the
/// cores would cost memory and time and gain nothing.
pub fn threads(requested: Option<usize>) -> Result<usize, Failure> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let limit = cores
        .saturating_mul(THREADS_PER_CORE)
        .max(THREADS_ALWAYS_ALLOWED);
    match requested {
        Some(0) => Err(Failure::Usage("--threads must be at least 1".into())),
        Some(t) if t > limit => Err(Failure::Usage(format!(
            "--threads {t} is above the limit of {limit} ({THREADS_PER_CORE} per core on {cores} cores, \
             at least {THREADS_ALWAYS_ALLOWED}); muster runs at most one worker per core"
        ))),
        Some(t) => Ok(t.min(cores)),
        None => Ok(cores),
    }
}

/// Checks a trial count.
pub fn check_trials(trials: u64, flag: &str) -> Result<(), Failure> {
    if trials == 0 {
        return Err(Failure::Usage(format!("{flag} must be at least 1 (got 0)")));
    }
    if trials > MAX_TRIALS {
        return Err(Failure::Usage(format!(
            "{flag} {trials} is above the limit of {MAX_TRIALS}"
        )));
    }
    Ok(())
}

pub fn settings(a: &RunArgs, inputs: &Inputs) -> Result<Settings, Failure> {
    let mut trials = a.trials.unwrap_or(inputs.scenario.trials);
    check_trials(trials, "--trials")?;
    if let Some(p) = a.precision {
        if !(p > 0.0 && p < 1.0) {
            return Err(Failure::Usage(format!(
                "--precision {p} must be between 0 and 1, e.g. 0.005"
            )));
        }
        check_trials(a.max_trials, "--max-trials")?;
        trials = a.max_trials;
    }
    Ok(Settings {
        seed: a.seed.unwrap_or(inputs.scenario.seed),
        trials,
        threads: threads(a.threads)?,
        quiet: a.quiet,
        precision: a.precision,
    })
}

fn stem(path: &Path) -> String {
    crate::whatif::runner::stem(path)
}

/// The result folder of one scenario.
fn destination(a: &RunArgs, path: &Path, inputs: &Inputs, st: &Settings) -> PathBuf {
    let stem = stem(path);
    match &a.out {
        Some(dir) if a.scenarios.len() == 1 => dir.clone(),
        Some(dir) => dir.join(stem),
        None => {
            let own = a.set.is_empty()
                && a.precision.is_none()
                && st.seed == inputs.scenario.seed
                && st.trials == inputs.scenario.trials;
            if own {
                PathBuf::from("results").join(stem)
            } else {
                PathBuf::from("results")
                    .join(format!("{stem}-{}", pipeline::inputs_hash(inputs, st)))
            }
        }
    }
}

pub fn run(a: RunArgs) -> Outcome {
    let mut stems: Vec<String> = Vec::new();
    for p in &a.scenarios {
        let s = stem(p);
        if stems.contains(&s) {
            return Err(Failure::Usage(format!(
                "two scenarios share the file stem \"{s}\"; their result folders would collide: rename one"
            )));
        }
        stems.push(s);
    }
    if a.shard.is_none() && a.shard_count.is_some() {
        return Err(Failure::Usage(
            "--shard-count goes with --shard auto on a Kubernetes Indexed Job; without --shard it does nothing"
                .into(),
        ));
    }
    if a.shard.is_some() {
        if a.scenarios.len() != 1 {
            return Err(Failure::Usage("--shard takes exactly one scenario".into()));
        }
        if a.precision.is_some() {
            return Err(Failure::Usage(
                "--precision and --shard do not combine: precision mode decides its trial count as it goes; \
                 give shards a fixed --trials"
                    .into(),
            ));
        }
    }
    // Validate every scenario before running any.
    let mut loaded = Vec::new();
    for p in &a.scenarios {
        let overrides = crate::whatif::runner::expand_all(p, &a.set)?;
        let inputs = pipeline::load(p, &overrides)?;
        let st = settings(&a, &inputs)?;
        loaded.push((p, inputs, st));
    }
    for (path, inputs, st) in loaded {
        if let Some(spec) = &a.shard {
            let (k, n) = merge::parse_shard(spec, a.shard_count)?;
            merge::run_shard(&a, &inputs, &st, k, n)?;
            continue;
        }
        let dest = destination(&a, path, &inputs, &st);
        let (tally, met) = pipeline::simulate(&inputs.scenario, &st)?;
        let rec = pipeline::record(&inputs, &st, tally.trials, met);
        let written = pipeline::write_results(&dest, a.force, &inputs.scenario, &tally, rec)?;
        if a.quiet {
            continue;
        }
        crate::outln!(
            "{}: {} trials, seed {}",
            inputs.scenario.name,
            tally.trials,
            st.seed
        );
        if written != dest {
            crate::outln!(
                "results: {} (resolved from {})",
                written.display(),
                dest.display()
            );
        } else {
            crate::outln!("results: {}", written.display());
        }
        if let (Some(p), Some(met)) = (st.precision, met) {
            if met {
                crate::outln!("  precision {p} met after {} trials", tally.trials);
            } else {
                crate::outln!(
                    "  precision {p} NOT met: stopped at the limit of {} trials ({} batches)",
                    tally.trials,
                    batch_count(tally.trials)
                );
            }
        }
        let tables = results::tables(&inputs.scenario, &tally);
        crate::out!(
            "{}",
            terminal::summary_text(&tables, terminal::use_colour())
        );
    }
    Ok(())
}
