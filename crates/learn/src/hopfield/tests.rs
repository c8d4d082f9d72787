use super::*;
use crate::dynamics::{Outcome, UpdateOrder};
use crate::patterns::{BinaryDistribution, corrupted_pattern};
use quench_core::rng::{Purpose, stream};
use quench_stats::BinningAccumulator;

fn networks(n: usize, p: usize, seed: u64) -> (HopfieldNetwork, HopfieldNetwork) {
    let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, n, p, seed, 0).unwrap();
    (
        HopfieldNetwork::new(patterns.clone(), Representation::Patterns).unwrap(),
        HopfieldNetwork::new(patterns, Representation::Couplings).unwrap(),
    )
}

fn random_state(n: usize, seed: u64) -> Vec<Spin> {
    quench_core::random_spins(n, &mut stream(seed, Purpose::InitialState, 0, 0))
}

/// $N h_i$ straight from the definition, $\sum_{j \ne i} \sum_\mu \xi_i^\mu \xi_j^\mu s_j$.
fn field_by_definition(patterns: &BinaryPatterns, spins: &[Spin], i: usize) -> i32 {
    (0..patterns.count())
        .map(|mu| {
            let xi = patterns.pattern(mu);
            (0..spins.len())
                .filter(|&j| j != i)
                .map(|j| i32::from(xi[i] * xi[j] * spins[j]))
                .sum::<i32>()
        })
        .sum()
}

const SIZES: [(usize, usize); 5] = [(10, 2), (50, 3), (64, 40), (101, 120), (37, 37)];

#[test]
fn both_representations_give_the_fields_and_energy_of_the_definition() {
    for (n, p) in SIZES {
        let (by_patterns, by_couplings) = networks(n, p, 11);
        let spins = random_state(n, n as u64);
        let a = by_patterns.state(spins.clone()).unwrap();
        let b = by_couplings.state(spins.clone()).unwrap();
        let mut twice_n_energy = 0i64;
        for i in 0..n {
            let expected = field_by_definition(by_patterns.patterns(), &spins, i);
            assert_eq!(
                by_patterns.integer_field(&a, i),
                expected,
                "N={n} P={p} i={i}"
            );
            assert_eq!(
                by_couplings.integer_field(&b, i),
                expected,
                "N={n} P={p} i={i}"
            );
            twice_n_energy -= i64::from(spins[i]) * i64::from(expected);
        }
        assert_eq!(by_patterns.twice_n_energy(&a), twice_n_energy);
        assert_eq!(by_couplings.twice_n_energy(&b), twice_n_energy);
        assert_eq!(by_patterns.overlaps(&a), by_couplings.overlaps(&b));
        // H(s) computed from f64 couplings as quench-core would.
        let j = |i: usize, k: usize| {
            if i == k {
                0.0
            } else {
                (0..p)
                    .map(|mu| {
                        f64::from(
                            by_patterns.patterns().pattern(mu)[i]
                                * by_patterns.patterns().pattern(mu)[k],
                        )
                    })
                    .sum::<f64>()
                    / n as f64
            }
        };
        let mut energy = 0.0;
        for i in 0..n {
            for k in 0..n {
                energy -= 0.5 * j(i, k) * f64::from(spins[i] * spins[k]);
            }
        }
        assert!((by_patterns.energy_per_spin(&a) - energy / n as f64).abs() < 1e-12);
    }
}

#[test]
fn automatic_representation_follows_the_documented_rule() {
    assert_eq!(
        HopfieldNetwork::resolve(Representation::Automatic, 1000, 100),
        Representation::Patterns
    );
    assert_eq!(
        HopfieldNetwork::resolve(Representation::Automatic, 1000, 1000),
        Representation::Couplings
    );
    assert_eq!(
        HopfieldNetwork::resolve(Representation::Automatic, 100_000, 200_000),
        Representation::Patterns
    );
    assert_eq!(
        HopfieldNetwork::resolve(Representation::Couplings, 10, 1),
        Representation::Couplings
    );
}

/// Runs `steps` of `step` on both representations from the same start and
/// the same stream, checking spins, energy and every field after each step.
fn assert_identical_trajectories(
    n: usize,
    p: usize,
    steps: usize,
    mut step: impl FnMut(&HopfieldNetwork, &mut HopfieldState, &mut quench_core::StreamRng) -> u64,
) {
    let (by_patterns, by_couplings) = networks(n, p, 5);
    let start = random_state(n, 3);
    let mut a = by_patterns.state(start.clone()).unwrap();
    let mut b = by_couplings.state(start).unwrap();
    let mut rng_a = stream(9, Purpose::Dynamics, 0, 0);
    let mut rng_b = stream(9, Purpose::Dynamics, 0, 0);
    let mut total_flips = 0;
    for t in 0..steps {
        let flips_a = step(&by_patterns, &mut a, &mut rng_a);
        let flips_b = step(&by_couplings, &mut b, &mut rng_b);
        assert_eq!(flips_a, flips_b, "N={n} P={p} step {t}");
        assert_eq!(a.spins(), b.spins(), "N={n} P={p} step {t}");
        assert_eq!(
            by_patterns.twice_n_energy(&a),
            by_couplings.twice_n_energy(&b)
        );
        for i in 0..n {
            assert_eq!(
                by_patterns.integer_field(&a, i),
                by_couplings.integer_field(&b, i)
            );
        }
        total_flips += flips_a;
    }
    assert_eq!(rng_a, rng_b, "both consumed the same random numbers");
    assert!(total_flips > 0, "N={n} P={p}: the trajectory never moved");
}

#[test]
fn representations_follow_bit_identical_trajectories() {
    for (n, p) in SIZES {
        let mut order = vec![0; n];
        for kind in [UpdateOrder::Random, UpdateOrder::Sequential] {
            assert_identical_trajectories(n, p, 6, |net, state, rng| {
                net.zero_temperature_sweep(state, kind, &mut order, rng)
            });
        }
        let mut fields = vec![0; n];
        assert_identical_trajectories(n, p, 6, |net, state, _| {
            net.synchronous_step(state, &mut fields)
        });
        for temperature in [0.3, 1.5] {
            let heat_bath = HeatBath::new(n, p, temperature).unwrap();
            assert_identical_trajectories(n, p, 20, |net, state, rng| {
                net.glauber_sweep(state, UpdateOrder::Random, &heat_bath, &mut order, rng)
            });
        }
    }
}

#[test]
fn relaxation_stops_at_fixed_points_and_synchronous_finds_two_cycles() {
    let (network, _) = networks(400, 8, 2);
    let start = corrupted_pattern(
        network.patterns().pattern(0),
        0.6,
        &mut stream(1, Purpose::InitialState, 0, 0),
    )
    .unwrap();
    let mut state = network.state(start).unwrap();
    let relaxation = network.relax(
        &mut state,
        UpdateOrder::Random,
        50,
        &mut stream(1, Purpose::Dynamics, 0, 0),
    );
    assert_eq!(relaxation.outcome, Outcome::FixedPoint);
    assert!(relaxation.sweeps >= 1 && relaxation.flips >= 80);
    assert!(network.overlap(&state, 0) > 0.99);
    for i in 0..400 {
        assert!(i32::from(state.spins()[i]) * network.integer_field(&state, i) >= 0);
    }
    // A second relaxation of a fixed point flips nothing.
    let again = network.relax(
        &mut state,
        UpdateOrder::Sequential,
        5,
        &mut stream(1, Purpose::Dynamics, 0, 1),
    );
    assert_eq!(
        (again.sweeps, again.flips, again.outcome),
        (0, 0, Outcome::FixedPoint)
    );

    // One pattern (+1, -1): J_12 = -1/2. From (+1, +1) both fields are
    // negative, both spins flip together, and back: a 2-cycle.
    let patterns = BinaryPatterns::from_values(2, vec![1, -1]).unwrap();
    for representation in [Representation::Patterns, Representation::Couplings] {
        let network = HopfieldNetwork::new(patterns.clone(), representation).unwrap();
        let mut state = network.state(vec![1, 1]).unwrap();
        let relaxation = network.synchronous(&mut state, 10);
        assert_eq!(relaxation.outcome, Outcome::TwoCycle);
        assert_eq!(relaxation.sweeps, 2);
        assert_eq!(state.spins(), &[1, 1]);
        // Asynchronous dynamics instead ends at a fixed point.
        let relaxation = network.relax(
            &mut state,
            UpdateOrder::Sequential,
            10,
            &mut stream(0, Purpose::Dynamics, 0, 0),
        );
        assert_eq!(relaxation.outcome, Outcome::FixedPoint);
        assert_eq!(state.spins(), &[-1, 1]);
    }
}

#[test]
fn heat_bath_table_equals_the_formula_inside_and_outside() {
    let heat_bath = HeatBath::new(10, 2, 0.05).unwrap();
    for x in -30..=30 {
        assert_eq!(heat_bath.threshold(x), heat_bath.compute(x));
        let expected = 1.0 / (1.0 + (-2.0 * f64::from(x) / 10.0 / 0.05).exp());
        assert!((heat_bath.probability_up(x) - expected).abs() < 1e-15);
    }
    assert_eq!(heat_bath.threshold(0), 1 << 63);
    assert!(HeatBath::new(10, 2, 0.0).is_err());
    assert!(HeatBath::new(10, 2, f64::NAN).is_err());
}

#[test]
fn symmetric_three_mixtures_are_stable_at_low_load() {
    let (network, _) = networks(3000, 5, 4);
    let mixture = network.patterns().symmetric_mixture(&[0, 1, 2]).unwrap();
    let mut state = network.state(mixture).unwrap();
    network.relax(
        &mut state,
        UpdateOrder::Random,
        20,
        &mut stream(4, Purpose::Dynamics, 0, 0),
    );
    let overlaps = network.overlaps(&state);
    for m in &overlaps[..3] {
        // Mean-field value 1/2, fluctuations O(1/sqrt(N)) = 0.02.
        assert!((m - 0.5).abs() < 0.08, "{overlaps:?}");
    }
    assert!(
        overlaps[3].abs() < 0.1 && overlaps[4].abs() < 0.1,
        "{overlaps:?}"
    );
}

#[test]
fn bad_configurations_are_rejected_with_a_reason() {
    let (network, _) = networks(10, 2, 0);
    let error = network.state(vec![1; 9]).unwrap_err().to_string();
    assert!(
        error.contains("9 entries") && error.contains("10 neurons"),
        "{error}"
    );
    let mut spins = vec![1; 10];
    spins[3] = 0;
    let error = network.state(spins).unwrap_err().to_string();
    assert!(error.contains("spin 3"), "{error}");
}

/// The exact Boltzmann averages of $H/N$ and $|m_1|$ by enumerating the
/// $2^N$ states ($H/N$ alone is a function of $\sum_\mu m_\mu^2$; $|m_1|$ is not).
fn exact_averages(network: &HopfieldNetwork, temperature: f64) -> (f64, f64) {
    let n = network.neurons();
    let mut state = network.state(vec![1; n]).unwrap();
    let (mut z, mut energy, mut overlap) = (0.0, 0.0, 0.0);
    let mut weights = Vec::new();
    for code in 0u32..(1 << n) {
        let spins: Vec<Spin> = (0..n)
            .map(|i| if code >> i & 1 == 1 { -1 } else { 1 })
            .collect();
        network.set_spins(&mut state, &spins).unwrap();
        weights.push((
            network.energy_per_spin(&state),
            network.overlap(&state, 0).abs(),
        ));
    }
    let minimum = weights.iter().map(|w| w.0).fold(f64::INFINITY, f64::min);
    for (e, q) in weights {
        let w = (-(e - minimum) * n as f64 / temperature).exp();
        z += w;
        energy += w * e;
        overlap += w * q;
    }
    (energy / z, overlap / z)
}

#[test]
fn glauber_dynamics_samples_the_boltzmann_distribution() {
    // N = 10, P = 2: exact enumeration of 1024 states. The z-scores use the
    // binning error of the run itself (autocorrelations included).
    for (temperature, representation) in [
        (0.4, Representation::Patterns),
        (1.2, Representation::Couplings),
    ] {
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 10, 2, 21, 0).unwrap();
        let network = HopfieldNetwork::new(patterns, representation).unwrap();
        let (exact_energy, exact_overlap) = exact_averages(&network, temperature);
        let heat_bath = HeatBath::new(10, 2, temperature).unwrap();
        let mut state = network.state(random_state(10, 8)).unwrap();
        let mut rng = stream(21, Purpose::Dynamics, 0, 0);
        let mut order = vec![0; 10];
        let (mut energy, mut overlap) = (BinningAccumulator::new(), BinningAccumulator::new());
        for sweep in 0..200_000 {
            network.glauber_sweep(
                &mut state,
                UpdateOrder::Random,
                &heat_bath,
                &mut order,
                &mut rng,
            );
            if sweep >= 1000 {
                energy.push(network.energy_per_spin(&state));
                overlap.push(network.overlap(&state, 0).abs());
            }
        }
        let (energy, overlap) = (energy.estimate(), overlap.estimate());
        assert!(
            energy.z_score(exact_energy).abs() < 4.0,
            "T={temperature}: {energy} vs exact {exact_energy}"
        );
        assert!(
            overlap.z_score(exact_overlap).abs() < 4.0,
            "T={temperature}: {overlap} vs exact {exact_overlap}"
        );
    }
}

#[test]
fn networks_above_32767_neurons_use_wide_overlaps_correctly() {
    let n = 33_000;
    let (network, _) = {
        let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, n, 4, 1, 0).unwrap();
        (
            HopfieldNetwork::new(patterns, Representation::Patterns).unwrap(),
            (),
        )
    };
    let spins = network.patterns().pattern(2).to_vec();
    let mut state = network.state(spins.clone()).unwrap();
    assert_eq!(network.overlap(&state, 2), 1.0);
    for i in [0, 1, 17_000, n - 1] {
        assert_eq!(
            network.integer_field(&state, i),
            field_by_definition(network.patterns(), &spins, i)
        );
    }
    network.flip(&mut state, 5);
    assert_eq!(network.integer_overlaps(&state)[2], n as i32 - 2);
    let relaxation = network.relax(
        &mut state,
        UpdateOrder::Sequential,
        5,
        &mut stream(0, Purpose::Dynamics, 0, 0),
    );
    assert_eq!(relaxation.outcome, Outcome::FixedPoint);
    assert_eq!(network.overlap(&state, 2), 1.0);
}
