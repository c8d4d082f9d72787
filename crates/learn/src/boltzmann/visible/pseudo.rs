//! Pseudo-likelihood maximisation (Besag 1975; for the inverse Ising
//! problem Aurell & Ekeberg, Phys. Rev. Lett. 108, 090201 (2012)).
//!
//! Each spin's conditional law given the others,
//! $p(s_i\mid s_{\setminus i}) = e^{s_i\theta_i}/2\cosh\theta_i$ with
//! $\theta_i = h_i + \sum_{j\ne i}J_{ij}s_j$, needs no partition function. For
//! each $i$ the concave
//!
//! $$ \ell_i = \frac1M\sum_\mu\big[s_i^\mu\theta_i^\mu - \ln 2\cosh\theta_i^\mu\big] - \frac\lambda2\sum_{j\ne i}J_{ij}^2 $$
//!
//! is maximised by Newton's method (Hessian
//! $-\frac1M D^\top\operatorname{diag}(1 - \tanh^2\theta)D - \lambda$, with $D$ the
//! configurations whose column $i$ is replaced by ones; one matrix product
//! per iteration, a Cholesky solve by nalgebra, and a step halved until the
//! objective rises). The two estimates of each coupling are averaged,
//! $J_{ij} = \frac12(J_{i\to j} + J_{j\to i})$. The estimator is consistent:
//! its error falls as $M^{-1/2}$, though above the Cramér–Rao bound.

use nalgebra::{DMatrix, DVector};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FullyVisible, LearningOutcome};
use crate::error::{LearnError, parameter};
use quench_core::Spin;

/// Controls of [`pseudo_likelihood`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PseudoLikelihoodOptions {
    /// $\lambda$ of the penalty on the couplings (0: none; needed when a
    /// spin's configurations are separable, as with few data).
    pub regularisation: f64,
    /// Stop when $\max|\partial\ell_i/\partial\theta| <$ tolerance for every spin.
    pub tolerance: f64,
    /// Most Newton iterations per spin.
    pub iterations: usize,
}

impl Default for PseudoLikelihoodOptions {
    fn default() -> Self {
        Self {
            regularisation: 0.0,
            tolerance: 1e-9,
            iterations: 100,
        }
    }
}

/// $\ln 2\cosh\theta - \ln 2$, without overflow.
fn log_cosh(theta: f64) -> f64 {
    let a = theta.abs();
    a + (-2.0 * a).exp().ln_1p() - std::f64::consts::LN_2
}

struct SpinFit {
    weights: Vec<f64>,
    iterations: usize,
    gradient: f64,
}

fn fit_spin(
    x: ArrayView2<f64>,
    i: usize,
    options: &PseudoLikelihoodOptions,
) -> Result<SpinFit, LearnError> {
    let (rows, n) = x.dim();
    let mut design = x.to_owned();
    design.column_mut(i).fill(1.0);
    let target = x.column(i);
    let lambda = options.regularisation;
    let scale = 1.0 / rows as f64;
    let objective = |w: &DVector<f64>| -> f64 {
        let theta = design.dot(&ndarray::ArrayView1::from(w.as_slice()));
        let data: f64 = theta
            .iter()
            .zip(target)
            .map(|(t, s)| s * t - log_cosh(*t))
            .sum();
        let penalty: f64 = (0..n).filter(|&j| j != i).map(|j| w[j] * w[j]).sum();
        data * scale - 0.5 * lambda * penalty
    };
    let mut w = DVector::<f64>::zeros(n);
    let mut value = objective(&w);
    let mut iterations = 0;
    let mut largest;
    loop {
        let theta = design.dot(&ndarray::ArrayView1::from(w.as_slice()));
        let residual = ndarray::Zip::from(&theta)
            .and(target)
            .map_collect(|t, s| s - t.tanh());
        let g_nd = design.t().dot(&residual);
        let mut g = DVector::from_iterator(n, g_nd.iter().map(|v| v * scale));
        for j in (0..n).filter(|&j| j != i) {
            g[j] -= lambda * w[j];
        }
        largest = g.amax();
        if largest < options.tolerance || iterations >= options.iterations {
            break;
        }
        iterations += 1;
        let mut weighted: Array2<f64> = design.clone();
        for (mut row, t) in weighted.axis_iter_mut(Axis(0)).zip(&theta) {
            let root = (1.0 - t.tanh().powi(2)).sqrt();
            row.mapv_inplace(|v| v * root);
        }
        let gram = weighted.t().dot(&weighted);
        let mut hessian = DMatrix::from_fn(n, n, |a, b| gram[(a, b)] * scale);
        for j in (0..n).filter(|&j| j != i) {
            hessian[(j, j)] += lambda;
        }
        let direction = hessian
            .cholesky()
            .ok_or_else(|| LearnError::Configuration {
                reason: format!(
                    "pseudo-likelihood: the configurations do not determine the couplings of spin \
                     {i} (it never flips, or too few configurations); use a regularisation > 0"
                ),
            })?
            .solve(&g);
        // Near the maximum (Newton decrement below 1e-10, where the
        // objective's change is below its rounding) the full step is taken.
        let decrement = g.dot(&direction);
        let mut step = 1.0;
        loop {
            let candidate = &w + step * &direction;
            let candidate_value = objective(&candidate);
            if decrement < 1e-10 || candidate_value >= value || step < 1e-10 {
                w = candidate;
                value = candidate_value;
                break;
            }
            step *= 0.5;
        }
    }
    Ok(SpinFit {
        weights: w.iter().copied().collect(),
        iterations,
        gradient: largest,
    })
}

/// The pseudo-likelihood estimate of a fully visible machine from `spins`
/// (row-major configurations of `n` spins $\pm1$). Spins are fitted in
/// parallel and combined in order (no dependence on the thread count).
pub fn pseudo_likelihood(
    spins: &[Spin],
    n: usize,
    options: &PseudoLikelihoodOptions,
) -> Result<LearningOutcome, LearnError> {
    if !(options.regularisation.is_finite() && options.regularisation >= 0.0) {
        return Err(parameter(
            "regularisation",
            options.regularisation,
            "a number >= 0",
        ));
    }
    if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
        return Err(parameter(
            "tolerance",
            options.tolerance,
            "a positive number",
        ));
    }
    // Checks the configurations as the moments do.
    super::SpinMoments::from_configurations(spins, n)?;
    let rows = spins.len() / n;
    if let Some(i) = (0..n).find(|&i| (1..rows).all(|r| spins[r * n + i] == spins[i])) {
        return Err(LearnError::Configuration {
            reason: format!(
                "spin {i} never flips in the data: its pseudo-likelihood has no finite maximum"
            ),
        });
    }
    let values: Vec<f64> = spins.iter().map(|&s| f64::from(s)).collect();
    let x = ArrayView2::from_shape((rows, n), &values).expect("rows * n values");
    let fits: Vec<SpinFit> = (0..n)
        .into_par_iter()
        .map(|i| fit_spin(x, i, options))
        .collect::<Result<_, _>>()?;
    let mut couplings = vec![0.0; n * n];
    let mut fields = vec![0.0; n];
    for i in 0..n {
        fields[i] = fits[i].weights[i];
        for j in 0..n {
            if j != i {
                couplings[i * n + j] = 0.5 * (fits[i].weights[j] + fits[j].weights[i]);
            }
        }
    }
    let gradient = fits.iter().map(|f| f.gradient).fold(0.0, f64::max);
    Ok(LearningOutcome {
        machine: FullyVisible::from_parameters(couplings, fields)?,
        iterations: fits.iter().map(|f| f.iterations).max().unwrap_or(0),
        gradient,
        converged: gradient < options.tolerance,
        log_likelihood: None,
    })
}
