//! The generator's floor for a scenario: the time a bare loop needs to draw
//! WORDS 32-bit ChaCha8 words per trial, batch by batch from separate
//! streams as the engine does, with nothing else done. Prints
//! `seconds,TRIALS` on stdout.
//!
//! usage: cargo run --release --example chacha_floor -- TRIALS WORDS_PER_TRIAL

use muster::engine::streams::Streams;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let trials: u64 = args
        .get(1)
        .and_then(|a| a.parse::<f64>().ok())
        .map_or(10_000_000, |v| v as u64);
    let words: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(24);
    let batch = 4096u64;
    let streams = Streams::new(1);
    let mut buf = vec![0u32; batch as usize];
    let mut sink = 0u32;
    let start = Instant::now();
    let mut first = 0;
    while first < trials {
        let len = (trials - first).min(batch) as usize;
        for s in 0..words {
            streams.fill(s, first, &mut buf[..len]);
            sink ^= buf[len - 1];
        }
        first += batch;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("seconds,{secs:.3}");
    eprintln!("(checksum {sink})");
}
