//! Spherical (real) weights: Cover's count of dichotomies, the exact
//! decision of separability with margin by convex optimisation, and the
//! perceptron learning rule.
//!
//! **Cover (1965).** $P$ points in general position in $\mathbb R^N$ admit
//! $$ C(P, N) = 2\sum_{k=0}^{N-1}\binom{P-1}{k} $$
//! of the $2^P$ labellings as linearly separable by a plane through the
//! origin, so random labels are separable with probability
//! $C(P,N)/2^P$, which is exactly $1/2$ at $P = 2N$ for every $N$ and
//! tends to a step at $\alpha_c = 2$ (Gardner's capacity at $\kappa = 0$).
//!
//! **Maximal stability.** The largest margin $\kappa_{\max}$ any spherical
//! weight vector reaches on a training set is the hard-margin support
//! vector machine without bias:
//! $$ \min_u \tfrac12|u|^2 \quad\text{subject to}\quad y^\mu u\cdot x^\mu \ge 1
//!    \;\;(\mu = 1,\dots,P), \qquad \kappa_{\max} = 1/|u^\star|, $$
//! with $w = \sqrt N\\,u^\star/|u^\star|$ the weights of maximal stability
//! ($\Delta^\mu = y^\mu u\cdot x^\mu/|u|$). The set is separable with margin
//! $\kappa \ge 0$ exactly when the problem is feasible and
//! $\kappa_{\max} > \kappa$; an infeasible problem (a certificate of primal
//! infeasibility) proves that no plane separates the data. The quadratic
//! programme is solved by Clarabel's interior-point method, a convex solver
//! with infeasibility certificates, so the decision is exact up to its
//! tolerance ($10^{-8}$ relative), which matters only for sets within that
//! distance of the boundary. Negative margins make the problem non-convex
//! and are refused here.

use super::data::{Inputs, TrainingSet};
use crate::error::{LearnError, at_least, parameter};
use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus,
};
use serde::Serialize;

/// $C(P, N)/2^P$, Cover's fraction of the $2^P$
/// dichotomies of $P$ points in general position in $\mathbb R^N$ that a
/// plane through the origin separates. Exact in integers for $P \le 126$,
/// otherwise summed in floating point from the largest term down.
pub fn cover_separable_fraction(patterns: usize, dimension: usize) -> Result<f64, LearnError> {
    at_least("patterns", patterns, 1)?;
    at_least("dimension", dimension, 1)?;
    if dimension >= patterns {
        return Ok(1.0);
    }
    if patterns <= 126 {
        let count = cover_count(patterns as u32, dimension as u32).expect("P <= 126 fits in u128");
        return Ok(count as f64 / (patterns as f64).exp2());
    }
    Ok(cover_fraction_in_logs(patterns, dimension))
}

/// $2\sum_{k<N}inom{P-1}{k}/2^P$ summed in log space from the largest
/// term, $k = N-1$, down (for $N < P$).
pub(crate) fn cover_fraction_in_logs(patterns: usize, dimension: usize) -> f64 {
    let m = (patterns - 1) as f64;
    let mut log_term = log_binomial(m, (dimension - 1) as f64);
    let mut sum = 0.0;
    let top = log_term;
    for k in (0..dimension).rev() {
        sum += (log_term - top).exp();
        if k == 0 {
            break;
        }
        // binom(m, k-1) = binom(m, k) * k / (m - k + 1)
        log_term += (k as f64).ln() - (m - k as f64 + 1.0).ln();
        if log_term - top < -50.0 {
            break;
        }
    }
    (top + sum.ln() + std::f64::consts::LN_2 - patterns as f64 * std::f64::consts::LN_2).exp()
}

/// Cover's count $C(P, N)$ in integers (`None` if it overflows `u128`).
pub fn cover_count(patterns: u32, dimension: u32) -> Option<u128> {
    if dimension >= patterns {
        return 1u128.checked_shl(patterns);
    }
    let mut binomial: u128 = 1; // binom(P-1, 0)
    let mut sum: u128 = 0;
    for k in 0..dimension {
        sum = sum.checked_add(binomial)?;
        // binom(P-1, k+1) = binom(P-1, k) * (P-1-k) / (k+1)
        binomial = binomial.checked_mul(u128::from(patterns - 1 - k))? / u128::from(k + 1);
    }
    sum.checked_mul(2)
}

fn log_binomial(n: f64, k: f64) -> f64 {
    log_gamma(n + 1.0) - log_gamma(k + 1.0) - log_gamma(n - k + 1.0)
}

/// $\ln\Gamma(x)$ for $x > 0$ (Lanczos, $g = 7$, relative error below $10^{-14}$).
fn log_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - log_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = COEFFICIENTS[0];
    let t = x + 7.5;
    for (k, &c) in COEFFICIENTS.iter().enumerate().skip(1) {
        a += c / (x + k as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The outcome of the maximal-stability programme on one training set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaximalStability {
    /// Whether some plane through the origin separates the data.
    pub separable: bool,
    /// $\kappa_{\max}$, when separable.
    pub margin: Option<f64>,
    /// The weights of maximal stability normalised to $|w|^2 = N$, when separable.
    pub weights: Option<Vec<f64>>,
    /// The solver's final status (`Solved`, `PrimalInfeasible`, or an
    /// `Almost...` status when it met only its reduced tolerance).
    pub status: String,
    /// Whether the solver reached its full tolerance (else the decision is marked uncertain).
    pub certain: bool,
    /// Interior-point iterations.
    pub iterations: u32,
}

impl MaximalStability {
    /// Whether the data are separable with margin `kappa` ($\kappa_{\max} > \kappa$).
    pub fn separable_with(&self, kappa: f64) -> bool {
        self.margin.is_some_and(|m| m > kappa)
    }
}

/// Solves the maximal-stability quadratic programme of `data` (module docs).
pub fn maximal_stability(data: &TrainingSet) -> Result<MaximalStability, LearnError> {
    let (n, p) = (data.dimension(), data.patterns());
    // A (P x N, CSC): row mu is -y^mu x^mu, so that A u + s = b, s >= 0 reads
    // y^mu u.x^mu >= 1 with b = -1.
    let mut values = Vec::with_capacity(n * p);
    let mut rows = Vec::with_capacity(n * p);
    let mut column_starts = Vec::with_capacity(n + 1);
    for i in 0..n {
        column_starts.push(values.len());
        for mu in 0..p {
            let x = match data.inputs() {
                Inputs::Binary(x) => f64::from(x[mu * n + i]),
                Inputs::Real(x) => x[mu * n + i],
            };
            if x != 0.0 {
                rows.push(mu);
                values.push(-f64::from(data.labels()[mu]) * x);
            }
        }
    }
    column_starts.push(values.len());
    let constraints = CscMatrix::new(p, n, column_starts, rows, values);
    let objective = CscMatrix::identity(n);
    let linear = vec![0.0; n];
    let bounds = vec![-1.0; p];
    let cones = [NonnegativeConeT(p)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .max_iter(200)
        .build()
        .map_err(|e| {
            parameter(
                "solver settings",
                format!("{e:?}"),
                "valid Clarabel settings",
            )
        })?;
    let mut solver =
        DefaultSolver::new(&objective, &linear, &constraints, &bounds, &cones, settings).map_err(
            |e| {
                parameter(
                    "training set",
                    format!("{e:?}"),
                    "a problem Clarabel accepts",
                )
            },
        )?;
    solver.solve();
    let status = solver.solution.status;
    let iterations = solver.solution.iterations;
    let (separable, certain) = match status {
        SolverStatus::Solved => (true, true),
        SolverStatus::AlmostSolved => (true, false),
        SolverStatus::PrimalInfeasible => (false, true),
        SolverStatus::AlmostPrimalInfeasible => (false, false),
        other => {
            return Err(LearnError::Configuration {
                reason: format!(
                    "the maximal-stability programme ended with status {other:?} after \
                     {iterations} iterations; no decision"
                ),
            });
        }
    };
    let (margin, weights) = if separable {
        let u = &solver.solution.x;
        let norm = u.iter().map(|x| x * x).sum::<f64>().sqrt();
        let scale = (n as f64).sqrt() / norm;
        let w: Vec<f64> = u.iter().map(|x| x * scale).collect();
        let kappa = data
            .stabilities(&w)
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        (Some(kappa), Some(w))
    } else {
        (None, None)
    };
    Ok(MaximalStability {
        separable,
        margin,
        weights,
        status: format!("{status:?}"),
        certain,
        iterations,
    })
}

/// What the perceptron rule did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PerceptronRule {
    /// Whether an epoch passed with every stability above the margin.
    pub converged: bool,
    /// Epochs (passes over the data) done.
    pub epochs: u64,
    /// Updates made.
    pub updates: u64,
    /// The final weights, normalised to $|w|^2 = N$.
    pub weights: Vec<f64>,
    /// Constraints $\Delta^\mu \le \kappa$ still violated.
    pub violations: usize,
}

/// The perceptron rule with margin (Rosenblatt; Gardner 1988): in order,
/// every pattern with $\Delta^\mu \le \kappa$ updates
/// $w \leftarrow w + y^\mu x^\mu/\sqrt N$, until an epoch makes no update or
/// `max_epochs` passes are done. Starts from `start` (or from zero weights).
/// It converges if and only if the data are separable with a margin above
/// $\kappa$ (for $\kappa \ge 0$); it cannot prove that they are not.
pub fn perceptron_rule(
    data: &TrainingSet,
    margin: f64,
    max_epochs: u64,
    start: Option<&[f64]>,
) -> Result<PerceptronRule, LearnError> {
    if !margin.is_finite() {
        return Err(parameter("margin", margin, "a finite real number"));
    }
    let (n, p) = (data.dimension(), data.patterns());
    let mut w = match start {
        Some(s) if s.len() == n => s.to_vec(),
        Some(s) => return Err(parameter("start", s.len(), format!("{n} weights"))),
        None => vec![0.0; n],
    };
    let scale = 1.0 / (n as f64).sqrt();
    let row = |mu: usize| -> Vec<f64> {
        match data.inputs() {
            Inputs::Binary(x) => x[mu * n..(mu + 1) * n]
                .iter()
                .map(|&v| f64::from(v))
                .collect(),
            Inputs::Real(x) => x[mu * n..(mu + 1) * n].to_vec(),
        }
    };
    let rows: Vec<Vec<f64>> = (0..p).map(row).collect();
    let mut norm2: f64 = w.iter().map(|x| x * x).sum();
    let (mut epochs, mut updates, mut converged) = (0, 0, false);
    while epochs < max_epochs {
        epochs += 1;
        let mut changed = false;
        for (mu, x) in rows.iter().enumerate() {
            let y = f64::from(data.labels()[mu]);
            let field: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let stability = if norm2 > 0.0 {
                y * field / norm2.sqrt()
            } else {
                0.0
            };
            if stability <= margin {
                for (wi, xi) in w.iter_mut().zip(x) {
                    *wi += y * xi * scale;
                }
                norm2 = w.iter().map(|x| x * x).sum();
                updates += 1;
                changed = true;
            }
        }
        if !changed {
            converged = true;
            break;
        }
    }
    let norm = norm2.sqrt();
    if norm > 0.0 {
        let s = (n as f64).sqrt() / norm;
        w.iter_mut().for_each(|x| *x *= s);
    }
    let violations = if norm > 0.0 {
        data.violations(&w, margin)
    } else {
        p
    };
    Ok(PerceptronRule {
        converged,
        epochs,
        updates,
        weights: w,
        violations,
    })
}
