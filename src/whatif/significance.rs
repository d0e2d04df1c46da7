//! Differences between two independent runs: normal intervals of the
//! difference, two-sided p-values, and Holm's step-down correction over a
//! family of tests (Holm 1979), so that comparing dozens of metrics of two
//! runs of one scenario rarely flags any of them.

use crate::stats::interval::Z95;

/// A difference A − B with its 95% interval and two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub diff: f64,
    pub low: f64,
    pub high: f64,
    pub p: f64,
}

/// Two-sided p-value of a standard normal statistic: 2(1 − Φ(|z|)) = erfc(|z|/√2).
pub fn two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// A − B from the standard error of the difference; a zero standard error
/// makes any nonzero difference certain and a zero difference untestable (p = 1).
fn difference(diff: f64, se: f64) -> Difference {
    let p = if se > 0.0 {
        two_sided_p(diff / se)
    } else if diff == 0.0 {
        1.0
    } else {
        0.0
    };
    Difference {
        diff,
        low: diff - Z95 * se,
        high: diff + Z95 * se,
        p,
    }
}

/// p_A − p_B with the unpooled standard error sqrt(pA(1−pA)/nA + pB(1−pB)/nB).
pub fn proportions(pa: f64, na: u64, pb: f64, nb: u64) -> Option<Difference> {
    if na == 0 || nb == 0 {
        return None;
    }
    let var = pa * (1.0 - pa) / na as f64 + pb * (1.0 - pb) / nb as f64;
    Some(difference(pa - pb, libm::sqrt(var.max(0.0))))
}

/// m_A − m_B from each mean's standard error.
pub fn means(ma: f64, se_a: f64, mb: f64, se_b: f64) -> Difference {
    difference(ma - mb, libm::sqrt(se_a * se_a + se_b * se_b))
}

/// The standard error of a mean from its 95% normal interval.
pub fn se_from_interval(low: f64, high: f64) -> f64 {
    (high - low) / 2.0 / Z95
}

/// Holm-adjusted p-values of the tests that have one: sorted ascending, the
/// i-th smallest (from 0) of m becomes max over j <= i of min(1, (m − j)·p_(j)).
/// A test is significant at family-wise level α when its adjusted p <= α.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    order.sort_by(|&a, &b| p[a].unwrap_or(1.0).total_cmp(&p[b].unwrap_or(1.0)));
    let m = order.len();
    let mut out = vec![None; p.len()];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adjusted = ((m - rank) as f64 * p[i].unwrap_or(1.0)).min(1.0);
        running = running.max(adjusted);
        out[i] = Some(running);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_of_known_z() {
        assert!((two_sided_p(1.959963984540054) - 0.05).abs() < 1e-12);
        assert!((two_sided_p(0.0) - 1.0).abs() < 1e-15);
        assert!((two_sided_p(-2.5758293035489) - 0.01).abs() < 1e-9);
    }

    #[test]
    fn holm_matches_a_worked_example() {
        // p = 0.01, 0.04, 0.03, 0.005 (m = 4): sorted 0.005, 0.01, 0.03, 0.04
        // -> 0.02, 0.03, 0.06, 0.06.
        let adj = holm(&[Some(0.01), Some(0.04), Some(0.03), None, Some(0.005)]);
        let got: Vec<f64> = adj.iter().flatten().copied().collect();
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
        assert_eq!(adj[3], None);
    }

    #[test]
    fn proportion_difference() {
        let d = proportions(0.3, 10_000, 0.6, 10_000).unwrap();
        assert!((d.diff + 0.3).abs() < 1e-12);
        let se = libm::sqrt(0.21 / 1e4 + 0.24 / 1e4);
        assert!((d.high - d.diff - Z95 * se).abs() < 1e-12);
        assert!(d.p < 1e-100);
        assert_eq!(proportions(0.0, 10, 0.0, 10).unwrap().p, 1.0);
        assert_eq!(proportions(0.0, 10, 1.0, 10).unwrap().p, 0.0);
    }
}
