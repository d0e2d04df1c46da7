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
