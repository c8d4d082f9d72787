//! Boltzmann learning: gradient ascent of the likelihood along
//! $\langle s_is_j\rangle_\text{data} - \langle s_is_j\rangle_\text{model}$
//! (Ackley, Hinton & Sejnowski, Cognitive Science 9, 147 (1985)), with an
//! optional weight decay $\lambda$: the objective is
//! $\mathcal L - \frac\lambda2\sum_{i<j}J_{ij}^2$.
//!
//! * **Exact moments** (enumeration, $N \le$ [`super::MAX_VISIBLE_EXACT`]):
//!   the objective is known exactly, so the step is chosen by Barzilai and
//!   Borwein's rule $\eta = \lVert\Delta\theta\rVert^2/\Delta\theta\cdot(g_\text{old} - g_\text{new})$
//!   (the inverse curvature along the last step), halved whenever the
//!   objective would fall; the iteration stops when every component of the
//!   gradient is below the tolerance. The objective is concave, so the
//!   result is the (penalised) maximum-likelihood estimate whatever the start.
//! * **Monte Carlo moments**: persistent parallel-tempering chains of
//!   `quench-mc` (heat-bath sweeps, the machine at $T = 1$ and hotter copies
//!   for mixing), carried from one parameter update to the next; a fixed
//!   step for a fixed number of iterations, and the returned machine is the
//!   average of the iterates of the second half (Polyak–Ruppert), which
//!   averages out the chains' noise.

use quench_core::rng::Purpose;
use quench_core::{FamilyStreams, UnitStreams};
use quench_mc::{LocalRule, ParallelTempering, SweepOrder, TemperatureLadder, TemperingConfig};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{FullyVisible, SpinMoments, log_partition_and_moments};
use crate::error::{LearnError, parameter};

/// Monte Carlo estimation of the model's moments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloMoments {
    /// Independent tempering ladders whose $T = 1$ chains are averaged.
    pub chains: usize,
    /// The ladder's temperatures, the first 1 (the machine itself).
    pub temperatures: Vec<f64>,
    /// Sweep-and-exchange rounds per parameter update (each one measured).
    pub sweeps: u64,
    /// Rounds before the first update.
    pub equilibration: u64,
}

/// Where the model's moments come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ModelMoments {
    /// Exact enumeration of the $2^N$ states.
    Exact,
    /// Persistent Monte Carlo chains with parallel tempering.
    MonteCarlo(MonteCarloMoments),
}

/// Controls of [`boltzmann_learning`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningOptions {
    /// The first step (exact moments) or every step (Monte Carlo).
    pub learning_rate: f64,
    /// Most iterations (exact), or the iterations (Monte Carlo).
    pub iterations: usize,
    /// Stop when $\max|\partial/\partial\theta| <$ tolerance (exact moments).
    pub tolerance: f64,
    /// $\lambda$ of the penalty $\frac\lambda2\sum_{i<j}J_{ij}^2$.
    pub weight_decay: f64,
    /// The model's moments.
    pub moments: ModelMoments,
}

impl Default for LearningOptions {
    fn default() -> Self {
        Self {
            learning_rate: 0.5,
            iterations: 2000,
            tolerance: 1e-6,
            weight_decay: 0.0,
            moments: ModelMoments::Exact,
        }
    }
}

impl LearningOptions {
    /// Checks every option, naming the first that is out of range.
    pub fn validate(&self) -> Result<(), LearnError> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(parameter(
                "learning_rate",
                self.learning_rate,
                "a positive number",
            ));
        }
        if self.iterations == 0 {
            return Err(parameter("iterations", 0, "an integer >= 1"));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(parameter("tolerance", self.tolerance, "a positive number"));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(parameter(
                "weight_decay",
                self.weight_decay,
                "a number >= 0",
            ));
        }
        if let ModelMoments::MonteCarlo(mc) = &self.moments {
            if mc.chains == 0 {
                return Err(parameter("chains", 0, "an integer >= 1"));
            }
            if mc.sweeps == 0 {
                return Err(parameter("sweeps", 0, "an integer >= 1"));
            }
            if mc.temperatures.first() != Some(&1.0) {
                return Err(parameter(
                    "temperatures",
                    format!("{:?}", mc.temperatures),
                    "an ascending list starting at 1 (the machine itself)",
                ));
            }
        }
        Ok(())
    }
}

/// What [`boltzmann_learning`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningOutcome {
    /// The learned machine.
    pub machine: FullyVisible,
    /// Iterations done (rejected exact steps included).
    pub iterations: usize,
    /// $\max|\partial/\partial\theta|$ at the last iterate (Monte Carlo: its noisy estimate).
    pub gradient: f64,
    /// Whether the gradient fell below the tolerance.
    pub converged: bool,
    /// The exact mean log-likelihood of the data (exact moments only).
    pub log_likelihood: Option<f64>,
}

/// The mean log-likelihood of data with moments `data` under `machine` of
/// log-partition function `log_partition`:
/// $\sum_{i<j}J_{ij}c_{ij} + \sum_ih_im_i - \ln Z$.
pub fn visible_log_likelihood(
    machine: &FullyVisible,
    data: &SpinMoments,
    log_partition: f64,
) -> f64 {
    let n = machine.n();
    let j = machine.couplings();
    let mut total: f64 = machine
        .fields()
        .iter()
        .zip(&data.magnetisations)
        .map(|(h, m)| h * m)
        .sum();
    for a in 0..n {
        for b in a + 1..n {
            total += j[a * n + b] * data.correlations[a * n + b];
        }
    }
    total - log_partition
}

/// The gradient of the penalised objective: (couplings $N\times N$, fields).
fn gradient(
    machine: &FullyVisible,
    data: &SpinMoments,
    model: &SpinMoments,
    weight_decay: f64,
) -> (Vec<f64>, Vec<f64>) {
    let n = machine.n();
    let mut coupling: Vec<f64> = data
        .correlations
        .iter()
        .zip(&model.correlations)
        .zip(machine.couplings())
        .map(|((d, m), j)| d - m - weight_decay * j)
        .collect();
    for i in 0..n {
        coupling[i * n + i] = 0.0;
    }
    let field = data
        .magnetisations
        .iter()
        .zip(&model.magnetisations)
        .map(|(d, m)| d - m)
        .collect();
    (coupling, field)
}

/// $a\cdot b$ over the free parameters (pairs $i<j$ once, and fields).
fn dot(n: usize, a: &(Vec<f64>, Vec<f64>), b: &(Vec<f64>, Vec<f64>)) -> f64 {
    let mut total: f64 = a.1.iter().zip(&b.1).map(|(x, y)| x * y).sum();
    for i in 0..n {
        for j in i + 1..n {
            total += a.0[i * n + j] * b.0[i * n + j];
        }
    }
    total
}

fn largest(g: &(Vec<f64>, Vec<f64>)) -> f64 {
    g.0.iter().chain(&g.1).fold(0.0, |m, x| m.max(x.abs()))
}

fn penalty(machine: &FullyVisible, weight_decay: f64) -> f64 {
    0.25 * weight_decay * machine.couplings().iter().map(|j| j * j).sum::<f64>()
}

/// Learns a fully visible machine from data moments, starting from
/// `initial`; Monte Carlo chains draw from streams
/// `(master_seed, Named("visible-learning"), index, chain)`.
pub fn boltzmann_learning(
    data: &SpinMoments,
    initial: FullyVisible,
    options: &LearningOptions,
    master_seed: u64,
    index: u64,
) -> Result<LearningOutcome, LearnError> {
    options.validate()?;
    if data.n() != initial.n() {
        return Err(parameter(
            "initial",
            format!("{} spins", initial.n()),
            format!("the data's {} spins", data.n()),
        ));
    }
    if let Some((i, m)) = data
        .magnetisations
        .iter()
        .enumerate()
        .find(|(_, m)| m.is_nan() || m.abs() >= 1.0)
    {
        return Err(LearnError::Configuration {
            reason: format!(
                "spin {i} never flips in the data (m = {m}): its maximum-likelihood field is infinite"
            ),
        });
    }
    match &options.moments {
        ModelMoments::Exact => exact_learning(data, initial, options),
        ModelMoments::MonteCarlo(mc) => {
            monte_carlo_learning(data, initial, options, mc, master_seed, index)
        }
    }
}

fn exact_learning(
    data: &SpinMoments,
    initial: FullyVisible,
    options: &LearningOptions,
) -> Result<LearningOutcome, LearnError> {
    let n = data.n();
    let decay = options.weight_decay;
    let evaluate = |machine: &FullyVisible| -> Result<_, LearnError> {
        let (log_partition, model) = log_partition_and_moments(machine)?;
        let likelihood = visible_log_likelihood(machine, data, log_partition);
        let objective = likelihood - penalty(machine, decay);
        Ok((
            objective,
            likelihood,
            gradient(machine, data, &model, decay),
        ))
    };
    let mut machine = initial;
    let (mut objective, mut likelihood, mut g) = evaluate(&machine)?;
    // The objectives of the last accepted iterates: a step is accepted when
    // it does not fall below the lowest of them (Grippo, Lampariello &
    // Lucidi's non-monotone safeguard, which keeps the long steps that make
    // Barzilai–Borwein fast).
    let mut recent = std::collections::VecDeque::from([objective]);
    let mut step = options.learning_rate;
    let mut iterations = 0;
    while largest(&g) >= options.tolerance && iterations < options.iterations {
        iterations += 1;
        let mut candidate = machine.clone();
        candidate.add(step, &g.0, &g.1);
        let (new_objective, new_likelihood, new_g) = evaluate(&candidate)?;
        let floor = recent.iter().copied().fold(f64::INFINITY, f64::min);
        if new_objective.is_nan() || new_objective < floor - 1e-13 * floor.abs().max(1.0) {
            step *= 0.5;
            continue;
        }
        let difference = (
            g.0.iter().zip(&new_g.0).map(|(a, b)| a - b).collect(),
            g.1.iter().zip(&new_g.1).map(|(a, b)| a - b).collect(),
        );
        let curvature = dot(n, &g, &difference) * step;
        let length = dot(n, &g, &g) * step * step;
        step = if curvature > 0.0 {
            (length / curvature).clamp(1e-6, 1e6)
        } else {
            step * 2.0
        };
        machine = candidate;
        (objective, likelihood, g) = (new_objective, new_likelihood, new_g);
        recent.push_back(objective);
        if recent.len() > 10 {
            recent.pop_front();
        }
    }
    let gradient = largest(&g);
    Ok(LearningOutcome {
        machine,
        iterations,
        gradient,
        converged: gradient < options.tolerance,
        log_likelihood: Some(likelihood),
    })
}

fn monte_carlo_learning(
    data: &SpinMoments,
    initial: FullyVisible,
    options: &LearningOptions,
    mc: &MonteCarloMoments,
    master_seed: u64,
    index: u64,
) -> Result<LearningOutcome, LearnError> {
    let n = data.n();
    let config = TemperingConfig {
        ladder: TemperatureLadder::from_list(mc.temperatures.clone())?,
        replicas: mc.chains,
        rule: LocalRule::HeatBath,
        order: SweepOrder::Sequential,
        sweeps_per_exchange: 1,
    };
    let sampler_error = |e: quench_mc::SamplerError| LearnError::Configuration {
        reason: e.to_string(),
    };
    let mut machine = initial;
    let mut sample = machine.to_sample();
    let mut tempering = ParallelTempering::new(config.clone(), &sample).map_err(sampler_error)?;
    // The chains' own seed, drawn from the learning's named stream so that
    // they never share streams with chains that drew the data.
    let chain_seed = UnitStreams::new(
        master_seed,
        FamilyStreams::Named("visible-learning"),
        index,
        0,
    )
    .stream(Purpose::Dynamics, 0)
    .next_u64();
    let mut state = tempering.initial_state(&sample, chain_seed, index);
    for _ in 0..mc.equilibration {
        tempering.step(&sample, &mut state);
    }
    let average_from = options.iterations / 2;
    let mut average = FullyVisible::zeros(n)?;
    let mut last = 0.0;
    for iteration in 0..options.iterations {
        let mut model = SpinMoments {
            magnetisations: vec![0.0; n],
            correlations: vec![0.0; n * n],
        };
        for _ in 0..mc.sweeps {
            tempering.step(&sample, &mut state);
            for ladder in &state.ladders {
                let spins = &ladder.chains[0].spins;
                for i in 0..n {
                    let si = f64::from(spins[i]);
                    model.magnetisations[i] += si;
                    let row = &mut model.correlations[i * n..(i + 1) * n];
                    for (c, &sj) in row.iter_mut().zip(spins) {
                        *c += si * f64::from(sj);
                    }
                }
            }
        }
        let scale = 1.0 / (mc.sweeps as f64 * mc.chains as f64);
        model.magnetisations.iter_mut().for_each(|v| *v *= scale);
        model.correlations.iter_mut().for_each(|v| *v *= scale);
        let g = gradient(&machine, data, &model, options.weight_decay);
        last = largest(&g);
        machine.add(options.learning_rate, &g.0, &g.1);
        if iteration >= average_from {
            let weight = 1.0 / (options.iterations - average_from) as f64;
            average.add(weight, machine.couplings(), machine.fields());
        }
        sample = machine.to_sample();
        tempering = ParallelTempering::new(config.clone(), &sample).map_err(sampler_error)?;
        for ladder in &mut state.ladders {
            for chain in &mut ladder.chains {
                chain.refresh_energy(&sample);
            }
        }
    }
    Ok(LearningOutcome {
        machine: average,
        iterations: options.iterations,
        gradient: last,
        converged: last < options.tolerance,
        log_likelihood: None,
    })
}
