//! The answer in a few sentences, from a run's counts: how often the force
//! reached its target, how many people were typically in theatre at the
//! end, and the largest milestone reached in a fair share of trials, by
//! when. Rare outcomes are told as counts ("1 in 100,000"), none as an
//! upper bound.

use crate::scenario::Scenario;
use crate::scenario::grouped;
use crate::scenario::timeline::Rows;
use crate::stats::interval::wilson;
use crate::stats::results::quantile;
use crate::stats::tally::Tally;

/// Shares below this are told as "1 in N".
const RARE: f64 = 0.001;

/// A share of `k` in `n` as a reader reads it.
pub fn share(k: u64, n: u64) -> String {
    if n == 0 {
        return "no trials".into();
    }
    let p = k as f64 / n as f64;
    if k == 0 {
        let bound = wilson(0, n).map_or(0.0, |(_, hi)| hi);
        return format!("none (below 1 in {} at 95% confidence)", one_in(bound));
    }
    if p < RARE {
        return format!("{} (about 1 in {})", grouped(k as f64), one_in(p));
    }
    format!("{}%", percent(p))
}

/// 1/p, rounded to two significant digits and grouped.
fn one_in(p: f64) -> String {
    let x = 1.0 / p;
    let digits = x.log10().floor() as i32 - 1;
    let unit = 10f64.powi(digits.max(0));
    grouped((x / unit).round() * unit)
}

/// A probability in percent with one decimal (three below 1%).
fn percent(p: f64) -> String {
    let v = p * 100.0;
    if v < 1.0 {
        format!("{:.2}", v)
    } else {
        format!("{:.1}", v)
    }
}

/// The month by which half of the trials that reached a level had reached it.
fn median_month(s: &Scenario, by_point: &[u64]) -> Option<f64> {
    let total: u64 = by_point.iter().sum();
    let mut count = 0u64;
    let k = by_point.iter().position(|c| {
        count += c;
        total > 0 && count * 2 >= total
    })?;
    Some(
        Rows {
            horizon: s.horizon_months,
        }
        .point_month(k),
    )
}

fn month(m: f64) -> String {
    crate::whatif::decimal::tidy(m)
}

/// The sentences of the headline.
pub fn headline(s: &Scenario, t: &Tally) -> Vec<String> {
    let n = t.trials;
    let by = s
        .horizon_months
        .map_or(String::new(), |h| format!(" by month {}", month(h)));
    let roles = if s.roles.iter().any(|r| r.minimum > 0) {
        " with its roles met"
    } else {
        ""
    };
    let mut out = vec![format!(
        "In {} trials the force reached its target of {}{roles}{by} in {}.",
        grouped(n as f64),
        grouped(s.target as f64),
        share(t.success, n),
    )];
    let median = quantile(&t.histogram, n, 50);
    let mean = if n > 0 {
        t.personnel_sum as f64 / n as f64
    } else {
        0.0
    };
    let at_end = s.horizon_months.map_or("in the end".to_string(), |h| {
        format!("at month {}", month(h))
    });
    let half = if median == 0 {
        format!("At least half the time nobody was in theatre {at_end}")
    } else {
        format!(
            "Half the time {} or fewer were in theatre {at_end}",
            grouped(median as f64)
        )
    };
    out.push(format!("{half}; {} on average.", grouped(mean.round())));
    let best = s
        .milestones
        .iter()
        .zip(&t.milestones)
        .filter(|&(&level, by_point)| {
            level < s.target && by_point.iter().sum::<u64>() as f64 >= 0.01 * n as f64
        })
        .next_back();
    if let Some((&level, by_point)) = best {
        let reached: u64 = by_point.iter().sum();
        let when = median_month(s, by_point).map_or(String::new(), |m| {
            format!(", by month {} at the median among those", month(m))
        });
        out.push(format!(
            "{} was reached in {} of them{when}.",
            grouped(level as f64),
            share(reached, n)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_a_reader_reads_them() {
        assert_eq!(share(247_425, 1_000_000), "24.7%");
        assert_eq!(share(3_697, 100_000), "3.7%");
        assert_eq!(share(157, 100_000), "0.16%");
        assert_eq!(share(1, 100_000), "1 (about 1 in 100,000)");
        assert_eq!(share(3, 200_000), "3 (about 1 in 67,000)");
        assert_eq!(
            share(0, 100_000),
            "none (below 1 in 26,000 at 95% confidence)"
        );
    }
}
