//! Single-spin-flip Markov chains: Metropolis and heat bath.
//!
//! A sweep attempts $N$ single-spin updates. With $\Delta E_i = 2 s_i h^{\mathrm{loc}}_i$:
//!
//! * **Metropolis**: flip with probability $\min(1, e^{-\beta \Delta E_i})$ (a uniform
//!   is drawn only when $\Delta E_i > 0$);
//! * **heat bath** (Glauber): set $s_i = +1$ with probability
//!   $1/(1 + e^{-2\beta h^{\mathrm{loc}}_i})$, one uniform per update.
//!
//! Both satisfy detailed balance with respect to $e^{-\beta H}$ site by site, so
//! any fixed visiting order, or random sites, leaves the Boltzmann measure
//! invariant. Orders: **sequential** ($0, 1, \dots, N-1$), **checkerboard** (all
//! sites of colour 0, then colour 1, for a proper two-colouring; the order of
//! the vectorised kernels) and **random** ($N$ uniformly drawn sites).
//!
//! The sampler is the move seam ([`crate::moves`]) on a [`Sample`]:
//! [`SampleMoves`] proposes spin flips with their local fields, and the
//! acceptance rules and visiting orders are the seam's.

use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use crate::chain::ChainState;
use crate::error::SamplerError;
use crate::moves::{self, EnergyChange, LocalMoves, SpinFlip, Visit};

/// The acceptance rule of a single-spin update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LocalRule {
    /// $\min(1, e^{-\beta\Delta E})$.
    Metropolis,
    /// Glauber / heat bath.
    HeatBath,
}

/// The order in which a sweep visits sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SweepOrder {
    /// $0, 1, \dots, N-1$.
    Sequential,
    /// Colour 0 then colour 1 of a proper two-colouring (even lattices, bipartite graphs).
    Checkerboard,
    /// $N$ sites drawn uniformly with replacement.
    Random,
}

/// A single-spin sampler: a rule, an order, and the site order prepared for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleSpinSampler {
    rule: LocalRule,
    order: SweepOrder,
    sites: Vec<u32>,
}

impl SingleSpinSampler {
    /// Prepares the sampler for `sample`; the checkerboard order needs a proper two-colouring.
    pub fn new(rule: LocalRule, order: SweepOrder, sample: &Sample) -> Result<Self, SamplerError> {
        let n = sample.n();
        let sites = match order {
            SweepOrder::Sequential | SweepOrder::Random => (0..n as u32).collect(),
            SweepOrder::Checkerboard => {
                let colours = sample.two_colouring().ok_or_else(|| SamplerError::NotApplicable {
                    sampler: "the checkerboard order",
                    reason: "the interaction graph is not bipartite (odd lattice length, dense couplings or an odd cycle); use the sequential or random order".into(),
                })?;
                let mut sites: Vec<u32> = (0..n as u32).collect();
                sites.sort_by_key(|&i| colours[i as usize]);
                sites
            }
        };
        Ok(Self { rule, order, sites })
    }

    /// The acceptance rule.
    pub fn rule(&self) -> LocalRule {
        self.rule
    }

    /// The visiting order.
    pub fn order(&self) -> SweepOrder {
        self.order
    }

    /// One sweep of $N$ updates at inverse temperature `beta` (> 0).
    pub fn sweep(&self, sample: &Sample, chain: &mut ChainState, beta: f64) {
        let visit = match self.order {
            SweepOrder::Sequential => Visit::Sequential,
            SweepOrder::Checkerboard => Visit::Listed(&self.sites),
            SweepOrder::Random => Visit::RandomSites,
        };
        let mut configuration = Configuration {
            spins: std::mem::take(&mut chain.spins),
            energy: chain.energy,
        };
        let moves = SampleMoves { sample };
        // Orders over sites draw no permutation: no scratch is needed.
        let mut scratch = Vec::new();
        let made = match self.rule {
            LocalRule::Metropolis => moves::sweep(
                &moves,
                &mut configuration,
                &moves::Metropolis { beta },
                visit,
                &mut scratch,
                &mut chain.rng,
            ),
            LocalRule::HeatBath => moves::sweep(
                &moves,
                &mut configuration,
                &moves::HeatBath { beta },
                visit,
                &mut scratch,
                &mut chain.rng,
            ),
        };
        chain.spins = configuration.spins;
        chain.energy = configuration.energy;
        chain.attempted += self.sites.len() as u64;
        chain.accepted += made;
        chain.sweeps += 1;
    }

    /// `count` sweeps, then an exact recomputation of the energy.
    pub fn sweeps(&self, sample: &Sample, chain: &mut ChainState, beta: f64, count: u64) {
        for _ in 0..count {
            self.sweep(sample, chain, beta);
        }
        chain.refresh_energy(sample);
    }
}

/// Spins and their energy, as the moves of a [`Sample`] change them.
#[derive(Debug, Clone, PartialEq)]
pub struct Configuration {
    /// The spins.
    pub spins: Vec<Spin>,
    /// $H(s)$, updated by every move.
    pub energy: f64,
}

/// The single-spin moves of a sample: flipping $s_i$ with local field
/// $h^{\mathrm{loc}}_i = \sum_j J_{ij} s_j + h_i$ changes the energy by
/// $2 s_i h^{\mathrm{loc}}_i$.
#[derive(Debug, Clone, Copy)]
pub struct SampleMoves<'a> {
    /// The sample.
    pub sample: &'a Sample,
}

impl LocalMoves for SampleMoves<'_> {
    type State = Configuration;
    type Change = SpinFlip<f64>;

    #[inline]
    fn sites(&self) -> usize {
        self.sample.n()
    }

    #[inline]
    fn change(&self, state: &Configuration, site: usize) -> SpinFlip<f64> {
        SpinFlip {
            spin: state.spins[site],
            field: self.sample.local_field(site, &state.spins),
        }
    }

    #[inline]
    fn apply(&self, state: &mut Configuration, site: usize, change: SpinFlip<f64>) {
        state.spins[site] = -state.spins[site];
        state.energy += change.energy_change();
    }
}
