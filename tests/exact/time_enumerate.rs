//! Exact results of a small format-2 scenario (spec §5, §6), by listing
//! every trial up to what can change its outcome: every month-0 state,
//! every outcome of every change, and every cell of each contributor's
//! uniforms. One uniform is read through different thresholds or branches
//! at different times (§5.2 "one draw, compared with whatever threshold
//! holds"; §5.4 "the uniform of a draw does not depend on which branch is
//! taken"), so its cells lie between every breakpoint of every way it can
//! be read: every probability of every branch of `p_join` / `veto`, every
//! cumulative weight share of every branch of `troops`, `delivery`,
//! `lead_months`. Each cell weighs its length and is played with its
//! midpoint.
//!
//! Readings where the text leaves room (with those of time_trial.rs):
//! - personnel at a month m (timeline, fan) is the personnel after the
//!   last decision time <= m; a milestone's month is the first decision
//!   time at which personnel reaches it;
//! - `p_joined_given_success` is P(in the coalition at H | success), and
//!   a contributor can be pivotal without being in the coalition at H (it
//!   carried a success and left afterwards);
//! - losses: a contributor out of theatre at H puts its whole pledge (its
//!   latest joining's) under its first reason, even when it was in theatre
//!   earlier.

use super::time_model::{Contributor, OnUnmet, Scenario};
use super::time_trial::{Changes, Draws, Played, Trial, Uniforms, people};
use crate::exact::enumerate::{
    ContributorExact, Exact, MilestoneExact, MonthExact, RoleExact, StateExact, milestones,
    timeline_months,
};
use crate::exact::model;
use std::collections::BTreeMap;

/// How often the situations the scenarios are meant to cover occur.
#[derive(Debug, Default)]
pub struct Events {
    /// Per contributor: left at some time; joined more than once; in
    /// theatre at H having arrived exactly at H.
    pub left: Vec<f64>,
    pub rejoined: Vec<f64>,
    pub arrived_at_horizon: Vec<f64>,
    /// An arrival at a start or end of a change.
    pub arrival_at_change: f64,
    /// Two changes starting at the same time, at most H.
    pub same_start: f64,
}

/// The cells of [0, 1) between the breakpoints: (midpoint, length).
pub fn cells(mut breaks: Vec<f64>) -> Vec<(f64, f64)> {
    breaks.retain(|b| *b > 0.0 && *b < 1.0);
    breaks.extend([0.0, 1.0]);
    breaks.sort_by(f64::total_cmp);
    breaks.dedup();
    breaks
        .windows(2)
        .map(|w| ((w[0] + w[1]) / 2.0, w[1] - w[0]))
        .collect()
}

/// Every cell of a contributor's five uniforms, with its probability.
fn uniform_cells(c: &Contributor) -> Vec<(Uniforms, f64)> {
    let probs = |t: &super::time_model::Tree<f64>| cells(t.leaves().into_iter().copied().collect());
    let dist = |t: &super::time_model::Tree<super::time_model::Dist>| {
        cells(t.leaves().iter().flat_map(|d| d.breaks()).collect())
    };
    let each = [
        probs(&c.p_join),
        probs(&c.veto),
        dist(&c.troops),
        dist(&c.delivery),
        dist(&c.lead),
    ];
    let mut out = vec![([0.0; 5], 1.0)];
    for (k, list) in each.iter().enumerate() {
        out = out
            .iter()
            .flat_map(|(u, p)| {
                list.iter().map(move |(x, q)| {
                    let mut u = *u;
                    u[k] = *x;
                    (u, p * q)
                })
            })
            .collect();
    }
    out
}

/// Every outcome of every change given the month-0 states `st`.
fn change_outcomes(s: &Scenario, st: &[usize]) -> Vec<(Changes, f64)> {
    let mut out: Vec<(Changes, f64)> = vec![(vec![Vec::new(); s.conditions.len()], 1.0)];
    for (c, cond) in s.conditions.iter().enumerate() {
        for ch in &cond.changes {
            let happens = *ch.p.at(st);
            let lasts = ch.lasts.as_ref().map(|l| l.at(st).outcomes());
            let mut opts = vec![(None, 1.0 - happens)];
            for (m, pm) in ch.month.at(st).outcomes() {
                for (l, pl) in lasts.clone().unwrap_or(vec![(f64::INFINITY, 1.0)]) {
                    opts.push((Some((m, m + l)), happens * pm * pl));
                }
            }
            opts.retain(|o| o.1 > 0.0);
            out = out
                .iter()
                .flat_map(|(v, q)| {
                    opts.iter().map(move |(o, r)| {
                        let mut v = v.clone();
                        v[c].push(*o);
                        (v, q * r)
                    })
                })
                .collect();
        }
    }
    out
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

/// The format-1 model of what the comparison reads of a scenario: names,
/// target, horizon, start and milestones.
pub fn shape(s: &Scenario) -> model::Scenario {
    let mut m = model::Scenario::new(&s.name, s.target);
    m.horizon = Some(s.horizon);
    m.start = s.start.clone();
    m.milestones = s.milestones.clone();
    let zero = || model::Dist::Fixed(0.0);
    m.contributors = s
        .contributors
        .iter()
        .map(|c| model::Contributor::new(&c.name, model::Prob::Fixed(0.0), zero()))
        .collect();
    m
}

/// Blocker reasons of contributor c, in blockers.csv's order.
pub fn reason_names(c: &Contributor) -> Vec<String> {
    let mut v = vec!["declined".to_string(), "vetoed".to_string()];
    v.extend(c.requires.iter().map(|r| r.0.clone()));
    if c.on_unmet != OnUnmet::Stay {
        v.extend(["withdrew".to_string(), "left".to_string()]);
    }
    v.push("late".to_string());
    v
}

pub fn enumerate(s: &Scenario) -> (Exact, Events) {
    let nc = s.contributors.len();
    let levels = milestones(&shape(s));
    let months = timeline_months(Some(s.horizon), 0.0);
    let mut ex = Exact {
        contributors: s
            .contributors
            .iter()
            .map(|c| {
                let reasons = reason_names(c);
                let mut losses: Vec<(String, f64, f64)> =
                    reasons.iter().map(|r| (r.clone(), 0.0, 0.0)).collect();
                losses.push(("not delivered".into(), 0.0, 0.0));
                losses.push(("in theatre".into(), 0.0, 0.0));
                ContributorExact {
                    blockers: reasons.into_iter().map(|r| (r, 0.0, 0.0)).collect(),
                    losses,
                    ..Default::default()
                }
            })
            .collect(),
        roles: s
            .roles
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
                let states = c.states.iter().map(|st| StateExact {
                    state: st.clone(),
                    ..Default::default()
                });
                (c.name.clone(), states.collect())
            })
            .collect(),
        timeline: months
            .iter()
            .map(|m| MonthExact {
                month: *m,
                ..Default::default()
            })
            .collect(),
        fan: vec![BTreeMap::new(); months.len()],
        ..Default::default()
    };
    let mut ev = Events {
        left: vec![0.0; nc],
        rejoined: vec![0.0; nc],
        arrived_at_horizon: vec![0.0; nc],
        ..Default::default()
    };
    let mut first_reach: Vec<BTreeMap<u64, f64>> = vec![BTreeMap::new(); levels.len()];
    let ucells: Vec<Vec<(Uniforms, f64)>> = s.contributors.iter().map(uniform_cells).collect();
    let ucounts: Vec<usize> = ucells.iter().map(Vec::len).collect();
    let scounts: Vec<usize> = s.conditions.iter().map(|c| c.states.len()).collect();
    let mut st = vec![0usize; s.conditions.len()];
    loop {
        let p_states: f64 = (0..st.len())
            .map(|c| s.conditions[c].probs.at(&st)[st[c]])
            .product();
        for (changes, p_changes) in change_outcomes(s, &st) {
            if p_states * p_changes == 0.0 {
                continue;
            }
            let mut idx = vec![0usize; nc];
            loop {
                let u: Vec<Uniforms> = (0..nc).map(|i| ucells[i][idx[i]].0).collect();
                let p_u: f64 = (0..nc).map(|i| ucells[i][idx[i]].1).product();
                let d = Draws {
                    states0: st.clone(),
                    changes: changes.clone(),
                    u,
                };
                let p = p_states * p_changes * p_u;
                if p > 0.0 {
                    let trial = Trial { s, d: &d };
                    let played = trial.play(None);
                    let acc = Acc {
                        s,
                        trial: &trial,
                        p,
                        levels: &levels,
                        months: &months,
                    };
                    acc.add(&played, &mut ex, &mut ev, &mut first_reach);
                }
                if !advance(&mut idx, &ucounts) {
                    break;
                }
            }
        }
        if !advance(&mut st, &scounts) {
            break;
        }
    }
    ex.milestones = levels
        .iter()
        .zip(first_reach)
        .map(|(level, fr)| MilestoneExact {
            level: *level,
            p_reached: fr.values().sum(),
            months: fr
                .into_iter()
                .map(|(t, p)| (f64::from_bits(t), p))
                .collect(),
        })
        .collect();
    (ex, ev)
}

/// Adds one trial of probability p.
struct Acc<'a> {
    s: &'a Scenario,
    trial: &'a Trial<'a>,
    p: f64,
    levels: &'a [i64],
    months: &'a [f64],
}

impl Acc<'_> {
    fn add(&self, pl: &Played, ex: &mut Exact, ev: &mut Events, first: &mut [BTreeMap<u64, f64>]) {
        let (s, p) = (self.s, self.p);
        let nc = s.contributors.len();
        let target = s.target as i64;
        ex.total_probability += p;
        ex.outcomes += 1;
        let success_by = |m: f64| {
            let by = pl.steps.iter().filter(|x| x.t <= m);
            by.clone().any(|x| x.personnel >= target && x.roles_met)
        };
        let reached_by = |m: f64| pl.steps.iter().any(|x| x.t <= m && x.personnel >= target);
        let at = |m: f64| pl.steps.iter().rev().find(|x| x.t <= m).unwrap().personnel;
        let success = success_by(s.horizon);
        let total = at(s.horizon);
        ex.p_success += p * success as u8 as f64;
        ex.p_target += p * reached_by(s.horizon) as u8 as f64;
        ex.p_roles += p * pl.steps.iter().any(|x| x.roles_met) as u8 as f64;
        ex.m1 += p * total as f64;
        ex.m2 += p * (total as f64).powi(2);
        *ex.totals.entry(total).or_insert(0.0) += p;

        for (k, &m) in self.months.iter().enumerate() {
            let me = &mut ex.timeline[k];
            me.p_target += p * reached_by(m) as u8 as f64;
            me.p_success += p * success_by(m) as u8 as f64;
            me.m1 += p * at(m) as f64;
            me.m2 += p * (at(m) as f64).powi(2);
            *ex.fan[k].entry(at(m)).or_insert(0.0) += p;
        }
        for (k, level) in self.levels.iter().enumerate() {
            if let Some(x) = pl.steps.iter().find(|x| x.personnel >= *level) {
                *first[k].entry(x.t.to_bits()).or_insert(0.0) += p;
            }
        }

        let states_h = self.trial.states_at(s.horizon);
        for i in 0..nc {
            let c = &s.contributors[i];
            let ce = &mut ex.contributors[i];
            let mine = pl.personnel(i);
            if pl.member[i] {
                ce.p_joined += p;
                ce.m1_joined += p * mine as f64;
                ce.m2_joined += p * (mine as f64).powi(2);
                ce.p_joined_and_success += p * success as u8 as f64;
            }
            let pledge = match pl.joining[i] {
                Some((pledge, _)) => pledge,
                None => people(c.troops.at(&states_h).value(self.trial.d.u[i][2])),
            };
            let stages = ce.losses.len();
            let mut put = |k: usize, x: i64| {
                ce.losses[k].1 += p * x as f64;
                ce.losses[k].2 += p * (x as f64).powi(2);
            };
            if pl.in_theatre[i] {
                ce.p_arrived += p;
                put(stages - 2, pledge - mine);
                put(stages - 1, mine);
            } else {
                let holds = self.trial.blockers(i, pl);
                let f = holds.iter().position(|h| *h).unwrap();
                put(f, pledge);
                ce.blockers[f].1 += p;
                for (k, h) in holds.iter().enumerate() {
                    ce.blockers[k].2 += p * *h as u8 as f64;
                }
            }
            if success && !success_of(&self.trial.play(Some(i)), target) {
                ce.p_pivotal += p;
            }
            ev.left[i] += p * pl.left_at[i].is_some() as u8 as f64;
            ev.rejoined[i] += p * (pl.joins[i] > 1) as u8 as f64;
            let at_h = pl.in_theatre[i] && pl.arrival[i] == s.horizon;
            ev.arrived_at_horizon[i] += p * at_h as u8 as f64;
        }
        ev.arrival_at_change +=
            p * pl.steps.iter().any(|x| x.arrivals > 0 && x.change) as u8 as f64;
        let starts: Vec<f64> = self
            .trial
            .d
            .changes
            .iter()
            .flatten()
            .flatten()
            .map(|x| x.0)
            .collect();
        let same = starts
            .iter()
            .enumerate()
            .any(|(k, a)| *a <= s.horizon && starts[k + 1..].contains(a));
        ev.same_start += p * same as u8 as f64;

        let per: Vec<i64> = (0..nc).map(|i| pl.personnel(i)).collect();
        for (k, role) in ex.roles.iter_mut().enumerate() {
            let avail: i64 = (0..nc)
                .filter(|&i| s.contributors[i].accepts >> k & 1 == 1)
                .map(|i| per[i])
                .sum();
            role.p_met += p * (avail >= role.minimum as i64) as u8 as f64;
            role.m1 += p * avail as f64;
            role.m2 += p * (avail as f64).powi(2);
        }
        for (c, (_, states)) in ex.conditions.iter_mut().enumerate() {
            let state = &mut states[self.trial.d.states0[c]];
            state.p_state += p;
            state.p_state_and_success += p * success as u8 as f64;
        }
        let names: Vec<&str> = (0..nc)
            .filter(|&i| pl.member[i])
            .map(|i| s.contributors[i].name.as_str())
            .collect();
        let key = if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join("+")
        };
        let co = ex.coalitions.entry(key).or_default();
        co.p += p;
        co.p_and_success += p * success as u8 as f64;
    }
}

/// Success of a played trial: at some decision time, the target and the
/// roles at once.
pub fn success_of(pl: &Played, target: i64) -> bool {
    pl.steps
        .iter()
        .any(|x| x.personnel >= target && x.roles_met)
}
