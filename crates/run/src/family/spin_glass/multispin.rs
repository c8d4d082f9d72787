//! Grid points run by the lane kernels, the multispin kernel (one sample
//! per bit lane) and the float-lane kernel (one sample per `f32` lane): up
//! to [`MULTISPIN_UNIT`] disorder samples at once.
//!
//! The samples of a point are cut into *blocks* `first..first + lanes`
//! (`first` a multiple of [`MULTISPIN_UNIT`]), each one unit of work. A
//! block's lanes use the random streams of their own samples
//! ([`super::sample_streams`]) for their initial spins and exchanges, and
//! each 64-lane block its own dynamics streams, so the results depend
//! neither on the word width nor on the thread count (the float lanes: each
//! lane its own streams, whatever it shares a vector with). At every measured
//! round the values of all lanes are counted bit-sliced from the packed
//! words ([`quench_mc::MultispinTempering::lane_values`]) and recorded per
//! lane ([`quench_mc::Measurements::record_values`]): bit-identical to
//! unpacking each lane and measuring it as a scalar run does, at a small
//! fraction of the cost. Only site magnetisations, when asked for, still
//! unpack every lane. A running block saves one checkpoint
//! ([`BlockState`]); a finished one returns every sample's result. Both
//! kernels run through one trait, `LaneDriver`.

use quench_core::Sample;
use quench_core::observables::MinimumWavevectorPhases;
use quench_mc::float_lanes::LaneInstructions;
use quench_mc::{
    FloatLaneConfig, FloatLaneState, FloatLaneTempering, Kernel, Measurements, MultispinConfig,
    MultispinState, MultispinTempering, SampleRun, SamplerError, SlotValues, TemperingState,
};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::kernel::MULTISPIN_UNIT;
use super::sites::SiteAccumulator;
use super::spec::{GridPoint, Method, Spec};
use super::{SampleResult, sample_streams};
use crate::error::RunError;
use crate::family::UnitContext;

/// The running state of the samples `first..first + lanes` of one grid
/// point, run together by a lane kernel (`S`: its state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockState<S = MultispinState> {
    /// Every lane's chains and exchange state.
    pub state: S,
    /// Accumulators of the measurement phase, by lane.
    pub measurements: Vec<Measurements>,
    /// Local magnetisations by lane, when asked for.
    pub sites: Option<Vec<SiteAccumulator>>,
}

/// What the block runner needs of a kernel that runs many samples at once.
pub(crate) trait LaneDriver: Sized + Sync {
    /// The running state (chains and exchanges of every lane).
    type State: Clone + Send + Sync + Serialize + DeserializeOwned;
    /// The driver of the point's kernel for `lanes` samples drawn by `draw`.
    fn prepare(
        spec: &Spec,
        kernel: Kernel,
        lanes: usize,
        draw: impl FnMut(usize) -> Result<Sample, SamplerError>,
    ) -> Result<Self, SamplerError>;
    /// Sites per sample.
    fn sites(&self) -> usize;
    /// The initial state.
    fn initial_state(&self, seed: u64, first_sample: u64) -> Self::State;
    /// A saved state fitted to (or checked against) this driver.
    fn fit_state(
        &self,
        state: Self::State,
        seed: u64,
        first_sample: u64,
    ) -> Result<Self::State, String>;
    /// Sweeps and an exchange pass.
    fn step(&self, state: &mut Self::State);
    /// Sweeps only.
    fn sweeps(&self, state: &mut Self::State, count: u64);
    /// Rounds done.
    fn rounds(state: &mut Self::State) -> &mut u64;
    /// Every lane's measured values.
    fn lane_values(
        &self,
        state: &Self::State,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Vec<Vec<SlotValues>>;
    /// One lane's snapshot.
    fn lane_tempering_state(&self, state: &Self::State, lane: usize) -> TemperingState;
}

impl LaneDriver for MultispinTempering {
    type State = MultispinState;
    fn prepare(
        spec: &Spec,
        kernel: Kernel,
        lanes: usize,
        draw: impl FnMut(usize) -> Result<Sample, SamplerError>,
    ) -> Result<Self, SamplerError> {
        let Kernel::Multispin { width, policy } = kernel else {
            unreachable!("multispin blocks are made for multispin points only")
        };
        MultispinTempering::from_draws(
            MultispinConfig {
                ladder: spec.ladder.clone(),
                replicas: spec.algorithm.replicas,
                sweeps_per_exchange: spec.algorithm.sweeps_per_round.max(1),
                policy,
                width,
            },
            lanes,
            draw,
        )
    }
    fn sites(&self) -> usize {
        self.layout().sites()
    }
    fn initial_state(&self, seed: u64, first_sample: u64) -> MultispinState {
        MultispinTempering::initial_state(self, seed, first_sample)
    }
    fn fit_state(
        &self,
        state: MultispinState,
        seed: u64,
        first_sample: u64,
    ) -> Result<MultispinState, String> {
        // Saved with another number of padding blocks (another width, or a
        // quench without padding): fitted to this block's layout.
        MultispinTempering::fit_state(self, state, seed, first_sample)
    }
    fn step(&self, state: &mut MultispinState) {
        MultispinTempering::step(self, state);
    }
    fn sweeps(&self, state: &mut MultispinState, count: u64) {
        MultispinTempering::sweeps(self, state, count);
    }
    fn rounds(state: &mut MultispinState) -> &mut u64 {
        &mut state.rounds
    }
    fn lane_values(
        &self,
        state: &MultispinState,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Vec<Vec<SlotValues>> {
        MultispinTempering::lane_values(self, state, phases)
    }
    fn lane_tempering_state(&self, state: &MultispinState, lane: usize) -> TemperingState {
        MultispinTempering::lane_tempering_state(self, state, lane)
    }
}

impl LaneDriver for FloatLaneTempering {
    type State = FloatLaneState;
    fn prepare(
        spec: &Spec,
        _kernel: Kernel,
        lanes: usize,
        draw: impl FnMut(usize) -> Result<Sample, SamplerError>,
    ) -> Result<Self, SamplerError> {
        FloatLaneTempering::from_draws(
            FloatLaneConfig {
                ladder: spec.ladder.clone(),
                replicas: spec.algorithm.replicas,
                sweeps_per_exchange: spec.algorithm.sweeps_per_round.max(1),
                instructions: LaneInstructions::fastest(),
            },
            lanes,
            draw,
        )
    }
    fn sites(&self) -> usize {
        self.layout().sites()
    }
    fn initial_state(&self, seed: u64, first_sample: u64) -> FloatLaneState {
        FloatLaneTempering::initial_state(self, seed, first_sample)
    }
    fn fit_state(
        &self,
        state: FloatLaneState,
        _seed: u64,
        _first_sample: u64,
    ) -> Result<FloatLaneState, String> {
        self.check_state(&state).map(|()| state)
    }
    fn step(&self, state: &mut FloatLaneState) {
        FloatLaneTempering::step(self, state);
    }
    fn sweeps(&self, state: &mut FloatLaneState, count: u64) {
        FloatLaneTempering::sweeps(self, state, count);
    }
    fn rounds(state: &mut FloatLaneState) -> &mut u64 {
        &mut state.rounds
    }
    fn lane_values(
        &self,
        state: &FloatLaneState,
        phases: Option<&MinimumWavevectorPhases>,
    ) -> Vec<Vec<SlotValues>> {
        FloatLaneTempering::lane_values(self, state, phases)
    }
    fn lane_tempering_state(&self, state: &FloatLaneState, lane: usize) -> TemperingState {
        FloatLaneTempering::lane_tempering_state(self, state, lane)
    }
}

/// Whether a kernel runs many samples at once (in blocks of lanes).
pub(crate) fn runs_in_blocks(kernel: &Kernel) -> bool {
    matches!(kernel, Kernel::Multispin { .. } | Kernel::FloatLanes)
}

/// The blocks `(first, lanes)` of a point with `samples` samples.
pub(crate) fn blocks(samples: u64) -> Vec<(u64, u64)> {
    (0..samples)
        .step_by(MULTISPIN_UNIT as usize)
        .map(|first| (first, MULTISPIN_UNIT.min(samples - first)))
        .collect()
}

/// Rounds done by the block saved in `context`, if any.
pub(crate) fn rounds_done(
    point: &GridPoint,
    context: &UnitContext<'_>,
) -> Result<Option<u64>, RunError> {
    fn rounds<D: LaneDriver>(context: &UnitContext<'_>) -> Result<Option<u64>, RunError> {
        Ok(context
            .load::<BlockState<D::State>>()?
            .map(|mut block| *D::rounds(&mut block.state)))
    }
    match point.kernel {
        Kernel::FloatLanes => rounds::<FloatLaneTempering>(context),
        _ => rounds::<MultispinTempering>(context),
    }
}

/// Runs (or resumes) the block of samples `first..first + lanes` of
/// `point`; the results are by sample.
pub(crate) fn run_block(
    spec: &Spec,
    point: &GridPoint,
    block: (u64, u64),
    context: &UnitContext<'_>,
) -> Result<Vec<SampleResult>, RunError> {
    match point.kernel {
        Kernel::FloatLanes => run_block_with::<FloatLaneTempering>(spec, point, block, context),
        _ => run_block_with::<MultispinTempering>(spec, point, block, context),
    }
}

fn run_block_with<D: LaneDriver>(
    spec: &Spec,
    point: &GridPoint,
    (first, lanes): (u64, u64),
    context: &UnitContext<'_>,
) -> Result<Vec<SampleResult>, RunError> {
    // Samples are drawn one at a time and packed into the layout: a block
    // never holds all its samples. The first one's lattice gives the
    // Fourier phases.
    let (mut phases, mut shape) = (None, None);
    let algorithm = &spec.algorithm;
    let tempering = D::prepare(spec, point.kernel, lanes as usize, |lane| {
        let (seed, stream) = sample_streams(spec.seed, point.index, first + lane as u64);
        let sample = point.ensemble.draw(seed, stream)?;
        if lane == 0 {
            phases = sample.lattice().map(MinimumWavevectorPhases::new);
            if first == 0 {
                shape = Some(super::sample_shape(point, &sample));
            }
        }
        Ok(sample)
    })?;
    let (slots, n) = (spec.ladder.temperatures().len(), tempering.sites());
    let (seed, first_sample) = sample_streams(spec.seed, point.index, first);
    let mut block = match context.load::<BlockState<D::State>>()? {
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
    while *D::rounds(&mut block.state) < total {
        if algorithm.method == Method::ParallelTempering {
            tempering.step(&mut block.state);
        } else {
            tempering.sweeps(&mut block.state, algorithm.sweeps_per_round);
            *D::rounds(&mut block.state) += 1;
        }
        let rounds = *D::rounds(&mut block.state);
        if algorithm.measures(rounds) {
            measure(&tempering, phases.as_ref(), &mut block);
        }
        context.advance(lanes);
        if context.due() && rounds < total {
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
fn measure<D: LaneDriver>(
    tempering: &D,
    phases: Option<&MinimumWavevectorPhases>,
    block: &mut BlockState<D::State>,
) {
    let BlockState {
        state,
        measurements,
        sites,
    } = block;
    let values = tempering.lane_values(state, phases);
    let n = tempering.sites();
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
