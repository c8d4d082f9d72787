//! Capacity of dense associative memories (Krotov and Hopfield 2016:
//! polynomial F(x) = x^n stores of order N^(n-1) patterns; Demircigil et al.
//! 2017: F(x) = e^x stores exponentially many).

use quench_learn::dense::Interaction;
use quench_learn::dense::capacity::{CapacitySpec, capacity_experiment, capacity_point};

fn spec(interaction: Interaction, neurons: usize, lower: usize, upper: usize) -> CapacitySpec {
    let mut spec = CapacitySpec::new(neurons, interaction, lower, upper, 1);
    spec.threads = 2;
    spec.samples = 6;
    spec.relative_resolution = 0.1;
    spec
}

#[test]
fn cubic_interactions_store_many_more_patterns_than_quadratic_ones() {
    // N = 100, starts with 10 % of the components flipped, at most 1 % wrong
    // at the end in 90 % of the trials.
    let quadratic =
        capacity_experiment(&spec(Interaction::Polynomial { degree: 2 }, 100, 2, 800)).unwrap();
    let cubic =
        capacity_experiment(&spec(Interaction::Polynomial { degree: 3 }, 100, 2, 800)).unwrap();
    let (two, three) = (quadratic.capacity.unwrap(), cubic.capacity.unwrap());
    // Measured 10 and about 450: the ratio is of order N.
    assert!((5..=20).contains(&two), "{quadratic:?}");
    assert!(three > 10 * two, "n = 3: {three}, n = 2: {two}");
    assert!(quadratic.first_failure.unwrap() < cubic.capacity.unwrap());
    // The bracket is tight and its ends straddle the required success.
    for result in [&quadratic, &cubic] {
        let capacity = result.capacity.unwrap();
        let failure = result.first_failure.unwrap();
        assert!(failure as f64 <= capacity as f64 * 1.1 || failure - capacity <= 1);
        let at = |p: usize| result.points.iter().find(|q| q.patterns == p).unwrap();
        assert!(at(capacity).stored && !at(failure).stored);
    }
}

#[test]
fn exponential_interaction_retrieves_far_more_patterns_than_neurons() {
    // N = 40, P = 2000 = 50 N, 10 % corrupted starts (4 flipped spins).
    let mut exponential = spec(Interaction::Exponential, 40, 2000, 2000);
    exponential.samples = 8;
    let point = capacity_point(&exponential, 2000).unwrap();
    assert!(point.success.mean > 0.95, "{point:?}");
    assert_eq!(point.final_error.mean, 0.0, "{point:?}");
    // The Hopfield network at the same load retrieves nothing.
    let hopfield = spec(Interaction::Polynomial { degree: 2 }, 40, 2000, 2000);
    assert_eq!(capacity_point(&hopfield, 2000).unwrap().success.mean, 0.0);
}

#[test]
fn log_sum_exp_retrieves_like_the_exponential_at_unit_sharpness() {
    let lse = spec(Interaction::LogSumExp { sharpness: 1.0 }, 40, 500, 500);
    let point = capacity_point(&lse, 500).unwrap();
    assert!(point.success.mean > 0.95, "{point:?}");
}

#[test]
fn capacity_results_do_not_depend_on_threads_and_bad_input_is_rejected() {
    let mut one = spec(Interaction::Polynomial { degree: 3 }, 40, 2, 100);
    one.threads = 1;
    let two = CapacitySpec {
        threads: 2,
        ..one.clone()
    };
    assert_eq!(
        capacity_experiment(&one).unwrap(),
        capacity_experiment(&two).unwrap()
    );
    let mut bad = one.clone();
    bad.allowed_error = 0.7;
    assert!(
        capacity_experiment(&bad)
            .unwrap_err()
            .to_string()
            .contains("allowed_error")
    );
    let mut bad = one;
    bad.upper = 1;
    assert!(
        capacity_experiment(&bad)
            .unwrap_err()
            .to_string()
            .contains("upper")
    );
}
