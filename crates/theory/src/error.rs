//! Typed errors of the theory solvers.

use quench_core::{ModelError, ParameterError};
use thiserror::Error;

/// Why a theory computation could not return a result.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TheoryError {
    /// A parameter (temperature, field, degree, number of steps ...) is out of range.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The sample handed to a per-sample algorithm is unsuitable.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// An iteration stopped before reaching its tolerance.
    #[error(
        "{method} did not converge in {iterations} iterations (residual {residual:.3e}, tolerance {tolerance:.1e}); {advice}"
    )]
    NotConverged {
        /// The solver.
        method: &'static str,
        /// Iterations performed.
        iterations: usize,
        /// Last residual.
        residual: f64,
        /// Requested tolerance.
        tolerance: f64,
        /// What to try next.
        advice: &'static str,
    },
    /// No solution of the requested kind exists at these parameters.
    #[error("no {what} at these parameters: {reason}")]
    NoSolution {
        /// What was sought.
        what: &'static str,
        /// Why it does not exist, and where it does.
        reason: String,
    },
}

/// Checks that a temperature is finite and $\ge 0$.
pub(crate) fn temperature(value: f64) -> Result<f64, ParameterError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ParameterError::new(
            "temperature",
            value,
            "a finite real number >= 0",
        ))
    }
}

/// Checks that a temperature is finite and $> 0$.
pub(crate) fn positive_temperature(value: f64) -> Result<f64, ParameterError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ParameterError::new(
            "temperature",
            value,
            "a finite real number > 0 (use the zero-temperature solver for T = 0)",
        ))
    }
}

pub(crate) use quench_core::error::finite;

/// Checks that a real parameter lies in the open-closed interval `(low, high]`.
pub(crate) fn in_range(
    parameter: &'static str,
    value: f64,
    low: f64,
    high: f64,
) -> Result<f64, ParameterError> {
    if value.is_finite() && value > low && value <= high {
        Ok(value)
    } else {
        Err(ParameterError::new(
            parameter,
            value,
            format!("a real number in ({low}, {high}]"),
        ))
    }
}
