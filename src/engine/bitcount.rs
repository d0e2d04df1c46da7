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
}
