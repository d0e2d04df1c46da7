//! The catalogue of bad input: every file in tests/bad_inputs/ holds one
//! mistake, and `muster check` must refuse it with exit status 2 and one
//! located line on stderr, `error: FILE:LINE:COLUMN: ...`, matching the
//! file's `.expected` (the whole line when it starts with `error: `, else a
//! substring). Also files too large, directories, missing paths and bad
//! command lines.

use crate::util::run_in;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

const CATALOGUE: &str = "tests/bad_inputs";
const LARGEST_FILE: u64 = 10 * 1024 * 1024;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What is wrong with a refusal, if anything: status, one line, `error: `,
/// the file named and located, no panic.
fn refusal_problem(out: &Output, file: &str) -> Option<String> {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if stderr.contains("panicked") || stdout.contains("panicked") {
        return Some(format!("panicked: {stderr}"));
    }
    if out.status.code() != Some(2) {
        return Some(format!("exit status {:?}, stderr {stderr:?}", out.status));
    }
    let Some(line) = stderr.strip_suffix('\n') else {
        return Some(format!("stderr does not end in a newline: {stderr:?}"));
    };
    if line.contains('\n') {
        return Some(format!("stderr is not one line: {stderr:?}"));
    }
    let Some(rest) = line.strip_prefix(&format!("error: {file}:")) else {
        return Some(format!(
            "stderr does not start with `error: {file}:`: {line}"
        ));
    };
    let mut parts = rest.splitn(3, ':');
    let located = |p: Option<&str>| {
        p.and_then(|s| s.parse::<usize>().ok())
            .is_some_and(|n| n >= 1)
    };
    if !(located(parts.next()) && located(parts.next())) {
        return Some(format!("no line and column >= 1 after the file: {line}"));
    }
    if parts.next().is_none_or(|m| m.trim().is_empty()) {
        return Some(format!("no message: {line}"));
    }
    None
}

#[test]
fn every_catalogued_mistake_is_refused_with_a_located_error() {
    let root = manifest_dir();
    let mut names: Vec<String> = std::fs::read_dir(root.join(CATALOGUE))
        .expect("catalogue folder")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            Some(name.strip_suffix(".toml")?.to_string())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 40, "only {} catalogued files", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let file = format!("{CATALOGUE}/{name}.toml");
        let expected_path = root.join(format!("{CATALOGUE}/{name}.expected"));
        let Ok(expected) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: no {name}.expected"));
            continue;
        };
        let expected = expected.trim_end_matches('\n');
        let out = run_in(&root, &["check", &file]);
        if let Some(problem) = refusal_problem(&out, &file) {
            failures.push(format!("{name}: {problem}"));
            continue;
        }
        let got = String::from_utf8_lossy(&out.stderr);
        let got = got.trim_end_matches('\n');
        let matches = if expected.starts_with("error: ") {
            got == expected
        } else {
            got.contains(expected)
        };
        if !matches {
            failures.push(format!("{name}:\n  expected {expected}\n  got      {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} catalogued files misbehave:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn every_catalogued_file_has_its_expectation() {
    let dir = manifest_dir().join(CATALOGUE);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            assert!(
                path.with_extension("toml").exists(),
                "{} has no scenario file",
                path.display()
            );
        }
    }
}

/// Writes `size` bytes of comment lines after a valid header.
fn write_big_file(path: &Path, size: u64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let head = b"[scenario]\nname = \"big\"\ntarget = 10\n";
    f.write_all(head).unwrap();
    let line = [b"# ".as_slice(), &[b'x'; 61], b"\n"].concat();
    let mut left = size - head.len() as u64;
    while left >= line.len() as u64 {
        f.write_all(&line).unwrap();
        left -= line.len() as u64;
    }
    f.write_all(&b"\n".repeat(left as usize)).unwrap();
    f.flush().unwrap();
}

#[test]
fn a_50_mb_file_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    write_big_file(&dir.path().join("big.toml"), 50 * 1024 * 1024);
    let start = Instant::now();
    let out = run_in(dir.path(), &["check", "big.toml"]);
    let took = start.elapsed();
    assert_eq!(refusal_problem(&out, "big.toml"), None);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: big.toml:1:1: scenario files are limited to 10 MB\n"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn the_file_size_limit_is_10_mb_exactly() {
    let dir = tempfile::tempdir().unwrap();
    write_big_file(&dir.path().join("over.toml"), LARGEST_FILE + 1);
    let out = run_in(dir.path(), &["check", "over.toml"]);
    assert_eq!(refusal_problem(&out, "over.toml"), None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("limited to 10 MB"));
    // At the limit the file is read (and fails only for want of contributors).
    write_big_file(&dir.path().join("at.toml"), LARGEST_FILE);
    let out = run_in(dir.path(), &["check", "at.toml"]);
    assert_eq!(refusal_problem(&out, "at.toml"), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing required section [[contributors]]"),
        "{stderr}"
    );
}

#[test]
fn a_directory_is_not_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    let out = run_in(dir.path(), &["check", "folder.toml"]);
    assert_eq!(refusal_problem(&out, "folder.toml"), None);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: folder.toml:1:1: is a directory, not a scenario file\n"
    );
}

#[test]
fn a_missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["check", "nowhere/absent.toml"]);
    assert_eq!(refusal_problem(&out, "nowhere/absent.toml"), None);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: nowhere/absent.toml:1:1: cannot read scenario file: no such file\n"
    );
}

#[test]
fn an_unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.toml");
    std::fs::write(&path, "[scenario]\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reading.
        return;
    }
    let out = run_in(dir.path(), &["check", "locked.toml"]);
    assert_eq!(refusal_problem(&out, "locked.toml"), None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("permission denied"));
}

/// A valid scenario, so that only the command line is wrong.
fn scenario(dir: &Path) -> &'static str {
    std::fs::write(
        dir.join("ok.toml"),
        "[scenario]\nname = \"ok\"\ntarget = 10\n\n[[contributors]]\nname = \"A\"\np_join = 0.5\ntroops = 20\n",
    )
    .unwrap();
    "ok.toml"
}

/// Runs a bad command line and returns its one stderr line; nothing may be written.
fn bad_command_line(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario(dir.path());
    let mut args = vec!["run", file, "--out", "out", "--quiet"];
    args.extend_from_slice(extra);
    let out = run_in(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{extra:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!dir.path().join("out").exists(), "{extra:?} wrote results");
    assert!(
        !dir.path().join("results").exists(),
        "{extra:?} wrote results"
    );
    stderr.trim_end().to_string()
}

#[test]
fn zero_trials_are_refused() {
    assert_eq!(
        bad_command_line(&["--trials", "0"]),
        "error: --trials must be at least 1 (got 0)"
    );
}

#[test]
fn trials_above_the_limit_are_refused() {
    assert_eq!(
        bad_command_line(&["--trials", "1000000000001"]),
        "error: --trials 1000000000001 is above the limit of 1000000000000"
    );
}

#[test]
fn zero_threads_are_refused() {
    assert_eq!(
        bad_command_line(&["--threads", "0"]),
        "error: --threads must be at least 1"
    );
}

#[test]
fn a_shard_past_the_count_is_refused() {
    assert_eq!(
        bad_command_line(&["--shard", "5/3"]),
        "error: --shard 5/3: K must be between 1 and N (K counts from 1)"
    );
    assert_eq!(
        bad_command_line(&["--shard", "0/3"]),
        "error: --shard 0/3: K must be between 1 and N (K counts from 1)"
    );
    assert!(bad_command_line(&["--shard", "three"]).contains("expected K/N"));
}

#[test]
fn precision_and_shards_do_not_combine() {
    let line = bad_command_line(&["--precision", "0.01", "--shard", "1/2"]);
    assert!(
        line.starts_with("error: --precision and --shard do not combine"),
        "{line}"
    );
}

#[test]
fn a_precision_outside_0_1_is_refused() {
    for p in ["0", "1", "-0.5", "NaN"] {
        let line = bad_command_line(&[&format!("--precision={p}")]);
        assert!(line.contains("must be between 0 and 1"), "{p}: {line}");
    }
}

#[test]
fn a_bad_override_is_located_in_the_override() {
    let line = bad_command_line(&["--set", "contributors.A.p_join=1.5"]);
    assert_eq!(
        line,
        "error: --set contributors.A.p_join=1.5:1:1: contributors[0] \"A\".p_join: probability 1.5 is outside [0, 1]"
    );
}

/// `muster sweep` with a grid of `--vary` arguments; returns status and stderr.
fn sweep(vary: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["sweep", "absent.toml", "--quiet"];
    for v in vary {
        args.extend(["--vary", v]);
    }
    let out = run_in(dir.path(), &args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_sweep_grid_is_limited_to_10000_points() {
    assert_eq!(
        sweep(&["scenario.target=1:10001:1"]),
        (
            Some(2),
            "error: --vary scenario.target=1:10001:1: the grid would have 10001 points, \
             above the limit of 10000 points; use a coarser step or fewer values\n"
                .to_string()
        )
    );
    assert_eq!(
        sweep(&["scenario.target=1:101:1", "scenario.seed=1:100:1"]),
        (
            Some(2),
            "error: the grid of 101 x 100 has 10100 points, above the limit of 10000 points; \
             use coarser steps or fewer values\n"
                .to_string()
        )
    );
    // 10,000 points pass the check: what stops these is the missing file.
    for vary in [
        &["scenario.target=1:10000:1"][..],
        &["scenario.target=1:100:1", "scenario.seed=1:100:1"],
    ] {
        let (status, stderr) = sweep(vary);
        assert_eq!(status, Some(2));
        assert_eq!(
            stderr,
            "error: absent.toml:1:1: cannot read scenario file: no such file\n"
        );
    }
}
