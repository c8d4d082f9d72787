//! Typed errors of the samplers.

use quench_core::{ModelError, ParameterError};
use thiserror::Error;

/// Why a sampler could not be built or run.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SamplerError {
    /// A parameter (temperature, ladder, replica count, ...) is out of range.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// The model or a configuration is invalid.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The move does not apply to this sample.
    #[error("{sampler} does not apply to this sample: {reason}")]
    NotApplicable {
        /// The sampler or option.
        sampler: &'static str,
        /// What the sample lacks, and what to use instead.
        reason: String,
    },
}
