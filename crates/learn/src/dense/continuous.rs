//! Continuous ("modern") Hopfield networks (Ramsauer et al. 2021).
//!
//! With the $N \times P$ matrix $X = (x^1, \dots, x^P)$ of stored patterns,
//! a state $\xi \in \mathbb{R}^N$ is updated by
//! $$ \xi \leftarrow X \\,\mathrm{softmax}(\beta X^\top \xi), $$
//! the concave-convex minimisation step of the energy
//! $$ E(\xi) = -\frac1\beta \log \sum_\mu e^{\beta\\, x^\mu \cdot \xi} + \frac12 \xi \cdot \xi, $$
//! which therefore never increases along the iteration. This is one
//! attention head: with the query $q = \xi$, keys and values the stored
//! patterns, $K = V = X^\top$, and $\beta = 1/\sqrt d$,
//! $\mathrm{softmax}(q K^\top/\sqrt d)\\, V$ is the same vector (see the
//! `attention` example). Patterns are stored pattern-major, so both the
//! scores $x^\mu \cdot \xi$ and the weighted sum run over contiguous rows.

use crate::error::{LearnError, at_least, parameter, positive};
use crate::patterns::ContinuousPatterns;
use serde::{Deserialize, Serialize};

/// A modern Hopfield network: stored patterns and inverse temperature $\beta$.
#[derive(Debug, Clone, PartialEq)]
pub struct ModernHopfield {
    patterns: ContinuousPatterns,
    inverse_temperature: f64,
}

/// The result of [`ModernHopfield::retrieve`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContinuousRetrieval {
    /// The final state.
    pub state: Vec<f64>,
    /// Updates applied.
    pub iterations: usize,
    /// Whether the last update moved the state by at most the tolerance.
    pub converged: bool,
    /// $\max_i |\xi_i^{(t+1)} - \xi_i^{(t)}|$ of the last update.
    pub change: f64,
    /// The softmax weights $\mathrm{softmax}(\beta X^\top \xi)$ of the final
    /// state: which patterns it mixes.
    pub weights: Vec<f64>,
    /// The energy of the final state.
    pub energy: f64,
}

/// Cosine similarity $a \cdot b / (|a|\\,|b|)$ (0 when either is zero).
pub fn cosine_similarity(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norms =
        a.iter().map(|x| x * x).sum::<f64>().sqrt() * b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if norms == 0.0 { 0.0 } else { dot / norms }
}

impl ModernHopfield {
    /// A memory of `patterns` at inverse temperature $\beta > 0$.
    pub fn new(patterns: ContinuousPatterns, inverse_temperature: f64) -> Result<Self, LearnError> {
        positive("inverse_temperature", inverse_temperature)?;
        Ok(Self {
            patterns,
            inverse_temperature,
        })
    }

    /// The stored patterns.
    pub fn patterns(&self) -> &ContinuousPatterns {
        &self.patterns
    }

    /// $\beta$.
    pub fn inverse_temperature(&self) -> f64 {
        self.inverse_temperature
    }

    fn check(&self, state: &[f64]) -> Result<(), LearnError> {
        if state.len() != self.patterns.dimension() {
            return Err(LearnError::Configuration {
                reason: format!(
                    "state has {} components, the patterns have dimension {}",
                    state.len(),
                    self.patterns.dimension()
                ),
            });
        }
        if state.iter().any(|x| !x.is_finite()) {
            return Err(LearnError::Configuration {
                reason: "state has a non-finite component".into(),
            });
        }
        Ok(())
    }

    /// Writes $\beta\\, x^\mu \cdot \xi$ into `weights` and returns
    /// $\log\sum_\mu e^{\beta x^\mu\cdot\xi}$, then turns the scores into the
    /// softmax in place (largest score subtracted first: no overflow).
    fn softmax_into(&self, state: &[f64], weights: &mut [f64]) -> f64 {
        let n = self.patterns.dimension();
        for (w, pattern) in weights
            .iter_mut()
            .zip(self.patterns.values().chunks_exact(n))
        {
            *w = self.inverse_temperature
                * pattern.iter().zip(state).map(|(x, s)| x * s).sum::<f64>();
        }
        let largest = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for w in weights.iter_mut() {
            *w = (*w - largest).exp();
            sum += *w;
        }
        weights.iter_mut().for_each(|w| *w /= sum);
        largest + sum.ln()
    }

    /// The softmax weights $p = \mathrm{softmax}(\beta X^\top \xi)$.
    pub fn weights(&self, state: &[f64]) -> Result<Vec<f64>, LearnError> {
        self.check(state)?;
        let mut weights = vec![0.0; self.patterns.count()];
        self.softmax_into(state, &mut weights);
        Ok(weights)
    }

    /// One update $X\\,\mathrm{softmax}(\beta X^\top \xi)$ into `out`, with
    /// `weights` a buffer of length $P$ (left holding the softmax).
    /// Unchecked lengths: use [`update`](Self::update) for validation.
    pub fn update_into(&self, state: &[f64], weights: &mut [f64], out: &mut [f64]) {
        self.softmax_into(state, weights);
        out.iter_mut().for_each(|x| *x = 0.0);
        let n = self.patterns.dimension();
        for (&w, pattern) in weights.iter().zip(self.patterns.values().chunks_exact(n)) {
            for (o, x) in out.iter_mut().zip(pattern) {
                *o += w * x;
            }
        }
    }

    /// One update $\xi \leftarrow X\\,\mathrm{softmax}(\beta X^\top \xi)$.
    pub fn update(&self, state: &[f64]) -> Result<Vec<f64>, LearnError> {
        self.check(state)?;
        let mut weights = vec![0.0; self.patterns.count()];
        let mut out = vec![0.0; state.len()];
        self.update_into(state, &mut weights, &mut out);
        Ok(out)
    }

    /// The energy $E(\xi) = -\beta^{-1}\log\sum_\mu e^{\beta x^\mu\cdot\xi} + \frac12 \xi\cdot\xi$.
    pub fn energy(&self, state: &[f64]) -> Result<f64, LearnError> {
        self.check(state)?;
        let mut weights = vec![0.0; self.patterns.count()];
        let log_sum = self.softmax_into(state, &mut weights);
        Ok(-log_sum / self.inverse_temperature + 0.5 * state.iter().map(|x| x * x).sum::<f64>())
    }

    /// Iterates the update from `initial` until it moves the state by at
    /// most `tolerance` in the maximum norm, $\max_i |\Delta \xi_i| \le$
    /// `tolerance`, or `max_iterations` updates were applied.
    pub fn retrieve(
        &self,
        initial: &[f64],
        tolerance: f64,
        max_iterations: usize,
    ) -> Result<ContinuousRetrieval, LearnError> {
        self.check(initial)?;
        if !(tolerance.is_finite() && tolerance >= 0.0) {
            return Err(parameter(
                "tolerance",
                tolerance,
                "a finite real number >= 0",
            ));
        }
        at_least("max_iterations", max_iterations, 1)?;
        let mut state = initial.to_vec();
        let mut next = vec![0.0; state.len()];
        let mut weights = vec![0.0; self.patterns.count()];
        let (mut iterations, mut change, mut converged) = (0, f64::INFINITY, false);
        while iterations < max_iterations {
            self.update_into(&state, &mut weights, &mut next);
            change = state
                .iter()
                .zip(&next)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            std::mem::swap(&mut state, &mut next);
            iterations += 1;
            if change <= tolerance {
                converged = true;
                break;
            }
        }
        let energy = self.energy(&state)?;
        let weights = self.weights(&state)?;
        Ok(ContinuousRetrieval {
            state,
            iterations,
            converged,
            change,
            weights,
            energy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::ContinuousDistribution;
    use quench_core::rng::{Purpose, stream};
    use rand::RngExt;
    use rand_distr::StandardNormal;

    fn memory(dimension: usize, count: usize, beta: f64) -> ModernHopfield {
        let patterns =
            ContinuousPatterns::draw(ContinuousDistribution::Gaussian, dimension, count, 3, 0)
                .unwrap();
        ModernHopfield::new(patterns, beta).unwrap()
    }

    fn noisy(pattern: &[f64], noise: f64, seed: u64) -> Vec<f64> {
        let mut rng = stream(seed, Purpose::InitialState, 0, 0);
        pattern
            .iter()
            .map(|x| x + noise * rng.sample::<f64, _>(StandardNormal))
            .collect()
    }

    #[test]
    fn the_update_never_increases_the_energy() {
        let memory = memory(32, 100, 0.3);
        let mut state = noisy(&vec![0.0; 32], 1.0, 1);
        let mut energy = memory.energy(&state).unwrap();
        for _ in 0..30 {
            state = memory.update(&state).unwrap();
            let next = memory.energy(&state).unwrap();
            assert!(next <= energy + 1e-12 * energy.abs(), "{next} > {energy}");
            energy = next;
        }
    }

    #[test]
    fn a_corrupted_pattern_is_retrieved_in_one_step() {
        let memory = memory(64, 500, 1.0);
        let target = memory.patterns().pattern(17).to_vec();
        let start = noisy(&target, 0.7, 2);
        assert!(cosine_similarity(&start, &target) < 0.9);
        let retrieval = memory.retrieve(&start, 1e-10, 50).unwrap();
        assert!(
            retrieval.converged && retrieval.iterations <= 3,
            "{} iterations",
            retrieval.iterations
        );
        let one_step = memory.update(&start).unwrap();
        assert!(cosine_similarity(&one_step, &target) > 0.999);
        assert!(retrieval.weights[17] > 0.999);
    }

    #[test]
    fn huge_scores_do_not_overflow_and_bad_input_is_rejected() {
        let memory = memory(16, 5, 1e6);
        let target = memory.patterns().pattern(2).to_vec();
        let out = memory.update(&target).unwrap();
        assert!(out.iter().zip(&target).all(|(a, b)| (a - b).abs() < 1e-12));
        assert!(memory.energy(&target).unwrap().is_finite());
        assert!(memory.update(&[0.0; 3]).is_err());
        assert!(memory.retrieve(&target, -1.0, 5).is_err());
        assert!(ModernHopfield::new(memory.patterns().clone(), 0.0).is_err());
    }
}
