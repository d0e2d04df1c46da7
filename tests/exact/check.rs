//! Running the `muster` binary on a scenario and comparing every estimate
//! in its result files with the exact answer from the enumerator.
//!
//! A probability estimate from m trials must lie within 4.5 standard errors
//! (4.5 * sqrt(p(1-p)/m)) of the exact p; a mean within 4.5 * sd / sqrt(m).
//! Conditional estimates use the number of trials in which the condition
//! occurred, read back from the files. Printed intervals must be the Wilson
//! (probabilities) or normal (means) intervals of the printed estimate.

use super::enumerate::{Exact, exceedance_step, timeline_months};
use super::model::Scenario;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const Z: f64 = 1.959963984540054;
const SIGMAS: f64 = 4.5;
/// Slack for floating-point rounding of the exact sums.
const EPS: f64 = 1e-9;

/// A fresh directory for one test under the target's temporary directory.
pub fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("exact")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run `muster run FILE --trials N --seed S --out OUT --quiet [extra..]`
/// and return OUT.
pub fn run_muster(file: &Path, out: &Path, trials: u64, seed: u64, extra: &[&str]) -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_muster"))
        .arg("run")
        .arg(file)
        .args(["--trials", &trials.to_string(), "--seed", &seed.to_string()])
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .expect("cannot start muster");
    assert!(
        output.status.success(),
        "muster run {} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        file.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    out.to_path_buf()
}

/// Write the scenario into a fresh directory named `name` and run it.
pub fn run_scenario(name: &str, s: &Scenario, trials: u64, seed: u64) -> PathBuf {
    let dir = work_dir(name);
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, s.to_toml()).unwrap();
    run_muster(&file, &dir.join("out"), trials, seed, &[])
}

/// A result file split into cells (no quoting is needed for our names).
pub struct Table {
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn read(dir: &Path, file: &str, header: &str) -> Table {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("nan") && !lower.contains("inf"),
            "{file} holds NaN or inf:\n{text}"
        );
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(header), "header of {file}");
        let ncol = header.split(',').count();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(|c| c.to_string()).collect::<Vec<_>>())
            .collect();
        for r in &rows {
            assert_eq!(r.len(), ncol, "row of {file} has the wrong width: {r:?}");
        }
        Table { rows }
    }
}

pub fn cell(s: &str) -> Option<f64> {
    if s.is_empty() {
        None
    } else {
        Some(
            s.parse::<f64>()
                .unwrap_or_else(|_| panic!("not a number: {s:?}")),
        )
    }
}

pub fn wilson(p: f64, n: f64) -> (f64, f64) {
    let z2 = Z * Z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (center - half, center + half)
}

/// Collects every comparison and fails once with all the discrepancies.
pub struct Checker {
    pub n: f64,
    pub label: String,
    failures: Vec<String>,
    checks: usize,
}

impl Checker {
    pub fn new(label: &str, trials: u64) -> Self {
        Checker {
            n: trials as f64,
            label: label.to_string(),
            failures: Vec::new(),
            checks: 0,
        }
    }

    pub fn fail(&mut self, msg: String) {
        self.failures.push(msg);
    }

    pub fn ensure(&mut self, ok: bool, msg: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.fail(msg());
        }
    }

    /// Number of trials behind an estimated fraction of all trials.
    pub fn count(&self, p_hat: f64) -> f64 {
        (p_hat * self.n).round()
    }

    /// A probability estimated from `m` trials.
    pub fn prob(&mut self, what: &str, est: Option<f64>, exact: f64, m: f64) {
        let Some(est) = est else {
            self.ensure(false, || format!("{what}: empty, exact {exact}"));
            return;
        };
        let tol = SIGMAS * (exact * (1.0 - exact) / m).max(0.0).sqrt() + EPS;
        self.ensure((est - exact).abs() <= tol, || {
            format!(
                "{what}: estimate {est}, exact {exact:.6}, off by {:.2} sd (m = {m})",
                (est - exact) / (exact * (1.0 - exact) / m).sqrt()
            )
        });
    }

    /// A probability and its printed Wilson interval from `m` trials.
    pub fn prob_ci(&mut self, what: &str, cells: [&str; 3], exact: f64, m: f64) {
        let est = cell(cells[0]);
        self.prob(what, est, exact, m);
        self.wilson(what, est, cell(cells[1]), cell(cells[2]), m);
    }

    pub fn wilson(
        &mut self,
        what: &str,
        est: Option<f64>,
        lo: Option<f64>,
        hi: Option<f64>,
        m: f64,
    ) {
        let (Some(est), Some(lo), Some(hi)) = (est, lo, hi) else {
            self.ensure(false, || format!("{what}: interval cells missing"));
            return;
        };
        let (wl, wh) = wilson(est, m);
        self.ensure(lo <= est + 1e-12 && est <= hi + 1e-12, || {
            format!("{what}: interval [{lo}, {hi}] does not contain {est}")
        });
        self.ensure((lo - wl).abs() <= 1e-9 && (hi - wh).abs() <= 1e-9, || {
            format!("{what}: interval [{lo}, {hi}], Wilson gives [{wl}, {wh}] for {est}, n = {m}")
        });
    }

    /// A mean estimated from `m` trials.
    pub fn mean(&mut self, what: &str, est: Option<f64>, mean: f64, sd: f64, m: f64) {
        let Some(est) = est else {
            self.ensure(false, || format!("{what}: empty, exact {mean}"));
            return;
        };
        let tol = SIGMAS * sd / m.sqrt() + EPS * mean.abs().max(1.0);
        self.ensure((est - mean).abs() <= tol, || {
            format!(
                "{what}: estimate {est}, exact {mean:.4}, off by {:.2} sd (m = {m})",
                (est - mean) / (sd / m.sqrt())
            )
        });
    }

    /// The printed normal interval of a mean: est -/+ z * s / sqrt(m), with
    /// the sample sd s close to the exact sd.
    pub fn normal_ci(
        &mut self,
        what: &str,
        est: f64,
        lo: Option<f64>,
        hi: Option<f64>,
        sd: f64,
        m: f64,
    ) {
        let (Some(lo), Some(hi)) = (lo, hi) else {
            self.ensure(false, || format!("{what}: interval cells missing"));
            return;
        };
        let scale = est.abs().max(1.0);
        self.ensure(((lo + hi) / 2.0 - est).abs() <= 1e-9 * scale, || {
            format!("{what}: interval [{lo}, {hi}] is not centred on {est}")
        });
        let half = (hi - lo) / 2.0;
        let expect = Z * sd / m.sqrt();
        self.ensure(
            (half - expect).abs() <= 0.05 * expect + 1e-9 * scale,
            || {
                format!(
                    "{what}: interval half-width {half}, expected about {expect} (z sd / sqrt(n))"
                )
            },
        );
    }

    pub fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} checks failed:\n{}",
            self.label,
            self.failures.len(),
            self.checks,
            self.failures.join("\n")
        );
        eprintln!("{}: {} checks passed", self.label, self.checks);
    }
}

fn cond_mean(m1: f64, m2: f64, p: f64) -> (f64, f64) {
    let mean = m1 / p;
    (mean, (m2 / p - mean * mean).max(0.0).sqrt())
}

/// Compare every file of a run with the exact answer.
pub fn compare(label: &str, s: &Scenario, ex: &Exact, out: &Path, trials: u64, seed: u64) {
    let mut c = Checker::new(label, trials);
    let n = c.n;

    // summary.csv
    let t = Table::read(out, "summary.csv", "metric,estimate,ci_low,ci_high");
    let metrics: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        metrics,
        [
            "p_success",
            "p_target_reached",
            "p_roles_met",
            "mean_personnel",
            "personnel_p05",
            "personnel_p50",
            "personnel_p95"
        ],
        "summary.csv rows"
    );
    let r = &t.rows;
    c.prob_ci("p_success", [&r[0][1], &r[0][2], &r[0][3]], ex.p_success, n);
    c.prob_ci(
        "p_target_reached",
        [&r[1][1], &r[1][2], &r[1][3]],
        ex.p_target,
        n,
    );
    c.prob_ci("p_roles_met", [&r[2][1], &r[2][2], &r[2][3]], ex.p_roles, n);
    let mean = cell(&r[3][1]);
    c.mean("mean_personnel", mean, ex.m1, ex.sd(), n);
    if let Some(mean) = mean {
        c.normal_ci(
            "mean_personnel",
            mean,
            cell(&r[3][2]),
            cell(&r[3][3]),
            ex.sd(),
            n,
        );
    }
    for (row, q) in r[4..7].iter().zip([0.05, 0.50, 0.95]) {
        c.ensure(row[2].is_empty() && row[3].is_empty(), || {
            format!("{}: quantile with interval cells", row[0])
        });
        let Some(x) = cell(&row[1]) else {
            c.fail(format!("{}: empty", row[0]));
            continue;
        };
        let tol = SIGMAS * (q * (1.0 - q) / n).sqrt() + EPS;
        c.ensure(x.fract() == 0.0, || format!("{}: {x} is not whole", row[0]));
        let x = x as i64;
        let (le, lt) = ex.cdf(x);
        c.ensure(ex.totals.get(&x).is_some_and(|p| *p > 0.0), || {
            format!("{}: {x} is not a possible total", row[0])
        });
        c.ensure(le >= q - tol && lt <= q + tol, || {
            format!(
                "{}: {x} has exact P(<=) = {le:.6}, P(<) = {lt:.6} for q = {q}",
                row[0]
            )
        });
    }
    let p_success_hat = cell(&r[0][1]).unwrap_or(0.0);

    // contributors.csv
    let t = Table::read(
        out,
        "contributors.csv",
        "contributor,p_joined,ci_low,ci_high,mean_personnel_if_joined,p_joined_given_success,p_pivotal,successes,trials_joined",
    );
    let names: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
    let expect: Vec<&str> = s.contributors.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, expect, "contributors.csv rows");
    for (row, ce) in t.rows.iter().zip(&ex.contributors) {
        let name = &row[0];
        c.prob_ci(
            &format!("{name} p_joined"),
            [&row[1], &row[2], &row[3]],
            ce.p_joined,
            n,
        );
        let joined = c.count(cell(&row[1]).unwrap_or(0.0));
        if joined == 0.0 {
            c.ensure(row[4].is_empty(), || {
                format!("{name}: mean_personnel_if_joined set but never joined")
            });
        } else {
            let (m, sd) = cond_mean(ce.m1_joined, ce.m2_joined, ce.p_joined);
            c.mean(
                &format!("{name} mean_personnel_if_joined"),
                cell(&row[4]),
                m,
                sd,
                joined,
            );
        }
        let successes = c.count(p_success_hat);
        if successes == 0.0 {
            c.ensure(row[5].is_empty(), || {
                format!("{name}: p_joined_given_success set without success")
            });
        } else {
            c.prob(
                &format!("{name} p_joined_given_success"),
                cell(&row[5]),
                ce.p_joined_and_success / ex.p_success,
                successes,
            );
        }
        c.prob(&format!("{name} p_pivotal"), cell(&row[6]), ce.p_pivotal, n);
        // The counts behind the conditional figures are the trials of
        // their condition, as p_success and p_joined give them.
        c.ensure(cell(&row[7]) == Some(successes), || {
            format!(
                "{name}: successes {} for {successes} successful trials",
                row[7]
            )
        });
        c.ensure(cell(&row[8]) == Some(joined), || {
            format!("{name}: trials_joined {} for {joined} joinings", row[8])
        });
    }

    // blockers.csv
    let t = Table::read(out, "blockers.csv", "contributor,reason,p_first,p_any");
    let mut expect_rows = Vec::new();
    for (x, ce) in s.contributors.iter().zip(&ex.contributors) {
        for (reason, pf, pa) in &ce.blockers {
            expect_rows.push((x.name.clone(), reason.clone(), *pf, *pa));
        }
    }
    let got: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want: Vec<(String, String)> = expect_rows
        .iter()
        .map(|r| (r.0.clone(), r.1.clone()))
        .collect();
    assert_eq!(got, want, "blockers.csv rows");
    for (row, (name, reason, pf, pa)) in t.rows.iter().zip(&expect_rows) {
        c.prob(
            &format!("blocker {name} / {reason} p_first"),
            cell(&row[2]),
            *pf,
            n,
        );
        c.prob(
            &format!("blocker {name} / {reason} p_any"),
            cell(&row[3]),
            *pa,
            n,
        );
    }

    // roles.csv
    let t = Table::read(out, "roles.csv", "role,minimum,p_met,mean_available");
    let got: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want: Vec<(String, String)> = ex
        .roles
        .iter()
        .map(|r| (r.name.clone(), r.minimum.to_string()))
        .collect();
    assert_eq!(got, want, "roles.csv rows");
    for (row, re) in t.rows.iter().zip(&ex.roles) {
        c.prob(
            &format!("role {} p_met", re.name),
            cell(&row[2]),
            re.p_met,
            n,
        );
        let sd = (re.m2 - re.m1 * re.m1).max(0.0).sqrt();
        c.mean(
            &format!("role {} mean_available", re.name),
            cell(&row[3]),
            re.m1,
            sd,
            n,
        );
    }

    // conditions.csv
    let t = Table::read(
        out,
        "conditions.csv",
        "condition,state,p_state,p_success_given_state,ci_low,ci_high,trials_in_state",
    );
    let mut want = Vec::new();
    for (cond, states) in &ex.conditions {
        for st in states {
            want.push((cond.clone(), st.clone()));
        }
    }
    let got: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want_names: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.clone(), b.state.clone()))
        .collect();
    assert_eq!(got, want_names, "conditions.csv rows");
    for (row, (cond, st)) in t.rows.iter().zip(&want) {
        let what = format!("{cond}={}", st.state);
        c.prob(&format!("{what} p_state"), cell(&row[2]), st.p_state, n);
        let m = c.count(cell(&row[2]).unwrap_or(0.0));
        c.ensure(cell(&row[6]) == Some(m), || {
            format!("{what}: trials_in_state {} for {m} trials in it", row[6])
        });
        if m == 0.0 {
            c.ensure(row[3..6].iter().all(|x| x.is_empty()), || {
                format!("{what}: never occurred but p_success_given_state is set: {row:?}")
            });
        } else {
            c.prob_ci(
                &format!("{what} p_success_given_state"),
                [&row[3], &row[4], &row[5]],
                st.p_state_and_success / st.p_state,
                m,
            );
        }
    }

    // coalitions.csv
    let t = Table::read(out, "coalitions.csv", "coalition,p,p_success_given,trials");
    c.ensure(t.rows.len() <= 20, || {
        format!("coalitions.csv has {} rows", t.rows.len())
    });
    let mut prev: Option<(f64, String)> = None;
    for row in &t.rows {
        let name = row[0].clone();
        let p_hat = cell(&row[1]).unwrap_or(0.0);
        if let Some((pp, pn)) = &prev {
            c.ensure(p_hat < *pp || (p_hat == *pp && name > *pn), || {
                format!("coalitions.csv order: {pn} ({pp}) before {name} ({p_hat})")
            });
        }
        prev = Some((p_hat, name.clone()));
        let Some(co) = ex.coalitions.get(&name) else {
            c.fail(format!("coalition {name} cannot occur (p = {p_hat})"));
            continue;
        };
        c.prob(&format!("coalition {name} p"), Some(p_hat), co.p, n);
        let m = c.count(p_hat);
        c.ensure(m > 0.0, || format!("coalition {name} listed with p 0"));
        c.ensure(cell(&row[3]) == Some(m), || {
            format!("coalition {name}: trials {} for {m} trials with it", row[3])
        });
        if m > 0.0 {
            c.prob(
                &format!("coalition {name} p_success_given"),
                cell(&row[2]),
                co.p_and_success / co.p,
                m,
            );
        }
    }
    let sure = ex
        .coalitions
        .values()
        .filter(|co| (1.0 - co.p).powf(n) < 1e-9)
        .count();
    if ex.coalitions.len() <= 20 {
        for (name, co) in &ex.coalitions {
            if (1.0 - co.p).powf(n) < 1e-9 {
                c.ensure(t.rows.iter().any(|r| r[0] == *name), || {
                    format!(
                        "coalition {name} (p = {}) missing from coalitions.csv",
                        co.p
                    )
                });
            }
        }
    } else {
        if sure >= 20 {
            c.ensure(t.rows.len() == 20, || {
                format!(
                    "coalitions.csv has {} rows, expected the top 20",
                    t.rows.len()
                )
            });
        }
        // No coalition left out may be clearly more probable than one listed.
        let var = |p: f64| p * (1.0 - p) / n;
        for (name, co) in &ex.coalitions {
            if t.rows.iter().any(|r| r[0] == *name) {
                continue;
            }
            for row in &t.rows {
                let Some(listed) = ex.coalitions.get(&row[0]) else {
                    continue;
                };
                let tol = SIGMAS * (var(co.p) + var(listed.p)).sqrt() + EPS;
                c.ensure(co.p <= listed.p + tol, || {
                    format!(
                        "coalition {name} (p = {:.6}) left out but {} (p = {:.6}) listed",
                        co.p, row[0], listed.p
                    )
                });
            }
        }
    }

    // exceedance.csv
    let t = Table::read(out, "exceedance.csv", "personnel,p_at_least,ci_low,ci_high");
    let step = exceedance_step(s.target);
    for (k, row) in t.rows.iter().enumerate() {
        let x = step * k as i64;
        c.ensure(cell(&row[0]) == Some(x as f64), || {
            format!("exceedance row {k}: personnel {}, expected {x}", row[0])
        });
        c.prob_ci(
            &format!("exceedance {x}"),
            [&row[1], &row[2], &row[3]],
            ex.p_at_least(x),
            n,
        );
    }
    let max_total = *ex.totals.keys().next_back().unwrap();
    let last = (max_total / step + 1) * step;
    let rows = t.rows.len();
    c.ensure(rows >= 2, || {
        "exceedance.csv has fewer than two rows".into()
    });
    if rows >= 2 {
        c.ensure(cell(&t.rows[rows - 1][1]) == Some(0.0), || {
            "exceedance.csv: last row is not past the largest total".into()
        });
        c.ensure(cell(&t.rows[rows - 2][1]).unwrap_or(0.0) > 0.0, || {
            "exceedance.csv: goes on past the first step beyond the largest total".into()
        });
    }
    if (1.0 - ex.p_at_least(last - step)).powf(n) < 1e-9 {
        c.ensure(rows as i64 == last / step + 1, || {
            format!("exceedance.csv has {rows} rows, expected up to {last}")
        });
    }

    // timeline.csv
    let t = Table::read(
        out,
        "timeline.csv",
        "month,date,p_target_reached,p_success,ci_low,ci_high,mean_personnel",
    );
    let months = timeline_months(s.horizon, ex.max_joined_lead.map_or(0.0, |m| m.0));
    let sure = match ex.max_joined_lead {
        None => true,
        Some((_, q)) => (1.0 - q).powf(n) < 1e-9,
    };
    if sure {
        let got: Vec<Option<f64>> = t.rows.iter().map(|r| cell(&r[0])).collect();
        let want: Vec<Option<f64>> = months.iter().map(|m| Some(*m)).collect();
        c.ensure(got == want, || {
            format!("timeline months {got:?}, expected {want:?}")
        });
    }
    let by_month: BTreeMap<u64, usize> = ex
        .timeline
        .iter()
        .enumerate()
        .map(|(k, m)| (m.month.to_bits(), k))
        .collect();
    for (k, row) in t.rows.iter().enumerate() {
        let month = cell(&row[0]).unwrap_or(-1.0);
        match (&s.start, k) {
            (None, _) => c.ensure(row[1].is_empty(), || {
                format!("timeline date {} without start", row[1])
            }),
            (Some(start), 0) => c.ensure(row[1] == *start, || {
                format!("timeline month 0 date {}, start {start}", row[1])
            }),
            (Some(_), _) => c.ensure(!row[1].is_empty(), || {
                format!("timeline month {month}: no date")
            }),
        }
        let Some(&i) = by_month.get(&month.to_bits()) else {
            c.fail(format!("timeline month {} not expected", row[0]));
            continue;
        };
        let me = &ex.timeline[i];
        c.prob(
            &format!("month {month} p_target_reached"),
            cell(&row[2]),
            me.p_target,
            n,
        );
        c.prob_ci(
            &format!("month {month} p_success"),
            [&row[3], &row[4], &row[5]],
            me.p_success,
            n,
        );
        let sd = (me.m2 - me.m1 * me.m1).max(0.0).sqrt();
        c.mean(
            &format!("month {month} mean_personnel"),
            cell(&row[6]),
            me.m1,
            sd,
            n,
        );
    }

    // milestones.csv
    let t = Table::read(
        out,
        "milestones.csv",
        "personnel,p_reached,ci_low,ci_high,month_p10,month_p50,month_p90",
    );
    let levels: Vec<i64> = ex.milestones.iter().map(|m| m.level).collect();
    let got: Vec<i64> = t.rows.iter().map(|r| r[0].parse().unwrap_or(-1)).collect();
    assert_eq!(got, levels, "milestones.csv rows");
    let grid = month_grid(s.horizon, &ex.milestones);
    for (row, m) in t.rows.iter().zip(&ex.milestones) {
        let what = format!("milestone {}", m.level);
        c.prob_ci(
            &format!("{what} p_reached"),
            [&row[1], &row[2], &row[3]],
            m.p_reached,
            n,
        );
        for (k, q) in [0.1, 0.5, 0.9].into_iter().enumerate() {
            // The exact share reached by a grid month, and by the one before.
            let by = |month: f64| {
                m.months
                    .iter()
                    .filter(|(t, _)| *t <= month)
                    .map(|x| x.1)
                    .sum::<f64>()
            };
            let tol = SIGMAS * (q * (1.0 - q) / n).sqrt() + EPS;
            match cell(&row[4 + k]) {
                None => c.ensure(m.p_reached <= q + tol, || {
                    format!(
                        "{what} month_p{}: empty, but P(reached) = {}",
                        q * 100.0,
                        m.p_reached
                    )
                }),
                Some(month) => {
                    let before = grid
                        .iter()
                        .copied()
                        .filter(|g| *g < month)
                        .fold(f64::NEG_INFINITY, f64::max);
                    c.ensure(grid.contains(&month), || {
                        format!("{what}: month {month} is not on the grid")
                    });
                    c.ensure(by(month) >= q - tol && by(before) <= q + tol, || {
                        format!(
                            "{what} month_p{}: {month} has exact P(by) = {:.6}, P(by {before}) = {:.6}",
                            q * 100.0,
                            by(month),
                            by(before)
                        )
                    });
                }
            }
        }
    }

    // fan.csv
    let t = Table::read(out, "fan.csv", "month,date,p05,p25,p50,p75,p95,mean");
    if sure {
        let got: Vec<Option<f64>> = t.rows.iter().map(|r| cell(&r[0])).collect();
        let want: Vec<Option<f64>> = months.iter().map(|m| Some(*m)).collect();
        c.ensure(got == want, || {
            format!("fan months {got:?}, expected {want:?}")
        });
    }
    for row in &t.rows {
        let month = cell(&row[0]).unwrap_or(-1.0);
        let Some(&i) = by_month.get(&month.to_bits()) else {
            c.fail(format!("fan month {} not expected", row[0]));
            continue;
        };
        let dist = &ex.fan[i];
        for (k, q) in [0.05, 0.25, 0.5, 0.75, 0.95].into_iter().enumerate() {
            let tol = SIGMAS * (q * (1.0 - q) / n).sqrt() + EPS;
            let Some(x) = cell(&row[2 + k]) else {
                c.fail(format!("fan month {month}: quantile {q} empty"));
                continue;
            };
            let x = x as i64;
            c.ensure(x % step == 0, || {
                format!("fan month {month}: {x} is not on the step {step}")
            });
            let le = |v: i64| dist.range(..=v).map(|e| e.1).sum::<f64>();
            c.ensure(
                le(x) >= q - tol && (x == 0 || le(x - step) <= q + tol),
                || {
                    format!(
                        "fan month {month} q {q}: {x} has exact P(<=) = {:.6}, P(<= {}) = {:.6}",
                        le(x),
                        x - step,
                        le(x - step)
                    )
                },
            );
        }
        let me = &ex.timeline[i];
        let sd = (me.m2 - me.m1 * me.m1).max(0.0).sqrt();
        c.mean(
            &format!("fan month {month} mean"),
            cell(&row[7]),
            me.m1,
            sd,
            n,
        );
    }

    // losses.csv
    let t = Table::read(out, "losses.csv", "contributor,stage,mean_personnel");
    let mut all: Vec<(String, f64, f64)> = Vec::new();
    let mut expected_rows = Vec::new();
    for (x, ce) in s.contributors.iter().zip(&ex.contributors) {
        for (stage, m1, m2) in &ce.losses {
            expected_rows.push((x.name.clone(), stage.clone(), *m1, *m2));
            match all.iter_mut().find(|a| a.0 == *stage) {
                // Not independent across contributors: the sum's spread is
                // bounded by adding the standard deviations.
                Some(a) => {
                    a.1 += m1;
                    a.2 = ((a.2 - 0.0).sqrt() + (m2 - m1 * m1).max(0.0).sqrt()).powi(2);
                }
                None => all.push((stage.clone(), *m1, (m2 - m1 * m1).max(0.0))),
            }
        }
    }
    let got: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let mut want: Vec<(String, String)> = expected_rows
        .iter()
        .map(|r| (r.0.clone(), r.1.clone()))
        .collect();
    want.extend(all.iter().map(|a| ("(all)".to_string(), a.0.clone())));
    assert_eq!(got, want, "losses.csv rows");
    for (row, (name, stage, m1, m2)) in t.rows.iter().zip(&expected_rows) {
        let sd = (m2 - m1 * m1).max(0.0).sqrt();
        c.mean(&format!("losses {name} {stage}"), cell(&row[2]), *m1, sd, n);
    }
    for (row, (stage, m1, var)) in t.rows[expected_rows.len()..].iter().zip(&all) {
        c.mean(
            &format!("losses (all) {stage}"),
            cell(&row[2]),
            *m1,
            var.sqrt(),
            n,
        );
    }

    // run.toml
    let run = std::fs::read_to_string(out.join("run.toml")).expect("run.toml");
    c.ensure(run.contains(&trials.to_string()), || {
        "run.toml does not mention the trials".into()
    });
    c.ensure(run.contains(&seed.to_string()), || {
        "run.toml does not mention the seed".into()
    });

    c.finish();
}

/// The months milestones.csv may name: the tenths of a month up to the
/// horizon and the horizon itself (without one, every tenth up to the
/// latest first-reach month).
fn month_grid(horizon: Option<f64>, milestones: &[super::enumerate::MilestoneExact]) -> Vec<f64> {
    let top = horizon.unwrap_or_else(|| {
        milestones
            .iter()
            .flat_map(|m| m.months.iter().map(|x| x.0))
            .fold(0.0, f64::max)
            .ceil()
            + 1.0
    });
    let mut grid: Vec<f64> = (0..)
        .map(|k| k as f64 / 10.0)
        .take_while(|m| *m <= top)
        .collect();
    if horizon.is_some() && !grid.contains(&top) {
        grid.push(top);
    }
    grid
}
