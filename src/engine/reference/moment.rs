//! What a contributor sees at one moment of a trial (§5.2): whether it is
//! willing and vetoed at the states in force, what its clauses read
//! (coalition, pledges, who is in theatre), and so whether it would join now.

use super::draws::{Compiled, TrialDraws};
use crate::scenario::Scenario;
use crate::scenario::clause::Now;
use serde::Serialize;

/// A contributor's latest joining.
#[derive(Debug, Clone, Copy, Default)]
pub struct Joining {
    /// People, read through the distribution in force at the joining time.
    pub pledge: u64,
    /// People: round(pledge × delivery).
    pub deployed: u64,
    /// Month its personnel arrive (joining time + lead time).
    pub arrive: f64,
}

/// Where a contributor stands.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fate {
    /// In the coalition now.
    pub member: bool,
    /// Was in the coalition at some decision time.
    pub ever: bool,
    /// Withdrew (`on_unmet = "withdraw"`): never joins again.
    pub withdrew: bool,
    /// The decision time at which it last left (it may not rejoin there).
    pub left_at: Option<f64>,
    pub joining: Option<Joining>,
}

impl Fate {
    /// In theatre at `t`: a member whose personnel has arrived.
    pub fn in_theatre(&self, t: f64) -> bool {
        self.member && self.joining.is_some_and(|j| j.arrive <= t)
    }
}

/// Why a contributor would not join at a moment: the first of these.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    NotWilling,
    Vetoed,
    /// Clause k (from 0, as written) fails.
    Clause(usize),
}

/// One moment of a trial: the states in force and where everyone stands.
pub struct Moment<'a> {
    pub s: &'a Scenario,
    pub fates: &'a [Fate],
    pub states: &'a [u8],
    /// Who is willing and who is vetoed at these states (`Drawn::at`).
    pub drawn: Drawn,
    /// Who is in the coalition and in theatre (`Ground::of`).
    pub ground: Ground,
}

/// The coalition and the force in theatre at one moment, as sets and sums
/// over everyone (a contributor's clauses read them without its own part).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ground {
    /// Members (bit i).
    pub joined: u64,
    /// Members whose personnel has arrived (bit i).
    pub in_theatre: u64,
    /// Pledges of every member (people).
    pub committed: u64,
    /// Personnel in theatre (people).
    pub deployed: u64,
}

impl Ground {
    pub fn of(fates: &[Fate], t: f64) -> Ground {
        let mut g = Ground::default();
        for (i, f) in fates.iter().enumerate() {
            if let Some(j) = f.joining.filter(|_| f.member) {
                g.joined |= 1 << i;
                g.committed += j.pledge;
                if j.arrive <= t {
                    g.in_theatre |= 1 << i;
                    g.deployed += j.deployed;
                }
            }
        }
        g
    }
}

/// Who is willing and who is vetoed at some states: each contributor's
/// word against the threshold in force there (bit i = contributor i).
#[derive(Debug, Clone, Copy, Default)]
pub struct Drawn {
    pub willing: u64,
    pub vetoed: u64,
}

impl Drawn {
    /// At `states`; `never_willing` is a contributor replayed as never
    /// willing (for pivotal).
    pub fn at(c: &Compiled, d: &TrialDraws, states: &[u8], never_willing: Option<usize>) -> Drawn {
        let mut drawn = Drawn::default();
        for (i, u) in d.contributors.iter().enumerate() {
            let willing = u64::from(u.willing) < c.willing[i].threshold_at(states);
            drawn.willing |= u64::from(willing && never_willing != Some(i)) << i;
            drawn.vetoed |= u64::from(u64::from(u.vetoed) < c.vetoed[i].threshold_at(states)) << i;
        }
        drawn
    }
}

impl Moment<'_> {
    /// Willing at the states in force: its word against the threshold in force.
    pub fn willing(&self, i: usize) -> bool {
        self.drawn.willing >> i & 1 == 1
    }

    pub fn vetoed(&self, i: usize) -> bool {
        self.drawn.vetoed >> i & 1 == 1
    }

    /// What contributor `i`'s clauses read now: the others' pledges and
    /// personnel in theatre.
    pub fn now(&self, i: usize) -> Now<'_> {
        let g = &self.ground;
        let own = self.fates[i].joining.unwrap_or_default();
        let member = g.joined >> i & 1;
        let present = g.in_theatre >> i & 1;
        Now {
            states: self.states,
            joined: g.joined,
            committed: g.committed - own.pledge * member,
            in_theatre: g.in_theatre,
            deployed: g.deployed - own.deployed * present,
        }
    }

    /// The first reason contributor `i` would not join now, if any.
    pub fn why_not(&self, i: usize) -> Option<Why> {
        if !self.willing(i) {
            return Some(Why::NotWilling);
        }
        if self.vetoed(i) {
            return Some(Why::Vetoed);
        }
        let now = self.now(i);
        self.s.contributors[i]
            .requires
            .iter()
            .position(|k| !k.expr.holds_at(&now))
            .map(Why::Clause)
    }
}

/// Personnel in theatre at `t` of the contributors in `set` (bit i; people).
pub fn present(fates: &[Fate], t: f64, set: u64) -> u64 {
    fates
        .iter()
        .enumerate()
        .filter(|(i, f)| set >> i & 1 == 1 && f.in_theatre(t))
        .filter_map(|(_, f)| f.joining.map(|j| j.deployed))
        .sum()
}

/// A set as bits: bit i for the i-th flag.
pub fn bits(flags: impl Iterator<Item = bool>) -> u64 {
    flags.enumerate().fold(0, |m, (i, b)| m | u64::from(b) << i)
}
