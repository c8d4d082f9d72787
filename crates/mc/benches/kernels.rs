//! Throughput of the fast kernels beside the scalar reference (one thread):
//! one multispin sweep of the 3D ±J L = 16 lattice per word width and random
//! policy (lanes = word bits), one dense SK N = 2000 sweep per storage, and
//! one measurement of every lane of a multispin state (3D L = 8, 512 lanes,
//! 16 temperatures, 2 replicas): bit-sliced counts against unpacking each
//! lane into a snapshot and measuring it.
//!
//! ```text
//! cargo bench -p quench-mc --bench kernels
//! ```
//!
//! Criterion's throughput is in attempted single-spin updates (lanes × sites).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use quench_core::{CouplingDistribution, ModelSpec, Purpose, Sample, StreamKey, random_spins};
use quench_mc::dense::{
    DenseCouplings, DenseFields, packed_thresholds, sweep_f32, sweep_f64, sweep_packed,
};
use quench_mc::multispin::kernel::{self, BlockRng};
use quench_mc::multispin::{MultispinLayout, pack_lane};
use quench_mc::{DensePrecision, RandomPolicy, WordWidth};

fn multispin(c: &mut Criterion) {
    let ensemble = ModelSpec::EdwardsAnderson {
        dimension: 3,
        length: 16,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap();
    let mut group = c.benchmark_group("multispin-sweep-ea3d-16");
    group.sample_size(20);
    let samples: Vec<Sample> = (0..512).map(|i| ensemble.draw(1, i).unwrap()).collect();
    for width in WordWidth::available() {
        let lanes = width.bits();
        let layout = MultispinLayout::new(&samples[..lanes]).unwrap();
        let (n, blocks) = (layout.sites(), layout.blocks());
        let mut words = vec![0u64; n * blocks];
        for lane in 0..lanes {
            let mut rng = StreamKey::new(2, Purpose::InitialState, lane as u64, 0).rng();
            pack_lane(&mut words, blocks, lane, &random_spins(n, &mut rng));
        }
        let mut rngs: Vec<BlockRng> = (0..layout.generators())
            .map(|b| BlockRng::from_key(StreamKey::new(2, Purpose::Dynamics, b as u64, 0)))
            .collect();
        let thresholds = layout.thresholds(1.0);
        for policy in [
            RandomPolicy::SharedPerSite,
            RandomPolicy::IndependentPerLane,
        ] {
            group.throughput(Throughput::Elements((lanes * n) as u64));
            group.bench_function(BenchmarkId::new(format!("{policy:?}"), width.bits()), |b| {
                b.iter(|| kernel::sweep(&layout, &mut words, &mut rngs, &thresholds, policy, width))
            });
        }
    }
    group.finish();
}

fn dense(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense-sweep-sk-2000-T0.5");
    group.sample_size(20);
    for precision in [
        DensePrecision::F64,
        DensePrecision::F32,
        DensePrecision::PackedSigns,
    ] {
        let couplings = match precision {
            DensePrecision::PackedSigns => CouplingDistribution::PlusMinusOne,
            _ => CouplingDistribution::Gaussian,
        };
        let sample = ModelSpec::SherringtonKirkpatrick {
            n: 2000,
            couplings,
            field: 0.0,
        }
        .ensemble()
        .unwrap()
        .draw(1, 0)
        .unwrap();
        let storage = DenseCouplings::new(&sample, precision).unwrap();
        let mut rng = StreamKey::new(3, Purpose::Dynamics, 0, 0).rng();
        let mut spins = random_spins(sample.n(), &mut rng);
        let mut fields = storage.fields(&sample, &spins);
        let beta = 2.0;
        let thresholds = match &storage {
            DenseCouplings::PackedSigns { magnitude, .. } => {
                packed_thresholds(sample.n(), *magnitude, beta)
            }
            _ => Vec::new(),
        };
        let mut sweep = || match (&storage, &mut fields) {
            (DenseCouplings::F64(rows), DenseFields::F64(h)) => {
                sweep_f64(rows, &mut spins, h, beta, &mut rng).1
            }
            (DenseCouplings::F32(rows), DenseFields::F32(h)) => {
                sweep_f32(rows, &mut spins, h, beta, &mut rng).1
            }
            (
                DenseCouplings::PackedSigns { bits, words, .. },
                DenseFields::Packed { spins: b, .. },
            ) => sweep_packed(bits, *words, &mut spins, b, &thresholds, &mut rng).1,
            _ => unreachable!(),
        };
        // Relax towards low energy first, as in a tempering run's cold slots.
        for _ in 0..200 {
            sweep();
        }
        group.throughput(Throughput::Elements(sample.n() as u64));
        group.bench_function(BenchmarkId::from_parameter(format!("{precision:?}")), |b| {
            b.iter(&mut sweep)
        });
    }
    group.finish();
}

fn measurements(c: &mut Criterion) {
    use quench_core::observables::MinimumWavevectorPhases;
    use quench_mc::{Measurements, MultispinConfig, MultispinTempering, TemperatureLadder};
    let ensemble = ModelSpec::EdwardsAnderson {
        dimension: 3,
        length: 8,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap();
    let samples: Vec<Sample> = (0..512).map(|i| ensemble.draw(1, i).unwrap()).collect();
    let config = MultispinConfig {
        ladder: TemperatureLadder::geometric(0.9, 1.8, 16).unwrap(),
        replicas: 2,
        sweeps_per_exchange: 1,
        policy: RandomPolicy::SharedPerSite,
        width: WordWidth::widest(),
    };
    let tempering = MultispinTempering::new(config, &samples).unwrap();
    let mut state = tempering.initial_state(3, 0);
    for _ in 0..10 {
        tempering.step(&mut state);
    }
    let temperatures = tempering.config().ladder.temperatures().to_vec();
    let phases = samples[0].lattice().map(MinimumWavevectorPhases::new);
    let mut group = c.benchmark_group("multispin-measure-ea3d-8-512-lanes");
    group.sample_size(10);
    group.throughput(Throughput::Elements(samples.len() as u64));
    let mut measurements: Vec<Measurements> = samples
        .iter()
        .map(|s| Measurements::new(&temperatures, s.n()))
        .collect();
    group.bench_function("bit-sliced", |b| {
        b.iter(|| {
            let values = tempering.lane_values(&state, phases.as_ref());
            for (m, v) in measurements.iter_mut().zip(&values) {
                m.record_values(512, v);
            }
        })
    });
    group.bench_function("unpacked-lanes", |b| {
        b.iter(|| {
            for (lane, m) in measurements.iter_mut().enumerate() {
                m.record(
                    &samples[lane],
                    &tempering.lane_tempering_state(&state, lane),
                );
            }
        })
    });
    group.finish();
}

criterion_group!(benches, multispin, dense, measurements);
criterion_main!(benches);
