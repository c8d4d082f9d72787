//! The glassy-dynamics family: spin glasses quenched from infinite
//! temperature into a bath at $T$, by simulation (`quench-dynamics`:
//! Langevin on the sphere for spherical $p$-spin models, Glauber or
//! Metropolis single flips for Ising $p$-spin glasses and the
//! Sherrington–Kirkpatrick model, Metropolis checkerboard sweeps of the
//! multispin kernel for Edwards–Anderson ±J lattices in blocks of 64
//! samples) and, for
//! spherical models, by dynamical mean-field theory (the
//! Cugliandolo–Kurchan equations of `quench_theory::dynamics`) on the same
//! axes: the energy $e(t)$, the correlation $C(t_w+\tau, t_w)$ and the
//! integrated response $\chi(t_w+\tau, t_w)$, whose parametric plot
//! against $C$ shows the fluctuation–dissipation theorem (slope $-1/T$)
//! and, below $T_d$, the ageing slope $-x/T$.
//!
//! ```text
//! SPEC.toml (model = "glassy-dynamics") ──GlassyDynamicsSpec::parse──> GlassyDynamicsSpec
//!   unit = (point: size N and temperature T; one disorder sample)
//!     ──draw_system (disorder stream of the size and sample, shared by all T)──> SphericalPSpin | IsingPSpin | Sample (SK, EA)
//!     ──langevin_history / ising_history, history by history (checkpointed between them)──> records
//!   EA unit = (point; 64 samples) ──multispin_histories (all histories at once)──> records
//! units ──tables──> one_time.parquet (e(t) ± error), two_time.parquet (C and χ ± errors)
//!                   theory_one_time.parquet, theory_two_time.parquet, theory.parquet
//!                   (the CK solution, one solve per temperature, and its asymptotics)
//!       ──report──> energy, correlation (one per N), response–correlation figures and a table
//! ```
//!
//! Streams: the couplings of sample `s` at the size of index `k` from
//! `UnitStreams::new(seed, Named("glassy-dynamics disorder"), k, s)` (the
//! same sample at every temperature); the initial states, noise and field
//! directions of its histories from
//! `UnitStreams::new(seed, Named("glassy-dynamics"), point, s)`, history
//! $r$ as the chain index of `quench_dynamics`' streams. Errors are
//! standard errors over the samples' means (over histories for one sample),
//! as [`quench_dynamics::summarize`] takes them.

pub mod report;
pub mod spec;
pub mod system;
pub mod theory;

use std::collections::BTreeMap;
use std::path::Path;

use quench_core::{CouplingDistribution, FamilyStreams, ModelSpec, Sample, UnitStreams};
use quench_dynamics::{
    DynamicsRecord, IsingPSpin, IsingRule, IsingSettings, LangevinSettings, LatticeSettings,
    Mixture, SphericalPSpin, ising_history, langevin_history, multispin_histories, summarize,
};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::table::{Column, Table};
pub use spec::{DynamicsPoint, GlassyDynamicsSpec, System};

/// The glassy-dynamics family.
pub struct GlassyDynamics;

const STREAMS: FamilyStreams = FamilyStreams::Named("glassy-dynamics");
const DISORDER: FamilyStreams = FamilyStreams::Named("glassy-dynamics disorder");
/// Samples of one unit of a lattice system: one 64-lane word of the multispin kernel.
const LATTICE_BLOCK: u64 = 64;

/// One sample's system, as drawn.
pub enum DrawnSystem {
    /// Spherical spins.
    Spherical(SphericalPSpin),
    /// Ising spins.
    Ising(IsingPSpin),
    /// A ±J lattice sample (run in blocks by the multispin kernel).
    Lattice(Sample),
    /// A Sherrington–Kirkpatrick sample (single flips through the move seam).
    Pairwise(Sample),
}

/// The ±J lattice sample `sample` at the size of `point` (side length $L$).
fn draw_lattice(
    spec: &GlassyDynamicsSpec,
    point: &DynamicsPoint,
    sample: u64,
) -> Result<Sample, RunError> {
    let System::EdwardsAnderson { dimension } = spec.system else {
        unreachable!("only lattice systems draw lattices")
    };
    let (seed, index) =
        UnitStreams::new(spec.seed, DISORDER, point.size_index as u64, sample).seed_and_sample();
    let model = ModelSpec::EdwardsAnderson {
        dimension: i64::from(dimension),
        length: point.size as i64,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    };
    let input = |e: &dyn std::fmt::Display| RunError::Input(format!("{}: {e}", spec.file));
    model
        .ensemble()
        .map_err(|e| input(&e))?
        .draw(seed, index)
        .map_err(|e| input(&e))
}

/// The histories of the lattice samples of `unit`, all at once: lanes are
/// the samples, the kernel's replicas the histories (no checkpoint inside:
/// the block runs in one go).
fn run_lattice_block(
    spec: &GlassyDynamicsSpec,
    point: &DynamicsPoint,
    unit: &Unit,
) -> Result<Vec<DynamicsSample>, RunError> {
    let samples: Vec<Sample> = unit
        .samples()
        .map(|s| draw_lattice(spec, point, s))
        .collect::<Result<_, _>>()?;
    let (seed, _) =
        UnitStreams::new(spec.seed, STREAMS, point.index as u64, unit.first).seed_and_sample();
    let settings = LatticeSettings {
        temperature: point.temperature,
        histories: spec.histories as usize,
        width: quench_mc::WordWidth::widest(),
    };
    let records = multispin_histories(&samples, &settings, &spec.schedule(), seed, unit.first)
        .map_err(dynamics_error(spec))?;
    Ok(records
        .chunks(spec.histories as usize)
        .zip(unit.samples())
        .map(|(histories, sample)| DynamicsSample {
            point: point.index,
            sample,
            histories: histories
                .iter()
                .map(|r| HistoryRecord {
                    energy: r.energy.clone(),
                    correlation: r.correlation.clone(),
                    response: r.response.clone(),
                })
                .collect(),
        })
        .collect())
}

fn dynamics_error(
    spec: &GlassyDynamicsSpec,
) -> impl Fn(quench_dynamics::DynamicsError) -> RunError {
    let file = spec.file.clone();
    move |e| RunError::Input(format!("{file}: {e}"))
}

/// The system of sample `sample` at the size of `point`, as
/// [`Family::run_unit`] draws it (the same at every temperature).
pub fn draw_system(
    spec: &GlassyDynamicsSpec,
    point: &DynamicsPoint,
    sample: u64,
) -> Result<DrawnSystem, RunError> {
    let (seed, index) =
        UnitStreams::new(spec.seed, DISORDER, point.size_index as u64, sample).seed_and_sample();
    let n = point.size;
    let error = dynamics_error(spec);
    Ok(match &spec.system {
        System::EdwardsAnderson { .. } => DrawnSystem::Lattice(draw_lattice(spec, point, sample)?),
        System::SherringtonKirkpatrick { .. } => {
            let (seed, index) =
                UnitStreams::new(spec.seed, DISORDER, point.size_index as u64, sample)
                    .seed_and_sample();
            let model = ModelSpec::SherringtonKirkpatrick {
                n: n as i64,
                couplings: CouplingDistribution::Gaussian,
                field: 0.0,
            };
            let input = |e: &dyn std::fmt::Display| RunError::Input(format!("{}: {e}", spec.file));
            DrawnSystem::Pairwise(
                model
                    .ensemble()
                    .map_err(|e| input(&e))?
                    .draw(seed, index)
                    .map_err(|e| input(&e))?,
            )
        }
        System::Spherical { mixture } => {
            DrawnSystem::Spherical(SphericalPSpin::draw(n, mixture, seed, index).map_err(&error)?)
        }
        System::Ising {
            order,
            connectivity: None,
            ..
        } => {
            let mixture = Mixture::pure(*order).map_err(&error)?;
            let dense = SphericalPSpin::draw(n, &mixture, seed, index).map_err(&error)?;
            DrawnSystem::Ising(IsingPSpin::fully_connected(&dense))
        }
        System::Ising {
            order,
            connectivity: Some(c),
            ..
        } => DrawnSystem::Ising(IsingPSpin::diluted(n, *order, *c, seed, index).map_err(&error)?),
    })
}

/// What one history measured (its times are the spec's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// $e(t)$ at the spec's times.
    pub energy: Vec<f64>,
    /// `correlation[w][l]` $= C(t_w + \tau_l, t_w)$.
    pub correlation: Vec<Vec<f64>>,
    /// `response[w][l]` $= \chi(t_w + \tau_l, t_w)$ (empty without a field).
    pub response: Vec<Vec<f64>>,
}

/// One sample's histories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicsSample {
    /// Grid point.
    pub point: usize,
    /// Disorder sample.
    pub sample: u64,
    /// Its histories, in order.
    pub histories: Vec<HistoryRecord>,
}

#[derive(Serialize, Deserialize)]
struct Running {
    histories: Vec<HistoryRecord>,
}

impl DynamicsSample {
    fn records(&self, spec: &GlassyDynamicsSpec) -> Vec<DynamicsRecord> {
        self.histories
            .iter()
            .enumerate()
            .map(|(h, r)| DynamicsRecord {
                sample: self.sample,
                history: h as u64,
                times: spec.times.clone(),
                energy: r.energy.clone(),
                waiting_times: spec.waiting_times.clone(),
                lags: spec.lags.clone(),
                correlation: r.correlation.clone(),
                response: r.response.clone(),
            })
            .collect()
    }
}

/// Runs history `history` of `system` at `point`.
fn run_history(
    spec: &GlassyDynamicsSpec,
    point: &DynamicsPoint,
    system: &DrawnSystem,
    sample: u64,
    history: u64,
) -> Result<HistoryRecord, RunError> {
    let (seed, index) =
        UnitStreams::new(spec.seed, STREAMS, point.index as u64, sample).seed_and_sample();
    let schedule = spec.schedule();
    let record = match (system, &spec.system) {
        (DrawnSystem::Spherical(s), _) => {
            let settings = LangevinSettings {
                temperature: point.temperature,
                time_step: spec.time_step,
                field: spec.field,
            };
            langevin_history(s, &settings, &schedule, seed, index, history)
        }
        (DrawnSystem::Ising(s), System::Ising { metropolis, .. }) => {
            let temperature = point.temperature;
            let rule = if *metropolis {
                IsingRule::Metropolis { temperature }
            } else {
                IsingRule::Glauber { temperature }
            };
            let settings = IsingSettings {
                rule,
                field: spec.field,
            };
            ising_history(s, &settings, &schedule, seed, index, history)
        }
        (DrawnSystem::Pairwise(sample), System::SherringtonKirkpatrick { metropolis }) => {
            let temperature = point.temperature;
            let rule = if *metropolis {
                IsingRule::Metropolis { temperature }
            } else {
                IsingRule::Glauber { temperature }
            };
            let settings = IsingSettings {
                rule,
                field: spec.field,
            };
            ising_history(
                &quench_mc::SampleMoves { sample },
                &settings,
                &schedule,
                seed,
                index,
                history,
            )
        }
        _ => unreachable!("each system draws its own kind, and lattices run in blocks"),
    }
    .map_err(dynamics_error(spec))?;
    Ok(HistoryRecord {
        energy: record.energy,
        correlation: record.correlation,
        response: record.response,
    })
}

impl Family for GlassyDynamics {
    type Spec = GlassyDynamicsSpec;
    type UnitResult = Vec<DynamicsSample>;

    fn name(&self) -> &'static str {
        "glassy-dynamics"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "glassy-dynamics",
            description: "p-spin glasses quenched from infinite temperature: energy, two-time correlation and integrated response by simulation, beside the Cugliandolo-Kurchan solution and its ageing asymptotics (spherical models)",
            methods: vec![
                MethodInfo {
                    name: "langevin",
                    description: "spherical spins: Euler-Maruyama steps of ds = -grad H dt + sqrt(2T dt) eta, projected back on the sphere (weak order one); response from a twin in a small random field with the same noise",
                },
                MethodInfo {
                    name: "multispin",
                    description: "Edwards-Anderson +-J lattices: Metropolis checkerboard sweeps with the multispin kernel, 64 samples per word, one uniform per lane; e(t) and C(t_w + tau, t_w) (no field, no response)",
                },
                MethodInfo {
                    name: "glauber",
                    description: "Ising spins: N single-flip updates at random sites per unit of time, heat-bath (or Metropolis) acceptance; response from a twin with the same sites and uniforms",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<GlassyDynamicsSpec, RunError> {
        Ok(GlassyDynamicsSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a GlassyDynamicsSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &GlassyDynamicsSpec) -> crate::memory::MemoryEstimate {
        let (w, l, t) = (
            spec.waiting_times.len() as f64,
            spec.lags.len() as f64,
            spec.times.len() as f64,
        );
        let record = (t + 2.0 * w * l) * 8.0 + 128.0;
        let per_unit = spec
            .sizes
            .iter()
            .map(|&n| {
                // Couplings (the dense ones and the hypergraph for a fully
                // connected Ising model), the trajectory, its twins,
                // snapshots and field directions, the records.
                spec.system.memory(n).map_or(f64::INFINITY, |b| b as f64)
                    + (6.0 + 3.0 * w) * n as f64 * 8.0
                    + 2.0 * record * spec.histories as f64
            })
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: record * spec.histories as f64,
            units: spec.points.len() as f64 * spec.samples as f64,
        }
    }

    fn plan(&self, spec: &GlassyDynamicsSpec) -> Vec<Unit> {
        let lattice = matches!(spec.system, System::EdwardsAnderson { .. });
        spec.points
            .iter()
            .flat_map(|p| {
                if lattice {
                    (0..spec.samples.div_ceil(LATTICE_BLOCK))
                        .map(|b| {
                            let first = b * LATTICE_BLOCK;
                            Unit {
                                point: p.index,
                                first,
                                count: LATTICE_BLOCK.min(spec.samples - first),
                            }
                        })
                        .collect::<Vec<_>>()
                } else {
                    (0..spec.samples)
                        .map(|s| Unit::sample(p.index, s))
                        .collect()
                }
            })
            .collect()
    }

    fn work(&self, spec: &GlassyDynamicsSpec, unit: &Unit) -> u64 {
        spec.steps() * spec.histories * unit.count
    }

    fn work_done(
        &self,
        spec: &GlassyDynamicsSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context
            .load::<Running>()?
            .map_or(0, |r| r.histories.len() as u64 * spec.steps()))
    }

    fn run_unit(
        &self,
        spec: &GlassyDynamicsSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<Vec<DynamicsSample>, RunError> {
        let point = &spec.points[unit.point];
        if matches!(spec.system, System::EdwardsAnderson { .. }) {
            let block = run_lattice_block(spec, point, unit)?;
            context.advance(spec.steps() * spec.histories * unit.count);
            return Ok(block);
        }
        let system = draw_system(spec, point, unit.first)?;
        let mut running = context.load::<Running>()?.unwrap_or(Running {
            histories: Vec::new(),
        });
        while (running.histories.len() as u64) < spec.histories {
            let history = running.histories.len() as u64;
            running
                .histories
                .push(run_history(spec, point, &system, unit.first, history)?);
            context.advance(spec.steps());
            if (running.histories.len() as u64) < spec.histories && context.due() {
                context.save(&running)?;
            }
        }
        Ok(vec![DynamicsSample {
            point: point.index,
            sample: unit.first,
            histories: running.histories,
        }])
    }

    fn tables(
        &self,
        spec: &GlassyDynamicsSpec,
        results: Vec<(Unit, Vec<DynamicsSample>)>,
    ) -> Result<Tables, RunError> {
        let mut by_point: BTreeMap<usize, Vec<DynamicsRecord>> = BTreeMap::new();
        for sample in results.iter().flat_map(|(_, samples)| samples) {
            by_point
                .entry(sample.point)
                .or_default()
                .extend(sample.records(spec));
        }
        let mut one = Rows::default();
        let mut two = Rows::default();
        for (&p, records) in &by_point {
            let point = &spec.points[p];
            let summary = summarize(records);
            for (k, &time) in summary.times.iter().enumerate() {
                one.integer("size", point.size as u64);
                one.number("temperature", point.temperature);
                one.number("time", time);
                one.number("energy", summary.energy[k].mean);
                one.number("energy_error", summary.energy[k].error);
                one.integer("samples", summary.samples as u64);
                one.integer("histories", summary.histories as u64);
            }
            for (w, &tw) in summary.waiting_times.iter().enumerate() {
                for (l, &lag) in summary.lags.iter().enumerate() {
                    let c = summary.correlation[w][l];
                    let chi = summary
                        .response
                        .get(w)
                        .map_or((f64::NAN, f64::NAN), |r| (r[l].mean, r[l].error));
                    two.integer("size", point.size as u64);
                    two.number("temperature", point.temperature);
                    two.number("waiting_time", tw);
                    two.number("time", tw + lag);
                    two.number("lag", lag);
                    two.number("correlation", c.mean);
                    two.number("correlation_error", c.error);
                    two.number("integrated_response", chi.0);
                    two.number("integrated_response_error", chi.1);
                }
            }
        }
        let mut out = Tables::default();
        out.table("one_time.parquet", one.table());
        out.table("two_time.parquet", two.table());
        if spec.theory {
            let theory = theory::solve_all(spec);
            for (name, table) in theory {
                out.table(name, table);
            }
        }
        Ok(out)
    }

    fn report(
        &self,
        spec: &GlassyDynamicsSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }
}

/// Columns filled row by row, in the order first named.
#[derive(Default)]
pub(crate) struct Rows {
    names: Vec<&'static str>,
    columns: Vec<Column>,
}

impl Rows {
    fn slot(&mut self, name: &'static str, empty: Column) -> &mut Column {
        let i = match self.names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                self.names.push(name);
                self.columns.push(empty);
                self.names.len() - 1
            }
        };
        &mut self.columns[i]
    }

    pub(crate) fn number(&mut self, name: &'static str, value: f64) {
        if let Column::Number(v) = self.slot(name, Column::Number(Vec::new())) {
            v.push(value);
        }
    }

    pub(crate) fn integer(&mut self, name: &'static str, value: u64) {
        if let Column::Integer(v) = self.slot(name, Column::Integer(Vec::new())) {
            v.push(value);
        }
    }

    pub(crate) fn text(&mut self, name: &'static str, value: String) {
        if let Column::Text(v) = self.slot(name, Column::Text(Vec::new())) {
            v.push(value);
        }
    }

    /// Rows with these number columns (named now, so that a table without
    /// rows still has them).
    pub(crate) fn declare(&mut self, integers: &[&'static str], numbers: &[&'static str]) {
        for &name in integers {
            self.slot(name, Column::Integer(Vec::new()));
        }
        for &name in numbers {
            self.slot(name, Column::Number(Vec::new()));
        }
    }

    /// The table.
    pub(crate) fn table(self) -> Table {
        Table::new(self.names.into_iter().zip(self.columns).collect())
    }
}
