//! What the page draws after a run: the headline `muster run` prints, the
//! result tables the page shows (as the CSV text `muster run` writes, so
//! the numbers are the same to the last digit), and the change from the
//! file's own answer with its 95% interval, as `muster compare` computes it.

use serde::Serialize;
use serde_json::{Value, json};

use crate::app::compare::{self, Csv, Run};
use crate::output::headline::headline;
use crate::output::run_record::RunRecord;
use crate::scenario::Scenario;
use crate::stats::facts::Facts;
use crate::stats::results::{self, Table};
use crate::stats::tally::Tally;
use crate::whatif::metric::Metric;

/// The tables the page shows.
const SHOWN: [&str; 5] = [
    "summary.csv",
    "milestones.csv",
    "fan.csv",
    "losses.csv",
    "contributors.csv",
];

/// A difference from the file's own answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// The file the metric is in, the contributor or level (or empty), the metric.
    pub file: String,
    pub row: String,
    pub metric: String,
    /// This run's value minus the file's, with the 95% interval.
    pub diff: f64,
    pub low: f64,
    pub high: f64,
}

/// One table as CSV text cells.
fn table_json(t: &Table) -> Value {
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.text()).collect())
        .collect();
    json!({ "header": t.header, "rows": rows })
}

/// What `muster compare` reads of a result folder, from the tables of a
/// run.
fn as_run(tables: &[Table], rec: RunRecord) -> Run {
    let find = |name: &str| tables.iter().find(|t| t.file == name);
    let text = |t: &Table| -> Vec<Vec<String>> {
        t.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text()).collect())
            .collect()
    };
    let summary = find("summary.csv").map_or(Vec::new(), |t| {
        text(t)
            .into_iter()
            .map(|r| (r[0].clone(), [r[1].clone(), r[2].clone(), r[3].clone()]))
            .collect()
    });
    let contributors = find("contributors.csv").map_or(Vec::new(), |t| {
        text(t)
            .into_iter()
            .map(|r| {
                let cells = t
                    .header
                    .iter()
                    .map(|h| h.to_string())
                    .zip(r.clone())
                    .collect();
                (r[0].clone(), cells)
            })
            .collect()
    });
    let milestones = find("milestones.csv").map(|t| Csv {
        header: t.header.iter().map(|h| h.to_string()).collect(),
        rows: text(t),
    });
    Run {
        dir: Default::default(),
        rec,
        summary,
        contributors,
        milestones,
    }
}

/// The changes from `base` (the file's own answer) to `now`, both runs of
/// the same trial count, as `muster compare` computes them: the summary
/// and the contributors, and each milestone's chance (`--metric
/// p_reached:N`).
pub fn changes(s: &Scenario, now: &[Table], base: &[Table], rec: &RunRecord) -> Vec<Change> {
    let a = as_run(now, rec.clone());
    let b = as_run(base, rec.clone());
    let mut lines = compare::lines(&a, &b, &Metric::PSuccess).unwrap_or_default();
    for &level in &s.milestones {
        let metric = Metric::Reached {
            level,
            by_tenths: None,
        };
        if let Ok(mut l) = compare::lines(&a, &b, &metric)
            && !l.is_empty()
            && l[0].file == "milestones.csv"
        {
            let mut first = l.swap_remove(0);
            first.contributor = level.to_string();
            first.metric = "p_reached".into();
            lines.push(first);
        }
    }
    lines
        .into_iter()
        .filter_map(|l| {
            let r = l.result?;
            Some(Change {
                file: l.file.to_string(),
                row: l.contributor,
                metric: l.metric,
                diff: r.diff,
                low: r.low,
                high: r.high,
            })
        })
        .collect()
}

/// The page's answer for a run of `s` whose counts are `t`; `base` holds
/// the tables of the file's own answer at the same trial count.
pub fn answer(s: &Scenario, t: &Tally, base: Option<&[Table]>, rec: &RunRecord) -> Value {
    let tables = results::tables(s, t);
    let shown: serde_json::Map<String, Value> = tables
        .iter()
        .filter(|t| SHOWN.contains(&t.file))
        .map(|t| (t.file.trim_end_matches(".csv").to_string(), table_json(t)))
        .collect();
    let changes = base.map_or(Vec::new(), |b| changes(s, &tables, b, rec));
    json!({
        "trials": t.trials,
        "seed": rec.seed,
        "target": s.target,
        "horizon_months": s.horizon_months,
        "milestones": s.milestones,
        "headline": headline(&Facts::of_run(s, t)),
        "tables": shown,
        "changes": changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, AtomicU64};

    fn run(overrides: &[&str]) -> (Scenario, Tally) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml");
        let o: Vec<_> = overrides
            .iter()
            .map(|o| crate::scenario::Override::parse(o).unwrap())
            .collect();
        let s = crate::scenario::load_file(&path, &o).unwrap().0;
        let t = crate::engine::run(
            &s,
            3,
            20_000,
            0..5,
            1,
            &AtomicU64::new(0),
            &AtomicBool::new(false),
        )
        .unwrap();
        (s, t)
    }

    fn rec() -> RunRecord {
        RunRecord {
            scenario_name: String::new(),
            scenario_description: None,
            scenario_file: String::new(),
            scenario_sha256: String::new(),
            overrides: Vec::new(),
            seed: 3,
            trials: 20_000,
            target: 0,
            precision: None,
            precision_met: None,
            version: String::new(),
            files: Vec::new(),
        }
    }

    #[test]
    fn the_same_run_changes_nothing_and_a_change_shows() {
        let (s, t) = run(&[]);
        let base = results::tables(&s, &t);
        let same = changes(&s, &base, &base, &rec());
        assert!(same.iter().any(|c| c.metric == "mean_personnel"));
        assert!(same.iter().all(|c| c.diff == 0.0));
        let (s2, t2) = run(&["contributors.Indonesia.veto=1"]);
        let now = results::tables(&s2, &t2);
        let ch = changes(&s2, &now, &base, &rec());
        let mean = ch.iter().find(|c| c.metric == "mean_personnel").unwrap();
        assert!(mean.high < 0.0, "{mean:?}");
        let joined = ch
            .iter()
            .find(|c| c.row == "Indonesia" && c.metric == "p_joined")
            .unwrap();
        assert!(joined.diff < -0.1, "{joined:?}");
        let first = ch.iter().find(|c| c.file == "milestones.csv").unwrap();
        assert_eq!(
            (first.row.as_str(), first.metric.as_str()),
            ("2500", "p_reached")
        );
        assert!(first.high < 0.0, "{first:?}");
        let a = answer(&s2, &t2, Some(&base), &rec());
        assert_eq!(a["tables"]["summary"]["header"][0], "metric");
        let h = a["headline"][0].as_str().unwrap();
        assert!(h.starts_with("In 20,000 simulated years"), "{h}");
    }
}
