//! §2 step 3, the negotiation: rounds in file order until a round in which
//! nobody joins. Clauses that read the coalition are tested through their
//! reduced form (`gate`).

pub mod gate;

use super::plan::Plan;
use super::scratch::Scratch;
use crate::scenario::Scenario;

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

/// `negotiate` for every trial of the batch at once, when every clause that
/// reads the coalition is reduced (`Plan::column_rounds`): round by round,
/// contributor by contributor in file order, each a branch-free pass over
/// the batch's columns; a trial whose round changed nothing is left as it
/// is by the next, so rounds go on until one changes no trial. Fills
/// `sc.joined` and, in `sc.committed`, each trial's pledged personnel of
/// those that joined.
#[inline(always)]
pub(super) fn negotiate_columns(plan: &Plan, len: usize, sc: &mut Scratch) {
    let (joined, committed) = (&mut sc.joined[..len], &mut sc.committed[..len]);
    joined.fill(0);
    committed.fill(0);
    let mut round = 0;
    loop {
        let mut changed = 0u64;
        for (i, cp) in plan.contributors.iter().enumerate() {
            let gated = plan.gated >> i & 1 == 1;
            // After the first round only those that wait on the coalition
            // can join.
            if round > 0 && !gated {
                continue;
            }
            let columns = joined
                .iter_mut()
                .zip(committed.iter_mut())
                .zip(&sc.eligible[..len])
                .zip(&sc.pledge[i][..len]);
            for (((j, c), e), p) in columns {
                let admitted = !gated || cp.gate.admits_reduced(*j, *c);
                let joins = (e & !*j) >> i & 1 & u64::from(admitted);
                *j |= joins << i;
                *c += *p as u64 & 0u64.wrapping_sub(joins);
                changed |= joins;
            }
        }
        if changed == 0 {
            return;
        }
        round += 1;
    }
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
