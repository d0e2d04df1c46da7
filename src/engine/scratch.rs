//! The reusable buffers of one worker: a batch's columns of draws and
//! intermediate results, indexed by trial in the batch. Each step fills the
//! columns it owns, in the order `batch` runs the steps.

use super::bitcount::MaskCounts;
use super::plan::Plan;
use crate::stats::tally::Tally;

/// Trials per batch. Part of the results' definition only through the
/// stopping points of precision mode and the shares of shards.
pub const BATCH: usize = 4096;

/// The most timeline rows whose fan counts a worker keeps in an array.
const FAN_ROWS: usize = 64;
/// Bins of the base step kept per row in that array (more go to the tally).
const FAN_BINS: usize = crate::stats::binned::MAX_BINS as usize + 1;

/// Row marker of personnel arriving after the horizon.
pub(super) const LATE: u16 = u16::MAX;

/// All ones when bit `i` of `mask` is set, else zero.
#[inline(always)]
pub(super) fn bit_mask(mask: u64, i: usize) -> u64 {
    0u64.wrapping_sub(mask >> i & 1)
}

/// What a column keeps of its contents when the k-th of the passes that
/// build it up writes to it: nothing for the first, which writes over the
/// last batch's values instead of the column being cleared before it
/// (all ones for the others).
#[inline(always)]
pub(super) fn kept(k: usize) -> u64 {
    0u64.wrapping_sub(u64::from(k > 0))
}

/// Counts `n` trials (taken away when negative) with personnel `value` at
/// timeline row `row` of fan.csv, in a worker's `fan` array (`Scratch::fan`)
/// where it has room.
#[inline(always)]
pub(super) fn add_fan(
    fan: &mut [i64],
    plan: &Plan,
    tally: &mut Tally,
    row: usize,
    value: u64,
    n: i64,
) {
    let bin = value.div_ceil(plan.fan_step) as usize;
    if bin < FAN_BINS && row * FAN_BINS < fan.len() {
        fan[row * FAN_BINS + bin] += n;
    } else {
        tally.add_fan_count(row, value, n, plan.fan_step);
    }
}

/// Reusable buffers of one worker. Columns are indexed by trial in the batch.
pub struct Scratch {
    pub(super) words: Vec<u32>,
    pub(super) values: Vec<f64>,
    /// `states[t * conditions + c]`: state index of condition c in trial t.
    pub(super) states: Vec<u8>,
    /// Trials picked for sparse sampling (indices into the batch): the
    /// first `picked_n`.
    pub(super) picked: Vec<u16>,
    pub(super) picked_n: usize,
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
    /// `[contributor][trial]`: the point of milestones.csv's month grid at
    /// which it arrives (`Rows::reach_point`; where it arrives).
    pub(super) point: Vec<Vec<u16>>,
    /// Arrived personnel per trial (people).
    pub(super) total: Vec<u64>,
    /// `group_sums[g * BATCH + t]`: role group g's arrived personnel in
    /// trial t, people (only when the scenario has roles).
    pub(super) group_sums: Vec<u64>,
    /// Per trial, the pledged personnel of those that joined (people; filled
    /// by `negotiate_columns`).
    pub(super) committed: Vec<u64>,
    /// A column of personnel to work in (people).
    pub(super) supply: Vec<u64>,
    /// Per trial, a contributor's blocking reasons and the first of them
    /// (bit k: clause k; the bit after the clauses: late).
    pub(super) reasons: Vec<u64>,
    pub(super) firsts: Vec<u64>,
    /// 1 where every role minimum is met (only when the scenario has roles).
    pub(super) roles_met: Vec<u8>,
    pub(super) success: Vec<u8>,
    /// Dense coalition counts for up to 16 contributors.
    pub(super) coalition_dense: Vec<[u64; 2]>,
    /// Per contributor: arrived personnel summed over the batch (people).
    pub(super) arrived_sum: Vec<u64>,
    /// Personnel arriving per timeline row in the batch, plus a spare slot.
    pub(super) arriving: Vec<u64>,
    /// fan.csv's counts by timeline row and bin of the base step
    /// (`[row * FAN_BINS + bin]`), moved into the tally when the worker
    /// ends; empty when there are too many rows to keep them this way.
    pub(super) fan: Vec<i64>,
    /// One trial's arrivals, sorted (see `arrivals::tally_build_up`).
    pub(super) order: [u64; 64],
    /// Trials of the batch in which nobody arrived.
    pub(super) nobody: u64,
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
            picked: vec![0; BATCH],
            picked_n: 0,
            willing: vec![0; BATCH],
            vetoed: vec![0; BATCH],
            eligible: vec![0; BATCH],
            late: vec![0; BATCH],
            joined: vec![0; BATCH],
            arrived: vec![0; BATCH],
            pledge: vec![vec![0; BATCH]; n],
            deployed: vec![vec![0; BATCH]; n],
            row: vec![vec![0; BATCH]; n],
            point: vec![vec![0; BATCH]; n],
            total: vec![0; BATCH],
            group_sums: vec![0; BATCH * plan.roles.groups.len().max(1)],
            supply: vec![0; BATCH],
            committed: vec![0; BATCH],
            roles_met: vec![0; BATCH],
            reasons: vec![0; BATCH],
            firsts: vec![0; BATCH],
            success: vec![0; BATCH],
            coalition_dense: if plan.dense_coalitions {
                vec![[0, 0]; 1 << n]
            } else {
                Vec::new()
            },
            arrived_sum: vec![0; n],
            arriving: vec![0; plan.rows.fixed_count().unwrap_or(1202) + 1],
            rows_seen: 0,
            order: [0; 64],
            nobody: 0,
            fan: match plan.rows.fixed_count() {
                Some(rows) if rows <= FAN_ROWS => vec![0; rows * FAN_BINS],
                _ => Vec::new(),
            },
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

    /// Moves the fan counts into the tally.
    pub fn flush_fan(&mut self, plan: &Plan, tally: &mut Tally) {
        for (k, count) in self.fan.iter_mut().enumerate() {
            if *count != 0 {
                let (row, bin) = (k / FAN_BINS, (k % FAN_BINS) as u64);
                tally.add_fan_count(row, bin * plan.fan_step, *count, plan.fan_step);
                *count = 0;
            }
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
