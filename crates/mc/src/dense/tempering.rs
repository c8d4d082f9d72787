//! [`DenseTempering`]: parallel tempering with the dense kernels, its
//! configuration ([`DenseConfig`]) and state ([`DenseState`]), and the
//! group scratches it keeps between rounds.

use std::sync::{Mutex, PoisonError};

use quench_core::{ParameterError, Sample, Spin};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::group::{DenseScratch, GroupChain, sweep_chains};
use super::packed::packed_thresholds;
use super::storage::{DenseCouplings, DenseFields, DensePrecision};
use crate::error::SamplerError;
use crate::temperature::TemperatureLadder;
use crate::tempering::TemperingState;

/// The configuration of dense parallel tempering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseConfig {
    /// The temperatures.
    pub ladder: TemperatureLadder,
    /// Independent real replicas.
    pub replicas: usize,
    /// Sequential sweeps between exchange rounds (at least 1).
    pub sweeps_per_exchange: u64,
    /// Storage of couplings and fields.
    pub precision: DensePrecision,
    /// Rounds between exact recomputations of the floating-point fields (at least 1).
    pub refresh_rounds: u64,
}

/// The state: a [`TemperingState`] (usable with [`crate::Measurements::record`])
/// and the cached fields of chain `(replica, slot)` at index `replica * K + slot`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseState {
    /// Chains, ladders and exchange bookkeeping, as for [`crate::ParallelTempering`].
    pub tempering: TemperingState,
    /// Cached fields by `replica * K + slot` (they move with the spins).
    pub fields: Vec<DenseFields>,
}

/// Parallel tempering with the dense kernels, prepared for one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseTempering {
    config: DenseConfig,
    couplings: DenseCouplings,
    betas: Vec<f64>,
    tables: Vec<Vec<u64>>,
    scratch: ScratchPool,
}

/// The [`DenseScratch`] of each group of [`DenseTempering::sweeps`], kept
/// from round to round so that a round's group sweeps allocate nothing.
///
/// A round takes the scratches out (the lock is held only to take them and
/// to put them back, so rounds of one engine on several states at once
/// never wait: one finding the pool empty starts fresh scratches). They are
/// buffers, not state: a clone of the engine starts with an empty pool, and
/// two engines compare equal whatever their pools hold.
#[derive(Default)]
struct ScratchPool(Mutex<Vec<DenseScratch>>);

impl ScratchPool {
    /// At least `groups` scratches, taken out of the pool.
    fn take(&self, groups: usize) -> Vec<DenseScratch> {
        let mut scratch =
            std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        if scratch.len() < groups {
            scratch.resize_with(groups, DenseScratch::new);
        }
        scratch
    }

    /// Returns `scratch` to the pool.
    fn put(&self, scratch: Vec<DenseScratch>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = scratch;
    }
}

impl Clone for ScratchPool {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for ScratchPool {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ScratchPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScratchPool")
    }
}

impl DenseTempering {
    /// Prepares the driver for a dense `sample`.
    pub fn new(config: DenseConfig, sample: &Sample) -> Result<Self, SamplerError> {
        for (name, value) in [
            ("replicas", config.replicas as u64),
            ("sweeps_per_exchange", config.sweeps_per_exchange),
            ("refresh_rounds", config.refresh_rounds),
        ] {
            if value == 0 {
                return Err(ParameterError::new(name, 0, "an integer >= 1").into());
            }
        }
        let couplings = DenseCouplings::new(sample, config.precision)?;
        let betas = config.ladder.betas();
        let tables = match &couplings {
            DenseCouplings::PackedSigns { magnitude, .. } => betas
                .iter()
                .map(|&b| packed_thresholds(sample.n(), *magnitude, b))
                .collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            config,
            couplings,
            betas,
            tables,
            scratch: ScratchPool::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DenseConfig {
        &self.config
    }

    /// The couplings in the configured storage.
    pub fn couplings(&self) -> &DenseCouplings {
        &self.couplings
    }

    /// The packed kernel's acceptance tables by slot (empty for floats).
    pub fn tables(&self) -> &[Vec<u64>] {
        &self.tables
    }

    /// Inverse temperatures by slot.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Attempted single-spin updates per [`DenseTempering::step`].
    pub fn updates_per_step(&self, sample: &Sample) -> u64 {
        (sample.n() * self.betas.len() * self.config.replicas) as u64
            * self.config.sweeps_per_exchange
    }

    /// Random initial state with the streams of [`crate::ParallelTempering::initial_state`].
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        sample_index: u64,
    ) -> DenseState {
        let tempering_config = crate::TemperingConfig {
            ladder: self.config.ladder.clone(),
            replicas: self.config.replicas,
            rule: crate::LocalRule::Metropolis,
            order: crate::SweepOrder::Sequential,
            sweeps_per_exchange: self.config.sweeps_per_exchange,
        };
        let tempering = crate::ParallelTempering::new(tempering_config, sample)
            .expect("validated configuration")
            .initial_state(sample, master_seed, sample_index);
        let fields = tempering
            .ladders
            .iter()
            .flat_map(|l| &l.chains)
            .map(|c| self.couplings.fields(sample, &c.spins))
            .collect();
        DenseState { tempering, fields }
    }

    /// One round: `sweeps_per_exchange` sweeps of every chain, the energies,
    /// then one exchange pass per ladder. The chains are swept in as many
    /// contiguous groups as rayon has threads, each group site-major (see
    /// the [module docs](super)); the results do not depend on the grouping.
    pub fn step(&self, sample: &Sample, state: &mut DenseState) {
        self.sweeps(sample, state);
        let DenseState { tempering, fields } = state;
        let k = self.betas.len();
        for (r, ladder) in tempering.ladders.iter_mut().enumerate() {
            self.exchange(ladder, &mut fields[r * k..(r + 1) * k]);
        }
        tempering.rounds += 1;
    }

    /// The sweeps of one round without the exchange pass and without
    /// counting the round: `sweeps_per_exchange` sweeps of every chain, the
    /// periodic exact refresh of the fields (when `rounds + 1` is a multiple
    /// of `refresh_rounds`) and the energies. Runs without exchanges
    /// (independent chains) call this and count their rounds themselves.
    /// Each group sweeps in a [`DenseScratch`] this engine keeps between
    /// calls.
    pub fn sweeps(&self, sample: &Sample, state: &mut DenseState) {
        let k = self.betas.len();
        let refresh = (state.tempering.rounds + 1).is_multiple_of(self.config.refresh_rounds);
        let DenseState { tempering, fields } = state;
        let mut chains: Vec<GroupChain<'_>> = tempering
            .ladders
            .iter_mut()
            .flat_map(|l| l.chains.iter_mut())
            .zip(fields.iter_mut())
            .enumerate()
            .map(|(index, (chain, fields))| (index % k, chain, fields))
            .collect();
        let groups = rayon::current_num_threads().clamp(1, chains.len().max(1));
        let size = chains.len().div_ceil(groups).max(1);
        let groups = chains.len().div_ceil(size);
        let mut scratch = self.scratch.take(groups);
        let pairs = chains.par_chunks_mut(size).zip(&mut scratch[..groups]);
        pairs.for_each(|(group, scratch)| {
            sweep_chains(
                &self.couplings,
                &self.betas,
                &self.tables,
                group,
                self.config.sweeps_per_exchange,
                scratch,
            );
            for (_, chain, fields) in group.iter_mut() {
                if refresh && !matches!(fields, DenseFields::Packed { .. }) {
                    **fields = self.couplings.fields(sample, &chain.spins);
                }
                chain.energy = self.energy(sample, &chain.spins, fields);
            }
        });
        drop(chains);
        self.scratch.put(scratch);
    }

    /// $H$: from the cached fields in $O(N)$,
    /// $-\frac12\sum_i s_i(h^{\mathrm{loc}}_i - h_i) - \sum_i h_i s_i$, or $|J|\\,U$.
    fn energy(&self, sample: &Sample, spins: &[Spin], fields: &DenseFields) -> f64 {
        let external = sample.fields();
        match (fields, &self.couplings) {
            (DenseFields::F64(h), _) => spins
                .iter()
                .zip(h.iter())
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (h + e))
                .sum(),
            (DenseFields::F32(h), _) => spins
                .iter()
                .zip(h.iter())
                .zip(external)
                .map(|((&s, &h), &e)| -0.5 * f64::from(s) * (f64::from(h) + e))
                .sum(),
            (DenseFields::Packed { energy, .. }, DenseCouplings::PackedSigns { magnitude, .. }) => {
                magnitude * *energy as f64
            }
            _ => unreachable!("fields are built with the couplings' storage"),
        }
    }

    /// The exchange pass of one ladder (the rule and stream use of
    /// [`crate::ParallelTempering::exchange`]); fields move with the spins.
    fn exchange(&self, ladder: &mut crate::tempering::Ladder, fields: &mut [DenseFields]) {
        crate::tempering::exchange_pass(&self.betas, ladder, |slot| fields.swap(slot, slot + 1));
    }
}
