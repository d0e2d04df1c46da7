//! The shipped scenarios are documents as much as inputs: every number in
//! them must say where it comes from. This test holds each `scenarios/*.toml`,
//! each `precedents/*.toml` (scenarios, outcomes, shared assumptions) and
//! each `forecasts/*.toml` (frozen forecasts and their outcomes) to three
//! rules: a header comment block at the top, at least one comment
//! line in every `[[contributors]]` block, and a `#` comment on (or directly
//! above) every line that assigns a number.

use std::fs;
use std::path::{Path, PathBuf};

/// Header comment lines a scenario must start with.
const MIN_HEADER_LINES: usize = 2;

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["scenarios", "precedents", "forecasts"]
        .iter()
        .flat_map(|d| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(d);
            fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .map(|entry| entry.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
                .collect::<Vec<_>>()
        })
        .collect();
    files.sort();
    files
}

/// The line split at its comment: (code without strings, has a comment).
/// String contents are blanked so that `#`, `=` or digits inside a string
/// count for nothing.
fn split_comment(line: &str) -> (String, bool) {
    let mut code = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    code.push(c);
                }
            }
            None => match c {
                '#' => return (code, true),
                '"' | '\'' => {
                    quote = Some(c);
                    code.push(c);
                }
                _ => code.push(c),
            },
        }
    }
    (code, false)
}

/// True when the code assigns a number: some `=` that is not part of a
/// comparison is followed, after spaces and opening brackets, by a digit or
/// a signed digit.
fn assigns_number(code: &str) -> bool {
    let chars: Vec<char> = code.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c != '=' {
            continue;
        }
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if matches!(prev, '=' | '!' | '<' | '>') || next == '=' {
            continue;
        }
        let mut rest = chars[i + 1..]
            .iter()
            .copied()
            .skip_while(|ch| ch.is_whitespace() || *ch == '[');
        match rest.next() {
            Some(d) if d.is_ascii_digit() => return true,
            Some('+' | '-') if rest.next().is_some_and(|d| d.is_ascii_digit()) => return true,
            _ => {}
        }
    }
    false
}

fn is_comment_line(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

fn is_table_header(line: &str) -> bool {
    line.trim_start().starts_with('[')
}

/// Every problem found in one file, as "file:line: message".
fn check(path: &Path) -> Vec<String> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();

    let header = lines.iter().take_while(|l| is_comment_line(l)).count();
    if header < MIN_HEADER_LINES {
        problems.push(format!(
            "{name}:1: the file must start with a header comment block (at least {MIN_HEADER_LINES} `#` lines saying what it models, as of when, and who the contributors are)"
        ));
    }

    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "[[contributors]]" {
            let block_has_comment = lines[i + 1..]
                .iter()
                .take_while(|l| !is_table_header(l))
                .any(|l| is_comment_line(l));
            if !block_has_comment {
                problems.push(format!(
                    "{name}:{}: this [[contributors]] block has no comment line; say who the contributor is and what it has pledged",
                    i + 1
                ));
            }
        }

        let (code, has_comment) = split_comment(line);
        if assigns_number(&code) {
            let above_is_comment = i > 0 && is_comment_line(lines[i - 1]);
            if !has_comment && !above_is_comment {
                problems.push(format!(
                    "{name}:{}: `{}` assigns a number without a source: add a `#` comment on this line or the line above (a source with its tag, or `assumption: ...`)",
                    i + 1,
                    line.trim()
                ));
            }
        }
    }
    problems
}

#[test]
fn every_scenario_documents_its_numbers() {
    let files = scenario_files();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("precedents"))),
        "no precedents/*.toml found"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("forecasts"))),
        "no forecasts/*.toml found"
    );
    let problems: Vec<String> = files.iter().flat_map(|f| check(f)).collect();
    assert!(
        problems.is_empty(),
        "{} problem(s) in the scenario comments:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_what_it_should() {
    assert!(assigns_number("target = 20000 "));
    assert!(assigns_number("probs = [0.3, 0.7]"));
    assert!(assigns_number("p_join = { given = \"c\", none = 0.1 }"));
    assert!(assigns_number("x = -1"));
    assert!(!assigns_number("requires = [\"committed >= 5000\"]"));
    assert!(!assigns_number("name = \"2025 force\""));
    assert!(!assigns_number("states = [\"none\", \"full\"]"));

    let (code, comment) = split_comment("name = \"a # b\" # real comment");
    assert!(comment);
    assert_eq!(code, "name = \"\" ");
    let (code, comment) = split_comment("name = \"team #1\"");
    assert!(!comment);
    assert!(!assigns_number(&code));
    let (code, _) = split_comment("requires = [\"committed >= 5000\"]");
    assert!(!assigns_number(&code));
}
