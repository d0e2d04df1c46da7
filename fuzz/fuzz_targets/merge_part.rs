//! Feeds arbitrary text to the part-file reader of `muster merge`: it must
//! refuse it with a one-line reason, or accept a part whose tally fits its
//! scenario and turns into result tables without a panic, an overflow or a
//! huge allocation.

#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::app::part::{parse_part, tally_of};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let part = match parse_part(text) {
        Ok(p) => p,
        Err(why) => {
            assert!(!why.is_empty() && !why.contains('\n'), "reason: {why:?}");
            return;
        }
    };
    match tally_of(&part) {
        Ok((scenario, tally)) => {
            assert_eq!(tally.trials, part.tally.trials);
            let tables = muster::stats::results::tables(&scenario, &tally);
            for t in &tables {
                for row in &t.rows {
                    for cell in row {
                        let text = cell.text();
                        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
                    }
                }
            }
        }
        Err(why) => assert!(!why.is_empty(), "empty reason"),
    }
});
