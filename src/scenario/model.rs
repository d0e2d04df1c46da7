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
    /// Probability of each state (probabilities, summing to 1).
    pub probs: StateProbs,
}

/// The distribution of a condition's state, possibly depending on a parent.
#[derive(Debug, Clone, PartialEq)]
pub enum StateProbs {
    /// One probability per state.
    Fixed(Vec<f64>),
    /// For each state of `parent`, one probability per state.
    Given { parent: usize, rows: Vec<Vec<f64>> },
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
}

/// One requirement clause as written and as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The clause as written in the file.
    pub text: String,
    pub expr: Expr,
}

impl Scenario {
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
