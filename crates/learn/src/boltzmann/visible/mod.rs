//! Fully visible Boltzmann machines and the inverse Ising problem.
//!
//! The machine is an Ising model on $N$ spins $s_i = \pm1$ whose couplings
//! and fields are learned, with the inverse temperature absorbed:
//!
//! $$ p(s) = \frac1Z\exp\Big(\sum_{i<j}J_{ij}s_is_j + \sum_i h_is_i\Big). $$
//!
//! Its mean log-likelihood over data depends on the data only through
//! $m_i = \langle s_i\rangle_\text{data}$ and
//! $c_{ij} = \langle s_is_j\rangle_\text{data}$ ([`SpinMoments`]):
//! $\mathcal L = \sum_{i<j}J_{ij}c_{ij} + \sum_ih_im_i - \ln Z$, whose gradient is
//! the Ackley–Hinton–Sejnowski rule
//! $\partial\mathcal L/\partial J_{ij} = \langle s_is_j\rangle_\text{data} - \langle s_is_j\rangle_\text{model}$.
//!
//! ```text
//! configurations (rows of ±1) ──SpinMoments::from_configurations──> m, <s s>
//!   ├─ boltzmann_learning(moments, FullyVisible, LearningOptions)      (learning)
//!   │    model moments exact (enumeration, N <= 24: log_partition_and_moments)
//!   │    or Monte Carlo (persistent parallel-tempering chains of quench-mc)
//!   ├─ pseudo_likelihood(configurations, PseudoLikelihoodOptions)      (pseudo)
//!   └─ quench_theory::inverse: naive mean field, TAP (from m and C = <s s> - m m)
//! FullyVisible ──fisher_information──> the Cramér–Rao bound of the MLE   (enumeration)
//!              ──ExactVisibleSampler──> independent exact configurations
//! ```

mod enumeration;
mod learning;
mod pseudo;
#[cfg(test)]
mod tests;

pub use enumeration::{
    ExactVisibleSampler, FisherInformation, MAX_VISIBLE_EXACT, MAX_VISIBLE_FISHER,
    MAX_VISIBLE_SAMPLED, fisher_information, log_partition_and_moments,
};
pub use learning::{
    LearningOptions, LearningOutcome, ModelMoments, MonteCarloMoments, boltzmann_learning,
    visible_log_likelihood,
};
pub use pseudo::{PseudoLikelihoodOptions, pseudo_likelihood};

use ndarray::ArrayView2;
use quench_core::{Sample, Spin};
use serde::{Deserialize, Serialize};

use crate::error::{LearnError, parameter};

/// A fully visible Boltzmann machine: symmetric couplings (zero diagonal) and fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FullyVisible {
    n: usize,
    couplings: Vec<f64>,
    fields: Vec<f64>,
}

impl FullyVisible {
    /// The machine of $N$ independent unbiased spins ($J = 0$, $h = 0$).
    pub fn zeros(n: usize) -> Result<Self, LearnError> {
        if n < 2 {
            return Err(parameter("n", n, "at least 2 spins"));
        }
        Ok(Self {
            n,
            couplings: vec![0.0; n * n],
            fields: vec![0.0; n],
        })
    }

    /// A machine from row-major couplings (symmetric, zero diagonal, finite) and fields.
    pub fn from_parameters(couplings: Vec<f64>, fields: Vec<f64>) -> Result<Self, LearnError> {
        let n = fields.len();
        let mut machine = Self::zeros(n)?;
        if couplings.len() != n * n {
            return Err(parameter(
                "couplings",
                format!("{} entries", couplings.len()),
                format!("N * N = {} entries", n * n),
            ));
        }
        for i in 0..n {
            for j in 0..=i {
                let (a, b) = (couplings[i * n + j], couplings[j * n + i]);
                if !a.is_finite() || a != b || (i == j && a != 0.0) {
                    return Err(parameter(
                        "couplings",
                        format!("J[{i}][{j}] = {a}, J[{j}][{i}] = {b}"),
                        "a finite symmetric matrix with zero diagonal",
                    ));
                }
            }
        }
        if let Some(h) = fields.iter().find(|h| !h.is_finite()) {
            return Err(parameter("fields", h, "finite numbers"));
        }
        machine.couplings = couplings;
        machine.fields = fields;
        Ok(machine)
    }

    /// The machine whose Boltzmann measure is that of `sample` at inverse
    /// temperature `beta`: $J = \beta J^*$, $h = \beta h^*$.
    pub fn from_sample(sample: &Sample, beta: f64) -> Result<Self, LearnError> {
        let n = sample.n();
        let mut couplings = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    couplings[i * n + j] = beta * sample.coupling(i, j);
                }
            }
        }
        let fields = sample.fields().iter().map(|h| beta * h).collect();
        Self::from_parameters(couplings, fields)
    }

    /// The machine as a quench sample at $T = 1$ (its energy is minus the exponent).
    pub fn to_sample(&self) -> Sample {
        Sample::dense(self.n, self.couplings.clone(), self.fields.clone())
            .expect("a machine's couplings are symmetric and finite with zero diagonal")
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        self.n
    }

    /// $J_{ij}$, row-major.
    pub fn couplings(&self) -> &[f64] {
        &self.couplings
    }

    /// $h_i$.
    pub fn fields(&self) -> &[f64] {
        &self.fields
    }

    /// $\sum_{i<j}J_{ij}s_is_j + \sum_ih_is_i$ of one configuration.
    pub fn exponent(&self, spins: &[Spin]) -> f64 {
        let n = self.n;
        let mut total = 0.0;
        for i in 0..n {
            let si = f64::from(spins[i]);
            let row = &self.couplings[i * n..i * n + i];
            let field: f64 = row.iter().zip(spins).map(|(j, &s)| j * f64::from(s)).sum();
            total += si * (field + self.fields[i]);
        }
        total
    }

    /// Adds `step` times the parameter direction (`coupling` $N\times N$
    /// symmetric, `field` $N$) to the machine.
    pub(crate) fn add(&mut self, step: f64, coupling: &[f64], field: &[f64]) {
        for (j, d) in self.couplings.iter_mut().zip(coupling) {
            *j += step * d;
        }
        for (h, d) in self.fields.iter_mut().zip(field) {
            *h += step * d;
        }
    }
}

/// First and second moments of $N$ spins: $m_i = \langle s_i\rangle$ and
/// $c_{ij} = \langle s_is_j\rangle$ (row-major, $c_{ii} = 1$).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpinMoments {
    /// $\langle s_i\rangle$.
    pub magnetisations: Vec<f64>,
    /// $\langle s_is_j\rangle$, row-major $N\times N$.
    pub correlations: Vec<f64>,
}

impl SpinMoments {
    /// The empirical moments of `rows` configurations of `n` spins
    /// (row-major $\pm1$ values), $c = X^\top X/M$ as one matrix product.
    pub fn from_configurations(spins: &[Spin], n: usize) -> Result<Self, LearnError> {
        if n == 0 || spins.is_empty() || !spins.len().is_multiple_of(n) {
            return Err(LearnError::Configuration {
                reason: format!(
                    "{} values are not a whole number (at least one) of configurations of {n} spins",
                    spins.len()
                ),
            });
        }
        if let Some(s) = spins.iter().find(|&&s| s != 1 && s != -1) {
            return Err(LearnError::Configuration {
                reason: format!("a spin is {s}; spins are +1 or -1"),
            });
        }
        let rows = spins.len() / n;
        let values: Vec<f64> = spins.iter().map(|&s| f64::from(s)).collect();
        let x = ArrayView2::from_shape((rows, n), &values).expect("rows * n values");
        let scale = 1.0 / rows as f64;
        let correlations = x.t().dot(&x).mapv(|v| v * scale);
        let magnetisations = x.sum_axis(ndarray::Axis(0)).mapv(|v| v * scale);
        Ok(Self {
            magnetisations: magnetisations.to_vec(),
            correlations: correlations.iter().copied().collect(),
        })
    }

    /// Number of spins.
    pub fn n(&self) -> usize {
        self.magnetisations.len()
    }

    /// The connected correlations $C_{ij} = c_{ij} - m_im_j$, row-major.
    pub fn connected(&self) -> Vec<f64> {
        let n = self.n();
        let m = &self.magnetisations;
        (0..n * n)
            .map(|k| self.correlations[k] - m[k / n] * m[k % n])
            .collect()
    }
}

/// The relative reconstruction error of inferred couplings,
/// $\varepsilon = \sqrt{\sum_{i<j}(J_{ij} - J^*_{ij})^2 / \sum_{i<j}J^{*2}_{ij}}$
/// (both row-major $N\times N$; the truth not all zero).
pub fn reconstruction_error(inferred: &[f64], truth: &[f64]) -> f64 {
    let difference: f64 = inferred
        .iter()
        .zip(truth)
        .map(|(a, b)| (a - b) * (a - b))
        .sum();
    let norm: f64 = truth.iter().map(|b| b * b).sum();
    (difference / norm).sqrt()
}
