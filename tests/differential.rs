//! The fast engine against the reference simulator: the same integer tally,
//! trial for trial, on every shipped scenario and on generated scenarios,
//! with each fast path forced on and off.

use crate::util::SplitMix;
use muster::engine::paths::{Build, FastPaths, Use};
use muster::engine::plan::Plan;
use muster::engine::{batch::BATCH, reference, run_plan};
use muster::scenario::Scenario;
use muster::stats::tally::Tally;
use proptest::prelude::*;
use std::fmt::Write;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// The tally with trailing zeros of its vectors dropped (they count nothing).
fn canonical(mut t: Tally) -> Tally {
    fn trim(v: &mut Vec<u64>) {
        while v.last() == Some(&0) {
            v.pop();
        }
    }
    trim(&mut t.histogram);
    trim(&mut t.timeline.first_reached);
    trim(&mut t.timeline.first_success);
    trim(&mut t.timeline.arriving);
    t.milestones.iter_mut().for_each(trim);
    while t.fan.last().is_some_and(|b| b.counts.is_empty()) {
        t.fan.pop();
    }
    t
}

/// The fast engine's tally of batch `batch` (only its first `len` trials).
fn fast(s: &Scenario, paths: FastPaths, seed: u64, batch: u64, len: u64) -> Tally {
    let plan = Plan::with_paths(s, paths);
    let trials = batch * BATCH as u64 + len;
    let (done, stop) = (AtomicU64::new(0), AtomicBool::new(false));
    let t = run_plan(s, &plan, seed, trials, batch..batch + 1, 1, &done, &stop);
    canonical(t.unwrap())
}

fn slow(s: &Scenario, seed: u64, batch: u64, len: u64) -> Tally {
    let first = batch * BATCH as u64;
    canonical(reference::run(s, seed, first..first + len))
}

/// Where two tallies first differ, for the failure message.
fn first_difference(a: &Tally, b: &Tally) -> String {
    let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let k = (0..a.len().min(b.len()))
        .find(|&k| a[k] != b[k])
        .unwrap_or(0);
    let from = k.saturating_sub(40);
    format!(
        "engine:\n{}\nreference:\n{}",
        a[from..(k + 3).min(a.len())].join("\n"),
        b[from..(k + 3).min(b.len())].join("\n")
    )
}

fn load(text: &str) -> Scenario {
    match muster::scenario::load::parse_scenario(text, "generated.toml", &[]) {
        Ok(s) => s,
        Err(e) => panic!("generated scenario does not load: {e}\n{text}"),
    }
}

#[test]
fn shipped_scenarios_with_each_fast_path_forced_on_and_off() {
    // Said outside the test harness's capture, so that it is seen.
    for (build, what) in [(Build::Avx512, "AVX-512"), (Build::Avx2, "AVX2")] {
        if muster::engine::batch::build_for(build) != build {
            let note = format!(
                "note: this processor lacks {what}: its build of the batch is not compared here\n"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
        }
    }
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push("tests/fixtures/mixed_distributions.toml".into());
    // The format-1 Gaza file, as it was before the shipped one gained time.
    files.push("tests/fixtures/gaza_format1.toml".into());
    for f in files {
        let (s, _) = muster::scenario::load::load_file(&f, &[]).unwrap();
        // Scenarios with time run on the reference alone (exact_time checks them).
        if s.uses_time() {
            continue;
        }
        // A whole batch and a short one further along the streams.
        for (batch, len) in [(0, BATCH as u64), (5, 777)] {
            let reference = slow(&s, 7, batch, len);
            for paths in FastPaths::each_forced() {
                let engine = fast(&s, paths, 7, batch, len);
                assert!(
                    engine == reference,
                    "{} batch {batch}: the engine with {paths:?} differs from the reference\n{}",
                    f.display(),
                    first_difference(&engine, &reference)
                );
            }
        }
    }
}

/// A small deterministic generator for the details of a scenario.
struct Gen(SplitMix);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0.next()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.0.unit() <= p
    }
    /// A probability, often exactly 0 or 1.
    fn prob(&mut self) -> f64 {
        match self.below(8) {
            0 => 0.0,
            1 => 1.0,
            _ => self.below(1001) as f64 / 1000.0,
        }
    }
}

/// The shape of a generated scenario; the details come from `seed`.
#[derive(Debug, Clone)]
struct Shape {
    contributors: usize,
    conditions: usize,
    states: usize,
    roles: usize,
    horizon: Option<u8>,
    /// Mean chance of being willing, in thousandths.
    willing: u64,
    /// A contributor with more than 64 clauses.
    many_clauses: bool,
    /// Whether clauses may read the coalition (`joined`, `committed`).
    cascades: bool,
    seed: u64,
}

struct Cond {
    name: String,
    states: Vec<String>,
    boolean: bool,
}

impl Shape {
    fn scenario(&self) -> String {
        let mut g = Gen(SplitMix(self.seed));
        let mut t = String::new();
        // The target is written last (TOML allows it): sometimes exactly
        // what some fixed pledges add up to, to test the boundaries.
        let mut fixed_pledges: Vec<u64> = Vec::new();
        writeln!(t, "[scenario]\nname = \"generated\"").unwrap();
        if let Some(h) = self.horizon {
            let frac = if g.chance(0.3) { ".5" } else { "" };
            writeln!(t, "horizon_months = {h}{frac}").unwrap();
        }
        let mut conds: Vec<Cond> = Vec::new();
        for k in 0..self.conditions {
            let boolean = self.states == 2 && g.chance(0.5) || g.chance(0.3);
            let n = if boolean { 2 } else { self.states.max(2) };
            let states: Vec<String> = if boolean {
                vec!["true".into(), "false".into()]
            } else {
                (0..n).map(|j| format!("s{j}")).collect()
            };
            let name = format!("c{k}");
            writeln!(t, "\n[conditions.{name}]").unwrap();
            let parent = (k > 0 && g.chance(0.4)).then(|| g.below(k as u64) as usize);
            if boolean {
                write!(t, "p = ").unwrap();
                write_prob(&mut t, &mut g, parent.map(|p| &conds[p]));
            } else {
                writeln!(t, "states = {:?}", states).unwrap();
                match parent {
                    None => writeln!(t, "probs = {}", probs(&mut g, n)).unwrap(),
                    Some(p) => {
                        write!(t, "probs = {{ given = \"{}\"", conds[p].name).unwrap();
                        for st in &conds[p].states {
                            write!(t, ", {st} = {}", probs(&mut g, n)).unwrap();
                        }
                        writeln!(t, " }}").unwrap();
                    }
                }
            }
            conds.push(Cond {
                name,
                states,
                boolean,
            });
        }
        if self.roles > 0 {
            writeln!(t, "\n[roles]").unwrap();
            for r in 0..self.roles {
                writeln!(t, "r{r} = {}", g.below(3) * g.below(3000)).unwrap();
            }
        }
        for i in 0..self.contributors {
            writeln!(t, "\n[[contributors]]\nname = \"C{i}\"").unwrap();
            write!(t, "p_join = ").unwrap();
            if g.chance(0.7) {
                let p = (self.willing as f64 / 1000.0 + g.below(200) as f64 / 1000.0 - 0.1)
                    .clamp(0.0, 1.0);
                writeln!(t, "{p}").unwrap();
            } else {
                let on = (!conds.is_empty()).then(|| &conds[g.below(conds.len() as u64) as usize]);
                write_prob(&mut t, &mut g, on);
            }
            if g.chance(0.3) {
                write!(t, "veto = ").unwrap();
                let on = (!conds.is_empty() && g.chance(0.5))
                    .then(|| &conds[g.below(conds.len() as u64) as usize]);
                write_prob(&mut t, &mut g, on);
            }
            let count = if !self.cascades && conds.is_empty() {
                0
            } else if self.many_clauses && i == 0 {
                65 + g.below(10) as usize
            } else {
                g.below(4) as usize
            };
            let clauses: Vec<String> = (0..count)
                .map(|_| clause(&mut g, &conds, self.cascades, self.contributors, i, 2))
                .collect();
            if !clauses.is_empty() {
                writeln!(t, "requires = {:?}", clauses).unwrap();
            }
            // Often a fixed pledge, so that targets can fall on sums of them.
            let troops = if g.chance(0.3) {
                format!("{}", 100 * g.below(50))
            } else {
                dist(&mut g, 0.0, 5000.0, true)
            };
            writeln!(t, "troops = {troops}").unwrap();
            if let Ok(n) = troops.parse::<u64>() {
                fixed_pledges.push(n);
            }
            if g.chance(0.5) {
                writeln!(t, "delivery = {}", dist(&mut g, 0.0, 1.0, false)).unwrap();
            }
            if g.chance(0.7) {
                writeln!(t, "lead_months = {}", dist(&mut g, 0.0, 14.0, false)).unwrap();
            }
            if self.roles > 0 && g.chance(0.7) {
                let roles: Vec<String> = (0..self.roles)
                    .filter(|_| g.chance(0.5))
                    .map(|r| format!("r{r}"))
                    .collect();
                writeln!(t, "roles = {:?}", roles).unwrap();
            }
        }
        let target = if self.roles > 0 && g.chance(0.3) {
            // The roles, not the target, decide.
            1
        } else if !fixed_pledges.is_empty() && g.chance(0.4) {
            let sum: u64 = fixed_pledges.iter().filter(|_| g.chance(0.6)).sum();
            sum.max(1)
        } else {
            1 + g.below(4000 * self.contributors as u64)
        };
        // The target goes into the `[scenario]` table written first.
        t.replace(
            "[scenario]\nname = \"generated\"\n",
            &format!("[scenario]\nname = \"generated\"\ntarget = {target}\n"),
        )
    }
}

/// A probability value: a number, or a `given` table on `on`.
fn write_prob(t: &mut String, g: &mut Gen, on: Option<&Cond>) {
    match on {
        None => writeln!(t, "{}", g.prob()).unwrap(),
        Some(c) => {
            write!(t, "{{ given = \"{}\"", c.name).unwrap();
            for st in &c.states {
                write!(t, ", {st} = {}", g.prob()).unwrap();
            }
            writeln!(t, " }}").unwrap();
        }
    }
}

/// `n` probabilities summing to 1, in thousandths, some of them 0.
fn probs(g: &mut Gen, n: usize) -> String {
    let mut left = 1000;
    let mut v = Vec::new();
    for k in 0..n {
        let p = if k + 1 == n { left } else { g.below(left + 1) };
        left -= p;
        v.push(format!("{}", p as f64 / 1000.0));
    }
    format!("[{}]", v.join(", "))
}

/// A distribution of every kind, within [low, high].
fn dist(g: &mut Gen, low: f64, high: f64, people: bool) -> String {
    let span = high - low;
    let mut x = || {
        let v = low + g.below(1001) as f64 / 1000.0 * span;
        if people { v.round() } else { v }
    };
    let (a, b, c) = {
        let mut v = [x(), x(), x()];
        v.sort_by(f64::total_cmp);
        (v[0], v[1], v[2])
    };
    match g.below(7) {
        0 => format!("{b}"),
        1 => format!("{{ dist = \"uniform\", min = {a}, max = {c} }}"),
        2 => format!("{{ dist = \"triangular\", min = {a}, mode = {b}, max = {c} }}"),
        3 => format!("{{ dist = \"pert\", min = {a}, mode = {b}, max = {c} }}"),
        4 => format!(
            "{{ dist = \"normal\", mean = {b}, sd = {}, min = {a}, max = {c} }}",
            (c - a) / 3.0
        ),
        5 => format!(
            "{{ dist = \"discrete\", values = [{a}, {b}, {c}], weights = [1, {}, 2] }}",
            1 + g.below(3)
        ),
        _ => format!("{{ dist = \"uniform\", min = {a}, max = {a} }}"),
    }
}

/// A clause of every form, nested up to `depth`.
fn clause(g: &mut Gen, conds: &[Cond], cascades: bool, n: usize, me: usize, depth: u32) -> String {
    if depth > 0 && g.chance(0.35) {
        let a = clause(g, conds, cascades, n, me, depth - 1);
        let b = clause(g, conds, cascades, n, me, depth - 1);
        return match g.below(3) {
            0 => format!("({a}) and ({b})"),
            1 => format!("{a} or {b}"),
            _ => format!("not ({a})"),
        };
    }
    const CMP: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
    let pick = if cascades { g.below(4) } else { 0 };
    match pick {
        0 | 1 if !conds.is_empty() => {
            let c = &conds[g.below(conds.len() as u64) as usize];
            if c.boolean {
                let not = if g.chance(0.3) { "not " } else { "" };
                format!("{not}{}", c.name)
            } else {
                let op = CMP[g.below(6) as usize];
                let st = &c.states[g.below(c.states.len() as u64) as usize];
                format!("{} {op} {st}", c.name)
            }
        }
        2 if n > 1 => {
            let mut j = g.below(n as u64 - 1) as usize;
            if j >= me {
                j += 1;
            }
            let not = if g.chance(0.3) { "not " } else { "" };
            format!("{not}joined(C{j})")
        }
        _ => {
            let op = CMP[g.below(6) as usize];
            format!("committed {op} {}", g.below(8000))
        }
    }
}

fn use_strategy() -> impl Strategy<Value = Use> {
    prop_oneof![Just(Use::Auto), Just(Use::Always), Just(Use::Never)]
}

prop_compose! {
    fn paths_strategy()(
        uses in prop::array::uniform4(use_strategy()),
        flags in prop::array::uniform8(any::<bool>()),
        vectors in 0usize..3,
    ) -> FastPaths {
        FastPaths {
            world_tables: uses[0],
            world_blockers: uses[1],
            world_outcomes: uses[2],
            sparse_sampling: uses[3],
            dense_coalitions: flags[0],
            skip_rounds: flags[1],
            reduced_gates: flags[2],
            blocker_masks: flags[3],
            pivotal_by_subtraction: flags[4],
            same_row_arrivals: flags[5],
            fixed_values: flags[6],
            vectors: [Build::Portable, Build::Avx2, Build::Avx512][vectors],
            column_rounds: flags[7],
        }
    }
}

prop_compose! {
    fn shape_strategy()(
        contributors in prop_oneof![3 => 1usize..8, 1 => 8usize..25, 1 => 25usize..=64],
        conditions in prop_oneof![3 => 0usize..4, 1 => 4usize..15],
        states in 2usize..5,
        roles in prop_oneof![2 => Just(0usize), 1 => 1usize..5],
        horizon in prop::option::of(0u8..13),
        willing in prop_oneof![Just(30u64), Just(500), Just(950)],
        many_clauses in prop::bool::weighted(0.1),
        cascades in prop::bool::weighted(0.7),
        seed in any::<u64>(),
    ) -> Shape {
        Shape { contributors, conditions, states, roles, horizon, willing, many_clauses, cascades, seed }
    }
}

proptest! {
    // 200 cases a run (PROPTEST_CASES=5000 for a longer search).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_scenarios(shape in shape_strategy(), paths in paths_strategy(), seed in any::<u64>()) {
        let text = shape.scenario();
        let s = load(&text);
        let len = 300;
        let reference = slow(&s, seed, 2, len);
        for paths in [FastPaths::default(), paths] {
            let engine = fast(&s, paths, seed, 2, len);
            prop_assert!(
                engine == reference,
                "the engine with {:?} differs from the reference on\n{}\n{}",
                paths, text, first_difference(&engine, &reference)
            );
        }
    }
}

/// The generator reaches what the differential tests are meant to cover.
#[test]
fn generated_scenarios_cover_the_cases() {
    let mut g = Gen(SplitMix(1));
    let (mut wide, mut many_worlds, mut many_clauses) = (false, false, false);
    for k in 0..400 {
        let shape = Shape {
            contributors: 1 + g.below(64) as usize,
            conditions: g.below(15) as usize,
            states: 2 + g.below(3) as usize,
            roles: g.below(4) as usize,
            horizon: g.chance(0.5).then(|| g.below(13) as u8),
            willing: 500,
            many_clauses: k % 10 == 0,
            cascades: k % 3 != 0,
            seed: k,
        };
        let s = load(&shape.scenario());
        wide |= s.contributors.len() > 16;
        let worlds: usize = s.conditions.iter().map(|c| c.states.len()).product();
        many_worlds |= worlds > 4096;
        many_clauses |= s.contributors.iter().any(|c| c.requires.len() > 64);
    }
    assert!(wide && many_worlds && many_clauses);
}

/// Hand-written edge cases, with each fast path forced on and off: a
/// contributor whose personnel is exactly the margin over the target (not
/// pivotal), a lead time exactly at the horizon, certain vetoes, nobody
/// deploying, a fractional horizon.
#[test]
fn edge_cases_with_each_fast_path_forced_on_and_off() {
    let cases = [
        "[scenario]\nname = \"margin\"\ntarget = 100\n\n[[contributors]]\nname = \"A\"\np_join = 1\ntroops = 100\n\n[[contributors]]\nname = \"B\"\np_join = 0.5\ntroops = 50\n",
        "[scenario]\nname = \"horizon\"\ntarget = 10\nhorizon_months = 3\n\n[[contributors]]\nname = \"A\"\np_join = 0.9\ntroops = 10\nlead_months = 3\n\n[[contributors]]\nname = \"B\"\np_join = 0.9\ntroops = 10\nlead_months = { dist = \"uniform\", min = 2, max = 4 }\n",
        "[scenario]\nname = \"vetoes\"\ntarget = 10\n\n[[contributors]]\nname = \"A\"\np_join = 1\nveto = 1\ntroops = 10\n\n[[contributors]]\nname = \"B\"\np_join = 1\ntroops = 10\nrequires = [\"not joined(A)\"]\n",
        "[scenario]\nname = \"nobody\"\ntarget = 1\nhorizon_months = 2.5\n\n[[contributors]]\nname = \"A\"\np_join = 0.7\ntroops = 10\ndelivery = 0\nlead_months = 2.5\n",
    ];
    for text in cases {
        let s = load(text);
        let reference = slow(&s, 3, 0, 2000);
        for paths in FastPaths::each_forced() {
            let engine = fast(&s, paths, 3, 0, 2000);
            assert!(
                engine == reference,
                "{text}\nthe engine with {paths:?} differs from the reference\n{}",
                first_difference(&engine, &reference)
            );
        }
    }
}

/// The trials the report tells are found among the engine's outcomes of
/// the first trials: they must be the reference's, trial for trial.
#[test]
fn outcomes_of_the_first_trials_are_the_reference_s() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push("tests/fixtures/gaza_format1.toml".into());
    for f in files {
        let (s, _) = muster::scenario::load::load_file(&f, &[]).unwrap();
        let trials = BATCH as u64 + 300;
        assert_eq!(
            muster::engine::outcomes(&s, 11, trials),
            reference::outcomes(&s, 11, trials),
            "{}",
            f.display()
        );
    }
}
