//! Tests against exact results: identities of the samples, Brownian motion
//! on the sphere, the master equation, the fluctuation–dissipation theorem.
//! Tolerances are multiples of each run's own standard error.

mod dynamics;
mod samples;

use crate::schedule::MeanError;

/// Asserts `estimate` within `sigmas` standard errors of `exact`.
pub(crate) fn assert_within(what: &str, estimate: MeanError, exact: f64, sigmas: f64) {
    let z = (estimate.mean - exact) / estimate.error;
    assert!(
        z.abs() < sigmas,
        "{what}: {} ± {} against {exact} (z = {z:.2})",
        estimate.mean,
        estimate.error
    );
}
