//! What the page draws after a run: the headline, the result tables the
//! page shows (as the CSV text `muster run` writes, so the numbers are the
//! same to the last digit), and the change from the file's own answer
//! with its 95% interval, as `muster compare` computes it.

use serde::Serialize;
use serde_json::{Value, json};

use super::headline::headline;
use crate::app::compare::{self, Run};
use crate::output::run_record::RunRecord;
use crate::scenario::Scenario;
use crate::stats::results::{self, Table};
use crate::stats::tally::Tally;
use crate::whatif::significance::proportions;

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
/// run of `trials` trials.
fn as_run(tables: &[Table], rec: RunRecord) -> Run {
    let find = |name: &str| tables.iter().find(|t| t.file == name);
    let text =
        |r: &[crate::stats::table::Cell], i: usize| r.get(i).map_or(String::new(), |c| c.text());
    let summary = find("summary.csv").map_or(Vec::new(), |t| {
        t.rows
            .iter()
            .map(|r| (text(r, 0), [text(r, 1), text(r, 2), text(r, 3)]))
            .collect()
    });
    let contributors = find("contributors.csv").map_or(Vec::new(), |t| {
        t.rows
            .iter()
            .map(|r| {
                let cells = t
                    .header
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (h.to_string(), text(r, i)))
                    .collect();
                (text(r, 0), cells)
            })
            .collect()
    });
    Run {
        dir: Default::default(),
        rec,
        summary,
        contributors,
    }
}

/// The changes from `base` (the file's own answer) to `now`, both runs of
/// the same trial count: `muster compare`'s differences for the summary and
/// the contributors, and the same test of two proportions for each
/// milestone's chance.
pub fn changes(now: &[Table], base: &[Table], rec: &RunRecord) -> Vec<Change> {
    let a = as_run(now, rec.clone());
    let b = as_run(base, rec.clone());
    let mut out: Vec<Change> = compare::lines(&a, &b)
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
        .collect();
    let milestones = |ts: &[Table]| -> Vec<(String, f64)> {
        ts.iter()
            .find(|t| t.file == "milestones.csv")
            .map_or(Vec::new(), |t| {
                t.rows
                    .iter()
                    .filter_map(|r| Some((r.first()?.text(), r.get(1)?.as_f64()?)))
                    .collect()
            })
    };
    let n = rec.trials;
    for ((level, pa), (_, pb)) in milestones(now).into_iter().zip(milestones(base)) {
        if let Some(d) = proportions(pa, n, pb, n) {
            out.push(Change {
                file: "milestones.csv".into(),
                row: level,
                metric: "p_reached".into(),
                diff: d.diff,
                low: d.low,
                high: d.high,
            });
        }
    }
    out
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
    let changes = base.map_or(Vec::new(), |b| changes(&tables, b, rec));
    json!({
        "trials": t.trials,
        "seed": rec.seed,
        "target": s.target,
        "horizon_months": s.horizon_months,
        "milestones": s.milestones,
        "headline": headline(s, t),
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
        let same = changes(&base, &base, &rec());
        assert!(same.iter().any(|c| c.metric == "mean_personnel"));
        assert!(same.iter().all(|c| c.diff == 0.0));
        let (s2, t2) = run(&["contributors.Indonesia.veto=1"]);
        let now = results::tables(&s2, &t2);
        let ch = changes(&now, &base, &rec());
        let mean = ch.iter().find(|c| c.metric == "mean_personnel").unwrap();
        assert!(mean.high < 0.0, "{mean:?}");
        let joined = ch
            .iter()
            .find(|c| c.row == "Indonesia" && c.metric == "p_joined")
            .unwrap();
        assert!(joined.diff < -0.1, "{joined:?}");
        assert!(ch.iter().any(|c| c.file == "milestones.csv"));
        let a = answer(&s2, &t2, Some(&base), &rec());
        assert_eq!(a["tables"]["summary"]["header"][0], "metric");
        assert!(
            a["headline"][0]
                .as_str()
                .unwrap()
                .starts_with("In 20,000 trials")
        );
    }
}
