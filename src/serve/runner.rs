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
    /// Each page's latest request: its number and its job's stop flag.
    latest: HashMap<String, (u64, Arc<AtomicBool>)>,
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

    /// Queues a run of `trials` trials of `scenario` for request number
    /// `seq` of page `client`. A run of an earlier request of the same page,
    /// queued or running, is cancelled (its reply is None), and so is this
    /// one at once when a later request of the page came first.
    pub fn submit(
        &self,
        client: Option<(&str, u64)>,
        scenario: Arc<Scenario>,
        trials: u64,
    ) -> Receiver<Reply> {
        let (reply, answer) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let mut st = lock(&self.shared.state);
        if let Some((c, seq)) = client {
            match st.latest.get(c) {
                Some((later, _)) if *later > seq => {
                    drop(st);
                    self.shared.cancelled.fetch_add(1, Ordering::Relaxed);
                    let _ = reply.send(None);
                    return answer;
                }
                Some((_, older)) => older.store(true, Ordering::Relaxed),
                None => {}
            }
            st.latest.insert(c.to_string(), (seq, stop.clone()));
        }
        st.queue.push_back(Job {
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
        for (_, stop) in st.latest.values() {
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
            finish(shared, false);
            let _ = job.reply.send(None);
            continue;
        };
        match &mut job.tally {
            Some(t) => t.merge(&part),
            None => job.tally = Some(part),
        }
        job.next = end;
        if job.next >= all {
            finish(shared, true);
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

/// Counts a job that will not run again. Its page's latest request number
/// stays, so that an earlier request arriving late is still cancelled.
fn finish(shared: &Shared, completed: bool) {
    let counter = if completed {
        &shared.finished
    } else {
        &shared.cancelled
    };
    counter.fetch_add(1, Ordering::Relaxed);
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
        let other = runner.submit(Some(("b", 1)), s.clone(), 2_000_000);
        let older = runner.submit(Some(("a", 1)), s.clone(), 10_000);
        let newer = runner.submit(Some(("a", 3)), s.clone(), 20_000);
        // A request that arrives after a later one of its page is cancelled at once.
        let late = runner.submit(Some(("a", 2)), s.clone(), 30_000);
        assert_eq!(late.recv().unwrap(), None);
        assert_eq!(older.recv().unwrap(), None);
        assert_eq!(newer.recv().unwrap().map(|t| t.trials), Some(20_000));
        assert_eq!(other.recv().unwrap().map(|t| t.trials), Some(2_000_000));
        assert_eq!(runner.counts(), (2, 2));
    }

    #[test]
    fn a_short_run_does_not_wait_for_a_long_one() {
        let s = scenario();
        let runner = Runner::start(7, 1);
        let long = runner.submit(Some(("a", 1)), s.clone(), 4_000_000);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let short = runner.submit(Some(("b", 1)), s.clone(), 4096);
        assert!(short.recv().unwrap().is_some());
        // The long run is still going when the short one comes back.
        assert!(long.try_recv().is_err());
        assert!(long.recv().unwrap().is_some());
    }
}
