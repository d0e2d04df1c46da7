//! The metrics the what-if commands ask about (`--metric`, and the METRIC
//! of a goal), in one place: how each is named on the command line, what it
//! means, how a run measures it with a 95% interval, and what a scenario
//! must count for it.
//!
//! Intervals: Wilson for probabilities; normal for the mean; for a
//! quantile of personnel and for the month by which a level is reached, the
//! order-statistic interval: the values at levels q ± z·sqrt(q(1-q)/n), a
//! distribution-free binomial interval on the rank.

use crate::limits::MAX_TARGET;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;
use crate::stats::interval::{Z95, mean_interval, wilson};
use crate::stats::results::quantile;
use crate::stats::tally::Tally;

/// A metric of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    PSuccess,
    PTargetReached,
    PRolesMet,
    /// Mean personnel at the horizon (people).
    MeanPersonnel,
    /// `personnel_pNN`, NN in 1..=99: a quantile of personnel at the horizon (people).
    Quantile(u32),
    /// `p_reached:N`, `p_reached:N@M`: P(personnel at some t <= min(M, H)
    /// is at least `level`).
    Reached {
        /// N (people, >= 1).
        level: u64,
        /// M in tenths of a month; None: the horizon.
        by_tenths: Option<u32>,
    },
    /// `month_pNN:N`: the month by which `level` is reached with NN%
    /// probability (months, on the grid of milestones.csv).
    Month {
        /// NN (percent, 1..=99).
        nn: u32,
        /// N (people, >= 1).
        level: u64,
    },
}

/// A metric's estimate and 95% interval in one run. A month the level is
/// not reached by, with that probability, within the horizon is +∞ (shown
/// as an empty cell or `-`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// A probability, people, or months.
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// For a probability: the trials counted and the trials run.
    pub counted: Option<(u64, u64)>,
}

/// The metrics, for messages.
pub const NAMES: &str = "p_success, p_target_reached, p_roles_met, mean_personnel, \
     personnel_pNN (NN 1 to 99), p_reached:N (N people reached by the horizon), \
     p_reached:N@M (by month M), month_pNN:N (the month by which N is reached with NN% probability)";

/// What `-` stands for where a month metric is shown.
pub const NOT_REACHED: &str =
    "-: the month is beyond the horizon (the level is not reached with that probability within it)";

/// The largest month `@M` may name (tenths), as the format's limit on months.
const MAX_TENTHS: u64 = crate::limits::MAX_MONTHS as u64 * 10;

/// Whole digits only, as a number.
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// NN of `personnel_pNN` or `month_pNN`.
fn percent(name: &str, nn: &str) -> Result<u32, String> {
    match digits(nn) {
        Some(v @ 1..=99) => Ok(v as u32),
        _ => Err(format!("{name}: NN must be a whole percent from 1 to 99")),
    }
}

/// A personnel level N.
fn level(text: &str) -> Result<u64, String> {
    match digits(text) {
        Some(0) => Err("a level of 0 people is reached by every trial at month 0; \
             give a level of 1 or more"
            .into()),
        Some(v) if v <= MAX_TARGET as u64 => Ok(v),
        _ => Err(format!(
            "`{text}` is not a personnel level (a whole number of people from 1 to {MAX_TARGET})"
        )),
    }
}

/// A month M in tenths: `12`, `6.5`.
fn tenths(text: &str) -> Result<u32, String> {
    let bad = || {
        format!(
            "`{text}` is not a month in tenths (e.g. 12 or 6.5): reaching is counted on \
             milestones.csv's grid of tenths of a month"
        )
    };
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    let (Some(w), Some(f)) = (digits(whole), digits(frac)) else {
        return Err(bad());
    };
    if frac.len() != 1 {
        return Err(bad());
    }
    let t = w.checked_mul(10).and_then(|w| w.checked_add(f));
    match t {
        Some(t) if t <= MAX_TENTHS => Ok(t as u32),
        _ => Err(format!(
            "month {text} is beyond the format's limit of {} months",
            crate::limits::MAX_MONTHS
        )),
    }
}

/// A month in tenths as text: 12, 6.5.
fn month_text(t: u32) -> String {
    if t.is_multiple_of(10) {
        format!("{}", t / 10)
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

impl Metric {
    /// Reads a metric's name; the error says what is wrong with it.
    pub fn parse(name: &str) -> Result<Metric, String> {
        let name = name.trim();
        Ok(match name {
            "p_success" => Metric::PSuccess,
            "p_target_reached" => Metric::PTargetReached,
            "p_roles_met" => Metric::PRolesMet,
            "mean_personnel" => Metric::MeanPersonnel,
            "p_reached" | "month_p" => {
                return Err(format!(
                    "{name} needs a personnel level, e.g. {name}{}:10000",
                    if name == "month_p" { "50" } else { "" }
                ));
            }
            _ => {
                if let Some(nn) = name.strip_prefix("personnel_p") {
                    return Ok(Metric::Quantile(percent("personnel_pNN", nn)?));
                }
                if let Some(rest) = name.strip_prefix("p_reached:") {
                    let (n, by) = match rest.split_once('@') {
                        Some((n, m)) => (n, Some(tenths(m)?)),
                        None => (rest, None),
                    };
                    return Ok(Metric::Reached {
                        level: level(n)?,
                        by_tenths: by,
                    });
                }
                if let Some(rest) = name.strip_prefix("month_p") {
                    let Some((nn, n)) = rest.split_once(':') else {
                        return Err(format!(
                            "month_p{rest} needs a personnel level, e.g. month_p{rest}:10000"
                        ));
                    };
                    return Ok(Metric::Month {
                        nn: percent("month_pNN", nn)?,
                        level: level(n)?,
                    });
                }
                return Err(format!("unknown metric `{name}`"));
            }
        })
    }

    /// The name as the command line takes it.
    pub fn name(&self) -> String {
        match self {
            Metric::PSuccess => "p_success".into(),
            Metric::PTargetReached => "p_target_reached".into(),
            Metric::PRolesMet => "p_roles_met".into(),
            Metric::MeanPersonnel => "mean_personnel".into(),
            Metric::Quantile(nn) => format!("personnel_p{nn:02}"),
            Metric::Reached {
                level,
                by_tenths: None,
            } => format!("p_reached:{level}"),
            Metric::Reached {
                level,
                by_tenths: Some(t),
            } => format!("p_reached:{level}@{}", month_text(*t)),
            Metric::Month { nn, level } => format!("month_p{nn:02}:{level}"),
        }
    }

    /// What it means, in words.
    pub fn describe(&self) -> String {
        let people = |n: &u64| crate::scenario::grouped(*n as f64);
        match self {
            Metric::PSuccess => "P(success)".into(),
            Metric::PTargetReached => "P(target reached)".into(),
            Metric::PRolesMet => "P(roles met)".into(),
            Metric::MeanPersonnel => "mean personnel".into(),
            Metric::Quantile(nn) => format!("personnel, {nn}th percentile"),
            Metric::Reached {
                level,
                by_tenths: None,
            } => format!("P({} reached)", people(level)),
            Metric::Reached {
                level,
                by_tenths: Some(t),
            } => format!("P({} reached by month {})", people(level), month_text(*t)),
            Metric::Month { nn, level } => {
                format!(
                    "month by which {} is reached with {nn}% probability",
                    people(level)
                )
            }
        }
    }

    pub fn is_probability(&self) -> bool {
        matches!(
            self,
            Metric::PSuccess | Metric::PTargetReached | Metric::PRolesMet | Metric::Reached { .. }
        )
    }

    /// The personnel level the engine must count reaching for, if any.
    pub fn level(&self) -> Option<u64> {
        match self {
            Metric::Reached { level, .. } | Metric::Month { level, .. } => Some(*level),
            _ => None,
        }
    }

    /// Makes the scenario count what the metric reads: its level among the
    /// milestones (kept increasing, without repeats).
    pub fn prepare(&self, s: &mut Scenario) {
        if let Some(level) = self.level()
            && let Err(at) = s.milestones.binary_search(&level)
        {
            s.milestones.insert(at, level);
        }
    }

    /// The metric in a run of `s` (prepared with `prepare`), with its interval.
    pub fn measure(&self, s: &Scenario, t: &Tally) -> Measure {
        let n = t.trials;
        let prob = |k: u64| {
            let (low, high) = wilson(k, n).unwrap_or((0.0, 1.0));
            Measure {
                estimate: if n > 0 { k as f64 / n as f64 } else { 0.0 },
                low,
                high,
                counted: Some((k, n)),
            }
        };
        let by_point = |level: u64| -> &[u64] {
            let j = s
                .milestones
                .iter()
                .position(|&m| m == level)
                .expect("Metric::prepare adds the level to the milestones before the run");
            &t.milestones[j]
        };
        let grid = Rows {
            horizon: s.horizon_months,
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
                    counted: None,
                }
            }
            Metric::Quantile(nn) => {
                let q = *nn as f64 / 100.0;
                let spread = Z95 * libm::sqrt(q * (1.0 - q) / n.max(1) as f64);
                Measure {
                    estimate: quantile(&t.histogram, n, *nn as u64) as f64,
                    low: quantile_at(&t.histogram, n, q - spread) as f64,
                    high: quantile_at(&t.histogram, n, q + spread) as f64,
                    counted: None,
                }
            }
            Metric::Reached { level, by_tenths } => {
                let points = by_point(*level);
                let upto = match (by_tenths, s.horizon_months) {
                    (Some(b), Some(h)) if f64::from(*b) / 10.0 >= h => points.len(),
                    (Some(b), _) => (*b as usize + 1).min(points.len()),
                    (None, _) => points.len(),
                };
                prob(points[..upto].iter().sum())
            }
            Metric::Month { nn, level } => {
                let points = by_point(*level);
                let q = *nn as f64 / 100.0;
                let spread = Z95 * libm::sqrt(q * (1.0 - q) / n.max(1) as f64);
                let month = |k: Option<usize>| k.map_or(f64::INFINITY, |k| grid.point_month(k));
                Measure {
                    estimate: month(first_point(points, n, *nn)),
                    low: month(point_at(points, n, q - spread)),
                    high: month(point_at(points, n, q + spread)),
                    counted: None,
                }
            }
        }
    }

    /// A value of the metric for the terminal; `-` for a month not reached
    /// within the horizon.
    pub fn show(&self, v: f64) -> String {
        if !v.is_finite() {
            return "-".into();
        }
        match self {
            Metric::Quantile(_) => format!("{v:.0}"),
            Metric::MeanPersonnel => format!("{v:.1}"),
            Metric::Month { .. } => format!("{v}"),
            _ if v > 0.0 && v < 0.001 => format!("{v:.6}"),
            _ => format!("{v:.4}"),
        }
    }
}

impl Measure {
    /// Whether the estimate or a bound is a month beyond the horizon.
    pub fn has_undefined(&self) -> bool {
        !(self.estimate.is_finite() && self.low.is_finite() && self.high.is_finite())
    }
}

/// The first grid point by which count·100 >= nn·trials (milestones.csv's
/// month_pNN, in integers).
fn first_point(by_point: &[u64], trials: u64, nn: u32) -> Option<usize> {
    let mut count = 0u64;
    by_point.iter().position(|c| {
        count += c;
        count as u128 * 100 >= nn as u128 * trials as u128
    })
}

/// The first grid point by which the share of trials that reached the level
/// is at least `level` (clamped to (0, 1]).
fn point_at(by_point: &[u64], n: u64, level: f64) -> Option<usize> {
    let need = (level.clamp(0.0, 1.0) * n as f64).max(f64::MIN_POSITIVE);
    let mut count = 0u64;
    by_point.iter().position(|c| {
        count += c;
        count as f64 >= need
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for name in [
            "p_success",
            "p_target_reached",
            "p_roles_met",
            "mean_personnel",
            "personnel_p05",
            "personnel_p99",
            "p_reached:10000",
            "p_reached:1@0",
            "p_reached:10000@12",
            "p_reached:10000@6.5",
            "month_p50:10000",
            "month_p01:7",
        ] {
            assert_eq!(Metric::parse(name).unwrap().name(), name);
        }
        assert_eq!(
            Metric::parse("p_reached:5000@12.0").unwrap(),
            Metric::Reached {
                level: 5000,
                by_tenths: Some(120)
            }
        );
        assert_eq!(
            Metric::parse("month_p5:3").unwrap(),
            Metric::Month { nn: 5, level: 3 }
        );
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        for (bad, says) in [
            ("p_reached:abc", "`abc` is not a personnel level"),
            ("p_reached:", "is not a personnel level"),
            ("p_reached:-5", "is not a personnel level"),
            ("p_reached:100000001", "is not a personnel level"),
            ("p_reached", "needs a personnel level"),
            ("p_reached:10@6.55", "not a month in tenths"),
            ("p_reached:10@x", "not a month in tenths"),
            ("p_reached:10@1200.1", "limit of 1200 months"),
            ("month_p150:5", "NN must be a whole percent from 1 to 99"),
            ("month_p0:5", "NN must be"),
            ("month_p50:0", "level of 0 people"),
            ("month_p50", "needs a personnel level"),
            ("personnel_p100", "NN must be"),
            ("personnel_p+5", "NN must be"),
            ("p_sucess", "unknown metric `p_sucess`"),
        ] {
            let e = Metric::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(!e.contains('\n'), "{bad}: {e}");
        }
    }

    #[test]
    fn prepare_keeps_the_milestones_increasing() {
        let text = "[scenario]\nname = \"x\"\ntarget = 100\n\n[[contributors]]\nname = \"A\"\np_join = 1\ntroops = 100\n";
        let mut s = crate::scenario::parse_scenario(text, "x.toml", &[]).unwrap();
        assert_eq!(s.milestones, [25, 50, 75, 100]);
        for m in [
            "p_reached:60",
            "month_p50:50",
            "p_reached:1000@3",
            "p_success",
        ] {
            Metric::parse(m).unwrap().prepare(&mut s);
        }
        assert_eq!(s.milestones, [25, 50, 60, 75, 100, 1000]);
    }

    /// A tally of 10 trials reaching a level at grid points 0.3 (4 trials)
    /// and 0.7 (3 trials); 3 never reach it.
    fn reaching(horizon: Option<f64>) -> (Scenario, Tally) {
        let text = "[scenario]\nname = \"x\"\ntarget = 100\nmilestones = [100]\n\n[[contributors]]\nname = \"A\"\np_join = 1\ntroops = 100\n";
        let mut s = crate::scenario::parse_scenario(text, "x.toml", &[]).unwrap();
        s.horizon_months = horizon;
        let mut t = Tally::new(&[4], 0, &[], 1);
        t.trials = 10;
        t.milestones[0] = vec![0, 0, 0, 4, 0, 0, 0, 3];
        (s, t)
    }

    #[test]
    fn reaching_by_a_month_sums_the_grid_up_to_it() {
        let (s, t) = reaching(Some(12.0));
        let p = |m: &str| Metric::parse(m).unwrap().measure(&s, &t);
        assert_eq!(p("p_reached:100").counted, Some((7, 10)));
        assert_eq!(p("p_reached:100@0.2").counted, Some((0, 10)));
        assert_eq!(p("p_reached:100@0.3").counted, Some((4, 10)));
        assert_eq!(p("p_reached:100@0.6").counted, Some((4, 10)));
        assert_eq!(p("p_reached:100@0.7").counted, Some((7, 10)));
        assert_eq!(p("p_reached:100@30").counted, Some((7, 10)));
        let m = p("p_reached:100@0.3");
        assert_eq!(m.estimate, 0.4);
        assert!(m.low < 0.4 && 0.4 < m.high);
    }

    #[test]
    fn months_follow_milestones_definition() {
        let (s, t) = reaching(Some(12.0));
        let month = |m: &str| Metric::parse(m).unwrap().measure(&s, &t).estimate;
        // count·100 >= NN·trials: 4 of 10 at 0.3, 7 of 10 at 0.7.
        assert_eq!(month("month_p10:100"), 0.3);
        assert_eq!(month("month_p40:100"), 0.3);
        assert_eq!(month("month_p41:100"), 0.7);
        assert_eq!(month("month_p70:100"), 0.7);
        assert_eq!(month("month_p71:100"), f64::INFINITY);
        let m = Metric::parse("month_p50:100").unwrap().measure(&s, &t);
        assert_eq!((m.low, m.estimate), (0.3, 0.7));
        assert_eq!(
            m.high,
            f64::INFINITY,
            "not reached by 80% within the horizon"
        );
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
