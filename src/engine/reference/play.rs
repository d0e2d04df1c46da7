//! One trial over time (§2 steps 3-6, §5.2): the decision times in order,
//! at each the leaving and joining rounds until nothing changes, and the
//! story the tally reads. A format-1 scenario is the case where nobody
//! leaves and nothing changes: one negotiation at month 0, then arrivals.

use super::draws::{Compiled, TrialDraws};
pub use super::moment::{Drawn, Fate, Ground, Joining, Moment, Why};
use super::moment::{bits, present};
use crate::engine::sample::whole;
use crate::limits::MAX_DECISION_TIMES;
use crate::scenario::{OnUnmet, Scenario};
use serde::Serialize;

/// The force after one decision time.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Point {
    /// Months from month 0.
    pub t: f64,
    /// Personnel in theatre (people).
    pub personnel: u64,
    pub roles_met: bool,
}

/// A contributor's personnel in theatre from `arrive` until `leave`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Stint {
    pub contributor: usize,
    /// Months.
    pub arrive: f64,
    /// Months; None when still in theatre at the horizon.
    pub leave: Option<f64>,
    /// People.
    pub deployed: u64,
}

/// A step of a trial, recorded for `muster trace`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A decision time begins; the states in force (state indices).
    Decision { month: f64, states: Vec<u8> },
    /// A contributor joins, with the values read at this time.
    Joined {
        month: f64,
        contributor: usize,
        pledge: u64,
        deployed: u64,
        arrives: f64,
    },
    /// A member leaves: suspends, or withdraws for good.
    Left {
        month: f64,
        contributor: usize,
        withdrew: bool,
        why: Why,
    },
}

/// What happened in one trial.
#[derive(Debug, Clone, Default)]
pub struct Story {
    /// The steps, when recorded (`muster trace`); empty otherwise.
    pub events: Vec<Event>,
    /// After each decision time, in order.
    pub points: Vec<Point>,
    /// Every arrival that happened by the horizon.
    pub stints: Vec<Stint>,
    /// Each contributor at the horizon.
    pub fates: Vec<Fate>,
    /// The states at the horizon.
    pub states: Vec<u8>,
    /// Who is willing and vetoed at the horizon.
    pub drawn: Drawn,
    /// The decision times of the changes (a buffer, kept for reuse).
    fixed: Vec<f64>,
    /// The horizon (months; infinite without one).
    pub horizon: f64,
}

impl Story {
    /// The coalition at the horizon (bit i = contributor i).
    pub fn coalition(&self) -> u64 {
        bits(self.fates.iter().map(|f| f.member))
    }

    /// Who is in theatre at the horizon.
    pub fn in_theatre(&self) -> u64 {
        bits(self.fates.iter().map(|f| f.in_theatre(self.horizon)))
    }

    /// Personnel in theatre at the horizon (people).
    pub fn personnel(&self) -> u64 {
        self.points.last().map_or(0, |p| p.personnel)
    }

    /// The first decision time at which `holds` holds.
    pub fn first(&self, holds: impl Fn(&Point) -> bool) -> Option<&Point> {
        self.points.iter().find(|p| holds(p))
    }

    /// Success: at some t <= H, personnel >= target and the roles met.
    pub fn success(&self, target: u64) -> bool {
        self.first(|p| p.personnel >= target && p.roles_met)
            .is_some()
    }

    /// Personnel in theatre at month `m` (people).
    pub fn personnel_at(&self, m: f64) -> u64 {
        self.points
            .iter()
            .take_while(|p| p.t <= m)
            .last()
            .map_or(0, |p| p.personnel)
    }
}

/// A trial being played.
struct Play<'a> {
    s: &'a Scenario,
    c: &'a Compiled,
    d: &'a TrialDraws,
    fates: Vec<Fate>,
    stints: Vec<Stint>,
    states: Vec<u8>,
    t: f64,
    /// Who is willing and vetoed at the current states.
    drawn: Drawn,
    /// The coalition and the force in theatre now.
    ground: Ground,
    /// The steps, when recorded.
    log: Option<Vec<Event>>,
}

/// Plays the trial; `never_willing` is a contributor replayed as never
/// willing (for pivotal).
pub fn play(s: &Scenario, c: &Compiled, d: &TrialDraws, never_willing: Option<usize>) -> Story {
    play_logged(s, c, d, never_willing, false)
}

/// `play`, recording every step in `Story::events` when `record`.
pub fn play_logged(
    s: &Scenario,
    c: &Compiled,
    d: &TrialDraws,
    never_willing: Option<usize>,
    record: bool,
) -> Story {
    let mut story = Story::default();
    play_into(s, c, d, never_willing, record, &mut story);
    story
}

/// `play_logged` into `story`, reusing its buffers (one story per worker
/// serves every trial of a batch).
pub fn play_into(
    s: &Scenario,
    c: &Compiled,
    d: &TrialDraws,
    never_willing: Option<usize>,
    record: bool,
    story: &mut Story,
) {
    let horizon = s.horizon_months.unwrap_or(f64::INFINITY);
    let mut fixed = std::mem::take(&mut story.fixed);
    fixed.clear();
    fixed.push(0.0);
    fixed.extend(
        d.changes
            .iter()
            .flat_map(|ch| [ch.start, ch.end])
            .filter(|&t| t <= horizon),
    );
    fixed.sort_by(f64::total_cmp);
    fixed.dedup();
    let mut fates = std::mem::take(&mut story.fates);
    fates.clear();
    fates.resize(s.contributors.len(), Fate::default());
    let mut stints = std::mem::take(&mut story.stints);
    stints.clear();
    let mut log = std::mem::take(&mut story.events);
    log.clear();
    let mut p = Play {
        s,
        c,
        d,
        fates,
        stints,
        states: std::mem::take(&mut story.states),
        t: 0.0,
        log: record.then_some(log),
        drawn: Drawn::default(),
        ground: Ground::default(),
    };
    let mut points = std::mem::take(&mut story.points);
    points.clear();
    for _ in 0..MAX_DECISION_TIMES {
        d.states_at(p.t, &mut p.states);
        p.drawn = Drawn::at(c, d, &p.states, never_willing);
        p.ground = Ground::of(&p.fates, p.t);
        if p.log.is_some() {
            let (month, states) = (p.t, p.states.clone());
            p.record(|| Event::Decision { month, states });
        }
        p.settle();
        points.push(p.point());
        let arrivals = p
            .fates
            .iter()
            .filter(|f| f.member)
            .filter_map(|f| f.joining.map(|j| j.arrive));
        let next = fixed
            .iter()
            .copied()
            .chain(arrivals)
            .filter(|&x| x > p.t && x <= horizon)
            .min_by(f64::total_cmp);
        match next {
            Some(x) => p.t = x,
            None => break,
        }
    }
    let mut stints = p.stints;
    for (i, f) in p.fates.iter().enumerate() {
        if let Some(j) = f.joining.filter(|j| f.member && j.arrive <= horizon) {
            stints.push(Stint {
                contributor: i,
                arrive: j.arrive,
                leave: None,
                deployed: j.deployed,
            });
        }
    }
    *story = Story {
        events: p.log.unwrap_or_default(),
        points,
        stints,
        fates: p.fates,
        states: p.states,
        drawn: p.drawn,
        horizon,
        fixed,
    };
}

impl Play<'_> {
    fn record(&mut self, event: impl FnOnce() -> Event) {
        if let Some(log) = &mut self.log {
            log.push(event());
        }
    }

    /// §5.2 steps 2-4 at the current decision time: leaving rounds, then
    /// joining rounds, until neither changes anything.
    fn settle(&mut self) {
        let n = self.s.contributors.len();
        loop {
            let mut changed = false;
            loop {
                let mut somebody_left = false;
                for i in 0..n {
                    let stays = self.s.contributors[i].on_unmet == OnUnmet::Stay;
                    if self.fates[i].member && !stays && !self.would_join(i) {
                        self.leave(i);
                        somebody_left = true;
                    }
                }
                if !somebody_left {
                    break;
                }
                changed = true;
            }
            loop {
                let mut somebody_joined = false;
                for i in 0..n {
                    let f = &self.fates[i];
                    let may = !f.member && !f.withdrew && f.left_at != Some(self.t);
                    if may && self.would_join(i) {
                        self.join(i);
                        somebody_joined = true;
                    }
                }
                if !somebody_joined {
                    break;
                }
                changed = true;
            }
            if !changed {
                return;
            }
        }
    }

    /// What contributors see now.
    fn moment(&self) -> Moment<'_> {
        Moment {
            s: self.s,
            fates: &self.fates,
            states: &self.states,
            drawn: self.drawn,
            ground: self.ground,
        }
    }

    /// Would join now: willing, not vetoed, every clause holds.
    fn would_join(&self, i: usize) -> bool {
        self.moment().why_not(i).is_none()
    }

    /// Joins at the current time, its values read at the current states.
    fn join(&mut self, i: usize) {
        let (u, v) = (&self.d.contributors[i], &self.c.values[i]);
        let pledge = u64::from(whole(v.troops.quantile_at(u.pledge, &self.states)));
        let delivery = v.delivery.quantile_at(u.delivery, &self.states);
        let lead = v.lead.quantile_at(u.lead, &self.states);
        let f = &mut self.fates[i];
        f.member = true;
        f.ever = true;
        let j = Joining {
            pledge,
            deployed: u64::from(whole(pledge as f64 * delivery)),
            arrive: self.t + lead,
        };
        f.joining = Some(j);
        self.ground = Ground::of(&self.fates, self.t);
        let month = self.t;
        self.record(|| Event::Joined {
            month,
            contributor: i,
            pledge: j.pledge,
            deployed: j.deployed,
            arrives: j.arrive,
        });
    }

    /// Leaves at the current time: out of theatre from now, its personnel
    /// not yet arrived never arrive from that joining.
    fn leave(&mut self, i: usize) {
        let t = self.t;
        if self.log.is_some() {
            let why = self.moment().why_not(i).unwrap_or(Why::NotWilling);
            let withdrew = self.s.contributors[i].on_unmet == OnUnmet::Withdraw;
            self.record(|| Event::Left {
                month: t,
                contributor: i,
                withdrew,
                why,
            });
        }
        let withdraws = self.s.contributors[i].on_unmet == OnUnmet::Withdraw;
        let f = &mut self.fates[i];
        if let Some(j) = f.joining.filter(|j| j.arrive <= t) {
            self.stints.push(Stint {
                contributor: i,
                arrive: j.arrive,
                leave: Some(t),
                deployed: j.deployed,
            });
        }
        f.member = false;
        f.withdrew |= withdraws;
        f.left_at = Some(t);
        self.ground = Ground::of(&self.fates, self.t);
    }

    /// The force now.
    fn point(&self) -> Point {
        let present = |set: u64| present(&self.fates, self.t, set);
        Point {
            t: self.t,
            personnel: present(u64::MAX),
            roles_met: self
                .c
                .role_sets
                .iter()
                .all(|rs| rs.demand <= present(rs.accepting)),
        }
    }
}

/// Everyone at the horizon, against the coalition there (for the
/// blockers).
pub fn at_horizon<'a>(s: &'a Scenario, story: &'a Story) -> Moment<'a> {
    Moment {
        s,
        fates: &story.fates,
        states: &story.states,
        drawn: story.drawn,
        ground: Ground::of(&story.fates, story.horizon),
    }
}
