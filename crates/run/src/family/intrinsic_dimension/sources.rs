//! Where the points of a data set come from: a benchmark manifold, the
//! hidden manifold model, Ising snapshots, the digits or a file, drawn
//! from the unit's keyed streams (a subset of a fixed data set too).

use quench_core::UnitStreams;
use quench_core::rng::{Purpose, splitmix64};
use quench_critical::{CriticalModel, Kernel, LatticeChain, TriangularLattice, generate_snapshots};
use quench_data::Dataset;
use quench_geometry::estimate::random_subset;

use super::STREAMS;
use super::spec::{DataPoint, DimensionSpec, Source};
use crate::error::RunError;

/// A data set's points with what the tables record of it.
pub struct DataSetPoints {
    /// Row after row.
    pub values: Vec<f64>,
    /// Coordinates per point.
    pub coordinates: usize,
    /// Ising: mean energy per site (NaN otherwise).
    pub energy: f64,
    /// Ising: mean $|m|$ (NaN otherwise).
    pub order_parameter: f64,
}

pub(super) fn input(file: &str, key: String, error: impl std::fmt::Display) -> RunError {
    RunError::Input(format!("{file}: {key}: {error}"))
}

/// A fixed data set, one class of it, and a random subset of `count` rows.
fn fixed_points(
    spec: &DimensionSpec,
    point: &DataPoint,
    dataset: &Dataset,
    class: Option<u32>,
    seed: u64,
) -> Result<DataSetPoints, RunError> {
    let key = format!("data[{}]", point.entry);
    let one_class;
    let dataset = match class {
        None => dataset,
        Some(c) => {
            one_class = dataset
                .of_class(c)
                .map_err(|e| input(&spec.file, format!("{key}.classes"), e))?;
            &one_class
        }
    };
    if dataset.is_empty() {
        return Err(input(
            &spec.file,
            format!("{key}.classes"),
            format!("no row has the class {}", class.unwrap_or(0)),
        ));
    }
    let coordinates = dataset.features();
    let values = match point.count {
        Some(count) if count < dataset.len() => {
            let rows = random_subset(dataset.len(), count, seed);
            dataset.subset(&rows).values().to_vec()
        }
        _ => dataset.values().to_vec(),
    };
    Ok(DataSetPoints {
        values,
        coordinates,
        energy: f64::NAN,
        order_parameter: f64::NAN,
    })
}

/// The points of sample `sample` at `point`, as the unit measures them.
pub fn points_of(
    spec: &DimensionSpec,
    point: &DataPoint,
    sample: u64,
) -> Result<DataSetPoints, RunError> {
    let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, sample);
    let (seed, index) = streams.seed_and_sample();
    let mixed = splitmix64(seed ^ splitmix64(index));
    let key = format!("data[{}]", point.entry);
    let geometry = |e: quench_geometry::GeometryError| input(&spec.file, key.clone(), e);
    let count = point.count.unwrap_or(0);
    match &point.source {
        Source::Manifold {
            manifold,
            embedding,
        } => Ok(DataSetPoints {
            values: quench_geometry::sample(*manifold, count, *embedding, mixed)
                .map_err(geometry)?,
            coordinates: embedding.ambient,
            energy: f64::NAN,
            order_parameter: f64::NAN,
        }),
        Source::HiddenManifold(model) => Ok(DataSetPoints {
            values: model.draw(count, seed, index).map_err(geometry)?.inputs,
            coordinates: model.inputs,
            energy: f64::NAN,
            order_parameter: f64::NAN,
        }),
        Source::Ising {
            length,
            temperature,
        } => {
            let lattice = TriangularLattice::square(*length)
                .map_err(|e| input(&spec.file, format!("{key}.length"), e))?;
            let model = CriticalModel::square_ising();
            let mut kernel = Kernel::new(model, &lattice, 1.0 / temperature);
            let rng = streams.stream(Purpose::InitialState, 0);
            let mut chain = if *temperature < model.critical_temperature() {
                LatticeChain::ordered(&lattice, rng)
            } else {
                LatticeChain::random(&lattice, rng)
            };
            let options = quench_critical::SnapshotOptions {
                snapshots: count,
                ..spec.snapshot_options
            };
            let set = generate_snapshots(&mut kernel, &mut chain, *temperature, &options)
                .map_err(|e| input(&spec.file, key.clone(), e))?;
            let sites = set.sites();
            let mut values = Vec::with_capacity(set.len() * sites);
            for index in 0..set.len() {
                values.extend(set.snapshot(index).into_iter().map(f64::from));
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let order: Vec<f64> = set.order_parameter.iter().map(|m| m.abs()).collect();
            Ok(DataSetPoints {
                values,
                coordinates: sites,
                energy: mean(&set.energy),
                order_parameter: mean(&order),
            })
        }
        Source::Digits { class } => {
            fixed_points(spec, point, &quench_data::digits(), *class, mixed)
        }
        Source::File { data, class, .. } => fixed_points(spec, point, data, *class, mixed),
    }
}
