//! Blockers (blockers.csv): for every contributor whose personnel did not
//! arrive, its reasons. One that joined has the one reason `late`; any other
//! has, in order, `declined`, `vetoed` and each clause that fails against
//! the final coalition. Counted from the batch's mask columns; for
//! contributors whose clauses read only conditions, per joint condition
//! state; for those with too many clauses for bit masks, trial by trial.

use super::bitcount::count_bits;
use super::eligibility::condition_fails_column;
use super::negotiation::committed_others;
use super::plan::{ContributorPlan, Plan};
use super::scratch::{Scratch, bit_mask, kept};
use super::slots::sum_into_slots;
use crate::scenario::Scenario;
use crate::stats::tally::{ContributorTally, Tally};

/// The per-joint-state counts of trial t (when they are kept): the
/// contributors that did not arrive, and those of them willing and not
/// vetoed.
#[inline(always)]
pub(super) fn count_trial(s: &Scenario, t: usize, sc: &mut Scratch) {
    if let Some(counts) = sc.world_counts.get_mut(sc.world[t] as usize) {
        let everyone = u64::MAX >> (64 - s.contributors.len());
        let (joined, late) = (sc.joined[t], sc.late[t]);
        let missing = !(joined & !late) & everyone;
        let open_missing = sc.willing[t] & !sc.vetoed[t] & missing;
        counts.add([missing, open_missing]);
    }
}

/// Every contributor's blockers over the batch.
#[inline(always)]
pub(super) fn tally_batch(
    s: &Scenario,
    plan: &Plan,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    let c = plan.condition_count;
    let has_horizon = plan.rows.horizon.is_some();
    // Per contributor, trials: not willing, vetoed, willing and vetoed,
    // joined and late (counted from the batch's mask columns).
    let n = s.contributors.len();
    let everyone = u64::MAX >> (64 - n);
    let (joined, willing, vetoed) = (&sc.joined[..len], &sc.willing[..len], &sc.vetoed[..len]);
    let mut declined_n = [0u64; 64];
    let mut vetoed_n = [0u64; 64];
    let mut willing_vetoed_n = [0u64; 64];
    let mut joined_late_n = [0u64; 64];
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
    let by_world: Vec<[[u64; 64]; 2]> = sc.world_counts.iter_mut().map(|c| c.take()).collect();
    let (mut reasons, mut firsts) = (
        std::mem::take(&mut sc.reasons),
        std::mem::take(&mut sc.firsts),
    );
    // Pledged personnel of the joined contributors, for clauses that read
    // `committed` (each takes its own pledge away).
    let mut committed = std::mem::take(&mut sc.supply);
    if plan.paths.blocker_masks && plan.contributors.iter().any(|c| c.reads_committed) {
        for (j, pledge) in sc.pledge.iter().enumerate() {
            let keep = kept(j);
            for ((sum, p), joined) in committed[..len].iter_mut().zip(&pledge[..len]).zip(joined) {
                *sum = (*sum & keep) + (*p as u64 & bit_mask(*joined, j));
            }
        }
    }
    for (i, contributor) in s.contributors.iter().enumerate() {
        let ct = &mut tally.contributors[i];
        // losses.csv: where its pledge went, for the reasons found by column.
        let pledge = &sc.pledge[i][..len];
        let [declined_p, vetoed_p, arrived_p, late_p, open_p] = pledge_sums(sc, pledge, i);
        ct.first_pledge[0] += declined_p;
        ct.first_pledge[1] += vetoed_p;
        ct.arrived_pledge += arrived_p;
        // Not willing or vetoed means not joined, so never arrived; late
        // (joined, arriving after the horizon) means not arrived; without
        // clauses, willing and not vetoed means joined.
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
                ct.first_pledge[late_reason] += late_p;
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
            // The pledges of those willing and not vetoed that did not join:
            // the first failing clause of the trial's joint state.
            match cp.first_fail {
                // Always the same clause: the sum over those trials.
                Some(k) => ct.first_pledge[2 + k] += open_p,
                None => by_first_fail(sc, cp, pledge, i, ct),
            }
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
                ct.first_pledge[late_reason] += late_p;
            }
            continue;
        }
        if late_shift >= 63 || !plan.paths.blocker_masks {
            tally_clause_blockers_slowly(s, plan, sc, i, len, ct);
            continue;
        }
        // Per trial, the reasons that hold and the first of them, into two
        // columns counted at the end, clause by clause; the pledges by
        // first reason. One that joined has the one reason `late`: no
        // clause counts. Every clause is evaluated (they have no side
        // effects); what holds for one that arrived is masked out.
        condition_fails_column(s, plan, sc, i, &mut reasons[..len]);
        for (r, j) in reasons[..len].iter_mut().zip(joined) {
            *r &= !bit_mask(*j, i);
        }
        // The committed personnel of the others, where the clauses read it.
        let reads = 0u64.wrapping_sub(u64::from(cp.reads_committed));
        let others = |t: usize| {
            let own = pledge[t] as u64 & bit_mask(joined[t], i);
            committed[t].wrapping_sub(own) & reads
        };
        for (&k, gate) in cp.coalition_clauses.iter().zip(&cp.clause_gates) {
            let rows = reasons[..len].iter_mut().zip(joined).enumerate();
            if gate.is_reduced() {
                for (t, (r, j)) in rows {
                    let admitted = gate.admits_reduced(*j, others(t));
                    *r |= u64::from(!admitted) << k & !bit_mask(*j, i);
                }
            } else {
                for (t, (r, j)) in rows {
                    let states = &sc.states[t * c..t * c + c];
                    let admitted = gate.admits(clauses, states, *j, others(t));
                    *r |= u64::from(!admitted) << k & !bit_mask(*j, i);
                }
            }
        }
        let late_bit = u64::from(has_horizon) << late_shift;
        let columns = reasons[..len].iter_mut().zip(firsts[..len].iter_mut());
        for (t, (reasons, first)) in columns.enumerate() {
            let missing = bit_mask(!sc.arrived[t], i);
            let open = bit_mask(sc.willing[t] & !sc.vetoed[t], i);
            let late = bit_mask(joined[t] & sc.late[t], i) & late_bit;
            *reasons = (*reasons | late) & missing;
            *first = *reasons & reasons.wrapping_neg() & open;
        }
        let mut by_first = [0u64; 65];
        let firsts = &firsts[..len];
        sum_into_slots(len, &mut by_first, |t| {
            (firsts[t].trailing_zeros() as usize, pledge[t] as u64)
        });
        let (mut any, mut first) = ([0u64; 64], [0u64; 64]);
        let bits = late_shift as usize + 1;
        count_bits(reasons[..len].iter().copied(), bits, &mut any);
        count_bits(firsts[..len].iter().copied(), bits, &mut first);
        for k in 0..late_shift as usize + usize::from(has_horizon) {
            ct.any[2 + k] += any[k];
            ct.first[2 + k] += first[k];
        }
        for (k, sum) in by_first[..64]
            .iter()
            .enumerate()
            .filter(|(_, sum)| **sum != 0)
        {
            ct.first_pledge[2 + k] += sum;
        }
    }
    sc.reasons = reasons;
    sc.firsts = firsts;
    sc.supply = committed;
}

/// Blockers of a contributor with too many clauses for the bit counters:
/// the same rules as `tally_batch`, trial by trial.
fn tally_clause_blockers_slowly(
    s: &Scenario,
    plan: &Plan,
    sc: &Scratch,
    i: usize,
    len: usize,
    ct: &mut ContributorTally,
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
                    ct.first_pledge[2 + k] += sc.pledge[i][t] as u64;
                    first_taken = true;
                }
            }
        }
        if plan.rows.horizon.is_some() && (joined & sc.late[t]) >> i & 1 == 1 {
            ct.any[late_reason] += 1;
            if !first_taken {
                ct.first[late_reason] += 1;
                ct.first_pledge[late_reason] += sc.pledge[i][t] as u64;
            }
        }
    }
}

/// Contributor i's pledges summed over the batch's trials in which it
/// declined, was vetoed while willing, arrived, joined but arrived late, and
/// was willing and not vetoed but did not join (people), in one pass.
#[inline(always)]
fn pledge_sums(sc: &Scratch, pledge: &[u32], i: usize) -> [u64; 5] {
    let bit = |m: u64| 0u64.wrapping_sub(m >> i & 1);
    let mut sums = [0u64; 5];
    let columns = pledge
        .iter()
        .zip(&sc.willing)
        .zip(&sc.vetoed)
        .zip(&sc.joined)
        .zip(&sc.late);
    for ((((p, w), v), j), l) in columns {
        let p = *p as u64;
        sums[0] += p & !bit(*w);
        sums[1] += p & bit(w & v);
        sums[2] += p & bit(j & !l);
        sums[3] += p & bit(j & l);
        sums[4] += p & bit(w & !v & !j);
    }
    sums
}

/// The pledges of a contributor whose clauses read only conditions, in the
/// trials in which it was willing and not vetoed but did not join, summed
/// by the first clause that fails in the trial's joint state, without
/// branches (a first clause index of 64 means none fails).
#[inline(always)]
fn by_first_fail(
    sc: &Scratch,
    cp: &ContributorPlan,
    pledge: &[u32],
    i: usize,
    ct: &mut ContributorTally,
) {
    let len = pledge.len();
    let open = |t: usize| sc.willing[t] & !sc.vetoed[t] & !sc.joined[t];
    let mut by_first = [0u64; 65];
    sum_into_slots(len, &mut by_first, |t| {
        let first = cp.condition_fails[sc.world[t] as usize].trailing_zeros() as usize;
        (first, pledge[t] as u64 & bit_mask(open(t), i))
    });
    for (k, sum) in by_first.iter().enumerate().filter(|(_, sum)| **sum != 0) {
        ct.first_pledge[2 + k.min(63)] += sum;
    }
}
