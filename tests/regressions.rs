//! Regression tests for the faults found by attacking muster: files it did
//! not write are never replaced, no input makes it panic or hang, and every
//! refusal is one line with exit status 2. Each test is named after the
//! fault it pins.

use crate::util::{assert_ok, muster, run_in, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

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
        rec.replace(&sha, "scenario_sha256 = \"aéééééééééééé\""),
    )
    .unwrap();
    let out = run_in(p, &["compare", "a", "b"]);
    assert_ok(&out);
    assert!(stderr(&out).contains("ééé"), "{}", stderr(&out));
}

// ---- item 1: files outside result folders ----

fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "sweep",
        "t.toml",
        "--trials",
        "1000",
        "--quiet",
        "--vary",
        "scenario.target=1000:3000:1000",
        "--out",
        out,
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn sweep_out_t_csv_never_overwrites_the_scenario_t_toml() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("t.csv", &[])));
    assert_eq!(read(p.join("t.toml")), tutorial_text());
    assert!(read(p.join("t.csv.sweep.toml")).contains("vary"));
    // Without an extension the record is t.sweep.toml, still not the scenario.
    let d2 = with_tutorial();
    assert_ok(&run_in(d2.path(), &sweep_args("t", &[])));
    assert_eq!(read(d2.path().join("t.toml")), tutorial_text());
    assert!(d2.path().join("t.sweep.toml").exists());
    // A scenario that has the record's name is refused, even with --force.
    std::fs::write(p.join("x.csv.sweep.toml"), tutorial_text()).unwrap();
    for force in [&[][..], &["--force"]] {
        let mut a = sweep_args("x.csv", force);
        a[1] = "x.csv.sweep.toml";
        assert_refused(&run_in(p, &a), "scenario file");
    }
    assert_eq!(read(p.join("x.csv.sweep.toml")), tutorial_text());
}

#[test]
fn sweep_out_does_not_replace_a_users_files_beside_it() {
    for user_file in [
        "notes.csv",
        "notes.svg",
        "notes.csv.sweep.toml",
        "notes.csv.partial",
    ] {
        let d = with_tutorial();
        let p = d.path();
        std::fs::write(p.join(user_file), "mine\n").unwrap();
        let out = run_in(p, &sweep_args("notes.csv", &[]));
        assert_refused(&out, "refusing to replace");
        assert!(stderr(&out).contains(user_file) && stderr(&out).contains("--force"));
        assert_eq!(read(p.join(user_file)), "mine\n", "{user_file}");
        assert_eq!(listing(p), [user_file, "t.toml"], "nothing else written");
        // With --force the sweep replaces it.
        assert_ok(&run_in(p, &sweep_args("notes.csv", &["--force"])));
        assert!(read(p.join("notes.csv")).contains("p_success"));
    }
}

#[test]
fn a_sweep_run_again_replaces_its_own_files() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    let first = read(p.join("s.csv"));
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    assert_eq!(read(p.join("s.csv")), first);
    assert_eq!(
        listing(p),
        ["s.csv", "s.csv.sweep.toml", "s.svg", "t.toml"],
        "no temporaries left"
    );
}

#[test]
fn solve_and_compare_csv_do_not_overwrite_a_file_muster_did_not_write() {
    let d = with_tutorial();
    let p = d.path();
    std::fs::write(p.join("mine.csv"), "precious\n").unwrap();
    let solve = |extra: &[&str]| {
        let mut a = vec![
            "solve",
            "t.toml",
            "--trials",
            "2000",
            "--quiet",
            "--vary",
            "contributors.Indonesia.p_join",
            "--goal",
            "p_success >= 0.3",
            "--csv",
            "mine.csv",
        ];
        a.extend_from_slice(extra);
        run_in(p, &a)
    };
    assert_refused(&solve(&[]), "refusing to replace mine.csv");
    assert_eq!(read(p.join("mine.csv")), "precious\n");
    let mut a = vec!["solve", "t.toml", "--vary", "contributors.Indonesia.p_join"];
    a.extend(["--goal", "p_success >= 0.3", "--csv", "t.toml"]);
    assert_refused(&run_in(p, &a), "scenario file");
    assert_eq!(read(p.join("t.toml")), tutorial_text());
    for out in ["a", "b"] {
        assert_ok(&run_in(
            p,
            &["run", "t.toml", "--trials", "2000", "--quiet", "--out", out],
        ));
    }
    assert_refused(
        &run_in(p, &["compare", "a", "b", "--csv", "mine.csv"]),
        "refusing to replace mine.csv",
    );
    assert_refused(
        &run_in(p, &["compare", "a", "b", "--csv", "a/summary.csv"]),
        "refusing to replace",
    );
    assert_eq!(read(p.join("mine.csv")), "precious\n");
    // Its own files it replaces; others only with --force.
    assert_ok(&run_in(p, &["compare", "a", "b", "--csv", "c.csv"]));
    assert_ok(&run_in(p, &["compare", "a", "b", "--csv", "c.csv"]));
    let out = solve(&["--force"]);
    assert_ok(&out);
    assert!(read(p.join("mine.csv")).starts_with("phase,"));
    assert_ok(&solve(&[]));
    assert!(!listing(p).iter().any(|f| f.contains("muster-tmp")));
}

// ---- item 10: resuming a sweep ----

#[test]
fn resume_refuses_a_partial_file_whose_record_is_missing() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    let full = read(p.join("s.csv"));
    let two: Vec<&str> = full.lines().take(2).collect();
    std::fs::write(p.join("u.csv.partial"), two.join("\n") + "\n").unwrap();
    let out = run_in(p, &sweep_args("u.csv", &["--resume"]));
    assert_refused(&out, "sweep record");
}

#[test]
fn resume_accepts_the_empty_partial_file_a_full_disk_leaves() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    let full = read(p.join("s.csv"));
    std::fs::copy(p.join("s.csv.sweep.toml"), p.join("e.csv.sweep.toml")).unwrap();
    std::fs::write(p.join("e.csv.partial"), "").unwrap();
    assert_ok(&run_in(p, &sweep_args("e.csv", &["--resume"])));
    assert_eq!(read(p.join("e.csv")), full);
}

#[test]
fn out_x_csv_and_out_x_keep_separate_sweep_records() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("x.csv", &[])));
    // The two share the chart x.svg, which the second replaces only when forced.
    let out = run_in(p, &sweep_args("x", &["--seed", "7"]));
    assert_refused(&out, "x.svg");
    assert_ok(&run_in(p, &sweep_args("x", &["--seed", "7", "--force"])));
    assert!(!read(p.join("x.csv.sweep.toml")).contains("seed = 7"));
    assert!(read(p.join("x.sweep.toml")).contains("seed = 7"));
}

#[test]
fn a_sweep_without_resume_does_not_silently_discard_earlier_rows() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    let full = read(p.join("s.csv"));
    let two: Vec<&str> = full.lines().take(2).collect();
    std::fs::copy(p.join("s.csv.sweep.toml"), p.join("r.csv.sweep.toml")).unwrap();
    std::fs::write(p.join("r.csv.partial"), two.join("\n") + "\n").unwrap();
    let out = run_in(p, &sweep_args("r.csv", &[]));
    assert_refused(&out, "--resume");
    assert_eq!(read(p.join("r.csv.partial")), two.join("\n") + "\n");
    assert_ok(&run_in(p, &sweep_args("r.csv", &["--force"])));
    assert_eq!(read(p.join("r.csv")), full);
}

// ---- item 3: merge validates its parts ----

/// Two parts of the tutorial run (9,000 trials) in `parts/`; their paths.
fn two_parts(p: &Path) -> [PathBuf; 2] {
    for k in ["1/2", "2/2"] {
        assert_ok(&run_in(
            p,
            &[
                "run", "t.toml", "--trials", "9000", "--quiet", "--shard", k, "--out", "parts",
            ],
        ));
    }
    [
        p.join("parts/part-1-of-2.json"),
        p.join("parts/part-2-of-2.json"),
    ]
}

/// Edits part 2 with `edit`, then merges; the merge must be refused naming it.
fn merge_edited(edit: impl Fn(&mut serde_json::Value), needle: &str) {
    merge_edited_parts(&[2], edit, needle);
}

/// Edits the parts numbered in `which` with `edit`, then merges; the merge
/// must be refused naming the first of them.
fn merge_edited_parts(which: &[usize], edit: impl Fn(&mut serde_json::Value), needle: &str) {
    let d = with_tutorial();
    let p = d.path();
    let parts = two_parts(p);
    for &k in which {
        let path = &parts[k - 1];
        let mut v: serde_json::Value = serde_json::from_str(&read(path)).unwrap();
        edit(&mut v);
        std::fs::write(path, serde_json::to_string(&v).unwrap()).unwrap();
    }
    let (one, two) = (parts[0].to_str().unwrap(), parts[1].to_str().unwrap());
    let out = run_in(p, &["merge", one, two, "--quiet", "--out", "m"]);
    assert_refused(&out, needle);
    let named = format!("part-{}-of-2.json", which[0]);
    assert!(stderr(&out).contains(&named), "{}", stderr(&out));
    assert!(!p.join("m").exists());
}

#[test]
fn merge_refuses_a_part_whose_success_exceeds_its_trials() {
    merge_edited(
        |v| {
            let t = &mut v["tally"];
            let n = t["trials"].as_u64().unwrap();
            t["success"] = (n + 7).into();
        },
        "success",
    );
}

#[test]
fn merge_refuses_counts_near_u64_max_instead_of_wrapping() {
    merge_edited(
        |v| v["tally"]["personnel_sum"] = (u64::MAX - 5).into(),
        "histogram",
    );
    merge_edited(
        |v| v["tally"]["contributors"][0]["pivotal"] = u64::MAX.into(),
        "pivotal",
    );
}

#[test]
fn merge_refuses_a_state_count_above_the_trials() {
    merge_edited(
        |v| v["tally"]["conditions"][0][0]["trials"] = 1_000_000_000_000u64.into(),
        "condition 1",
    );
}

#[test]
fn merge_refuses_edited_scenario_text_with_the_old_sha256() {
    merge_edited(
        |v| {
            let text = v["scenario_text"].as_str().unwrap().replace("0.", "0.9");
            v["scenario_text"] = text.into();
        },
        "scenario_sha256",
    );
}

#[test]
fn merge_refuses_a_tally_with_fewer_contributors_or_conditions() {
    merge_edited(
        |v| {
            v["tally"]["contributors"].as_array_mut().unwrap().pop();
        },
        "contributors",
    );
    merge_edited(
        |v| {
            v["tally"]["conditions"].as_array_mut().unwrap().pop();
        },
        "conditions",
    );
}

#[test]
fn merge_refuses_a_part_numbered_shard_0() {
    // Shard 1 of 2 renumbered 0: it used to pass as shard 1.
    merge_edited_parts(&[1], |v| v["shard"] = 0.into(), "shard 0 of 2");
}

#[test]
fn merge_refuses_a_part_claiming_a_trillion_shards() {
    // Both parts agree on the count, which used to size an 8 TB table.
    merge_edited_parts(
        &[1, 2],
        |v| v["shards"] = 1_000_000_000_000u64.into(),
        "shard count",
    );
}

#[test]
fn shard_1_of_a_trillion_is_refused_up_front() {
    let d = with_tutorial();
    let out = run_in(
        d.path(),
        &[
            "run",
            "t.toml",
            "--trials",
            "9000",
            "--quiet",
            "--shard",
            "1/1000000000000",
            "--out",
            "parts",
        ],
    );
    assert_refused(&out, "limit of 100000 shards");
    assert!(!d.path().join("parts").exists());
}

#[test]
fn shard_count_without_shard_is_refused() {
    let d = with_tutorial();
    let out = run_in(
        d.path(),
        &["run", "t.toml", "--shard-count", "3", "--quiet"],
    );
    assert_refused(&out, "--shard-count");
}

// ---- item 4: --out at a mount point, link/, dir/. ----

/// Whether this machine lets an unprivileged user namespace mount file systems.
fn can_mount() -> bool {
    Command::new("unshare")
        .args(["-rm", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn out_at_a_mount_point_gets_the_results() {
    if !can_mount() {
        eprintln!("skipped: no user namespaces to mount a file system in");
        return;
    }
    let d = with_tutorial();
    let p = d.path();
    std::fs::create_dir(p.join("mnt")).unwrap();
    std::fs::create_dir(p.join("host")).unwrap();
    let script = r#"
        set -e
        m="$0"
        mount -t tmpfs none mnt
        "$m" run t.toml --trials 1000 --quiet --out mnt
        "$m" run t.toml --trials 2000 --quiet --out mnt/
        grep -q 'trials = 2000' mnt/run.toml
        echo listing; ls -a mnt
        mount --bind host mnt
        "$m" run t.toml --trials 1000 --quiet --out mnt/.
        ls -a . | grep -c muster-tmp || true
    "#;
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, env!("CARGO_BIN_EXE_muster")])
        .current_dir(p)
        .output()
        .unwrap();
    assert_ok(&out);
    let text = stdout(&out);
    assert!(
        text.contains("summary.csv") && !text.contains("muster-tmp-"),
        "{text}"
    );
    assert!(text.trim_end().ends_with('0'), "temporaries left: {text}");
    // The bind mount wrote through to the host folder.
    assert!(p.join("host/summary.csv").exists());
    assert!(listing(p).iter().all(|f| !f.contains("muster-tmp")));
}

#[test]
fn out_link_with_a_trailing_slash_and_out_dir_dot_get_the_results() {
    let d = with_tutorial();
    let p = d.path();
    std::fs::create_dir(p.join("real")).unwrap();
    std::os::unix::fs::symlink("real", p.join("link")).unwrap();
    assert_ok(&run_in(
        p,
        &[
            "run", "t.toml", "--trials", "1000", "--quiet", "--out", "link/",
        ],
    ));
    assert!(p.join("real/summary.csv").exists());
    assert!(p.join("link").is_symlink());
    std::fs::create_dir(p.join("dir")).unwrap();
    assert_ok(&run_in(
        p,
        &[
            "run", "t.toml", "--trials", "1000", "--quiet", "--out", "dir/.",
        ],
    ));
    assert!(p.join("dir/summary.csv").exists());
    // And again, replacing the earlier results.
    assert_ok(&run_in(
        p,
        &[
            "run", "t.toml", "--trials", "2000", "--quiet", "--out", "dir/.",
        ],
    ));
    assert!(read(p.join("dir/run.toml")).contains("trials = 2000"));
    assert_eq!(listing(p), ["dir", "link", "real", "t.toml"]);
}

// ---- item 5: a file created while muster writes ----

#[test]
fn a_file_created_in_the_result_folder_while_muster_writes_is_kept() {
    use muster::output::folder;
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(
        p,
        &["run", "t.toml", "--trials", "1000", "--quiet", "--out", "r"],
    ));
    for force in [false, true] {
        let staging = folder::prepare(&p.join("r"), force).unwrap();
        std::fs::copy(p.join("r/run.toml"), staging.tmp.join("run.toml")).unwrap();
        // The user saves a note into the folder while muster writes.
        std::fs::write(p.join("r/notes.txt"), "mine").unwrap();
        let result = staging.commit();
        if force {
            result.unwrap();
        } else {
            let e = result.unwrap_err();
            assert!(matches!(e, folder::FolderError::Refused(_)), "{e:#}");
            assert!(format!("{e}").contains("notes.txt"), "{e}");
        }
        assert_eq!(read(p.join("r/notes.txt")), "mine");
        std::fs::remove_file(p.join("r/notes.txt")).unwrap();
    }
    assert_eq!(listing(p), ["r", "t.toml"]);
}

// ---- item 11: the same status from every command ----

/// muster as an unprivileged user when the tests run as root (root may
/// write anywhere), else as it is.
fn unprivileged() -> Command {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"]);
        c.arg(env!("CARGO_BIN_EXE_muster"));
        c
    } else {
        muster()
    }
}

#[test]
fn permission_denied_on_out_exits_2_from_every_command() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(p.join("t.toml"), tutorial_text()).unwrap();
    for k in ["1/2", "2/2"] {
        assert_ok(&run_in(
            p,
            &[
                "run", "t.toml", "--trials", "2000", "--quiet", "--shard", k, "--out", "parts",
            ],
        ));
    }
    for out in ["a", "b"] {
        assert_ok(&run_in(
            p,
            &["run", "t.toml", "--trials", "2000", "--quiet", "--out", out],
        ));
    }
    std::fs::create_dir(p.join("ro")).unwrap();
    std::fs::set_permissions(p.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = unprivileged().arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot run muster as an unprivileged user");
        return;
    }
    let cases: [&[&str]; 7] = [
        &[
            "run", "t.toml", "--trials", "1000", "--quiet", "--out", "ro/r",
        ],
        &[
            "sweep",
            "t.toml",
            "--trials",
            "1000",
            "--quiet",
            "--vary",
            "scenario.target=1000,2000",
            "--out",
            "ro/s.csv",
        ],
        &[
            "sensitivity",
            "t.toml",
            "--trials",
            "1000",
            "--quiet",
            "--out",
            "ro/s",
        ],
        &[
            "run", "t.toml", "--trials", "1000", "--quiet", "--shard", "1/2", "--out", "ro/p",
        ],
        &[
            "merge",
            "parts/part-1-of-2.json",
            "parts/part-2-of-2.json",
            "--quiet",
            "--out",
            "ro/m",
        ],
        &[
            "solve",
            "t.toml",
            "--trials",
            "1000",
            "--quiet",
            "--vary",
            "contributors.Indonesia.p_join",
            "--goal",
            "p_success >= 0.1",
            "--csv",
            "ro/x.csv",
        ],
        &["compare", "a", "b", "--csv", "ro/c.csv"],
    ];
    for args in cases {
        let out = unprivileged().args(args).current_dir(p).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).to_lowercase().contains("permission denied"),
            "{}",
            stderr(&out)
        );
    }
    assert!(listing(&p.join("ro")).is_empty());
}

#[test]
fn refusing_to_replace_exits_2_from_every_command() {
    let d = with_tutorial();
    let p = d.path();
    for k in ["1/2", "2/2"] {
        assert_ok(&run_in(
            p,
            &[
                "run", "t.toml", "--trials", "2000", "--quiet", "--shard", k, "--out", "parts",
            ],
        ));
    }
    // A folder of the user's with files named as muster's, and one more.
    for dir in ["r", "m", "s"] {
        std::fs::create_dir(p.join(dir)).unwrap();
        std::fs::write(p.join(dir).join("summary.csv"), "mine").unwrap();
        std::fs::write(p.join(dir).join("tornado.csv"), "mine").unwrap();
    }
    let cases: [&[&str]; 3] = [
        &[
            "run", "t.toml", "--trials", "1000", "--quiet", "--force", "--out", "r",
        ],
        &[
            "merge",
            "parts/part-1-of-2.json",
            "parts/part-2-of-2.json",
            "--quiet",
            "--force",
            "--out",
            "m",
        ],
        &[
            "sensitivity",
            "t.toml",
            "--trials",
            "1000",
            "--quiet",
            "--force",
            "--out",
            "s",
        ],
    ];
    for args in cases {
        assert_refused(&run_in(p, args), "refusing to replace");
    }
    for dir in ["r", "m", "s"] {
        assert_eq!(listing(&p.join(dir)), ["summary.csv", "tornado.csv"]);
    }
}

// ---- item 6: interrupts everywhere ----

#[test]
fn check_of_a_fifo_is_refused_instead_of_blocking() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let child = muster()
        .args(["check", "fifo"])
        .current_dir(d.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_at_most(child, Duration::from_secs(10));
    assert_refused(&out, "not a regular file");
    let child = muster()
        .args(["run", "/dev/zero"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert_refused(
        &wait_at_most(child, Duration::from_secs(10)),
        "not a regular file",
    );
}

#[test]
fn a_sweep_honours_an_interrupt_while_it_validates_its_grid_and_writes_no_record() {
    let d = with_tutorial();
    let p = d.path();
    let child = muster()
        .args([
            "sweep",
            "t.toml",
            "--trials",
            "1",
            "--quiet",
            "--vary",
            "scenario.target=1:10000:1",
            "--out",
            "big.csv",
        ])
        .current_dir(p)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, libc::SIGINT);
    let out = wait_at_most(child, Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert_eq!(stderr(&out), "interrupted\n");
    assert_eq!(
        listing(p),
        ["t.toml"],
        "nothing written after the interrupt"
    );
}

// ---- item 7: threads and memory ----

#[test]
fn threads_beyond_the_limit_are_refused_at_once() {
    let d = with_tutorial();
    let start = Instant::now();
    let out = run_in(
        d.path(),
        &["run", "t.toml", "--threads", "1000000", "--quiet"],
    );
    assert_refused(&out, "--threads 1000000 is above the limit");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(listing(d.path()), ["t.toml"]);
}

/// Peak memory (KB) of a muster run with `args`.
#[allow(clippy::zombie_processes, reason = "wait4 reaps the child")]
fn peak_kb(dir: &Path, args: &[&str]) -> i64 {
    let child = muster()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value; wait4 fills it for our child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    usage.ru_maxrss
}

#[test]
fn memory_does_not_grow_with_threads() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let mut text = String::from("[scenario]\nname = \"wide\"\ntarget = 5000000\n");
    for i in 0..10 {
        text += &format!(
            "\n[[contributors]]\nname = \"C{i}\"\np_join = 0.5\ntroops = {{ dist = \"uniform\", min = 0, max = 1000000 }}\n"
        );
    }
    std::fs::write(p.join("wide.toml"), text).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = |threads: usize, out: &str| {
        let t = threads.to_string();
        peak_kb(
            p,
            &[
                "run",
                "wide.toml",
                "--trials",
                "100000",
                "--quiet",
                "--threads",
                &t,
                "--out",
                out,
            ],
        )
    };
    let at_cores = run(cores, "a");
    let at_limit = run(4 * cores, "b");
    assert!(
        (at_limit as f64) < 1.25 * at_cores as f64,
        "{cores} threads: {at_cores} KB; {} threads: {at_limit} KB",
        4 * cores
    );
    assert_eq!(read(p.join("a/summary.csv")), read(p.join("b/summary.csv")));
}

// ---- item 9: injection into outputs ----

fn contributors_scenario(names: &[&str]) -> String {
    let mut text = String::from("[scenario]\nname = \"names\"\ntarget = 1000\n");
    for n in names {
        text += &format!(
            "\n[[contributors]]\nname = {}\np_join = 0.5\ntroops = 1000\n",
            toml_string(n)
        );
    }
    text
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            c if c.is_control() => out += &format!("\\u{:04X}", c as u32),
            c => out.push(c),
        }
    }
    out + "\""
}

#[test]
fn csv_formula_prefixes_in_names_are_neutralised() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let names = ["=1+2", "+cmd", "-x", "@SUM"];
    std::fs::write(p.join("f.toml"), contributors_scenario(&names)).unwrap();
    assert_ok(&run_in(
        p,
        &["run", "f.toml", "--trials", "2000", "--quiet", "--out", "r"],
    ));
    let mut seen = 0;
    for entry in std::fs::read_dir(p.join("r")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&path)
            .unwrap();
        for rec in reader.records() {
            for cell in rec.unwrap().iter() {
                let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                assert!(
                    !risky || cell.parse::<f64>().is_ok(),
                    "{}: cell {cell:?}",
                    path.display()
                );
                if cell.starts_with('\'') {
                    seen += 1;
                }
            }
        }
    }
    assert!(seen >= 4, "names not found in the CSVs");
    assert!(read(p.join("r/contributors.csv")).contains("'=1+2"));
    assert_ok(&run_in(
        p,
        &[
            "sensitivity",
            "f.toml",
            "--trials",
            "2000",
            "--quiet",
            "--out",
            "s",
        ],
    ));
    let tornado = read(p.join("s/tornado.csv"));
    for line in tornado.lines().skip(1) {
        assert!(!line.starts_with(['=', '+', '-', '@']), "{line}");
    }
}

#[test]
fn control_characters_in_name_and_description_are_refused_with_a_location() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let cases = [
        (
            "name = \"clear\\u001B[2Jscreen\"\ntarget = 10\n",
            "scenario.name",
            2,
        ),
        (
            "name = \"ok\"\ndescription = \"ring\\u0007\"\ntarget = 10\n",
            "scenario.description",
            3,
        ),
        (
            "name = \"ok\"\ndescription = \"P(success) 0.2\\rP(success) 0.99\"\ntarget = 10\n",
            "scenario.description",
            3,
        ),
    ];
    for (header, key, line) in cases {
        let text = format!(
            "[scenario]\n{header}\n[[contributors]]\nname = \"A\"\np_join = 0.5\ntroops = 100\n"
        );
        std::fs::write(p.join("c.toml"), text).unwrap();
        let out = run_in(p, &["check", "c.toml"]);
        assert_refused(&out, &format!("c.toml:{line}:"));
        assert!(
            stderr(&out).contains(&format!(": {key}: ")),
            "{}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains('\u{1b}') && !stderr(&out).contains('\u{7}'));
    }
    // A multi-line description stays valid.
    let text = "[scenario]\nname = \"ok\"\ndescription = \"\"\"two\nlines\"\"\"\ntarget = 10\n\n[[contributors]]\nname = \"A\"\np_join = 0.5\ntroops = 100\n";
    std::fs::write(p.join("c.toml"), text).unwrap();
    assert_ok(&run_in(p, &["check", "c.toml"]));
}

#[test]
fn coalition_labels_tell_a_contributor_named_a_plus_b_from_a_and_b() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("c.toml"), contributors_scenario(&["A", "B", "A+B"])).unwrap();
    assert_ok(&run_in(
        p,
        &["run", "c.toml", "--trials", "5000", "--quiet", "--out", "r"],
    ));
    let mut reader = csv::Reader::from_path(p.join("r/coalitions.csv")).unwrap();
    let labels: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(labels.len(), 8, "{labels:?}");
    let mut unique = labels.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 8, "{labels:?}");
    assert!(labels.contains(&"A+B".to_string()), "{labels:?}");
    assert!(labels.contains(&"\"A+B\"".to_string()), "{labels:?}");
    assert!(labels.contains(&"A+B+\"A+B\"".to_string()), "{labels:?}");
}

#[test]
fn a_set_name_that_creates_a_duplicate_names_the_right_source() {
    let d = with_tutorial();
    let out = run_in(
        d.path(),
        &[
            "check",
            "t.toml",
            "--set",
            "contributors.Indonesia.name=Pakistan",
        ],
    );
    assert_refused(&out, "named by --set contributors.Indonesia.name=Pakistan");
    let out = run_in(
        d.path(),
        &[
            "check",
            "t.toml",
            "--set",
            "contributors.Pakistan.name=Indonesia",
        ],
    );
    assert_refused(&out, "also contributors[0] at t.toml:");
}

#[test]
fn a_scenario_named_dot_dot_toml_does_not_write_into_results_itself() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(p.join("..toml"), tutorial_text()).unwrap();
    assert_ok(&run_in(
        p,
        &["run", "..toml", "--trials", "1000", "--quiet"],
    ));
    let inside = listing(&p.join("results"));
    assert_eq!(inside.len(), 1, "{inside:?}");
    assert!(inside[0].starts_with("scenario"), "{inside:?}");
    assert!(
        p.join("results")
            .join(&inside[0])
            .join("summary.csv")
            .exists()
    );
}

/// Found by fuzzing merge_part: text from the part went into the refusal as
/// it was, so a newline in it made the message two lines.
#[test]
fn merge_refuses_a_part_with_control_characters_in_one_line() {
    merge_edited(|v| v["format"] = "muster\npart".into(), "part format");
    merge_edited(
        |v| v["scenario_file"] = "t.toml\u{1b}[2J".into(),
        "control characters",
    );
    merge_edited(
        |v| v["overrides"] = serde_json::json!(["scenario.target=1\nerror: forged"]),
        "control characters",
    );
}

#[test]
fn a_full_disk_leaves_the_partial_file_of_a_sweep_as_it_was() {
    if !can_mount() {
        eprintln!("skipped: no user namespaces to mount a file system in");
        return;
    }
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(p, &sweep_args("s.csv", &[])));
    let full = read(p.join("s.csv"));
    let two: String = full.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::create_dir(p.join("small")).unwrap();
    // On a 64 KB file system, filled up, the sweep cannot rewrite its
    // partial file; the one there must keep its rows for --resume.
    let script = r#"
        m="$0"
        mount -t tmpfs -o size=64k none small || exit 3
        cp t.toml s.csv.sweep.toml small/
        mv small/s.csv.sweep.toml small/e.csv.sweep.toml
        cp part small/e.csv.partial
        cd small
        head -c 1000000 /dev/zero > filler 2>/dev/null
        "$m" sweep t.toml --trials 1000 --quiet --vary scenario.target=1000:3000:1000 --out e.csv --resume
        echo "status $?"
        cat e.csv.partial
    "#;
    std::fs::write(p.join("part"), &two).unwrap();
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, env!("CARGO_BIN_EXE_muster")])
        .current_dir(p)
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("status 1"), "{text}\n{}", stderr(&out));
    assert!(text.ends_with(&two), "the partial file changed: {text}");
}

#[test]
fn a_fifo_where_muster_reads_its_own_files_does_not_hang() {
    let d = with_tutorial();
    let p = d.path();
    assert_ok(&run_in(
        p,
        &["run", "t.toml", "--trials", "1000", "--quiet", "--out", "a"],
    ));
    std::fs::create_dir(p.join("r")).unwrap();
    let mkfifo = |path: PathBuf| {
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    };
    mkfifo(p.join("r/run.toml"));
    mkfifo(p.join("s.csv.sweep.toml"));
    let cases: [(&[&str], &str); 3] = [
        (
            &["run", "t.toml", "--trials", "1000", "--quiet", "--out", "r"],
            "refusing",
        ),
        (&["compare", "a", "r"], "not a regular file"),
        (&sweep_args("s.csv", &[]), "not a regular file"),
    ];
    for (args, needle) in cases {
        let child = muster()
            .args(args)
            .current_dir(p)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert_refused(&wait_at_most(child, Duration::from_secs(20)), needle);
    }
}

#[test]
fn a_destination_that_will_be_refused_is_refused_before_the_run() {
    let d = with_tutorial();
    let p = d.path();
    std::fs::create_dir(p.join("mine")).unwrap();
    std::fs::write(p.join("mine/notes.txt"), "x").unwrap();
    let start = Instant::now();
    // A trillion trials would take hours: the refusal must come first.
    let out = run_in(
        p,
        &[
            "run",
            "t.toml",
            "--trials",
            "1000000000000",
            "--quiet",
            "--out",
            "mine",
        ],
    );
    assert_refused(&out, "refusing to write into");
    let out = run_in(
        p,
        &[
            "sensitivity",
            "t.toml",
            "--trials",
            "1000000000000",
            "--quiet",
            "--out",
            "mine",
        ],
    );
    assert_refused(&out, "refusing to write into");
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(listing(p), ["mine", "t.toml"]);
}
