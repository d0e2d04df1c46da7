//! Who joined: contributors.csv's joins (per contributor, over the batch's
//! mask columns) and coalitions.csv's final coalitions (per trial).

use super::bitcount::count_bits;
use super::plan::Plan;
use super::scratch::Scratch;
use crate::stats::tally::Tally;

/// coalitions.csv's count of trial t.
#[inline(always)]
pub(super) fn tally_trial(
    plan: &Plan,
    t: usize,
    success: bool,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    if !plan.track_coalitions {
        return;
    }
    let joined = sc.joined[t];
    let e = if sc.coalition_dense.is_empty() {
        tally.coalitions.entry(joined).or_insert([0, 0])
    } else {
        &mut sc.coalition_dense[joined as usize]
    };
    e[0] += 1;
    e[1] += success as u64;
}

/// Per contributor, over the batch: trials joined, joined and succeeded,
/// and arrived personnel. Returns the trials joined.
#[inline(always)]
pub(super) fn tally_batch(n: usize, len: usize, sc: &Scratch, tally: &mut Tally) -> [u64; 64] {
    let joined = &sc.joined[..len];
    let mut joined_n = [0u64; 64];
    let mut joined_success_n = [0u64; 64];
    count_bits(joined.iter().copied(), n, &mut joined_n);
    let successes = joined.iter().zip(&sc.success[..len]);
    let joined_success = successes.map(|(j, s)| j & 0u64.wrapping_sub(u64::from(*s)));
    count_bits(joined_success, n, &mut joined_success_n);
    for (i, ct) in tally.contributors.iter_mut().enumerate() {
        ct.joined += joined_n[i];
        ct.joined_success += joined_success_n[i];
        ct.arrived_sum += sc.arrived_sum[i];
    }
    joined_n
}
