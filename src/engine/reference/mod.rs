//! The reference simulator: one trial at a time, in the words of the
//! scenario-format contract (§2, and §5 for time), with no optimisation.
//! It reads the same stream words as the fast engine and fills the same
//! integer tally, so the fast engine can be checked against it integer for
//! integer; it also runs the scenarios that use time, which the fast
//! engine does not take. A new rule is written here first.

mod assign;
mod draws;
mod moment;
mod play;
mod trace;

use crate::engine::batch::BATCH;
use crate::engine::sample::whole;
use crate::engine::streams::Streams;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;
use crate::stats::results::exceedance_step;
use crate::stats::tally::{Tally, bump};
use draws::TrialDraws;
pub use draws::{Compiled, Happened};
use moment::present;
pub use play::{Event, Point, Stint, Why};
use play::{Moment, Story, at_horizon, play};
use std::ops::Range;
pub use trace::{StartDraws, Trace, trace};

/// Runs trials `trials` of the scenario with this seed and returns their
/// tally.
pub fn run(s: &Scenario, seed: u64, trials: Range<u64>) -> Tally {
    let streams = Streams::new(seed);
    let compiled = Compiled::new(s);
    let mut tally = super::empty_tally(s);
    let mut first = trials.start;
    while first < trials.end {
        let len = (trials.end - first).min(BATCH as u64) as usize;
        run_batch(s, &compiled, &streams, first, len, &mut tally);
        first += len as u64;
    }
    tally
}

/// Runs trials `first .. first + len` and adds them to `tally`.
pub fn run_batch(
    s: &Scenario,
    compiled: &Compiled,
    streams: &Streams,
    first: u64,
    len: usize,
    tally: &mut Tally,
) {
    let words = compiled.words(streams, first, len);
    let (mut draws, mut story) = (TrialDraws::default(), Story::default());
    for at in 0..len {
        compiled.draws_into(s, &words, at, &mut draws);
        play::play_into(s, compiled, &draws, None, false, &mut story);
        tally_trial(s, compiled, &draws, &story, tally);
    }
}

/// The outcome of each of the first `trials` trials: success, and
/// personnel at the horizon (people).
pub fn outcomes(s: &Scenario, seed: u64, trials: u64) -> Vec<(bool, u64)> {
    let mut all = Vec::new();
    first_trial(s, seed, trials, |success, personnel| {
        all.push((success, personnel));
        false
    });
    all
}

/// The first trial (from 1) among the first `trials` whose outcome
/// (success, personnel at the horizon in people) satisfies `want`.
pub fn first_trial(
    s: &Scenario,
    seed: u64,
    trials: u64,
    mut want: impl FnMut(bool, u64) -> bool,
) -> Option<u64> {
    let streams = Streams::new(seed);
    let compiled = Compiled::new(s);
    let mut first = 0;
    while first < trials {
        let len = (trials - first).min(BATCH as u64) as usize;
        let words = compiled.words(&streams, first, len);
        for at in 0..len {
            let draws = compiled.draws(s, &words, at);
            let story = play(s, &compiled, &draws, None);
            if want(story.success(s.target), story.personnel()) {
                return Some(first + at as u64 + 1);
            }
        }
        first += len as u64;
    }
    None
}

/// Adds one trial to the tally.
fn tally_trial(s: &Scenario, c: &Compiled, d: &TrialDraws, story: &Story, tally: &mut Tally) {
    let coalition = story.coalition();
    let in_theatre = story.in_theatre();
    let total = story.personnel();
    let reached = story.first(|p| p.personnel >= s.target).is_some();
    let met = story.first(|p| p.roles_met).is_some();
    let success = story.success(s.target);

    tally.trials += 1;
    tally.success += u64::from(success);
    tally.reached += u64::from(reached);
    tally.roles_met += u64::from(met);
    tally.personnel_sum += total;
    tally.personnel_sq += u128::from(total) * u128::from(total);
    bump(&mut tally.histogram, total as usize, 1);

    let at_h = at_horizon(s, story);
    let mut reasons = Vec::new();
    for (i, f) in story.fates.iter().enumerate() {
        let ct = &mut tally.contributors[i];
        if f.member {
            ct.joined += 1;
            ct.joined_success += u64::from(success);
            ct.arrived_sum += present(&story.fates, story.horizon, 1 << i);
        }
        // Pivotal: the whole trial, replayed with it never willing, fails.
        if success && f.ever && !play(s, c, d, Some(i)).success(s.target) {
            ct.pivotal += 1;
        }
        let pledge = match f.joining {
            Some(j) => j.pledge,
            None => {
                let v = &c.values[i];
                u64::from(whole(
                    v.troops
                        .quantile_at(d.contributors[i].pledge, &story.states),
                ))
            }
        };
        if in_theatre >> i & 1 == 1 {
            ct.arrived_pledge += pledge;
        } else {
            blockers(s, &at_h, story, i, &mut reasons);
            if let Some(first) = reasons.iter().position(|r| *r) {
                ct.first[first] += 1;
                ct.first_pledge[first] += pledge;
            }
            for (k, _) in reasons.iter().enumerate().filter(|(_, r)| **r) {
                ct.any[k] += 1;
            }
        }
    }
    for (r, role) in s.roles.iter().enumerate() {
        // The set of role r alone (`role_sets` counts sets in binary from 1).
        let accepting = c.role_sets[(1 << r) - 1].accepting;
        let a = present(&story.fates, story.horizon, accepting);
        tally.roles[r].met += u64::from(a >= role.minimum);
        tally.roles[r].available_sum += a;
    }
    for (k, &state) in d.month0.iter().enumerate() {
        let st = &mut tally.conditions[k][state as usize];
        st.trials += 1;
        st.success += u64::from(success);
    }
    if s.contributors.len() <= 20 {
        let e = tally.coalitions.entry(coalition).or_insert([0, 0]);
        e[0] += 1;
        e[1] += u64::from(success);
    }
    tally_timeline(s, story, tally);
    tally_milestones(s, story, tally);
    tally_fan(s, story, tally);
}

/// The reasons, in blockers.csv order (declined, vetoed, each clause,
/// then withdrew and left for a contributor that is not `stay`, then late
/// when there is a horizon), that contributor `i` is not in theatre at the
/// horizon. One in the coalition there has the one reason `late`; `left`
/// holds when no other does.
/// `at_h` is everyone at the horizon (`at_horizon`); the reasons go into
/// `reasons`.
fn blockers(s: &Scenario, at_h: &Moment, story: &Story, i: usize, reasons: &mut Vec<bool>) {
    let f = &story.fates[i];
    let member = f.member;
    reasons.clear();
    reasons.push(!member && !at_h.willing(i));
    reasons.push(!member && at_h.vetoed(i));
    let now = at_h.now(i);
    let clauses = &s.contributors[i].requires;
    reasons.extend(clauses.iter().map(|k| !member && !k.expr.holds_at(&now)));
    if s.contributors[i].on_unmet != crate::scenario::OnUnmet::Stay {
        let withdrew = !member && f.withdrew;
        let other = reasons.iter().any(|r| *r) || withdrew;
        reasons.push(withdrew);
        reasons.push(!member && !other);
    }
    if s.horizon_months.is_some() {
        reasons.push(member);
    }
}

/// The timeline: the row of the first decision time at which the target
/// was reached, and succeeded; personnel arriving and leaving per row; the
/// rows arrivals need.
fn tally_timeline(s: &Scenario, story: &Story, tally: &mut Tally) {
    let rows = Rows {
        horizon: s.horizon_months,
    };
    let row = |t: f64| rows.row_of(t).map_or(0, usize::from);
    let tl = &mut tally.timeline;
    for st in &story.stints {
        let r = row(st.arrive);
        bump(&mut tl.arriving, r, st.deployed);
        tl.rows_seen = tl.rows_seen.max(r as u64 + 1);
        if let Some(leave) = st.leave {
            bump(&mut tl.leaving, row(leave), st.deployed);
        }
    }
    if let Some(p) = story.first(|p| p.personnel >= s.target) {
        bump(&mut tl.first_reached, row(p.t), 1);
    }
    if let Some(p) = story.first(|p| p.personnel >= s.target && p.roles_met) {
        bump(&mut tl.first_success, row(p.t), 1);
    }
}

/// milestones.csv: for each milestone reached, the grid point of the first
/// decision time at which the personnel reached it.
fn tally_milestones(s: &Scenario, story: &Story, tally: &mut Tally) {
    let rows = Rows {
        horizon: s.horizon_months,
    };
    for (j, &level) in s.milestones.iter().enumerate() {
        if let Some(p) = story.first(|p| p.personnel >= level) {
            bump(&mut tally.milestones[j], rows.reach_point(p.t), 1);
        }
    }
}

/// fan.csv: the personnel at each timeline row, as changes from the row
/// before, up to the row of the last decision time (nothing changes after).
fn tally_fan(s: &Scenario, story: &Story, tally: &mut Tally) {
    let rows = Rows {
        horizon: s.horizon_months,
    };
    let step = exceedance_step(s.target);
    let last = story.points.last().map_or(0.0, |p| p.t);
    let last_row = rows.row_of(last).map_or(0, usize::from);
    let mut before = None;
    for row in 0..=last_row {
        let personnel = story.personnel_at(rows.month(row));
        tally.add_fan(row, before, personnel, step);
        before = Some(personnel);
    }
}
