//! The intrinsic-dimension family: how many dimensions data really have
//! (seed `000`, "The Challenge of Data Structure"), measured on data of
//! known dimension, on the hidden manifold model, on Ising snapshots across
//! $T_c$, on the 8×8 digits and on files.
//!
//! ```text
//! SPEC.toml (model = "intrinsic-dimension") ──DimensionSpec::parse──> DimensionSpec
//!   unit = (point: one data set, e.g. a sphere of dimension d, the digits of one class,
//!           Ising snapshots at one T; sample)
//!     ──sources::points_of (keyed streams; files and digits read as they are)──> n × D points
//!     ──quench_geometry::estimate / decimation, one estimator after another,
//!       checkpointed between them──> DimensionSample
//! units ──tables──> estimates.parquet (one row per sample and estimator)
//!                   scaling.parquet (the dimension against the scale, with `scaling = true`)
//!       ──report──> estimate against the true d, against D, against T (with T_c), per class
//! ```
//!
//! Streams: the points of sample `s` at point `p` from
//! `UnitStreams::new(seed, FamilyStreams::Named("intrinsic-dimension"), p, s)`;
//! the estimators' bootstrap and subsets from the same unit's seed. Every
//! estimate is independent of the thread count (exact neighbours).

mod entries;
pub mod report;
pub mod sources;
pub mod spec;

use std::path::Path;

use quench_core::rng::splitmix64;
use quench_core::{FamilyStreams, UnitStreams};
use quench_geometry::{ErrorSource, Estimator, Options, Points, decimation, estimate};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::table::{Column, Table};
use sources::input;
pub use sources::{DataSetPoints, points_of};
pub use spec::{DataPoint, DimensionSpec, Source};

/// The intrinsic-dimension family.
pub struct IntrinsicDimensions;

const STREAMS: FamilyStreams = FamilyStreams::Named("intrinsic-dimension");

/// One estimate of one sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstimateRow {
    /// `two-nn`, `mle` or `correlation`.
    pub estimator: String,
    /// Levina–Bickel's $k$ (0 for the others).
    pub k: u64,
    /// $\hat d$.
    pub dimension: f64,
    /// Its standard error.
    pub error: f64,
    /// `likelihood`, `bootstrap` or `subsets`; `failed: ...` with the
    /// reason when the estimator could not measure the data (NaN estimate).
    pub error_source: String,
    /// Points used.
    pub points: u64,
    /// Points left out (duplicates of their first neighbour).
    pub discarded: u64,
    /// The length scale of the estimate.
    pub scale: f64,
}

/// One level of the decimation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleRow {
    /// The estimator's name.
    pub estimator: String,
    /// Levina–Bickel's $k$ (0 for the others).
    pub k: u64,
    /// Disjoint subsets at this level.
    pub subsets: u64,
    /// Points in each.
    pub points: u64,
    /// Their mean scale.
    pub scale: f64,
    /// Mean estimate.
    pub dimension: f64,
    /// Its error.
    pub error: f64,
}

/// One sample of one data set, measured by every estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionSample {
    /// Grid point.
    pub point: usize,
    /// Sample.
    pub sample: u64,
    /// Points in the data set.
    pub points: u64,
    /// Their coordinates.
    pub coordinates: u64,
    /// One row per estimator (per $k$ of Levina–Bickel).
    pub estimates: Vec<EstimateRow>,
    /// The decimation of every estimator (empty without `scaling`).
    pub scaling: Vec<ScaleRow>,
    /// Ising data: mean energy per site of the snapshots (NaN otherwise).
    pub energy: f64,
    /// Ising data: mean $|m|$ of the snapshots (NaN otherwise).
    pub order_parameter: f64,
}

/// A unit's checkpoint: the estimators done.
#[derive(Serialize, Deserialize)]
struct Running {
    estimates: Vec<EstimateRow>,
    scaling: Vec<ScaleRow>,
}

fn error_source_name(source: ErrorSource) -> &'static str {
    match source {
        ErrorSource::Likelihood => "likelihood",
        ErrorSource::Bootstrap { .. } => "bootstrap",
        ErrorSource::Subsets { .. } => "subsets",
    }
}

fn k_of(estimator: &Estimator) -> u64 {
    match estimator {
        Estimator::LevinaBickel { k } => *k as u64,
        _ => 0,
    }
}

/// The seed of the estimators' bootstrap and subsets in a unit.
fn estimator_seed(spec: &DimensionSpec, point: usize, sample: u64) -> u64 {
    let (seed, index) =
        UnitStreams::new(spec.seed, STREAMS, point as u64, sample).seed_and_sample();
    splitmix64(splitmix64(seed ^ 0x6573_7469_6d61_7465) ^ index)
}

impl Family for IntrinsicDimensions {
    type Spec = DimensionSpec;
    type UnitResult = DimensionSample;

    fn name(&self) -> &'static str {
        "intrinsic-dimension"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "intrinsic-dimension",
            description: "the intrinsic dimension of data: benchmark manifolds of known d, the hidden manifold model, Ising snapshots across T_c, the 8x8 digits per class and data files, each with an error and against the scale",
            methods: vec![
                MethodInfo {
                    name: "two-nn",
                    description: "TwoNN (Facco et al. 2017): the ratio of second to first neighbour distances, by likelihood (Gamma-law error) or the paper's regression (bootstrap error)",
                },
                MethodInfo {
                    name: "mle",
                    description: "Levina-Bickel maximum likelihood with k neighbours, pooled (MacKay-Ghahramani), error from disjoint subsets",
                },
                MethodInfo {
                    name: "correlation",
                    description: "Grassberger-Procaccia correlation dimension: the slope of log C(r) between two fractions of the pairs, error from disjoint subsets",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<DimensionSpec, RunError> {
        Ok(DimensionSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a DimensionSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &DimensionSpec) -> crate::memory::MemoryEstimate {
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                // The points and a gathered copy of them (three copies of
                // n x D values), and the neighbour lists (at most 64
                // neighbours of 12 bytes per point).
                let bytes = |rows: usize, coordinates: usize| {
                    let rows = rows as f64;
                    3.0 * rows * coordinates as f64 * 8.0 + rows * 64.0 * 12.0
                };
                let count = p.count.unwrap_or(0);
                match &p.source {
                    Source::Manifold { embedding, .. } => bytes(count, embedding.ambient),
                    Source::HiddenManifold(m) => bytes(count, m.inputs + m.latent),
                    Source::Ising { length, .. } => bytes(count, length * length),
                    Source::Digits { .. } => bytes(1797, 64),
                    Source::File { data, .. } => bytes(data.len(), data.features()),
                }
            })
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: 4096.0,
            units: self.plan(spec).len() as f64,
        }
    }

    fn plan(&self, spec: &DimensionSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples_of(p)).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &DimensionSpec, _unit: &Unit) -> u64 {
        spec.estimators.len() as u64 + 1
    }

    fn work_done(
        &self,
        _spec: &DimensionSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context
            .load::<Running>()?
            .map_or(0, |r| r.estimates.len() as u64))
    }

    fn run_unit(
        &self,
        spec: &DimensionSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<DimensionSample, RunError> {
        let point = &spec.points[unit.point];
        let data = points_of(spec, point, unit.first)?;
        context.advance(1);
        let key = format!("data[{}]", point.entry);
        let points = Points::new(&data.values, data.coordinates)
            .map_err(|e| input(&spec.file, key.clone(), e))?;
        let mut running = context.load::<Running>()?.unwrap_or(Running {
            estimates: Vec::new(),
            scaling: Vec::new(),
        });
        let options = Options {
            subsets: spec.subsets,
            seed: estimator_seed(spec, point.index, unit.first),
        };
        for estimator in &spec.estimators[running.estimates.len()..] {
            // An estimator that cannot measure these data (too few distinct
            // distances in a fit range, too few points left) leaves a row
            // saying why, and the other estimators go on.
            let row =
                |dimension, error, error_source: String, points, discarded, scale| EstimateRow {
                    estimator: estimator.name().to_string(),
                    k: k_of(estimator),
                    dimension,
                    error,
                    error_source,
                    points,
                    discarded,
                    scale,
                };
            match estimate(points, *estimator, options) {
                Ok(found) => running.estimates.push(row(
                    found.dimension,
                    found.error,
                    error_source_name(found.error_source).to_string(),
                    found.points as u64,
                    found.discarded as u64,
                    found.scale,
                )),
                Err(failure) => {
                    running.estimates.push(row(
                        f64::NAN,
                        f64::NAN,
                        format!("failed: {failure}"),
                        0,
                        0,
                        f64::NAN,
                    ));
                    context.advance(1);
                    continue;
                }
            }
            if spec.scaling {
                // Levels the estimator cannot measure end the decimation.
                let levels =
                    decimation(points, *estimator, options, spec.smallest).unwrap_or_default();
                running
                    .scaling
                    .extend(levels.into_iter().map(|level| ScaleRow {
                        estimator: estimator.name().to_string(),
                        k: k_of(estimator),
                        subsets: level.subsets as u64,
                        points: level.points as u64,
                        scale: level.scale,
                        dimension: level.dimension,
                        error: level.error,
                    }));
            }
            context.advance(1);
            if context.due() {
                context.save(&running)?;
            }
        }
        Ok(DimensionSample {
            point: point.index,
            sample: unit.first,
            points: points.len() as u64,
            coordinates: data.coordinates as u64,
            estimates: running.estimates,
            scaling: running.scaling,
            energy: data.energy,
            order_parameter: data.order_parameter,
        })
    }

    fn tables(
        &self,
        spec: &DimensionSpec,
        results: Vec<(Unit, DimensionSample)>,
    ) -> Result<Tables, RunError> {
        let samples: Vec<DimensionSample> = results.into_iter().map(|(_, s)| s).collect();
        let mut out = Tables::default();
        let rows: Vec<(&DimensionSample, &EstimateRow)> = samples
            .iter()
            .flat_map(|s| s.estimates.iter().map(move |e| (s, e)))
            .collect();
        let mut columns = point_columns(spec, rows.iter().map(|r| r.0));
        let number =
            |f: &dyn Fn(&EstimateRow) -> f64| Column::Number(rows.iter().map(|r| f(r.1)).collect());
        columns.extend([
            (
                "points",
                Column::Integer(rows.iter().map(|r| r.0.points).collect()),
            ),
            (
                "coordinates",
                Column::Integer(rows.iter().map(|r| r.0.coordinates).collect()),
            ),
            (
                "energy",
                Column::Number(rows.iter().map(|r| r.0.energy).collect()),
            ),
            (
                "order_parameter",
                Column::Number(rows.iter().map(|r| r.0.order_parameter).collect()),
            ),
            (
                "estimator",
                Column::Text(rows.iter().map(|r| r.1.estimator.clone()).collect()),
            ),
            ("k", Column::Integer(rows.iter().map(|r| r.1.k).collect())),
            ("dimension", number(&|e| e.dimension)),
            ("error", number(&|e| e.error)),
            (
                "error_source",
                Column::Text(rows.iter().map(|r| r.1.error_source.clone()).collect()),
            ),
            (
                "used",
                Column::Integer(rows.iter().map(|r| r.1.points).collect()),
            ),
            (
                "discarded",
                Column::Integer(rows.iter().map(|r| r.1.discarded).collect()),
            ),
            ("scale", number(&|e| e.scale)),
        ]);
        out.table("estimates.parquet", Table::new(columns));
        if spec.scaling {
            let rows: Vec<(&DimensionSample, &ScaleRow)> = samples
                .iter()
                .flat_map(|s| s.scaling.iter().map(move |e| (s, e)))
                .collect();
            let mut columns = point_columns(spec, rows.iter().map(|r| r.0));
            let integer = |f: &dyn Fn(&ScaleRow) -> u64| {
                Column::Integer(rows.iter().map(|r| f(r.1)).collect())
            };
            let number = |f: &dyn Fn(&ScaleRow) -> f64| {
                Column::Number(rows.iter().map(|r| f(r.1)).collect())
            };
            columns.extend([
                (
                    "estimator",
                    Column::Text(rows.iter().map(|r| r.1.estimator.clone()).collect()),
                ),
                ("k", integer(&|e| e.k)),
                ("subsets", integer(&|e| e.subsets)),
                ("points", integer(&|e| e.points)),
                ("scale", number(&|e| e.scale)),
                ("dimension", number(&|e| e.dimension)),
                ("error", number(&|e| e.error)),
            ]);
            out.table("scaling.parquet", Table::new(columns));
        }
        Ok(out)
    }

    fn report(
        &self,
        spec: &DimensionSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The points of the data set at `point`, sample `sample`, as the unit
    /// measures them: `"points"` (float64, points × coordinates).
    fn draw(
        &self,
        spec: &DimensionSpec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.points.len())?;
        let p = &spec.points[point];
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples_of(p))?;
        let data = points_of(spec, p, sample)?;
        let rows = data.values.len() / data.coordinates.max(1);
        Ok(Drawn {
            description: format!(
                "intrinsic-dimension data set {:?} of {}, grid point {point}, sample {sample}: {rows} points in {} coordinates",
                p.label, spec.file, data.coordinates
            ),
            arrays: vec![(
                "points".to_string(),
                DrawnArray::Float64 {
                    shape: vec![rows, data.coordinates],
                    data: data.values,
                },
            )],
            sample: None,
        })
    }
}

/// The point columns of rows whose samples are `samples`.
fn point_columns<'a>(
    spec: &DimensionSpec,
    samples: impl Iterator<Item = &'a DimensionSample> + Clone,
) -> Vec<(&'static str, Column)> {
    let point = |s: &DimensionSample| &spec.points[s.point];
    vec![
        (
            "point",
            Column::Integer(samples.clone().map(|s| s.point as u64).collect()),
        ),
        (
            "data",
            Column::Text(samples.clone().map(|s| point(s).label.clone()).collect()),
        ),
        (
            "source",
            Column::Text(
                samples
                    .clone()
                    .map(|s| point(s).source.name().to_string())
                    .collect(),
            ),
        ),
        (
            "x",
            Column::Number(samples.clone().map(|s| point(s).x).collect()),
        ),
        (
            "truth",
            Column::Number(
                samples
                    .clone()
                    .map(|s| point(s).truth.unwrap_or(f64::NAN))
                    .collect(),
            ),
        ),
        (
            "sample",
            Column::Integer(samples.map(|s| s.sample).collect()),
        ),
    ]
}
