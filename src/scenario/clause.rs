//! Requirement clauses: the parsed form and its evaluation against the
//! conditions and the current coalition.

/// A comparison operator; on states it follows their declared order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn holds<T: Ord>(self, left: T, right: T) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A parsed clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// A boolean condition is true (its state 0).
    IsTrue {
        condition: usize,
    },
    /// A categorical condition compared with one of its states (by index).
    State {
        condition: usize,
        op: CmpOp,
        state: usize,
    },
    /// The contributor with this index has joined.
    Joined {
        contributor: usize,
    },
    /// Pledged personnel of the other joined contributors compared with a number (people).
    Committed {
        op: CmpOp,
        personnel: u64,
    },
    /// The contributor with this index is in theatre (format 2).
    Arrived {
        contributor: usize,
    },
    /// Personnel in theatre of the others compared with a number (people; format 2).
    Deployed {
        op: CmpOp,
        personnel: u64,
    },
}

/// What a clause is evaluated against at one moment of a trial.
#[derive(Debug, Clone, Copy)]
pub struct Now<'a> {
    /// `states[c]`: condition c's state index.
    pub states: &'a [u8],
    /// Bit i: contributor i is in the coalition.
    pub joined: u64,
    /// Pledged personnel of the other members (people).
    pub committed: u64,
    /// Bit i: contributor i is in theatre.
    pub in_theatre: u64,
    /// Personnel in theatre of the others (people).
    pub deployed: u64,
}

impl Expr {
    /// Evaluates the clause. `states[c]` is condition c's state index,
    /// `joined` has bit i set when contributor i has joined, and `committed`
    /// is the pledged personnel of the other joined contributors.
    /// Nobody is in theatre (format 1 never asks).
    pub fn holds(&self, states: &[u8], joined: u64, committed: u64) -> bool {
        self.holds_at(&Now {
            states,
            joined,
            committed,
            in_theatre: 0,
            deployed: 0,
        })
    }

    /// Evaluates the clause at one moment of a trial.
    pub fn holds_at(&self, now: &Now<'_>) -> bool {
        match self {
            Expr::Or(a, b) => a.holds_at(now) || b.holds_at(now),
            Expr::And(a, b) => a.holds_at(now) && b.holds_at(now),
            Expr::Not(a) => !a.holds_at(now),
            Expr::IsTrue { condition } => now.states[*condition] == 0,
            Expr::State {
                condition,
                op,
                state,
            } => op.holds(now.states[*condition] as usize, *state),
            Expr::Joined { contributor } => now.joined >> contributor & 1 == 1,
            Expr::Committed { op, personnel } => op.holds(now.committed, *personnel),
            Expr::Arrived { contributor } => now.in_theatre >> contributor & 1 == 1,
            Expr::Deployed { op, personnel } => op.holds(now.deployed, *personnel),
        }
    }

    /// True when the clause reads who is in theatre (`arrived(..)` or
    /// `deployed`; format 2).
    pub fn reads_ground(&self) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => a.reads_ground() || b.reads_ground(),
            Expr::Not(a) => a.reads_ground(),
            Expr::Arrived { .. } | Expr::Deployed { .. } => true,
            _ => false,
        }
    }

    /// True when the clause reads the coalition (`joined(..)` or `committed`).
    pub fn reads_coalition(&self) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => a.reads_coalition() || b.reads_coalition(),
            Expr::Not(a) => a.reads_coalition(),
            Expr::Joined { .. }
            | Expr::Committed { .. }
            | Expr::Arrived { .. }
            | Expr::Deployed { .. } => true,
            Expr::IsTrue { .. } | Expr::State { .. } => false,
        }
    }

    /// True when the clause reads `committed`.
    pub fn reads_committed(&self) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => a.reads_committed() || b.reads_committed(),
            Expr::Not(a) => a.reads_committed(),
            Expr::Committed { .. } => true,
            Expr::Joined { .. }
            | Expr::IsTrue { .. }
            | Expr::State { .. }
            | Expr::Arrived { .. }
            | Expr::Deployed { .. } => false,
        }
    }

    /// True when the clause can turn from true to false as others join
    /// (`not joined(..)`, `committed <`, `committed ==`, ...), so that the
    /// outcome of a negotiation may depend on the file order.
    pub fn can_turn_false(&self) -> bool {
        self.non_monotone(true)
    }

    fn non_monotone(&self, positive: bool) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => {
                a.non_monotone(positive) || b.non_monotone(positive)
            }
            Expr::Not(a) => a.non_monotone(!positive),
            Expr::Joined { .. } | Expr::Arrived { .. } => !positive,
            Expr::Committed { op, .. } | Expr::Deployed { op, .. } => match op {
                CmpOp::Gt | CmpOp::Ge => !positive,
                CmpOp::Lt | CmpOp::Le => positive,
                CmpOp::Eq | CmpOp::Ne => true,
            },
            Expr::IsTrue { .. } | Expr::State { .. } => false,
        }
    }
}
