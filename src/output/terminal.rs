//! The short readable summary printed after a run: first the answer in
//! words and the milestones, then the figures behind them.

use super::charts::losses::waterfall_order;
use super::charts::table::Table as TextTable;
use super::headline::headline;
use super::milestones;
use super::words::{below_one_in, chance, count, count_of, given, is_rare, prob};
use crate::stats::facts::Facts;
use crate::stats::results::{Cell, Table};
use std::io::IsTerminal;

/// Width the text is wrapped to (characters).
const WIDTH: usize = 78;

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

/// `text` broken into lines of at most [`WIDTH`] characters (a longer
/// word stands alone), each starting with `indent`.
pub fn wrap(text: &str, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = indent.chars().count() + line.chars().count() + 1 + word.chars().count();
        if !line.is_empty() && len > WIDTH {
            lines.push(format!("{indent}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{indent}{line}"));
    }
    lines
}

fn find<'a>(tables: &'a [Table], file: &str) -> Option<&'a Table> {
    tables.iter().find(|t| t.file == file)
}

/// The answer first: the headline (its first sentence in bold) and the
/// milestones table.
pub fn answer_text(facts: &Facts, tables: &[Table], colour: bool) -> String {
    let mut out = String::new();
    for (i, sentence) in headline(facts).iter().enumerate() {
        for line in wrap(sentence, "  ") {
            out += &if i == 0 { bold(&line, colour) } else { line };
            out.push('\n');
        }
    }
    if let Some(m) = find(tables, "milestones.csv")
        && let Ok(rows) = milestones::read(&TextTable::from(m), facts.trials)
        && !rows.is_empty()
    {
        out.push('\n');
        out += &milestones::text(&rows, facts.trials);
    }
    out
}

/// A probability over `n` trials for a column: "0.378", "0", or a count
/// when rare ("1 in 200,000"); "–" when undefined.
fn compact(p: Option<f64>, n: u64) -> String {
    match p {
        Some(p) if n > 0 && count_of(p, n) == 0 => "0".into(),
        Some(p) if n > 0 => prob(p, n),
        _ => "–".into(),
    }
}

/// A conditional probability with the trials it rests on:
/// "1.000 (1 trial — too few to rely on)"; "–" when undefined.
fn conditional(p: Option<f64>, n: u64) -> String {
    match p {
        Some(p) if n > 0 => given(p, n),
        _ => "–".into(),
    }
}

/// A probability of the summary with its interval; a rare one as a count
/// with the upper end of its interval.
fn summary_prob(cells: &[Cell], n: u64, colour: bool) -> String {
    let get = |i: usize| cells.get(i).and_then(Cell::as_f64);
    let Some(p) = get(1) else {
        return "–".into();
    };
    let k = count_of(p, n);
    if k == 0 {
        bold(&chance(0, n), colour)
    } else if is_rare(k, n) {
        format!(
            "{}  (95% confidence: {})",
            bold(&chance(k, n), colour),
            below_one_in(k, n)
        )
    } else {
        let f = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.4}"));
        format!(
            "{}  (95% CI {} to {})",
            bold(&f(Some(p)), colour),
            f(get(2)),
            f(get(3))
        )
    }
}

/// The figures behind the answer: P(success) and P(target reached) with
/// their intervals, personnel quantiles, each contributor's P(joined),
/// P(pivotal) and P(joined | success) with the trials it rests on, the most
/// frequent blockers and where the pledged personnel goes.
pub fn summary_text(tables: &[Table], trials: u64, colour: bool) -> String {
    let mut out = String::new();
    let n = trials;
    if let Some(s) = find(tables, "summary.csv") {
        let row = |k: &str| s.row(k).unwrap_or(&[]);
        let value = |k: &str| row(k).get(1).and_then(Cell::as_f64);
        let whole = |k: &str| value(k).map_or("–".into(), |v| count(v.round() as u64));
        out += &format!(
            "  P(success)         {}\n",
            summary_prob(row("p_success"), n, colour)
        );
        out += &format!(
            "  P(target reached)  {}\n",
            summary_prob(row("p_target_reached"), n, false)
        );
        out += &format!(
            "  P(roles met)       {}\n",
            summary_prob(row("p_roles_met"), n, false)
        );
        out += &format!(
            "  personnel          p05 {}  p50 {}  p95 {}  (mean {})\n",
            whole("personnel_p05"),
            whole("personnel_p50"),
            whole("personnel_p95"),
            whole("mean_personnel")
        );
    }
    if let Some(c) = find(tables, "contributors.csv") {
        out += &contributors(c, n);
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
                compact(r[2].as_f64(), n)
            );
        }
    }
    if let Some(l) = find(tables, "losses.csv") {
        out += &losses(l);
    }
    out
}

/// Each contributor's P(joined), P(pivotal) and P(joined | success).
fn contributors(c: &Table, n: u64) -> String {
    let col = |name: &str| c.header.iter().position(|h| *h == name);
    let (given, base) = (col("p_joined_given_success"), col("successes"));
    let rows: Vec<[String; 4]> = c
        .rows
        .iter()
        .map(|r| {
            let get = |i: Option<usize>| i.and_then(|i| r.get(i)).and_then(Cell::as_f64);
            let successes = get(base).map_or(0, |v| v as u64);
            [
                r[0].text(),
                compact(get(col("p_joined")), n),
                compact(get(col("p_pivotal")), n),
                conditional(get(given), successes),
            ]
        })
        .collect();
    let head = [
        "contributors",
        "P(joined)",
        "P(pivotal)",
        "P(joined | success)",
    ];
    let w = |k: usize| {
        rows.iter()
            .map(|r| r[k].chars().count())
            .chain([head[k].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (w(0), w(1), w(2));
    let mut out = format!(
        "  {:<w0$}  {:>w1$}  {:>w2$}  {}\n",
        head[0], head[1], head[2], head[3]
    );
    for r in &rows {
        out += &format!("  {:<w0$}  {:>w1$}  {:>w2$}  {}\n", r[0], r[1], r[2], r[3]);
    }
    out
}

/// "where the pledged personnel goes": losses.csv's `(all)` rows in the
/// order of the waterfall, as whole people.
fn losses(l: &Table) -> String {
    let all: Vec<(String, f64)> = l
        .rows
        .iter()
        .filter(|r| r[0].text() == "(all)")
        .map(|r| (r[1].text(), r[2].as_f64().unwrap_or(0.0)))
        .collect();
    if all.is_empty() {
        return String::new();
    }
    let pledged: f64 = all.iter().map(|(_, v)| v).sum();
    let stages: Vec<String> = waterfall_order(&all)
        .iter()
        .map(|(stage, v)| format!("{stage} {}", count(v.max(0.0).round() as u64)))
        .collect();
    let text = format!(
        "of {} pledged: {}",
        count(pledged.max(0.0).round() as u64),
        stages.join(", ")
    );
    let mut out = "  where the pledged personnel goes (mean per trial, people)\n".to_string();
    for line in wrap(&text, "    ") {
        out += &line;
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_within_the_width() {
        let text = "word ".repeat(40);
        let lines = wrap(&text, "  ");
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= WIDTH && l.starts_with("  word"))
        );
        assert_eq!(
            lines
                .iter()
                .map(|l| l.split_whitespace().count())
                .sum::<usize>(),
            40
        );
    }

    #[test]
    fn rare_and_conditional_cells() {
        assert_eq!(compact(Some(0.000005), 200_000), "1 in 200,000");
        assert_eq!(compact(Some(0.0), 200_000), "0");
        assert_eq!(compact(Some(0.377905), 200_000), "0.378");
        assert_eq!(compact(None, 200_000), "–");
        assert_eq!(
            conditional(Some(1.0), 1),
            "1.000 (1 trial — too few to rely on)"
        );
        assert_eq!(conditional(Some(0.25), 400), "0.250 (400 trials)");
        assert_eq!(
            conditional(Some(0.0), 1),
            "0.000 (1 trial — too few to rely on)"
        );
        assert_eq!(conditional(None, 0), "–");
    }
}
