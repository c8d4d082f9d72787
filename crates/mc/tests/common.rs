//! Helpers shared by the integration tests.
#![allow(dead_code)]

use quench_stats::Estimate;

/// Largest |z| accepted when comparing a Monte Carlo estimate with an exact
/// value. The errors include the integrated autocorrelation time (binning),
/// so z is close to standard normal; with about a hundred comparisons in the
/// suite, |z| < 4.5 fails by chance with probability below 1e-3.
pub const SIGMAS: f64 = 4.5;

/// Asserts that `estimate` agrees with `exact` within [`SIGMAS`] standard errors,
/// and that the error is meaningful (finite, positive, from enough bins).
pub fn assert_agrees(what: &str, estimate: Estimate, exact: f64) {
    assert!(
        estimate.error.is_finite() && estimate.error > 0.0,
        "{what}: no usable error ({estimate})"
    );
    let z = estimate.z_score(exact);
    assert!(
        z.abs() < SIGMAS,
        "{what}: {estimate} vs exact {exact:.6} (z = {z:.2})"
    );
}
