//! Exact enumeration of binary perceptrons: all $2^N$ weight vectors of one
//! training set, visited in Gray-code order (one flip, two $O(P)$ passes,
//! per vector).
//!
//! What is kept is enough for every posterior average at every $\beta$:
//! per energy level $E$ (number of training errors, $0 \le E \le P$) the
//! number of weight vectors $n(E)$, the sums over them of the teacher
//! overlap $R(w)$ and of the generalisation error $\varepsilon(w)$, and of
//! every weight $w_i$. Then, with $Z(\beta) = \sum_E n(E)e^{-\beta E}$,
//! $$ \langle R\rangle_\beta = \frac{1}{Z}\sum_E e^{-\beta E}\sum_{w:E(w)=E} R(w),\qquad
//!    q = \frac1N\sum_i\langle w_i\rangle_\beta^2 , $$
//! the last being the overlap of two independent students drawn from the
//! posterior. $\beta = \infty$ is the version space ($E = 0$ only): the
//! number of solutions $n(0)$, the Gardner volume $n(0)/2^N$ and the
//! entropy $\frac1N\ln n(0)$.
//!
//! The $2^N$ vectors are split into $2^b$ blocks by their top $b$ bits
//! (a fixed $b$, not the thread count); blocks are enumerated in parallel
//! and their sums added in block order, so results do not depend on the
//! number of threads.

use super::binary::{BinaryPerceptron, WeightState};
use super::data::{TrainingSet, generalization_error};
use crate::error::{LearnError, parameter};
use quench_mc::moves::LocalMoves;
use rayon::prelude::*;
use serde::Serialize;

/// The largest $N$ enumerated ($2^{34} \approx 1.7\cdot10^{10}$ vectors, hours).
pub const MAX_DIMENSION: usize = 34;

/// Top bits that split the enumeration into blocks.
pub(crate) const BLOCK_BITS: usize = 6;

/// The exact enumeration of one training set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enumeration {
    /// $N$.
    pub dimension: usize,
    /// $P$.
    pub patterns: usize,
    /// $\kappa$.
    pub margin: f64,
    /// $n(E)$ for $E = 0, \dots, P$.
    pub counts: Vec<u64>,
    /// $\sum_{w:E(w)=E} R(w)$ per level (teacher labels only).
    pub teacher_overlap_sums: Option<Vec<f64>>,
    /// $\sum_{w:E(w)=E} \varepsilon(w)$ per level (teacher labels only).
    pub generalization_sums: Option<Vec<f64>>,
    /// $\sum_{w:E(w)=E} w_i$, level-major: entry `E * N + i`.
    pub weight_sums: Vec<f64>,
}

/// Posterior averages at one inverse temperature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Posterior {
    /// $\beta$ (`f64::INFINITY` for the version space).
    pub beta: f64,
    /// $\frac1N\ln Z$ ($Z = \sum_w e^{-\beta E(w)}$; at $\beta = \infty$ the entropy of solutions).
    pub free_entropy: f64,
    /// $\langle E\rangle$ (training errors).
    pub energy: f64,
    /// $\langle E^2\rangle - \langle E\rangle^2$.
    pub energy_variance: f64,
    /// $\langle R\rangle$, if there is a teacher.
    pub teacher_overlap: Option<f64>,
    /// $\langle\varepsilon\rangle = \langle\arccos R/\pi\rangle$ (Gibbs learning), if there is a teacher.
    pub generalization_error: Option<f64>,
    /// $q = \frac1N\sum_i\langle w_i\rangle^2$.
    pub student_overlap: f64,
}

/// Sums of one block.
struct Block {
    counts: Vec<u64>,
    overlap: Vec<f64>,
    error: Vec<f64>,
    weights: Vec<f64>,
}

/// Enumerates every binary weight vector of `data` with margin `margin`.
/// Refuses $N >$ [`MAX_DIMENSION`].
pub fn enumerate(data: &TrainingSet, margin: f64) -> Result<Enumeration, LearnError> {
    let n = check_dimension(data.dimension())?;
    let perceptron = BinaryPerceptron::new(data, margin)?;
    let p = data.patterns();
    let teacher = data.teacher().map(|t| {
        let norm = (t.iter().map(|x| x * x).sum::<f64>() * n as f64).sqrt();
        (t, norm)
    });
    let block_bits = BLOCK_BITS.min(n);
    let low_bits = n - block_bits;
    let blocks: Vec<Block> = (0..1u64 << block_bits)
        .into_par_iter()
        .map(|block| {
            let mut sums = Block {
                counts: vec![0; p + 1],
                overlap: vec![0.0; if teacher.is_some() { p + 1 } else { 0 }],
                error: vec![0.0; if teacher.is_some() { p + 1 } else { 0 }],
                weights: vec![0.0; (p + 1) * n],
            };
            let mut state = perceptron
                .state(block_start(n, low_bits, block))
                .expect("weights are ±1");
            let mut dot = teacher.map_or(0.0, |(t, _)| dot_binary(&state, t));
            let mut visit = |state: &WeightState, dot: f64| {
                let e = state.violations as usize;
                sums.counts[e] += 1;
                if let Some((_, norm)) = teacher {
                    let r = dot / norm;
                    sums.overlap[e] += r;
                    sums.error[e] += generalization_error(r);
                }
                let row = &mut sums.weights[e * n..(e + 1) * n];
                for (s, &w) in row.iter_mut().zip(&state.weights) {
                    *s += f64::from(w);
                }
            };
            visit(&state, dot);
            for k in 1u64..1 << low_bits {
                let site = k.trailing_zeros() as usize;
                if let Some((t, _)) = teacher {
                    dot -= 2.0 * f64::from(state.weights[site]) * t[site];
                }
                let change = perceptron.change(&state, site);
                perceptron.apply(&mut state, site, change);
                visit(&state, dot);
            }
            sums
        })
        .collect();
    let mut total = Enumeration {
        dimension: n,
        patterns: p,
        margin,
        counts: vec![0; p + 1],
        teacher_overlap_sums: teacher.map(|_| vec![0.0; p + 1]),
        generalization_sums: teacher.map(|_| vec![0.0; p + 1]),
        weight_sums: vec![0.0; (p + 1) * n],
    };
    for block in blocks {
        add(&mut total.counts, &block.counts);
        if let Some(sums) = &mut total.teacher_overlap_sums {
            add_real(sums, &block.overlap);
        }
        if let Some(sums) = &mut total.generalization_sums {
            add_real(sums, &block.error);
        }
        add_real(&mut total.weight_sums, &block.weights);
    }
    Ok(total)
}

/// Refuses $N >$ [`MAX_DIMENSION`] weights.
pub(crate) fn check_dimension(n: usize) -> Result<usize, LearnError> {
    if n > MAX_DIMENSION {
        return Err(parameter(
            "dimension",
            n,
            format!("at most {MAX_DIMENSION} weights for exact enumeration (2^N vectors)"),
        ));
    }
    Ok(n)
}

/// The first weight vector of enumeration block `block`: the low
/// `low_bits` weights $-1$, the top ones the bits of the block index.
pub(crate) fn block_start(n: usize, low_bits: usize, block: u64) -> Vec<i8> {
    (0..n)
        .map(|i| {
            if i >= low_bits && (block >> (i - low_bits)) & 1 == 1 {
                1
            } else {
                -1
            }
        })
        .collect()
}

fn dot_binary(state: &WeightState, teacher: &[f64]) -> f64 {
    state
        .weights
        .iter()
        .zip(teacher)
        .map(|(&w, &t)| f64::from(w) * t)
        .sum()
}

fn add(total: &mut [u64], part: &[u64]) {
    total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
}

fn add_real(total: &mut [f64], part: &[f64]) {
    total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
}

impl Enumeration {
    /// The number of solutions (weight vectors with no training error).
    pub fn solutions(&self) -> u64 {
        self.counts[0]
    }

    /// The Gardner volume of binary weights: the fraction $n(0)/2^N$ of solutions.
    pub fn volume(&self) -> f64 {
        self.counts[0] as f64 / (self.dimension as f64).exp2()
    }

    /// $\frac1N\ln n(0)$ ($-\infty$ without solutions; $\ln 2$ without data).
    pub fn entropy(&self) -> f64 {
        (self.counts[0] as f64).ln() / self.dimension as f64
    }

    /// Posterior averages at inverse temperature `beta` ($> 0$;
    /// `f64::INFINITY` for the version space, which needs a solution).
    pub fn posterior(&self, beta: f64) -> Result<Posterior, LearnError> {
        if beta.is_nan() || beta <= 0.0 {
            return Err(parameter(
                "beta",
                beta,
                "a number > 0 (inf for the version space)",
            ));
        }
        let n = self.dimension;
        // Boltzmann weights relative to the lowest occupied level, so that
        // large beta neither overflows nor underflows to 0/0.
        let ground = self
            .counts
            .iter()
            .position(|&c| c > 0)
            .expect("2^N vectors fill some level");
        if beta.is_infinite() && ground > 0 {
            return Err(parameter(
                "beta",
                beta,
                format!(
                    "a finite number: this training set has no solution (at best {ground} errors)"
                ),
            ));
        }
        let factor = |e: usize| -> f64 {
            if beta.is_infinite() {
                if e == ground { 1.0 } else { 0.0 }
            } else {
                (-beta * (e - ground) as f64).exp()
            }
        };
        let mut z = 0.0;
        let (mut e1, mut e2) = (0.0, 0.0);
        let (mut r, mut eps) = (0.0, 0.0);
        let mut m = vec![0.0; n];
        for (e, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let b = factor(e);
            if b == 0.0 {
                continue;
            }
            let weight = b * count as f64;
            z += weight;
            e1 += weight * e as f64;
            e2 += weight * (e * e) as f64;
            if let Some(sums) = &self.teacher_overlap_sums {
                r += b * sums[e];
            }
            if let Some(sums) = &self.generalization_sums {
                eps += b * sums[e];
            }
            for (mi, s) in m.iter_mut().zip(&self.weight_sums[e * n..(e + 1) * n]) {
                *mi += b * s;
            }
        }
        let energy = e1 / z;
        let log_z = if beta.is_infinite() {
            z.ln()
        } else {
            z.ln() - beta * ground as f64
        };
        Ok(Posterior {
            beta,
            free_entropy: log_z / n as f64,
            energy,
            energy_variance: (e2 / z - energy * energy).max(0.0),
            teacher_overlap: self.teacher_overlap_sums.as_ref().map(|_| r / z),
            generalization_error: self.generalization_sums.as_ref().map(|_| eps / z),
            student_overlap: m.iter().map(|x| (x / z) * (x / z)).sum::<f64>() / n as f64,
        })
    }
}
