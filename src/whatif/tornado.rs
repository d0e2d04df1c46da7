//! The tornado of `muster sensitivity`: for each input moved down and up,
//! the metric at each setting, and the table tornado.csv.

use super::decimal::difference;
use super::inputs::Input;
use super::metric::{Measure, Metric};
use crate::stats::table::{Cell, Table};

/// One row of tornado.csv: the metric with the input at each setting.
pub struct Row {
    pub input: Input,
    /// The metric with the input at its low setting.
    pub low: Measure,
    /// The metric with the input at its high setting.
    pub high: Measure,
}

impl Row {
    /// |high − low|, without float noise: for a probability from the
    /// counts, otherwise as the exact difference of the values as written. +∞ when a month is beyond the horizon at one
    /// setting only; None when it is at both (nothing is known of the
    /// swing, and the input ranks last).
    pub fn swing(&self) -> Option<f64> {
        let (l, h) = (&self.low, &self.high);
        if let (Some((kl, n)), Some((kh, _))) = (l.counted, h.counted) {
            return Some(kh.abs_diff(kl) as f64 / n as f64);
        }
        match (l.estimate.is_finite(), h.estimate.is_finite()) {
            (true, true) => {
                let (a, b) = (format!("{}", h.estimate), format!("{}", l.estimate));
                let d = difference(&a, &b).and_then(|d| d.parse::<f64>().ok());
                Some(d.unwrap_or(h.estimate - l.estimate).abs())
            }
            (false, false) => None,
            _ => Some(f64::INFINITY),
        }
    }

    /// The order of tornado.csv: by swing, largest first (beyond the
    /// horizon at one setting first of all), ties by name.
    pub fn order(x: &Row, y: &Row) -> std::cmp::Ordering {
        let key = |r: &Row| r.swing().unwrap_or(-1.0);
        key(y)
            .total_cmp(&key(x))
            .then_with(|| x.input.name.cmp(&y.input.name))
    }
}

/// tornado.csv: one row per input, in the order given. For p_success the
/// columns are `p_success_low,p_success_high`; for another metric a
/// `metric` column names it and `estimate_low,estimate_high` hold it.
pub fn table(metric: &Metric, rows: &[Row]) -> Table {
    let text = |s: &str| Cell::Text(s.to_string());
    let default = *metric == Metric::PSuccess;
    let mut header = vec!["input", "low_setting", "high_setting"];
    if default {
        header.extend(["p_success_low", "p_success_high"]);
    } else {
        header.extend(["metric", "estimate_low", "estimate_high"]);
    }
    header.push("swing");
    Table {
        file: "tornado.csv",
        header,
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    text(&r.input.name),
                    text(&r.input.low.label),
                    text(&r.input.high.label),
                ];
                if !default {
                    row.push(Cell::Text(metric.name()));
                }
                row.push(Cell::Num(r.low.estimate));
                row.push(Cell::Num(r.high.estimate));
                row.push(Cell::opt(r.swing().filter(|s| s.is_finite())));
                row
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::inputs::Setting;

    fn input(name: &str) -> Input {
        let setting = |label: &str| Setting {
            label: label.into(),
            set: None,
        };
        Input {
            name: name.into(),
            low: setting("0.4"),
            high: setting("0.6"),
        }
    }

    fn count(k: u64, n: u64) -> Measure {
        Measure {
            estimate: k as f64 / n as f64,
            low: 0.0,
            high: 1.0,
            counted: Some((k, n)),
        }
    }

    fn month(m: f64) -> Measure {
        Measure {
            estimate: m,
            low: m,
            high: m,
            counted: None,
        }
    }

    /// tornado.csv of one input (a snapshot, like the result files).
    #[test]
    fn tornado_csv_snapshot() {
        let rows = [Row {
            input: input("contributors.A.p_join"),
            low: count(300, 1000),
            high: count(700, 1000),
        }];
        let csv = crate::output::csv_files::to_csv(&table(&Metric::PSuccess, &rows)).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "input,low_setting,high_setting,p_success_low,p_success_high,swing\n\
             contributors.A.p_join,0.4,0.6,0.3,0.7,0.4\n"
        );
    }

    /// Another metric is named in its own column; a month beyond the
    /// horizon is an empty cell, and so is the swing it makes.
    #[test]
    fn tornado_csv_of_a_month() {
        let metric = Metric::parse("month_p50:1000").unwrap();
        let rows = [
            Row {
                input: input("b"),
                low: month(f64::INFINITY),
                high: month(6.5),
            },
            Row {
                input: input("a"),
                low: month(5.1),
                high: month(3.4),
            },
        ];
        let csv = crate::output::csv_files::to_csv(&table(&metric, &rows)).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "input,low_setting,high_setting,metric,estimate_low,estimate_high,swing\n\
             b,0.4,0.6,month_p50:1000,,6.5,\n\
             a,0.4,0.6,month_p50:1000,5.1,3.4,1.7\n"
        );
    }

    /// Beyond the horizon at one setting ranks first; at both, last.
    #[test]
    fn undefined_swings_rank_at_the_ends() {
        let row = |name: &str, l: f64, h: f64| Row {
            input: input(name),
            low: month(l),
            high: month(h),
        };
        let inf = f64::INFINITY;
        let mut rows = [
            row("both", inf, inf),
            row("small", 5.0, 5.5),
            row("one", 5.0, inf),
            row("big", 3.0, 9.0),
        ];
        rows.sort_by(Row::order);
        let names: Vec<&str> = rows.iter().map(|r| r.input.name.as_str()).collect();
        assert_eq!(names, ["one", "big", "small", "both"]);
    }
}
