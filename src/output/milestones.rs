//! The milestones of milestones.csv as a reader reads them: for each force
//! size, the chance that it is reached and the months by which it is
//! reached with 10%, 50% and 90% probability. Shared by the terminal and the
//! report, which both read the published table.

use anyhow::Result;

use super::charts::style::fmt_month;
use super::charts::table::Table;
use super::words::{chance, count, count_of};

/// One milestone.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    /// The level (people).
    pub personnel: u64,
    /// Trials in which the personnel reached it.
    pub reached: u64,
    /// The months by which it was reached in 10%, 50% and 90% of all trials
    /// (months); None when it was never reached that often.
    pub months: [Option<f64>; 3],
}

/// The rows of milestones.csv of a run of `trials` trials.
pub fn read(table: &Table, trials: u64) -> Result<Vec<Milestone>> {
    let personnel = table.numbers("personnel")?;
    let p = table.numbers("p_reached")?;
    let m10 = table.numbers("month_p10")?;
    let m50 = table.numbers("month_p50")?;
    let m90 = table.numbers("month_p90")?;
    Ok((0..personnel.len())
        .filter_map(|i| {
            Some(Milestone {
                personnel: personnel[i]? as u64,
                reached: count_of(p[i]?, trials),
                months: [m10[i], m50[i], m90[i]],
            })
        })
        .collect())
}

/// A month cell: "5.7", or "–" when not that often.
pub fn month_cell(m: Option<f64>) -> String {
    m.map_or_else(|| "–".to_string(), fmt_month)
}

/// The milestones as a small text table, each line indented by two spaces.
pub fn text(rows: &[Milestone], trials: u64) -> String {
    if rows.is_empty() || trials == 0 {
        return String::new();
    }
    let sizes: Vec<String> = rows.iter().map(|r| count(r.personnel)).collect();
    let chances: Vec<String> = rows.iter().map(|r| chance(r.reached, trials)).collect();
    let head = ("force size", "chance of reaching it");
    let w1 = sizes
        .iter()
        .map(|s| s.len())
        .max()
        .unwrap_or(0)
        .max(head.0.len());
    let w2 = chances
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(head.1.len());
    let mut out = format!(
        "  {:>w1$}  {:<w2$}  by month, with a chance of\n  {:>w1$}  {:<w2$}  {:>6}{:>6}{:>6}\n",
        head.0, head.1, "", "", "10%", "50%", "90%"
    );
    for ((r, size), ch) in rows.iter().zip(&sizes).zip(&chances) {
        out += &format!(
            "  {size:>w1$}  {ch:<w2$}  {:>6}{:>6}{:>6}\n",
            month_cell(r.months[0]),
            month_cell(r.months[1]),
            month_cell(r.months[2]),
        );
    }
    out += "  (–: not reached that often)\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        let mut lines = csv.lines();
        Table {
            name: "milestones.csv".into(),
            headers: lines.next().unwrap().split(',').map(String::from).collect(),
            rows: lines
                .map(|l| l.split(',').map(String::from).collect())
                .collect(),
        }
    }

    #[test]
    fn counts_and_months_from_the_table() {
        let t = table(
            "personnel,p_reached,ci_low,ci_high,month_p10,month_p50,month_p90\n\
             5000,0.258695,0.25,0.26,5.7,,\n\
             20000,0.000005,0.0000008,0.00003,,,\n",
        );
        let rows = read(&t, 200_000).unwrap();
        assert_eq!(
            rows,
            [
                Milestone {
                    personnel: 5000,
                    reached: 51_739,
                    months: [Some(5.7), None, None]
                },
                Milestone {
                    personnel: 20000,
                    reached: 1,
                    months: [None; 3]
                },
            ]
        );
        let text = text(&rows, 200_000);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["5,000", "25.9%", "5.7", "–", "–"]
        );
        assert_eq!(
            lines[3].split_whitespace().collect::<Vec<_>>(),
            ["20,000", "1", "in", "200,000", "–", "–", "–"]
        );
    }
}
