//! numpy in and out: results leave as arrays that own the Rust buffers (no
//! copy), and couplings arrive as read-only views of the caller's arrays.

use ndarray::{ArrayD, IxDyn};
use numpy::{Element, IntoPyArray, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use quench_core::{Bond, Geometry, Sample};

use crate::errors;

/// `data` (row-major) as a numpy array of `shape`; the array takes over the
/// buffer, nothing is copied.
pub fn array<'py, T: Element>(
    py: Python<'py>,
    shape: &[usize],
    data: Vec<T>,
) -> PyResult<Bound<'py, PyAny>> {
    let array = ArrayD::from_shape_vec(IxDyn(shape), data)
        .map_err(|e| errors::failure(py, format!("array of shape {shape:?}: {e}")))?;
    Ok(array.into_pyarray(py).into_any())
}

/// The contiguous values of a read-only array, or an error naming `name`.
fn contiguous<'a, T: Element, D: ndarray::Dimension>(
    py: Python<'_>,
    name: &str,
    array: &'a numpy::PyReadonlyArray<'_, T, D>,
) -> PyResult<&'a [T]> {
    array.as_slice().map_err(|_| {
        errors::input(
            py,
            format!("{name}: the array is not C-contiguous; pass numpy.ascontiguousarray({name})"),
        )
    })
}

/// The couplings of a sample, as the caller gave them: a dict with the keys
/// `matrix`, `edges`, `weights`, `n` and `fields` (`None` where absent),
/// as `quench._arrays.couplings_arguments` makes it.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct CouplingArrays<'py> {
    /// A dense symmetric `n × n` matrix with zero diagonal.
    pub matrix: Option<PyReadonlyArray2<'py, f64>>,
    /// Bonds `(i, j)`, one row each (with `weights`).
    pub edges: Option<PyReadonlyArray2<'py, i64>>,
    /// The coupling of each bond.
    pub weights: Option<PyReadonlyArray1<'py, f64>>,
    /// The number of spins (edges only; default: the largest site + 1).
    pub n: Option<usize>,
    /// Per-site fields.
    pub fields: Option<PyReadonlyArray1<'py, f64>>,
}

impl CouplingArrays<'_> {
    /// The sample these couplings describe (validated: symmetric, finite,
    /// zero diagonal, sites in range, as for an instance file).
    pub fn sample(&self, py: Python<'_>) -> PyResult<Sample> {
        let fields = |n: usize| -> PyResult<Vec<f64>> {
            match &self.fields {
                None => Ok(vec![0.0; n]),
                Some(fields) => {
                    let values = contiguous(py, "fields", fields)?;
                    if values.len() != n {
                        return Err(errors::input(
                            py,
                            format!(
                                "fields: {} values for {n} spins; allowed: an array of shape ({n},)",
                                values.len()
                            ),
                        ));
                    }
                    Ok(values.to_vec())
                }
            }
        };
        let model = |e: quench_core::ModelError| errors::input(py, e.to_string());
        match (&self.matrix, &self.edges, &self.weights) {
            (Some(matrix), None, None) => {
                let shape = matrix.shape();
                if shape[0] != shape[1] {
                    return Err(errors::input(
                        py,
                        format!(
                            "couplings: shape ({}, {}); allowed: a square matrix (n, n)",
                            shape[0], shape[1]
                        ),
                    ));
                }
                let n = shape[0];
                let values = contiguous(py, "couplings", matrix)?.to_vec();
                let fields = fields(n)?;
                // Sample::dense checks symmetry, finiteness and the diagonal.
                py.detach(|| Sample::dense(n, values, fields))
                    .map_err(model)
            }
            (None, Some(edges), Some(weights)) => {
                let shape = edges.shape();
                if shape[1] != 2 {
                    return Err(errors::input(
                        py,
                        format!(
                            "edges: shape ({}, {}); allowed: (bonds, 2), one row (i, j) per bond",
                            shape[0], shape[1]
                        ),
                    ));
                }
                let pairs = contiguous(py, "edges", edges)?;
                let couplings = contiguous(py, "weights", weights)?;
                if couplings.len() != shape[0] {
                    return Err(errors::input(
                        py,
                        format!(
                            "weights: {} values for {} edges; allowed: one weight per edge",
                            couplings.len(),
                            shape[0]
                        ),
                    ));
                }
                if let Some(site) = pairs.iter().find(|&&s| s < 0) {
                    return Err(errors::input(
                        py,
                        format!("edges: site {site}; allowed: site indices >= 0"),
                    ));
                }
                let largest = pairs.iter().copied().max().map_or(0, |s| s as usize + 1);
                let n = self.n.unwrap_or(largest);
                let bonds = pairs
                    .chunks_exact(2)
                    .zip(couplings)
                    .map(|(pair, &coupling)| Bond {
                        i: pair[0] as usize,
                        j: pair[1] as usize,
                        coupling,
                    })
                    .collect();
                let fields = fields(n)?;
                Sample::from_bonds(n, bonds, fields, Geometry::Graph).map_err(model)
            }
            _ => Err(errors::input(
                py,
                "couplings: give either a dense matrix, or edges with weights (not both, not neither)",
            )),
        }
    }
}
