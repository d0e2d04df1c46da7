//! Pivotal contributors: in a trial that succeeds, one is pivotal when the
//! trial fails once the negotiation is replayed with it declining. Without
//! clauses that read the coalition, nobody's joining depends on another's,
//! so the replay reduces to taking its personnel away.

use super::negotiation::negotiate;
use super::plan::Plan;
use super::scratch::{BATCH, Scratch};
use crate::scenario::Scenario;
use crate::stats::tally::Tally;

#[inline(always)]
pub(super) fn tally_pivotal(s: &Scenario, plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally) {
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
    let g = plan.roles.groups.len().max(1);
    let mut bits = sc.arrived[t];
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let a = sc.deployed[i][t] as u64;
        if a == 0 {
            continue;
        }
        let pivotal = sc.total[t] - a < plan.target
            || (!plan.roles.hall.is_empty() && {
                let mut sums = [0u64; 64];
                for (k, sum) in sums[..g].iter_mut().enumerate() {
                    *sum = sc.group_sums[k * BATCH + t];
                }
                sums[plan.contributors[i].group] -= a;
                !plan.roles.met(&sums)
            });
        tally.contributors[i].pivotal += pivotal as u64;
    }
}

/// Arrived total and whether the roles are met for a coalition `arrived`.
fn outcome(plan: &Plan, sc: &Scratch, t: usize, arrived: u64) -> (u64, bool) {
    let mut sums = [0u64; 64];
    let mut total = 0;
    let mut bits = arrived;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let a = sc.deployed[i][t] as u64;
        total += a;
        sums[plan.contributors[i].group] += a;
    }
    (total, plan.roles.met(&sums))
}
