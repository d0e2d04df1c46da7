//! What every simulating command is asked: trials, seed, threads, quiet and
//! `--set` overrides (one set of options, flattened into each command), and
//! the checks that turn them into the settings of a run.

use super::Failure;
use crate::limits::{MAX_TRIALS, THREADS_ALWAYS_ALLOWED, THREADS_PER_CORE};
use clap::Args;

/// Options every command that simulates shares.
#[derive(Debug, Clone, Args)]
pub struct RunOptions {
    /// Number of trials (default: the file's `trials`, else 100000).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed of the random streams (default: the file's `seed`, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors; no progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Override a scenario value: PATH=VALUE (repeatable), e.g. contributors.Indonesia.p_join=0.5
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

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
