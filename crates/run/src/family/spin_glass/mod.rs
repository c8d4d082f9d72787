//! The spin-glass family: disorder samples of any model of `quench models`
//! sampled by parallel tempering (or independent chains), with the
//! replica, TAP and exact theory drawn beside them.
//!
//! ```text
//! SPEC.toml ──Spec::parse──> Spec (validated; kernel::resolve picks each GridPoint's Kernel)
//!   plan: one Unit per (point, sample), or per block of ≤ 512 samples for multispin and float-lane points
//!   unit (scalar, dense): Ensemble::draw ──> Protocol (sweeps, Wolff, exchanges) ──> EngineState
//!        checkpoint: SampleState (chains, streams, accumulators)
//!   unit (multispin, float lanes): multispin::run_block through a LaneDriver ──> MultispinState
//!        or FloatLaneState, checkpoint BlockState; lane_values (counts over all lanes)
//!        ──> Measurements::record_values
//!   ──> Vec<SampleResult> (thermal summaries, exchange statistics, final spins, site magnetisations with TAP)
//! tables: disorder_summary per point ──store──> thermal / disorder / overlap_distribution / exchange / theory (/ sites) .parquet
//! report: figures (energy, Binder, ξ/L, P(q), exchange, TAP) with theory overlays ──> report.md
//! ```
//!
//! Streams: sample `s` of point `p` draws from
//! `UnitStreams::new(seed, FamilyStreams::SpinGlass, p, s)`.

pub mod curves;
pub mod kernel;
pub mod markdown;
pub mod models;
pub mod multispin;
pub mod protocol;
pub mod report;
pub mod sites;
pub mod spec;
pub mod store;

use std::path::Path;

use quench_core::{CouplingDistribution, FamilyStreams, UnitStreams};
use quench_mc::{
    DisorderPoint, Kernel, Measurements, SampleRun, SampleShape, ThermalSummary, disorder_summary,
};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use kernel::MULTISPIN_UNIT;
use protocol::{EngineState, Protocol};
use sites::SiteAccumulator;
pub use spec::{GridPoint, Spec};

/// The spin-glass family.
pub struct SpinGlasses;

/// The streams of sample `sample` at grid point `point`: `(seed, sample index)` of its stream keys.
pub fn sample_streams(seed: u64, point: usize, sample: u64) -> (u64, u64) {
    UnitStreams::new(seed, FamilyStreams::SpinGlass, point as u64, sample).seed_and_sample()
}

/// The TAP magnetisations of one sample at every ladder slot, and whether
/// each converged.
pub type TapSolutions = Vec<(Vec<f64>, bool)>;

/// The finished result of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleResult {
    /// Thermal summaries and exchange statistics.
    pub run: SampleRun,
    /// Final configurations `[replica][slot][site]`, when asked for.
    pub final_spins: Option<Vec<Vec<Vec<quench_core::Spin>>>>,
    /// Local magnetisations, when asked for.
    pub sites: Option<SiteAccumulator>,
    /// The TAP solution of the same sample at every slot, for SK samples
    /// whose local magnetisations are measured.
    pub tap: Option<TapSolutions>,
    /// What the disorder summary needs to know of the point's samples,
    /// taken from sample 0 (in its result only), so that summarising draws
    /// no sample.
    pub shape: Option<SampleShape>,
}

/// The running state of one sample (scalar and dense kernels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleState {
    /// All chains and exchange state.
    pub state: EngineState,
    /// Accumulators of the measurement phase.
    pub measurements: Measurements,
    /// Local magnetisations, when asked for.
    pub sites: Option<SiteAccumulator>,
}

/// The results of one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    /// Per-sample results, by sample index.
    pub samples: Vec<SampleResult>,
    /// Disorder averages by temperature slot.
    pub disorder: Vec<DisorderPoint>,
}

impl Family for SpinGlasses {
    type Spec = Spec;
    type UnitResult = Vec<SampleResult>;

    fn name(&self) -> &'static str {
        "spin-glass"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "spin-glass",
            description: "disorder samples sampled by parallel tempering or independent chains; energies, overlaps, P(q), Binder cumulants and correlation lengths beside replica, TAP and exact theory",
            methods: vec![
                MethodInfo {
                    name: "parallel-tempering",
                    description: "replica exchange over the temperature ladder, one exchange pass per round",
                },
                MethodInfo {
                    name: "independent",
                    description: "independent chains at every temperature (no exchanges)",
                },
            ],
            models: models::catalogue(),
        }
    }

    /// A model of the catalogue with no method, or one of this family's
    /// (a Hopfield network with `method = "retrieval"` is a memory
    /// experiment).
    fn claims(&self, document: &toml::Table) -> bool {
        let text = |table: &str, key: &str| {
            document
                .get(table)
                .and_then(|t| t.get(key))
                .and_then(|v| v.as_str())
        };
        let methods = self.describe().methods;
        text("model", "model")
            .is_some_and(|m| models::catalogue().iter().any(|info| info.accepts(m)))
            && text("algorithm", "method").is_none_or(|m| methods.iter().any(|x| x.name == m))
    }

    fn parse(&self, file: &str, source: &str) -> Result<Spec, RunError> {
        Ok(Spec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a Spec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &Spec) -> crate::memory::MemoryEstimate {
        let temperatures = spec.ladder.len() as f64;
        let replicas = spec.algorithm.replicas as f64;
        let samples = spec.samples as f64;
        let (mut per_unit, mut per_result, mut units) = (0.0f64, 0.0f64, 0.0);
        for point in &spec.points {
            let structure = point.ensemble.structure();
            let n = structure.n as f64;
            let chains = temperatures * replicas;
            // Overlap histograms (one bin per allowed value, per pair of
            // replicas) and the per-temperature sums.
            let histograms = temperatures * replicas * replicas * (n + 2.0) * 8.0;
            let sites = if spec.site_magnetisations {
                temperatures * n * 8.0 * 3.0
            } else {
                0.0
            };
            let spins = if spec.save_final_spins {
                chains * n
            } else {
                0.0
            };
            let result = histograms + sites + spins + temperatures * 1024.0 + 4096.0;
            let (unit, held, count) = if multispin::runs_in_blocks(&point.kernel) {
                // Two samples held while packing, one bit per lane and
                // chain; couplings as bits (multispin) or `f32` per bond
                // end and field (float lanes).
                let couplings_per_lane = match point.kernel {
                    Kernel::FloatLanes => {
                        let slots =
                            structure.regular_degree.unwrap_or(0) + usize::from(structure.field);
                        4.0 * n * slots as f64
                    }
                    _ => structure.bonds as f64 / 8.0,
                };
                let lanes = (samples.min(MULTISPIN_UNIT as f64) / 64.0).ceil() * 64.0;
                let unit = 2.0 * point.ensemble.draw_bytes()
                    + chains * n * lanes / 8.0 * 2.0
                    + couplings_per_lane * lanes
                    + lanes * result;
                (
                    unit,
                    lanes * result,
                    (samples / MULTISPIN_UNIT as f64).ceil(),
                )
            } else {
                // The sample, a kernel's copy of dense couplings, and every
                // chain's spins and cached local fields.
                let copy = if structure.dense { 8.0 * n * n } else { 0.0 };
                let unit = point.ensemble.draw_bytes() + copy + chains * n * 9.0 + result;
                (unit, result, samples)
            };
            per_unit = per_unit.max(unit);
            per_result = per_result.max(held);
            units += count;
        }
        crate::memory::MemoryEstimate {
            per_unit,
            per_result,
            units,
        }
    }

    fn plan(&self, spec: &Spec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| -> Vec<Unit> {
                if multispin::runs_in_blocks(&p.kernel) {
                    multispin::blocks(spec.samples)
                        .into_iter()
                        .map(|(first, count)| Unit {
                            point: p.index,
                            first,
                            count,
                        })
                        .collect()
                } else {
                    (0..spec.samples)
                        .map(|s| Unit::sample(p.index, s))
                        .collect()
                }
            })
            .collect()
    }

    fn work(&self, spec: &Spec, unit: &Unit) -> u64 {
        (spec.algorithm.equilibration_rounds + spec.algorithm.measurement_rounds) * unit.count
    }

    fn work_done(
        &self,
        spec: &Spec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        let point = &spec.points[unit.point];
        Ok(if multispin::runs_in_blocks(&point.kernel) {
            multispin::rounds_done(point, context)?.map_or(0, |rounds| rounds * unit.count)
        } else {
            context
                .load::<SampleState>()?
                .map_or(0, |running| running.state.rounds())
        })
    }

    fn run_unit(
        &self,
        spec: &Spec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<Vec<SampleResult>, RunError> {
        let point = &spec.points[unit.point];
        if multispin::runs_in_blocks(&point.kernel) {
            multispin::run_block(spec, point, (unit.first, unit.count), context)
        } else {
            Ok(vec![run_sample(spec, point, unit.first, context)?])
        }
    }

    fn tables(
        &self,
        spec: &Spec,
        results: Vec<(Unit, Vec<SampleResult>)>,
    ) -> Result<Tables, RunError> {
        let mut grouped: Vec<Vec<SampleResult>> = vec![Vec::new(); spec.points.len()];
        for (unit, samples) in results {
            grouped[unit.point].extend(samples);
        }
        let points: Vec<PointResult> = spec
            .points
            .iter()
            .zip(grouped)
            .map(|(point, samples)| summarise_point(point, samples))
            .collect::<Result<_, _>>()?;
        let mut tables = store::tables(spec, &points)?;
        for (written, path) in spec::instance::copies(&spec.model_table, &spec.points) {
            let bytes = std::fs::read(&path).map_err(RunError::io(&path))?;
            tables.files.push((written, bytes));
        }
        if spec.save_final_spins {
            tables.files.extend(store::spins(spec, &points)?);
        }
        Ok(tables)
    }

    fn report(&self, spec: &Spec, out: &Path, report: &mut ReportBuilder) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }
    /// The sample's couplings and fields ([`crate::draw::sample_arrays`]),
    /// with the [`quench_core::Sample`] itself.
    fn draw(
        &self,
        spec: &Spec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        let drawn = crate::draw::draw_from_spec(spec, point, sample, naming)?;
        Ok(crate::draw::Drawn {
            description: format!(
                "{}: grid point {point}, sample {sample}, seed {} ({} spins, uniform field {})",
                spec.file,
                drawn.seed,
                drawn.sample.n(),
                drawn.field
            ),
            arrays: crate::draw::sample_arrays(&drawn.sample, drawn.field),
            sample: Some(drawn.sample),
        })
    }
}

/// Runs one sample from its checkpoint, or from the start.
fn run_sample(
    spec: &Spec,
    point: &GridPoint,
    sample_index: u64,
    context: &UnitContext<'_>,
) -> Result<SampleResult, RunError> {
    let (seed, stream) = sample_streams(spec.seed, point.index, sample_index);
    let sample = point.ensemble.draw(seed, stream)?;
    let protocol = Protocol::new(spec, point, &sample)?;
    let SampleState {
        mut state,
        mut measurements,
        mut sites,
    } = match context.load::<SampleState>()? {
        Some(running) => {
            if !protocol.accepts(&running.state) {
                return Err(RunError::Checkpoint {
                    path: context.path().to_path_buf(),
                    reason: format!(
                        "it was written by another kernel than this run's ({}); delete it to recompute this sample",
                        kernel::kernel_name(&point.kernel)
                    ),
                });
            }
            running
        }
        None => SampleState {
            state: protocol.initial_state(&sample, seed, stream),
            measurements: Measurements::new(spec.ladder.temperatures(), sample.n()),
            sites: spec.site_magnetisations.then(|| {
                SiteAccumulator::new(
                    sample.n(),
                    spec.ladder.temperatures().len(),
                    spec.algorithm.measurements(),
                )
            }),
        },
    };
    let total = spec.algorithm.equilibration_rounds + spec.algorithm.measurement_rounds;
    while state.rounds() < total {
        protocol.round(&sample, &mut state);
        if spec.algorithm.measures(state.rounds()) {
            measurements.record(&sample, state.tempering());
            if let Some(sites) = &mut sites {
                sites.record(state.tempering());
            }
        }
        context.advance(1);
        if context.due() && state.rounds() < total {
            context.save(&SampleStateRef {
                state: &state,
                measurements: &measurements,
                sites: sites.as_ref(),
            })?;
        }
    }
    let state = state.tempering();
    let tap = match sites {
        Some(_) => tap_solutions(spec, point, &sample)?,
        None => None,
    };
    Ok(SampleResult {
        run: SampleRun {
            sample_index,
            thermal: measurements.summary(),
            exchange_acceptance: state.exchange_acceptance(),
            round_trips: state.round_trips(),
        },
        final_spins: spec.save_final_spins.then(|| multispin::final_spins(state)),
        sites,
        tap,
        shape: (sample_index == 0).then(|| sample_shape(point, &sample)),
    })
}

/// The shape of the point's samples, as `sample` (sample 0) has it.
fn sample_shape(point: &GridPoint, sample: &quench_core::Sample) -> SampleShape {
    // An instance carries a coupling variance only when the user says which
    // Gaussian ensemble it came from.
    let gaussian = point.model.coupling_distribution() == Some(CouplingDistribution::Gaussian)
        || matches!(
            point.model,
            quench_core::ModelSpec::Instance {
                coupling_variance: Some(_),
                ..
            }
        );
    let shared_noise = matches!(
        point.kernel,
        Kernel::Multispin {
            policy: quench_mc::multispin::RandomPolicy::SharedPerSite,
            ..
        }
    );
    SampleShape {
        shared_noise,
        ..SampleShape::of(sample, gaussian)
    }
}

/// A borrowed [`SampleState`] for saving (same encoding).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SampleStateRef<'a> {
    /// All chains and exchange state.
    pub state: &'a EngineState,
    /// Accumulators of the measurement phase.
    pub measurements: &'a Measurements,
    /// Local magnetisations, when asked for.
    pub sites: Option<&'a SiteAccumulator>,
}

/// The TAP magnetisations of an SK sample (whose local magnetisations were
/// measured), solved from the hottest temperature down, each solution
/// seeding the next, as the Monte Carlo ladder is; `None` for other models.
/// Multispin blocks never need it: they run sparse graphs, not SK.
fn tap_solutions(
    spec: &Spec,
    point: &GridPoint,
    sample: &quench_core::Sample,
) -> Result<Option<TapSolutions>, RunError> {
    if !matches!(
        point.model,
        quench_core::ModelSpec::SherringtonKirkpatrick { .. }
    ) {
        return Ok(None);
    }
    let temperatures = spec.ladder.temperatures();
    let options = quench_theory::mean_field::IterationOptions::default();
    let mut solutions: Vec<(Vec<f64>, bool)> = vec![(Vec::new(), false); temperatures.len()];
    let mut previous: Option<Vec<f64>> = None;
    for slot in (0..temperatures.len()).rev() {
        let solution = quench_theory::mean_field::tap(
            sample,
            temperatures[slot],
            previous.as_deref(),
            &options,
        )
        .map_err(RunError::theory("TAP"))?;
        previous = Some(solution.magnetisations.clone());
        solutions[slot] = (solution.magnetisations, solution.converged);
    }
    Ok(Some(solutions))
}

/// Disorder averages of one grid point, from its samples' results alone.
fn summarise_point(point: &GridPoint, samples: Vec<SampleResult>) -> Result<PointResult, RunError> {
    let shape = samples
        .first()
        .and_then(|first| first.shape.clone())
        .ok_or_else(|| RunError::Input(format!(
            "the results of grid point {} lack sample 0's shape; they were written by another quench version: delete units/ and rerun",
            point.index
        )))?;
    let thermal: Vec<Vec<ThermalSummary>> = samples.iter().map(|s| s.run.thermal.clone()).collect();
    Ok(PointResult {
        disorder: disorder_summary(&shape, &thermal),
        samples,
    })
}
