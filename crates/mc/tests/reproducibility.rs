//! Same master seed, same results: whatever the number of threads, and when
//! a run is split in two at an arbitrary point (the basis of checkpoints).

use quench_core::{CouplingDistribution, ModelSpec};
use quench_mc::{
    LocalRule, ParallelTempering, Schedule, SweepOrder, TemperatureLadder, TemperingConfig,
    run_ensemble,
};

fn config() -> TemperingConfig {
    TemperingConfig {
        ladder: TemperatureLadder::geometric(0.5, 1.5, 5).unwrap(),
        replicas: 2,
        rule: LocalRule::Metropolis,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    }
}

#[test]
fn ensemble_results_are_bit_identical_for_any_thread_count() {
    let ensemble = ModelSpec::EdwardsAnderson {
        dimension: 2,
        length: 4,
        couplings: CouplingDistribution::Gaussian,
        field: 0.0,
    }
    .ensemble()
    .unwrap();
    let schedule = Schedule {
        equilibration_rounds: 50,
        measurement_rounds: 300,
    };
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        // Debug formatting prints every f64 with its shortest exact representation.
        pool.install(|| {
            format!(
                "{:?}",
                run_ensemble(&ensemble, &config(), schedule, 77, 6).unwrap()
            )
        })
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(5));
    let other_seed = {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(|| {
            format!(
                "{:?}",
                run_ensemble(&ensemble, &config(), schedule, 78, 6).unwrap()
            )
        })
    };
    assert_ne!(one, other_seed);
}

#[test]
fn a_run_split_at_any_round_continues_exactly() {
    let sample = ModelSpec::SherringtonKirkpatrick {
        n: 32,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(3, 0)
    .unwrap();
    let tempering = ParallelTempering::new(config(), &sample).unwrap();
    let mut straight = tempering.initial_state(&sample, 9, 0);
    for _ in 0..40 {
        tempering.step(&sample, &mut straight);
    }
    let mut first = tempering.initial_state(&sample, 9, 0);
    for _ in 0..17 {
        tempering.step(&sample, &mut first);
    }
    let mut resumed = first.clone();
    for _ in 17..40 {
        tempering.step(&sample, &mut resumed);
    }
    assert_eq!(straight, resumed);
}
