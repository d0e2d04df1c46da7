//! What is random in one trial (§2 step 2, §5.1, §5.5): the month-0
//! states, the changes that happen with their times, and each
//! contributor's uniforms, read from the streams a batch at a time.

use crate::engine::plan::Bernoulli;
use crate::engine::sample::{SamplerTree, threshold, unit};
use crate::engine::streams::{Draw, Streams, stream_id};
use crate::scenario::Scenario;

/// A change of a condition, ready to draw.
struct ChangePlan {
    condition: usize,
    order: usize,
    to: u8,
    happens: Bernoulli,
    month: SamplerTree,
    lasts: Option<SamplerTree>,
}

/// A contributor's distributions, ready to turn a uniform into a value
/// through the branch in force.
pub struct Values {
    pub troops: SamplerTree,
    pub delivery: SamplerTree,
    pub lead: SamplerTree,
}

/// The scenario's streams and samplers, computed once.
pub struct Compiled {
    /// Per contributor: the thresholds of `p_join` and of `veto`.
    pub willing: Vec<Bernoulli>,
    pub vetoed: Vec<Bernoulli>,
    /// Stream numbers: each condition's state, then per change (happens,
    /// month, lasts), then per contributor (willing, vetoed, pledge,
    /// delivery, lead time).
    streams: Vec<u64>,
    changes: Vec<ChangePlan>,
    pub values: Vec<Values>,
    /// Every non-empty set of roles, for §2 step 5.
    pub role_sets: Vec<RoleSet>,
}

/// A set of roles: the sum of their minimums, and who accepts one of them.
pub struct RoleSet {
    /// People.
    pub demand: u64,
    /// Contributors accepting a role in the set (bit i).
    pub accepting: u64,
}

/// §2 step 5 reads: for every set S of roles, the sum of their minimums is
/// at most the personnel of contributors accepting a role in S.
fn role_sets(s: &Scenario) -> Vec<RoleSet> {
    (1u32..1 << s.roles.len())
        .map(|set| {
            let in_set = |r: usize| set >> r & 1 == 1;
            RoleSet {
                demand: (0..s.roles.len())
                    .filter(|&r| in_set(r))
                    .map(|r| s.roles[r].minimum)
                    .sum(),
                accepting: s
                    .contributors
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.roles.iter().any(|&r| in_set(r)))
                    .fold(0, |m, (i, _)| m | 1 << i),
            }
        })
        .collect()
}

/// A change that happens in this trial.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Happened {
    pub condition: usize,
    /// Which change of its condition (from 0, in file order).
    pub order: usize,
    pub to: u8,
    /// Months from month 0.
    pub start: f64,
    /// Months from month 0 (`start + lasts`; infinite when it lasts for ever).
    pub end: f64,
}

/// A contributor's draws: two words compared with thresholds, three
/// uniforms turned into values at its joining time.
#[derive(Debug, Clone, Copy)]
pub struct Uniforms {
    pub willing: u32,
    pub vetoed: u32,
    pub pledge: f64,
    pub delivery: f64,
    pub lead: f64,
}

/// Everything random in one trial.
#[derive(Debug, Clone, Default)]
pub struct TrialDraws {
    /// State index of each condition at month 0.
    pub month0: Vec<u8>,
    /// The changes that happen, by condition, each condition's in file order.
    pub changes: Vec<Happened>,
    pub contributors: Vec<Uniforms>,
}

/// The words of a batch of trials: `words[stream][trial - first]`.
pub struct Words {
    words: Vec<Vec<u32>>,
}

impl Compiled {
    pub fn new(s: &Scenario) -> Compiled {
        let mut streams: Vec<u64> = s
            .conditions
            .iter()
            .map(|c| stream_id(Draw::State, &c.name))
            .collect();
        let mut changes = Vec::new();
        for (ci, c) in s.conditions.iter().enumerate() {
            for (k, ch) in c.changes.iter().enumerate() {
                let k = k as u32 + 1;
                for draw in [
                    Draw::ChangeHappens(k),
                    Draw::ChangeMonth(k),
                    Draw::ChangeLasts(k),
                ] {
                    streams.push(stream_id(draw, &c.name));
                }
                changes.push(ChangePlan {
                    condition: ci,
                    order: k as usize - 1,
                    to: ch.to,
                    happens: Bernoulli::new(&ch.p),
                    month: SamplerTree::new(&ch.month),
                    lasts: ch.lasts.as_ref().map(SamplerTree::new),
                });
            }
        }
        for c in &s.contributors {
            for draw in [
                Draw::Willing,
                Draw::Vetoed,
                Draw::Pledge,
                Draw::Delivery,
                Draw::LeadTime,
            ] {
                streams.push(stream_id(draw, &c.name));
            }
        }
        let values = s
            .contributors
            .iter()
            .map(|c| Values {
                troops: SamplerTree::new(&c.troops),
                delivery: SamplerTree::new(&c.delivery),
                lead: SamplerTree::new(&c.lead_months),
            })
            .collect();
        Compiled {
            willing: s
                .contributors
                .iter()
                .map(|c| Bernoulli::new(&c.p_join))
                .collect(),
            vetoed: s
                .contributors
                .iter()
                .map(|c| Bernoulli::new(&c.veto))
                .collect(),
            streams,
            changes,
            values,
            role_sets: role_sets(s),
        }
    }

    /// The words of trials `first .. first + len`.
    pub fn words(&self, streams: &Streams, first: u64, len: usize) -> Words {
        let words = self
            .streams
            .iter()
            .map(|&id| {
                let mut w = vec![0u32; len];
                streams.fill(id, first, &mut w);
                w
            })
            .collect();
        Words { words }
    }

    /// The draws of the trial at position `at` of a batch's words.
    pub fn draws(&self, s: &Scenario, words: &Words, at: usize) -> TrialDraws {
        let mut d = TrialDraws::default();
        self.draws_into(s, words, at, &mut d);
        d
    }

    /// `draws` into `out`, reusing its buffers.
    pub fn draws_into(&self, s: &Scenario, words: &Words, at: usize, out: &mut TrialDraws) {
        let word = |slot: usize| words.words[slot][at];
        sample_conditions(s, &word, &mut out.month0);
        let month0 = &out.month0;
        let n = s.conditions.len();
        let changes = &mut out.changes;
        changes.clear();
        for (k, ch) in self.changes.iter().enumerate() {
            let slot = n + 3 * k;
            let happens = u64::from(word(slot)) < ch.happens.threshold_at(month0);
            let start = ch.month.quantile_at(unit(word(slot + 1)), month0);
            let end = match &ch.lasts {
                Some(lasts) => start + lasts.quantile_at(unit(word(slot + 2)), month0),
                None => f64::INFINITY,
            };
            if happens {
                changes.push(Happened {
                    condition: ch.condition,
                    order: ch.order,
                    to: ch.to,
                    start,
                    end,
                });
            }
        }
        let base = n + 3 * self.changes.len();
        out.contributors.clear();
        out.contributors.extend((0..s.contributors.len()).map(|i| {
            let slot = base + 5 * i;
            Uniforms {
                willing: word(slot),
                vetoed: word(slot + 1),
                pledge: unit(word(slot + 2)),
                delivery: unit(word(slot + 3)),
                lead: unit(word(slot + 4)),
            }
        }));
    }
}

/// §2 step 1: every condition's month-0 state, parents before children. A
/// categorical draw takes the first state whose cumulative probability the
/// word stays below (the last state takes the rest).
fn sample_conditions(s: &Scenario, word: &impl Fn(usize) -> u32, states: &mut Vec<u8>) {
    states.clear();
    states.resize(s.conditions.len(), 0);
    for &k in &s.condition_order {
        let probs = s.conditions[k].probs.at(states);
        let w = u64::from(word(k));
        let mut cumulative = 0.0;
        let mut state = probs.len() - 1;
        for (j, p) in probs.iter().enumerate().take(probs.len() - 1) {
            cumulative += p;
            if w < threshold(cumulative) {
                state = j;
                break;
            }
        }
        states[k] = state as u8;
    }
}

impl TrialDraws {
    /// §5.1: the state of every condition at month `t`: the `to` of the
    /// change in effect at t that started last (equal starts: the later in
    /// the file), else the month-0 state.
    pub fn states_at(&self, t: f64, out: &mut Vec<u8>) {
        out.clone_from(&self.month0);
        let mut latest = vec![f64::NEG_INFINITY; out.len()];
        for ch in &self.changes {
            if ch.start <= t && t < ch.end && ch.start >= latest[ch.condition] {
                latest[ch.condition] = ch.start;
                out[ch.condition] = ch.to;
            }
        }
    }
}
