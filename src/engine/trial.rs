//! The work that needs a whole trial: the negotiation rounds, totals and
//! roles, conditions, coalitions, the first timeline rows and pivotal
//! contributors.

use super::batch::{Scratch, outcome};
use super::plan::Plan;
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// The negotiation of spec §2 step 3: rounds in file order until a round in
/// which nobody joins. Returns the final coalition.
pub fn negotiate(
    s: &Scenario,
    plan: &Plan,
    eligible: u64,
    states: &[u8],
    pledge: impl Fn(usize) -> u64,
) -> u64 {
    if plan.paths.skip_rounds && eligible & plan.gated == 0 {
        // Nobody waits on the coalition: every eligible contributor joins
        // in the first round.
        return eligible;
    }
    let mut joined = 0u64;
    let mut committed = 0u64;
    loop {
        let mut changed = false;
        let mut pending = eligible & !joined;
        while pending != 0 {
            let i = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            let requires = &s.contributors[i].requires;
            if plan.gated >> i & 1 == 0
                || plan.contributors[i]
                    .gate
                    .admits(requires, states, joined, committed)
            {
                joined |= 1 << i;
                committed += pledge(i);
                changed = true;
            }
        }
        if !changed {
            return joined;
        }
    }
}

/// The work that needs a whole trial: totals, roles, conditions,
/// coalitions, the timeline and pivotal contributors.
#[inline(always)]
pub(super) fn tally_trial(
    s: &Scenario,
    plan: &Plan,
    t: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    let g = plan.groups.len().max(1);
    let c = plan.condition_count;
    let total = sc.total[t];
    let group_sums = &sc.group_sums[t * g..t * g + g];
    let roles_met = plan.hall.is_empty() || plan.roles_met(group_sums);
    let reached = total >= plan.target;
    let success = reached && roles_met;
    sc.success[t] = success as u8;

    tally.success += success as u64;
    tally.reached += reached as u64;
    tally.roles_met += roles_met as u64;
    tally.personnel_sum += total;
    tally.personnel_sq += total as u128 * total as u128;

    for (r, role) in s.roles.iter().enumerate() {
        let mut available = 0;
        let mut bits = plan.role_groups[r];
        while bits != 0 {
            available += group_sums[bits.trailing_zeros() as usize];
            bits &= bits - 1;
        }
        let rt = &mut tally.roles[r];
        rt.met += u64::from(available >= role.minimum);
        rt.available_sum += available;
    }
    if sc.world_outcomes.is_empty() {
        for (k, &state) in sc.states[t * c..t * c + c].iter().enumerate() {
            let st = &mut tally.conditions[k][state as usize];
            st.trials += 1;
            st.success += success as u64;
        }
    } else {
        // Per joint state; spread over the conditions once per batch.
        let o = &mut sc.world_outcomes[sc.world[t] as usize];
        o[0] += 1;
        o[1] += success as u64;
    }
    let joined = sc.joined[t];
    let everyone = u64::MAX >> (64 - s.contributors.len());
    let (willing, vetoed, late) = (sc.willing[t], sc.vetoed[t], sc.late[t]);
    if let Some(counts) = sc.world_counts.get_mut(sc.world[t] as usize) {
        let missing = !(joined & !late) & everyone;
        counts.add([missing, willing & !vetoed & missing]);
    }
    let mut bits = joined & plan.variable_leads;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let r = sc.row[i][t];
        if r != super::batch::LATE {
            sc.arriving[r as usize] += sc.deployed[i][t] as u64;
            sc.rows_seen = sc.rows_seen.max(r as u64 + 1);
        }
    }
    if plan.track_coalitions {
        let e = if sc.coalition_dense.is_empty() {
            tally.coalitions.entry(joined).or_insert([0, 0])
        } else {
            &mut sc.coalition_dense[joined as usize]
        };
        e[0] += 1;
        e[1] += success as u64;
    }
    if reached {
        match plan.common_row {
            Some(row) => {
                bump(&mut tally.timeline.first_reached, row as usize, 1);
                if success {
                    bump(&mut tally.timeline.first_success, row as usize, 1);
                }
            }
            None => first_rows(plan, t, sc, tally, success),
        }
    }
    if success {
        tally_pivotal(s, plan, t, sc, tally);
    }
}

/// Finds the first timeline rows at which the target, and success, were
/// reached: arrivals walked in row order.
#[inline(always)]
fn first_rows(plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally, success: bool) {
    let tl = &mut tally.timeline;
    let arrived = sc.arrived[t];
    let (mut low, mut high) = (u16::MAX, 0u16);
    let mut bits = arrived;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let r = sc.row[i][t];
        low = low.min(r);
        high = high.max(r);
    }
    if low == high && plan.paths.same_row_arrivals {
        // Everybody arrives at once (e.g. fixed lead times).
        bump(&mut tl.first_reached, low as usize, 1);
        if success {
            bump(&mut tl.first_success, low as usize, 1);
        }
        return;
    }
    let mut order = [0u32; 64];
    let mut n = 0;
    let mut bits = arrived;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        order[n] = (sc.row[i][t] as u32) << 8 | i as u32;
        n += 1;
    }
    let order = &mut order[..n];
    order.sort_unstable();
    let mut sums = [0u64; 64];
    let mut total = 0;
    let mut reached_row = None;
    let mut k = 0;
    while k < n {
        let row = order[k] >> 8;
        while k < n && order[k] >> 8 == row {
            let i = (order[k] & 0xff) as usize;
            let a = sc.deployed[i][t] as u64;
            total += a;
            sums[plan.contributors[i].group] += a;
            k += 1;
        }
        if total >= plan.target {
            if reached_row.is_none() {
                reached_row = Some(row);
                bump(&mut tl.first_reached, row as usize, 1);
            }
            if success && plan.roles_met(&sums) {
                bump(&mut tl.first_success, row as usize, 1);
                return;
            }
        }
    }
}

#[inline(always)]
fn tally_pivotal(s: &Scenario, plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally) {
    let c = plan.condition_count;
    if plan.cascade || !plan.paths.pivotal_by_subtraction {
        let states = &sc.states[t * c..t * c + c];
        let mut bits = sc.joined[t];
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let without = negotiate(s, plan, sc.eligible[t] & !(1 << i), states, |j| {
                sc.pledge[j][t] as u64
            });
            let (total, roles) = outcome(plan, sc, t, without & !sc.late[t]);
            if !(total >= plan.target && roles) {
                tally.contributors[i].pivotal += 1;
            }
        }
        return;
    }
    let g = plan.groups.len().max(1);
    let mut bits = sc.arrived[t];
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let a = sc.deployed[i][t] as u64;
        if a == 0 {
            continue;
        }
        let pivotal = sc.total[t] - a < plan.target
            || (!plan.hall.is_empty() && {
                let mut sums = [0u64; 64];
                sums[..g].copy_from_slice(&sc.group_sums[t * g..t * g + g]);
                sums[plan.contributors[i].group] -= a;
                !plan.roles_met(&sums)
            });
        tally.contributors[i].pivotal += pivotal as u64;
    }
}
