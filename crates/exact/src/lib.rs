//! # quench-exact: exact results that the simulations are tested against
//!
//! * [`Enumeration`]: all $2^N$ configurations of any [`quench_core::Sample`] with
//!   $N \le$ [`enumeration::MAX_SPINS`]: partition function, thermal averages
//!   ([`ThermalAverages`]), ground states ([`GroundStates`]) and exact
//!   two-replica quantities ([`ReplicaAverages`]: $P(q)$, Binder cumulant,
//!   link overlap, Fourier overlaps) and three-replica ones
//!   ([`TripletAverages`]: the ultrametric triplet test). It is the oracle of every sampler test
//!   and a feature in its own right.
//! * [`kaufman`]: the exact partition function of the finite periodic 2D Ising
//!   ferromagnet (Kaufman 1949), with energy and specific heat, for lattices
//!   far beyond enumeration.
//!
//! Data flow: `Sample -> Enumeration::new (one Gray-code pass) -> thermal /
//! replicas / ground_states at any temperature`.

pub mod enumeration;
pub mod kaufman;

pub use enumeration::{
    Enumeration, GroundStates, ReplicaAverages, ThermalAverages, TripletAverages,
};

use thiserror::Error;

/// Errors of exact computations.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ExactError {
    /// Enumeration would take too long or too much memory.
    #[error(
        "exact enumeration needs n <= {max} spins (2^n configurations), the sample has n = {n}"
    )]
    TooManySpins {
        /// Spins in the sample.
        n: usize,
        /// Largest allowed.
        max: usize,
    },
    /// A temperature that is not a positive finite number.
    #[error("temperature = {0} is out of range: allowed is a finite temperature > 0")]
    Temperature(f64),
    /// A Kaufman-solution input out of range.
    #[error(transparent)]
    Kaufman(#[from] kaufman::KaufmanError),
    /// The sample passed with an enumeration is not the one enumerated.
    #[error("the enumeration has n = {enumerated} spins but the sample given has n = {given}")]
    SampleMismatch {
        /// Spins enumerated.
        enumerated: usize,
        /// Spins of the sample given.
        given: usize,
    },
}
