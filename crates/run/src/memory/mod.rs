//! Associative-memory experiments: Hopfield retrieval and dense-memory capacity.
//!
//! ```text
//! SPEC.toml (model = "hopfield" | "dense-memory") ──MemorySpec::parse──> MemorySpec
//!   Hopfield: unit = (grid point, sample) ──quench_learn::hopfield::retrieval_sample──> SampleRetrieval
//!   dense:    unit = size N ──quench_learn::dense::capacity_experiment──> CapacityResult
//!   each finished unit ──> checkpoints/unit-U.json (atomic; --resume skips it)
//! units ──tables──> retrieval(.summary) / capacity(.points) / theory .parquet
//!       ──report──> figures (AGS theory on the same axes) + report.md ──> manifest.json (last)
//! ```
//!
//! Grid point `p` draws its samples with the master seed mixed with `p`
//! ([`point_seed`]), so points are independent and a unit's result depends
//! on nothing but the spec: not on threads, order or interruptions.

pub mod report;
pub mod spec;
mod tables;

use std::fs;
use std::path::Path;
use std::sync::atomic::Ordering;

use quench_learn::dense::capacity::{CapacityResult, CapacitySpec, capacity_experiment};
use quench_learn::dynamics::Dynamics;
use quench_learn::hopfield::Representation;
use quench_learn::hopfield::experiment::{Load, RetrievalSpec, SampleRetrieval, retrieval_sample};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::atomic::write_atomically;
use crate::error::RunError;
use crate::progress::Progress;
use crate::runner::{RunOptions, RunOutcome};
pub use spec::{MemoryExperiment, MemorySpec, is_memory_spec};

/// The seed of grid point `point`: the master seed mixed with the index.
pub fn point_seed(seed: u64, point: usize) -> u64 {
    quench_core::rng::splitmix64(seed ^ quench_core::rng::splitmix64(point as u64))
}

/// The result of one unit, as checkpointed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum UnitOutcome {
    /// One Hopfield sample at one grid point.
    Retrieval {
        /// Grid point.
        point: usize,
        /// Stored patterns $P$.
        patterns: usize,
        /// The sample's outcome.
        result: SampleRetrieval,
    },
    /// The capacity search at one size.
    Capacity(CapacityResult),
}

/// `[(unit index, description)]` of the spec.
fn units(spec: &MemorySpec) -> Vec<(usize, u64)> {
    match &spec.experiment {
        MemoryExperiment::Retrieval(r) => r
            .points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| (p.index, s)))
            .collect(),
        MemoryExperiment::Capacity(c) => (0..c.sizes.len()).map(|i| (i, 0)).collect(),
    }
}

fn unit_path(checkpoints: &Path, point: usize, sample: u64) -> std::path::PathBuf {
    checkpoints.join(format!("unit-{point}-{sample}.json"))
}

fn learn_failure(error: quench_learn::LearnError) -> RunError {
    RunError::Sampler(error.to_string())
}

fn run_unit(spec: &MemorySpec, point: usize, sample: u64) -> Result<UnitOutcome, RunError> {
    match &spec.experiment {
        MemoryExperiment::Retrieval(r) => {
            let p = r.points[point];
            let dynamics = if p.temperature > 0.0 {
                Dynamics::Glauber {
                    temperature: p.temperature,
                    order: r.order,
                }
            } else {
                match r.zero_temperature {
                    spec::ZeroTemperatureDynamics::Asynchronous => {
                        Dynamics::ZeroTemperature { order: r.order }
                    }
                    spec::ZeroTemperatureDynamics::Synchronous => Dynamics::Synchronous,
                }
            };
            let mut retrieval = RetrievalSpec::new(
                p.n,
                Load::Ratio(p.alpha),
                dynamics,
                point_seed(spec.seed, point),
            );
            retrieval.distribution = spec.patterns;
            retrieval.representation = Representation::Automatic;
            retrieval.sweeps = r.sweeps;
            retrieval.initial_overlap = r.initial_overlap;
            retrieval.retrieval_threshold = r.retrieval_threshold;
            retrieval.samples = spec.samples as usize;
            let patterns = retrieval.validate().map_err(learn_failure)?;
            let mut results = retrieval_sample(&retrieval, sample, &[r.initial_overlap])
                .map_err(learn_failure)?;
            let result = results
                .pop()
                .ok_or_else(|| RunError::Sampler("retrieval returned no result".into()))?;
            Ok(UnitOutcome::Retrieval {
                point,
                patterns,
                result,
            })
        }
        MemoryExperiment::Capacity(c) => {
            let mut capacity = CapacitySpec::new(
                c.sizes[point],
                c.interaction,
                c.lower,
                c.upper,
                point_seed(spec.seed, point),
            );
            capacity.distribution = spec.patterns;
            capacity.initial_error = c.initial_error;
            capacity.allowed_error = c.allowed_error;
            capacity.required_success = c.required_success;
            capacity.tested_patterns = c.tested_patterns;
            capacity.samples = spec.samples as usize;
            capacity.sweeps = c.sweeps;
            capacity.order = c.order;
            capacity.threads = 1;
            Ok(UnitOutcome::Capacity(
                capacity_experiment(&capacity).map_err(learn_failure)?,
            ))
        }
    }
}

fn load_unit(path: &Path) -> Result<Option<UnitOutcome>, RunError> {
    if !path.exists() {
        return Ok(None);
    }
    let bytes = fs::read(path).map_err(RunError::io(path))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| RunError::Checkpoint {
            path: path.to_path_buf(),
            reason: format!("not a unit result of this run: {e}"),
        })
}

/// Runs (or resumes) the associative-memory experiment `spec` into `options.out`.
pub fn run(spec: MemorySpec, options: &RunOptions) -> Result<RunOutcome, RunError> {
    let workspace = match crate::directory::prepare(&spec.source, options)? {
        crate::directory::Preparation::Finished(outcome) => return Ok(*outcome),
        crate::directory::Preparation::Ready(workspace) => workspace,
    };
    let (out, checkpoints, pool) = (&workspace.out, &workspace.checkpoints, &workspace.pool);
    let units = units(&spec);
    let mut already = 0;
    for &(point, sample) in &units {
        if unit_path(checkpoints, point, sample).exists() {
            already += 1;
        }
    }
    let progress = Progress::start(
        options.progress,
        spec.name.clone(),
        units.len() as u64,
        already,
        workspace.session_ticker(),
    );
    let outcomes: Result<Vec<UnitOutcome>, RunError> = pool.install(|| {
        units
            .par_iter()
            .map(|&(point, sample)| {
                let path = unit_path(checkpoints, point, sample);
                if let Some(done) = load_unit(&path)? {
                    return Ok(done);
                }
                let outcome = run_unit(&spec, point, sample)?;
                let bytes = serde_json::to_vec(&outcome)
                    .map_err(|e| RunError::Sampler(format!("unit result: {e}")))?;
                write_atomically(&path, &bytes)?;
                progress.counter().fetch_add(1, Ordering::Relaxed);
                Ok(outcome)
            })
            .collect()
    });
    progress.finish();
    let outcomes = outcomes?;

    let mut files = tables::write_tables(&spec, &outcomes, out)?;
    write_atomically(&out.join("spec.toml"), spec.source.as_bytes())?;
    files.push("spec.toml".into());
    files.extend(report::write_report(out)?);
    workspace.finish(&spec.name, &spec.file, &spec.source, spec.seed, files)
}
