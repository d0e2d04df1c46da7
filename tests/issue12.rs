//! Regression tests for the faults found by attacking muster: files it did
//! not write are never replaced, no input makes it panic or hang, and every
//! refusal is one line with exit status 2. Each test is named after the
//! fault it pins.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn muster() -> Command {
    Command::new(env!("CARGO_BIN_EXE_muster"))
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    muster()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("muster runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout {}\nstderr {}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// Exit status 2 with one `error: ` line on stderr containing `needle`.
fn assert_refused(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected status 2\nstdout {}\nstderr {err}",
        stdout(out)
    );
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "expected one error line, got {err:?}"
    );
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

fn tutorial_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml"))
        .unwrap()
}

/// A temporary folder holding the tutorial scenario as `t.toml`.
fn with_tutorial() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("t.toml"), tutorial_text()).unwrap();
    d
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Names of the entries of a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn wait_at_most(mut child: std::process::Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().ok();
            let out = child.wait_with_output().unwrap();
            panic!(
                "muster did not finish within {limit:?}; stderr {}",
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn signal(child: &std::process::Child, sig: i32) {
    // SAFETY: kill(2) on the pid of a child we own.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

// ---- item 2: seeds from 2^63 up ----

#[test]
fn seeds_from_2_pow_63_up_work_in_run_merge_sensitivity_and_sweep() {
    let d = with_tutorial();
    let p = d.path();
    let seed = "9223372036854775808";
    assert_ok(&run_in(
        p,
        &[
            "run", "t.toml", "--trials", "3000", "--seed", seed, "--quiet", "--out", "r",
        ],
    ));
    assert!(read(p.join("r/run.toml")).contains(seed));
    assert!(read(p.join("r/report.html")).contains(seed));
    for k in ["1/2", "2/2"] {
        assert_ok(&run_in(
            p,
            &[
                "run", "t.toml", "--trials", "3000", "--seed", seed, "--quiet", "--shard", k,
                "--out", "parts",
            ],
        ));
    }
    assert_ok(&run_in(
        p,
        &[
            "merge",
            "parts/part-1-of-2.json",
            "parts/part-2-of-2.json",
            "--quiet",
            "--out",
            "m",
        ],
    ));
    assert_eq!(read(p.join("r/summary.csv")), read(p.join("m/summary.csv")));
    assert_eq!(read(p.join("r/run.toml")), read(p.join("m/run.toml")));
    let max = u64::MAX.to_string();
    assert_ok(&run_in(
        p,
        &[
            "sensitivity",
            "t.toml",
            "--trials",
            "1000",
            "--seed",
            &max,
            "--quiet",
            "--out",
            "s",
        ],
    ));
    assert!(read(p.join("s/run.toml")).contains(&max));
    let sweep = [
        "sweep",
        "t.toml",
        "--trials",
        "1000",
        "--seed",
        &max,
        "--quiet",
        "--vary",
        "scenario.target=1000:2000:500",
        "--out",
        "sw.csv",
    ];
    assert_ok(&run_in(p, &sweep));
    let mut resume = sweep.to_vec();
    resume.push("--resume");
    assert_ok(&run_in(p, &resume));
    let out = run_in(p, &["compare", "r", "m"]);
    assert_ok(&out);
}

// ---- item 8: panics ----

#[test]
fn writing_to_a_full_stdout_is_an_error_not_a_panic() {
    let d = with_tutorial();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = muster()
        .args(["check", "t.toml"])
        .current_dir(d.path())
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("No space left"),
        "{err}"
    );
}

#[test]
fn writing_to_a_full_stderr_is_not_a_panic() {
    let d = with_tutorial();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = muster()
        .args(["check", "missing.toml"])
        .current_dir(d.path())
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let d = with_tutorial();
    let mut child = muster()
        .args(["check", "t.toml", "t.toml", "t.toml"])
        .current_dir(d.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = wait_at_most(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
}

// ---- item 11: smaller ----

#[test]
fn clap_errors_are_one_line_with_a_hint_and_status_2() {
    let d = with_tutorial();
    for args in [
        &["run", "t.toml", "--trials", "-1"][..],
        &["run", "t.toml", "--trials", "abc"],
        &["run"],
        &["sweep", "t.toml", "--bogus"],
        &[],
    ] {
        let out = run_in(d.path(), args);
        assert_refused(&out, "--help");
        assert!(!stderr(&out).contains("Usage:"), "{}", stderr(&out));
    }
}

#[test]
fn a_sweep_range_of_38_digits_is_refused_not_a_panic() {
    let d = with_tutorial();
    let long = "1".repeat(32);
    let vary = format!("scenario.target={long}:1:-0.000000001");
    let out = run_in(
        d.path(),
        &[
            "sweep", "t.toml", "--quiet", "--vary", &vary, "--out", "x.csv",
        ],
    );
    assert_refused(&out, "38 digits");
}

#[test]
fn compare_with_a_non_ascii_scenario_sha256_does_not_panic() {
    let d = with_tutorial();
    let p = d.path();
    for out in ["a", "b"] {
        assert_ok(&run_in(
            p,
            &["run", "t.toml", "--trials", "2000", "--quiet", "--out", out],
        ));
    }
    let rec = read(p.join("b/run.toml"));
    let sha = rec
        .lines()
        .find(|l| l.starts_with("scenario_sha256"))
        .unwrap()
        .to_string();
    std::fs::write(
        p.join("b/run.toml"),
        rec.replace(&sha, "scenario_sha256 = \"ééééééééééééé\""),
    )
    .unwrap();
    let out = run_in(p, &["compare", "a", "b"]);
    assert_ok(&out);
    assert!(stderr(&out).contains("ééé"), "{}", stderr(&out));
}
