//! Time of a design-space sweep (`quench bench --workload deep-network`):
//! every weight and every hidden spin of a deep network once, with the
//! weight moves and the spin moves timed apart, beside a recomputation of
//! every field from scratch (what one move would cost without the
//! incremental updates: the ratio is the report's baseline).

use std::time::Instant;

use serde::Serialize;

use super::architecture::Architecture;
use super::data::{DeepData, Scenario};
use super::design::{DesignSpace, HiddenSpins, Loss, MoveScratch};
use crate::error::{LearnError, at_least, parameter};
use crate::perceptron::WeightKind;
use quench_core::rng::{Purpose, stream};
use quench_mc::moves::{LocalMoves, Metropolis, Visit, sweep};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchmarkOptions {
    /// The network.
    pub architecture: Architecture,
    /// Patterns $M$.
    pub patterns: usize,
    /// Inverse temperature of the Metropolis moves.
    pub beta: f64,
    /// Rotation step of the spherical weights (radians).
    pub step: f64,
    /// Sweeps measured (after one unmeasured).
    pub sweeps: usize,
    /// Master seed.
    pub seed: u64,
}

impl Default for BenchmarkOptions {
    /// The reference point: $N = c = 100$, $L = 10$, $M = 3200$
    /// ($\alpha = 32$), spherical weights, random data, $\beta = 2$, step 0.1, 3 sweeps.
    fn default() -> Self {
        Self {
            architecture: Architecture {
                width: 100,
                depth: 10,
                connectivity: 100,
                weights: WeightKind::Spherical,
            },
            patterns: 3200,
            beta: 2.0,
            step: 0.1,
            sweeps: 3,
            seed: 1,
        }
    }
}

/// One measurement.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkResult {
    /// Neurons per layer.
    pub width: usize,
    /// Layers.
    pub depth: usize,
    /// Inputs per perceptron.
    pub connectivity: usize,
    /// Patterns.
    pub patterns: usize,
    /// `spherical` or `binary`.
    pub weights: &'static str,
    /// Seconds per sweep over every weight and hidden spin (one core).
    pub seconds_per_sweep: f64,
    /// Of which the weight moves.
    pub weight_seconds: f64,
    /// Of which the hidden spins.
    pub spin_seconds: f64,
    /// Nanoseconds per hidden-spin attempt.
    pub ns_per_spin_attempt: f64,
    /// Nanoseconds per weight-move attempt.
    pub ns_per_weight_attempt: f64,
    /// Seconds to recompute every field from scratch.
    pub recompute_seconds: f64,
    /// Acceptance of the weight moves and of the spin flips.
    pub acceptance: [f64; 2],
}

/// Runs the measurement on one thread.
pub fn run(options: &BenchmarkOptions) -> Result<BenchmarkResult, LearnError> {
    at_least("sweeps", options.sweeps, 1)?;
    if options.beta.is_nan() || options.beta <= 0.0 {
        return Err(parameter("beta", options.beta, "a number > 0"));
    }
    let a = options.architecture;
    let data = DeepData::draw(a, options.patterns, Scenario::Random, options.seed, 0)?;
    let space = DesignSpace::new(data, 0.0, Loss::Gaps)?;
    let mut rng = stream(options.seed, Purpose::Dynamics, 0, 0);
    let mut state = space.random_state(&mut rng);
    let mut scratch = MoveScratch::default();
    let acceptance = Metropolis { beta: options.beta };
    let spins = HiddenSpins { space: &space };
    let mut order = Vec::new();
    let (mut weight_seconds, mut spin_seconds) = (0.0, 0.0);
    let (mut weight_made, mut weight_attempts, mut spin_made) = (0u64, 0u64, 0u64);
    for round in 0..=options.sweeps {
        let start = Instant::now();
        let mut made = 0;
        let mut attempts = 0;
        for l in 1..=a.depth {
            for k in 0..a.width {
                match a.weights {
                    WeightKind::Spherical => {
                        attempts += 1;
                        made += u64::from(space.rotate(
                            &mut state,
                            (l, k),
                            options.step,
                            &acceptance,
                            &mut scratch,
                            &mut rng,
                        ));
                    }
                    WeightKind::Binary => {
                        for j in 0..a.connectivity {
                            attempts += 1;
                            made += u64::from(space.flip_weight(
                                &mut state,
                                (l, k, j),
                                &acceptance,
                                &mut scratch,
                                &mut rng,
                            ));
                        }
                    }
                }
            }
        }
        let middle = Instant::now();
        let flips = sweep(
            &spins,
            &mut state,
            &acceptance,
            Visit::Sequential,
            &mut order,
            &mut rng,
        );
        let end = Instant::now();
        if round > 0 {
            weight_seconds += (middle - start).as_secs_f64();
            spin_seconds += (end - middle).as_secs_f64();
            weight_made += made;
            weight_attempts += attempts;
            spin_made += flips;
        }
    }
    let start = Instant::now();
    space.refresh(&mut state);
    let recompute_seconds = start.elapsed().as_secs_f64();
    let sweeps = options.sweeps as f64;
    let spin_attempts = (spins.sites() * options.sweeps) as f64;
    Ok(BenchmarkResult {
        width: a.width,
        depth: a.depth,
        connectivity: a.connectivity,
        patterns: options.patterns,
        weights: a.weights.name(),
        seconds_per_sweep: (weight_seconds + spin_seconds) / sweeps,
        weight_seconds: weight_seconds / sweeps,
        spin_seconds: spin_seconds / sweeps,
        ns_per_spin_attempt: spin_seconds * 1e9 / spin_attempts.max(1.0),
        ns_per_weight_attempt: weight_seconds * 1e9 / (weight_attempts as f64).max(1.0),
        recompute_seconds,
        acceptance: [
            weight_made as f64 / (weight_attempts as f64).max(1.0),
            spin_made as f64 / spin_attempts.max(1.0),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_benchmark_reports_consistent_parts() {
        let options = BenchmarkOptions {
            architecture: Architecture {
                width: 8,
                depth: 3,
                connectivity: 8,
                weights: WeightKind::Binary,
            },
            patterns: 20,
            sweeps: 2,
            ..Default::default()
        };
        let result = run(&options).unwrap();
        assert!(
            (result.seconds_per_sweep - result.weight_seconds - result.spin_seconds).abs() < 1e-12
        );
        assert!(result.acceptance.iter().all(|&x| (0.0..=1.0).contains(&x)));
    }
}
