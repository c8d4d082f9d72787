//! [`BinaryDataset`]: 0/1 data for Boltzmann machines, and the
//! [`Binarisation`] that makes it from real values.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::{DataError, Dataset};

/// How real values in the range $[\ell, u]$ of a [`Dataset`] become bits.
///
/// Write $p(x) = (x - \ell)/(u - \ell) \in [0, 1]$ for the position of a
/// value in the range; for the digits $\ell = 0$, $u = 16$ and $p = x/16$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Binarisation {
    /// Deterministic: a value becomes 1 when $p(x) \ge$ `fraction`, i.e.
    /// $x \ge \ell + \text{fraction}\\,(u - \ell)$. The conventional choice
    /// for the digits is `fraction = 0.5`: pixel $\ge 8$ of 16.
    Threshold {
        /// The threshold, as a fraction of the range, in $[0, 1]$.
        fraction: f64,
    },
    /// Stochastic: each value becomes 1 independently with probability
    /// $p(x)$ (Salakhutdinov & Murray 2008), so that the data's grey levels
    /// survive in the mean. The draws come from `Xoshiro256PlusPlus` seeded
    /// with `seed`, one per value, row after row.
    Bernoulli {
        /// Seed of the random draws; the same seed gives the same bits.
        seed: u64,
    },
}

/// A table of bits: `len()` rows of `features()` values 0 or 1, stored row
/// after row in one byte each, with optional labels and image shape.
///
/// Made by [`Dataset::binarise`] or, for Ising configurations, by
/// [`BinaryDataset::from_spins`]; [`to_spins`](Self::to_spins) goes back to
/// $\pm 1$.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryDataset {
    table: Table<u8>,
}

const BITS_ALLOWED: &str = "binary data holds only 0 and 1";
const SPINS_ALLOWED: &str = "spins must be +1 or -1";

impl BinaryDataset {
    /// A binary data set of `rows` rows of `columns` bits from row-major
    /// `values`. `name` appears in messages.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `columns` is zero or the length is
    /// not `rows × columns`; [`DataError::NotBinary`] for an entry other
    /// than 0 or 1.
    pub fn new(
        name: impl Into<String>,
        rows: usize,
        columns: usize,
        values: Vec<u8>,
    ) -> Result<Self, DataError> {
        let table = Table::new(name.into(), rows, columns, values)?;
        if let Some(index) = table.values.iter().position(|&v| v > 1) {
            return Err(DataError::NotBinary {
                name: table.name,
                index,
                value: i64::from(table.values[index]),
                allowed: BITS_ALLOWED,
            });
        }
        Ok(Self { table })
    }

    /// Ising configurations as data: `rows` configurations of `columns`
    /// spins $s = \pm 1$, row-major, become bits $(1 + s)/2$ (up = 1).
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if the length is not
    /// `rows × columns`; [`DataError::NotBinary`] for a spin other than ±1.
    pub fn from_spins(rows: usize, columns: usize, spins: &[i8]) -> Result<Self, DataError> {
        let name = "spin configurations";
        if let Some(index) = spins.iter().position(|&s| s != 1 && s != -1) {
            return Err(DataError::NotBinary {
                name: name.to_string(),
                index,
                value: i64::from(spins[index]),
                allowed: SPINS_ALLOWED,
            });
        }
        let bits = spins.iter().map(|&s| u8::from(s == 1)).collect();
        Self::new(name, rows, columns, bits)
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

    /// Declares that each row is an image of `height × width` pixels.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `height × width` differs from
    /// [`features`](Self::features).
    pub fn with_image_shape(mut self, height: usize, width: usize) -> Result<Self, DataError> {
        self.table.set_image_shape(height, width)?;
        Ok(self)
    }

    /// Renames the data set (the name appears in messages).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.table.name = name.into();
        self
    }

    /// The name used in messages.
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

    /// The number of bits of each row.
    pub fn features(&self) -> usize {
        self.table.columns
    }

    /// All bits, row after row.
    pub fn values(&self) -> &[u8] {
        &self.table.values
    }

    /// Row `index`.
    ///
    /// # Panics
    ///
    /// If `index ≥ len()`.
    pub fn row(&self, index: usize) -> &[u8] {
        self.table.row(index)
    }

    /// The rows in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[u8]> {
        self.table.values.chunks_exact(self.table.columns)
    }

    /// The class labels, one per row, if the data set has them.
    pub fn labels(&self) -> Option<&[u32]> {
        self.table.labels.as_deref()
    }

    /// The number of rows of each class, in increasing label order.
    pub fn class_counts(&self) -> Option<Vec<(u32, usize)>> {
        self.table.class_counts()
    }

    /// `(height, width)` if each row is an image.
    pub fn image_shape(&self) -> Option<(usize, usize)> {
        self.table.image_shape
    }

    /// The fraction of bits that are 1 (0 for an empty data set).
    pub fn fraction_on(&self) -> f64 {
        if self.table.values.is_empty() {
            return 0.0;
        }
        let on: usize = self.table.values.iter().map(|&b| usize::from(b)).sum();
        on as f64 / self.table.values.len() as f64
    }

    /// The bits as spins $s = 2b - 1 = \pm 1$, row-major.
    pub fn to_spins(&self) -> Vec<i8> {
        self.table.values.iter().map(|&b| 2 * b as i8 - 1).collect()
    }

    /// The bits as a real-valued [`Dataset`] with value range $[0, 1]$.
    pub fn to_dataset(&self) -> Dataset {
        let table = &self.table;
        Dataset {
            table: Table {
                name: table.name.clone(),
                rows: table.rows,
                columns: table.columns,
                values: table.values.iter().map(|&b| f64::from(b)).collect(),
                labels: table.labels.clone(),
                image_shape: table.image_shape,
            },
            value_range: (0.0, 1.0),
        }
    }

    /// The rows at `indices`, in that order (repetitions allowed).
    ///
    /// # Panics
    ///
    /// If an index is `≥ len()`.
    pub fn subset(&self, indices: &[usize]) -> BinaryDataset {
        Self {
            table: self
                .table
                .subset(indices, format!("{} (subset)", self.table.name)),
        }
    }

    /// The rows of class `label`, in their original order.
    ///
    /// # Errors
    ///
    /// [`DataError::NoLabels`] if the data set has no labels.
    pub fn of_class(&self, label: u32) -> Result<BinaryDataset, DataError> {
        Ok(Self {
            table: self.table.of_class(label)?,
        })
    }

    /// Splits into `(train, test)` exactly as [`Dataset::split`] does: the
    /// same seed selects the same rows.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if `test_fraction` is not in $[0, 1]$.
    pub fn split(
        &self,
        test_fraction: f64,
        seed: u64,
    ) -> Result<(BinaryDataset, BinaryDataset), DataError> {
        let (train, test) = self.table.split(test_fraction, seed)?;
        Ok((Self { table: train }, Self { table: test }))
    }
}

impl Dataset {
    /// The data as bits, by `how` (see [`Binarisation`]); labels and image
    /// shape are kept.
    ///
    /// # Errors
    ///
    /// [`DataError::InvalidParameter`] if a threshold fraction is not in
    /// $[0, 1]$, or for Bernoulli binarisation when the value range is empty.
    pub fn binarise(&self, how: Binarisation) -> Result<BinaryDataset, DataError> {
        let (low, high) = self.value_range;
        let values = match how {
            Binarisation::Threshold { fraction } => {
                if !(0.0..=1.0).contains(&fraction) {
                    return Err(DataError::parameter(
                        "fraction",
                        fraction,
                        "must lie in [0, 1]: the threshold as a fraction of the value range",
                    ));
                }
                let threshold = low + fraction * (high - low);
                self.values()
                    .iter()
                    .map(|&x| u8::from(x >= threshold))
                    .collect()
            }
            Binarisation::Bernoulli { seed } => {
                if high <= low {
                    return Err(DataError::parameter(
                        "value range",
                        format!("[{low}, {high}]"),
                        format!(
                            "`{}` has an empty value range, so no probabilities can be formed; \
                             declare one with `with_value_range`",
                            self.name()
                        ),
                    ));
                }
                let width = high - low;
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
                self.values()
                    .iter()
                    .map(|&x| {
                        let probability = (x - low) / width;
                        // A uniform draw in [0, 1): p = 0 never fires, p = 1 always does.
                        u8::from(rng.random::<f64>() < probability)
                    })
                    .collect()
            }
        };
        let table = &self.table;
        Ok(BinaryDataset {
            table: Table {
                name: table.name.clone(),
                rows: table.rows,
                columns: table.columns,
                values,
                labels: table.labels.clone(),
                image_shape: table.image_shape,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spins_round_trip() {
        let spins = [1, -1, -1, 1, 1, 1];
        let data = BinaryDataset::from_spins(2, 3, &spins).unwrap();
        assert_eq!(data.values(), &[1, 0, 0, 1, 1, 1]);
        assert_eq!(data.to_spins(), spins);
        assert_eq!(data.fraction_on(), 4.0 / 6.0);
        let error = BinaryDataset::from_spins(1, 3, &[1, 0, -1]).unwrap_err();
        assert!(
            matches!(
                error,
                DataError::NotBinary {
                    index: 1,
                    value: 0,
                    ..
                }
            ),
            "{error}"
        );
        assert!(BinaryDataset::from_spins(2, 2, &[1, 1, 1]).is_err());
        assert!(BinaryDataset::new("x", 1, 2, vec![0, 2]).is_err());
    }

    #[test]
    fn threshold_and_extreme_probabilities() {
        let data = Dataset::new("x", 1, 4, vec![0.0, 1.0, 2.0, 4.0])
            .unwrap()
            .with_value_range(0.0, 4.0)
            .unwrap();
        let half = data
            .binarise(Binarisation::Threshold { fraction: 0.5 })
            .unwrap();
        assert_eq!(half.values(), &[0, 0, 1, 1]);
        assert!(
            data.binarise(Binarisation::Threshold { fraction: 1.5 })
                .is_err()
        );
        // Probability 0 and 1 are exact whatever the seed.
        for seed in 0..20 {
            let bits = data.binarise(Binarisation::Bernoulli { seed }).unwrap();
            assert_eq!((bits.values()[0], bits.values()[3]), (0, 1));
        }
        let same = data.binarise(Binarisation::Bernoulli { seed: 3 }).unwrap();
        assert_eq!(
            same,
            data.binarise(Binarisation::Bernoulli { seed: 3 }).unwrap()
        );
    }
}
