//! Ground-state searches against exact enumeration.

use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_mc::{AnnealingSchedule, ChainState, greedy_descent, search_ground_state};

fn samples() -> Vec<(&'static str, Sample)> {
    vec![
        (
            "SK N=16",
            ModelSpec::SherringtonKirkpatrick {
                n: 16,
                couplings: CouplingDistribution::Gaussian,
                field: 0.0,
            },
        ),
        (
            "EA 4x4 ±J",
            ModelSpec::EdwardsAnderson {
                dimension: 2,
                length: 4,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            },
        ),
        (
            "RRG N=16 c=3",
            ModelSpec::RandomRegular {
                n: 16,
                degree: 3,
                couplings: CouplingDistribution::Gaussian,
                field: 0.1,
            },
        ),
        (
            "ER N=18 c=2.5",
            ModelSpec::ErdosRenyi {
                n: 18,
                mean_degree: 2.5,
                couplings: CouplingDistribution::PlusMinusOne,
                field: 0.0,
            },
        ),
    ]
    .into_iter()
    .map(|(name, spec)| (name, spec.ensemble().unwrap().draw(8, 0).unwrap()))
    .collect()
}

#[test]
fn annealing_finds_the_exact_ground_state_energy() {
    let schedule = AnnealingSchedule::linear_in_beta(3.0, 0.1, 40, 20).unwrap();
    for (name, sample) in samples() {
        let exact = Enumeration::new(&sample).unwrap().ground_states(4);
        let found = search_ground_state(&sample, &schedule, 16, 1, 0).unwrap();
        assert!(
            (found.energy - exact.energy).abs() < 1e-9,
            "{name}: found {} exact {}",
            found.energy,
            exact.energy
        );
        assert!(found.hits >= 1 && found.restart_energies.len() == 16);
        assert!((sample.energy(&found.spins) - found.energy).abs() < 1e-9);
        assert!(
            found
                .restart_energies
                .iter()
                .all(|&e| e >= exact.energy - 1e-9)
        );
    }
}

#[test]
fn greedy_descent_ends_in_a_one_spin_flip_stable_state() {
    for (name, sample) in samples() {
        let mut chain = ChainState::random(&sample, 4, 0, 0);
        let before = chain.energy;
        greedy_descent(&sample, &mut chain);
        assert!(chain.energy <= before);
        assert!(
            (0..sample.n()).all(|i| sample.delta_energy(i, &chain.spins) >= 0.0),
            "{name}"
        );
        assert!((chain.energy - sample.energy(&chain.spins)).abs() < 1e-12);
    }
}
