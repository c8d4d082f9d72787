//! Throughput of a binary-weight flip attempt: Metropolis sweeps of
//! [`BinaryPerceptron`] on storage problems, the vector kernels of
//! [`super::kernel`] beside the portable (scalar) ones in the same
//! invocation, so the report is a ratio as well as a time.
//!
//! The cost of one attempt is the count of the constraints a flip would
//! break or repair, one pass over the $P$ fields; an accepted flip adds a
//! second pass that updates them. The figure of merit is therefore
//! nanoseconds per pattern per attempt, $t / (A\\,P)$ for $A$ attempts,
//! with the acceptance rate reported beside it (it sets how many second
//! passes were made).

use super::binary::BinaryPerceptron;
use super::data::{DataEnsemble, InputDistribution, LabelRule, TrainingSet};
use crate::error::{LearnError, at_least, parameter};
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{Metropolis, Visit, sweep};
use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchmarkOptions {
    /// Weights $N$.
    pub dimension: usize,
    /// Patterns $P$.
    pub patterns: usize,
    /// Inputs of the training sets.
    pub inputs: InputDistribution,
    /// Inverse temperature of the Metropolis sweeps.
    pub beta: f64,
    /// Independent chains, one per worker thread (each on its own training
    /// set).
    pub threads: usize,
    /// Seconds measured per kernel.
    pub seconds: f64,
    /// Master seed of the training sets and the chains.
    pub seed: u64,
}

impl Default for BenchmarkOptions {
    /// The reference point: $N = 1000$, $P = 800$ ($\alpha = 0.8$,
    /// just below the binary capacity 0.833), $\pm1$ inputs, $\beta = 2$,
    /// one thread, two seconds per kernel.
    fn default() -> Self {
        Self {
            dimension: 1000,
            patterns: 800,
            inputs: InputDistribution::Binary,
            beta: 2.0,
            threads: 1,
            seconds: 2.0,
            seed: 1,
        }
    }
}

/// One kernel's measurement.
#[derive(Debug, Clone, Serialize)]
pub struct KernelThroughput {
    /// `"vector"` or `"portable"`.
    pub kernel: String,
    /// Flip attempts made, over all chains.
    pub attempts: u64,
    /// Fraction of attempts accepted.
    pub acceptance: f64,
    /// Wall-clock seconds measured.
    pub seconds: f64,
    /// Wall-clock nanoseconds per pattern per attempt, per core:
    /// $t\\,T/(A\\,P)$ with $T$ threads.
    pub ns_per_pattern_per_attempt: f64,
    /// Nanoseconds per attempt, per core.
    pub ns_per_attempt: f64,
}

/// The report of [`run`].
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkResult {
    /// `"perceptron-binary"`.
    pub workload: String,
    /// Weights $N$.
    pub dimension: usize,
    /// Patterns $P$.
    pub patterns: usize,
    /// Input distribution name.
    pub inputs: String,
    /// Inverse temperature.
    pub beta: f64,
    /// Worker threads (= chains).
    pub threads: usize,
    /// The vector kernel (this CPU's widest).
    pub vector: KernelThroughput,
    /// The portable kernel, the baseline.
    pub portable: KernelThroughput,
    /// Portable time over vector time per pattern per attempt.
    pub speedup: f64,
}

/// Measure both kernels on the same training sets and chains.
pub fn run(options: &BenchmarkOptions) -> Result<BenchmarkResult, LearnError> {
    at_least("threads", options.threads, 1)?;
    if !(options.seconds.is_finite() && options.seconds > 0.0) {
        return Err(parameter("seconds", options.seconds, "a number > 0"));
    }
    if !(options.beta.is_finite() && options.beta >= 0.0) {
        return Err(parameter("beta", options.beta, "a number >= 0"));
    }
    let ensemble = DataEnsemble {
        dimension: options.dimension,
        patterns: options.patterns,
        inputs: options.inputs,
        labels: LabelRule::Random,
    };
    ensemble.validate()?;
    let sets = (0..options.threads as u64)
        .map(|chain| TrainingSet::draw(&ensemble, options.seed, chain))
        .collect::<Result<Vec<_>, _>>()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| LearnError::ThreadPool {
            threads: options.threads,
            reason: e.to_string(),
        })?;
    let measure = |portable: bool| -> Result<KernelThroughput, LearnError> {
        let models = sets
            .iter()
            .map(|set| {
                if portable {
                    BinaryPerceptron::portable(set, 0.0)
                } else {
                    BinaryPerceptron::new(set, 0.0)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let per_chain = pool.install(|| {
            models
                .par_iter()
                .enumerate()
                .map(|(chain, model)| chain_throughput(model, options, chain as u64))
                .collect::<Result<Vec<_>, _>>()
        })?;
        let attempts: u64 = per_chain.iter().map(|c| c.0).sum();
        let accepted: u64 = per_chain.iter().map(|c| c.1).sum();
        let seconds = per_chain.iter().map(|c| c.2).fold(0.0, f64::max);
        let per_core_ns = seconds * 1e9 * options.threads as f64 / attempts as f64;
        Ok(KernelThroughput {
            kernel: if portable { "portable" } else { "vector" }.to_string(),
            attempts,
            acceptance: accepted as f64 / attempts as f64,
            seconds,
            ns_per_pattern_per_attempt: per_core_ns / options.patterns.max(1) as f64,
            ns_per_attempt: per_core_ns,
        })
    };
    let vector = measure(false)?;
    let portable = measure(true)?;
    Ok(BenchmarkResult {
        workload: "perceptron-binary".to_string(),
        dimension: options.dimension,
        patterns: options.patterns,
        inputs: options.inputs.name().to_string(),
        beta: options.beta,
        threads: options.threads,
        speedup: portable.ns_per_pattern_per_attempt / vector.ns_per_pattern_per_attempt,
        vector,
        portable,
    })
}

/// Sweeps of one chain for at least `options.seconds` after a short
/// warm-up: (attempts, accepted, seconds).
fn chain_throughput(
    model: &BinaryPerceptron,
    options: &BenchmarkOptions,
    chain: u64,
) -> Result<(u64, u64, f64), LearnError> {
    let mut rng = stream(options.seed, Purpose::Dynamics, chain, 0);
    let start = (0..model.dimension())
        .map(|_| if rng.random::<bool>() { 1 } else { -1 })
        .collect();
    let mut state = model.state(start)?;
    let acceptance = Metropolis { beta: options.beta };
    let mut scratch = Vec::new();
    let mut step = |state: &mut _, rng: &mut _| {
        sweep(
            model,
            state,
            &acceptance,
            Visit::Sequential,
            &mut scratch,
            rng,
        )
    };
    for _ in 0..5 {
        step(&mut state, &mut rng);
    }
    let (mut attempts, mut accepted) = (0u64, 0u64);
    let clock = Instant::now();
    loop {
        accepted += step(&mut state, &mut rng);
        attempts += model.dimension() as u64;
        let elapsed = clock.elapsed().as_secs_f64();
        if elapsed >= options.seconds {
            return Ok((attempts, accepted, elapsed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kernels are measured on every chain, and bad options are named.
    #[test]
    fn both_kernels_are_measured_and_bad_options_are_named() {
        let options = BenchmarkOptions {
            dimension: 64,
            patterns: 40,
            seconds: 0.01,
            threads: 2,
            ..BenchmarkOptions::default()
        };
        let result = run(&options).unwrap();
        assert!(result.vector.attempts >= 2 * 64 * 6 && result.portable.attempts >= 2 * 64);
        assert!(result.vector.ns_per_pattern_per_attempt > 0.0 && result.speedup > 0.0);
        assert!((0.0..=1.0).contains(&result.vector.acceptance));
        // At beta = 0 every attempt is accepted: the count is of made moves.
        let hot = run(&BenchmarkOptions {
            beta: 0.0,
            ..options.clone()
        })
        .unwrap();
        assert_eq!(hot.vector.acceptance, 1.0);
        assert_eq!(hot.portable.acceptance, 1.0);
        let bad = BenchmarkOptions {
            threads: 0,
            ..options.clone()
        };
        assert!(run(&bad).unwrap_err().to_string().contains("threads"));
        let bad = BenchmarkOptions {
            seconds: f64::NAN,
            ..options
        };
        assert!(run(&bad).unwrap_err().to_string().contains("seconds"));
    }
}
