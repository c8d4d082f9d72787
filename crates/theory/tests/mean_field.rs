//! TAP and AMP on SK samples, belief propagation and population dynamics on
//! random regular graphs.

use quench_core::{CouplingDistribution, ModelSpec};
use quench_theory::cavity::{
    GraphEnsemble, PopulationOptions, belief_propagation, paramagnetic_instability_temperature,
    population_dynamics,
};
use quench_theory::mean_field::{IterationOptions, amp, tap};
use quench_theory::sk::{almeida_thouless_field, replica_symmetric};

const RRG3: GraphEnsemble = GraphEnsemble::RandomRegular { degree: 3 };

fn sk_sample(n: i64, field: f64, index: u64) -> quench_core::Sample {
    ModelSpec::SherringtonKirkpatrick {
        n,
        couplings: CouplingDistribution::Gaussian,
        field,
    }
    .ensemble()
    .unwrap()
    .draw(2024, index)
    .unwrap()
}

#[test]
fn amp_follows_its_state_evolution_on_a_large_sample() {
    // T = 0.8, h = 0.6: above the AT line (h_AT(0.8) is about 0.07).
    let (t, h) = (0.8, 0.6);
    assert!(h > almeida_thouless_field(t).unwrap().field);
    let sample = sk_sample(4000, h, 0);
    let options = IterationOptions {
        damping: 1.0,
        tolerance: 1e-7,
        max_iterations: 400,
    };
    let run = amp(&sample, t, 0.1, &options).unwrap();
    assert!(run.converged, "residual {}", run.residual);
    // Fluctuations of q_hat are O(N^-1/2) = 0.016 times the spread of m^2
    // (about 0.3): 0.02 is about four standard deviations.
    for (step, (q_hat, q)) in run.overlaps.iter().zip(&run.state_evolution).enumerate() {
        assert!((q_hat - q).abs() < 0.02, "t = {step}: {q_hat} vs {q}");
    }
    let rs = replica_symmetric(t, h).unwrap();
    assert!((run.state_evolution.last().unwrap() - rs.overlap).abs() < 1e-9);
}

#[test]
fn tap_fixed_point_is_amp_fixed_point_and_has_rs_statistics() {
    let (t, h) = (0.8, 0.6);
    let sample = sk_sample(2000, h, 1);
    let solution = tap(&sample, t, None, &IterationOptions::default()).unwrap();
    assert!(solution.converged, "residual {}", solution.residual);
    let rs = replica_symmetric(t, h).unwrap();
    // Sample averages agree with RS within O(N^-1/2) (0.022 here; 0.03 ~ 4 sigma of the m^2 spread).
    assert!(
        (solution.overlap - rs.overlap).abs() < 0.03,
        "{} {}",
        solution.overlap,
        rs.overlap
    );
    assert!((solution.magnetisation - rs.magnetisation).abs() < 0.03);
    assert!(
        (solution.free_energy - rs.free_energy).abs() < 0.03,
        "{} {}",
        solution.free_energy,
        rs.free_energy
    );
    let run = amp(
        &sample,
        t,
        0.1,
        &IterationOptions {
            damping: 1.0,
            tolerance: 1e-10,
            max_iterations: 200,
        },
    )
    .unwrap();
    // AMP's fixed point solves TAP with Onsager coefficient beta(1 - q) instead of
    // beta sum_j J_ij^2 (1 - m_j^2): these differ by about sqrt(2/N) = 0.03 per
    // site, times beta^2 |m_i| sech^2 < 1.6: an rms difference of order 0.02.
    let rms = (run
        .magnetisations
        .iter()
        .zip(&solution.magnetisations)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        / 2000.0)
        .sqrt();
    assert!(rms < 0.03, "{rms}");
}

#[test]
fn belief_propagation_loses_the_paramagnet_at_the_predicted_temperature() {
    // (c - 1) tanh^2(1/T_c) = 1 for +-J on a 3-regular graph: T_c = 1/artanh(1/sqrt 2) = 1.1346.
    let t_c = paramagnetic_instability_temperature(3, CouplingDistribution::PlusMinusOne).unwrap();
    assert!((t_c - 1.0 / (0.5f64.sqrt()).atanh()).abs() < 1e-14);
    let sample = ModelSpec::RandomRegular {
        n: 4000,
        degree: 3,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .unwrap()
    .draw(7, 0)
    .unwrap();
    let options = IterationOptions {
        damping: 0.5,
        tolerance: 1e-12,
        max_iterations: 3000,
    };
    // Perturbations shrink by about (c-1) tanh^2 beta per iteration: 0.66 at 1.15 T_c.
    let above = belief_propagation(&sample, 1.15 * t_c, 0.5, 3, &options).unwrap();
    assert!(
        above.converged && above.largest_cavity_field < 1e-8,
        "{}",
        above.largest_cavity_field
    );
    let below = belief_propagation(&sample, 0.8 * t_c, 0.5, 3, &options).unwrap();
    assert!(
        below.largest_cavity_field > 0.1,
        "{}",
        below.largest_cavity_field
    );
}

#[test]
fn population_dynamics_reproduces_the_paramagnet_and_orders_below_t_c() {
    let options = PopulationOptions {
        population: 2000,
        equilibration_sweeps: 100,
        measurement_sweeps: 20,
        seed: 5,
    };
    let t = 1.5; // above T_c = 1.1346: the population collapses to h = 0
    let beta = 1.0 / t;
    let point =
        population_dynamics(RRG3, CouplingDistribution::PlusMinusOne, t, 0.0, &options).unwrap();
    // Paramagnet of the Bethe lattice: u = -(c/2) tanh beta, s = ln 2 + (c/2)(ln cosh beta - beta tanh beta).
    let energy = -1.5 * beta.tanh();
    let entropy = 2f64.ln() + 1.5 * (beta.cosh().ln() - beta * beta.tanh());
    assert!(
        (point.energy.mean - energy).abs() < 1e-9,
        "{} {energy}",
        point.energy.mean
    );
    assert!(
        (point.entropy.mean - entropy).abs() < 1e-9,
        "{} {entropy}",
        point.entropy.mean
    );
    let cold =
        population_dynamics(RRG3, CouplingDistribution::PlusMinusOne, 0.7, 0.0, &options).unwrap();
    assert!(cold.overlap.mean > 0.3, "{:?}", cold.overlap);
    // Below T_c the RS cavity energy lies above the (unstable) paramagnet's.
    assert!(cold.energy.mean > -1.5 * (1.0f64 / 0.7).tanh());
}
