//! Where the pledged personnel goes (spec §6, losses.csv): every
//! contributor's pledge, in every trial, lands in one stage — its first
//! blocker when its personnel did not arrive, otherwise the part not
//! delivered and the part in theatre.

use super::table::{Cell, Table, reasons};
use super::tally::Tally;
use crate::scenario::Scenario;

pub fn losses(s: &Scenario, t: &Tally) -> Table {
    let n = t.trials;
    let mean = |sum: i128| Cell::opt((n > 0).then(|| sum as f64 / n as f64));
    let mut rows = Vec::new();
    // Stage texts in order of first appearance, with their sums.
    let mut all: Vec<(String, i128)> = Vec::new();
    let mut add = |stage: &str, sum: i128| match all.iter_mut().find(|(s, _)| s == stage) {
        Some(e) => e.1 += sum,
        None => all.push((stage.to_string(), sum)),
    };
    for (i, c) in s.contributors.iter().enumerate() {
        let ct = &t.contributors[i];
        let not_delivered = ct.arrived_pledge as i128 - ct.arrived_sum as i128;
        let stages = reasons(s, i)
            .into_iter()
            .zip(ct.first_pledge.iter().map(|&p| p as i128))
            .chain([
                ("not delivered".to_string(), not_delivered),
                ("in theatre".to_string(), ct.arrived_sum as i128),
            ]);
        for (stage, sum) in stages {
            add(&stage, sum);
            rows.push(vec![
                Cell::Text(c.name.clone()),
                Cell::Text(stage),
                mean(sum),
            ]);
        }
    }
    for (stage, sum) in all {
        rows.push(vec![
            Cell::Text("(all)".into()),
            Cell::Text(stage),
            mean(sum),
        ]);
    }
    Table {
        file: "losses.csv",
        header: vec!["contributor", "stage", "mean_personnel"],
        rows,
    }
}
