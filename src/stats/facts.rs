//! The few counts a run's answer in words is written from: how often the
//! force succeeded and when, the personnel typically in theatre at the
//! end, and how often and when each milestone was reached. Counts, not
//! ratios, so that rare outcomes can be told as counts.

use super::build_up::first_point;
use super::results::quantile;
use super::tally::Tally;
use crate::scenario::Scenario;
use crate::scenario::timeline::Rows;

/// What the headline says, as counts of trials.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Trials run.
    pub trials: u64,
    /// The horizon (months); None when the run lasts until the last arrival.
    pub horizon_months: Option<f64>,
    /// Personnel the force needs (people).
    pub target: u64,
    /// Whether some role has a minimum above 0, so that success asks more
    /// than the target.
    pub roles_required: bool,
    /// Trials that succeeded (target reached and roles met at one time).
    pub successes: u64,
    /// Trials whose personnel reached the target.
    pub reached_target: u64,
    /// The month by which half of the successful trials had succeeded
    /// (months); None without success.
    pub success_median_month: Option<f64>,
    /// The median personnel in theatre at the horizon (people), as
    /// summary.csv's personnel_p50.
    pub personnel_median: u64,
    /// The milestones, increasing.
    pub milestones: Vec<MilestoneFacts>,
}

/// How often and when one milestone was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneFacts {
    /// The level (people).
    pub personnel: u64,
    /// Trials in which the personnel reached it.
    pub reached: u64,
    /// The month by which half of those trials had reached it (months).
    pub median_month_if_reached: Option<f64>,
}

/// The month by which half of the `total` counts of `by_point` have
/// happened, with `month` giving each point's month.
fn median_month(by_point: &[u64], total: u64, month: impl Fn(usize) -> f64) -> Option<f64> {
    (total > 0)
        .then(|| first_point(by_point, total, 50).map(month))
        .flatten()
}

impl Facts {
    /// The facts of a run of `s` whose counts are `t`.
    pub fn of_run(s: &Scenario, t: &Tally) -> Facts {
        let grid = Rows {
            horizon: s.horizon_months,
        };
        let milestones = s
            .milestones
            .iter()
            .zip(&t.milestones)
            .map(|(&personnel, by_point)| {
                let reached = by_point.iter().sum();
                MilestoneFacts {
                    personnel,
                    reached,
                    median_month_if_reached: median_month(by_point, reached, |k| {
                        grid.point_month(k)
                    }),
                }
            })
            .collect();
        Facts {
            trials: t.trials,
            horizon_months: s.horizon_months,
            target: s.target,
            roles_required: s.roles.iter().any(|r| r.minimum > 0),
            successes: t.success,
            reached_target: t.reached,
            success_median_month: median_month(&t.timeline.first_success, t.success, |k| {
                grid.month(k)
            }),
            personnel_median: quantile(&t.histogram, t.trials, 50),
            milestones,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    /// A hand-made tally of 10 trials of a scenario with target 100,
    /// milestones 25, 50, 75 and 100 and a 12-month horizon.
    #[test]
    fn facts_count_from_a_hand_made_tally() {
        let s = parse_scenario(
            "[scenario]\nname = \"t\"\ntarget = 100\nhorizon_months = 12\n\
             [roles]\nsecurity = 50\n\
             [[contributors]]\nname = \"A\"\np_join = 0.5\ntroops = 100\n",
            "t.toml",
            &[],
        )
        .unwrap();
        assert_eq!(s.milestones, [25, 50, 75, 100]);
        let mut t = crate::engine::empty_tally(&s);
        t.trials = 10;
        t.success = 4;
        t.reached = 5;
        // Successes first counted at months 1, 2, 2, 3: half of 4 by month 2.
        t.timeline.first_success = vec![0, 1, 2, 1];
        // Personnel at the horizon: 0 in six trials, 100 in four.
        t.histogram = vec![0; 101];
        t.histogram[0] = 6;
        t.histogram[100] = 4;
        // Milestone 25 reached in 5 trials at points 0.5, 0.5, 3.2, 3.2,
        // 12 (the grid's tenths): half of 5 by month 3.2.
        t.milestones[0] = vec![0; 121];
        t.milestones[0][5] = 2;
        t.milestones[0][32] = 2;
        t.milestones[0][120] = 1;
        let f = Facts::of_run(&s, &t);
        assert_eq!(f.trials, 10);
        assert_eq!(f.horizon_months, Some(12.0));
        assert!(f.roles_required);
        assert_eq!((f.successes, f.reached_target), (4, 5));
        assert_eq!(f.success_median_month, Some(2.0));
        assert_eq!(f.personnel_median, 0);
        assert_eq!(f.milestones[0].reached, 5);
        assert_eq!(f.milestones[0].median_month_if_reached, Some(3.2));
        // Never reached: no month.
        assert_eq!(f.milestones[1].reached, 0);
        assert_eq!(f.milestones[1].median_month_if_reached, None);
    }
}
