//! The two baselines a forecast must beat, each an ensemble built from the
//! other precedents' records (leave-one-out): the base rate (their shares
//! of target in theatre at the same month) and pledges times a historical
//! ratio (this precedent's pledges times their ratio of personnel at that
//! month to what had been pledged on their day).

use super::outcomes::Outcomes;

/// Personnel on record at `month`, linear between the records around it;
/// None after the last record.
pub fn personnel_at(o: &Outcomes, month: f64) -> Option<f64> {
    let r = &o.records;
    let after = r.iter().position(|x| x.month >= month)?;
    let hi = &r[after];
    if hi.month == month || after == 0 {
        return Some(hi.personnel as f64);
    }
    let lo = &r[after - 1];
    let w = (month - lo.month) / (hi.month - lo.month);
    Some(lo.personnel as f64 + w * (hi.personnel as f64 - lo.personnel as f64))
}

/// Base rate: the other precedents' shares of their targets at `month`
/// (those with a record at or after it).
pub fn base_rate(others: &[&Outcomes], month: f64) -> Vec<f64> {
    others
        .iter()
        .filter_map(|o| personnel_at(o, month).map(|p| p / o.target as f64))
        .collect()
}

/// Pledges times a historical ratio: this precedent's pledges (as a share
/// of its target) times each other precedent's personnel at `month` over
/// its pledges (those with pledges > 0 and a record at or after `month`).
pub fn pledge_ratio(this: &Outcomes, others: &[&Outcomes], month: f64) -> Vec<f64> {
    let pledged = this.pledged as f64 / this.target as f64;
    others
        .iter()
        .filter(|o| o.pledged > 0)
        .filter_map(|o| personnel_at(o, month).map(|p| pledged * p / o.pledged as f64))
        .collect()
}
