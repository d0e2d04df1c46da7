//! Charts (SVG) drawn from a result folder's CSV files alone, so that they
//! depend on the published file format and not on the engine.

mod blockers;
mod conditions;
mod contributors;
mod exceedance;
mod fan;
mod legend;
pub(crate) mod losses;
pub mod run_info;
pub(crate) mod style;
mod sweep;
pub mod table;
mod tornado;

use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use run_info::RunInfo;
use table::Table;

/// The charts of one run, in the order the report shows them (file stem = name).
pub const RUN_CHARTS: [&str; 6] = [
    "fan",
    "losses",
    "exceedance",
    "contributors",
    "blockers",
    "conditions",
];

/// Draws the charts of one run from the CSV files in `dir`; returns the file names written.
pub fn write_run_charts(dir: &Path) -> Result<Vec<String>> {
    let run = RunInfo::read(dir)?;
    let summary = read_summary(dir)?;
    let p_success = summary_value(&summary, "p_success");
    let p_target = summary_value(&summary, "p_target_reached");
    let trials: Option<u64> = run.trials.as_deref().and_then(|t| t.parse().ok());
    let mut written = Vec::new();
    for name in RUN_CHARTS {
        let svg = match name {
            "exceedance" => exceedance::svg(
                &Table::read_in(dir, "exceedance.csv")?,
                run.target,
                p_target,
                trials,
            ),
            "fan" => fan::svg(
                &Table::read_in(dir, "fan.csv")?,
                &milestone_levels(dir)?,
                run.target,
            ),
            "losses" => losses::svg(&Table::read_in(dir, "losses.csv")?),
            "contributors" => contributors::svg(&Table::read_in(dir, "contributors.csv")?),
            "blockers" => blockers::svg(&Table::read_in(dir, "blockers.csv")?),
            _ => conditions::svg(&Table::read_in(dir, "conditions.csv")?, p_success, trials),
        }
        .with_context(|| format!("drawing {name}.svg in {}", dir.display()))?;
        let file = format!("{name}.svg");
        write(&dir.join(&file), &svg)?;
        written.push(file);
    }
    Ok(written)
}

/// Draws the tornado chart (swing of P(success) per input) from tornado.csv.
pub fn write_tornado_chart(tornado_csv: &Path, svg: &Path) -> Result<()> {
    let table = Table::read(tornado_csv)?;
    let text = tornado::svg(&table)
        .with_context(|| format!("drawing the tornado chart of {}", tornado_csv.display()))?;
    write(svg, &text)
}

/// Draws a sweep chart: P(success) against one varied path (line with its
/// interval) or two (heat map).
pub fn write_sweep_chart(sweep_csv: &Path, varied: &[String], svg: &Path) -> Result<()> {
    let table = Table::read(sweep_csv)?;
    let text = sweep::svg(&table, varied)
        .with_context(|| format!("drawing the sweep chart of {}", sweep_csv.display()))?;
    write(svg, &text)
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// summary.csv when present (charts only use it for annotations).
fn read_summary(dir: &Path) -> Result<Option<Table>> {
    let path = dir.join("summary.csv");
    if path.exists() {
        Table::read(&path).map(Some)
    } else {
        Ok(None)
    }
}

/// The levels of milestones.csv (people); none when the file is absent.
fn milestone_levels(dir: &Path) -> Result<Vec<f64>> {
    let path = dir.join("milestones.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    Ok(Table::read(&path)?
        .numbers("personnel")?
        .into_iter()
        .flatten()
        .collect())
}

/// The estimate of one summary metric, if the summary has it.
fn summary_value(summary: &Option<Table>, metric: &str) -> Option<f64> {
    let t = summary.as_ref()?;
    let (m, e) = (t.col("metric").ok()?, t.col("estimate").ok()?);
    let row = t.rows.iter().find(|r| r[m] == metric)?;
    table::parse_number(&row[e]).ok().flatten()
}

/// The drawing area charts draw on.
type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Renders one SVG document of `size` pixels, white background, with `draw`.
fn render(size: (u32, u32), draw: impl FnOnce(&Area<'_>) -> Result<()>) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(svg)
}

/// Writes `message` in the middle of an area that has nothing to plot.
fn no_data(area: &Area<'_>, message: &str) -> Result<()> {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        style::centred_text(16.0),
    ))?;
    Ok(())
}
