//! Long statistical validations, run with
//! `cargo test --workspace --release -- --ignored` (several minutes).

mod common;

use common::{SIGMAS, assert_agrees, assert_matches_kaufman};
use quench_core::observables::magnetisation;
use quench_core::{CouplingDistribution, ModelSpec};
use quench_exact::Enumeration;
use quench_mc::{
    ChainState, LocalRule, Schedule, SweepOrder, TemperatureLadder, TemperingConfig, WolffCluster,
    WolffScratch, run_ensemble, run_sample,
};
use quench_stats::BinningAccumulator;

#[test]
#[ignore = "slow: 32x32 Ising, 8 temperatures x 10^6 Wolff steps"]
fn wolff_matches_kaufman_on_a_32x32_lattice_across_the_transition() {
    let length = 32;
    let sample = ModelSpec::Ferromagnet {
        dimension: 2,
        length: length as i64,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(0, 0)
    .unwrap();
    let wolff = WolffCluster::new(&sample).unwrap();
    let mut scratch = WolffScratch::default();
    for (k, temperature) in [1.5, 2.0, 2.2, 2.269_185, 2.3, 2.4, 2.8, 3.5]
        .into_iter()
        .enumerate()
    {
        let beta = 1.0 / temperature;
        let mut chain = ChainState::random(&sample, 40, k as u64, 0);
        for _ in 0..20_000 {
            wolff.step(&sample, &mut chain, beta, &mut scratch);
        }
        let mut series = Vec::with_capacity(1 << 20);
        for _ in 0..1 << 20 {
            wolff.step(&sample, &mut chain, beta, &mut scratch);
            series.push(chain.energy_per_spin());
        }
        assert_matches_kaufman("Wolff 32x32", &series, length, temperature, 128);
    }
}

#[test]
#[ignore = "slow: parallel tempering at low temperature on an Erdős–Rényi graph of 20 spins"]
fn parallel_tempering_reproduces_enumeration_on_a_viana_bray_graph_at_low_temperature() {
    let sample = ModelSpec::ErdosRenyi {
        n: 20,
        mean_degree: 3.0,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(12, 0)
    .unwrap();
    let config = TemperingConfig {
        ladder: TemperatureLadder::geometric(0.25, 2.0, 12).unwrap(),
        replicas: 4,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Random,
        sweeps_per_exchange: 1,
    };
    let run = run_sample(
        &sample,
        &config,
        Schedule {
            equilibration_rounds: 10_000,
            measurement_rounds: 400_000,
        },
        3,
        0,
    )
    .unwrap();
    let enumeration = Enumeration::new(&sample).unwrap();
    for summary in &run.thermal {
        let t = summary.temperature;
        let thermal = enumeration.thermal(t).unwrap();
        let replicas = enumeration.replicas(&sample, t).unwrap();
        assert_agrees(
            &format!("ER T={t:.3} energy"),
            summary.energy,
            thermal.energy_per_spin,
        );
        assert_agrees(
            &format!("ER T={t:.3} m^2"),
            summary.magnetisation_squared,
            thermal.magnetisation_squared,
        );
        assert_agrees(
            &format!("ER T={t:.3} q^2"),
            summary.overlap_squared.unwrap(),
            replicas.overlap_squared,
        );
        assert_agrees(
            &format!("ER T={t:.3} q^4"),
            summary.overlap_fourth.unwrap(),
            replicas.overlap_fourth,
        );
        assert_agrees(
            &format!("ER T={t:.3} q_l"),
            summary.link_overlap.unwrap(),
            replicas.link_overlap,
        );
    }
}

#[test]
#[ignore = "slow: equilibration of larger Gaussian samples checked by the energy/link-overlap identity"]
fn tempering_closes_the_gaussian_identity_on_sk_64_and_a_3d_lattice() {
    for (spec, ladder) in [
        (
            ModelSpec::SherringtonKirkpatrick {
                n: 64,
                couplings: CouplingDistribution::Gaussian,
                field: 0.0,
            },
            TemperatureLadder::geometric(0.4, 1.5, 16).unwrap(),
        ),
        (
            ModelSpec::EdwardsAnderson {
                dimension: 3,
                length: 4,
                couplings: CouplingDistribution::Gaussian,
                field: 0.0,
            },
            TemperatureLadder::geometric(0.5, 2.0, 12).unwrap(),
        ),
    ] {
        let config = TemperingConfig {
            ladder,
            replicas: 2,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
            sweeps_per_exchange: 1,
        };
        let run = run_ensemble(
            &spec.ensemble().unwrap(),
            &config,
            Schedule {
                equilibration_rounds: 20_000,
                measurement_rounds: 20_000,
            },
            8,
            32,
        )
        .unwrap();
        for point in &run.disorder {
            let gap = point.equilibration_gap.as_ref().unwrap();
            assert!(
                gap.mean().abs() < SIGMAS * gap.error(),
                "{spec:?} T={}: gap {} ± {}",
                point.temperature,
                gap.mean(),
                gap.error()
            );
        }
    }
}

#[test]
#[ignore = "slow: 2 x 10^6 heat-bath sweeps"]
fn heat_bath_in_a_field_matches_enumeration_on_a_4x4_ferromagnet() {
    // A field breaks the up-down symmetry, so the signed <m> is tested, at T = 2.5 and h = 0.1.
    let sample = ModelSpec::Ferromagnet {
        dimension: 2,
        length: 4,
        field: 0.1,
    }
    .ensemble()
    .unwrap()
    .draw(0, 0)
    .unwrap();
    let sampler =
        quench_mc::SingleSpinSampler::new(LocalRule::HeatBath, SweepOrder::Checkerboard, &sample)
            .unwrap();
    let beta = 1.0 / 2.5;
    let mut chain = ChainState::random(&sample, 1, 0, 0);
    sampler.sweeps(&sample, &mut chain, beta, 10_000);
    let (mut energy, mut m) = (BinningAccumulator::new(), BinningAccumulator::new());
    for _ in 0..2_000_000 {
        sampler.sweep(&sample, &mut chain, beta);
        energy.push(chain.energy_per_spin());
        m.push(magnetisation(&chain.spins));
    }
    let exact = Enumeration::new(&sample).unwrap().thermal(2.5).unwrap();
    assert_agrees("4x4 h=0.1 energy", energy.estimate(), exact.energy_per_spin);
    assert_agrees("4x4 h=0.1 m", m.estimate(), exact.magnetisation);
}
