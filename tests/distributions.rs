//! The samplers' quantile functions against closed forms computed here.
//!
//! Evaluating a sampler at u = (k + 0.5)/N for k in 0..N is the midpoint rule
//! for ∫₀¹ Q(u) du, which is the distribution's mean; so a sampler whose mean
//! is off (a wrong parameterisation, a shifted table, a truncation applied
//! twice) shows up without any randomness. A few quantiles are checked
//! directly. Every reference value below is computed in this file from the
//! textbook formula, not from the engine's helpers.

use muster::engine::sample::{Sampler, normal_quantile};
use muster::scenario::dist::Dist;

/// Quadrature points.
const N: usize = 200_000;
/// Quantiles checked for every distribution.
const PROBES: [f64; 3] = [0.05, 0.5, 0.95];

/// The midpoint-rule mean of the sampler's quantile function.
fn quadrature_mean(s: &Sampler) -> f64 {
    let sum: f64 = (0..N)
        .map(|k| s.quantile((k as f64 + 0.5) / N as f64))
        .sum();
    sum / N as f64
}

fn assert_rel(what: &str, got: f64, want: f64, tol: f64) {
    let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
    assert!(
        rel <= tol,
        "{what}: got {got}, expected {want} (relative error {rel:.3e} > {tol:.0e})"
    );
}

/// Checks the quadrature mean and the probe quantiles of `dist`.
fn check(what: &str, dist: Dist, mean: f64, quantile: impl Fn(f64) -> f64, tol: (f64, f64)) {
    let s = Sampler::new(&dist);
    assert_rel(&format!("{what}: mean"), quadrature_mean(&s), mean, tol.0);
    for u in PROBES {
        assert_rel(
            &format!("{what}: quantile at {u}"),
            s.quantile(u),
            quantile(u),
            tol.1,
        );
    }
}

const EXACT: (f64, f64) = (1e-6, 1e-6);

/// Smallest x in [lo, hi] with f(x) >= target, for increasing f, by bisection
/// to the last bit.
fn invert(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

// ---------------------------------------------------------------------------
// Uniform, triangular, fixed, discrete.

#[test]
fn uniform() {
    for (min, max) in [(0.5, 1.0), (1000.0, 9000.0), (0.0, 12.0)] {
        check(
            &format!("uniform({min}, {max})"),
            Dist::Uniform { min, max },
            (min + max) / 2.0,
            |u| min + u * (max - min),
            EXACT,
        );
    }
}

/// Quantile of the triangular distribution on [a, b] with mode c.
fn triangular_quantile(a: f64, c: f64, b: f64, u: f64) -> f64 {
    let split = (c - a) / (b - a);
    if u < split {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    }
}

#[test]
fn triangular() {
    for (min, mode, max) in [
        (2000.0, 8000.0, 20000.0),
        (0.3, 1.0, 4.0),
        (150.0, 250.0, 250.0),
        (302.0, 302.0, 400.0),
        (1.0, 3.0, 8.0),
    ] {
        check(
            &format!("triangular({min}, {mode}, {max})"),
            Dist::Triangular { min, mode, max },
            (min + mode + max) / 3.0,
            |u| triangular_quantile(min, mode, max, u),
            EXACT,
        );
    }
}

#[test]
fn fixed() {
    for v in [0.0, 1.0, 8000.0] {
        let s = Sampler::new(&Dist::Fixed(v));
        assert_eq!(quadrature_mean(&s), v, "fixed {v}: mean");
        for u in PROBES {
            assert_eq!(s.quantile(u), v, "fixed {v}: quantile at {u}");
        }
    }
}

#[test]
fn discrete() {
    let cases: [(&[f64], &[f64]); 3] = [
        (&[0.0, 600.0, 1500.0], &[3.0, 5.0, 2.0]),
        (&[0.0, 1.0], &[0.2, 0.8]),
        (&[2.0, 4.0, 6.0, 9.0], &[1.0, 1.0, 1.0, 7.0]),
    ];
    for (values, weights) in cases {
        let total: f64 = weights.iter().sum();
        let mean: f64 = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
        // The smallest value whose cumulative probability reaches u.
        let quantile = |u: f64| {
            let mut acc = 0.0;
            for (v, w) in values.iter().zip(weights) {
                acc += w / total;
                if acc >= u {
                    return *v;
                }
            }
            *values.last().unwrap()
        };
        let s = Sampler::new(&Dist::Discrete {
            values: values.to_vec(),
            weights: weights.to_vec(),
        });
        let what = format!("discrete {values:?} {weights:?}");
        let got = quadrature_mean(&s);
        assert!(
            (got - mean).abs() <= 1e-6 * mean.abs().max(1.0),
            "{what}: mean {got}, expected {mean}"
        );
        for u in PROBES {
            assert_eq!(s.quantile(u), quantile(u), "{what}: quantile at {u}");
        }
    }
}

// ---------------------------------------------------------------------------
// Truncated normal.

/// Standard normal density.
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal CDF, from the error function (the complementary form
/// keeps the lower tail accurate).
fn big_phi(x: f64) -> f64 {
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    if x < 0.0 {
        0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
    } else {
        0.5 * (1.0 + libm::erf(x / std::f64::consts::SQRT_2))
    }
}

/// Normal(mu, sd) truncated to [lo, hi]: mean and quantile function.
fn truncated_normal(mu: f64, sd: f64, lo: f64, hi: f64) -> (f64, impl Fn(f64) -> f64) {
    let (a, b) = ((lo - mu) / sd, (hi - mu) / sd);
    let (pa, pb) = (big_phi(a), big_phi(b));
    let phi_b = if b.is_infinite() { 0.0 } else { phi(b) };
    let mean = mu + sd * (phi(a) - phi_b) / (pb - pa);
    let quantile = move |u: f64| {
        let target = pa + u * (pb - pa);
        mu + sd * invert(big_phi, target, -40.0, 40.0)
    };
    (mean, quantile)
}

#[test]
fn normal_truncated_at_zero() {
    for (mu, sd) in [(1000.0, 600.0), (4000.0, 1000.0), (2.0, 3.0), (0.5, 0.5)] {
        let (mean, quantile) = truncated_normal(mu, sd, 0.0, f64::INFINITY);
        check(
            &format!("normal({mu}, {sd}) on [0, inf)"),
            Dist::Normal {
                mean: mu,
                sd,
                min: 0.0,
                max: f64::INFINITY,
            },
            mean,
            quantile,
            EXACT,
        );
    }
}

#[test]
fn normal_truncated_both_sides() {
    for (mu, sd, lo, hi) in [
        (0.7, 0.2, 0.3, 1.0),
        (5.0, 3.0, 1.0, 8.0),
        (3000.0, 500.0, 2500.0, 5000.0),
        (1.0, 2.0, 2.0, 6.0),
    ] {
        let (mean, quantile) = truncated_normal(mu, sd, lo, hi);
        check(
            &format!("normal({mu}, {sd}) on [{lo}, {hi}]"),
            Dist::Normal {
                mean: mu,
                sd,
                min: lo,
                max: hi,
            },
            mean,
            quantile,
            EXACT,
        );
    }
}

#[test]
fn normal_quantile_known_values() {
    let cases = [
        (0.975, 1.959963984540054),
        (0.025, -1.959963984540054),
        (0.001, -3.090232306167813),
        (0.999, 3.090232306167813),
        (0.8413447460685429, 1.0),
    ];
    for (p, z) in cases {
        let got = normal_quantile(p);
        assert!(
            (got - z).abs() <= 1e-12 * z.abs(),
            "normal_quantile({p}) = {got}, expected {z}"
        );
    }
    assert!(normal_quantile(0.5).abs() <= 1e-15, "normal_quantile(0.5)");
}

// ---------------------------------------------------------------------------
// Beta-PERT.

/// CDF of Beta(alpha, beta) at x by composite Simpson's rule on the
/// unnormalised density, divided by the same rule over [0, 1] (so no Beta
/// function is needed).
struct BetaCdf {
    alpha: f64,
    beta: f64,
    total: f64,
}

const SIMPSON_PANELS: usize = 4000;

impl BetaCdf {
    fn new(alpha: f64, beta: f64) -> BetaCdf {
        let mut b = BetaCdf {
            alpha,
            beta,
            total: 1.0,
        };
        b.total = b.integral(1.0);
        b
    }

    fn density(&self, x: f64) -> f64 {
        x.powf(self.alpha - 1.0) * (1.0 - x).powf(self.beta - 1.0)
    }

    fn integral(&self, x: f64) -> f64 {
        let n = SIMPSON_PANELS;
        let h = x / n as f64;
        let mut sum = self.density(0.0) + self.density(x);
        for i in 1..n {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            sum += w * self.density(i as f64 * h);
        }
        sum * h / 3.0
    }

    fn cdf(&self, x: f64) -> f64 {
        self.integral(x) / self.total
    }
}

#[test]
fn pert() {
    for (min, mode, max) in [
        (2000.0, 8000.0, 20000.0),
        (0.3, 0.6, 1.0),
        (100.0, 100.0, 600.0),
        (100.0, 600.0, 600.0),
        (1.0, 3.0, 5.0),
        (850.0, 1700.0, 3400.0),
    ] {
        let width = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / width;
        let beta = 1.0 + 4.0 * (max - mode) / width;
        let cdf = BetaCdf::new(alpha, beta);
        check(
            &format!("pert({min}, {mode}, {max})"),
            Dist::Pert { min, mode, max },
            (min + 4.0 * mode + max) / 6.0,
            |u| min + width * invert(|x| cdf.cdf(x), u, 0.0, 1.0),
            (1e-4, 1e-3),
        );
    }
}

/// Where the Beta quantile has a closed form (a mode at an end of the
/// range), the numeric reference above must agree with it.
#[test]
fn pert_reference_matches_closed_form() {
    // Beta(1, 5): Q(u) = 1 - (1 - u)^(1/5); Beta(5, 1): Q(u) = u^(1/5).
    let left = BetaCdf::new(1.0, 5.0);
    let right = BetaCdf::new(5.0, 1.0);
    for u in PROBES {
        let q = invert(|x| left.cdf(x), u, 0.0, 1.0);
        assert_rel("Beta(1, 5) reference", q, 1.0 - (1.0 - u).powf(0.2), 1e-8);
        let q = invert(|x| right.cdf(x), u, 0.0, 1.0);
        assert_rel("Beta(5, 1) reference", q, u.powf(0.2), 1e-8);
    }
}
