//! Exact results of a small scenario by listing every outcome of one trial
//! (spec section 2): every combination of condition states and of each
//! contributor's (willing, vetoed, pledge, delivery, lead time), with its
//! probability. Everything the result files estimate is accumulated as an
//! exact probability or moment.
//!
//! Outcomes that cannot change anything are merged: a contributor that is
//! not willing or is vetoed never joins, so its pledge and delivery do not
//! matter, nor does its lead time (`late` needs it to have joined).

use super::model::{CatProbs, CondSpec, Expr, Prob, Scenario, parse_clause};
use std::collections::BTreeMap;

/// One contributor's draws in a trial, with their probability.
#[derive(Clone, Debug)]
struct Draw {
    willing: bool,
    vetoed: bool,
    pledge: i64,
    deployed: i64,
    lead: f64,
    p: f64,
    /// E[pledge] and E[pledge^2]: for the merged draws of one not willing or
    /// vetoed, whose pledge (independent of those draws) is not listed.
    pledge_m1: f64,
    pledge_m2: f64,
}

/// Exact quantities of one contributor.
#[derive(Clone, Debug, Default)]
pub struct ContributorExact {
    pub p_joined: f64,
    pub p_arrived: f64,
    pub p_joined_and_success: f64,
    /// E[arrived personnel; joined] and E[arrived personnel^2; joined].
    pub m1_joined: f64,
    pub m2_joined: f64,
    pub p_pivotal: f64,
    /// P(joined, late, and a clause of its own fails against the final
    /// coalition): its one reason is still `late`.
    pub p_late_clause_first: f64,
    /// (reason, p_first, p_any) in the order of blockers.csv.
    pub blockers: Vec<(String, f64, f64)>,
    /// losses.csv: (stage, E[X], E[X^2]) for X the personnel of its pledge
    /// in that stage, in file order (its reasons, not delivered, in theatre).
    pub losses: Vec<(String, f64, f64)>,
}

/// One milestone of milestones.csv.
#[derive(Clone, Debug, Default)]
pub struct MilestoneExact {
    pub level: i64,
    pub p_reached: f64,
    /// Distribution of the month at which it was first reached.
    pub months: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, Default)]
pub struct RoleExact {
    pub name: String,
    pub minimum: u64,
    pub p_met: f64,
    pub m1: f64,
    pub m2: f64,
}

#[derive(Clone, Debug, Default)]
pub struct StateExact {
    pub state: String,
    pub p_state: f64,
    pub p_state_and_success: f64,
}

#[derive(Clone, Debug, Default)]
pub struct CoalitionExact {
    pub p: f64,
    pub p_and_success: f64,
}

#[derive(Clone, Debug, Default)]
pub struct MonthExact {
    pub month: f64,
    pub p_target: f64,
    pub p_success: f64,
    pub m1: f64,
    pub m2: f64,
}

#[derive(Clone, Debug, Default)]
pub struct Exact {
    /// Sum of the probabilities of all listed outcomes (1 up to rounding).
    pub total_probability: f64,
    pub outcomes: usize,
    pub p_success: f64,
    pub p_target: f64,
    pub p_roles: f64,
    /// E[total] and E[total^2].
    pub m1: f64,
    pub m2: f64,
    /// Distribution of the total arrived personnel.
    pub totals: BTreeMap<i64, f64>,
    pub contributors: Vec<ContributorExact>,
    pub roles: Vec<RoleExact>,
    /// Per condition (declaration order), per state (result-file order).
    pub conditions: Vec<(String, Vec<StateExact>)>,
    /// Keyed by the coalition's name as written in coalitions.csv.
    pub coalitions: BTreeMap<String, CoalitionExact>,
    pub timeline: Vec<MonthExact>,
    pub milestones: Vec<MilestoneExact>,
    /// Per timeline month: the distribution of the personnel arrived by then.
    pub fan: Vec<BTreeMap<i64, f64>>,
    /// Largest lead time of a joined contributor with positive probability
    /// (no horizon only), and the probability of the trials in which the
    /// largest joined lead time rounds up to the same whole month.
    pub max_joined_lead: Option<(f64, f64)>,
}

impl Exact {
    pub fn sd(&self) -> f64 {
        (self.m2 - self.m1 * self.m1).max(0.0).sqrt()
    }

    /// Exact P(total >= x).
    pub fn p_at_least(&self, x: i64) -> f64 {
        self.totals.range(x..).map(|(_, p)| p).sum()
    }

    /// Exact P(total <= x) and P(total < x).
    pub fn cdf(&self, x: i64) -> (f64, f64) {
        let le = self.totals.range(..=x).map(|(_, p)| p).sum();
        let lt = self.totals.range(..x).map(|(_, p)| p).sum();
        (le, lt)
    }
}

/// Rounding of a sampled pledge and of the deployed count: nearest, halves
/// away from zero (what `f64::round` does).
pub fn round_people(x: f64) -> i64 {
    x.round() as i64
}

/// Step of exceedance.csv: max(1, round(target / 40)).
pub fn exceedance_step(target: u64) -> i64 {
    round_people(target as f64 / 40.0).max(1)
}

struct Compiled<'a> {
    s: &'a Scenario,
    clauses: Vec<Vec<Expr>>,
    /// Role bitmask accepted by each contributor.
    accepts: Vec<u32>,
    mins: Vec<u64>,
    /// Parent index of each condition.
    parents: Vec<Option<usize>>,
}

impl Compiled<'_> {
    fn prob(&self, p: &Prob, states: &[usize]) -> f64 {
        match p {
            Prob::Fixed(x) => *x,
            Prob::Given(cond, entries) => {
                let c = self.s.condition_index(cond);
                let state = &self.s.conditions[c].states()[states[c]];
                let (_, x) = entries
                    .iter()
                    .find(|(name, _)| name == state)
                    .unwrap_or_else(|| panic!("no entry for state {state} of {cond}"));
                *x
            }
        }
    }

    /// P(condition c is in state k | its parent's state).
    fn state_prob(&self, c: usize, states: &[usize]) -> f64 {
        let cond = &self.s.conditions[c];
        let k = states[c];
        match &cond.spec {
            CondSpec::Bool(p) => {
                let pt = self.prob(p, states);
                if k == 0 { pt } else { 1.0 - pt }
            }
            CondSpec::Cat(_, CatProbs::Fixed(v)) => v[k],
            CondSpec::Cat(_, CatProbs::Given(parent, rows)) => {
                let pi = self.parents[c].unwrap();
                let pstate = &self.s.conditions[pi].states()[states[pi]];
                let (_, v) = rows
                    .iter()
                    .find(|(name, _)| name == pstate)
                    .unwrap_or_else(|| panic!("no row for state {pstate} of {parent}"));
                v[k]
            }
        }
    }

    fn draws(&self, i: usize, states: &[usize]) -> Vec<Draw> {
        let c = &self.s.contributors[i];
        let pj = self.prob(&c.p_join, states);
        let pv = c.veto.as_ref().map_or(0.0, |v| self.prob(v, states));
        let troops = c.troops.outcomes();
        let delivery = c
            .delivery
            .as_ref()
            .map_or(vec![(1.0, 1.0)], |d| d.outcomes());
        let lead = c.lead.as_ref().map_or(vec![(0.0, 1.0)], |d| d.outcomes());
        let pledge_m1: f64 = troops
            .iter()
            .map(|(t, pt)| pt * round_people(*t) as f64)
            .sum();
        let pledge_m2: f64 = troops
            .iter()
            .map(|(t, pt)| pt * (round_people(*t) as f64).powi(2))
            .sum();
        let mut out = Vec::new();
        let mut push = |d: Draw| {
            if d.p > 0.0 {
                out.push(d)
            }
        };
        for &(l, pl) in &lead {
            for (willing, vetoed, p) in [
                (false, false, (1.0 - pj) * (1.0 - pv)),
                (false, true, (1.0 - pj) * pv),
                (true, true, pj * pv),
            ] {
                push(Draw {
                    willing,
                    vetoed,
                    pledge: 0,
                    deployed: 0,
                    lead: l,
                    p: p * pl,
                    pledge_m1,
                    pledge_m2,
                });
            }
            for &(t, pt) in &troops {
                let pledge = round_people(t);
                for &(d, pd) in &delivery {
                    push(Draw {
                        willing: true,
                        vetoed: false,
                        pledge,
                        deployed: round_people(pledge as f64 * d),
                        lead: l,
                        p: pj * (1.0 - pv) * pt * pd * pl,
                        pledge_m1: pledge as f64,
                        pledge_m2: (pledge as f64).powi(2),
                    });
                }
            }
        }
        out
    }

    /// Spec section 2 step 3; `forced` declines whatever its draws say.
    fn negotiate(&self, states: &[usize], d: &[&Draw], forced: Option<usize>) -> Vec<bool> {
        let n = d.len();
        let mut joined = vec![false; n];
        loop {
            let mut any = false;
            for i in 0..n {
                if joined[i] || forced == Some(i) || !d[i].willing || d[i].vetoed {
                    continue;
                }
                let committed = committed(d, &joined, i);
                if self.clauses[i]
                    .iter()
                    .all(|e| e.eval(states, &joined, committed))
                {
                    joined[i] = true;
                    any = true;
                }
            }
            if !any {
                return joined;
            }
        }
    }

    /// Hall's condition: every set of roles gets its minimums from the
    /// personnel of the contributors accepting one of them.
    fn roles_met(&self, personnel: &[i64]) -> bool {
        roles_met_with(&self.mins, personnel, &self.accepts)
    }

    fn arrives(&self, lead: f64) -> bool {
        self.s.horizon.is_none_or(|h| lead <= h)
    }

    /// Outcome of a trial with the given draws (optionally one contributor
    /// forced to decline): (joined, arrived personnel, success).
    fn play(
        &self,
        states: &[usize],
        d: &[&Draw],
        forced: Option<usize>,
    ) -> (Vec<bool>, Vec<i64>, bool) {
        let joined = self.negotiate(states, d, forced);
        let personnel: Vec<i64> = (0..d.len())
            .map(|i| {
                if joined[i] && self.arrives(d[i].lead) {
                    d[i].deployed
                } else {
                    0
                }
            })
            .collect();
        let total: i64 = personnel.iter().sum();
        let success = total >= self.s.target as i64 && self.roles_met(&personnel);
        (joined, personnel, success)
    }
}

fn committed(d: &[&Draw], joined: &[bool], me: usize) -> i64 {
    (0..d.len())
        .filter(|&j| j != me && joined[j])
        .map(|j| d[j].pledge)
        .sum()
}

/// Months of timeline.csv given the horizon, or (without one) the largest
/// lead time of a joined contributor.
pub fn timeline_months(horizon: Option<f64>, max_joined_lead: f64) -> Vec<f64> {
    match horizon {
        Some(h) => {
            let mut v: Vec<f64> = (0..=h.floor() as i64).map(|m| m as f64).collect();
            if h.fract() != 0.0 {
                v.push(h);
            }
            v
        }
        None => (0..=max_joined_lead.ceil() as i64)
            .map(|m| m as f64)
            .collect(),
    }
}

/// One listed outcome, kept for the timeline (computed once the months are known).
struct Record {
    p: f64,
    /// (lead, deployed, accepted roles) of each joined contributor.
    joined: Vec<(f64, i64, u32)>,
}

pub fn enumerate(s: &Scenario) -> Exact {
    let roles = s.role_list();
    let all_roles: u32 = (1u32 << roles.len()) - 1;
    let compiled = Compiled {
        s,
        clauses: s
            .contributors
            .iter()
            .map(|c| c.requires.iter().map(|t| parse_clause(s, t)).collect())
            .collect(),
        accepts: s
            .contributors
            .iter()
            .map(|c| match &c.roles {
                None => all_roles,
                Some(names) => names.iter().fold(0, |m, n| {
                    let k = roles
                        .iter()
                        .position(|(r, _)| r == n)
                        .unwrap_or_else(|| panic!("unknown role {n}"));
                    m | (1 << k)
                }),
            })
            .collect(),
        mins: roles.iter().map(|(_, m)| *m).collect(),
        parents: s
            .conditions
            .iter()
            .map(|c| c.parent().map(|p| s.condition_index(p)))
            .collect(),
    };
    let nc = s.contributors.len();
    let mut ex = Exact {
        contributors: vec![ContributorExact::default(); nc],
        roles: roles
            .iter()
            .map(|(name, min)| RoleExact {
                name: name.clone(),
                minimum: *min,
                ..Default::default()
            })
            .collect(),
        conditions: s
            .conditions
            .iter()
            .map(|c| {
                let states = c
                    .states()
                    .into_iter()
                    .map(|state| StateExact {
                        state,
                        ..Default::default()
                    })
                    .collect();
                (c.name.clone(), states)
            })
            .collect(),
        ..Default::default()
    };
    for (i, c) in s.contributors.iter().enumerate() {
        let mut reasons = vec![
            ("declined".to_string(), 0.0, 0.0),
            ("vetoed".to_string(), 0.0, 0.0),
        ];
        reasons.extend(c.requires.iter().map(|t| (t.clone(), 0.0, 0.0)));
        if s.horizon.is_some() {
            reasons.push(("late".to_string(), 0.0, 0.0));
        }
        let mut losses: Vec<(String, f64, f64)> =
            reasons.iter().map(|r| (r.0.clone(), 0.0, 0.0)).collect();
        losses.push(("not delivered".to_string(), 0.0, 0.0));
        losses.push(("in theatre".to_string(), 0.0, 0.0));
        ex.contributors[i].losses = losses;
        ex.contributors[i].blockers = reasons;
    }
    let mut records: Vec<Record> = Vec::new();

    // Every combination of condition states.
    let state_counts: Vec<usize> = s.conditions.iter().map(|c| c.states().len()).collect();
    let mut states = vec![0usize; s.conditions.len()];
    loop {
        let p_states: f64 = (0..states.len())
            .map(|c| compiled.state_prob(c, &states))
            .product();
        if p_states > 0.0 {
            let draws: Vec<Vec<Draw>> = (0..nc).map(|i| compiled.draws(i, &states)).collect();
            let mut idx = vec![0usize; nc];
            loop {
                let d: Vec<&Draw> = (0..nc).map(|i| &draws[i][idx[i]]).collect();
                let p = p_states * d.iter().map(|x| x.p).product::<f64>();
                accumulate(&compiled, &mut ex, &mut records, &states, &d, p);
                if !advance(&mut idx, &draws.iter().map(|v| v.len()).collect::<Vec<_>>()) {
                    break;
                }
            }
        }
        if !advance(&mut states, &state_counts) {
            break;
        }
    }

    // Timeline.
    let max_lead = records
        .iter()
        .filter(|r| r.p > 0.0)
        .flat_map(|r| r.joined.iter().map(|j| j.0))
        .fold(0.0f64, f64::max);
    if s.horizon.is_none() {
        let top = max_lead.ceil();
        let q: f64 = records
            .iter()
            .filter(|r| {
                let m = r.joined.iter().map(|j| j.0).fold(0.0f64, f64::max);
                m.ceil() == top
            })
            .map(|r| r.p)
            .sum();
        ex.max_joined_lead = Some((max_lead, q));
    }
    for month in timeline_months(s.horizon, max_lead) {
        let mut me = MonthExact {
            month,
            ..Default::default()
        };
        for r in &records {
            let personnel: Vec<i64> = r
                .joined
                .iter()
                .map(|&(lead, deployed, _)| if lead <= month { deployed } else { 0 })
                .collect();
            let accepts: Vec<u32> = r.joined.iter().map(|j| j.2).collect();
            let total: i64 = personnel.iter().sum();
            let reached = total >= s.target as i64;
            let met = roles_met_with(&compiled.mins, &personnel, &accepts);
            if reached {
                me.p_target += r.p;
            }
            if reached && met {
                me.p_success += r.p;
            }
            me.m1 += r.p * total as f64;
            me.m2 += r.p * (total as f64).powi(2);
        }
        ex.timeline.push(me);
        // fan.csv: the personnel arrived by this month.
        let mut dist: BTreeMap<i64, f64> = BTreeMap::new();
        for r in &records {
            let total: i64 = r.joined.iter().filter(|j| j.0 <= month).map(|j| j.1).sum();
            *dist.entry(total).or_insert(0.0) += r.p;
        }
        ex.fan.push(dist);
    }
    // milestones.csv: the first arrival by which the personnel reached
    // each milestone.
    for level in milestones(s) {
        let mut m = MilestoneExact {
            level,
            ..Default::default()
        };
        for r in &records {
            let arrived: Vec<&(f64, i64, u32)> = r
                .joined
                .iter()
                .filter(|j| s.horizon.is_none_or(|h| j.0 <= h))
                .collect();
            let first = arrived
                .iter()
                .map(|j| j.0)
                .filter(|&t| {
                    arrived
                        .iter()
                        .filter(|j| j.0 <= t)
                        .map(|j| j.1)
                        .sum::<i64>()
                        >= level
                })
                .fold(f64::INFINITY, f64::min);
            if first.is_finite() {
                m.p_reached += r.p;
                m.months.push((first, r.p));
            }
        }
        ex.milestones.push(m);
    }
    ex
}

/// The milestones of spec section 6 when the scenario names none:
/// max(1, round(x)) for a quarter, half, three quarters and all of the
/// target, without repeats.
pub fn milestones(s: &Scenario) -> Vec<i64> {
    if let Some(m) = &s.milestones {
        return m.clone();
    }
    let mut out: Vec<i64> = Vec::new();
    for x in [0.25, 0.5, 0.75, 1.0] {
        let m = round_people(s.target as f64 * x).max(1);
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

fn roles_met_with(mins: &[u64], personnel: &[i64], accepts: &[u32]) -> bool {
    let r = mins.len();
    (1u32..(1 << r)).all(|set| {
        let need: u64 = (0..r)
            .filter(|k| set & (1 << k) != 0)
            .map(|k| mins[k])
            .sum();
        let have: i64 = personnel
            .iter()
            .zip(accepts)
            .filter(|(_, a)| *a & set != 0)
            .map(|(p, _)| *p)
            .sum();
        need as i64 <= have
    })
}

/// Odometer over index vectors; false once every combination was visited.
fn advance(idx: &mut [usize], counts: &[usize]) -> bool {
    for k in (0..idx.len()).rev() {
        idx[k] += 1;
        if idx[k] < counts[k] {
            return true;
        }
        idx[k] = 0;
    }
    false
}

fn accumulate(
    c: &Compiled,
    ex: &mut Exact,
    records: &mut Vec<Record>,
    states: &[usize],
    d: &[&Draw],
    p: f64,
) {
    if p == 0.0 {
        return;
    }
    let s = c.s;
    let nc = d.len();
    ex.total_probability += p;
    ex.outcomes += 1;
    let (joined, personnel, success) = c.play(states, d, None);
    let total: i64 = personnel.iter().sum();
    let reached = total >= s.target as i64;
    let met = c.roles_met(&personnel);
    assert_eq!(success, reached && met);
    if success {
        ex.p_success += p;
    }
    if reached {
        ex.p_target += p;
    }
    if met {
        ex.p_roles += p;
    }
    ex.m1 += p * total as f64;
    ex.m2 += p * (total as f64).powi(2);
    *ex.totals.entry(total).or_insert(0.0) += p;

    for i in 0..nc {
        let ce = &mut ex.contributors[i];
        let arrived = joined[i] && c.arrives(d[i].lead);
        if joined[i] {
            ce.p_joined += p;
            ce.m1_joined += p * personnel[i] as f64;
            ce.m2_joined += p * (personnel[i] as f64).powi(2);
            if success {
                ce.p_joined_and_success += p;
            }
        }
        if arrived {
            ce.p_arrived += p;
            let stages = ce.losses.len();
            let not_delivered = (d[i].pledge - d[i].deployed) as f64;
            ce.losses[stages - 2].1 += p * not_delivered;
            ce.losses[stages - 2].2 += p * not_delivered.powi(2);
            ce.losses[stages - 1].1 += p * d[i].deployed as f64;
            ce.losses[stages - 1].2 += p * (d[i].deployed as f64).powi(2);
        } else {
            // Which reasons hold, in blockers.csv order. One that joined
            // has the one reason `late` (spec section 2), even when a clause
            // of its own has since turned false as others joined.
            let committed = committed(d, &joined, i);
            let mut holds = vec![!joined[i] && !d[i].willing, !joined[i] && d[i].vetoed];
            holds.extend(
                c.clauses[i]
                    .iter()
                    .map(|e| !joined[i] && !e.eval(states, &joined, committed)),
            );
            if s.horizon.is_some() {
                // Late: joined, but arriving after the horizon (spec §2).
                holds.push(joined[i] && !c.arrives(d[i].lead));
            }
            let first = holds
                .iter()
                .position(|&h| h)
                .unwrap_or_else(|| panic!("contributor {i} did not arrive without a reason"));
            if joined[i]
                && c.clauses[i]
                    .iter()
                    .any(|e| !e.eval(states, &joined, committed))
            {
                // Joined but late, with a clause that turned false as others
                // joined after it: the case the rule above decides.
                ce.p_late_clause_first += p;
            }
            ce.blockers[first].1 += p;
            ce.losses[first].1 += p * d[i].pledge_m1;
            ce.losses[first].2 += p * d[i].pledge_m2;
            for (k, &h) in holds.iter().enumerate() {
                if h {
                    ce.blockers[k].2 += p;
                }
            }
        }
        if success && !c.play(states, d, Some(i)).2 {
            ce.p_pivotal += p;
        }
    }

    for (k, role) in ex.roles.iter_mut().enumerate() {
        let avail: i64 = (0..nc)
            .filter(|&i| c.accepts[i] & (1 << k) != 0)
            .map(|i| personnel[i])
            .sum();
        if avail >= role.minimum as i64 {
            role.p_met += p;
        }
        role.m1 += p * avail as f64;
        role.m2 += p * (avail as f64).powi(2);
    }

    for (ci, (_, st)) in ex.conditions.iter_mut().enumerate() {
        st[states[ci]].p_state += p;
        if success {
            st[states[ci]].p_state_and_success += p;
        }
    }

    let names: Vec<&str> = (0..nc)
        .filter(|&i| joined[i])
        .map(|i| s.contributors[i].name.as_str())
        .collect();
    let key = if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join("+")
    };
    let co = ex.coalitions.entry(key).or_default();
    co.p += p;
    if success {
        co.p_and_success += p;
    }

    records.push(Record {
        p,
        joined: (0..nc)
            .filter(|&i| joined[i])
            .map(|i| (d[i].lead, d[i].deployed, c.accepts[i]))
            .collect(),
    });
}
