//! `muster sweep`: run a scenario at every point of a grid of values of one
//! or more key paths and write one tidy CSV row per point as it finishes.
//! Rows go to `FILE.partial`, flushed one by one, which becomes FILE when the
//! sweep completes; `--resume` continues from the rows a partial file holds.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;

use super::{Failure, Outcome};
use crate::app::settings::RunOptions;
use crate::app::sweep_files::{
    CHOSEN, METRICS, SweepFiles, SweepRecord, check_files, csv_line, metric_cells, read_partial,
    read_record, same_sweep,
};
use crate::app::variants::{Runner, stem};
use crate::output::charts::write_sweep_chart;
use crate::output::csv_files::neutralise;
use crate::output::own_file;
use crate::stats::results::{self, Cell};
use crate::whatif::grid::{self, Axis};
use crate::whatif::metric::{Metric, NOT_REACHED};

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub run: RunOptions,
    /// A key path and its values: PATH=START:STOP:STEP or PATH=v1,v2,... (repeatable; the grid of all combinations).
    #[arg(long, value_name = "PATH=VALUES", required = true)]
    pub vary: Vec<String>,
    /// The CSV file to write (default: results/<file stem>-sweep.csv); the chart goes beside it as .svg, the sweep's record as FILE.sweep.toml.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue the sweep from the rows FILE.partial already holds.
    #[arg(long)]
    pub resume: bool,
    /// Replace files at the output paths that muster does not recognise as its own, and start over from an earlier partial file.
    #[arg(long)]
    pub force: bool,
    /// The metric the sweep leads with: p_success, p_target_reached, p_roles_met, mean_personnel, personnel_pNN, p_reached:N, p_reached:N@M, month_pNN:N.
    #[arg(long, default_value = "p_success")]
    pub metric: String,
}

/// What a sweep was computed from, kept beside its CSV so that a resumed
/// sweep can check it continues the same one.
pub fn run(a: SweepArgs) -> Outcome {
    let axes: Vec<Axis> = a
        .vary
        .iter()
        .map(|v| grid::parse_vary(v))
        .collect::<Result<_, _>>()
        .map_err(Failure::Usage)?;
    let points = grid::check(&axes).map_err(Failure::Usage)? as usize;
    let metric = super::metric_arg(&a.metric)?;
    // p_success leads the standard columns already; any other metric gets
    // its own columns before them.
    let chosen = (metric != Metric::PSuccess).then_some(metric);
    let runner = Runner::new(&a.scenario, &a.run)?;
    for axis in &axes {
        for o in &runner.inputs.overrides {
            if let Ok(o) = crate::scenario::Override::parse(o)
                && grid::same_path(&o.path, &axis.path)
            {
                return Err(Failure::Usage(format!(
                    "--vary {}: the path is also given with --set {}={}; drop one",
                    axis.path, o.path, o.value
                )));
            }
        }
    }
    let out = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("results").join(format!("{}-sweep.csv", stem(&a.scenario)))
    });
    if matches!(
        out.extension().and_then(|e| e.to_str()),
        Some("svg" | "toml" | "partial")
    ) || out.file_name().is_none()
    {
        return Err(Failure::Usage(format!(
            "--out {}: the sweep writes its chart beside the CSV as .svg and its record as FILE.sweep.toml; \
             give the CSV a .csv name",
            out.display()
        )));
    }
    let files = SweepFiles::new(&out);
    check_files(&files, &a.scenario, a.force)?;
    let partial = files.partial.clone();
    let st = runner.settings.clone();
    let chart_drawn = axes.len() <= 2;
    let name_of = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut written = vec![name_of(&files.out), name_of(&files.partial)];
    if chart_drawn {
        written.push(name_of(&files.chart));
    }
    let record = SweepRecord {
        scenario_name: runner.inputs.scenario.name.clone(),
        scenario_file: runner.inputs.file.clone(),
        scenario_sha256: runner.inputs.sha256.clone(),
        overrides: runner.inputs.overrides.clone(),
        vary: a.vary.clone(),
        metric: chosen.map(|m| m.name()),
        seed: st.seed,
        trials: st.trials,
        points: points as u64,
        version: env!("CARGO_PKG_VERSION").to_string(),
        files: written,
    };

    // Validate every point before running any; the scenarios are built
    // again when they run, so that memory does not grow with the grid.
    let point_overrides = |k: usize| -> Vec<String> {
        axes.iter()
            .zip(grid::point(&axes, k))
            .map(|(axis, v)| format!("{}={v}", axis.path))
            .collect()
    };
    let variant = |k: usize| {
        let extra = point_overrides(k);
        runner.variant(&extra).map(|(s, _)| s).map_err(|e| match e {
            Failure::Usage(m) => {
                Failure::Usage(format!("--vary at the point {}: {m}", extra.join(", ")))
            }
            other => other,
        })
    };
    for k in 0..points {
        if crate::app::progress::interrupted() {
            return Err(Failure::Interrupted);
        }
        variant(k)?;
    }

    let mut header: Vec<String> = axes.iter().map(|x| x.path.clone()).collect();
    if chosen.is_some() {
        header.extend(CHOSEN.iter().map(|m| m.to_string()));
    }
    header.extend(METRICS.iter().map(|m| m.to_string()));
    let mut done: Vec<Option<Vec<String>>> = vec![None; points];
    let partial_exists = partial.exists();
    if a.resume && partial_exists {
        let old = read_record(&files.record).map_err(|why| {
            Failure::Usage(format!(
                "cannot resume from {}: its sweep record {}: {why}, so muster cannot check that \
                 it continues this sweep; remove {} to start over",
                partial.display(),
                files.record.display(),
                partial.display()
            ))
        })?;
        same_sweep(&old, &record).map_err(|m| {
            Failure::Usage(format!(
                "cannot resume from {}: {m}; remove it to start over",
                partial.display()
            ))
        })?;
        let n = axes.len();
        // Keys as the rows hold them (text values neutralised for spreadsheets).
        let key_of = |k: usize| -> Vec<String> {
            grid::point(&axes, k)
                .iter()
                .map(|v| neutralise(v).into_owned())
                .collect()
        };
        let index: std::collections::HashMap<Vec<String>, usize> =
            (0..points).map(|k| (key_of(k), k)).collect();
        let empty = std::fs::metadata(&partial).is_ok_and(|m| m.len() == 0);
        let rows = if empty {
            Vec::new()
        } else {
            read_partial(&partial, &header)?
        };
        for row in rows {
            let key: Vec<String> = row[..n].to_vec();
            let Some(&k) = index.get(&key) else {
                return Err(Failure::Usage(format!(
                    "cannot resume from {}: the row for {} is not a point of this grid",
                    partial.display(),
                    row[..n].join(", ")
                )));
            };
            done[k] = Some(row);
        }
    } else if a.resume && !a.run.quiet {
        crate::errln!(
            "note: {} does not exist; starting the sweep from the beginning",
            partial.display()
        );
    } else if partial_exists && !a.force {
        let rows = std::fs::read_to_string(&partial)
            .map(|t| t.lines().count().saturating_sub(1))
            .unwrap_or(0);
        if rows > 0 {
            return Err(Failure::Usage(format!(
                "{} holds {rows} rows of an earlier sweep: pass --resume to continue it, \
                 or --force to start over",
                partial.display()
            )));
        }
    }
    let already = done.iter().filter(|r| r.is_some()).count();
    if crate::app::progress::interrupted() {
        return Err(Failure::Interrupted);
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Usage(format!("creating {}: {e}", dir.display())))?;
    }
    let record_text = toml::to_string(&record).context("writing the sweep record")?;
    own_file::write_atomic(&files.record, record_text.as_bytes())?;
    // The partial file with the rows kept, in grid order, replaced in one
    // step; new rows are appended to it.
    let mut kept = csv_line(&header)?;
    for row in done.iter().flatten() {
        kept.extend(csv_line(row)?);
    }
    own_file::write_atomic(&partial, &kept)?;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .with_context(|| format!("opening {}", partial.display()))?;
    if already > 0 && !a.run.quiet {
        crate::errln!(
            "resuming: {already} of {points} points already in {}",
            partial.display()
        );
    }

    let todo: Vec<usize> = (0..points).filter(|&k| done[k].is_none()).collect();
    let finished = runner.with_progress(todo.len() as u64, || -> Result<(), Failure> {
        for &k in &todo {
            let (tally, measure) = runner.measured(&metric, variant(k)?)?;
            let mut row: Vec<String> = grid::point(&axes, k)
                .iter()
                .map(|v| neutralise(v).into_owned())
                .collect();
            if let Some(m) = chosen {
                row.push(m.name());
                for v in [measure.estimate, measure.low, measure.high] {
                    row.push(Cell::Num(v).text());
                }
            }
            row.extend(metric_cells(&results::summary(&tally)));
            file.write_all(&csv_line(&row)?)
                .and_then(|_| file.flush())
                .with_context(|| format!("writing {}", partial.display()))?;
            done[k] = Some(row);
        }
        Ok(())
    });
    finished?;
    file.sync_all()
        .with_context(|| format!("writing {}", partial.display()))?;
    drop(file);
    if crate::app::progress::interrupted() {
        return Err(Failure::Interrupted);
    }
    std::fs::rename(&partial, &out)
        .with_context(|| format!("moving {} to {}", partial.display(), out.display()))?;
    let chart_path = files.chart.clone();
    let chart = if chart_drawn {
        let tmp = own_file::temporary_beside(&chart_path);
        write_sweep_chart(&out, &header[..axes.len()], &tmp)
            .and_then(|_| Ok(std::fs::rename(&tmp, &chart_path)?))
            .map(|_| true)
            .inspect_err(|_| {
                std::fs::remove_file(&tmp).ok();
            })
            .with_context(|| format!("drawing {}", chart_path.display()))?
    } else {
        false
    };
    if a.run.quiet {
        return Ok(());
    }
    print_rows(&runner, &axes, chosen, &done, points);
    crate::outln!("sweep: {}", out.display());
    if chart {
        crate::outln!("chart: {}", chart_path.display());
    } else {
        crate::outln!("chart: none (a sweep chart shows one or two varied paths)");
    }
    Ok(())
}

/// The readable table on stdout: each point's values, the chosen metric
/// (P(success) by default) with its interval, and the mean and median
/// personnel (and P(success) beside another metric).
fn print_rows(
    runner: &Runner,
    axes: &[Axis],
    chosen: Option<Metric>,
    rows: &[Option<Vec<String>>],
    points: usize,
) {
    let st = &runner.settings;
    crate::outln!(
        "{}: {points} points, {} trials each, seed {}",
        runner.inputs.scenario.name,
        st.trials,
        st.seed
    );
    if let Some(m) = chosen {
        crate::outln!("  {}: {}", m.name(), m.describe());
    }
    let n = axes.len();
    let widths: Vec<usize> = axes.iter().map(|a| a.path.chars().count().max(6)).collect();
    let mut head = String::from(" ");
    for (a, w) in axes.iter().zip(&widths) {
        head += &format!(" {:>w$}", a.path);
    }
    let num = |s: &str| {
        s.parse::<f64>().map_or("-".into(), |v| {
            if v > 0.0 && v < 0.001 {
                format!("{v:.6}")
            } else {
                format!("{v:.4}")
            }
        })
    };
    // The chosen metric's cells, then the standard ones.
    let (lead, label) = match chosen {
        Some(m) => (n + CHOSEN.len(), m.name()),
        None => (n, "P(success)".to_string()),
    };
    let show = |s: &str| match chosen {
        Some(m) => s.parse::<f64>().map_or("-".into(), |v| m.show(v)),
        None => num(s),
    };
    let lw = label.chars().count().max(10);
    let extra = if chosen.is_some() {
        format!("  {:>16}", "P(success)")
    } else {
        String::new()
    };
    crate::outln!(
        "{head}  {label:>lw$}  {:<23}{extra}  {:>8}  {:>8}",
        "95% CI",
        "mean",
        "median"
    );
    let mut undefined = false;
    for (i, row) in rows.iter().flatten().enumerate() {
        if i == 40 && points > 45 {
            crate::outln!("  ... {} more rows in the CSV", points - 40);
            break;
        }
        let mut line = String::from(" ");
        for (v, w) in row[..n].iter().zip(&widths) {
            line += &format!(" {v:>w$}");
        }
        let mean = row[lead + 5]
            .parse::<f64>()
            .map_or("-".into(), |v| format!("{v:.0}"));
        let (value, low, high) = match chosen {
            Some(_) => (&row[n + 1], &row[n + 2], &row[n + 3]),
            None => (&row[n], &row[n + 1], &row[n + 2]),
        };
        undefined |= chosen.is_some_and(|m| matches!(m, Metric::Month { .. }))
            && [value, low, high].iter().any(|c| c.is_empty());
        let ci = format!("{} to {}", show(low), show(high));
        let extra = if chosen.is_some() {
            // A rare success as the count of trials it rests on.
            let p = row[lead].parse::<f64>().ok();
            let cell = p.map_or("-".into(), |p| crate::output::words::prob(p, st.trials));
            format!("  {cell:>16}")
        } else {
            String::new()
        };
        crate::outln!(
            "{line}  {:>lw$}  {ci:<23}{extra}  {mean:>8}  {:>8}",
            show(value),
            row[lead + 7]
        );
    }
    if undefined {
        crate::outln!("  {NOT_REACHED}");
    }
}
