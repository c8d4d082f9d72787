//! Capacity of dense associative memories: the largest number of patterns
//! $P$ that a memory of $N$ neurons retrieves.
//!
//! **One trial.** Start from stored pattern $\mu$ with a fraction
//! `initial_error` of its components flipped (0: the pattern itself, a
//! fixed-point test), run zero-temperature asynchronous dynamics, and call
//! it a success when the final fraction of wrong components
//! $(1 - m_\mu)/2$ is at most `allowed_error` $\rho$.
//!
//! **One point $P$.** Each disorder sample $k$ draws $P$ patterns from
//! `(seed, Disorder, k, 0)` and tries the first `tested_patterns` of them;
//! trial $\mu$ corrupts with `(seed, InitialState, k, mu)` and moves with
//! `(seed, Dynamics, k, mu)`. The per-sample success fraction is averaged
//! over samples, with its standard error over samples. Because smaller
//! draws are prefixes of larger ones, every $P$ sees the same first
//! patterns and the same corruptions (common random numbers), which keeps
//! the success curve nearly monotone in $P$.
//!
//! **The search.** $P$ is *stored* when the success probability is at least
//! `required_success`. [`capacity_experiment`] checks `lower` and `upper`
//! and bisects geometrically between a stored and a failed $P$ until they
//! differ by at most a factor `1 + relative_resolution` (or by 1).

use super::{DenseMemory, Interaction};
use crate::dynamics::UpdateOrder;
use crate::error::{LearnError, at_least, in_closed_range, parameter, positive, thread_pool};
use crate::patterns::{BinaryDistribution, BinaryPatterns, corrupted_pattern};
use quench_core::rng::{Purpose, stream};
use quench_stats::{DisorderAverage, Estimate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A capacity experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacitySpec {
    /// Number of neurons $N \ge 2$.
    pub neurons: usize,
    /// The interaction $F$.
    pub interaction: Interaction,
    /// Distribution of the patterns.
    pub distribution: BinaryDistribution,
    /// Fraction of components flipped in the start, in $\[0, 1/2\]$.
    pub initial_error: f64,
    /// Largest final fraction of wrong components $\rho \in \[0, 1/2\]$ of a success.
    pub allowed_error: f64,
    /// Success probability in $(0, 1\]$ from which $P$ counts as stored.
    pub required_success: f64,
    /// Patterns tried per sample (at most $P$ are).
    pub tested_patterns: usize,
    /// Number of disorder samples per $P$.
    pub samples: usize,
    /// Sweep budget of each relaxation.
    pub sweeps: usize,
    /// Visiting order of the sweeps.
    pub order: UpdateOrder,
    /// Smallest $P$ searched.
    pub lower: usize,
    /// Largest $P$ searched.
    pub upper: usize,
    /// The search stops when the bracket's ratio is at most `1 + this`.
    pub relative_resolution: f64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (results do not depend on them).
    pub threads: usize,
}

impl CapacitySpec {
    /// A spec with defaults: unbiased patterns, 10 % corrupted starts,
    /// $\rho = 0.01$, required success 0.9, 8 tested patterns in each of
    /// 16 samples, 100 sweeps in random order, resolution 5 %, one thread.
    pub fn new(
        neurons: usize,
        interaction: Interaction,
        lower: usize,
        upper: usize,
        seed: u64,
    ) -> Self {
        Self {
            neurons,
            interaction,
            distribution: BinaryDistribution::Unbiased,
            initial_error: 0.1,
            allowed_error: 0.01,
            required_success: 0.9,
            tested_patterns: 8,
            samples: 16,
            sweeps: 100,
            order: UpdateOrder::Random,
            lower,
            upper,
            relative_resolution: 0.05,
            seed,
            threads: 1,
        }
    }

    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), LearnError> {
        at_least("neurons", self.neurons, 2)?;
        self.interaction.validate()?;
        self.distribution.validate()?;
        in_closed_range("initial_error", self.initial_error, 0.0, 0.5)?;
        in_closed_range("allowed_error", self.allowed_error, 0.0, 0.5)?;
        if !(self.required_success > 0.0 && self.required_success <= 1.0) {
            return Err(parameter(
                "required_success",
                self.required_success,
                "a probability in (0, 1]",
            ));
        }
        at_least("tested_patterns", self.tested_patterns, 1)?;
        at_least("samples", self.samples, 1)?;
        at_least("sweeps", self.sweeps, 1)?;
        at_least("lower", self.lower, 1)?;
        if self.upper < self.lower {
            return Err(parameter(
                "upper",
                self.upper,
                format!("an integer >= lower = {}", self.lower),
            ));
        }
        positive("relative_resolution", self.relative_resolution)?;
        at_least("threads", self.threads, 1)?;
        Ok(())
    }
}

/// The success statistics at one $P$.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityPoint {
    /// Number of patterns $P$.
    pub patterns: usize,
    /// Success probability: mean over samples of each sample's success
    /// fraction, with its standard error over samples.
    pub success: Estimate,
    /// Mean final fraction of wrong components over all trials (per-sample
    /// means, error over samples).
    pub final_error: Estimate,
    /// Mean sweeps to convergence.
    pub sweeps: Estimate,
    /// Whether `success.mean >= required_success`.
    pub stored: bool,
}

/// The result of [`capacity_experiment`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityResult {
    /// Number of neurons $N$.
    pub neurons: usize,
    /// The interaction.
    pub interaction: Interaction,
    /// Largest $P$ found stored whose next evaluated $P$ failed (or
    /// `upper`); `None` when even `lower` failed.
    pub capacity: Option<usize>,
    /// Smallest $P$ found not stored above the capacity (`None` when
    /// `upper` was stored: the capacity is at least `upper`).
    pub first_failure: Option<usize>,
    /// Every evaluated point, sorted by $P$.
    pub points: Vec<CapacityPoint>,
}

/// Success fraction, mean final error and mean sweeps of one sample at $P$.
impl CapacitySpec {
    /// The first `patterns` patterns of disorder sample `sample`, from
    /// `(seed, Disorder, sample, 0)`: what a trial of that many patterns
    /// stores. Smaller draws are prefixes of larger ones.
    pub fn draw_patterns(
        &self,
        patterns: usize,
        sample: u64,
    ) -> Result<BinaryPatterns, LearnError> {
        BinaryPatterns::draw(self.distribution, self.neurons, patterns, self.seed, sample)
    }
}

fn sample_trials(
    spec: &CapacitySpec,
    patterns: usize,
    sample: u64,
) -> Result<(f64, f64, f64), LearnError> {
    let xi = spec.draw_patterns(patterns, sample)?;
    let memory = DenseMemory::new(xi, spec.interaction)?;
    let tested = spec.tested_patterns.min(patterns);
    let (mut successes, mut error_sum, mut sweep_sum) = (0usize, 0.0, 0.0);
    for mu in 0..tested {
        let pattern = memory.patterns().pattern(mu);
        let mut rng = stream(spec.seed, Purpose::InitialState, sample, mu as u64);
        let start = corrupted_pattern(pattern, 1.0 - 2.0 * spec.initial_error, &mut rng)?;
        let mut state = memory.state(start)?;
        let mut rng = stream(spec.seed, Purpose::Dynamics, sample, mu as u64);
        let relaxation = memory.relax(&mut state, spec.order, spec.sweeps, &mut rng);
        let wrong = state
            .spins()
            .iter()
            .zip(pattern)
            .filter(|(s, x)| s != x)
            .count();
        let error = wrong as f64 / spec.neurons as f64;
        successes += usize::from(error <= spec.allowed_error);
        error_sum += error;
        sweep_sum += relaxation.sweeps as f64;
    }
    let t = tested as f64;
    Ok((successes as f64 / t, error_sum / t, sweep_sum / t))
}

fn evaluate(
    spec: &CapacitySpec,
    pool: &rayon::ThreadPool,
    patterns: usize,
) -> Result<CapacityPoint, LearnError> {
    let per_sample: Vec<(f64, f64, f64)> = pool.install(|| {
        (0..spec.samples as u64)
            .into_par_iter()
            .map(|sample| sample_trials(spec, patterns, sample))
            .collect::<Result<_, _>>()
    })?;
    let average = |f: fn(&(f64, f64, f64)) -> f64| {
        DisorderAverage::new(per_sample.iter().map(f).collect()).to_estimate()
    };
    let success = average(|t| t.0);
    Ok(CapacityPoint {
        patterns,
        stored: success.mean >= spec.required_success,
        success,
        final_error: average(|t| t.1),
        sweeps: average(|t| t.2),
    })
}

/// The success statistics at one $P$ (no search).
pub fn capacity_point(spec: &CapacitySpec, patterns: usize) -> Result<CapacityPoint, LearnError> {
    spec.validate()?;
    at_least("patterns", patterns, 1)?;
    evaluate(spec, &thread_pool(spec.threads)?, patterns)
}

/// Searches the largest stored $P$ in `[lower, upper]` (see the module docs).
pub fn capacity_experiment(spec: &CapacitySpec) -> Result<CapacityResult, LearnError> {
    spec.validate()?;
    let pool = thread_pool(spec.threads)?;
    let mut points = vec![evaluate(spec, &pool, spec.lower)?];
    let (mut capacity, mut first_failure) = (None, Some(spec.lower));
    if points[0].stored {
        capacity = Some(spec.lower);
        first_failure = None;
        if spec.upper > spec.lower {
            let top = evaluate(spec, &pool, spec.upper)?;
            if top.stored {
                capacity = Some(spec.upper);
            } else {
                first_failure = Some(spec.upper);
            }
            points.push(top);
        }
    }
    while let (Some(low), Some(high)) = (capacity, first_failure) {
        if high - low <= 1 || high as f64 <= low as f64 * (1.0 + spec.relative_resolution) {
            break;
        }
        let middle = ((low as f64 * high as f64).sqrt().round() as usize).clamp(low + 1, high - 1);
        let point = evaluate(spec, &pool, middle)?;
        if point.stored {
            capacity = Some(middle);
        } else {
            first_failure = Some(middle);
        }
        points.push(point);
    }
    points.sort_by_key(|p| p.patterns);
    Ok(CapacityResult {
        neurons: spec.neurons,
        interaction: spec.interaction,
        capacity,
        first_failure,
        points,
    })
}
