//! Feeds arbitrary `--set PATH=VALUE` overrides to the loader, applied to
//! the tutorial scenario: each must give a scenario or an error that names
//! the override, points inside it and fits on one line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::scenario::{Override, parse_scenario};

const BASE: &str = include_str!("../../scenarios/tutorial.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Up to three overrides, one a line, as --set flags would give them.
    let mut overrides = Vec::new();
    for line in text.lines().take(3) {
        match Override::parse(line) {
            Ok(o) => overrides.push(o),
            Err(e) => {
                assert!(!e.to_string().contains('\n'), "error spans lines: {e}");
                return;
            }
        }
    }
    if let Err(e) = parse_scenario(BASE, "tutorial.toml", &overrides) {
        assert!(e.line >= 1 && e.column >= 1, "unlocated error: {e}");
        assert!(!e.message.is_empty(), "empty message: {e:?}");
        assert!(!e.to_string().contains('\n'), "error spans lines: {e}");
        if let Some(set) = e.file.strip_prefix("--set ") {
            // The column is inside the override's text.
            assert!(e.column <= set.chars().count() + 1, "column past the end: {e}");
        } else {
            assert_eq!(e.file, "tutorial.toml", "{e}");
            assert!(e.line <= BASE.lines().count() + 1, "line past the end: {e}");
        }
    }
});
