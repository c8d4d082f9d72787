//! Parallel tempering (replica exchange) with several real replicas.
//!
//! $K$ temperatures $T_0 < \dots < T_{K-1}$ (a [`TemperatureLadder`]) each hold
//! a chain; after every `sweeps_per_exchange` sweeps, neighbouring slots
//! $k, k+1$ (in the order $k = 0, 1, \dots, K-2$) exchange configurations with
//! probability
//!
//! $$ A = \min\left(1, e^{(\beta_k - \beta_{k+1})(E_k - E_{k+1})}\right), $$
//!
//! which satisfies detailed balance with respect to $\prod_k e^{-\beta_k H}/Z_k$
//! (K. Hukushima and K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996)).
//!
//! Overlaps need independent copies in the same sample, so the sampler runs
//! `replicas` independent ladders ("real replicas"). Each chain keeps its own
//! random stream in its slot (configurations move, streams do not), and each
//! ladder has its own exchange stream: results do not depend on thread count.
//!
//! Diagnostics: swap acceptance per neighbouring pair, and round trips of each
//! walker (a configuration followed through the ladder) from the coldest slot
//! to the hottest and back.
//!
//! The exchange itself knows nothing of spins: a [`Ladder`] holds any chains
//! that are [`Exchangeable`] (they tell their energy and swap their
//! configurations), so a new kind of variable moved through
//! [`crate::moves`] runs parallel tempering by sweeping its chains and
//! calling [`exchange_pass`].

use quench_core::{Purpose, Sample, StreamKey, StreamRng};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::chain::ChainState;
use crate::error::SamplerError;
use crate::local::{LocalRule, SingleSpinSampler, SweepOrder};
use crate::temperature::TemperatureLadder;
use quench_core::ParameterError;

/// The configuration of parallel tempering (independent of any sample).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemperingConfig {
    /// The temperatures.
    pub ladder: TemperatureLadder,
    /// Independent real replicas per temperature (2 or more for overlaps).
    pub replicas: usize,
    /// Local update rule.
    pub rule: LocalRule,
    /// Local sweep order.
    pub order: SweepOrder,
    /// Sweeps of every chain between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
}

/// Parallel tempering prepared for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelTempering {
    config: TemperingConfig,
    betas: Vec<f64>,
    local: SingleSpinSampler,
}

/// Where a walker last was at an end of the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WalkerDirection {
    /// Not yet at either end.
    Unknown,
    /// Last end visited was the coldest slot.
    FromCold,
    /// Last end visited was the hottest slot.
    FromHot,
}

/// A chain that parallel tempering can exchange: it tells its energy and
/// swaps its configuration (and energy) with another chain's, keeping its
/// own random stream and counters in its slot.
pub trait Exchangeable {
    /// $H$ of the configuration.
    fn energy(&self) -> f64;
    /// Exchanges configurations (and energies) with `other`.
    fn swap_configuration(&mut self, other: &mut Self);
}

impl Exchangeable for ChainState {
    #[inline]
    fn energy(&self) -> f64 {
        self.energy
    }

    #[inline]
    fn swap_configuration(&mut self, other: &mut Self) {
        std::mem::swap(&mut self.spins, &mut other.spins);
        std::mem::swap(&mut self.energy, &mut other.energy);
    }
}

/// One ladder of chains: slot $k$ holds the chain at temperature $T_k$.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ladder<Chain = ChainState> {
    /// Chains by temperature slot.
    pub chains: Vec<Chain>,
    /// Which walker (configuration label) sits in each slot.
    pub walker_at_slot: Vec<usize>,
    /// Direction label of each walker.
    pub direction: Vec<WalkerDirection>,
    /// Completed round trips cold -> hot -> cold of each walker.
    pub round_trips: Vec<u64>,
    /// Exchange attempts between slots $k$ and $k+1$.
    pub exchange_attempts: Vec<u64>,
    /// Accepted exchanges between slots $k$ and $k+1$.
    pub exchange_accepts: Vec<u64>,
    /// The stream deciding exchanges.
    pub rng: StreamRng,
}

impl<Chain> Ladder<Chain> {
    /// A ladder of `chains` (slot $k$ at the $k$-th temperature) whose
    /// exchanges draw from `rng`; walker $k$ starts in slot $k$.
    pub fn new(chains: Vec<Chain>, rng: StreamRng) -> Self {
        let k = chains.len();
        Self {
            chains,
            walker_at_slot: (0..k).collect(),
            direction: vec![WalkerDirection::Unknown; k],
            round_trips: vec![0; k],
            exchange_attempts: vec![0; k.saturating_sub(1)],
            exchange_accepts: vec![0; k.saturating_sub(1)],
            rng,
        }
    }
}

/// The state of parallel tempering: one [`Ladder`] per real replica.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemperingState<Chain = ChainState> {
    /// The ladders.
    pub ladders: Vec<Ladder<Chain>>,
    /// Exchange rounds done.
    pub rounds: u64,
}

/// Whether an exchange between inverse temperatures `beta_cold > beta_hot`
/// holding energies `energy_cold`, `energy_hot` is accepted, given a uniform `u`.
#[inline]
pub fn exchange_accepted(
    beta_cold: f64,
    beta_hot: f64,
    energy_cold: f64,
    energy_hot: f64,
    uniform: f64,
) -> bool {
    let exponent = (beta_cold - beta_hot) * (energy_cold - energy_hot);
    exponent >= 0.0 || uniform < exponent.exp()
}

impl TemperingConfig {
    /// Checks the replica count and exchange interval.
    pub fn validate(&self) -> Result<(), ParameterError> {
        if self.replicas == 0 {
            return Err(ParameterError::new(
                "replicas",
                self.replicas,
                "an integer >= 1 (>= 2 for overlaps)",
            ));
        }
        if self.sweeps_per_exchange == 0 {
            return Err(ParameterError::new(
                "sweeps_per_exchange",
                0,
                "an integer >= 1",
            ));
        }
        Ok(())
    }
}

impl ParallelTempering {
    /// Prepares parallel tempering for `sample`.
    pub fn new(config: TemperingConfig, sample: &Sample) -> Result<Self, SamplerError> {
        config.validate()?;
        let local = SingleSpinSampler::new(config.rule, config.order, sample)?;
        Ok(Self {
            betas: config.ladder.betas(),
            config,
            local,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &TemperingConfig {
        &self.config
    }

    /// Inverse temperatures by slot.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Random initial state; chain $(r, k)$ uses stream index $rK + k$, ladder $r$'s
    /// exchanges use `(seed, Exchange, sample, r)`.
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        sample_index: u64,
    ) -> TemperingState {
        let k = self.betas.len();
        let ladders = (0..self.config.replicas)
            .map(|r| {
                Ladder::new(
                    (0..k)
                        .map(|slot| {
                            ChainState::random(
                                sample,
                                master_seed,
                                sample_index,
                                (r * k + slot) as u64,
                            )
                        })
                        .collect(),
                    StreamKey::new(master_seed, Purpose::Exchange, sample_index, r as u64).rng(),
                )
            })
            .collect();
        TemperingState { ladders, rounds: 0 }
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain (in parallel),
    /// then one exchange pass on every ladder.
    pub fn step(&self, sample: &Sample, state: &mut TemperingState) {
        let sweeps = self.config.sweeps_per_exchange;
        state.ladders.par_iter_mut().for_each(|ladder| {
            ladder
                .chains
                .par_iter_mut()
                .zip(self.betas.par_iter())
                .for_each(|(chain, &beta)| self.local.sweeps(sample, chain, beta, sweeps));
        });
        for ladder in &mut state.ladders {
            self.exchange(ladder);
        }
        state.rounds += 1;
    }

    /// The exchange pass alone: slots $(0,1), (1,2), \dots$ in turn.
    pub fn exchange(&self, ladder: &mut Ladder) {
        exchange_pass(&self.betas, ladder, |_| {});
    }
}

/// One exchange pass over `ladder` at inverse temperatures `betas`: slots
/// $(0,1), (1,2), \dots$ in turn, one uniform from the ladder's stream each;
/// `on_swap(k)` is called when slots $k$ and $k+1$ exchange configurations
/// (for kernels that keep per-slot caches beside the chains). Then the
/// walkers at the two ends update their directions and round trips.
pub fn exchange_pass<Chain: Exchangeable>(
    betas: &[f64],
    ladder: &mut Ladder<Chain>,
    mut on_swap: impl FnMut(usize),
) {
    let k = betas.len();
    for slot in 0..k.saturating_sub(1) {
        ladder.exchange_attempts[slot] += 1;
        let uniform = ladder.rng.random::<f64>();
        let (cold, hot) = (
            ladder.chains[slot].energy(),
            ladder.chains[slot + 1].energy(),
        );
        if exchange_accepted(betas[slot], betas[slot + 1], cold, hot, uniform) {
            ladder.exchange_accepts[slot] += 1;
            let (low, high) = ladder.chains.split_at_mut(slot + 1);
            low[slot].swap_configuration(&mut high[0]);
            on_swap(slot);
            ladder.walker_at_slot.swap(slot, slot + 1);
        }
    }
    if k > 1 {
        let coldest = ladder.walker_at_slot[0];
        if ladder.direction[coldest] == WalkerDirection::FromHot {
            ladder.round_trips[coldest] += 1;
        }
        ladder.direction[coldest] = WalkerDirection::FromCold;
        let hottest = ladder.walker_at_slot[k - 1];
        if ladder.direction[hottest] == WalkerDirection::FromCold {
            ladder.direction[hottest] = WalkerDirection::FromHot;
        }
    }
}

impl<Chain> TemperingState<Chain> {
    /// Swap acceptance of each neighbouring pair, pooled over the ladders.
    pub fn exchange_acceptance(&self) -> Vec<f64> {
        let pairs = self
            .ladders
            .first()
            .map_or(0, |l| l.exchange_attempts.len());
        (0..pairs)
            .map(|p| {
                let accepted: u64 = self.ladders.iter().map(|l| l.exchange_accepts[p]).sum();
                let attempted: u64 = self.ladders.iter().map(|l| l.exchange_attempts[p]).sum();
                accepted as f64 / attempted.max(1) as f64
            })
            .collect()
    }

    /// Total round trips of all walkers of all ladders.
    pub fn round_trips(&self) -> u64 {
        self.ladders.iter().flat_map(|l| &l.round_trips).sum()
    }

    /// The chains at temperature slot `slot`, one per real replica.
    pub fn chains_at(&self, slot: usize) -> impl Iterator<Item = &Chain> {
        self.ladders.iter().map(move |l| &l.chains[slot])
    }
}
