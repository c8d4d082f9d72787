//! The associative-memory family: Hopfield retrieval and dense-memory capacity.
//!
//! ```text
//! SPEC.toml (model = "hopfield" | "dense-memory") ──MemorySpec::parse──> MemorySpec
//!   Hopfield: unit = (grid point, sample) ──quench_learn::hopfield::retrieval_sample──> SampleRetrieval
//!   dense:    unit = size N (all its samples) ──quench_learn::dense::capacity_experiment──> CapacityResult
//! units ──tables──> retrieval(.summary) / capacity(.points) / theory .parquet
//!       ──report──> figures (AGS theory on the same axes) + report.md
//! ```
//!
//! Grid point `p` draws its samples from
//! `UnitStreams::new(seed, FamilyStreams::Memory, p, sample)` (the master
//! seed mixed with the point), so a unit's result depends on nothing but
//! the spec: not on threads, order, interruptions or shards.

pub mod report;
pub mod spec;
mod tables;

use std::path::Path;

use quench_core::{FamilyStreams, UnitStreams};
use quench_learn::dense::capacity::{CapacityResult, CapacitySpec, capacity_experiment};
use quench_learn::dynamics::Dynamics;
use quench_learn::hopfield::Representation;
use quench_learn::hopfield::experiment::{Load, RetrievalSpec, SampleRetrieval, retrieval_sample};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::theory::Naming;
pub use spec::{MemoryExperiment, MemorySpec, is_memory_spec};

/// The associative-memory family.
pub struct Memories;

/// The seed of grid point `point`'s streams (the master seed mixed with the index).
pub fn point_seed(seed: u64, point: usize) -> u64 {
    UnitStreams::new(seed, FamilyStreams::Memory, point as u64, 0)
        .seed_and_sample()
        .0
}

/// The result of one unit.
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

impl Family for Memories {
    type Spec = MemorySpec;
    type UnitResult = UnitOutcome;

    fn name(&self) -> &'static str {
        "memory"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "memory",
            description: "associative memories: retrieval of stored patterns against the load and temperature, and the capacity of dense memories, beside the AGS and signal-to-noise theory",
            methods: vec![
                MethodInfo {
                    name: "retrieval",
                    description: "Hopfield networks started at a stored pattern, zero-temperature or Glauber dynamics; final overlaps and the retrieved fraction per (n, alpha, temperature)",
                },
                MethodInfo {
                    name: "capacity",
                    description: "dense associative memories: for each n, the largest number of patterns retrieved from a corrupted start",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<MemorySpec, RunError> {
        Ok(MemorySpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a MemorySpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            // Units are short: only finished ones are kept.
            checkpoint_seconds: f64::INFINITY,
        }
    }

    fn memory(&self, spec: &MemorySpec) -> crate::memory::MemoryEstimate {
        let samples = spec.samples as f64;
        match &spec.experiment {
            MemoryExperiment::Retrieval(r) => {
                // Patterns (spin- and pattern-major, and packed), and the
                // coupling matrix when the network builds one.
                let per_unit = r
                    .points
                    .iter()
                    .map(|p| {
                        let n = p.n as f64;
                        let patterns = (p.alpha * n).round().max(1.0);
                        let matrix = match quench_learn::hopfield::HopfieldNetwork::resolve(
                            Representation::Automatic,
                            p.n,
                            patterns as usize,
                        ) {
                            Representation::Couplings => 4.0 * n * n,
                            _ => 0.0,
                        };
                        3.0 * n * patterns + matrix + 64.0 * n
                    })
                    .fold(0.0, f64::max);
                crate::memory::MemoryEstimate {
                    per_unit,
                    per_result: 256.0,
                    units: r.points.len() as f64 * samples,
                }
            }
            MemoryExperiment::Capacity(c) => {
                // Every sample of a size holds up to `upper` patterns.
                let per_unit = c
                    .sizes
                    .iter()
                    .map(|&n| 3.0 * n as f64 * c.upper as f64 + 64.0 * n as f64)
                    .fold(0.0, f64::max);
                crate::memory::MemoryEstimate {
                    per_unit,
                    per_result: 64.0 * (c.upper as f64).log2().max(1.0) * 64.0,
                    units: c.sizes.len() as f64,
                }
            }
        }
    }

    fn plan(&self, spec: &MemorySpec) -> Vec<Unit> {
        match &spec.experiment {
            MemoryExperiment::Retrieval(r) => r
                .points
                .iter()
                .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
                .collect(),
            MemoryExperiment::Capacity(c) => (0..c.sizes.len())
                .map(|i| Unit {
                    point: i,
                    first: 0,
                    count: spec.samples,
                })
                .collect(),
        }
    }

    fn work(&self, _spec: &MemorySpec, _unit: &Unit) -> u64 {
        1
    }

    fn run_unit(
        &self,
        spec: &MemorySpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<UnitOutcome, RunError> {
        let outcome = run_unit(spec, unit)?;
        context.advance(1);
        Ok(outcome)
    }

    fn tables(
        &self,
        spec: &MemorySpec,
        results: Vec<(Unit, UnitOutcome)>,
    ) -> Result<Tables, RunError> {
        let outcomes: Vec<UnitOutcome> = results.into_iter().map(|(_, o)| o).collect();
        tables::tables(spec, &outcomes)
    }

    fn report(
        &self,
        spec: &MemorySpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The patterns (`"patterns"`, $P \times N$ int8, row-major) of the
    /// grid point's sample; a capacity spec's "grid point" is its size.
    fn draw(
        &self,
        spec: &MemorySpec,
        point: usize,
        sample: u64,
        naming: Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        let points = match &spec.experiment {
            MemoryExperiment::Retrieval(r) => r.points.len(),
            MemoryExperiment::Capacity(c) => c.sizes.len(),
        };
        crate::draw::check_point(naming, &spec.file, point, points)?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        draw(spec, point, sample)
    }
}

/// The retrieval experiment of grid point `point`, as its units run it.
fn retrieval_spec(spec: &MemorySpec, r: &spec::RetrievalExperiment, point: usize) -> RetrievalSpec {
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
    retrieval
}

/// The capacity search at size index `point`, as its unit runs it.
fn capacity_spec(spec: &MemorySpec, c: &spec::CapacityExperiment, point: usize) -> CapacitySpec {
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
    capacity
}

/// The patterns sample `sample` of grid point `point` stores, drawn by the
/// functions the units use ([`RetrievalSpec::draw_patterns`],
/// [`CapacitySpec::draw_patterns`]). A capacity search tries several
/// counts $P$ up to `upper`; every count stores a prefix of the `upper`
/// patterns given here.
fn draw(spec: &MemorySpec, point: usize, sample: u64) -> Result<crate::draw::Drawn, RunError> {
    use crate::draw::{Drawn, DrawnArray};
    let (patterns, description) = match &spec.experiment {
        MemoryExperiment::Retrieval(r) => {
            let p = r.points[point];
            let patterns = retrieval_spec(spec, r, point).draw_patterns(sample)?;
            let description = format!(
                "Hopfield patterns of {}, grid point {point} (n = {}, alpha = {}, temperature = {}), sample {sample}: {} patterns of {} neurons",
                spec.file,
                p.n,
                p.alpha,
                p.temperature,
                patterns.count(),
                patterns.neurons()
            );
            (patterns, description)
        }
        MemoryExperiment::Capacity(c) => {
            let patterns = capacity_spec(spec, c, point).draw_patterns(c.upper, sample)?;
            let description = format!(
                "dense-memory patterns of {}, size {point} (n = {}), sample {sample}: the upper = {} patterns of {} neurons (a search point with P patterns stores the first P)",
                spec.file,
                c.sizes[point],
                patterns.count(),
                patterns.neurons()
            );
            (patterns, description)
        }
    };
    let shape = vec![patterns.count(), patterns.neurons()];
    Ok(Drawn {
        description,
        arrays: vec![(
            "patterns".to_string(),
            DrawnArray::Integer8 {
                shape,
                data: patterns.values().to_vec(),
            },
        )],
        sample: None,
    })
}

fn run_unit(spec: &MemorySpec, unit: &Unit) -> Result<UnitOutcome, RunError> {
    let (point, sample) = (unit.point, unit.first);
    match &spec.experiment {
        MemoryExperiment::Retrieval(r) => {
            let retrieval = retrieval_spec(spec, r, point);
            let patterns = retrieval.validate()?;
            let mut results = retrieval_sample(&retrieval, sample, &[r.initial_overlap])?;
            // One initial overlap asked, one result.
            let result = results.remove(0);
            Ok(UnitOutcome::Retrieval {
                point,
                patterns,
                result,
            })
        }
        MemoryExperiment::Capacity(c) => Ok(UnitOutcome::Capacity(capacity_experiment(
            &capacity_spec(spec, c, point),
        )?)),
    }
}
