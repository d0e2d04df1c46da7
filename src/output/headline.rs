//! The answer of a run in a few sentences, the first thing the terminal and
//! the report show: how often the force came together and when, what was
//! typically in theatre at the end, and how often a smaller force was
//! reached. Built from counts only (a pure function of [`Facts`]).

use super::charts::style::fmt_month;
use super::words::{FEW_TRIALS, below_one_in, count, how_often};
use crate::stats::facts::{Facts, MilestoneFacts};

/// The headline's sentences, in order; none for a run without trials.
pub fn headline(f: &Facts) -> Vec<String> {
    if f.trials == 0 {
        return Vec::new();
    }
    let mut out = outcome(f);
    out.push(typical_end(f));
    if let Some(m) = milestone(f) {
        out.push(m);
    }
    out
}

/// The sentences as one paragraph.
pub fn paragraph(f: &Facts) -> String {
    headline(f).join(" ")
}

/// "In 200,000 simulated years".
fn opening(f: &Facts) -> String {
    let periods = match f.horizon_months {
        Some(12.0) => "simulated years".to_string(),
        Some(h) => format!("simulated {}-month periods", fmt_month(h)),
        None => "simulated negotiations without a time limit".to_string(),
    };
    format!("In {} {periods}", count(f.trials))
}

/// ", by month 9 at the median among those", when enough trials tell it.
fn timing(k: u64, month: Option<f64>) -> String {
    match month {
        Some(m) if k >= FEW_TRIALS => {
            format!(", by month {} at the median among those", fmt_month(m))
        }
        _ => String::new(),
    }
}

/// "reached 20,000 in 1 (below ...)" or "never reached 20,000 (below ...)".
fn reached(what: &str, k: u64, n: u64, month: Option<f64>) -> String {
    match how_often(k, n) {
        Some(h) => format!("reached {what} {h}{}", timing(k, month)),
        None => format!(
            "never reached {what} ({} at 95% confidence)",
            below_one_in(0, n)
        ),
    }
}

/// Success, and the target alone when the roles made the difference.
fn outcome(f: &Facts) -> Vec<String> {
    let target = count(f.target);
    let n = f.trials;
    let roles_mattered = f.roles_required && f.reached_target != f.successes;
    if !roles_mattered {
        let r = reached(&target, f.successes, n, f.success_median_month);
        return vec![format!("{} the force {r}.", opening(f))];
    }
    let with_roles = format!("{target} with its role minimums met");
    let r = reached(&with_roles, f.successes, n, f.success_median_month);
    let alone = reached(&target, f.reached_target, n, None);
    vec![
        format!("{} the force {r}.", opening(f)),
        format!("Its personnel alone {alone}."),
    ]
}

/// "Half the time nobody was in theatre at month 12."
fn typical_end(f: &Facts) -> String {
    let m = f.personnel_median;
    match (f.horizon_months, m) {
        (Some(h), 0) => format!(
            "Half the time nobody was in theatre at month {}.",
            fmt_month(h)
        ),
        (Some(h), m) => format!(
            "Half the time at least {} were in theatre at month {}.",
            count(m),
            fmt_month(h)
        ),
        (None, 0) => "Half the time nobody arrived.".to_string(),
        (None, m) => format!("Half the time at least {} arrived.", count(m)),
    }
}

/// The largest milestone below the target reached in at least 1% of the
/// trials, else the smallest one below the target.
fn chosen(f: &Facts) -> Option<&MilestoneFacts> {
    let mut below = f.milestones.iter().filter(|m| m.personnel < f.target);
    let common = |m: &&MilestoneFacts| m.reached as u128 * 100 >= f.trials as u128;
    below.clone().rev().find(common).or(below.next())
}

/// "10,000 was reached in 4.2% of them, by month 9 at the median among those."
fn milestone(f: &Facts) -> Option<String> {
    let m = chosen(f)?;
    let level = count(m.personnel);
    Some(match how_often(m.reached, f.trials) {
        Some(h) => format!(
            "{level} was reached {h}{}.",
            timing(m.reached, m.median_month_if_reached)
        ),
        None => format!(
            "{level} was never reached ({} at 95% confidence).",
            below_one_in(0, f.trials)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn milestone(personnel: u64, reached: u64, month: Option<f64>) -> MilestoneFacts {
        MilestoneFacts {
            personnel,
            reached,
            median_month_if_reached: month,
        }
    }

    /// A Gaza-like run: 200,000 years, target 20,000, roles to meet.
    fn rare_run(successes: u64) -> Facts {
        Facts {
            trials: 200_000,
            horizon_months: Some(12.0),
            target: 20_000,
            roles_required: true,
            successes,
            reached_target: successes,
            success_median_month: successes.gt(&0).then_some(7.0),
            personnel_median: 0,
            milestones: vec![
                milestone(5_000, 51_739, Some(8.3)),
                milestone(10_000, 8_400, Some(9.0)),
                milestone(15_000, 363, Some(10.4)),
                milestone(20_000, successes, None),
            ],
        }
    }

    #[test]
    fn zero_successes_give_an_upper_bound() {
        // 0 in 200,000: the Wilson upper bound z²/(n + z²) is 1 in 52,064.
        assert_eq!(
            headline(&rare_run(0)),
            [
                "In 200,000 simulated years the force never reached 20,000 (below 1 in 52,000 at 95% confidence).",
                "Half the time nobody was in theatre at month 12.",
                "10,000 was reached in 4.2% of them, by month 9 at the median among those.",
            ]
        );
    }

    #[test]
    fn one_success_is_a_count_with_its_bound() {
        // 1 in 200,000: the Wilson upper bound is 1 in 35,305; one trial
        // is too few for a median month.
        assert_eq!(
            headline(&rare_run(1))[0],
            "In 200,000 simulated years the force reached 20,000 in 1 (below 1 in 35,000 at 95% confidence)."
        );
    }

    #[test]
    fn common_success_is_a_percentage_with_its_month() {
        let f = Facts {
            trials: 10_000,
            horizon_months: Some(18.0),
            target: 20_000,
            roles_required: true,
            successes: 4_200,
            reached_target: 5_000,
            success_median_month: Some(9.0),
            personnel_median: 18_500,
            milestones: vec![
                milestone(5_000, 9_990, Some(3.0)),
                milestone(15_000, 7_000, Some(6.5)),
                milestone(20_000, 5_000, Some(9.0)),
            ],
        };
        assert_eq!(
            headline(&f),
            [
                "In 10,000 simulated 18-month periods the force reached 20,000 with its role minimums met in 42.0% of them, by month 9 at the median among those.",
                "Its personnel alone reached 20,000 in 50.0% of them.",
                "Half the time at least 18,500 were in theatre at month 18.",
                "15,000 was reached in 70.0% of them, by month 6.5 at the median among those.",
            ]
        );
    }

    #[test]
    fn without_a_horizon_the_run_has_no_end_month() {
        let f = Facts {
            trials: 1_000,
            horizon_months: None,
            target: 100,
            roles_required: false,
            successes: 1_000,
            reached_target: 1_000,
            success_median_month: Some(4.0),
            personnel_median: 120,
            milestones: vec![
                milestone(50, 1_000, Some(2.1)),
                milestone(100, 1_000, Some(4.0)),
            ],
        };
        assert_eq!(
            headline(&f),
            [
                "In 1,000 simulated negotiations without a time limit the force reached 100 in all of them, by month 4 at the median among those.",
                "Half the time at least 120 arrived.",
                "50 was reached in all of them, by month 2.1 at the median among those.",
            ]
        );
    }

    #[test]
    fn a_milestone_never_reached_is_the_smallest_with_its_bound() {
        let mut f = rare_run(0);
        for m in &mut f.milestones {
            m.reached = 0;
            m.median_month_if_reached = None;
        }
        assert_eq!(
            headline(&f)[2],
            "5,000 was never reached (below 1 in 52,000 at 95% confidence)."
        );
        // Rare but seen: the smallest, as a count.
        f.milestones[0].reached = 12;
        assert_eq!(
            headline(&f)[2],
            "5,000 was reached in 12, about 1 in 17,000 (below 1 in 9,500 at 95% confidence)."
        );
    }

    #[test]
    fn no_trials_no_headline() {
        let mut f = rare_run(0);
        f.trials = 0;
        assert!(headline(&f).is_empty());
    }
}
