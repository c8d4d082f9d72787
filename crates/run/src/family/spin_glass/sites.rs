//! Local magnetisations $m_i = \langle s_i\rangle$ of every site at every
//! temperature, with batch-means errors: what the TAP comparison needs.
//!
//! Asked for with `[observables] site_magnetisations = true`. The
//! measurement phase is cut into [`BATCHES`] consecutive batches of rounds;
//! each batch's mean over rounds and replicas is kept, and the error of
//! $m_i$ is the standard error of the batch means (valid when a batch is
//! longer than the autocorrelation time of $s_i$, which the report's
//! equilibration check speaks to). The accumulator is part of a unit's
//! checkpoint, so a resumed run gives the same numbers.

use quench_core::Spin;
use quench_mc::TemperingState;
use serde::{Deserialize, Serialize};

/// Batches of the measurement phase.
pub const BATCHES: usize = 16;

/// Per-batch sums of $s_i$ for every temperature slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteAccumulator {
    sites: usize,
    slots: usize,
    rounds_per_batch: u64,
    /// `[batch][slot][site]`, flattened.
    sums: Vec<i64>,
    /// Spins added to each batch (rounds times replicas).
    counts: Vec<u64>,
    /// Measurement rounds recorded.
    recorded: u64,
}

/// $m_i$ with its error at one temperature slot.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteMagnetisations {
    /// Means over the measurement phase and replicas.
    pub mean: Vec<f64>,
    /// Batch-means standard errors.
    pub error: Vec<f64>,
}

impl SiteAccumulator {
    /// An accumulator for `sites` spins, `slots` temperatures and
    /// `measurements` recorded rounds.
    pub fn new(sites: usize, slots: usize, measurements: u64) -> Self {
        let rounds_per_batch = measurements.div_ceil(BATCHES as u64).max(1);
        Self {
            sites,
            slots,
            rounds_per_batch,
            sums: vec![0; BATCHES * slots * sites],
            counts: vec![0; BATCHES],
            recorded: 0,
        }
    }

    /// Adds the spins of every chain after one measurement round.
    pub fn record(&mut self, state: &TemperingState) {
        for ladder in &state.ladders {
            self.add_replica(ladder.chains.iter().map(|c| c.spins.as_slice()));
        }
        self.recorded += 1;
    }

    /// Adds one replica's spins, by temperature slot, to the current batch.
    fn add_replica<'a>(&mut self, slots: impl Iterator<Item = &'a [Spin]>) {
        let batch = ((self.recorded / self.rounds_per_batch) as usize).min(BATCHES - 1);
        for (slot, spins) in slots.enumerate().take(self.slots) {
            let offset = (batch * self.slots + slot) * self.sites;
            for (sum, &spin) in self.sums[offset..offset + self.sites].iter_mut().zip(spins) {
                *sum += i64::from(spin);
            }
        }
        self.counts[batch] += 1;
    }

    /// $m_i$ and errors at `slot` (errors NaN with fewer than two batches).
    pub fn magnetisations(&self, slot: usize) -> SiteMagnetisations {
        let batches: Vec<usize> = (0..BATCHES).filter(|&b| self.counts[b] > 0).collect();
        let k = batches.len() as f64;
        let mut mean = vec![0.0; self.sites];
        let mut error = vec![f64::NAN; self.sites];
        for site in 0..self.sites {
            let batch_mean = |b: usize| {
                self.sums[(b * self.slots + slot) * self.sites + site] as f64
                    / self.counts[b] as f64
            };
            let total: i64 = batches
                .iter()
                .map(|&b| self.sums[(b * self.slots + slot) * self.sites + site])
                .sum();
            let count: u64 = batches.iter().map(|&b| self.counts[b]).sum();
            mean[site] = total as f64 / count.max(1) as f64;
            if batches.len() >= 2 {
                let average = batches.iter().map(|&b| batch_mean(b)).sum::<f64>() / k;
                let variance = batches
                    .iter()
                    .map(|&b| (batch_mean(b) - average).powi(2))
                    .sum::<f64>()
                    / (k - 1.0);
                error[site] = (variance / k).sqrt();
            }
        }
        SiteMagnetisations { mean, error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent ±1 spins of known mean: the batch-means error covers the
    /// truth at the rate a standard error should (4.5 errors almost always).
    #[test]
    fn batch_means_of_independent_spins_cover_the_mean() {
        use rand::{RngExt, SeedableRng};
        let sites = 200;
        let rounds = 4000;
        let mut accumulator = SiteAccumulator::new(sites, 1, rounds);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        let truth: Vec<f64> = (0..sites)
            .map(|i| -0.9 + 1.8 * i as f64 / sites as f64)
            .collect();
        let mut spins: Vec<Spin> = vec![1; sites];
        for _ in 0..rounds {
            for (spin, &m) in spins.iter_mut().zip(&truth) {
                *spin = if rng.random::<f64>() < (1.0 + m) / 2.0 {
                    1
                } else {
                    -1
                };
            }
            accumulator.add_replica(std::iter::once(spins.as_slice()));
            accumulator.recorded += 1;
        }
        let result = accumulator.magnetisations(0);
        let outside = (0..sites)
            .filter(|&i| ((result.mean[i] - truth[i]) / result.error[i]).abs() > 4.5)
            .count();
        assert!(outside <= 1, "{outside} of {sites} sites beyond 4.5 errors");
        // The error is the binomial one, sqrt((1 - m^2) / rounds), within its own scatter.
        let ratio: f64 = (0..sites)
            .map(|i| result.error[i] / ((1.0 - truth[i].powi(2)) / rounds as f64).sqrt())
            .sum::<f64>()
            / sites as f64;
        assert!((ratio - 1.0).abs() < 0.1, "error ratio {ratio}");
    }
}
