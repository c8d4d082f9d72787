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

use quench_core::Sample;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::chain::ChainState;
use crate::error::SamplerError;

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
        match self.order {
            SweepOrder::Random => {
                for _ in 0..self.sites.len() {
                    let site = chain.rng.random_range(0..self.sites.len());
                    self.update(sample, chain, site, beta);
                }
            }
            SweepOrder::Sequential | SweepOrder::Checkerboard => {
                for k in 0..self.sites.len() {
                    self.update(sample, chain, self.sites[k] as usize, beta);
                }
            }
        }
        chain.sweeps += 1;
    }

    /// `count` sweeps, then an exact recomputation of the energy.
    pub fn sweeps(&self, sample: &Sample, chain: &mut ChainState, beta: f64, count: u64) {
        for _ in 0..count {
            self.sweep(sample, chain, beta);
        }
        chain.refresh_energy(sample);
    }

    #[inline]
    fn update(&self, sample: &Sample, chain: &mut ChainState, site: usize, beta: f64) {
        let field = sample.local_field(site, &chain.spins);
        let spin = f64::from(chain.spins[site]);
        let delta = 2.0 * spin * field;
        let flip = match self.rule {
            LocalRule::Metropolis => {
                delta <= 0.0 || chain.rng.random::<f64>() < (-beta * delta).exp()
            }
            LocalRule::HeatBath => {
                let up = chain.rng.random::<f64>() * (1.0 + (-2.0 * beta * field).exp()) < 1.0;
                up != (spin > 0.0)
            }
        };
        chain.attempted += 1;
        if flip {
            chain.spins[site] = -chain.spins[site];
            chain.energy += delta;
            chain.accepted += 1;
        }
    }
}
