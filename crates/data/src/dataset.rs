//! [`Dataset`]: real-valued data, one row per sample.

use std::fmt;

use crate::DataError;
use crate::table::Table;

/// A table of real values: `len()` rows (samples) of `features()` columns,
/// stored row after row, with optional class labels, an optional image
/// shape and a value range.
///
/// The **value range** $[\ell, u]$ is a property of the data source, not of
/// the rows at hand: the digits declare $[0, 16]$, IDX files of unsigned
/// bytes $[0, 255]$, other sources the observed minimum and maximum. Subsets
/// and splits keep it, so that a training and a test set are scaled and
/// binarised alike.
///
/// Every value is finite and lies in the range; the constructors check it.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub(crate) table: Table<f64>,
    pub(crate) value_range: (f64, f64),
}

impl Dataset {
    /// A data set of `rows` rows of `columns` features from row-major
    /// `values`, without labels or image shape; the value range is the
    /// observed one ($[0, 0]$ when there are no rows). `name` appears in
    /// messages.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `columns` is zero or `values` does
    /// not hold `rows × columns` entries; [`DataError::NonFinite`] for a NaN
    /// or infinite value.
    pub fn new(
        name: impl Into<String>,
        rows: usize,
        columns: usize,
        values: Vec<f64>,
    ) -> Result<Self, DataError> {
        let table = Table::new(name.into(), rows, columns, values)?;
        if let Some(index) = table.values.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite {
                name: table.name,
                row: index / columns,
                column: index % columns,
                value: table.values[index],
            });
        }
        let value_range = observed_range(&table.values);
        Ok(Self { table, value_range })
    }

    /// Attaches one class label per row.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if there is not exactly one label per row.
    pub fn with_labels(mut self, labels: Vec<u32>) -> Result<Self, DataError> {
        self.table.set_labels(labels)?;
        Ok(self)
    }

    /// Declares that each row is an image of `height × width` pixels, stored
    /// row after row.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `height × width` differs from
    /// [`features`](Self::features).
    pub fn with_image_shape(mut self, height: usize, width: usize) -> Result<Self, DataError> {
        self.table.set_image_shape(height, width)?;
        Ok(self)
    }

    /// Declares the value range $[\ell, u]$ of the source, e.g. $[0, 255]$ for
    /// 8-bit pixels, in place of the observed one.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if the ends are not finite with
    /// $\ell \le u$; [`DataError::OutsideRange`] for the first value outside.
    pub fn with_value_range(mut self, low: f64, high: f64) -> Result<Self, DataError> {
        if !(low.is_finite() && high.is_finite() && low <= high) {
            return Err(DataError::parameter(
                "low, high",
                format!("{low}, {high}"),
                "must be finite with low ≤ high",
            ));
        }
        if let Some(index) = self.table.values.iter().position(|&v| v < low || v > high) {
            return Err(DataError::OutsideRange {
                name: self.table.name,
                row: index / self.table.columns,
                column: index % self.table.columns,
                value: self.table.values[index],
                low,
                high,
            });
        }
        self.value_range = (low, high);
        Ok(self)
    }

    /// Renames the data set (the name appears in messages).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.table.name = name.into();
        self
    }

    /// The name used in messages: a file name, or a description.
    pub fn name(&self) -> &str {
        &self.table.name
    }

    /// The number of rows (samples).
    pub fn len(&self) -> usize {
        self.table.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.table.rows == 0
    }

    /// The number of columns (features) of each row.
    pub fn features(&self) -> usize {
        self.table.columns
    }

    /// All values, row after row.
    pub fn values(&self) -> &[f64] {
        &self.table.values
    }

    /// Row `index`.
    ///
    /// # Panics
    ///
    /// If `index ≥ len()`.
    pub fn row(&self, index: usize) -> &[f64] {
        self.table.row(index)
    }

    /// The rows in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f64]> {
        self.table.values.chunks_exact(self.table.columns)
    }

    /// The class labels, one per row, if the data set has them.
    pub fn labels(&self) -> Option<&[u32]> {
        self.table.labels.as_deref()
    }

    /// The number of rows of each class, in increasing label order, if the
    /// data set has labels.
    pub fn class_counts(&self) -> Option<Vec<(u32, usize)>> {
        self.table.class_counts()
    }

    /// `(height, width)` if each row is an image.
    pub fn image_shape(&self) -> Option<(usize, usize)> {
        self.table.image_shape
    }

    /// The value range $(\ell, u)$ of the source (see the type's docs).
    pub fn value_range(&self) -> (f64, f64) {
        self.value_range
    }

    /// The rows at `indices`, in that order; repetitions are allowed
    /// (bootstrap samples). Labels, shape and value range are kept.
    ///
    /// # Panics
    ///
    /// If an index is `≥ len()`.
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        Dataset {
            table: self
                .table
                .subset(indices, format!("{} (subset)", self.table.name)),
            value_range: self.value_range,
        }
    }

    /// The rows of class `label`, in their original order (empty if no row
    /// has it).
    ///
    /// # Errors
    ///
    /// [`DataError::NoLabels`] if the data set has no labels.
    pub fn of_class(&self, label: u32) -> Result<Dataset, DataError> {
        Ok(Dataset {
            table: self.table.of_class(label)?,
            value_range: self.value_range,
        })
    }

    /// Splits the rows into `(train, test)`, reproducibly from `seed`.
    ///
    /// With labels the split is **stratified**: each class contributes
    /// $\operatorname{round}(f \\, n_c)$ of its $n_c$ rows to the test set,
    /// where $f$ is `test_fraction`, so the class proportions are kept; without labels
    /// $\operatorname{round}(f \\, n)$ rows go to the test set. The rows are
    /// drawn by a Fisher–Yates shuffle driven by `Xoshiro256PlusPlus` seeded
    /// with `seed`; both parts keep the original row order. Every row lands
    /// in exactly one part.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `test_fraction` is not in $[0, 1]$.
    pub fn split(&self, test_fraction: f64, seed: u64) -> Result<(Dataset, Dataset), DataError> {
        let (train, test) = self.table.split(test_fraction, seed)?;
        Ok((
            Dataset {
                table: train,
                value_range: self.value_range,
            },
            Dataset {
                table: test,
                value_range: self.value_range,
            },
        ))
    }

    /// The data mapped affinely onto $[0, 1]$: $x \mapsto (x - \ell)/(u - \ell)$
    /// with the value range $[\ell, u]$, which becomes $[0, 1]$.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if the range is empty ($u = \ell$).
    pub fn scaled_to_unit(&self) -> Result<Dataset, DataError> {
        let (low, high) = self.value_range;
        if high <= low {
            return Err(DataError::parameter(
                "value range",
                format!("[{low}, {high}]"),
                format!(
                    "`{}` has an empty value range, which cannot be scaled to [0, 1]; declare one \
                     with `with_value_range`",
                    self.table.name
                ),
            ));
        }
        let width = high - low;
        let mut table = self.table.clone();
        for value in &mut table.values {
            // Clamp against rounding: the result must stay inside [0, 1].
            *value = ((*value - low) / width).clamp(0.0, 1.0);
        }
        Ok(Dataset {
            table,
            value_range: (0.0, 1.0),
        })
    }
}

impl fmt::Display for Dataset {
    /// A one-line summary, e.g.
    /// `digits: 1797 rows × 64 features (8×8 images), values in [0, 16], 10 classes`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} rows × {} features",
            self.table.name, self.table.rows, self.table.columns
        )?;
        if let Some((height, width)) = self.table.image_shape {
            write!(f, " ({height}×{width} images)")?;
        }
        let (low, high) = self.value_range;
        write!(f, ", values in [{low}, {high}]")?;
        if let Some(counts) = self.class_counts() {
            write!(f, ", {} classes", counts.len())?;
        }
        Ok(())
    }
}

/// The smallest and largest value, or `(0, 0)` for no values.
pub(crate) fn observed_range(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &v| {
            (low.min(v), high.max(v))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Dataset {
        Dataset::new("small", 3, 2, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
            .unwrap()
            .with_labels(vec![7, 8, 7])
            .unwrap()
    }

    #[test]
    fn constructor_checks_sizes_and_finiteness() {
        assert!(Dataset::new("x", 2, 2, vec![1.0; 3]).is_err());
        assert!(Dataset::new("x", 0, 0, vec![]).is_err());
        let error = Dataset::new("x", 2, 2, vec![1.0, 2.0, f64::NAN, 0.0]).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::NonFinite {
                    row: 1,
                    column: 0,
                    ..
                }
            ),
            "{error}"
        );
        assert!(small().clone().with_labels(vec![1]).is_err());
        assert!(small().with_image_shape(1, 3).is_err());
        assert_eq!(
            small().with_image_shape(2, 1).unwrap().image_shape(),
            Some((2, 1))
        );
    }

    #[test]
    fn rows_subsets_and_classes() {
        let data = small();
        assert_eq!(data.row(1), &[2.0, 3.0]);
        assert_eq!(data.rows().len(), 3);
        let subset = data.subset(&[2, 0, 2]);
        assert_eq!(subset.values(), &[4.0, 5.0, 0.0, 1.0, 4.0, 5.0]);
        assert_eq!(subset.labels(), Some(&[7, 7, 7][..]));
        let sevens = data.of_class(7).unwrap();
        assert_eq!(sevens.values(), &[0.0, 1.0, 4.0, 5.0]);
        assert_eq!(data.of_class(3).unwrap().len(), 0);
        assert_eq!(data.class_counts(), Some(vec![(7, 2), (8, 1)]));
        let unlabelled = Dataset::new("u", 1, 1, vec![0.0]).unwrap();
        assert!(matches!(
            unlabelled.of_class(0),
            Err(DataError::NoLabels { .. })
        ));
    }

    #[test]
    fn value_range_and_scaling() {
        let data = small();
        assert_eq!(data.value_range(), (0.0, 5.0));
        assert!(matches!(
            data.clone().with_value_range(1.0, 5.0),
            Err(DataError::OutsideRange {
                row: 0,
                column: 0,
                ..
            })
        ));
        let scaled = data
            .with_value_range(0.0, 10.0)
            .unwrap()
            .scaled_to_unit()
            .unwrap();
        assert_eq!(scaled.values(), &[0.0, 0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(scaled.value_range(), (0.0, 1.0));
        let flat = Dataset::new("flat", 2, 1, vec![3.0, 3.0]).unwrap();
        assert!(flat.scaled_to_unit().is_err());
    }
}
