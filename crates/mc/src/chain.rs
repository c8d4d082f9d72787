//! The mutable state of one Markov chain.

use quench_core::{Purpose, Sample, Spin, StreamKey, StreamRng, random_spins};
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;

/// One chain: its configuration, its energy (kept up to date incrementally)
/// and its own random stream. Everything a checkpoint needs to resume the
/// chain bit for bit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainState {
    /// The spins.
    pub spins: Vec<Spin>,
    /// $H(s)$, updated on every accepted move.
    pub energy: f64,
    /// The chain's random stream.
    pub rng: StreamRng,
    /// Sweeps done.
    pub sweeps: u64,
    /// Accepted single-spin moves (or spins flipped by cluster moves).
    pub accepted: u64,
    /// Attempted single-spin moves (or cluster moves).
    pub attempted: u64,
}

impl ChainState {
    /// A chain starting from `spins` with generator `rng`.
    pub fn new(sample: &Sample, spins: Vec<Spin>, rng: StreamRng) -> Result<Self, SamplerError> {
        sample.check_spins(&spins)?;
        Ok(Self::start(sample, spins, rng))
    }

    /// A chain from a uniformly random configuration drawn from the stream
    /// `(seed, InitialState, sample, chain)`, moving with `(seed, Dynamics, sample, chain)`.
    pub fn random(sample: &Sample, master_seed: u64, sample_index: u64, chain_index: u64) -> Self {
        let mut initial = StreamKey::new(
            master_seed,
            Purpose::InitialState,
            sample_index,
            chain_index,
        )
        .rng();
        let spins = random_spins(sample.n(), &mut initial);
        let rng = StreamKey::new(master_seed, Purpose::Dynamics, sample_index, chain_index).rng();
        Self::start(sample, spins, rng)
    }

    fn start(sample: &Sample, spins: Vec<Spin>, rng: StreamRng) -> Self {
        Self {
            energy: sample.energy(&spins),
            spins,
            rng,
            sweeps: 0,
            accepted: 0,
            attempted: 0,
        }
    }

    /// Energy per spin.
    pub fn energy_per_spin(&self) -> f64 {
        self.energy / self.spins.len() as f64
    }

    /// Fraction of attempted moves accepted.
    pub fn acceptance(&self) -> f64 {
        self.accepted as f64 / self.attempted.max(1) as f64
    }

    /// Recomputes the energy from scratch, removing round-off accumulated by
    /// incremental updates (samplers call it once per sweep batch).
    pub fn refresh_energy(&mut self, sample: &Sample) {
        self.energy = sample.energy(&self.spins);
    }
}
