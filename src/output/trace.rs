//! The story of one trial in words, in time order (`muster trace`), and
//! the same as one JSON object with names instead of indices.

use crate::engine::reference::{Event, Trace, Why};
use crate::scenario::Scenario;
use crate::scenario::grouped;
use crate::stats::table::reasons;
use serde_json::{Value, json};

/// One trial's story for the report.
#[derive(Debug, Clone)]
pub struct Story {
    /// "A typical failure", "The first success".
    pub title: String,
    /// Trial number, from 1.
    pub trial: u64,
    /// The story in words, as `muster trace` prints it.
    pub words: String,
}

/// People with thousands separated: 20,000.
fn people(n: u64) -> String {
    grouped(n as f64)
}

/// A month as the story shows it: up to two decimals, and the date with a start.
fn month(s: &Scenario, m: f64) -> String {
    let text = format!("month {}", (m * 100.0).round() / 100.0);
    match s.start {
        Some(d) if m.is_finite() => format!("{text} ({})", d.plus_months(m)),
        _ => text,
    }
}

fn state(s: &Scenario, condition: usize, index: u8) -> String {
    format!(
        "{} {}",
        s.conditions[condition].name, s.conditions[condition].states[index as usize]
    )
}

fn why(s: &Scenario, i: usize, w: &Why) -> String {
    match w {
        Why::NotWilling => "no longer willing".into(),
        Why::Vetoed => "vetoed by the host".into(),
        Why::Clause(k) => format!(
            "its condition `{}` no longer holds",
            s.contributors[i].requires[*k].text
        ),
    }
}

/// The story in words.
pub fn words(s: &Scenario, seed: u64, t: &Trace) -> String {
    let name = |i: usize| s.contributors[i].name.as_str();
    let mut out = format!("Trial {} of \"{}\" (seed {seed})\n\n", t.trial, s.name);
    let states: Vec<String> = (0..s.conditions.len())
        .map(|c| state(s, c, t.month0[c]))
        .collect();
    if !states.is_empty() {
        out += &format!("Conditions at month 0: {}.\n", states.join(", "));
    }
    for ch in &t.changes {
        let until = if ch.end.is_finite() {
            format!(" until {}", month(s, ch.end))
        } else {
            " for good".into()
        };
        out += &format!(
            "  Change: {} from {}{until}.\n",
            state(s, ch.condition, ch.to),
            month(s, ch.start)
        );
    }
    out += "\nDraws (values as read at month 0):\n";
    for (i, d) in t.draws.iter().enumerate() {
        let willing = if d.willing_draw < d.p_join {
            format!(
                "willing (draw {:.3} below p_join {})",
                d.willing_draw, d.p_join
            )
        } else {
            format!(
                "not willing (draw {:.3} not below p_join {})",
                d.willing_draw, d.p_join
            )
        };
        let vetoed = if d.veto_draw < d.veto {
            format!("vetoed (draw {:.3} below veto {})", d.veto_draw, d.veto)
        } else {
            "not vetoed".into()
        };
        out += &format!(
            "  {}: {willing}; {vetoed}; pledge {}, delivery {:.2}, lead time {:.1} months\n",
            name(i),
            people(d.pledge),
            d.delivery,
            d.lead_months
        );
    }
    let mut previous: Option<Vec<u8>> = None;
    let mut at = 0.0;
    let mut point = 0;
    let flush = |out: &mut String, at: f64, point: &mut usize| {
        for st in t.stints.iter().filter(|st| st.arrive == at) {
            *out += &format!(
                "  {} arrives: {} in theatre.\n",
                name(st.contributor),
                people(st.deployed)
            );
        }
        if let Some(p) = t.points.get(*point) {
            *out += &format!("  Personnel in theatre: {}.\n", people(p.personnel));
        }
        *point += 1;
    };
    for e in &t.events {
        match e {
            Event::Decision { month: m, states } => {
                if previous.is_some() {
                    flush(&mut out, at, &mut point);
                }
                at = *m;
                out += &format!("\n{}:\n", capital(&month(s, *m)));
                if let Some(before) = &previous {
                    for (c, (a, b)) in before.iter().zip(states).enumerate() {
                        if a != b {
                            out += &format!(
                                "  {} (was {}).\n",
                                state(s, c, *b),
                                s.conditions[c].states[*a as usize]
                            );
                        }
                    }
                }
                previous = Some(states.clone());
            }
            Event::Joined {
                contributor: i,
                pledge,
                deployed,
                arrives,
                ..
            } => {
                let clauses: Vec<&str> = s.contributors[*i]
                    .requires
                    .iter()
                    .map(|k| k.text.as_str())
                    .collect();
                let held = if clauses.is_empty() {
                    String::new()
                } else {
                    format!("; every condition holds: {}", clauses.join(", "))
                };
                out += &format!(
                    "  {} joins (willing, not vetoed{held}): pledges {}, {} to deploy, arriving {}.\n",
                    name(*i),
                    people(*pledge),
                    people(*deployed),
                    month(s, *arrives)
                );
            }
            Event::Left {
                contributor: i,
                withdrew,
                why: w,
                ..
            } => {
                let verb = if *withdrew {
                    "withdraws for good"
                } else {
                    "suspends"
                };
                out += &format!("  {} {verb}: {}.\n", name(*i), why(s, *i, w));
            }
        }
    }
    if previous.is_some() {
        flush(&mut out, at, &mut point);
    }
    out += &verdict(s, t);
    out
}

fn capital(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The verdict, the roles at the moment of success and the blockers.
fn verdict(s: &Scenario, t: &Trace) -> String {
    let horizon = s
        .horizon_months
        .map_or("at the end".to_string(), |h| format!("at {}", month(s, h)));
    let mut out = String::from("\nVerdict: ");
    match t.success_at {
        Some(m) => {
            out += &format!(
                "success at {}: the target of {} reached with every role met.\n",
                month(s, m),
                people(s.target)
            );
        }
        None => {
            let reached = match t.reached_at {
                Some(m) => format!(
                    "the target was reached at {} but the roles were not met then",
                    month(s, m)
                ),
                None => format!("the target of {} was never reached", people(s.target)),
            };
            out += &format!("failure: {reached}.\n");
        }
    }
    out += &format!(
        "  Personnel in theatre {horizon}: {}.\n",
        people(t.personnel)
    );
    if let (Some(a), Some(m)) = (&t.assignment, t.success_at) {
        out += &format!("  Roles at {}:\n", month(s, m));
        for (r, role) in s.roles.iter().enumerate() {
            let by: Vec<String> = a
                .iter()
                .enumerate()
                .filter(|(_, row)| row[r] > 0)
                .map(|(i, row)| format!("{} {}", s.contributors[i].name, people(row[r])))
                .collect();
            out += &format!(
                "    {} (minimum {}): {}\n",
                role.name,
                people(role.minimum),
                if by.is_empty() {
                    "nobody needed".into()
                } else {
                    by.join(", ")
                }
            );
        }
    }
    let out_of_theatre: Vec<String> = t
        .first_reason
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.map(|k| format!("{} ({})", s.contributors[i].name, reasons(s, i)[k]))
        })
        .collect();
    if !out_of_theatre.is_empty() {
        out += &format!(
            "  Not in theatre {horizon}: {}.\n",
            out_of_theatre.join(", ")
        );
    }
    out
}

/// The same story as one JSON object.
pub fn json(s: &Scenario, seed: u64, t: &Trace) -> Value {
    let name = |i: usize| s.contributors[i].name.clone();
    let states = |v: &[u8]| -> Value {
        s.conditions
            .iter()
            .zip(v)
            .map(|(c, k)| (c.name.clone(), Value::from(c.states[*k as usize].clone())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let events: Vec<Value> = t
        .events
        .iter()
        .map(|e| match e {
            Event::Decision { month, states: st } => {
                json!({"event": "decision", "month": month, "states": states(st)})
            }
            Event::Joined {
                month,
                contributor,
                pledge,
                deployed,
                arrives,
            } => json!({
                "event": "joined", "month": month, "contributor": name(*contributor),
                "pledge": pledge, "deployed": deployed, "arrives": finite(*arrives),
            }),
            Event::Left {
                month,
                contributor,
                withdrew,
                why: w,
            } => json!({
                "event": if *withdrew { "withdrew" } else { "suspended" }, "month": month,
                "contributor": name(*contributor), "why": why(s, *contributor, w),
            }),
        })
        .collect();
    json!({
        "scenario": s.name,
        "seed": seed.to_string(),
        "trial": t.trial,
        "conditions_at_month_0": states(&t.month0),
        "changes": t.changes.iter().map(|c| json!({
            "condition": s.conditions[c.condition].name,
            "change": c.order + 1,
            "to": s.conditions[c.condition].states[c.to as usize],
            "start": c.start,
            "end": finite(c.end),
        })).collect::<Vec<_>>(),
        "draws": t.draws.iter().enumerate().map(|(i, d)| json!({
            "contributor": name(i),
            "willing_draw": d.willing_draw, "p_join_at_month_0": d.p_join,
            "veto_draw": d.veto_draw, "veto_at_month_0": d.veto,
            "pledge_at_month_0": d.pledge, "delivery_at_month_0": d.delivery,
            "lead_months_at_month_0": d.lead_months,
        })).collect::<Vec<_>>(),
        "events": events,
        "arrivals": t.stints.iter().map(|st| json!({
            "contributor": name(st.contributor), "month": st.arrive,
            "left": st.leave, "deployed": st.deployed,
        })).collect::<Vec<_>>(),
        "force": t.points.iter().map(|p| json!({
            "month": p.t, "personnel": p.personnel, "roles_met": p.roles_met,
        })).collect::<Vec<_>>(),
        "verdict": {
            "success": t.success_at.is_some(),
            "success_at": t.success_at,
            "target_reached_at": t.reached_at,
            "roles_met_at": t.roles_met_at,
            "personnel_at_horizon": t.personnel,
            "coalition_at_horizon": t.coalition.iter().map(|&i| name(i)).collect::<Vec<_>>(),
            "in_theatre_at_horizon": t.in_theatre.iter().map(|&i| name(i)).collect::<Vec<_>>(),
            "first_reasons": t.first_reason.iter().enumerate().filter_map(|(i, r)| {
                r.map(|k| json!({"contributor": name(i), "reason": reasons(s, i)[k]}))
            }).collect::<Vec<_>>(),
        },
    })
}

/// JSON has no infinity: a time that never comes is null.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}
