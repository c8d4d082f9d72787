//! Exact sums over the $2^N$ configurations of a fully visible machine:
//! $\ln Z$ and the moments (hence the exact learning gradient), the Fisher
//! information (hence the Cramér–Rao bound of maximum likelihood), and exact
//! samples.
//!
//! The states are visited in blocks of $2^{12}$ (the high bits fixed, the
//! low bits in Gray code order, each state one spin flip and one $O(N)$
//! update of the local fields from the last). Each block's states, weighted
//! by $\sqrt{w}$ relative to the block's largest weight, form the rows of a
//! matrix $\Phi$ whose Gram matrix $\Phi^\top\Phi$ (one matrix product) is the
//! block's sum of $w\\,\phi\phi^\top$. Blocks run in parallel and are combined
//! in their order, so no result depends on the thread count.

use nalgebra::DMatrix;
use ndarray::{Array2, linalg::general_mat_mul};
use rand::{Rng, RngExt};
use rayon::prelude::*;

use super::{FullyVisible, SpinMoments};
use crate::error::{LearnError, parameter};
use quench_core::Spin;

/// The most spins whose $2^N$ states are summed over (16.7 million states).
pub const MAX_VISIBLE_EXACT: usize = 24;

/// The most spins whose $2^N$ probabilities are tabulated for exact sampling.
pub const MAX_VISIBLE_SAMPLED: usize = 22;

/// The most spins whose Fisher information (a matrix of side
/// $N(N+1)/2$, summed over $2^N$ states) is computed.
pub const MAX_VISIBLE_FISHER: usize = 20;

const BLOCK_BITS: usize = 12;

fn check_size(machine: &FullyVisible, limit: usize, what: &str) -> Result<(), LearnError> {
    if machine.n() > limit {
        return Err(parameter(
            "n",
            machine.n(),
            format!("at most {limit} spins for {what} (2^N states)"),
        ));
    }
    Ok(())
}

/// Visits the states of block `block` (high bits) in Gray code order:
/// `visit(state index, exponent, spins as ±1.0)`.
fn visit_block(machine: &FullyVisible, block: usize, mut visit: impl FnMut(usize, f64, &[f64])) {
    let n = machine.n();
    let low = n.min(BLOCK_BITS);
    let j = machine.couplings();
    let h = machine.fields();
    let first = block << low;
    let mut spins: Vec<f64> = (0..n)
        .map(|i| if first >> i & 1 == 1 { 1.0 } else { -1.0 })
        .collect();
    let mut local: Vec<f64> = (0..n)
        .map(|i| {
            let row = &j[i * n..(i + 1) * n];
            row.iter().zip(&spins).map(|(a, s)| a * s).sum()
        })
        .collect();
    let mut exponent: f64 = (0..n).map(|i| spins[i] * (0.5 * local[i] + h[i])).sum();
    visit(first, exponent, &spins);
    for step in 1usize..1 << low {
        let k = step.trailing_zeros() as usize;
        exponent -= 2.0 * spins[k] * (local[k] + h[k]);
        spins[k] = -spins[k];
        let change = 2.0 * spins[k];
        let column = &j[k * n..(k + 1) * n];
        for (field, coupling) in local.iter_mut().zip(column) {
            *field += change * coupling;
        }
        visit(first | (step ^ (step >> 1)), exponent, &spins);
    }
}

/// Sums of one block relative to its largest exponent.
struct BlockSums {
    largest: f64,
    weight: f64,
    first: Vec<f64>,
    second: Array2<f64>,
}

/// $\ln Z$, $\langle\phi\rangle$ and $\langle\phi\phi^\top\rangle$ for the
/// features `fill(spins, row)` of length `features`.
fn feature_sums(
    machine: &FullyVisible,
    features: usize,
    fill: impl Fn(&[f64], &mut [f64]) + Sync,
) -> (f64, Vec<f64>, Array2<f64>) {
    let n = machine.n();
    let low = n.min(BLOCK_BITS);
    let blocks = 1usize << (n - low);
    let sums: Vec<BlockSums> = (0..blocks)
        .into_par_iter()
        .map(|block| {
            let mut exponents = Vec::with_capacity(1 << low);
            let mut rows = Array2::<f64>::zeros((1 << low, features));
            let mut index = 0;
            visit_block(machine, block, |_, exponent, spins| {
                exponents.push(exponent);
                fill(
                    spins,
                    rows.row_mut(index).as_slice_mut().expect("contiguous row"),
                );
                index += 1;
            });
            let largest = exponents.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let mut weight = 0.0;
            let mut first = vec![0.0; features];
            for (mut row, exponent) in rows.rows_mut().into_iter().zip(&exponents) {
                let w = (exponent - largest).exp();
                weight += w;
                for (total, value) in first.iter_mut().zip(row.iter()) {
                    *total += w * value;
                }
                let root = w.sqrt();
                row.mapv_inplace(|v| v * root);
            }
            let mut second = Array2::<f64>::zeros((features, features));
            general_mat_mul(1.0, &rows.t(), &rows, 0.0, &mut second);
            BlockSums {
                largest,
                weight,
                first,
                second,
            }
        })
        .collect();
    let largest = sums
        .iter()
        .map(|s| s.largest)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut weight = 0.0;
    let mut first = vec![0.0; features];
    let mut second = Array2::<f64>::zeros((features, features));
    for block in &sums {
        let scale = (block.largest - largest).exp();
        weight += scale * block.weight;
        for (total, value) in first.iter_mut().zip(&block.first) {
            *total += scale * value;
        }
        second.scaled_add(scale, &block.second);
    }
    let log_partition = largest + weight.ln();
    first.iter_mut().for_each(|v| *v /= weight);
    second.mapv_inplace(|v| v / weight);
    (log_partition, first, second)
}

/// The exact $\ln Z$ and moments $\langle s_i\rangle$, $\langle s_is_j\rangle$
/// of the machine (at most [`MAX_VISIBLE_EXACT`] spins).
pub fn log_partition_and_moments(machine: &FullyVisible) -> Result<(f64, SpinMoments), LearnError> {
    check_size(machine, MAX_VISIBLE_EXACT, "exact sums")?;
    let n = machine.n();
    let (log_partition, first, second) =
        feature_sums(machine, n, |spins, row| row.copy_from_slice(spins));
    let mut correlations: Vec<f64> = second.iter().copied().collect();
    for i in 0..n {
        correlations[i * n + i] = 1.0;
    }
    Ok((
        log_partition,
        SpinMoments {
            magnetisations: first,
            correlations,
        },
    ))
}

/// The Fisher information of the machine's $N(N+1)/2$ parameters: the
/// covariance of the sufficient statistics $\phi = (s_i;\\, s_is_j, i<j)$.
#[derive(Debug, Clone, PartialEq)]
pub struct FisherInformation {
    n: usize,
    matrix: DMatrix<f64>,
}

impl FisherInformation {
    /// The matrix, fields first then the pairs $i<j$ in row order.
    pub fn matrix(&self) -> &DMatrix<f64> {
        &self.matrix
    }

    /// $\operatorname{tr}(F^{-1})$ over the couplings: $M$ times the
    /// asymptotic $\mathbb E\sum_{i<j}(\hat J_{ij} - J_{ij})^2$ of the
    /// maximum-likelihood estimate from $M$ independent configurations (the
    /// Cramér–Rao bound, reached by maximum likelihood as $M\to\infty$).
    /// `None` when $F$ is singular.
    pub fn coupling_variance(&self) -> Option<f64> {
        let inverse = self.matrix.clone().cholesky()?.inverse();
        Some((self.n..inverse.nrows()).map(|k| inverse[(k, k)]).sum())
    }
}

/// The exact Fisher information of the machine (at most
/// [`MAX_VISIBLE_FISHER`] spins).
pub fn fisher_information(machine: &FullyVisible) -> Result<FisherInformation, LearnError> {
    check_size(machine, MAX_VISIBLE_FISHER, "the Fisher information")?;
    let n = machine.n();
    let features = n + n * (n - 1) / 2;
    let (_, first, second) = feature_sums(machine, features, |spins, row| {
        row[..n].copy_from_slice(spins);
        let mut k = n;
        for i in 0..n {
            for j in i + 1..n {
                row[k] = spins[i] * spins[j];
                k += 1;
            }
        }
    });
    let matrix = DMatrix::from_fn(features, features, |a, b| {
        second[(a, b)] - first[a] * first[b]
    });
    Ok(FisherInformation { n, matrix })
}

/// Exact, independent samples of a machine of at most
/// [`MAX_VISIBLE_SAMPLED`] spins, from the cumulative table of its $2^N$
/// probabilities.
#[derive(Debug, Clone)]
pub struct ExactVisibleSampler {
    n: usize,
    cumulative: Vec<f64>,
}

impl ExactVisibleSampler {
    /// Tabulates the machine's probabilities.
    pub fn new(machine: &FullyVisible) -> Result<Self, LearnError> {
        check_size(machine, MAX_VISIBLE_SAMPLED, "exact sampling")?;
        let n = machine.n();
        let low = n.min(BLOCK_BITS);
        let mut exponents = vec![0.0; 1 << n];
        exponents
            .par_chunks_mut(1 << low)
            .enumerate()
            .for_each(|(block, chunk)| {
                visit_block(machine, block, |state, exponent, _| {
                    chunk[state & ((1 << low) - 1)] = exponent;
                });
            });
        let largest = exponents.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        let cumulative = exponents
            .iter()
            .map(|e| {
                total += (e - largest).exp();
                total
            })
            .collect();
        Ok(Self { n, cumulative })
    }

    /// One configuration into `spins` (length $N$).
    pub fn sample(&self, spins: &mut [Spin], rng: &mut impl Rng) {
        let total = *self.cumulative.last().expect("2^N >= 4 states");
        let u = rng.random::<f64>() * total;
        let state = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.cumulative.len() - 1);
        for (i, s) in spins.iter_mut().enumerate().take(self.n) {
            *s = if state >> i & 1 == 1 { 1 } else { -1 };
        }
    }

    /// `rows` configurations, row-major.
    pub fn samples(&self, rows: usize, rng: &mut impl Rng) -> Vec<Spin> {
        let mut spins = vec![0; rows * self.n];
        for row in spins.chunks_exact_mut(self.n) {
            self.sample(row, rng);
        }
        spins
    }
}
