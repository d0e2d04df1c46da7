//! What the integration tests share: running the real `muster` program,
//! temporary folders and reading result files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `muster` program built for these tests, without colour.
pub fn muster() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_muster"));
    c.env("NO_COLOR", "1");
    c
}

/// Runs `muster ARGS` in `dir`, with nothing on its standard input, and
/// returns what it did.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    muster()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the muster program runs")
}

/// Its standard error, as text.
pub fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

/// Its standard output, as text.
pub fn stdout(out: &Output) -> String {
    text(&out.stdout)
}

/// Insists that it succeeded, showing what it said otherwise.
pub fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout {}\nstderr {}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

/// Runs `muster ARGS` in `dir`, insists on success and returns stdout.
pub fn ok_in(dir: &Path, args: &[&str]) -> String {
    let out = run_in(dir, args);
    assert!(
        out.status.success(),
        "muster {args:?} failed ({:?}):\n{}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Bytes as text, for messages.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// The repository's root (tests run there).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A CSV file's header and rows, parsed as CSV (quotes and all).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A small deterministic generator (splitmix64), for test schedules and
/// generated scenarios.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
