//! The geometry of data from Python: intrinsic dimension of a point cloud
//! and the benchmark manifolds of known dimension ([`quench_geometry`]).

use numpy::{PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use quench_geometry::{Embedding, ErrorSource, Estimator, Manifold, Options, Points, TwoNnFit};

use crate::arrays::array;
use crate::errors;

fn estimator(
    py: Python<'_>,
    name: &str,
    fit: &str,
    discard: f64,
    k: usize,
    low: f64,
    high: f64,
) -> PyResult<Estimator> {
    Ok(match name {
        "two-nn" => Estimator::TwoNn {
            fit: match fit {
                "likelihood" => TwoNnFit::Likelihood,
                "regression" => TwoNnFit::Regression { discard },
                other => {
                    return Err(errors::input(
                        py,
                        format!("fit: '{other}'; allowed: 'likelihood' or 'regression'"),
                    ));
                }
            },
        },
        "mle" => Estimator::LevinaBickel { k },
        "correlation" => Estimator::Correlation { low, high },
        other => {
            return Err(errors::input(
                py,
                format!("estimator: '{other}'; allowed: 'two-nn', 'mle' or 'correlation'"),
            ));
        }
    })
}

/// The intrinsic dimension of the rows of `points`, with its error, the
/// points used and the scale; with `scaling`, the estimates on 2, 4, 8, ...
/// disjoint subsets.
#[pyfunction]
#[pyo3(signature = (
    points, estimator_name, *, fit="likelihood", discard=0.1, k=10, low=1e-4, high=1e-2,
    subsets=8, seed=1, scaling=false, threads=None
))]
#[allow(clippy::too_many_arguments)]
fn dimension<'py>(
    py: Python<'py>,
    points: PyReadonlyArray2<'py, f64>,
    estimator_name: &str,
    fit: &str,
    discard: f64,
    k: usize,
    low: f64,
    high: f64,
    subsets: usize,
    seed: u64,
    scaling: bool,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let chosen = estimator(py, estimator_name, fit, discard, k, low, high)?;
    let columns = points.shape()[1];
    let values = points.as_slice().map_err(errors::input_from(py))?;
    let view = Points::new(values, columns).map_err(errors::input_from(py))?;
    let options = Options { subsets, seed };
    let pool = crate::sampling::pool(py, threads)?;
    let (estimate, levels) = py
        .detach(|| {
            pool.install(|| {
                let estimate = quench_geometry::estimate(view, chosen, options)?;
                let levels = if scaling {
                    Some(quench_geometry::decimation(view, chosen, options, 0)?)
                } else {
                    None
                };
                Ok::<_, quench_geometry::GeometryError>((estimate, levels))
            })
        })
        .map_err(errors::input_from(py))?;
    let result = PyDict::new(py);
    result.set_item("estimator", chosen.name())?;
    result.set_item("dimension", estimate.dimension)?;
    result.set_item("error", estimate.error)?;
    result.set_item(
        "error_source",
        match estimate.error_source {
            ErrorSource::Likelihood => "likelihood",
            ErrorSource::Bootstrap { .. } => "bootstrap",
            ErrorSource::Subsets { .. } => "subsets",
        },
    )?;
    result.set_item("points", estimate.points)?;
    result.set_item("discarded", estimate.discarded)?;
    result.set_item("scale", estimate.scale)?;
    if let Some(levels) = levels {
        let count = levels.len();
        result.set_item(
            "scaling_subsets",
            array(
                py,
                &[count],
                levels.iter().map(|l| l.subsets as f64).collect(),
            )?,
        )?;
        result.set_item(
            "scaling_points",
            array(
                py,
                &[count],
                levels.iter().map(|l| l.points as f64).collect(),
            )?,
        )?;
        result.set_item(
            "scaling_scale",
            array(py, &[count], levels.iter().map(|l| l.scale).collect())?,
        )?;
        result.set_item(
            "scaling_dimension",
            array(py, &[count], levels.iter().map(|l| l.dimension).collect())?,
        )?;
        result.set_item(
            "scaling_error",
            array(py, &[count], levels.iter().map(|l| l.error).collect())?,
        )?;
    }
    Ok(result)
}

/// `count` points of a benchmark manifold of known dimension embedded in
/// `ambient` coordinates: an array `(count, ambient)`.
#[pyfunction]
#[pyo3(signature = (name, dimension, count, ambient, *, rotate=true, noise=0.0, seed=1))]
#[allow(clippy::too_many_arguments)]
fn manifold<'py>(
    py: Python<'py>,
    name: &str,
    dimension: usize,
    count: usize,
    ambient: usize,
    rotate: bool,
    noise: f64,
    seed: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let manifold = match name {
        "cube" => Manifold::Cube { dimension },
        "sphere" => Manifold::Sphere { dimension },
        "torus" => Manifold::Torus { dimension },
        "gaussian" => Manifold::Gaussian { dimension },
        "swiss-roll" => Manifold::SwissRoll,
        other => {
            return Err(errors::input(
                py,
                format!(
                    "manifold: '{other}'; allowed: 'cube', 'sphere', 'torus', 'gaussian' or 'swiss-roll'"
                ),
            ));
        }
    };
    let embedding = Embedding {
        ambient,
        rotate,
        noise,
    };
    let values = py
        .detach(|| quench_geometry::sample(manifold, count, embedding, seed))
        .map_err(errors::input_from(py))?;
    array(py, &[count, ambient], values)
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(dimension, module)?)?;
    module.add_function(wrap_pyfunction!(manifold, module)?)?;
    Ok(())
}
