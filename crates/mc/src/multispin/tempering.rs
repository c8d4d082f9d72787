//! Parallel tempering over lane vectors: one vector of lanes per temperature
//! slot and real replica, exchanges decided lane by lane.

use quench_core::{Purpose, Sample, Spin, StreamKey, StreamRng, random_spins};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::{self, BlockRng, ChainWords, MAX_LEVELS};

/// Most chains swept together (sharing each site's couplings).
pub const MAX_GROUP: usize = 8;
use super::{MultispinLayout, RandomPolicy, WordWidth, Words, pack_lane, unpack_lane};
use crate::chain::ChainState;
use crate::error::SamplerError;
use crate::temperature::TemperatureLadder;
use crate::tempering::{Ladder, TemperingState, WalkerDirection, exchange_accepted};

/// The configuration of multispin parallel tempering (independent of the samples).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultispinConfig {
    /// The temperatures (one lane vector per temperature and replica).
    pub ladder: TemperatureLadder,
    /// Independent real replicas (2 or more for overlaps).
    pub replicas: usize,
    /// Sweeps of every chain between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
    /// Random-number policy of the Metropolis test.
    pub policy: RandomPolicy,
    /// Word width; the results do not depend on it.
    pub width: WordWidth,
}

/// One temperature slot of one replica: the packed spins of every lane, the
/// blocks' generators (they stay with the slot) and each lane's unsatisfied-bond
/// count after the last sweep batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultispinChain {
    /// `sites * blocks` words, bit 1 = spin $-1$ (cache-line aligned;
    /// serialised as a plain list of words).
    pub spins: Words,
    /// One generator per 64-lane block and slab, slab-major
    /// ([`MultispinLayout::generators`]).
    pub rngs: Vec<BlockRng>,
    /// Unsatisfied bonds of every lane (`64 * blocks`, padding included).
    pub unsatisfied: Vec<u32>,
}

/// The exchange bookkeeping of one lane of one replica (the fields of
/// [`Ladder`] other than the chains).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaneExchange {
    /// Which walker sits in each slot.
    pub walker_at_slot: Vec<usize>,
    /// Direction label of each walker.
    pub direction: Vec<WalkerDirection>,
    /// Completed round trips of each walker.
    pub round_trips: Vec<u64>,
    /// Exchange attempts between slots $k$ and $k+1$.
    pub exchange_attempts: Vec<u64>,
    /// Accepted exchanges between slots $k$ and $k+1$.
    pub exchange_accepts: Vec<u64>,
    /// The stream deciding this lane's exchanges, `(seed, Exchange, sample, replica)`.
    pub rng: StreamRng,
}

/// The state: chain `replica * K + slot`, lane bookkeeping `replica * lanes + lane`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultispinState {
    /// Chains by `replica * K + slot`.
    pub chains: Vec<MultispinChain>,
    /// Exchange bookkeeping by `replica * lanes + lane`.
    pub exchange: Vec<LaneExchange>,
    /// Exchange rounds done.
    pub rounds: u64,
    /// Sweeps done by every chain.
    pub sweeps: u64,
}

/// Multispin parallel tempering prepared for a list of samples, one per lane.
#[derive(Debug, Clone, PartialEq)]
pub struct MultispinTempering {
    config: MultispinConfig,
    layout: MultispinLayout,
    betas: Vec<f64>,
    thresholds: Vec<[u64; MAX_LEVELS]>,
}

impl MultispinTempering {
    /// Prepares the driver for `samples` (lane $\ell$ = `samples[l]`); see
    /// [`MultispinLayout::new`] for what the samples must satisfy.
    pub fn new(config: MultispinConfig, samples: &[Sample]) -> Result<Self, SamplerError> {
        Self::from_draws(config, samples.len(), |lane| Ok(&samples[lane]))
    }

    /// Prepares the driver for `lanes` samples given one at a time by
    /// `draw(lane)` and dropped once packed ([`MultispinLayout::from_draws`]).
    pub fn from_draws<B: std::borrow::Borrow<Sample>>(
        config: MultispinConfig,
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
        config.width.checked()?;
        let blocks = config.width.padded_blocks(lanes);
        let layout = MultispinLayout::from_draws_in_blocks(lanes, blocks, draw)?;
        let betas = config.ladder.betas();
        let thresholds = betas.iter().map(|&b| layout.thresholds(b)).collect();
        Ok(Self {
            config,
            layout,
            betas,
            thresholds,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &MultispinConfig {
        &self.config
    }

    /// The layout (graph, order, couplings).
    pub fn layout(&self) -> &MultispinLayout {
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

    /// Attempted single-spin updates of real lanes per [`MultispinTempering::step`].
    pub fn updates_per_step(&self) -> u64 {
        (self.layout.lanes * self.layout.n * self.betas.len() * self.config.replicas) as u64
            * self.config.sweeps_per_exchange
    }

    /// Random initial state. Lane $\ell$ stands for sample index
    /// `first_sample + l`; its chain $(r, k)$ starts from the stream
    /// `(seed, InitialState, first_sample + l, rK + k)` as a
    /// [`ChainState::random`] would, its exchanges use
    /// `(seed, Exchange, first_sample + l, r)`, and block $b$ of chain
    /// $(r, k)$ moves in slab $s$ with
    /// `(seed, Named("multispin"), first_sample + 64 b, (rK + k) + 2^32 s)`.
    pub fn initial_state(&self, master_seed: u64, first_sample: u64) -> MultispinState {
        let (k, blocks, n) = (self.betas.len(), self.layout.blocks, self.layout.n);
        let mut chains = Vec::with_capacity(self.config.replicas * k);
        for r in 0..self.config.replicas {
            for slot in 0..k {
                let chain_index = (r * k + slot) as u64;
                let mut spins = Words::zeros(n * blocks);
                for lane in 0..blocks * 64 {
                    let mut initial = StreamKey::new(
                        master_seed,
                        Purpose::InitialState,
                        first_sample + lane as u64,
                        chain_index,
                    )
                    .rng();
                    pack_lane(&mut spins, blocks, lane, &random_spins(n, &mut initial));
                }
                let real = self.layout.lanes.div_ceil(64);
                let rngs = (0..self.layout.slabs)
                    .flat_map(|slab| {
                        (0..blocks).map(move |b| {
                            // Padding blocks (`WordWidth::padded_blocks`)
                            // get streams of their own.
                            let purpose = if b < real {
                                Purpose::Named("multispin")
                            } else {
                                Purpose::Named("multispin padding")
                            };
                            BlockRng::from_key(StreamKey::new(
                                master_seed,
                                purpose,
                                first_sample + 64 * b as u64,
                                chain_index | ((slab as u64) << 32),
                            ))
                        })
                    })
                    .collect();
                let mut unsatisfied = vec![0; 64 * blocks];
                kernel::unsatisfied_bonds(
                    &self.layout,
                    &spins,
                    &mut unsatisfied,
                    self.config.width,
                );
                chains.push(MultispinChain {
                    spins,
                    rngs,
                    unsatisfied,
                });
            }
        }
        let exchange = LaneExchange::all(
            self.config.replicas,
            self.layout.lanes,
            k,
            master_seed,
            first_sample,
        );
        MultispinState {
            chains,
            exchange,
            rounds: 0,
            sweeps: 0,
        }
    }

    /// `state` fitted to this driver's blocks: a state saved where the same
    /// lanes had another number of padding blocks (another
    /// [`WordWidth`](super::WordWidth), or a checkpoint of a version without
    /// padding) keeps its real blocks' spins, generators and counts, and
    /// its padding blocks start as [`MultispinTempering::initial_state`]
    /// makes them. Real lanes then continue exactly as they would have: no
    /// block reads another's words or generators.
    ///
    /// # Errors
    ///
    /// If the state is not one of these lanes' (another number of chains,
    /// sites, slabs or real blocks), with what differs.
    pub fn fit_state(
        &self,
        mut state: MultispinState,
        master_seed: u64,
        first_sample: u64,
    ) -> Result<MultispinState, String> {
        let (n, blocks, slabs) = (self.layout.n, self.layout.blocks, self.layout.slabs);
        let real = self.layout.lanes.div_ceil(64);
        let chains = self.config.replicas * self.betas.len();
        if state.chains.len() != chains {
            return Err(format!(
                "it holds {} chains and this run has {chains}",
                state.chains.len()
            ));
        }
        let lanes = self.config.replicas * self.layout.lanes;
        if state.exchange.len() != lanes {
            return Err(format!(
                "it holds the exchanges of {} lanes and this run has {lanes}",
                state.exchange.len()
            ));
        }
        let Some(saved) = state.chains[0].rngs.len().checked_div(slabs) else {
            return Err("the layout has no slabs".into());
        };
        let shape_fits = |c: &MultispinChain| {
            c.spins.len() == n * saved
                && c.rngs.len() == slabs * saved
                && c.unsatisfied.len() == 64 * saved
        };
        if saved < real || !state.chains.iter().all(shape_fits) {
            return Err(format!(
                "its chains are not {n} sites of at least {real} blocks in {slabs} slabs"
            ));
        }
        if saved == blocks {
            return Ok(state);
        }
        let fresh = self.initial_state(master_seed, first_sample);
        for (old, mut new) in state.chains.iter_mut().zip(fresh.chains) {
            for site in 0..n {
                new.spins[site * blocks..site * blocks + real]
                    .copy_from_slice(&old.spins[site * saved..site * saved + real]);
            }
            for slab in 0..slabs {
                new.rngs[slab * blocks..slab * blocks + real]
                    .copy_from_slice(&old.rngs[slab * saved..slab * saved + real]);
            }
            new.unsatisfied[..64 * real].copy_from_slice(&old.unsatisfied[..64 * real]);
            *old = new;
        }
        Ok(state)
    }

    /// `count` sweeps of every chain, then the unsatisfied-bond counts. The
    /// chains are swept in groups ([`kernel::sweep_chains`], chains of a
    /// group sharing each site's couplings): one group per thread when
    /// there are enough chains (no synchronisation between threads), else
    /// groups one after another with their slabs swept in parallel. The
    /// result depends neither on the grouping nor on the thread count.
    pub fn sweeps(&self, state: &mut MultispinState, count: u64) {
        let k = self.betas.len();
        let mut chains: Vec<(usize, &mut MultispinChain)> =
            state.chains.iter_mut().enumerate().collect();
        let threads = rayon::current_num_threads().max(1);
        let enough = chains.len() >= 2 * threads || threads == 1;
        let size = if enough {
            chains.len().div_ceil(threads).clamp(1, MAX_GROUP)
        } else {
            MAX_GROUP
        };
        let sweep = |group: &mut [(usize, &mut MultispinChain)]| {
            let mut words: Vec<ChainWords<'_>> = group
                .iter_mut()
                .map(|(index, chain)| ChainWords {
                    spins: &mut chain.spins,
                    rngs: &mut chain.rngs,
                    thresholds: &self.thresholds[*index % k],
                    unsatisfied: Some(&mut chain.unsatisfied),
                })
                .collect();
            kernel::sweep_chains(
                &self.layout,
                &mut words,
                count,
                self.config.policy,
                self.config.width,
                !enough,
            );
        };
        if enough {
            chains.par_chunks_mut(size).for_each(sweep);
        } else {
            chains.chunks_mut(size).for_each(sweep);
        }
        state.sweeps += count;
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain, then one
    /// exchange pass of every lane of every replica.
    pub fn step(&self, state: &mut MultispinState) {
        self.sweeps(state, self.config.sweeps_per_exchange);
        self.exchange(state);
        state.rounds += 1;
    }

    /// The exchange pass: for every replica and slot pair $(0,1), (1,2), \dots$
    /// in turn, each lane decides with its own uniform (as
    /// [`crate::ParallelTempering::exchange`] does per ladder), and the
    /// accepted lanes' bits are swapped between the two slots.
    pub fn exchange(&self, state: &mut MultispinState) {
        let (k, lanes, blocks) = (self.betas.len(), self.layout.lanes, self.layout.blocks);
        let mut mask = vec![0u64; blocks];
        for r in 0..self.config.replicas {
            let bookkeeping = &mut state.exchange[r * lanes..(r + 1) * lanes];
            for slot in 0..k.saturating_sub(1) {
                mask.fill(0);
                let (low, high) = state.chains.split_at_mut(r * k + slot + 1);
                let (cold, hot) = (&mut low[r * k + slot], &mut high[0]);
                for (lane, lane_state) in bookkeeping.iter_mut().enumerate() {
                    lane_state.exchange_attempts[slot] += 1;
                    let uniform = lane_state.rng.random::<f64>();
                    let e_cold = self.layout.energy(cold.unsatisfied[lane]);
                    let e_hot = self.layout.energy(hot.unsatisfied[lane]);
                    if exchange_accepted(
                        self.betas[slot],
                        self.betas[slot + 1],
                        e_cold,
                        e_hot,
                        uniform,
                    ) {
                        lane_state.exchange_accepts[slot] += 1;
                        lane_state.walker_at_slot.swap(slot, slot + 1);
                        std::mem::swap(&mut cold.unsatisfied[lane], &mut hot.unsatisfied[lane]);
                        mask[lane / 64] |= 1 << (lane % 64);
                    }
                }
                if mask.iter().any(|&m| m != 0) {
                    for (a, b) in cold
                        .spins
                        .chunks_exact_mut(blocks)
                        .zip(hot.spins.chunks_exact_mut(blocks))
                    {
                        for ((x, y), &m) in a.iter_mut().zip(b.iter_mut()).zip(&mask) {
                            let t = (*x ^ *y) & m;
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

    /// Lane `lane`'s configuration in `(replica, slot)`, written into `out` ($N$ spins).
    pub fn write_lane_spins(
        &self,
        state: &MultispinState,
        replica: usize,
        slot: usize,
        lane: usize,
        out: &mut [Spin],
    ) {
        let chain = &state.chains[replica * self.betas.len() + slot];
        unpack_lane(&chain.spins, self.layout.blocks, lane, out);
    }

    /// Lane `lane`'s configuration in `(replica, slot)`.
    pub fn lane_spins(
        &self,
        state: &MultispinState,
        replica: usize,
        slot: usize,
        lane: usize,
    ) -> Vec<Spin> {
        let mut out = vec![0; self.layout.n];
        self.write_lane_spins(state, replica, slot, lane, &mut out);
        out
    }

    /// Lane `lane`'s energy $H$ in `(replica, slot)` after the last sweep batch
    /// (exact: counted from the configuration).
    pub fn lane_energy(
        &self,
        state: &MultispinState,
        replica: usize,
        slot: usize,
        lane: usize,
    ) -> f64 {
        self.layout
            .energy(state.chains[replica * self.betas.len() + slot].unsatisfied[lane])
    }

    /// Swap acceptance of each neighbouring pair for lane `lane`, pooled over replicas.
    pub fn exchange_acceptance(&self, state: &MultispinState, lane: usize) -> Vec<f64> {
        LaneExchange::pooled_acceptance(&state.exchange, self.layout.lanes, lane)
    }

    /// Round trips of all walkers of lane `lane`, summed over replicas.
    pub fn round_trips(&self, state: &MultispinState, lane: usize) -> u64 {
        LaneExchange::pooled_round_trips(&state.exchange, self.layout.lanes, lane)
    }

    /// A snapshot of lane `lane` as a [`TemperingState`] (spins, energies and
    /// exchange bookkeeping of every replica and slot), for
    /// [`crate::Measurements::record`] with `sample` = the lane's sample. The
    /// snapshot chains' `rng` fields hold the lane's exchange stream: the
    /// multispin dynamics streams belong to blocks, not lanes. Sweep and
    /// move counters are those of the whole multispin state.
    pub fn lane_tempering_state(&self, state: &MultispinState, lane: usize) -> TemperingState {
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

impl LaneExchange {
    /// The bookkeeping of every replica's lanes, `replica * lanes + lane`,
    /// before any exchange: lane $\ell$ of replica $r$ decides with the
    /// stream `(seed, Exchange, first_sample + l, r)`.
    pub fn all(
        replicas: usize,
        lanes: usize,
        slots: usize,
        master_seed: u64,
        first_sample: u64,
    ) -> Vec<Self> {
        (0..replicas)
            .flat_map(|r| {
                (0..lanes).map(move |lane| LaneExchange {
                    walker_at_slot: (0..slots).collect(),
                    direction: vec![WalkerDirection::Unknown; slots],
                    round_trips: vec![0; slots],
                    exchange_attempts: vec![0; slots.saturating_sub(1)],
                    exchange_accepts: vec![0; slots.saturating_sub(1)],
                    rng: StreamKey::new(
                        master_seed,
                        Purpose::Exchange,
                        first_sample + lane as u64,
                        r as u64,
                    )
                    .rng(),
                })
            })
            .collect()
    }

    /// After an exchange pass: the walker at the coldest slot completes a
    /// round trip if it came from the hottest, and the labels follow.
    pub fn count_round_trips(&mut self) {
        let k = self.walker_at_slot.len();
        if k < 2 {
            return;
        }
        let coldest = self.walker_at_slot[0];
        if self.direction[coldest] == WalkerDirection::FromHot {
            self.round_trips[coldest] += 1;
        }
        self.direction[coldest] = WalkerDirection::FromCold;
        let hottest = self.walker_at_slot[k - 1];
        if self.direction[hottest] == WalkerDirection::FromCold {
            self.direction[hottest] = WalkerDirection::FromHot;
        }
    }

    /// Swap acceptance of each neighbouring pair for lane `lane` of
    /// `exchange` (`replica * lanes + lane`), pooled over replicas.
    pub fn pooled_acceptance(exchange: &[LaneExchange], lanes: usize, lane: usize) -> Vec<f64> {
        let pairs = exchange.first().map_or(0, |l| l.exchange_attempts.len());
        (0..pairs)
            .map(|p| {
                let (mut accepted, mut attempted) = (0u64, 0u64);
                for l in exchange.iter().skip(lane).step_by(lanes) {
                    accepted += l.exchange_accepts[p];
                    attempted += l.exchange_attempts[p];
                }
                accepted as f64 / attempted.max(1) as f64
            })
            .collect()
    }

    /// Round trips of all walkers of lane `lane` of `exchange`, summed over replicas.
    pub fn pooled_round_trips(exchange: &[LaneExchange], lanes: usize, lane: usize) -> u64 {
        exchange
            .iter()
            .skip(lane)
            .step_by(lanes)
            .flat_map(|l| &l.round_trips)
            .sum()
    }

    /// Lane `lane` of `exchange` (`replica * lanes + lane`) as a
    /// [`TemperingState`], chain `(replica, slot)` given by
    /// `chain(replica, slot)` as `(spins, energy)` for `slots` slots;
    /// `(sweeps, rounds, n)` set the counters ([`LaneExchange::ladder`]).
    pub fn snapshot(
        exchange: &[LaneExchange],
        lanes: usize,
        lane: usize,
        slots: usize,
        chain: impl Fn(usize, usize) -> (Vec<Spin>, f64),
        (sweeps, rounds, n): (u64, u64, usize),
    ) -> TemperingState {
        let ladders = exchange
            .iter()
            .skip(lane)
            .step_by(lanes)
            .enumerate()
            .map(|(r, bookkeeping)| {
                bookkeeping.ladder((0..slots).map(|slot| chain(r, slot)), sweeps, n)
            })
            .collect();
        TemperingState { ladders, rounds }
    }

    /// This lane's ladder as a [`Ladder`] with the chains' `(spins, energy)`
    /// by slot: the chains' `rng` fields hold the lane's exchange stream
    /// (the dynamics streams are the kernel's), counters are `sweeps` of
    /// `n` attempts.
    pub fn ladder(
        &self,
        chains: impl Iterator<Item = (Vec<Spin>, f64)>,
        sweeps: u64,
        n: usize,
    ) -> Ladder<ChainState> {
        Ladder {
            chains: chains
                .map(|(spins, energy)| ChainState {
                    spins,
                    energy,
                    rng: self.rng.clone(),
                    sweeps,
                    accepted: 0,
                    attempted: sweeps * n as u64,
                })
                .collect(),
            walker_at_slot: self.walker_at_slot.clone(),
            direction: self.direction.clone(),
            round_trips: self.round_trips.clone(),
            exchange_attempts: self.exchange_attempts.clone(),
            exchange_accepts: self.exchange_accepts.clone(),
            rng: self.rng.clone(),
        }
    }
}
