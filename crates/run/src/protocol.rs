//! One round of the spec's update protocol on one sample.

use quench_core::Sample;
use quench_mc::{
    ParallelTempering, SingleSpinSampler, TemperingConfig, TemperingState, WolffCluster,
    WolffScratch,
};
use rayon::prelude::*;

use crate::error::RunError;
use crate::spec::{Method, Spec};

/// The update protocol of a spec, prepared for one sample.
///
/// A round is: `sweeps_per_round` local sweeps of every chain, then
/// `wolff_updates_per_round` cluster updates of every chain, then (parallel
/// tempering) one exchange pass over every ladder. Chains are updated in
/// parallel; each owns its random stream, so the result does not depend on
/// the number of threads. With cluster updates off this is exactly
/// [`ParallelTempering::step`].
pub struct Protocol {
    tempering: ParallelTempering,
    local: SingleSpinSampler,
    wolff: Option<WolffCluster>,
    sweeps: u64,
    wolff_updates: u64,
    exchanges: bool,
}

impl Protocol {
    /// Prepares the protocol of `spec` for `sample`.
    pub fn new(spec: &Spec, sample: &Sample) -> Result<Self, RunError> {
        let algorithm = &spec.algorithm;
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
        Ok(Self {
            tempering: ParallelTempering::new(config, sample)?,
            local: SingleSpinSampler::new(algorithm.rule, algorithm.order, sample)?,
            wolff,
            sweeps: algorithm.sweeps_per_round,
            wolff_updates: algorithm.wolff_updates_per_round,
            exchanges: algorithm.method == Method::ParallelTempering,
        })
    }

    /// The fresh state of sample `stream_index` (streams keyed by the master seed and that index).
    pub fn initial_state(
        &self,
        sample: &Sample,
        master_seed: u64,
        stream_index: u64,
    ) -> TemperingState {
        self.tempering
            .initial_state(sample, master_seed, stream_index)
    }

    /// One round.
    pub fn round(&self, sample: &Sample, state: &mut TemperingState) {
        let betas = self.tempering.betas();
        state.ladders.par_iter_mut().for_each(|ladder| {
            ladder
                .chains
                .par_iter_mut()
                .zip(betas.par_iter())
                .for_each(|(chain, &beta)| {
                    if self.sweeps > 0 {
                        self.local.sweeps(sample, chain, beta, self.sweeps);
                    }
                    if let Some(wolff) = &self.wolff {
                        let mut scratch = WolffScratch::default();
                        for _ in 0..self.wolff_updates {
                            wolff.step(sample, chain, beta, &mut scratch);
                        }
                    }
                });
        });
        if self.exchanges {
            for ladder in &mut state.ladders {
                self.tempering.exchange(ladder);
            }
        }
        state.rounds += 1;
    }
}
