//! `muster sensitivity`: a tornado analysis. Every uncertain input moves to
//! a low and a high setting, one at a time, with the same seed (common
//! random numbers); the swing of the metric (`--metric`, P(success) by
//! default) between the two ranks the inputs. The result folder holds
//! tornado.csv, run.toml and, for P(success), tornado.svg.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::{Failure, Outcome};
use crate::app::settings::RunOptions;
use crate::app::variants::{Runner, stem};
use crate::output::charts::write_tornado_chart;
use crate::output::csv_files::to_csv;
use crate::output::folder;
use crate::output::run_record::RunRecord;
use crate::whatif::inputs::{Input, Written, inputs};
use crate::whatif::metric::{Measure, Metric, NOT_REACHED};
use crate::whatif::tornado::{self, Row};

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
    /// How far probabilities move either way (and the mass moved between states).
    #[arg(long, default_value_t = 0.1)]
    pub delta: f64,
    /// Result folder (default: results/<file stem>-sensitivity).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write into an existing folder that holds other files, replacing only muster's own.
    #[arg(long)]
    pub force: bool,
    /// The metric whose swing ranks the inputs: p_success, p_target_reached, p_roles_met, mean_personnel, personnel_pNN, p_reached:N, p_reached:N@M, month_pNN:N.
    #[arg(long, default_value = "p_success")]
    pub metric: String,
}

pub fn run(a: SensitivityArgs) -> Outcome {
    if !(a.delta > 0.0 && a.delta <= 1.0) {
        return Err(Failure::Usage(format!(
            "--delta {} must be above 0 and at most 1, e.g. 0.1",
            a.delta
        )));
    }
    let metric = super::metric_arg(&a.metric)?;
    let runner = Runner::new(&a.scenario, &a.run)?;
    let quiet = a.run.quiet;
    let dest = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("results").join(format!("{}-sensitivity", stem(&a.scenario)))
    });
    folder::precheck(&dest, a.force).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let base = &runner.inputs.scenario;
    let written = Written::new(&runner.inputs.text, &runner.inputs.overrides);
    let (all, mut notes) = inputs(base, &written, a.delta);
    // Validate every variant first; an input whose setting the loader
    // rejects is left out, with the loader's reason.
    // Only the settings are kept; each variant is built again when it runs,
    // so that memory does not grow with the number of inputs.
    let mut planned: Vec<(Input, Option<String>, Option<String>)> = Vec::new();
    for input in all {
        if crate::app::progress::interrupted() {
            return Err(Failure::Interrupted);
        }
        let mut rejected = None;
        for set in [&input.low.set, &input.high.set].into_iter().flatten() {
            match runner.variant(std::slice::from_ref(set)) {
                Ok(_) => {}
                Err(Failure::Usage(m)) => {
                    rejected = Some(m);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        match rejected {
            Some(m) => notes.push(format!(
                "{}: left out, a setting is invalid: {m}",
                input.name
            )),
            None => {
                let (low, high) = (input.low.set.clone(), input.high.set.clone());
                planned.push((input, low, high));
            }
        }
    }
    if !quiet {
        for n in &notes {
            crate::errln!("note: {n}");
        }
    }
    let runs = 1 + planned
        .iter()
        .map(|(_, l, h)| l.is_some() as u64 + h.is_some() as u64)
        .sum::<u64>();
    let (base_m, base_success, mut rows) =
        runner.with_progress(runs, || -> Result<_, Failure> {
            let (tally, at_base) = runner.measured(&metric, base.clone())?;
            let base_success = tally.success as f64 / tally.trials as f64;
            let mut rows = Vec::new();
            for (input, low, high) in planned {
                let at = |set: &Option<String>| match set {
                    Some(set) => {
                        let (s, _) = runner.variant(std::slice::from_ref(set))?;
                        runner.measured(&metric, s).map(|(_, m)| m)
                    }
                    None => Ok(at_base),
                };
                let (low, high) = (at(&low)?, at(&high)?);
                rows.push(Row { input, low, high });
            }
            Ok((at_base, base_success, rows))
        })?;
    rows.sort_by(Row::order);
    let files: &[&str] = &["tornado.csv", "tornado.svg"];

    let staging = folder::prepare(&dest, a.force).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let written = (|| -> anyhow::Result<()> {
        let csv_path = staging.tmp.join("tornado.csv");
        std::fs::write(&csv_path, to_csv(&tornado::table(&metric, &rows))?)
            .with_context(|| format!("writing {}", csv_path.display()))?;
        write_tornado_chart(&csv_path, &staging.tmp.join("tornado.svg"))?;
        let record = Record {
            delta: a.delta,
            metric: &metric,
            base: &base_m,
            base_success,
            files,
        };
        std::fs::write(
            staging.tmp.join("run.toml"),
            run_toml(&runner, &record, &rows)?,
        )?;
        Ok(())
    })();
    if let Err(e) = written {
        staging.abandon();
        return Err(Failure::Run(e));
    }
    let dest = staging.dest.clone();
    staging.commit()?;
    if quiet {
        return Ok(());
    }
    print(&runner, &metric, &base_m, &rows, a.delta);
    crate::outln!("results: {}", dest.display());
    Ok(())
}

/// The ten inputs that swing the metric most, on stdout.
fn print(runner: &Runner, metric: &Metric, base: &Measure, rows: &[Row], delta: f64) {
    let st = &runner.settings;
    let default = *metric == Metric::PSuccess;
    let about = if default {
        "P(success)".to_string()
    } else {
        format!("{} ({})", metric.name(), metric.describe())
    };
    crate::outln!(
        "{}: sensitivity of {about}, {} inputs, delta {delta}, {} trials per run, seed {}",
        runner.inputs.scenario.name,
        rows.len(),
        st.trials,
        st.seed
    );
    if default {
        crate::outln!(
            "  P(success) with every input as given: {:.4}",
            base.estimate
        );
    } else {
        crate::outln!(
            "  {} with every input as given: {} (95% CI {} to {})",
            metric.name(),
            metric.show(base.estimate),
            metric.show(base.low),
            metric.show(base.high)
        );
    }
    let width = rows
        .iter()
        .take(10)
        .map(|r| r.input.name.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    // p_success prints with four decimals, as P; other metrics as they show.
    let value = |v: f64| {
        if default {
            format!("{v:.4}")
        } else {
            metric.show(v)
        }
    };
    let col = if default { "P" } else { "value" };
    crate::outln!(
        "  {:<width$}  {:>14} {:>8}  {:>14} {:>8}  {:>7}",
        "input",
        "low",
        col,
        "high",
        col,
        "swing"
    );
    for r in rows.iter().take(10) {
        let swing = match r.swing() {
            Some(s) if s.is_finite() => value(s),
            _ => "-".into(),
        };
        crate::outln!(
            "  {:<width$}  {:>14} {:>8}  {:>14} {:>8}  {:>7}",
            r.input.name,
            r.input.low.label,
            value(r.low.estimate),
            r.input.high.label,
            value(r.high.estimate),
            swing
        );
    }
    if rows.len() > 10 {
        crate::outln!("  ... {} more in tornado.csv", rows.len() - 10);
    }
    let undefined = base.has_undefined()
        || rows
            .iter()
            .take(10)
            .any(|r| !(r.low.estimate.is_finite() && r.high.estimate.is_finite()));
    if undefined {
        crate::outln!("  {NOT_REACHED}");
    }
}

/// What the run record says beyond the usual fields.
struct Record<'a> {
    delta: f64,
    metric: &'a Metric,
    base: &'a Measure,
    /// P(success) with every input as given (probability).
    base_success: f64,
    files: &'a [&'a str],
}

/// The run record: the usual fields, the delta, the metric when it is not
/// p_success and its value with every input as given, and every variant as
/// the override it ran.
fn run_toml(runner: &Runner, r: &Record<'_>, rows: &[Row]) -> anyhow::Result<String> {
    let (inputs, st) = (&runner.inputs, &runner.settings);
    let rec = RunRecord {
        files: r.files.iter().map(|f| f.to_string()).collect(),
        ..crate::app::pipeline::record(inputs, st, st.trials, None)
    };
    let mut table = toml::Table::try_from(&rec).context("writing run.toml")?;
    table.insert("analysis".into(), "sensitivity".into());
    table.insert("delta".into(), r.delta.into());
    table.insert("base_p_success".into(), r.base_success.into());
    if *r.metric != Metric::PSuccess {
        table.insert("metric".into(), r.metric.name().into());
        if r.base.estimate.is_finite() {
            table.insert("base_estimate".into(), r.base.estimate.into());
        }
    }
    let mut variants = Vec::new();
    for r in rows {
        for (side, s) in [("low", &r.input.low), ("high", &r.input.high)] {
            let mut v = toml::Table::new();
            v.insert("input".into(), r.input.name.clone().into());
            v.insert("side".into(), side.into());
            v.insert("setting".into(), s.label.clone().into());
            v.insert(
                "set".into(),
                s.set.clone().unwrap_or_else(|| "(as given)".into()).into(),
            );
            variants.push(toml::Value::Table(v));
        }
    }
    table.insert("variants".into(), toml::Value::Array(variants));
    toml::to_string(&table).context("writing run.toml")
}
