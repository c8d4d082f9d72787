//! Baseline throughput of the scalar reference kernels (one thread): attempted
//! single-spin updates per second on the workloads that the fast multispin
//! and dense kernels will be compared against.
//!
//! ```text
//! cargo bench -p quench-mc --bench sweeps
//! ```

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_mc::{ChainState, LocalRule, SingleSpinSampler, SweepOrder};

fn workloads() -> Vec<(&'static str, Sample, f64)> {
    let draw = |spec: ModelSpec| spec.ensemble().unwrap().draw(1, 0).unwrap();
    vec![
        (
            "3d-pm1-L16",
            draw(ModelSpec::EdwardsAnderson {
                dimension: 3,
                length: 16,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            }),
            1.0,
        ),
        (
            "2d-pm1-L64",
            draw(ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 64,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            }),
            0.5,
        ),
        (
            "sk-N2000",
            draw(ModelSpec::SherringtonKirkpatrick {
                n: 2000,
                couplings: CouplingDistribution::Gaussian,
                field: 0.0,
            }),
            0.5,
        ),
        (
            "rrg-c3-N4096",
            draw(ModelSpec::RandomRegular {
                n: 4096,
                degree: 3,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            }),
            0.8,
        ),
    ]
}

fn sweeps(c: &mut Criterion) {
    let mut group = c.benchmark_group("metropolis-sweep");
    group.sample_size(20);
    for (name, sample, temperature) in workloads() {
        let sampler =
            SingleSpinSampler::new(LocalRule::Metropolis, SweepOrder::Sequential, &sample).unwrap();
        let mut chain = ChainState::random(&sample, 2, 0, 0);
        let beta = 1.0 / temperature;
        sampler.sweeps(&sample, &mut chain, beta, 10);
        group.throughput(Throughput::Elements(sample.n() as u64));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| sampler.sweep(&sample, &mut chain, beta))
        });
    }
    group.finish();
}

criterion_group!(benches, sweeps);
criterion_main!(benches);
