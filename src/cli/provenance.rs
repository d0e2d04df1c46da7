//! What `muster check` says about where a scenario's numbers come from:
//! the date it is written as of, its sources with their links, each
//! entry's sources, and how many numbers rest on a source.

use crate::scenario::Provenance;

/// The provenance block of `muster check` and its warnings.
pub fn describe(p: &Provenance) -> (String, Vec<String>) {
    let (sourced, assumed) = p.counts();
    let hindsight = p.entries.iter().filter(|e| e.hindsight).count();
    let mut out = String::new();
    match p.as_of {
        Some(d) => {
            out += &format!(
                "  as of {d}: no entry cites a source published later unless marked hindsight\n"
            )
        }
        None if !p.sources.is_empty() => {
            out += "  no as_of: the dates of the sources are not checked\n";
        }
        None => {}
    }
    if !p.sources.is_empty() {
        out += &format!("  sources ({})\n", p.sources.len());
        let width = p
            .sources
            .iter()
            .map(|s| s.id.chars().count())
            .max()
            .unwrap_or(0);
        for s in &p.sources {
            let date = s
                .published
                .map_or("unknown date".to_string(), |d| d.to_string());
            out += &format!("    {:width$}  {date}  {}\n", s.id, s.title);
            out += &format!("    {:width$}  {}\n", "", s.url);
        }
        out += "  entries and their sources\n";
        for e in &p.entries {
            let ids: Vec<&str> = e
                .sources
                .iter()
                .map(|&k| p.sources[k].id.as_str())
                .collect();
            let mut line = if ids.is_empty() {
                "no source".to_string()
            } else {
                ids.join(", ")
            };
            if !e.assumptions.is_empty() {
                line += &format!("; assumptions: {}", e.assumptions.join(", "));
            }
            if e.hindsight {
                line += "; hindsight";
            }
            out += &format!("    {}: {line}\n", e.label);
        }
    }
    let marked = if hindsight > 0 {
        let entries = if hindsight == 1 { "entry" } else { "entries" };
        format!("; {hindsight} {entries} marked hindsight")
    } else {
        String::new()
    };
    let none = if p.sources.is_empty() {
        " (the file declares no [[sources]])"
    } else {
        ""
    };
    out += &format!(
        "  numbers: {sourced} rest on a source, {assumed} are assumptions{none}{marked}\n"
    );
    let warnings = p
        .uncited()
        .into_iter()
        .map(|s| format!("source \"{}\" is declared but no entry cites it", s.id))
        .collect();
    (out, warnings)
}
