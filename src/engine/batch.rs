//! One batch of consecutive trials, step by step as the contract orders
//! them: every entity's words for the whole batch are drawn at once from its
//! own stream and turned into columns of values; most tallies are then taken
//! column by column (one contributor over the batch, branch-free), and only
//! what needs a whole trial is done per trial.

use super::arrivals::sum_arrivals;
use super::conditions::draw_conditions;
use super::draws::draw_contributors;
use super::negotiation::{negotiate, negotiate_columns};
use super::paths::Build;
use super::plan::Plan;
pub use super::scratch::BATCH;
use super::scratch::Scratch;
use super::streams::Streams;
use super::trial::tally_trial;
use super::{arrivals, blockers, coalition, conditions};
use crate::scenario::Scenario;
use crate::stats::tally::{Tally, bump};

/// Runs trials `first .. first + len` (len <= BATCH) and adds them to `tally`.
///
/// The same code runs compiled for the widest vectors the processor has
/// (AVX-512, AVX2) unless the plan asks for a narrower build; Rust never
/// fuses or reorders floating-point operations, so every build gives the
/// same results bit for bit.
pub fn run_batch(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    match build_for(plan.paths.vectors) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `build_for` picks a build only where the processor has
        // the features it is compiled for.
        Build::Avx512 => unsafe { run_batch_avx512(s, plan, streams, first, len, sc, tally) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Build::Avx2 => unsafe { run_batch_avx2(s, plan, streams, first, len, sc, tally) },
        // The build for any processor of the target.
        _ => run_batch_body(s, plan, streams, first, len, sc, tally),
    }
}

/// The build that runs when the plan allows builds up to `widest`: the
/// widest of them the processor has.
pub fn build_for(widest: Build) -> Build {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        let avx2 = has!("avx2") && has!("bmi1") && has!("bmi2") && has!("lzcnt") && has!("popcnt");
        let avx512 = avx2
            && has!("avx512f")
            && has!("avx512bw")
            && has!("avx512cd")
            && has!("avx512dq")
            && has!("avx512vl");
        match widest {
            Build::Avx512 if avx512 => return Build::Avx512,
            Build::Avx512 | Build::Avx2 if avx2 => return Build::Avx2,
            _ => {}
        }
    }
    let _ = widest;
    Build::Portable
}

/// A build of `run_batch_body` compiled for the processor features named.
macro_rules! wide_build {
    ($name:ident, $features:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        unsafe fn $name(
            s: &Scenario,
            plan: &Plan,
            streams: &Streams,
            first: u64,
            len: usize,
            sc: &mut Scratch,
            tally: &mut Tally,
        ) {
            run_batch_body(s, plan, streams, first, len, sc, tally);
        }
    };
}

wide_build!(run_batch_avx2, "avx,avx2,bmi1,bmi2,lzcnt,popcnt");
wide_build!(
    run_batch_avx512,
    "avx,avx2,bmi1,bmi2,lzcnt,popcnt,avx512f,avx512bw,avx512cd,avx512dq,avx512vl"
);

#[inline(always)]
fn run_batch_body(
    s: &Scenario,
    plan: &Plan,
    streams: &Streams,
    first: u64,
    len: usize,
    sc: &mut Scratch,
    tally: &mut Tally,
) {
    draw_conditions(plan, streams, first, len, sc);
    draw_contributors(s, plan, streams, first, len, sc);
    if plan.column_rounds {
        negotiate_columns(plan, len, sc);
    } else if plan.cascade || !plan.paths.skip_rounds {
        let c = plan.condition_count;
        for t in 0..len {
            let states = &sc.states[t * c..t * c + c];
            let pledge = &sc.pledge;
            sc.joined[t] = negotiate(s, plan, sc.eligible[t], states, |i| pledge[i][t] as u64);
        }
    } else {
        sc.joined[..len].copy_from_slice(&sc.eligible[..len]);
    }
    for t in 0..len {
        sc.arrived[t] = sc.joined[t] & !sc.late[t];
    }
    sum_arrivals(s, plan, len, sc);
    if !s.roles.is_empty() {
        let (sums, supply, met) = (
            &sc.group_sums,
            &mut sc.supply[..len],
            &mut sc.roles_met[..len],
        );
        plan.roles.tally_columns(s, sums, BATCH, supply, met, tally);
    }
    for t in 0..len {
        tally_trial(s, plan, t, sc, tally);
    }
    // A loop of its own, so that the scattered increments overlap.
    let totals = &sc.total[..len];
    let largest = totals.iter().copied().max().unwrap_or(0);
    bump(&mut tally.histogram, largest as usize, 0);
    for &total in totals {
        tally.histogram[total as usize] += 1;
    }
    add_personnel(totals, largest, tally);
    let joined_n = coalition::tally_batch(s.contributors.len(), len, sc, tally);
    arrivals::tally_batch(plan, &joined_n, sc, tally);
    arrivals::tally_build_up_batch(plan, sc, tally);
    conditions::tally_batch(s, plan, sc, tally);
    blockers::tally_batch(s, plan, len, sc, tally);
    tally.trials += len as u64;
}

/// The sum of the batch's arrived totals and of their squares, for the
/// mean's interval. Below 2²⁶ people a square is under 2⁵², and 4,096 of
/// them fit 64 bits: the loop runs on 64-bit vector lanes.
#[inline(always)]
fn add_personnel(totals: &[u64], largest: u64, tally: &mut Tally) {
    tally.personnel_sum += totals.iter().sum::<u64>();
    const { assert!(BATCH <= 1 << 12) };
    if largest < 1 << 26 {
        let squares = totals
            .iter()
            .map(|&t| (t as u32 as u64) * (t as u32 as u64));
        tally.personnel_sq += u128::from(squares.sum::<u64>());
    } else {
        tally.personnel_sq += totals
            .iter()
            .map(|&t| u128::from(t) * u128::from(t))
            .sum::<u128>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personnel_sums_are_exact_on_both_sides_of_the_vector_bound() {
        let mut tally = Tally::new(&[], 0, &[], 0);
        for largest in [0u64, 5, (1 << 26) - 1, 1 << 26, u64::from(u32::MAX) + 7] {
            let totals: Vec<u64> = (0..BATCH as u64)
                .map(|t| largest - largest * t / 4096 % 3)
                .collect();
            let max = totals.iter().copied().max().unwrap();
            tally.personnel_sum = 0;
            tally.personnel_sq = 0;
            add_personnel(&totals, max, &mut tally);
            let sq: u128 = totals.iter().map(|&t| u128::from(t) * u128::from(t)).sum();
            assert_eq!(tally.personnel_sq, sq, "largest {largest}");
            assert_eq!(tally.personnel_sum, totals.iter().sum::<u64>());
        }
    }
}
