//! Feeds arbitrary text to the requirement-clause parser, against a fixed
//! small set of conditions and contributors: it must return an expression
//! or an error with a column inside the clause, and never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::scenario::{Condition, StateProbs};

fn condition(name: &str, states: &[&str], boolean: bool) -> Condition {
    let n = states.len();
    Condition {
        name: name.to_string(),
        states: states.iter().map(|s| s.to_string()).collect(),
        boolean,
        probs: StateProbs::Fixed(vec![1.0 / n as f64; n]),
        changes: Vec::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let conditions = [
        condition("un_mandate", &["true", "false"], true),
        condition("ceasefire", &["none", "partial", "full"], false),
        condition("host_consent", &["true", "false"], true),
        condition("phase", &["a", "b"], false),
    ];
    let names: Vec<String> = ["Indonesia", "Saudi Arabia", "Egypt", "Côte d'Ivoire"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let self_index = usize::from(first) % names.len();
    if let Err((column, message)) =
        muster::scenario::parse_clause(text, &conditions, &names, self_index)
    {
        assert!(!message.is_empty());
        assert!(
            column <= text.chars().count(),
            "column {column} past the end of {text:?}: {message}"
        );
    }
});
