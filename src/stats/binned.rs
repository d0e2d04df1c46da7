//! Counts of whole numbers of people in bins whose width doubles when the
//! values outgrow a fixed number of bins. The width depends only on the
//! largest value counted, so counts merge exactly in any order and any
//! split: the finer of two is coarsened to the other's width, then added.
//! Counts are signed, so that a trial can move from one bin to another (a
//! count taken away from one, added to the other).

use serde::{Deserialize, Serialize};

/// The most bins before the width doubles: the exceedance table's rows.
pub const MAX_BINS: u64 = 4000;

/// The widest shift: personnel (at most 10^7 people, a step of at least 1)
/// never needs more than 12 doublings; anything wider is a corrupt tally.
pub const MAX_SHIFT: u32 = 32;

/// The bin width: `base << shift` people.
pub fn width(base: u64, shift: u32) -> u64 {
    base << shift
}

/// The smallest shift at which `largest` fits within `MAX_BINS` bins of
/// width `base << shift`.
pub fn shift_for(largest: u64, base: u64) -> u32 {
    let mut shift = 0;
    while largest.div_ceil(width(base, shift)) > MAX_BINS {
        shift += 1;
    }
    shift
}

/// The bin of `value` at width `base << shift`: ceil(ceil(value / base) /
/// 2^shift), in 32 bits where the numbers fit (personnel always does).
#[inline(always)]
fn bin_of(value: u64, base: u64, shift: u32) -> u64 {
    let units = match (u32::try_from(value), u32::try_from(base)) {
        (Ok(v), Ok(b)) => u64::from(v.div_ceil(b)),
        _ => value.div_ceil(base),
    };
    (units + (1 << shift) - 1) >> shift
}

/// Counts by bin: bin b holds the values x with (b-1)·w < x <= b·w (bin 0
/// holds 0), for the width w = base << shift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Binned {
    pub shift: u32,
    pub counts: Vec<i64>,
}

impl Binned {
    /// Counts `n` values equal to `value` (n < 0 takes them away), with
    /// bins of `base << shift`.
    #[inline]
    pub fn add(&mut self, value: u64, base: u64, n: i64) {
        let mut bin = bin_of(value, base, self.shift);
        if bin > MAX_BINS {
            self.coarsen_to(shift_for(value, base));
            bin = bin_of(value, base, self.shift);
        }
        let bin = bin as usize;
        if bin >= self.counts.len() {
            self.counts.resize(bin + 1, 0);
        }
        self.counts[bin] += n;
        if self.counts[bin] == 0 && bin + 1 == self.counts.len() {
            while self.counts.last() == Some(&0) {
                self.counts.pop();
            }
        }
    }

    /// Doubles the width until the shift is `shift`: bin b goes to bin
    /// ceil(b/2), which holds exactly its values.
    pub fn coarsen_to(&mut self, shift: u32) {
        while self.shift < shift {
            let mut coarse = vec![0i64; self.counts.len().div_ceil(2) + 1];
            for (b, c) in self.counts.iter().enumerate() {
                coarse[b.div_ceil(2)] += c;
            }
            while coarse.last() == Some(&0) {
                coarse.pop();
            }
            self.counts = coarse;
            self.shift += 1;
        }
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &Binned) {
        self.checked_merge(other)
            .expect("counts of at most 10^12 trials fit in 64 bits");
    }

    /// Adds `other` into `self` with checked arithmetic; None on overflow
    /// or a shift too wide for a width in 64 bits.
    pub fn checked_merge(&mut self, other: &Binned) -> Option<()> {
        let shift = self.shift.max(other.shift);
        if shift > MAX_SHIFT {
            return None;
        }
        let mut other = other.clone();
        self.coarsen_to(shift);
        other.coarsen_to(shift);
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.checked_add(*b)?;
        }
        while self.counts.last() == Some(&0) {
            self.counts.pop();
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding values one by one, in any order or split, gives the bins of
    /// the definition at the width the largest value needs.
    #[test]
    fn bins_follow_the_definition_whatever_the_order() {
        let base = 7;
        let values: Vec<u64> = (0..3000u64).map(|k| (k * 7919) % 90_001).collect();
        let largest = *values.iter().max().unwrap();
        let shift = shift_for(largest, base);
        let w = width(base, shift);
        let mut expected = vec![0i64; (largest.div_ceil(w) + 1) as usize];
        for v in &values {
            expected[v.div_ceil(w) as usize] += 1;
        }
        let mut whole = Binned::default();
        values.iter().for_each(|v| whole.add(*v, base, 1));
        let (mut a, mut b) = (Binned::default(), Binned::default());
        values[..100].iter().for_each(|v| a.add(*v, base, 1));
        values[100..].iter().rev().for_each(|v| b.add(*v, base, 1));
        b.merge(&a);
        while expected.last() == Some(&0) {
            expected.pop();
        }
        for got in [&whole, &b] {
            assert_eq!(got.shift, shift);
            let mut counts = got.counts.clone();
            counts.resize(expected.len(), 0);
            assert_eq!(counts, expected);
        }
    }
}
