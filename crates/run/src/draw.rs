//! `quench draw`: one sample of a spin-glass spec, written out as an instance.
//!
//! ```text
//! quench draw SPEC.toml --point P --sample S --out FILE     (FILE.npy: dense matrix; otherwise an edge list)
//! ```
//!
//! The sample is exactly the one `quench run SPEC.toml` simulates as sample
//! `S` of grid point `P` (same master seed, same stream), written in the
//! formats of [`quench_core::instance`] so that a spec with `model =
//! "instance"` reads it back as the same couplings. The uniform field of
//! the grid point is not in the file: give it as `field` in the instance's
//! `[model]` table.

use std::path::Path;

use quench_core::Sample;
use quench_core::instance::{write_edges, write_npy};

use crate::atomic::write_atomically;
use crate::error::RunError;
use crate::family::spin_glass::{Spec, sample_streams};

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
    let Some(grid_point) = spec.points.get(point) else {
        return Err(RunError::Input(format!(
            "--point {point}: {} has {} grid points; allowed: 0 to {}",
            spec_path.display(),
            spec.points.len(),
            spec.points.len() - 1
        )));
    };
    if index >= spec.samples {
        return Err(RunError::Input(format!(
            "--sample {index}: {} has {} samples per grid point; allowed: 0 to {}",
            spec_path.display(),
            spec.samples,
            spec.samples - 1
        )));
    }
    let (seed, stream) = sample_streams(spec.seed, point, index);
    Ok(DrawnSample {
        sample: grid_point.ensemble.draw(seed, stream)?,
        seed: spec.seed,
        point,
        index,
        field: grid_point.field,
    })
}

/// Writes the couplings of `drawn` to `out`: a dense float64 matrix if its
/// name ends in `.npy`, an edge list otherwise. Refuses to replace a file.
pub fn write_sample(drawn: &DrawnSample, spec_path: &Path, out: &Path) -> Result<(), RunError> {
    if out.exists() {
        return Err(RunError::Input(format!(
            "--out {}: the file exists; allowed: a new file name (quench does not overwrite)",
            out.display()
        )));
    }
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
