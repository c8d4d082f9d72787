//! What [`Dataset`](crate::Dataset) and [`BinaryDataset`](crate::BinaryDataset)
//! share: a row-major table with optional labels and image shape, and the
//! row selections (subsets, classes, splits) that work the same on both.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::DataError;

/// A row-major table of `rows × columns` values with optional labels and
/// image shape. The invariants are checked by the constructors of the public
/// types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table<T> {
    pub(crate) name: String,
    pub(crate) rows: usize,
    pub(crate) columns: usize,
    pub(crate) values: Vec<T>,
    pub(crate) labels: Option<Vec<u32>>,
    pub(crate) image_shape: Option<(usize, usize)>,
}

impl<T: Copy> Table<T> {
    /// Checks the sizes and builds a table without labels or shape.
    pub(crate) fn new(
        name: String,
        rows: usize,
        columns: usize,
        values: Vec<T>,
    ) -> Result<Self, DataError> {
        if columns == 0 {
            return Err(DataError::parameter(
                "columns",
                columns,
                "a data set needs at least one feature column",
            ));
        }
        let expected = rows.checked_mul(columns).ok_or_else(|| {
            DataError::parameter(
                "rows",
                rows,
                format!("rows × columns must fit in memory (columns = {columns})"),
            )
        })?;
        if values.len() != expected {
            return Err(DataError::parameter(
                "values",
                format!("{} entries", values.len()),
                format!(
                    "must hold rows × columns = {rows} × {columns} = {expected} entries, row after row"
                ),
            ));
        }
        Ok(Self {
            name,
            rows,
            columns,
            values,
            labels: None,
            image_shape: None,
        })
    }

    pub(crate) fn set_labels(&mut self, labels: Vec<u32>) -> Result<(), DataError> {
        if labels.len() != self.rows {
            return Err(DataError::parameter(
                "labels",
                format!("{} labels", labels.len()),
                format!(
                    "`{}` has {} rows: give one label per row",
                    self.name, self.rows
                ),
            ));
        }
        self.labels = Some(labels);
        Ok(())
    }

    pub(crate) fn set_image_shape(&mut self, height: usize, width: usize) -> Result<(), DataError> {
        if height.checked_mul(width) != Some(self.columns) {
            return Err(DataError::parameter(
                "height, width",
                format!("{height}, {width}"),
                format!(
                    "`{}` has {} features per row: height × width must equal it",
                    self.name, self.columns
                ),
            ));
        }
        self.image_shape = Some((height, width));
        Ok(())
    }

    /// Row `index`; panics with a clear message when it is out of range.
    pub(crate) fn row(&self, index: usize) -> &[T] {
        assert!(
            index < self.rows,
            "row {index} requested from `{}`, which has {} rows",
            self.name,
            self.rows
        );
        &self.values[index * self.columns..(index + 1) * self.columns]
    }

    /// The rows at `indices`, in that order (repetitions allowed).
    pub(crate) fn subset(&self, indices: &[usize], name: String) -> Self {
        let mut values = Vec::with_capacity(indices.len() * self.columns);
        for &index in indices {
            values.extend_from_slice(self.row(index));
        }
        let labels = self
            .labels
            .as_ref()
            .map(|labels| indices.iter().map(|&index| labels[index]).collect());
        Self {
            name,
            rows: indices.len(),
            columns: self.columns,
            values,
            labels,
            image_shape: self.image_shape,
        }
    }

    pub(crate) fn labels_or_error(&self) -> Result<&[u32], DataError> {
        self.labels.as_deref().ok_or_else(|| DataError::NoLabels {
            name: self.name.clone(),
        })
    }

    /// The rows whose label is `label`, in their original order.
    pub(crate) fn of_class(&self, label: u32) -> Result<Self, DataError> {
        let indices: Vec<usize> = self
            .labels_or_error()?
            .iter()
            .enumerate()
            .filter(|&(_, &l)| l == label)
            .map(|(index, _)| index)
            .collect();
        Ok(self.subset(&indices, format!("{} (class {label})", self.name)))
    }

    /// The number of rows of each label, in increasing label order.
    pub(crate) fn class_counts(&self) -> Option<Vec<(u32, usize)>> {
        let labels = self.labels.as_ref()?;
        let mut counts = BTreeMap::new();
        for &label in labels {
            *counts.entry(label).or_insert(0) += 1;
        }
        Some(counts.into_iter().collect())
    }

    /// Splits into (train, test); see [`crate::Dataset::split`].
    pub(crate) fn split(&self, test_fraction: f64, seed: u64) -> Result<(Self, Self), DataError> {
        let (train, test) = split_indices(self.labels.as_deref(), self.rows, test_fraction, seed)?;
        Ok((
            self.subset(&train, format!("{} (train)", self.name)),
            self.subset(&test, format!("{} (test)", self.name)),
        ))
    }
}

/// Draws the test rows: within each class (or among all rows, without
/// labels) a Fisher–Yates shuffle driven by `Xoshiro256PlusPlus` seeded from
/// `seed`, then the first `round(test_fraction × class size)` rows. Both
/// index lists are returned sorted.
pub(crate) fn split_indices(
    labels: Option<&[u32]>,
    rows: usize,
    test_fraction: f64,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>), DataError> {
    if !(0.0..=1.0).contains(&test_fraction) {
        return Err(DataError::parameter(
            "test_fraction",
            test_fraction,
            "must lie in [0, 1]: the fraction of rows (of each class) put in the test set",
        ));
    }
    let groups: Vec<Vec<usize>> = match labels {
        Some(labels) => {
            let mut by_class: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
            for (index, &label) in labels.iter().enumerate() {
                by_class.entry(label).or_default().push(index);
            }
            by_class.into_values().collect()
        }
        None => vec![(0..rows).collect()],
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut train = Vec::with_capacity(rows);
    let mut test = Vec::new();
    for mut group in groups {
        shuffle(&mut group, &mut rng);
        // The product is at most `group.len()`, so the cast cannot overflow.
        let test_count = (test_fraction * group.len() as f64).round() as usize;
        test.extend_from_slice(&group[..test_count]);
        train.extend_from_slice(&group[test_count..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    Ok((train, test))
}

/// Fisher–Yates shuffle: every permutation equally likely.
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut Xoshiro256PlusPlus) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
