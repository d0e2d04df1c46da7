//! The page's questions and their answers as JSON: the scenario and its
//! controls; a run with overrides (refused with the reason beside the
//! control at fault, or cancelled by a newer run of the same page); saving
//! the scenario and the results. Runs are cached for a while by their
//! overrides and trials, so that saving and returning to a value rerun
//! nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Deserialize;
use serde_json::{Value, json};

use super::answer::answer;
use super::command::run_line;
use super::controls::{Group, controls};
use super::runner::Runner;
use super::save;
use super::session::{PRECISION_FACTOR, Refusal, Session};
use crate::app::{Failure, pipeline};
use crate::scenario::Scenario;
use crate::stats::results::{self, Table};
use crate::stats::tally::Tally;

/// Runs kept for reuse.
const CACHED_RUNS: usize = 16;

/// A status and a JSON body.
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply { status: 200, body }
    }

    pub fn bad(message: String) -> Reply {
        Reply {
            status: 400,
            body: json!({ "error": message }),
        }
    }

    fn refused(r: Refusal) -> Reply {
        Reply {
            status: 422,
            body: json!({ "error": r.message, "key": r.key }),
        }
    }
}

/// What the page sends.
#[derive(Debug, Deserialize)]
struct Ask {
    /// The page's own id: its newer run cancels its older one.
    #[serde(default)]
    client: Option<String>,
    /// A number the page gives each request, sent back with the answer.
    #[serde(default)]
    seq: Option<u64>,
    #[serde(default)]
    overrides: Vec<String>,
    /// "More precision": ten times the trials.
    #[serde(default)]
    precise: bool,
    /// The file name to save a scenario as.
    #[serde(default)]
    name: Option<String>,
}

type Cache = VecDeque<(String, u64, Arc<Tally>)>;

/// The file's own answer at one trial count, computed once.
type BaseSlot = OnceLock<Option<Arc<Vec<Table>>>>;

/// The server's state: the scenario, its controls, the run queue, the
/// file's own answer at each trial count, and recent runs.
pub struct Api {
    session: Session,
    runner: Runner,
    controls: Vec<Group>,
    base: Mutex<HashMap<u64, Arc<BaseSlot>>>,
    cache: Mutex<Cache>,
}

impl Api {
    pub fn new(session: Session) -> Api {
        Api {
            runner: Runner::start(session.seed, session.threads),
            controls: controls(&session.base, &session.text),
            session,
            base: Mutex::new(HashMap::new()),
            cache: Mutex::new(VecDeque::new()),
        }
    }

    /// The scenario, its controls and the settings of its runs.
    pub fn scenario(&self) -> Reply {
        let s = &self.session;
        Reply::ok(json!({
            "name": s.base.name,
            "description": s.base.description,
            "file": s.file(),
            "format": s.base.format,
            "seed": s.seed,
            "trials": s.trials,
            "precise_trials": s.trials * PRECISION_FACTOR,
            "groups": self.controls,
        }))
    }

    pub fn post(&self, path: &str, body: &Value) -> Reply {
        let ask: Ask = match serde_json::from_value(body.clone()) {
            Ok(a) => a,
            Err(e) => return Reply::bad(format!("the request is not understood: {e}")),
        };
        match path {
            "/api/run" => self.run(&ask),
            "/api/save-scenario" => self.save_scenario(&ask),
            "/api/save-results" => self.save_results(&ask),
            _ => Reply {
                status: 404,
                body: json!({ "error": "no such request" }),
            },
        }
    }

    fn trials(&self, ask: &Ask) -> u64 {
        self.session.trials * if ask.precise { PRECISION_FACTOR } else { 1 }
    }

    /// The run's tally, from the cache or the queue; None when a newer run
    /// of the same page cancelled it.
    fn tally(
        &self,
        client: Option<(&str, u64)>,
        key: &[String],
        s: &Scenario,
        trials: u64,
    ) -> Option<Arc<Tally>> {
        let key = key.join("\n");
        let cached = lock(&self.cache)
            .iter()
            .find(|(k, n, _)| *k == key && *n == trials)
            .map(|(_, _, t)| t.clone());
        if cached.is_some() {
            return cached;
        }
        let t = Arc::new(
            self.runner
                .submit(client, Arc::new(s.clone()), trials)
                .recv()
                .ok()??,
        );
        let mut cache = lock(&self.cache);
        cache.push_back((key, trials, t.clone()));
        if cache.len() > CACHED_RUNS {
            cache.pop_front();
        }
        Some(t)
    }

    /// The tables of the file's own answer at `trials`. Requests at other
    /// trial counts do not wait for it.
    fn base(&self, trials: u64) -> Option<Arc<Vec<Table>>> {
        let slot = lock(&self.base).entry(trials).or_default().clone();
        slot.get_or_init(|| {
            let t = self.tally(None, &[], &self.session.base, trials)?;
            Some(Arc::new(results::tables(&self.session.base, &t)))
        })
        .clone()
    }

    fn command(&self, overrides: &[String], s: &Scenario, trials: u64) -> String {
        let seed = self.session.seed;
        run_line(
            &self.session.file(),
            overrides,
            (trials != s.trials).then_some(trials),
            (seed != s.seed).then_some(seed),
        )
    }

    fn run(&self, ask: &Ask) -> Reply {
        let asked = std::time::Instant::now();
        let (expanded, s) = match self.session.load(&ask.overrides) {
            Ok(x) => x,
            Err(r) => return Reply::refused(r),
        };
        let trials = self.trials(ask);
        let base = self.base(trials);
        let client = ask.client.as_deref().map(|c| (c, ask.seq.unwrap_or(0)));
        let started = std::time::Instant::now();
        let Some(t) = self.tally(client, &expanded, &s, trials) else {
            return Reply::ok(json!({ "superseded": true, "seq": ask.seq }));
        };
        let inputs = self.session.inputs(&expanded, s.clone());
        let rec = pipeline::record(&inputs, &self.session.settings(trials), trials, None);
        let ran = started.elapsed();
        let mut body = answer(&s, &t, base.as_deref().map(|b| b.as_slice()), &rec);
        // Where the time went: loading the overrides, waiting and
        // simulating, then the answer.
        body["server_ms"] = json!({
            "load": (started - asked).as_secs_f64() * 1000.0,
            "run": ran.as_secs_f64() * 1000.0,
            "answer": (started.elapsed() - ran).as_secs_f64() * 1000.0,
        });
        body["seq"] = json!(ask.seq);
        body["overrides"] = json!(expanded);
        body["command"] = json!(self.command(&expanded, &s, trials));
        Reply::ok(body)
    }

    fn save_scenario(&self, ask: &Ask) -> Reply {
        let (expanded, s) = match self.session.load(&ask.overrides) {
            Ok(x) => x,
            Err(r) => return Reply::refused(r),
        };
        if expanded.is_empty() {
            return Reply::bad("nothing to save: no control has been moved".into());
        }
        match save::scenario_file(&self.session, &expanded, &s, ask.name.as_deref()) {
            Ok(path) => Reply::ok(json!({ "path": path.display().to_string() })),
            Err(e) => Reply::bad(e),
        }
    }

    fn save_results(&self, ask: &Ask) -> Reply {
        let (expanded, s) = match self.session.load(&ask.overrides) {
            Ok(x) => x,
            Err(r) => return Reply::refused(r),
        };
        let trials = self.trials(ask);
        let Some(t) = self.tally(None, &expanded, &s, trials) else {
            return Reply::bad("the run was stopped".into());
        };
        match save::result_folder(&self.session, &expanded, &s, &t) {
            Ok(path) => Reply::ok(json!({
                "path": path.display().to_string(),
                "command": self.command(&expanded, &s, trials),
            })),
            Err(Failure::Usage(m)) => Reply::bad(m),
            Err(Failure::Run(e)) => Reply::bad(format!("{e:#}")),
            Err(Failure::Interrupted) => Reply::bad("interrupted".into()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
