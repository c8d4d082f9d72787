//! Workflows: parallel tempering on one sample and over an ensemble.
//!
//! These are the thin, opinionated layer (copy and adapt them for other
//! protocols): equilibrate, measure after every exchange round, summarise.
//! Samples run in parallel with rayon; every sample's streams derive from
//! `(master seed, sample index)`, and results are collected in index order,
//! so the output is bit-identical for any number of threads.

use quench_core::{CouplingDistribution, Ensemble, Sample};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::SamplerError;
use crate::measure::{Measurements, ThermalSummary};
use crate::summary::{DisorderPoint, SampleShape, disorder_summary};
use crate::tempering::{ParallelTempering, TemperingConfig};

/// How long to run: exchange rounds for equilibration, then for measurement
/// (one measurement per round).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Rounds discarded before measuring.
    pub equilibration_rounds: u64,
    /// Rounds measured.
    pub measurement_rounds: u64,
}

/// The result of parallel tempering on one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRun {
    /// Disorder-sample index.
    pub sample_index: u64,
    /// Thermal averages by temperature slot.
    pub thermal: Vec<ThermalSummary>,
    /// Swap acceptance of each neighbouring pair of temperatures.
    pub exchange_acceptance: Vec<f64>,
    /// Round trips of all walkers during measurement and equilibration.
    pub round_trips: u64,
}

/// The result over an ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleRun {
    /// Per-sample results, by index.
    pub samples: Vec<SampleRun>,
    /// Disorder averages by temperature.
    pub disorder: Vec<DisorderPoint>,
}

/// Parallel tempering on one sample.
pub fn run_sample(
    sample: &Sample,
    config: &TemperingConfig,
    schedule: Schedule,
    master_seed: u64,
    sample_index: u64,
) -> Result<SampleRun, SamplerError> {
    let tempering = ParallelTempering::new(config.clone(), sample)?;
    let mut state = tempering.initial_state(sample, master_seed, sample_index);
    for _ in 0..schedule.equilibration_rounds {
        tempering.step(sample, &mut state);
    }
    let mut measurements = Measurements::new(config.ladder.temperatures(), sample.n());
    for _ in 0..schedule.measurement_rounds {
        tempering.step(sample, &mut state);
        measurements.record(sample, &state);
    }
    Ok(SampleRun {
        sample_index,
        thermal: measurements.summary(),
        exchange_acceptance: state.exchange_acceptance(),
        round_trips: state.round_trips(),
    })
}

/// Parallel tempering on samples `0..samples` of `ensemble`, with disorder averages.
pub fn run_ensemble(
    ensemble: &Ensemble,
    config: &TemperingConfig,
    schedule: Schedule,
    master_seed: u64,
    samples: u64,
) -> Result<EnsembleRun, SamplerError> {
    if samples == 0 {
        return Err(quench_core::ParameterError::new("samples", 0, "an integer >= 1").into());
    }
    config.validate()?;
    let runs: Vec<(SampleRun, SampleShape)> = (0..samples)
        .into_par_iter()
        .map(|index| {
            let sample = ensemble.draw(master_seed, index)?;
            let gaussian =
                ensemble.spec().coupling_distribution() == Some(CouplingDistribution::Gaussian);
            let run = run_sample(&sample, config, schedule, master_seed, index)?;
            Ok((run, SampleShape::of(&sample, gaussian)))
        })
        .collect::<Result<_, SamplerError>>()?;
    let shape = runs[0].1.clone();
    let samples: Vec<SampleRun> = runs.into_iter().map(|(run, _)| run).collect();
    let thermal: Vec<Vec<ThermalSummary>> = samples.iter().map(|s| s.thermal.clone()).collect();
    Ok(EnsembleRun {
        disorder: disorder_summary(&shape, &thermal),
        samples,
    })
}
