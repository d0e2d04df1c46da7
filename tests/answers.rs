//! What `muster run` prints first: the answer in words and the milestones,
//! before the results path and the figures behind them; rare figures as
//! counts and conditional ones with the trials they rest on, checked
//! against the result files of the same run.

use crate::util::{ok_in, read_csv, repo, temp_dir};
use muster::scenario::grouped;

/// Runs the tutorial with `trials` trials into `out`; returns stdout.
fn run_tutorial(dir: &std::path::Path, trials: &str) -> String {
    std::fs::copy(repo().join("scenarios/tutorial.toml"), dir.join("t.toml")).unwrap();
    ok_in(dir, &["run", "t.toml", "--trials", trials, "--out", "out"])
}

#[test]
fn the_headline_and_the_milestones_come_first() {
    let d = temp_dir();
    let text = run_tutorial(d.path(), "2000");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(": 2000 trials, seed 20251117"), "{text}");
    assert!(
        lines[1].starts_with("  In 2,000 simulated years the force "),
        "{text}"
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("no `{needle}` in\n{text}"))
    };
    assert!(at("Half the time") < at("force size  chance of reaching it"));
    assert!(at("force size  chance of reaching it") < at("results: out"));
    assert!(at("results: out") < at("P(success)"));
    // Every milestone of milestones.csv is a row, with its chance.
    let (_, milestones) = read_csv(&d.path().join("out/milestones.csv"));
    for row in &milestones {
        let level: u64 = row[0].parse().unwrap();
        let k = (row[1].parse::<f64>().unwrap() * 2000.0).round() as u64;
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(&grouped(level as f64)))
            .unwrap_or_else(|| panic!("no milestone {level} in\n{text}"));
        let chance = if k < 20 {
            format!("{k} in 2,000")
        } else {
            format!("{:.1}%", 100.0 * k as f64 / 2000.0)
        };
        assert!(line.contains(&chance), "{line} lacks {chance}");
    }
}

#[test]
fn conditional_figures_on_screen_say_how_many_trials_they_rest_on() {
    let d = temp_dir();
    // 200 trials of the tutorial: a few successes, too few to rely on.
    let text = run_tutorial(d.path(), "200");
    let (header, rows) = read_csv(&d.path().join("out/contributors.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &rows {
        let successes: u64 = row[col("successes")].parse().unwrap();
        assert!(successes > 0 && successes < 30, "{successes} successes");
        let given: f64 = row[col("p_joined_given_success")].parse().unwrap();
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&row[0]))
            .unwrap_or_else(|| panic!("no line for {} in\n{text}", row[0]));
        let word = if successes == 1 { "trial" } else { "trials" };
        let expected = format!("{given:.3} ({successes} {word} — too few to rely on)");
        assert!(
            line.ends_with(&expected),
            "{line} should end with {expected}"
        );
    }
}

#[test]
fn a_target_never_reached_is_an_upper_bound_not_a_zero() {
    let d = temp_dir();
    std::fs::write(
        d.path().join("t.toml"),
        "[scenario]\nname = \"out of reach\"\ntarget = 1000\nhorizon_months = 12\n\
         [[contributors]]\nname = \"A\"\np_join = 1\ntroops = 400\n",
    )
    .unwrap();
    let out = ok_in(
        d.path(),
        &["run", "t.toml", "--trials", "1000", "--out", "out"],
    );
    // The sentences as one line (the terminal wraps them).
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // 0 in 1,000: the upper Wilson bound z²/(n + z²) is 1 in 261.3.
    assert!(
        text.contains(
            "In 1,000 simulated years the force never reached 1,000 (below 1 in 260 at 95% confidence)."
        ),
        "{text}"
    );
    // 400 always arrive: the median at the horizon, and every milestone
    // up to 400 reached in all the trials (250), none beyond (500, 750).
    assert!(text.contains("Half the time at least 400 were in theatre at month 12."));
    assert!(text.contains("250 was reached in all of them"), "{text}");
    assert!(
        text.contains("P(success) 0 in 1,000 (below 1 in 260)"),
        "{text}"
    );
}
