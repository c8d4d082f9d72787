//! Typed errors of quench-learn.

use quench_core::ParameterError;
use thiserror::Error;

/// Why a memory could not be built or an experiment could not run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LearnError {
    /// A parameter (size, load, temperature, overlap, ...) is out of range;
    /// the message names it and says what is allowed.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// A spin configuration or pattern of the wrong length or with values
    /// other than ±1.
    #[error("configuration is invalid: {reason}")]
    Configuration {
        /// What is wrong with it, and what was expected.
        reason: String,
    },
    /// The rayon thread pool could not be built.
    #[error("no thread pool of {threads} threads: {reason}")]
    ThreadPool {
        /// Requested number of threads.
        threads: usize,
        /// The error reported by rayon.
        reason: String,
    },
}

/// Shorthand for a [`ParameterError`] wrapped in a [`LearnError`].
pub(crate) fn parameter(
    name: &'static str,
    value: impl ToString,
    allowed: impl Into<String>,
) -> LearnError {
    LearnError::Parameter(ParameterError::new(name, value, allowed))
}

/// Checks that a size is at least `minimum`.
pub(crate) fn at_least(
    name: &'static str,
    value: usize,
    minimum: usize,
) -> Result<usize, LearnError> {
    if value >= minimum {
        Ok(value)
    } else {
        Err(parameter(name, value, format!("an integer >= {minimum}")))
    }
}

/// Checks that a real number lies in the closed interval `[low, high]`.
pub(crate) fn in_closed_range(
    name: &'static str,
    value: f64,
    low: f64,
    high: f64,
) -> Result<f64, LearnError> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(parameter(
            name,
            value,
            format!("a real number in [{low}, {high}]"),
        ))
    }
}

/// Checks that a real number is finite and strictly positive.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, LearnError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(parameter(name, value, "a finite real number > 0"))
    }
}

/// Checks that a spin configuration has `n` entries, each ±1.
pub(crate) fn check_spins(spins: &[i8], n: usize) -> Result<(), LearnError> {
    if spins.len() != n {
        return Err(LearnError::Configuration {
            reason: format!(
                "spin configuration has {} entries, the network has {n} neurons",
                spins.len()
            ),
        });
    }
    if let Some(position) = spins.iter().position(|&s| s != 1 && s != -1) {
        return Err(LearnError::Configuration {
            reason: format!(
                "spin {position} is {}, allowed values are +1 and -1",
                spins[position]
            ),
        });
    }
    Ok(())
}

/// Builds a rayon pool of `threads` workers (at least one).
pub(crate) fn thread_pool(threads: usize) -> Result<rayon::ThreadPool, LearnError> {
    at_least("threads", threads, 1)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| LearnError::ThreadPool {
            threads,
            reason: e.to_string(),
        })
}
