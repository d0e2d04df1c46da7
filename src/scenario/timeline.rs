//! The month rows of the timeline: months 0, 1, 2, ... up to the horizon,
//! and the horizon itself when it is fractional; personnel with a lead time
//! counts from the first row whose month is at or after it.

/// The month rows of the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    /// The horizon (months), if any.
    pub horizon: Option<f64>,
}

impl Rows {
    /// Row index at which personnel with this lead time count, or None when
    /// it arrives after the horizon.
    #[inline]
    pub fn row_of(&self, lead: f64) -> Option<u16> {
        Some(self.row_or(lead, u16::MAX)).filter(|r| *r != u16::MAX)
    }

    /// The row at which personnel with this lead time count (the month
    /// rounded up, months past the last whole month of the horizon in the
    /// last row), or `late` when it arrives after the horizon; without
    /// branches, for columns of lead times (at most 1,200 months).
    #[inline(always)]
    pub fn row_or(&self, lead: f64, late: u16) -> u16 {
        let (h, last) = match self.horizon {
            Some(h) => (h, h.floor() + 1.0),
            None => (f64::INFINITY, f64::INFINITY),
        };
        // Rounding up is exact, so this is the same on every platform.
        let r = lead.ceil().min(last).max(0.0).min(f64::from(u16::MAX - 1));
        // SAFETY: r is finite and within u16's range. (Unchecked for the same
        // reason as `whole`: the loops over lead times vectorise.)
        let r = unsafe { r.to_int_unchecked::<i32>() } as u16;
        if lead > h { late } else { r }
    }

    /// The fixed number of rows with a horizon.
    pub fn fixed_count(&self) -> Option<usize> {
        self.horizon.map(|h| {
            let whole = libm::floor(h);
            whole as usize + 1 + usize::from(h > whole)
        })
    }

    /// The month a row stands for.
    pub fn month(&self, row: usize) -> f64 {
        match self.horizon {
            Some(h) if row as f64 > libm::floor(h) => h,
            _ => row as f64,
        }
    }
}

/// The points of the month grid on which milestones.csv reads when a level
/// was reached: the tenths of a month k/10 up to the horizon, then the
/// horizon itself when it is not a tenth (without a horizon, every tenth).
impl Rows {
    /// The last tenth at or before the horizon.
    fn last_tenth(&self) -> Option<usize> {
        self.horizon.map(|h| {
            let mut k = libm::floor(h * 10.0) as usize;
            while k as f64 / 10.0 > h {
                k -= 1;
            }
            while (k + 1) as f64 / 10.0 <= h {
                k += 1;
            }
            k
        })
    }

    /// The first point of the grid at or after month `t` (t within the
    /// horizon).
    pub fn reach_point(&self, t: f64) -> usize {
        let mut k = libm::ceil(t * 10.0).max(0.0) as usize;
        while (k as f64 / 10.0) < t {
            k += 1;
        }
        while k > 0 && ((k - 1) as f64 / 10.0) >= t {
            k -= 1;
        }
        match self.last_tenth() {
            Some(last) if k > last => last + 1,
            _ => k,
        }
    }

    /// The last point of the grid (its index), as f64; infinite without a
    /// horizon. For `point_of`.
    pub fn point_cap(&self) -> f64 {
        self.last_tenth().map_or(f64::INFINITY, |l| (l + 1) as f64)
    }

    /// `reach_point` without branches, for columns of lead times within the
    /// horizon (at most 1,200 months, so the point fits 16 bits); `cap` is
    /// `point_cap()`, computed once for the column.
    #[inline(always)]
    pub fn point_of(t: f64, cap: f64) -> u16 {
        let k = (t * 10.0).ceil().max(0.0);
        let k = k - f64::from(u8::from(k >= 1.0) & u8::from((k - 1.0) / 10.0 >= t));
        let k = k + f64::from(u8::from(k / 10.0 < t));
        let k = k.min(cap).min(f64::from(u16::MAX));
        // SAFETY: k is a whole number in 0..=u16::MAX (`max` turned a NaN
        // into 0). Unchecked, like `row_or`, so that the loops vectorise.
        unsafe { k.to_int_unchecked::<i32>() as u16 }
    }

    /// The month of grid point k.
    pub fn point_month(&self, k: usize) -> f64 {
        match (self.last_tenth(), self.horizon) {
            (Some(last), Some(h)) if k > last => h,
            _ => k as f64 / 10.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The grid point of a month: the smallest k/10 at or after it within
    /// the horizon, else the horizon.
    #[test]
    fn reach_points_follow_the_definition() {
        for horizon in [None, Some(12.0), Some(6.55), Some(0.0), Some(0.3)] {
            let rows = Rows { horizon };
            for j in 0..=1300 {
                let t = j as f64 / 100.0 + 0.001 * (j % 3) as f64;
                if horizon.is_some_and(|h| t > h) {
                    continue;
                }
                let k = rows.reach_point(t);
                assert_eq!(Rows::point_of(t, rows.point_cap()) as usize, k, "{t}");
                let m = rows.point_month(k);
                assert!(m >= t, "{t} -> {m}");
                assert!(horizon.is_none_or(|h| m <= h));
                if k > 0 {
                    assert!(rows.point_month(k - 1) < t, "{t}: point {k} not the first");
                }
            }
        }
    }

    /// The rows against the definition (spec: the month rounded up; a
    /// fractional horizon's last part in one more row; after it, late).
    #[test]
    fn rows_follow_the_definition() {
        for horizon in [None, Some(12.0), Some(6.5), Some(0.0), Some(1200.0)] {
            let rows = Rows { horizon };
            for k in 0..=4800 {
                let lead = k as f64 / 4.0;
                for lead in [lead, lead + 1e-9, (lead - 1e-9).max(0.0)] {
                    let expected = match horizon {
                        Some(h) if lead > h => None,
                        Some(h) if lead.ceil() > h.floor() => Some(h.floor() as u16 + 1),
                        _ => Some(lead.ceil() as u16),
                    };
                    assert_eq!(
                        rows.row_of(lead),
                        expected,
                        "lead {lead} horizon {horizon:?}"
                    );
                    assert_eq!(rows.row_or(lead, 9999), expected.unwrap_or(9999));
                }
            }
        }
    }
}
