//! The dense cached-field kernels: the f64 kernel follows the scalar
//! reference trajectory; all storages reproduce exact enumeration.

mod common;

use common::assert_agrees;
use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_mc::dense::{DenseCouplings, DenseFields, sweep_f32, sweep_f64, sweep_packed};
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

/// The group sweep (all chains site by site, widest instruction set) against
/// chain-by-chain portable sweeps from the same states: identical spins,
/// streams, counters and (packed) exact energies, for any grouping.
#[test]
fn group_sweeps_follow_the_chain_by_chain_sweeps() {
    for (precision, couplings, n) in [
        (DensePrecision::F64, CouplingDistribution::Gaussian, 37),
        (DensePrecision::F32, CouplingDistribution::Gaussian, 70),
        (
            DensePrecision::PackedSigns,
            CouplingDistribution::PlusMinusOne,
            37,
        ),
        (
            DensePrecision::PackedSigns,
            CouplingDistribution::PlusMinusOne,
            600,
        ),
    ] {
        let sample = sk(n, couplings, 0.0, 4);
        let dense = DenseTempering::new(config(precision), &sample).unwrap();
        let start = dense.initial_state(&sample, 11, 0);
        let k = dense.betas().len();
        let sweeps = 5;
        // Chain by chain, with the public single-chain sweeps.
        let mut alone = start.clone();
        let chains = alone
            .tempering
            .ladders
            .iter_mut()
            .flat_map(|l| l.chains.iter_mut());
        for (index, (chain, fields)) in chains.zip(alone.fields.iter_mut()).enumerate() {
            let beta = dense.betas()[index % k];
            for _ in 0..sweeps {
                let accepted = match (dense.couplings(), &mut *fields) {
                    (DenseCouplings::F64(rows), DenseFields::F64(h)) => {
                        sweep_f64(rows, &mut chain.spins, h, beta, &mut chain.rng).1
                    }
                    (DenseCouplings::F32(rows), DenseFields::F32(h)) => {
                        sweep_f32(rows, &mut chain.spins, h, beta, &mut chain.rng).1
                    }
                    (
                        DenseCouplings::PackedSigns { bits, words, .. },
                        DenseFields::Packed { spins, energy },
                    ) => {
                        let table = &dense.tables()[index % k];
                        let (change, accepted) = sweep_packed(
                            bits,
                            *words,
                            &mut chain.spins,
                            spins,
                            table,
                            &mut chain.rng,
                        );
                        *energy += change;
                        accepted
                    }
                    _ => unreachable!("fields match the storage"),
                };
                chain.accepted += accepted;
                chain.attempted += n as u64;
                chain.sweeps += 1;
            }
        }
        // Grouped: all chains in one group, then in groups of 1, 2 and 3.
        for size in [usize::MAX, 1, 2, 3] {
            let grouped = common::swept_in_groups(&dense, &start, size, sweeps);
            assert_eq!(grouped, alone, "{precision:?} N = {n}, groups of {size}");
        }
        if let DenseFields::Packed { energy, .. } = &alone.fields[0] {
            let chain = &alone.tempering.ladders[0].chains[0];
            let magnitude = sample.coupling(0, 1).abs();
            assert!((magnitude * *energy as f64 - sample.energy(&chain.spins)).abs() < 1e-9);
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
