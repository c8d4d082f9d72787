//! # quench-core: disordered spin models
//!
//! The quenched side of quench: what a sample *is*, before anyone samples it.
//!
//! Conventions, written once for all of quench ($k_B = 1$, spins $s_i = \pm 1$):
//!
//! $$ H(s) = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i, \qquad P_J(s) = \frac{e^{-\beta H(s)}}{Z_J}. $$
//!
//! ## Main types and how data flows
//!
//! ```text
//! ModelSpec (as in a spec file)
//!   --ensemble()--> Ensemble (validated; a distribution of couplings)
//!     --draw(master_seed, index)--> Sample (immutable: couplings J, fields h, geometry)
//!       --> energy, local fields, flip energies; observables of configurations
//! ```
//!
//! * [`ModelSpec`] / [`Ensemble`]: Sherrington–Kirkpatrick, Edwards–Anderson and
//!   the ferromagnet on periodic hypercubic lattices, spin glasses on random
//!   regular and Erdős–Rényi graphs, Hopfield networks. Bad parameters give a
//!   [`ParameterError`] naming the parameter and its allowed range.
//! * [`Sample`]: one quenched draw; dense (all pairs) or sparse (bond list)
//!   couplings, per-site fields, a [`Geometry`].
//! * [`instance`]: one sample given by the user in files (an edge list
//!   `i j J` or a dense `.npy` matrix, and fields), read with clear errors and
//!   written back exactly ([`ModelSpec::Instance`]).
//! * [`rng`]: every random number comes from a [`rng::StreamKey`]
//!   `(master seed, purpose, sample, chain)`, so results do not depend on
//!   threads or scheduling.
//! * [`observables`]: magnetisation, overlaps, link overlap, Fourier overlaps,
//!   Binder cumulant, correlation length, the Gaussian energy/link-overlap identity.
//! * [`HypercubicLattice`] and [`graph`]: the geometries.

pub mod ensemble;
pub mod error;
pub mod graph;
pub mod instance;
pub mod lattice;
pub mod observables;
pub mod rng;
pub mod sample;
pub mod structure;

pub use ensemble::{CouplingDistribution, Ensemble, ModelSpec};
pub use error::{ModelError, ParameterError};
pub use instance::{Instance, InstanceError};
pub use lattice::HypercubicLattice;
pub use rng::{FamilyStreams, Purpose, StreamKey, StreamRng, UnitStreams, stream};
pub use sample::{Bond, Geometry, Sample, Spin};
pub use structure::Structure;

/// A configuration with every spin drawn independently and uniformly from $\pm 1$.
pub fn random_spins<R: rand::Rng + ?Sized>(n: usize, rng: &mut R) -> Vec<Spin> {
    use rand::RngExt;
    (0..n)
        .map(|_| if rng.random::<bool>() { 1 } else { -1 })
        .collect()
}
