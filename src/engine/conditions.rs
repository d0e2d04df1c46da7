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
        // Unrolled for the usual numbers of states: rows of M cuts.
        match cp.cuts[0].len() {
            2 => draw_states(plan, cp, &fixed_rows::<1>(cp), keep, len, sc),
            3 => draw_states(plan, cp, &fixed_rows::<2>(cp), keep, len, sc),
            4 => draw_states(plan, cp, &fixed_rows::<3>(cp), keep, len, sc),
            _ => {
                let rows: Vec<&[u64]> = cp.cuts.iter().map(|r| &r[..r.len() - 1]).collect();
                draw_states(plan, cp, &rows, keep, len, sc)
            }
        }
    }
}

/// A condition's rows of cuts without the last (2³², which no word reaches), as
/// arrays of `M`, for a condition of `M + 1` states.
fn fixed_rows<const M: usize>(cp: &ConditionPlan) -> Vec<[u64; M]> {
    cp.cuts
        .iter()
        .map(|r| std::array::from_fn(|k| r[k]))
        .collect()
}

/// One condition's state in every trial of the batch, from the words in
/// `sc.words`: the number of cuts of the trial's row at or below the word
/// (branch-free). The joint state keeps `keep` of its bits.
#[inline(always)]
fn draw_states<R: AsRef<[u64]>>(
    plan: &Plan,
    cp: &ConditionPlan,
    rows: &[R],
    keep: u16,
    len: usize,
    sc: &mut Scratch,
) {
    let c = plan.condition_count;
    // The state's place value in the joint state (0 when not tabulated).
    let stride = plan.worlds.as_ref().map_or(0, |w| w.strides[cp.index]) as u16;
    for t in 0..len {
        let row = cp.parent.map_or(0, |p| sc.states[t * c + p] as usize);
        let w = sc.words[t] as u64;
        let state = rows[row]
            .as_ref()
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
