//! The dense cached-field kernels: the f64 kernel follows the scalar
//! reference trajectory; all storages reproduce exact enumeration.

mod common;

use common::assert_agrees;
use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_mc::dense::{update_packed_row, update_packed_row_portable};
use quench_mc::{
    DenseConfig, DensePrecision, DenseTempering, LocalRule, Measurements, ParallelTempering,
    SweepOrder, TemperatureLadder, TemperingConfig,
};

fn sk(n: i64, couplings: CouplingDistribution, field: f64, seed: u64) -> Sample {
    ModelSpec::SherringtonKirkpatrick {
        n,
        couplings,
        field,
    }
    .ensemble()
    .unwrap()
    .draw(seed, 0)
    .unwrap()
}

fn config(precision: DensePrecision) -> DenseConfig {
    DenseConfig {
        ladder: TemperatureLadder::geometric(0.4, 1.6, 6).unwrap(),
        replicas: 2,
        sweeps_per_exchange: 1,
        precision,
        refresh_rounds: 100,
    }
}

#[test]
fn f64_kernel_follows_the_scalar_reference_trajectory() {
    let sample = sk(40, CouplingDistribution::Gaussian, 0.2, 1);
    let dense = DenseTempering::new(config(DensePrecision::F64), &sample).unwrap();
    let scalar = ParallelTempering::new(
        TemperingConfig {
            ladder: config(DensePrecision::F64).ladder,
            replicas: 2,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
            sweeps_per_exchange: 1,
        },
        &sample,
    )
    .unwrap();
    let mut a = dense.initial_state(&sample, 3, 0);
    let mut b = scalar.initial_state(&sample, 3, 0);
    for round in 0..500 {
        dense.step(&sample, &mut a);
        scalar.step(&sample, &mut b);
        for (x, y) in a.tempering.ladders.iter().zip(&b.ladders) {
            assert_eq!(x.walker_at_slot, y.walker_at_slot, "round {round}");
            for (c, d) in x.chains.iter().zip(&y.chains) {
                assert_eq!(c.spins, d.spins, "round {round}");
                assert_eq!(c.rng, d.rng, "round {round}");
                assert!((c.energy - d.energy).abs() < 1e-9);
            }
        }
    }
}

#[test]
fn packed_row_update_matches_its_portable_reference() {
    for n in [1usize, 31, 64, 100, 2000] {
        let words = n.div_ceil(64);
        let row: Vec<u64> = (0..words as u64)
            .map(|k| quench_core::rng::splitmix64(k + n as u64))
            .collect();
        let start: Vec<i16> = (0..n).map(|j| (j as i16 % 17) - 8).collect();
        for step in [2i16, -2] {
            let (mut a, mut b) = (start.clone(), start.clone());
            update_packed_row(&row, &mut a, step);
            update_packed_row_portable(&row, &mut b, step);
            assert_eq!(a, b, "n = {n}");
        }
    }
}

fn check(label: &str, sample: &Sample, precision: DensePrecision) {
    let config = config(precision);
    let dense = DenseTempering::new(config.clone(), sample).unwrap();
    let mut state = dense.initial_state(sample, 7, 0);
    for _ in 0..3_000 {
        dense.step(sample, &mut state);
    }
    let mut measurements = Measurements::new(config.ladder.temperatures(), sample.n());
    for _ in 0..40_000 {
        dense.step(sample, &mut state);
        measurements.record(sample, &state.tempering);
    }
    let exact = Enumeration::new(sample).unwrap();
    for summary in measurements.summary() {
        let t = summary.temperature;
        let thermal = exact.thermal(t).unwrap();
        let replicas = exact.replicas(sample, t).unwrap();
        let what = format!("{label} {precision:?} T={t:.3}");
        assert_agrees(
            &format!("{what} energy"),
            summary.energy,
            thermal.energy_per_spin,
        );
        assert_agrees(
            &format!("{what} m^2"),
            summary.magnetisation_squared,
            thermal.magnetisation_squared,
        );
        assert_agrees(
            &format!("{what} q^2"),
            summary.overlap_squared.unwrap(),
            replicas.overlap_squared,
        );
    }
}

#[test]
fn dense_kernels_reproduce_enumeration() {
    let gaussian = sk(12, CouplingDistribution::Gaussian, 0.3, 21);
    check("SK N=12 h=0.3", &gaussian, DensePrecision::F64);
    check("SK N=12 h=0.3", &gaussian, DensePrecision::F32);
    let signs = sk(12, CouplingDistribution::PlusMinusOne, 0.0, 22);
    check("SK ±J N=12", &signs, DensePrecision::PackedSigns);
}
