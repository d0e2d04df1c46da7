//! Where a contributor's eligibility comes from: it is eligible in a trial
//! when it is willing, not vetoed and every clause that reads only
//! conditions holds (§2 step 3 before the coalition matters). The clauses
//! are evaluated as written, or, when the joint condition states are few
//! (see `paths`), looked up in tables computed once per run.

use super::plan::Plan;
use super::scratch::Scratch;
use crate::scenario::Scenario;

/// Every contributor's eligibility for the batch, from the tables: willing,
/// not vetoed, and open in the trial's joint condition state.
#[inline(always)]
pub(super) fn mark_all_from_tables(world_open: &[u64], len: usize, sc: &mut Scratch) {
    let columns = sc.eligible[..len]
        .iter_mut()
        .zip(&sc.willing[..len])
        .zip(&sc.vetoed[..len])
        .zip(&sc.world[..len]);
    for (((e, w), v), world) in columns {
        *e = w & !v & world_open[*world as usize];
    }
}

/// Sets bit i of `eligible` where contributor i is willing, not vetoed and
/// every clause that reads only conditions holds; returns how many trials.
/// (For scenarios with too many joint condition states to tabulate; see
/// `Plan::world_open` for the others.)
#[inline(always)]
pub(super) fn mark_eligible(
    s: &Scenario,
    plan: &Plan,
    i: usize,
    len: usize,
    sc: &mut Scratch,
) -> usize {
    let cp = &plan.contributors[i];
    let bit = 1u64 << i;
    let mut open = 0;
    if cp.condition_clauses.is_empty() {
        let columns = sc.eligible[..len]
            .iter_mut()
            .zip(&sc.willing[..len])
            .zip(&sc.vetoed[..len]);
        for ((e, w), v) in columns {
            let ok = (w & !v) >> i & 1;
            *e = (*e & !bit) | ok << i;
            open += ok as usize;
        }
        return open;
    }
    for t in 0..len {
        let ok = (sc.willing[t] & !sc.vetoed[t]) >> i & 1 == 1
            && condition_clauses_hold(s, plan, sc, i, t);
        sc.eligible[t] = (sc.eligible[t] & !bit) | u64::from(ok) << i;
        open += usize::from(ok);
    }
    open
}

/// The clauses of contributor `i` that read only conditions and fail in
/// trial `t`, as bits by clause index (for at most 64 clauses).
#[inline(always)]
pub(super) fn condition_fails(s: &Scenario, plan: &Plan, sc: &Scratch, i: usize, t: usize) -> u64 {
    let cp = &plan.contributors[i];
    if let Some(fails) = cp.condition_fails.get(sc.world[t] as usize) {
        return *fails;
    }
    let c = plan.condition_count;
    let states = &sc.states[t * c..t * c + c];
    let clauses = &s.contributors[i].requires;
    cp.condition_clauses
        .iter()
        .filter(|&&k| !clauses[k].expr.holds(states, 0, 0))
        .fold(0u64, |m, &k| m | 1 << k)
}

/// `condition_fails` for every trial of the batch, into `out`: where the
/// outcomes are tabulated per joint state, one look-up per trial in a loop
/// of its own.
#[inline(always)]
pub(super) fn condition_fails_column(
    s: &Scenario,
    plan: &Plan,
    sc: &Scratch,
    i: usize,
    out: &mut [u64],
) {
    let table = &plan.contributors[i].condition_fails;
    if table.is_empty() {
        for (t, fails) in out.iter_mut().enumerate() {
            *fails = condition_fails(s, plan, sc, i, t);
        }
    } else {
        for (fails, world) in out.iter_mut().zip(&sc.world) {
            *fails = table[*world as usize];
        }
    }
}

/// Whether every clause of contributor `i` that reads only conditions holds
/// in trial `t` (for any number of clauses).
#[inline(always)]
pub(super) fn condition_clauses_hold(
    s: &Scenario,
    plan: &Plan,
    sc: &Scratch,
    i: usize,
    t: usize,
) -> bool {
    let cp = &plan.contributors[i];
    if let Some(fails) = cp.condition_fails.get(sc.world[t] as usize) {
        return *fails == 0;
    }
    let c = plan.condition_count;
    let states = &sc.states[t * c..t * c + c];
    let clauses = &s.contributors[i].requires;
    cp.condition_clauses
        .iter()
        .all(|&k| clauses[k].expr.holds(states, 0, 0))
}
