//! `muster serve` through its HTTP endpoints: the real program started on
//! a free port in a temporary folder, spoken to over TCP. Its answers are
//! checked against `muster run --set` with the same values, its saved
//! results byte for byte against the folder `muster run` writes, and its
//! refusals (other hosts, other sites, files of the disk, bad values).
//! The load test (20 pages moving controls at once) is ignored here and
//! run as its own CI step.

mod client;
mod load;

use std::path::Path;

use serde_json::{Value, json};

use crate::util::{read_csv, repo, run_in, temp_dir};
use client::Served;

/// A temporary folder holding a copy of the tutorial scenario.
fn folder_with_tutorial() -> tempfile::TempDir {
    let dir = temp_dir();
    std::fs::copy(
        repo().join("scenarios/tutorial.toml"),
        dir.path().join("tutorial.toml"),
    )
    .unwrap();
    dir
}

fn rows(v: &Value) -> Vec<Vec<String>> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Runs the `muster run ...` line the server gave, in `dir`, with the
/// program under test; returns its result folder.
fn run_command(dir: &Path, command: &str) -> std::path::PathBuf {
    let words: Vec<String> = shell_words(command);
    assert_eq!(words[..2], ["muster", "run"], "{command}");
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let out = run_in(dir, &[args.as_slice(), &["--quiet"]].concat());
    assert!(
        out.status.success(),
        "{command}: {}",
        crate::util::stderr(&out)
    );
    let mut found = std::fs::read_dir(dir.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    assert_eq!(found.len(), 1, "{found:?}");
    found.pop().unwrap()
}

/// Splits a POSIX shell line of plain and single-quoted words.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut any) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            '\\' if !quoted => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            ' ' if !quoted => {
                if any || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => word.push(c),
        }
    }
    if any || !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn serve_answers_only_its_own_page_to_its_own_address() {
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml", "--trials", "20000"]);
    let (status, headers, page) = s.get("/");
    assert_eq!(status, 200);
    assert!(headers.contains("text/html"), "{headers}");
    assert!(page.contains("<script src=\"/app.js\""));
    for asset in ["/app.js", "/charts.js", "/app.css"] {
        assert_eq!(s.get(asset).0, 200, "{asset}");
    }
    // Files of the disk are never served, even the scenario beside it.
    for path in [
        "/tutorial.toml",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/results",
        "/api",
    ] {
        assert_eq!(s.get(path).0, 404, "{path}");
    }
    // Another name (DNS rebinding) and another site are turned away.
    let evil = s.raw("GET", "/", &[("Host", "evil.example")], "");
    assert_eq!(evil.0, 403);
    let body = json!({ "overrides": [] }).to_string();
    let other_site = s.raw(
        "POST",
        "/api/run",
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        &body,
    );
    assert_eq!(other_site.0, 403);
    let form = s.raw(
        "POST",
        "/api/save-scenario",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &body,
    );
    assert_eq!(form.0, 403);
    let own_site = s.raw(
        "POST",
        "/api/run",
        &[
            ("Origin", &s.origin()),
            ("Content-Type", "application/json"),
        ],
        &body,
    );
    assert_eq!(own_site.0, 200, "{}", own_site.2);
    let (status, _, scenario) = s.get("/api/scenario");
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&scenario).unwrap();
    assert_eq!(v["trials"], 20000);
    assert_eq!(v["precise_trials"], 200000);
    let keys: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["controls"].as_array().unwrap())
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    for k in [
        "contributors.Indonesia.veto",
        "contributors.Indonesia.troops.mode",
        "conditions.ceasefire.probs",
        "scenario.target",
    ] {
        assert!(keys.contains(&k), "{k} not among {keys:?}");
    }
}

#[test]
fn serve_answers_as_muster_run_with_the_same_values() {
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml", "--trials", "20000"]);
    let overrides = [
        "contributors.Indonesia.veto=0.5",
        "conditions.ceasefire.probs.full=0.5",
    ];
    let (status, a) = s.post(
        "/api/run",
        &json!({ "client": "t", "seq": 1, "overrides": overrides }),
    );
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["seq"], 1);
    assert_eq!(
        a["overrides"],
        json!([
            "contributors.Indonesia.veto=0.5",
            "conditions.ceasefire.probs=[0.15625, 0.34375, 0.5]"
        ])
    );
    let command = a["command"].as_str().unwrap();
    assert!(command.ends_with("--trials 20000"), "{command}");
    let other = temp_dir();
    std::fs::copy(
        dir.path().join("tutorial.toml"),
        other.path().join("tutorial.toml"),
    )
    .unwrap();
    let folder = run_command(other.path(), command);
    for name in ["summary", "milestones", "fan", "losses", "contributors"] {
        let (header, file_rows) = read_csv(&folder.join(format!("{name}.csv")));
        let table = &a["tables"][name];
        assert_eq!(table["header"], json!(header), "{name}");
        assert_eq!(
            rows(table),
            file_rows,
            "{name}.csv differs from muster run's"
        );
    }
    // The change from the file's own answer is there, with its interval.
    let mean = a["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["metric"] == "mean_personnel")
        .unwrap();
    let (d, lo, hi) = (
        mean["diff"].as_f64().unwrap(),
        mean["low"].as_f64().unwrap(),
        mean["high"].as_f64().unwrap(),
    );
    assert!(lo < d && d < hi && d != 0.0, "{mean}");
    let headline = a["headline"][0].as_str().unwrap();
    assert!(
        headline.starts_with("In 20,000 simulated years"),
        "{headline}"
    );
}

#[test]
fn serve_saves_results_as_muster_run_writes_them() {
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml", "--trials", "20000"]);
    let ask = json!({ "overrides": ["contributors.Pakistan.p_join.partial=0.7", "contributors.Azerbaijan.troops.max=2500"] });
    let (status, saved) = s.post("/api/save-results", &ask);
    assert_eq!(status, 200, "{saved}");
    let path = dir.path().join(saved["path"].as_str().unwrap());
    let other = temp_dir();
    std::fs::copy(
        dir.path().join("tutorial.toml"),
        other.path().join("tutorial.toml"),
    )
    .unwrap();
    let theirs = run_command(other.path(), saved["command"].as_str().unwrap());
    assert_eq!(
        path.strip_prefix(dir.path()).unwrap(),
        theirs.strip_prefix(other.path()).unwrap()
    );
    let mut names: Vec<String> = std::fs::read_dir(&theirs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"report.html".to_string()));
    for name in &names {
        let ours = std::fs::read(path.join(name)).unwrap();
        let run = std::fs::read(theirs.join(name)).unwrap();
        assert!(ours == run, "{name} differs from muster run's");
    }
    assert_eq!(std::fs::read_dir(&path).unwrap().count(), names.len());
}

#[test]
fn serve_saves_a_scenario_beside_the_original_with_its_comments() {
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml", "--trials", "20000"]);
    let overrides = [
        "contributors.Indonesia.troops.mode=2500",
        "roles.security=4000",
    ];
    let (_, a) = s.post("/api/run", &json!({ "overrides": overrides }));
    let (status, saved) = s.post(
        "/api/save-scenario",
        &json!({ "overrides": overrides, "name": "bigger" }),
    );
    assert_eq!(status, 200, "{saved}");
    let path = dir.path().join("bigger.toml");
    assert_eq!(
        Path::new(saved["path"].as_str().unwrap()).file_name(),
        path.file_name()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let original = std::fs::read_to_string(dir.path().join("tutorial.toml")).unwrap();
    for line in original.lines().filter(|l| l.contains('#')) {
        let comment = &line[line.find('#').unwrap()..];
        assert!(text.contains(comment), "lost comment: {comment}");
    }
    // The new file, run on its own, gives the page's answer.
    let out = run_in(
        dir.path(),
        &[
            "run",
            "bigger.toml",
            "--trials",
            "20000",
            "--quiet",
            "--out",
            "b",
        ],
    );
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    let (_, summary) = read_csv(&dir.path().join("b/summary.csv"));
    assert_eq!(rows(&a["tables"]["summary"]), summary);
    // It never replaces a file it did not write, nor the scenario.
    std::fs::write(dir.path().join("notes.toml"), "# mine\n").unwrap();
    for name in ["notes.toml", "tutorial.toml"] {
        let (status, e) = s.post(
            "/api/save-scenario",
            &json!({ "overrides": overrides, "name": name }),
        );
        assert_eq!(status, 400, "{e}");
        assert!(
            e["error"].as_str().unwrap().contains("refusing to replace"),
            "{e}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.toml")).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("tutorial.toml")).unwrap(),
        original
    );
    // Its own file it replaces.
    let (status, _) = s.post(
        "/api/save-scenario",
        &json!({ "overrides": overrides, "name": "bigger.toml" }),
    );
    assert_eq!(status, 200);
}

#[test]
fn serve_refuses_a_bad_value_naming_its_control_and_changes_nothing() {
    let dir = folder_with_tutorial();
    let s = Served::start(dir.path(), &["tutorial.toml", "--trials", "20000"]);
    let good = ["contributors.Indonesia.veto=0.3"];
    let (_, before) = s.post(
        "/api/run",
        &json!({ "client": "p", "seq": 1, "overrides": good }),
    );
    for (bad, key, says) in [
        (
            "contributors.Azerbaijan.veto=1.3",
            "contributors.Azerbaijan.veto",
            "1.3",
        ),
        (
            "contributors.Indonesia.troops.min=9000",
            "contributors.Indonesia.troops.min",
            "below min 9000",
        ),
        (
            "contributors.Nobody.veto=0.1",
            "contributors.Nobody.veto",
            "Nobody",
        ),
    ] {
        let overrides = [good[0], bad];
        let (status, e) = s.post(
            "/api/run",
            &json!({ "client": "p", "seq": 2, "overrides": overrides }),
        );
        assert_eq!(status, 422, "{e}");
        assert_eq!(e["key"], key);
        assert!(e["error"].as_str().unwrap().contains(says), "{e}");
    }
    let (_, after) = s.post(
        "/api/run",
        &json!({ "client": "p", "seq": 3, "overrides": good }),
    );
    assert_eq!(before["tables"], after["tables"]);
    assert!(!dir.path().join("results").exists());
}

#[test]
fn serve_cancels_a_page_s_older_run_and_stalls_no_other_page() {
    let dir = folder_with_tutorial();
    // More precision at two million trials: twenty million, seconds of work.
    let s = Served::start(
        dir.path(),
        &["tutorial.toml", "--trials", "2000000", "--threads", "1"],
    );
    let addr = s.clone();
    let long = std::thread::spawn(move || {
        addr.post("/api/run", &json!({ "client": "a", "seq": 1, "precise": true, "overrides": ["contributors.Indonesia.veto=0.4"] }))
    });
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let other = std::thread::spawn({
        let addr = s.clone();
        move || {
            addr.post("/api/run", &json!({ "client": "b", "seq": 1, "overrides": ["contributors.Indonesia.veto=0.2"] }))
        }
    });
    let (status, b) = other.join().unwrap();
    assert_eq!(
        (status, b["trials"].as_u64()),
        (200, Some(2_000_000)),
        "{b}"
    );
    let (status, newer) = s.post(
        "/api/run",
        &json!({ "client": "a", "seq": 2, "overrides": ["contributors.Indonesia.veto=0.3"] }),
    );
    assert_eq!(status, 200);
    assert_eq!(newer["seq"], 2);
    let (status, older) = long.join().unwrap();
    assert_eq!(status, 200);
    assert_eq!(older, json!({ "superseded": true, "seq": 1 }));
}
