//! The counts that need a whole trial, step by step: §2 step 6 (success),
//! then what each step tallies from the trial's outcome.

use super::plan::Plan;
use super::scratch::Scratch;
use super::{arrivals, blockers, coalition, conditions, pivotal};
use crate::scenario::Scenario;
use crate::stats::tally::Tally;

/// Adds trial t of the batch to the tally.
#[inline(always)]
pub(super) fn tally_trial(
    s: &Scenario,
    plan: &Plan,
    t: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    let total = sc.total[t];
    let roles_met = plan.roles.hall.is_empty() || sc.roles_met[t] != 0;
    let reached = total >= plan.target;
    let success = reached && roles_met;
    sc.success[t] = success as u8;

    tally.success += success as u64;
    tally.reached += reached as u64;
    tally.roles_met += roles_met as u64;

    conditions::tally_trial(plan, t, success, sc, tally);
    blockers::count_trial(s, t, sc);
    coalition::tally_trial(plan, t, success, sc, tally);
    if reached {
        arrivals::tally_first_rows(plan, t, sc, tally, success);
    }
    arrivals::tally_build_up(s, plan, t, sc, tally);
    if success {
        pivotal::tally_pivotal(s, plan, t, sc, tally);
    }
}
