//! One result table (file name, header, cells) and what several tables
//! share: probability cells with their intervals, the reason labels of a
//! contributor, and the step of the personnel grid.

use super::binned;
use super::interval::wilson;
use super::tally::Tally;
use crate::scenario::{OnUnmet, Scenario};

/// One cell of a result table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(u64),
    Num(f64),
    /// Undefined (e.g. a conditional probability whose condition never occurred).
    Empty,
}

impl Cell {
    pub fn opt(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Num)
    }

    /// The cell as CSV text: f64 with Rust's shortest round-trip formatting,
    /// never NaN or inf.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(v) => v.to_string(),
            Cell::Num(v) if v.is_finite() => format!("{v}"),
            Cell::Num(_) | Cell::Empty => String::new(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(v) => Some(*v as f64),
            Cell::Num(v) => Some(*v),
            _ => None,
        }
    }
}

/// A result file's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File name, e.g. `summary.csv`.
    pub file: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The row whose first cell is the text `key`.
    pub fn row(&self, key: &str) -> Option<&[Cell]> {
        self.rows
            .iter()
            .find(|r| matches!(r.first(), Some(Cell::Text(k)) if k == key))
            .map(|r| r.as_slice())
    }
}

pub fn ratio(k: u64, n: u64) -> Option<f64> {
    (n > 0).then(|| k as f64 / n as f64)
}

/// Estimate and Wilson interval cells of k in n.
pub fn prob_cells(k: u64, n: u64) -> [Cell; 3] {
    match wilson(k, n) {
        Some((lo, hi)) => [Cell::opt(ratio(k, n)), Cell::Num(lo), Cell::Num(hi)],
        None => [Cell::Empty, Cell::Empty, Cell::Empty],
    }
}

/// The reasons a contributor's personnel may not arrive, in blockers.csv order:
/// declined, vetoed, each clause as written, and late with a horizon.
pub fn reasons(s: &Scenario, i: usize) -> Vec<String> {
    let c = &s.contributors[i];
    let mut r = vec!["declined".to_string(), "vetoed".to_string()];
    r.extend(c.requires.iter().map(|k| k.text.clone()));
    if c.on_unmet != OnUnmet::Stay {
        r.push("withdrew".into());
        r.push("left".into());
    }
    if s.horizon_months.is_some() {
        r.push("late".into());
    }
    r
}

/// Whole-person step of the exceedance table: target/40 rounded, at least 1.
pub fn exceedance_step(target: u64) -> u64 {
    ((target + 20) / 40).max(1)
}

/// The step of the exceedance table and of fan.csv's quantiles (people):
/// target/40, doubled as often as needed to cover the totals seen in at
/// most `binned::MAX_BINS` steps (a target far below what the contributors
/// can bring).
pub fn grid_step(s: &Scenario, t: &Tally) -> u64 {
    let base = exceedance_step(s.target);
    let largest = t.histogram.len().saturating_sub(1) as u64;
    binned::width(base, binned::shift_for(largest, base))
}
