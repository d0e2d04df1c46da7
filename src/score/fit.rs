//! The shared assumptions of the precedent scenarios, fitted on a set of
//! precedents' outcomes: the chance that a contributor of each stated
//! stance deploys, the share of the new pledges in theatre at the peak of
//! the first two years, and the months until half of that build-up.

use std::collections::BTreeMap;

use super::baselines::personnel_at;
use super::outcomes::Outcomes;

/// Months of records a fit looks at.
pub const WINDOW_MONTHS: f64 = 24.0;

/// Stances whose join probability is fitted (`in_place` is there already).
pub const FITTED_STANCES: [&str; 4] = ["committed", "offered", "considering", "declined"];

/// A range with a most likely value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub min: f64,
    pub mode: f64,
    pub max: f64,
}

/// The fitted assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// Per stance: (deployed, contributors) in the fitting set.
    pub counts: BTreeMap<String, (usize, usize)>,
    /// Share of the new pledges in theatre at the peak (fraction): min,
    /// median and max over the fitting precedents.
    pub delivery: Spread,
    /// Months until half the build-up: min, median and max.
    pub lead_months: Spread,
}

impl Shared {
    /// P(deploys) of a stance: (deployed + 1) / (contributors + 2), the
    /// rule of succession, so that a stance seen rarely stays near 1/2.
    pub fn p_join(&self, stance: &str) -> f64 {
        let (d, n) = self.counts.get(stance).copied().unwrap_or((0, 0));
        (d as f64 + 1.0) / (n as f64 + 2.0)
    }
}

/// The largest personnel on record within the window (people).
fn peak(o: &Outcomes) -> f64 {
    o.records
        .iter()
        .filter(|r| r.month <= WINDOW_MONTHS)
        .map(|r| r.personnel as f64)
        .fold(0.0, f64::max)
}

/// Personnel of the contributors already in place or re-hatted (people).
fn in_place(o: &Outcomes) -> f64 {
    o.contributors
        .iter()
        .filter(|c| c.stance == "in_place")
        .map(|c| c.pledged as f64)
        .sum()
}

/// Share of the new pledges of contributors that deployed that is in
/// theatre at the peak; None without such pledges.
pub fn delivery_of(o: &Outcomes) -> Option<f64> {
    let new: f64 = o
        .contributors
        .iter()
        .filter(|c| c.stance != "in_place" && c.deployed)
        .map(|c| c.pledged as f64)
        .sum();
    (new > 0.0).then(|| ((peak(o) - in_place(o)) / new).max(0.0))
}

/// The first month (records interpolated, in steps of 0.1 month) at which
/// personnel reaches in place + half of (peak - in place); None when the
/// build-up is not positive.
pub fn half_month(o: &Outcomes) -> Option<f64> {
    let (base, top) = (in_place(o), peak(o));
    if top <= base {
        return None;
    }
    let level = base + 0.5 * (top - base);
    (0..=(WINDOW_MONTHS * 10.0) as u32)
        .map(|k| f64::from(k) / 10.0)
        .find(|&m| personnel_at(o, m).is_some_and(|p| p >= level))
}

fn spread(mut v: Vec<f64>) -> Spread {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Spread {
        min: v[0],
        mode: median,
        max: v[n - 1],
    }
}

/// Fits the shared assumptions on `set` (at least one precedent with a
/// build-up).
pub fn fit(set: &[&Outcomes]) -> Option<Shared> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for o in set {
        for c in &o.contributors {
            if FITTED_STANCES.contains(&c.stance.as_str()) {
                let e = counts.entry(c.stance.clone()).or_default();
                e.0 += usize::from(c.deployed);
                e.1 += 1;
            }
        }
    }
    let shares: Vec<f64> = set.iter().filter_map(|o| delivery_of(o)).collect();
    let halves: Vec<f64> = set.iter().filter_map(|o| half_month(o)).collect();
    if shares.is_empty() || halves.is_empty() {
        return None;
    }
    Some(Shared {
        counts,
        delivery: spread(shares),
        lead_months: spread(halves),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::outcomes::parse;

    const ONE: &str = r#"
[outcome]
precedent = "one"
target = 1000
pledged = 1200
[[sources]]
id = "S"
title = "t"
url = "u"
published = 2000-01-01
[[records]]
month = 0
personnel = 200
sources = ["S"]
[[records]]
month = 4
personnel = 600
sources = ["S"]
[[records]]
month = 30
personnel = 5000
sources = ["S"]
[[contributors]]
name = "A"
stance = "in_place"
deployed = true
pledged = 200
[[contributors]]
name = "B"
stance = "committed"
deployed = true
pledged = 800
[[contributors]]
name = "C"
stance = "offered"
deployed = false
pledged = 200
"#;

    #[test]
    fn a_hand_computed_fit() {
        let o = parse(ONE, "one").unwrap();
        // Peak within 24 months: the record at month 24 interpolated is
        // not a record; the records at or before 24 are 200 and 600.
        // Delivery: (600 - 200) / 800 = 0.5.
        assert_eq!(delivery_of(&o), Some(0.5));
        // Half the build-up: 200 + 200 = 400, reached at month 2 (linear
        // from 200 at 0 to 600 at 4).
        assert_eq!(half_month(&o), Some(2.0));
        let s = fit(&[&o]).unwrap();
        // committed: 1 of 1 -> 2/3; offered: 0 of 1 -> 1/3; considering: none -> 1/2.
        assert!((s.p_join("committed") - 2.0 / 3.0).abs() < 1e-15);
        assert!((s.p_join("offered") - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.p_join("considering"), 0.5);
        assert_eq!(
            s.delivery,
            Spread {
                min: 0.5,
                mode: 0.5,
                max: 0.5
            }
        );
    }
}
