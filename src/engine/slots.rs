//! Sums into slots picked trial by trial (pledges by first blocking
//! reason): consecutive trials often pick the same slot, and an addition to
//! a slot in memory waits for the one before it, so four sets of slots take
//! turns and are added together at the end.

/// For t in `0..len`, adds the value of `slot_value(t) = (slot, value)` to
/// `sums[slot]` (slot < N).
#[inline(always)]
pub fn sum_into_slots<const N: usize>(
    len: usize,
    sums: &mut [u64; N],
    mut slot_value: impl FnMut(usize) -> (usize, u64),
) {
    let mut sets = [[0u64; N]; 4];
    let whole = len - len % 4;
    for t in (0..whole).step_by(4) {
        for (k, set) in sets.iter_mut().enumerate() {
            let (slot, value) = slot_value(t + k);
            set[slot] += value;
        }
    }
    for t in whole..len {
        let (slot, value) = slot_value(t);
        sets[0][slot] += value;
    }
    for set in &sets {
        for (sum, v) in sums.iter_mut().zip(set) {
            *sum += v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_every_trial_into_its_slot() {
        for len in [0, 1, 3, 4, 5, 4096, 4097] {
            let slot_value = |t: usize| ((t * 7 + t / 3) % 5, t as u64 * 3 + 1);
            let mut expected = [0u64; 5];
            for t in 0..len {
                let (s, v) = slot_value(t);
                expected[s] += v;
            }
            let mut sums = [0u64; 5];
            sum_into_slots(len, &mut sums, slot_value);
            assert_eq!(sums, expected, "len {len}");
        }
    }
}
