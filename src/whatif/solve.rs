//! Goal seeking by bisection. The metric is first measured on a coarse grid
//! of eleven points across the range: if it rises significantly somewhere
//! and falls significantly elsewhere (non-overlapping 95% intervals), it is
//! not monotone and bisection would not be trustworthy. Otherwise three
//! bisections run, each to the tolerance, on three versions of the goal: on
//! the estimate, on the interval bound most in the goal's favour, and on the
//! bound least in its favour. The answer is the crossing of the estimate;
//! its interval runs from the favourable crossing to the unfavourable one,
//! each taken at the outer end of its final bisection bracket, so that it
//! covers both the sampling error of the metric and the bisection tolerance.

use std::collections::HashMap;

use super::decimal::fixed;
use super::goal::{Goal, Measure};
use crate::stats::table::{Cell, Table};

/// What to search.
#[derive(Debug, Clone)]
pub struct Search {
    pub lo: f64,
    pub hi: f64,
    /// Bisection stops when the bracket is at most this wide.
    pub tolerance: f64,
    /// Largest value meeting the goal instead of the smallest.
    pub maximise: bool,
    /// Only whole numbers are tried.
    pub integer: bool,
    /// Digits after the point of the values tried.
    pub digits: usize,
}

/// Which test of the goal a bisection follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The goal on the interval bound most in its favour.
    Favourable = 0,
    /// The goal on the estimate.
    Estimate = 1,
    /// The goal on the interval bound least in its favour.
    Unfavourable = 2,
}

/// One run of the search.
#[derive(Debug, Clone)]
pub struct Step {
    /// `grid`, or the test a bisection step followed.
    pub phase: &'static str,
    /// The value as run.
    pub value: String,
    pub measure: Measure,
    /// The goal on the favourable bound, the estimate, the unfavourable bound.
    pub tests: [bool; 3],
}

/// The outcome.
#[derive(Debug, Clone)]
pub enum Answer {
    Found {
        /// The smallest (largest) value found to meet the goal on the estimate.
        value: String,
        measure: Measure,
        /// Interval of the value.
        low: String,
        high: String,
        /// The unfavourable bound never met the goal: the interval runs to the range end.
        open: bool,
        /// The goal already holds at the range end searched from.
        at_range_end: bool,
        /// Times the estimate's test changes along the grid (1 for a clean crossing).
        crossings: usize,
    },
    /// No grid point meets the goal on the estimate.
    Nowhere {
        /// The grid point closest to meeting it.
        best: Step,
        /// Some grid point meets it on the favourable bound.
        within_error: bool,
    },
    /// The metric rises significantly between two grid points and falls between two others.
    NotMonotone {
        rise: (String, String),
        fall: (String, String),
    },
}

enum Edge {
    /// Holds at the end searched from (LO when minimising, HI when maximising).
    AtStart,
    Never,
    /// Minimising: fails at a, holds at b. Maximising: holds at a, fails at b. a < b.
    Between(f64, f64),
}

struct Solver<'a, E, F: FnMut(&str) -> Result<Measure, E>> {
    search: &'a Search,
    goal: &'a Goal,
    eval: F,
    cache: HashMap<String, Measure>,
    steps: Vec<Step>,
}

impl<E, F: FnMut(&str) -> Result<Measure, E>> Solver<'_, E, F> {
    fn text(&self, x: f64) -> String {
        if self.search.integer {
            format!("{}", x.round() as i64)
        } else {
            fixed(x, self.search.digits)
        }
    }

    fn run(&mut self, phase: &'static str, value: &str) -> Result<Step, E> {
        let measure = match self.cache.get(value) {
            Some(m) => *m,
            None => {
                let m = (self.eval)(value)?;
                self.cache.insert(value.to_string(), m);
                m
            }
        };
        let step = Step {
            phase,
            value: value.to_string(),
            measure,
            tests: self.goal.tests(&measure),
        };
        self.steps.push(step.clone());
        Ok(step)
    }

    fn edge(&self, grid: &[(f64, Step)], k: usize) -> Edge {
        let holds = |i: usize| grid[i].1.tests[k];
        let n = grid.len();
        if self.search.maximise {
            if holds(n - 1) {
                return Edge::AtStart;
            }
            match (0..n).rev().find(|&i| holds(i)) {
                Some(i) => Edge::Between(grid[i].0, grid[i + 1].0),
                None => Edge::Never,
            }
        } else {
            if holds(0) {
                return Edge::AtStart;
            }
            match (0..n).find(|&i| holds(i)) {
                Some(i) => Edge::Between(grid[i - 1].0, grid[i].0),
                None => Edge::Never,
            }
        }
    }

    fn bisect(&mut self, edge: Edge, test: Test) -> Result<Edge, E> {
        let Edge::Between(mut a, mut b) = edge else {
            return Ok(edge);
        };
        let phase = match test {
            Test::Favourable => "bisect_favourable",
            Test::Estimate => "bisect_estimate",
            Test::Unfavourable => "bisect_unfavourable",
        };
        while b - a > self.search.tolerance {
            let text = self.text((a + b) / 2.0);
            let mid: f64 = text.parse().unwrap_or(f64::NAN);
            if !(mid > a && mid < b) {
                break;
            }
            let holds = self.run(phase, &text)?.tests[test as usize];
            if holds != self.search.maximise {
                b = mid;
            } else {
                a = mid;
            }
        }
        Ok(Edge::Between(a, b))
    }
}

/// Searches for the smallest (largest) value meeting `goal`; `eval` runs the
/// scenario with the input at the given value text.
pub fn solve<E>(
    search: &Search,
    goal: &Goal,
    eval: impl FnMut(&str) -> Result<Measure, E>,
) -> Result<(Answer, Vec<Step>), E> {
    let mut s = Solver {
        search,
        goal,
        eval,
        cache: HashMap::new(),
        steps: Vec::new(),
    };
    let mut grid: Vec<(f64, Step)> = Vec::new();
    for i in 0..=10 {
        let x = search.lo + (search.hi - search.lo) * i as f64 / 10.0;
        let text = match i {
            0 => s.text(search.lo),
            10 => s.text(search.hi),
            _ => s.text(x),
        };
        let x: f64 = text.parse().unwrap_or(x);
        if grid.last().is_some_and(|(last, _)| *last >= x) {
            continue;
        }
        let step = s.run("grid", &text)?;
        grid.push((x, step));
    }
    // Non-monotone: a significant rise and a significant fall.
    let mut rise = None;
    let mut fall = None;
    for i in 0..grid.len() {
        for j in i + 1..grid.len() {
            let (mi, mj) = (&grid[i].1.measure, &grid[j].1.measure);
            if rise.is_none() && mj.low > mi.high {
                rise = Some((grid[i].1.value.clone(), grid[j].1.value.clone()));
            }
            if fall.is_none() && mj.high < mi.low {
                fall = Some((grid[i].1.value.clone(), grid[j].1.value.clone()));
            }
        }
    }
    if let (Some(rise), Some(fall)) = (rise, fall) {
        return Ok((Answer::NotMonotone { rise, fall }, s.steps));
    }
    let crossings = grid
        .windows(2)
        .filter(|w| w[0].1.tests[1] != w[1].1.tests[1])
        .count();
    let estimate = s.edge(&grid, Test::Estimate as usize);
    if let Edge::Never = estimate {
        let upward = goal.holds(f64::INFINITY);
        let key = |st: &Step| {
            if upward {
                st.measure.estimate
            } else {
                -st.measure.estimate
            }
        };
        let best = grid
            .iter()
            .map(|(_, st)| st)
            .max_by(|a, b| key(a).total_cmp(&key(b)))
            .cloned()
            .expect("the grid has points");
        let within_error = grid.iter().any(|(_, st)| st.tests[0]);
        return Ok((Answer::Nowhere { best, within_error }, s.steps));
    }
    let estimate = s.bisect(estimate, Test::Estimate)?;
    let favourable = s.edge(&grid, Test::Favourable as usize);
    let favourable = s.bisect(favourable, Test::Favourable)?;
    let unfavourable = s.edge(&grid, Test::Unfavourable as usize);
    let unfavourable = s.bisect(unfavourable, Test::Unfavourable)?;
    let (lo, hi) = (search.lo, search.hi);
    let mut open = false;
    let (value, low, high) = if search.maximise {
        let value = match estimate {
            Edge::Between(a, _) => a,
            _ => hi,
        };
        let high = match favourable {
            Edge::Between(_, b) => b,
            _ => hi,
        };
        let low = match unfavourable {
            Edge::Between(a, _) => a,
            Edge::AtStart => hi,
            Edge::Never => {
                open = true;
                lo
            }
        };
        (value, low, high)
    } else {
        let value = match estimate {
            Edge::Between(_, b) => b,
            _ => lo,
        };
        let low = match favourable {
            Edge::Between(a, _) => a,
            _ => lo,
        };
        let high = match unfavourable {
            Edge::Between(_, b) => b,
            Edge::AtStart => lo,
            Edge::Never => {
                open = true;
                hi
            }
        };
        (value, low, high)
    };
    let value = s.text(value);
    let measure = match s.cache.get(&value) {
        Some(m) => *m,
        None => s.run("answer", &value)?.measure,
    };
    let answer = Answer::Found {
        at_range_end: matches!(s.edge(&grid, Test::Estimate as usize), Edge::AtStart),
        value,
        measure,
        low: s.text(low),
        high: s.text(high),
        open,
        crossings,
    };
    Ok((answer, s.steps))
}

/// The header of the CSV `solve` writes; a file starting with it is muster's.
pub const HEADER: [&str; 11] = [
    "phase",
    "value",
    "value_low",
    "value_high",
    "estimate",
    "ci_low",
    "ci_high",
    "meets_favourable",
    "meets_estimate",
    "meets_unfavourable",
    "note",
];

/// The search as a table (solve's CSV): the answer row, then every step
/// of the search with its measure and which of the goal's three tests it
/// meets.
pub fn table(goal: &Goal, answer: &Answer, steps: &[Step], range_text: &str, vary: &str) -> Table {
    let num = |v: f64| Cell::Num(v);
    let bool_text = |b: bool| Cell::Text(b.to_string());
    let text = |s: &str| Cell::Text(s.to_string());
    let measure_cells = |m: &Measure| {
        let t = goal.tests(m);
        [
            num(m.estimate),
            num(m.low),
            num(m.high),
            bool_text(t[0]),
            bool_text(t[1]),
            bool_text(t[2]),
        ]
    };
    let answer_row: Vec<Cell> = match answer {
        Answer::Found {
            value,
            measure,
            low,
            high,
            open,
            ..
        } => {
            let mut r = vec![text("answer"), text(value), text(low), text(high)];
            r.extend(measure_cells(measure));
            r.push(Cell::Text(if *open {
                format!("{goal}: interval open at the range end")
            } else {
                format!("{goal}")
            }));
            r
        }
        Answer::Nowhere { best, .. } => {
            let mut r = vec![text("answer"), Cell::Empty, Cell::Empty, Cell::Empty];
            r.extend(measure_cells(&best.measure));
            r.push(Cell::Text(format!(
                "no value of {vary} in {range_text} meets {goal}; closest at {}",
                best.value
            )));
            r
        }
        Answer::NotMonotone { rise, fall } => {
            let mut r: Vec<Cell> = vec![text("answer")];
            r.extend(std::iter::repeat_n(Cell::Empty, 9));
            r.push(Cell::Text(format!(
                "{} is not monotone in {vary} over {range_text}: rises between {} and {}, falls between {} and {}",
                goal.metric.name(),
                rise.0,
                rise.1,
                fall.0,
                fall.1
            )));
            r
        }
    };
    let mut rows = vec![answer_row];
    for s in steps {
        let mut r = vec![text(s.phase), text(&s.value), Cell::Empty, Cell::Empty];
        r.extend(measure_cells(&s.measure));
        r.push(Cell::Empty);
        rows.push(r);
    }
    Table {
        file: "solve.csv",
        header: HEADER.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV of a found answer and its two steps (a snapshot, like the
    /// result files).
    #[test]
    fn solve_csv_snapshot() {
        let goal = Goal::parse("p_success >= 0.5", None).unwrap();
        let m = |e: f64| Measure {
            estimate: e,
            low: e - 0.01,
            high: e + 0.01,
            counted: None,
        };
        let answer = Answer::Found {
            value: "0.6".into(),
            measure: m(0.52),
            low: "0.55".into(),
            high: "0.65".into(),
            open: false,
            at_range_end: false,
            crossings: 1,
        };
        let steps = [
            Step {
                phase: "grid",
                value: "0.5".into(),
                measure: m(0.4),
                tests: [false; 3],
            },
            Step {
                phase: "bisect",
                value: "0.6".into(),
                measure: m(0.52),
                tests: [true, true, false],
            },
        ];
        let csv = crate::output::csv_files::to_csv(&table(&goal, &answer, &steps, "0..1", "x"));
        assert_eq!(
            String::from_utf8(csv.unwrap()).unwrap(),
            "phase,value,value_low,value_high,estimate,ci_low,ci_high,meets_favourable,meets_estimate,meets_unfavourable,note\n\
             answer,0.6,0.55,0.65,0.52,0.51,0.53,true,true,true,p_success >= 0.5\n\
             grid,0.5,,,0.4,0.39,0.41000000000000003,false,false,false,\n\
             bisect,0.6,,,0.52,0.51,0.53,true,true,true,\n"
        );
    }

    /// A metric equal to x with a fixed interval half-width.
    fn linear(x: &str, half: f64) -> Result<Measure, ()> {
        let x: f64 = x.parse().unwrap();
        Ok(Measure {
            estimate: x,
            low: x - half,
            high: x + half,
            counted: None,
        })
    }

    fn search(maximise: bool) -> Search {
        Search {
            lo: 0.0,
            hi: 1.0,
            tolerance: 0.001,
            maximise,
            integer: false,
            digits: 4,
        }
    }

    #[test]
    fn finds_the_crossing_with_an_interval() {
        let goal = Goal::parse("p_success >= 0.5", None).unwrap();
        let (answer, steps) = solve(&search(false), &goal, |x| linear(x, 0.01)).unwrap();
        let Answer::Found {
            value, low, high, ..
        } = answer
        else {
            panic!("{answer:?}")
        };
        let (v, l, h): (f64, f64, f64) = (
            value.parse().unwrap(),
            low.parse().unwrap(),
            high.parse().unwrap(),
        );
        assert!((v - 0.5).abs() <= 0.001, "{v}");
        assert!((0.488..=0.49).contains(&l), "{l}");
        assert!((0.51..=0.512).contains(&h), "{h}");
        assert!(steps.len() < 11 + 3 * 8, "{}", steps.len());
    }

    #[test]
    fn largest_value_of_a_falling_metric() {
        let goal = Goal::parse("p_success >= 0.3", None).unwrap();
        let (answer, _) = solve(&search(true), &goal, |x| {
            let x: f64 = x.parse().unwrap();
            linear(&format!("{}", 1.0 - x), 0.0)
        })
        .unwrap();
        let Answer::Found { value, .. } = answer else {
            panic!("{answer:?}")
        };
        let v: f64 = value.parse().unwrap();
        assert!((v - 0.7).abs() <= 0.001, "{v}");
    }

    #[test]
    fn says_when_nothing_meets_the_goal() {
        let goal = Goal::parse("p_success >= 0.5", None).unwrap();
        let (answer, _) = solve(&search(false), &goal, |x| {
            let x: f64 = x.parse().unwrap();
            linear(&format!("{}", x * 0.2), 0.01)
        })
        .unwrap();
        let Answer::Nowhere { best, within_error } = answer else {
            panic!("{answer:?}")
        };
        assert_eq!(best.value, "1");
        assert!(!within_error);
    }

    #[test]
    fn says_when_the_metric_is_not_monotone() {
        let goal = Goal::parse("p_success >= 0.5", None).unwrap();
        let (answer, _) = solve(&search(false), &goal, |x| {
            let x: f64 = x.parse().unwrap();
            linear(&format!("{}", 1.0 - (2.0 * x - 1.0).abs()), 0.01)
        })
        .unwrap();
        assert!(matches!(answer, Answer::NotMonotone { .. }), "{answer:?}");
    }

    #[test]
    fn whole_numbers_only() {
        let goal = Goal::parse("mean_personnel >= 437", None).unwrap();
        let s = Search {
            lo: 0.0,
            hi: 1000.0,
            tolerance: 1.0,
            maximise: false,
            integer: true,
            digits: 0,
        };
        let (answer, steps) = solve(&s, &goal, |x| linear(x, 0.0)).unwrap();
        let Answer::Found { value, .. } = answer else {
            panic!("{answer:?}")
        };
        assert_eq!(value, "437");
        assert!(steps.iter().all(|st| !st.value.contains('.')));
    }
}
