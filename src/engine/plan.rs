//! The scenario compiled for sampling: thresholds, quantile samplers,
//! stream numbers, role groups and the month rows of the timeline, all
//! computed once before the first trial.

use super::negotiation::gate::Gate;
use super::paths::{self, FastPaths};
use super::roles::Roles;
use super::sample::{Sampler, threshold};
use super::streams::{Draw, stream_id};
use super::worlds::{self, Worlds};
use crate::scenario::timeline::Rows;
use crate::scenario::{Prob, Scenario, StateProbs};

/// A Bernoulli draw: `word < threshold`, the threshold fixed, chosen by
/// the state of one condition, or by a decision tree of conditions.
#[derive(Debug, Clone)]
pub enum Bernoulli {
    Fixed(u64),
    Given {
        condition: usize,
        thresholds: Vec<u64>,
    },
    /// A tree (format 2): for each state of `condition`, a branch.
    Nested {
        condition: usize,
        branches: Vec<Bernoulli>,
    },
}

impl Bernoulli {
    pub fn new(p: &Prob) -> Bernoulli {
        match p {
            Prob::Fixed(p) => Bernoulli::Fixed(threshold(*p)),
            Prob::Given {
                condition,
                by_state,
            } => Bernoulli::Given {
                condition: *condition,
                thresholds: by_state.iter().map(|p| threshold(*p)).collect(),
            },
            Prob::Nested {
                condition,
                branches,
            } => Bernoulli::Nested {
                condition: *condition,
                branches: branches.iter().map(Bernoulli::new).collect(),
            },
        }
    }

    /// The threshold in force when the conditions are in `states`.
    pub fn threshold_at(&self, states: &[u8]) -> u64 {
        match self {
            Bernoulli::Fixed(t) => *t,
            Bernoulli::Given {
                condition,
                thresholds,
            } => thresholds[states[*condition] as usize],
            Bernoulli::Nested {
                condition,
                branches,
            } => branches[states[*condition] as usize].threshold_at(states),
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
    /// When every joint condition state in which some clause fails has the
    /// same first failing clause: that clause.
    pub first_fail: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub conditions: Vec<ConditionPlan>,
    pub contributors: Vec<ContributorPlan>,
    /// The roles, compiled for the check of §2 step 5.
    pub roles: Roles,
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
    /// Whether the negotiation runs over the batch's columns
    /// (`negotiate_columns`): some clause reads the coalition, and every
    /// such clause is reduced.
    pub column_rounds: bool,
    /// Contributors whose lead time is not fixed (bit i).
    pub variable_leads: u64,
    /// Whether some contributor can be vetoed.
    pub any_veto: bool,
    /// When every contributor's lead time is the same fixed value within the
    /// horizon: its timeline row and its point of the month grid.
    pub common_lead: Option<(u16, usize)>,
    /// The bin width of fan.csv's counts before any widening (people).
    pub fan_step: u64,
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
                    StateProbs::Nested { .. } => {
                        unreachable!("a scenario with time runs on the timed simulator")
                    }
                };
                ConditionPlan {
                    index: i,
                    stream: stream_id(Draw::State, &c.name),
                    parent,
                    cuts: rows.iter().map(|r| cumulative_cuts(r)).collect(),
                }
            })
            .collect();
        let roles = Roles::new(s);
        let contributors = s
            .contributors
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let group = roles.group_of[i];
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
                    first_fail: None,
                }
            })
            .collect();
        let worlds = match fp.world_tables {
            paths::Use::Never => None,
            paths::Use::Auto => Worlds::new(s, paths::TABULATED_WORLDS),
            paths::Use::Always => Worlds::new(s, paths::MAX_WORLDS),
        };
        let mut contributors: Vec<ContributorPlan> = contributors;
        let world_open = worlds.as_ref().map(|w| {
            let clauses: Vec<&[usize]> = contributors
                .iter()
                .map(|c| c.condition_clauses.as_slice())
                .collect();
            let (fails, open) = worlds::tabulate(s, w, &clauses);
            for (c, f) in contributors.iter_mut().zip(fails) {
                let mut firsts = f.iter().filter(|f| **f != 0).map(|f| f.trailing_zeros());
                c.first_fail = firsts
                    .next()
                    .filter(|&k| firsts.all(|other| other == k))
                    .map(|k| k as usize);
                c.condition_fails = f;
            }
            open
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
        let column_rounds = fp.column_rounds
            && s.has_coalition_clauses()
            && contributors.iter().all(|c| c.gate.is_reduced());
        Plan {
            column_rounds,
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
            roles,
            cascade: s.has_coalition_clauses(),
            rows: Rows {
                horizon: s.horizon_months,
            },
            target: s.target,
            fan_step: crate::stats::results::exceedance_step(s.target),
            common_lead: common_lead(
                s,
                Rows {
                    horizon: s.horizon_months,
                },
            )
            .filter(|_| fp.same_row_arrivals && fp.fixed_values),
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
}

fn common_lead(s: &Scenario, rows: Rows) -> Option<(u16, usize)> {
    let mut found = None;
    for c in &s.contributors {
        let crate::scenario::dist::Dist::Fixed(lead) = c.lead_months else {
            return None;
        };
        if *found.get_or_insert(lead) != lead {
            return None;
        }
    }
    let lead = found?;
    Some((rows.row_of(lead)?, rows.reach_point(lead)))
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
