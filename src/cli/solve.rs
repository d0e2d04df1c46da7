//! `muster solve`: goal seeking. Finds the smallest (or with `--max` the
//! largest) value of one input that meets a goal such as
//! `p_success >= 0.5`, by bisection over runs with common random numbers,
//! and reports it with an interval for sampling error and tolerance (the
//! method is described in `whatif::solve`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{Failure, Outcome};
use crate::app::settings::RunOptions;
use crate::app::variants::Runner;
use crate::output::csv_files::to_csv;
use crate::output::own_file;
use crate::whatif::decimal::{Decimal, fixed};
use crate::whatif::goal::{Goal, Measure};
use crate::whatif::metric::NOT_REACHED;
use crate::whatif::paths::{self, Kind};
use crate::whatif::solve::{self, HEADER};
use crate::whatif::solve::{Answer, Search, Step, solve};

#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
    /// The key path of the input to search, e.g. contributors.Indonesia.p_join.
    #[arg(long, value_name = "PATH")]
    pub vary: String,
    /// The goal: METRIC OP NUMBER, e.g. "p_success >= 0.5" or "p_reached:10000@12 >= 0.3"; with --metric, OP NUMBER.
    #[arg(long)]
    pub goal: String,
    /// The metric of the goal, when the goal leaves it out (see --goal).
    #[arg(long)]
    pub metric: Option<String>,
    /// Find the largest value that meets the goal instead of the smallest.
    #[arg(long)]
    pub max: bool,
    /// The range searched, LO:HI (default for probabilities: 0:1; required otherwise).
    #[arg(long, value_name = "LO:HI")]
    pub range: Option<String>,
    /// Bisection stops at this width (default: 0.001 for probabilities, (HI-LO)/1000 otherwise).
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Write the answer and every run of the search to this CSV file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Replace the --csv file even when muster does not recognise it as its own.
    #[arg(long)]
    pub force: bool,
}

fn range(a: &SolveArgs, kind: Kind) -> Result<(Decimal, Decimal), Failure> {
    let Some(text) = &a.range else {
        if kind == Kind::Probability {
            return Ok((Decimal::parse("0").unwrap(), Decimal::parse("1").unwrap()));
        }
        return Err(Failure::Usage(format!(
            "--vary {}: give the range to search with --range LO:HI; only probabilities \
             (p, p_join, veto, a state's probability) have a default range, [0, 1]",
            a.vary
        )));
    };
    let fail = |m: String| Failure::Usage(format!("--range {text}: {m}"));
    let (lo, hi) = text
        .split_once(':')
        .ok_or_else(|| fail("expected LO:HI, e.g. 0:1 or 5000:30000".into()))?;
    let lo = Decimal::parse(lo).map_err(fail)?;
    let hi = Decimal::parse(hi).map_err(fail)?;
    if lo.to_f64() >= hi.to_f64() {
        return Err(fail(format!("LO {lo} must be below HI {hi}")));
    }
    Ok((lo, hi))
}

pub fn run(a: SolveArgs) -> Outcome {
    let given = match &a.metric {
        Some(m) => Some(super::metric_arg(m)?),
        None => None,
    };
    let goal = Goal::parse(&a.goal, given).map_err(Failure::Usage)?;
    if let Err(e) = crate::scenario::Override::parse(&format!("{}=0", a.vary)) {
        return Err(Failure::Usage(format!("--vary {}: {}", a.vary, e.message)));
    }
    if let Some(path) = &a.csv {
        own_file::may_replace(path, Some(&a.scenario), a.force, |p| {
            own_file::csv_has_header(p, &HEADER)
        })?;
    }
    let runner = Runner::new(&a.scenario, &a.run)?;
    for o in &runner.inputs.overrides {
        if let Ok(o) = crate::scenario::Override::parse(o)
            && crate::whatif::grid::same_path(&o.path, &a.vary)
        {
            return Err(Failure::Usage(format!(
                "--vary {}: the path is also given with --set; drop one",
                a.vary
            )));
        }
    }
    let kind = paths::kind(&runner.inputs.scenario, &a.vary);
    if kind != Kind::Probability && a.range.is_none() {
        // A path the loader rejects at every plain value is wrong itself: say why.
        let tries: Vec<_> = ["1", "0.5", "0"]
            .iter()
            .map(|v| variant_at(&runner, &a.vary, v))
            .collect();
        if tries.iter().all(Result::is_err) {
            return Err(tries
                .into_iter()
                .next()
                .and_then(Result::err)
                .expect("an error"));
        }
    }
    let (lo, hi) = range(&a, kind)?;
    let width = hi.to_f64() - lo.to_f64();
    let tolerance = match a.tolerance {
        Some(t) if t > 0.0 && t.is_finite() => t,
        Some(t) => {
            return Err(Failure::Usage(format!(
                "--tolerance {t} must be a number above 0"
            )));
        }
        None if kind == Kind::Probability => 0.001,
        None => width / 1000.0,
    };
    let digits = (lo.scale.max(hi.scale) as usize)
        .max((-libm::log10(tolerance)).ceil().max(0.0) as usize + 1)
        .min(15);
    let search = Search {
        lo: lo.to_f64(),
        hi: hi.to_f64(),
        tolerance,
        maximise: a.max,
        integer: kind == Kind::Integer,
        digits: if kind == Kind::Integer { 0 } else { digits },
    };
    // Check the path and the range ends with the loader before any run.
    for end in [lo, hi] {
        let value = if search.integer {
            format!("{}", end.to_f64().round() as i64)
        } else {
            end.to_string()
        };
        variant_at(&runner, &a.vary, &value)?;
    }
    let bisections = libm::log2((width / 10.0 / tolerance).max(1.0)).ceil() as u64;
    let (answer, steps) = runner.with_progress(11 + 3 * bisections, || {
        solve(&search, &goal, |value| {
            let s = variant_at(&runner, &a.vary, value)?;
            Ok::<Measure, Failure>(runner.measured(&goal.metric, s)?.1)
        })
    })?;
    let range_text = format!("[{lo}, {hi}]");
    if let Some(path) = &a.csv {
        write_csv(path, &goal, &answer, &steps, &range_text, &a.vary)?;
    }
    if a.run.quiet {
        return Ok(());
    }
    let st = &runner.settings;
    let m = goal.metric.name();
    crate::outln!(
        "{}: {} {} with {goal}",
        runner.inputs.scenario.name,
        if a.max { "largest" } else { "smallest" },
        a.vary
    );
    crate::outln!(
        "  searched {range_text}, tolerance {}, {} runs of {} trials, seed {}",
        fixed(tolerance, 12),
        steps
            .iter()
            .map(|s| s.value.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        st.trials,
        st.seed
    );
    let show = |x: &Measure| {
        let f = |v: f64| goal.metric.show(v);
        format!(
            "{m} {} (95% CI {} to {})",
            f(x.estimate),
            f(x.low),
            f(x.high)
        )
    };
    match &answer {
        Answer::Found {
            value,
            measure,
            low,
            high,
            open,
            at_range_end,
            crossings,
        } => {
            crate::outln!("  answer    {} = {value}", a.vary);
            crate::outln!(
                "  interval  {low} to {high}{}",
                if *open { " (open: see below)" } else { "" }
            );
            crate::outln!("  at {value}: {}", show(measure));
            if *at_range_end {
                crate::outln!(
                    "  the goal already holds at the {} end of the range",
                    if a.max { "upper" } else { "lower" }
                );
            }
            if *open {
                crate::outln!(
                    "  the goal is not met with 95% confidence anywhere in the range, so the interval runs to its end"
                );
            }
            if *crossings > 1 {
                crate::outln!(
                    "  note: along the coarse grid the goal is met and missed {crossings} times; this is the {} crossing",
                    if a.max { "last" } else { "first" }
                );
            }
            crate::outln!(
                "  method: bisection on the estimate and on each 95% bound of {m}; the interval runs from \
                 where the bound most in the goal's favour meets it to where the other bound does, \
                 each to within the tolerance"
            );
        }
        Answer::Nowhere { best, within_error } => {
            crate::outln!("  no value of {} in {range_text} meets {goal}", a.vary);
            crate::outln!(
                "  closest: {} at {} = {}",
                show(&best.measure),
                a.vary,
                best.value
            );
            if *within_error {
                crate::outln!("  (within sampling error at some points: more trials would tell)");
            }
        }
        Answer::NotMonotone { rise, fall } => {
            crate::outln!(
                "  {m} is not monotone in {} over {range_text}: it rises between {} and {} and falls \
                 between {} and {} (95% intervals apart), so bisection cannot be trusted; narrow --range \
                 to a part where it only rises or only falls",
                a.vary,
                rise.0,
                rise.1,
                fall.0,
                fall.1
            );
        }
    }
    let shown = match &answer {
        Answer::Found { measure, .. } => Some(measure),
        Answer::Nowhere { best, .. } => Some(&best.measure),
        Answer::NotMonotone { .. } => None,
    };
    if shown.is_some_and(Measure::has_undefined) {
        crate::outln!("  {NOT_REACHED}");
    }
    if let Some(path) = &a.csv {
        crate::outln!("csv: {}", path.display());
    }
    Ok(())
}

/// The scenario with the searched input at `value`.
fn variant_at(
    runner: &Runner,
    path: &str,
    value: &str,
) -> Result<crate::scenario::Scenario, Failure> {
    let set = format!("{path}={value}");
    runner
        .variant(std::slice::from_ref(&set))
        .map(|(s, _)| s)
        .map_err(|e| match e {
            Failure::Usage(m) => Failure::Usage(format!("--vary {path} at {value}: {m}")),
            other => other,
        })
}

fn write_csv(
    path: &std::path::Path,
    goal: &Goal,
    answer: &Answer,
    steps: &[Step],
    range_text: &str,
    vary: &str,
) -> Result<(), Failure> {
    let t = solve::table(goal, answer, steps, range_text, vary);
    let bytes = to_csv(&t).context("writing the CSV")?;
    own_file::write_atomic(path, &bytes)?;
    Ok(())
}
