//! # quench-neural: neural networks that classify lattice snapshots, and networks trained as disordered systems
//!
//! Binary classifiers $f(x) = \sigma(z(x)) \in (0, 1)$ of images
//! $x \in \mathbb R^{C \times H \times W}$ (spins, or local energies, on a periodic
//! lattice), trained on the logistic loss
//! $\ell(z, y) = \ln(1 + e^{z}) - yz$ with Adam, as in the phase-classification
//! experiments: a network learns to tell ordered ($y = 1$) from disordered
//! ($y = 0$) snapshots far from $T_c$, and its output near $T_c$ is the
//! measurement.
//!
//! ## Main types and how data flows
//!
//! ```text
//! images + labels ──ImageSet::push──> ImageSet ──split──> (training, validation)
//! (Architecture, input shape, init stream) ──Network::new──> Network (candle Vars)
//! (Network, TrainingOptions, shuffle stream) ──Trainer::new──> Trainer
//!     ──epoch(&training, &validation)──> EpochRecord (losses, accuracy), until
//!       `finished()` (epochs done or no validation gain for `patience` epochs);
//!     ──state()──> TrainerState (serde: weights, Adam moments, stream) ──> checkpoint
//!     ──into_best()──> Network with the best validation loss
//! Network ──outputs(&ImageSet)──> f(x) per image
//! Backend::parse("cpu" | "cuda:N") ──device()──> the candle Device of all of the above
//! (N, K, g, init stream) ──TwoLayer::new──> TwoLayer ──step(x, y, eta)──> online SGD
//!     (the soft committee machine of the hidden-manifold experiments, in plain loops)
//! (d, h, L, g, init stream) ──DenseNetwork::new──> DenseNetwork
//!     ──evaluate_with_gradient(x, y, Loss, &mut Workspace)──> Evaluation (loss,
//!       unsatisfied, errors) and the gradient ──apply_gradient / Adam::apply──> one step
//!     (the networks of the interpolation transition, full batch, in matrixmultiply's dgemm)
//! (d, h, L, K, g, init stream) ──RecurrentNetwork::new──> RecurrentNetwork
//!     ──evaluate_with_gradient(sequences, labels, T, Loss, &mut RecurrentWorkspace)──>
//!       the same, back-propagated through time (layers with recurrence, seed 002)
//! two replicas' first layers, or their hidden_representations of the same inputs
//!     ──overlap::weight_overlap / overlap::representation_overlap──> q², blind to
//!       relabelling and flipping hidden units (replicas trained on the same data)
//! ```
//!
//! Architectures ([`Architecture`]), scaled to what a laptop trains: a fully
//! connected network, a convolutional network (3×3 periodic convolutions,
//! 2×2 average pooling, global average pooling), and a residual network
//! (the same with identity skips around pairs of convolutions).
//!
//! ## Why candle
//!
//! The tensors, the convolutions and the automatic differentiation are
//! [candle](https://github.com/huggingface/candle) (`candle-core`, Hugging
//! Face, Apache-2.0/MIT): actively maintained, pure Rust on the CPU (its
//! matrix products are the `gemm` crate; no BLAS, no system library), so it
//! builds from the registries alone, with CUDA and Metal backends behind
//! features (`cuda` here). The alternatives weighed: `tch` binds libtorch, a
//! system library of gigabytes; `burn` is as capable but its CPU backend,
//! autodiff and module crates compile two to three times longer on two cores,
//! which the CI budget of this project cannot absorb; `dfdx` is no longer
//! maintained. Only `candle-core` is used: the layers (a dozen lines each),
//! the initialisation (from quench's keyed streams, so that a seed fixes a
//! network: candle's own CPU generator is not seedable per stream) and Adam
//! (whose moments must go into checkpoints) are written here.
//!
//! Training is reproducible: the same streams give the same network, bit
//! for bit, for any number of threads (candle's CPU matrix products split the
//! output, not the sums; a test trains with one and two threads).

pub mod architecture;
pub mod backend;
pub mod committee;
pub mod data;
pub mod dense;
pub mod error;
mod linear;
pub mod overlap;
pub mod recurrent;
pub mod training;

pub use architecture::{Architecture, Network};
pub use backend::Backend;
pub use committee::TwoLayer;
pub use data::ImageSet;
pub use dense::{Adam, DenseNetwork, Evaluation, Loss, Workspace};
pub use error::NeuralError;
pub use recurrent::{RecurrentNetwork, RecurrentWorkspace};
pub use training::{EpochRecord, Trainer, TrainerState, TrainingOptions};

#[cfg(test)]
mod tests;
