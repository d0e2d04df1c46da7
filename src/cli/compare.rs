//! `muster compare`: two result folders side by side. Probabilities and
//! means get the difference A − B with a 95% interval (normal, unpooled,
//! the runs taken as independent) and a mark when it is significant after
//! Holm's correction over every tested metric; quantiles and
//! mean_personnel_if_joined (whose files carry no interval or spread) are
//! shown without a test. A probability is tested only when the two runs
//! together hold at least ten trials on each side of it (counted, and not
//! counted), where the normal interval is fair; below that (1 success in
//! one run against 13 in the other, as a conditional probability of rare
//! successes can be) it is shown untested rather than flagged on a
//! standard error of 0. `--metric` puts one metric first, from summary.csv
//! or, for p_reached:N and month_pNN:N, from milestones.csv.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{Failure, Outcome};
use crate::app::compare::{HEADER, Line, Run, lines, num, read_run, table};
use crate::output::csv_files::to_csv;
use crate::output::own_file;
use crate::output::words::{chance, count_of, prob, trials_behind};
use crate::scenario::one_line;

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Result folder A (written by `muster run` or `muster merge`).
    pub a: PathBuf,
    /// Result folder B.
    pub b: PathBuf,
    /// Also write the comparison as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Replace the --csv file even when muster does not recognise it as its own.
    #[arg(long)]
    pub force: bool,
    /// Family-wise significance level of the Holm correction.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// The metric to lead with: one of summary.csv (p_success, p_target_reached, p_roles_met, mean_personnel, personnel_p05/p50/p95) or of milestones.csv (p_reached:N, month_p10:N, month_p50:N, month_p90:N).
    #[arg(long, default_value = "p_success")]
    pub metric: String,
}

pub fn run(a: CompareArgs) -> Outcome {
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        return Err(Failure::Usage(format!(
            "--alpha {} must be between 0 and 1, e.g. 0.05",
            a.alpha
        )));
    }
    if let Some(path) = &a.csv {
        own_file::may_replace(path, None, a.force, |p| {
            own_file::csv_has_header(p, &HEADER)
        })?;
    }
    let metric = super::metric_arg(&a.metric)?;
    let ra = read_run(&a.a)?;
    let rb = read_run(&a.b)?;
    let lines = lines(&ra, &rb, &metric)?;
    warn(&ra, &rb);
    let significant = |l: &Line| l.holm.is_some_and(|p| p <= a.alpha);
    if let Some(path) = &a.csv {
        write_csv(path, &lines, &significant)?;
    }
    print(&ra, &rb, &lines, &significant, a.alpha);
    Ok(())
}

/// The first 12 characters of a hash as written (any text, cut between characters).
fn short(hash: &str) -> String {
    one_line(&hash.chars().take(12).collect::<String>())
}

fn warn(a: &Run, b: &Run) {
    let (x, y) = (&a.rec, &b.rec);
    if x.scenario_sha256 != y.scenario_sha256 {
        crate::errln!(
            "warning: the runs differ in scenario: {} (sha256 {}) and {} (sha256 {})",
            one_line(&x.scenario_file),
            short(&x.scenario_sha256),
            one_line(&y.scenario_file),
            short(&y.scenario_sha256)
        );
    }
    if x.trials != y.trials {
        crate::errln!(
            "warning: the runs differ in trial count: {} and {}",
            x.trials,
            y.trials
        );
    }
    if x.overrides != y.overrides {
        let show = |o: &[String]| {
            if o.is_empty() {
                "none".to_string()
            } else {
                one_line(&o.join(" "))
            }
        };
        crate::errln!(
            "note: overrides differ: A {}; B {}",
            show(&x.overrides),
            show(&y.overrides)
        );
    }
    if x.seed == y.seed {
        crate::errln!(
            "note: both runs use seed {}: with common random numbers their results are positively \
             correlated, which these unpaired intervals ignore, so they are wider (more cautious) than \
             a paired comparison would be",
            x.seed
        );
    }
}

fn write_csv(
    path: &Path,
    lines: &[Line],
    significant: &dyn Fn(&Line) -> bool,
) -> Result<(), Failure> {
    let bytes = to_csv(&table(lines, significant)).context("writing the CSV")?;
    own_file::write_atomic(path, &bytes)?;
    Ok(())
}

fn print(a: &Run, b: &Run, lines: &[Line], significant: &dyn Fn(&Line) -> bool, alpha: f64) {
    for (label, r) in [("A", a), ("B", b)] {
        crate::outln!(
            "{label}: {} ({}, seed {}, {} trials{})",
            r.dir.display(),
            one_line(&r.rec.scenario_name),
            r.rec.seed,
            r.rec.trials,
            if r.rec.overrides.is_empty() {
                String::new()
            } else {
                format!(", --set {}", one_line(&r.rec.overrides.join(" --set ")))
            }
        );
    }
    lead(a, b, lines.first(), significant);
    // A probability over all trials that is rare is shown as a count of
    // them ("4 in 200,000"); a conditional one and differences as decimals.
    let show = |l: &Line, s: &str, trials: Option<u64>| -> String {
        match (num(s), trials) {
            (None, _) if s.is_empty() => "-".into(),
            (None, _) => s.to_string(),
            (Some(v), Some(n)) if over_all_trials(&l.metric) && v > 0.0 => prob(v, n),
            (Some(v), _) if l.metric.starts_with("p_") && v != 0.0 && v.abs() < 0.001 => {
                format!("{v:.6}")
            }
            (Some(v), _) if l.metric.starts_with("p_") => format!("{v:.4}"),
            (Some(v), _) if l.metric.starts_with("mean") => format!("{v:.1}"),
            (Some(v), _) => format!("{v}"),
        }
    };
    let width = lines
        .iter()
        .map(|l| l.metric.len() + if l.contributor.is_empty() { 2 } else { 4 })
        .max()
        .unwrap_or(10);
    crate::outln!(
        "{:<width$} {:>17} {:>17} {:>10}  {:<23}",
        "",
        "A",
        "B",
        "A - B",
        "95% CI of A - B"
    );
    let mut current: Option<&str> = None;
    for l in lines {
        if current != Some(l.file) {
            crate::outln!("{}", l.file.trim_end_matches(".csv"));
            current = Some(l.file);
        }
        if l.metric == "p_joined" {
            crate::outln!("  {}", one_line(&l.contributor));
        }
        let indent = if l.contributor.is_empty() {
            "  "
        } else {
            "    "
        };
        let diff = l.difference().map_or("-".into(), |d| show(l, &d, None));
        let ci = match l.result {
            Some(r) => format!(
                "{} to {}",
                show(l, &r.low.to_string(), None),
                show(l, &r.high.to_string(), None)
            ),
            None if l.difference().is_some() => "(not tested)".into(),
            None => String::new(),
        };
        let mark = if significant(l) { "*" } else { "" };
        crate::outln!(
            "{:<width$} {:>17} {:>17} {:>10}  {:<23} {mark}",
            format!("{indent}{}", l.metric),
            show(l, &l.a, Some(a.rec.trials)),
            show(l, &l.b, Some(b.rec.trials)),
            diff,
            ci
        );
    }
    let tested = lines.iter().filter(|l| l.result.is_some()).count();
    let flagged = lines.iter().filter(|l| significant(l)).count();
    crate::outln!(
        "* significant after Holm's correction over {tested} tested metrics (family-wise alpha {alpha}); {flagged} flagged"
    );
    if lines.iter().any(|l| l.metric == "p_joined_given_success") {
        let successes = |r: &Run| {
            let n = r.rec.trials;
            let k = r.summary.iter().find(|(m, _)| m == "p_success");
            k.and_then(|(_, c)| num(&c[0]))
                .map_or(0, |p| count_of(p, n))
        };
        crate::outln!(
            "p_joined_given_success rests on the trials that succeeded (A {}; B {}); \
             mean_personnel_if_joined on those in which the contributor joined (its p_joined)",
            trials_behind(successes(a)),
            trials_behind(successes(b))
        );
    }
}

/// Whether a metric is a probability over all of a run's trials (not
/// conditional on some of them).
fn over_all_trials(metric: &str) -> bool {
    metric.starts_with("p_") && metric != "p_joined_given_success"
}

/// The lead metric in words: each run's figure, a rare probability as a
/// count of its trials, and the difference with its interval.
fn lead(a: &Run, b: &Run, line: Option<&Line>, significant: &dyn Fn(&Line) -> bool) {
    let Some(l) = line else {
        return;
    };
    let (Some(va), Some(vb)) = (num(&l.a), num(&l.b)) else {
        return;
    };
    let plain = |v: f64| {
        if l.metric.starts_with("mean") {
            format!("{v:.1}")
        } else {
            format!("{v}")
        }
    };
    let figure = |v: f64, r: &Run| {
        if over_all_trials(&l.metric) {
            chance(count_of(v, r.rec.trials), r.rec.trials)
        } else {
            plain(v)
        }
    };
    // A difference of probabilities in percentage points, of means to a
    // tenth.
    let amount = |v: f64| {
        if l.metric.starts_with("p_") {
            let pp = 100.0 * v;
            if pp.abs() >= 1.0 {
                format!("{pp:.1}")
            } else {
                format!("{pp:.3}")
            }
        } else {
            plain(v)
        }
    };
    let unit = if l.metric.starts_with("p_") {
        " percentage points"
    } else {
        ""
    };
    let d = num(&l.difference().unwrap_or_default()).unwrap_or(va - vb);
    let verdict = match l.result {
        Some(r) => format!(
            "A - B is {}{unit} (95% CI {} to {}), {} after Holm's correction",
            amount(d),
            amount(r.low),
            amount(r.high),
            if significant(l) {
                "a real difference"
            } else {
                "not a clear difference"
            }
        ),
        None => format!("A - B is {}{unit} (not tested)", amount(d)),
    };
    crate::outln!(
        "{}: {} in A, {} in B; {verdict}.",
        l.metric,
        figure(va, a),
        figure(vb, b)
    );
}
