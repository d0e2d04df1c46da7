//! Scores of one precedent: at each scored month, the CRPS of the model's
//! distribution of personnel (as a share of the target) and of the two
//! baselines' ensembles; for each milestone level at each scored month,
//! the probability each gives to "personnel at that month >= the level"
//! and its Brier score.

use super::baselines::{base_rate, personnel_at, pledge_ratio};
use super::outcomes::Outcomes;
use super::rules::{brier, crps, share_at_least};

/// The forecasters, in the order of every array below.
pub const FORECASTERS: [&str; 3] = ["model", "base_rate", "pledge_ratio"];

/// Scores at one month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthScore {
    /// Months after month 0.
    pub month: f64,
    /// Personnel on record (people).
    pub observed: u64,
    /// CRPS of each forecaster, in shares of the target.
    pub crps: [f64; 3],
    /// Mean of each forecaster's distribution (share of the target).
    pub mean: [f64; 3],
    /// Members of the two baselines' ensembles.
    pub members: [usize; 2],
}

/// A milestone event: personnel at `month` >= `level`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub month: f64,
    /// People.
    pub level: u64,
    pub happened: bool,
    /// Probability each forecaster gives it.
    pub p: [f64; 3],
}

impl Event {
    /// Brier score of each forecaster.
    pub fn brier(&self) -> [f64; 3] {
        self.p.map(|p| brier(p, self.happened))
    }
}

/// A precedent graded.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub months: Vec<MonthScore>,
    pub events: Vec<Event>,
    /// Records left out, with why.
    pub unscored: Vec<(f64, String)>,
}

impl Graded {
    /// Mean CRPS of each forecaster over the scored months.
    pub fn mean_crps(&self) -> Option<[f64; 3]> {
        mean(self.months.iter().map(|m| m.crps))
    }

    /// Mean Brier score of each forecaster over the events.
    pub fn mean_brier(&self) -> Option<[f64; 3]> {
        mean(self.events.iter().map(Event::brier))
    }
}

fn mean(rows: impl Iterator<Item = [f64; 3]>) -> Option<[f64; 3]> {
    let mut sum = [0.0; 3];
    let mut n = 0;
    for r in rows {
        for k in 0..3 {
            sum[k] += r[k];
        }
        n += 1;
    }
    (n > 0).then(|| sum.map(|s| s / n as f64))
}

fn average(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The months of `o`'s records that can be scored: after month 0, at or
/// before the horizon, and with at least one other precedent on record
/// that late (so that both baselines exist); the others with why not.
pub fn scored_months(
    o: &Outcomes,
    others: &[&Outcomes],
    horizon: Option<f64>,
) -> (Vec<f64>, Vec<(f64, String)>) {
    let mut scored = Vec::new();
    let mut unscored = Vec::new();
    for r in o.records.iter().skip(1) {
        let m = r.month;
        if horizon.is_some_and(|h| m > h) {
            unscored.push((m, "after the scenario's horizon".to_string()));
        } else if pledge_ratio(o, others, m).is_empty() || base_rate(others, m).is_empty() {
            unscored.push((m, "no other precedent is on record that late".to_string()));
        } else {
            scored.push(m);
        }
    }
    (scored, unscored)
}

/// Grades `o` at `months` (from [`scored_months`]) given the model's
/// sorted personnel of every trial at each (`model[k]` for `months[k]`),
/// the milestone `levels` (people) and the other precedents.
pub fn grade(
    o: &Outcomes,
    others: &[&Outcomes],
    months: &[f64],
    model: &[Vec<u64>],
    levels: &[u64],
    unscored: Vec<(f64, String)>,
) -> Graded {
    let target = o.target as f64;
    let mut scores = Vec::new();
    let mut events = Vec::new();
    for (&m, trials) in months.iter().zip(model) {
        let observed = personnel_at(o, m).map_or(0, |p| p.round() as u64);
        let y = observed as f64 / target;
        let shares: Vec<f64> = trials.iter().map(|&p| p as f64 / target).collect();
        let mut base = base_rate(others, m);
        let mut pledges = pledge_ratio(o, others, m);
        base.sort_by(f64::total_cmp);
        pledges.sort_by(f64::total_cmp);
        scores.push(MonthScore {
            month: m,
            observed,
            crps: [crps(&shares, y), crps(&base, y), crps(&pledges, y)],
            mean: [average(&shares), average(&base), average(&pledges)],
            members: [base.len(), pledges.len()],
        });
        for &level in levels {
            let share = level as f64 / target;
            let hits = trials.iter().filter(|&&p| p >= level).count();
            events.push(Event {
                month: m,
                level,
                happened: observed >= level,
                p: [
                    hits as f64 / trials.len() as f64,
                    share_at_least(&base, share),
                    share_at_least(&pledges, share),
                ],
            });
        }
    }
    Graded {
        months: scores,
        events,
        unscored,
    }
}
