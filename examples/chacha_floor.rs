//! The generator's floor for a scenario: the time needed to draw WORDS
//! 32-bit ChaCha8 words per trial with nothing else done, measured two ways
//! (both from separate streams, one per entity and kind of draw, as the
//! engine reads them):
//!
//! - `loop_seconds`: a bare loop calling `next_u32` once per word;
//! - `block_seconds`: batches of 4,096 words per stream copied out of the
//!   generator at once, as the engine does (the faster of the two).
//!
//! usage: cargo run --release --example chacha_floor -- TRIALS WORDS_PER_TRIAL

use muster::engine::streams::Streams;
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let trials: u64 = args
        .get(1)
        .and_then(|a| a.parse::<f64>().ok())
        .map_or(10_000_000, |v| v as u64);
    let words: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(24);
    let mut sink = 0u32;

    // A bare loop: each stream's words for every trial, one call per word.
    let base = ChaCha8Rng::seed_from_u64(1);
    let start = Instant::now();
    for s in 0..words {
        let mut rng = base.clone();
        rng.set_stream(s);
        for _ in 0..trials {
            sink ^= rng.next_u32();
        }
    }
    println!("loop_seconds,{:.3}", start.elapsed().as_secs_f64());

    // Block copies of 4,096 words per stream, batch by batch.
    let batch = 4096u64;
    let streams = Streams::new(1);
    let mut buf = vec![0u32; batch as usize];
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
    println!("block_seconds,{:.3}", start.elapsed().as_secs_f64());
    eprintln!("(checksum {sink})");
}
