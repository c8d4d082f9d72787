//! Retrieval workflows: retrieval against the load $\alpha = P/N$, at zero or
//! finite temperature, and basins of attraction.
//!
//! Disorder sample $k$ of a run with master seed $s$ draws its patterns from
//! `(s, Disorder, k, 0)`, its corrupted start from `(s, InitialState, k, 0)`
//! and its dynamics from `(s, Dynamics, k, 0)`. Samples run in parallel on a
//! rayon pool of `threads` workers and the result does not depend on their
//! number. The target is pattern $\mu = 0$ (index 0; patterns are
//! exchangeable).

use super::{HeatBath, HopfieldNetwork, LargestOverlap, Representation};
use crate::dynamics::{Dynamics, Outcome, Relaxation};
use crate::error::{LearnError, at_least, in_closed_range, parameter, thread_pool};
use crate::patterns::{BinaryDistribution, BinaryPatterns, corrupted_pattern};
use quench_core::rng::{Purpose, stream};
use quench_stats::{BinningAccumulator, DisorderAverage, Estimate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How many patterns are stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Load {
    /// Exactly $P$ patterns.
    Patterns(usize),
    /// The load $\alpha$: $P = \mathrm{round}(\alpha N)$, at least 1.
    Ratio(f64),
}

impl Load {
    /// The number of patterns for `neurons` neurons.
    pub fn pattern_count(self, neurons: usize) -> Result<usize, LearnError> {
        match self {
            Load::Patterns(p) => at_least("patterns", p, 1),
            Load::Ratio(alpha) => {
                if alpha.is_finite() && alpha > 0.0 && alpha * neurons as f64 <= 1e15 {
                    Ok(((alpha * neurons as f64).round() as usize).max(1))
                } else {
                    Err(parameter("load", alpha, "a finite ratio alpha = P/N > 0"))
                }
            }
        }
    }
}

/// A retrieval experiment: what to store, how to start, which dynamics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrievalSpec {
    /// Number of neurons $N \ge 2$.
    pub neurons: usize,
    /// Number of patterns or load $\alpha$.
    pub load: Load,
    /// Distribution of the patterns.
    pub distribution: BinaryDistribution,
    /// Storage of the network (see [`Representation::Automatic`]).
    pub representation: Representation,
    /// The dynamics.
    pub dynamics: Dynamics,
    /// Sweep budget at zero temperature (the run stops earlier at a fixed
    /// point), run length at finite temperature.
    pub sweeps: usize,
    /// Overlap $m_0 \in \[-1, 1\]$ of the start with pattern 0 (1: the pattern
    /// itself).
    pub initial_overlap: f64,
    /// A sample counts as retrieved when its final overlap exceeds this.
    pub retrieval_threshold: f64,
    /// Number of disorder samples.
    pub samples: usize,
    /// Master seed of the run.
    pub seed: u64,
    /// Worker threads (results do not depend on them).
    pub threads: usize,
}

impl RetrievalSpec {
    /// A spec with defaults: unbiased patterns, automatic representation,
    /// 100 sweeps, start at the pattern ($m_0 = 1$), threshold 0.9,
    /// 16 samples, one thread.
    pub fn new(neurons: usize, load: Load, dynamics: Dynamics, seed: u64) -> Self {
        Self {
            neurons,
            load,
            distribution: BinaryDistribution::Unbiased,
            representation: Representation::Automatic,
            dynamics,
            sweeps: 100,
            initial_overlap: 1.0,
            retrieval_threshold: 0.9,
            samples: 16,
            seed,
            threads: 1,
        }
    }

    /// Checks every parameter; returns the number of patterns $P$.
    pub fn validate(&self) -> Result<usize, LearnError> {
        at_least("neurons", self.neurons, 2)?;
        let patterns = self.load.pattern_count(self.neurons)?;
        self.distribution.validate()?;
        self.dynamics.validate()?;
        at_least("sweeps", self.sweeps, 1)?;
        in_closed_range("initial_overlap", self.initial_overlap, -1.0, 1.0)?;
        in_closed_range("retrieval_threshold", self.retrieval_threshold, -1.0, 1.0)?;
        at_least("samples", self.samples, 1)?;
        at_least("threads", self.threads, 1)?;
        Ok(patterns)
    }
}

/// The outcome of one disorder sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRetrieval {
    /// Disorder-sample index.
    pub sample: u64,
    /// Overlap of the start with pattern 0 (the requested one, rounded to
    /// a whole number of flipped spins).
    pub initial_overlap: f64,
    /// Overlap with pattern 0 at the end.
    pub final_overlap: f64,
    /// The pattern with the largest overlap at the end.
    pub largest_overlap: LargestOverlap,
    /// Energy per spin $H/N$ at the end.
    pub energy_per_spin: f64,
    /// Sweeps (or parallel steps) that flipped spins, flips, how it ended.
    pub relaxation: Relaxation,
    /// Finite temperature: thermal average of the overlap with pattern 0
    /// over the second half of the run (binning error).
    pub thermal_overlap: Option<Estimate>,
    /// Finite temperature: thermal average of $H/N$ over the second half.
    pub thermal_energy: Option<Estimate>,
}

/// The result of [`retrieval_experiment`]: per-sample outcomes and their
/// averages over disorder samples (standard errors over samples).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetrievalResult {
    /// Number of neurons $N$.
    pub neurons: usize,
    /// Number of patterns $P$.
    pub patterns: usize,
    /// Load $\alpha = P/N$.
    pub load: f64,
    /// The dynamics run.
    pub dynamics: Dynamics,
    /// The representation used.
    pub representation: Representation,
    /// Requested initial overlap $m_0$.
    pub initial_overlap: f64,
    /// Threshold of [`retrieved_fraction`](Self::retrieved_fraction).
    pub retrieval_threshold: f64,
    /// Mean final overlap with pattern 0 over samples.
    pub final_overlap: Estimate,
    /// Fraction of samples whose final overlap exceeds the threshold.
    pub retrieved_fraction: Estimate,
    /// Mean number of sweeps that flipped spins (sweeps to convergence at
    /// zero temperature).
    pub sweeps: Estimate,
    /// Fraction of samples that reached a fixed point or a 2-cycle.
    pub converged_fraction: f64,
    /// Finite temperature: disorder average of the thermal overlap.
    pub thermal_overlap: Option<Estimate>,
    /// Every sample, in sample order.
    pub samples: Vec<SampleRetrieval>,
}

/// One point of a basin of attraction: the final overlap against the
/// initial one (same disorder samples at every point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasinPoint {
    /// Requested initial overlap $m_0$.
    pub initial_overlap: f64,
    /// Mean final overlap over samples.
    pub final_overlap: Estimate,
    /// Fraction of samples retrieved.
    pub retrieved_fraction: Estimate,
    /// Mean sweeps that flipped spins.
    pub sweeps: Estimate,
}

fn over_samples(values: impl Iterator<Item = f64>) -> Estimate {
    DisorderAverage::new(values.collect()).to_estimate()
}

impl RetrievalResult {
    fn summarise(
        spec: &RetrievalSpec,
        patterns: usize,
        representation: Representation,
        initial_overlap: f64,
        samples: Vec<SampleRetrieval>,
    ) -> Self {
        let threshold = spec.retrieval_threshold;
        let thermal: Option<Vec<Estimate>> = samples.iter().map(|s| s.thermal_overlap).collect();
        Self {
            neurons: spec.neurons,
            patterns,
            load: patterns as f64 / spec.neurons as f64,
            dynamics: spec.dynamics,
            representation,
            initial_overlap,
            retrieval_threshold: threshold,
            final_overlap: over_samples(samples.iter().map(|s| s.final_overlap)),
            retrieved_fraction: over_samples(
                samples
                    .iter()
                    .map(|s| f64::from(u8::from(s.final_overlap > threshold))),
            ),
            sweeps: over_samples(samples.iter().map(|s| s.relaxation.sweeps as f64)),
            converged_fraction: samples
                .iter()
                .filter(|s| {
                    matches!(
                        s.relaxation.outcome,
                        Outcome::FixedPoint | Outcome::TwoCycle
                    )
                })
                .count() as f64
                / samples.len() as f64,
            thermal_overlap: thermal.map(|t| DisorderAverage::from_estimates(&t).to_estimate()),
            samples,
        }
    }
}

impl RetrievalSpec {
    /// The patterns of disorder sample `sample` (validates the spec first):
    /// the ones [`retrieval_sample`] stores, from `(seed, Disorder, sample, 0)`.
    pub fn draw_patterns(&self, sample: u64) -> Result<BinaryPatterns, LearnError> {
        let count = self.validate()?;
        BinaryPatterns::draw(self.distribution, self.neurons, count, self.seed, sample)
    }
}

/// Runs one disorder sample from every initial overlap in `initial_overlaps`
/// (the network is built once; each start uses the same streams, so the
/// flipped sets are nested).
pub fn retrieval_sample(
    spec: &RetrievalSpec,
    sample: u64,
    initial_overlaps: &[f64],
) -> Result<Vec<SampleRetrieval>, LearnError> {
    let patterns = spec.draw_patterns(sample)?;
    let patterns_count = patterns.count();
    let network = HopfieldNetwork::new(patterns, spec.representation)?;
    let heat_bath = match spec.dynamics {
        Dynamics::Glauber { temperature, .. } => {
            Some(HeatBath::new(spec.neurons, patterns_count, temperature)?)
        }
        _ => None,
    };
    let target = network.patterns().pattern(0).to_vec();
    let mut order = vec![0; spec.neurons];
    initial_overlaps
        .iter()
        .map(|&m0| {
            let start = corrupted_pattern(
                &target,
                m0,
                &mut stream(spec.seed, Purpose::InitialState, sample, 0),
            )?;
            let mut state = network.state(start)?;
            let initial_overlap = network.overlap(&state, 0);
            let mut rng = stream(spec.seed, Purpose::Dynamics, sample, 0);
            let (relaxation, thermal_overlap, thermal_energy) = match spec.dynamics {
                Dynamics::ZeroTemperature { order: kind } => (
                    network.relax(&mut state, kind, spec.sweeps, &mut rng),
                    None,
                    None,
                ),
                Dynamics::Synchronous => (network.synchronous(&mut state, spec.sweeps), None, None),
                Dynamics::Glauber { order: kind, .. } => {
                    let heat_bath = heat_bath.as_ref().expect("built for Glauber dynamics");
                    let (mut overlap, mut energy) =
                        (BinningAccumulator::new(), BinningAccumulator::new());
                    let mut flips = 0;
                    for sweep in 0..spec.sweeps {
                        flips += network
                            .glauber_sweep(&mut state, kind, heat_bath, &mut order, &mut rng);
                        if 2 * sweep >= spec.sweeps {
                            overlap.push(network.overlap(&state, 0));
                            energy.push(network.energy_per_spin(&state));
                        }
                    }
                    let relaxation = Relaxation {
                        sweeps: spec.sweeps,
                        flips,
                        outcome: Outcome::Sampled,
                    };
                    (
                        relaxation,
                        Some(overlap.estimate()),
                        Some(energy.estimate()),
                    )
                }
            };
            Ok(SampleRetrieval {
                sample,
                initial_overlap,
                final_overlap: network.overlap(&state, 0),
                largest_overlap: network.largest_overlap(&state),
                energy_per_spin: network.energy_per_spin(&state),
                relaxation,
                thermal_overlap,
                thermal_energy,
            })
        })
        .collect()
}

/// Every sample at every initial overlap: `result[k][sample]`.
fn run_samples(
    spec: &RetrievalSpec,
    initial_overlaps: &[f64],
) -> Result<Vec<Vec<SampleRetrieval>>, LearnError> {
    spec.validate()?;
    for &m0 in initial_overlaps {
        in_closed_range("initial_overlap", m0, -1.0, 1.0)?;
    }
    let per_sample: Vec<Vec<SampleRetrieval>> = thread_pool(spec.threads)?.install(|| {
        (0..spec.samples as u64)
            .into_par_iter()
            .map(|sample| retrieval_sample(spec, sample, initial_overlaps))
            .collect::<Result<_, _>>()
    })?;
    Ok((0..initial_overlaps.len())
        .map(|k| per_sample.iter().map(|runs| runs[k].clone()).collect())
        .collect())
}

/// Runs `spec.samples` disorder samples of a retrieval experiment and
/// averages them.
///
/// ```
/// use quench_learn::dynamics::{Dynamics, UpdateOrder};
/// use quench_learn::hopfield::{Load, RetrievalSpec, retrieval_experiment};
/// let mut spec = RetrievalSpec::new(200, Load::Ratio(0.05), Dynamics::ZeroTemperature { order: UpdateOrder::Random }, 7);
/// spec.samples = 4;
/// let result = retrieval_experiment(&spec).unwrap();
/// assert!(result.final_overlap.mean > 0.9);
/// ```
pub fn retrieval_experiment(spec: &RetrievalSpec) -> Result<RetrievalResult, LearnError> {
    let patterns = spec.validate()?;
    let representation = HopfieldNetwork::resolve(spec.representation, spec.neurons, patterns);
    let samples = run_samples(spec, &[spec.initial_overlap])?.remove(0);
    Ok(RetrievalResult::summarise(
        spec,
        patterns,
        representation,
        spec.initial_overlap,
        samples,
    ))
}

/// [`retrieval_experiment`] at every load in `loads` (the other parameters
/// from `spec`): the retrieval curve against $\alpha$.
pub fn retrieval_curve(
    spec: &RetrievalSpec,
    loads: &[Load],
) -> Result<Vec<RetrievalResult>, LearnError> {
    loads
        .iter()
        .map(|&load| {
            retrieval_experiment(&RetrievalSpec {
                load,
                ..spec.clone()
            })
        })
        .collect()
}

/// The basin of attraction of pattern 0: the final overlap against each
/// initial overlap in `initial_overlaps` (`spec.initial_overlap` is
/// ignored). Each sample's network is built once and serves every start.
pub fn attraction_basin(
    spec: &RetrievalSpec,
    initial_overlaps: &[f64],
) -> Result<Vec<BasinPoint>, LearnError> {
    let patterns = spec.validate()?;
    let representation = HopfieldNetwork::resolve(spec.representation, spec.neurons, patterns);
    let runs = run_samples(spec, initial_overlaps)?;
    Ok(initial_overlaps
        .iter()
        .zip(runs)
        .map(|(&m0, samples)| {
            let result = RetrievalResult::summarise(spec, patterns, representation, m0, samples);
            BasinPoint {
                initial_overlap: m0,
                final_overlap: result.final_overlap,
                retrieved_fraction: result.retrieved_fraction,
                sweeps: result.sweeps,
            }
        })
        .collect())
}
