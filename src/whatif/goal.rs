//! Goals of `muster solve` (`p_success >= 0.5`, `p_reached:10000@12 >= 0.3`):
//! a metric (`whatif::metric`), a comparison and a number, and how a goal is
//! tested on a metric's estimate and on each bound of its interval.

use super::metric::NAMES;
pub use super::metric::{Measure, Metric};

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
    /// Reads `METRIC OP NUMBER`, e.g. `p_success >= 0.5` or
    /// `personnel_p50>15000`; with `given` (solve's `--metric`), the goal may
    /// be `OP NUMBER` alone, and a metric it names must be that one.
    pub fn parse(text: &str, given: Option<Metric>) -> Result<Goal, String> {
        let t = text.trim();
        let fail = |why: &str| {
            format!(
                "--goal \"{text}\": {why}; expected METRIC OP NUMBER (METRIC may be left to --metric) \
                 with OP one of >= > <= < and METRIC one of {NAMES}, e.g. --goal \"p_success >= 0.5\""
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
        let metric = match (name, given) {
            ("", Some(m)) => m,
            ("", None) => return Err(fail("no metric")),
            (name, given) => {
                let m = Metric::parse(name).map_err(|why| fail(&why))?;
                if let Some(g) = given.filter(|g| *g != m) {
                    return Err(fail(&format!(
                        "it names {}, --metric {}; give one",
                        m.name(),
                        g.name()
                    )));
                }
                m
            }
        };
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
        let g = Goal::parse("p_success >= 0.5", None).unwrap();
        assert_eq!(
            (g.metric, g.op, g.threshold),
            (Metric::PSuccess, Op::Ge, 0.5)
        );
        let g = Goal::parse("personnel_p05<1000", None).unwrap();
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
            let e = Goal::parse(bad, None).unwrap_err();
            assert!(e.contains("--goal"), "{e}");
        }
        let g = Goal::parse("month_p50:10000 <= 9", None).unwrap();
        assert_eq!(g.to_string(), "month_p50:10000 <= 9");
        let g = Goal::parse("p_reached:10000@12 >= 0.25", None).unwrap();
        assert!(g.metric.is_probability());
        assert!(Goal::parse("p_reached:10000 >= 2", None).is_err());
    }

    /// solve's --metric: the goal may leave the metric out, and may not name another.
    #[test]
    fn goals_with_a_given_metric() {
        let m = Metric::parse("p_reached:500").unwrap();
        let g = Goal::parse(">= 0.5", Some(m)).unwrap();
        assert_eq!((g.metric, g.op, g.threshold), (m, Op::Ge, 0.5));
        assert_eq!(
            Goal::parse("p_reached:500 > 0.1", Some(m)).unwrap().metric,
            m
        );
        let e = Goal::parse("p_success > 0.1", Some(m)).unwrap_err();
        assert!(
            e.contains("p_success") && e.contains("--metric p_reached:500"),
            "{e}"
        );
        assert!(
            Goal::parse(">= 0.5", None)
                .unwrap_err()
                .contains("no metric")
        );
    }
}
