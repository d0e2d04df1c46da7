//! `muster check`: validate scenarios without running them and describe
//! them on one screen, warning where the outcome may depend on file order.

use super::Outcome;
use crate::app::pipeline;
use crate::scenario::dist::Dist;
use crate::scenario::{Change, Condition, OnUnmet, Prob, Scenario, StateProbs};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Override a scenario value: PATH=VALUE (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

fn prob_text(s: &Scenario, p: &Prob) -> String {
    match p {
        Prob::Fixed(v) => format!("{v}"),
        Prob::Given {
            condition,
            by_state,
        } => {
            let c = &s.conditions[*condition];
            let parts: Vec<String> = c
                .states
                .iter()
                .zip(by_state)
                .map(|(st, v)| format!("{st} {v}"))
                .collect();
            format!("given {}: {}", c.name, parts.join(", "))
        }
        Prob::Nested {
            condition,
            branches,
        } => {
            let c = &s.conditions[*condition];
            let parts: Vec<String> = c
                .states
                .iter()
                .zip(branches)
                .map(|(st, b)| format!("{st} ({})", prob_text(s, b)))
                .collect();
            format!("given {}: {}", c.name, parts.join(", "))
        }
    }
}

fn dist_text(s: &Scenario, d: &Dist) -> String {
    match d {
        Dist::Given {
            condition,
            branches,
        } => {
            let c = &s.conditions[*condition];
            let parts: Vec<String> = c
                .states
                .iter()
                .zip(branches)
                .map(|(st, b)| format!("{st} ({})", dist_text(s, b)))
                .collect();
            format!("given {}: {}", c.name, parts.join(", "))
        }
        leaf => leaf.describe(),
    }
}

fn change_text(s: &Scenario, c: &Condition, k: usize, change: &Change) -> String {
    let lasts = match &change.lasts {
        Some(d) => dist_text(s, d),
        None => "for ever".to_string(),
    };
    format!(
        "      change {} to {}: p {}; month {}; lasts {}\n",
        k + 1,
        c.states[change.to as usize],
        prob_text(s, &change.p),
        dist_text(s, &change.month),
        lasts
    )
}

/// When a trial's decisions are taken, by format.
fn decisions(s: &Scenario) -> String {
    if s.format == 1 {
        return "  format 1: one negotiation at month 0\n".to_string();
    }
    let until = match s.horizon_months {
        Some(h) => format!("up to the horizon (month {h})"),
        None => "(no horizon: up to the last arrival)".to_string(),
    };
    format!(
        "  format 2 (time): decisions at month 0, at each start and end of a change that happens \
         and at each arrival, {until}\n"
    )
}

fn on_unmet_text(o: OnUnmet) -> &'static str {
    match o {
        OnUnmet::Stay => "stay (joining is final)",
        OnUnmet::Suspend => {
            "suspend (out while it would not join; may join again at a later decision time)"
        }
        OnUnmet::Withdraw => "withdraw (leaves for good the first time it would not join)",
    }
}

/// The one-screen description and the order warnings of a scenario.
pub fn describe(s: &Scenario) -> (String, Vec<String>) {
    let mut out = format!("{}\n", s.name);
    out += &decisions(s);
    out += &format!("  target {} personnel", s.target);
    if let Some(h) = s.horizon_months {
        out += &format!(", horizon {h} months");
    }
    if let Some(d) = s.start {
        out += &format!(", month 0 = {d}");
    }
    out += &format!("; {} trials, seed {}\n", s.trials, s.seed);
    if !s.conditions.is_empty() {
        out += "  conditions\n";
        for c in &s.conditions {
            let probs = match &c.probs {
                // A boolean condition as written: the chance it is true.
                StateProbs::Fixed(p) if c.boolean => format!("true with p {}", p[0]),
                StateProbs::Fixed(p) => c
                    .states
                    .iter()
                    .zip(p)
                    .map(|(st, v)| format!("{st} {v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                StateProbs::Given { parent, .. } => {
                    format!("depends on {}", s.conditions[*parent].name)
                }
                StateProbs::Nested { .. } => {
                    let mut names: Vec<&str> = c
                        .probs
                        .parents()
                        .into_iter()
                        .map(|k| s.conditions[k].name.as_str())
                        .collect();
                    names.dedup();
                    format!("depends on {}", names.join(", "))
                }
            };
            let when = if c.changes.is_empty() {
                ""
            } else {
                " at month 0"
            };
            out += &format!("    {}: {}{when}\n", c.name, probs);
            for (k, change) in c.changes.iter().enumerate() {
                out += &change_text(s, c, k, change);
            }
        }
    }
    if !s.roles.is_empty() {
        let roles: Vec<String> = s
            .roles
            .iter()
            .map(|r| format!("{} >= {}", r.name, r.minimum))
            .collect();
        out += &format!("  roles: {}\n", roles.join(", "));
    }
    out += "  contributors (negotiation order)\n";
    let mut warnings = Vec::new();
    for c in &s.contributors {
        out += &format!(
            "    {}: p_join {}; troops {}",
            c.name,
            prob_text(s, &c.p_join),
            dist_text(s, &c.troops)
        );
        if c.veto != Prob::Fixed(0.0) {
            out += &format!("; veto {}", prob_text(s, &c.veto));
        }
        out += "\n";
        if c.on_unmet != OnUnmet::Stay {
            out += &format!("      on_unmet: {}\n", on_unmet_text(c.on_unmet));
        }
        if !c.requires.is_empty() {
            let req: Vec<&str> = c.requires.iter().map(|k| k.text.as_str()).collect();
            out += &format!("      requires: {}\n", req.join("; "));
        }
        if c.roles.len() != s.roles.len() {
            let r: Vec<&str> = c.roles.iter().map(|&r| s.roles[r].name.as_str()).collect();
            out += &format!(
                "      roles: {}\n",
                if r.is_empty() {
                    "(none)".into()
                } else {
                    r.join(", ")
                }
            );
        }
        for k in c.requires.iter().filter(|k| k.expr.can_turn_false()) {
            warnings.push(format!(
                "{}: clause \"{}\" can turn false as others join, so the outcome may depend on the file order",
                c.name, k.text
            ));
        }
    }
    (out, warnings)
}

pub fn run(a: CheckArgs) -> Outcome {
    for path in &a.scenarios {
        let inputs = pipeline::load(path, &a.set)?;
        let (text, mut warnings) = describe(&inputs.scenario);
        let (sources, unused) = super::provenance::describe(&inputs.scenario.provenance);
        warnings.extend(unused);
        crate::outln!("{}: valid", path.display());
        crate::out!("{text}{sources}");
        for w in warnings {
            crate::errln!("warning: {}: {w}", path.display());
        }
    }
    Ok(())
}
