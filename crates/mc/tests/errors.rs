//! Bad parameters give typed errors naming the parameter and the allowed range, never a panic.

use quench_core::{CouplingDistribution, ModelSpec, ParameterError};
use quench_mc::{
    AnnealingSchedule, LocalRule, ParallelTempering, SamplerError, Schedule, SingleSpinSampler,
    SweepOrder, TemperatureLadder, TemperingConfig, WolffCluster, inverse_temperature,
    run_ensemble, search_ground_state,
};

fn parameter(error: SamplerError) -> ParameterError {
    match error {
        SamplerError::Parameter(p) => p,
        other => panic!("expected a parameter error, got {other}"),
    }
}

#[test]
fn temperatures_must_be_positive_and_ladders_non_empty() {
    for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let error = inverse_temperature(t).unwrap_err();
        assert_eq!(error.parameter, "temperature");
        assert!(error.to_string().contains("temperature > 0"), "{error}");
    }
    let error = TemperatureLadder::from_list(vec![]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter `temperatures` = [] is out of range: allowed is a non-empty list of temperatures > 0"
    );
    assert!(AnnealingSchedule::linear_in_beta(0.0, 1.0, 10, 1).is_err());
}

#[test]
fn samplers_refuse_samples_they_do_not_apply_to() {
    let odd = ModelSpec::EdwardsAnderson {
        dimension: 2,
        length: 3,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(1, 0)
    .unwrap();
    let error =
        SingleSpinSampler::new(LocalRule::Metropolis, SweepOrder::Checkerboard, &odd).unwrap_err();
    assert!(matches!(error, SamplerError::NotApplicable { .. }));
    assert!(error.to_string().contains("not bipartite"), "{error}");
    let error = WolffCluster::new(&odd).unwrap_err();
    assert!(error.to_string().contains("negative"), "{error}");
    let in_field = ModelSpec::Ferromagnet {
        dimension: 2,
        length: 4,
        field: 0.5,
    }
    .ensemble()
    .unwrap()
    .draw(0, 0)
    .unwrap();
    assert!(
        WolffCluster::new(&in_field)
            .unwrap_err()
            .to_string()
            .contains("field")
    );
}

#[test]
fn tempering_and_workflows_validate_counts() {
    let sample = ModelSpec::SherringtonKirkpatrick {
        n: 4,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(1, 0)
    .unwrap();
    let config = TemperingConfig {
        ladder: TemperatureLadder::geometric(0.5, 1.0, 3).unwrap(),
        replicas: 0,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    };
    assert_eq!(
        parameter(ParallelTempering::new(config.clone(), &sample).unwrap_err()).parameter,
        "replicas"
    );
    let no_sweeps = TemperingConfig {
        replicas: 2,
        sweeps_per_exchange: 0,
        ..config.clone()
    };
    assert_eq!(
        parameter(ParallelTempering::new(no_sweeps, &sample).unwrap_err()).parameter,
        "sweeps_per_exchange"
    );
    let good = TemperingConfig {
        replicas: 2,
        ..config
    };
    let ensemble = ModelSpec::SherringtonKirkpatrick {
        n: 4,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    }
    .ensemble()
    .unwrap();
    let schedule = Schedule {
        equilibration_rounds: 1,
        measurement_rounds: 1,
    };
    assert_eq!(
        parameter(run_ensemble(&ensemble, &good, schedule, 1, 0).unwrap_err()).parameter,
        "samples"
    );
    let annealing = AnnealingSchedule::linear_in_beta(2.0, 0.2, 5, 1).unwrap();
    assert_eq!(
        parameter(search_ground_state(&sample, &annealing, 0, 1, 0).unwrap_err()).parameter,
        "restarts"
    );
}
