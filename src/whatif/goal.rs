//! Goals of `muster solve` (`p_success >= 0.5`) and the metric values they
//! test, each with a 95% interval: Wilson for probabilities, normal for the
//! mean, and for a quantile the order-statistic interval (the quantiles at
//! levels q ± z·sqrt(q(1-q)/n), a distribution-free binomial interval on the
//! rank).

use crate::stats::interval::{Z95, mean_interval, wilson};
use crate::stats::results::quantile;
use crate::stats::tally::Tally;

/// A summary metric a goal can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    PSuccess,
    PTargetReached,
    PRolesMet,
    MeanPersonnel,
    /// `personnel_pNN`, NN in 1..=99.
    Quantile(u32),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
}

/// `METRIC OP NUMBER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub metric: Metric,
    pub op: Op,
    pub threshold: f64,
}

/// A metric's estimate and 95% interval in one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Metric {
    pub fn parse(name: &str) -> Option<Metric> {
        Some(match name {
            "p_success" => Metric::PSuccess,
            "p_target_reached" => Metric::PTargetReached,
            "p_roles_met" => Metric::PRolesMet,
            "mean_personnel" => Metric::MeanPersonnel,
            _ => {
                let nn: u32 = name.strip_prefix("personnel_p")?.parse().ok()?;
                if !(1..=99).contains(&nn) {
                    return None;
                }
                Metric::Quantile(nn)
            }
        })
    }

    pub fn name(&self) -> String {
        match self {
            Metric::PSuccess => "p_success".into(),
            Metric::PTargetReached => "p_target_reached".into(),
            Metric::PRolesMet => "p_roles_met".into(),
            Metric::MeanPersonnel => "mean_personnel".into(),
            Metric::Quantile(nn) => format!("personnel_p{nn:02}"),
        }
    }

    pub fn is_probability(&self) -> bool {
        matches!(
            self,
            Metric::PSuccess | Metric::PTargetReached | Metric::PRolesMet
        )
    }

    /// The metric in a run, with its interval.
    pub fn measure(&self, t: &Tally) -> Measure {
        let n = t.trials;
        let prob = |k: u64| {
            let (low, high) = wilson(k, n).unwrap_or((0.0, 1.0));
            Measure {
                estimate: if n > 0 { k as f64 / n as f64 } else { 0.0 },
                low,
                high,
            }
        };
        match self {
            Metric::PSuccess => prob(t.success),
            Metric::PTargetReached => prob(t.reached),
            Metric::PRolesMet => prob(t.roles_met),
            Metric::MeanPersonnel => {
                let (estimate, low, high) =
                    mean_interval(t.personnel_sum, t.personnel_sq, n).unwrap_or((0.0, 0.0, 0.0));
                Measure {
                    estimate,
                    low,
                    high,
                }
            }
            Metric::Quantile(nn) => {
                let q = *nn as f64 / 100.0;
                let spread = Z95 * libm::sqrt(q * (1.0 - q) / n.max(1) as f64);
                Measure {
                    estimate: quantile(&t.histogram, n, *nn as u64) as f64,
                    low: quantile_at(&t.histogram, n, q - spread) as f64,
                    high: quantile_at(&t.histogram, n, q + spread) as f64,
                }
            }
        }
    }
}

/// The smallest whole x with P(personnel <= x) >= level (level clamped to (0, 1]).
pub fn quantile_at(histogram: &[u64], n: u64, level: f64) -> u64 {
    let need = (level.clamp(0.0, 1.0) * n as f64).max(f64::MIN_POSITIVE);
    let mut below = 0u64;
    for (x, count) in histogram.iter().enumerate() {
        below += count;
        if below as f64 >= need {
            return x as u64;
        }
    }
    histogram.len().saturating_sub(1) as u64
}

impl Op {
    fn text(&self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
        }
    }
}

impl Goal {
    /// Reads `METRIC OP NUMBER`, e.g. `p_success >= 0.5` or `personnel_p50>15000`.
    pub fn parse(text: &str) -> Result<Goal, String> {
        let t = text.trim();
        let fail = |why: &str| {
            format!(
                "--goal \"{text}\": {why}; expected METRIC OP NUMBER with METRIC one of p_success, \
                 p_target_reached, p_roles_met, mean_personnel, personnel_pNN (NN 1 to 99) and OP one of \
                 >= > <= <, e.g. --goal \"p_success >= 0.5\""
            )
        };
        let Some(at) = t.find(['<', '>', '=']) else {
            return Err(fail("no comparison"));
        };
        let name = t[..at].trim();
        let rest = &t[at..];
        let (op, number) = if let Some(r) = rest.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = rest.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = rest.strip_prefix('>') {
            (Op::Gt, r)
        } else if let Some(r) = rest.strip_prefix('<') {
            (Op::Lt, r)
        } else {
            return Err(fail(
                "unknown comparison (`=` and `==` cannot be met by bisection)",
            ));
        };
        let metric =
            Metric::parse(name).ok_or_else(|| fail(&format!("unknown metric `{name}`")))?;
        let threshold: f64 = match number.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => return Err(fail(&format!("`{}` is not a number", number.trim()))),
        };
        if metric.is_probability() && !(0.0..=1.0).contains(&threshold) {
            return Err(fail(&format!(
                "{} is a probability; {threshold} is outside [0, 1]",
                metric.name()
            )));
        }
        Ok(Goal {
            metric,
            op,
            threshold,
        })
    }

    /// Whether a value of the metric meets the goal.
    pub fn holds(&self, v: f64) -> bool {
        match self.op {
            Op::Ge => v >= self.threshold,
            Op::Gt => v > self.threshold,
            Op::Le => v <= self.threshold,
            Op::Lt => v < self.threshold,
        }
    }

    /// The goal tested on the interval bound most in its favour, on the
    /// estimate, and on the bound least in its favour.
    pub fn tests(&self, m: &Measure) -> [bool; 3] {
        let (favourable, unfavourable) = match self.op {
            Op::Ge | Op::Gt => (m.high, m.low),
            Op::Le | Op::Lt => (m.low, m.high),
        };
        [
            self.holds(favourable),
            self.holds(m.estimate),
            self.holds(unfavourable),
        ]
    }
}

impl std::fmt::Display for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.metric.name(),
            self.op.text(),
            self.threshold
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse() {
        let g = Goal::parse("p_success >= 0.5").unwrap();
        assert_eq!(
            (g.metric, g.op, g.threshold),
            (Metric::PSuccess, Op::Ge, 0.5)
        );
        let g = Goal::parse("personnel_p05<1000").unwrap();
        assert_eq!((g.metric, g.op), (Metric::Quantile(5), Op::Lt));
        assert_eq!(g.to_string(), "personnel_p05 < 1000");
        for bad in [
            "p_success = 0.5",
            "p_sucess >= 0.5",
            "p_success >= x",
            "p_success >= 1.5",
            "personnel_p100 > 3",
            "p_success",
            "",
        ] {
            let e = Goal::parse(bad).unwrap_err();
            assert!(e.contains("--goal"), "{e}");
        }
    }

    #[test]
    fn quantile_levels() {
        let h = [2, 0, 3, 5];
        assert_eq!(quantile_at(&h, 10, 0.2), 0);
        assert_eq!(quantile_at(&h, 10, 0.21), 2);
        assert_eq!(quantile_at(&h, 10, 0.5), 2);
        assert_eq!(quantile_at(&h, 10, 1.0), 3);
        assert_eq!(quantile_at(&h, 10, -1.0), 0);
    }
}
