//! Nearest neighbours of every point: blocked brute force through matrix
//! products, in single precision with an exact recheck.
//!
//! For a query block $Q$ and a reference block $R$ the squared distances are
//! $$\lVert q - r \rVert^2 = \lVert q \rVert^2 + \lVert r \rVert^2 - 2\\, q \cdot r,$$
//! with all the products $q \cdot r$ of the two blocks from one `sgemm`
//! (the `matrixmultiply` crate, vectorised for the machine it runs on),
//! twice the throughput of `dgemm`. The points are centred and scaled by a
//! power of two (exactly) so that no coordinate exceeds one; then every
//! single-precision squared distance $\tilde d^2$ is within
//! $$\delta = 1.1\\, (D + 16)\\, 2^{-24} \left(\lVert q \rVert^2 + \max_r \lVert r \rVert^2\right)$$
//! of the exact one (the rounding of the coordinates, of a $D$-term dot
//! product in any order, and of the sum). If $A_k$ is the $k$-th smallest
//! $\tilde d^2$, every one of the $k$ exact nearest neighbours has
//! $\tilde d^2 \le A_k + 2\delta$: those candidates are kept, their
//! distances recomputed exactly in double precision as
//! $\sum_a (q_a - r_a)^2$, and the $k$ nearest taken, ties broken by index.
//! The neighbours and distances handed out are therefore exact.
//!
//! The cost is $n^2 D$ multiply-adds and $n^2$ comparisons; it is the right
//! method in the dimensions where the estimators are used (tens to
//! thousands of coordinates), where trees lose their advantage. In up to
//! [`crate::tree::TREE_DIMENSIONS`] coordinates a k-d tree answers instead
//! ([`crate::tree`]), with the same exact distances and tie-breaking. Query blocks
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

/// The points centred on their mean and scaled by a power of two (largest
/// coordinate in $[1/2, 1)$), with their squared norms: what the blocked
/// products work on.
pub(crate) struct Centred {
    values: Vec<f64>,
    norms: Vec<f64>,
    dimension: usize,
    scale: f64,
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
        // The mean as a sum of x/n, which cannot overflow.
        let mut mean = vec![0.0; dimension];
        let count = n.max(1) as f64;
        for row in points.values().chunks_exact(dimension) {
            for (m, x) in mean.iter_mut().zip(row) {
                *m += x / count;
            }
        }
        let mut values = Vec::with_capacity(n * dimension);
        for row in points.values().chunks_exact(dimension) {
            values.extend(row.iter().zip(&mean).map(|(x, m)| x - m));
        }
        // Scaled by 2^-e so that the largest coordinate is in [0.5, 1):
        // exact, and neither squares nor single-precision copies underflow
        // or overflow (e clamped so that 2^-e stays finite).
        let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = if largest > 0.0 && largest.is_finite() {
            2f64.powi(-(largest.log2().floor() as i32 + 1).clamp(-1000, 1000))
        } else {
            1.0
        };
        values.iter_mut().for_each(|v| *v *= scale);
        let norms = values
            .chunks_exact(dimension)
            .map(|row| row.iter().map(|y| y * y).sum())
            .collect();
        Ok(Self {
            values,
            norms,
            dimension,
            scale,
        })
    }

    /// The power of two the centred coordinates were multiplied by: a
    /// distance between them divided by it is a distance between the points.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    pub(crate) fn norms(&self) -> &[f64] {
        &self.norms
    }

    /// The centred, scaled coordinates, row after row.
    pub(crate) fn values(&self) -> &[f64] {
        &self.values
    }

    /// Coordinates per point.
    pub(crate) fn dimension(&self) -> usize {
        self.dimension
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
        block_products(&self.values, self.dimension, queries, references, out);
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
const QUERY_BLOCK: usize = 128;

/// Products tested at once for a candidate.
const CHUNK: usize = 16;

/// The `k` nearest neighbours of every point of `points`: by a k-d tree in
/// up to [`crate::tree::TREE_DIMENSIONS`] coordinates, by the blocked brute
/// force above (the same answer, bit for bit).
///
/// Refuses `k = 0`, fewer than `k + 1` points, more than $2^{32} - 1$ points
/// and tables larger than [`MEMORY_LIMIT`], before allocating them.
pub fn nearest_neighbours(points: Points<'_>, k: usize) -> Result<Neighbours, GeometryError> {
    nearest_neighbours_with(points, k, Search::Automatic)
}

/// How [`nearest_neighbours_with`] searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// The tree in few coordinates, the brute force otherwise.
    Automatic,
    /// The blocked brute force in any dimension.
    BruteForce,
}

/// [`nearest_neighbours`] with the search chosen (for tests and benchmarks:
/// both give the same neighbours and distances).
pub fn nearest_neighbours_with(
    points: Points<'_>,
    k: usize,
    search: Search,
) -> Result<Neighbours, GeometryError> {
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
    if search == Search::Automatic && centred.dimension() <= crate::tree::TREE_DIMENSIONS {
        let (distances, indices) = crate::tree::tree_neighbours(&centred, k);
        return Ok(Neighbours {
            k,
            distances,
            indices,
        });
    }
    let single = Single::new(&centred);
    let mut distances = vec![0.0; n * k];
    let mut indices = vec![0u32; n * k];
    let reference_block = centred.reference_block();
    distances
        .par_chunks_mut(QUERY_BLOCK * k)
        .zip(indices.par_chunks_mut(QUERY_BLOCK * k))
        .enumerate()
        .for_each(|(block, (distances, indices))| {
            let start = block * QUERY_BLOCK;
            let queries = start..(start + QUERY_BLOCK).min(n);
            let mut products = vec![0.0f32; QUERY_BLOCK * reference_block];
            // Per query: the k smallest single-precision distances, and the
            // candidates within 2δ of the k-th.
            let mut smallest = vec![f32::INFINITY; queries.len() * k];
            let mut candidates: Vec<Vec<(f32, u32)>> = vec![Vec::new(); queries.len()];
            for reference_start in (0..n).step_by(reference_block) {
                let references = reference_start..(reference_start + reference_block).min(n);
                let width = references.len();
                single.products(queries.clone(), references, &mut products);
                let norms = &single.norms[reference_start..reference_start + width];
                for (row, query) in queries.clone().enumerate() {
                    // In units of t = |r|² − 2 q·r (|q|² is the same for
                    // every candidate of this query).
                    let top = &mut smallest[row * k..(row + 1) * k];
                    let list = &mut candidates[row];
                    let slack = single.slack(query);
                    let mut bound = top[k - 1] + slack;
                    let row_products = &products[row * width..(row + 1) * width];
                    for (chunk, (products, norms)) in row_products
                        .chunks(CHUNK)
                        .zip(norms.chunks(CHUNK))
                        .enumerate()
                    {
                        // A branch-free test of the whole chunk first: after
                        // the first blocks almost no chunk holds a candidate.
                        let hit = products
                            .iter()
                            .zip(norms)
                            .fold(false, |hit, (&p, &r)| hit | (r - 2.0 * p <= bound));
                        if !hit {
                            continue;
                        }
                        for (offset, (&p, &r)) in products.iter().zip(norms).enumerate() {
                            let t = r - 2.0 * p;
                            if t <= bound {
                                let reference = reference_start + chunk * CHUNK + offset;
                                if reference == query {
                                    continue;
                                }
                                list.push((t, reference as u32));
                                if t < top[k - 1] {
                                    insert_smallest(top, t);
                                    bound = top[k - 1] + slack;
                                }
                            }
                        }
                    }
                    if list.len() > 8 * k + 64 {
                        list.retain(|&(t, _)| t <= bound);
                    }
                }
            }
            // Exact distances for the candidates, sorted with ties by index.
            for (row, query) in queries.enumerate() {
                let bound = smallest[(row + 1) * k - 1] + single.slack(query);
                let mut exact: Vec<(f64, u32)> = candidates[row]
                    .iter()
                    .filter(|&&(d2, _)| d2 <= bound)
                    .map(|&(_, j)| (centred.squared_distance(query, j as usize), j))
                    .collect();
                exact.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                for (slot, &(d2, j)) in exact[..k].iter().enumerate() {
                    distances[row * k + slot] = d2.sqrt() / centred.scale();
                    indices[row * k + slot] = j;
                }
            }
        });
    Ok(Neighbours {
        k,
        distances,
        indices,
    })
}

/// The centred, scaled points in single precision (no coordinate above
/// one), with their squared norms and the error bound.
struct Single {
    values: Vec<f32>,
    norms: Vec<f32>,
    dimension: usize,
    /// $2 \cdot 1.1 (D + 16) 2^{-24}$, in units of the scaled squared norms.
    relative: f32,
    largest_norm: f32,
}

impl Single {
    fn new(centred: &Centred) -> Self {
        let values: Vec<f32> = centred.values.iter().map(|&v| v as f32).collect();
        let norms: Vec<f32> = values
            .chunks_exact(centred.dimension)
            .map(|row| {
                row.iter()
                    .map(|&x| f64::from(x) * f64::from(x))
                    .sum::<f64>() as f32
            })
            .collect();
        let largest_norm = norms.iter().fold(0.0f32, |m, &v| m.max(v));
        let epsilon = f32::EPSILON / 2.0;
        Self {
            values,
            norms,
            dimension: centred.dimension,
            relative: 2.0 * 1.1 * (centred.dimension as f32 + 16.0) * epsilon,
            largest_norm,
        }
    }

    /// $2\delta$ for `query`: how far above the k-th smallest
    /// single-precision distance an exact neighbour can lie.
    fn slack(&self, query: usize) -> f32 {
        self.relative * (self.norms[query] + self.largest_norm)
    }

    /// `out[i * references.len() + j]` = $x_{q_i} \cdot x_{r_j}$ in single
    /// precision.
    fn products(&self, queries: Range<usize>, references: Range<usize>, out: &mut [f32]) {
        block_products(&self.values, self.dimension, queries, references, out);
    }
}

/// The element types `matrixmultiply` multiplies.
trait Gemm: Copy {
    /// $C = A B$ for row-major $A$ ($m \times d$) and $B$ given by its
    /// strides; see [`block_products`].
    ///
    /// # Safety
    ///
    /// The pointers and strides must describe matrices inside their
    /// allocations, as `matrixmultiply`'s `sgemm` and `dgemm` require.
    unsafe fn gemm(m: usize, d: usize, n: usize, a: *const Self, b: *const Self, c: *mut Self);
}

impl Gemm for f32 {
    unsafe fn gemm(m: usize, d: usize, n: usize, a: *const f32, b: *const f32, c: *mut f32) {
        // SAFETY: forwarded from the caller.
        unsafe {
            matrixmultiply::sgemm(
                m, d, n, 1.0, a, d as isize, 1, b, 1, d as isize, 0.0, c, n as isize, 1,
            )
        }
    }
}

impl Gemm for f64 {
    unsafe fn gemm(m: usize, d: usize, n: usize, a: *const f64, b: *const f64, c: *mut f64) {
        // SAFETY: forwarded from the caller.
        unsafe {
            matrixmultiply::dgemm(
                m, d, n, 1.0, a, d as isize, 1, b, 1, d as isize, 0.0, c, n as isize, 1,
            )
        }
    }
}

/// `out[i * references.len() + j]` = $x_{q_i} \cdot x_{r_j}$ for rows of
/// `dimension` values.
fn block_products<T: Gemm>(
    values: &[T],
    dimension: usize,
    queries: Range<usize>,
    references: Range<usize>,
    out: &mut [T],
) {
    let (m, n, d) = (queries.len(), references.len(), dimension);
    assert!(out.len() >= m * n);
    if m == 0 || n == 0 {
        return;
    }
    let a = &values[queries.start * d..queries.end * d];
    let b = &values[references.start * d..references.end * d];
    // SAFETY: `a` holds m rows of d values (row stride d), `b` read as a
    // d × n matrix with row stride 1 and column stride d is the n rows of d
    // values it holds, and `out` holds at least m × n values written with row
    // stride n; the slices do not overlap.
    unsafe { T::gemm(m, d, n, a.as_ptr(), b.as_ptr(), out.as_mut_ptr()) }
}

/// Inserts `d2` into the ascending list `top`, dropping its last entry.
fn insert_smallest(top: &mut [f32], d2: f32) {
    let mut slot = top.len() - 1;
    while slot > 0 && top[slot - 1] > d2 {
        top[slot] = top[slot - 1];
        slot -= 1;
    }
    top[slot] = d2;
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
            let (distances, indices) = naive(&values, d, k);
            for search in [Search::Automatic, Search::BruteForce] {
                let found = nearest_neighbours_with(points, k, search).unwrap();
                assert_eq!(found.indices, indices, "n = {n}, d = {d}, {search:?}");
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
    }

    /// The tree and the brute force give the same neighbours and the same
    /// distances, bit for bit, in every dimension the tree serves, on
    /// continuous data and on an integer grid full of ties and duplicates.
    #[test]
    fn the_tree_and_the_brute_force_agree_bit_for_bit() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(12);
        for d in 1..=crate::tree::TREE_DIMENSIONS {
            for grid in [false, true] {
                let n = 1500;
                let values: Vec<f64> = (0..n * d)
                    .map(|_| {
                        if grid {
                            f64::from(rng.random_range(0..5u32))
                        } else {
                            rng.random::<f64>() - 0.3
                        }
                    })
                    .collect();
                let points = Points::new(&values, d).unwrap();
                let tree = nearest_neighbours(points, 4).unwrap();
                let brute = nearest_neighbours_with(points, 4, Search::BruteForce).unwrap();
                assert_eq!(tree, brute, "d = {d}, grid = {grid}");
            }
        }
    }

    /// Points of an integer grid have many equal distances: the
    /// single-precision pass must keep every tie for the exact recheck.
    #[test]
    fn ties_on_a_grid_are_broken_by_index_as_in_the_naive_search() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(6);
        let (n, d, k) = (900, 3, 6);
        let values: Vec<f64> = (0..n * d)
            .map(|_| f64::from(rng.random_range(0..12u32)))
            .collect();
        let (distances, indices) = naive(&values, d, k);
        for search in [Search::Automatic, Search::BruteForce] {
            let found =
                nearest_neighbours_with(Points::new(&values, d).unwrap(), k, search).unwrap();
            assert_eq!(found.indices, indices, "{search:?}");
            assert_eq!(found.distances, distances, "{search:?}");
        }
    }

    /// Coordinates near the ends of the double-precision range: the
    /// power-of-two scaling keeps the single-precision pass finite.
    #[test]
    fn extreme_scales_give_the_naive_neighbours() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(8);
        for scale in [1e-305, 1e300] {
            let values: Vec<f64> = (0..200 * 4).map(|_| scale * rng.random::<f64>()).collect();
            let found = nearest_neighbours(Points::new(&values, 4).unwrap(), 3).unwrap();
            // The naive search on values of order one (its squares would
            // underflow or overflow at the extreme scales).
            let unit: Vec<f64> = values.iter().map(|v| v / scale).collect();
            let (distances, indices) = naive(&unit, 4, 3);
            assert_eq!(found.indices, indices, "scale {scale}");
            for (a, b) in found.distances.iter().zip(&distances) {
                assert!(
                    (a / scale - b).abs() <= 1e-12 * b,
                    "{a} against {b} × {scale}"
                );
            }
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
