//! Grid points run by the multispin kernel: up to [`MULTISPIN_UNIT`]
//! disorder samples at once, one per bit lane.
//!
//! The samples of a point are cut into *blocks* `first..first + lanes`
//! (`first` a multiple of [`MULTISPIN_UNIT`]), each one unit of work. A
//! block's lanes use the random streams of their own samples
//! ([`super::sample_streams`]) for their initial spins and exchanges, and
//! each 64-lane block its own dynamics streams, so the results depend
//! neither on the word width nor on the thread count. At every measured
//! round the values of all lanes are counted bit-sliced from the packed
//! words ([`quench_mc::MultispinTempering::lane_values`]) and recorded per
//! lane ([`quench_mc::Measurements::record_values`]): bit-identical to
//! unpacking each lane and measuring it as a scalar run does, at a small
//! fraction of the cost. Only site magnetisations, when asked for, still
//! unpack every lane. A running block saves one checkpoint
//! ([`BlockState`]); a finished one returns every sample's result.

use quench_core::observables::MinimumWavevectorPhases;
use quench_mc::{
    Kernel, Measurements, MultispinConfig, MultispinState, MultispinTempering, SampleRun,
    TemperingState,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kernel::MULTISPIN_UNIT;
use super::sites::SiteAccumulator;
use super::spec::{GridPoint, Method, Spec};
use super::{SampleResult, sample_streams};
use crate::error::RunError;
use crate::family::UnitContext;

/// The running state of the samples `first..first + lanes` of one grid
/// point, run together by the multispin kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockState {
    /// Every lane's chains and exchange state.
    pub state: MultispinState,
    /// Accumulators of the measurement phase, by lane.
    pub measurements: Vec<Measurements>,
    /// Local magnetisations by lane, when asked for.
    pub sites: Option<Vec<SiteAccumulator>>,
}

/// The blocks `(first, lanes)` of a point with `samples` samples.
pub(crate) fn blocks(samples: u64) -> Vec<(u64, u64)> {
    (0..samples)
        .step_by(MULTISPIN_UNIT as usize)
        .map(|first| (first, MULTISPIN_UNIT.min(samples - first)))
        .collect()
}

/// Runs (or resumes) the block of samples `first..first + lanes` of
/// `point`; the results are by sample.
pub(crate) fn run_block(
    spec: &Spec,
    point: &GridPoint,
    (first, lanes): (u64, u64),
    context: &UnitContext<'_>,
) -> Result<Vec<SampleResult>, RunError> {
    let Kernel::Multispin { width, policy } = point.kernel else {
        unreachable!("blocks are made for multispin points only")
    };
    // Samples are drawn one at a time and packed into the layout: a block
    // never holds all its samples. The first one's lattice gives the
    // Fourier phases.
    let (mut phases, mut shape) = (None, None);
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
            let (seed, stream) = sample_streams(spec.seed, point.index, first + lane as u64);
            let sample = point.ensemble.draw(seed, stream)?;
            if lane == 0 {
                phases = sample.lattice().map(MinimumWavevectorPhases::new);
                if first == 0 {
                    shape = Some(super::sample_shape(point, &sample));
                }
            }
            Ok(sample)
        },
    )?;
    let (slots, n) = (spec.ladder.temperatures().len(), tempering.layout().sites());
    let (seed, first_sample) = sample_streams(spec.seed, point.index, first);
    let mut block = match context.load::<BlockState>()? {
        // Saved with another number of padding blocks (another width, or
        // a quench without padding): fitted to this block's layout.
        Some(mut block) => {
            block.state = tempering
                .fit_state(block.state, seed, first_sample)
                .map_err(|reason| RunError::Checkpoint {
                    path: context.path().to_path_buf(),
                    reason: format!("{reason}; delete it to recompute this block"),
                })?;
            block
        }
        None => BlockState {
            state: tempering.initial_state(seed, first_sample),
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
    let total = algorithm.equilibration_rounds + algorithm.measurement_rounds;
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
        context.advance(lanes);
        if context.due() && block.state.rounds < total {
            context.save(&block)?;
        }
    }
    let mut sites = block.sites.take().map(|s| s.into_iter());
    let results: Vec<SampleResult> = block
        .measurements
        .iter()
        .enumerate()
        .map(|(lane, measurements)| {
            let snapshot = tempering.lane_tempering_state(&block.state, lane);
            SampleResult {
                run: SampleRun {
                    sample_index: first + lane as u64,
                    thermal: measurements.summary(),
                    exchange_acceptance: snapshot.exchange_acceptance(),
                    round_trips: snapshot.round_trips(),
                },
                final_spins: spec.save_final_spins.then(|| final_spins(&snapshot)),
                sites: sites.as_mut().and_then(Iterator::next),
                tap: None,
                shape: if lane == 0 { shape.clone() } else { None },
            }
        })
        .collect();
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

/// The spins of every chain, `[replica][slot][site]`.
pub(crate) fn final_spins(snapshot: &TemperingState) -> Vec<Vec<Vec<quench_core::Spin>>> {
    snapshot
        .ladders
        .iter()
        .map(|ladder| ladder.chains.iter().map(|c| c.spins.clone()).collect())
        .collect()
}
