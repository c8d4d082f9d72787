//! Per-sample mean-field algorithms for dense models: the TAP equations and
//! approximate message passing (AMP) with its state evolution.
//!
//! **TAP** (Thouless–Anderson–Palmer 1977): with $\beta = 1/T$,
//!
//! $$ m_i = \tanh\beta\Big(h_i + \sum_j J_{ij}m_j - \beta m_i\sum_j J_{ij}^2(1-m_j^2)\Big), $$
//!
//! the last term being the Onsager reaction. It is solved by damped parallel
//! iteration; the TAP free energy per spin of a solution is
//! $f = \frac1N\big[\sum_i(-T\\,\mathcal S(m_i) - h_im_i) - \sum_{i<j}J_{ij}m_im_j - \frac\beta2\sum_{i<j}J_{ij}^2(1-m_i^2)(1-m_j^2)\big]$,
//! $\mathcal S(m)$ the binary entropy of a spin of mean $m$.
//!
//! **AMP** (Bolthausen 2014, for SK with couplings of variance $c = 1/N$):
//! $m^{t+1} = \tanh\beta(h + Jm^t - b_t m^{t-1})$, $b_t = \beta c\sum_j(1-(m_j^t)^2)$,
//! from $m^0 = \sqrt{q_0}\\,\mathbf 1$, $m^{-1} = 0$. Its state evolution predicts
//! $\hat q_t = \frac1N\sum_i (m_i^t)^2 \to q_t$ with
//! $q_{t+1} = \mathbb E_z\tanh^2\beta(h + \sqrt{q_t}z)$, whose fixed point is the
//! replica-symmetric $q$. Above the de Almeida–Thouless line AMP converges to
//! a TAP solution.

use serde::Serialize;

use crate::error::{self, TheoryError};
use quench_core::{ParameterError, Sample};

/// Iteration controls shared by TAP and AMP.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IterationOptions {
    /// Weight of the new iterate, in $(0, 1]$ (1: no damping).
    pub damping: f64,
    /// Stop when $\max_i |m_i^{new} - m_i| <$ tolerance.
    pub tolerance: f64,
    /// Largest number of iterations.
    pub max_iterations: usize,
}

impl Default for IterationOptions {
    fn default() -> Self {
        Self {
            damping: 0.5,
            tolerance: 1e-10,
            max_iterations: 2000,
        }
    }
}

impl IterationOptions {
    pub(crate) fn check(&self) -> Result<(), ParameterError> {
        if !(self.damping > 0.0 && self.damping <= 1.0) {
            return Err(ParameterError::new(
                "damping",
                self.damping,
                "a number in (0, 1]",
            ));
        }
        if self.tolerance.is_nan() || self.tolerance <= 0.0 {
            return Err(ParameterError::new(
                "tolerance",
                self.tolerance,
                "a positive number",
            ));
        }
        Ok(())
    }
}

/// A solution of the TAP equations on one sample.
#[derive(Debug, Clone, Serialize)]
pub struct TapSolution {
    /// Temperature.
    pub temperature: f64,
    /// Local magnetisations $m_i$.
    pub magnetisations: Vec<f64>,
    /// Whether the residual fell below the tolerance.
    pub converged: bool,
    /// Iterations done.
    pub iterations: usize,
    /// Last $\max_i |m_i^{new} - m_i|$ (before damping).
    pub residual: f64,
    /// Residual after each iteration (convergence diagnostics).
    pub residual_history: Vec<f64>,
    /// $q = \frac1N\sum_i m_i^2$.
    pub overlap: f64,
    /// $\frac1N\sum_i m_i$.
    pub magnetisation: f64,
    /// TAP free energy per spin.
    pub free_energy: f64,
    /// TAP energy per spin $\partial(\beta f)/\partial\beta$ at fixed $m$.
    pub energy: f64,
}

/// Neighbour lists $(j, J_{ij})$ of every site (dense or sparse samples).
fn adjacency(sample: &Sample) -> Vec<Vec<(usize, f64)>> {
    (0..sample.n())
        .map(|i| sample.neighbours(i).filter(|&(_, j)| j != 0.0).collect())
        .collect()
}

/// Solves the TAP equations on `sample` at temperature $T > 0$ by damped
/// parallel iteration from `initial` (or $m_i = \tanh\beta h_i$ plus a small
/// uniform bias if `None`).
pub fn tap(
    sample: &Sample,
    temperature: f64,
    initial: Option<&[f64]>,
    options: &IterationOptions,
) -> Result<TapSolution, TheoryError> {
    let temperature = error::positive_temperature(temperature)?;
    options.check()?;
    let beta = 1.0 / temperature;
    let n = sample.n();
    // Dense samples are read row by row (8 contiguous bytes per coupling);
    // only sparse ones need neighbour lists.
    let neighbours = if sample.is_dense() {
        Vec::new()
    } else {
        adjacency(sample)
    };
    let mut m: Vec<f64> = match initial {
        Some(values) if values.len() == n && values.iter().all(|v| v.abs() < 1.0) => {
            values.to_vec()
        }
        Some(values) => {
            return Err(ParameterError::new(
                "initial",
                format!("{} values", values.len()),
                format!("{n} magnetisations in (-1, 1)"),
            )
            .into());
        }
        None => (0..n)
            .map(|i| (beta * sample.field(i)).tanh() + 0.01)
            .collect(),
    };
    let mut history = Vec::new();
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    let mut next = vec![0.0; n];
    let mut weights = vec![0.0; n];
    while iterations < options.max_iterations && residual > options.tolerance {
        iterations += 1;
        residual = 0.0;
        for (w, x) in weights.iter_mut().zip(&m) {
            *w = 1.0 - x * x;
        }
        for i in 0..n {
            let (mut field, mut onsager) = (sample.field(i), 0.0);
            if let Some(row) = sample.dense_row(i) {
                // Zero diagonal: the same sums as over the neighbours.
                for ((&coupling, &x), &w) in row.iter().zip(&m).zip(&weights) {
                    field += coupling * x;
                    onsager += coupling * coupling * w;
                }
            } else {
                for &(j, coupling) in &neighbours[i] {
                    field += coupling * m[j];
                    onsager += coupling * coupling * weights[j];
                }
            }
            next[i] = (beta * (field - beta * m[i] * onsager)).tanh();
            residual = f64::max(residual, (next[i] - m[i]).abs());
        }
        for i in 0..n {
            m[i] += options.damping * (next[i] - m[i]);
        }
        history.push(residual);
    }
    let (free_energy, energy) = tap_free_energy(sample, beta, &m);
    Ok(TapSolution {
        temperature,
        overlap: m.iter().map(|x| x * x).sum::<f64>() / n as f64,
        magnetisation: m.iter().sum::<f64>() / n as f64,
        converged: residual <= options.tolerance,
        iterations,
        residual,
        residual_history: history,
        magnetisations: m,
        free_energy,
        energy,
    })
}

/// TAP free energy and energy per spin of magnetisations `m`.
fn tap_free_energy(sample: &Sample, beta: f64, m: &[f64]) -> (f64, f64) {
    let n = m.len();
    let entropy = |x: f64| {
        let term = |p: f64| if p > 0.0 { -p * p.ln() } else { 0.0 };
        term(0.5 * (1.0 + x)) + term(0.5 * (1.0 - x))
    };
    let (mut site, mut pair, mut onsager, mut field) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        site += entropy(m[i]);
        field += sample.field(i) * m[i];
        for (j, coupling) in sample.neighbours(i) {
            if j > i {
                pair += coupling * m[i] * m[j];
                onsager += coupling * coupling * (1.0 - m[i] * m[i]) * (1.0 - m[j] * m[j]);
            }
        }
    }
    let nf = n as f64;
    let free_energy = (-site / beta - field - pair - 0.5 * beta * onsager) / nf;
    let energy = (-field - pair - beta * onsager) / nf;
    (free_energy, energy)
}

/// An AMP run on one SK sample with its state-evolution prediction.
#[derive(Debug, Clone, Serialize)]
pub struct AmpRun {
    /// Temperature.
    pub temperature: f64,
    /// Final magnetisations.
    pub magnetisations: Vec<f64>,
    /// Whether successive iterates came within the tolerance.
    pub converged: bool,
    /// Iterations done.
    pub iterations: usize,
    /// Last $\max_i|m_i^{t+1} - m_i^t|$.
    pub residual: f64,
    /// $\hat q_t = \frac1N\sum_i(m_i^t)^2$ for $t = 0, 1, \dots$.
    pub overlaps: Vec<f64>,
    /// State evolution $q_t$ for the same $t$.
    pub state_evolution: Vec<f64>,
}

/// State evolution of AMP for SK: $q_{t+1} = \mathbb E_z\tanh^2\beta(h + \sqrt{q_t}z)$ from $q_0$.
pub fn amp_state_evolution(
    temperature: f64,
    field: f64,
    initial_overlap: f64,
    steps: usize,
) -> Result<Vec<f64>, TheoryError> {
    let beta = 1.0 / error::positive_temperature(temperature)?;
    let field = error::finite("field", field)?;
    if !(0.0..=1.0).contains(&initial_overlap) {
        return Err(
            ParameterError::new("initial_overlap", initial_overlap, "a number in [0, 1]").into(),
        );
    }
    let mut q = vec![initial_overlap];
    for t in 0..steps {
        let root = q[t].sqrt();
        let rule = crate::sk::replica_symmetric::rule_for(beta, q[t].max(1e-300), field);
        q.push(rule.expect(|z| (beta * (root * z + field)).tanh().powi(2)));
    }
    Ok(q)
}

/// Runs AMP on a Sherrington–Kirkpatrick `sample` (dense, with a known
/// coupling variance and a uniform field) from $m^0 = \sqrt{q_0}\\,\mathbf 1$.
pub fn amp(
    sample: &Sample,
    temperature: f64,
    initial_overlap: f64,
    options: &IterationOptions,
) -> Result<AmpRun, TheoryError> {
    let temperature = error::positive_temperature(temperature)?;
    options.check()?;
    let variance = sample.coupling_variance().filter(|_| sample.is_dense()).ok_or_else(|| {
        ParameterError::new(
            "sample",
            "a sample without a coupling variance",
            "a dense Sherrington–Kirkpatrick sample drawn from its ensemble (AMP needs Var J = c)",
        )
    })?;
    let n = sample.n();
    let field = sample.field(0);
    if (0..n).any(|i| sample.field(i) != field) {
        return Err(
            ParameterError::new("sample", "site-dependent fields", "a uniform field").into(),
        );
    }
    if !(0.0..=1.0).contains(&initial_overlap) {
        return Err(
            ParameterError::new("initial_overlap", initial_overlap, "a number in [0, 1]").into(),
        );
    }
    let beta = 1.0 / temperature;
    let mut m = vec![initial_overlap.sqrt(); n];
    let mut previous = vec![0.0; n];
    let mut overlaps = vec![initial_overlap];
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    while iterations < options.max_iterations && residual > options.tolerance {
        iterations += 1;
        let onsager = beta * variance * m.iter().map(|x| 1.0 - x * x).sum::<f64>();
        let next: Vec<f64> = (0..n)
            .map(|i| {
                let row = sample.dense_row(i).expect("dense sample");
                let local: f64 = row.iter().zip(&m).map(|(j, x)| j * x).sum();
                (beta * (field + local - onsager * previous[i])).tanh()
            })
            .collect();
        residual = next
            .iter()
            .zip(&m)
            .fold(0.0f64, |r, (a, b)| r.max((a - b).abs()));
        previous = std::mem::replace(&mut m, next);
        overlaps.push(m.iter().map(|x| x * x).sum::<f64>() / n as f64);
    }
    let state_evolution = amp_state_evolution(temperature, field, initial_overlap, iterations)?;
    Ok(AmpRun {
        temperature,
        magnetisations: m,
        converged: residual <= options.tolerance,
        iterations,
        residual,
        overlaps,
        state_evolution,
    })
}
