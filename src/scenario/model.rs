//! The validated scenario: every name resolved to an index, every clause
//! parsed, every distribution checked. The engine takes only these types, so
//! nothing it reads can be invalid.

use super::clause::Expr;
use super::dist::Dist;

/// A whole scenario after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Display name (`[scenario].name`).
    pub name: String,
    /// Free text (`[scenario].description`).
    pub description: Option<String>,
    /// Calendar date of month 0.
    pub start: Option<Date>,
    /// Personnel the force needs (people, > 0).
    pub target: u64,
    /// Only personnel arrived by this month counts (months, >= 0); none = all.
    pub horizon_months: Option<f64>,
    /// Default number of trials.
    pub trials: u64,
    /// Default seed of the random streams.
    pub seed: u64,
    /// The format version: as declared, else the lowest the file needs
    /// (2 when it uses anything of time, §5).
    pub format: u8,
    /// Personnel levels whose reaching milestones.csv reports (people,
    /// increasing; `[scenario] milestones` or defaults from the target).
    pub milestones: Vec<u64>,
    /// Conditions in declaration order.
    pub conditions: Vec<Condition>,
    /// Indices into `conditions`, parents before children.
    pub condition_order: Vec<usize>,
    /// Roles in declaration order.
    pub roles: Vec<Role>,
    /// Contributors in file order (the negotiation order).
    pub contributors: Vec<Contributor>,
    /// Where its numbers come from: `[[sources]]`, `as_of` and each
    /// entry's `sources` (no part of a run).
    pub provenance: super::provenance::Provenance,
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
}

/// An uncertain state of the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub name: String,
    /// State names in declared order; a boolean condition has `["true", "false"]`.
    pub states: Vec<String>,
    /// True for a boolean condition (declared with `p`).
    pub boolean: bool,
    /// Probability of each state (probabilities, summing to 1): the
    /// month-0 state.
    pub probs: StateProbs,
    /// Changes of state during the horizon (format 2), in file order.
    pub changes: Vec<Change>,
}

/// A change of a condition's state (format 2, §5.1): in a trial it
/// happens with probability `p`, starts at `month` and is in effect until
/// `month + lasts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The state it changes to (an index into the condition's states).
    pub to: u8,
    /// Probability that it happens in a trial (reads month-0 states).
    pub p: Prob,
    /// When it starts (months from month 0, >= 0; reads month-0 states).
    pub month: Dist,
    /// How long it lasts (months, >= 0; reads month-0 states); None = for ever.
    pub lasts: Option<Dist>,
}

/// The distribution of a condition's state, possibly depending on a parent.
#[derive(Debug, Clone, PartialEq)]
pub enum StateProbs {
    /// One probability per state.
    Fixed(Vec<f64>),
    /// For each state of `parent`, one probability per state.
    Given { parent: usize, rows: Vec<Vec<f64>> },
    /// A decision tree (format 2, §5.4): for each state of `condition`, a
    /// branch, some of them trees themselves.
    Nested {
        condition: usize,
        branches: Vec<StateProbs>,
    },
}

impl StateProbs {
    /// The probabilities in force when the conditions are in `states`.
    pub fn at(&self, states: &[u8]) -> &[f64] {
        match self {
            StateProbs::Fixed(p) => p,
            StateProbs::Given { parent, rows } => &rows[states[*parent] as usize],
            StateProbs::Nested {
                condition,
                branches,
            } => branches[states[*condition] as usize].at(states),
        }
    }

    /// The conditions it reads.
    pub fn parents(&self) -> Vec<usize> {
        match self {
            StateProbs::Fixed(_) => Vec::new(),
            StateProbs::Given { parent, .. } => vec![*parent],
            StateProbs::Nested {
                condition,
                branches,
            } => {
                let mut all = vec![*condition];
                all.extend(branches.iter().flat_map(StateProbs::parents));
                all
            }
        }
    }
}

/// A probability, possibly conditioned on one condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Prob {
    /// Probability in [0, 1].
    Fixed(f64),
    /// Probability for each state of `condition` (probabilities in [0, 1]).
    Given {
        condition: usize,
        by_state: Vec<f64>,
    },
    /// A decision tree (format 2, §5.4): for each state of `condition`, a
    /// branch, some of them trees themselves.
    Nested {
        condition: usize,
        branches: Vec<Prob>,
    },
}

impl Prob {
    /// The probability in force when the conditions are in `states`.
    pub fn at(&self, states: &[u8]) -> f64 {
        match self {
            Prob::Fixed(p) => *p,
            Prob::Given {
                condition,
                by_state,
            } => by_state[states[*condition] as usize],
            Prob::Nested {
                condition,
                branches,
            } => branches[states[*condition] as usize].at(states),
        }
    }

    /// True for a decision tree deeper than one `given` (format 2).
    pub fn is_nested(&self) -> bool {
        matches!(self, Prob::Nested { .. })
    }
}

/// What a contributor does when, once in the coalition, it would no
/// longer join (format 2, §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnUnmet {
    /// Joining is final (format 1).
    Stay,
    /// Out while it would not join; may join again at a later decision time.
    Suspend,
    /// Leaves for good the first time it would not join.
    Withdraw,
}

impl OnUnmet {
    /// The word of the file.
    pub fn word(self) -> &'static str {
        match self {
            OnUnmet::Stay => "stay",
            OnUnmet::Suspend => "suspend",
            OnUnmet::Withdraw => "withdraw",
        }
    }
}

/// A task with a minimum staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    /// Minimum personnel (people).
    pub minimum: u64,
}

/// A possible troop contributor.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributor {
    /// Free text without parentheses, unique.
    pub name: String,
    /// Probability of being willing.
    pub p_join: Prob,
    /// Probability that the host excludes it.
    pub veto: Prob,
    /// Every clause must hold for it to join.
    pub requires: Vec<Clause>,
    /// Pledged personnel (people; rounded to whole people when sampled).
    pub troops: Dist,
    /// Share of the pledge that deploys (fraction, >= 0).
    pub delivery: Dist,
    /// Months from month 0 until its personnel arrive (months, >= 0).
    pub lead_months: Dist,
    /// Indices of the roles it accepts.
    pub roles: Vec<usize>,
    /// What it does when it would no longer join (format 2).
    pub on_unmet: OnUnmet,
}

/// One requirement clause as written and as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The clause as written in the file.
    pub text: String,
    pub expr: Expr,
}

impl Scenario {
    /// True when the scenario uses something of time (§5): a change, an
    /// `on_unmet` other than `stay`, an `arrived`/`deployed` clause, or a
    /// `given` tree on a distribution or deeper than one level. Such a
    /// scenario runs on the timed simulator; any other has format 1's
    /// meaning and runs on the fast engine.
    pub fn uses_time(&self) -> bool {
        self.conditions
            .iter()
            .any(|c| !c.changes.is_empty() || matches!(c.probs, StateProbs::Nested { .. }))
            || self.contributors.iter().any(|c| {
                c.on_unmet != OnUnmet::Stay
                    || c.p_join.is_nested()
                    || c.veto.is_nested()
                    || c.requires.iter().any(|k| k.expr.reads_ground())
                    || [&c.troops, &c.delivery, &c.lead_months]
                        .iter()
                        .any(|d| d.is_given())
            })
    }

    /// True when some clause reads the coalition (`joined(..)` or `committed`),
    /// so that the negotiation needs rounds rather than one pass.
    pub fn has_coalition_clauses(&self) -> bool {
        self.contributors
            .iter()
            .any(|c| c.requires.iter().any(|k| k.expr.reads_coalition()))
    }
}

impl Date {
    fn days_in_month(year: i32, month: u32) -> u32 {
        match month {
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// The date `months` months later: whole months move the calendar month
    /// (the day clamped to the month's length), a fraction adds that share
    /// of the following month's days, rounded.
    pub fn plus_months(self, months: f64) -> Date {
        let whole = libm::floor(months);
        let index = self.year as i64 * 12 + (self.month as i64 - 1) + whole as i64;
        let year = index.div_euclid(12) as i32;
        let month = index.rem_euclid(12) as u32 + 1;
        let day = self.day.min(Date::days_in_month(year, month));
        let mut d = Date { year, month, day };
        let extra = libm::round((months - whole) * Date::days_in_month(year, month) as f64) as u32;
        for _ in 0..extra {
            d = d.next_day();
        }
        d
    }

    fn next_day(self) -> Date {
        if self.day < Date::days_in_month(self.year, self.month) {
            Date {
                day: self.day + 1,
                ..self
            }
        } else if self.month < 12 {
            Date {
                month: self.month + 1,
                day: 1,
                ..self
            }
        } else {
            Date {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}
