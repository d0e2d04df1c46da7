//! Per-contributor tallies over a whole batch, column by column: joins,
//! arrivals, the timeline's arriving personnel and the blockers.

use super::batch::Scratch;
use super::bitcount::{MaskCounts, count_bits};
use super::plan::Plan;
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Per contributor, over the whole batch: joins, arrivals, the timeline's
/// arriving personnel and the blockers.
#[inline(always)]
pub(super) fn tally_contributors(
    s: &Scenario,
    plan: &Plan,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    let c = plan.condition_count;
    let has_horizon = plan.rows.horizon.is_some();
    // Per contributor, trials: joined, joined and succeeded, not willing,
    // vetoed, willing and vetoed, joined and late (counted from the
    // batch's mask columns).
    let n = s.contributors.len();
    let everyone = u64::MAX >> (64 - n);
    let (joined, willing, vetoed) = (&sc.joined[..len], &sc.willing[..len], &sc.vetoed[..len]);
    let mut joined_n = [0u64; 64];
    let mut joined_success_n = [0u64; 64];
    let mut declined_n = [0u64; 64];
    let mut vetoed_n = [0u64; 64];
    let mut willing_vetoed_n = [0u64; 64];
    let mut joined_late_n = [0u64; 64];
    count_bits(joined.iter().copied(), n, &mut joined_n);
    let successes = joined.iter().zip(&sc.success[..len]);
    let joined_success = successes.map(|(j, s)| j & 0u64.wrapping_sub(u64::from(*s)));
    count_bits(joined_success, n, &mut joined_success_n);
    count_bits(willing.iter().map(|w| !w & everyone), n, &mut declined_n);
    if plan.any_veto {
        count_bits(vetoed.iter().copied(), n, &mut vetoed_n);
        let both = willing.iter().zip(vetoed).map(|(w, v)| w & v);
        count_bits(both, n, &mut willing_vetoed_n);
    }
    if has_horizon {
        let late = joined.iter().zip(&sc.late[..len]).map(|(j, l)| j & l);
        count_bits(late, n, &mut joined_late_n);
    }
    let tl = &mut tally.timeline;
    for (k, a) in sc.arriving.iter_mut().enumerate() {
        if *a != 0 {
            bump(&mut tl.arriving, k, *a);
            *a = 0;
        }
    }
    tl.rows_seen = tl.rows_seen.max(std::mem::take(&mut sc.rows_seen));
    if let Some(worlds) = &plan.worlds {
        for (w, o) in sc.world_outcomes.iter_mut().enumerate() {
            if o[0] == 0 {
                continue;
            }
            for (k, condition) in s.conditions.iter().enumerate() {
                let state = w / worlds.strides[k] % condition.states.len();
                let st = &mut tally.conditions[k][state];
                st.trials += o[0];
                st.success += o[1];
            }
            *o = [0, 0];
        }
    }
    let by_world: Vec<[[u64; 64]; 2]> = sc.world_counts.iter_mut().map(|c| c.take()).collect();
    let sc = &*sc;
    for (i, contributor) in s.contributors.iter().enumerate() {
        let ct = &mut tally.contributors[i];
        let (joined, arrived_sum) = (joined_n[i], sc.arrived_sum[i]);
        ct.joined += joined;
        ct.joined_success += joined_success_n[i];
        ct.arrived_sum += arrived_sum;

        // Timeline: personnel arriving at each row, and the rows seen.
        let tl = &mut tally.timeline;
        // (Variable lead times were summed trial by trial.)
        let fixed_row = plan.contributors[i]
            .lead
            .fixed_value()
            .filter(|_| plan.variable_leads >> i & 1 == 0)
            .and_then(|l| plan.rows.row_of(l));
        if let (Some(r), true) = (fixed_row, joined > 0) {
            bump(&mut tl.arriving, r as usize, arrived_sum);
            tl.rows_seen = tl.rows_seen.max(r as u64 + 1);
        }

        // Blockers, in order: declined, vetoed, each clause, late. Not
        // willing or vetoed means not joined, so never arrived; late (joined,
        // arriving after the horizon) means not arrived; without clauses,
        // willing and not vetoed means joined.
        let clauses = &contributor.requires;
        let late_reason = 2 + clauses.len();
        ct.first[0] += declined_n[i];
        ct.any[0] += declined_n[i];
        ct.first[1] += willing_vetoed_n[i];
        ct.any[1] += vetoed_n[i];
        if clauses.is_empty() {
            if has_horizon {
                ct.first[late_reason] += joined_late_n[i];
                ct.any[late_reason] += joined_late_n[i];
            }
            continue;
        }
        // With clauses the first reason depends on them. Reasons after
        // `vetoed` are bits: clause k is bit k, `late` the bit after the
        // clauses; per trial, every reason that holds counts for p_any and
        // the lowest for p_first (when willing and not vetoed).
        let cp = &plan.contributors[i];
        let late_shift = clauses.len() as u32;
        if cp.coalition_clauses.is_empty() && !by_world.is_empty() {
            // Only condition clauses: which fail depends on the joint state
            // alone, and a contributor that joined had none failing.
            for (fails, [missing, open_missing]) in cp.condition_fails.iter().zip(&by_world) {
                if *fails == 0 {
                    continue;
                }
                ct.first[2 + fails.trailing_zeros() as usize] += open_missing[i];
                let mut bits = *fails;
                while bits != 0 {
                    ct.any[2 + bits.trailing_zeros() as usize] += missing[i];
                    bits &= bits - 1;
                }
            }
            if has_horizon {
                ct.first[late_reason] += joined_late_n[i];
                ct.any[late_reason] += joined_late_n[i];
            }
            continue;
        }
        if late_shift >= 63 || !plan.paths.blocker_masks {
            tally_clause_blockers_slowly(s, plan, sc, i, len, ct);
            continue;
        }
        let mut counts = MaskCounts::<2>::new(late_shift as usize + 1);
        for t in 0..len {
            let missing = 0u64.wrapping_sub(!sc.arrived[t] >> i & 1);
            let open = 0u64.wrapping_sub((sc.willing[t] & !sc.vetoed[t]) >> i & 1);
            // One that joined has the one reason `late`: no clause counts.
            let joined_i = 0u64.wrapping_sub(sc.joined[t] >> i & 1);
            let mut fails = condition_fails(s, plan, sc, i, t) & !joined_i;
            if !cp.coalition_clauses.is_empty() && missing & !joined_i != 0 {
                let joined_t = sc.joined[t];
                let states = &sc.states[t * c..t * c + c];
                let committed = if cp.reads_committed {
                    committed_others(sc, t, joined_t, i)
                } else {
                    0
                };
                for (&k, gate) in cp.coalition_clauses.iter().zip(&cp.clause_gates) {
                    if !gate.admits(clauses, states, joined_t, committed) {
                        fails |= 1 << k;
                    }
                }
            }
            let joined_late = sc.joined[t] & sc.late[t];
            let late = (joined_late >> i & 1 & u64::from(has_horizon)) << late_shift;
            let reasons = (fails | late) & missing;
            counts.add([reasons, reasons & reasons.wrapping_neg() & open]);
        }
        let [any, first] = counts.take();
        for k in 0..late_shift as usize + usize::from(has_horizon) {
            ct.any[2 + k] += any[k];
            ct.first[2 + k] += first[k];
        }
    }
}

/// Blockers of a contributor with too many clauses for the bit counters:
/// the same rules as `tally_contributors`, trial by trial.
fn tally_clause_blockers_slowly(
    s: &Scenario,
    plan: &Plan,
    sc: &Scratch,
    i: usize,
    len: usize,
    ct: &mut crate::stats::tally::ContributorTally,
) {
    let c = plan.condition_count;
    let clauses = &s.contributors[i].requires;
    let late_reason = 2 + clauses.len();
    for t in 0..len {
        if sc.arrived[t] >> i & 1 == 1 {
            continue;
        }
        let (joined, states) = (sc.joined[t], &sc.states[t * c..t * c + c]);
        let committed = committed_others(sc, t, joined, i);
        let mut first_taken = sc.willing[t] >> i & 1 == 0 || sc.vetoed[t] >> i & 1 == 1;
        // One that joined has the one reason `late`: no clause counts.
        let clauses_count = joined >> i & 1 == 0;
        for (k, clause) in clauses.iter().enumerate().filter(|_| clauses_count) {
            if !clause.expr.holds(states, joined, committed) {
                ct.any[2 + k] += 1;
                if !first_taken {
                    ct.first[2 + k] += 1;
                    first_taken = true;
                }
            }
        }
        if plan.rows.horizon.is_some() && (joined & sc.late[t]) >> i & 1 == 1 {
            ct.any[late_reason] += 1;
            if !first_taken {
                ct.first[late_reason] += 1;
            }
        }
    }
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

/// Pledged personnel of the joined contributors other than `i` (people).
#[inline(always)]
pub(super) fn committed_others(sc: &Scratch, t: usize, joined: u64, i: usize) -> u64 {
    let mut sum = 0;
    let mut bits = joined & !(1 << i);
    while bits != 0 {
        let j = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        sum += sc.pledge[j][t] as u64;
    }
    sum
}
