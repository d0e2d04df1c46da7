//! Integer tallies of a run: plain counters with an exact `merge`, so that
//! threads, batches and shards combine to the same numbers in any order.

use super::binned::Binned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything the result files are computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Trials counted.
    pub trials: u64,
    /// Trials that succeeded (target reached and roles met).
    pub success: u64,
    /// Trials whose arrived personnel reached the target.
    pub reached: u64,
    /// Trials whose role minimums were met.
    pub roles_met: u64,
    /// Sum of arrived personnel over trials (people).
    pub personnel_sum: u64,
    /// Sum of squared arrived personnel, as decimal text (people², u128).
    #[serde(with = "u128_text")]
    pub personnel_sq: u128,
    /// `histogram[x]`: trials whose arrived personnel was exactly x people.
    pub histogram: Vec<u64>,
    pub contributors: Vec<ContributorTally>,
    pub roles: Vec<RoleTally>,
    /// Per condition, per state.
    pub conditions: Vec<Vec<StateTally>>,
    /// Final coalition (bit i = contributor i) -> [trials, successes];
    /// kept only for scenarios with at most 20 contributors.
    pub coalitions: BTreeMap<u64, [u64; 2]>,
    pub timeline: TimelineTally,
    /// Per milestone (`Scenario::milestones`), per point of the month grid
    /// (`Rows::reach_point`): trials that first reached it at that point.
    pub milestones: Vec<Vec<u64>>,
    /// Personnel at the timeline's rows, binned on the exceedance table's
    /// step (fan.csv), as changes: at row 0 each trial counts in the bin of
    /// its personnel; at each later row where its personnel changes, it
    /// leaves the old bin and counts in the new one. The counts by bin at a
    /// row are the sums over rows up to it.
    pub fan: Vec<Binned>,
}

/// Counts of one contributor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContributorTally {
    /// Trials in which it joined.
    pub joined: u64,
    /// Trials in which it joined and the force succeeded.
    pub joined_success: u64,
    /// Trials in which it was pivotal.
    pub pivotal: u64,
    /// Arrived personnel summed over trials in which it joined (people).
    pub arrived_sum: u64,
    /// Per reason (declined, vetoed, each clause, late): trials in which it
    /// was the first reason its personnel did not arrive.
    pub first: Vec<u64>,
    /// Per reason: trials in which it held and the personnel did not arrive.
    pub any: Vec<u64>,
    /// Per reason, like `first`: its pledge summed over the trials in which
    /// that was the first reason (people).
    pub first_pledge: Vec<u64>,
    /// Its pledge summed over the trials in which its personnel arrived
    /// (people).
    pub arrived_pledge: u64,
}

/// Counts of one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleTally {
    /// Trials in which the contributors accepting it alone supplied its minimum.
    pub met: u64,
    /// Their arrived personnel summed over trials (people).
    pub available_sum: u64,
}

/// Counts of one condition state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StateTally {
    pub trials: u64,
    pub success: u64,
}

/// Counts by timeline row (month).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelineTally {
    /// `first_reached[k]`: trials that first reached the target at row k.
    pub first_reached: Vec<u64>,
    /// `first_success[k]`: trials that first succeeded at row k.
    pub first_success: Vec<u64>,
    /// `arriving[k]`: personnel arriving at row k, summed over trials (people).
    pub arriving: Vec<u64>,
    /// `leaving[k]`: personnel leaving theatre at row k, summed over trials
    /// (people; format 2, where contributors suspend or withdraw).
    #[serde(default)]
    pub leaving: Vec<u64>,
    /// Rows needed: the largest row any joined contributor arrived at, plus one.
    pub rows_seen: u64,
}

impl Tally {
    /// An empty tally shaped for a scenario.
    pub fn new(reasons: &[usize], roles: usize, states: &[usize], milestones: usize) -> Tally {
        Tally {
            trials: 0,
            success: 0,
            reached: 0,
            roles_met: 0,
            personnel_sum: 0,
            personnel_sq: 0,
            histogram: Vec::new(),
            contributors: reasons
                .iter()
                .map(|&r| ContributorTally {
                    joined: 0,
                    joined_success: 0,
                    pivotal: 0,
                    arrived_sum: 0,
                    first: vec![0; r],
                    any: vec![0; r],
                    first_pledge: vec![0; r],
                    arrived_pledge: 0,
                })
                .collect(),
            roles: vec![
                RoleTally {
                    met: 0,
                    available_sum: 0
                };
                roles
            ],
            conditions: states
                .iter()
                .map(|&s| vec![StateTally::default(); s])
                .collect(),
            coalitions: BTreeMap::new(),
            timeline: TimelineTally::default(),
            milestones: vec![Vec::new(); milestones],
            fan: Vec::new(),
        }
    }

    /// Adds `other` into `self`. Counts of at most 10^12 trials cannot
    /// overflow; `checked_merge` is for tallies read from files.
    pub fn merge(&mut self, other: &Tally) {
        self.checked_merge(other)
            .expect("counts of at most 10^12 trials fit in 64 bits");
    }

    /// Adds `other` into `self` with checked arithmetic; None on overflow
    /// (then `self` is partly added to and must be dropped).
    pub fn checked_merge(&mut self, o: &Tally) -> Option<()> {
        fn add(a: &mut u64, b: u64) -> Option<()> {
            *a = a.checked_add(b)?;
            Some(())
        }
        fn add_all(a: &mut Vec<u64>, b: &[u64]) -> Option<()> {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                add(x, *y)?;
            }
            Some(())
        }
        add(&mut self.trials, o.trials)?;
        add(&mut self.success, o.success)?;
        add(&mut self.reached, o.reached)?;
        add(&mut self.roles_met, o.roles_met)?;
        add(&mut self.personnel_sum, o.personnel_sum)?;
        self.personnel_sq = self.personnel_sq.checked_add(o.personnel_sq)?;
        add_all(&mut self.histogram, &o.histogram)?;
        for (a, b) in self.contributors.iter_mut().zip(&o.contributors) {
            add(&mut a.joined, b.joined)?;
            add(&mut a.joined_success, b.joined_success)?;
            add(&mut a.pivotal, b.pivotal)?;
            add(&mut a.arrived_sum, b.arrived_sum)?;
            add_all(&mut a.first, &b.first)?;
            add_all(&mut a.any, &b.any)?;
            add_all(&mut a.first_pledge, &b.first_pledge)?;
            add(&mut a.arrived_pledge, b.arrived_pledge)?;
        }
        for (a, b) in self.roles.iter_mut().zip(&o.roles) {
            add(&mut a.met, b.met)?;
            add(&mut a.available_sum, b.available_sum)?;
        }
        for (a, b) in self.conditions.iter_mut().zip(&o.conditions) {
            for (x, y) in a.iter_mut().zip(b) {
                add(&mut x.trials, y.trials)?;
                add(&mut x.success, y.success)?;
            }
        }
        for (mask, [n, s]) in &o.coalitions {
            let e = self.coalitions.entry(*mask).or_insert([0, 0]);
            add(&mut e[0], *n)?;
            add(&mut e[1], *s)?;
        }
        let (t, x) = (&mut self.timeline, &o.timeline);
        add_all(&mut t.first_reached, &x.first_reached)?;
        add_all(&mut t.first_success, &x.first_success)?;
        add_all(&mut t.arriving, &x.arriving)?;
        add_all(&mut t.leaving, &x.leaving)?;
        t.rows_seen = t.rows_seen.max(x.rows_seen);
        for (a, b) in self.milestones.iter_mut().zip(&o.milestones) {
            add_all(a, b)?;
        }
        if self.fan.len() < o.fan.len() {
            self.fan.resize(o.fan.len(), Binned::default());
        }
        for (a, b) in self.fan.iter_mut().zip(&o.fan) {
            a.checked_merge(b)?;
        }
        Some(())
    }

    /// Adds `n` trials (taken away when negative) with personnel `value` to
    /// the fan counts of row `row`, in bins of `step` people.
    pub fn add_fan_count(&mut self, row: usize, value: u64, n: i64, step: u64) {
        if row >= self.fan.len() {
            self.fan.resize(row + 1, Binned::default());
        }
        self.fan[row].add(value, step, n);
    }

    /// A trial's personnel at timeline row `row` is `now`, and was `before`
    /// at the row before (None at row 0); bins of `step` people.
    #[inline]
    pub fn add_fan(&mut self, row: usize, before: Option<u64>, now: u64, step: u64) {
        if before == Some(now) {
            return;
        }
        if row >= self.fan.len() {
            self.fan.resize(row + 1, Binned::default());
        }
        if let Some(b) = before {
            self.fan[row].add(b, step, -1);
        }
        self.fan[row].add(now, step, 1);
    }
}

/// Adds `b` into `a` element by element, growing `a` as needed.
pub fn add_vec(a: &mut Vec<u64>, b: &[u64]) {
    if a.len() < b.len() {
        a.resize(b.len(), 0);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Adds `n` at index `k`, growing the vector as needed.
#[inline]
pub fn bump(v: &mut Vec<u64>, k: usize, n: u64) {
    if k >= v.len() {
        v.resize(k + 1, 0);
    }
    v[k] += n;
}

mod u128_text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
