//! Retrieval by the Hopfield network against the load, at zero and finite
//! temperature, compared with the replica phase diagram of Amit, Gutfreund
//! and Sompolinsky (1985, 1987): retrieval states exist at zero temperature
//! for alpha < alpha_c = 0.138, and at alpha -> 0 for T < 1.
//!
//! Tolerances are three standard errors over the disorder samples of the run.

use quench_learn::dynamics::{Dynamics, Outcome, UpdateOrder};
use quench_learn::hopfield::{
    Load, Representation, RetrievalSpec, attraction_basin, retrieval_experiment,
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
    let low = retrieval_experiment(&spec(2000, 0.05, ZERO_TEMPERATURE, 8)).unwrap();
    let high = retrieval_experiment(&spec(2000, 0.25, ZERO_TEMPERATURE, 8)).unwrap();
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
