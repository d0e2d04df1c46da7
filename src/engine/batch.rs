//! One batch of consecutive trials: every entity's words for the whole batch
//! are drawn at once from its own stream and turned into columns of values.
//! Most tallies are then taken column by column (one contributor over the
//! batch, branch-free); only what needs a whole trial is done per trial.

use super::bitcount::MaskCounts;
use super::plan::{Bernoulli, Plan};
use super::streams::Streams;
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Trials per batch. Part of the results' definition only through the
/// stopping points of precision mode and the shares of shards.
pub const BATCH: usize = 4096;

/// Row marker of personnel arriving after the horizon.
const LATE: u16 = u16::MAX;

/// Rounds a non-negative number of people to whole people, halves away
/// from zero.
#[inline(always)]
fn whole(v: f64) -> u32 {
    // Through i32 (personnel is at most 10^7), which converts in vector registers.
    (v + 0.5) as i32 as u32
}

/// All ones when bit `i` of `mask` is set, else zero.
#[inline(always)]
fn bit_mask(mask: u64, i: usize) -> u64 {
    0u64.wrapping_sub(mask >> i & 1)
}

/// Reusable buffers of one worker. Columns are indexed by trial in the batch.
pub struct Scratch {
    words: Vec<u32>,
    values: Vec<f64>,
    /// `states[t * conditions + c]`: state index of condition c in trial t.
    states: Vec<u8>,
    /// Joint condition state of each trial (see `plan::Worlds`).
    world: Vec<u16>,
    /// Bit i: contributor i is willing / vetoed / eligible / late / joined / arrived.
    willing: Vec<u64>,
    vetoed: Vec<u64>,
    eligible: Vec<u64>,
    late: Vec<u64>,
    joined: Vec<u64>,
    arrived: Vec<u64>,
    /// `[contributor][trial]`, people.
    pledge: Vec<Vec<u32>>,
    deployed: Vec<Vec<u32>>,
    /// `[contributor][trial]`: timeline row of arrival, or LATE.
    row: Vec<Vec<u16>>,
    /// Arrived personnel per trial (people).
    total: Vec<u64>,
    /// `group_sums[t * groups + g]`, people (only when the scenario has roles).
    group_sums: Vec<u64>,
    success: Vec<u8>,
    /// Dense coalition counts for up to 16 contributors.
    coalition_dense: Vec<[u64; 2]>,
    /// Per contributor: arrived personnel summed over the batch (people).
    arrived_sum: Vec<u64>,
    /// Personnel arriving per timeline row in the batch, plus a spare slot.
    arriving: Vec<u64>,
    counts: Counts,
}

/// Per-contributor counts of trials, taken from the masks trial by trial:
/// joined, joined and succeeded, not willing, vetoed, willing and vetoed,
/// late, joined and late.
type Counts = MaskCounts<7>;

impl Scratch {
    pub fn new(plan: &Plan) -> Scratch {
        let n = plan.contributors.len();
        Scratch {
            words: vec![0; BATCH],
            values: vec![0.0; BATCH],
            states: vec![0; BATCH * plan.condition_count.max(1)],
            world: vec![0; BATCH],
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
            coalition_dense: if n <= 16 {
                vec![[0, 0]; 1 << n]
            } else {
                Vec::new()
            },
            arrived_sum: vec![0; n],
            arriving: vec![0; plan.rows.fixed_count().unwrap_or(1202) + 1],
            counts: Counts::new(n),
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
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    draw_conditions(plan, streams, first, len, sc);
    draw_contributors(s, plan, streams, first, len, sc);
    if plan.cascade {
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
    if let Some(w) = &plan.worlds {
        for t in 0..len {
            let states = &sc.states[t * c..t * c + c];
            sc.world[t] = states
                .iter()
                .zip(&w.strides)
                .map(|(st, k)| *st as usize * k)
                .sum::<usize>() as u16;
        }
    }
}

/// Sets bit `i` of `masks[t]` where the Bernoulli draw of trial t is true.
#[allow(clippy::too_many_arguments)]
fn draw_bernoulli(
    b: &Bernoulli,
    stream: u64,
    i: usize,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    words: &mut [u32],
    states: &[u8],
    masks: &mut [u64],
) {
    if let Some(certain) = b.certain() {
        if certain {
            masks.iter_mut().for_each(|m| *m |= 1 << i);
        }
        return;
    }
    streams.fill(stream, first, words);
    match b {
        Bernoulli::Fixed(thr) => {
            // Not certain, so the threshold is below 2³² and fits a word.
            let thr = *thr as u32;
            for (m, w) in masks.iter_mut().zip(words.iter()) {
                *m |= u64::from(*w < thr) << i;
            }
        }
        Bernoulli::Given {
            condition,
            thresholds,
        } => {
            let c = plan.condition_count;
            for (t, (m, w)) in masks.iter_mut().zip(words.iter()).enumerate() {
                let thr = thresholds[states[t * c + condition] as usize];
                *m |= u64::from((*w as u64) < thr) << i;
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
    let words = &mut sc.words[..len];
    let values = &mut sc.values[..len];
    for (i, cp) in plan.contributors.iter().enumerate() {
        let [s_willing, s_vetoed, s_pledge, s_delivery, s_lead] = cp.streams;
        let states = &sc.states;
        draw_bernoulli(
            &cp.willing,
            s_willing,
            i,
            plan,
            streams,
            first,
            words,
            states,
            &mut sc.willing[..len],
        );
        draw_bernoulli(
            &cp.vetoed,
            s_vetoed,
            i,
            plan,
            streams,
            first,
            words,
            states,
            &mut sc.vetoed[..len],
        );

        let pledge = &mut sc.pledge[i][..len];
        if !cp.troops.is_fixed() {
            streams.fill(s_pledge, first, words);
        }
        cp.troops.fill(words, values);
        for (p, v) in pledge.iter_mut().zip(values.iter()) {
            *p = whole(*v);
        }

        let deployed = &mut sc.deployed[i][..len];
        if let Some(share) = cp.delivery.fixed_value() {
            if share == 1.0 {
                deployed.copy_from_slice(pledge);
            } else {
                for (d, p) in deployed.iter_mut().zip(pledge.iter()) {
                    *d = whole(*p as f64 * share);
                }
            }
        } else {
            streams.fill(s_delivery, first, words);
            cp.delivery.fill(words, values);
            for ((d, p), v) in deployed.iter_mut().zip(pledge.iter()).zip(values.iter()) {
                *d = whole(*p as f64 * v);
            }
        }

        let row = &mut sc.row[i][..len];
        if let Some(lead) = cp.lead.fixed_value() {
            let r = plan.rows.row_of(lead).unwrap_or(LATE);
            row.fill(r);
            if r == LATE {
                sc.late[..len].iter_mut().for_each(|m| *m |= 1 << i);
            }
        } else {
            streams.fill(s_lead, first, words);
            cp.lead.fill(words, values);
            for ((r, v), late) in row.iter_mut().zip(values.iter()).zip(sc.late.iter_mut()) {
                *r = plan.rows.row_of(*v).unwrap_or(LATE);
                *late |= u64::from(*r == LATE) << i;
            }
        }
    }
    for t in 0..len {
        sc.eligible[t] = sc.willing[t] & !sc.vetoed[t];
    }
    for (i, cp) in plan.contributors.iter().enumerate() {
        if cp.condition_clauses.is_empty() {
            continue;
        }
        if cp.condition_fails.is_empty() {
            for t in 0..len {
                if sc.eligible[t] >> i & 1 == 1 && condition_fails(s, plan, sc, i, t) != 0 {
                    sc.eligible[t] &= !(1 << i);
                }
            }
            continue;
        }
        let table = &cp.condition_fails;
        for (e, w) in sc.eligible[..len].iter_mut().zip(&sc.world[..len]) {
            let fails = table.get(*w as usize).copied().unwrap_or(0);
            *e &= !(u64::from(fails != 0) << i);
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

/// The work that needs a whole trial: totals, roles, conditions,
/// coalitions, the timeline and pivotal contributors.
fn tally_trial(s: &Scenario, plan: &Plan, t: usize, sc: &mut Scratch, tally: &mut Tally) {
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
    for (k, &state) in sc.states[t * c..t * c + c].iter().enumerate() {
        let st = &mut tally.conditions[k][state as usize];
        st.trials += 1;
        st.success += success as u64;
    }
    let joined = sc.joined[t];
    let everyone = u64::MAX >> (64 - s.contributors.len());
    let (willing, vetoed, late) = (sc.willing[t], sc.vetoed[t], sc.late[t]);
    sc.counts.add([
        joined,
        joined & 0u64.wrapping_sub(success as u64),
        !willing & everyone,
        vetoed,
        willing & vetoed,
        late,
        joined & late,
    ]);
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
    if low == high {
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

fn tally_pivotal(s: &Scenario, plan: &Plan, t: usize, sc: &Scratch, tally: &mut Tally) {
    let c = plan.condition_count;
    if plan.cascade {
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

/// Per contributor, over the whole batch: joins, arrivals, the timeline's
/// arriving personnel and the blockers.
fn tally_contributors(s: &Scenario, plan: &Plan, len: usize, sc: &mut Scratch, tally: &mut Tally) {
    let c = plan.condition_count;
    let has_horizon = plan.rows.horizon.is_some();
    let [
        joined_n,
        joined_success_n,
        declined_n,
        vetoed_n,
        willing_vetoed_n,
        late_n,
        joined_late_n,
    ] = sc.counts.take();
    let mut arriving = std::mem::take(&mut sc.arriving);
    let sc_mut = sc;
    let sc = &*sc_mut;
    for (i, contributor) in s.contributors.iter().enumerate() {
        let ct = &mut tally.contributors[i];
        let deployed = &sc.deployed[i][..len];
        let (joined, arrived_sum) = (joined_n[i], sc.arrived_sum[i]);
        ct.joined += joined;
        ct.joined_success += joined_success_n[i];
        ct.arrived_sum += arrived_sum;

        // Timeline: personnel arriving at each row, and the rows seen.
        let row = &sc.row[i][..len];
        let tl = &mut tally.timeline;
        if plan.contributors[i].lead.is_fixed() {
            if row[0] != LATE && joined > 0 {
                bump(&mut tl.arriving, row[0] as usize, arrived_sum);
                tl.rows_seen = tl.rows_seen.max(row[0] as u64 + 1);
            }
        } else {
            // Branch-free: late rows and trials it did not join add to a
            // spare slot at the end.
            let spare = arriving.len() - 1;
            let mut seen = 0u64;
            for ((r, d), j) in row.iter().zip(deployed).zip(&sc.joined[..len]) {
                let counts = bit_mask(*j, i) & 0u64.wrapping_sub(u64::from(*r != LATE));
                let slot = if counts != 0 { *r as usize } else { spare };
                arriving[slot] += *d as u64;
                seen = seen.max((*r as u64 + 1) & counts);
            }
            for (k, a) in arriving[..spare].iter_mut().enumerate() {
                if *a != 0 {
                    bump(&mut tl.arriving, k, *a);
                    *a = 0;
                }
            }
            arriving[spare] = 0;
            tl.rows_seen = tl.rows_seen.max(seen);
        }

        // Blockers, in order: declined, vetoed, each clause, late. Not
        // willing or vetoed means not joined, so never arrived; late means
        // not arrived; without clauses, willing and not vetoed means joined.
        let clauses = &contributor.requires;
        let late_reason = 2 + clauses.len();
        ct.first[0] += declined_n[i];
        ct.any[0] += declined_n[i];
        ct.first[1] += willing_vetoed_n[i];
        ct.any[1] += vetoed_n[i];
        if clauses.is_empty() {
            if has_horizon {
                ct.first[late_reason] += joined_late_n[i];
                ct.any[late_reason] += late_n[i];
            }
            continue;
        }
        // With clauses the first reason depends on them. Reasons after
        // `vetoed` are bits: clause k is bit k, `late` the bit after the
        // clauses; per trial, every reason that holds counts for p_any and
        // the lowest for p_first (when willing and not vetoed).
        let cp = &plan.contributors[i];
        let late_shift = clauses.len() as u32;
        if late_shift >= 63 {
            tally_clause_blockers_slowly(s, plan, sc, i, len, ct);
            continue;
        }
        let mut counts = MaskCounts::<2>::new(late_shift as usize + 1);
        for t in 0..len {
            let missing = 0u64.wrapping_sub(!sc.arrived[t] >> i & 1);
            let open = 0u64.wrapping_sub((sc.willing[t] & !sc.vetoed[t]) >> i & 1);
            let mut fails = condition_fails(s, plan, sc, i, t);
            if !cp.coalition_clauses.is_empty() && missing != 0 {
                let joined_t = sc.joined[t];
                let states = &sc.states[t * c..t * c + c];
                let committed = committed_others(sc, t, joined_t, i);
                for &k in &cp.coalition_clauses {
                    if !clauses[k].expr.holds(states, joined_t, committed) {
                        fails |= 1 << k;
                    }
                }
            }
            let late = (sc.late[t] >> i & 1 & u64::from(has_horizon)) << late_shift;
            let reasons = (fails | late) & missing;
            counts.add([reasons, reasons & reasons.wrapping_neg() & open]);
        }
        let [any, first] = counts.take();
        for k in 0..late_shift as usize + usize::from(has_horizon) {
            ct.any[2 + k] += any[k];
            ct.first[2 + k] += first[k];
        }
    }
    sc_mut.arriving = arriving;
}

/// Blockers of a contributor with too many clauses for the bit counters:
/// the same rules as `tally_contributors`, trial by trial.
fn tally_clause_blockers_slowly(
    s: &Scenario,
    plan: &Plan,
    sc: &Scratch,
    i: usize,
    len: usize,
    ct: &mut crate::stats::tally::ContributorTally,
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
        for (k, clause) in clauses.iter().enumerate() {
            if !clause.expr.holds(states, joined, committed) {
                ct.any[2 + k] += 1;
                if !first_taken {
                    ct.first[2 + k] += 1;
                    first_taken = true;
                }
            }
        }
        if plan.rows.horizon.is_some() && sc.late[t] >> i & 1 == 1 {
            ct.any[late_reason] += 1;
            if !first_taken {
                ct.first[late_reason] += 1;
            }
        }
    }
}

/// The clauses of contributor `i` that read only conditions and fail in
/// trial `t`, as bits by clause index.
#[inline(always)]
fn condition_fails(s: &Scenario, plan: &Plan, sc: &Scratch, i: usize, t: usize) -> u64 {
    let cp = &plan.contributors[i];
    if let Some(fails) = cp.condition_fails.get(sc.world[t] as usize) {
        return *fails;
    }
    let c = plan.condition_count;
    let states = &sc.states[t * c..t * c + c];
    let clauses = &s.contributors[i].requires;
    cp.condition_clauses
        .iter()
        .filter(|&&k| !clauses[k].expr.holds(states, 0, 0))
        .fold(0u64, |m, &k| m | 1 << k)
}

/// Pledged personnel of the joined contributors other than `i` (people).
fn committed_others(sc: &Scratch, t: usize, joined: u64, i: usize) -> u64 {
    let mut sum = 0;
    let mut bits = joined & !(1 << i);
    while bits != 0 {
        let j = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        sum += sc.pledge[j][t] as u64;
    }
    sum
}
