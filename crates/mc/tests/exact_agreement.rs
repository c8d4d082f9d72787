//! Every sampler against exact enumeration on small systems.
//!
//! Each case runs one sampler on one sample, measures after every sweep and
//! compares the thermal averages with `quench-exact` in units of the run's own
//! standard error (autocorrelation included). Breaking an acceptance rule by
//! hand (e.g. $e^{-\beta\Delta E/2}$ in Metropolis) makes these tests fail.

mod common;

use common::assert_agrees;
use quench_core::observables::magnetisation;
use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_mc::{
    ChainState, LocalRule, Schedule, SingleSpinSampler, SweepOrder, TemperatureLadder,
    TemperingConfig, WolffCluster, WolffScratch, run_sample,
};
use quench_stats::BinningAccumulator;

fn draw(spec: ModelSpec, seed: u64) -> Sample {
    spec.ensemble().unwrap().draw(seed, 0).unwrap()
}

fn sk() -> Sample {
    draw(
        ModelSpec::SherringtonKirkpatrick {
            n: 10,
            couplings: CouplingDistribution::Gaussian,
            field: 0.3,
        },
        11,
    )
}

fn ea() -> Sample {
    draw(
        ModelSpec::EdwardsAnderson {
            dimension: 2,
            length: 4,
            couplings: CouplingDistribution::PlusMinusOne,
            field: 0.0,
        },
        12,
    )
}

fn random_regular() -> Sample {
    draw(
        ModelSpec::RandomRegular {
            n: 12,
            degree: 3,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        13,
    )
}

/// Runs `sweeps` sweeps after `sweeps / 10` of equilibration and checks
/// energy, |m| and m^2 against enumeration.
fn check_single_spin(
    name: &str,
    sample: &Sample,
    rule: LocalRule,
    order: SweepOrder,
    temperature: f64,
    seed: u64,
) {
    let sampler = SingleSpinSampler::new(rule, order, sample).unwrap();
    let mut chain = ChainState::random(sample, seed, 0, 0);
    let beta = 1.0 / temperature;
    let sweeps = 100_000;
    sampler.sweeps(sample, &mut chain, beta, sweeps / 10);
    let (mut energy, mut m_abs, mut m_sq) = (
        BinningAccumulator::new(),
        BinningAccumulator::new(),
        BinningAccumulator::new(),
    );
    for _ in 0..sweeps {
        sampler.sweep(sample, &mut chain, beta);
        let m = magnetisation(&chain.spins);
        energy.push(chain.energy_per_spin());
        m_abs.push(m.abs());
        m_sq.push(m * m);
    }
    // The incrementally tracked energy stays exact.
    assert!((chain.energy - sample.energy(&chain.spins)).abs() < 1e-9);
    let exact = Enumeration::new(sample)
        .unwrap()
        .thermal(temperature)
        .unwrap();
    let label = format!("{name} {rule:?} {order:?} T={temperature}");
    assert_agrees(
        &format!("{label} energy"),
        energy.estimate(),
        exact.energy_per_spin,
    );
    assert_agrees(
        &format!("{label} |m|"),
        m_abs.estimate(),
        exact.absolute_magnetisation,
    );
    assert_agrees(
        &format!("{label} m^2"),
        m_sq.estimate(),
        exact.magnetisation_squared,
    );
}

#[test]
fn metropolis_and_heat_bath_reproduce_enumeration_on_sk_with_a_field() {
    let sample = sk();
    for rule in [LocalRule::Metropolis, LocalRule::HeatBath] {
        for order in [SweepOrder::Sequential, SweepOrder::Random] {
            check_single_spin("SK N=10 h=0.3", &sample, rule, order, 0.8, 1);
        }
    }
}

#[test]
fn metropolis_and_heat_bath_reproduce_enumeration_on_a_4x4_pm_j_lattice() {
    let sample = ea();
    for rule in [LocalRule::Metropolis, LocalRule::HeatBath] {
        for order in [
            SweepOrder::Sequential,
            SweepOrder::Checkerboard,
            SweepOrder::Random,
        ] {
            check_single_spin("EA 4x4 ±J", &sample, rule, order, 1.2, 2);
        }
    }
}

#[test]
fn metropolis_and_heat_bath_reproduce_enumeration_on_a_random_regular_graph() {
    let sample = random_regular();
    for rule in [LocalRule::Metropolis, LocalRule::HeatBath] {
        for order in [SweepOrder::Sequential, SweepOrder::Random] {
            check_single_spin("RRG N=12 c=3", &sample, rule, order, 0.9, 3);
        }
    }
}

#[test]
fn wolff_reproduces_enumeration_on_a_4x4_ferromagnet() {
    let sample = draw(
        ModelSpec::Ferromagnet {
            dimension: 2,
            length: 4,
            field: 0.0,
        },
        0,
    );
    let wolff = WolffCluster::new(&sample).unwrap();
    let mut scratch = WolffScratch::default();
    for temperature in [1.8, 2.5, 4.0] {
        let beta = 1.0 / temperature;
        let mut chain = ChainState::random(&sample, 4, 0, 0);
        let (mut energy, mut m_sq) = (BinningAccumulator::new(), BinningAccumulator::new());
        for step in 0..220_000 {
            wolff.step(&sample, &mut chain, beta, &mut scratch);
            if step >= 20_000 {
                let m = magnetisation(&chain.spins);
                energy.push(chain.energy_per_spin());
                m_sq.push(m * m);
            }
        }
        let exact = Enumeration::new(&sample)
            .unwrap()
            .thermal(temperature)
            .unwrap();
        assert_agrees(
            &format!("Wolff 4x4 T={temperature} energy"),
            energy.estimate(),
            exact.energy_per_spin,
        );
        assert_agrees(
            &format!("Wolff 4x4 T={temperature} m^2"),
            m_sq.estimate(),
            exact.magnetisation_squared,
        );
    }
}

#[test]
fn parallel_tempering_reproduces_enumeration_including_overlaps() {
    // SK N = 12 well below T_c = 1, where single-spin dynamics alone is slow.
    let sample = draw(
        ModelSpec::SherringtonKirkpatrick {
            n: 12,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        21,
    );
    let config = TemperingConfig {
        ladder: TemperatureLadder::geometric(0.3, 1.5, 8).unwrap(),
        replicas: 2,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    };
    let schedule = Schedule {
        equilibration_rounds: 2_000,
        measurement_rounds: 60_000,
    };
    let run = run_sample(&sample, &config, schedule, 5, 0).unwrap();
    let enumeration = Enumeration::new(&sample).unwrap();
    for summary in &run.thermal {
        let t = summary.temperature;
        let exact = enumeration.thermal(t).unwrap();
        let replicas = enumeration.replicas(&sample, t).unwrap();
        assert_agrees(
            &format!("PT T={t:.3} energy"),
            summary.energy,
            exact.energy_per_spin,
        );
        assert_agrees(
            &format!("PT T={t:.3} |m|"),
            summary.absolute_magnetisation,
            exact.absolute_magnetisation,
        );
        assert_agrees(
            &format!("PT T={t:.3} q^2"),
            summary.overlap_squared.unwrap(),
            replicas.overlap_squared,
        );
        assert_agrees(
            &format!("PT T={t:.3} q^4"),
            summary.overlap_fourth.unwrap(),
            replicas.overlap_fourth,
        );
        assert_agrees(
            &format!("PT T={t:.3} q_l"),
            summary.link_overlap.unwrap(),
            replicas.link_overlap,
        );
        // P(q): the histogram has one bin per value of q, compare bin by bin
        // with a crude error (a binomial error inflated by tau of q^2).
        let histogram = &summary.overlap_distribution;
        let total = histogram.total_weight();
        let tau = summary.overlap_squared.unwrap().tau_int.max(0.5);
        for ((_, p_exact), count) in replicas.overlap_distribution.iter().zip(histogram.counts()) {
            let p = count / total;
            let error = (2.0 * tau * p_exact * (1.0 - p_exact) / total)
                .sqrt()
                .max(1e-12);
            assert!(
                (p - p_exact).abs() < 5.0 * error + 1e-9,
                "P(q) at T={t}: {p} vs {p_exact} ± {error}"
            );
        }
    }
    assert!(
        run.exchange_acceptance.iter().all(|&a| a > 0.1),
        "{:?}",
        run.exchange_acceptance
    );
    assert!(run.round_trips > 100, "round trips {}", run.round_trips);
}

#[test]
fn parallel_tempering_on_a_lattice_reproduces_the_fourier_overlap() {
    let sample = draw(
        ModelSpec::EdwardsAnderson {
            dimension: 2,
            length: 4,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        31,
    );
    let config = TemperingConfig {
        ladder: TemperatureLadder::from_list(vec![0.5, 0.8, 1.2, 1.8]).unwrap(),
        replicas: 3,
        rule: LocalRule::HeatBath,
        order: SweepOrder::Checkerboard,
        sweeps_per_exchange: 2,
    };
    let run = run_sample(
        &sample,
        &config,
        Schedule {
            equilibration_rounds: 1_000,
            measurement_rounds: 40_000,
        },
        6,
        0,
    )
    .unwrap();
    let enumeration = Enumeration::new(&sample).unwrap();
    for summary in &run.thermal {
        let replicas = enumeration.replicas(&sample, summary.temperature).unwrap();
        let t = summary.temperature;
        assert_agrees(
            &format!("EA PT T={t} |q(k)|^2"),
            summary.fourier_overlap_squared.unwrap(),
            replicas.fourier_overlap_squared,
        );
        assert_agrees(
            &format!("EA PT T={t} q_l"),
            summary.link_overlap.unwrap(),
            replicas.link_overlap,
        );
        assert_agrees(
            &format!("EA PT T={t} |q|"),
            summary.absolute_overlap.unwrap(),
            replicas.absolute_overlap,
        );
    }
}

/// The ultrametric triplet test of four replicas (all four triplets of a
/// measurement averaged) against the exact three-replica sums: the sorted
/// $|q|$ gaps $\langle d_{12}\rangle$ and $\langle d_{23}\rangle$ of an SK
/// sample at temperatures across its freezing.
#[test]
fn parallel_tempering_reproduces_the_exact_ultrametric_gaps() {
    let sample = draw(
        ModelSpec::SherringtonKirkpatrick {
            n: 9,
            couplings: CouplingDistribution::Gaussian,
            field: 0.0,
        },
        41,
    );
    let config = TemperingConfig {
        ladder: TemperatureLadder::from_list(vec![0.3, 0.5, 0.8, 1.3]).unwrap(),
        replicas: 4,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    };
    let run = run_sample(
        &sample,
        &config,
        Schedule {
            equilibration_rounds: 1_000,
            measurement_rounds: 40_000,
        },
        7,
        0,
    )
    .unwrap();
    let enumeration = Enumeration::new(&sample).unwrap();
    for summary in &run.thermal {
        let t = summary.temperature;
        let exact = enumeration.triplets(t).unwrap();
        assert_agrees(
            &format!("SK PT T={t} d12"),
            summary.ultrametric_lower_gap.unwrap(),
            exact.lower_gap,
        );
        assert_agrees(
            &format!("SK PT T={t} d23"),
            summary.ultrametric_upper_gap.unwrap(),
            exact.upper_gap,
        );
    }
}
