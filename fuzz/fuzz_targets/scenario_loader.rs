//! Feeds arbitrary text to the scenario loader: it must return a scenario
//! or a located, one-line error, and never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = muster::scenario::parse_scenario(text, "fuzz.toml", &[]) {
        assert_eq!(e.file, "fuzz.toml");
        assert!(e.line >= 1 && e.column >= 1, "unlocated error: {e}");
        assert!(e.line <= text.lines().count() + 1, "line past the end: {e}");
        assert!(!e.message.is_empty(), "empty message: {e:?}");
        assert!(!e.to_string().contains('\n'), "error spans lines: {e}");
    }
});
