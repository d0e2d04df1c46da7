//! The Monte Carlo engine: a pure function of (scenario, seed, trial count,
//! share of batches) to integer tallies. Workers take batches from a shared
//! counter; since tallies are integers, the result is the same whatever the
//! thread count or the order the batches finish in.

mod arrivals;
pub mod batch;
pub mod bitcount;
mod blockers;
mod coalition;
mod conditions;
mod draws;
mod eligibility;
mod negotiation;
pub mod paths;
mod pivotal;
pub mod plan;
pub mod reference;
mod roles;
pub mod sample;
mod scratch;
mod slots;
pub mod streams;
mod trial;
mod worlds;

use crate::scenario::Scenario;
use crate::stats::tally::Tally;
use batch::{BATCH, run_batch};
use plan::Plan;
use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
pub use scratch::Scratch;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use streams::Streams;

/// Number of batches in a run of `trials` trials.
pub fn batch_count(trials: u64) -> u64 {
    trials.div_ceil(BATCH as u64)
}

/// An empty tally shaped for `s`.
pub fn empty_tally(s: &Scenario) -> Tally {
    let reasons: Vec<usize> = (0..s.contributors.len())
        .map(|i| crate::stats::table::reasons(s, i).len())
        .collect();
    let states: Vec<usize> = s.conditions.iter().map(|c| c.states.len()).collect();
    Tally::new(&reasons, s.roles.len(), &states, s.milestones.len())
}

/// Runs batches `batches` of a run of `trials` trials on `threads` threads.
/// `done` counts finished trials, for progress display; when `stop` is set
/// the workers stop between batches and the result is None.
pub fn run(
    s: &Scenario,
    seed: u64,
    trials: u64,
    batches: Range<u64>,
    threads: usize,
    done: &AtomicU64,
    stop: &AtomicBool,
) -> Option<Tally> {
    if s.uses_time() {
        let streams = Streams::new(seed);
        let compiled = reference::Compiled::new(s);
        let work = |first, len, tally: &mut Tally, _: &mut ()| {
            reference::run_batch(s, &compiled, &streams, first, len, tally)
        };
        let finish = |_: (), _: &mut Tally| {};
        return run_workers(s, trials, batches, threads, done, stop, || (), work, finish);
    }
    run_plan(s, &Plan::new(s), seed, trials, batches, threads, done, stop)
}

/// The outcome of each of the first `trials` trials, as
/// `reference::outcomes` gives it (success, arrived personnel at the
/// horizon): from the engine that runs the scenario, batch by batch.
pub fn outcomes(s: &Scenario, seed: u64, trials: u64) -> Vec<(bool, u64)> {
    if s.uses_time() {
        return reference::outcomes(s, seed, trials);
    }
    let plan = Plan::new(s);
    let streams = Streams::new(seed);
    let mut scratch = Scratch::new(&plan);
    let mut tally = empty_tally(s);
    let mut all = Vec::with_capacity(trials as usize);
    for b in 0..batch_count(trials) {
        let first = b * BATCH as u64;
        let len = (trials - first).min(BATCH as u64) as usize;
        run_batch(s, &plan, &streams, first, len, &mut scratch, &mut tally);
        let trial = scratch.success[..len].iter().zip(&scratch.total[..len]);
        all.extend(trial.map(|(success, total)| (*success != 0, *total)));
    }
    all
}

/// `run` with a plan of chosen fast paths (`Plan::with_paths`).
#[allow(clippy::too_many_arguments)]
pub fn run_plan(
    s: &Scenario,
    plan: &Plan,
    seed: u64,
    trials: u64,
    batches: Range<u64>,
    threads: usize,
    done: &AtomicU64,
    stop: &AtomicBool,
) -> Option<Tally> {
    let streams = Streams::new(seed);
    let work = |first, len, tally: &mut Tally, scratch: &mut Scratch| {
        run_batch(s, plan, &streams, first, len, scratch, tally)
    };
    let finish = |mut scratch: Scratch, tally: &mut Tally| {
        scratch.flush_coalitions(tally);
        scratch.flush_fan(plan, tally);
        arrivals::tally_build_up_at_once(s, plan, tally);
    };
    let scratch = || Scratch::new(plan);
    run_workers(
        s, trials, batches, threads, done, stop, scratch, work, finish,
    )
}

/// The workers of a run: each takes batches from a shared counter with
/// its own scratch space and tally (`work` runs one batch: first trial,
/// length), then `finish`es; the tallies are added.
#[allow(clippy::too_many_arguments)]
fn run_workers<W>(
    s: &Scenario,
    trials: u64,
    batches: Range<u64>,
    threads: usize,
    done: &AtomicU64,
    stop: &AtomicBool,
    scratch: impl Fn() -> W + Sync,
    work: impl Fn(u64, usize, &mut Tally, &mut W) + Sync,
    finish: impl Fn(W, &mut Tally) + Sync,
) -> Option<Tally> {
    let next = AtomicU64::new(batches.start);
    let work = || {
        let mut tally = empty_tally(s);
        let mut w = scratch();
        loop {
            let b = next.fetch_add(1, Ordering::Relaxed);
            if b >= batches.end || stop.load(Ordering::Relaxed) {
                break;
            }
            let first = b * BATCH as u64;
            let len = (trials - first).min(BATCH as u64) as usize;
            work(first, len, &mut tally, &mut w);
            done.fetch_add(len as u64, Ordering::Relaxed);
        }
        finish(w, &mut tally);
        tally
    };
    let threads = threads.max(1);
    let parts: Vec<Tally> = if threads == 1 {
        vec![work()]
    } else {
        match pool(threads) {
            Some(pool) => pool.install(|| (0..threads).into_par_iter().map(|_| work()).collect()),
            None => vec![work()],
        }
    };
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let mut total = empty_tally(s);
    for p in &parts {
        total.merge(p);
    }
    Some(total)
}

/// The worker pool of `threads` threads, built once per process and kept
/// for later runs (sweeps and precision rounds run many); None when the
/// system refuses the threads.
fn pool(threads: usize) -> Option<Arc<ThreadPool>> {
    static POOLS: Mutex<Vec<(usize, Arc<ThreadPool>)>> = Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(p.clone());
    }
    let p = Arc::new(ThreadPoolBuilder::new().num_threads(threads).build().ok()?);
    pools.push((threads, p.clone()));
    Some(p)
}
