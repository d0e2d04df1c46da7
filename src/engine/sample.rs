//! Inverse-CDF sampling: every draw turns one 32-bit uniform word into a
//! value, so that each trial reads a fixed place of each stream. Expensive
//! quantile functions (Beta-PERT) are tabulated once when the plan is built.

use crate::scenario::dist::Dist;
pub use crate::scenario::dist::NORMAL_Z_LIMIT;

/// Cells of the tabulated PERT quantile function (2^PERT_TABLE_BITS).
const PERT_TABLE_BITS: u32 = 12;
const PERT_TABLE_CELLS: usize = 1 << PERT_TABLE_BITS;
/// A tabulated quantile function: values at k / PERT_TABLE_CELLS.
pub type QuantileTable = [f64; PERT_TABLE_CELLS + 1];

/// Cells of the numerical integration of the Beta density.
const PERT_CDF_CELLS: usize = 1 << 16;

/// Maps a 32-bit word to a uniform in (0, 1): the midpoint of its cell.
#[inline(always)]
pub fn unit(word: u32) -> f64 {
    // Through a signed integer, which converts in vector registers: the
    // result is exactly (word + 0.5) / 2³².
    let centred = (word ^ 0x8000_0000) as i32;
    (centred as f64 + 2_147_483_648.5) * (1.0 / 4_294_967_296.0)
}

/// The threshold a word must stay below for an event of probability `p`:
/// `word < threshold` happens with probability threshold / 2³².
pub fn threshold(p: f64) -> u64 {
    let t = libm::round(p * 4_294_967_296.0);
    t.clamp(0.0, 4_294_967_296.0) as u64
}

/// A distribution ready to sample.
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Triangular {
        min: f64,
        max: f64,
        split: f64,
        left: f64,
        right: f64,
    },
    Table {
        min: f64,
        width: f64,
        quantiles: std::sync::Arc<QuantileTable>,
    },
    Normal {
        mean: f64,
        sd: f64,
        p_low: f64,
        p_width: f64,
        min: f64,
        max: f64,
    },
    Discrete {
        cumulative: Vec<f64>,
        values: Vec<f64>,
    },
}

/// A distribution that may be a `given` tree (format 2, §5.4): one
/// sampler per leaf, the branch chosen by the states in force.
#[derive(Debug, Clone)]
pub enum SamplerTree {
    Leaf(Sampler),
    Given {
        condition: usize,
        branches: Vec<SamplerTree>,
    },
}

impl SamplerTree {
    pub fn new(dist: &Dist) -> SamplerTree {
        match dist {
            Dist::Given {
                condition,
                branches,
            } => SamplerTree::Given {
                condition: *condition,
                branches: branches.iter().map(SamplerTree::new).collect(),
            },
            leaf => SamplerTree::Leaf(Sampler::new(leaf)),
        }
    }

    /// The value at uniform `u` through the branch in force at `states`.
    pub fn quantile_at(&self, u: f64, states: &[u8]) -> f64 {
        match self {
            SamplerTree::Leaf(s) => s.quantile(u),
            SamplerTree::Given {
                condition,
                branches,
            } => branches[states[*condition] as usize].quantile_at(u, states),
        }
    }
}

impl Sampler {
    /// A sampler of one distribution (not a tree; see `SamplerTree`).
    pub fn new(dist: &Dist) -> Sampler {
        match dist {
            Dist::Given { .. } => unreachable!("a tree is sampled through SamplerTree"),
            Dist::Fixed(v) => Sampler::Fixed(*v),
            Dist::Uniform { min, max } => Sampler::Uniform {
                min: *min,
                width: max - min,
            },
            Dist::Triangular { min, mode, max } => {
                let width = max - min;
                Sampler::Triangular {
                    min: *min,
                    max: *max,
                    split: (mode - min) / width,
                    left: width * (mode - min),
                    right: width * (max - mode),
                }
            }
            Dist::Pert { min, mode, max } => {
                let width = max - min;
                let alpha = 1.0 + 4.0 * (mode - min) / width;
                let beta = 1.0 + 4.0 * (max - mode) / width;
                Sampler::Table {
                    min: *min,
                    width,
                    quantiles: cached_beta_table(alpha, beta),
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                let p_low = normal_cdf((min - mean) / sd);
                let p_high = normal_cdf((max - mean) / sd);
                Sampler::Normal {
                    mean: *mean,
                    sd: *sd,
                    p_low,
                    p_width: p_high - p_low,
                    min: *min,
                    max: *max,
                }
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                let mut cumulative: Vec<f64> = weights
                    .iter()
                    .map(|w| {
                        acc += w;
                        acc / total
                    })
                    .collect();
                if let Some(last) = cumulative.last_mut() {
                    *last = f64::INFINITY;
                }
                Sampler::Discrete {
                    cumulative,
                    values: values.clone(),
                }
            }
        }
    }

    /// True when every draw gives the same value (no words need reading).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Sampler::Fixed(_))
    }

    /// The value of a fixed distribution.
    pub fn fixed_value(&self) -> Option<f64> {
        match self {
            Sampler::Fixed(v) => Some(*v),
            _ => None,
        }
    }

    /// The value at uniform `u` in (0, 1).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform { min, width } => min + u * width,
            Sampler::Triangular {
                min,
                max,
                split,
                left,
                right,
            } => triangular(u, *min, *max, *split, *left, *right),
            Sampler::Table {
                min,
                width,
                quantiles,
            } => {
                let pos = u * PERT_TABLE_CELLS as f64;
                let k = (pos as usize).min(PERT_TABLE_CELLS - 1);
                let frac = pos - k as f64;
                let q = &**quantiles;
                min + width * (q[k] + frac * (q[k + 1] - q[k]))
            }
            Sampler::Normal {
                mean,
                sd,
                p_low,
                p_width,
                min,
                max,
            } => {
                let x = mean + sd * normal_quantile(p_low + u * p_width);
                x.clamp(*min, *max)
            }
            Sampler::Discrete { cumulative, values } => {
                let k = cumulative
                    .iter()
                    .position(|c| u < *c)
                    .unwrap_or(values.len() - 1);
                values[k]
            }
        }
    }

    /// Fills `out[i]` with the value for `words[i]`; the common kinds in
    /// branch-free loops the compiler can vectorise.
    #[inline(always)]
    pub fn fill(&self, words: &[u32], out: &mut [f64]) {
        match self {
            Sampler::Fixed(v) => out.fill(*v),
            Sampler::Uniform { min, width } => {
                for (o, w) in out.iter_mut().zip(words) {
                    *o = min + unit(*w) * width;
                }
            }
            Sampler::Triangular {
                min,
                max,
                split,
                left,
                right,
            } => {
                for (o, w) in out.iter_mut().zip(words) {
                    *o = triangular(unit(*w), *min, *max, *split, *left, *right);
                }
            }
            Sampler::Table {
                min,
                width,
                quantiles,
            } => {
                let q = &**quantiles;
                for (o, w) in out.iter_mut().zip(words) {
                    let pos = unit(*w) * PERT_TABLE_CELLS as f64;
                    // The cell, as `quantile` finds it: pos is exactly
                    // (w + ½) / 2²⁰, so its whole part is w / 2²⁰.
                    let k = (*w >> (32 - PERT_TABLE_BITS)) as usize;
                    let frac = pos - k as f64;
                    let (a, b) = (q[k], q[k + 1]);
                    *o = min + width * (a + frac * (b - a));
                }
            }
            _ => {
                for (o, w) in out.iter_mut().zip(words) {
                    *o = self.quantile(unit(*w));
                }
            }
        }
    }
}

/// Rounds a non-negative number of people to whole people, halves up.
#[inline(always)]
pub fn whole(v: f64) -> u32 {
    // Through i32 (personnel is at most 10^7), which converts in vector
    // registers; the bounds (NaN goes to 0) make the unchecked conversion
    // defined, so that no saturation fix-ups stop the loop vectorising.
    let v = (v + 0.5).max(0.0).min(i32::MAX as f64);
    // SAFETY: v is finite and within i32's range. (A saturating `as`
    // conversion here costs 14% of a simple12 run on one thread: the
    // benchmark in docs/performance.md.)
    unsafe { v.to_int_unchecked::<i32>() as u32 }
}

/// The triangular quantile, branch-free so that loops of it vectorise: b is
/// exactly 1 or 0, so the blends give exactly min + √(u·left) below the mode
/// and max − √((1−u)·right) above it.
#[inline(always)]
fn triangular(u: f64, min: f64, max: f64, split: f64, left: f64, right: f64) -> f64 {
    let b = f64::from(u8::from(u < split));
    let root = (b * (u * left) + (1.0 - b) * ((1.0 - u) * right)).sqrt();
    b * (min + root) + (1.0 - b) * (max - root)
}

/// Standard normal CDF, Φ(x) = erfc(-x/√2)/2.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal quantile Φ⁻¹(p): Acklam's rational approximation
/// (relative error 1.15e-9) refined by one Halley step on erfc.
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let p_low = 0.02425;
    let x = if p < p_low {
        let q = libm::sqrt(-2.0 * libm::log(p));
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - p_low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = libm::sqrt(-2.0 * libm::log(1.0 - p));
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let e = normal_cdf(x) - p;
    let u = e * libm::sqrt(2.0 * std::f64::consts::PI) * libm::exp(x * x / 2.0);
    x - u / (1.0 + x * u / 2.0)
}

/// Beta quantile tables by shape, so that equal shapes (common: every
/// contributor with the same delivery assumption) are computed once per
/// process.
fn cached_beta_table(alpha: f64, beta: f64) -> std::sync::Arc<QuantileTable> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Tables = Mutex<HashMap<(u64, u64), Arc<QuantileTable>>>;
    static CACHE: OnceLock<Tables> = OnceLock::new();
    let key = (alpha.to_bits(), beta.to_bits());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(t) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return t;
    }
    let table = Arc::new(beta_quantile_table(alpha, beta));
    if let Ok(mut c) = cache.lock() {
        c.insert(key, table.clone());
    }
    table
}

/// Quantiles of Beta(alpha, beta) (alpha, beta >= 1) at k / PERT_TABLE_CELLS,
/// from the trapezoid-rule integral of the density on a fine grid.
fn beta_quantile_table(alpha: f64, beta: f64) -> QuantileTable {
    use rayon::prelude::*;
    let n = PERT_CDF_CELLS;
    let density = |x: f64| libm::pow(x, alpha - 1.0) * libm::pow(1.0 - x, beta - 1.0);
    // The densities on every core (each value as computed alone), then the
    // sum in order.
    let densities: Vec<f64> = (0..=n)
        .into_par_iter()
        .map(|j| density(j as f64 / n as f64))
        .collect();
    let mut cdf = Vec::with_capacity(n + 1);
    cdf.push(0.0);
    let mut previous = densities[0];
    let mut acc = 0.0;
    for &d in &densities[1..] {
        acc += 0.5 * (previous + d) / n as f64;
        cdf.push(acc);
        previous = d;
    }
    let total = acc;
    let mut table = [0.0; PERT_TABLE_CELLS + 1];
    let mut j = 0;
    for (k, cell_value) in table.iter_mut().enumerate().take(PERT_TABLE_CELLS).skip(1) {
        let target = total * k as f64 / PERT_TABLE_CELLS as f64;
        while cdf[j + 1] < target {
            j += 1;
        }
        let cell = cdf[j + 1] - cdf[j];
        let frac = if cell > 0.0 {
            (target - cdf[j]) / cell
        } else {
            0.0
        };
        *cell_value = (j as f64 + frac) / n as f64;
    }
    table[PERT_TABLE_CELLS] = 1.0;
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_cdf() {
        for p in [1e-9, 0.001, 0.02, 0.3, 0.5, 0.8, 0.975, 0.999999] {
            let x = normal_quantile(p);
            assert!(
                (normal_cdf(x) - p).abs() < 1e-12 * p.max(1e-3),
                "p {p} x {x}"
            );
        }
        assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-9);
    }

    #[test]
    fn thresholds_are_exact_for_dyadic_probabilities() {
        assert_eq!(threshold(0.5), 1 << 31);
        assert_eq!(threshold(1.0), 1 << 32);
        assert_eq!(threshold(0.0), 0);
    }
}
