//! Golden results: every shipped scenario, run with its own seed and trials,
//! must reproduce the CSV files checked in under results/<stem>/ byte for
//! byte, and the figures README.md quotes must match those files.
//!
//! A change that moves any number fails here. When the change is meant to
//! move them (a new model feature, a corrected scenario), regenerate the
//! folder on purpose and review the diff before committing it:
//!     cargo run --release -- run scenarios/<stem>.toml
//! which writes results/<stem>/.
//!
//! README.md marks a quoted figure with `<!-- golden:STEM:METRIC -->VALUE`:
//! VALUE must equal the estimate of METRIC in results/STEM/summary.csv,
//! rounded to as many decimals as VALUE is written with (a trailing `%`
//! means percent).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The file stems of scenarios/*.toml, sorted.
fn scenario_stems() -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    assert!(!stems.is_empty(), "no scenarios/*.toml");
    stems
}

fn golden_dir(stem: &str) -> PathBuf {
    root().join("results").join(stem)
}

fn regenerate(stem: &str) -> String {
    format!(
        "if the change is intended, regenerate the golden folder with \
         `cargo run --release -- run scenarios/{stem}.toml` (it writes results/{stem}/) \
         and review the diff before committing"
    )
}

/// The CSV files in a folder, sorted.
fn csv_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// Where two texts first differ: (line number from 1, expected line, actual line).
fn first_difference(expected: &str, actual: &str) -> Option<(usize, String, String)> {
    if expected == actual {
        return None;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = |v: &[&str], i: usize| v.get(i).copied().unwrap_or("<end of file>").to_string();
    let pair = (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .map(|i| (i, line(&a, i), line(&b, i)));
    // Same lines: the line endings or the final newline differ.
    let ending = |s: &str| {
        let tail: Vec<char> = s.chars().rev().take(2).collect();
        format!("ends with {:?}", tail.iter().rev().collect::<String>())
    };
    Some(pair.map_or_else(
        || (a.len(), ending(expected), ending(actual)),
        |(i, x, y)| (i + 1, x, y),
    ))
}

/// Runs one scenario with its own seed and trials; returns the differences
/// from its golden folder, one message each.
fn compare_with_golden(stem: &str) -> Vec<String> {
    let golden = golden_dir(stem);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join(stem);
    let output = Command::new(env!("CARGO_BIN_EXE_muster"))
        .current_dir(root())
        .args(["run", &format!("scenarios/{stem}.toml"), "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    if !output.status.success() {
        return vec![format!(
            "{stem}: muster run failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )];
    }
    let mut problems = Vec::new();
    let expected = csv_files(&golden);
    let actual = csv_files(&out);
    for name in actual.iter().filter(|n| !expected.contains(n)) {
        problems.push(format!(
            "{stem}: the run writes {name}, which results/{stem}/ lacks; {}",
            regenerate(stem)
        ));
    }
    for name in &expected {
        let path = format!("results/{stem}/{name}");
        if !actual.contains(name) {
            problems.push(format!(
                "{path}: the run no longer writes this file; {}",
                regenerate(stem)
            ));
            continue;
        }
        let want = std::fs::read_to_string(golden.join(name)).unwrap();
        let got = std::fs::read_to_string(out.join(name)).unwrap();
        if let Some((line, a, b)) = first_difference(&want, &got) {
            problems.push(format!(
                "{path} differs from a fresh run at line {line}:\n    golden {a}\n    now    {b}\n  {}",
                regenerate(stem)
            ));
        }
    }
    problems
}

#[test]
fn every_scenario_has_a_golden_folder() {
    let missing: Vec<String> = scenario_stems()
        .into_iter()
        .filter(|s| !golden_dir(s).join("summary.csv").is_file())
        .map(|s| {
            format!(
                "scenarios/{s}.toml has no golden folder results/{s}/ with summary.csv: \
                 create it with `cargo run --release -- run scenarios/{s}.toml` and commit it"
            )
        })
        .collect();
    assert!(missing.is_empty(), "\n{}", missing.join("\n"));
}

#[test]
fn scenarios_reproduce_their_golden_results() {
    let mut problems = Vec::new();
    for stem in scenario_stems() {
        if golden_dir(&stem).is_dir() {
            problems.extend(compare_with_golden(&stem));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// Figures quoted in README.md.

/// A figure the README quotes: where, which metric, and the text written.
#[derive(Debug, PartialEq)]
struct Quote {
    line: usize,
    stem: String,
    metric: String,
    /// The number as written, without a thousands separator or `%`.
    number: String,
    percent: bool,
}

const MARKER: &str = "<!-- golden:";

/// The number at the start of `s`: digits with optional thousands commas
/// and decimals, then an optional `%`. Returns (number without commas,
/// percent).
fn leading_number(s: &str) -> Option<(String, bool)> {
    let bytes = s.as_bytes();
    let digits_from = |i: usize| bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut i = 0;
    if bytes.first() == Some(&b'-') {
        i = 1;
    }
    let lead = digits_from(i);
    if lead == 0 {
        return None;
    }
    let mut number = s[..i + lead].to_string();
    i += lead;
    // Thousands groups: a comma followed by exactly three digits.
    while bytes.get(i) == Some(&b',') && digits_from(i + 1) == 3 && lead <= 3 {
        number += &s[i + 1..i + 4];
        i += 4;
    }
    if bytes.get(i) == Some(&b'.') && digits_from(i + 1) > 0 {
        let n = digits_from(i + 1);
        number += &s[i..i + 1 + n];
        i += 1 + n;
    }
    Some((number, bytes.get(i) == Some(&b'%')))
}

/// Every golden marker in `text`; errors for markers that are malformed or
/// not followed by a number.
fn quotes(text: &str) -> Result<Vec<Quote>, Vec<String>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find(MARKER) {
            let after = &rest[at + MARKER.len()..];
            let Some(close) = after.find("-->") else {
                errors.push(format!("README.md:{}: unclosed golden marker", n + 1));
                break;
            };
            let inside = after[..close].trim();
            rest = &after[close + 3..];
            let parts: Vec<&str> = inside
                .split(|c: char| c == ':' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .collect();
            let [stem, metric] = parts[..] else {
                errors.push(format!(
                    "README.md:{}: golden marker `{inside}` is not STEM:METRIC",
                    n + 1
                ));
                continue;
            };
            match leading_number(rest) {
                Some((number, percent)) => found.push(Quote {
                    line: n + 1,
                    stem: stem.to_string(),
                    metric: metric.to_string(),
                    number,
                    percent,
                }),
                None => errors.push(format!(
                    "README.md:{}: golden marker {stem}:{metric} is not followed immediately by a number",
                    n + 1
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// The estimate of `metric` in a summary.csv.
fn summary_estimate(summary: &str, metric: &str) -> Option<f64> {
    summary.lines().skip(1).find_map(|l| {
        let mut cells = l.split(',');
        (cells.next() == Some(metric)).then(|| cells.next()?.parse().ok())?
    })
}

/// Checks one quote against a summary.csv's text; None when it matches.
fn check_quote(q: &Quote, summary: &str) -> Option<String> {
    let at = format!("README.md:{}: {}:{}", q.line, q.stem, q.metric);
    let Some(value) = summary_estimate(summary, &q.metric) else {
        return Some(format!(
            "{at}: results/{}/summary.csv has no estimate for {}",
            q.stem, q.metric
        ));
    };
    let shown = if q.percent { value * 100.0 } else { value };
    let decimals = q.number.split_once('.').map_or(0, |(_, d)| d.len());
    let expected = format!("{shown:.decimals$}");
    (expected != q.number).then(|| {
        format!(
            "{at}: the README says {}{}, the results say {expected}{} ({value}); \
             update the README or the golden folder",
            q.number,
            if q.percent { "%" } else { "" },
            if q.percent { "%" } else { "" },
        )
    })
}

#[test]
fn readme_figures_match_the_golden_results() {
    let Ok(text) = std::fs::read_to_string(root().join("README.md")) else {
        eprintln!("no README.md: nothing to check");
        return;
    };
    let found = match quotes(&text) {
        Ok(q) => q,
        Err(errors) => panic!("\n{}", errors.join("\n")),
    };
    if found.is_empty() {
        eprintln!("README.md has no golden markers: nothing to check");
        return;
    }
    let problems: Vec<String> = found
        .iter()
        .filter_map(|q| {
            let path = golden_dir(&q.stem).join("summary.csv");
            match std::fs::read_to_string(&path) {
                Ok(summary) => check_quote(q, &summary),
                Err(_) => Some(format!(
                    "README.md:{}: {}:{}: no results/{}/summary.csv",
                    q.line, q.stem, q.metric, q.stem
                )),
            }
        })
        .collect();
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn readme_markers_are_parsed() {
    let text = "A <!-- golden:gaza_isf_2025-11:p_success -->0.14 chance; \
                <!-- golden:unifil_2006:p_success -->37.2% and \
                <!-- golden: amisom_2007 mean_personnel -->4,321 people.\n\
                <!-- golden:x:personnel_p50 -->1500, then more";
    let q = quotes(text).unwrap();
    let got: Vec<(&str, &str, &str, bool)> = q
        .iter()
        .map(|q| {
            (
                q.stem.as_str(),
                q.metric.as_str(),
                q.number.as_str(),
                q.percent,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("gaza_isf_2025-11", "p_success", "0.14", false),
            ("unifil_2006", "p_success", "37.2", true),
            ("amisom_2007", "mean_personnel", "4321", false),
            ("x", "personnel_p50", "1500", false),
        ]
    );
    assert!(quotes("<!-- golden:a:p_success --> about 0.3").is_err());
    assert!(quotes("<!-- golden:a -->0.3").is_err());
    assert!(quotes("<!-- golden:a:b:c -->0.3").is_err());

    let summary = "metric,estimate,ci_low,ci_high\n\
                   p_success,0.37249,0.37,0.38\n\
                   mean_personnel,4320.7,4300,4340\n";
    let quote = |metric: &str, number: &str, percent: bool| Quote {
        line: 1,
        stem: "s".into(),
        metric: metric.into(),
        number: number.into(),
        percent,
    };
    assert_eq!(
        check_quote(&quote("p_success", "0.37", false), summary),
        None
    );
    assert_eq!(
        check_quote(&quote("p_success", "0.372", false), summary),
        None
    );
    assert_eq!(
        check_quote(&quote("p_success", "37.2", true), summary),
        None
    );
    assert_eq!(check_quote(&quote("p_success", "37", true), summary), None);
    assert_eq!(
        check_quote(&quote("mean_personnel", "4321", false), summary),
        None
    );
    assert!(check_quote(&quote("p_success", "0.38", false), summary).is_some());
    assert!(check_quote(&quote("p_success", "0.37", true), summary).is_some());
    assert!(check_quote(&quote("p_roles_met", "0.5", false), summary).is_some());
}

#[test]
fn first_difference_names_the_line() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    assert_eq!(
        first_difference("a\nb\nc\n", "a\nx\nc\n"),
        Some((2, "b".into(), "x".into()))
    );
    assert_eq!(
        first_difference("a\nb\n", "a\n"),
        Some((2, "b".into(), "<end of file>".into()))
    );
    assert!(first_difference("a\n", "a").is_some());
}
