//! The short readable summary printed after a run.

use crate::stats::results::{Cell, Table};
use std::io::IsTerminal;

/// Whether to colour text on stdout: a terminal, and `NO_COLOR` unset.
pub fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn bold(text: &str, colour: bool) -> String {
    if colour {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// A number with `digits` decimals, or, for a probability-sized value
/// below 0.01, two significant digits (so that 0.00007 is not shown as 0.0001).
fn num(c: Option<&Cell>, digits: usize) -> String {
    match c.and_then(Cell::as_f64) {
        Some(v) if v > 0.0 && v < 0.01 && digits > 0 => {
            let places = (-libm::log10(v)).ceil() as usize + 1;
            format!("{v:.places$}")
        }
        Some(v) => format!("{v:.digits$}"),
        None => "-".into(),
    }
}

fn find<'a>(tables: &'a [Table], file: &str) -> Option<&'a Table> {
    tables.iter().find(|t| t.file == file)
}

/// The summary text: P(success) with its interval, P(target reached),
/// personnel quantiles, each contributor's P(joined), the top blockers.
pub fn summary_text(tables: &[Table], colour: bool) -> String {
    let mut out = String::new();
    if let Some(s) = find(tables, "summary.csv") {
        let get = |k: &str, col: usize| s.row(k).and_then(|r| r.get(col));
        out += &format!(
            "  P(success)         {}  (95% CI {} to {})\n",
            bold(&num(get("p_success", 1), 4), colour),
            num(get("p_success", 2), 4),
            num(get("p_success", 3), 4)
        );
        out += &format!(
            "  P(target reached)  {}\n  P(roles met)       {}\n",
            num(get("p_target_reached", 1), 4),
            num(get("p_roles_met", 1), 4)
        );
        out += &format!(
            "  personnel          p05 {}  p50 {}  p95 {}  (mean {})\n",
            num(get("personnel_p05", 1), 0),
            num(get("personnel_p50", 1), 0),
            num(get("personnel_p95", 1), 0),
            num(get("mean_personnel", 1), 0)
        );
    }
    if let Some(c) = find(tables, "contributors.csv") {
        out += "  contributors       P(joined)  P(pivotal)\n";
        for r in &c.rows {
            out += &format!(
                "    {:<30} {:>6}  {:>6}\n",
                r[0].text(),
                num(r.get(1), 3),
                num(r.get(6), 3)
            );
        }
    }
    if let Some(b) = find(tables, "blockers.csv") {
        let mut rows: Vec<&Vec<Cell>> = b.rows.iter().collect();
        rows.sort_by(|x, y| {
            let (a, b) = (x[2].as_f64().unwrap_or(0.0), y[2].as_f64().unwrap_or(0.0));
            b.total_cmp(&a)
        });
        out += "  most frequent blockers (first reason)\n";
        for r in rows.iter().take(3) {
            out += &format!(
                "    {}: {}  {}\n",
                r[0].text(),
                r[1].text(),
                num(r.get(2), 3)
            );
        }
    }
    out
}
