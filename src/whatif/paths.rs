//! Key paths of `--set`, `--vary` and the sensitivity variants: splitting
//! and quoting them, what kind of value they name, and one convenience the
//! loader does not have: `conditions.NAME.probs.STATE=P` (or
//! `conditions.NAME.probs.PARENT_STATE.STATE=P` for a `given` table) sets
//! the probability of one state of a categorical condition, taking the
//! difference from the other states in proportion to what they hold. It is
//! rewritten to an override of the whole array before the loader sees it,
//! and run records hold the rewritten form.

use super::decimal::tidy;
use crate::scenario::{Override, Scenario, StateProbs};

/// What a key path holds, for the range `solve` searches and how it prints values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A probability in [0, 1].
    Probability,
    /// A whole number (the target, a role minimum).
    Integer,
    /// Any other number.
    Real,
}

/// Splits a key path at dots outside double quotes, as the loader reads
/// override paths.
pub use crate::scenario::key_path_segments as segments;

/// One key as written in a path: bare when it can be, else quoted.
pub fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

/// A key path from keys.
pub fn join(keys: &[&str]) -> String {
    keys.iter().map(|k| key(k)).collect::<Vec<_>>().join(".")
}

/// What the path holds in scenario `s`.
pub fn kind(s: &Scenario, path: &str) -> Kind {
    let Ok(seg) = segments(path) else {
        return Kind::Real;
    };
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    match seg.as_slice() {
        ["conditions", _, "p", ..]
        | ["conditions", _, "changes", _, "p", ..]
        | ["contributors", _, "p_join" | "veto", ..] => Kind::Probability,
        ["conditions", ..] if state_path(s, path).is_some() => Kind::Probability,
        ["scenario", "target" | "trials" | "seed"] | ["roles", _] => Kind::Integer,
        _ => Kind::Real,
    }
}

/// A path to one state's probability of a categorical condition: the
/// condition's index, the parent state's index (for `given` tables) and the
/// state's name.
struct StatePath {
    condition: usize,
    row: Option<usize>,
    state: String,
}

fn state_path(s: &Scenario, path: &str) -> Option<StatePath> {
    let seg = segments(path).ok()?;
    if seg.len() < 4 || seg[0] != "conditions" || seg[2] != "probs" {
        return None;
    }
    let condition = s
        .conditions
        .iter()
        .position(|c| c.name == seg[1] && !c.boolean)?;
    match (&s.conditions[condition].probs, seg.len()) {
        (StateProbs::Fixed(_), 4) => Some(StatePath {
            condition,
            row: None,
            state: seg[3].clone(),
        }),
        (StateProbs::Given { parent, .. }, 5) => {
            let row = s.conditions[*parent]
                .states
                .iter()
                .position(|st| *st == seg[3])?;
            Some(StatePath {
                condition,
                row: Some(row),
                state: seg[4].clone(),
            })
        }
        _ => None,
    }
}

/// Whether `PATH=VALUE` may need rewriting by [`expand`] (decided without a scenario).
pub fn may_name_a_state(o: &str) -> bool {
    Override::parse(o).is_ok_and(|o| {
        segments(&o.path)
            .is_ok_and(|s| (4..=5).contains(&s.len()) && s[0] == "conditions" && s[2] == "probs")
    })
}

/// Rewrites `conditions.NAME.probs.STATE=P` into an override of the whole
/// probability array; other overrides come back unchanged. Errors name the
/// override and say what would be right.
pub fn expand(s: &Scenario, o: &str) -> Result<String, String> {
    let Ok(parsed) = Override::parse(o) else {
        return Ok(o.to_string());
    };
    let Some(sp) = state_path(s, &parsed.path) else {
        return Ok(o.to_string());
    };
    let c = &s.conditions[sp.condition];
    let fail = |m: String| format!("--set {o}: {m}");
    let Some(j) = c.states.iter().position(|st| *st == sp.state) else {
        return Err(fail(format!(
            "condition {} has no state \"{}\" (states: {})",
            c.name,
            sp.state,
            c.states.join(", ")
        )));
    };
    let v: f64 = match parsed.value.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => v,
        _ => {
            return Err(fail(format!(
                "the probability of state {} must be a number in [0, 1], not `{}`",
                sp.state,
                parsed.value.trim()
            )));
        }
    };
    let probs = match (&c.probs, sp.row) {
        (StateProbs::Fixed(p), None) => p,
        (StateProbs::Given { rows, .. }, Some(r)) => &rows[r],
        _ => return Ok(o.to_string()),
    };
    let new = with_state(probs, j, v).ok_or_else(|| {
        fail(format!(
            "the other states of {} hold no probability, so there is nothing to take {v} from; \
             set the whole array instead",
            c.name
        ))
    })?;
    let mut keys = vec!["conditions", c.name.as_str(), "probs"];
    let parent_state;
    if let (StateProbs::Given { parent, .. }, Some(r)) = (&c.probs, sp.row) {
        parent_state = s.conditions[*parent].states[r].clone();
        keys.push(&parent_state);
    }
    let values: Vec<String> = new.iter().map(|p| tidy(*p)).collect();
    Ok(format!("{}=[{}]", join(&keys), values.join(", ")))
}

/// `probs` with state `j` at `v` and the others scaled to hold `1 - v`
/// between them in their current proportions; None when they hold nothing
/// and `v` < 1.
pub fn with_state(probs: &[f64], j: usize, v: f64) -> Option<Vec<f64>> {
    let others: f64 = probs
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != j)
        .map(|(_, p)| p)
        .sum();
    if others <= 0.0 && v < 1.0 {
        return None;
    }
    let mut out: Vec<f64> = probs
        .iter()
        .map(|p| {
            if others > 0.0 {
                p * (1.0 - v) / others
            } else {
                0.0
            }
        })
        .collect();
    out[j] = v;
    // Round as printed, then put any rounding remainder on the largest other state.
    let mut out: Vec<f64> = out.iter().map(|p| tidy(*p).parse().unwrap_or(*p)).collect();
    let rest = 1.0 - out.iter().sum::<f64>();
    if let Some(k) = (0..out.len())
        .filter(|&i| i != j)
        .max_by(|&a, &b| out[a].total_cmp(&out[b]))
    {
        out[k] = tidy((out[k] + rest).max(0.0)).parse().unwrap_or(out[k]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_keys_round_trip() {
        assert_eq!(
            segments("contributors.\"Saudi Arabia\".troops").unwrap(),
            ["contributors", "Saudi Arabia", "troops"]
        );
        assert_eq!(segments("a . b").unwrap(), ["a", "b"]);
        assert!(segments("a..b").is_err());
        assert_eq!(
            join(&["contributors", "Other small ones", "p_join"]),
            "contributors.\"Other small ones\".p_join"
        );
        assert_eq!(key("a\"b"), "\"a\\\"b\"");
        assert_eq!(segments(&key("a\"b")).unwrap(), ["a\"b"]);
    }

    #[test]
    fn one_state_takes_its_share_from_the_others() {
        let p = with_state(&[0.25, 0.55, 0.2], 2, 0.4).unwrap();
        assert_eq!(p, [0.1875, 0.4125, 0.4]);
        let p = with_state(&[0.3, 0.7, 0.0], 0, 1.0).unwrap();
        assert_eq!(p, [1.0, 0.0, 0.0]);
        assert!(with_state(&[0.0, 0.0, 1.0], 2, 0.5).is_none());
        assert_eq!(
            with_state(&[0.0, 0.0, 1.0], 2, 1.0).unwrap(),
            [0.0, 0.0, 1.0]
        );
        let p = with_state(&[0.1, 0.2, 0.7], 1, 0.3).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{p:?}");
    }
}
