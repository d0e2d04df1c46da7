//! How the force builds up over time (spec §6): milestones.csv, the chance
//! of reaching each milestone and the months by which it is reached with
//! 10%, 50% and 90% probability; fan.csv, the spread of the personnel in
//! theatre at each month of the timeline.

use super::binned::Binned;
use super::table::{Cell, Table, exceedance_step, grid_step, prob_cells};
use super::tally::Tally;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;

pub fn milestones(s: &Scenario, t: &Tally) -> Table {
    let grid = Rows {
        horizon: s.horizon_months,
    };
    let rows = s
        .milestones
        .iter()
        .zip(&t.milestones)
        .map(|(&level, by_point)| {
            let reached: u64 = by_point.iter().sum();
            let mut row = vec![Cell::Int(level)];
            row.extend(prob_cells(reached, t.trials));
            for nn in [10u64, 50, 90] {
                let month = first_point(by_point, t.trials, nn).map(|k| grid.point_month(k));
                row.push(Cell::opt(month));
            }
            row
        })
        .collect();
    Table {
        file: "milestones.csv",
        header: vec![
            "personnel",
            "p_reached",
            "ci_low",
            "ci_high",
            "month_p10",
            "month_p50",
            "month_p90",
        ],
        rows,
    }
}

/// The first grid point by which count·100 >= nn·trials.
pub(crate) fn first_point(by_point: &[u64], trials: u64, nn: u64) -> Option<usize> {
    let mut count = 0u64;
    by_point.iter().position(|c| {
        count += c;
        count as u128 * 100 >= nn as u128 * trials as u128
    })
}

pub fn fan(s: &Scenario, t: &Tally) -> Table {
    let grid = Rows {
        horizon: s.horizon_months,
    };
    let count = grid
        .fixed_count()
        .unwrap_or((t.timeline.rows_seen as usize).max(1));
    let base = exceedance_step(s.target);
    let step = grid_step(s, t);
    let shift = shift_of(step, base);
    let mut at = Binned::default();
    let mut arrived = 0u64;
    let rows = (0..count)
        .map(|k| {
            if let Some(b) = t.fan.get(k) {
                at.merge(b);
            }
            at.coarsen_to(shift);
            arrived += t.timeline.arriving.get(k).copied().unwrap_or(0);
            arrived -= t.timeline.leaving.get(k).copied().unwrap_or(0);
            let month = grid.month(k);
            let mut row = vec![
                Cell::Num(month),
                s.start.map_or(Cell::Empty, |d| {
                    Cell::Text(d.plus_months(month).to_string())
                }),
            ];
            let counts: Vec<u64> = at.counts.iter().map(|c| (*c).max(0) as u64).collect();
            for nn in [5u64, 25, 50, 75, 95] {
                let bin = first_point(&counts, t.trials, nn);
                row.push(bin.map_or(Cell::Empty, |b| Cell::Int(b as u64 * step)));
            }
            row.push(Cell::opt(super::table::ratio(arrived, t.trials)));
            row
        })
        .collect();
    Table {
        file: "fan.csv",
        header: vec!["month", "date", "p05", "p25", "p50", "p75", "p95", "mean"],
        rows,
    }
}

/// The shift whose width is `step` (a power-of-two multiple of `base`).
fn shift_of(step: u64, base: u64) -> u32 {
    (step / base).trailing_zeros()
}
