//! Comparing two result folders: reading them back, pairing their metrics,
//! and testing each difference (normal intervals, unpooled, the runs taken
//! as independent; Holm's correction over every tested metric), for
//! `muster compare` to print and write. A chosen metric (`--metric`) leads;
//! one read from milestones.csv (`p_reached:N`, `month_pNN:N`) is compared
//! on that file's row for N.

use std::path::{Path, PathBuf};

use super::Failure;
use crate::output::own_file;
use crate::output::run_record::RunRecord;
use crate::stats::table::{Cell, Table};
use crate::whatif::decimal::difference;
use crate::whatif::metric::Metric;
use crate::whatif::significance::{Difference, holm, means, proportions, se_from_interval};

/// A CSV file as text cells.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
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
        let text = own_file::read_regular(&path)
            .map_err(|_| not_result(format!("it has no readable {name}")))?;
        let mut r = csv::Reader::from_reader(text.as_bytes());
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
pub struct Run {
    pub dir: PathBuf,
    pub rec: RunRecord,
    /// metric -> (estimate, ci_low, ci_high) as text.
    pub summary: Vec<(String, [String; 3])>,
    /// contributor -> cells by column name.
    pub contributors: Vec<(String, Vec<(String, String)>)>,
    /// milestones.csv, when the folder has one (folders of older versions do not).
    pub milestones: Option<Csv>,
}

pub fn read_run(dir: &Path) -> Result<Run, Failure> {
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
    let milestones = if dir.join("milestones.csv").exists() {
        Some(Csv::read(dir, "milestones.csv")?)
    } else {
        None
    };
    Ok(Run {
        dir: dir.to_path_buf(),
        rec,
        summary,
        contributors,
        milestones,
    })
}

/// A run's milestones.csv cell in `column` of the row for `level`, or why
/// the comparison cannot read it.
fn milestone_cell(run: &Run, metric: &Metric, level: u64, column: &str) -> Result<String, Failure> {
    let dir = run.dir.display();
    let name = metric.name();
    let Some(m) = &run.milestones else {
        return Err(Failure::Usage(format!(
            "--metric {name}: {dir} has no milestones.csv (an older muster wrote it); run it again"
        )));
    };
    let (p, c) = (
        m.col(&run.dir, "milestones.csv", "personnel")?,
        m.col(&run.dir, "milestones.csv", column)?,
    );
    match m.rows.iter().find(|r| r[p].parse::<u64>() == Ok(level)) {
        Some(r) => Ok(r[c].clone()),
        None => {
            let levels: Vec<&str> = m.rows.iter().map(|r| r[p].as_str()).collect();
            Err(Failure::Usage(format!(
                "--metric {name}: {level} is not a milestone of {dir} (its milestones.csv has {}); \
                 run it again with --set \"scenario.milestones=[..]\" naming {level}",
                levels.join(", ")
            )))
        }
    }
}

/// The line of a metric read from milestones.csv; None for a metric of
/// summary.csv. Only what the files hold can be compared: P(reached) by the
/// horizon, and the months at 10%, 50% and 90%.
fn milestone_line(a: &Run, b: &Run, metric: &Metric) -> Result<Option<Line>, Failure> {
    let refuse = |why: String| Err(Failure::Usage(format!("--metric {}: {why}", metric.name())));
    let (level, column, test) = match metric {
        Metric::Reached {
            level,
            by_tenths: None,
        } => (
            *level,
            "p_reached".to_string(),
            Test::Proportion(a.rec.trials, b.rec.trials),
        ),
        Metric::Reached { level, .. } => {
            return refuse(format!(
                "result folders hold P(reached) by the horizon only; compare p_reached:{level}"
            ));
        }
        Metric::Month { nn, level } if [10, 50, 90].contains(nn) => {
            (*level, format!("month_p{nn}"), Test::None)
        }
        Metric::Month { .. } => {
            return refuse(
                "milestones.csv holds the months at 10%, 50% and 90% only (month_p10, month_p50, month_p90)"
                    .into(),
            );
        }
        Metric::Quantile(nn) if ![5, 50, 95].contains(nn) => {
            return refuse(
                "summary.csv holds personnel_p05, personnel_p50 and personnel_p95 only".into(),
            );
        }
        _ => return Ok(None),
    };
    let ca = milestone_cell(a, metric, level, &column)?;
    let cb = milestone_cell(b, metric, level, &column)?;
    Ok(Some(Line {
        file: "milestones.csv",
        contributor: String::new(),
        metric: metric.name(),
        a: ca,
        b: cb,
        test,
        intervals: None,
        result: None,
        holm: None,
    }))
}

/// How a metric is tested.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// A probability over this many trials in A and in B.
    Proportion(u64, u64),
    /// A mean with its interval.
    Mean,
    None,
}

/// Trials the two runs must hold together on each side of a probability for it to be tested.
const MIN_COUNT: u64 = 10;

/// One line of the comparison.
pub struct Line {
    pub file: &'static str,
    pub contributor: String,
    pub metric: String,
    pub a: String,
    pub b: String,
    pub test: Test,
    /// (ci_low, ci_high) of A and of B, for means.
    pub intervals: Option<([String; 2], [String; 2])>,
    pub result: Option<Difference>,
    pub holm: Option<f64>,
}

pub fn num(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

impl Line {
    /// A − B as text, exact for plain decimals.
    pub fn difference(&self) -> Option<String> {
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

/// The lines of the comparison, `metric` first.
pub fn lines(a: &Run, b: &Run, metric: &Metric) -> Result<Vec<Line>, Failure> {
    let (na, nb) = (a.rec.trials, b.rec.trials);
    let mut out: Vec<Line> = milestone_line(a, b, metric)?.into_iter().collect();
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
    // A metric of summary.csv leads it.
    if let Some(k) = out
        .iter()
        .position(|l| l.file == "summary.csv" && l.metric == metric.name())
    {
        let line = out.remove(k);
        out.insert(0, line);
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
    Ok(out)
}

/// The header of the CSV `compare` writes; a file starting with it is muster's.
pub const HEADER: [&str; 11] = [
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

/// The comparison as a table (compare.csv): one row per line, the
/// differences with their intervals, p-values and whether each is
/// significant after Holm's correction.
pub fn table(lines: &[Line], significant: &dyn Fn(&Line) -> bool) -> Table {
    let text = |s: &str| Cell::Text(s.to_string());
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                text(l.file),
                text(&l.contributor),
                text(&l.metric),
                text(&l.a),
                text(&l.b),
                text(&l.difference().unwrap_or_default()),
                Cell::opt(l.result.map(|r| r.low)),
                Cell::opt(l.result.map(|r| r.high)),
                Cell::opt(l.result.map(|r| r.p)),
                Cell::opt(l.holm),
                text(&significant(l).to_string()),
            ]
        })
        .collect();
    Table {
        file: "compare.csv",
        header: HEADER.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::csv_files::to_csv;

    /// The CSV of two lines, one tested and significant, one untested with
    /// a name a spreadsheet would run as a formula.
    #[test]
    fn compare_csv_snapshot() {
        let tested = Line {
            file: "summary.csv",
            contributor: String::new(),
            metric: "p_success".into(),
            a: "0.25".into(),
            b: "0.5".into(),
            test: Test::Proportion(1000, 1000),
            intervals: None,
            result: Some(Difference {
                diff: -0.25,
                low: -0.29,
                high: -0.21,
                p: 0.0001,
            }),
            holm: Some(0.0002),
        };
        let untested = Line {
            file: "contributors.csv",
            contributor: "=cmd".into(),
            metric: "p_pivotal".into(),
            a: "0.001".into(),
            b: "0".into(),
            test: Test::None,
            intervals: None,
            result: None,
            holm: None,
        };
        let csv = to_csv(&table(&[tested, untested], &|l: &Line| l.holm.is_some())).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "file,contributor,metric,a,b,difference,ci_low,ci_high,p_value,p_holm,significant\n\
             summary.csv,,p_success,0.25,0.5,-0.25,-0.29,-0.21,0.0001,0.0002,true\n\
             contributors.csv,'=cmd,p_pivotal,0.001,0,0.001,,,,,false\n"
        );
    }
}
