//! # quench-learn: associative memories and perceptrons
//!
//! Two kinds of learning machine whose quenched disorder is what they learn.
//! Memories that store $P$ patterns in the energy landscape of $N$ neurons
//! and retrieve them by descending it: the Hopfield network, dense
//! associative memories with many-body interactions, and continuous
//! ("modern") Hopfield networks, the attention heads of transformers.
//!
//! Conventions ($k_B = 1$, spins $s_i = \pm 1$): the overlap with pattern
//! $\mu$ is $m_\mu = \frac1N \sum_i \xi_i^\mu s_i$, and its integer form
//! $M_\mu = N m_\mu$ is what every binary kernel works with, so that
//! energies and fields are exact integers where the model allows.
//!
//! ## Main types and how data flows
//!
//! ```text
//! BinaryDistribution / ContinuousDistribution
//!   --draw(seed, sample)--> BinaryPatterns / ContinuousPatterns   (quenched; stream (seed, Disorder, sample, 0))
//!     --> HopfieldNetwork (Representation: Patterns | Couplings | Automatic)  --state(spins)--> HopfieldState
//!     --> DenseMemory (Interaction: x^n | max(x,0)^n | e^x | log-sum-exp)    --state(spins)--> DenseState
//!     --> ModernHopfield (beta)                                              --update / retrieve--> ContinuousRetrieval
//!   corrupted_pattern(m0) / symmetric_mixture   (starts; stream (seed, InitialState, sample, chain))
//!   relax | synchronous | glauber_sweep          (moves; stream (seed, Dynamics, sample, chain))
//!     --> Relaxation (sweeps, flips, Outcome), overlaps, energy
//! Workflows (rayon over samples, independent of the thread count):
//!   RetrievalSpec --retrieval_experiment / retrieval_curve / attraction_basin--> RetrievalResult / BasinPoint
//!   CapacitySpec  --capacity_experiment / capacity_point--> CapacityResult / CapacityPoint
//! ```
//!
//! * Module [`patterns`]: [`BinaryPatterns`] (unbiased, biased, hierarchically
//!   correlated; `i8`, pattern-major with a spin-major copy for the kernels)
//!   and [`ContinuousPatterns`] (Gaussian, spherical).
//! * Module [`hopfield`]: Hebbian couplings
//!   $J_{ij} = \frac1N\sum_\mu \xi_i^\mu\xi_j^\mu$, $J_{ii} = 0$,
//!   $H = -\frac12\sum_{i\ne j} J_{ij} s_i s_j$. [`HopfieldNetwork`] keeps either
//!   the patterns (a field costs $O(P)$, a flip $O(P)$) or the integer
//!   couplings $N J_{ij}$ (a field $O(1)$, a flip $O(N)$); both compute the
//!   same integer fields $N h_i$ and follow bit-identical trajectories.
//!   Dynamics: zero-temperature asynchronous (sequential or random order) and
//!   synchronous, Glauber heat bath from a table of the integer field.
//! * Module [`dense`]: [`DenseMemory`] with $E = -\sum_\mu F(M_\mu)$ or
//!   $E = -\frac1\lambda\log\sum_\mu e^{\lambda M_\mu}$, single flips in
//!   $O(P)$ without overflow; [`dense::continuous::ModernHopfield`] with
//!   $\xi \leftarrow X\\,\mathrm{softmax}(\beta X^\top\xi)$; the capacity search
//!   in [`dense::capacity`].
//! * Module [`perceptron`]: training sets ([`perceptron::DataEnsemble`],
//!   [`perceptron::TrainingSet`]: random or teacher labels) and perceptrons
//!   on them: binary weights as Ising variables whose energy is the number
//!   of training errors ([`perceptron::BinaryPerceptron`], a
//!   `quench_mc::LocalMoves` model), exact enumeration of all $2^N$ weight
//!   vectors ([`perceptron::enumerate`]), and for spherical weights Cover's
//!   count and the exact maximal-stability programme
//!   ([`perceptron::maximal_stability`]) and the posterior sampled by plane
//!   rotations ([`perceptron::SphericalPerceptron`]); each training set's
//!   critical number of patterns ([`perceptron::capacity`]). Its module doc
//!   has the data flow.
//! * Module [`dynamics`]: the vocabulary shared by the binary memories
//!   ([`UpdateOrder`], [`Dynamics`], [`Outcome`], [`Relaxation`]).
//! * Errors are [`LearnError`]; a bad parameter names itself and what is
//!   allowed.
//!
//! ## Which representation
//!
//! For a Hopfield network at load $\alpha = P/N < 1$ the pattern-based
//! kernel is the fast one: $N = 10^4$, $P = 1000$ sweeps in about 1 ms on
//! one core (AVX-512), while the $N^2$ couplings (200 MB) make every flip a
//! pass over a row in memory. Couplings pay when $P \ge N$ and $N$ is small
//! enough for the matrix to fit; [`Representation::Automatic`] encodes that.
//!
//! ```
//! use quench_learn::dynamics::UpdateOrder;
//! use quench_learn::hopfield::{HopfieldNetwork, Representation};
//! use quench_learn::patterns::{BinaryDistribution, BinaryPatterns, corrupted_pattern};
//! use quench_core::rng::{Purpose, stream};
//!
//! let patterns = BinaryPatterns::draw(BinaryDistribution::Unbiased, 500, 25, 42, 0)?;
//! let network = HopfieldNetwork::new(patterns, Representation::Automatic)?;
//! let start = corrupted_pattern(network.patterns().pattern(0), 0.6, &mut stream(42, Purpose::InitialState, 0, 0))?;
//! let mut state = network.state(start)?;
//! let relaxation = network.relax(&mut state, UpdateOrder::Random, 100, &mut stream(42, Purpose::Dynamics, 0, 0));
//! println!("{relaxation:?}: m = {}", network.overlap(&state, 0));
//! assert!(network.overlap(&state, 0) > 0.95);
//! # Ok::<(), quench_learn::LearnError>(())
//! ```

#![warn(missing_docs)]

pub mod boltzmann;
pub mod deep;
pub mod dense;
pub mod dynamics;
pub mod error;
pub mod hopfield;
pub mod patterns;
pub mod perceptron;
mod simd;

pub use dense::{DenseMemory, DenseState, Interaction};
pub use dynamics::{Dynamics, Outcome, Relaxation, UpdateOrder};
pub use error::LearnError;
pub use hopfield::{HopfieldNetwork, HopfieldState, Representation};
pub use patterns::{
    BinaryDistribution, BinaryPatterns, ContinuousDistribution, ContinuousPatterns,
};
pub use simd::Simd;
