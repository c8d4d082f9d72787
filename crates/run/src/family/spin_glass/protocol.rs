//! One round of the spec's update protocol on one sample, with the scalar
//! or a dense kernel (the multispin kernel runs many samples at once:
//! [`super::multispin`]).

use quench_core::Sample;
use quench_mc::{
    DenseConfig, DensePrecision, DenseState, DenseTempering, Kernel, ParallelTempering,
    SingleSpinSampler, TemperingConfig, TemperingState, WolffCluster, WolffScratch,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::spec::{GridPoint, Method, Spec};
use crate::error::RunError;

/// Rounds between exact recomputations of a dense kernel's cached
/// floating-point fields (a deterministic schedule, so resumed runs repeat it).
pub const DENSE_REFRESH_ROUNDS: u64 = 64;

/// The state of one sample's chains: the scalar kernel's, or a dense
/// kernel's (the same chains plus cached fields, saved with them so a
/// resumed run continues bit for bit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EngineState {
    /// Scalar chains.
    Scalar(TemperingState),
    /// Dense chains with their cached fields.
    Dense(DenseState),
}

impl EngineState {
    /// The chains and exchange bookkeeping.
    pub fn tempering(&self) -> &TemperingState {
        match self {
            EngineState::Scalar(state) => state,
            EngineState::Dense(state) => &state.tempering,
        }
    }

    /// Rounds done.
    pub fn rounds(&self) -> u64 {
        self.tempering().rounds
    }
}

/// The update protocol of a spec, prepared for one sample.
///
/// A round is: `sweeps_per_round` local sweeps of every chain, then
/// `wolff_updates_per_round` cluster updates of every chain, then (parallel
/// tempering) one exchange pass over every ladder. Chains are updated in
/// parallel; each owns its random stream, so the result does not depend on
/// the number of threads. With the scalar kernel and cluster updates off
/// this is exactly [`ParallelTempering::step`]; with a dense kernel it is
/// [`DenseTempering::step`].
pub struct Protocol {
    engine: Engine,
    exchanges: bool,
}

enum Engine {
    Scalar {
        tempering: ParallelTempering,
        local: SingleSpinSampler,
        wolff: Option<WolffCluster>,
        sweeps: u64,
        wolff_updates: u64,
    },
    Dense(DenseTempering),
}

impl Protocol {
    /// Prepares the protocol of `spec` at `point` for `sample`, with the
    /// point's kernel (scalar or dense).
    pub fn new(spec: &Spec, point: &GridPoint, sample: &Sample) -> Result<Self, RunError> {
        let algorithm = &spec.algorithm;
        let precision = match point.kernel {
            Kernel::DenseF64 => Some(DensePrecision::F64),
            Kernel::DenseF32 => Some(DensePrecision::F32),
            Kernel::PackedSigns => Some(DensePrecision::PackedSigns),
            Kernel::Scalar => None,
            Kernel::Multispin { .. } | Kernel::FloatLanes => {
                return Err(RunError::Input(format!(
                    "grid point {} runs the {} kernel, which takes many samples at once",
                    point.index,
                    point.kernel.name()
                )));
            }
        };
        let engine = match precision {
            Some(precision) => Engine::Dense(DenseTempering::new(
                DenseConfig {
                    ladder: spec.ladder.clone(),
                    replicas: algorithm.replicas,
                    sweeps_per_exchange: algorithm.sweeps_per_round.max(1),
                    precision,
                    refresh_rounds: DENSE_REFRESH_ROUNDS,
                },
                sample,
            )?),
            None => {
                let config = TemperingConfig {
                    ladder: spec.ladder.clone(),
                    replicas: algorithm.replicas,
                    rule: algorithm.rule,
                    order: algorithm.order,
                    sweeps_per_exchange: algorithm.sweeps_per_round.max(1),
                };
                let wolff = (algorithm.wolff_updates_per_round > 0)
                    .then(|| WolffCluster::new(sample))
                    .transpose()?;
                Engine::Scalar {
                    tempering: ParallelTempering::new(config, sample)?,
                    local: SingleSpinSampler::new(algorithm.rule, algorithm.order, sample)?,
                    wolff,
                    sweeps: algorithm.sweeps_per_round,
                    wolff_updates: algorithm.wolff_updates_per_round,
                }
            }
        };
        Ok(Self {
            engine,
            exchanges: algorithm.method == Method::ParallelTempering,
        })
    }

    /// The fresh state of sample `stream_index` (streams keyed by the master
    /// seed and that index; the same initial spins for every kernel).
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        stream_index: u64,
    ) -> EngineState {
        match &self.engine {
            Engine::Scalar { tempering, .. } => {
                EngineState::Scalar(tempering.initial_state(sample, master_seed, stream_index))
            }
            Engine::Dense(dense) => {
                EngineState::Dense(dense.initial_state(sample, master_seed, stream_index))
            }
        }
    }

    /// One round.
    pub fn round(&self, sample: &Sample, state: &mut EngineState) {
        match (&self.engine, state) {
            (
                Engine::Scalar {
                    tempering,
                    local,
                    wolff,
                    sweeps,
                    wolff_updates,
                },
                EngineState::Scalar(state),
            ) => {
                let betas = tempering.betas();
                state.ladders.par_iter_mut().for_each(|ladder| {
                    ladder.chains.par_iter_mut().zip(betas.par_iter()).for_each(
                        |(chain, &beta)| {
                            if *sweeps > 0 {
                                local.sweeps(sample, chain, beta, *sweeps);
                            }
                            if let Some(wolff) = wolff {
                                let mut scratch = WolffScratch::default();
                                for _ in 0..*wolff_updates {
                                    wolff.step(sample, chain, beta, &mut scratch);
                                }
                            }
                        },
                    );
                });
                if self.exchanges {
                    for ladder in &mut state.ladders {
                        tempering.exchange(ladder);
                    }
                }
                state.rounds += 1;
            }
            (Engine::Dense(dense), EngineState::Dense(state)) => {
                if self.exchanges {
                    dense.step(sample, state);
                } else {
                    dense.sweeps(sample, state);
                    state.tempering.rounds += 1;
                }
            }
            _ => unreachable!("states are checked with Protocol::accepts when loaded"),
        }
    }

    /// Whether `state` belongs to this protocol's kernel (a checkpoint
    /// written by another kernel does not).
    pub fn accepts(&self, state: &EngineState) -> bool {
        matches!(
            (&self.engine, state),
            (Engine::Scalar { .. }, EngineState::Scalar(_))
                | (Engine::Dense(_), EngineState::Dense(_))
        )
    }
}
