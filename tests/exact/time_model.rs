//! Format-2 scenarios (spec §5) as the exact tests see them, read from the
//! same TOML files the program runs by a small loader of the tests' own:
//! conditions with changes, `given` trees on probabilities and
//! distributions, `on_unmet`, and clauses with `arrived`/`deployed`. Only
//! fixed and `discrete` distributions, so that a trial depends on finitely
//! many cells of its uniforms.

use super::time_clause::{Expr, parse};
use std::path::Path;
use toml::{Table, Value};

/// A value, or a decision tree on conditions (§5.4): a condition (index)
/// and one branch per state, in the condition's state order.
#[derive(Clone, Debug)]
pub enum Tree<T> {
    Leaf(T),
    Given(usize, Vec<Tree<T>>),
}

impl<T> Tree<T> {
    /// The leaf in force when the conditions are in `states`.
    pub fn at(&self, states: &[usize]) -> &T {
        match self {
            Tree::Leaf(x) => x,
            Tree::Given(c, branches) => branches[states[*c]].at(states),
        }
    }

    /// Every leaf, whatever the states.
    pub fn leaves(&self) -> Vec<&T> {
        match self {
            Tree::Leaf(x) => vec![x],
            Tree::Given(_, branches) => branches.iter().flat_map(Tree::leaves).collect(),
        }
    }
}

/// A fixed value or a discrete distribution (values, weights).
#[derive(Clone, Debug)]
pub enum Dist {
    Fixed(f64),
    Discrete(Vec<f64>, Vec<f64>),
}

impl Dist {
    fn shares(w: &[f64]) -> Vec<f64> {
        let total: f64 = w.iter().sum();
        let mut acc = 0.0;
        w.iter()
            .map(|x| {
                acc += x;
                acc / total
            })
            .collect()
    }

    /// The uniforms at which the value read changes: the cumulative weight
    /// shares below 1.
    pub fn breaks(&self) -> Vec<f64> {
        match self {
            Dist::Fixed(_) => Vec::new(),
            Dist::Discrete(_, w) => Dist::shares(w).into_iter().filter(|c| *c < 1.0).collect(),
        }
    }

    /// The value a uniform u gives (§5.4): the first value, in the order
    /// written, whose cumulative weight share exceeds u.
    pub fn value(&self, u: f64) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Discrete(v, w) => {
                let k = Dist::shares(w).iter().position(|c| *c > u);
                v[k.unwrap_or(v.len() - 1)]
            }
        }
    }

    /// Every value with its probability.
    pub fn outcomes(&self) -> Vec<(f64, f64)> {
        match self {
            Dist::Fixed(v) => vec![(*v, 1.0)],
            Dist::Discrete(v, w) => {
                let total: f64 = w.iter().sum();
                v.iter().zip(w).map(|(x, wi)| (*x, wi / total)).collect()
            }
        }
    }
}

/// A change of a condition (§5.1); its trees read month-0 states.
#[derive(Clone, Debug)]
pub struct Change {
    pub to: usize,
    pub p: Tree<f64>,
    pub month: Tree<Dist>,
    /// None: for ever.
    pub lasts: Option<Tree<Dist>>,
}

#[derive(Clone, Debug)]
pub struct Condition {
    pub name: String,
    /// A boolean condition has the states `true` (0) and `false` (1), the
    /// order of conditions.csv.
    pub states: Vec<String>,
    pub boolean: bool,
    /// Probability of each month-0 state given the month-0 states of the
    /// conditions it reads.
    pub probs: Tree<Vec<f64>>,
    pub changes: Vec<Change>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnUnmet {
    Stay,
    Suspend,
    Withdraw,
}

#[derive(Clone, Debug)]
pub struct Contributor {
    pub name: String,
    pub p_join: Tree<f64>,
    pub veto: Tree<f64>,
    /// Each clause as written and parsed.
    pub requires: Vec<(String, Expr)>,
    pub troops: Tree<Dist>,
    pub delivery: Tree<Dist>,
    pub lead: Tree<Dist>,
    /// Bitmask of the roles it accepts.
    pub accepts: u32,
    pub on_unmet: OnUnmet,
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub target: u64,
    pub horizon: f64,
    pub start: Option<String>,
    pub milestones: Option<Vec<i64>>,
    /// Declared roles and their minimums, in file order.
    pub roles: Vec<(String, u64)>,
    pub conditions: Vec<Condition>,
    pub contributors: Vec<Contributor>,
}

fn number(v: &Value, what: &str) -> f64 {
    match v {
        Value::Integer(i) => *i as f64,
        Value::Float(x) => *x,
        _ => panic!("{what}: not a number: {v}"),
    }
}

fn table<'a>(v: &'a Value, what: &str) -> &'a Table {
    v.as_table()
        .unwrap_or_else(|| panic!("{what}: not a table"))
}

fn only_keys(t: &Table, allowed: &[&str], what: &str) {
    for k in t.keys() {
        assert!(allowed.contains(&k.as_str()), "{what}: unknown key {k}");
    }
}

/// What the trees of one file may name: each condition's name and states.
struct Names(Vec<(String, Vec<String>)>);

impl Names {
    /// A value or a `given` table over it, with exactly one entry per state.
    fn tree<T>(&self, v: &Value, what: &str, leaf: &dyn Fn(&Value) -> T) -> Tree<T> {
        let Some(t) = v.as_table().filter(|t| t.contains_key("given")) else {
            return Tree::Leaf(leaf(v));
        };
        let cond = t["given"].as_str().expect("given names a condition");
        let c = self
            .0
            .iter()
            .position(|(n, _)| n == cond)
            .unwrap_or_else(|| panic!("{what}: unknown condition {cond}"));
        let states = &self.0[c].1;
        assert_eq!(t.len(), states.len() + 1, "{what}: one entry per state");
        let branches = states
            .iter()
            .map(|s| {
                let b = t.get(s).unwrap_or_else(|| panic!("{what}: no entry {s}"));
                self.tree(b, what, leaf)
            })
            .collect();
        Tree::Given(c, branches)
    }

    fn prob(&self, v: &Value, what: &str) -> Tree<f64> {
        self.tree(v, what, &|x| {
            let p = number(x, what);
            assert!((0.0..=1.0).contains(&p), "{what}: {p} is not a probability");
            p
        })
    }

    fn dist(&self, v: &Value, what: &str) -> Tree<Dist> {
        self.tree(v, what, &|x| match x {
            Value::Table(t) => {
                only_keys(t, &["dist", "values", "weights"], what);
                assert_eq!(
                    t["dist"].as_str(),
                    Some("discrete"),
                    "{what}: discrete only"
                );
                let list = |k: &str| -> Vec<f64> {
                    let a = t[k].as_array().expect("an array");
                    a.iter().map(|y| number(y, what)).collect()
                };
                let (values, weights) = (list("values"), list("weights"));
                assert_eq!(values.len(), weights.len(), "{what}");
                Dist::Discrete(values, weights)
            }
            _ => Dist::Fixed(number(x, what)),
        })
    }
}

fn state_index(cond: &Condition, v: &Value) -> usize {
    let name = match v {
        Value::Boolean(b) => b.to_string(),
        Value::String(s) => s.clone(),
        _ => panic!("change of {}: `to` is not a state", cond.name),
    };
    cond.states
        .iter()
        .position(|s| *s == name)
        .unwrap_or_else(|| panic!("change of {}: unknown state {name}", cond.name))
}

/// Reads a scenario file (panics on anything it does not expect).
pub fn load(path: &Path) -> Scenario {
    read(&std::fs::read_to_string(path).unwrap())
}

/// Reads a scenario from its text.
pub fn read(text: &str) -> Scenario {
    let doc: Table = text.parse().unwrap_or_else(|e| panic!("{e}"));
    only_keys(
        &doc,
        &["scenario", "conditions", "roles", "contributors"],
        "file",
    );
    let sc = table(&doc["scenario"], "scenario");
    only_keys(
        sc,
        &[
            "name",
            "description",
            "format",
            "start",
            "target",
            "horizon_months",
            "trials",
            "seed",
            "milestones",
        ],
        "[scenario]",
    );
    let empty = Table::new();
    let conds = doc
        .get("conditions")
        .map_or(&empty, |v| table(v, "conditions"));
    // In the order written (whatever order the TOML table keeps).
    let conds = in_file_order(conds, |k| {
        text.find(&format!("[conditions.{k}]"))
            .unwrap_or_else(|| panic!("write [conditions.{k}] as a section"))
    });
    let mut conditions: Vec<Condition> = conds
        .iter()
        .map(|&(name, v)| {
            let t = table(v, name);
            only_keys(t, &["p", "states", "probs", "changes"], name);
            let boolean = t.contains_key("p");
            let states = if boolean {
                vec!["true".to_string(), "false".to_string()]
            } else {
                let a = t["states"].as_array().expect("states");
                a.iter().map(|s| s.as_str().unwrap().to_string()).collect()
            };
            Condition {
                name: name.clone(),
                states,
                boolean,
                probs: Tree::Leaf(Vec::new()),
                changes: Vec::new(),
            }
        })
        .collect();
    let names = Names(
        conditions
            .iter()
            .map(|c| (c.name.clone(), c.states.clone()))
            .collect(),
    );
    for (cond, &(name, v)) in conditions.iter_mut().zip(&conds) {
        let t = table(v, name);
        cond.probs = if cond.boolean {
            let p = names.prob(&t["p"], name);
            map(&p, &|x: &f64| vec![*x, 1.0 - *x])
        } else {
            names.tree(&t["probs"], name, &|x| {
                let a = x.as_array().expect("an array of probabilities");
                a.iter().map(|y| number(y, name)).collect()
            })
        };
        let changes = t.get("changes").map_or(&[][..], |c| c.as_array().unwrap());
        for (k, ch) in changes.iter().enumerate() {
            let what = format!("{name} change {}", k + 1);
            let ct = table(ch, &what);
            only_keys(ct, &["to", "p", "month", "lasts"], &what);
            let change = Change {
                to: state_index(cond, &ct["to"]),
                p: ct
                    .get("p")
                    .map_or(Tree::Leaf(1.0), |p| names.prob(p, &what)),
                month: names.dist(&ct["month"], &what),
                lasts: ct.get("lasts").map(|l| names.dist(l, &what)),
            };
            cond.changes.push(change);
        }
    }

    let section = text.find("[roles]").unwrap_or(0);
    let roles: Vec<(String, u64)> = doc.get("roles").map_or(Vec::new(), |r| {
        let keys = in_file_order(table(r, "roles"), |k| {
            section
                + text[section..]
                    .find(&format!("\n{k} ="))
                    .expect("a role line")
        });
        keys.into_iter()
            .map(|(k, v)| (k.clone(), v.as_integer().unwrap() as u64))
            .collect()
    });
    let list = doc.get("contributors").and_then(Value::as_array);
    let list = list.expect("contributors");
    let contributor_names: Vec<String> = list
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    let contributors = list
        .iter()
        .zip(&contributor_names)
        .map(|(v, name)| {
            let t = table(v, name);
            only_keys(
                t,
                &[
                    "name",
                    "p_join",
                    "requires",
                    "troops",
                    "delivery",
                    "lead_months",
                    "roles",
                    "veto",
                    "on_unmet",
                ],
                name,
            );
            let strings = |k: &str| -> Option<Vec<String>> {
                t.get(k).map(|a| {
                    let a = a.as_array().expect("an array of strings");
                    a.iter().map(|s| s.as_str().unwrap().to_string()).collect()
                })
            };
            let dist_or = |k: &str, d: f64| {
                t.get(k)
                    .map_or(Tree::Leaf(Dist::Fixed(d)), |v| names.dist(v, name))
            };
            let accepts = match strings("roles") {
                None => (1u32 << roles.len()) - 1,
                Some(rs) => rs.iter().fold(0, |m, r| {
                    let k = roles.iter().position(|(n, _)| n == r).expect("a role");
                    m | (1 << k)
                }),
            };
            Contributor {
                name: name.clone(),
                p_join: names.prob(&t["p_join"], name),
                veto: t
                    .get("veto")
                    .map_or(Tree::Leaf(0.0), |v| names.prob(v, name)),
                requires: strings("requires")
                    .unwrap_or_default()
                    .into_iter()
                    .map(|text| {
                        let e = parse(&text, &names.0, &contributor_names, name);
                        (text, e)
                    })
                    .collect(),
                troops: names.dist(&t["troops"], name),
                delivery: dist_or("delivery", 1.0),
                lead: dist_or("lead_months", 0.0),
                accepts,
                on_unmet: match t.get("on_unmet").and_then(Value::as_str) {
                    None | Some("stay") => OnUnmet::Stay,
                    Some("suspend") => OnUnmet::Suspend,
                    Some("withdraw") => OnUnmet::Withdraw,
                    Some(x) => panic!("{name}: on_unmet {x}"),
                },
            }
        })
        .collect();

    Scenario {
        name: sc["name"].as_str().unwrap().to_string(),
        target: sc["target"].as_integer().unwrap() as u64,
        horizon: number(
            sc.get("horizon_months").expect("a horizon"),
            "horizon_months",
        ),
        start: sc.get("start").map(|s| s.as_str().unwrap().to_string()),
        milestones: sc.get("milestones").map(|m| {
            let a = m.as_array().unwrap();
            a.iter().map(|x| x.as_integer().unwrap()).collect()
        }),
        roles,
        conditions,
        contributors,
    }
}

/// The entries of a table sorted by where `pos` finds them in the text.
fn in_file_order(t: &Table, pos: impl Fn(&str) -> usize) -> Vec<(&String, &Value)> {
    let mut v: Vec<(usize, (&String, &Value))> = t.iter().map(|e| (pos(e.0), e)).collect();
    v.sort_by_key(|e| e.0);
    v.into_iter().map(|e| e.1).collect()
}

fn map<T, U>(t: &Tree<T>, f: &dyn Fn(&T) -> U) -> Tree<U> {
    match t {
        Tree::Leaf(x) => Tree::Leaf(f(x)),
        Tree::Given(c, b) => Tree::Given(*c, b.iter().map(|x| map(x, f)).collect()),
    }
}
