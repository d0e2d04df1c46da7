//! Scenario description used by the exact oracle: a plain data model that
//! is written out as a scenario TOML file (spec section 1) and read by the
//! enumerator. Only fixed and discrete distributions are supported, so every
//! outcome of a trial can be listed.
//!
//! Requirement clauses are kept as text (exactly as written in the file) and
//! parsed here by a small parser for the clause grammar of spec section 1.

use std::fmt::Write as _;

/// A fixed value or a discrete distribution (values, weights).
#[derive(Clone, Debug)]
pub enum Dist {
    Fixed(f64),
    Discrete(Vec<f64>, Vec<f64>),
}

impl Dist {
    /// Every value with its probability (weights normalised).
    pub fn outcomes(&self) -> Vec<(f64, f64)> {
        match self {
            Dist::Fixed(v) => vec![(*v, 1.0)],
            Dist::Discrete(values, weights) => {
                assert_eq!(values.len(), weights.len());
                let total: f64 = weights.iter().sum();
                values
                    .iter()
                    .zip(weights)
                    .map(|(v, w)| (*v, w / total))
                    .collect()
            }
        }
    }

    fn toml(&self) -> String {
        match self {
            Dist::Fixed(v) => number(*v),
            Dist::Discrete(values, weights) => format!(
                "{{ dist = \"discrete\", values = [{}], weights = [{}] }}",
                values
                    .iter()
                    .map(|v| number(*v))
                    .collect::<Vec<_>>()
                    .join(", "),
                weights
                    .iter()
                    .map(|w| float(*w))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// A probability value: a number, or one number per state of a condition.
/// The `Given` entries name the states (in any order).
#[derive(Clone, Debug)]
pub enum Prob {
    Fixed(f64),
    Given(String, Vec<(String, f64)>),
}

impl Prob {
    fn toml(&self) -> String {
        match self {
            Prob::Fixed(p) => float(*p),
            Prob::Given(cond, entries) => {
                let mut s = format!("{{ given = \"{cond}\"");
                for (state, p) in entries {
                    write!(s, ", {state} = {}", float(*p)).unwrap();
                }
                s.push_str(" }");
                s
            }
        }
    }
}

/// Probabilities of the states of a categorical condition.
#[derive(Clone, Debug)]
pub enum CatProbs {
    Fixed(Vec<f64>),
    /// Parent condition, then one array per parent state (any order).
    Given(String, Vec<(String, Vec<f64>)>),
}

#[derive(Clone, Debug)]
pub enum CondSpec {
    /// Boolean condition, true with the given probability.
    Bool(Prob),
    /// Categorical condition with ordered states.
    Cat(Vec<String>, CatProbs),
}

#[derive(Clone, Debug)]
pub struct Condition {
    pub name: String,
    pub spec: CondSpec,
}

impl Condition {
    pub fn boolean(name: &str, p: Prob) -> Self {
        Condition {
            name: name.to_string(),
            spec: CondSpec::Bool(p),
        }
    }

    pub fn categorical(name: &str, states: &[&str], probs: CatProbs) -> Self {
        Condition {
            name: name.to_string(),
            spec: CondSpec::Cat(states.iter().map(|s| s.to_string()).collect(), probs),
        }
    }

    /// State names in the order used by the result files (`true`, `false`
    /// for a boolean condition).
    pub fn states(&self) -> Vec<String> {
        match &self.spec {
            CondSpec::Bool(_) => vec!["true".into(), "false".into()],
            CondSpec::Cat(states, _) => states.clone(),
        }
    }

    pub fn is_bool(&self) -> bool {
        matches!(self.spec, CondSpec::Bool(_))
    }

    /// The parent condition named by `given`, if any.
    pub fn parent(&self) -> Option<&str> {
        match &self.spec {
            CondSpec::Bool(Prob::Given(p, _)) => Some(p),
            CondSpec::Cat(_, CatProbs::Given(p, _)) => Some(p),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Contributor {
    pub name: String,
    pub p_join: Prob,
    pub requires: Vec<String>,
    pub troops: Dist,
    pub delivery: Option<Dist>,
    pub lead: Option<Dist>,
    pub roles: Option<Vec<String>>,
    pub veto: Option<Prob>,
}

impl Contributor {
    pub fn new(name: &str, p_join: Prob, troops: Dist) -> Self {
        Contributor {
            name: name.to_string(),
            p_join,
            requires: Vec::new(),
            troops,
            delivery: None,
            lead: None,
            roles: None,
            veto: None,
        }
    }
    pub fn requires(mut self, clauses: &[&str]) -> Self {
        self.requires = clauses.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn delivery(mut self, d: Dist) -> Self {
        self.delivery = Some(d);
        self
    }
    pub fn lead(mut self, d: Dist) -> Self {
        self.lead = Some(d);
        self
    }
    pub fn roles(mut self, roles: &[&str]) -> Self {
        self.roles = Some(roles.iter().map(|s| s.to_string()).collect());
        self
    }
    pub fn veto(mut self, p: Prob) -> Self {
        self.veto = Some(p);
        self
    }
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub target: u64,
    pub horizon: Option<f64>,
    pub start: Option<String>,
    pub conditions: Vec<Condition>,
    /// `None`: no `[roles]` section at all.
    pub roles: Option<Vec<(String, u64)>>,
    pub contributors: Vec<Contributor>,
    /// `[scenario] milestones`; `None`: the defaults.
    pub milestones: Option<Vec<i64>>,
}

impl Scenario {
    pub fn new(name: &str, target: u64) -> Self {
        Scenario {
            name: name.to_string(),
            target,
            horizon: None,
            start: None,
            conditions: Vec::new(),
            roles: None,
            contributors: Vec::new(),
            milestones: None,
        }
    }

    pub fn role_list(&self) -> Vec<(String, u64)> {
        self.roles.clone().unwrap_or_default()
    }

    pub fn condition_index(&self, name: &str) -> usize {
        self.conditions
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("unknown condition {name}"))
    }

    pub fn contributor_index(&self, name: &str) -> usize {
        self.contributors
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("unknown contributor {name}"))
    }

    /// The scenario as a TOML file in the format of spec section 1.
    pub fn to_toml(&self) -> String {
        let mut s = String::new();
        writeln!(s, "[scenario]").unwrap();
        writeln!(s, "name = {}", quote(&self.name)).unwrap();
        writeln!(s, "format = 1").unwrap();
        if let Some(start) = &self.start {
            writeln!(s, "start = {}", quote(start)).unwrap();
        }
        writeln!(s, "target = {}", self.target).unwrap();
        if let Some(h) = self.horizon {
            writeln!(s, "horizon_months = {}", number(h)).unwrap();
        }
        if let Some(m) = &self.milestones {
            let m: Vec<String> = m.iter().map(|x| x.to_string()).collect();
            writeln!(s, "milestones = [{}]", m.join(", ")).unwrap();
        }
        for c in &self.conditions {
            writeln!(s, "\n[conditions.{}]", c.name).unwrap();
            match &c.spec {
                CondSpec::Bool(p) => writeln!(s, "p = {}", p.toml()).unwrap(),
                CondSpec::Cat(states, probs) => {
                    let quoted: Vec<String> = states.iter().map(|x| quote(x)).collect();
                    writeln!(s, "states = [{}]", quoted.join(", ")).unwrap();
                    match probs {
                        CatProbs::Fixed(v) => writeln!(s, "probs = {}", float_array(v)).unwrap(),
                        CatProbs::Given(parent, rows) => {
                            let entries: Vec<String> = rows
                                .iter()
                                .map(|(st, v)| format!("{st} = {}", float_array(v)))
                                .collect();
                            writeln!(
                                s,
                                "probs = {{ given = \"{parent}\", {} }}",
                                entries.join(", ")
                            )
                            .unwrap()
                        }
                    }
                }
            }
        }
        if let Some(roles) = &self.roles {
            writeln!(s, "\n[roles]").unwrap();
            for (name, min) in roles {
                writeln!(s, "{name} = {min}").unwrap();
            }
        }
        for c in &self.contributors {
            writeln!(s, "\n[[contributors]]").unwrap();
            writeln!(s, "name = {}", quote(&c.name)).unwrap();
            writeln!(s, "p_join = {}", c.p_join.toml()).unwrap();
            if !c.requires.is_empty() {
                let quoted: Vec<String> = c.requires.iter().map(|x| quote(x)).collect();
                writeln!(s, "requires = [{}]", quoted.join(", ")).unwrap();
            }
            writeln!(s, "troops = {}", c.troops.toml()).unwrap();
            if let Some(d) = &c.delivery {
                writeln!(s, "delivery = {}", d.toml()).unwrap();
            }
            if let Some(d) = &c.lead {
                writeln!(s, "lead_months = {}", d.toml()).unwrap();
            }
            if let Some(r) = &c.roles {
                let quoted: Vec<String> = r.iter().map(|x| quote(x)).collect();
                writeln!(s, "roles = [{}]", quoted.join(", ")).unwrap();
            }
            if let Some(v) = &c.veto {
                writeln!(s, "veto = {}", v.toml()).unwrap();
            }
        }
        s
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// A quantity: written as a TOML integer when whole, else as a float.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

/// A probability or weight, always written as a TOML float.
fn float(v: f64) -> String {
    format!("{v:?}")
}

fn float_array(v: &[f64]) -> String {
    format!(
        "[{}]",
        v.iter().map(|x| float(*x)).collect::<Vec<_>>().join(", ")
    )
}

// ---------------------------------------------------------------------------
// Requirement clauses.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// Boolean condition (index) is true.
    CondTrue(usize),
    /// Categorical condition (index) compared with a state (index).
    CondCmp(usize, Cmp, usize),
    /// Contributor (index) has joined.
    Joined(usize),
    /// Pledges of the other joined contributors compared with a number.
    Committed(Cmp, i64),
}

impl Expr {
    /// `states[c]` is the state index of condition c (a boolean condition:
    /// 0 = true, 1 = false); `joined[i]` says whether contributor i is in
    /// the coalition; `committed` is the pledged personnel of the others
    /// that have joined.
    pub fn eval(&self, states: &[usize], joined: &[bool], committed: i64) -> bool {
        match self {
            Expr::Or(v) => v.iter().any(|e| e.eval(states, joined, committed)),
            Expr::And(v) => v.iter().all(|e| e.eval(states, joined, committed)),
            Expr::Not(e) => !e.eval(states, joined, committed),
            Expr::CondTrue(c) => states[*c] == 0,
            Expr::CondCmp(c, op, s) => op.holds(states[*c], *s),
            Expr::Joined(i) => joined[*i],
            Expr::Committed(op, k) => op.holds(committed, *k),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Joined(String),
    LParen,
    RParen,
    Cmp(Cmp),
    Int(i64),
}

fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word == "joined" && i < chars.len() && chars[i] == '(' {
                let close = chars[i..]
                    .iter()
                    .position(|&x| x == ')')
                    .unwrap_or_else(|| panic!("unclosed joined( in {text}"));
                out.push(Tok::Joined(chars[i + 1..i + close].iter().collect()));
                i += close + 1;
            } else {
                out.push(Tok::Ident(word));
            }
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Tok::Int(s.parse().unwrap()));
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (op, len) = match two.as_str() {
                "==" => (Cmp::Eq, 2),
                "!=" => (Cmp::Ne, 2),
                "<=" => (Cmp::Le, 2),
                ">=" => (Cmp::Ge, 2),
                _ => match c {
                    '<' => (Cmp::Lt, 1),
                    '>' => (Cmp::Gt, 1),
                    _ => panic!("unexpected character {c:?} in clause {text}"),
                },
            };
            out.push(Tok::Cmp(op));
            i += len;
        }
    }
    out
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    scenario: &'a Scenario,
    text: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Tok {
        let t = self
            .toks
            .get(self.pos)
            .cloned()
            .unwrap_or_else(|| panic!("clause ends early: {}", self.text));
        self.pos += 1;
        t
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(x)) if x == w)
    }
    fn or(&mut self) -> Expr {
        let mut v = vec![self.and()];
        while self.is_word("or") {
            self.pos += 1;
            v.push(self.and());
        }
        if v.len() == 1 {
            v.pop().unwrap()
        } else {
            Expr::Or(v)
        }
    }
    fn and(&mut self) -> Expr {
        let mut v = vec![self.unary()];
        while self.is_word("and") {
            self.pos += 1;
            v.push(self.unary());
        }
        if v.len() == 1 {
            v.pop().unwrap()
        } else {
            Expr::And(v)
        }
    }
    fn unary(&mut self) -> Expr {
        if self.is_word("not") {
            self.pos += 1;
            return Expr::Not(Box::new(self.unary()));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let e = self.or();
            assert_eq!(self.next(), Tok::RParen, "missing ) in {}", self.text);
            return e;
        }
        self.atom()
    }
    fn atom(&mut self) -> Expr {
        match self.next() {
            Tok::Joined(name) => Expr::Joined(self.scenario.contributor_index(&name)),
            Tok::Ident(word) if word == "committed" => {
                let Tok::Cmp(op) = self.next() else {
                    panic!("committed without comparison in {}", self.text)
                };
                let Tok::Int(k) = self.next() else {
                    panic!("committed without integer in {}", self.text)
                };
                Expr::Committed(op, k)
            }
            Tok::Ident(word) => {
                let c = self.scenario.condition_index(&word);
                let cond = &self.scenario.conditions[c];
                if let Some(Tok::Cmp(op)) = self.peek().cloned() {
                    self.pos += 1;
                    let Tok::Ident(state) = self.next() else {
                        panic!("expected a state in {}", self.text)
                    };
                    assert!(!cond.is_bool(), "comparing a boolean in {}", self.text);
                    let s = cond
                        .states()
                        .iter()
                        .position(|x| *x == state)
                        .unwrap_or_else(|| panic!("unknown state {state}"));
                    Expr::CondCmp(c, op, s)
                } else {
                    assert!(cond.is_bool(), "bare categorical in {}", self.text);
                    Expr::CondTrue(c)
                }
            }
            t => panic!("unexpected token {t:?} in {}", self.text),
        }
    }
}

/// Parse one clause of `requires` against the scenario's names.
pub fn parse_clause(scenario: &Scenario, text: &str) -> Expr {
    let mut p = Parser {
        toks: tokenize(text),
        pos: 0,
        scenario,
        text,
    };
    let e = p.or();
    assert_eq!(p.pos, p.toks.len(), "trailing input in clause {text}");
    e
}
