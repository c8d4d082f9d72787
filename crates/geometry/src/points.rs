//! [`Points`]: a checked view of a point cloud, row after row.

use crate::error::GeometryError;

/// $n$ points in $\mathbb{R}^D$, stored row after row ($n D$ values), every
/// coordinate finite. A view: the values stay where the caller keeps them.
#[derive(Debug, Clone, Copy)]
pub struct Points<'a> {
    values: &'a [f64],
    dimension: usize,
}

impl<'a> Points<'a> {
    /// A view of `values` as rows of `dimension` coordinates. Refuses an
    /// empty dimension, values that do not form whole rows, and a coordinate
    /// that is not finite (naming the point and coordinate).
    pub fn new(values: &'a [f64], dimension: usize) -> Result<Self, GeometryError> {
        if dimension == 0 || !values.len().is_multiple_of(dimension) {
            return Err(GeometryError::Shape {
                values: values.len(),
                dimension,
            });
        }
        if let Some(position) = values.iter().position(|v| !v.is_finite()) {
            return Err(GeometryError::NotFinite {
                point: position / dimension,
                coordinate: position % dimension,
                value: values[position],
            });
        }
        Ok(Self { values, dimension })
    }

    /// The number of points $n$.
    pub fn len(&self) -> usize {
        self.values.len() / self.dimension
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The embedding dimension $D$ (coordinates per point).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// All coordinates, row after row.
    pub fn values(&self) -> &'a [f64] {
        self.values
    }

    /// Point `index`.
    pub fn point(&self, index: usize) -> &'a [f64] {
        &self.values[index * self.dimension..(index + 1) * self.dimension]
    }

    /// The points at `indices`, copied in that order (row after row).
    pub fn gather(&self, indices: &[usize]) -> Vec<f64> {
        let mut out = Vec::with_capacity(indices.len() * self.dimension);
        for &index in indices {
            out.extend_from_slice(self.point(index));
        }
        out
    }
}
