//! The reference simulator: one trial at a time, in the words of the
//! scenario-format contract (§2), with no optimisation. It reads the same
//! stream words as the fast engine and fills the same integer tally, so the
//! fast engine can be checked against it integer for integer. A new rule is
//! written here first.

use super::sample::{Sampler, threshold, unit, whole};
use super::streams::{Draw, Streams, stream_id};
use crate::scenario::timeline::Rows;
use crate::scenario::{Contributor, Scenario};
use crate::stats::results::exceedance_step;
use crate::stats::tally::{Tally, bump};
use std::ops::Range;

/// What one contributor drew in one trial (§2 step 2).
#[derive(Debug, Clone, Copy)]
struct Drawn {
    willing: bool,
    vetoed: bool,
    /// People.
    pledge: u64,
    /// People: round(pledge × delivery).
    deployed: u64,
    /// Months from month 0.
    lead: f64,
}

/// The scenario's distributions, ready to turn a uniform into a value.
struct Samplers {
    troops: Sampler,
    delivery: Sampler,
    lead: Sampler,
}

/// Runs trials `trials` of the scenario with this seed and returns their
/// tally.
pub fn run(s: &Scenario, seed: u64, trials: Range<u64>) -> Tally {
    let streams = Streams::new(seed);
    let samplers: Vec<Samplers> = s
        .contributors
        .iter()
        .map(|c| Samplers {
            troops: Sampler::new(&c.troops),
            delivery: Sampler::new(&c.delivery),
            lead: Sampler::new(&c.lead_months),
        })
        .collect();
    let mut tally = super::empty_tally(s);
    for t in trials {
        let word = |draw: Draw, entity: &str| {
            let mut w = [0u32];
            streams.fill(stream_id(draw, entity), t, &mut w);
            w[0]
        };
        let states = sample_conditions(s, &word);
        let drawn: Vec<Drawn> = s
            .contributors
            .iter()
            .zip(&samplers)
            .map(|(c, sm)| draw_contributor(c, sm, &states, &word))
            .collect();
        tally_trial(s, &states, &drawn, &mut tally);
    }
    tally
}

/// §2 step 1: every condition's state, parents before children. A
/// categorical draw takes the first state whose cumulative probability the
/// uniform stays below (the last state takes the rest).
fn sample_conditions(s: &Scenario, word: &impl Fn(Draw, &str) -> u32) -> Vec<u8> {
    let mut states = vec![0u8; s.conditions.len()];
    for &k in &s.condition_order {
        let c = &s.conditions[k];
        let probs = c.probs.at(&states);
        let w = word(Draw::State, &c.name) as u64;
        let mut cumulative = 0.0;
        let mut state = probs.len() - 1;
        for (j, p) in probs.iter().enumerate().take(probs.len() - 1) {
            cumulative += p;
            if w < threshold(cumulative) {
                state = j;
                break;
            }
        }
        states[k] = state as u8;
    }
    states
}

/// §2 step 2: a contributor's draws, made whether or not it will join.
fn draw_contributor(
    c: &Contributor,
    sm: &Samplers,
    states: &[u8],
    word: &impl Fn(Draw, &str) -> u32,
) -> Drawn {
    let bernoulli = |draw, p: f64| (word(draw, &c.name) as u64) < threshold(p);
    let value = |draw, sampler: &Sampler| sampler.quantile(unit(word(draw, &c.name)));
    let pledge = whole(value(Draw::Pledge, &sm.troops)) as u64;
    let delivery = value(Draw::Delivery, &sm.delivery);
    Drawn {
        willing: bernoulli(Draw::Willing, c.p_join.at(states)),
        vetoed: bernoulli(Draw::Vetoed, c.veto.at(states)),
        pledge,
        deployed: whole(pledge as f64 * delivery) as u64,
        lead: value(Draw::LeadTime, &sm.lead),
    }
}

/// Pledged personnel of the members of `coalition` other than `i` (people).
fn committed(drawn: &[Drawn], coalition: u64, i: usize) -> u64 {
    (0..drawn.len())
        .filter(|&j| j != i && coalition >> j & 1 == 1)
        .map(|j| drawn[j].pledge)
        .sum()
}

/// Whether every clause of contributor `i` holds against the conditions
/// and `coalition`.
fn clauses_hold(s: &Scenario, states: &[u8], drawn: &[Drawn], coalition: u64, i: usize) -> bool {
    let committed = committed(drawn, coalition, i);
    s.contributors[i]
        .requires
        .iter()
        .all(|k| k.expr.holds(states, coalition, committed))
}

/// §2 step 3: rounds in file order; a contributor joins at once when it is
/// willing, not vetoed and every clause holds; stop after a round in which
/// nobody joins. `declining` is a contributor replayed as not willing.
fn negotiate(s: &Scenario, states: &[u8], drawn: &[Drawn], declining: Option<usize>) -> u64 {
    let mut coalition = 0u64;
    loop {
        let mut somebody_joined = false;
        for (i, d) in drawn.iter().enumerate() {
            let willing = d.willing && declining != Some(i);
            if coalition >> i & 1 == 0
                && willing
                && !d.vetoed
                && clauses_hold(s, states, drawn, coalition, i)
            {
                coalition |= 1 << i;
                somebody_joined = true;
            }
        }
        if !somebody_joined {
            return coalition;
        }
    }
}

/// §2 step 4: whether personnel arriving at month `lead` counts.
fn arrives(s: &Scenario, lead: f64) -> bool {
    s.horizon_months.is_none_or(|h| lead <= h)
}

/// The timeline row by whose month personnel arriving at `lead` has
/// arrived: months 0, 1, 2, ... up to the horizon, then the horizon itself
/// when it is fractional. None when it arrives after the horizon.
fn arrival_row(s: &Scenario, lead: f64) -> Option<usize> {
    if !arrives(s, lead) {
        return None;
    }
    let month = lead.ceil() as usize;
    Some(match s.horizon_months {
        Some(h) if month as f64 > h.floor() => h.floor() as usize + 1,
        _ => month,
    })
}

/// Arrived personnel of the members of `arrived` accepting role `r` (people).
fn available(s: &Scenario, drawn: &[Drawn], arrived: u64, r: usize) -> u64 {
    (0..drawn.len())
        .filter(|&i| arrived >> i & 1 == 1 && s.contributors[i].roles.contains(&r))
        .map(|i| drawn[i].deployed)
        .sum()
}

/// §2 step 5: for every set of roles, the sum of their minimums is at most
/// the arrived personnel of contributors accepting a role in the set.
fn roles_met(s: &Scenario, drawn: &[Drawn], arrived: u64) -> bool {
    (1u32..1 << s.roles.len()).all(|set| {
        let in_set = |r: usize| set >> r & 1 == 1;
        let demand: u64 = (0..s.roles.len())
            .filter(|&r| in_set(r))
            .map(|r| s.roles[r].minimum)
            .sum();
        let supply: u64 = (0..drawn.len())
            .filter(|&i| arrived >> i & 1 == 1)
            .filter(|&i| s.contributors[i].roles.iter().any(|&r| in_set(r)))
            .map(|i| drawn[i].deployed)
            .sum();
        demand <= supply
    })
}

/// The members of `coalition` whose personnel arrive.
fn arrived_of(s: &Scenario, drawn: &[Drawn], coalition: u64) -> u64 {
    (0..drawn.len())
        .filter(|&i| coalition >> i & 1 == 1 && arrives(s, drawn[i].lead))
        .fold(0, |m, i| m | 1 << i)
}

/// §2 step 6: arrived personnel >= target and the roles are met.
fn succeeds(s: &Scenario, drawn: &[Drawn], coalition: u64) -> bool {
    let arrived = arrived_of(s, drawn, coalition);
    personnel(drawn, arrived) >= s.target && roles_met(s, drawn, arrived)
}

fn personnel(drawn: &[Drawn], members: u64) -> u64 {
    (0..drawn.len())
        .filter(|&i| members >> i & 1 == 1)
        .map(|i| drawn[i].deployed)
        .sum()
}

/// The reasons, in blockers.csv order (declined, vetoed, each clause, late
/// when there is a horizon), that contributor `i`'s personnel did not
/// arrive. One that joined has the one reason `late`.
fn blockers(s: &Scenario, states: &[u8], drawn: &[Drawn], coalition: u64, i: usize) -> Vec<bool> {
    let c = &s.contributors[i];
    let joined = coalition >> i & 1 == 1;
    let mut reasons = vec![!joined && !drawn[i].willing, !joined && drawn[i].vetoed];
    let committed = committed(drawn, coalition, i);
    reasons.extend(
        c.requires
            .iter()
            .map(|k| !joined && !k.expr.holds(states, coalition, committed)),
    );
    if s.horizon_months.is_some() {
        reasons.push(joined);
    }
    reasons
}

/// Adds one trial to the tally.
fn tally_trial(s: &Scenario, states: &[u8], drawn: &[Drawn], tally: &mut Tally) {
    let coalition = negotiate(s, states, drawn, None);
    let arrived = arrived_of(s, drawn, coalition);
    let total = personnel(drawn, arrived);
    let reached = total >= s.target;
    let met = roles_met(s, drawn, arrived);
    let success = reached && met;

    tally.trials += 1;
    tally.success += u64::from(success);
    tally.reached += u64::from(reached);
    tally.roles_met += u64::from(met);
    tally.personnel_sum += total;
    tally.personnel_sq += u128::from(total) * u128::from(total);
    bump(&mut tally.histogram, total as usize, 1);

    for (i, d) in drawn.iter().enumerate() {
        let ct = &mut tally.contributors[i];
        if coalition >> i & 1 == 1 {
            ct.joined += 1;
            ct.joined_success += u64::from(success);
            if arrived >> i & 1 == 1 {
                ct.arrived_sum += d.deployed;
            }
            // Pivotal: the trial fails once replayed with it declining.
            if success && !succeeds(s, drawn, negotiate(s, states, drawn, Some(i))) {
                ct.pivotal += 1;
            }
        }
        if arrived >> i & 1 == 1 {
            ct.arrived_pledge += d.pledge;
        } else {
            let reasons = blockers(s, states, drawn, coalition, i);
            if let Some(first) = reasons.iter().position(|r| *r) {
                ct.first[first] += 1;
                ct.first_pledge[first] += d.pledge;
            }
            for (k, _) in reasons.iter().enumerate().filter(|(_, r)| **r) {
                ct.any[k] += 1;
            }
        }
    }
    for (r, role) in s.roles.iter().enumerate() {
        let a = available(s, drawn, arrived, r);
        tally.roles[r].met += u64::from(a >= role.minimum);
        tally.roles[r].available_sum += a;
    }
    for (k, &state) in states.iter().enumerate() {
        let st = &mut tally.conditions[k][state as usize];
        st.trials += 1;
        st.success += u64::from(success);
    }
    if s.contributors.len() <= 20 {
        let e = tally.coalitions.entry(coalition).or_insert([0, 0]);
        e[0] += 1;
        e[1] += u64::from(success);
    }
    tally_timeline(s, drawn, coalition, arrived, reached, success, tally);
    tally_milestones(s, drawn, arrived, tally);
    tally_fan(s, drawn, arrived, total, tally);
}

/// Personnel arrived by month `m`: of the members of `arrived` whose lead
/// time is at most m.
fn personnel_by(drawn: &[Drawn], arrived: u64, m: f64) -> u64 {
    (0..drawn.len())
        .filter(|&i| arrived >> i & 1 == 1 && drawn[i].lead <= m)
        .map(|i| drawn[i].deployed)
        .sum()
}

/// milestones.csv: for each milestone reached, the grid point of the first
/// arrival by which the personnel reached it.
fn tally_milestones(s: &Scenario, drawn: &[Drawn], arrived: u64, tally: &mut Tally) {
    let rows = Rows {
        horizon: s.horizon_months,
    };
    for (j, &level) in s.milestones.iter().enumerate() {
        let first = (0..drawn.len())
            .filter(|&i| arrived >> i & 1 == 1)
            .map(|i| drawn[i].lead)
            .filter(|&t| personnel_by(drawn, arrived, t) >= level)
            .min_by(f64::total_cmp);
        if let Some(t) = first {
            bump(&mut tally.milestones[j], rows.reach_point(t), 1);
        }
    }
}

/// fan.csv: the personnel at each timeline row, as changes from the row
/// before, until it is final.
fn tally_fan(s: &Scenario, drawn: &[Drawn], arrived: u64, total: u64, tally: &mut Tally) {
    let rows = Rows {
        horizon: s.horizon_months,
    };
    let step = exceedance_step(s.target);
    let mut before = None;
    for row in 0.. {
        let personnel = personnel_by(drawn, arrived, rows.month(row));
        tally.add_fan(row, before, personnel, step);
        if personnel == total {
            return;
        }
        before = Some(personnel);
    }
}

/// The timeline: the first row by whose month the target was reached, and
/// succeeded; personnel arriving per row; the rows arrivals need.
fn tally_timeline(
    s: &Scenario,
    drawn: &[Drawn],
    coalition: u64,
    arrived: u64,
    reached: bool,
    success: bool,
    tally: &mut Tally,
) {
    let tl = &mut tally.timeline;
    let mut rows: Vec<usize> = Vec::new();
    for (i, d) in drawn.iter().enumerate() {
        if coalition >> i & 1 == 1
            && let Some(row) = arrival_row(s, d.lead)
        {
            bump(&mut tl.arriving, row, d.deployed);
            tl.rows_seen = tl.rows_seen.max(row as u64 + 1);
            rows.push(row);
        }
    }
    rows.sort_unstable();
    rows.dedup();
    let by_row = |row: usize| {
        (0..drawn.len())
            .filter(|&i| arrived >> i & 1 == 1)
            .filter(|&i| arrival_row(s, drawn[i].lead).is_some_and(|r| r <= row))
            .fold(0u64, |m, i| m | 1 << i)
    };
    if reached {
        let first = rows
            .iter()
            .find(|&&row| personnel(drawn, by_row(row)) >= s.target);
        bump(&mut tl.first_reached, *first.unwrap_or(&0), 1);
    }
    if success {
        let first = rows.iter().find(|&&row| {
            let members = by_row(row);
            personnel(drawn, members) >= s.target && roles_met(s, drawn, members)
        });
        bump(&mut tl.first_success, *first.unwrap_or(&0), 1);
    }
}
