//! A contributor's clauses that read the coalition, reduced where possible
//! to bit masks and a range of committed personnel, so that the negotiation
//! rounds (run once per trial, and again per joined contributor when looking
//! for pivotal ones) test them with a few integer operations instead of
//! walking expression trees.

use crate::scenario::Clause;
use crate::scenario::clause::{CmpOp, Expr};

/// The coalition clauses of one contributor, as a conjunction.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Contributors that must have joined (bit i).
    need_joined: u64,
    /// Contributors that must not have joined (bit i).
    need_absent: u64,
    /// Committed personnel of the others must lie in this range (people,
    /// inclusive).
    committed_min: u64,
    committed_max: u64,
    /// Clauses (by index) that did not reduce, evaluated as written.
    rest: Vec<usize>,
}

impl Gate {
    /// The gate for the clauses `coalition` (indices into `requires`);
    /// without `reduce`, every clause is evaluated as written.
    pub fn new(requires: &[Clause], coalition: &[usize], reduce: bool) -> Gate {
        let mut gate = Gate {
            need_joined: 0,
            need_absent: 0,
            committed_min: 0,
            committed_max: u64::MAX,
            rest: Vec::new(),
        };
        for &k in coalition {
            let before = gate.clone();
            if !reduce || !gate.absorb(&requires[k].expr) {
                gate = before;
                gate.rest.push(k);
            }
        }
        gate
    }

    /// Adds a clause to the reduced part; false when it does not reduce.
    fn absorb(&mut self, e: &Expr) -> bool {
        match e {
            Expr::And(a, b) => self.absorb(a) && self.absorb(b),
            Expr::Joined { contributor } => {
                self.need_joined |= 1 << contributor;
                true
            }
            Expr::Not(inner) => match inner.as_ref() {
                Expr::Joined { contributor } => {
                    self.need_absent |= 1 << contributor;
                    true
                }
                Expr::Committed { op, personnel } => self.bound(negate(*op), *personnel),
                _ => false,
            },
            Expr::Committed { op, personnel } => self.bound(*op, *personnel),
            _ => false,
        }
    }

    /// Narrows the committed range by `committed op personnel`.
    fn bound(&mut self, op: CmpOp, personnel: u64) -> bool {
        let (low, high) = match op {
            CmpOp::Ge => (personnel, u64::MAX),
            CmpOp::Gt => match personnel.checked_add(1) {
                Some(p) => (p, u64::MAX),
                None => return false,
            },
            CmpOp::Le => (0, personnel),
            CmpOp::Lt => match personnel.checked_sub(1) {
                Some(p) => (0, p),
                None => return false,
            },
            CmpOp::Eq => (personnel, personnel),
            CmpOp::Ne => return false,
        };
        self.committed_min = self.committed_min.max(low);
        self.committed_max = self.committed_max.min(high);
        true
    }

    /// Whether every coalition clause holds (`requires`: the contributor's
    /// clauses, as given to `new`).
    #[inline(always)]
    pub fn admits(&self, requires: &[Clause], states: &[u8], joined: u64, committed: u64) -> bool {
        self.admits_reduced(joined, committed)
            && self
                .rest
                .iter()
                .all(|&k| requires[k].expr.holds(states, joined, committed))
    }
}

impl Gate {
    /// Whether every clause reduced to masks and a range of committed
    /// personnel.
    pub fn is_reduced(&self) -> bool {
        self.rest.is_empty()
    }

    /// Whether the reduced clauses hold, without branches (so that a column
    /// of trials can be tested in one pass).
    #[inline(always)]
    pub fn admits_reduced(&self, joined: u64, committed: u64) -> bool {
        (joined & self.need_joined == self.need_joined)
            & (joined & self.need_absent == 0)
            & (committed >= self.committed_min)
            & (committed <= self.committed_max)
    }
}

/// The operator of `not (committed op n)`.
fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_clause::parse_clause;

    fn clauses(texts: &[&str]) -> Vec<Clause> {
        let names: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        texts
            .iter()
            .map(|t| Clause {
                text: t.to_string(),
                expr: parse_clause(t, &[], &names, 3).unwrap(),
            })
            .collect()
    }

    /// The gate agrees with evaluating every clause, for every coalition of
    /// the other three and committed values around every bound.
    #[test]
    fn gate_agrees_with_the_clauses() {
        let sets: [&[&str]; 9] = [
            &["joined(A)"],
            &["joined(A) and not joined(B)", "committed >= 500"],
            &["not committed < 300", "committed <= 900"],
            &["committed == 700"],
            &["committed != 700", "joined(C)"],
            &["not (committed >= 400)", "not (committed > 0)"],
            &["joined(A) or committed > 250"],
            &["committed < 0"],
            &[
                "not joined(A) and (joined(B) or joined(C))",
                "committed > 100",
            ],
        ];
        for texts in sets {
            let requires = clauses(texts);
            let all: Vec<usize> = (0..requires.len()).collect();
            let gate = Gate::new(&requires, &all, true);
            for joined in 0..8u64 {
                for committed in [
                    0, 1, 99, 100, 101, 250, 251, 299, 300, 399, 400, 500, 699, 700, 701, 900, 901,
                ] {
                    let expected = requires
                        .iter()
                        .all(|c| c.expr.holds(&[], joined, committed));
                    assert_eq!(
                        gate.admits(&requires, &[], joined, committed),
                        expected,
                        "{texts:?} joined {joined:03b} committed {committed}"
                    );
                }
            }
        }
    }

    #[test]
    fn clauses_that_do_not_reduce_are_kept_as_written() {
        let requires = clauses(&["joined(A) or joined(B)", "joined(C)", "committed != 5"]);
        let gate = Gate::new(&requires, &[0, 1, 2], true);
        assert_eq!(gate.rest, vec![0, 2]);
        assert_eq!(gate.need_joined, 0b100);
    }
}
