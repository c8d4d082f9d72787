//! Errors of network construction and training.

use quench_core::ParameterError;
use thiserror::Error;

/// Why a network could not be built, trained or evaluated.
#[derive(Debug, Error)]
pub enum NeuralError {
    /// A bad option (architecture size, learning rate, ...), named.
    #[error(transparent)]
    Parameter(#[from] ParameterError),
    /// Images of the wrong size, labels outside $\\{0, 1\\}$, an empty set.
    #[error("{0}")]
    Data(String),
    /// An error of the tensor library (a bug if it happens: shapes are
    /// checked before they reach it).
    #[error("tensor library: {0}")]
    Tensor(#[from] candle_core::Error),
    /// A checkpointed state that does not fit the network.
    #[error("checkpoint does not match the network: {0}")]
    State(String),
}
