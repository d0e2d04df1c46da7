//! Counting, for each of up to 64 contributors at once, the trials in
//! which its bit of a mask is set. A column of masks goes through
//! carry-save adders, sixteen masks at a time: bit i of the words `ones`,
//! `twos`, `fours` and `eights` holds that binary digit of bit i's count,
//! and each group's carry out (a mask worth sixteen) is counted in byte
//! lanes. Masks added one trial at a time (`MaskCounts`) use the byte lanes
//! alone: each byte of a mask is spread into eight byte-wide counters with
//! one table look-up and one addition, and the byte counters are emptied
//! into 64-bit totals before they can overflow.

/// `SPREAD[b]` has byte k equal to bit k of b.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            if b >> k & 1 == 1 {
                table[b] |= 1 << (8 * k);
            }
            k += 1;
        }
        b += 1;
    }
    table
};

/// Adds to `totals[i]` the number of `masks` with bit i set, for masks of
/// `bits` bits (at most 64).
pub fn count_bits(masks: impl Iterator<Item = u64>, bits: usize, totals: &mut [u64; 64]) {
    match bits.div_ceil(8) {
        0 => {}
        1 => count_by_digits::<1>(masks, totals),
        2 => count_by_digits::<2>(masks, totals),
        3 => count_by_digits::<3>(masks, totals),
        4 => count_by_digits::<4>(masks, totals),
        5 => count_by_digits::<5>(masks, totals),
        6 => count_by_digits::<6>(masks, totals),
        7 => count_by_digits::<7>(masks, totals),
        _ => count_by_digits::<8>(masks, totals),
    }
}

/// A carry-save adder over bit positions: the (carry, sum) digits of
/// a + b + c, bit by bit.
#[inline(always)]
fn csa(a: u64, b: u64, c: u64) -> (u64, u64) {
    let u = a ^ b;
    ((a & b) | (u & c), u ^ c)
}

/// Adds digit words, each with its weight (bit i of a word counts `weight`
/// for bit i), to the totals of the first `8 * B` bits.
#[inline(always)]
fn add_digits<const B: usize>(totals: &mut [u64; 64], digits: [(u64, u64); 4]) {
    for (i, total) in totals.iter_mut().enumerate().take(8 * B) {
        for (word, weight) in digits {
            *total += (word >> i & 1) * weight;
        }
    }
}

#[inline(always)]
fn count_by_digits<const B: usize>(mut masks: impl Iterator<Item = u64>, totals: &mut [u64; 64]) {
    let (mut ones, mut twos, mut fours, mut eights) = (0u64, 0u64, 0u64, 0u64);
    // Byte lanes counting the groups' carries out (each worth sixteen).
    let mut lanes = [0u64; B];
    let mut sixteens = [0u64; 64];
    let mut pending = 0u32;
    loop {
        // Sixteen masks, zeros past the end (they add nothing).
        let mut d = [0u64; 16];
        let mut n = 0;
        for (slot, mask) in d.iter_mut().zip(masks.by_ref()) {
            *slot = mask;
            n += 1;
        }
        if n == 0 {
            break;
        }
        let (twos_a, o) = csa(ones, d[0], d[1]);
        let (twos_b, o) = csa(o, d[2], d[3]);
        let (fours_a, t) = csa(twos, twos_a, twos_b);
        let (twos_a, o) = csa(o, d[4], d[5]);
        let (twos_b, o) = csa(o, d[6], d[7]);
        let (fours_b, t) = csa(t, twos_a, twos_b);
        let (eights_a, f) = csa(fours, fours_a, fours_b);
        let (twos_a, o) = csa(o, d[8], d[9]);
        let (twos_b, o) = csa(o, d[10], d[11]);
        let (fours_a, t) = csa(t, twos_a, twos_b);
        let (twos_a, o) = csa(o, d[12], d[13]);
        let (twos_b, o) = csa(o, d[14], d[15]);
        let (fours_b, t) = csa(t, twos_a, twos_b);
        let (eights_b, f) = csa(f, fours_a, fours_b);
        let (carry, e) = csa(eights, eights_a, eights_b);
        (ones, twos, fours, eights) = (o, t, f, e);
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += SPREAD[(carry >> (8 * k) & 0xff) as usize];
        }
        pending += 1;
        if pending == 255 {
            flush_lanes(&mut lanes, &mut sixteens);
            pending = 0;
        }
        if n < 16 {
            break;
        }
    }
    flush_lanes(&mut lanes, &mut sixteens);
    add_digits::<B>(totals, [(ones, 1), (twos, 2), (fours, 4), (eights, 8)]);
    for (total, s) in totals.iter_mut().zip(sixteens).take(8 * B) {
        *total += 16 * s;
    }
}

/// Moves byte-lane counters into 64-bit totals.
#[inline(always)]
fn flush_lanes<const B: usize>(lanes: &mut [u64; B], totals: &mut [u64; 64]) {
    for (k, lane) in lanes.iter_mut().enumerate() {
        for b in 0..8 {
            totals[8 * k + b] += *lane >> (8 * b) & 0xff;
        }
        *lane = 0;
    }
}

/// Per-bit counts of M streams of masks, added together trial by trial.
#[derive(Debug, Clone)]
pub struct MaskCounts<const M: usize> {
    /// Bytes of mask in use (bits / 8, rounded up).
    bytes: usize,
    /// `lanes[m][k]`: eight byte-wide counters for byte k of stream m.
    lanes: [[u64; 8]; M],
    /// Trials added since the last flush (at most 255).
    pending: u32,
    /// `totals[m][i]`: masks of stream m counted with bit i set.
    totals: [[u64; 64]; M],
}

impl<const M: usize> MaskCounts<M> {
    /// Counters for masks of `bits` bits (at most 64).
    pub fn new(bits: usize) -> Self {
        MaskCounts {
            bytes: bits.div_ceil(8).min(8),
            lanes: [[0; 8]; M],
            pending: 0,
            totals: [[0; 64]; M],
        }
    }

    /// Adds one trial's masks, one per stream.
    #[inline(always)]
    pub fn add(&mut self, masks: [u64; M]) {
        for k in 0..self.bytes {
            for (lanes, mask) in self.lanes.iter_mut().zip(masks) {
                lanes[k] += SPREAD[(mask >> (8 * k) & 0xff) as usize];
            }
        }
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    /// Moves the byte counters into the totals.
    pub fn flush(&mut self) {
        for (lanes, totals) in self.lanes.iter_mut().zip(self.totals.iter_mut()) {
            for (k, lane) in lanes.iter_mut().enumerate().take(self.bytes) {
                for b in 0..8 {
                    totals[8 * k + b] += *lane >> (8 * b) & 0xff;
                }
                *lane = 0;
            }
        }
        self.pending = 0;
    }

    /// Flushes and returns the totals of every stream, leaving them at zero.
    pub fn take(&mut self) -> [[u64; 64]; M] {
        self.flush();
        std::mem::replace(&mut self.totals, [[0; 64]; M])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_bit_over_many_masks() {
        let mut c = MaskCounts::<2>::new(12);
        let mut expected = [[0u64; 64]; 2];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let masks = [x & 0xfff, (x >> 20) & 0xfff];
            for (e, m) in expected.iter_mut().zip(masks) {
                for (i, count) in e.iter_mut().enumerate() {
                    *count += m >> i & 1;
                }
            }
            c.add(masks);
        }
        assert_eq!(c.take(), expected);
    }

    /// Every width, and columns of every length around a group of sixteen
    /// and around the byte lanes' flush (255 groups), dense and sparse.
    #[test]
    fn counts_each_bit_of_a_column_for_every_width() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let lengths = [0, 1, 15, 16, 17, 1000, 4079, 4080, 4081, 4096, 70_000];
        for (bits, len) in [1, 7, 8, 9, 12, 16, 17, 33, 63, 64]
            .into_iter()
            .flat_map(|b| lengths.map(|l| (b, l)))
        {
            let keep = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let masks: Vec<u64> = (0..len)
                .map(|t| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Every other column all ones, to reach the highest digits.
                    if bits % 2 == 1 && t % 3 != 0 {
                        keep
                    } else {
                        x & keep
                    }
                })
                .collect();
            let mut expected = [0u64; 64];
            for m in &masks {
                for (i, count) in expected.iter_mut().enumerate() {
                    *count += m >> i & 1;
                }
            }
            let mut totals = [7u64; 64];
            count_bits(masks.iter().copied(), bits, &mut totals);
            let expected = expected.map(|e| e + 7);
            assert_eq!(totals, expected, "{bits} bits, {len} masks");
        }
    }
}
