//! One batch of consecutive trials: every entity's words for the whole batch
//! are drawn at once from its own stream and turned into columns of values;
//! the per-trial work then reads those columns and adds to a `Tally`.

use super::plan::{Bernoulli, Plan};
use super::sample::unit;
use super::streams::Streams;
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Trials per batch. Part of the results' definition only through the
/// stopping points of precision mode and the shares of shards.
pub const BATCH: usize = 4096;

/// Row marker of personnel arriving after the horizon.
const LATE: u16 = u16::MAX;

/// Reusable buffers of one worker.
pub struct Scratch {
    words: Vec<u32>,
    values: Vec<f64>,
    /// `states[t * conditions + c]`: state index of condition c in trial t.
    states: Vec<u8>,
    willing: Vec<u64>,
    vetoed: Vec<u64>,
    eligible: Vec<u64>,
    late: Vec<u64>,
    joined: Vec<u64>,
    /// `[contributor][trial]`, people.
    pledge: Vec<Vec<u32>>,
    deployed: Vec<Vec<u32>>,
    row: Vec<Vec<u16>>,
    total: Vec<u64>,
    /// `group_sums[t * groups + g]`, people.
    group_sums: Vec<u64>,
    /// Dense coalition counts for up to 16 contributors.
    coalition_dense: Vec<[u64; 2]>,
}

impl Scratch {
    pub fn new(plan: &Plan) -> Scratch {
        let n = plan.contributors.len();
        Scratch {
            words: vec![0; BATCH],
            values: vec![0.0; BATCH],
            states: vec![0; BATCH * plan.condition_count.max(1)],
            willing: vec![0; BATCH],
            vetoed: vec![0; BATCH],
            eligible: vec![0; BATCH],
            late: vec![0; BATCH],
            joined: vec![0; BATCH],
            pledge: vec![vec![0; BATCH]; n],
            deployed: vec![vec![0; BATCH]; n],
            row: vec![vec![0; BATCH]; n],
            total: vec![0; BATCH],
            group_sums: vec![0; BATCH * plan.groups.len().max(1)],
            coalition_dense: if n <= 16 {
                vec![[0, 0]; 1 << n]
            } else {
                Vec::new()
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
pub fn run_batch(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    scratch: &mut Scratch,
    tally: &mut Tally,
) {
    draw_conditions(plan, streams, first, len, scratch);
    draw_contributors(s, plan, streams, first, len, scratch);
    let Scratch {
        eligible,
        joined,
        states,
        pledge,
        ..
    } = scratch;
    if plan.cascade {
        let c = plan.condition_count;
        for t in 0..len {
            joined[t] = negotiate(s, plan, eligible[t], &states[t * c..t * c + c], |i| {
                pledge[i][t] as u64
            });
        }
    } else {
        joined[..len].copy_from_slice(&eligible[..len]);
    }
    sum_arrivals(plan, len, scratch);
    for t in 0..len {
        tally_trial(s, plan, t, scratch, tally);
    }
    tally.trials += len as u64;
}

fn draw_conditions(plan: &Plan, streams: &Streams, first: u64, len: usize, sc: &mut Scratch) {
    let c = plan.condition_count;
    for cp in &plan.conditions {
        streams.fill(cp.stream, first, &mut sc.words[..len]);
        for t in 0..len {
            let row = cp.parent.map_or(0, |p| sc.states[t * c + p] as usize);
            let w = sc.words[t] as u64;
            let state = cp.cuts[row].iter().position(|cut| w < *cut).unwrap_or(0);
            sc.states[t * c + cp.index] = state as u8;
        }
    }
}

/// Sets bit `bit` of `masks[t]` where the Bernoulli draw of trial t is true.
fn draw_bernoulli(
    b: &Bernoulli,
    stream: u64,
    bit: u64,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    words: &mut [u32],
    states: &[u8],
    masks: &mut [u64],
) {
    if let Some(certain) = b.certain() {
        if certain {
            masks[..len].iter_mut().for_each(|m| *m |= bit);
        }
        return;
    }
    streams.fill(stream, first, &mut words[..len]);
    let shift = bit.trailing_zeros();
    match b {
        Bernoulli::Fixed(thr) => {
            for t in 0..len {
                masks[t] |= u64::from((words[t] as u64) < *thr) << shift;
            }
        }
        Bernoulli::Given {
            condition,
            thresholds,
        } => {
            let c = plan.condition_count;
            for t in 0..len {
                let thr = thresholds[states[t * c + condition] as usize];
                masks[t] |= u64::from((words[t] as u64) < thr) << shift;
            }
        }
    }
}

fn draw_contributors(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    sc.willing[..len].fill(0);
    sc.vetoed[..len].fill(0);
    sc.late[..len].fill(0);
    let c = plan.condition_count;
    for (i, cp) in plan.contributors.iter().enumerate() {
        let bit = 1u64 << i;
        let [s_willing, s_vetoed, s_pledge, s_delivery, s_lead] = cp.streams;
        draw_bernoulli(
            &cp.willing,
            s_willing,
            bit,
            plan,
            streams,
            first,
            len,
            &mut sc.words,
            &sc.states,
            &mut sc.willing,
        );
        draw_bernoulli(
            &cp.vetoed,
            s_vetoed,
            bit,
            plan,
            streams,
            first,
            len,
            &mut sc.words,
            &sc.states,
            &mut sc.vetoed,
        );

        let pledge = &mut sc.pledge[i];
        if !cp.troops.is_fixed() {
            streams.fill(s_pledge, first, &mut sc.words[..len]);
        }
        cp.troops.fill(&sc.words[..len], &mut sc.values[..len]);
        for t in 0..len {
            pledge[t] = libm::round(sc.values[t]) as u32;
        }

        let deployed = &mut sc.deployed[i];
        if !cp.delivery.is_fixed() {
            streams.fill(s_delivery, first, &mut sc.words[..len]);
        }
        cp.delivery.fill(&sc.words[..len], &mut sc.values[..len]);
        for t in 0..len {
            deployed[t] = libm::round(pledge[t] as f64 * sc.values[t]) as u32;
        }

        let row = &mut sc.row[i];
        if !cp.lead.is_fixed() {
            streams.fill(s_lead, first, &mut sc.words[..len]);
        }
        for t in 0..len {
            let lead = cp.lead.quantile(unit(sc.words[t]));
            row[t] = plan.rows.row_of(lead).unwrap_or(LATE);
            sc.late[t] |= u64::from(row[t] == LATE) << i;
        }

        let clauses = &s.contributors[i].requires;
        for t in 0..len {
            let mut ok = sc.willing[t] & !sc.vetoed[t] & bit;
            if ok != 0 {
                let states = &sc.states[t * c..t * c + c];
                if !cp
                    .condition_clauses
                    .iter()
                    .all(|&k| clauses[k].expr.holds(states, 0, 0))
                {
                    ok = 0;
                }
            }
            if i == 0 {
                sc.eligible[t] = ok;
            } else {
                sc.eligible[t] |= ok;
            }
        }
    }
}

/// The negotiation of spec §2 step 3: rounds in file order until a round in
/// which nobody joins. Returns the final coalition.
pub fn negotiate(
    s: &Scenario,
    plan: &Plan,
    eligible: u64,
    states: &[u8],
    pledge: impl Fn(usize) -> u64,
) -> u64 {
    let mut joined = 0u64;
    let mut committed = 0u64;
    loop {
        let mut changed = false;
        let mut pending = eligible & !joined;
        while pending != 0 {
            let i = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            let clauses = &s.contributors[i].requires;
            let ok = plan.contributors[i]
                .coalition_clauses
                .iter()
                .all(|&k| clauses[k].expr.holds(states, joined, committed));
            if ok {
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

fn sum_arrivals(plan: &Plan, len: usize, sc: &mut Scratch) {
    let g = plan.groups.len().max(1);
    sc.total[..len].fill(0);
    sc.group_sums[..len * g].fill(0);
    for (i, cp) in plan.contributors.iter().enumerate() {
        let deployed = &sc.deployed[i];
        for t in 0..len {
            let arrived = (sc.joined[t] & !sc.late[t]) >> i & 1;
            let a = deployed[t] as u64 * arrived;
            sc.total[t] += a;
            sc.group_sums[t * g + cp.group] += a;
        }
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
    (total, plan.roles_met(&sums))
}

fn tally_trial(s: &Scenario, plan: &Plan, t: usize, sc: &mut Scratch, tally: &mut Tally) {
    let g = plan.groups.len().max(1);
    let c = plan.condition_count;
    let total = sc.total[t];
    let group_sums = &sc.group_sums[t * g..t * g + g];
    let roles_met = plan.roles_met(group_sums);
    let reached = total >= plan.target;
    let success = reached && roles_met;
    let joined = sc.joined[t];
    let arrived = joined & !sc.late[t];
    let states = &sc.states[t * c..t * c + c];

    tally.success += success as u64;
    tally.reached += reached as u64;
    tally.roles_met += roles_met as u64;
    tally.personnel_sum += total;
    tally.personnel_sq += total as u128 * total as u128;
    bump(&mut tally.histogram, total as usize, 1);

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
    for (k, &state) in states.iter().enumerate() {
        let st = &mut tally.conditions[k][state as usize];
        st.trials += 1;
        st.success += success as u64;
    }
    if plan.track_coalitions {
        if sc.coalition_dense.is_empty() {
            let e = tally.coalitions.entry(joined).or_insert([0, 0]);
            e[0] += 1;
            e[1] += success as u64;
        } else {
            let e = &mut sc.coalition_dense[joined as usize];
            e[0] += 1;
            e[1] += success as u64;
        }
    }
    tally_timeline(plan, t, sc, tally, reached, success);

    let mut bits = joined;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let ct = &mut tally.contributors[i];
        ct.joined += 1;
        ct.joined_success += success as u64;
        ct.arrived_sum += sc.deployed[i][t] as u64 * (arrived >> i & 1);
    }
    if success {
        tally_pivotal(s, plan, t, sc, tally);
    }
    tally_blockers(s, plan, t, sc, tally);
}

fn tally_timeline(
    plan: &Plan,
    t: usize,
    sc: &Scratch,
    tally: &mut Tally,
    reached: bool,
    success: bool,
) {
    let joined = sc.joined[t];
    let arrived = joined & !sc.late[t];
    let tl = &mut tally.timeline;
    let mut bits = joined;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let row = sc.row[i][t];
        if row != LATE {
            bump(
                &mut tl.arriving,
                row as usize,
                sc.deployed[i][t] as u64 * (arrived >> i & 1),
            );
            tl.rows_seen = tl.rows_seen.max(row as u64 + 1);
        }
    }
    if !reached {
        return;
    }
    // Walk the arrivals in row order until the target (and the roles) are met.
    let mut order = [(0u16, 0u8); 64];
    let mut n = 0;
    let mut bits = arrived;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        order[n] = (sc.row[i][t], i as u8);
        n += 1;
    }
    let order = &mut order[..n];
    order.sort_unstable();
    let mut sums = [0u64; 64];
    let mut total = 0;
    let mut reached_row = None;
    let mut k = 0;
    while k < n {
        let row = order[k].0;
        while k < n && order[k].0 == row {
            let i = order[k].1 as usize;
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

fn tally_pivotal(s: &Scenario, plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally) {
    let joined = sc.joined[t];
    let arrived = joined & !sc.late[t];
    let c = plan.condition_count;
    if plan.cascade {
        let states = &sc.states[t * c..t * c + c];
        let mut bits = joined;
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
    } else {
        let g = plan.groups.len().max(1);
        let mut bits = arrived;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let a = sc.deployed[i][t] as u64;
            if a == 0 {
                continue;
            }
            let pivotal = sc.total[t] - a < plan.target || {
                let mut sums = [0u64; 64];
                sums[..g].copy_from_slice(&sc.group_sums[t * g..t * g + g]);
                sums[plan.contributors[i].group] -= a;
                !plan.roles_met(&sums)
            };
            tally.contributors[i].pivotal += pivotal as u64;
        }
    }
}

fn tally_blockers(s: &Scenario, plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally) {
    let joined = sc.joined[t];
    let not_arrived = !(joined & !sc.late[t]);
    let c = plan.condition_count;
    let states = &sc.states[t * c..t * c + c];
    let committed_all: u64 = if plan.cascade {
        let mut sum = 0;
        let mut bits = joined;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            sum += sc.pledge[i][t] as u64;
        }
        sum
    } else {
        0
    };
    for (i, contributor) in s.contributors.iter().enumerate() {
        if not_arrived >> i & 1 == 0 {
            continue;
        }
        let ct = &mut tally.contributors[i];
        let mut first = true;
        let mut note = |reason: usize, holds: bool| {
            if holds {
                ct.any[reason] += 1;
                if first {
                    ct.first[reason] += 1;
                    first = false;
                }
            }
        };
        note(0, sc.willing[t] >> i & 1 == 0);
        note(1, sc.vetoed[t] >> i & 1 == 1);
        let own = if joined >> i & 1 == 1 {
            sc.pledge[i][t] as u64
        } else {
            0
        };
        for (k, clause) in contributor.requires.iter().enumerate() {
            note(
                2 + k,
                !clause.expr.holds(states, joined, committed_all - own),
            );
        }
        if plan.rows.horizon.is_some() {
            note(2 + contributor.requires.len(), sc.late[t] >> i & 1 == 1);
        }
    }
}
