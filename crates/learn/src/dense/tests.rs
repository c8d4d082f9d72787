use super::*;
use crate::dynamics::Outcome;
use crate::hopfield::{HopfieldNetwork, Representation};
use crate::patterns::{BinaryDistribution, corrupted_pattern};
use quench_core::rng::{Purpose, stream};
use quench_stats::BinningAccumulator;

fn patterns(n: usize, p: usize, seed: u64) -> BinaryPatterns {
    BinaryPatterns::draw(BinaryDistribution::Unbiased, n, p, seed, 0).unwrap()
}

fn random_state(n: usize, seed: u64) -> Vec<Spin> {
    quench_core::random_spins(n, &mut stream(seed, Purpose::InitialState, 0, 0))
}

const INTERACTIONS: [Interaction; 6] = [
    Interaction::Polynomial { degree: 2 },
    Interaction::Polynomial { degree: 3 },
    Interaction::RectifiedPolynomial { degree: 4 },
    Interaction::Exponential,
    Interaction::LogSumExp { sharpness: 0.3 },
    Interaction::LogSumExp { sharpness: 2.0 },
];

#[test]
fn quadratic_energy_changes_equal_the_hopfield_ones_exactly() {
    for (n, p) in [(10, 2), (64, 40), (150, 300)] {
        let xi = patterns(n, p, 6);
        let dense = DenseMemory::new(xi.clone(), Interaction::Polynomial { degree: 2 }).unwrap();
        for representation in [Representation::Patterns, Representation::Couplings] {
            let hopfield = HopfieldNetwork::new(xi.clone(), representation).unwrap();
            let spins = random_state(n, p as u64);
            let mut a = dense.state(spins.clone()).unwrap();
            let mut b = hopfield.state(spins).unwrap();
            for step in 0..3 * n {
                for i in 0..n {
                    // E = -sum M^2 = 2 N H - P N, so dE = 2 N dH = 4 s_i (N h_i).
                    let hopfield_change =
                        4 * i64::from(b.spins()[i]) * i64::from(hopfield.integer_field(&b, i));
                    assert_eq!(
                        dense.flip_energy(&a, i),
                        hopfield_change as f64,
                        "N={n} P={p} i={i}"
                    );
                }
                assert_eq!(
                    dense.energy(&a),
                    (hopfield.twice_n_energy(&b) - (p * n) as i64) as f64
                );
                let k = (step * 7919) % n;
                dense.flip(&mut a, k);
                hopfield.flip(&mut b, k);
            }
        }
    }
}

#[test]
fn flip_energies_and_cached_energies_match_the_definition() {
    for interaction in INTERACTIONS {
        let (n, p) = (12, 7);
        let memory = DenseMemory::new(patterns(n, p, 2), interaction).unwrap();
        let mut state = memory.state(random_state(n, 4)).unwrap();
        for step in 0..40 {
            let energy = interaction.energy_of_overlaps(state.integer_overlaps());
            assert!(
                (memory.energy(&state) - energy).abs() <= 1e-12 * energy.abs().max(1.0),
                "{interaction:?}"
            );
            for i in 0..n {
                let mut flipped = state.spins().to_vec();
                flipped[i] = -flipped[i];
                let after =
                    interaction.energy_of_overlaps(&memory.patterns().integer_overlaps(&flipped));
                let expected = after - energy;
                let got = memory.flip_energy(&state, i);
                assert!(
                    (got - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                    "{interaction:?} step {step} i={i}: {got} vs {expected}"
                );
                assert_eq!(
                    LocalMoves::change(&memory, &state, i).lowers_energy(),
                    got < 0.0,
                    "{interaction:?}"
                );
            }
            memory.flip(&mut state, (step * 5) % n);
        }
    }
}

#[test]
fn exponential_forms_do_not_overflow_at_large_n() {
    let xi = patterns(3000, 50, 1);
    for interaction in [
        Interaction::Exponential,
        Interaction::LogSumExp { sharpness: 1.0 },
    ] {
        let memory = DenseMemory::new(xi.clone(), interaction).unwrap();
        let start = corrupted_pattern(
            xi.pattern(3),
            0.4,
            &mut stream(1, Purpose::InitialState, 0, 0),
        )
        .unwrap();
        let mut state = memory.state(start).unwrap();
        for i in 0..3000 {
            assert!(!memory.flip_energy(&state, i).is_nan());
        }
        let relaxation = memory.relax(
            &mut state,
            UpdateOrder::Random,
            10,
            &mut stream(1, Purpose::Dynamics, 0, 0),
        );
        assert_eq!(relaxation.outcome, Outcome::FixedPoint);
        assert_eq!(memory.overlaps(&state)[3], 1.0, "{interaction:?}");
        assert!(!memory.energy(&state).is_nan());
    }
}

#[test]
fn bad_parameters_are_rejected() {
    let xi = patterns(10, 2, 0);
    for bad in [
        Interaction::Polynomial { degree: 0 },
        Interaction::RectifiedPolynomial { degree: 65 },
        Interaction::LogSumExp { sharpness: 0.0 },
        Interaction::LogSumExp {
            sharpness: f64::INFINITY,
        },
    ] {
        assert!(DenseMemory::new(xi.clone(), bad).is_err(), "{bad:?}");
    }
    let memory = DenseMemory::new(xi, Interaction::Exponential).unwrap();
    let mut state = memory.state(vec![1; 10]).unwrap();
    let error = memory
        .glauber_sweep(
            &mut state,
            UpdateOrder::Random,
            -1.0,
            &mut vec![0; 10],
            &mut stream(0, Purpose::Dynamics, 0, 0),
        )
        .unwrap_err();
    assert!(error.to_string().contains("temperature"));
}

#[test]
fn glauber_dynamics_samples_the_boltzmann_distribution() {
    // N = 10: exact enumeration; z-scores from the run's binning errors.
    for (interaction, temperature) in [
        (Interaction::Polynomial { degree: 3 }, 150.0),
        (Interaction::LogSumExp { sharpness: 0.5 }, 1.5),
    ] {
        let n = 10;
        let memory = DenseMemory::new(patterns(n, 3, 12), interaction).unwrap();
        let (mut z, mut mean_energy, mut mean_overlap) = (0.0, 0.0, 0.0);
        let mut levels = Vec::new();
        for code in 0u32..(1 << n) {
            let spins: Vec<Spin> = (0..n)
                .map(|i| if code >> i & 1 == 1 { -1 } else { 1 })
                .collect();
            let overlaps = memory.patterns().integer_overlaps(&spins);
            levels.push((
                interaction.energy_of_overlaps(&overlaps),
                (f64::from(overlaps[0]) / n as f64).abs(),
            ));
        }
        let ground = levels.iter().map(|l| l.0).fold(f64::INFINITY, f64::min);
        for (e, m) in levels {
            let w = (-(e - ground) / temperature).exp();
            z += w;
            mean_energy += w * e;
            mean_overlap += w * m;
        }
        let (exact_energy, exact_overlap) = (mean_energy / z, mean_overlap / z);
        let mut state = memory.state(random_state(n, 1)).unwrap();
        let mut rng = stream(12, Purpose::Dynamics, 0, 0);
        let (mut energy, mut overlap) = (BinningAccumulator::new(), BinningAccumulator::new());
        let mut order = vec![0; n];
        for sweep in 0..100_000 {
            memory
                .glauber_sweep(
                    &mut state,
                    UpdateOrder::Random,
                    temperature,
                    &mut order,
                    &mut rng,
                )
                .unwrap();
            if sweep >= 1000 {
                energy.push(memory.energy(&state));
                overlap.push(memory.overlaps(&state)[0].abs());
            }
        }
        let (energy, overlap) = (energy.estimate(), overlap.estimate());
        assert!(
            energy.z_score(exact_energy).abs() < 4.0,
            "{interaction:?}: {energy} vs {exact_energy}"
        );
        assert!(
            overlap.z_score(exact_overlap).abs() < 4.0,
            "{interaction:?}: {overlap} vs {exact_overlap}"
        );
    }
}
