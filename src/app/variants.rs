//! Running many variants of one scenario: the file is read and validated
//! once with the `--set` overrides, then each variant adds its own
//! overrides and is validated the same way. The same seed gives every
//! variant the same draws per entity (common random numbers), so that
//! differences between variants come from the change, not from noise.

use std::path::Path;
use std::sync::atomic::AtomicU64;

use super::Failure;
use super::pipeline::{self, Inputs, Settings};
use super::progress::{INTERRUPTED, with_progress};
use super::settings::{self, RunOptions};
use crate::engine::{self, batch_count};
use crate::scenario::{Override, Scenario, parse_scenario};
use crate::stats::tally::Tally;
use crate::whatif::metric::{Measure, Metric};
use crate::whatif::paths;

/// A scenario loaded with its `--set` overrides, ready to run variants of.
pub struct Runner {
    /// The base: file, text, hash, and the overrides as recorded.
    pub inputs: Inputs,
    pub settings: Settings,
    done: AtomicU64,
}

impl Runner {
    pub fn new(scenario: &Path, o: &RunOptions) -> Result<Runner, Failure> {
        let overrides = expand_all(scenario, &o.set)?;
        let inputs = pipeline::load(scenario, &overrides)?;
        let trials = o.trials.unwrap_or(inputs.scenario.trials);
        settings::check_trials(trials, "--trials")?;
        let settings = Settings {
            seed: o.seed.unwrap_or(inputs.scenario.seed),
            trials,
            threads: settings::threads(o.threads)?,
            quiet: o.quiet,
            precision: None,
        };
        Ok(Runner {
            inputs,
            settings,
            done: AtomicU64::new(0),
        })
    }

    /// The scenario with the base overrides and then `extra`, and `extra` as
    /// recorded (state probabilities rewritten to whole arrays).
    pub fn variant(&self, extra: &[String]) -> Result<(Scenario, Vec<String>), Failure> {
        let mut all = self.inputs.overrides.clone();
        let mut recorded = Vec::new();
        for o in extra {
            let o = if paths::may_name_a_state(o) {
                let s = self.parse(&all)?;
                paths::expand(&s, o).map_err(Failure::Usage)?
            } else {
                o.clone()
            };
            all.push(o.clone());
            recorded.push(o);
        }
        Ok((self.parse(&all)?, recorded))
    }

    fn parse(&self, overrides: &[String]) -> Result<Scenario, Failure> {
        let parsed = overrides
            .iter()
            .map(|o| Override::parse(o))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(parse_scenario(
            &self.inputs.text,
            &self.inputs.file,
            &parsed,
        )?)
    }

    /// Runs one variant.
    pub fn tally(&self, s: &Scenario) -> Result<Tally, Failure> {
        let st = &self.settings;
        engine::run(
            s,
            st.seed,
            st.trials,
            0..batch_count(st.trials),
            st.threads,
            &self.done,
            &INTERRUPTED,
        )
        .ok_or(Failure::Interrupted)
    }

    /// Runs one variant and measures `metric` in it; the scenario is first
    /// made to count what the metric reads (its personnel level).
    pub fn measured(&self, metric: &Metric, mut s: Scenario) -> Result<(Tally, Measure), Failure> {
        metric.prepare(&mut s);
        let t = self.tally(&s)?;
        let m = metric.measure(&s, &t);
        Ok((t, m))
    }

    /// Runs `work`, which runs about `runs` variants, under one progress bar.
    pub fn with_progress<T: Send>(&self, runs: u64, work: impl FnOnce() -> T + Send) -> T {
        let total = runs.saturating_mul(self.settings.trials);
        with_progress(self.settings.quiet, total, "trials", &self.done, work)
    }
}

/// Rewrites `--set` overrides of one state's probability in order, each
/// against the scenario as the overrides before it leave it.
pub fn expand_all(path: &Path, raw: &[String]) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::new();
    for o in raw {
        if paths::may_name_a_state(o) {
            let s = pipeline::load(path, &out)?.scenario;
            out.push(paths::expand(&s, o).map_err(Failure::Usage)?);
        } else {
            out.push(o.clone());
        }
    }
    Ok(out)
}

/// The file stem of a scenario path, for default output names.
pub fn stem(path: &Path) -> String {
    match path.file_stem().map(|s| s.to_string_lossy().into_owned()) {
        // `..toml` has the stem `.`: a folder name that is no name.
        Some(s) if !s.is_empty() && s != "." && s != ".." => s,
        _ => "scenario".into(),
    }
}
