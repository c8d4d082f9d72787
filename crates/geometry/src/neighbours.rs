//! Nearest neighbours of every point: blocked brute force through matrix
//! products.
//!
//! For a query block $Q$ and a reference block $R$ the squared distances are
//! $$\lVert q - r \rVert^2 = \lVert q \rVert^2 + \lVert r \rVert^2 - 2\\, q \cdot r,$$
//! with all the products $q \cdot r$ of the two blocks from one `dgemm`
//! (the `matrixmultiply` crate, vectorised for the machine it runs on). The
//! points are centred first, which keeps the cancellation in that formula
//! small, and the $k$ neighbours kept for each point have their distances
//! recomputed exactly as $\sum_a (q_a - r_a)^2$ before they are sorted, so
//! that the distances handed out are exact and ties are broken by index.
//!
//! The cost is $n^2 D$ multiply-adds and $n^2$ comparisons; it is the right
//! method in the dimensions where the estimators are used (tens to
//! thousands of coordinates), where trees lose their advantage. Query blocks
//! run in parallel (rayon); each point's neighbours depend on nothing but the
//! data, so the result does not depend on the number of threads.

use std::ops::Range;

use rayon::prelude::*;

use crate::error::{GeometryError, parameter};
use crate::points::Points;

/// The most memory a neighbour table or a working copy may take (bytes):
/// larger requests are refused before anything is allocated.
pub const MEMORY_LIMIT: u128 = 1 << 35;

/// The $k$ nearest neighbours of every point (the point itself excluded),
/// nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbours {
    k: usize,
    distances: Vec<f64>,
    indices: Vec<u32>,
}

impl Neighbours {
    /// Neighbours kept per point.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.indices.len() / self.k
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The distances $r_1 \le r_2 \le \dots \le r_k$ from point `point` to
    /// its neighbours.
    pub fn distances(&self, point: usize) -> &[f64] {
        &self.distances[point * self.k..(point + 1) * self.k]
    }

    /// The indices of point `point`'s neighbours, nearest first.
    pub fn indices(&self, point: usize) -> &[u32] {
        &self.indices[point * self.k..(point + 1) * self.k]
    }
}

/// The points centred on their mean, with their squared norms: what the
/// blocked products work on.
pub(crate) struct Centred {
    values: Vec<f64>,
    norms: Vec<f64>,
    dimension: usize,
}

impl Centred {
    pub(crate) fn new(points: Points<'_>) -> Result<Self, GeometryError> {
        let (n, dimension) = (points.len(), points.dimension());
        let bytes = (n as u128) * (dimension as u128 + 1) * 8;
        if bytes > MEMORY_LIMIT {
            return Err(GeometryError::TooLarge {
                what: format!("a working copy of {n} points in {dimension} dimensions"),
                bytes,
                limit: MEMORY_LIMIT,
            });
        }
        let mut mean = vec![0.0; dimension];
        for row in points.values().chunks_exact(dimension) {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n.max(1) as f64);
        let mut values = Vec::with_capacity(n * dimension);
        let mut norms = Vec::with_capacity(n);
        for row in points.values().chunks_exact(dimension) {
            let mut norm = 0.0;
            for (x, m) in row.iter().zip(&mean) {
                let y = x - m;
                values.push(y);
                norm += y * y;
            }
            norms.push(norm);
        }
        Ok(Self {
            values,
            norms,
            dimension,
        })
    }

    pub(crate) fn norms(&self) -> &[f64] {
        &self.norms
    }

    /// How many reference points one block holds: about a megabyte of them.
    pub(crate) fn reference_block(&self) -> usize {
        (131_072 / self.dimension).clamp(64, 2048)
    }

    /// `out[i * references.len() + j]` = $x_{q_i} \cdot x_{r_j}$ for the
    /// query and reference ranges.
    pub(crate) fn products(
        &self,
        queries: Range<usize>,
        references: Range<usize>,
        out: &mut [f64],
    ) {
        let (m, n, d) = (queries.len(), references.len(), self.dimension);
        debug_assert!(out.len() >= m * n);
        if m == 0 || n == 0 {
            return;
        }
        let a = &self.values[queries.start * d..queries.end * d];
        let b = &self.values[references.start * d..references.end * d];
        // SAFETY: `a` holds m rows of d values (row stride d), `b` read as a
        // d × n matrix with row stride 1 and column stride d is the n rows of
        // d values it holds, and `out` holds at least m × n values written
        // with row stride n; the slices do not overlap.
        unsafe {
            matrixmultiply::dgemm(
                m,
                d,
                n,
                1.0,
                a.as_ptr(),
                d as isize,
                1,
                b.as_ptr(),
                1,
                d as isize,
                0.0,
                out.as_mut_ptr(),
                n as isize,
                1,
            );
        }
    }

    /// The exact squared distance between points `a` and `b`.
    pub(crate) fn squared_distance(&self, a: usize, b: usize) -> f64 {
        let d = self.dimension;
        self.values[a * d..(a + 1) * d]
            .iter()
            .zip(&self.values[b * d..(b + 1) * d])
            .map(|(x, y)| (x - y) * (x - y))
            .sum()
    }
}

/// Query points per parallel task.
const QUERY_BLOCK: usize = 64;

/// The `k` nearest neighbours of every point of `points`.
///
/// Refuses `k = 0`, fewer than `k + 1` points, more than $2^{32} - 1$ points
/// and tables larger than [`MEMORY_LIMIT`], before allocating them.
pub fn nearest_neighbours(points: Points<'_>, k: usize) -> Result<Neighbours, GeometryError> {
    let n = points.len();
    if k == 0 {
        return Err(parameter("k", k, "at least 1 neighbour"));
    }
    if n < k + 1 {
        return Err(GeometryError::TooFewPoints {
            what: format!("{k} nearest neighbours"),
            needed: k + 1,
            given: n,
        });
    }
    if n > u32::MAX as usize {
        return Err(parameter(
            "points",
            n,
            format!(
                "at most {} points (neighbours are indexed by 32 bits)",
                u32::MAX
            ),
        ));
    }
    let bytes = (n as u128) * (k as u128) * 12;
    if bytes > MEMORY_LIMIT {
        return Err(GeometryError::TooLarge {
            what: format!("{k} neighbours of {n} points"),
            bytes,
            limit: MEMORY_LIMIT,
        });
    }
    let centred = Centred::new(points)?;
    let mut squared = vec![f64::INFINITY; n * k];
    let mut indices = vec![u32::MAX; n * k];
    let reference_block = centred.reference_block();
    squared
        .par_chunks_mut(QUERY_BLOCK * k)
        .zip(indices.par_chunks_mut(QUERY_BLOCK * k))
        .enumerate()
        .for_each(|(block, (squared, indices))| {
            let start = block * QUERY_BLOCK;
            let queries = start..(start + QUERY_BLOCK).min(n);
            let mut products = vec![0.0; QUERY_BLOCK * reference_block];
            let norms = centred.norms();
            for reference_start in (0..n).step_by(reference_block) {
                let references = reference_start..(reference_start + reference_block).min(n);
                let width = references.len();
                centred.products(queries.clone(), references.clone(), &mut products);
                for (row, query) in queries.clone().enumerate() {
                    let kept = &mut squared[row * k..(row + 1) * k];
                    let kept_indices = &mut indices[row * k..(row + 1) * k];
                    let mut worst = kept[k - 1];
                    let query_norm = norms[query];
                    let row_products = &products[row * width..(row + 1) * width];
                    for (offset, &product) in row_products.iter().enumerate() {
                        let d2 = query_norm + norms[reference_start + offset] - 2.0 * product;
                        if d2 < worst {
                            let reference = reference_start + offset;
                            if reference == query {
                                continue;
                            }
                            insert(kept, kept_indices, d2, reference as u32);
                            worst = kept[k - 1];
                        }
                    }
                }
            }
            // Exact distances for the kept neighbours, sorted with ties by index.
            for (row, query) in queries.enumerate() {
                let kept = &mut squared[row * k..(row + 1) * k];
                let kept_indices = &mut indices[row * k..(row + 1) * k];
                let mut pairs: Vec<(f64, u32)> = kept_indices
                    .iter()
                    .map(|&j| (centred.squared_distance(query, j as usize), j))
                    .collect();
                pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (slot, (d2, j)) in pairs.into_iter().enumerate() {
                    kept[slot] = d2.sqrt();
                    kept_indices[slot] = j;
                }
            }
        });
    Ok(Neighbours {
        k,
        distances: squared,
        indices,
    })
}

/// Inserts `(d2, index)` into the ascending list `kept`, dropping its last
/// entry; equal distances keep the earlier entry first.
fn insert(kept: &mut [f64], indices: &mut [u32], d2: f64, index: u32) {
    let mut slot = kept.len() - 1;
    while slot > 0 && kept[slot - 1] > d2 {
        kept[slot] = kept[slot - 1];
        indices[slot] = indices[slot - 1];
        slot -= 1;
    }
    kept[slot] = d2;
    indices[slot] = index;
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn naive(values: &[f64], d: usize, k: usize) -> (Vec<f64>, Vec<u32>) {
        let n = values.len() / d;
        let mut distances = Vec::new();
        let mut indices = Vec::new();
        for i in 0..n {
            let mut all: Vec<(f64, u32)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let d2: f64 = (0..d)
                        .map(|a| (values[i * d + a] - values[j * d + a]).powi(2))
                        .sum();
                    (d2, j as u32)
                })
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(d2, j) in &all[..k] {
                distances.push(d2.sqrt());
                indices.push(j);
            }
        }
        (distances, indices)
    }

    #[test]
    fn blocked_search_equals_the_naive_search() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        // Sizes that cross the query and reference blocks; a far offset tests
        // the centring, and repeated points test the ties.
        for (n, d, k) in [(150, 3, 5), (700, 40, 3), (300, 700, 2)] {
            let mut values: Vec<f64> = (0..n * d).map(|_| 1e3 + rng.random::<f64>()).collect();
            values.copy_within(0..d, 5 * d);
            let points = Points::new(&values, d).unwrap();
            let found = nearest_neighbours(points, k).unwrap();
            let (distances, indices) = naive(&values, d, k);
            assert_eq!(found.indices, indices, "n = {n}, d = {d}");
            for (a, b) in found.distances.iter().zip(&distances) {
                assert!((a - b).abs() <= 1e-12 * b.max(1.0), "{a} against {b}");
            }
            assert_eq!(
                found.distances(0)[0],
                0.0,
                "the copied point is at distance 0"
            );
        }
    }

    #[test]
    fn the_result_does_not_depend_on_the_thread_count() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
        let values: Vec<f64> = (0..500 * 8).map(|_| rng.random::<f64>()).collect();
        let points = Points::new(&values, 8).unwrap();
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| nearest_neighbours(points, 4).unwrap());
        let three = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
            .install(|| nearest_neighbours(points, 4).unwrap());
        assert_eq!(one, three);
    }

    #[test]
    fn bad_requests_are_named() {
        let values = [0.0, 1.0, 2.0];
        let points = Points::new(&values, 1).unwrap();
        assert!(
            nearest_neighbours(points, 0)
                .unwrap_err()
                .to_string()
                .starts_with("k = 0")
        );
        let error = nearest_neighbours(points, 3).unwrap_err().to_string();
        assert!(error.contains("needs at least 4 points"), "{error}");
    }
}
