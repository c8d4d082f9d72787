//! Grid points run by the multispin kernel: up to [`MULTISPIN_UNIT`]
//! disorder samples at once, one per bit lane.
//!
//! The samples of a point are cut into *blocks* `first..first + lanes`
//! (`first` a multiple of [`MULTISPIN_UNIT`]), each one unit of work. A
//! block's lanes use the random streams of their own samples (stream index
//! `(point << 32) | sample`) for their initial spins and exchanges, and
//! each 64-lane block its own dynamics streams, so the results depend
//! neither on the word width nor on the thread count. At every measured
//! round the values of all lanes are counted bit-sliced from the packed
//! words ([`quench_mc::MultispinTempering::lane_values`]) and recorded per
//! lane ([`quench_mc::Measurements::record_values`]): bit-identical to
//! unpacking each lane and measuring it as a scalar run does, at a small
//! fraction of the cost. Only site magnetisations, when asked for, still
//! unpack every lane. A running block saves one checkpoint
//! ([`BlockState`]); a finished one writes every sample's result as its
//! own unit checkpoint and removes the block file.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use quench_core::observables::MinimumWavevectorPhases;
use quench_mc::{
    Kernel, Measurements, MultispinConfig, MultispinTempering, SampleRun, TemperingState,
};
use rayon::prelude::*;

use crate::checkpoint::{self, BlockState, UnitResult, UnitState, UnitStateRef};
use crate::error::RunError;
use crate::kernel::MULTISPIN_UNIT;
use crate::runner::stream_index;
use crate::sites::SiteAccumulator;
use crate::spec::{GridPoint, Method, Spec};

/// The blocks `(first, lanes)` of a point with `samples` samples.
pub(crate) fn blocks(samples: u64) -> Vec<(u64, u64)> {
    (0..samples)
        .step_by(MULTISPIN_UNIT as usize)
        .map(|first| (first, MULTISPIN_UNIT.min(samples - first)))
        .collect()
}

/// Rounds already done by the block, for the progress bar (counted per sample).
pub(crate) fn rounds_done(
    spec: &Spec,
    point: usize,
    (first, lanes): (u64, u64),
    checkpoints: &Path,
    fingerprint: u64,
) -> Result<u64, RunError> {
    if let Some(done) = finished(point, (first, lanes), checkpoints, fingerprint)? {
        let total = spec.algorithm.equilibration_rounds + spec.algorithm.measurement_rounds;
        return Ok(total * done.len() as u64);
    }
    let path = checkpoint::block_path(checkpoints, point, first);
    Ok(checkpoint::load::<BlockState>(&path, fingerprint)?
        .map_or(0, |block| block.state.rounds * lanes))
}

/// The block's results if every one of its samples has finished.
fn finished(
    point: usize,
    (first, lanes): (u64, u64),
    checkpoints: &Path,
    fingerprint: u64,
) -> Result<Option<Vec<UnitResult>>, RunError> {
    let mut results = Vec::with_capacity(lanes as usize);
    for sample in first..first + lanes {
        let path = checkpoint::unit_path(checkpoints, point, sample);
        match checkpoint::load::<UnitState>(&path, fingerprint)? {
            Some(UnitState::Done(result)) => results.push(*result),
            _ => return Ok(None),
        }
    }
    Ok(Some(results))
}

/// Runs (or resumes, or loads) the block of samples `first..first + lanes`
/// of `point`; the results are by sample.
pub(crate) fn run_block(
    spec: &Spec,
    point: &GridPoint,
    (first, lanes): (u64, u64),
    checkpoints: &Path,
    fingerprint: u64,
    progress: &AtomicU64,
) -> Result<Vec<UnitResult>, RunError> {
    if let Some(results) = finished(point.index, (first, lanes), checkpoints, fingerprint)? {
        return Ok(results);
    }
    let Kernel::Multispin { width, policy } = point.kernel else {
        unreachable!("blocks are made for multispin points only")
    };
    // Samples are drawn one at a time and packed into the layout: a block
    // never holds all its samples. The first one's lattice gives the
    // Fourier phases.
    let mut phases = None;
    let algorithm = &spec.algorithm;
    let tempering = MultispinTempering::from_draws(
        MultispinConfig {
            ladder: spec.ladder.clone(),
            replicas: algorithm.replicas,
            sweeps_per_exchange: algorithm.sweeps_per_round.max(1),
            policy,
            width,
        },
        lanes as usize,
        |lane| {
            let sample = point
                .ensemble
                .draw(spec.seed, stream_index(point.index, first + lane as u64))?;
            if lane == 0 {
                phases = sample.lattice().map(MinimumWavevectorPhases::new);
            }
            Ok(sample)
        },
    )?;
    let (slots, n) = (spec.ladder.temperatures().len(), tempering.layout().sites());
    let path = checkpoint::block_path(checkpoints, point.index, first);
    let mut block = match checkpoint::load::<BlockState>(&path, fingerprint)? {
        // Saved with another number of padding blocks (another width, or
        // a quench without padding): fitted to this block's layout.
        Some(mut block) => {
            let first_sample = stream_index(point.index, first);
            block.state = tempering
                .fit_state(block.state, spec.seed, first_sample)
                .map_err(|reason| RunError::Checkpoint {
                    path: path.clone(),
                    reason: format!("{reason}; delete it to recompute this block"),
                })?;
            block
        }
        None => BlockState {
            state: tempering.initial_state(spec.seed, stream_index(point.index, first)),
            measurements: (0..lanes)
                .map(|_| Measurements::new(spec.ladder.temperatures(), n))
                .collect(),
            sites: spec.site_magnetisations.then(|| {
                (0..lanes)
                    .map(|_| SiteAccumulator::new(n, slots, algorithm.measurements()))
                    .collect()
            }),
        },
    };
    let equilibration = algorithm.equilibration_rounds;
    let total = equilibration + algorithm.measurement_rounds;
    let mut last_save = Instant::now();
    while block.state.rounds < total {
        if algorithm.method == Method::ParallelTempering {
            tempering.step(&mut block.state);
        } else {
            tempering.sweeps(&mut block.state, algorithm.sweeps_per_round);
            block.state.rounds += 1;
        }
        if algorithm.measures(block.state.rounds) {
            measure(&tempering, phases.as_ref(), &mut block);
        }
        progress.fetch_add(lanes, Ordering::Relaxed);
        if last_save.elapsed().as_secs_f64() >= spec.checkpoint_seconds
            && block.state.rounds < total
        {
            checkpoint::save(&path, &block, fingerprint)?;
            last_save = Instant::now();
        }
    }
    let mut sites = block.sites.take().map(|s| s.into_iter());
    let results: Vec<UnitResult> = block
        .measurements
        .iter()
        .enumerate()
        .map(|(lane, measurements)| {
            let snapshot = tempering.lane_tempering_state(&block.state, lane);
            UnitResult {
                run: SampleRun {
                    sample_index: first + lane as u64,
                    thermal: measurements.summary(),
                    exchange_acceptance: snapshot.exchange_acceptance(),
                    round_trips: snapshot.round_trips(),
                },
                final_spins: spec.save_final_spins.then(|| final_spins(&snapshot)),
                sites: sites.as_mut().and_then(Iterator::next),
            }
        })
        .collect();
    for result in &results {
        let unit = checkpoint::unit_path(checkpoints, point.index, result.run.sample_index);
        checkpoint::save(&unit, &UnitStateRef::Done(result), fingerprint)?;
    }
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(RunError::Io { path, source: e });
        }
        _ => {}
    }
    Ok(results)
}

/// Records one measurement of every lane: the values counted bit-sliced,
/// then recorded (and the site magnetisations, if kept, from unpacked
/// snapshots) in parallel over lanes.
fn measure(
    tempering: &MultispinTempering,
    phases: Option<&MinimumWavevectorPhases>,
    block: &mut BlockState,
) {
    let BlockState {
        state,
        measurements,
        sites,
    } = block;
    let values = tempering.lane_values(state, phases);
    let n = tempering.layout().sites();
    match sites {
        Some(sites) => measurements
            .par_iter_mut()
            .zip(sites.par_iter_mut())
            .zip(values.par_iter())
            .enumerate()
            .for_each(|(lane, ((measurements, sites), values))| {
                measurements.record_values(n, values);
                sites.record(&tempering.lane_tempering_state(state, lane));
            }),
        None => measurements
            .par_iter_mut()
            .zip(values.par_iter())
            .for_each(|(measurements, values)| measurements.record_values(n, values)),
    }
}

fn final_spins(snapshot: &TemperingState) -> Vec<Vec<Vec<quench_core::Spin>>> {
    snapshot
        .ladders
        .iter()
        .map(|ladder| ladder.chains.iter().map(|c| c.spins.clone()).collect())
        .collect()
}
