//! The requirement-clause parser: a small recursive-descent parser over the
//! grammar of the scenario format (`or` binds loosest, then `and`, then
//! `not`), resolving names to indices as it goes.
//!
//! Contributor names inside `joined( .. )` are free text, so the parser reads
//! characters on demand rather than tokenising the whole clause first.

use super::clause::{CmpOp, Expr};
use super::model::Condition;
use super::source::suggest;

/// Longest clause accepted, in characters.
pub use crate::limits::MAX_CLAUSE_CHARS;
/// Deepest nesting of parentheses and `not` accepted.
pub use crate::limits::MAX_CLAUSE_DEPTH;

type Parsed<T> = Result<T, (usize, String)>;

/// Parses one clause. Errors carry the 0-based character column in `text`
/// and a message (without the clause itself).
pub fn parse_clause(
    text: &str,
    conditions: &[Condition],
    contributor_names: &[String],
    self_index: usize,
) -> Result<Expr, (usize, String)> {
    parse_with_ground(text, conditions, contributor_names, self_index).map(|(expr, _)| expr)
}

/// A word of the clauses on the ground (format 2) and the 0-based
/// character column where a clause first writes it.
pub(crate) type Ground = Option<(usize, &'static str)>;

/// Parses one clause as [`parse_clause`] does, and says where it first
/// reads the ground (`arrived(..)` or `deployed`). Those words are atoms
/// unless a condition has the name, which only a format-1 file may give.
pub(crate) fn parse_with_ground(
    text: &str,
    conditions: &[Condition],
    contributor_names: &[String],
    self_index: usize,
) -> Result<(Expr, Ground), (usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_CLAUSE_CHARS {
        return Err((
            MAX_CLAUSE_CHARS,
            format!(
                "clause is {} characters long; the limit is {MAX_CLAUSE_CHARS}",
                chars.len()
            ),
        ));
    }
    let mut p = Parser {
        chars,
        pos: 0,
        depth: 0,
        conditions,
        names: contributor_names,
        self_index,
        ground: None,
    };
    p.skip_ws();
    if p.at_end() {
        return Err((
            0,
            "empty clause; write a condition, a comparison such as `ceasefire >= partial`, \
             joined(NAME) or committed >= N"
                .to_string(),
        ));
    }
    let expr = p.or()?;
    p.skip_ws();
    if !p.at_end() {
        let found = p.token();
        let message = if found == ")" {
            "unbalanced parentheses: this `)` has no matching `(`".to_string()
        } else if matches!(found.to_lowercase().as_str(), "and" | "or" | "not") {
            format!("unexpected `{found}`; keywords are lower case: and, or, not")
        } else {
            format!(
                "unexpected `{found}` after a complete clause; combine clauses with `and` or `or`"
            )
        };
        return Err((p.pos, message));
    }
    Ok((expr, p.ground))
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    conditions: &'a [Condition],
    names: &'a [String],
    self_index: usize,
    ground: Ground,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

const EXPECTED_OPERAND: &str = "a condition, `not`, `(`, joined(NAME) or committed";

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// The word starting at the cursor (may be empty); does not move.
    fn word(&self) -> String {
        self.chars[self.pos.min(self.chars.len())..]
            .iter()
            .take_while(|c| is_word_char(**c))
            .collect()
    }

    /// The next token as written, for messages.
    fn token(&self) -> String {
        match self.peek() {
            None => "the end of the clause".to_string(),
            Some(c) if is_word_char(c) => self.word(),
            Some(c) if "=!<>".contains(c) => self.chars[self.pos..]
                .iter()
                .take_while(|c| "=!<>".contains(**c))
                .collect(),
            Some(c) => c.to_string(),
        }
    }

    fn found(&self) -> String {
        if self.at_end() {
            "found the end of the clause".to_string()
        } else {
            format!("found `{}`", self.token())
        }
    }

    /// Consumes `kw` when the next word is exactly it.
    fn keyword(&mut self, kw: &str) -> bool {
        self.skip_ws();
        if self.word() == kw {
            self.pos += kw.chars().count();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Parsed<Expr> {
        let mut left = self.and()?;
        while self.keyword("or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed<Expr> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// Enters a `(` or `not` written at `at`.
    fn deeper(&mut self, at: usize) -> Parsed<()> {
        self.depth += 1;
        if self.depth > MAX_CLAUSE_DEPTH {
            return Err((
                at,
                format!(
                    "clause is nested too deeply; at most {MAX_CLAUSE_DEPTH} levels of parentheses and `not`"
                ),
            ));
        }
        Ok(())
    }

    fn unary(&mut self) -> Parsed<Expr> {
        self.skip_ws();
        if self.at_end() {
            return Err((
                self.pos,
                format!("clause ends too early; expected {EXPECTED_OPERAND}"),
            ));
        }
        let start = self.pos;
        if self.keyword("not") {
            self.deeper(start)?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.pos = start;
        if self.peek() == Some('(') {
            self.pos += 1;
            self.deeper(start)?;
            let inner = self.or()?;
            self.skip_ws();
            match self.peek() {
                Some(')') => {
                    self.pos += 1;
                    self.depth -= 1;
                    Ok(inner)
                }
                None => Err((
                    start,
                    "unbalanced parentheses: this `(` is never closed".to_string(),
                )),
                Some(_) => Err((
                    self.pos,
                    format!("expected `and`, `or` or `)`, {}", self.found()),
                )),
            }
        } else {
            self.atom()
        }
    }

    fn atom(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        let word = self.word();
        match word.as_str() {
            "" => Err((
                start,
                format!("expected {EXPECTED_OPERAND}, {}", self.found()),
            )),
            "joined" => {
                self.pos += word.len();
                let contributor = self.named("joined")?;
                Ok(Expr::Joined { contributor })
            }
            "committed" => {
                self.pos += word.len();
                let (op, personnel) = self.personnel("committed")?;
                Ok(Expr::Committed { op, personnel })
            }
            "arrived" if !self.is_condition(&word) => {
                self.ground.get_or_insert((start, "arrived(..)"));
                self.pos += word.len();
                let contributor = self.named("arrived")?;
                Ok(Expr::Arrived { contributor })
            }
            "deployed" if !self.is_condition(&word) => {
                self.ground.get_or_insert((start, "deployed"));
                self.pos += word.len();
                let (op, personnel) = self.personnel("deployed")?;
                Ok(Expr::Deployed { op, personnel })
            }
            "and" | "or" | "true" | "false" | "given" => Err((
                start,
                format!("expected {EXPECTED_OPERAND}, found `{word}`"),
            )),
            _ => {
                self.pos += word.len();
                self.condition(&word, start)
            }
        }
    }

    fn is_condition(&self, name: &str) -> bool {
        self.conditions.iter().any(|c| c.name == name)
    }

    /// A comparison operator at the cursor, if any.
    fn cmp(&mut self) -> Parsed<Option<CmpOp>> {
        self.skip_ws();
        let at = self.pos;
        let two: String = self.chars[at.min(self.chars.len())..]
            .iter()
            .take(2)
            .collect();
        let (op, len) = match two.as_str() {
            "==" => (CmpOp::Eq, 2),
            "!=" => (CmpOp::Ne, 2),
            "<=" => (CmpOp::Le, 2),
            ">=" => (CmpOp::Ge, 2),
            _ => match self.peek() {
                Some('<') => (CmpOp::Lt, 1),
                Some('>') => (CmpOp::Gt, 1),
                Some('=') => return Err((at, "`=` is not a comparison; write `==`".to_string())),
                Some('!') => {
                    return Err((
                        at,
                        "`!` is not an operator; write `!=` or `not`".to_string(),
                    ));
                }
                _ => return Ok(None),
            },
        };
        self.pos += len;
        Ok(Some(op))
    }

    fn condition(&mut self, name: &str, start: usize) -> Parsed<Expr> {
        let Some(index) = self.conditions.iter().position(|c| c.name == name) else {
            let names: Vec<&str> = self.conditions.iter().map(|c| c.name.as_str()).collect();
            let words = ["joined", "committed", "arrived", "deployed"];
            let hint = match suggest(name, names.iter().copied().chain(words)) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None if names.is_empty() => "; the file declares no conditions".to_string(),
                None => format!(" (conditions: {})", names.join(", ")),
            };
            if self.peek() == Some('(') {
                return Err((
                    start,
                    format!(
                        "unknown function \"{name}\"; only joined(NAME) and arrived(NAME) exist{hint}"
                    ),
                ));
            }
            return Err((start, format!("unknown condition \"{name}\"{hint}")));
        };
        let cond = &self.conditions[index];
        let op_at = {
            self.skip_ws();
            self.pos
        };
        let op = self.cmp()?;
        if cond.boolean {
            if op.is_some() {
                return Err((
                    op_at,
                    format!(
                        "{name} is a boolean condition and cannot be compared; write `{name}` or `not {name}`"
                    ),
                ));
            }
            return Ok(Expr::IsTrue { condition: index });
        }
        let states = cond.states.join(", ");
        let Some(op) = op else {
            let example = cond
                .states
                .get(1)
                .or(cond.states.first())
                .map_or("STATE", String::as_str);
            return Err((
                start,
                format!(
                    "{name} is a categorical condition (states: {states}); compare it with a state, \
                     e.g. `{name} >= {example}`"
                ),
            ));
        };
        self.skip_ws();
        let state_at = self.pos;
        let state = self.word();
        if state.is_empty() {
            return Err((
                state_at,
                format!(
                    "expected a state of {name} after `{}` (states: {states}), {}",
                    op.symbol(),
                    self.found()
                ),
            ));
        }
        let Some(state_index) = cond.states.iter().position(|s| *s == state) else {
            let hint = match suggest(&state, cond.states.iter().map(String::as_str)) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None => String::new(),
            };
            return Err((
                state_at,
                format!("unknown state \"{state}\" of condition {name} (states: {states}){hint}"),
            ));
        };
        self.pos += state.len();
        Ok(Expr::State {
            condition: index,
            op,
            state: state_index,
        })
    }

    /// `(NAME)` after `word` (`joined` or `arrived`): the contributor's index.
    fn named(&mut self, word: &str) -> Parsed<usize> {
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err((
                self.pos,
                format!(
                    "expected `(` after {word}, {}; write {word}(NAME)",
                    self.found()
                ),
            ));
        }
        let open = self.pos;
        self.pos += 1;
        let inner_start = self.pos;
        loop {
            match self.peek() {
                None => {
                    return Err((
                        open,
                        format!(
                            "unbalanced parentheses: `{word}(` is never closed; write {word}(NAME)"
                        ),
                    ));
                }
                Some('(') => {
                    return Err((
                        self.pos,
                        format!(
                            "contributor names cannot contain `(`; write {word}(NAME) with the exact name"
                        ),
                    ));
                }
                Some(')') => break,
                Some(_) => self.pos += 1,
            }
        }
        let raw: String = self.chars[inner_start..self.pos].iter().collect();
        let lead = raw.chars().take_while(|c| c.is_whitespace()).count();
        let name = raw.trim();
        let name_at = inner_start + lead;
        self.pos += 1;
        if name.is_empty() {
            return Err((
                name_at,
                format!("{word}() needs a contributor name: {word}(NAME)"),
            ));
        }
        let Some(index) = self.names.iter().position(|n| n == name) else {
            let hint = match suggest(name, self.names.iter().map(String::as_str)) {
                Some(s) => format!("; did you mean \"{s}\"?"),
                None if self.names.len() <= 12 => format!(
                    " (contributors: {})",
                    self.names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => String::new(),
            };
            return Err((name_at, format!("unknown contributor \"{name}\"{hint}")));
        };
        if index == self.self_index {
            return Err((
                name_at,
                format!("a contributor cannot require {word}() of itself (\"{name}\")"),
            ));
        }
        Ok(index)
    }

    /// `CMP INTEGER` after `word` (`committed` or `deployed`).
    fn personnel(&mut self, word: &str) -> Parsed<(CmpOp, u64)> {
        self.skip_ws();
        let Some(op) = self.cmp()? else {
            return Err((
                self.pos,
                format!(
                    "expected a comparison (==, !=, <, <=, >, >=) after {word}, {}; e.g. {word} >= 5000",
                    self.found()
                ),
            ));
        };
        self.skip_ws();
        let at = self.pos;
        let digits: String = self.chars[at.min(self.chars.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '_')
            .collect();
        if !digits.starts_with(|c: char| c.is_ascii_digit()) {
            return Err((
                at,
                format!(
                    "expected a whole number of personnel after `{word} {}`, {}",
                    op.symbol(),
                    self.found()
                ),
            ));
        }
        self.pos += digits.chars().count();
        if self.peek() == Some('.') {
            return Err((
                at,
                format!("personnel is a whole number; write {word} >= N with an integer N"),
            ));
        }
        let personnel: u64 = digits
            .replace('_', "")
            .parse()
            .map_err(|_| (at, format!("{digits} is too large a number of personnel")))?;
        Ok((op, personnel))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::StateProbs;

    fn conds() -> Vec<Condition> {
        let boolean = |name: &str| Condition {
            name: name.into(),
            states: vec!["true".into(), "false".into()],
            boolean: true,
            probs: StateProbs::Fixed(vec![0.5, 0.5]),
            changes: Vec::new(),
        };
        vec![
            boolean("a"),
            boolean("b"),
            boolean("c"),
            Condition {
                name: "ceasefire".into(),
                states: vec!["none".into(), "partial".into(), "full".into()],
                boolean: false,
                probs: StateProbs::Fixed(vec![0.3, 0.3, 0.4]),
                changes: Vec::new(),
            },
        ]
    }

    fn names() -> Vec<String> {
        vec!["Indonesia".into(), "Saudi Arabia".into()]
    }

    fn parse(text: &str) -> Result<Expr, (usize, String)> {
        parse_clause(text, &conds(), &names(), 0)
    }

    fn t(i: usize) -> Box<Expr> {
        Box::new(Expr::IsTrue { condition: i })
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            parse("a or b and c").unwrap(),
            Expr::Or(t(0), Box::new(Expr::And(t(1), t(2))))
        );
        assert_eq!(
            parse("a and b or c").unwrap(),
            Expr::Or(Box::new(Expr::And(t(0), t(1))), t(2))
        );
    }

    #[test]
    fn not_binds_tighter_than_and() {
        assert_eq!(
            parse("not a and b").unwrap(),
            Expr::And(Box::new(Expr::Not(t(0))), t(1))
        );
        assert_eq!(
            parse("not (a and b)").unwrap(),
            Expr::Not(Box::new(Expr::And(t(0), t(1))))
        );
    }

    #[test]
    fn operators_are_left_associative() {
        assert_eq!(
            parse("a or b or c").unwrap(),
            Expr::Or(Box::new(Expr::Or(t(0), t(1))), t(2))
        );
    }

    #[test]
    fn atoms_resolve_to_indices() {
        assert_eq!(
            parse("ceasefire >= partial").unwrap(),
            Expr::State {
                condition: 3,
                op: CmpOp::Ge,
                state: 1
            }
        );
        assert_eq!(
            parse("joined(  Saudi Arabia )").unwrap(),
            Expr::Joined { contributor: 1 }
        );
        assert_eq!(
            parse("committed<10_000").unwrap(),
            Expr::Committed {
                op: CmpOp::Lt,
                personnel: 10000
            }
        );
        assert_eq!(
            parse("((ceasefire!=none))").unwrap(),
            Expr::State {
                condition: 3,
                op: CmpOp::Ne,
                state: 0
            }
        );
    }

    #[test]
    fn ground_atoms_parse_and_say_where_they_are() {
        let ground = |text: &str| parse_with_ground(text, &conds(), &names(), 0).unwrap();
        assert_eq!(
            ground("a and arrived( Saudi Arabia )"),
            (
                Expr::And(t(0), Box::new(Expr::Arrived { contributor: 1 })),
                Some((6, "arrived(..)"))
            )
        );
        assert_eq!(
            ground("deployed >= 1_500 or arrived(Saudi Arabia)"),
            (
                Expr::Or(
                    Box::new(Expr::Deployed {
                        op: CmpOp::Ge,
                        personnel: 1500
                    }),
                    Box::new(Expr::Arrived { contributor: 1 })
                ),
                Some((0, "deployed"))
            )
        );
        assert_eq!(ground("joined(Saudi Arabia)").1, None);
        let e = parse("arrived(Indonesia)").unwrap_err();
        assert_eq!(e.0, 8);
        assert!(
            e.1.contains("cannot require arrived() of itself"),
            "{}",
            e.1
        );
        assert_eq!(parse("deployed >= x").unwrap_err().0, 12);
        assert_eq!(parse("arrived Indonesia").unwrap_err().0, 8);
    }

    #[test]
    fn a_condition_named_like_a_ground_word_stays_a_condition() {
        let mut c = conds();
        c[0].name = "arrived".into();
        c[1].name = "deployed".into();
        let (expr, ground) =
            parse_with_ground("arrived and not deployed", &c, &names(), 0).unwrap();
        assert_eq!(expr, Expr::And(t(0), Box::new(Expr::Not(t(1)))));
        assert_eq!(ground, None);
    }

    #[test]
    fn errors_point_at_the_offending_column() {
        let col = |text: &str| parse(text).unwrap_err().0;
        assert_eq!(col(""), 0);
        assert_eq!(col("   "), 0);
        assert_eq!(col("a and"), 5);
        assert_eq!(col("(a or b"), 0);
        assert_eq!(col("a or b)"), 6);
        assert_eq!(col("a b"), 2);
        assert_eq!(col("ceasefire >= parital"), 13);
        assert_eq!(col("ceasefire"), 0);
        assert_eq!(col("a == true"), 2);
        assert_eq!(col("joined(Indonesia)"), 7);
        assert_eq!(col("joined( Indonesa)"), 8);
        assert_eq!(col("joined(Indonesia"), 6);
        assert_eq!(col("committed >= x"), 13);
        assert_eq!(col("ceasefire = full"), 10);
        assert_eq!(col("nope"), 0);
        assert!(
            parse("ceasefire >= parital")
                .unwrap_err()
                .1
                .contains("did you mean \"partial\"?")
        );
    }

    #[test]
    fn nesting_and_length_are_limited() {
        let ok = format!("{}a{}", "(".repeat(32), ")".repeat(32));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}a{}", "(".repeat(33), ")".repeat(33));
        assert!(parse(&deep).unwrap_err().1.contains("nested too deeply"));
        let nots = format!("{}a", "not ".repeat(40));
        assert!(parse(&nots).is_err());
        let long = format!("a{}", " or a".repeat(300));
        assert!(parse(&long).unwrap_err().1.contains("limit is 1000"));
        let huge = format!("{}a", "(".repeat(100_000));
        assert!(parse_clause(&huge, &conds(), &names(), 0).is_err());
    }
}
