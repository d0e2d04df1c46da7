//! The batch compiled for wide vectors (AVX2, chosen at run time) must give
//! the same tallies, bit for bit, as the portable build of the same code, on
//! every shipped scenario (conditions, cascades, roles, horizons, every kind
//! of distribution) and on dense and sparse batches alike.

use muster::engine::batch::{BATCH, Scratch, run_batch, run_batch_portable};
use muster::engine::empty_tally;
use muster::engine::plan::Plan;
use muster::engine::streams::Streams;
use std::path::Path;

fn scenario_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files.push(Path::new("tests/fixtures/mixed_distributions.toml").to_path_buf());
    files
}

#[test]
fn wide_and_portable_batches_give_identical_tallies() {
    for file in scenario_files() {
        let (s, _) = muster::scenario::load::load_file(&file, &[]).unwrap();
        let plan = Plan::new(&s);
        let streams = Streams::new(11);
        let (mut wide, mut portable) = (empty_tally(&s), empty_tally(&s));
        let (mut sw, mut sp) = (Scratch::new(&plan), Scratch::new(&plan));
        // Whole batches and a short last one.
        for (b, len) in [(0u64, BATCH), (1, BATCH), (7, 1234)] {
            let first = b * BATCH as u64;
            run_batch(&s, &plan, &streams, first, len, &mut sw, &mut wide);
            run_batch_portable(&s, &plan, &streams, first, len, &mut sp, &mut portable);
        }
        sw.flush_coalitions(&mut wide);
        sp.flush_coalitions(&mut portable);
        assert_eq!(wide, portable, "{}", file.display());
        assert_eq!(wide.trials, 2 * BATCH as u64 + 1234);
    }
}
