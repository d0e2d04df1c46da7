//! Reproducibility across layouts: shards merged back together, thread
//! counts, repeated runs and precision mode must all give the same result
//! files, byte for byte; `muster merge` and `--shard auto` must refuse what
//! cannot be merged correctly, with exit status 2 and a message that says why.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scenario with a categorical and a dependent boolean condition, roles,
/// a horizon, a cascade (`joined`, `committed`) and every kind of
/// distribution. 50,000 trials is 12 full batches of 4096 and a short one.
const SCENARIO: &str = r#"
[scenario]
name = "Shard test"
target = 1200
horizon_months = 6
trials = 50000
seed = 4242

[conditions.calm]
states = ["no", "partly", "yes"]
probs = [0.3, 0.4, 0.3]

[conditions.mandate]
p = { given = "calm", no = 0.4, partly = 0.7, yes = 0.9 }

[roles]
security = 500
medical = 100

[[contributors]]
name = "Lead"
p_join = { given = "calm", no = 0.3, partly = 0.7, yes = 0.9 }
requires = ["mandate"]
troops = { dist = "triangular", min = 800, mode = 1500, max = 2500 }
delivery = { dist = "uniform", min = 0.7, max = 1.0 }
lead_months = { dist = "triangular", min = 1, mode = 3, max = 8 }

[[contributors]]
name = "Follower"
p_join = 0.6
requires = ["joined(Lead)"]
troops = { dist = "pert", min = 300, mode = 900, max = 1500 }
lead_months = { dist = "uniform", min = 2, max = 7 }
roles = ["security"]
veto = 0.1

[[contributors]]
name = "Medic"
p_join = 0.5
requires = ["committed >= 1000"]
troops = { dist = "normal", mean = 400, sd = 150 }
lead_months = 2
roles = ["medical"]

[[contributors]]
name = "Wildcard"
p_join = 0.4
troops = { dist = "discrete", values = [0, 500, 1000], weights = [1, 2, 1] }
delivery = { dist = "discrete", values = [0, 1], weights = [1, 3] }
lead_months = { dist = "normal", mean = 4, sd = 2, max = 10 }
"#;

/// Trials per round of precision mode.
const ROUND: u64 = 65_536;
/// z of a two-sided 95% interval.
const Z: f64 = 1.959963984540054;

/// Environment variables that `--shard auto` reads; cleared for every
/// command so that a test run inside a Slurm job or a Kubernetes pod is not
/// affected.
const SHARD_ENV: [&str; 6] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
];

/// A temporary working directory holding the scenario as `scenario.toml`;
/// commands run inside it so that every run names the scenario by the same
/// relative path (run.toml records the path as given).
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scenario.toml"), SCENARIO).unwrap();
        Work { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).unwrap();
    }

    /// Runs muster with `args` and extra environment variables.
    fn muster_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_muster"));
        cmd.current_dir(self.dir.path()).args(args);
        for v in SHARD_ENV {
            cmd.env_remove(v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn muster(&self, args: &[&str]) -> Output {
        self.muster_env(args, &[])
    }

    /// Runs muster and panics unless it succeeds.
    fn ok(&self, args: &[&str]) {
        let out = self.muster(args);
        assert!(
            out.status.success(),
            "muster {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs muster and expects exit status 2 with `wanted` in its error
    /// message; returns the message.
    fn refused(&self, args: &[&str], env: &[(&str, &str)], wanted: &str) -> String {
        let out = self.muster_env(args, env);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(2),
            "muster {} with {env:?}: expected exit status 2, got {}; stderr: {stderr}",
            args.join(" "),
            out.status
        );
        assert!(
            stderr.contains(wanted),
            "muster {} with {env:?}: the message does not say `{wanted}`: {stderr}",
            args.join(" ")
        );
        stderr
    }
}

/// The files that must be reproducible: every CSV file and run.toml.
fn compared_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n == "run.toml")
        .collect();
    names.sort();
    names
}

/// Panics unless the two result folders hold the same CSV files and
/// run.toml, byte for byte, naming the first differing line.
fn assert_same_results(expected: &Path, actual: &Path, what: &str) {
    let names = compared_files(expected);
    assert!(
        names.iter().any(|n| n == "summary.csv") && names.iter().any(|n| n == "run.toml"),
        "{what}: {} lacks summary.csv or run.toml: {names:?}",
        expected.display()
    );
    assert_eq!(
        names,
        compared_files(actual),
        "{what}: the folders hold different files"
    );
    for name in &names {
        let a = std::fs::read_to_string(expected.join(name)).unwrap();
        let b = std::fs::read_to_string(actual.join(name)).unwrap();
        if a == b {
            continue;
        }
        let (line, (la, lb)) = a
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(b.lines().chain(std::iter::repeat("<end of file>")))
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .unwrap();
        panic!(
            "{what}: {name} differs at line {}:\n  expected {la}\n  actual   {lb}",
            line + 1
        );
    }
}

/// run.toml as a table.
fn run_record(dir: &Path) -> toml::Table {
    let text = std::fs::read_to_string(dir.join("run.toml")).unwrap();
    text.parse().unwrap()
}

fn record_trials(dir: &Path) -> u64 {
    run_record(dir)["trials"].as_integer().unwrap() as u64
}

fn record_precision_met(dir: &Path) -> Option<bool> {
    run_record(dir)
        .get("precision_met")
        .and_then(|v| v.as_bool())
}

/// Estimate and interval of p_success from summary.csv.
fn p_success(dir: &Path) -> (f64, f64, f64) {
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("p_success,"))
        .expect("summary.csv has a p_success row");
    let cells: Vec<f64> = row.split(',').skip(1).map(|c| c.parse().unwrap()).collect();
    (cells[0], cells[1], cells[2])
}

/// Wilson score interval for `k` successes in `n` trials.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

/// The larger distance from the estimate of p_success to a bound of its
/// Wilson interval, recomputed from the count of successes; checked against
/// the interval written in summary.csv.
fn half_width(dir: &Path) -> f64 {
    let n = record_trials(dir);
    let (p, lo, hi) = p_success(dir);
    let k = (p * n as f64).round() as u64;
    let (wl, wh) = wilson(k, n);
    assert!(
        (wl - lo).abs() < 1e-12 && (wh - hi).abs() < 1e-12,
        "{}: p_success interval [{lo}, {hi}] is not Wilson's [{wl}, {wh}] for {k} of {n}",
        dir.display()
    );
    let p = k as f64 / n as f64;
    (p - wl).max(wh - p)
}

// ---------------------------------------------------------------------------
// Layouts that must not change the result.

/// Runs `n` shards with `extra` arguments into `parts/`, merges them into
/// `merged/` and returns that folder.
fn shard_and_merge(w: &Work, n: u64, extra: &[&str], label: &str) -> PathBuf {
    let parts = w.path(&format!("{label}-parts-{n}"));
    let merged = w.path(&format!("{label}-merged-{n}"));
    let mut files = Vec::new();
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        let mut args = vec!["run", "scenario.toml", "--quiet", "--shard", &shard];
        args.extend_from_slice(&["--out", parts.to_str().unwrap()]);
        // Threads vary per shard: they must not matter either.
        let threads = (1 + k % 3).to_string();
        args.extend_from_slice(&["--threads", &threads]);
        args.extend_from_slice(extra);
        w.ok(&args);
        let file = parts.join(format!("part-{k}-of-{n}.json"));
        assert!(file.is_file(), "no {}", file.display());
        files.push(file.to_str().unwrap().to_string());
    }
    // Merge in reverse order: the order of the parts must not matter.
    files.reverse();
    let mut args = vec!["merge", "--quiet", "--out", merged.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    w.ok(&args);
    merged
}

#[test]
fn merged_shards_equal_a_single_run() {
    let w = Work::new();
    let single = w.path("single");
    w.ok(&[
        "run",
        "scenario.toml",
        "--quiet",
        "--out",
        single.to_str().unwrap(),
    ]);
    assert_eq!(record_trials(&single), 50_000);
    for n in [1, 3, 7] {
        let merged = shard_and_merge(&w, n, &[], "file");
        assert_same_results(&single, &merged, &format!("merge of {n} shards"));
    }
}

#[test]
fn merged_shards_equal_a_single_run_with_options() {
    // Trials, seed and an override from the command line; more shards than
    // the 3 batches, so some shards are empty.
    let w = Work::new();
    let extra = [
        "--trials",
        "9001",
        "--seed",
        "17",
        "--set",
        "contributors.Follower.p_join=0.8",
    ];
    let single = w.path("single");
    let mut args = vec![
        "run",
        "scenario.toml",
        "--quiet",
        "--out",
        single.to_str().unwrap(),
    ];
    args.extend_from_slice(&extra);
    w.ok(&args);
    assert_eq!(record_trials(&single), 9001);
    let merged = shard_and_merge(&w, 5, &extra, "options");
    assert_same_results(&single, &merged, "merge of 5 shards with options");
}

#[test]
fn thread_counts_and_repeated_runs_give_identical_files() {
    let w = Work::new();
    let base = ["run", "scenario.toml", "--quiet", "--out"];
    let one = w.path("threads-1");
    let two = w.path("threads-2");
    let again = w.path("threads-2-again");
    let eight = w.path("threads-8");
    for (dir, threads) in [(&one, "1"), (&two, "2"), (&again, "2"), (&eight, "8")] {
        let mut args = base.to_vec();
        args.extend_from_slice(&[dir.to_str().unwrap(), "--threads", threads]);
        w.ok(&args);
    }
    assert_same_results(&one, &two, "--threads 1 vs --threads 2");
    assert_same_results(&two, &again, "two runs with --threads 2");
    assert_same_results(&one, &eight, "--threads 1 vs --threads 8");
}

// ---------------------------------------------------------------------------
// What merge refuses.

/// Runs one shard into `dir` with extra arguments (10,000 trials unless they
/// say otherwise); returns the part's path.
fn part(w: &Work, scenario: &str, k: u64, n: u64, dir: &str, extra: &[&str]) -> String {
    let shard = format!("{k}/{n}");
    let out = w.path(dir);
    let mut args = vec!["run", scenario, "--quiet", "--shard", &shard];
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    if !extra.contains(&"--trials") {
        args.extend_from_slice(&["--trials", "10000"]);
    }
    args.extend_from_slice(extra);
    w.ok(&args);
    out.join(format!("part-{k}-of-{n}.json"))
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn merge_refuses_parts_that_do_not_belong_together() {
    let w = Work::new();
    w.write(
        "other.toml",
        &SCENARIO.replace("p_join = 0.6", "p_join = 0.65"),
    );
    let one = part(&w, "scenario.toml", 1, 2, "a", &[]);
    let two = part(&w, "scenario.toml", 2, 2, "a", &[]);
    let two_seed = part(&w, "scenario.toml", 2, 2, "seed", &["--seed", "5"]);
    let two_trials = part(&w, "scenario.toml", 2, 2, "trials", &["--trials", "10001"]);
    let two_other = part(&w, "other.toml", 2, 2, "other", &[]);
    let two_set = part(
        &w,
        "scenario.toml",
        2,
        2,
        "set",
        &["--set", "scenario.target=2000"],
    );
    let two_of_three = part(&w, "scenario.toml", 2, 3, "three", &[]);
    let dup_dir = w.path("dup");
    std::fs::create_dir_all(&dup_dir).unwrap();
    let dup = dup_dir.join("part-1-of-2.json");
    std::fs::copy(&one, &dup).unwrap();
    let dup = dup.to_str().unwrap();

    let out = w.path("merged");
    let out_s = out.to_str().unwrap();
    let cases: [(&[&str], &str); 9] = [
        (&[&one, &two_seed], "different runs: seed"),
        (&[&one, &two_trials], "different runs: trials"),
        (&[&one, &two_other], "different runs: scenario"),
        (&[&one, &two_set], "different runs: overrides"),
        (&[&one, &two_of_three], "different runs: shard count"),
        (&[&one, dup, &two], "are both shard 1 of 2"),
        (&[&one, &one, &two], "are both shard 1 of 2"),
        (&[&one], "missing shard(s) 2 of 2"),
        (&[&two], "missing shard(s) 1 of 2"),
    ];
    for (parts, wanted) in cases {
        let mut args = vec!["merge", "--quiet", "--out", out_s];
        args.extend_from_slice(parts);
        w.refused(&args, &[], wanted);
        assert!(
            !out.exists(),
            "a refused merge ({wanted}) left a result folder"
        );
    }
    // The good pair still merges.
    w.ok(&["merge", "--quiet", "--out", out_s, &one, &two]);
    assert_eq!(record_trials(&out), 10_000);
}

// ---------------------------------------------------------------------------
// `--shard auto`.

fn auto(w: &Work, dir: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let out = w.path(dir);
    let mut args = vec!["run", "scenario.toml", "--quiet", "--trials", "10000"];
    args.extend_from_slice(&["--shard", "auto", "--out", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    w.muster_env(&args, env)
}

/// The part files a folder holds.
fn part_files(w: &Work, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(w.path(dir))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn shard_auto_reads_a_slurm_array() {
    let w = Work::new();
    let explicit = part(&w, "scenario.toml", 3, 4, "explicit", &[]);
    // --array=3-6: task 5 is the third of four.
    let env = [
        ("SLURM_ARRAY_TASK_ID", "5"),
        ("SLURM_ARRAY_TASK_MIN", "3"),
        ("SLURM_ARRAY_TASK_MAX", "6"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ];
    let out = auto(&w, "auto", &[], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(part_files(&w, "auto"), ["part-3-of-4.json"]);
    assert_eq!(
        std::fs::read(w.path("auto/part-3-of-4.json")).unwrap(),
        std::fs::read(explicit).unwrap(),
        "the part written with --shard auto differs from --shard 3/4"
    );
    // --array=0-3 and a step of 1 stated explicitly.
    let env = [
        ("SLURM_ARRAY_TASK_ID", "0"),
        ("SLURM_ARRAY_TASK_MIN", "0"),
        ("SLURM_ARRAY_TASK_MAX", "3"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
        ("SLURM_ARRAY_TASK_STEP", "1"),
    ];
    assert!(auto(&w, "auto0", &[], &env).status.success());
    assert_eq!(part_files(&w, "auto0"), ["part-1-of-4.json"]);
}

#[test]
fn shard_auto_refuses_slurm_arrays_with_a_step_or_gaps() {
    let w = Work::new();
    let args = [
        "run",
        "scenario.toml",
        "--quiet",
        "--trials",
        "10000",
        "--shard",
        "auto",
        "--out",
        "parts",
    ];
    // --array=1-7:2 (tasks 1, 3, 5, 7).
    let step = [
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "7"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
        ("SLURM_ARRAY_TASK_STEP", "2"),
    ];
    w.refused(&args, &step, "has a step");
    // --array=1,2,5,9: four tasks spread over 1-9.
    let gaps = [
        ("SLURM_ARRAY_TASK_ID", "5"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "9"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ];
    w.refused(&args, &gaps, "has gaps");
    w.refused(
        &args,
        &[],
        "found neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX",
    );
    assert!(!w.path("parts").exists(), "a refused shard wrote a part");
}

#[test]
fn shard_auto_reads_a_kubernetes_indexed_job() {
    let w = Work::new();
    let explicit = part(&w, "scenario.toml", 3, 3, "explicit", &[]);
    let env = [("JOB_COMPLETION_INDEX", "2")];
    let out = auto(&w, "auto", &["--shard-count", "3"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(part_files(&w, "auto"), ["part-3-of-3.json"]);
    assert_eq!(
        std::fs::read(w.path("auto/part-3-of-3.json")).unwrap(),
        std::fs::read(explicit).unwrap(),
        "the part written with --shard auto differs from --shard 3/3"
    );
    let args = [
        "run",
        "scenario.toml",
        "--quiet",
        "--trials",
        "10000",
        "--shard",
        "auto",
        "--out",
        "refused",
    ];
    w.refused(&args, &env, "needs --shard-count");
    let mut beyond = args.to_vec();
    beyond.extend_from_slice(&["--shard-count", "2"]);
    w.refused(&beyond, &env, "JOB_COMPLETION_INDEX=2 is outside 0..2");
    assert!(!w.path("refused").exists(), "a refused shard wrote a part");
}

// ---------------------------------------------------------------------------
// Precision mode.

/// Runs precision mode at `goal` with 1 and 2 threads, checks that both stop
/// at the same place with identical files, and returns the result folder.
fn precision_run(w: &Work, goal: &str, extra: &[&str]) -> PathBuf {
    let mut dirs = Vec::new();
    for threads in ["1", "2"] {
        let dir = w.path(&format!("precision-{goal}-threads-{threads}"));
        let mut args = vec!["run", "scenario.toml", "--quiet", "--precision", goal];
        args.extend_from_slice(&["--threads", threads, "--out", dir.to_str().unwrap()]);
        args.extend_from_slice(extra);
        w.ok(&args);
        dirs.push(dir);
    }
    assert_same_results(
        &dirs[0],
        &dirs[1],
        &format!("--precision {goal}, threads 1 vs 2"),
    );
    dirs.swap_remove(0)
}

/// Checks that precision mode stopped at the first round that met `goal`.
fn check_stopping_round(w: &Work, goal: f64, dir: &Path) {
    let trials = record_trials(dir);
    assert_eq!(record_precision_met(dir), Some(true), "precision {goal}");
    assert!(
        trials.is_multiple_of(ROUND),
        "precision {goal}: stopped at {trials} trials, not a multiple of {ROUND}"
    );
    let hw = half_width(dir);
    assert!(hw <= goal, "precision {goal}: half-width {hw} at {trials}");
    if trials > ROUND {
        let previous = w.path(&format!("previous-round-{goal}"));
        let n = (trials - ROUND).to_string();
        w.ok(&[
            "run",
            "scenario.toml",
            "--quiet",
            "--trials",
            &n,
            "--out",
            previous.to_str().unwrap(),
        ]);
        let hw = half_width(&previous);
        assert!(
            hw > goal,
            "precision {goal}: the previous round ({n} trials) already had half-width {hw}"
        );
    }
}

#[test]
fn precision_mode_stops_at_the_first_round_that_meets_it() {
    let w = Work::new();
    // 0.01 is met in the first round by any probability.
    let dir = precision_run(&w, "0.01", &[]);
    assert_eq!(record_trials(&dir), ROUND);
    check_stopping_round(&w, 0.01, &dir);
    // A tighter goal needs several rounds, so the previous one can be checked.
    let dir = precision_run(&w, "0.003", &[]);
    assert!(record_trials(&dir) > ROUND, "0.003 met in one round");
    check_stopping_round(&w, 0.003, &dir);
    // The same run with a fixed trial count gives the same files but for
    // the precision entries of run.toml.
    let fixed = w.path("fixed");
    let n = record_trials(&dir).to_string();
    w.ok(&[
        "run",
        "scenario.toml",
        "--quiet",
        "--trials",
        &n,
        "--out",
        fixed.to_str().unwrap(),
    ]);
    for name in compared_files(&fixed) {
        if name == "run.toml" {
            continue;
        }
        assert_eq!(
            std::fs::read(fixed.join(&name)).unwrap(),
            std::fs::read(dir.join(&name)).unwrap(),
            "{name}: precision mode and --trials {n} differ"
        );
    }
}

#[test]
fn precision_mode_stops_at_the_trial_limit() {
    let w = Work::new();
    let dir = precision_run(&w, "0.0001", &["--max-trials", "100000"]);
    assert_eq!(record_trials(&dir), 100_000);
    assert_eq!(record_precision_met(&dir), Some(false));
    assert!(half_width(&dir) > 0.0001);
}

// ---------------------------------------------------------------------------
// Scenarios with time (format 2) run on the reference simulator, batch by
// batch like the fast engine: the same files whatever the threads or shards.

#[test]
fn scenarios_with_time_give_identical_files_across_threads_and_shards() {
    let w = Work::new();
    let timed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exact_time/shock.toml"),
    )
    .unwrap();
    w.write("scenario.toml", &format!("{timed}\n[[contributors]]\nname = \"Chile\"\np_join = 0.5\ntroops = {{ dist = \"uniform\", min = 100, max = 900 }}\nlead_months = {{ dist = \"uniform\", min = 0, max = 12 }}\non_unmet = \"suspend\"\nrequires = [\"deployed >= 1000\"]\n"));
    let one = w.path("timed-1");
    let two = w.path("timed-2");
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        w.ok(&[
            "run",
            "scenario.toml",
            "--quiet",
            "--trials",
            "50000",
            "--out",
            dir.to_str().unwrap(),
            "--threads",
            threads,
        ]);
    }
    assert_same_results(&one, &two, "a timed scenario, --threads 1 vs --threads 2");
    let merged = shard_and_merge(&w, 3, &["--trials", "50000"], "timed");
    assert_same_results(&one, &merged, "a timed scenario, merge of 3 shards");
}
