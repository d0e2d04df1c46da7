//! §2 step 2, a contributor's draws: each contributor's words for the whole
//! batch from its own streams, turned into columns (willingness, vetoes,
//! pledges, deployed personnel, arrival rows), with its eligibility marked
//! on the way (see `eligibility`), so that amounts can be sampled only where
//! it may join.

use super::bitcount::count_bits;
use super::eligibility::{mark_all_from_tables, mark_eligible};
use super::paths::SPARSE_DENSITY;
use super::plan::{Bernoulli, Plan};
use super::sample::{unit, whole};
use super::scratch::{LATE, Scratch};
use super::streams::Streams;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;

/// Sets bit `i` of `masks[t]` where the Bernoulli draw of trial t is true,
/// and clears it elsewhere; contributor 0 writes over the whole column.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
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
    if let Some(certain) = b.certain().filter(|_| plan.paths.fixed_values) {
        match (certain, i) {
            (true, _) => put_bits(masks, i, std::iter::repeat(true)),
            (false, 0) => masks.fill(0),
            (false, _) => {}
        }
        return;
    }
    streams.fill(stream, first, words);
    match b {
        Bernoulli::Fixed(thr) => match u32::try_from(*thr) {
            Ok(thr) => {
                put_bits(masks, i, words.iter().map(|w| *w < thr));
            }
            // 2³², probability 1 (when not taken as certain above).
            Err(_) => put_bits(masks, i, std::iter::repeat(true)),
        },
        Bernoulli::Given {
            condition,
            thresholds,
        } => {
            let c = plan.condition_count;
            let draws = words.iter().enumerate().map(|(t, w)| {
                let thr = thresholds[states[t * c + condition] as usize];
                (*w as u64) < thr
            });
            put_bits(masks, i, draws);
        }
        // Trees come with time, which the reference runs; read in general.
        Bernoulli::Nested { .. } => {
            let c = plan.condition_count;
            let draws = words.iter().enumerate().map(|(t, w)| {
                let thr = b.threshold_at(&states[t * c..t * c + c]);
                (*w as u64) < thr
            });
            put_bits(masks, i, draws);
        }
    }
}

/// Sets bit i of each mask where `bits` is true and clears it elsewhere:
/// contributor 0 writes over the whole column (the last batch's masks), in
/// a loop of its own so that both stay vectorised.
#[inline(always)]
fn put_bits(masks: &mut [u64], i: usize, bits: impl Iterator<Item = bool>) {
    if i == 0 {
        for (m, b) in masks.iter_mut().zip(bits) {
            *m = u64::from(b);
        }
    } else {
        for (m, b) in masks.iter_mut().zip(bits) {
            *m |= u64::from(b) << i;
        }
    }
}

#[inline(always)]
pub(super) fn draw_contributors(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    if plan.contributors.is_empty() {
        sc.willing[..len].fill(0);
        sc.vetoed[..len].fill(0);
    }
    sc.late[..len].fill(0);
    let Some(world_open) = &plan.world_open else {
        // Too many joint condition states to tabulate: contributor by
        // contributor, clause by clause.
        for i in 0..plan.contributors.len() {
            draw_willing_vetoed(plan, i, streams, first, len, sc);
            let open = mark_eligible(s, plan, i, len, sc);
            draw_amounts(plan, i, open, streams, first, len, sc);
        }
        return;
    };
    for i in 0..plan.contributors.len() {
        draw_willing_vetoed(plan, i, streams, first, len, sc);
    }
    mark_all_from_tables(world_open, len, sc);
    let mut open = [0u64; 64];
    let n = plan.contributors.len();
    count_bits(sc.eligible[..len].iter().copied(), n, &mut open);
    for (i, open) in open.iter().enumerate().take(n) {
        draw_amounts(plan, i, *open as usize, streams, first, len, sc);
    }
}

/// Contributor i's willingness and veto for the batch, into bit i of the
/// masks.
#[inline(always)]
fn draw_willing_vetoed(
    plan: &Plan,
    i: usize,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    let cp = &plan.contributors[i];
    let [s_willing, s_vetoed, ..] = cp.streams;
    let (words, states) = (&mut sc.words[..len], &sc.states);
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
}

/// Contributor i's pledges, deployed personnel and arrival rows, where it
/// is eligible (`open` trials of the batch).
#[inline(always)]
fn draw_amounts(
    plan: &Plan,
    i: usize,
    open: usize,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    // Pledges, delivery and lead times matter only where it may join:
    // when that is rare, sample just those trials (same values).
    if plan
        .paths
        .sparse_sampling
        .taken(open * SPARSE_DENSITY < len)
    {
        // The eligible trials, 64 at a time: their bits gathered into a
        // word, then read off bit by bit.
        let mut n = 0;
        for (block, eligible) in sc.eligible[..len].chunks(64).enumerate() {
            let mut bits = eligible
                .iter()
                .enumerate()
                .fold(0u64, |m, (k, e)| m | (e >> i & 1) << k);
            while bits != 0 {
                sc.picked[n] = (block * 64 + bits.trailing_zeros() as usize) as u16;
                n += 1;
                bits &= bits - 1;
            }
        }
        sc.picked_n = n;
        draw_amounts_sparse(plan, i, streams, first, len, sc);
    } else {
        draw_amounts_dense(plan, i, streams, first, len, sc);
    }
}

/// Pledge, deployed personnel and arrival row of contributor i for every
/// trial of the batch, in vectorisable passes.
#[inline(always)]
fn draw_amounts_dense(
    plan: &Plan,
    i: usize,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    let cp = &plan.contributors[i];
    let [_, _, _, s_delivery, s_lead] = cp.streams;
    draw_pledges(plan, i, streams, first, len, sc);
    let words = &mut sc.words[..len];
    let values = &mut sc.values[..len];
    let pledge = &sc.pledge[i][..len];

    let deployed = &mut sc.deployed[i][..len];
    if let Some(share) = cp
        .delivery
        .fixed_value()
        .filter(|_| plan.paths.fixed_values)
    {
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
    let point = &mut sc.point[i][..len];
    if let Some(lead) = cp.lead.fixed_value().filter(|_| plan.paths.fixed_values) {
        let r = plan.rows.row_of(lead).unwrap_or(LATE);
        row.fill(r);
        point.fill(Rows::point_of(lead, plan.rows.point_cap()));
        if r == LATE {
            sc.late[..len].iter_mut().for_each(|m| *m |= 1 << i);
        }
    } else {
        streams.fill(s_lead, first, words);
        cp.lead.fill(words, values);
        let cap = plan.rows.point_cap();
        for (p, v) in point.iter_mut().zip(values.iter()) {
            *p = Rows::point_of(*v, cap);
        }
        let rows = plan.rows;
        for ((r, v), late) in row.iter_mut().zip(values.iter()).zip(sc.late.iter_mut()) {
            *r = rows.row_or(*v, LATE);
            *late |= u64::from(*r == LATE) << i;
        }
    }
}

/// Contributor i's pledges, in every trial of the batch (losses.csv counts
/// the pledges of those that never joined too).
#[inline(always)]
fn draw_pledges(
    plan: &Plan,
    i: usize,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    let cp = &plan.contributors[i];
    let words = &mut sc.words[..len];
    let values = &mut sc.values[..len];
    if !cp.troops.is_fixed() {
        streams.fill(cp.streams[2], first, words);
    }
    cp.troops.fill(words, values);
    for (p, v) in sc.pledge[i][..len].iter_mut().zip(values.iter()) {
        *p = whole(*v);
    }
}

/// The same values as `draw_amounts_dense`, the deployed personnel and
/// lead times only for the trials in `picked`; elsewhere the contributor
/// cannot join, and its deployed personnel and rows are not read.
#[inline(always)]
fn draw_amounts_sparse(
    plan: &Plan,
    i: usize,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    let cp = &plan.contributors[i];
    let [_, _, _, s_delivery, s_lead] = cp.streams;
    draw_pledges(plan, i, streams, first, len, sc);
    let words = &mut sc.words[..len];
    let (pledge, deployed, row, point) = (
        &sc.pledge[i][..len],
        &mut sc.deployed[i][..len],
        &mut sc.row[i][..len],
        &mut sc.point[i][..len],
    );
    if !cp.delivery.is_fixed() {
        streams.fill(s_delivery, first, words);
    }
    for &t in &sc.picked[..sc.picked_n] {
        let t = t as usize;
        deployed[t] = whole(pledge[t] as f64 * cp.delivery.quantile(unit(words[t])));
    }
    if !cp.lead.is_fixed() {
        streams.fill(s_lead, first, words);
    }
    let cap = plan.rows.point_cap();
    for &t in &sc.picked[..sc.picked_n] {
        let t = t as usize;
        let lead = cp.lead.quantile(unit(words[t]));
        row[t] = plan.rows.row_or(lead, LATE);
        point[t] = Rows::point_of(lead, cap);
        sc.late[t] |= u64::from(row[t] == LATE) << i;
    }
}
