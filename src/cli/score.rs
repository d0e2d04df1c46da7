//! `muster score`: grades a result folder against a precedent's outcomes
//! file, next to the two baselines built from the other precedents.

use super::{Failure, Outcome};
use crate::output::csv_files::to_csv;
use crate::scenario::grouped;
use crate::score::grade::{FORECASTERS, Graded, grade, scored_months};
use crate::score::outcomes::{self, Outcomes};
use crate::score::replay::{open, replay};
use crate::stats::table::{Cell, Table};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Result folder of a run (written by `muster run`).
    pub results: PathBuf,
    /// The precedent's outcomes file (TOML).
    pub outcomes: PathBuf,
    /// Outcomes files of the other precedents, for the baselines (repeatable;
    /// default: every other *.outcomes.toml beside OUTCOMES).
    #[arg(long, value_name = "FILE")]
    pub others: Vec<PathBuf>,
    /// The run's scenario file, when the path in run.toml does not lead to it.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Print tidy CSV rows (precedent,measure,month,level,outcome,model,base_rate,pledge_ratio).
    #[arg(long)]
    pub csv: bool,
}

/// Every other `*.outcomes.toml` in the folder of `file`, sorted.
fn siblings(file: &Path) -> Result<Vec<PathBuf>, Failure> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let me = std::fs::canonicalize(file)
        .map_err(|e| Failure::Usage(format!("{}: cannot read: {e}", file.display())))?;
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Failure::Usage(format!("{}: cannot list: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".outcomes.toml"))
        .filter(|p| std::fs::canonicalize(p).ok().as_ref() != Some(&me))
        .collect();
    out.sort();
    Ok(out)
}

pub fn run(a: ScoreArgs) -> Outcome {
    let this = outcomes::load(&a.outcomes)?;
    let files = if a.others.is_empty() {
        siblings(&a.outcomes)?
    } else {
        a.others.clone()
    };
    let others: Vec<Outcomes> = files
        .iter()
        .map(|f| outcomes::load(f))
        .collect::<Result<_, _>>()?;
    let others: Vec<&Outcomes> = others.iter().collect();
    let run = open(&a.results, a.scenario.as_deref())?;
    if run.scenario.target != this.target {
        return Err(Failure::Usage(format!(
            "the run in {} has target {}, the outcomes file {} says {}; score a run of this precedent",
            a.results.display(),
            run.scenario.target,
            a.outcomes.display(),
            this.target
        )));
    }
    let (months, unscored) = scored_months(&this, &others, run.scenario.horizon_months);
    let played = replay(&run, &a.results, &months)?;
    let g = grade(
        &this,
        &others,
        &months,
        &played.by_month,
        &run.scenario.milestones,
        unscored,
    );
    if a.csv {
        let bytes = to_csv(&table(&this, &g))?;
        crate::out!("{}", String::from_utf8_lossy(&bytes));
    } else {
        crate::outln!(
            "{}: target {}, pledged {} on the day; {} other precedents for the baselines",
            this.precedent,
            grouped(this.target as f64),
            grouped(this.pledged as f64),
            others.len()
        );
        crate::outln!(
            "  model: {} replayed from {} ({} trials; fan.csv's mean reproduced at {} months)",
            a.results.display(),
            run.scenario_path.display(),
            run.record.trials,
            played.checked
        );
        crate::out!("{}", text(&g, this.target));
    }
    Ok(())
}

fn num(x: f64) -> String {
    format!("{x:.3}")
}

/// The tables for a reader.
pub fn text(g: &Graded, target: u64) -> String {
    let mut out = String::from(
        "  CRPS of personnel as a share of the target (lower is better)\n    month  on record   model  base rate  pledges x ratio\n",
    );
    for m in &g.months {
        out += &format!(
            "    {:>5}  {:>9}  {:>6}  {:>9}  {:>15}\n",
            m.month,
            grouped(m.observed as f64),
            num(m.crps[0]),
            num(m.crps[1]),
            num(m.crps[2])
        );
    }
    if let Some(c) = g.mean_crps() {
        out += &format!(
            "    mean              {:>7}  {:>9}  {:>15}\n",
            num(c[0]),
            num(c[1]),
            num(c[2])
        );
    }
    out += "  milestone events: personnel at the month >= the level (probabilities; Brier, lower is better)\n    month      level  happened   model  base rate  pledges x ratio\n";
    for e in &g.events {
        out += &format!(
            "    {:>5}  {:>9}  {:>8}  {:>6}  {:>9}  {:>15}\n",
            e.month,
            format!(
                "{} ({:.0}%)",
                grouped(e.level as f64),
                100.0 * e.level as f64 / target as f64
            ),
            if e.happened { "yes" } else { "no" },
            num(e.p[0]),
            num(e.p[1]),
            num(e.p[2])
        );
    }
    if let Some(b) = g.mean_brier() {
        out += &format!(
            "    mean Brier                 {:>7}  {:>9}  {:>15}\n",
            num(b[0]),
            num(b[1]),
            num(b[2])
        );
    }
    for (m, why) in &g.unscored {
        out += &format!("  not scored: month {m} ({why})\n");
    }
    out
}

/// Tidy rows: measure `crps` (outcome = observed share), `mean` (each
/// forecaster's mean share), `p` (outcome 0/1, the probabilities) and
/// `brier` (the scores).
pub fn table(o: &Outcomes, g: &Graded) -> Table {
    let mut header = vec!["precedent", "measure", "month", "level", "outcome"];
    header.extend(FORECASTERS);
    let row = |measure: &str, month: f64, level: Cell, outcome: Cell, v: [f64; 3]| {
        let mut r = vec![
            Cell::Text(o.precedent.clone()),
            Cell::Text(measure.to_string()),
            Cell::Num(month),
            level,
            outcome,
        ];
        r.extend(v.map(Cell::Num));
        r
    };
    let mut rows = Vec::new();
    for m in &g.months {
        let y = m.observed as f64 / o.target as f64;
        rows.push(row("crps", m.month, Cell::Empty, Cell::Num(y), m.crps));
        rows.push(row("mean", m.month, Cell::Empty, Cell::Num(y), m.mean));
    }
    for e in &g.events {
        let happened = Cell::Int(u64::from(e.happened));
        rows.push(row("p", e.month, Cell::Int(e.level), happened.clone(), e.p));
        rows.push(row(
            "brier",
            e.month,
            Cell::Int(e.level),
            happened,
            e.brier(),
        ));
    }
    Table {
        file: "score.csv",
        header,
        rows,
    }
}
