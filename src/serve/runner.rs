//! One simulation at a time, on all the worker threads, shared fairly
//! between the pages that ask: a run goes in slices of batches, and a run
//! with more to do goes back in the queue behind the others after each
//! slice, so that a long "more precision" run does not hold up a short
//! one. A page's newer request cancels its older run, queued or running
//! (the engine stops between batches). Slices add up exactly: tallies are
//! integers merged in any order.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

use crate::engine::{self, batch_count};
use crate::scenario::Scenario;
use crate::stats::tally::Tally;

/// Batches in one slice of a run (32 × 4,096 trials).
pub const SLICE_BATCHES: u64 = 32;

/// What a request gets back: the run's tally, or None when a newer request
/// of the same page cancelled it.
pub type Reply = Option<Tally>;

struct Job {
    client: Option<String>,
    scenario: Arc<Scenario>,
    trials: u64,
    /// The first batch not yet run.
    next: u64,
    tally: Option<Tally>,
    stop: Arc<AtomicBool>,
    reply: Sender<Reply>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Each page's latest job's stop flag.
    latest: HashMap<String, Arc<AtomicBool>>,
    closed: bool,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    seed: u64,
    threads: usize,
    /// Runs finished and runs cancelled, for the record.
    finished: AtomicU64,
    cancelled: AtomicU64,
}

/// The queue of runs and the thread that works through it.
pub struct Runner {
    shared: Arc<Shared>,
}

impl Runner {
    /// Starts the worker thread; runs use `seed` and `threads` threads.
    pub fn start(seed: u64, threads: usize) -> Runner {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            seed,
            threads,
            finished: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
        });
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("muster-runs".into())
            .spawn(move || work(&worker))
            .expect("starting the run thread");
        Runner { shared }
    }

    /// Queues a run of `trials` trials of `scenario`. A run of the same
    /// `client` still queued or running is cancelled (its reply is None).
    pub fn submit(
        &self,
        client: Option<&str>,
        scenario: Arc<Scenario>,
        trials: u64,
    ) -> Receiver<Reply> {
        let (reply, answer) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let mut st = lock(&self.shared.state);
        if let Some(c) = client
            && let Some(older) = st.latest.insert(c.to_string(), stop.clone())
        {
            older.store(true, Ordering::Relaxed);
        }
        st.queue.push_back(Job {
            client: client.map(str::to_string),
            scenario,
            trials,
            next: 0,
            tally: None,
            stop,
            reply,
        });
        drop(st);
        self.shared.wake.notify_one();
        answer
    }

    /// Runs finished and runs cancelled so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.shared.finished.load(Ordering::Relaxed),
            self.shared.cancelled.load(Ordering::Relaxed),
        )
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let mut st = lock(&self.shared.state);
        st.closed = true;
        for job in st.queue.drain(..) {
            job.stop.store(true, Ordering::Relaxed);
        }
        for stop in st.latest.values() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(st);
        self.shared.wake.notify_all();
    }
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The worker: takes the job at the front, runs one slice of it, and puts
/// it back at the end unless it is done or cancelled.
fn work(shared: &Shared) {
    loop {
        let mut job = {
            let mut st = lock(&shared.state);
            loop {
                if st.closed {
                    return;
                }
                if let Some(job) = st.queue.pop_front() {
                    break job;
                }
                st = shared.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        let all = batch_count(job.trials);
        let end = (job.next + SLICE_BATCHES).min(all);
        let done = AtomicU64::new(0);
        let part = if job.stop.load(Ordering::Relaxed) {
            None
        } else {
            engine::run(
                &job.scenario,
                shared.seed,
                job.trials,
                job.next..end,
                shared.threads,
                &done,
                &job.stop,
            )
        };
        let Some(part) = part else {
            finish(shared, &job, false);
            let _ = job.reply.send(None);
            continue;
        };
        match &mut job.tally {
            Some(t) => t.merge(&part),
            None => job.tally = Some(part),
        }
        job.next = end;
        if job.next >= all {
            finish(shared, &job, true);
            let _ = job.reply.send(job.tally.take());
            continue;
        }
        let mut st = lock(&shared.state);
        if st.closed {
            return;
        }
        st.queue.push_back(job);
    }
}

/// Forgets a job that will not run again.
fn finish(shared: &Shared, job: &Job, completed: bool) {
    let counter = if completed {
        &shared.finished
    } else {
        &shared.cancelled
    };
    counter.fetch_add(1, Ordering::Relaxed);
    if let Some(c) = &job.client {
        let mut st = lock(&shared.state);
        if st.latest.get(c).is_some_and(|s| Arc::ptr_eq(s, &job.stop)) {
            st.latest.remove(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scenario() -> Arc<Scenario> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml");
        Arc::new(crate::scenario::load_file(&path, &[]).unwrap().0)
    }

    #[test]
    fn slices_add_up_to_one_run() {
        let s = scenario();
        let trials = (SLICE_BATCHES * 3 + 1) * 4096 - 100;
        let runner = Runner::start(7, 2);
        let sliced = runner.submit(None, s.clone(), trials).recv().unwrap();
        let whole = engine::run(
            &s,
            7,
            trials,
            0..batch_count(trials),
            1,
            &AtomicU64::new(0),
            &AtomicBool::new(false),
        );
        assert_eq!(sliced, whole);
    }

    #[test]
    fn a_newer_request_cancels_the_older_one() {
        let s = scenario();
        let runner = Runner::start(7, 1);
        // A long run of another page holds the worker while the two arrive.
        let other = runner.submit(Some("b"), s.clone(), 2_000_000);
        let older = runner.submit(Some("a"), s.clone(), 10_000);
        let newer = runner.submit(Some("a"), s.clone(), 20_000);
        assert_eq!(older.recv().unwrap(), None);
        assert_eq!(newer.recv().unwrap().map(|t| t.trials), Some(20_000));
        assert_eq!(other.recv().unwrap().map(|t| t.trials), Some(2_000_000));
        assert_eq!(runner.counts(), (2, 1));
    }

    #[test]
    fn a_short_run_does_not_wait_for_a_long_one() {
        let s = scenario();
        let runner = Runner::start(7, 1);
        let long = runner.submit(Some("a"), s.clone(), 4_000_000);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let short = runner.submit(Some("b"), s.clone(), 4096);
        assert!(short.recv().unwrap().is_some());
        // The long run is still going when the short one comes back.
        assert!(long.try_recv().is_err());
        assert!(long.recv().unwrap().is_some());
    }
}
