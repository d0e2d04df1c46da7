//! The tornado of `muster sensitivity`: for each input moved down and up,
//! the chance of success at each setting, and the table tornado.csv.

use super::inputs::Input;
use crate::stats::table::{Cell, Table};

/// One row of tornado.csv: successes at each setting out of `trials`.
pub struct Row {
    pub input: Input,
    /// Successes with the input at its low setting.
    pub low: u64,
    /// Successes with the input at its high setting.
    pub high: u64,
    pub trials: u64,
}

impl Row {
    /// The chance of success of `k` successes.
    pub fn p(&self, k: u64) -> f64 {
        k as f64 / self.trials as f64
    }

    /// |high − low| from the counts, so that it prints without float noise.
    pub fn swing(&self) -> f64 {
        self.high.abs_diff(self.low) as f64 / self.trials as f64
    }
}

/// tornado.csv: one row per input, in the order given.
pub fn table(rows: &[Row]) -> Table {
    let text = |s: &str| Cell::Text(s.to_string());
    Table {
        file: "tornado.csv",
        header: vec![
            "input",
            "low_setting",
            "high_setting",
            "p_success_low",
            "p_success_high",
            "swing",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    text(&r.input.name),
                    text(&r.input.low.label),
                    text(&r.input.high.label),
                    Cell::Num(r.p(r.low)),
                    Cell::Num(r.p(r.high)),
                    Cell::Num(r.swing()),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::inputs::Setting;

    /// tornado.csv of one input (a snapshot, like the result files).
    #[test]
    fn tornado_csv_snapshot() {
        let setting = |label: &str| Setting {
            label: label.into(),
            set: None,
        };
        let rows = [Row {
            input: Input {
                name: "contributors.A.p_join".into(),
                low: setting("0.4"),
                high: setting("0.6"),
            },
            low: 300,
            high: 700,
            trials: 1000,
        }];
        let csv = crate::output::csv_files::to_csv(&table(&rows)).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "input,low_setting,high_setting,p_success_low,p_success_high,swing\n\
             contributors.A.p_join,0.4,0.6,0.3,0.7,0.4\n"
        );
    }
}
