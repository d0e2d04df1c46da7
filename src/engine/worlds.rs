//! Joint condition states: every combination of the conditions' states,
//! numbered in mixed radix, and the tables of which clauses that read only
//! conditions fail in each, computed once per run so that eligibility and
//! blockers can look them up (see `paths` for when they are used).

use crate::scenario::Scenario;

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
    pub fn new(s: &Scenario, limit: usize) -> Option<Worlds> {
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

/// The clause tables of joint states `w`: per contributor (given its
/// clauses that read only conditions), per joint state, bit k set when
/// clause k fails there (empty for a contributor without such clauses); and
/// per joint state, bit i set when every such clause of contributor i holds.
pub fn tabulate(
    s: &Scenario,
    w: &Worlds,
    condition_clauses: &[&[usize]],
) -> (Vec<Vec<u64>>, Vec<u64>) {
    let fails: Vec<Vec<u64>> = s
        .contributors
        .iter()
        .zip(condition_clauses)
        .map(|(c, clauses)| {
            if clauses.is_empty() {
                return Vec::new();
            }
            (0..w.count)
                .map(|world| {
                    let states = w.states(s, world);
                    clauses
                        .iter()
                        .filter(|&&k| !c.requires[k].expr.holds(&states, 0, 0))
                        .fold(0u64, |m, &k| m | 1 << k)
                })
                .collect()
        })
        .collect();
    let open = (0..w.count)
        .map(|world| {
            fails.iter().enumerate().fold(0u64, |m, (i, f)| {
                let fails = f.get(world).copied().unwrap_or(0);
                m | u64::from(fails == 0) << i
            })
        })
        .collect();
    (fails, open)
}
