//! Exact nearest neighbours in few coordinates through a k-d tree.
//!
//! In up to [`TREE_DIMENSIONS`] coordinates the brute force's $n^2$ pairs
//! are wasted: a k-d tree (the `kiddo` crate's immutable tree, built once
//! on the centred, scaled points) finds each point's neighbours in about
//! $\log n$ steps. The answer is made identical to the brute force's: the
//! tree's $k + 1$ nearest give a radius $r$; every point within
//! $r (1 + 10^{-12})$ (the tree's squared distances and the exact ones are
//! sums of at most eight non-negative terms, equal to within a relative
//! $10 \epsilon$) is taken, its distance recomputed as $\sum_a (q_a - r_a)^2$,
//! and the $k$ nearest kept with ties broken by index. Queries run in
//! parallel; each depends only on the data, so the result does not depend
//! on the number of threads.

use std::num::NonZero;

use kiddo::{ImmutableKdTree, KdTree, SquaredEuclidean};
use rayon::prelude::*;

use crate::neighbours::Centred;

/// The most coordinates for which [`crate::nearest_neighbours`] uses the tree.
pub const TREE_DIMENSIONS: usize = 8;

/// Distances (unscaled) and indices of the `k` nearest neighbours of every
/// point, nearest first, as the brute force gives them.
pub(crate) fn tree_neighbours(centred: &Centred, k: usize) -> (Vec<f64>, Vec<u32>) {
    match centred.dimension() {
        1 => search::<1>(centred, k),
        2 => search::<2>(centred, k),
        3 => search::<3>(centred, k),
        4 => search::<4>(centred, k),
        5 => search::<5>(centred, k),
        6 => search::<6>(centred, k),
        7 => search::<7>(centred, k),
        8 => search::<8>(centred, k),
        d => unreachable!("the tree serves 1 to {TREE_DIMENSIONS} coordinates, not {d}"),
    }
}

fn search<const D: usize>(centred: &Centred, k: usize) -> (Vec<f64>, Vec<u32>) {
    let points: Vec<[f64; D]> = centred
        .values()
        .chunks_exact(D)
        .map(|row| row.try_into().expect("rows of D coordinates"))
        .collect();
    let n = points.len();
    let tree: ImmutableKdTree<f64, D> =
        KdTree::new_from_slice(&points).expect("a tree of at least two finite points");
    let count = NonZero::new(k + 1).expect("k + 1 > 0");
    let mut distances = vec![0.0; n * k];
    let mut indices = vec![0u32; n * k];
    distances
        .par_chunks_mut(k)
        .zip(indices.par_chunks_mut(k))
        .enumerate()
        .for_each(|(query, (distances, indices))| {
            let point = &points[query];
            let nearest = tree
                .query(point)
                .nearest_n::<SquaredEuclidean<f64>>(count)
                .execute();
            let radius = nearest.iter().fold(0.0f64, |r, x| r.max(x.distance));
            let within = tree
                .query(point)
                .within::<SquaredEuclidean<f64>>(radius * (1.0 + 1e-12))
                .execute();
            let mut exact: Vec<(f64, u32)> = within
                .iter()
                .filter(|x| x.item as usize != query)
                .map(|x| (centred.squared_distance(query, x.item as usize), x.item))
                .collect();
            exact.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (slot, &(d2, j)) in exact[..k].iter().enumerate() {
                distances[slot] = d2.sqrt() / centred.scale();
                indices[slot] = j;
            }
        });
    (distances, indices)
}
