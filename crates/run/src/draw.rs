//! `quench draw`: one sample of a spec, as the run draws it.
//!
//! ```text
//! quench draw SPEC.toml --point P --sample S --out FILE
//!   spin glass: FILE.npy a dense matrix, otherwise an edge list (an instance file)
//!   memory:     FILE.npy the patterns, P x N int8
//!   inverse Ising: FILE-NAME.npy the teacher sample's arrays (as a spin glass's),
//!               "temperature" and "configurations" (the data, M x N int8)
//! ```
//!
//! [`draw`] (and [`draw_file`]) reach every family through
//! [`registry::claiming`] and [`crate::family::Family::draw`]: the drawn
//! disorder as named, row-major arrays ([`Drawn`]), for the command line
//! and the Python package. A family that cannot draw refuses with
//! [`RunError::Input`].
//!
//! For a spin-glass spec the sample is exactly the one `quench run
//! SPEC.toml` simulates as sample `S` of grid point `P` (same master seed,
//! same stream); [`write_sample`] writes it in the formats of
//! [`quench_core::instance`] so that a spec with `model = "instance"` reads
//! it back as the same couplings. The uniform field of the grid point is
//! not in the file: give it as `field` in the instance's `[model]` table.
//!
//! The arrays of a spin-glass sample ([`sample_arrays`]):
//!
//! * dense samples (SK, Hopfield): `"couplings"`, $N \times N$ float64, the
//!   symmetric $J_{ij}$ with a zero diagonal;
//! * sparse samples (lattices, random graphs): `"edges"`, $M \times 2$
//!   int64, each bond $(i, j)$ once with $i < j$ as the sample lists it,
//!   and `"weights"`, $M$ float64, its $J_{ij}$;
//! * `"fields"`, $N$ float64: the field $h_i$ on every site of the sample,
//!   as the run simulates it (the grid point's uniform field included: an
//!   ensemble draws its samples with it);
//! * `"uniform_field"`, shape `[]` (a scalar): the grid point's uniform
//!   field $h$ (already in `"fields"`; instance files leave it out, see above);
//! * `"patterns"`, $P \times N$ int8, for a Hopfield sample built from patterns.

use std::path::{Path, PathBuf};

use quench_core::Sample;
use quench_core::instance::{write_edges, write_npy};

use crate::atomic::write_atomically;
use crate::error::RunError;
use crate::family::registry;
use crate::family::spin_glass::{Spec, sample_streams};
use crate::theory::Naming;

/// The quenched disorder of one sample, as named arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// What was drawn, from which spec, point and sample (one line).
    pub description: String,
    /// Named arrays, row-major, in a fixed order per family.
    pub arrays: Vec<(String, DrawnArray)>,
    /// The spin-glass sample itself, when the drawn thing is one (so that
    /// it can be written as an instance file).
    pub sample: Option<Sample>,
}

impl Drawn {
    /// The array named `name`.
    pub fn array(&self, name: &str) -> Option<&DrawnArray> {
        self.arrays.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }
}

/// One array: its shape and its values, row-major (`shape` `[]` is a scalar).
#[derive(Debug, Clone, PartialEq)]
pub enum DrawnArray {
    /// 64-bit floats.
    Float64 {
        /// Extent of each axis.
        shape: Vec<usize>,
        /// Values, row-major.
        data: Vec<f64>,
    },
    /// 64-bit integers.
    Integer64 {
        /// Extent of each axis.
        shape: Vec<usize>,
        /// Values, row-major.
        data: Vec<i64>,
    },
    /// 8-bit integers (spins, patterns).
    Integer8 {
        /// Extent of each axis.
        shape: Vec<usize>,
        /// Values, row-major.
        data: Vec<i8>,
    },
}

impl DrawnArray {
    /// Extent of each axis.
    pub fn shape(&self) -> &[usize] {
        match self {
            DrawnArray::Float64 { shape, .. }
            | DrawnArray::Integer64 { shape, .. }
            | DrawnArray::Integer8 { shape, .. } => shape,
        }
    }

    /// The array as a `.npy` file (NumPy format 1.0, C order).
    pub fn npy_bytes(&self) -> Result<Vec<u8>, RunError> {
        use ndarray::{ArrayD, IxDyn};
        use ndarray_npy::WriteNpyExt;
        fn bytes<T: ndarray_npy::WritableElement + Clone>(
            shape: &[usize],
            data: &[T],
        ) -> Result<Vec<u8>, RunError> {
            let array = ArrayD::from_shape_vec(IxDyn(shape), data.to_vec())
                .map_err(|e| RunError::Encoding(e.to_string()))?;
            let mut out = Vec::new();
            array
                .write_npy(&mut out)
                .map_err(|e| RunError::Encoding(e.to_string()))?;
            Ok(out)
        }
        match self {
            DrawnArray::Float64 { shape, data } => bytes(shape, data),
            DrawnArray::Integer64 { shape, data } => bytes(shape, data),
            DrawnArray::Integer8 { shape, data } => bytes(shape, data),
        }
    }
}

/// Refuses a grid point outside `0..points` of the spec `file`, naming the
/// parameter (`--point` or `point`) and the allowed range.
pub fn check_point(
    naming: Naming,
    file: &str,
    point: usize,
    points: usize,
) -> Result<(), RunError> {
    check_index(
        naming,
        "point",
        file,
        point as u64,
        points as u64,
        "grid points",
    )
}

/// Refuses a sample outside `0..samples` of the spec `file`, naming the
/// parameter (`--sample` or `sample`) and the allowed range.
pub fn check_sample(naming: Naming, file: &str, sample: u64, samples: u64) -> Result<(), RunError> {
    check_index(
        naming,
        "sample",
        file,
        sample,
        samples,
        "samples per grid point",
    )
}

fn check_index(
    naming: Naming,
    parameter: &str,
    file: &str,
    index: u64,
    count: u64,
    what: &str,
) -> Result<(), RunError> {
    if index < count {
        return Ok(());
    }
    let allowed = match count {
        0 => "none".to_string(),
        _ => format!("0 to {}", count - 1),
    };
    Err(RunError::Input(format!(
        "{}: {file} has {count} {what}; allowed: {allowed}",
        naming.setting(parameter, index)
    )))
}

/// Draws sample `sample` of grid point `point` of the spec text `source`
/// (from the file `file`), through the family that claims it.
pub fn draw(
    file: &str,
    source: &str,
    point: usize,
    sample: u64,
    naming: Naming,
) -> Result<Drawn, RunError> {
    registry::claiming(source).draw(file, source, point, sample, naming)
}

/// [`draw`] from the spec file at `spec_path`.
pub fn draw_file(
    spec_path: &Path,
    point: usize,
    sample: u64,
    naming: Naming,
) -> Result<Drawn, RunError> {
    let source = crate::runner::read_spec(spec_path)?;
    draw(
        &spec_path.display().to_string(),
        &source,
        point,
        sample,
        naming,
    )
}

/// The arrays of a spin-glass sample (see the module docs): `"couplings"`
/// (dense) or `"edges"` and `"weights"` (sparse), `"fields"`,
/// `"uniform_field"` and, for a Hopfield sample, `"patterns"`.
pub fn sample_arrays(sample: &Sample, uniform_field: f64) -> Vec<(String, DrawnArray)> {
    let n = sample.n();
    let mut arrays = Vec::new();
    match sample.bonds() {
        Some(bonds) if !sample.is_dense() => {
            let mut edges = Vec::with_capacity(2 * bonds.len());
            for bond in bonds {
                edges.push(bond.i as i64);
                edges.push(bond.j as i64);
            }
            arrays.push((
                "edges".to_string(),
                DrawnArray::Integer64 {
                    shape: vec![bonds.len(), 2],
                    data: edges,
                },
            ));
            arrays.push((
                "weights".to_string(),
                DrawnArray::Float64 {
                    shape: vec![bonds.len()],
                    data: bonds.iter().map(|b| b.coupling).collect(),
                },
            ));
        }
        _ => {
            let mut matrix = Vec::with_capacity(n * n);
            for i in 0..n {
                match sample.dense_row(i) {
                    Some(row) => matrix.extend_from_slice(row),
                    None => matrix.extend((0..n).map(|j| sample.coupling(i, j))),
                }
            }
            arrays.push((
                "couplings".to_string(),
                DrawnArray::Float64 {
                    shape: vec![n, n],
                    data: matrix,
                },
            ));
        }
    }
    arrays.push((
        "fields".to_string(),
        DrawnArray::Float64 {
            shape: vec![n],
            data: sample.fields().to_vec(),
        },
    ));
    arrays.push((
        "uniform_field".to_string(),
        DrawnArray::Float64 {
            shape: vec![],
            data: vec![uniform_field],
        },
    ));
    if let Some(patterns) = sample.patterns() {
        arrays.push((
            "patterns".to_string(),
            DrawnArray::Integer8 {
                shape: vec![patterns.len() / n.max(1), n],
                data: patterns.to_vec(),
            },
        ));
    }
    arrays
}

/// A sample drawn from a spec, and where it came from.
#[derive(Debug, Clone)]
pub struct DrawnSample {
    /// The sample.
    pub sample: Sample,
    /// The spec's master seed.
    pub seed: u64,
    /// Grid point.
    pub point: usize,
    /// Sample index within the point.
    pub index: u64,
    /// The grid point's uniform field (not part of the couplings file).
    pub field: f64,
}

/// Draws sample `index` of grid point `point` of the spin-glass spec at `spec_path`.
pub fn draw_sample(spec_path: &Path, point: usize, index: u64) -> Result<DrawnSample, RunError> {
    let spec = Spec::read(spec_path)?;
    draw_from_spec(&spec, point, index, Naming::Flag)
}

/// Draws sample `index` of grid point `point` of a validated spin-glass
/// spec: the sample its run simulates.
pub fn draw_from_spec(
    spec: &Spec,
    point: usize,
    index: u64,
    naming: Naming,
) -> Result<DrawnSample, RunError> {
    check_point(naming, &spec.file, point, spec.points.len())?;
    check_sample(naming, &spec.file, index, spec.samples)?;
    let grid_point = &spec.points[point];
    let (seed, stream) = sample_streams(spec.seed, grid_point.index, index);
    Ok(DrawnSample {
        sample: grid_point.ensemble.draw(seed, stream)?,
        seed: spec.seed,
        point,
        index,
        field: grid_point.field,
    })
}

/// Writes the array `name` of `drawn` to `out` as a `.npy` file (the name
/// must end in `.npy`). Refuses to replace a file.
pub fn write_array(drawn: &Drawn, name: &str, out: &Path) -> Result<(), RunError> {
    refuse_existing(out)?;
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
    {
        return Err(RunError::Input(format!(
            "--out {}: the {name} are written as NumPy arrays; allowed: a file name ending in .npy",
            out.display()
        )));
    }
    let Some(array) = drawn.array(name) else {
        return Err(RunError::Input(format!(
            "{}: no array {name:?} was drawn",
            drawn.description
        )));
    };
    write_atomically(out, &array.npy_bytes()?)
}

/// Writes every array of `drawn`: a single array to `out` (a `.npy`
/// name), several to `STEM-NAME.npy` beside it, one file per array (a
/// perceptron's `inputs`, `labels` and `teacher`). Refuses to replace any
/// file, checking them all before writing one. Returns the files written
/// with their array names.
pub fn write_arrays(drawn: &Drawn, out: &Path) -> Result<Vec<(String, PathBuf)>, RunError> {
    let Some((first, _)) = drawn.arrays.first() else {
        return Err(RunError::Input(format!(
            "{}: nothing was drawn",
            drawn.description
        )));
    };
    if drawn.arrays.len() == 1 {
        write_array(drawn, first, out)?;
        return Ok(vec![(first.clone(), out.to_path_buf())]);
    }
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
    {
        return Err(RunError::Input(format!(
            "--out {}: the drawn arrays are written as NumPy arrays, STEM-NAME.npy each; allowed: a file name ending in .npy",
            out.display()
        )));
    }
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files: Vec<(String, PathBuf)> = drawn
        .arrays
        .iter()
        .map(|(name, _)| {
            (
                name.clone(),
                out.with_file_name(format!("{stem}-{name}.npy")),
            )
        })
        .collect();
    for (_, file) in &files {
        refuse_existing(file)?;
    }
    for (name, file) in &files {
        write_array(drawn, name, file)?;
    }
    Ok(files)
}

fn refuse_existing(out: &Path) -> Result<(), RunError> {
    if out.exists() {
        return Err(RunError::Input(format!(
            "--out {}: the file exists; allowed: a new file name (quench does not overwrite)",
            out.display()
        )));
    }
    Ok(())
}

/// Writes the couplings of `drawn` to `out`: a dense float64 matrix if its
/// name ends in `.npy`, an edge list otherwise. Refuses to replace a file.
pub fn write_sample(drawn: &DrawnSample, spec_path: &Path, out: &Path) -> Result<(), RunError> {
    refuse_existing(out)?;
    let mut bytes = Vec::new();
    let npy = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    let written = if npy {
        write_npy(&drawn.sample, &mut bytes)
    } else {
        let comment = format!(
            "drawn by quench from {}: grid point {}, sample {}, seed {}\nuniform field {} (not in this file: give `field = {}` in the instance's [model])",
            spec_path.display(),
            drawn.point,
            drawn.index,
            drawn.seed,
            drawn.field,
            drawn.field
        );
        write_edges(&drawn.sample, &comment, &mut bytes)
    };
    written.map_err(RunError::io(out))?;
    write_atomically(out, &bytes)
}
