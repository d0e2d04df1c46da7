//! Robustness of `muster run` against the world: runs killed at random
//! moments leave either the previous results or the new ones, never a mix;
//! folders holding other files are not clobbered; symlinked destinations
//! are resolved and reported; stale temporaries are cleaned up; the edges of
//! the numbers (probabilities 0 and 1, point distributions, unreachable
//! targets) give exact results and no file ever holds NaN or inf; every
//! limit of the scenario format is inclusive.

use crate::util::{SplitMix, assert_ok, muster, run_in, stderr, stdout};
use muster::output::run_record::RunRecord;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// z of the 95% intervals.
const Z: f64 = 1.959963984540054;

fn tutorial(dir: &Path) -> &'static str {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("scenario.toml"), text).unwrap();
    "scenario.toml"
}

/// Every file of a folder, by name.
type Snapshot = BTreeMap<String, Vec<u8>>;

fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            files.insert(format!("{name}/"), Vec::new());
        } else {
            files.insert(name, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// A complete result folder: run.toml lists exactly the other files.
fn complete(dir: &Path) -> Result<Snapshot, String> {
    if !dir.exists() {
        return Err(format!("{} does not exist", dir.display()));
    }
    let snap = snapshot(dir);
    let rec = RunRecord::read(dir).map_err(|e| format!("{e:#}"))?;
    let mut listed = rec.files.clone();
    listed.push("run.toml".into());
    listed.sort();
    let present: Vec<String> = snap.keys().cloned().collect();
    if listed != present {
        return Err(format!(
            "run.toml lists {listed:?}, the folder holds {present:?}"
        ));
    }
    Ok(snap)
}

/// Temporaries muster leaves beside `dest` (`.NAME.muster-tmp-PID`).
fn temporaries(dest: &Path) -> Vec<String> {
    let name = dest.file_name().unwrap().to_string_lossy().into_owned();
    let prefix = format!(".{name}.muster-tmp-");
    let parent = dest.parent().unwrap();
    let mut found: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with(&prefix))
        .collect();
    found.sort();
    found
}

/// Every cell of every CSV in `dir` that reads as a number is finite, and
/// none is written NaN or inf in any spelling.
fn assert_no_nan_or_inf(dir: &Path) {
    let mut csvs = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        csvs += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            for cell in line.split(',') {
                let lower = cell.trim().to_ascii_lowercase();
                let bad = matches!(
                    lower.trim_start_matches(['-', '+']),
                    "nan" | "inf" | "infinity"
                ) || cell.parse::<f64>().is_ok_and(|v| !v.is_finite());
                assert!(
                    !bad,
                    "{}:{}: cell {cell:?} in {line:?}",
                    path.display(),
                    i + 1
                );
            }
        }
    }
    assert!(csvs >= 5, "{}: only {csvs} CSV files", dir.display());
}

// ---------------------------------------------------------------------
// Killed runs never leave half-written results.

fn spawn_run(dir: &Path, scenario: &str, trials: u64, seed: u64, out: &str) -> Child {
    muster()
        .args(["run", scenario, "--out", out])
        .args(["--trials", &trials.to_string(), "--seed", &seed.to_string()])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("muster starts")
}

fn signal(child: &Child, sig: i32) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sending a signal to our own child process, which has not been
    // waited for yet, so its pid cannot have been reused.
    unsafe {
        libc::kill(pid, sig);
    }
}

fn terminated_by(status: &ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

/// Waits for a child, killing it when it outlives `limit`.
fn wait_at_most(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().ok();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {limit:?}: {}", stderr(&out));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// A stress test of a minute or two: CI runs it as its own step with a fixed
/// MUSTER_KILL_SEED (`cargo test --test main -- --ignored killed_runs`).
#[test]
#[ignore = "stress test, run as its own CI step"]
fn killed_runs_leave_the_previous_or_the_new_results_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let scenario = tutorial(root);
    let seed_of_schedule = std::env::var("MUSTER_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    let mut rng = SplitMix(seed_of_schedule);
    let context = format!("(MUSTER_KILL_SEED={seed_of_schedule} repeats this schedule)");

    // Calibrate: a run of about 1.2 s, whatever the engine's speed.
    let probe = 250_000;
    let start = Instant::now();
    assert_ok(&run_in(
        root,
        &[
            "run",
            scenario,
            "--out",
            "probe",
            "--trials",
            &probe.to_string(),
        ],
    ));
    let per_trial = start.elapsed().as_secs_f64() / probe as f64;
    let mut trials = ((1.2 / per_trial) as u64).clamp(probe, 200_000_000);

    // The two complete sets, differing by seed. Other tests share the
    // machine, so the probe may have been slow: recalibrate on these.
    let seeds = [11_u64, 22];
    let mut sets = Vec::new();
    let mut duration = Duration::ZERO;
    for attempt in 0..3 {
        sets.clear();
        let start = Instant::now();
        for (i, seed) in seeds.iter().enumerate() {
            let out = format!("reference{i}");
            let o = wait_at_most(
                spawn_run(root, scenario, trials, *seed, &out),
                Duration::from_secs(120),
            );
            assert_ok(&o);
            let set = complete(&root.join(&out)).unwrap();
            assert_no_nan_or_inf(&root.join(&out));
            sets.push(set);
        }
        duration = start.elapsed() / 2;
        let seconds = duration.as_secs_f64();
        if (0.8..=2.0).contains(&seconds) || attempt == 2 {
            break;
        }
        trials = ((trials as f64 * 1.2 / seconds) as u64).clamp(probe, 200_000_000);
    }
    // How long writing the files takes, learnt as the runs go.
    let mut writing = Duration::from_millis(100);
    assert_ne!(sets[0]["summary.csv"], sets[1]["summary.csv"]);
    assert_ne!(sets[0]["run.toml"], sets[1]["run.toml"]);

    let dest = root.join("results");
    // `current`: which set the destination holds (None: absent).
    let mut current: Option<usize> = None;
    let signals = [libc::SIGKILL, libc::SIGINT, libc::SIGTERM];
    let (mut finished, mut interrupted, mut killed, mut while_writing) = (0, 0, 0, 0);
    // At least 21 runs stopped mid-way, 7 by each of the three signals.
    let mut stopped_by = [0; 3];
    let mut round = 0;
    while stopped_by.iter().any(|&n| n < 7) && round < 90 {
        round += 1;
        let new = current.map_or(0, |c| 1 - c);
        let sig = signals[round % 3];
        let stopped_before = interrupted + killed;
        let mut child = spawn_run(root, scenario, trials, seeds[new], "results");
        let pid = child.id();
        let own = format!(".results.muster-tmp-{pid}");
        let started = Instant::now();
        // Polls until `done` or the run ends; true when it ended first.
        let poll_until = |child: &mut Child, done: &dyn Fn(Duration) -> bool| {
            while !done(started.elapsed()) {
                if child.try_wait().unwrap().is_some() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            false
        };
        let ended_by_itself = if rng.next().is_multiple_of(2) {
            // Any moment of the run. A run that ends first tells how long
            // runs take now (other tests share the machine).
            let delay = duration.mul_f64(rng.unit());
            let ended = poll_until(&mut child, &|t| t >= delay);
            if ended {
                duration = started.elapsed();
            }
            ended
        } else {
            // A moment while the files are written and swapped in: once the
            // temporary folder appears, within the time writing takes.
            poll_until(&mut child, &|_| temporaries(&dest).contains(&own)) || {
                let from = started.elapsed();
                let delay = from + writing.mul_f64(1.2 * rng.unit());
                let ended = poll_until(&mut child, &|t| t >= delay);
                if ended {
                    writing = started.elapsed() - from;
                }
                ended
            }
        };
        let delay = started.elapsed();
        if !ended_by_itself && temporaries(&dest).contains(&own) {
            while_writing += 1;
        }
        let o = if ended_by_itself {
            child.wait_with_output().unwrap()
        } else if sig == libc::SIGKILL {
            child.kill().ok();
            child.wait_with_output().unwrap()
        } else {
            signal(&child, sig);
            wait_at_most(child, Duration::from_secs(60))
        };
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "round {round}: {err} {context}");
        match (o.status.code(), terminated_by(&o.status)) {
            (Some(0), _) => finished += 1,
            (Some(130), _) if sig != libc::SIGKILL => {
                interrupted += 1;
                assert_eq!(err, "interrupted\n", "round {round} {context}");
                assert!(
                    !temporaries(&dest).contains(&own),
                    "round {round}: an interrupted run left {own} {context}"
                );
            }
            // SIGKILL, or SIGINT/SIGTERM before the handler was installed.
            (None, Some(s)) if s == sig => killed += 1,
            _ => panic!("round {round}: {:?} {err} {context}", o.status),
        }
        // What the status promises: finished runs leave the new set,
        // interrupted ones the previous set.
        let promised = match o.status.code() {
            Some(0) => Some(Some(new)),
            Some(130) => Some(current),
            _ => None,
        };
        if let Some(p) = promised {
            let holds = complete(&dest).ok();
            assert!(
                holds.as_ref() == p.map(|i| &sets[i]),
                "round {round}: status {:?} but the destination does not hold set {p:?} {context}",
                o.status
            );
        }
        if interrupted + killed > stopped_before {
            stopped_by[round % 3] += 1;
        }
        // Whatever happened: the previous set, the new one, or (before the
        // first success) nothing.
        current = if dest.exists() {
            let holds = complete(&dest).unwrap_or_else(|e| {
                panic!("round {round} (signal {sig}, {delay:?}): {e} {context}")
            });
            let which = sets.iter().position(|s| *s == holds);
            assert!(
                which == current || which == Some(new),
                "round {round} (signal {sig}, {delay:?}): the destination holds a mix {context}"
            );
            which
        } else {
            assert_eq!(current, None, "round {round}: results vanished {context}");
            None
        };
    }
    eprintln!(
        "{round} rounds of {trials} trials (~{duration:?} each): {finished} finished, \
         {interrupted} interrupted, {killed} killed (SIGKILL, SIGINT, SIGTERM: {stopped_by:?}), \
         {while_writing} of them while writing the files {context}"
    );
    assert!(
        stopped_by.iter().all(|&n| n >= 7),
        "too few runs were stopped mid-way: {stopped_by:?} in {round} rounds {context}"
    );

    // The next successful run removes what killed runs left behind.
    let new = current.map_or(0, |c| 1 - c);
    let o = wait_at_most(
        spawn_run(root, scenario, trials, seeds[new], "results"),
        Duration::from_secs(120),
    );
    assert_ok(&o);
    assert_eq!(complete(&dest).unwrap(), sets[new]);
    assert_eq!(temporaries(&dest), Vec::<String>::new());
    assert_no_nan_or_inf(&dest);
}

/// Starts a run far too long to finish and stops it with `sig`.
fn stop_a_long_run(sig: i32) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = tutorial(dir.path());
    let child = spawn_run(dir.path(), scenario, 100_000_000_000, 1, "out");
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .all(|e| e.unwrap().file_name() != "out"),
        "results appeared before the run could have finished"
    );
    signal(&child, sig);
    let start = Instant::now();
    let o = wait_at_most(child, Duration::from_secs(20));
    assert_eq!(o.status.code(), Some(130), "{:?} {}", o.status, stderr(&o));
    assert_eq!(stderr(&o), "interrupted\n");
    assert_eq!(stdout(&o), "");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?} to stop",
        start.elapsed()
    );
    assert!(!dir.path().join("out").exists());
    assert_eq!(temporaries(&dir.path().join("out")), Vec::<String>::new());
}

#[test]
fn sigint_prints_interrupted_and_exits_130() {
    stop_a_long_run(libc::SIGINT);
}

#[test]
fn sigterm_prints_interrupted_and_exits_130() {
    stop_a_long_run(libc::SIGTERM);
}

// ---------------------------------------------------------------------
// Never clobber what is not ours.

fn small_scenario(dir: &Path) -> &'static str {
    std::fs::write(
        dir.join("small.toml"),
        "[scenario]\nname = \"small\"\ntarget = 100\n\n[[contributors]]\nname = \"A\"\np_join = 0.5\n\
         troops = { dist = \"uniform\", min = 50, max = 150 }\n\n[[contributors]]\nname = \"B\"\n\
         p_join = 0.7\ntroops = 60\n",
    )
    .unwrap();
    "small.toml"
}

fn run_small(dir: &Path, out: &str, seed: u64, extra: &[&str]) -> Output {
    let file = small_scenario(dir);
    let seed = seed.to_string();
    let mut args = vec![
        "run",
        file,
        "--out",
        out,
        "--trials",
        "5000",
        "--seed",
        &seed,
        "--threads",
        "1",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

/// The complete set a run of the small scenario writes.
fn small_set(seed: u64) -> Snapshot {
    let dir = tempfile::tempdir().unwrap();
    assert_ok(&run_small(dir.path(), "out", seed, &[]));
    complete(&dir.path().join("out")).unwrap()
}

fn assert_refused_for_force(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{:?} {}",
        out.status,
        stderr(out)
    );
    let err = stderr(out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_folder_holding_other_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine\n").unwrap();
    let o = run_small(dir.path(), "out", 1, &[]);
    assert_refused_for_force(&o);
    assert!(stderr(&o).contains("notes.txt"));
    assert_eq!(
        snapshot(&out),
        Snapshot::from([("notes.txt".into(), b"mine\n".to_vec())])
    );
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn a_folder_of_earlier_results_plus_other_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_ok(&run_small(dir.path(), "out", 1, &[]));
    std::fs::create_dir(out.join("drafts")).unwrap();
    let before = snapshot(&out);
    let o = run_small(dir.path(), "out", 2, &[]);
    assert_refused_for_force(&o);
    assert!(stderr(&o).contains("drafts"));
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_run_toml_muster_did_not_write_is_not_ours() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("run.toml"), "[job]\nname = \"someone else's\"\n").unwrap();
    let before = snapshot(&out);
    let o = run_small(dir.path(), "out", 1, &[]);
    assert_refused_for_force(&o);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn force_replaces_only_muster_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert_ok(&run_small(dir.path(), "out", 1, &[]));
    // An earlier run wrote a file this run does not write: it goes.
    let mut rec = RunRecord::read(&out).unwrap();
    rec.files.push("old_chart.svg".into());
    std::fs::write(out.join("run.toml"), rec.to_toml().unwrap()).unwrap();
    std::fs::write(out.join("old_chart.svg"), "<svg/>").unwrap();
    // Files that are not muster's stay as they are.
    std::fs::write(out.join("notes.txt"), "mine\n").unwrap();
    std::fs::create_dir(out.join("drafts")).unwrap();
    std::fs::write(out.join("drafts/summary.csv"), "my own\n").unwrap();

    assert_refused_for_force(&run_small(dir.path(), "out", 2, &[]));
    let o = run_small(dir.path(), "out", 2, &["--force"]);
    assert_ok(&o);

    let mut expected = small_set(2);
    expected.insert("notes.txt".into(), b"mine\n".to_vec());
    expected.insert("drafts/".into(), Vec::new());
    assert_eq!(snapshot(&out), expected);
    assert_eq!(
        std::fs::read(out.join("drafts/summary.csv")).unwrap(),
        b"my own\n"
    );
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn force_does_not_overwrite_another_file_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("summary.csv"), "my own summary\n").unwrap();
    let before = snapshot(&out);
    let o = run_small(dir.path(), "out", 1, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("summary.csv") && err.contains("muster did not write"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn a_symlinked_destination_is_resolved_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let real = std::fs::canonicalize(&real).unwrap().join("results");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
    for seed in [1, 2] {
        let o = run_small(dir.path(), "link", seed, &[]);
        assert_ok(&o);
        let line = format!("results: {} (resolved from link)", real.display());
        assert!(stdout(&o).lines().any(|l| l == line), "{}", stdout(&o));
        assert!(dir.path().join("link").is_symlink());
        assert_eq!(std::fs::read_link(dir.path().join("link")).unwrap(), real);
        assert_eq!(complete(&real).unwrap(), small_set(seed));
        assert_eq!(temporaries(&real), Vec::<String>::new());
    }
}

#[test]
fn a_dangling_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("link")).unwrap();
    let o = run_small(dir.path(), "link", 1, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("points nowhere"), "{}", stderr(&o));
    assert!(!dir.path().join("nowhere").exists());
}

#[test]
fn a_file_in_place_of_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("out"), "a file\n").unwrap();
    let o = run_small(dir.path(), "out", 1, &["--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"a file\n");
}

#[test]
fn stale_temporaries_of_dead_runs_are_removed_and_live_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let dead = dir.path().join(".out.muster-tmp-4000000000");
    let live = dir
        .path()
        .join(format!(".out.muster-tmp-{}", std::process::id()));
    let other = dir.path().join(".elsewhere.muster-tmp-4000000000");
    for d in [&dead, &live, &other] {
        std::fs::create_dir(d).unwrap();
        std::fs::write(d.join("summary.csv"), "partial").unwrap();
    }
    assert_ok(&run_small(dir.path(), "out", 1, &[]));
    assert!(!dead.exists(), "the temporary of a dead run is left");
    assert!(live.exists(), "the temporary of a live run was removed");
    assert!(
        other.exists(),
        "the temporary of another folder was removed"
    );
    assert_eq!(complete(&dir.path().join("out")).unwrap(), small_set(1));
}

// ---------------------------------------------------------------------
// Edges of the numbers.

/// One row of summary.csv: estimate, ci_low, ci_high as written.
type Row = (String, String, String);

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

struct Ran {
    _dir: tempfile::TempDir,
    out: PathBuf,
    summary: BTreeMap<String, Row>,
}

impl Ran {
    fn get(&self, metric: &str) -> &Row {
        &self.summary[metric]
    }

    fn csv(&self, file: &str) -> Vec<Vec<String>> {
        read_csv(&self.out.join(file))
    }
}

const EDGE_TRIALS: u64 = 10_000;

fn run_text(text: &str) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edge.toml"), text).unwrap();
    let o = run_in(
        dir.path(),
        &[
            "run",
            "edge.toml",
            "--out",
            "out",
            "--quiet",
            "--trials",
            &EDGE_TRIALS.to_string(),
        ],
    );
    assert_ok(&o);
    let out = dir.path().join("out");
    complete(&out).unwrap();
    assert_no_nan_or_inf(&out);
    let summary = read_csv(&out.join("summary.csv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone(), r[3].clone())))
        .collect();
    Ran {
        _dir: dir,
        out,
        summary,
    }
}

fn scenario_text(target: u64, contributors: &str) -> String {
    format!("[scenario]\nname = \"edge\"\ntarget = {target}\n\n{contributors}")
}

fn contributor(name: &str, p_join: &str, troops: &str) -> String {
    format!("[[contributors]]\nname = \"{name}\"\np_join = {p_join}\ntroops = {troops}\n\n")
}

fn close(text: &str, value: f64) -> bool {
    text.parse::<f64>()
        .is_ok_and(|v| (v - value).abs() <= 1e-12)
}

/// Wilson bounds at the edges: k = n gives [n/(n+z²), 1], k = 0 gives [0, z²/(n+z²)].
fn certain_lower() -> f64 {
    let n = EDGE_TRIALS as f64;
    n / (n + Z * Z)
}

fn impossible_upper() -> f64 {
    let n = EDGE_TRIALS as f64;
    Z * Z / (n + Z * Z)
}

fn assert_certain(row: &Row) {
    assert_eq!(row.0, "1", "{row:?}");
    assert!(
        close(&row.1, certain_lower()),
        "{row:?} vs {}",
        certain_lower()
    );
    assert_eq!(row.2, "1", "{row:?}");
}

fn assert_impossible(row: &Row) {
    assert_eq!(row.0, "0", "{row:?}");
    assert_eq!(row.1, "0", "{row:?}");
    assert!(
        close(&row.2, impossible_upper()),
        "{row:?} vs {}",
        impossible_upper()
    );
}

#[test]
fn p_join_one_with_enough_troops_always_succeeds() {
    let r = run_text(&scenario_text(100, &contributor("A", "1", "100")));
    assert_certain(r.get("p_success"));
    assert_certain(r.get("p_target_reached"));
    assert_certain(r.get("p_roles_met"));
    assert_eq!(
        r.get("mean_personnel"),
        &("100".into(), "100".into(), "100".into())
    );
    for q in ["personnel_p05", "personnel_p50", "personnel_p95"] {
        assert_eq!(
            r.get(q),
            &("100".into(), String::new(), String::new()),
            "{q}"
        );
    }
    let c = r.csv("contributors.csv");
    assert_eq!(c[1][0..2], ["A", "1"].map(String::from));
    assert!(close(&c[1][2], certain_lower()), "{c:?}");
    assert_eq!(c[1][3], "1");
    // Every trial succeeded with A: its conditional figures rest on all of them.
    let all = EDGE_TRIALS.to_string();
    assert_eq!(c[1][7..], [all.clone(), all]);
}

#[test]
fn p_join_zero_never_succeeds() {
    let r = run_text(&scenario_text(100, &contributor("A", "0", "1000")));
    assert_impossible(r.get("p_success"));
    assert_impossible(r.get("p_target_reached"));
    assert_eq!(
        r.get("mean_personnel"),
        &("0".into(), "0".into(), "0".into())
    );
    // Undefined when nobody joined or nothing succeeded: empty, not NaN.
    let c = r.csv("contributors.csv");
    assert_eq!(c[0][4], "mean_personnel_if_joined");
    assert_eq!(c[1][4], "");
    assert_eq!(c[0][5], "p_joined_given_success");
    assert_eq!(c[1][5], "");
    // ... and the counts behind them say why: no success, never joined.
    assert_eq!(c[0][7..], ["successes", "trials_joined"].map(String::from));
    assert_eq!(c[1][7..], ["0", "0"].map(String::from));
}

#[test]
fn an_unreachable_target_is_never_reached() {
    let text = scenario_text(
        10_000,
        &(contributor("A", "1", "{ dist = \"uniform\", min = 1000, max = 4000 }")
            + &contributor(
                "B",
                "0.9",
                "{ dist = \"triangular\", min = 0, mode = 2000, max = 5999 }",
            )),
    );
    let r = run_text(&text);
    assert_impossible(r.get("p_success"));
    assert_impossible(r.get("p_target_reached"));
    let p95: u64 = r.get("personnel_p95").0.parse().unwrap();
    assert!(p95 < 10_000);
}

#[test]
fn a_target_of_one_person() {
    // A pledge of 0.5 rounds to 1 person (halves away from zero); 0.49 to none.
    let r = run_text(&scenario_text(1, &contributor("A", "1", "0.5")));
    assert_certain(r.get("p_success"));
    let r = run_text(&scenario_text(1, &contributor("A", "1", "0.49")));
    assert_impossible(r.get("p_success"));
}

#[test]
fn point_distributions_are_their_value() {
    let forms = [
        "500",
        "{ dist = \"uniform\", min = 500, max = 500 }",
        "{ dist = \"triangular\", min = 500, mode = 500, max = 500 }",
        "{ dist = \"pert\", min = 500, mode = 500, max = 500 }",
        "{ dist = \"normal\", mean = 500, sd = 0 }",
        "{ dist = \"normal\", mean = 9000, sd = 100, min = 500, max = 500 }",
        "{ dist = \"discrete\", values = [500], weights = [3] }",
        "{ dist = \"discrete\", values = [500, 500], weights = [1, 2] }",
    ];
    for form in forms {
        let r = run_text(&scenario_text(500, &contributor("A", "1", form)));
        assert_certain(r.get("p_success"));
        assert_eq!(r.get("mean_personnel").0, "500", "{form}");
        let r = run_text(&scenario_text(501, &contributor("A", "1", form)));
        assert_impossible(r.get("p_success"));
    }
}

#[test]
fn a_lead_time_exactly_at_the_horizon_counts() {
    let on_time = "[[contributors]]\nname = \"A\"\np_join = 1\ntroops = 100\n\
                   lead_months = { dist = \"triangular\", min = 3, mode = 3, max = 3 }\n";
    let r = run_text(&format!(
        "[scenario]\nname = \"edge\"\ntarget = 100\nhorizon_months = 3\n\n{on_time}"
    ));
    assert_certain(r.get("p_success"));
    let r = run_text(&format!(
        "[scenario]\nname = \"edge\"\ntarget = 100\nhorizon_months = 2.999\n\n{on_time}"
    ));
    assert_impossible(r.get("p_success"));
    let late = r.csv("blockers.csv");
    assert!(
        late.iter()
            .any(|row| row[0] == "A" && row[1] == "late" && row[2] == "1"),
        "{late:?}"
    );
}

#[test]
fn condition_states_of_probability_0_and_1() {
    let text = "[scenario]\nname = \"edge\"\ntarget = 100\n\n\
        [conditions.ceasefire]\nstates = [\"none\", \"partial\", \"full\"]\nprobs = [0, 1, 0]\n\n\
        [conditions.mandate]\np = 1\n\n\
        [[contributors]]\nname = \"A\"\n\
        p_join = { given = \"ceasefire\", none = 0, partial = 1, full = 0 }\n\
        requires = [\"mandate\", \"ceasefire == partial\"]\ntroops = 100\n";
    let r = run_text(text);
    assert_certain(r.get("p_success"));
    let rows = r.csv("conditions.csv");
    let row = |cond: &str, state: &str| {
        rows.iter()
            .find(|row| row[0] == cond && row[1] == state)
            .unwrap_or_else(|| panic!("{cond} {state} in {rows:?}"))
            .clone()
    };
    // A state that never occurs has p 0 and an undefined (empty) conditional.
    assert_eq!(
        row("ceasefire", "none")[2..],
        ["0", "", "", "", "0"].map(String::from)
    );
    assert_eq!(
        row("ceasefire", "full")[2..],
        ["0", "", "", "", "0"].map(String::from)
    );
    assert_eq!(
        row("ceasefire", "partial")[2..4],
        ["1", "1"].map(String::from)
    );
    assert_eq!(
        row("mandate", "false")[2..],
        ["0", "", "", "", "0"].map(String::from)
    );
}

#[test]
fn a_certain_veto_blocks() {
    let text = scenario_text(100, &(contributor("A", "1", "100") + "veto = 1\n"));
    let r = run_text(&text);
    assert_impossible(r.get("p_success"));
    let b = r.csv("blockers.csv");
    assert!(
        b.iter()
            .any(|row| row[0] == "A" && row[1] == "vetoed" && row[2] == "1"),
        "{b:?}"
    );
}

#[test]
fn a_contributor_with_no_role_cannot_meet_a_role_minimum() {
    let text = "[scenario]\nname = \"edge\"\ntarget = 100\n\n[roles]\nsecurity = 0\npolicing = 50\n\n\
        [[contributors]]\nname = \"A\"\np_join = 1\ntroops = 1000\nroles = []\n";
    let r = run_text(text);
    assert_certain(r.get("p_target_reached"));
    assert_impossible(r.get("p_roles_met"));
    assert_impossible(r.get("p_success"));
    let roles = r.csv("roles.csv");
    assert_eq!(
        roles[2][0..3],
        ["policing", "50", "0"].map(String::from),
        "{roles:?}"
    );
    assert_eq!(
        roles[1][0..3],
        ["security", "0", "1"].map(String::from),
        "{roles:?}"
    );
    // With only zero minimums, accepting no role is no obstacle.
    let r = run_text(&text.replace("policing = 50", "policing = 0"));
    assert_certain(r.get("p_success"));
}

#[test]
fn a_delivery_of_zero_deploys_nobody() {
    let text = scenario_text(1, &(contributor("A", "1", "1000") + "delivery = 0\n"));
    let r = run_text(&text);
    assert_impossible(r.get("p_success"));
    assert_eq!(r.get("mean_personnel").0, "0");
}

#[test]
fn the_largest_allowed_numbers_run_without_overflow() {
    // 10 contributors of 1,000,000 each: the total-personnel limit exactly.
    let mut c = String::new();
    for i in 0..10 {
        c += &contributor(&format!("C{i}"), "1", "1_000_000");
    }
    let r = run_text(&format!(
        "[scenario]\nname = \"edge\"\ntarget = 100_000_000\n\n{c}"
    ));
    assert_impossible(r.get("p_success"));
    assert_eq!(r.get("mean_personnel").0, "10000000");
    let mut c = String::new();
    for i in 0..10 {
        c += &contributor(&format!("C{i}"), "1", "1_000_000");
        c += "lead_months = 1200\n\n";
    }
    let r = run_text(&scenario_text(10_000_000, &c));
    assert_certain(r.get("p_success"));
}

// ---------------------------------------------------------------------
// Every limit is inclusive: a scenario at all of them at once loads.

#[test]
fn a_scenario_at_every_limit_loads() {
    use muster::scenario::parse_scenario;
    let mut text = String::from(
        "[scenario]\nname = \"limits\"\ntarget = 100_000_000\ntrials = 1_000_000_000_000\n\n[roles]\n",
    );
    for r in 0..10 {
        text += &format!("r{r} = 100_000_000\n");
    }
    for c in 0..64 {
        let states: Vec<String> = (0..32).map(|s| format!("\"s{s}\"")).collect();
        let mut probs = vec!["0.0"; 32];
        probs[c % 32] = "1.0";
        text += &format!(
            "\n[conditions.c{c}]\nstates = [{}]\nprobs = [{}]\n",
            states.join(", "),
            probs.join(", ")
        );
    }
    // A clause of exactly 1,000 characters with 32 levels of nesting.
    let nested = format!("{}c0 == s0{}", "(".repeat(32), ")".repeat(32));
    let mut clause = nested.clone();
    while clause.len() + " or c1 == s1".len() <= 1000 - 2 {
        clause += " or c1 == s1";
    }
    clause += &" ".repeat(1000 - clause.len());
    assert_eq!(clause.chars().count(), 1000);
    for i in 0..64 {
        // 10 contributors of 1,000,000 reach the total of 10,000,000.
        let troops = if i < 10 { "1_000_000" } else { "0" };
        text += &format!(
            "\n[[contributors]]\nname = \"C{i}\"\np_join = 1\ntroops = {troops}\nlead_months = 1200\n\
             delivery = {{ dist = \"uniform\", min = 0, max = 1 }}\nrequires = [\"{clause}\"]\n"
        );
    }
    let s = parse_scenario(&text, "limits.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.contributors.len(), s.conditions.len(), s.roles.len()),
        (64, 64, 10)
    );
    assert!(s.conditions.iter().all(|c| c.states.len() == 32));
    assert_eq!(s.trials, 1_000_000_000_000);
    // One more of anything is refused, with the limit named.
    let over = |from: &str, to: &str, says: &str| {
        assert!(text.contains(from), "{from}");
        let e = parse_scenario(&text.replacen(from, to, 1), "limits.toml", &[]).expect_err(to);
        assert!(e.message.contains(says), "{to}: {e}");
    };
    let limit = "above the limit of";
    over(
        "trials = 1_000_000_000_000",
        "trials = 1_000_000_000_001",
        limit,
    );
    over("target = 100_000_000", "target = 100_000_001", limit);
    over("r0 = 100_000_000", "r0 = 100_000_001", limit);
    over(
        "troops = 0\n",
        "troops = 1\n",
        "above the limit of 10,000,000",
    );
    over(
        "troops = 0\n",
        "troops = 1_000_001\n",
        "above the limit of 1,000,000",
    );
    over(
        "lead_months = 1200",
        "lead_months = 1200.001",
        "above the limit of 1,200",
    );
    over("[roles]\n", "[roles]\nextra = 0\n", "at most 10");
    over(
        "\n[[contributors]]",
        "\n[conditions.extra]\np = 0.5\n\n[[contributors]]",
        "at most 64",
    );
    over("\"s31\"]", "\"s31\", \"s32\"]", "at most 32 states");
    let deeper = format!("({nested}){}", &clause[nested.len()..clause.len() - 2]);
    over(&clause, &deeper, "nested too deeply");
    over(&clause, &format!("{clause} "), "the limit is 1000");
    text += "\n[[contributors]]\nname = \"C64\"\np_join = 1\ntroops = 0\n";
    let e = parse_scenario(&text, "limits.toml", &[]).expect_err("65 contributors");
    assert!(e.message.contains("at most 64"), "{e}");
}
