//! The command line: clap definitions and dispatch. Each subcommand lives in
//! its own file with a `run(args) -> Result<()>`.

pub mod check;
pub mod compare;
pub mod merge;
pub mod provenance;
pub mod run;
pub mod score;
pub mod sensitivity;
pub mod serve;
pub mod solve;
pub mod sweep;
pub mod trace;

use std::io::Write;
use std::sync::Mutex;

/// The first error met writing to stdout or stderr; the run goes on, and
/// the exit status reports it (a closed pipe is not an error).
static OUTPUT_ERROR: Mutex<Option<std::io::Error>> = Mutex::new(None);

/// Writes to stdout without panicking when it is closed or full.
pub fn write_stdout(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        note_output_error(e);
    }
}

/// Writes to stderr without panicking when it is closed or full.
pub fn write_stderr(args: std::fmt::Arguments) {
    let mut out = std::io::stderr().lock();
    if let Err(e) = out.write_fmt(args) {
        note_output_error(e);
    }
}

fn note_output_error(e: std::io::Error) {
    if let Ok(mut slot) = OUTPUT_ERROR.lock()
        && slot.is_none()
    {
        *slot = Some(e);
    }
}

/// Flushes stdout and returns the first error met writing output, if any.
pub fn output_error() -> Option<std::io::Error> {
    if let Err(e) = std::io::stdout().lock().flush() {
        note_output_error(e);
    }
    OUTPUT_ERROR.lock().ok().and_then(|mut slot| slot.take())
}

/// `println!` that records a write error instead of panicking.
#[macro_export]
macro_rules! outln {
    () => { $crate::cli::write_stdout(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` that records a write error instead of panicking.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*)) };
}

/// `eprintln!` that records a write error instead of panicking.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::write_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

use clap::{Parser, Subcommand};

/// Monte Carlo simulation of force-generation negotiations.
#[derive(Debug, Parser)]
#[command(name = "muster", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write their result folders.
    Run(run::RunArgs),
    /// Validate scenarios without running them and describe them.
    Check(check::CheckArgs),
    /// Combine shard parts into the result folder of the whole run.
    Merge(merge::MergeArgs),
    /// Run a scenario over a grid of values of one or more inputs; one CSV row per point.
    Sweep(sweep::SweepArgs),
    /// Rank the inputs by how much a metric (P(success) by default) swings between their low and high settings.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Find the smallest (or largest) value of one input that meets a goal.
    Solve(solve::SolveArgs),
    /// Compare two result folders metric by metric, with significance after Holm's correction.
    Compare(compare::CompareArgs),
    /// Tell the story of one trial: draws, decision times, arrivals, verdict.
    Trace(trace::TraceArgs),
    /// Grade a result folder against what happened (a precedent's outcomes file), next to two baselines.
    Score(score::ScoreArgs),
    /// A local what-if page: a control for every input, the answer rerun as they move.
    Serve(serve::ServeArgs),
}

pub use crate::app::{Failure, Outcome};

/// `--metric NAME` of the what-if commands, or a usage error that names it
/// and says what is wrong (with the list of metrics when it is unknown).
pub fn metric_arg(text: &str) -> Result<crate::whatif::metric::Metric, Failure> {
    use crate::whatif::metric::{Metric, NAMES};
    Metric::parse(text).map_err(|why| {
        let list = if why.starts_with("unknown") {
            format!("; the metrics are {NAMES}")
        } else {
            String::new()
        };
        Failure::Usage(format!("--metric {text}: {why}{list}"))
    })
}

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> Outcome {
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Solve(a) => solve::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Trace(a) => trace::run(a),
        Command::Score(a) => score::run(a),
        Command::Serve(a) => serve::run(a),
    }
}
