//! §2 step 1, the conditions: every condition's state for the whole batch
//! (parents before children), with the trial's joint state alongside; and
//! conditions.csv's counts, per trial or, when the joint states are few,
//! per joint state spread over the conditions once per batch.

use super::plan::{ConditionPlan, Plan};
use super::scratch::{Scratch, kept};
use super::streams::Streams;
use crate::scenario::Scenario;
use crate::stats::tally::Tally;

#[inline(always)]
pub(super) fn draw_conditions(
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
) {
    if plan.conditions.is_empty() {
        sc.world[..len].fill(0);
    }
    for (k, cp) in plan.conditions.iter().enumerate() {
        streams.fill(cp.stream, first, &mut sc.words[..len]);
        // The first condition writes over the joint states.
        let keep = kept(k) as u16;
        // Unrolled for the usual numbers of states.
        match cp.cuts[0].len() {
            2 => draw_states::<1>(plan, cp, keep, len, sc),
            3 => draw_states::<2>(plan, cp, keep, len, sc),
            4 => draw_states::<3>(plan, cp, keep, len, sc),
            _ => draw_states_any(plan, cp, keep, len, sc),
        }
    }
}

/// One condition's state in every trial of the batch, from the words in
/// `sc.words`: the number of the row's cuts at or below the word, for a
/// condition of `M + 1` states. The joint state keeps `keep` of its bits.
#[inline(always)]
fn draw_states<const M: usize>(
    plan: &Plan,
    cp: &ConditionPlan,
    keep: u16,
    len: usize,
    sc: &mut Scratch,
) {
    let c = plan.condition_count;
    // The state's place value in the joint state (0 when not tabulated).
    let stride = plan.worlds.as_ref().map_or(0, |w| w.strides[cp.index]) as u16;
    let rows: Vec<[u64; M]> = cp
        .cuts
        .iter()
        .map(|r| std::array::from_fn(|k| r[k]))
        .collect();
    for t in 0..len {
        let row = cp.parent.map_or(0, |p| sc.states[t * c + p] as usize);
        let w = sc.words[t] as u64;
        let state = rows[row].iter().map(|cut| u8::from(w >= *cut)).sum::<u8>();
        sc.states[t * c + cp.index] = state;
        sc.world[t] = (sc.world[t] & keep) + u16::from(state) * stride;
    }
}

/// `draw_states` for any number of states.
#[inline(always)]
fn draw_states_any(plan: &Plan, cp: &ConditionPlan, keep: u16, len: usize, sc: &mut Scratch) {
    let c = plan.condition_count;
    let stride = plan.worlds.as_ref().map_or(0, |w| w.strides[cp.index]) as u16;
    for t in 0..len {
        let row = cp.parent.map_or(0, |p| sc.states[t * c + p] as usize);
        let w = sc.words[t] as u64;
        let cuts = &cp.cuts[row];
        // Count the cuts at or below the word: branch-free.
        let state = cuts[..cuts.len() - 1]
            .iter()
            .map(|cut| u8::from(w >= *cut))
            .sum::<u8>();
        sc.states[t * c + cp.index] = state;
        sc.world[t] = (sc.world[t] & keep) + u16::from(state) * stride;
    }
}

/// conditions.csv's counts of trial t.
#[inline(always)]
pub(super) fn tally_trial(
    plan: &Plan,
    t: usize,
    success: bool,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    let c = plan.condition_count;
    if sc.world_outcomes.is_empty() {
        for (k, &state) in sc.states[t * c..t * c + c].iter().enumerate() {
            let st = &mut tally.conditions[k][state as usize];
            st.trials += 1;
            st.success += success as u64;
        }
    } else {
        // Per joint state; spread over the conditions once per batch.
        let o = &mut sc.world_outcomes[sc.world[t] as usize];
        o[0] += 1;
        o[1] += success as u64;
    }
}

/// Spreads the batch's counts per joint state over the conditions.
#[inline(always)]
pub(super) fn tally_batch(s: &Scenario, plan: &Plan, sc: &mut Scratch, tally: &mut Tally) {
    if let Some(worlds) = &plan.worlds {
        for (w, o) in sc.world_outcomes.iter_mut().enumerate() {
            if o[0] == 0 {
                continue;
            }
            for (k, condition) in s.conditions.iter().enumerate() {
                let state = w / worlds.strides[k] % condition.states.len();
                let st = &mut tally.conditions[k][state];
                st.trials += o[0];
                st.success += o[1];
            }
            *o = [0, 0];
        }
    }
}
