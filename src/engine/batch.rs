//! One batch of consecutive trials: every entity's words for the whole batch
//! are drawn at once from its own stream and turned into columns of values.
//! Most tallies are then taken column by column (one contributor over the
//! batch, branch-free); only what needs a whole trial is done per trial.

use super::bitcount::MaskCounts;
use super::columns::tally_contributors;
use super::draw::{draw_conditions, draw_contributors};
use super::plan::Plan;
use super::streams::Streams;
use super::trial::{negotiate, tally_trial};
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Trials per batch. Part of the results' definition only through the
/// stopping points of precision mode and the shares of shards.
pub const BATCH: usize = 4096;

/// Row marker of personnel arriving after the horizon.
pub(super) const LATE: u16 = u16::MAX;

/// All ones when bit `i` of `mask` is set, else zero.
#[inline(always)]
pub(super) fn bit_mask(mask: u64, i: usize) -> u64 {
    0u64.wrapping_sub(mask >> i & 1)
}

/// Reusable buffers of one worker. Columns are indexed by trial in the batch.
pub struct Scratch {
    pub(super) words: Vec<u32>,
    pub(super) values: Vec<f64>,
    /// `states[t * conditions + c]`: state index of condition c in trial t.
    pub(super) states: Vec<u8>,
    /// Trials picked for sparse sampling (indices into the batch).
    pub(super) picked: Vec<u16>,
    /// Joint condition state of each trial (see `plan::Worlds`).
    pub(super) world: Vec<u16>,
    /// Bit i: contributor i is willing / vetoed / eligible / late / joined / arrived.
    pub(super) willing: Vec<u64>,
    pub(super) vetoed: Vec<u64>,
    pub(super) eligible: Vec<u64>,
    pub(super) late: Vec<u64>,
    pub(super) joined: Vec<u64>,
    pub(super) arrived: Vec<u64>,
    /// `[contributor][trial]`, people.
    pub(super) pledge: Vec<Vec<u32>>,
    pub(super) deployed: Vec<Vec<u32>>,
    /// `[contributor][trial]`: timeline row of arrival, or LATE.
    pub(super) row: Vec<Vec<u16>>,
    /// Arrived personnel per trial (people).
    pub(super) total: Vec<u64>,
    /// `group_sums[t * groups + g]`, people (only when the scenario has roles).
    pub(super) group_sums: Vec<u64>,
    pub(super) success: Vec<u8>,
    /// Dense coalition counts for up to 16 contributors.
    pub(super) coalition_dense: Vec<[u64; 2]>,
    /// Per contributor: arrived personnel summed over the batch (people).
    pub(super) arrived_sum: Vec<u64>,
    /// Personnel arriving per timeline row in the batch, plus a spare slot.
    pub(super) arriving: Vec<u64>,
    /// Rows needed by the batch's arrivals (largest row + 1).
    pub(super) rows_seen: u64,
    /// Per joint condition state: trials in which each contributor did not
    /// arrive, and in which it was willing and not vetoed but did not arrive.
    pub(super) world_counts: Vec<MaskCounts<2>>,
    /// Per joint condition state: trials and successes in the batch (when
    /// the states are few enough to tally this way).
    pub(super) world_outcomes: Vec<[u64; 2]>,
}

impl Scratch {
    pub fn new(plan: &Plan) -> Scratch {
        let n = plan.contributors.len();
        Scratch {
            words: vec![0; BATCH],
            values: vec![0.0; BATCH],
            states: vec![0; BATCH * plan.condition_count.max(1)],
            world: vec![0; BATCH],
            picked: Vec::with_capacity(BATCH + 1),
            willing: vec![0; BATCH],
            vetoed: vec![0; BATCH],
            eligible: vec![0; BATCH],
            late: vec![0; BATCH],
            joined: vec![0; BATCH],
            arrived: vec![0; BATCH],
            pledge: vec![vec![0; BATCH]; n],
            deployed: vec![vec![0; BATCH]; n],
            row: vec![vec![0; BATCH]; n],
            total: vec![0; BATCH],
            group_sums: vec![0; BATCH * plan.groups.len().max(1)],
            success: vec![0; BATCH],
            coalition_dense: if plan.dense_coalitions {
                vec![[0, 0]; 1 << n]
            } else {
                Vec::new()
            },
            arrived_sum: vec![0; n],
            arriving: vec![0; plan.rows.fixed_count().unwrap_or(1202) + 1],
            rows_seen: 0,
            world_counts: match (&plan.worlds, plan.world_blockers) {
                (Some(w), true) => vec![MaskCounts::new(n); w.count],
                _ => Vec::new(),
            },
            world_outcomes: match &plan.worlds {
                Some(w) if plan.world_outcomes => vec![[0, 0]; w.count],
                _ => Vec::new(),
            },
        }
    }

    /// Moves the dense coalition counts into the tally.
    pub fn flush_coalitions(&mut self, tally: &mut Tally) {
        for (mask, counts) in self.coalition_dense.iter_mut().enumerate() {
            if counts[0] > 0 {
                let e = tally.coalitions.entry(mask as u64).or_insert([0, 0]);
                e[0] += counts[0];
                e[1] += counts[1];
                *counts = [0, 0];
            }
        }
    }
}

/// Runs trials `first .. first + len` (len <= BATCH) and adds them to `tally`.
///
/// On processors with AVX2 the same code runs compiled for them (wider
/// vectors, bit instructions); Rust never fuses or reorders floating-point
/// operations, so the results are the same bit for bit.
pub fn run_batch(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    #[cfg(target_arch = "x86_64")]
    if plan.paths.wide_vectors && wide_vectors() {
        // SAFETY: the processor has the features `run_batch_avx2` enables.
        unsafe { run_batch_avx2(s, plan, streams, first, len, sc, tally) };
        return;
    }
    run_batch_portable(s, plan, streams, first, len, sc, tally);
}

/// Whether the processor has what `run_batch_avx2` is compiled for.
#[cfg(target_arch = "x86_64")]
pub fn wide_vectors() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("bmi1")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("lzcnt")
        && std::arch::is_x86_feature_detected!("popcnt")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx,avx2,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn run_batch_avx2(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    run_batch_body(s, plan, streams, first, len, sc, tally);
}

/// `run_batch` compiled for any processor of the target.
pub fn run_batch_portable(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    run_batch_body(s, plan, streams, first, len, sc, tally);
}

#[inline(always)]
fn run_batch_body(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    draw_conditions(plan, streams, first, len, sc);
    draw_contributors(s, plan, streams, first, len, sc);
    if plan.cascade || !plan.paths.skip_rounds {
        let c = plan.condition_count;
        for t in 0..len {
            let states = &sc.states[t * c..t * c + c];
            let pledge = &sc.pledge;
            sc.joined[t] = negotiate(s, plan, sc.eligible[t], states, |i| pledge[i][t] as u64);
        }
    } else {
        sc.joined[..len].copy_from_slice(&sc.eligible[..len]);
    }
    for t in 0..len {
        sc.arrived[t] = sc.joined[t] & !sc.late[t];
    }
    sum_arrivals(s, plan, len, sc);
    for t in 0..len {
        tally_trial(s, plan, t, sc, tally);
    }
    // A loop of its own, so that the scattered increments overlap.
    let largest = sc.total[..len].iter().copied().max().unwrap_or(0) as usize;
    bump(&mut tally.histogram, largest, 0);
    for &total in &sc.total[..len] {
        tally.histogram[total as usize] += 1;
    }
    tally_contributors(s, plan, len, sc, tally);
    tally.trials += len as u64;
}

#[inline(always)]
fn sum_arrivals(s: &Scenario, plan: &Plan, len: usize, sc: &mut Scratch) {
    let total = &mut sc.total[..len];
    total.fill(0);
    for (i, deployed) in sc.deployed.iter().enumerate() {
        let mut own = 0;
        for ((sum, d), a) in total
            .iter_mut()
            .zip(&deployed[..len])
            .zip(&sc.arrived[..len])
        {
            let a = *d as u64 & bit_mask(*a, i);
            *sum += a;
            own += a;
        }
        sc.arrived_sum[i] = own;
    }
    if s.roles.is_empty() {
        return;
    }
    let g = plan.groups.len();
    if g == 1 {
        sc.group_sums[..len].copy_from_slice(total);
        return;
    }
    sc.group_sums[..len * g].fill(0);
    for (i, cp) in plan.contributors.iter().enumerate() {
        let columns = sc.deployed[i][..len].iter().zip(&sc.arrived[..len]);
        for (t, (d, a)) in columns.enumerate() {
            sc.group_sums[t * g + cp.group] += *d as u64 & bit_mask(*a, i);
        }
    }
}

/// Arrived total and whether the roles are met for a coalition `arrived`.
pub(super) fn outcome(plan: &Plan, sc: &Scratch, t: usize, arrived: u64) -> (u64, bool) {
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
    (total, plan.roles_met(&sums))
}
