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
    let show = |l: &Line, s: &str| -> String {
        match num(s) {
            None if s.is_empty() => "-".into(),
            None => s.to_string(),
            Some(v) if l.metric.starts_with("p_") && v != 0.0 && v.abs() < 0.001 => {
                format!("{v:.6}")
            }
            Some(v) if l.metric.starts_with("p_") => format!("{v:.4}"),
            Some(v) if l.metric.starts_with("mean") => format!("{v:.1}"),
            Some(v) => format!("{v}"),
        }
    };
    let width = lines
        .iter()
        .map(|l| l.metric.len() + if l.contributor.is_empty() { 2 } else { 4 })
        .max()
        .unwrap_or(10);
    crate::outln!(
        "{:<width$} {:>10} {:>10} {:>10}  {:<23}",
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
        let diff = l.difference().map_or("-".into(), |d| show(l, &d));
        let ci = match l.result {
            Some(r) => format!(
                "{} to {}",
                show(l, &r.low.to_string()),
                show(l, &r.high.to_string())
            ),
            None if l.difference().is_some() => "(not tested)".into(),
            None => String::new(),
        };
        let mark = if significant(l) { "*" } else { "" };
        crate::outln!(
            "{:<width$} {:>10} {:>10} {:>10}  {:<23} {mark}",
            format!("{indent}{}", l.metric),
            show(l, &l.a),
            show(l, &l.b),
            diff,
            ci
        );
    }
    let tested = lines.iter().filter(|l| l.result.is_some()).count();
    let flagged = lines.iter().filter(|l| significant(l)).count();
    crate::outln!(
        "* significant after Holm's correction over {tested} tested metrics (family-wise alpha {alpha}); {flagged} flagged"
    );
}
