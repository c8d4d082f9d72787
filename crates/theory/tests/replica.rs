//! SK replica theory against closed forms and published values.

use quench_theory::sk::{
    ParisiOptions, almeida_thouless_field, full_replica_symmetry_breaking, replica_symmetric,
    replica_symmetry_breaking,
};

/// Parisi ground-state energy of SK, Crisanti & Rizzo, PRE 65, 046137 (2002): -0.7631667.
const PARISI_GROUND_STATE: f64 = -0.763_166_7;

#[test]
fn one_step_ground_state_is_parisi_1979_value() {
    // 1RSB at T = 0: -0.7653 (Parisi 1979; the two-parameter minimum over
    // q_0 and the scaled x is -0.765259 to the grid precision of 1e-9).
    let one = replica_symmetry_breaking(0.0, 0.0, 1, &ParisiOptions::fast()).unwrap();
    assert!(
        (one.free_energy + 0.7653).abs() < 1e-4,
        "{}",
        one.free_energy
    );
}

#[test]
fn steps_approach_the_parisi_value_monotonically() {
    // Each added step raises the ground-state energy towards the Parisi value
    // from below (e = -inf P, the infimum taken over a larger family).
    let options = ParisiOptions {
        max_steps: 8,
        ..ParisiOptions::accurate()
    };
    let full = full_replica_symmetry_breaking(0.0, 0.0, &options).unwrap();
    let energies: Vec<f64> = full.convergence.iter().map(|c| c.free_energy).collect();
    for pair in energies.windows(2) {
        assert!(pair[1] > pair[0], "{energies:?}");
        assert!(pair[1] < PARISI_GROUND_STATE + 1e-7);
    }
    let gaps: Vec<f64> = energies.iter().map(|e| PARISI_GROUND_STATE - e).collect();
    // Gap at 8 steps about 6e-6; the extrapolation is within its own error estimate.
    assert!(gaps[3] < 2e-5, "{gaps:?}");
    assert!(
        (full.free_energy - PARISI_GROUND_STATE).abs() < full.error_estimate + 1e-7,
        "{} +- {}",
        full.free_energy,
        full.error_estimate
    );
}

#[test]
#[ignore = "slow: 16-step full RSB at T = 0 (a few seconds in release, longer in debug)"]
fn full_replica_symmetry_breaking_reaches_the_parisi_value_to_1e_5() {
    let full = full_replica_symmetry_breaking(0.0, 0.0, &ParisiOptions::accurate()).unwrap();
    assert!(full.error_estimate < 1e-5, "{}", full.error_estimate);
    assert!(
        (full.free_energy - PARISI_GROUND_STATE).abs() < 1e-5,
        "{}",
        full.free_energy
    );
    // Parisi: chi = int gamma = 1 at h = 0 for every T <= 1 (missing 1 - chi is
    // the k-step truncation, of the order of the last step width).
    assert!((full.solution.susceptibility - 1.0).abs() < 1e-2);
}

#[test]
fn finite_temperature_full_rsb_is_consistent() {
    let t = 0.5;
    let options = ParisiOptions::fast();
    let full = full_replica_symmetry_breaking(t, 0.0, &options).unwrap();
    let rs = replica_symmetric(t, 0.0).unwrap();
    // RSB raises the free energy above RS (the Parisi functional is minimised;
    // the RS solution is a saddle that gives a lower f), and its entropy is positive.
    assert!(full.free_energy > rs.free_energy);
    let s = full.solution.entropy.unwrap();
    assert!(s > 0.0 && rs.entropy < s, "{s} {}", rs.entropy);
    // Parisi's chi = beta (1 - int q dx) = 1 below T_c at h = 0 (to the step truncation).
    assert!(
        (full.solution.susceptibility - 1.0).abs() < 5e-3,
        "{}",
        full.solution.susceptibility
    );
    // Thermodynamic consistency: s = -df/dT by central differences of 4-step
    // solutions (minimised, so stationary: the error is the dT^2 term, ~1e-6).
    let dt = 2e-3;
    let up = replica_symmetry_breaking(t + dt, 0.0, 4, &options).unwrap();
    let down = replica_symmetry_breaking(t - dt, 0.0, 4, &options).unwrap();
    let mid = replica_symmetry_breaking(t, 0.0, 4, &options).unwrap();
    let entropy = -(up.free_energy - down.free_energy) / (2.0 * dt);
    assert!(
        (entropy - mid.entropy.unwrap()).abs() < 1e-4,
        "{entropy} {:?}",
        mid.entropy
    );
    // P(q) is a probability distribution.
    let total: f64 = mid
        .overlap_distribution
        .atoms
        .iter()
        .map(|a| a.weight)
        .sum();
    assert!((total - 1.0).abs() < 1e-12);
}

#[test]
fn above_the_almeida_thouless_line_rsb_collapses_to_rs() {
    let point = almeida_thouless_field(0.6).unwrap();
    let solution =
        replica_symmetry_breaking(0.6, 1.2 * point.field, 2, &ParisiOptions::fast()).unwrap();
    assert_eq!(solution.steps, 0);
    let rs = replica_symmetric(0.6, 1.2 * point.field).unwrap();
    assert_eq!(solution.free_energy, rs.free_energy);
    // Just below the line, RSB gives a free energy above RS by a small amount.
    let below =
        replica_symmetry_breaking(0.6, 0.8 * point.field, 2, &ParisiOptions::fast()).unwrap();
    let rs_below = replica_symmetric(0.6, 0.8 * point.field).unwrap();
    assert!(below.steps == 2 && below.free_energy >= rs_below.free_energy - 1e-10);
    assert!(below.free_energy - rs_below.free_energy < 1e-4);
}

#[test]
fn bad_options_name_the_parameter() {
    let options = ParisiOptions {
        grid_spacing: -1.0,
        ..ParisiOptions::fast()
    };
    let error = full_replica_symmetry_breaking(0.5, 0.0, &options)
        .unwrap_err()
        .to_string();
    assert!(error.contains("`grid_spacing`"), "{error}");
    let error = replica_symmetry_breaking(0.5, 0.0, 0, &options)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`steps`") || error.contains("`grid_spacing`"),
        "{error}"
    );
}
