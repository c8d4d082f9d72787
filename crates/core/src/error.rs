//! Typed errors for model construction.

use thiserror::Error;

/// A parameter outside its allowed range.
///
/// The message names the parameter, the value given and what is allowed, so a
/// user can fix the input without reading code:
/// `parameter `degree` = 5 is out of range: allowed is an integer 0 <= degree < n = 4 with n * degree even`.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("parameter `{parameter}` = {value} is out of range: allowed is {allowed}")]
pub struct ParameterError {
    /// Name of the parameter as it appears in the API and in spec files.
    pub parameter: &'static str,
    /// The offending value, formatted.
    pub value: String,
    /// What would have been accepted.
    pub allowed: String,
}

impl ParameterError {
    /// Builds an error for `parameter` with the given value and allowed range.
    pub fn new(parameter: &'static str, value: impl ToString, allowed: impl Into<String>) -> Self {
        Self {
            parameter,
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
}

/// Errors raised while building a model or drawing a disorder sample.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ModelError {
    /// A parameter is outside its allowed range.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The random-graph generator gave up (possible only for degrees close to `n`).
    #[error(
        "could not draw a simple random regular graph with n = {n} and degree = {degree} after {attempts} attempts; use a smaller degree or a larger n"
    )]
    GraphGeneration {
        /// Number of vertices.
        n: usize,
        /// Requested degree.
        degree: usize,
        /// Attempts made before giving up.
        attempts: usize,
    },
    /// A spin configuration of the wrong length or with values other than ±1.
    #[error("spin configuration is invalid: {reason}")]
    Configuration {
        /// What is wrong with it.
        reason: String,
    },
}

/// Checks that an integer size is positive and fits in `usize`.
pub(crate) fn positive_size(parameter: &'static str, value: i64) -> Result<usize, ParameterError> {
    if value <= 0 {
        return Err(ParameterError::new(parameter, value, "a positive integer"));
    }
    usize::try_from(value).map_err(|_| {
        ParameterError::new(parameter, value, "a positive integer that fits in memory")
    })
}

/// Checks that a number of spins is at least two: one spin has no coupling,
/// so nothing of a disordered system is there to measure.
pub(crate) fn spin_count(parameter: &'static str, value: i64) -> Result<usize, ParameterError> {
    if value < 2 {
        return Err(ParameterError::new(
            parameter,
            value,
            "an integer >= 2 (one spin has no coupling)",
        ));
    }
    positive_size(parameter, value)
}

/// Checks that a real parameter is finite (shared by every crate that validates parameters).
pub fn finite(parameter: &'static str, value: f64) -> Result<f64, ParameterError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParameterError::new(
            parameter,
            value,
            "a finite real number",
        ))
    }
}
