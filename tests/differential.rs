//! The fast engine against the reference simulator: the same integer
//! tally, trial for trial, on every shipped scenario.

use muster::engine::reference;
use muster::stats::tally::Tally;
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
    t
}

#[test]
fn shipped_scenarios() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let (s, _) = muster::scenario::load::load_file(&f, &[]).unwrap();
        let trials = 5000;
        let fast = muster::engine::run(
            &s,
            7,
            trials,
            0..2,
            1,
            &AtomicU64::new(0),
            &AtomicBool::new(false),
        )
        .unwrap();
        let slow = reference::run(&s, 7, 0..trials);
        assert_eq!(canonical(fast), canonical(slow), "{}", f.display());
    }
}
