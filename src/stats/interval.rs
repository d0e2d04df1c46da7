//! Confidence intervals at 95%.

/// z for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959963984540054;

/// Wilson score interval for `k` successes in `n` trials (Wilson 1927):
/// (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n). Defined and inside
/// [0, 1] also at k = 0 and k = n. None when n = 0.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = p + z2 / (2.0 * n);
    let spread = Z95 * libm::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    let low = ((centre - spread) / denom).max(0.0);
    let high = ((centre + spread) / denom).min(1.0);
    Some((
        if k == 0 { 0.0 } else { low },
        if k as f64 == n { 1.0 } else { high },
    ))
}

/// Normal interval for a mean from the sum and the sum of squares of `n`
/// values: mean ± z·s/√n with s the sample standard deviation.
pub fn mean_interval(sum: u64, sum_sq: u128, n: u64) -> Option<(f64, f64, f64)> {
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let mean = sum as f64 / nf;
    // n·Σx² - (Σx)², exact in integers, then the sample variance.
    let spread = (n as u128 * sum_sq).saturating_sub(sum as u128 * sum as u128);
    let var = if n > 1 {
        spread as f64 / (nf * (nf - 1.0))
    } else {
        0.0
    };
    let half = Z95 * libm::sqrt(var / nf);
    Some((mean, mean - half, mean + half))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_worked_value() {
        // 8 of 10: (0.4902, 0.9433), a textbook example.
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!(
            (lo - 0.4902).abs() < 1e-4 && (hi - 0.9433).abs() < 1e-4,
            "{lo} {hi}"
        );
    }

    #[test]
    fn wilson_at_the_edges() {
        let (lo, hi) = wilson(0, 100).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.03 && hi < 0.04);
        let (lo, hi) = wilson(100, 100).unwrap();
        assert_eq!(hi, 1.0);
        assert!(lo > 0.96 && lo < 0.97);
        assert!(wilson(0, 0).is_none());
    }

    #[test]
    fn mean_interval_of_constant_values_is_a_point() {
        assert_eq!(mean_interval(50, 500, 5), Some((10.0, 10.0, 10.0)));
    }
}
