//! Detailed balance of the replica-exchange step.
//!
//! 1. The identity: for every pair of states $x, y$ and neighbouring inverse
//!    temperatures, $\pi_0(x)\pi_1(y) A(x,y) = \pi_0(y)\pi_1(x) A(y,x)$.
//! 2. The statistics: configurations drawn *exactly* from $\prod_k \pi_k$
//!    (by enumeration) and passed through one exchange pass of a three-rung
//!    ladder must still be distributed as $\prod_k \pi_k$. Draws are
//!    independent, so a plain chi-square test over the $8^3$ joint states
//!    applies. Accepting with the wrong exponent fails it.

use quench_core::{CouplingDistribution, ModelSpec, Sample};
use quench_exact::Enumeration;
use quench_exact::enumeration::configuration_spins;
use quench_mc::{
    LocalRule, ParallelTempering, SweepOrder, TemperatureLadder, TemperingConfig, exchange_accepted,
};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn tiny_sample() -> Sample {
    ModelSpec::SherringtonKirkpatrick {
        n: 3,
        couplings: CouplingDistribution::Gaussian,
        field: 0.4,
    }
    .ensemble()
    .unwrap()
    .draw(3, 0)
    .unwrap()
}

#[test]
fn exchange_acceptance_satisfies_detailed_balance_exactly() {
    let sample = tiny_sample();
    let enumeration = Enumeration::new(&sample).unwrap();
    let energies = enumeration.energies();
    let (beta_cold, beta_hot) = (2.0, 0.7);
    // Probability of accepting, read off the acceptance function itself: it
    // accepts exactly when u is below a threshold, found by bisection.
    let probability = |e_cold: f64, e_hot: f64| {
        let (mut low, mut high) = (0.0f64, 1.0f64);
        if exchange_accepted(beta_cold, beta_hot, e_cold, e_hot, high - f64::EPSILON) {
            return 1.0;
        }
        for _ in 0..200 {
            let middle = 0.5 * (low + high);
            if exchange_accepted(beta_cold, beta_hot, e_cold, e_hot, middle) {
                low = middle;
            } else {
                high = middle;
            }
        }
        low
    };
    for &x in energies {
        for &y in energies {
            let forward = (-beta_cold * x - beta_hot * y).exp() * probability(x, y);
            let backward = (-beta_cold * y - beta_hot * x).exp() * probability(y, x);
            assert!(
                (forward - backward).abs() <= 1e-12 * forward.max(backward),
                "x={x}, y={y}"
            );
        }
    }
}

#[test]
fn an_exchange_pass_preserves_the_product_of_boltzmann_distributions() {
    let sample = tiny_sample();
    let enumeration = Enumeration::new(&sample).unwrap();
    let ladder = TemperatureLadder::from_list(vec![0.4, 0.9, 2.0]).unwrap();
    let tempering = ParallelTempering::new(
        TemperingConfig {
            ladder: ladder.clone(),
            replicas: 1,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
            sweeps_per_exchange: 1,
        },
        &sample,
    )
    .unwrap();
    let mut state = tempering.initial_state(&sample, 1, 0);
    let distributions: Vec<Vec<f64>> = ladder
        .temperatures()
        .iter()
        .map(|&t| enumeration.boltzmann(t).unwrap().0)
        .collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    let draw = |p: &[f64], rng: &mut Xoshiro256PlusPlus| {
        let u: f64 = rng.random();
        let mut acc = 0.0;
        for (c, &w) in p.iter().enumerate() {
            acc += w;
            if u < acc {
                return c;
            }
        }
        p.len() - 1
    };
    let draws = 400_000;
    let mut counts = vec![0u64; 512];
    for _ in 0..draws {
        let ladder_state = &mut state.ladders[0];
        for (slot, p) in distributions.iter().enumerate() {
            let c = draw(p, &mut rng);
            ladder_state.chains[slot].spins = configuration_spins(3, c);
            ladder_state.chains[slot].energy = enumeration.energies()[c];
        }
        tempering.exchange(ladder_state);
        let index = |slot: usize| {
            ladder_state.chains[slot]
                .spins
                .iter()
                .enumerate()
                .map(|(i, &s)| usize::from(s < 0) << i)
                .sum::<usize>()
        };
        counts[index(0) + 8 * index(1) + 64 * index(2)] += 1;
    }
    // Chi-square over cells with expected count >= 5, against prod_k pi_k.
    let (mut chi_square, mut cells) = (0.0, 0usize);
    for (cell, &observed) in counts.iter().enumerate() {
        let expected = draws as f64
            * distributions[0][cell % 8]
            * distributions[1][(cell / 8) % 8]
            * distributions[2][cell / 64];
        if expected >= 5.0 {
            chi_square += (observed as f64 - expected).powi(2) / expected;
            cells += 1;
        }
    }
    let dof = (cells - 1) as f64;
    // Wilson–Hilferty: chi^2/dof is ~ normal with mean 1 - 2/(9 dof), sd sqrt(2/(9 dof)) after a cube root.
    let z = ((chi_square / dof).cbrt() - (1.0 - 2.0 / (9.0 * dof))) / (2.0 / (9.0 * dof)).sqrt();
    assert!(
        z < 4.0,
        "chi^2 = {chi_square:.1} over {dof} degrees of freedom (z = {z:.2})"
    );
    assert!(
        state
            .exchange_acceptance()
            .iter()
            .all(|&a| a > 0.05 && a < 1.0)
    );
}
