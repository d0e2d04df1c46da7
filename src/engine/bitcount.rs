//! Counting, for each of up to 64 contributors at once, the trials in
//! which its bit of a mask is set: each byte of a mask is spread into eight
//! byte-wide counters with one table look-up and one addition, and the byte
//! counters are emptied into 64-bit totals before they can overflow.

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
/// `bits` bits (at most 64). The byte counters live in registers for the
/// whole loop, which makes this several times faster than `MaskCounts::add`
/// trial by trial when the masks are already in a column.
pub fn count_bits(masks: impl Iterator<Item = u64>, bits: usize, totals: &mut [u64; 64]) {
    match bits.div_ceil(8) {
        0 => {}
        1 => count_bytes::<1>(masks, totals),
        2 => count_bytes::<2>(masks, totals),
        3 => count_bytes::<3>(masks, totals),
        4 => count_bytes::<4>(masks, totals),
        5 => count_bytes::<5>(masks, totals),
        6 => count_bytes::<6>(masks, totals),
        7 => count_bytes::<7>(masks, totals),
        _ => count_bytes::<8>(masks, totals),
    }
}

#[inline(always)]
fn count_bytes<const B: usize>(masks: impl Iterator<Item = u64>, totals: &mut [u64; 64]) {
    let mut lanes = [0u64; B];
    let flush = |lanes: &mut [u64; B], totals: &mut [u64; 64]| {
        for (k, lane) in lanes.iter_mut().enumerate() {
            for b in 0..8 {
                totals[8 * k + b] += *lane >> (8 * b) & 0xff;
            }
            *lane = 0;
        }
    };
    let mut pending = 0u32;
    for mask in masks {
        for (k, lane) in lanes.iter_mut().enumerate() {
            *lane += SPREAD[(mask >> (8 * k) & 0xff) as usize];
        }
        pending += 1;
        if pending == 255 {
            flush(&mut lanes, totals);
            pending = 0;
        }
    }
    flush(&mut lanes, totals);
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

    #[test]
    fn counts_each_bit_of_a_column_for_every_width() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for bits in [1, 7, 8, 9, 12, 16, 17, 33, 63, 64] {
            let keep = if bits == 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let masks: Vec<u64> = (0..1000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x & keep
                })
                .collect();
            let mut expected = [0u64; 64];
            for m in &masks {
                for (i, count) in expected.iter_mut().enumerate() {
                    *count += m >> i & 1;
                }
            }
            let mut totals = [0u64; 64];
            count_bits(masks.iter().copied(), bits, &mut totals);
            assert_eq!(totals, expected, "{bits} bits");
        }
    }
}
