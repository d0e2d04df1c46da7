//! One trial told step by step (`muster trace`): its draws, every decision
//! time with who joined or left and why, arrivals, the roles assignment at
//! the moment of success and the verdict, exactly as `muster run` counts
//! that trial.

use super::assign::assign;
use super::draws::{Compiled, Happened};
use super::play::{Event, Point, Stint, at_horizon, play_logged};
use crate::engine::sample::whole;
use crate::engine::streams::Streams;
use crate::scenario::Scenario;
use serde::Serialize;

/// A contributor's draws, read at month 0.
#[derive(Debug, Clone, Serialize)]
pub struct StartDraws {
    /// Its willingness draw (a share in [0, 1)): willing while p_join is above it.
    pub willing_draw: f64,
    /// p_join at the month-0 states.
    pub p_join: f64,
    /// Its veto draw: vetoed while veto is above it.
    pub veto_draw: f64,
    /// veto at the month-0 states.
    pub veto: f64,
    /// People, through the distribution in force at month 0.
    pub pledge: u64,
    /// Share of the pledge that deploys, at month 0.
    pub delivery: f64,
    /// Months, at month 0.
    pub lead_months: f64,
}

/// Everything `muster trace` tells about one trial.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    /// Trial number, from 1.
    pub trial: u64,
    /// State index of each condition at month 0.
    pub month0: Vec<u8>,
    /// The changes that happen.
    pub changes: Vec<Happened>,
    pub draws: Vec<StartDraws>,
    /// Decision times, joinings and leavings in time order.
    pub events: Vec<Event>,
    /// Arrivals in theatre (and when they left).
    pub stints: Vec<Stint>,
    /// The force after each decision time.
    pub points: Vec<Point>,
    /// Contributors in the coalition at the horizon.
    pub coalition: Vec<usize>,
    /// Contributors in theatre at the horizon.
    pub in_theatre: Vec<usize>,
    /// Personnel in theatre at the horizon (people).
    pub personnel: u64,
    /// Months at which the target was first reached, the roles first met,
    /// and both first held together (success).
    pub reached_at: Option<f64>,
    pub roles_met_at: Option<f64>,
    pub success_at: Option<f64>,
    /// Per contributor not in theatre at the horizon: the index of its
    /// first reason in blockers.csv's rows for it.
    pub first_reason: Vec<Option<usize>>,
    /// At the moment of success: people of each contributor given to each
    /// role (`[contributor][role]`).
    pub assignment: Option<Vec<Vec<u64>>>,
}

/// Trial `trial` (from 1) of a run with this seed, told step by step.
pub fn trace(s: &Scenario, seed: u64, trial: u64) -> Trace {
    let c = Compiled::new(s);
    let words = c.words(&Streams::new(seed), trial - 1, 1);
    let d = c.draws(s, &words, 0);
    let story = play_logged(s, &c, &d, None, true);
    let draws = d
        .contributors
        .iter()
        .zip(&s.contributors)
        .zip(&c.values)
        .map(|((u, k), v)| {
            let pledge = u64::from(whole(v.troops.quantile_at(u.pledge, &d.month0)));
            StartDraws {
                willing_draw: f64::from(u.willing) / 4_294_967_296.0,
                p_join: k.p_join.at(&d.month0),
                veto_draw: f64::from(u.vetoed) / 4_294_967_296.0,
                veto: k.veto.at(&d.month0),
                pledge,
                delivery: v.delivery.quantile_at(u.delivery, &d.month0),
                lead_months: v.lead.quantile_at(u.lead, &d.month0),
            }
        })
        .collect();
    let (coalition, in_theatre) = (story.coalition(), story.in_theatre());
    let members = |set: u64| {
        (0..s.contributors.len())
            .filter(|&i| set >> i & 1 == 1)
            .collect()
    };
    let first_reason = (0..s.contributors.len())
        .map(|i| {
            (in_theatre >> i & 1 == 0)
                .then(|| {
                    let mut reasons = Vec::new();
                    super::blockers(s, &at_horizon(s, &story), &story, i, &mut reasons);
                    reasons.iter().position(|r| *r)
                })
                .flatten()
        })
        .collect();
    let success = story.first(|p| p.personnel >= s.target && p.roles_met);
    let assignment = success.and_then(|p| {
        let mut deployed = vec![0u64; s.contributors.len()];
        for st in &story.stints {
            if st.arrive <= p.t && st.leave.is_none_or(|l| l > p.t) {
                deployed[st.contributor] = st.deployed;
            }
        }
        let accepts: Vec<Vec<usize>> = s.contributors.iter().map(|k| k.roles.clone()).collect();
        let minimums: Vec<u64> = s.roles.iter().map(|r| r.minimum).collect();
        assign(&deployed, &accepts, &minimums)
    });
    Trace {
        trial,
        month0: d.month0.clone(),
        changes: d.changes.clone(),
        draws,
        reached_at: story.first(|p| p.personnel >= s.target).map(|p| p.t),
        roles_met_at: story.first(|p| p.roles_met).map(|p| p.t),
        success_at: success.map(|p| p.t),
        events: story.events.clone(),
        stints: story.stints.clone(),
        points: story.points.clone(),
        coalition: members(coalition),
        in_theatre: members(in_theatre),
        personnel: story.personnel(),
        first_reason,
        assignment,
    }
}
