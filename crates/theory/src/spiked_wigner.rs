//! The spiked Wigner model: Bayes-optimal approximate message passing and its
//! state evolution.
//!
//! **Model.** $Y = \frac{\sqrt\lambda}{N}\\,xx^\top + W$ with $x_i$ i.i.d. from a
//! unit-variance prior ([`SignalPrior::Rademacher`] $\pm 1$ or
//! [`SignalPrior::Gaussian`] $\mathcal N(0, 1)$), $\lambda \ge 0$ the
//! signal-to-noise ratio, and $W$ a GOE matrix: $W_{ij} = W_{ji} \sim \mathcal N(0, 1/N)$
//! for $i < j$ and $W_{ii} \sim \mathcal N(0, 2/N)$ (the diagonal weighs
//! $O(1/\sqrt N)$ in every field and does not enter the theory).
//! This is the spectral normalisation, in which the bulk of $Y$ fills $[-2, 2]$,
//! the top eigenvalue leaves it at $\lambda = 1$ (BBP) and AMP's transition is at
//! $\lambda = 1$; it is the same model as $\sqrt{\lambda/N}\\,xx^\top + \xi$ with
//! $\xi$ of unit variance, divided by $\sqrt N$.
//!
//! **AMP** (Deshpande & Montanari 2014; Lesieur, Krzakala & Zdeborová,
//! J. Stat. Mech. 073403 (2017)). The matrix $\sqrt\lambda\\,W$ has entries of
//! variance $\lambda/N$, so with $\hat x^t = f(B^{t-1}; A_{t-1})$
//!
//! $$ B^t = \sqrt\lambda\\,Y\hat x^t - b_t\\,\hat x^{t-1}, \qquad
//!    b_t = \frac\lambda N\sum_i \partial_B f(B_i^{t-1}; A_{t-1}), \qquad
//!    A_t = \lambda\\,\frac{|\hat x^t|^2}{N}, $$
//!
//! where $f(B; A)$ is the mean of $P(x)\\,e^{Bx - Ax^2/2}$ ($\tanh B$ for
//! Rademacher, $B/(1+A)$ for Gaussian) and $\partial_B f$ its variance. Then
//! $B^t \approx \lambda m_t x + \sqrt{\lambda m_t}\\,z$ with $z \sim \mathcal N(0, 1)$:
//! a Gaussian channel of precision $\lambda m_t$.
//!
//! **Start** ([`WignerStart`]): $\hat x^0 = f(B^{-1}; \mu)$ with side information
//! $B^{-1} = \mu x + \sqrt\mu\\,z$ of small signal-to-noise ratio $\mu$, independent
//! of $W$ (so the state evolution holds from $t = 0$ and $\hat x^{-1} = 0$).
//! Without the truth the start is $B^{-1} = \sqrt\mu\\,z$ (uninformed: AMP must
//! escape $m = 0$, which it does for $\lambda > 1$, towards $+x$ or $-x$).
//!
//! **State evolution.** With $G(a) = \mathbb E_{x, z}[x\\,f(ax + \sqrt a z; a)]$,
//!
//! $$ m_0 = G(\mu), \qquad m_{t+1} = G(\lambda m_t), $$
//!
//! $G(a) = \mathbb E_z\tanh(a + \sqrt a z)$ (Rademacher) or $a/(1+a)$ (Gaussian).
//! Here $m_t = \mathbb E[\hat x^t\cdot x]/N = \mathbb E|\hat x^t|^2/N$ (Nishimori),
//! the *overlap* reported everywhere; the mean squared error of the posterior
//! mean (sign fixed by the start) is $1 - m$, that of the matrix $xx^\top$ is $1 - m^2$.
//! Fixed points: $m = 0$ for $\lambda \le 1$; for $\lambda > 1$ the Gaussian prior
//! gives $m = 1 - 1/\lambda$ exactly and Rademacher
//! $m = \epsilon - \epsilon^2/3 + O(\epsilon^3)$ with $\epsilon = \lambda - 1$ (from
//! $G(a) = a - a^2 + \frac53 a^3 + O(a^4)$).

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::error::TheoryError;
use crate::mean_field::IterationOptions;
use crate::numerics::{GaussianRule, brent};
use quench_core::ParameterError;

/// Prior of the spike (both of unit variance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignalPrior {
    /// $x_i = \pm 1$ with probability 1/2.
    Rademacher,
    /// $x_i \sim \mathcal N(0, 1)$.
    Gaussian,
}

impl SignalPrior {
    /// Mean and variance of $P(x)\\,e^{Bx - Ax^2/2}$.
    fn denoise(self, precision: f64, field: f64) -> (f64, f64) {
        match self {
            Self::Rademacher => {
                let mean = field.tanh();
                (mean, 1.0 - mean * mean)
            }
            Self::Gaussian => (field / (1.0 + precision), 1.0 / (1.0 + precision)),
        }
    }

    /// $G(a)$: the overlap after a Gaussian channel of precision $a$.
    fn overlap(self, a: f64) -> f64 {
        match self {
            Self::Rademacher if a <= 1.0 => {
                // Smooth on the unit scale; the symmetric rule cancels the odd part
                // exactly, which keeps G(a) ~ a accurate for tiny a.
                let root = a.sqrt();
                GaussianRule::smooth().expect(|z| (a + root * z).tanh())
            }
            Self::Rademacher => {
                let root = a.sqrt();
                GaussianRule::compact(-root, 1.0 / root).expect(|z| (a + root * z).tanh())
            }
            Self::Gaussian => a / (1.0 + a),
        }
    }

    fn draw(self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        match self {
            Self::Rademacher => z.signum(),
            Self::Gaussian => z,
        }
    }
}

fn check_snr(snr: f64) -> Result<f64, ParameterError> {
    if snr.is_finite() && snr >= 0.0 {
        Ok(snr)
    } else {
        Err(ParameterError::new("snr", snr, "a finite number >= 0"))
    }
}

/// A draw of the spiked Wigner model.
#[derive(Debug, Clone, Serialize)]
pub struct SpikedWignerSample {
    /// $N$.
    pub n: usize,
    /// $\lambda$.
    pub snr: f64,
    /// The prior of the spike.
    pub prior: SignalPrior,
    /// $Y$, row-major $N \times N$, symmetric.
    pub matrix: Vec<f64>,
    /// The spike $x$.
    pub signal: Vec<f64>,
}

/// Draws $x$ and $Y$; the spike and the noise come from two jump-separated
/// xoshiro256++ streams of `seed`.
pub fn draw_spiked_wigner(
    n: usize,
    snr: f64,
    prior: SignalPrior,
    seed: u64,
) -> Result<SpikedWignerSample, TheoryError> {
    if n == 0 {
        return Err(ParameterError::new("n", n, "a size >= 1").into());
    }
    let snr = check_snr(snr)?;
    let mut signal_rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut noise_rng = signal_rng.clone();
    noise_rng.jump();
    let signal: Vec<f64> = (0..n).map(|_| prior.draw(&mut signal_rng)).collect();
    let nf = n as f64;
    let (spike, sigma) = (snr.sqrt() / nf, 1.0 / nf.sqrt());
    let mut matrix = vec![0.0; n * n];
    for i in 0..n {
        for j in i..n {
            let z: f64 = StandardNormal.sample(&mut noise_rng);
            let noise = if i == j {
                2f64.sqrt() * sigma * z
            } else {
                sigma * z
            };
            let value = spike * signal[i] * signal[j] + noise;
            matrix[i * n + j] = value;
            matrix[j * n + i] = value;
        }
    }
    Ok(SpikedWignerSample {
        n,
        snr,
        prior,
        matrix,
        signal,
    })
}

/// The state-evolution fixed point at one signal-to-noise ratio.
#[derive(Debug, Clone, Serialize)]
pub struct SpikedWignerPoint {
    /// $\lambda$.
    pub snr: f64,
    /// The prior of the spike.
    pub prior: SignalPrior,
    /// $m = \hat x\cdot x/N = |\hat x|^2/N$ at the stable fixed point (0 for $\lambda \le 1$).
    pub overlap: f64,
    /// $1 - m$: mean squared error of the posterior mean of $x$ (sign fixed).
    pub mmse: f64,
    /// $1 - m^2$: mean squared error of the estimate of $xx^\top$.
    pub matrix_mmse: f64,
}

/// The stable fixed point of $m = G(\lambda m)$ reached from a weakly
/// informed start: $m = 0$ for $\lambda \le 1$, else the root of $G(\lambda m) = m$
/// in $(0, 1)$ (closed form $1 - 1/\lambda$ for the Gaussian prior; Brent's
/// method to $10^{-15}$ for Rademacher, accurate for $\lambda - 1 \gtrsim 10^{-6}$).
pub fn spiked_wigner_state_evolution(
    snr: f64,
    prior: SignalPrior,
) -> Result<SpikedWignerPoint, TheoryError> {
    let snr = check_snr(snr)?;
    let overlap = if snr <= 1.0 {
        0.0
    } else {
        match prior {
            SignalPrior::Gaussian => 1.0 - 1.0 / snr,
            SignalPrior::Rademacher => {
                let excess = |m: f64| prior.overlap(snr * m) - m;
                // G(a) = a - a^2 + ...: the excess is positive below (snr - 1) / snr^2.
                let mut low = (snr - 1.0) / (snr * snr);
                while excess(low) <= 0.0 && low > 1e-300 {
                    low *= 0.5;
                }
                brent(excess, low, 1.0, 1e-15).ok_or_else(|| TheoryError::NoSolution {
                    what: "non-trivial state-evolution fixed point",
                    reason: format!("no sign change of G(snr m) - m in [{low:e}, 1]"),
                })?
            }
        }
    };
    Ok(SpikedWignerPoint {
        snr,
        prior,
        overlap,
        mmse: 1.0 - overlap,
        matrix_mmse: 1.0 - overlap * overlap,
    })
}

/// The state evolution $m_0 = G(\mu), m_1, \dots, m_{\text{steps}}$ for side
/// information of signal-to-noise ratio $\mu$ = `side_snr`.
pub fn spiked_wigner_state_evolution_steps(
    snr: f64,
    prior: SignalPrior,
    side_snr: f64,
    steps: usize,
) -> Result<Vec<f64>, TheoryError> {
    let snr = check_snr(snr)?;
    let side = check_side_snr(side_snr)?;
    let mut m = vec![prior.overlap(side)];
    for t in 0..steps {
        m.push(prior.overlap(snr * m[t]));
    }
    Ok(m)
}

fn check_side_snr(value: f64) -> Result<f64, ParameterError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ParameterError::new(
            "side_snr",
            value,
            "a finite signal-to-noise ratio > 0 of the start's side information",
        ))
    }
}

/// How AMP starts: side information $B^{-1} = \mu x + \sqrt\mu\\,z$ (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WignerStart {
    /// $\mu > 0$; $m_0 = G(\mu) \approx \mu$ for small $\mu$.
    pub side_snr: f64,
    /// Seed of the side channel's noise $z$.
    pub seed: u64,
}

impl Default for WignerStart {
    fn default() -> Self {
        Self {
            side_snr: 0.05,
            seed: 0,
        }
    }
}

/// An AMP run on one spiked Wigner matrix, beside its state evolution.
#[derive(Debug, Clone, Serialize)]
pub struct SpikedWignerAmpRun {
    /// $\lambda$.
    pub snr: f64,
    /// Prior used by the denoiser.
    pub prior: SignalPrior,
    /// The final posterior means $\hat x_i$.
    pub estimate: Vec<f64>,
    /// Whether $\max_i|\hat x_i^{t+1} - \hat x_i^t|$ fell below the tolerance.
    pub converged: bool,
    /// Iterations done.
    pub iterations: usize,
    /// Last $\max_i|\hat x_i^{t+1} - \hat x_i^t|$ (before damping).
    pub residual: f64,
    /// $m_t = \hat x^t\cdot x/N$ for $t = 0, 1, \dots$ (empty without the truth).
    pub overlaps: Vec<f64>,
    /// $q_t = |\hat x^t|^2/N$.
    pub self_overlaps: Vec<f64>,
    /// State evolution $m_t$ for the same $t$; without the truth it starts
    /// from the chance overlap $m_0 = 1/\sqrt N$ and predicts $|m_t|$ only roughly
    /// (the escape from $m = 0$ is random).
    pub state_evolution: Vec<f64>,
}

/// Runs Bayes-optimal AMP on `matrix` (row-major `n` $\times$ `n`, symmetric,
/// drawn as in [`draw_spiked_wigner`]). `options.damping` mixes new and old
/// estimates (the state evolution describes the undamped iteration).
pub fn spiked_wigner_amp(
    matrix: &[f64],
    n: usize,
    snr: f64,
    prior: SignalPrior,
    start: &WignerStart,
    options: &IterationOptions,
    truth: Option<&[f64]>,
) -> Result<SpikedWignerAmpRun, TheoryError> {
    options.check()?;
    let snr = check_snr(snr)?;
    let side = check_side_snr(start.side_snr)?;
    if n == 0 {
        return Err(ParameterError::new("n", n, "a size >= 1").into());
    }
    if matrix.len() != n * n || matrix.iter().any(|v| !v.is_finite()) {
        return Err(ParameterError::new(
            "matrix",
            format!("{} values", matrix.len()),
            format!("n * n = {} finite values", n * n),
        )
        .into());
    }
    if let Some(x) = truth
        && (x.len() != n || x.iter().any(|v| !v.is_finite()))
    {
        return Err(ParameterError::new(
            "truth",
            format!("{} values", x.len()),
            format!("{n} finite signal values"),
        )
        .into());
    }
    let nf = n as f64;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(start.seed);
    let (mut estimate, mut variances): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            let z: f64 = StandardNormal.sample(&mut rng);
            let signal = truth.map_or(0.0, |x| side * x[i]);
            prior.denoise(side, signal + side.sqrt() * z)
        })
        .unzip();
    let mut previous = vec![0.0; n];
    let mut field = vec![0.0; n];
    let overlap = |v: &[f64]| truth.map(|x| v.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() / nf);
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>() / nf;
    let mut overlaps: Vec<f64> = overlap(&estimate).into_iter().collect();
    let mut self_overlaps = vec![norm(&estimate)];
    let root = snr.sqrt();
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    while iterations < options.max_iterations && residual > options.tolerance {
        iterations += 1;
        let onsager = snr * variances.iter().sum::<f64>() / nf;
        let precision = snr * norm(&estimate);
        for ((b, row), &old) in field.iter_mut().zip(matrix.chunks_exact(n)).zip(&previous) {
            let product: f64 = row.iter().zip(&estimate).map(|(y, x)| y * x).sum();
            *b = root * product - onsager * old;
        }
        previous.copy_from_slice(&estimate);
        residual = 0.0;
        for ((x, v), &b) in estimate.iter_mut().zip(&mut variances).zip(&field) {
            let (mean, var) = prior.denoise(precision, b);
            residual = f64::max(residual, (mean - *x).abs());
            *x += options.damping * (mean - *x);
            *v += options.damping * (var - *v);
        }
        overlaps.extend(overlap(&estimate));
        self_overlaps.push(norm(&estimate));
    }
    let state_evolution = if truth.is_some() {
        spiked_wigner_state_evolution_steps(snr, prior, side, iterations)?
    } else {
        let mut m = vec![1.0 / nf.sqrt()];
        for t in 0..iterations {
            m.push(prior.overlap(snr * m[t]));
        }
        m
    };
    Ok(SpikedWignerAmpRun {
        snr,
        prior,
        estimate,
        converged: residual <= options.tolerance,
        iterations,
        residual,
        overlaps,
        self_overlaps,
        state_evolution,
    })
}

#[cfg(test)]
#[path = "spiked_wigner_tests.rs"]
mod tests;
