//! `muster trace`: the story of one trial of a run, in words or as JSON.

use super::{Failure, Outcome};
use crate::app::pipeline;
use crate::app::settings::{self, RunOptions};
use crate::engine::reference;
use crate::output::trace;
use crate::scenario::clause::CmpOp;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The trial to tell, from 1 (trial N of `muster run` with the same seed).
    #[arg(long, conflicts_with = "first")]
    pub trial: Option<u64>,
    /// The first trial that is a `success`, a `failure`, or meets `personnel CMP N`
    /// (e.g. "personnel >= 10000"), among the run's trials.
    #[arg(long)]
    pub first: Option<String>,
    /// Write the story as one JSON object instead of words.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunOptions,
}

/// What `--first` asks for.
enum Wanted {
    Success,
    Failure,
    Personnel(CmpOp, u64),
}

fn wanted(text: &str) -> Result<Wanted, Failure> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let ops = [
        ("==", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
    ];
    match words.as_slice() {
        ["success"] => Ok(Wanted::Success),
        ["failure"] => Ok(Wanted::Failure),
        ["personnel", op, n] => {
            let op = ops.iter().find(|(s, _)| s == op).map(|(_, o)| *o);
            match (op, n.replace('_', "").parse::<u64>()) {
                (Some(op), Ok(n)) => Ok(Wanted::Personnel(op, n)),
                _ => Err(bad_first(text)),
            }
        }
        _ => Err(bad_first(text)),
    }
}

fn bad_first(text: &str) -> Failure {
    Failure::Usage(format!(
        "--first {text:?} is not understood; write success, failure or \"personnel >= 10000\" \
         (a comparison ==, !=, <, <=, >, >= and a whole number of people)"
    ))
}

pub fn run(a: TraceArgs) -> Outcome {
    let inputs = pipeline::load(&a.scenario, &a.run.set)?;
    let s = &inputs.scenario;
    let seed = a.run.seed.unwrap_or(s.seed);
    let trials = a.run.trials.unwrap_or(s.trials);
    settings::check_trials(trials, "--trials")?;
    let trial = match (&a.trial, &a.first) {
        (Some(n), _) => {
            if *n == 0 || *n > trials {
                return Err(Failure::Usage(format!(
                    "--trial {n} is outside the run's trials 1 to {trials} (set --trials for more)"
                )));
            }
            *n
        }
        (None, Some(text)) => {
            let want = wanted(text)?;
            let found = reference::first_trial(s, seed, trials, |success, personnel| match want {
                Wanted::Success => success,
                Wanted::Failure => !success,
                Wanted::Personnel(op, n) => op.holds(personnel, n),
            });
            match found {
                Some(n) => n,
                None => {
                    crate::errln!("No trial among the first {trials} is a {text}.");
                    return Ok(());
                }
            }
        }
        (None, None) => {
            return Err(Failure::Usage(
                "say which trial: --trial N, or --first success / failure / \"personnel >= N\""
                    .into(),
            ));
        }
    };
    let t = reference::trace(s, seed, trial);
    if a.json {
        crate::outln!("{}", trace::json(s, seed, &t));
    } else {
        crate::out!("{}", trace::words(s, seed, &t));
    }
    Ok(())
}
