//! One format-2 trial played from its draws, as spec §5.1 and §5.2 describe
//! it: the states at each decision time, the leaving and joining rounds,
//! arrivals, and the blocker reasons read at the horizon.
//!
//! Readings where the text leaves room:
//! - personnel and roles "at t" are read after all processing at t, so a
//!   contributor that arrives and leaves at the same t never counts;
//! - a pass at t is leaving rounds, then joining rounds, repeated while
//!   either changed something; a contributor that joined at t may leave in
//!   a later pass at t (and, having left, not join again at t);
//! - `withdraw` applies to members only: a contributor that has never
//!   joined keeps its chances at later decision times;
//! - `left` holds only when no other reason does (it has then necessarily
//!   left at the last decision time, which the play asserts);
//! - the pledge of a contributor that never joined is its uniform read
//!   through `troops` at the states at H (§6).

use super::time_clause::View;
use super::time_model::{OnUnmet, Scenario};

/// The uniforms of one contributor: willing, vetoed, pledge, delivery, lead.
pub type Uniforms = [f64; 5];

/// Per condition, per change: (start, end) when it happens in the trial.
pub type Changes = Vec<Vec<Option<(f64, f64)>>>;

/// Everything a trial draws.
pub struct Draws {
    pub states0: Vec<usize>,
    pub changes: Changes,
    pub u: Vec<Uniforms>,
}

/// After all processing at one decision time.
#[derive(Clone, Debug)]
pub struct Step {
    pub t: f64,
    pub personnel: i64,
    pub roles_met: bool,
    /// Members whose personnel arrived at t, and whether t is also a start
    /// or end of a change (the scenarios' coverage reads these).
    pub arrivals: usize,
    pub change: bool,
}

/// A played trial: its steps and the state at the horizon.
pub struct Played {
    pub steps: Vec<Step>,
    pub member: Vec<bool>,
    pub in_theatre: Vec<bool>,
    /// Latest joining's pledge and deployed count; None: never joined.
    pub joining: Vec<Option<(i64, i64)>>,
    pub arrival: Vec<f64>,
    pub withdrawn: Vec<bool>,
    pub left_at: Vec<Option<f64>>,
    /// Number of times each contributor joined.
    pub joins: Vec<u32>,
}

impl Played {
    /// Personnel in theatre at H of contributor i.
    pub fn personnel(&self, i: usize) -> i64 {
        if self.in_theatre[i] {
            self.joining[i].unwrap().1
        } else {
            0
        }
    }
}

pub struct Trial<'a> {
    pub s: &'a Scenario,
    pub d: &'a Draws,
}

/// Rounding of people: nearest, halves away from zero.
pub fn people(x: f64) -> i64 {
    x.round() as i64
}

impl Trial<'_> {
    /// §5.1: the `to` of the change in effect at t that started last (equal
    /// starts: the later in the file), else the month-0 state.
    pub fn states_at(&self, t: f64) -> Vec<usize> {
        let conds = self.s.conditions.iter().enumerate();
        conds
            .map(|(c, cond)| {
                let mut best: Option<(f64, usize)> = None;
                for (k, ch) in cond.changes.iter().enumerate() {
                    if let Some((start, end)) = self.d.changes[c][k]
                        && start <= t
                        && t < end
                        && best.is_none_or(|b| start >= b.0)
                    {
                        best = Some((start, ch.to));
                    }
                }
                best.map_or(self.d.states0[c], |b| b.1)
            })
            .collect()
    }

    fn static_times(&self) -> Vec<f64> {
        let mut v = vec![0.0];
        for ch in self.d.changes.iter().flatten().flatten() {
            v.extend([ch.0, ch.1]);
        }
        v.retain(|t| *t <= self.s.horizon);
        v
    }

    /// willing, vetoed and each clause of contributor i at the states
    /// `st`, against the coalition of `p` at time t. `never` is never willing.
    fn reasons(
        &self,
        i: usize,
        st: &[usize],
        p: &Played,
        t: f64,
        never: Option<usize>,
    ) -> Vec<bool> {
        let c = &self.s.contributors[i];
        let u = self.d.u[i];
        let n = self.s.contributors.len();
        let in_theatre: Vec<bool> = (0..n).map(|j| p.member[j] && p.arrival[j] <= t).collect();
        let others = (0..n).filter(|&j| j != i);
        let committed = others
            .clone()
            .filter(|&j| p.member[j])
            .map(|j| p.joining[j].unwrap().0);
        let deployed = others
            .filter(|&j| in_theatre[j])
            .map(|j| p.joining[j].unwrap().1);
        let view = View {
            states: st,
            member: &p.member,
            in_theatre: &in_theatre,
            committed: committed.sum(),
            deployed: deployed.sum(),
        };
        let willing = never != Some(i) && u[0] < *c.p_join.at(st);
        let mut r = vec![willing, u[1] < *c.veto.at(st)];
        r.extend(c.requires.iter().map(|(_, e)| e.eval(&view)));
        r
    }

    fn would_join(&self, i: usize, st: &[usize], p: &Played, t: f64, never: Option<usize>) -> bool {
        let r = self.reasons(i, st, p, t, never);
        r[0] && !r[1] && r[2..].iter().all(|x| *x)
    }

    fn join(&self, i: usize, st: &[usize], p: &mut Played, t: f64) {
        let c = &self.s.contributors[i];
        let u = self.d.u[i];
        let pledge = people(c.troops.at(st).value(u[2]));
        let deployed = people(pledge as f64 * c.delivery.at(st).value(u[3]));
        p.member[i] = true;
        p.joining[i] = Some((pledge, deployed));
        p.arrival[i] = t + c.lead.at(st).value(u[4]);
        p.joins[i] += 1;
    }

    /// Plays the trial; `never` is a contributor that is never willing.
    pub fn play(&self, never: Option<usize>) -> Played {
        let s = self.s;
        let n = s.contributors.len();
        let mut p = Played {
            steps: Vec::new(),
            member: vec![false; n],
            in_theatre: vec![false; n],
            joining: vec![None; n],
            arrival: vec![f64::INFINITY; n],
            withdrawn: vec![false; n],
            left_at: vec![None; n],
            joins: vec![0; n],
        };
        let statics = self.static_times();
        let mut t = 0.0;
        loop {
            let st = self.states_at(t);
            loop {
                let mut changed = false;
                // Leaving rounds.
                loop {
                    let mut any = false;
                    for i in 0..n {
                        let on = s.contributors[i].on_unmet;
                        if p.member[i]
                            && on != OnUnmet::Stay
                            && !self.would_join(i, &st, &p, t, never)
                        {
                            p.member[i] = false;
                            p.left_at[i] = Some(t);
                            p.withdrawn[i] |= on == OnUnmet::Withdraw;
                            any = true;
                        }
                    }
                    changed |= any;
                    if !any {
                        break;
                    }
                }
                // Joining rounds.
                loop {
                    let mut any = false;
                    for i in 0..n {
                        let may = !p.member[i] && !p.withdrawn[i] && p.left_at[i] != Some(t);
                        if may && self.would_join(i, &st, &p, t, never) {
                            self.join(i, &st, &mut p, t);
                            any = true;
                        }
                    }
                    changed |= any;
                    if !any {
                        break;
                    }
                }
                if !changed {
                    break;
                }
            }
            p.in_theatre = (0..n).map(|j| p.member[j] && p.arrival[j] <= t).collect();
            let personnel: Vec<i64> = (0..n).map(|j| p.personnel(j)).collect();
            p.steps.push(Step {
                t,
                personnel: personnel.iter().sum(),
                roles_met: roles_met(s, &personnel),
                arrivals: (0..n).filter(|&j| p.member[j] && p.arrival[j] == t).count(),
                change: t > 0.0 && statics.contains(&t),
            });
            let arrivals = (0..n).filter(|&j| p.member[j]).map(|j| p.arrival[j]);
            let next = statics.iter().copied().chain(arrivals);
            let next = next
                .filter(|x| *x > t && *x <= s.horizon)
                .fold(f64::INFINITY, f64::min);
            if next == f64::INFINITY {
                break;
            }
            t = next;
        }
        p
    }

    /// Which blocker reasons hold at H for contributor i, in the order of
    /// blockers.csv: declined, vetoed, its clauses, (withdrew, left when it
    /// is not `stay`,) late. All false when it is in theatre at H.
    pub fn blockers(&self, i: usize, p: &Played) -> Vec<bool> {
        let c = &self.s.contributors[i];
        let timed = c.on_unmet != OnUnmet::Stay;
        let len = 3 + c.requires.len() + 2 * timed as usize;
        let mut out = vec![false; len];
        if p.in_theatre[i] {
            return out;
        }
        if p.member[i] {
            out[len - 1] = true;
            return out;
        }
        let h = self.s.horizon;
        let r = self.reasons(i, &self.states_at(h), p, h, None);
        out[0] = !r[0];
        out[1] = r[1];
        for (k, ok) in r[2..].iter().enumerate() {
            out[2 + k] = !ok;
        }
        if timed {
            let w = 2 + c.requires.len();
            out[w] = p.withdrawn[i];
            if !out.iter().any(|x| *x) {
                let last = p.steps.last().unwrap().t;
                assert_eq!(
                    p.left_at[i],
                    Some(last),
                    "{} is out without a reason",
                    c.name
                );
                out[w + 1] = true;
            }
        }
        assert!(out.iter().any(|x| *x), "{} is out without a reason", c.name);
        out
    }
}

/// Spec §2 step 5 (Hall's condition) for the personnel `per` of each
/// contributor.
pub fn roles_met(s: &Scenario, per: &[i64]) -> bool {
    let r = s.roles.len();
    (1u32..(1 << r)).all(|set| {
        let need: u64 = (0..r)
            .filter(|k| set >> k & 1 == 1)
            .map(|k| s.roles[k].1)
            .sum();
        let have: i64 = (0..per.len())
            .filter(|&i| s.contributors[i].accepts & set != 0)
            .map(|i| per[i])
            .sum();
        need as i64 <= have
    })
}
