//! Boltzmann machines: the restricted Boltzmann machine, its training and
//! its likelihood, measured honestly.
//!
//! A Boltzmann machine is an Ising model whose couplings are learned
//! (Ackley, Hinton & Sejnowski 1985): the log-likelihood of data under
//! $p(v) = e^{-F(v)}/Z$ rises along
//! $\langle v_i h_j\rangle_\text{data} - \langle v_i h_j\rangle_\text{model}$.
//! The restricted machine has no couplings within a layer, so each layer
//! is sampled in one block given the other, and a batch of chains is a few
//! matrix products.
//!
//! ```text
//! Rbm::random / zeros / from_parameters                     (rbm)
//!   Trainer::new(Rbm, TrainingOptions{NegativePhase: CD-k | PCD-k | tempering}, stream)
//!     --train_epoch(data)--> EpochSummary; the Trainer (serde) is the checkpoint   (training)
//!   exact (smaller layer <= 28 units): log_partition, mean_log_likelihood,
//!     model_moments / data_moments / exact_gradient, ExactSampler              (exact)
//!   larger: ais (forward, ln Z on average low) and reverse_ais (from exact
//!     samples, ln Z on average high) --> AisEstimate with error bars          (ais)
//! ```
//!
//! Data are row-major `f64` matrices of zeros and ones, one configuration
//! per row. Every random number comes from an explicit stream; the exact
//! sums and AIS run in parallel blocks combined in order, so no result
//! depends on the thread count.

pub mod ais;
pub mod benchmark;
pub mod exact;
mod logistic;
pub mod rbm;
pub mod training;
pub mod visible;

#[cfg(test)]
mod gaussian_tests;
#[cfg(test)]
mod tests;

pub use ais::{AisEstimate, AisSchedule, ais, reverse_ais};
pub use exact::{
    ExactSampler, Moments, exact_gradient, log_partition, mean_log_likelihood, model_moments,
};
pub use rbm::{Rbm, VisibleUnits};
pub use training::{
    EpochSummary, NegativePhase, Trainer, TrainingOptions, gibbs_samples, reconstruction_error,
};
