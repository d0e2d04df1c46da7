//! Two trials told step by step for the report (`muster trace`): a typical
//! failure, and the first success when there is one among the trials read.

use crate::engine::{self, reference};
use crate::output::trace::{self, Story};
use crate::scenario::Scenario;

/// Trials read to find the stories: enough to meet a typical trial, few
/// enough to cost little next to the run.
pub const STORY_TRIALS: u64 = 20_000;

/// The typical failure is the earliest failed trial whose personnel at the
/// horizon is closest to the run's median (`median`, people); the first
/// success is the earliest successful trial. Both among the first
/// `STORY_TRIALS` trials of the run.
pub fn stories(s: &Scenario, seed: u64, trials: u64, median: u64) -> Vec<Story> {
    let outcomes = engine::outcomes(s, seed, trials.min(STORY_TRIALS));
    let typical = outcomes
        .iter()
        .enumerate()
        .filter(|(_, (success, _))| !success)
        .min_by_key(|(k, (_, personnel))| (personnel.abs_diff(median), *k))
        .map(|(k, _)| k as u64 + 1);
    let success = outcomes.iter().position(|(success, _)| *success);
    let mut out = Vec::new();
    let mut tell = |title: &str, trial: u64| {
        let t = reference::trace(s, seed, trial);
        out.push(Story {
            title: title.into(),
            trial,
            words: trace::words(s, seed, &t),
        });
    };
    if let Some(k) = typical {
        tell("A typical failure", k);
    }
    if let Some(k) = success {
        tell("The first success", k as u64 + 1);
    }
    out
}
