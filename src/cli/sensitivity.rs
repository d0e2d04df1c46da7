//! `muster sensitivity`: a tornado analysis. Every uncertain input moves to
//! a low and a high setting, one at a time, with the same seed (common
//! random numbers); the swing of P(success) between the two ranks the
//! inputs. The result folder holds tornado.csv, tornado.svg and run.toml.

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
}

const FILES: [&str; 2] = ["tornado.csv", "tornado.svg"];

pub fn run(a: SensitivityArgs) -> Outcome {
    if !(a.delta > 0.0 && a.delta <= 1.0) {
        return Err(Failure::Usage(format!(
            "--delta {} must be above 0 and at most 1, e.g. 0.1",
            a.delta
        )));
    }
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
    let trials = runner.settings.trials;
    let (base_k, mut rows) = runner.with_progress(runs, || -> Result<_, Failure> {
        let base_k = runner.tally(base)?.success;
        let mut rows = Vec::new();
        for (input, low, high) in planned {
            let at = |set: &Option<String>| match set {
                Some(set) => {
                    let (s, _) = runner.variant(std::slice::from_ref(set))?;
                    runner.tally(&s).map(|t| t.success)
                }
                None => Ok(base_k),
            };
            let (low, high) = (at(&low)?, at(&high)?);
            rows.push(Row {
                input,
                low,
                high,
                trials,
            });
        }
        Ok((base_k, rows))
    })?;
    let base_p = base_k as f64 / trials as f64;
    rows.sort_by(|x, y| {
        y.swing()
            .total_cmp(&x.swing())
            .then_with(|| x.input.name.cmp(&y.input.name))
    });

    let staging = folder::prepare(&dest, a.force).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let written = (|| -> anyhow::Result<()> {
        let csv_path = staging.tmp.join("tornado.csv");
        std::fs::write(&csv_path, to_csv(&tornado::table(&rows))?)
            .with_context(|| format!("writing {}", csv_path.display()))?;
        write_tornado_chart(&csv_path, &staging.tmp.join("tornado.svg"))?;
        std::fs::write(
            staging.tmp.join("run.toml"),
            run_toml(&runner, a.delta, base_p, &rows)?,
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
    let st = &runner.settings;
    crate::outln!(
        "{}: sensitivity of P(success), {} inputs, delta {}, {} trials per run, seed {}",
        base.name,
        rows.len(),
        a.delta,
        st.trials,
        st.seed
    );
    crate::outln!("  P(success) with every input as given: {base_p:.4}");
    let width = rows
        .iter()
        .take(10)
        .map(|r| r.input.name.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    crate::outln!(
        "  {:<width$}  {:>14} {:>8}  {:>14} {:>8}  {:>7}",
        "input",
        "low",
        "P",
        "high",
        "P",
        "swing"
    );
    for r in rows.iter().take(10) {
        crate::outln!(
            "  {:<width$}  {:>14} {:>8.4}  {:>14} {:>8.4}  {:>7.4}",
            r.input.name,
            r.input.low.label,
            r.p(r.low),
            r.input.high.label,
            r.p(r.high),
            r.swing()
        );
    }
    if rows.len() > 10 {
        crate::outln!("  ... {} more in tornado.csv", rows.len() - 10);
    }
    crate::outln!("results: {}", dest.display());
    Ok(())
}

/// The run record: the usual fields, the delta, and every variant as the override it ran.
fn run_toml(runner: &Runner, delta: f64, base_p: f64, rows: &[Row]) -> anyhow::Result<String> {
    let (inputs, st) = (&runner.inputs, &runner.settings);
    let rec = RunRecord {
        files: FILES.iter().map(|f| f.to_string()).collect(),
        ..crate::app::pipeline::record(inputs, st, st.trials, None)
    };
    let mut table = toml::Table::try_from(&rec).context("writing run.toml")?;
    table.insert("analysis".into(), "sensitivity".into());
    table.insert("delta".into(), delta.into());
    table.insert("base_p_success".into(), base_p.into());
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
