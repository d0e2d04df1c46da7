//! The scenario compiled for sampling: thresholds, quantile samplers,
//! stream numbers, role groups and the month rows of the timeline, all
//! computed once before the first trial.

use super::gate::Gate;
use super::paths::{self, FastPaths};
use super::sample::{Sampler, threshold};
use super::streams::{Draw, stream_id};
use crate::scenario::{Prob, Scenario, StateProbs};

/// A Bernoulli draw: `word < threshold`, the threshold fixed or chosen by
/// the state of one condition.
#[derive(Debug, Clone)]
pub enum Bernoulli {
    Fixed(u64),
    Given {
        condition: usize,
        thresholds: Vec<u64>,
    },
}

impl Bernoulli {
    fn new(p: &Prob) -> Bernoulli {
        match p {
            Prob::Fixed(p) => Bernoulli::Fixed(threshold(*p)),
            Prob::Given {
                condition,
                by_state,
            } => Bernoulli::Given {
                condition: *condition,
                thresholds: by_state.iter().map(|p| threshold(*p)).collect(),
            },
        }
    }

    /// The outcome when it does not depend on the word (p = 0 or 1).
    pub fn certain(&self) -> Option<bool> {
        match self {
            Bernoulli::Fixed(0) => Some(false),
            Bernoulli::Fixed(t) if *t >= 1 << 32 => Some(true),
            _ => None,
        }
    }
}

/// How to draw one condition's state.
#[derive(Debug, Clone)]
pub struct ConditionPlan {
    pub index: usize,
    pub stream: u64,
    /// The parent condition whose state picks the row, if any.
    pub parent: Option<usize>,
    /// Per row, cumulative thresholds: state k is the first with word < cut[k].
    pub cuts: Vec<Vec<u64>>,
}

/// How to draw one contributor.
#[derive(Debug, Clone)]
pub struct ContributorPlan {
    pub willing: Bernoulli,
    pub vetoed: Bernoulli,
    pub troops: Sampler,
    pub delivery: Sampler,
    pub lead: Sampler,
    /// Stream numbers: willing, vetoed, pledge, delivery, lead time.
    pub streams: [u64; 5],
    /// Clauses that read only conditions.
    pub condition_clauses: Vec<usize>,
    /// Clauses that read the coalition.
    pub coalition_clauses: Vec<usize>,
    /// The same clauses, reduced for the negotiation rounds.
    pub gate: Gate,
    /// Each of them alone, reduced (for the blockers).
    pub clause_gates: Vec<Gate>,
    /// Whether some clause reads `committed`.
    pub reads_committed: bool,
    /// Index into `Plan::groups`.
    pub group: usize,
    /// Per joint condition state (see `Worlds`): bit k set when clause k
    /// reads only conditions and fails there. Empty when not tabulated.
    pub condition_fails: Vec<u64>,
}

/// Joint condition states numbered in mixed radix, so that clauses that
/// read only conditions can be looked up rather than evaluated.
#[derive(Debug, Clone)]
pub struct Worlds {
    /// Per condition (declaration order): its place value.
    pub strides: Vec<usize>,
    pub count: usize,
}

impl Worlds {
    /// The joint states, when there are at most `limit` of them.
    fn new(s: &Scenario, limit: usize) -> Option<Worlds> {
        if s.contributors.iter().any(|c| c.requires.len() > 64) {
            return None;
        }
        let mut count = 1usize;
        let mut strides = Vec::new();
        for c in &s.conditions {
            strides.push(count);
            count = count.checked_mul(c.states.len()).filter(|n| *n <= limit)?;
        }
        Some(Worlds { strides, count })
    }

    /// The state of every condition in world `w`.
    fn states(&self, s: &Scenario, w: usize) -> Vec<u8> {
        s.conditions
            .iter()
            .zip(&self.strides)
            .map(|(c, stride)| (w / stride % c.states.len()) as u8)
            .collect()
    }
}

/// The month rows of the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    /// The horizon (months), if any.
    pub horizon: Option<f64>,
}

impl Rows {
    /// Row index at which personnel with this lead time count, or None when
    /// it arrives after the horizon.
    #[inline]
    pub fn row_of(&self, lead: f64) -> Option<u16> {
        Some(self.row_or(lead, u16::MAX)).filter(|r| *r != u16::MAX)
    }

    /// The row at which personnel with this lead time count (the month
    /// rounded up, months past the last whole month of the horizon in the
    /// last row), or `late` when it arrives after the horizon; without
    /// branches, for columns of lead times (at most 1,200 months).
    #[inline(always)]
    pub fn row_or(&self, lead: f64, late: u16) -> u16 {
        let (h, last) = match self.horizon {
            Some(h) => (h, libm::floor(h) + 1.0),
            None => (f64::INFINITY, f64::INFINITY),
        };
        // Rounding up is exact, so this is the same on every platform.
        let r = lead.ceil().min(last).max(0.0).min(f64::from(u16::MAX - 1));
        // SAFETY: r is finite and within u16's range.
        let r = unsafe { r.to_int_unchecked::<i32>() } as u16;
        if lead > h { late } else { r }
    }

    /// The fixed number of rows with a horizon.
    pub fn fixed_count(&self) -> Option<usize> {
        self.horizon.map(|h| {
            let whole = libm::floor(h);
            whole as usize + 1 + usize::from(h > whole)
        })
    }

    /// The month a row stands for.
    pub fn month(&self, row: usize) -> f64 {
        match self.horizon {
            Some(h) if row as f64 > libm::floor(h) => h,
            _ => row as f64,
        }
    }
}

/// One Hall-condition check: a set of roles with positive minimums.
#[derive(Debug, Clone)]
pub struct HallSet {
    /// Sum of the minimums of the roles in the set (people).
    pub demand: u64,
    /// Groups whose contributors accept some role of the set.
    pub groups: u64,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub conditions: Vec<ConditionPlan>,
    pub contributors: Vec<ContributorPlan>,
    /// Distinct sets of accepted roles (bit r = role r).
    pub groups: Vec<u32>,
    /// Per role: the groups accepting it.
    pub role_groups: Vec<u64>,
    pub hall: Vec<HallSet>,
    /// True when some clause reads the coalition.
    pub cascade: bool,
    /// Contributors with clauses that read the coalition (bit i).
    pub gated: u64,
    pub rows: Rows,
    pub target: u64,
    /// Number of conditions.
    pub condition_count: usize,
    /// Whether coalitions are tallied (at most 20 contributors).
    pub track_coalitions: bool,
    /// Joint condition states, when few enough to tabulate.
    pub worlds: Option<Worlds>,
    /// Per joint condition state: bit i set when every clause of
    /// contributor i that reads only conditions holds there.
    pub world_open: Option<Vec<u64>>,
    /// Whether blockers of condition-only clauses are counted per joint
    /// condition state.
    pub world_blockers: bool,
    /// Whether condition tallies are kept per joint condition state.
    pub world_outcomes: bool,
    /// Whether coalitions are counted in a dense array.
    pub dense_coalitions: bool,
    /// The fast paths chosen for this run.
    pub paths: FastPaths,
    /// Contributors whose lead time is not fixed (bit i).
    pub variable_leads: u64,
    /// Whether some contributor can be vetoed.
    pub any_veto: bool,
    /// The timeline row at which everybody arrives, when every lead time
    /// is fixed and they all fall in the same row before the horizon.
    pub common_row: Option<u16>,
}

impl Plan {
    /// The plan with the default fast paths.
    pub fn new(s: &Scenario) -> Plan {
        Plan::with_paths(s, FastPaths::default())
    }

    /// The plan with the fast paths `fp` (the results do not depend on them).
    pub fn with_paths(s: &Scenario, fp: FastPaths) -> Plan {
        let conditions = s
            .condition_order
            .iter()
            .map(|&i| {
                let c = &s.conditions[i];
                let (parent, rows) = match &c.probs {
                    StateProbs::Fixed(p) => (None, vec![p.clone()]),
                    StateProbs::Given { parent, rows } => (Some(*parent), rows.clone()),
                };
                ConditionPlan {
                    index: i,
                    stream: stream_id(Draw::State, &c.name),
                    parent,
                    cuts: rows.iter().map(|r| cumulative_cuts(r)).collect(),
                }
            })
            .collect();
        let mut groups: Vec<u32> = Vec::new();
        let contributors = s
            .contributors
            .iter()
            .map(|c| {
                let mask = c.roles.iter().fold(0u32, |m, r| m | 1 << r);
                let group = groups.iter().position(|g| *g == mask).unwrap_or_else(|| {
                    groups.push(mask);
                    groups.len() - 1
                });
                let (coalition, condition): (Vec<usize>, Vec<usize>) =
                    (0..c.requires.len()).partition(|&k| c.requires[k].expr.reads_coalition());
                ContributorPlan {
                    willing: Bernoulli::new(&c.p_join),
                    vetoed: Bernoulli::new(&c.veto),
                    troops: Sampler::new(&c.troops),
                    delivery: Sampler::new(&c.delivery),
                    lead: Sampler::new(&c.lead_months),
                    streams: [
                        Draw::Willing,
                        Draw::Vetoed,
                        Draw::Pledge,
                        Draw::Delivery,
                        Draw::LeadTime,
                    ]
                    .map(|d| stream_id(d, &c.name)),
                    condition_clauses: condition,
                    reads_committed: c.requires.iter().any(|k| k.expr.reads_committed()),
                    gate: Gate::new(&c.requires, &coalition, fp.reduced_gates),
                    clause_gates: coalition
                        .iter()
                        .map(|&k| Gate::new(&c.requires, &[k], fp.reduced_gates))
                        .collect(),
                    coalition_clauses: coalition,
                    group,
                    condition_fails: Vec::new(),
                }
            })
            .collect();
        let role_groups: Vec<u64> = (0..s.roles.len())
            .map(|r| {
                groups
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| *g >> r & 1 == 1)
                    .fold(0u64, |m, (k, _)| m | 1 << k)
            })
            .collect();
        let needed: Vec<usize> = (0..s.roles.len())
            .filter(|&r| s.roles[r].minimum > 0)
            .collect();
        let hall = (1u32..1 << needed.len())
            .map(|subset| {
                let members = needed
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| subset >> k & 1 == 1);
                let (demand, groups) = members.fold((0, 0), |(d, g), (_, &r)| {
                    (d + s.roles[r].minimum, g | role_groups[r])
                });
                HallSet { demand, groups }
            })
            .collect();
        let worlds = match fp.world_tables {
            paths::Use::Never => None,
            paths::Use::Auto => Worlds::new(s, paths::TABULATED_WORLDS),
            paths::Use::Always => Worlds::new(s, paths::MAX_WORLDS),
        };
        let mut contributors: Vec<ContributorPlan> = contributors;
        if let Some(w) = &worlds {
            for (cp, c) in contributors.iter_mut().zip(&s.contributors) {
                if cp.condition_clauses.is_empty() {
                    continue;
                }
                cp.condition_fails = (0..w.count)
                    .map(|world| {
                        let states = w.states(s, world);
                        cp.condition_clauses
                            .iter()
                            .filter(|&&k| !c.requires[k].expr.holds(&states, 0, 0))
                            .fold(0u64, |m, &k| m | 1 << k)
                    })
                    .collect();
            }
        }
        let world_open = worlds.as_ref().map(|w| {
            (0..w.count)
                .map(|world| {
                    contributors.iter().enumerate().fold(0u64, |m, (i, cp)| {
                        let fails = cp.condition_fails.get(world).copied().unwrap_or(0);
                        m | u64::from(fails == 0) << i
                    })
                })
                .collect()
        });
        let world_blockers = worlds
            .as_ref()
            .is_some_and(|w| fp.world_blockers.taken(w.count <= paths::BLOCKER_WORLDS))
            && contributors
                .iter()
                .any(|c| !c.condition_clauses.is_empty() && c.coalition_clauses.is_empty());
        let variable_leads = s
            .contributors
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !fp.fixed_values || !matches!(c.lead_months, crate::scenario::dist::Dist::Fixed(_))
            })
            .fold(0u64, |m, (i, _)| m | 1 << i);
        let any_veto = !fp.fixed_values
            || contributors
                .iter()
                .any(|c| c.vetoed.certain() != Some(false));
        let world_outcomes = worlds.as_ref().is_some_and(|w| {
            !s.conditions.is_empty() && fp.world_outcomes.taken(w.count <= paths::OUTCOME_WORLDS)
        });
        let dense_coalitions =
            fp.dense_coalitions && s.contributors.len() <= paths::DENSE_COALITIONS;
        let gated = contributors
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.coalition_clauses.is_empty())
            .fold(0u64, |m, (i, _)| m | 1 << i);
        Plan {
            gated,
            world_open,
            world_blockers,
            world_outcomes,
            dense_coalitions,
            paths: fp,
            variable_leads,
            any_veto,
            worlds,
            conditions,
            contributors,
            groups,
            role_groups,
            hall,
            cascade: s.has_coalition_clauses(),
            rows: Rows {
                horizon: s.horizon_months,
            },
            target: s.target,
            condition_count: s.conditions.len(),
            track_coalitions: s.contributors.len() <= 20,
            common_row: common_row(
                s,
                Rows {
                    horizon: s.horizon_months,
                },
            )
            .filter(|_| fp.same_row_arrivals && fp.fixed_values),
        }
    }

    /// True when the arrived personnel per group meet every role minimum.
    #[inline]
    pub fn roles_met(&self, group_sums: &[u64]) -> bool {
        self.hall.iter().all(|h| {
            let mut supply = 0;
            let mut bits = h.groups;
            while bits != 0 {
                supply += group_sums[bits.trailing_zeros() as usize];
                bits &= bits - 1;
            }
            supply >= h.demand
        })
    }
}

fn common_row(s: &Scenario, rows: Rows) -> Option<u16> {
    let mut found = None;
    for c in &s.contributors {
        let crate::scenario::dist::Dist::Fixed(lead) = c.lead_months else {
            return None;
        };
        let row = rows.row_of(lead)?;
        if *found.get_or_insert(row) != row {
            return None;
        }
    }
    found
}

/// Cumulative thresholds of a categorical draw; the last is 2³² so that
/// every word lands in some state.
fn cumulative_cuts(probs: &[f64]) -> Vec<u64> {
    let mut acc = 0.0;
    let mut cuts: Vec<u64> = probs
        .iter()
        .map(|p| {
            acc += p;
            threshold(acc)
        })
        .collect();
    if let Some(last) = cuts.last_mut() {
        *last = 1 << 32;
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows against the definition (spec: the month rounded up; a
    /// fractional horizon's last part in one more row; after it, late).
    #[test]
    fn rows_follow_the_definition() {
        for horizon in [None, Some(12.0), Some(6.5), Some(0.0), Some(1200.0)] {
            let rows = Rows { horizon };
            for k in 0..=4800 {
                let lead = k as f64 / 4.0;
                for lead in [lead, lead + 1e-9, (lead - 1e-9).max(0.0)] {
                    let expected = match horizon {
                        Some(h) if lead > h => None,
                        Some(h) if lead.ceil() > h.floor() => Some(h.floor() as u16 + 1),
                        _ => Some(lead.ceil() as u16),
                    };
                    assert_eq!(
                        rows.row_of(lead),
                        expected,
                        "lead {lead} horizon {horizon:?}"
                    );
                    assert_eq!(rows.row_or(lead, 9999), expected.unwrap_or(9999));
                }
            }
        }
    }
}
