//! The result tables of spec §4, computed from a tally: estimates,
//! Wilson intervals for probabilities and normal intervals for means.

use super::interval::mean_interval;
pub use super::table::{Cell, Table, exceedance_step, grid_step, prob_cells, ratio, reasons};
use super::tally::Tally;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;

/// The smallest whole x with P(personnel <= x) >= nn/100.
pub fn quantile(histogram: &[u64], n: u64, nn: u64) -> u64 {
    let mut below = 0u64;
    for (x, count) in histogram.iter().enumerate() {
        below += count;
        if below as u128 * 100 >= nn as u128 * n as u128 {
            return x as u64;
        }
    }
    histogram.len().saturating_sub(1) as u64
}

/// Every result table of a run, in file order.
pub fn tables(s: &Scenario, t: &Tally) -> Vec<Table> {
    let mut out = vec![
        summary(t),
        contributors(s, t),
        blockers(s, t),
        roles(s, t),
        conditions(s, t),
    ];
    if s.contributors.len() <= 20 {
        out.push(coalitions(s, t));
    }
    out.push(exceedance(s, t));
    out.push(timeline(s, t));
    out.push(super::build_up::milestones(s, t));
    out.push(super::build_up::fan(s, t));
    out.push(super::losses::losses(s, t));
    out
}

pub fn summary(t: &Tally) -> Table {
    let n = t.trials;
    let mut rows = Vec::new();
    for (name, k) in [
        ("p_success", t.success),
        ("p_target_reached", t.reached),
        ("p_roles_met", t.roles_met),
    ] {
        let mut row = vec![Cell::Text(name.into())];
        row.extend(prob_cells(k, n));
        rows.push(row);
    }
    let mean = match mean_interval(t.personnel_sum, t.personnel_sq, n) {
        Some((m, lo, hi)) => vec![Cell::Num(m), Cell::Num(lo), Cell::Num(hi)],
        None => vec![Cell::Empty, Cell::Empty, Cell::Empty],
    };
    rows.push([vec![Cell::Text("mean_personnel".into())], mean].concat());
    for nn in [5, 50, 95] {
        rows.push(vec![
            Cell::Text(format!("personnel_p{nn:02}")),
            Cell::Int(quantile(&t.histogram, n, nn)),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    Table {
        file: "summary.csv",
        header: vec!["metric", "estimate", "ci_low", "ci_high"],
        rows,
    }
}

/// Per contributor; the last two columns are the trials the conditional
/// figures rest on: `successes` (of p_joined_given_success) and
/// `trials_joined` (of mean_personnel_if_joined).
fn contributors(s: &Scenario, t: &Tally) -> Table {
    let rows = s
        .contributors
        .iter()
        .zip(&t.contributors)
        .map(|(c, ct)| {
            let mut row = vec![Cell::Text(c.name.clone())];
            row.extend(prob_cells(ct.joined, t.trials));
            row.push(Cell::opt(ratio(ct.arrived_sum, ct.joined)));
            row.push(Cell::opt(ratio(ct.joined_success, t.success)));
            row.push(Cell::opt(ratio(ct.pivotal, t.trials)));
            row.push(Cell::Int(t.success));
            row.push(Cell::Int(ct.joined));
            row
        })
        .collect();
    Table {
        file: "contributors.csv",
        header: vec![
            "contributor",
            "p_joined",
            "ci_low",
            "ci_high",
            "mean_personnel_if_joined",
            "p_joined_given_success",
            "p_pivotal",
            "successes",
            "trials_joined",
        ],
        rows,
    }
}

/// The reasons of one contributor, in blocker order.
fn blockers(s: &Scenario, t: &Tally) -> Table {
    let mut rows = Vec::new();
    for (i, (c, ct)) in s.contributors.iter().zip(&t.contributors).enumerate() {
        for (k, reason) in reasons(s, i).into_iter().enumerate() {
            rows.push(vec![
                Cell::Text(c.name.clone()),
                Cell::Text(reason),
                Cell::opt(ratio(ct.first[k], t.trials)),
                Cell::opt(ratio(ct.any[k], t.trials)),
            ]);
        }
    }
    Table {
        file: "blockers.csv",
        header: vec!["contributor", "reason", "p_first", "p_any"],
        rows,
    }
}

fn roles(s: &Scenario, t: &Tally) -> Table {
    let rows = s
        .roles
        .iter()
        .zip(&t.roles)
        .map(|(r, rt)| {
            vec![
                Cell::Text(r.name.clone()),
                Cell::Int(r.minimum),
                Cell::opt(ratio(rt.met, t.trials)),
                Cell::opt(ratio(rt.available_sum, t.trials)),
            ]
        })
        .collect();
    Table {
        file: "roles.csv",
        header: vec!["role", "minimum", "p_met", "mean_available"],
        rows,
    }
}

/// Per condition state; `trials_in_state` is the trials
/// p_success_given_state rests on.
fn conditions(s: &Scenario, t: &Tally) -> Table {
    let mut rows = Vec::new();
    for (c, ct) in s.conditions.iter().zip(&t.conditions) {
        for (state, st) in c.states.iter().zip(ct) {
            let mut row = vec![
                Cell::Text(c.name.clone()),
                Cell::Text(state.clone()),
                Cell::opt(ratio(st.trials, t.trials)),
            ];
            row.extend(prob_cells(st.success, st.trials));
            row.push(Cell::Int(st.trials));
            rows.push(row);
        }
    }
    Table {
        file: "conditions.csv",
        header: vec![
            "condition",
            "state",
            "p_state",
            "p_success_given_state",
            "ci_low",
            "ci_high",
            "trials_in_state",
        ],
        rows,
    }
}

/// The names of a coalition, joined by `+`, or `(none)`. A name that holds
/// `+` or `"` is written in double quotes, with `"` doubled, so that the
/// contributor `A+B` (`"A+B"`) and the coalition of A and B (`A+B`) differ.
pub fn coalition_name(s: &Scenario, mask: u64) -> String {
    let names: Vec<String> = (0..s.contributors.len())
        .filter(|i| mask >> i & 1 == 1)
        .map(|i| coalition_member(&s.contributors[i].name))
        .collect();
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join("+")
    }
}

/// One name in a coalition label: as it is, or quoted when it holds `+` or `"`.
pub fn coalition_member(name: &str) -> String {
    if name.contains(['+', '"']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// The most probable final coalitions; `trials` is the trials with that
/// coalition, which p_success_given rests on.
fn coalitions(s: &Scenario, t: &Tally) -> Table {
    let mut all: Vec<(String, [u64; 2])> = t
        .coalitions
        .iter()
        .map(|(m, c)| (coalition_name(s, *m), *c))
        .collect();
    all.sort_by(|a, b| b.1[0].cmp(&a.1[0]).then_with(|| a.0.cmp(&b.0)));
    all.truncate(20);
    let rows = all
        .into_iter()
        .map(|(name, [n, k])| {
            vec![
                Cell::Text(name),
                Cell::opt(ratio(n, t.trials)),
                Cell::opt(ratio(k, n)),
                Cell::Int(n),
            ]
        })
        .collect();
    Table {
        file: "coalitions.csv",
        header: vec!["coalition", "p", "p_success_given", "trials"],
        rows,
    }
}

fn exceedance(s: &Scenario, t: &Tally) -> Table {
    let step = grid_step(s, t);
    let largest = t.histogram.len().saturating_sub(1) as u64;
    // at_least[x] = trials with personnel >= x
    let mut rows = Vec::new();
    let mut above: u64 = t.trials;
    let mut x = 0u64;
    let mut next_counted = 0usize;
    loop {
        while (next_counted as u64) < x && next_counted < t.histogram.len() {
            above -= t.histogram[next_counted];
            next_counted += 1;
        }
        let mut row = vec![Cell::Int(x)];
        row.extend(prob_cells(above, t.trials));
        rows.push(row);
        if x > largest {
            break;
        }
        x += step;
    }
    Table {
        file: "exceedance.csv",
        header: vec!["personnel", "p_at_least", "ci_low", "ci_high"],
        rows,
    }
}

fn timeline(s: &Scenario, t: &Tally) -> Table {
    let rows_def = Rows {
        horizon: s.horizon_months,
    };
    let count = rows_def
        .fixed_count()
        .unwrap_or((t.timeline.rows_seen as usize).max(1));
    let (mut reached, mut success, mut personnel) = (0u64, 0u64, 0u64);
    let at = |v: &Vec<u64>, k: usize| v.get(k).copied().unwrap_or(0);
    let rows = (0..count)
        .map(|k| {
            reached += at(&t.timeline.first_reached, k);
            success += at(&t.timeline.first_success, k);
            personnel += at(&t.timeline.arriving, k);
            personnel -= at(&t.timeline.leaving, k);
            let month = rows_def.month(k);
            let mut row = vec![
                Cell::Num(month),
                s.start.map_or(Cell::Empty, |d| {
                    Cell::Text(d.plus_months(month).to_string())
                }),
                Cell::opt(ratio(reached, t.trials)),
            ];
            row.extend(prob_cells(success, t.trials));
            row.push(Cell::opt(ratio(personnel, t.trials)));
            row
        })
        .collect();
    Table {
        file: "timeline.csv",
        header: vec![
            "month",
            "date",
            "p_target_reached",
            "p_success",
            "ci_low",
            "ci_high",
            "mean_personnel",
        ],
        rows,
    }
}
