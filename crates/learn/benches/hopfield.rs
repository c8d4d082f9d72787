//! One zero-temperature asynchronous sweep (random order) of a Hopfield
//! network at N = 10^4, P = 1000, pattern-based against coupling-based, on
//! one thread.
//!
//! ```text
//! cargo bench -p quench-learn --bench hopfield
//! ```
//!
//! Two starts, each restored before every sweep (the clone is outside the
//! timing): a random configuration (about 4300 flips in the sweep: the
//! worst case) and stored pattern 0 with 10 % of its spins flipped (about
//! 1000 flips: a retrieval sweep). Building the coupling matrix (N^2 i16,
//! 200 MB) takes about a second and is not timed.
//!
//! Measured 2026-11 on the shared 2-core Xeon (AVX-512 kernels, load
//! average 3 to 5 from other jobs, so +-20 %):
//!
//! | start | pattern-based | coupling-based | ratio |
//! |---|---|---|---|
//! | random | 1.26 ms | 14.4 ms | 0.09 |
//! | pattern, m0 = 0.8 | 1.17 ms | 1.86 ms | 0.63 |
//!
//! The coupling-based sweep is bound by memory bandwidth: each flip reads a
//! 20 kB row of a matrix that does not fit in cache.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use quench_core::rng::{Purpose, stream};
use quench_learn::dynamics::UpdateOrder;
use quench_learn::hopfield::{HopfieldNetwork, Representation};
use quench_learn::patterns::{BinaryDistribution, BinaryPatterns, corrupted_pattern};

fn sweeps(c: &mut Criterion) {
    let (n, p) = (10_000, 1000);
    let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, n, p, 1, 0).unwrap();
    let starts = [
        (
            "random",
            quench_core::random_spins(n, &mut stream(1, Purpose::InitialState, 0, 0)),
        ),
        (
            "pattern-m0.8",
            corrupted_pattern(
                patterns.pattern(0),
                0.8,
                &mut stream(1, Purpose::InitialState, 0, 1),
            )
            .unwrap(),
        ),
    ];
    let mut group = c.benchmark_group("hopfield-zero-temperature-sweep-N10000-P1000");
    group.sample_size(20);
    group.throughput(Throughput::Elements(n as u64));
    for representation in [Representation::Patterns, Representation::Couplings] {
        let network = HopfieldNetwork::new(patterns.clone(), representation).unwrap();
        let mut order = vec![0; n];
        for (label, spins) in &starts {
            let start = network.state(spins.clone()).unwrap();
            let id = BenchmarkId::new(format!("{representation:?}").to_lowercase(), label);
            group.bench_function(id, |b| {
                b.iter_batched_ref(
                    || (start.clone(), stream(1, Purpose::Dynamics, 0, 0)),
                    |(state, rng)| {
                        network.zero_temperature_sweep(state, UpdateOrder::Random, &mut order, rng)
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group!(benches, sweeps);
criterion_main!(benches);
