//! Spherical weights ($|w|^2 = N$) sampled from the posterior
//! $P(w\mid\text{data}) \propto e^{-\beta E(w)}$ on the sphere, $E$ the
//! number of training errors as for binary weights.
//!
//! A move rotates the weights in the plane of two coordinates $i \ne j$
//! by an angle $\theta$ drawn uniformly from $(-\pi, \pi]$:
//! $$ w_i' = w_i\cos\theta - w_j\sin\theta,\qquad w_j' = w_i\sin\theta + w_j\cos\theta . $$
//! The rotation keeps $|w|$, its proposal is symmetric (the angle and its
//! opposite are equally likely) and the uniform measure on the sphere is
//! invariant under it, so Metropolis acceptance
//! $\min(1, e^{-\beta\Delta E})$ samples the posterior; the pairs $(i, j)$
//! reach every direction, so the chain is ergodic. A move costs $O(P)$:
//! the fields $h^\mu = \sum_i w_i \xi_i^\mu$ change through two columns.
//! Each sweep ($N$ proposals) ends by rescaling $w$ and $h$ back to the
//! sphere, and every [`REFRESH_SWEEPS`] sweeps the fields are recomputed
//! from the weights, so rounding never accumulates.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::data::{Inputs, TrainingSet};
use crate::error::{LearnError, parameter};
use quench_core::rng::StreamRng;
use quench_mc::tempering::Exchangeable;

/// Sweeps between recomputations of the fields from the weights.
pub const REFRESH_SWEEPS: u64 = 64;

/// A perceptron with spherical weights on one training set, with margin $\kappa$.
#[derive(Debug, Clone)]
pub struct SphericalPerceptron {
    dimension: usize,
    patterns: usize,
    /// $\xi_i^\mu = y^\mu x_i^\mu$, weight-major ($N \times P$).
    columns: Vec<f64>,
    /// $\kappa\sqrt N$: constraint $\mu$ is violated when $h^\mu \le$ this.
    threshold: f64,
}

/// Weights on the sphere, their fields and their training errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SphereState {
    /// $w$, $|w|^2 = N$.
    pub weights: Vec<f64>,
    /// $h^\mu = \sum_i w_i\xi_i^\mu$.
    pub fields: Vec<f64>,
    /// $E(w)$.
    pub violations: u64,
    /// Sweeps done (the refresh schedule).
    pub sweeps: u64,
}

impl SphericalPerceptron {
    /// The perceptron of `data` with margin `margin` (finite).
    pub fn new(data: &TrainingSet, margin: f64) -> Result<Self, LearnError> {
        if !margin.is_finite() {
            return Err(parameter("margin", margin, "a finite real number"));
        }
        let (n, p) = (data.dimension(), data.patterns());
        let mut columns = vec![0.0; n * p];
        for (mu, &y) in data.labels().iter().enumerate() {
            for i in 0..n {
                let x = match data.inputs() {
                    Inputs::Binary(values) => f64::from(values[mu * n + i]),
                    Inputs::Real(values) => values[mu * n + i],
                };
                columns[i * p + mu] = f64::from(y) * x;
            }
        }
        Ok(Self {
            dimension: n,
            patterns: p,
            columns,
            threshold: margin * (n as f64).sqrt(),
        })
    }

    /// Number of weights $N$.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The state of `weights` rescaled onto the sphere $|w|^2 = N$ (any
    /// nonzero finite vector of $N$ entries).
    pub fn state(&self, mut weights: Vec<f64>) -> Result<SphereState, LearnError> {
        let norm2: f64 = weights.iter().map(|w| w * w).sum();
        if weights.len() != self.dimension || !(norm2.is_finite() && norm2 > 0.0) {
            return Err(parameter(
                "weights",
                weights.len(),
                format!("{} finite entries, not all zero", self.dimension),
            ));
        }
        let scale = (self.dimension as f64 / norm2).sqrt();
        weights.iter_mut().for_each(|w| *w *= scale);
        let mut state = SphereState {
            weights,
            fields: vec![0.0; self.patterns],
            violations: 0,
            sweeps: 0,
        };
        self.refresh(&mut state);
        Ok(state)
    }

    /// A uniformly random point of the sphere (a normalised Gaussian vector).
    pub fn random_state<R: Rng + ?Sized>(&self, rng: &mut R) -> SphereState {
        let weights = (0..self.dimension)
            .map(|_| rng.sample::<f64, _>(StandardNormal))
            .collect();
        self.state(weights)
            .expect("a Gaussian vector is nonzero with probability 1")
    }

    /// Recomputes the fields and the violations from the weights.
    fn refresh(&self, state: &mut SphereState) {
        let p = self.patterns;
        state.fields.iter_mut().for_each(|h| *h = 0.0);
        for (i, &w) in state.weights.iter().enumerate() {
            for (h, &xi) in state
                .fields
                .iter_mut()
                .zip(&self.columns[i * p..(i + 1) * p])
            {
                *h += w * xi;
            }
        }
        state.violations = self.count(&state.fields);
    }

    fn count(&self, fields: &[f64]) -> u64 {
        fields.iter().filter(|&&h| h <= self.threshold).count() as u64
    }

    /// The number of violated constraints, recounted from the fields.
    pub fn recount(&self, state: &SphereState) -> u64 {
        self.count(&state.fields)
    }

    /// One sweep: $N$ Metropolis plane rotations at inverse temperature
    /// `beta` (each: $i$, then $j \ne i$, then $\theta$ from `rng`, then a
    /// uniform only when $\Delta E > 0$), then the rescaling onto the
    /// sphere. Returns the moves made.
    pub fn sweep<R: Rng + ?Sized>(
        &self,
        state: &mut SphereState,
        beta: f64,
        scratch: &mut Vec<f64>,
        rng: &mut R,
    ) -> u64 {
        let (n, p) = (self.dimension, self.patterns);
        let mut made = 0;
        scratch.resize(p, 0.0);
        for _ in 0..n {
            if n < 2 {
                break;
            }
            let i = rng.random_range(0..n);
            let j = (i + 1 + rng.random_range(0..n - 1)) % n;
            let theta = std::f64::consts::PI * (2.0 * rng.random::<f64>() - 1.0);
            let (sin, cos) = theta.sin_cos();
            let (wi, wj) = (state.weights[i], state.weights[j]);
            let (di, dj) = (wi * cos - wj * sin - wi, wi * sin + wj * cos - wj);
            let (ci, cj) = (
                &self.columns[i * p..(i + 1) * p],
                &self.columns[j * p..(j + 1) * p],
            );
            let mut after = 0u64;
            for (((new, &h), &xi), &xj) in scratch.iter_mut().zip(&state.fields).zip(ci).zip(cj) {
                *new = h + di * xi + dj * xj;
                after += u64::from(*new <= self.threshold);
            }
            let delta = after as f64 - state.violations as f64;
            if delta <= 0.0 || rng.random::<f64>() < (-beta * delta).exp() {
                state.weights[i] += di;
                state.weights[j] += dj;
                std::mem::swap(&mut state.fields, scratch);
                state.violations = after;
                made += 1;
            }
        }
        state.sweeps += 1;
        if state.sweeps.is_multiple_of(REFRESH_SWEEPS) {
            let norm2: f64 = state.weights.iter().map(|w| w * w).sum();
            let scale = (n as f64 / norm2).sqrt();
            state.weights.iter_mut().for_each(|w| *w *= scale);
            self.refresh(state);
        } else {
            let norm2: f64 = state.weights.iter().map(|w| w * w).sum();
            let scale = (n as f64 / norm2).sqrt();
            state.weights.iter_mut().for_each(|w| *w *= scale);
            state.fields.iter_mut().for_each(|h| *h *= scale);
            state.violations = self.count(&state.fields);
        }
        made
    }
}

/// A chain of spherical weights that owns its random stream (what parallel
/// tempering exchanges and a checkpoint saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SphereChain {
    /// The weights and their fields.
    pub state: SphereState,
    /// The chain's stream of moves.
    pub rng: StreamRng,
}

impl Exchangeable for SphereChain {
    #[inline]
    fn energy(&self) -> f64 {
        self.state.violations as f64
    }

    #[inline]
    fn swap_configuration(&mut self, other: &mut Self) {
        std::mem::swap(&mut self.state, &mut other.state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perceptron::data::{DataEnsemble, InputDistribution, LabelRule, WeightKind};
    use quench_core::rng::{Purpose, stream};

    fn data(n: usize, p: usize, sample: u64) -> TrainingSet {
        let ensemble = DataEnsemble {
            dimension: n,
            patterns: p,
            inputs: InputDistribution::Gaussian,
            labels: LabelRule::Teacher {
                teacher: WeightKind::Spherical,
                noise: 0.0,
            },
        };
        TrainingSet::draw(&ensemble, 3, sample).unwrap()
    }

    /// Sweeps keep the weights on the sphere and the fields and the
    /// violation count equal to their recomputation from the weights.
    #[test]
    fn sweeps_stay_on_the_sphere_with_consistent_fields() {
        let set = data(15, 30, 0);
        let perceptron = SphericalPerceptron::new(&set, 0.2).unwrap();
        let mut rng = stream(1, Purpose::Dynamics, 0, 0);
        let mut state = perceptron.random_state(&mut rng);
        let mut scratch = Vec::new();
        for k in 0..150 {
            perceptron.sweep(&mut state, 2.0, &mut scratch, &mut rng);
            let norm2: f64 = state.weights.iter().map(|w| w * w).sum();
            assert!((norm2 - 15.0).abs() < 1e-9, "sweep {k}: |w|^2 = {norm2}");
            let fresh = perceptron.state(state.weights.clone()).unwrap();
            for (a, b) in state.fields.iter().zip(&fresh.fields) {
                assert!((a - b).abs() < 1e-9);
            }
            assert_eq!(state.violations, fresh.violations);
        }
    }

    /// With no data (every constraint satisfied at margin $-\infty$... here:
    /// a huge negative margin) the chain samples the uniform measure on the
    /// sphere: $\langle w_1^2\rangle = 1$ and $\langle w_1^4\rangle = 3N/(N+2)$.
    /// Tolerance: 5 standard errors of the sweep averages, blocked over
    /// 100-sweep bins (the bins are nearly independent).
    #[test]
    fn without_constraints_the_chain_samples_the_uniform_sphere() {
        let n = 6;
        let set = data(n, 1, 1);
        let perceptron = SphericalPerceptron::new(&set, -1e9).unwrap();
        let mut rng = stream(2, Purpose::Dynamics, 0, 0);
        let mut state = perceptron.random_state(&mut rng);
        let mut scratch = Vec::new();
        let (bins, per_bin) = (400, 100);
        let mut second = Vec::new();
        let mut fourth = Vec::new();
        for _ in 0..bins {
            let (mut s2, mut s4) = (0.0, 0.0);
            for _ in 0..per_bin {
                perceptron.sweep(&mut state, 1.0, &mut scratch, &mut rng);
                let w = state.weights[0];
                s2 += w * w;
                s4 += w.powi(4);
            }
            second.push(s2 / per_bin as f64);
            fourth.push(s4 / per_bin as f64);
        }
        let stats = |x: &[f64]| {
            let m = x.iter().sum::<f64>() / x.len() as f64;
            let v = x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (x.len() - 1) as f64;
            (m, (v / x.len() as f64).sqrt())
        };
        let (m2, e2) = stats(&second);
        let (m4, e4) = stats(&fourth);
        let exact4 = 3.0 * n as f64 / (n as f64 + 2.0);
        assert!((m2 - 1.0).abs() < 5.0 * e2, "<w^2> = {m2} ± {e2}");
        assert!(
            (m4 - exact4).abs() < 5.0 * e4,
            "<w^4> = {m4} ± {e4}, exact {exact4}"
        );
    }

    /// $N = 3$: the posterior at $\beta$ of a small training set, sampled,
    /// against its exact averages by quadrature over the sphere (uniform
    /// in $z = \cos\vartheta$ and $\varphi$, $800 \times 1600$ cells): the
    /// mean number of training errors and $\langle w_1\rangle$, within 5
    /// standard errors of 200-sweep bins.
    #[test]
    fn the_chain_samples_the_posterior_of_three_spherical_weights() {
        let n = 3;
        let set = data(n, 7, 4);
        let beta = 1.3;
        let perceptron = SphericalPerceptron::new(&set, 0.0).unwrap();
        // Exact: integrate over the sphere of radius sqrt(3).
        let radius = (n as f64).sqrt();
        let (cells_z, cells_phi) = (800, 1600);
        let (mut z_sum, mut e_sum, mut w_sum) = (0.0, 0.0, 0.0);
        for a in 0..cells_z {
            let z = -1.0 + 2.0 * (a as f64 + 0.5) / cells_z as f64;
            let rho = (1.0 - z * z).sqrt();
            for b in 0..cells_phi {
                let phi = 2.0 * std::f64::consts::PI * (b as f64 + 0.5) / cells_phi as f64;
                let w = vec![
                    radius * rho * phi.cos(),
                    radius * rho * phi.sin(),
                    radius * z,
                ];
                let e = set.violations(&w, 0.0) as f64;
                let weight = (-beta * e).exp();
                z_sum += weight;
                e_sum += weight * e;
                w_sum += weight * w[0];
            }
        }
        let (exact_e, exact_w) = (e_sum / z_sum, w_sum / z_sum);
        let mut rng = stream(9, Purpose::Dynamics, 0, 0);
        let mut state = perceptron.random_state(&mut rng);
        let mut scratch = Vec::new();
        let (bins, per_bin) = (200, 200);
        let (mut energies, mut firsts) = (Vec::new(), Vec::new());
        for _ in 0..bins {
            let (mut e, mut w) = (0.0, 0.0);
            for _ in 0..per_bin {
                perceptron.sweep(&mut state, beta, &mut scratch, &mut rng);
                e += state.violations as f64;
                w += state.weights[0];
            }
            energies.push(e / per_bin as f64);
            firsts.push(w / per_bin as f64);
        }
        let stats = |x: &[f64]| {
            let m = x.iter().sum::<f64>() / x.len() as f64;
            let v = x.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (x.len() - 1) as f64;
            (m, (v / x.len() as f64).sqrt())
        };
        let (e, de) = stats(&energies);
        let (w, dw) = stats(&firsts);
        assert!(
            (e - exact_e).abs() < 5.0 * de,
            "<E> = {e} ± {de}, exact {exact_e}"
        );
        assert!(
            (w - exact_w).abs() < 5.0 * dw,
            "<w_1> = {w} ± {dw}, exact {exact_w}"
        );
        assert!(
            exact_e > 0.2,
            "the test needs training errors at beta ({exact_e})"
        );
    }
}
