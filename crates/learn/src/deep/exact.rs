//! Every configuration of a very small deep network with binary weights:
//! exact Boltzmann averages of its design space at any temperature, the
//! truth the Monte Carlo is tested against.

use serde::Serialize;

use super::design::{DesignSpace, Loss};
use crate::error::{LearnError, parameter};
use crate::perceptron::WeightKind;

/// The most binary variables (weights and hidden spins) enumerated.
pub const LARGEST_ENUMERATION: usize = 24;

/// Exact averages over $e^{-\beta E}$ of every configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExactAverages {
    /// $\beta$.
    pub beta: f64,
    /// $\langle E\rangle$.
    pub energy: f64,
    /// $\langle J\rangle$ of every weight.
    pub weights: Vec<f64>,
    /// $\langle S\rangle$ of every hidden spin (layers $1..L-1$, `((l-1) M + mu) N + i`).
    pub spins: Vec<f64>,
    /// Number of configurations with $E = 0$ (the design space's volume).
    pub solutions: u64,
}

/// Enumerates the $2^{LNc + (L-1)NM}$ configurations (hidden spins only
/// under [`Loss::Gaps`]) of `space`, which must have binary weights and at
/// most [`LARGEST_ENUMERATION`] variables, and averages at `beta` ($\ge 0$).
pub fn enumerate(space: &DesignSpace, beta: f64) -> Result<ExactAverages, LearnError> {
    let a = *space.architecture();
    if a.weights != WeightKind::Binary {
        return Err(parameter(
            "weights",
            "spherical",
            "binary weights for exact enumeration",
        ));
    }
    if !(beta.is_finite() && beta >= 0.0) {
        return Err(parameter("beta", beta, "a finite real number >= 0"));
    }
    let m = space.data().patterns;
    let bonds = a.bonds();
    let hidden = match space.loss() {
        Loss::Gaps => a.hidden_spins(m),
        Loss::OutputError => 0,
    };
    let variables = bonds + hidden;
    if variables > LARGEST_ENUMERATION {
        return Err(parameter(
            "network",
            format!("{variables} binary variables"),
            format!("at most {LARGEST_ENUMERATION} for exact enumeration"),
        ));
    }
    let layer = a.width * m;
    let mut state = space.state(vec![1.0; bonds], &vec![vec![1.0; layer]; a.depth - 1])?;
    let (mut z, mut e_sum) = (0.0, 0.0);
    let mut weight_sums = vec![0.0; bonds];
    let mut spin_sums = vec![0.0; hidden];
    let mut solutions = 0;
    for code in 0u64..(1u64 << variables) {
        for (t, w) in state.weights.iter_mut().enumerate() {
            *w = if code >> t & 1 == 1 { -1.0 } else { 1.0 };
        }
        for t in 0..hidden {
            state.spins[layer + t] = if code >> (bonds + t) & 1 == 1 {
                -1.0
            } else {
                1.0
            };
        }
        space.refresh(&mut state);
        let e = state.energy as f64;
        solutions += u64::from(state.energy == 0);
        let weight = (-beta * e).exp();
        z += weight;
        e_sum += weight * e;
        for (sum, &w) in weight_sums.iter_mut().zip(&state.weights) {
            *sum += weight * w;
        }
        for (sum, &s) in spin_sums
            .iter_mut()
            .zip(&state.spins[layer..layer + hidden])
        {
            *sum += weight * s;
        }
    }
    Ok(ExactAverages {
        beta,
        energy: e_sum / z,
        weights: weight_sums.iter().map(|s| s / z).collect(),
        spins: spin_sums.iter().map(|s| s / z).collect(),
        solutions,
    })
}
