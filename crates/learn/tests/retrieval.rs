//! Retrieval by the Hopfield network against the load, at zero and finite
//! temperature, compared with the replica phase diagram of Amit, Gutfreund
//! and Sompolinsky (1985, 1987): retrieval states exist at zero temperature
//! for alpha < alpha_c = 0.138, and at alpha -> 0 for T < 1.
//!
//! Tolerances are three standard errors over the disorder samples of the run.

use quench_learn::dynamics::{Dynamics, Outcome, UpdateOrder};
use quench_learn::hopfield::{
    Load, Representation, RetrievalSpec, attraction_basin, retrieval_curve, retrieval_experiment,
};

fn spec(neurons: usize, load: f64, dynamics: Dynamics, samples: usize) -> RetrievalSpec {
    let mut spec = RetrievalSpec::new(neurons, Load::Ratio(load), dynamics, 2024);
    spec.samples = samples;
    spec.threads = 2;
    spec
}

const ZERO_TEMPERATURE: Dynamics = Dynamics::ZeroTemperature {
    order: UpdateOrder::Random,
};

#[test]
fn zero_temperature_retrieval_below_capacity_and_failure_above() {
    let loads = [Load::Ratio(0.05), Load::Ratio(0.25)];
    let curve = retrieval_curve(&spec(2000, 0.1, ZERO_TEMPERATURE, 8), &loads).unwrap();
    let (low, high) = (&curve[0], &curve[1]);
    assert_eq!((low.patterns, high.patterns), (100, 500));
    let (m, error) = (low.final_overlap.mean, low.final_overlap.error);
    assert!(
        m + 3.0 * error > 0.95,
        "alpha = 0.05: {}",
        low.final_overlap
    );
    assert!(
        low.retrieved_fraction.mean > 0.9,
        "{}",
        low.retrieved_fraction
    );
    let (m, error) = (high.final_overlap.mean, high.final_overlap.error);
    assert!(
        m + 3.0 * error < 0.5,
        "alpha = 0.25: {}",
        high.final_overlap
    );
    assert_eq!(high.retrieved_fraction.mean, 0.0);
    assert_eq!(high.converged_fraction, 1.0);
    assert!(
        high.samples
            .iter()
            .all(|s| s.relaxation.outcome == Outcome::FixedPoint)
    );
}

#[test]
fn synchronous_dynamics_and_the_coupling_representation_agree_on_retrieval() {
    let mut low = spec(1000, 0.05, Dynamics::Synchronous, 4);
    low.representation = Representation::Couplings;
    low.initial_overlap = 0.7;
    let result = retrieval_experiment(&low).unwrap();
    assert_eq!(result.representation, Representation::Couplings);
    assert!(result.final_overlap.mean > 0.95, "{}", result.final_overlap);
    assert!(result.converged_fraction == 1.0);
}

#[test]
fn glauber_retrieves_at_low_temperature_and_not_above_the_critical_one() {
    let glauber = |temperature| Dynamics::Glauber {
        temperature,
        order: UpdateOrder::Random,
    };
    let mut cold = spec(1000, 0.02, glauber(0.2), 4);
    cold.sweeps = 200;
    let cold = retrieval_experiment(&cold).unwrap();
    let thermal = cold.thermal_overlap.unwrap();
    assert!(thermal.mean > 0.95, "T = 0.2: {thermal}");
    let mut hot = spec(1000, 0.02, glauber(1.5), 4);
    hot.sweeps = 200;
    let hot = retrieval_experiment(&hot).unwrap();
    let thermal = hot.thermal_overlap.unwrap();
    // Paramagnet: m = O(1/sqrt(N)) = 0.03.
    assert!(thermal.mean.abs() < 0.1, "T = 1.5: {thermal}");
    assert!(
        hot.samples
            .iter()
            .all(|s| s.relaxation.outcome == Outcome::Sampled)
    );
}

#[test]
fn basin_of_attraction_grows_with_the_initial_overlap() {
    let basin = attraction_basin(&spec(1000, 0.05, ZERO_TEMPERATURE, 4), &[0.0, 0.5, 0.9]).unwrap();
    assert!(basin[0].final_overlap.mean < 0.5, "{:?}", basin[0]);
    assert!(basin[1].final_overlap.mean > 0.95, "{:?}", basin[1]);
    assert!(basin[2].final_overlap.mean > 0.95, "{:?}", basin[2]);
    assert!(basin[2].sweeps.mean <= basin[1].sweeps.mean);
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let mut one = spec(300, 0.1, ZERO_TEMPERATURE, 5);
    one.initial_overlap = 0.6;
    one.threads = 1;
    let two = RetrievalSpec {
        threads: 2,
        ..one.clone()
    };
    assert_eq!(
        retrieval_experiment(&one).unwrap(),
        retrieval_experiment(&two).unwrap()
    );
}

#[test]
fn bad_parameters_name_the_parameter() {
    let mut bad = spec(100, 0.1, ZERO_TEMPERATURE, 2);
    bad.initial_overlap = 1.5;
    let error = retrieval_experiment(&bad).unwrap_err().to_string();
    assert!(error.contains("initial_overlap"), "{error}");
    let bad = spec(100, -0.1, ZERO_TEMPERATURE, 2);
    let error = retrieval_experiment(&bad).unwrap_err().to_string();
    assert!(error.contains("load"), "{error}");
    let bad = spec(
        100,
        0.1,
        Dynamics::Glauber {
            temperature: -1.0,
            order: UpdateOrder::Random,
        },
        2,
    );
    let error = retrieval_experiment(&bad).unwrap_err().to_string();
    assert!(error.contains("temperature"), "{error}");
    let mut bad = spec(100, 0.1, ZERO_TEMPERATURE, 2);
    bad.threads = 0;
    assert!(
        retrieval_experiment(&bad)
            .unwrap_err()
            .to_string()
            .contains("threads")
    );
}

/// The exact thermal average of m for P = 1 at finite N, restricted to the
/// retrieval side M > 0 (the side the run starts on and cannot leave: the
/// barrier grows with N). With k spins aligned to the pattern, M = 2k - N
/// and the weight is C(N, k) exp(M^2 / (2 N T)).
fn exact_mattis_overlap(n: usize, temperature: f64) -> f64 {
    let mut log_factorial = vec![0.0f64; n + 1];
    for k in 1..=n {
        log_factorial[k] = log_factorial[k - 1] + (k as f64).ln();
    }
    let log_weight = |k: usize| {
        let m = (2 * k) as f64 - n as f64;
        log_factorial[n] - log_factorial[k] - log_factorial[n - k]
            + m * m / (2.0 * n as f64 * temperature)
    };
    let aligned = n / 2 + 1..=n;
    let largest = aligned
        .clone()
        .map(log_weight)
        .fold(f64::NEG_INFINITY, f64::max);
    let (mut z, mut sum) = (0.0, 0.0);
    for k in aligned {
        let w = (log_weight(k) - largest).exp();
        z += w;
        sum += w * ((2 * k) as f64 - n as f64) / n as f64;
    }
    sum / z
}

#[test]
fn a_single_pattern_is_a_curie_weiss_ferromagnet() {
    // P = 1: H = -(M^2 - N)/(2N) with M the overlap, the Curie–Weiss model
    // after the gauge s_i -> xi_i s_i; m -> tanh(m/T) solves it as N -> oo.
    let n = 4000;
    for temperature in [0.5, 0.8] {
        let mut spec = spec(
            n,
            1.0 / n as f64,
            Dynamics::Glauber {
                temperature,
                order: UpdateOrder::Random,
            },
            4,
        );
        spec.sweeps = 4000;
        let result = retrieval_experiment(&spec).unwrap();
        assert_eq!(result.patterns, 1);
        let thermal = result.thermal_overlap.unwrap();
        let exact = exact_mattis_overlap(n, temperature);
        assert!(
            thermal.z_score(exact).abs() < 4.0,
            "T = {temperature}: {thermal} vs exact {exact}"
        );
        let mut infinite = 1.0f64;
        for _ in 0..10_000 {
            infinite = (infinite / temperature).tanh();
        }
        assert!(
            (exact - infinite).abs() < 2e-3,
            "finite-size shift {exact} vs {infinite}"
        );
    }
}

/// Slow (about 8 s on two cores): run with
/// `cargo test -p quench-learn --release --test retrieval -- --ignored`.
#[test]
#[ignore = "slow: N = 10^4, 16 samples per load"]
fn retrieval_transition_at_ten_thousand_neurons() {
    // Amit, Gutfreund and Sompolinsky (1987): the retrieval state exists up
    // to alpha_c = 0.138 with m(alpha_c) = 0.967 and m > 0.99 at alpha = 0.1.
    let below = retrieval_experiment(&spec(10_000, 0.10, ZERO_TEMPERATURE, 16)).unwrap();
    let above = retrieval_experiment(&spec(10_000, 0.20, ZERO_TEMPERATURE, 16)).unwrap();
    eprintln!(
        "alpha = 0.10: {}, alpha = 0.20: {}",
        below.final_overlap, above.final_overlap
    );
    assert!(below.final_overlap.mean > 0.97, "{}", below.final_overlap);
    assert_eq!(below.retrieved_fraction.mean, 1.0);
    let (m, error) = (above.final_overlap.mean, above.final_overlap.error);
    assert!(m + 3.0 * error < 0.5, "{}", above.final_overlap);
}
