//! §2 step 5, the roles: whether the arrived personnel can staff every
//! role's minimum. Contributors that accept the same roles are pooled into
//! groups, and the check is Hall's condition over the sets of roles with a
//! positive minimum (for every such set, the sum of the minimums is at most
//! the personnel of the groups accepting a role in it).

use crate::scenario::Scenario;
use crate::stats::tally::Tally;

/// One Hall-condition check: a set of roles with positive minimums.
#[derive(Debug, Clone)]
pub struct HallSet {
    /// Sum of the minimums of the roles in the set (people).
    pub demand: u64,
    /// Groups whose contributors accept some role of the set (bit g).
    pub groups: u64,
}

/// The roles, compiled for the check.
#[derive(Debug, Clone)]
pub struct Roles {
    /// Distinct sets of accepted roles (bit r = role r).
    pub groups: Vec<u32>,
    /// Per contributor: its group.
    pub group_of: Vec<usize>,
    /// Per role: the groups accepting it (bit g).
    pub role_groups: Vec<u64>,
    /// The sets of roles to check; empty when no role has a minimum.
    pub hall: Vec<HallSet>,
}

impl Roles {
    pub fn new(s: &Scenario) -> Roles {
        let mut groups: Vec<u32> = Vec::new();
        let group_of = s
            .contributors
            .iter()
            .map(|c| {
                let mask = c.roles.iter().fold(0u32, |m, r| m | 1 << r);
                groups.iter().position(|g| *g == mask).unwrap_or_else(|| {
                    groups.push(mask);
                    groups.len() - 1
                })
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
        Roles {
            groups,
            group_of,
            role_groups,
            hall,
        }
    }

    /// True when the arrived personnel per group meet every role minimum.
    #[inline]
    pub fn met(&self, group_sums: &[u64]) -> bool {
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

    /// For the trials of a batch: whether every role minimum is met (into
    /// `met`, 1 or 0), and roles.csv's counts (whether the contributors
    /// accepting each role alone supply its minimum, and their personnel),
    /// column by column. `sums[g * stride + t]` is group g's personnel in
    /// trial t; `supply` is a column to work in.
    #[inline(always)]
    pub fn tally_columns(
        &self,
        s: &Scenario,
        sums: &[u64],
        stride: usize,
        supply: &mut [u64],
        met: &mut [u8],
        tally: &mut Tally,
    ) {
        met.fill(1);
        for h in &self.hall {
            let supply = group_supply(h.groups, sums, stride, supply);
            for (m, a) in met.iter_mut().zip(supply.iter()) {
                *m &= u8::from(*a >= h.demand);
            }
        }
        for (r, role) in s.roles.iter().enumerate() {
            let supply = group_supply(self.role_groups[r], sums, stride, supply);
            let (mut reached, mut available) = (0u64, 0u64);
            for a in supply.iter() {
                reached += u64::from(*a >= role.minimum);
                available += a;
            }
            let rt = &mut tally.roles[r];
            rt.met += reached;
            rt.available_sum += available;
        }
    }
}

/// Per trial, the personnel of the groups `groups` (bit g): group g's own
/// column when it is the only one, else their sums in `supply`.
#[inline(always)]
fn group_supply<'a>(
    groups: u64,
    sums: &'a [u64],
    stride: usize,
    supply: &'a mut [u64],
) -> &'a [u64] {
    let len = supply.len();
    let column = |g: u32| &sums[g as usize * stride..g as usize * stride + len];
    if groups.count_ones() == 1 {
        return column(groups.trailing_zeros());
    }
    if groups == 0 {
        supply.fill(0);
        return supply;
    }
    // The first two groups' sum written over `supply`, then the others added.
    let first = groups.trailing_zeros();
    let rest = groups & (groups - 1);
    for ((a, x), y) in supply
        .iter_mut()
        .zip(column(first))
        .zip(column(rest.trailing_zeros()))
    {
        *a = x + y;
    }
    let mut bits = rest & (rest - 1);
    while bits != 0 {
        for (a, x) in supply.iter_mut().zip(column(bits.trailing_zeros())) {
            *a += x;
        }
        bits &= bits - 1;
    }
    supply
}
