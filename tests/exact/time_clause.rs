//! Requirement clauses of format 2 (spec §1, and §5.3's `arrived(..)` and
//! `deployed`), parsed from their text by the tests' own parser and
//! evaluated against what a contributor sees at a decision time.

use crate::exact::model::Cmp;

#[derive(Clone, Debug)]
pub enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// A boolean condition (index) is true.
    True(usize),
    /// A categorical condition (index) compared with a state (index).
    State(usize, Cmp, usize),
    /// Contributor (index) is in the coalition now.
    Joined(usize),
    /// Contributor (index) is in theatre now.
    Arrived(usize),
    /// Pledges of the other members now.
    Committed(Cmp, i64),
    /// Personnel in theatre now, others than the contributor itself.
    Deployed(Cmp, i64),
}

/// What a contributor's clauses read at a decision time.
pub struct View<'a> {
    pub states: &'a [usize],
    pub member: &'a [bool],
    pub in_theatre: &'a [bool],
    pub committed: i64,
    pub deployed: i64,
}

impl Expr {
    pub fn eval(&self, v: &View) -> bool {
        match self {
            Expr::Or(x) => x.iter().any(|e| e.eval(v)),
            Expr::And(x) => x.iter().all(|e| e.eval(v)),
            Expr::Not(e) => !e.eval(v),
            Expr::True(c) => v.states[*c] == 0,
            Expr::State(c, op, s) => op.holds(v.states[*c], *s),
            Expr::Joined(i) => v.member[*i],
            Expr::Arrived(i) => v.in_theatre[*i],
            Expr::Committed(op, k) => op.holds(v.committed, *k),
            Expr::Deployed(op, k) => op.holds(v.deployed, *k),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    /// `joined(NAME)` or `arrived(NAME)`.
    Call(String, String),
    Open,
    Close,
    Cmp(Cmp),
    Int(i64),
}

fn tokens(text: &str) -> Vec<Tok> {
    let c: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let start = i;
        if c[i].is_whitespace() {
            i += 1;
        } else if c[i].is_ascii_alphabetic() || c[i] == '_' {
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            if (word == "joined" || word == "arrived") && c.get(i) == Some(&'(') {
                let len = c[i..].iter().position(|&x| x == ')').expect("a )");
                out.push(Tok::Call(word, c[i + 1..i + len].iter().collect()));
                i += len + 1;
            } else {
                out.push(Tok::Word(word));
            }
        } else if c[i].is_ascii_digit() {
            while i < c.len() && c[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = c[start..i].iter().collect();
            out.push(Tok::Int(digits.parse().unwrap()));
        } else if c[i] == '(' || c[i] == ')' {
            out.push(if c[i] == '(' { Tok::Open } else { Tok::Close });
            i += 1;
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            let (op, len) = match (two.as_str(), c[i]) {
                ("==", _) => (Cmp::Eq, 2),
                ("!=", _) => (Cmp::Ne, 2),
                ("<=", _) => (Cmp::Le, 2),
                (">=", _) => (Cmp::Ge, 2),
                (_, '<') => (Cmp::Lt, 1),
                (_, '>') => (Cmp::Gt, 1),
                _ => panic!("unexpected {:?} in {text}", c[i]),
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
    conds: &'a [(String, Vec<String>)],
    contributors: &'a [String],
    me: &'a str,
}

impl Parser<'_> {
    fn next(&mut self) -> Tok {
        self.pos += 1;
        self.toks
            .get(self.pos - 1)
            .cloned()
            .expect("clause ends early")
    }

    fn word(&mut self, w: &str) -> bool {
        let is = matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x == w);
        self.pos += is as usize;
        is
    }

    fn list(
        &mut self,
        sep: &str,
        item: fn(&mut Self) -> Expr,
        wrap: fn(Vec<Expr>) -> Expr,
    ) -> Expr {
        let mut v = vec![item(self)];
        while self.word(sep) {
            v.push(item(self));
        }
        if v.len() == 1 {
            v.pop().unwrap()
        } else {
            wrap(v)
        }
    }

    fn or(&mut self) -> Expr {
        self.list("or", Self::and, Expr::Or)
    }

    fn and(&mut self) -> Expr {
        self.list("and", Self::unary, Expr::And)
    }

    fn unary(&mut self) -> Expr {
        if self.word("not") {
            return Expr::Not(Box::new(self.unary()));
        }
        match self.next() {
            Tok::Open => {
                let e = self.or();
                assert_eq!(self.next(), Tok::Close);
                e
            }
            Tok::Call(kind, name) => {
                assert_ne!(name, self.me, "{kind} of itself");
                let i = self.contributors.iter().position(|n| *n == name);
                let i = i.unwrap_or_else(|| panic!("unknown contributor {name}"));
                if kind == "joined" {
                    Expr::Joined(i)
                } else {
                    Expr::Arrived(i)
                }
            }
            Tok::Word(w) if w == "committed" || w == "deployed" => {
                let (Tok::Cmp(op), Tok::Int(k)) = (self.next(), self.next()) else {
                    panic!("{w} needs a comparison with an integer")
                };
                if w == "committed" {
                    Expr::Committed(op, k)
                } else {
                    Expr::Deployed(op, k)
                }
            }
            Tok::Word(w) => {
                let c = self.conds.iter().position(|x| x.0 == w);
                let c = c.unwrap_or_else(|| panic!("unknown condition {w}"));
                let states = &self.conds[c].1;
                let boolean = states == &["true", "false"];
                if let Some(Tok::Cmp(op)) = self.toks.get(self.pos).cloned() {
                    assert!(!boolean, "comparing the boolean {w}");
                    self.pos += 1;
                    let Tok::Word(s) = self.next() else {
                        panic!("a state")
                    };
                    let s = states.iter().position(|x| *x == s).expect("a state");
                    Expr::State(c, op, s)
                } else {
                    assert!(boolean, "{w} alone is not boolean");
                    Expr::True(c)
                }
            }
            t => panic!("unexpected {t:?}"),
        }
    }
}

/// Parses one clause of contributor `me` against the names of its file.
pub fn parse(
    text: &str,
    conds: &[(String, Vec<String>)],
    contributors: &[String],
    me: &str,
) -> Expr {
    let mut p = Parser {
        toks: tokens(text),
        pos: 0,
        conds,
        contributors,
        me,
    };
    let e = p.or();
    assert_eq!(p.pos, p.toks.len(), "trailing input in {text}");
    e
}
