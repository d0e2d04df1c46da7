//! Proper scoring rules: the Brier score of a probability and the
//! continuous ranked probability score (CRPS) of an empirical
//! distribution, both negatively oriented (0 is perfect).

/// Brier score: (p − o)², o = 1 when the event happened.
pub fn brier(p: f64, happened: bool) -> f64 {
    let o = if happened { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// CRPS of the empirical distribution of `sorted` (ascending, not empty)
/// at the observation `y`: E|X − y| − ½·E|X − X'| (Gneiting & Raftery
/// 2007, J. Am. Stat. Assoc. 102, eq. 21), exact for the sample; the
/// second term in its sorted form, ½·E|X − X'| = (1/n²)·Σₖ (2k − n − 1)·x₍ₖ₎
/// for k = 1..n.
pub fn crps(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len() as f64;
    let mut spread = 0.0;
    let mut miss = 0.0;
    for (k, &x) in sorted.iter().enumerate() {
        miss += (x - y).abs();
        spread += (2.0 * (k as f64 + 1.0) - n - 1.0) * x;
    }
    miss / n - spread / (n * n)
}

/// The share of `values` at or above `level`.
pub fn share_at_least(values: &[f64], level: f64) -> f64 {
    let hits = values.iter().filter(|&&x| x >= level).count();
    hits as f64 / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crps_of_one_value_is_the_absolute_error() {
        assert_eq!(crps(&[0.3], 0.8), 0.5);
    }

    #[test]
    fn crps_matches_the_integral_of_the_squared_difference() {
        // F = 1/2 on [0, 1), 1 from 1; y = 0: ∫₀¹ (1/2 − 1)² dt = 1/4.
        assert!((crps(&[0.0, 1.0], 0.0) - 0.25).abs() < 1e-15);
        // y = 0.5: ∫₀^½ (1/2)² + ∫_½^1 (1/2)² = 1/4.
        assert!((crps(&[0.0, 1.0], 0.5) - 0.25).abs() < 1e-15);
        // Three values 0, 0, 1 at y = 1: ∫₀¹ (2/3)² = 4/9.
        assert!((crps(&[0.0, 0.0, 1.0], 1.0) - 4.0 / 9.0).abs() < 1e-15);
    }

    #[test]
    fn brier_is_the_squared_miss() {
        assert_eq!(brier(0.25, true), 0.5625);
        assert_eq!(brier(0.25, false), 0.0625);
    }
}
