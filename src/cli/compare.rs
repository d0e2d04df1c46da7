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
//! standard error of 0.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{Failure, Outcome};
use crate::output::csv_files::neutralise;
use crate::output::own_file;
use crate::output::run_record::RunRecord;
use crate::stats::results::Cell;
use crate::whatif::decimal::difference;
use crate::whatif::significance::{Difference, holm, means, proportions, se_from_interval};

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
}

/// The header of the CSV `compare` writes; a file starting with it is muster's.
const HEADER: [&str; 11] = [
    "file",
    "contributor",
    "metric",
    "a",
    "b",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "significant",
];

/// A CSV file as text cells.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(dir: &Path, name: &str) -> Result<Csv, Failure> {
        let path = dir.join(name);
        let not_result = |why: String| {
            Failure::Usage(format!(
                "{} is not a muster result folder: {why}",
                dir.display()
            ))
        };
        let mut r = csv::Reader::from_path(&path)
            .map_err(|_| not_result(format!("it has no readable {name}")))?;
        let header: Vec<String> = r
            .headers()
            .map_err(|e| not_result(format!("{name}: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| not_result(format!("{name}: {e}")))?;
            rows.push(rec.iter().map(str::to_string).collect());
        }
        Ok(Csv { header, rows })
    }

    fn col(&self, dir: &Path, name: &str, column: &str) -> Result<usize, Failure> {
        self.header.iter().position(|h| h == column).ok_or_else(|| {
            Failure::Usage(format!(
                "{} is not a muster result folder: {name} has no column {column}",
                dir.display()
            ))
        })
    }
}

/// What a result folder holds that the comparison reads.
struct Run {
    dir: PathBuf,
    rec: RunRecord,
    /// metric -> (estimate, ci_low, ci_high) as text.
    summary: Vec<(String, [String; 3])>,
    /// contributor -> cells by column name.
    contributors: Vec<(String, Vec<(String, String)>)>,
}

fn read_run(dir: &Path) -> Result<Run, Failure> {
    if !dir.is_dir() {
        let why = if dir.exists() {
            "it is a file, not a folder"
        } else {
            "no such folder"
        };
        return Err(Failure::Usage(format!(
            "{} is not a muster result folder: {why}",
            dir.display()
        )));
    }
    if !dir.join("run.toml").exists() {
        return Err(Failure::Usage(format!(
            "{} is not a muster result folder: it has no run.toml",
            dir.display()
        )));
    }
    let rec = RunRecord::read(dir).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let s = Csv::read(dir, "summary.csv")?;
    let (m, e, lo, hi) = (
        s.col(dir, "summary.csv", "metric")?,
        s.col(dir, "summary.csv", "estimate")?,
        s.col(dir, "summary.csv", "ci_low")?,
        s.col(dir, "summary.csv", "ci_high")?,
    );
    let summary = s
        .rows
        .iter()
        .map(|r| (r[m].clone(), [r[e].clone(), r[lo].clone(), r[hi].clone()]))
        .collect();
    let c = Csv::read(dir, "contributors.csv")?;
    let name = c.col(dir, "contributors.csv", "contributor")?;
    let contributors = c
        .rows
        .iter()
        .map(|r| {
            let cells = c
                .header
                .iter()
                .zip(r)
                .map(|(h, v)| (h.clone(), v.clone()))
                .collect();
            (r[name].clone(), cells)
        })
        .collect();
    Ok(Run {
        dir: dir.to_path_buf(),
        rec,
        summary,
        contributors,
    })
}

/// How a metric is tested.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Test {
    /// A probability over this many trials in A and in B.
    Proportion(u64, u64),
    /// A mean with its interval.
    Mean,
    None,
}

/// Trials the two runs must hold together on each side of a probability for it to be tested.
const MIN_COUNT: u64 = 10;

/// One line of the comparison.
struct Line {
    file: &'static str,
    contributor: String,
    metric: String,
    a: String,
    b: String,
    test: Test,
    /// (ci_low, ci_high) of A and of B, for means.
    intervals: Option<([String; 2], [String; 2])>,
    result: Option<Difference>,
    holm: Option<f64>,
}

fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

impl Line {
    /// A − B as text, exact for plain decimals.
    fn difference(&self) -> Option<String> {
        difference(&self.a, &self.b)
    }

    fn evaluate(&mut self) {
        let (Some(a), Some(b)) = (num(&self.a), num(&self.b)) else {
            return;
        };
        self.result = match self.test {
            Test::Proportion(na, nb) => {
                let count = |p: f64, n: u64| (p * n as f64).round() as u64;
                let (ka, kb) = (count(a, na), count(b, nb));
                let fair =
                    ka + kb >= MIN_COUNT && (na - ka.min(na)) + (nb - kb.min(nb)) >= MIN_COUNT;
                if fair {
                    proportions(a, na, b, nb)
                } else {
                    None
                }
            }
            Test::Mean => {
                let (ia, ib) = self.intervals.as_ref().expect("means carry intervals");
                match (num(&ia[0]), num(&ia[1]), num(&ib[0]), num(&ib[1])) {
                    (Some(la), Some(ha), Some(lb), Some(hb)) => Some(means(
                        a,
                        se_from_interval(la, ha),
                        b,
                        se_from_interval(lb, hb),
                    )),
                    _ => None,
                }
            }
            Test::None => None,
        };
    }
}

fn lines(a: &Run, b: &Run) -> Vec<Line> {
    let (na, nb) = (a.rec.trials, b.rec.trials);
    let mut out = Vec::new();
    let mut metrics: Vec<&String> = a.summary.iter().map(|(m, _)| m).collect();
    for (m, _) in &b.summary {
        if !metrics.contains(&m) {
            metrics.push(m);
        }
    }
    let find = |run: &Run, m: &str| {
        run.summary
            .iter()
            .find(|(k, _)| k == m)
            .map(|(_, v)| v.clone())
    };
    for m in metrics {
        let (ca, cb) = (find(a, m), find(b, m));
        let test = match m.as_str() {
            "p_success" | "p_target_reached" | "p_roles_met" => Test::Proportion(na, nb),
            "mean_personnel" => Test::Mean,
            _ => Test::None,
        };
        let est = |c: &Option<[String; 3]>| c.as_ref().map_or(String::new(), |c| c[0].clone());
        let ci = |c: &Option<[String; 3]>| {
            c.as_ref().map_or([String::new(), String::new()], |c| {
                [c[1].clone(), c[2].clone()]
            })
        };
        out.push(Line {
            file: "summary.csv",
            contributor: String::new(),
            metric: m.clone(),
            a: est(&ca),
            b: est(&cb),
            test,
            intervals: (test == Test::Mean).then(|| (ci(&ca), ci(&cb))),
            result: None,
            holm: None,
        });
    }
    // Trials in which the force succeeded: the base of p_joined_given_success.
    let successes = |run: &Run| {
        find(run, "p_success")
            .and_then(|c| num(&c[0]))
            .map_or(0, |p| (p * run.rec.trials as f64).round() as u64)
    };
    let (sa, sb) = (successes(a), successes(b));
    let mut names: Vec<&String> = a.contributors.iter().map(|(n, _)| n).collect();
    for (n, _) in &b.contributors {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let cell = |run: &Run, name: &str, col: &str| {
        run.contributors
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, cells)| cells.iter().find(|(h, _)| h == col))
            .map_or(String::new(), |(_, v)| v.clone())
    };
    for name in names {
        for metric in [
            "p_joined",
            "mean_personnel_if_joined",
            "p_joined_given_success",
            "p_pivotal",
        ] {
            let test = match metric {
                "p_joined" | "p_pivotal" => Test::Proportion(na, nb),
                "p_joined_given_success" if sa > 0 && sb > 0 => Test::Proportion(sa, sb),
                _ => Test::None,
            };
            out.push(Line {
                file: "contributors.csv",
                contributor: name.clone(),
                metric: metric.to_string(),
                a: cell(a, name, metric),
                b: cell(b, name, metric),
                test,
                intervals: None,
                result: None,
                holm: None,
            });
        }
    }
    for l in &mut out {
        l.evaluate();
    }
    let adjusted = holm(
        &out.iter()
            .map(|l| l.result.map(|r| r.p))
            .collect::<Vec<_>>(),
    );
    for (l, h) in out.iter_mut().zip(adjusted) {
        l.holm = h;
    }
    out
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
    let ra = read_run(&a.a)?;
    let rb = read_run(&a.b)?;
    warn(&ra, &rb);
    let lines = lines(&ra, &rb);
    let significant = |l: &Line| l.holm.is_some_and(|p| p <= a.alpha);
    if let Some(path) = &a.csv {
        write_csv(path, &lines, &significant)?;
    }
    print(&ra, &rb, &lines, &significant, a.alpha);
    Ok(())
}

/// The first 12 characters of a hash as written (any text, cut between characters).
fn short(hash: &str) -> String {
    printable(&hash.chars().take(12).collect::<String>())
}

/// Text read from a result folder, with control characters escaped, so that
/// a crafted run.toml or CSV cannot act on the terminal.
fn printable(text: &str) -> String {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        text.to_string()
    }
}

fn warn(a: &Run, b: &Run) {
    let (x, y) = (&a.rec, &b.rec);
    if x.scenario_sha256 != y.scenario_sha256 {
        crate::errln!(
            "warning: the runs differ in scenario: {} (sha256 {}) and {} (sha256 {})",
            printable(&x.scenario_file),
            short(&x.scenario_sha256),
            printable(&y.scenario_file),
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
                printable(&o.join(" "))
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
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).context("writing the CSV")?;
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| Cell::Num(v).text());
    for l in lines {
        w.write_record([
            l.file.to_string(),
            neutralise(&l.contributor).into_owned(),
            neutralise(&l.metric).into_owned(),
            neutralise(&l.a).into_owned(),
            neutralise(&l.b).into_owned(),
            l.difference().unwrap_or_default(),
            opt(l.result.map(|r| r.low)),
            opt(l.result.map(|r| r.high)),
            opt(l.result.map(|r| r.p)),
            opt(l.holm),
            significant(l).to_string(),
        ])
        .context("writing the CSV")?;
    }
    let bytes = w.into_inner().context("writing the CSV")?;
    own_file::write_atomic(path, &bytes)?;
    Ok(())
}

fn print(a: &Run, b: &Run, lines: &[Line], significant: &dyn Fn(&Line) -> bool, alpha: f64) {
    for (label, r) in [("A", a), ("B", b)] {
        crate::outln!(
            "{label}: {} ({}, seed {}, {} trials{})",
            r.dir.display(),
            printable(&r.rec.scenario_name),
            r.rec.seed,
            r.rec.trials,
            if r.rec.overrides.is_empty() {
                String::new()
            } else {
                format!(", --set {}", printable(&r.rec.overrides.join(" --set ")))
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
            crate::outln!(
                "{}",
                if l.file == "summary.csv" {
                    "summary"
                } else {
                    "contributors"
                }
            );
            current = Some(l.file);
        }
        if l.metric == "p_joined" {
            crate::outln!("  {}", printable(&l.contributor));
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
