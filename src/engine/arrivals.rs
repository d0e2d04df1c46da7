//! §2 step 4, arrivals: a joined contributor's personnel arrive at its lead
//! time, and count when that is within the horizon. Per trial the arrived
//! total and the personnel per role group; for the timeline, the personnel
//! arriving at each month row and the first row by which the target was
//! reached, and success.

use super::plan::Plan;
use super::scratch::{BATCH, Scratch, add_fan, bit_mask, kept};
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Per trial, the arrived total and, when the scenario has roles, the
/// personnel of each role group (`group_sums[g * BATCH + t]`); per
/// contributor, its arrived personnel over the batch.
#[inline(always)]
pub(super) fn sum_arrivals(s: &Scenario, plan: &Plan, len: usize, sc: &mut Scratch) {
    let g = plan.roles.groups.len();
    let by_group = !s.roles.is_empty() && g > 1;
    if sc.deployed.is_empty() {
        sc.total[..len].fill(0);
    }
    // Groups already written to (the first contributor of a group writes
    // over its column, as contributor 0 does over the totals).
    let mut written = 0u64;
    for (i, deployed) in sc.deployed.iter().enumerate() {
        let keep = kept(i);
        let total = &mut sc.total[..len];
        let columns = total
            .iter_mut()
            .zip(&deployed[..len])
            .zip(&sc.arrived[..len]);
        let mut own = 0;
        if by_group {
            let group = plan.contributors[i].group;
            let keep_group = bit_mask(written, group);
            written |= 1 << group;
            let group = &mut sc.group_sums[group * BATCH..group * BATCH + len];
            for (((sum, d), a), in_group) in columns.zip(group.iter_mut()) {
                let a = *d as u64 & bit_mask(*a, i);
                *sum = (*sum & keep) + a;
                *in_group = (*in_group & keep_group) + a;
                own += a;
            }
        } else {
            for ((sum, d), a) in columns {
                let a = *d as u64 & bit_mask(*a, i);
                *sum = (*sum & keep) + a;
                own += a;
            }
        }
        sc.arrived_sum[i] = own;
    }
    if by_group {
        for k in (0..g).filter(|k| written >> k & 1 == 0) {
            sc.group_sums[k * BATCH..k * BATCH + len].fill(0);
        }
    }
    if !s.roles.is_empty() && g == 1 {
        sc.group_sums[..len].copy_from_slice(&sc.total[..len]);
    }
}

/// The timeline's first rows of trial t, when it reached the target.
#[inline(always)]
pub(super) fn tally_first_rows(
    plan: &Plan,
    t: usize,
    sc: &Scratch,
    tally: &mut Tally,
    success: bool,
) {
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

/// The batch's personnel arriving per row: what was summed trial by trial,
/// and the contributors with a fixed lead time, whose row is known.
#[inline(always)]
pub(super) fn tally_batch(plan: &Plan, joined_n: &[u64; 64], sc: &mut Scratch, tally: &mut Tally) {
    let tl = &mut tally.timeline;
    for (k, a) in sc.arriving.iter_mut().enumerate() {
        if *a != 0 {
            bump(&mut tl.arriving, k, *a);
            *a = 0;
        }
    }
    tl.rows_seen = tl.rows_seen.max(std::mem::take(&mut sc.rows_seen));
    for (i, cp) in plan.contributors.iter().enumerate() {
        let fixed_row = cp
            .lead
            .fixed_value()
            .filter(|_| plan.variable_leads >> i & 1 == 0)
            .and_then(|l| plan.rows.row_of(l));
        if let (Some(r), true) = (fixed_row, joined_n[i] > 0) {
            bump(&mut tl.arriving, r as usize, sc.arrived_sum[i]);
            tl.rows_seen = tl.rows_seen.max(r as u64 + 1);
        }
    }
}

/// Finds the first timeline rows at which the target, and success, were
/// reached: arrivals walked in row order.
#[inline(always)]
pub(super) fn first_rows(plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally, success: bool) {
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
            if success && plan.roles.met(&sums) {
                bump(&mut tl.first_success, row as usize, 1);
                return;
            }
        }
    }
}

/// milestones.csv and fan.csv: trial t's personnel by timeline row (as
/// changes from the row before) and the grid point by which it reached
/// each milestone. Trials in which nobody arrives are counted per batch
/// (`tally_build_up_batch`), and when everybody arrives at the same fixed
/// lead time, everything is read off the totals per worker
/// (`tally_build_up_at_once`). On the way, the timeline's personnel arriving
/// per row from contributors whose lead time varies.
#[inline(always)]
pub(super) fn tally_build_up(
    s: &Scenario,
    plan: &Plan,
    t: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    // With a common lead time every lead time is fixed: the rows are
    // counted per batch (`tally_batch`).
    if plan.common_lead.is_some() {
        return;
    }
    if sc.total[t] == 0 {
        sc.nobody += 1;
        // Whoever arrived brought nobody, but its row is still seen.
        let mut bits = sc.arrived[t] & plan.variable_leads;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            sc.rows_seen = sc.rows_seen.max(sc.row[i][t] as u64 + 1);
        }
        return;
    }
    // Arrived contributors that bring anybody, as (grid point, row,
    // personnel) packed in one word, sorted by point (and so by row) as
    // they are put in: a trial has few arrivals, often in order.
    let arrivals = &mut sc.order;
    let mut n = 0;
    let mut bits = sc.arrived[t];
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let (d, row) = (sc.deployed[i][t] as u64, sc.row[i][t]);
        // The timeline's personnel arriving per row, for contributors whose
        // lead time varies (the others are counted per batch).
        let variable = bit_mask(plan.variable_leads, i);
        sc.arriving[row as usize] += d & variable;
        sc.rows_seen = sc.rows_seen.max((row as u64 + 1) & variable);
        if d == 0 {
            continue;
        }
        let a = (sc.point[i][t] as u64) << 48 | (row as u64) << 32 | d;
        let mut k = n;
        while k > 0 && arrivals[k - 1] > a {
            arrivals[k] = arrivals[k - 1];
            k -= 1;
        }
        arrivals[k] = a;
        n += 1;
    }
    let arrivals = &sc.order[..n];
    let row_of = |a: u64| (a >> 32 & 0xffff) as usize;
    let (mut personnel, mut k) = (0u64, 0);
    while k < n && row_of(arrivals[k]) == 0 {
        personnel += arrivals[k] & 0xffff_ffff;
        k += 1;
    }
    add_fan(&mut sc.fan, plan, tally, 0, personnel, 1);
    while k < n {
        let (row, before) = (row_of(arrivals[k]), personnel);
        while k < n && row_of(arrivals[k]) == row {
            personnel += arrivals[k] & 0xffff_ffff;
            k += 1;
        }
        add_fan(&mut sc.fan, plan, tally, row, before, -1);
        add_fan(&mut sc.fan, plan, tally, row, personnel, 1);
    }
    if s.milestones.first().is_none_or(|&m| personnel < m) {
        return;
    }
    let (mut so_far, mut j) = (0u64, 0);
    for &a in arrivals.iter() {
        so_far += a & 0xffff_ffff;
        while j < s.milestones.len() && so_far >= s.milestones[j] {
            bump(&mut tally.milestones[j], (a >> 48) as usize, 1);
            j += 1;
        }
    }
}

/// The batch's trials in which nobody arrived: personnel 0 at row 0.
#[inline(always)]
pub(super) fn tally_build_up_batch(plan: &Plan, sc: &mut Scratch, tally: &mut Tally) {
    let nobody = std::mem::take(&mut sc.nobody);
    if nobody > 0 {
        add_fan(&mut sc.fan, plan, tally, 0, 0, nobody as i64);
    }
}

/// When everybody arrives at the same fixed lead time (row r, grid point
/// p): a trial's personnel is 0 before row r and its total from r on, and
/// it reached each milestone at p when its total did; so the worker's
/// totals (its histogram) give the counts of all its trials at once.
pub(super) fn tally_build_up_at_once(s: &Scenario, plan: &Plan, tally: &mut Tally) {
    let Some((row, point)) = plan.common_lead else {
        return;
    };
    let step = plan.fan_step;
    let hist = std::mem::take(&mut tally.histogram);
    let trials = tally.trials as i64;
    let at_zero = hist.first().copied().unwrap_or(0) as i64;
    for (total, &count) in hist.iter().enumerate() {
        if count > 0 && (total > 0 || row == 0) {
            tally.add_fan_count(row as usize, total as u64, count as i64, step);
        }
    }
    if row > 0 {
        tally.add_fan_count(0, 0, trials, step);
        tally.add_fan_count(row as usize, 0, at_zero - trials, step);
    }
    for (j, &level) in s.milestones.iter().enumerate() {
        let reached: u64 = hist.iter().skip(level as usize).sum();
        if reached > 0 {
            bump(&mut tally.milestones[j], point, reached);
        }
    }
    tally.histogram = hist;
}
