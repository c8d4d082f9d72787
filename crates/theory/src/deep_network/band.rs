//! Square band matrices: a linear solve by Gaussian elimination with
//! partial pivoting, a Cholesky test of positive definiteness, and the
//! largest eigenvalue of a symmetric one with its eigenvector. All in
//! $O(n b^2)$ for bandwidth $b$, so that a network of a thousand layers
//! costs no more per layer than one of ten. Nothing here is physics.

/// A square matrix with `lower` sub- and `upper` super-diagonals, stored
/// by rows with room for the fill-in of partial pivoting (`lower` more
/// super-diagonals).
#[derive(Debug, Clone)]
pub(super) struct BandMatrix {
    size: usize,
    lower: usize,
    upper: usize,
    width: usize,
    data: Vec<f64>,
}

impl BandMatrix {
    /// The zero matrix of `size` rows.
    pub fn zeros(size: usize, lower: usize, upper: usize) -> Self {
        let width = 2 * lower + upper + 1;
        Self {
            size,
            lower,
            upper,
            width,
            data: vec![0.0; size * width],
        }
    }

    fn index(&self, row: usize, column: usize) -> usize {
        debug_assert!(column + self.lower >= row && column <= row + self.lower + self.upper);
        row * self.width + column + self.lower - row
    }

    fn in_band(&self, row: usize, column: usize) -> bool {
        column + self.lower >= row && column <= row + self.upper
    }

    /// Entry `(row, column)`: zero outside the band.
    pub fn get(&self, row: usize, column: usize) -> f64 {
        if self.in_band(row, column) {
            self.data[self.index(row, column)]
        } else {
            0.0
        }
    }

    /// Adds `value` to entry `(row, column)`, which must lie in the band.
    pub fn add(&mut self, row: usize, column: usize, value: f64) {
        assert!(
            self.in_band(row, column) && row < self.size && column < self.size,
            "({row}, {column}) is outside the band"
        );
        let i = self.index(row, column);
        self.data[i] += value;
    }

    /// Multiplies row $i$ by `rows[i]` and column $j$ by `columns[j]`.
    pub fn scale(&mut self, rows: &[f64], columns: &[f64]) {
        let reach = self.lower + self.upper;
        for (i, &row) in rows.iter().enumerate().take(self.size) {
            let first = i.saturating_sub(self.lower);
            let last = (i + reach + 1).min(self.size);
            for (j, &column) in columns.iter().enumerate().take(last).skip(first) {
                let k = self.index(i, j);
                self.data[k] *= row * column;
            }
        }
    }

    /// $\sigma I - A$.
    pub fn shifted_negative(&self, shift: f64) -> Self {
        let mut out = self.clone();
        out.data.iter_mut().for_each(|v| *v = -*v);
        for i in 0..self.size {
            let k = out.index(i, i);
            out.data[k] += shift;
        }
        out
    }

    /// Solves $A x = b$ by Gaussian elimination with partial pivoting;
    /// `None` when a pivot vanishes (a singular matrix).
    pub fn solve(&self, rhs: &[f64]) -> Option<Vec<f64>> {
        let n = self.size;
        assert_eq!(rhs.len(), n);
        let mut a = self.clone();
        let mut b = rhs.to_vec();
        let reach = self.lower + self.upper;
        for k in 0..n {
            let last_row = (k + self.lower).min(n - 1);
            let last_column = (k + reach).min(n - 1);
            let pivot = (k..=last_row)
                .max_by(|&i, &j| a.get_raw(i, k).abs().total_cmp(&a.get_raw(j, k).abs()))
                .unwrap_or(k);
            if a.get_raw(pivot, k) == 0.0 || !a.get_raw(pivot, k).is_finite() {
                return None;
            }
            if pivot != k {
                for j in k..=last_column {
                    let (p, q) = (a.index(pivot, j), a.index(k, j));
                    a.data.swap(p, q);
                }
                b.swap(pivot, k);
            }
            let diagonal = a.get_raw(k, k);
            for i in k + 1..=last_row {
                let factor = a.get_raw(i, k) / diagonal;
                if factor == 0.0 {
                    continue;
                }
                for j in k..=last_column {
                    let value = a.get_raw(k, j);
                    let index = a.index(i, j);
                    a.data[index] -= factor * value;
                }
                b[i] -= factor * b[k];
            }
        }
        let mut x = vec![0.0; n];
        for k in (0..n).rev() {
            let last_column = (k + reach).min(n - 1);
            let sum: f64 = (k + 1..=last_column).map(|j| a.get_raw(k, j) * x[j]).sum();
            x[k] = (b[k] - sum) / a.get_raw(k, k);
        }
        x.iter().all(|v| v.is_finite()).then_some(x)
    }

    /// Entry inside the stored (fill-in) band.
    fn get_raw(&self, row: usize, column: usize) -> f64 {
        self.data[self.index(row, column)]
    }

    /// Whether the symmetric matrix (its lower band is read) is positive
    /// definite: its Cholesky factorisation runs through with positive pivots.
    pub fn is_positive_definite(&self) -> bool {
        let (n, b) = (self.size, self.lower);
        // Factor rows i: l[i][j] for j in i-b..=i, stored at offset j + b - i.
        let mut factor = vec![0.0; n * (b + 1)];
        let at = |i: usize, j: usize| i * (b + 1) + j + b - i;
        for i in 0..n {
            let first = i.saturating_sub(b);
            for j in first..=i {
                let mut sum = self.get(i, j);
                for k in first.max(j.saturating_sub(b))..j {
                    sum -= factor[at(i, k)] * factor[at(j, k)];
                }
                if j == i {
                    // Not positive, or NaN.
                    if sum.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                        return false;
                    }
                    factor[at(i, i)] = sum.sqrt();
                } else {
                    factor[at(i, j)] = sum / factor[at(j, j)];
                }
            }
        }
        true
    }

    /// Largest eigenvalue of the symmetric matrix and a unit eigenvector:
    /// bisection on the shift $\sigma$ at which $\sigma I - A$ stops being
    /// positive definite (Cholesky is backward stable there, so the value
    /// is good to a few units of round-off of the largest entry), then
    /// inverse iteration. Within a cluster of (nearly) equal eigenvalues the
    /// vector is some unit vector of the cluster's space.
    pub fn largest_eigenpair(&self) -> (f64, Vec<f64>) {
        let n = self.size;
        let b = self.lower;
        let mut low = f64::NEG_INFINITY;
        let mut high = f64::NEG_INFINITY;
        let mut scale = 0.0f64;
        for i in 0..n {
            let diagonal = self.get(i, i);
            let radius: f64 = (i.saturating_sub(b)..(i + b + 1).min(n))
                .filter(|&j| j != i)
                .map(|j| self.get(i.max(j), i.min(j)).abs())
                .sum();
            low = low.max(diagonal);
            high = high.max(diagonal + radius);
            scale = scale.max(diagonal.abs() + radius);
        }
        let tolerance = 4.0 * f64::EPSILON * scale.max(f64::MIN_POSITIVE);
        // sigma I - A is positive definite for sigma > lambda_max.
        let mut low_shift = low - tolerance;
        let mut high_shift = high + tolerance;
        while high_shift - low_shift > tolerance {
            let middle = 0.5 * (low_shift + high_shift);
            if self.shifted_negative(middle).is_positive_definite() {
                high_shift = middle;
            } else {
                low_shift = middle;
            }
        }
        let value = 0.5 * (low_shift + high_shift);
        // Inverse iteration a little above the eigenvalue.
        let shifted = self.shifted_negative(value + 64.0 * tolerance);
        let mut vector: Vec<f64> = (0..n).map(|i| 1.0 + 1e-3 * i as f64).collect();
        for _ in 0..8 {
            let Some(next) = shifted.solve(&vector) else {
                break;
            };
            let norm = next.iter().map(|v| v * v).sum::<f64>().sqrt();
            if !(norm > 0.0 && norm.is_finite()) {
                break;
            }
            vector = next.into_iter().map(|v| v / norm).collect();
        }
        let norm = vector.iter().map(|v| v * v).sum::<f64>().sqrt();
        vector.iter_mut().for_each(|v| *v /= norm);
        (value, vector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::{DMatrix, DVector, SymmetricEigen};

    /// A pentadiagonal test matrix, symmetric when `symmetric`.
    fn example(n: usize, symmetric: bool) -> (BandMatrix, DMatrix<f64>) {
        let mut band = BandMatrix::zeros(n, 2, 2);
        let mut dense = DMatrix::zeros(n, n);
        for i in 0..n {
            for j in i.saturating_sub(2)..(i + 3).min(n) {
                let (a, c) = (i.min(j) as f64, i.max(j) as f64);
                let mut value = ((1.3 * a + 0.7 * c + 0.1).sin()) * if i == j { 0.2 } else { 1.0 };
                if !symmetric && i > j {
                    value += 0.3;
                }
                band.add(i, j, value);
                dense[(i, j)] = value;
            }
        }
        (band, dense)
    }

    #[test]
    fn band_solve_agrees_with_a_dense_solve() {
        for n in [1, 2, 3, 7, 40] {
            let (band, dense) = example(n, false);
            let rhs: Vec<f64> = (0..n).map(|i| (i as f64).cos()).collect();
            let x = band.solve(&rhs).unwrap();
            let residual = &dense * DVector::from_vec(x) - DVector::from_vec(rhs);
            assert!(residual.amax() < 1e-12, "n = {n}: {residual}");
        }
        assert!(BandMatrix::zeros(3, 1, 1).solve(&[1.0, 2.0, 3.0]).is_none());
    }

    #[test]
    fn largest_eigenpair_agrees_with_a_dense_eigensolver() {
        for n in [1, 2, 5, 33] {
            let (band, dense) = example(n, true);
            let eigen = SymmetricEigen::new(dense.clone());
            let largest = eigen.eigenvalues.max();
            let (value, vector) = band.largest_eigenpair();
            assert!(
                (value - largest).abs() < 1e-12,
                "n = {n}: {value} {largest}"
            );
            let v = DVector::from_vec(vector);
            assert!((&dense * &v - value * &v).amax() < 1e-8, "n = {n}");
            assert!(band.shifted_negative(largest + 1e-9).is_positive_definite());
            assert!(!band.shifted_negative(largest - 1e-9).is_positive_definite());
        }
    }
}
