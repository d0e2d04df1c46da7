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
}

impl Expr {
    /// Evaluates the clause. `states[c]` is condition c's state index,
    /// `joined` has bit i set when contributor i has joined, and `committed`
    /// is the pledged personnel of the other joined contributors.
    pub fn holds(&self, states: &[u8], joined: u64, committed: u64) -> bool {
        match self {
            Expr::Or(a, b) => {
                a.holds(states, joined, committed) || b.holds(states, joined, committed)
            }
            Expr::And(a, b) => {
                a.holds(states, joined, committed) && b.holds(states, joined, committed)
            }
            Expr::Not(a) => !a.holds(states, joined, committed),
            Expr::IsTrue { condition } => states[*condition] == 0,
            Expr::State {
                condition,
                op,
                state,
            } => op.holds(states[*condition] as usize, *state),
            Expr::Joined { contributor } => joined >> contributor & 1 == 1,
            Expr::Committed { op, personnel } => op.holds(committed, *personnel),
        }
    }

    /// True when the clause reads the coalition (`joined(..)` or `committed`).
    pub fn reads_coalition(&self) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => a.reads_coalition() || b.reads_coalition(),
            Expr::Not(a) => a.reads_coalition(),
            Expr::Joined { .. } | Expr::Committed { .. } => true,
            Expr::IsTrue { .. } | Expr::State { .. } => false,
        }
    }

    /// True when the clause reads `committed`.
    pub fn reads_committed(&self) -> bool {
        match self {
            Expr::Or(a, b) | Expr::And(a, b) => a.reads_committed() || b.reads_committed(),
            Expr::Not(a) => a.reads_committed(),
            Expr::Committed { .. } => true,
            Expr::Joined { .. } | Expr::IsTrue { .. } | Expr::State { .. } => false,
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
            Expr::Joined { .. } => !positive,
            Expr::Committed { op, .. } => match op {
                CmpOp::Gt | CmpOp::Ge => !positive,
                CmpOp::Lt | CmpOp::Le => positive,
                CmpOp::Eq | CmpOp::Ne => true,
            },
            Expr::IsTrue { .. } | Expr::State { .. } => false,
        }
    }
}
