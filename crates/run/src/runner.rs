//! The runner: spec -> samples -> chains -> checkpoints -> results directory.
//!
//! The work of a run is one *unit* per (grid point, disorder sample). Units
//! run in parallel with rayon; each draws its sample, runs the protocol for
//! `equilibration_rounds + measurement_rounds` rounds, and saves its state to
//! `checkpoints/` every `checkpoint_seconds` and when it finishes. A resumed
//! run skips finished units and continues running ones from their last
//! state. Every random stream is keyed by the master seed and the unit's
//! stream index `(point << 32) | sample`, so results depend neither on the
//! number of threads nor on where the run was interrupted.
//!
//! A results directory in progress holds `checkpoints/` (with `spec.toml`,
//! the spec as started, and `session.json`); a finished one holds the tables,
//! figures, `report.md` and, written last, `manifest.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;

use quench_core::CouplingDistribution;
use quench_mc::{
    DisorderPoint, Kernel, Measurements, SampleRun, SampleShape, ThermalSummary, disorder_summary,
};
use rayon::prelude::*;

use crate::checkpoint::{self, UnitResult, UnitState, UnitStateRef};
use crate::error::RunError;
use crate::manifest::Manifest;
use crate::progress::{Progress, ProgressMode};
use crate::protocol::Protocol;
use crate::sites::SiteAccumulator;
use crate::spec::{GridPoint, Spec};

/// Options of `quench run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The results directory.
    pub out: PathBuf,
    /// Worker threads (`None`: all logical CPUs).
    pub threads: Option<usize>,
    /// Continue the run in `out` if there is one.
    pub resume: bool,
    /// How progress is shown.
    pub progress: ProgressMode,
}

/// The results of one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    /// Per-sample results, by sample index.
    pub samples: Vec<UnitResult>,
    /// Disorder averages by temperature slot.
    pub disorder: Vec<DisorderPoint>,
}

/// What `run` did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The results directory.
    pub out: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// The directory already held a finished run; nothing was computed.
    pub already_complete: bool,
}

/// One unit of work.
#[derive(Debug, Clone, Copy)]
enum Unit {
    /// Sample `.1` of point `.0` (scalar and dense kernels).
    Sample(usize, u64),
    /// Samples `first..first + lanes` of point `.0`, run together (multispin).
    Block(usize, (u64, u64)),
}

/// The directory of checkpoints inside a results directory.
pub fn checkpoint_directory(out: &Path) -> PathBuf {
    out.join("checkpoints")
}

/// The stream index of sample `sample` at grid point `point`.
pub fn stream_index(point: usize, sample: u64) -> u64 {
    ((point as u64) << 32) | sample
}

/// Decides which spec to run: the one in the file, the one a run in `out` started with, or both (they must agree).
fn resolve_spec(spec_path: Option<&Path>, options: &RunOptions) -> Result<Spec, RunError> {
    let stored_path = checkpoint_directory(&options.out).join("spec.toml");
    let stored = if options.resume && stored_path.exists() {
        Some(fs::read_to_string(&stored_path).map_err(RunError::io(&stored_path))?)
    } else {
        None
    };
    match (spec_path, stored) {
        (Some(path), stored) => {
            let spec = Spec::read(path)?;
            if let Some(stored) = stored
                && stored != spec.source
            {
                return Err(RunError::Input(format!(
                    "{} differs from the spec the run in {} started with ({}); resume without a spec file, or choose another --out",
                    path.display(),
                    options.out.display(),
                    stored_path.display()
                )));
            }
            Ok(spec)
        }
        (None, Some(stored)) => Ok(Spec::parse(&stored_path.display().to_string(), &stored)?),
        (None, None) => Err(RunError::Input(format!(
            "no spec file given and no run to resume in {}",
            options.out.display()
        ))),
    }
}

/// The associative-memory spec to run, if the spec (given, or stored by the
/// run being resumed) names one; it must agree with the stored one.
fn memory_spec(
    spec_path: Option<&Path>,
    options: &RunOptions,
) -> Result<Option<crate::memory::MemorySpec>, RunError> {
    let stored_path = checkpoint_directory(&options.out).join("spec.toml");
    let (file, source) = match spec_path {
        Some(path) => (
            path.to_path_buf(),
            fs::read_to_string(path).map_err(RunError::io(path))?,
        ),
        None if options.resume && stored_path.exists() => (
            stored_path.clone(),
            fs::read_to_string(&stored_path).map_err(RunError::io(&stored_path))?,
        ),
        None => return Ok(None),
    };
    if !crate::memory::is_memory_spec(&source) {
        return Ok(None);
    }
    if options.resume && stored_path.exists() && spec_path.is_some() {
        let stored = fs::read_to_string(&stored_path).map_err(RunError::io(&stored_path))?;
        if stored != source {
            return Err(RunError::Input(format!(
                "{} differs from the spec the run in {} started with ({}); resume without a spec file, or choose another --out",
                file.display(),
                options.out.display(),
                stored_path.display()
            )));
        }
    }
    Ok(Some(crate::memory::MemorySpec::parse(
        &file.display().to_string(),
        &source,
    )?))
}

/// Runs (or resumes) the experiment, writing the results directory `options.out`.
pub fn run(spec_path: Option<&Path>, options: &RunOptions) -> Result<RunOutcome, RunError> {
    if let Some(memory) = memory_spec(spec_path, options)? {
        return crate::memory::run(memory, options);
    }
    let spec = resolve_spec(spec_path, options)?;
    let workspace = match crate::directory::prepare(&spec.source, options)? {
        crate::directory::Preparation::Finished(outcome) => return Ok(*outcome),
        crate::directory::Preparation::Ready(workspace) => workspace,
    };
    let (out, checkpoints, pool) = (&workspace.out, &workspace.checkpoints, &workspace.pool);
    let fingerprint = checkpoint::fingerprint(&spec.source);

    // Units of work: single samples, or blocks of samples for points run by
    // the multispin kernel.
    let units: Vec<Unit> = spec
        .points
        .iter()
        .flat_map(|p| -> Vec<Unit> {
            if matches!(p.kernel, Kernel::Multispin { .. }) {
                crate::multispin::blocks(spec.samples)
                    .into_iter()
                    .map(|block| Unit::Block(p.index, block))
                    .collect()
            } else {
                (0..spec.samples)
                    .map(|s| Unit::Sample(p.index, s))
                    .collect()
            }
        })
        .collect();
    let rounds_per_unit = spec.algorithm.equilibration_rounds + spec.algorithm.measurement_rounds;
    let mut already = 0;
    for unit in &units {
        already += match *unit {
            Unit::Sample(point, sample) => match checkpoint::load::<UnitState>(
                &checkpoint::unit_path(checkpoints, point, sample),
                fingerprint,
            )? {
                Some(UnitState::Done(_)) => rounds_per_unit,
                Some(UnitState::Running { state, .. }) => state.rounds(),
                None => 0,
            },
            Unit::Block(point, block) => {
                crate::multispin::rounds_done(&spec, point, block, checkpoints, fingerprint)?
            }
        };
    }
    let progress = Progress::start(
        options.progress,
        spec.name.clone(),
        rounds_per_unit * spec.samples * spec.points.len() as u64,
        already,
        workspace.session_ticker(),
    );
    let results: Result<Vec<(usize, Vec<UnitResult>)>, RunError> = pool.install(|| {
        units
            .par_iter()
            .map(|unit| match *unit {
                Unit::Sample(point, sample) => run_unit(
                    &spec,
                    &spec.points[point],
                    sample,
                    checkpoints,
                    fingerprint,
                    progress.counter(),
                )
                .map(|result| (point, vec![result])),
                Unit::Block(point, block) => crate::multispin::run_block(
                    &spec,
                    &spec.points[point],
                    block,
                    checkpoints,
                    fingerprint,
                    progress.counter(),
                )
                .map(|results| (point, results)),
            })
            .collect()
    });
    progress.finish();
    let results = results?;

    let mut grouped: Vec<Vec<UnitResult>> = vec![Vec::new(); spec.points.len()];
    for (point, unit_results) in results {
        grouped[point].extend(unit_results);
    }
    let points: Vec<PointResult> = spec
        .points
        .iter()
        .zip(grouped)
        .map(|(point, samples)| summarise_point(&spec, point, samples))
        .collect::<Result<_, _>>()?;

    let mut files = crate::store::write_tables(&spec, &points, out)?;
    if spec.save_final_spins {
        files.extend(crate::store::write_spins(&spec, &points, out)?);
    }
    files.extend(crate::report::write_report(out)?);
    workspace.finish(&spec.name, &spec.file, &spec.source, spec.seed, files)
}

/// Runs one (point, sample) unit from its checkpoint, or from the start.
fn run_unit(
    spec: &Spec,
    point: &GridPoint,
    sample_index: u64,
    checkpoints: &Path,
    fingerprint: u64,
    progress: &std::sync::atomic::AtomicU64,
) -> Result<UnitResult, RunError> {
    let path = checkpoint::unit_path(checkpoints, point.index, sample_index);
    let stream = stream_index(point.index, sample_index);
    let sample = point.ensemble.draw(spec.seed, stream)?;
    let protocol = Protocol::new(spec, point, &sample)?;
    let (mut state, mut measurements, mut sites) = match checkpoint::load(&path, fingerprint)? {
        Some(UnitState::Done(result)) => return Ok(*result),
        Some(UnitState::Running {
            state,
            measurements,
            sites,
        }) => {
            if !protocol.accepts(&state) {
                return Err(RunError::Checkpoint {
                    path,
                    reason: format!(
                        "it was written by another kernel than this run's ({}); delete it to recompute this sample",
                        crate::kernel::kernel_name(&point.kernel)
                    ),
                });
            }
            (*state, *measurements, sites.map(|s| *s))
        }
        None => (
            protocol.initial_state(&sample, spec.seed, stream),
            Measurements::new(spec.ladder.temperatures(), sample.n()),
            spec.site_magnetisations.then(|| {
                SiteAccumulator::new(
                    sample.n(),
                    spec.ladder.temperatures().len(),
                    spec.algorithm.measurements(),
                )
            }),
        ),
    };
    let equilibration = spec.algorithm.equilibration_rounds;
    let total = equilibration + spec.algorithm.measurement_rounds;
    let mut last_save = Instant::now();
    while state.rounds() < total {
        protocol.round(&sample, &mut state);
        if spec.algorithm.measures(state.rounds()) {
            measurements.record(&sample, state.tempering());
            if let Some(sites) = &mut sites {
                sites.record(state.tempering());
            }
        }
        progress.fetch_add(1, Ordering::Relaxed);
        if last_save.elapsed().as_secs_f64() >= spec.checkpoint_seconds && state.rounds() < total {
            let running = UnitStateRef::Running {
                state: &state,
                measurements: &measurements,
                sites: sites.as_ref(),
            };
            checkpoint::save(&path, &running, fingerprint)?;
            last_save = Instant::now();
        }
    }
    let state = state.tempering();
    let final_spins = spec.save_final_spins.then(|| {
        state
            .ladders
            .iter()
            .map(|ladder| ladder.chains.iter().map(|c| c.spins.clone()).collect())
            .collect()
    });
    let result = UnitResult {
        run: SampleRun {
            sample_index,
            thermal: measurements.summary(),
            exchange_acceptance: state.exchange_acceptance(),
            round_trips: state.round_trips(),
        },
        final_spins,
        sites,
    };
    checkpoint::save(&path, &UnitStateRef::Done(&result), fingerprint)?;
    Ok(result)
}

/// Disorder averages of one grid point.
fn summarise_point(
    spec: &Spec,
    point: &GridPoint,
    samples: Vec<UnitResult>,
) -> Result<PointResult, RunError> {
    let first = point
        .ensemble
        .draw(spec.seed, stream_index(point.index, 0))?;
    let gaussian = point.model.coupling_distribution() == Some(CouplingDistribution::Gaussian);
    let shape = SampleShape::of(&first, gaussian);
    let thermal: Vec<Vec<ThermalSummary>> = samples.iter().map(|s| s.run.thermal.clone()).collect();
    Ok(PointResult {
        disorder: disorder_summary(&shape, &thermal),
        samples,
    })
}
