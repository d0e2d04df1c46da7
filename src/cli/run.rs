//! `muster run`: simulate scenarios and write their result folders, or one
//! shard's share of the batches as a part file.

use super::{Failure, Outcome};
use crate::app::pipeline::{self, Inputs, Settings};
use crate::app::settings::{self, RunOptions};
use crate::engine::batch_count;
use crate::output::terminal;
use crate::stats::facts::Facts;
use crate::stats::results;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub run: RunOptions,
    /// Result folder (with several scenarios: the parent folder).
    #[arg(long)]
    pub out: Option<PathBuf>,
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

pub fn settings(a: &RunArgs, inputs: &Inputs) -> Result<Settings, Failure> {
    let mut trials = a.run.trials.unwrap_or(inputs.scenario.trials);
    settings::check_trials(trials, "--trials")?;
    if let Some(p) = a.precision {
        if !(p > 0.0 && p < 1.0) {
            return Err(Failure::Usage(format!(
                "--precision {p} must be between 0 and 1, e.g. 0.005"
            )));
        }
        settings::check_trials(a.max_trials, "--max-trials")?;
        trials = a.max_trials;
    }
    Ok(Settings {
        seed: a.run.seed.unwrap_or(inputs.scenario.seed),
        trials,
        threads: settings::threads(a.run.threads)?,
        quiet: a.run.quiet,
        precision: a.precision,
    })
}

fn stem(path: &Path) -> String {
    crate::app::variants::stem(path)
}

/// The result folder of one scenario.
fn destination(a: &RunArgs, path: &Path, inputs: &Inputs, st: &Settings) -> PathBuf {
    let stem = stem(path);
    match &a.out {
        Some(dir) if a.scenarios.len() == 1 => dir.clone(),
        Some(dir) => dir.join(stem),
        None => {
            let own = a.run.set.is_empty()
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
        let overrides = crate::app::variants::expand_all(p, &a.run.set)?;
        let inputs = pipeline::load(p, &overrides)?;
        let st = settings(&a, &inputs)?;
        loaded.push((p, inputs, st));
    }
    // Refuse a destination before running anything, not after.
    if a.shard.is_none() {
        for (path, inputs, st) in &loaded {
            crate::output::folder::precheck(&destination(&a, path, inputs, st), a.force)
                .map_err(|e| Failure::Usage(format!("{e:#}")))?;
        }
    }
    for (path, inputs, st) in loaded {
        if let Some(spec) = &a.shard {
            let (k, n) = crate::app::part::parse_shard(spec, a.shard_count)?;
            crate::app::part::run_shard(a.out.as_deref(), a.run.quiet, &inputs, &st, k, n)?;
            continue;
        }
        let dest = destination(&a, path, &inputs, &st);
        let (tally, met) = pipeline::simulate(&inputs.scenario, &st)?;
        let rec = pipeline::record(&inputs, &st, tally.trials, met);
        let written = pipeline::write_results(&dest, a.force, &inputs.scenario, &tally, rec)?;
        if a.run.quiet {
            continue;
        }
        let tables = results::tables(&inputs.scenario, &tally);
        let colour = terminal::use_colour();
        crate::outln!(
            "{}: {} trials, seed {}",
            inputs.scenario.name,
            tally.trials,
            st.seed
        );
        let facts = Facts::of_run(&inputs.scenario, &tally);
        crate::out!("{}", terminal::answer_text(&facts, &tables, colour));
        crate::outln!();
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
        crate::out!("{}", terminal::summary_text(&tables, tally.trials, colour));
    }
    Ok(())
}
