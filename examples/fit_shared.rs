//! Fits the shared assumptions of the precedent scenarios on the outcomes
//! of the precedents named, and prints precedents/shared.toml: the
//! precedents named are `fitted_on`, every other `*.outcomes.toml` in the
//! folder is `tested_on`.
//!
//! usage: cargo run --example fit_shared -- precedents STEM...

use muster::score::fit::{FITTED_STANCES, fit};
use muster::score::outcomes::{Outcomes, load};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((dir, fitted)) = args.split_first() else {
        eprintln!("usage: fit_shared DIR STEM...");
        std::process::exit(2);
    };
    let dir = Path::new(dir);
    let mut all: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder of the precedents")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".outcomes.toml").map(str::to_string)
        })
        .collect();
    all.sort();
    let load_stem = |s: &String| -> Outcomes {
        load(&dir.join(format!("{s}.outcomes.toml"))).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        })
    };
    let set: Vec<Outcomes> = fitted.iter().map(load_stem).collect();
    let refs: Vec<&Outcomes> = set.iter().collect();
    let shared = fit(&refs).expect("at least one precedent with a build-up");
    let tested: Vec<&String> = all.iter().filter(|s| !fitted.contains(s)).collect();
    let list = |v: Vec<&String>| -> String {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("# Shared assumptions of the precedent scenarios, fitted on the outcomes");
    println!("# of the precedents in `fitted_on` and written by");
    println!("#     cargo run --example fit_shared -- precedents STEM...");
    println!("# (do not edit by hand). The precedents in `tested_on` were not used.");
    println!();
    println!("fitted_on = [{}]", list(fitted.iter().collect()));
    println!("tested_on = [{}]", list(tested));
    println!();
    println!("[p_join]");
    println!("# (deployed + 1) / (contributors + 2) among the fitting set's contributors of");
    println!("# each stance (the rule of succession)");
    for stance in FITTED_STANCES {
        let (d, n) = shared.counts.get(stance).copied().unwrap_or((0, 0));
        let line = format!("{stance} = {:.2}", shared.p_join(stance));
        println!("{line:<25}# {d} of {n} deployed");
    }
    println!();
    println!("[delivery]");
    println!("# share of the new pledges of contributors that deployed in theatre at the");
    println!("# peak of the first 24 months: least, median and largest over the fitting set");
    let d = shared.delivery;
    let m = shared.lead_months;
    println!("{:<25}# the least", format!("min = {:.2}", d.min));
    println!("{:<25}# the median", format!("mode = {:.2}", d.mode));
    println!("{:<25}# the largest", format!("max = {:.2}", d.max));
    println!();
    println!("[lead_months]");
    println!("# months until half the build-up of the first 24 months was in theatre:");
    println!("# least, median and largest over the fitting set");
    println!("{:<25}# the least", format!("min = {:.1}", m.min));
    println!("{:<25}# the median", format!("mode = {:.1}", m.mode));
    println!("{:<25}# the largest", format!("max = {:.1}", m.max));
}
