//! Parallel tempering over float lanes: one chain of 16 lanes per group,
//! temperature slot and replica, exchanges decided lane by lane.

use quench_core::{Purpose, Sample, Spin, StreamKey, random_spins};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::{self, LaneChain};
use super::{FloatLaneLayout, LANES, LaneInstructions, LaneRng, pack_lane, unpack_lane};
use crate::error::SamplerError;
use crate::multispin::LaneExchange;
use crate::temperature::TemperatureLadder;
use crate::tempering::{TemperingState, exchange_accepted};

/// The configuration of float-lane parallel tempering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatLaneConfig {
    /// The temperatures.
    pub ladder: TemperatureLadder,
    /// Independent real replicas (2 or more for overlaps).
    pub replicas: usize,
    /// Sweeps of every chain between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
    /// The instructions; the results do not depend on them.
    pub instructions: LaneInstructions,
}

/// One temperature slot of one replica in one group: spins, generators and
/// the 16 lanes' energies after the last sweep batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatLaneChain {
    /// Spin bits by site, the fixed spin last.
    pub spins: Vec<u16>,
    /// The lanes' generators (they stay with the slot).
    pub rng: LaneRng,
    /// Energy of every lane.
    pub energies: Vec<f64>,
}

/// The state: `groups[g][replica * K + slot]`, exchange bookkeeping
/// `replica * lanes + lane`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatLaneState {
    /// Chains by group, then `replica * K + slot`.
    pub groups: Vec<Vec<FloatLaneChain>>,
    /// Exchange bookkeeping by `replica * lanes + lane`.
    pub exchange: Vec<LaneExchange>,
    /// Exchange rounds done.
    pub rounds: u64,
    /// Sweeps done by every chain.
    pub sweeps: u64,
}

/// Float-lane parallel tempering prepared for a list of samples, one per lane.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatLaneTempering {
    config: FloatLaneConfig,
    layout: FloatLaneLayout,
    betas: Vec<f64>,
}

impl FloatLaneTempering {
    /// Prepares the driver for `samples` (lane $\ell$ = `samples[l]`).
    pub fn new(config: FloatLaneConfig, samples: &[Sample]) -> Result<Self, SamplerError> {
        Self::from_draws(config, samples.len(), |lane| Ok(&samples[lane]))
    }

    /// Prepares the driver for `lanes` samples given one at a time by
    /// `draw(lane)` ([`FloatLaneLayout::from_draws`]).
    pub fn from_draws<B: std::borrow::Borrow<Sample>>(
        config: FloatLaneConfig,
        lanes: usize,
        draw: impl FnMut(usize) -> Result<B, SamplerError>,
    ) -> Result<Self, SamplerError> {
        if config.replicas == 0 {
            return Err(quench_core::ParameterError::new("replicas", 0, "an integer >= 1").into());
        }
        if config.sweeps_per_exchange == 0 {
            return Err(quench_core::ParameterError::new(
                "sweeps_per_exchange",
                0,
                "an integer >= 1",
            )
            .into());
        }
        if !config.instructions.is_available() {
            return Err(SamplerError::NotApplicable {
                sampler: "the float-lane kernel",
                reason: format!("this CPU lacks {:?}", config.instructions),
            });
        }
        let layout = FloatLaneLayout::from_draws(lanes, lanes.div_ceil(LANES), draw)?;
        let betas = config.ladder.betas();
        Ok(Self {
            config,
            layout,
            betas,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &FloatLaneConfig {
        &self.config
    }

    /// The layout.
    pub fn layout(&self) -> &FloatLaneLayout {
        &self.layout
    }

    /// Inverse temperatures by slot.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Real lanes (samples).
    pub fn lanes(&self) -> usize {
        self.layout.lanes
    }

    /// Chains per group: replicas × temperatures.
    fn chains(&self) -> usize {
        self.config.replicas * self.betas.len()
    }

    /// Attempted single-spin updates of real lanes per [`FloatLaneTempering::step`].
    pub fn updates_per_step(&self) -> u64 {
        (self.layout.lanes * self.layout.n * self.chains()) as u64 * self.config.sweeps_per_exchange
    }

    /// Random initial state. Lane $\ell$ stands for sample
    /// `first_sample + l`: its chain $c = rK + k$ starts from the stream
    /// `(seed, InitialState, first_sample + l, c)` as a
    /// [`crate::ChainState::random`] would, moves with
    /// `(seed, Named("float lanes"), first_sample + l, c)` and exchanges with
    /// `(seed, Exchange, first_sample + l, r)`. Padding lanes move with
    /// streams named `"float lanes padding"`.
    pub fn initial_state(&self, master_seed: u64, first_sample: u64) -> FloatLaneState {
        let (n, words) = (self.layout.n, self.layout.words());
        let groups = (0..self.layout.groups)
            .map(|g| {
                (0..self.chains())
                    .map(|c| {
                        let mut spins = vec![0u16; words];
                        for l in 0..LANES {
                            let lane = (g * LANES + l) as u64;
                            let mut initial = StreamKey::new(
                                master_seed,
                                Purpose::InitialState,
                                first_sample + lane,
                                c as u64,
                            )
                            .rng();
                            pack_lane(&mut spins[..n], l, &random_spins(n, &mut initial));
                        }
                        let rng = LaneRng::from_keys(|l| {
                            let lane = g * LANES + l;
                            let purpose = if lane < self.layout.lanes {
                                Purpose::Named("float lanes")
                            } else {
                                Purpose::Named("float lanes padding")
                            };
                            StreamKey::new(
                                master_seed,
                                purpose,
                                first_sample + lane as u64,
                                c as u64,
                            )
                        });
                        let energies =
                            kernel::energies(&self.layout, g, &spins, self.config.instructions)
                                .to_vec();
                        FloatLaneChain {
                            spins,
                            rng,
                            energies,
                        }
                    })
                    .collect()
            })
            .collect();
        FloatLaneState {
            groups,
            exchange: LaneExchange::all(
                self.config.replicas,
                self.layout.lanes,
                self.betas.len(),
                master_seed,
                first_sample,
            ),
            rounds: 0,
            sweeps: 0,
        }
    }

    /// Whether `state` is one of this driver's (its shape), else what differs.
    pub fn check_state(&self, state: &FloatLaneState) -> Result<(), String> {
        let (groups, chains, words) = (self.layout.groups, self.chains(), self.layout.words());
        let fits = state.groups.len() == groups
            && state.groups.iter().all(|g| {
                g.len() == chains
                    && g.iter().all(|c| {
                        c.spins.len() == words
                            && c.rng.state.len() == 4 * LANES
                            && c.energies.len() == LANES
                    })
            });
        if !fits {
            return Err(format!(
                "it is not {groups} groups of {chains} chains of {words} spin words"
            ));
        }
        let lanes = self.config.replicas * self.layout.lanes;
        if state.exchange.len() != lanes {
            return Err(format!(
                "it holds the exchanges of {} lanes and this run has {lanes}",
                state.exchange.len()
            ));
        }
        Ok(())
    }

    /// `count` sweeps of every chain, then the energies. Groups (and, when
    /// there are fewer groups than threads, chunks of a group's chains) run
    /// in parallel; each chain's lanes depend only on their own streams.
    pub fn sweeps(&self, state: &mut FloatLaneState, count: u64) {
        let k = self.betas.len();
        let threads = rayon::current_num_threads().max(1);
        let chunks = threads.div_ceil(self.layout.groups).clamp(1, self.chains());
        let size = self.chains().div_ceil(chunks);
        let instructions = self.config.instructions;
        let mut work: Vec<(usize, usize, &mut [FloatLaneChain])> = Vec::new();
        for (g, chains) in state.groups.iter_mut().enumerate() {
            for (chunk, part) in chains.chunks_mut(size).enumerate() {
                work.push((g, chunk * size, part));
            }
        }
        work.into_par_iter().for_each(|(g, first, part)| {
            let mut lane_chains: Vec<LaneChain<'_>> = part
                .iter_mut()
                .enumerate()
                .map(|(i, chain)| LaneChain {
                    spins: &mut chain.spins,
                    rng: &mut chain.rng.state,
                    factor: (-2.0 * self.betas[(first + i) % k]) as f32,
                })
                .collect();
            kernel::sweep_group(&self.layout, g, &mut lane_chains, count, instructions);
            for chain in part.iter_mut() {
                chain.energies =
                    kernel::energies(&self.layout, g, &chain.spins, instructions).to_vec();
            }
        });
        state.sweeps += count;
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain, then one
    /// exchange pass of every lane of every replica.
    pub fn step(&self, state: &mut FloatLaneState) {
        self.sweeps(state, self.config.sweeps_per_exchange);
        self.exchange(state);
        state.rounds += 1;
    }

    /// The exchange pass: for every replica and slot pair $(0,1), (1,2), \dots$
    /// in turn, each lane decides with its own uniform (as
    /// [`crate::ParallelTempering::exchange`] does per ladder) and the
    /// accepted lanes' spins and energies are swapped between the slots.
    pub fn exchange(&self, state: &mut FloatLaneState) {
        let (k, lanes) = (self.betas.len(), self.layout.lanes);
        for r in 0..self.config.replicas {
            let bookkeeping = &mut state.exchange[r * lanes..(r + 1) * lanes];
            for slot in 0..k.saturating_sub(1) {
                for (g, chains) in state.groups.iter_mut().enumerate() {
                    let (low, high) = chains.split_at_mut(r * k + slot + 1);
                    let (cold, hot) = (&mut low[r * k + slot], &mut high[0]);
                    let mut mask = 0u16;
                    for l in 0..LANES.min(lanes - g * LANES) {
                        let lane_state = &mut bookkeeping[g * LANES + l];
                        lane_state.exchange_attempts[slot] += 1;
                        let uniform = lane_state.rng.random::<f64>();
                        if exchange_accepted(
                            self.betas[slot],
                            self.betas[slot + 1],
                            cold.energies[l],
                            hot.energies[l],
                            uniform,
                        ) {
                            lane_state.exchange_accepts[slot] += 1;
                            lane_state.walker_at_slot.swap(slot, slot + 1);
                            std::mem::swap(&mut cold.energies[l], &mut hot.energies[l]);
                            mask |= 1 << l;
                        }
                    }
                    if mask != 0 {
                        for (x, y) in cold.spins.iter_mut().zip(hot.spins.iter_mut()) {
                            let t = (*x ^ *y) & mask;
                            *x ^= t;
                            *y ^= t;
                        }
                    }
                }
            }
            for lane_state in bookkeeping.iter_mut() {
                lane_state.count_round_trips();
            }
        }
    }

    /// The chain of `(replica, slot)` in the group of `lane`.
    pub fn chain<'s>(
        &self,
        state: &'s FloatLaneState,
        replica: usize,
        slot: usize,
        lane: usize,
    ) -> &'s FloatLaneChain {
        &state.groups[lane / LANES][replica * self.betas.len() + slot]
    }

    /// Lane `lane`'s configuration in `(replica, slot)`.
    pub fn lane_spins(
        &self,
        state: &FloatLaneState,
        replica: usize,
        slot: usize,
        lane: usize,
    ) -> Vec<Spin> {
        let mut out = vec![0; self.layout.n];
        unpack_lane(
            &self.chain(state, replica, slot, lane).spins,
            lane,
            &mut out,
        );
        out
    }

    /// Lane `lane`'s energy in `(replica, slot)` after the last sweep batch.
    pub fn lane_energy(
        &self,
        state: &FloatLaneState,
        replica: usize,
        slot: usize,
        lane: usize,
    ) -> f64 {
        self.chain(state, replica, slot, lane).energies[lane % LANES]
    }

    /// Swap acceptance of each neighbouring pair for lane `lane`, pooled over replicas.
    pub fn exchange_acceptance(&self, state: &FloatLaneState, lane: usize) -> Vec<f64> {
        LaneExchange::pooled_acceptance(&state.exchange, self.layout.lanes, lane)
    }

    /// Round trips of all walkers of lane `lane`, summed over replicas.
    pub fn round_trips(&self, state: &FloatLaneState, lane: usize) -> u64 {
        LaneExchange::pooled_round_trips(&state.exchange, self.layout.lanes, lane)
    }

    /// A snapshot of lane `lane` as a [`TemperingState`] (see
    /// [`LaneExchange::ladder`] for its streams and counters).
    pub fn lane_tempering_state(&self, state: &FloatLaneState, lane: usize) -> TemperingState {
        LaneExchange::snapshot(
            &state.exchange,
            self.layout.lanes,
            lane,
            self.betas.len(),
            |r, slot| {
                (
                    self.lane_spins(state, r, slot, lane),
                    self.lane_energy(state, r, slot, lane),
                )
            },
            (state.sweeps, state.rounds, self.layout.n),
        )
    }
}
