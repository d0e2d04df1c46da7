//! `muster check`: validate scenarios without running them and describe
//! them on one screen, warning where the outcome may depend on file order.

use super::Outcome;
use crate::app::pipeline;
use crate::scenario::{Prob, Scenario, StateProbs};
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

/// The one-screen description and the order warnings of a scenario.
pub fn describe(s: &Scenario) -> (String, Vec<String>) {
    let mut out = format!("{}\n", s.name);
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
            out += &format!("    {}: {}\n", c.name, probs);
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
            c.troops.describe()
        );
        if c.veto != Prob::Fixed(0.0) {
            out += &format!("; veto {}", prob_text(s, &c.veto));
        }
        out += "\n";
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
        let (text, warnings) = describe(&inputs.scenario);
        crate::outln!("{}: valid", path.display());
        crate::out!("{text}");
        for w in warnings {
            crate::errln!("warning: {}: {w}", path.display());
        }
    }
    Ok(())
}
