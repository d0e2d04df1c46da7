//! Sources as data: `[[sources]]`, each entry's `sources`, `hindsight` and
//! `assumptions`, `[scenario] as_of`. A source published after `as_of` is
//! refused unless the entry is marked hindsight; `muster check` lists each
//! entry's sources and counts the numbers that rest on one.

use crate::util::{ok_in, run_in, stderr, temp_dir};
use muster::scenario::{Scenario, ScenarioError, parse_scenario};

const BASE: &str = r#"
[scenario]
name = "dated"
target = 100
horizon_months = 12
as_of = 2020-01-10
sources = ["A"]

[[sources]]
id = "A"
title = "Alpha report"
url = "https://example.org/a"
published = 2020-01-01

[[sources]]
id = "B"
title = "Beta report"
url = "https://example.org/b"
published = 2020-02-01

[roles]
security = { minimum = 10, sources = ["A"] }
medical = 5

[conditions.c]
p = 0.5
sources = ["A"]

[[conditions.c.changes]]
to = false
month = 3
sources = ["A"]
assumptions = ["month"]

[[contributors]]
name = "X"
p_join = 0.5
troops = { dist = "triangular", min = 10, mode = 50, max = 100 }
lead_months = 2
sources = ["A"]
assumptions = ["lead_months"]

[[contributors]]
name = "Y"
p_join = 0.5
troops = 50
sources = ["B"]
hindsight = true
"#;

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    parse_scenario(text, "s.toml", &[])
}

fn error(text: &str) -> ScenarioError {
    match load(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

/// The 1-based line of the first occurrence of `needle` after `after`.
fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.find(after).expect("anchor");
    let at = start + text[start..].find(needle).expect("needle");
    text[..at].matches('\n').count() + 1
}

#[test]
fn entries_carry_their_sources_and_counts() {
    let s = load(BASE).unwrap_or_else(|e| panic!("{e}"));
    let p = &s.provenance;
    assert_eq!(p.as_of.map(|d| d.to_string()), Some("2020-01-10".into()));
    let ids: Vec<&str> = p.sources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["A", "B"]);
    let labels: Vec<&str> = p.entries.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "scenario",
            "role security",
            "role medical",
            "condition c",
            "change 1 of c",
            "contributor \"X\"",
            "contributor \"Y\""
        ]
    );
    // Counted by hand: target 1; security 1; c's p 1; the change: `month`
    // is an assumption, nothing else is a number; X: p_join 1 + troops 3
    // sourced, lead 1 assumed; Y: p_join 1 + troops 1 (hindsight, still
    // sourced); medical 1 assumed.
    let by: Vec<(usize, usize)> = p
        .entries
        .iter()
        .map(|e| (e.sourced_numbers, e.assumed_numbers))
        .collect();
    assert_eq!(by, [(1, 0), (1, 0), (0, 1), (1, 0), (0, 1), (4, 1), (2, 0)]);
    assert_eq!(p.counts(), (9, 3));
    assert!(p.entries[6].hindsight && !p.entries[5].hindsight);
    assert_eq!(p.entries[6].sources, [1]);
}

#[test]
fn a_later_source_is_refused_where_it_is_cited() {
    let text = BASE.replace("hindsight = true\n", "");
    let e = error(&text);
    assert_eq!(e.key_path, "contributors[1] \"Y\".sources[0]");
    assert_eq!(e.line, line_of(&text, "name = \"Y\"", "\"B\""));
    assert!(
        e.message
            .contains("source \"B\" was published 2020-02-01, after as_of 2020-01-10"),
        "{e}"
    );
    assert!(e.message.contains("hindsight = true"), "{e}");
}

#[test]
fn a_source_of_the_day_itself_is_not_late() {
    let text = BASE.replace("published = 2020-02-01", "published = 2020-01-10");
    let text = text.replace("hindsight = true\n", "");
    assert!(load(&text).is_ok());
    // One day later it is.
    let text = text.replace("published = 2020-01-10", "published = \"2020-01-11\"");
    assert!(error(&text).message.contains("after as_of"));
}

#[test]
fn an_undated_source_needs_hindsight_when_there_is_an_as_of() {
    let text = BASE.replace("published = 2020-02-01", "published = \"unknown\"");
    assert!(load(&text).is_ok(), "hindsight entry may cite it");
    let e = error(&text.replace("hindsight = true\n", ""));
    assert!(e.message.contains("no known publication date"), "{e}");
    // Without as_of nothing is checked.
    let text = text
        .replace("hindsight = true\n", "")
        .replace("as_of = 2020-01-10\n", "");
    assert!(load(&text).is_ok());
}

#[test]
fn unknown_ids_and_keys_are_located_with_hints() {
    let e = error(&BASE.replace("sources = [\"B\"]", "sources = [\"Bb\"]"));
    assert_eq!(e.key_path, "contributors[1] \"Y\".sources[0]");
    assert!(e.message.contains("did you mean \"B\"?"), "{e}");
    let e = error(&BASE.replace(
        "assumptions = [\"lead_months\"]",
        "assumptions = [\"lead_month\"]",
    ));
    assert_eq!(e.key_path, "contributors[0] \"X\".assumptions[0]");
    assert!(e.message.contains("did you mean \"lead_months\"?"), "{e}");
    let e = error(&BASE.replace("hindsight = true", "hindsight = 1"));
    assert_eq!(e.key_path, "contributors[1] \"Y\".hindsight");
    let e = error(&BASE.replace("id = \"B\"", "id = \"A\""));
    assert_eq!(e.key_path, "sources[1].id");
    assert!(e.message.contains("duplicate source id \"A\""), "{e}");
    let e = error(&BASE.replace("published = 2020-02-01", "published = \"Feb 2020\""));
    assert_eq!(e.key_path, "sources[1].published");
    let e = error(&BASE.replace("title = \"Beta report\"\n", ""));
    assert!(e.message.contains("missing required key `title`"), "{e}");
    let e = error(&BASE.replace("security = { minimum = 10,", "security = { minimun = 10,"));
    assert!(e.message.contains("did you mean `minimum`?"), "{e}");
    let e = error(&BASE.replace(
        "sources = [\"A\"]\n\n[[sources]]",
        "sources = [\"A\", \"A\"]\n\n[[sources]]",
    ));
    assert!(e.message.contains("cited twice"), "{e}");
}

#[test]
fn files_without_sources_load_as_before() {
    let plain = r#"
[scenario]
name = "plain"
target = 100
[roles]
security = 10
[[contributors]]
name = "X"
p_join = 0.5
troops = 200
"#;
    let with = plain.replace("security = 10", "security = { minimum = 10 }");
    let (a, b) = (load(plain).unwrap(), load(&with).unwrap());
    assert_eq!(a.roles, b.roles);
    // target, the role, p_join and troops: four numbers, all assumptions.
    assert_eq!(a.provenance.counts(), (0, 4));
    assert!(a.provenance.sources.is_empty() && a.provenance.as_of.is_none());
}

#[test]
fn check_lists_sources_entries_and_counts() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("s.toml"), BASE).unwrap();
    let out = ok_in(dir.path(), &["check", "s.toml"]);
    assert!(out.contains("  as of 2020-01-10"), "{out}");
    assert!(
        out.contains("    A  2020-01-01  Alpha report\n       https://example.org/a\n"),
        "{out}"
    );
    assert!(
        out.contains("    contributor \"X\": A; assumptions: lead_months\n"),
        "{out}"
    );
    assert!(
        out.contains("    contributor \"Y\": B; hindsight\n"),
        "{out}"
    );
    assert!(out.contains("    role medical: no source\n"), "{out}");
    assert!(
        out.contains(
            "  numbers: 9 rest on a source, 3 are assumptions; 1 entry marked hindsight\n"
        ),
        "{out}"
    );

    std::fs::write(
        dir.path().join("late.toml"),
        BASE.replace("hindsight = true\n", ""),
    )
    .unwrap();
    let out = run_in(dir.path(), &["check", "late.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("contributors[1] \"Y\".sources[0]: source \"B\""),
        "{err}"
    );
}

#[test]
fn check_warns_of_a_source_nobody_cites() {
    let dir = temp_dir();
    let text = BASE.replace("sources = [\"B\"]\nhindsight = true\n", "");
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let out = run_in(dir.path(), &["check", "s.toml"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("source \"B\" is declared but no entry cites it"));
}

#[test]
fn too_many_sources_are_refused() {
    let mut text = BASE.to_string();
    for k in 0..=muster::scenario::provenance::MAX_SOURCES {
        text += &format!(
            "\n[[sources]]\nid = \"X{k}\"\ntitle = \"t\"\nurl = \"u\"\npublished = \"2000-01-01\"\n"
        );
    }
    let e = error(&text);
    // Two sources come first in BASE, so the 1,001st is sources[1000].
    assert_eq!(e.key_path, "sources[1000]");
    assert!(e.message.contains("at most 1000"), "{e}");
}

/// Every shipped scenario that forecasts (the Gaza files, the precedents,
/// the register) is written as of a date, and loading it enforces that date:
/// no entry cites a later or undated source unless marked hindsight. The
/// tutorial is a teaching example, not a forecast, and says so.
#[test]
fn every_shipped_forecast_keeps_its_date() {
    let root = crate::util::repo();
    let mut checked = 0;
    for dir in ["scenarios", "precedents", "forecasts"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let skip = name == "tutorial.toml" || name == "shared.toml";
            if skip || !name.ends_with(".toml") || name.ends_with(".outcomes.toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let s = parse_scenario(&text, &name, &[])
                .unwrap_or_else(|e| panic!("{dir}/{name}: {}", e.message));
            assert!(
                s.provenance.as_of.is_some(),
                "{dir}/{name} has no [scenario] as_of, so its sources' dates are not checked"
            );
            assert!(
                !s.provenance.sources.is_empty(),
                "{dir}/{name} lists no [[sources]]"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 16 + 2 + 3,
        "only {checked} dated scenarios found"
    );
}
