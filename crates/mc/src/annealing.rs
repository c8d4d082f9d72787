//! Ground-state searches: greedy descent and simulated annealing.
//!
//! * **Greedy descent** (zero temperature): sweep the sites in order and flip
//!   every spin whose flip lowers the energy ($\Delta E_i < 0$), until a whole
//!   sweep flips nothing. The result is a one-spin-flip stable configuration
//!   (every spin aligned with its local field).
//! * **Simulated annealing** (S. Kirkpatrick, C. D. Gelatt and M. P. Vecchi,
//!   Science 220, 671 (1983)): Monte Carlo sweeps along a decreasing
//!   temperature schedule, then a greedy descent. Many independent restarts,
//!   each with its own stream, give the lowest energy found and how often it
//!   was found (a rough measure of confidence that it is the ground state).

use quench_core::{ParameterError, Sample, Spin};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::chain::ChainState;
use crate::error::SamplerError;
use crate::local::{Configuration, LocalRule, SampleMoves, SingleSpinSampler, SweepOrder};
use crate::moves::{self, Visit};
use crate::temperature::inverse_temperature;

/// Flips spins with $\Delta E_i < 0$ in sequential sweeps until none is left;
/// returns the number of flips. The chain's energy is kept exact. (The move
/// seam's [`moves::descend`] with [`moves::Greedy`] on the sample's moves.)
pub fn greedy_descent(sample: &Sample, chain: &mut ChainState) -> u64 {
    let mut configuration = Configuration {
        spins: std::mem::take(&mut chain.spins),
        energy: chain.energy,
    };
    let descent = moves::descend(
        &SampleMoves { sample },
        &mut configuration,
        Visit::Sequential,
        u64::MAX,
        &mut chain.rng,
    );
    chain.spins = configuration.spins;
    chain.energy = configuration.energy;
    // The sweeps that flipped, and the last one, which confirmed.
    chain.sweeps += descent.sweeps + 1;
    chain.refresh_energy(sample);
    descent.moves
}

/// An annealing schedule and the local moves used along it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnealingSchedule {
    /// Temperatures visited in order (usually decreasing).
    pub temperatures: Vec<f64>,
    /// Sweeps at each temperature.
    pub sweeps_per_temperature: u64,
    /// Local rule.
    pub rule: LocalRule,
    /// Sweep order.
    pub order: SweepOrder,
}

impl AnnealingSchedule {
    /// `steps` temperatures from `hot` to `cold`, linear in $\beta$ (the common choice).
    pub fn linear_in_beta(
        hot: f64,
        cold: f64,
        steps: usize,
        sweeps_per_temperature: u64,
    ) -> Result<Self, ParameterError> {
        let (beta_hot, beta_cold) = (inverse_temperature(hot)?, inverse_temperature(cold)?);
        if steps < 2 {
            return Err(ParameterError::new("steps", steps, "an integer >= 2"));
        }
        let temperatures = (0..steps)
            .map(|k| 1.0 / (beta_hot + (beta_cold - beta_hot) * k as f64 / (steps - 1) as f64))
            .collect();
        Ok(Self {
            temperatures,
            sweeps_per_temperature,
            rule: LocalRule::Metropolis,
            order: SweepOrder::Sequential,
        })
    }

    fn validate(&self) -> Result<Vec<f64>, ParameterError> {
        if self.temperatures.is_empty() {
            return Err(ParameterError::new(
                "temperatures",
                "[]",
                "a non-empty schedule of temperatures > 0",
            ));
        }
        self.temperatures
            .iter()
            .map(|&t| inverse_temperature(t))
            .collect()
    }
}

/// Anneals `chain` along `schedule` and finishes with a greedy descent.
pub fn anneal(
    sample: &Sample,
    chain: &mut ChainState,
    schedule: &AnnealingSchedule,
) -> Result<(), SamplerError> {
    let betas = schedule.validate()?;
    let sampler = SingleSpinSampler::new(schedule.rule, schedule.order, sample)?;
    for beta in betas {
        sampler.sweeps(sample, chain, beta, schedule.sweeps_per_temperature);
    }
    greedy_descent(sample, chain);
    Ok(())
}

/// The outcome of repeated annealing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroundStateSearch {
    /// Lowest energy found.
    pub energy: f64,
    /// A configuration with that energy.
    pub spins: Vec<Spin>,
    /// Final energy of every restart, in restart order.
    pub restart_energies: Vec<f64>,
    /// How many restarts reached the lowest energy (within $10^{-9}$ relative).
    pub hits: usize,
}

/// Runs `restarts` independent annealings (in parallel; restart $r$ uses chain
/// index $r$ of `(seed, sample_index)`) and keeps the best.
pub fn search_ground_state(
    sample: &Sample,
    schedule: &AnnealingSchedule,
    restarts: usize,
    master_seed: u64,
    sample_index: u64,
) -> Result<GroundStateSearch, SamplerError> {
    if restarts == 0 {
        return Err(ParameterError::new("restarts", 0, "an integer >= 1").into());
    }
    schedule.validate()?;
    let finals: Vec<ChainState> = (0..restarts)
        .into_par_iter()
        .map(|r| {
            let mut chain = ChainState::random(sample, master_seed, sample_index, r as u64);
            anneal(sample, &mut chain, schedule).map(|()| chain)
        })
        .collect::<Result<_, _>>()?;
    let best = finals
        .iter()
        .min_by(|a, b| a.energy.total_cmp(&b.energy))
        .expect("at least one restart");
    let tolerance = 1e-9 * best.energy.abs().max(1.0);
    Ok(GroundStateSearch {
        energy: best.energy,
        spins: best.spins.clone(),
        hits: finals
            .iter()
            .filter(|c| c.energy - best.energy <= tolerance)
            .count(),
        restart_energies: finals.iter().map(|c| c.energy).collect(),
    })
}
