//! Engine throughput: trials per second of the batch loop on the benchmark
//! scenario and the Gaza scenario, one thread, without writing files.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use muster::engine;
use muster::scenario::load_file;
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64};

const TRIALS: u64 = 200_000;

fn bench_scenario(c: &mut Criterion, name: &str, path: &str) {
    let Ok((scenario, _)) = load_file(Path::new(path), &[]) else {
        eprintln!("skipping {name}: {path} not found");
        return;
    };
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(TRIALS));
    group.sample_size(20);
    group.bench_function(name, |b| {
        b.iter(|| {
            let (done, stop) = (AtomicU64::new(0), AtomicBool::new(false));
            let batches = 0..engine::batch_count(TRIALS);
            black_box(engine::run(&scenario, 1, TRIALS, batches, 1, &done, &stop))
        })
    });
    group.finish();
}

fn engine_throughput(c: &mut Criterion) {
    bench_scenario(c, "simple12", "../shared/bench/simple12.toml");
    bench_scenario(c, "gaza_isf_2025-11", "scenarios/gaza_isf_2025-11.toml");
}

criterion_group!(benches, engine_throughput);
criterion_main!(benches);
