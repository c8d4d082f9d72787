//! Bayes-optimal generalised approximate message passing (GAMP) for the
//! teacher–student perceptron, and its state evolution.
//!
//! **Model.** A teacher $w^* \in \mathbb R^N$ drawn from the prior
//! ([`WeightPrior::Binary`]: $w^*_i = \pm 1$; [`WeightPrior::Gaussian`]:
//! $\mathcal N(0, 1)$, the large-$N$ stand-in for spherical weights), $M = \alpha N$
//! inputs $x^\mu$ with i.i.d. entries of mean 0 and variance 1, labels
//! $y^\mu = \operatorname{sign}(w^*\cdot x^\mu/\sqrt N)$, each flipped with probability
//! $\eta$ (the channel is in the `sign_channel` module source).
//!
//! **GAMP** (Rangan 2011; Zdeborová & Krzakala, Adv. Phys. 65, 453 (2016) §6),
//! with $F = X/\sqrt N$ and scalar variances: from $\hat w^0 = 0$, $v^0 = 1$,
//! $g^{-1} = 0$,
//!
//! $$ V^t = \tfrac1N\textstyle\sum_i v_i^t, \quad
//!    \omega_\mu^t = (F\hat w^t)_\mu - V^t g_\mu^{t-1}, \quad
//!    g_\mu^t = g_{out}(y_\mu, \omega_\mu^t, V^t), $$
//!
//! $$ A^t = -\tfrac1N\textstyle\sum_\mu \partial_\omega g_{out}(y_\mu, \omega_\mu^t, V^t), \quad
//!    B_i^t = (F^\top g^t)_i + A^t\hat w_i^t, \quad
//!    \hat w_i^{t+1} = f_a(A^t, B_i^t), \quad v_i^{t+1} = f_v(A^t, B_i^t), $$
//!
//! $V^t$ is floored at $1/M$ (see the source: below that, once the teacher is
//! recovered, the messages underflow and the estimate would collapse).
//! $f_a, f_v$ the mean and variance of $P(w)\\,e^{Bw - Aw^2/2}$: $\tanh B$ and
//! $1 - \tanh^2 B$ for the binary prior, $B/(1+A)$ and $1/(1+A)$ for the Gaussian.
//!
//! **State evolution** (Barbier, Krzakala, Macris, Miolane & Zdeborová, PNAS 116,
//! 5451 (2019)), Bayes-optimal so that $m = q$ (Nishimori): with
//! $\omega \sim \mathcal N(0, m)$, $V = 1 - m$,
//!
//! $$ \hat m_t = \alpha\\,\mathbb E_{\omega, y}\\,g_{out}(y, \omega, 1 - m_t)^2, \qquad
//!    m_{t+1} = \mathbb E_{w^*, z}\big[w^* f_a(\hat m_t, \hat m_t w^* + \sqrt{\hat m_t}\\,z)\big], $$
//!
//! i.e. $m_{t+1} = \mathbb E_z\tanh(\hat m_t + \sqrt{\hat m_t}z)$ (binary) or
//! $\hat m_t/(1 + \hat m_t)$ (Gaussian). GAMP's $m_t = \hat w^t\cdot w^*/N$ and
//! $q_t = |\hat w^t|^2/N$ both follow $m_t$. The generalisation error of the
//! posterior mean (probability that $\operatorname{sign}(\hat w\cdot x)$ differs from the
//! noiseless teacher's label) is $\varepsilon_g = \arccos(\sqrt m)/\pi$; against
//! the noisy labels it is $\eta + (1-2\eta)\varepsilon_g$.

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use super::gaussian::{check_alpha, check_label_noise};
use super::sign_channel::SignChannel;
use crate::error::TheoryError;
use crate::mean_field::IterationOptions;
use crate::numerics::GaussianRule;
use quench_core::ParameterError;

/// Prior of the teacher's weights (both of unit variance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WeightPrior {
    /// $w_i = \pm 1$ with probability 1/2 (binary perceptron).
    Binary,
    /// $w_i \sim \mathcal N(0, 1)$ (spherical perceptron at large $N$).
    Gaussian,
}

impl WeightPrior {
    /// Mean and variance of $P(w)\\,e^{Bw - Aw^2/2}$.
    fn denoise(self, precision: f64, field: f64) -> (f64, f64) {
        match self {
            Self::Binary => {
                let mean = field.tanh();
                (mean, 1.0 - mean * mean)
            }
            Self::Gaussian => (field / (1.0 + precision), 1.0 / (1.0 + precision)),
        }
    }

    /// $\mathbb E[w^* f_a(\hat m, \hat m w^* + \sqrt{\hat m}z)]$.
    fn overlap(self, m_hat: f64) -> f64 {
        match self {
            Self::Binary => {
                let root = m_hat.sqrt();
                let rule = GaussianRule::compact(-root, (1.0 / root).min(0.5));
                rule.expect(|z| (m_hat + root * z).tanh())
            }
            Self::Gaussian => m_hat / (1.0 + m_hat),
        }
    }

    /// A draw from the prior.
    fn draw(self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        match self {
            Self::Binary => sign_of(rng.random::<bool>()),
            Self::Gaussian => StandardNormal.sample(rng),
        }
    }
}

fn sign_of(positive: bool) -> f64 {
    if positive { 1.0 } else { -1.0 }
}

/// Distribution of the input entries $x^\mu_i$ (mean 0, variance 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InputDistribution {
    /// $\mathcal N(0, 1)$.
    Gaussian,
    /// $\pm 1$ with probability 1/2.
    Binary,
}

/// A teacher–student data set.
#[derive(Debug, Clone, Serialize)]
pub struct PerceptronSample {
    /// Inputs, row-major `rows` $\times$ `cols` ($M \times N$).
    pub inputs: Vec<f64>,
    /// $M$, the number of examples.
    pub rows: usize,
    /// $N$, the number of weights.
    pub cols: usize,
    /// Labels $\pm 1$ (after the flips).
    pub labels: Vec<f64>,
    /// The teacher $w^*$.
    pub teacher: Vec<f64>,
}

/// The sign channel's generalisation error at overlap $m$: $\arccos(\sqrt m)/\pi$.
pub fn generalization_error(overlap: f64) -> f64 {
    overlap.clamp(0.0, 1.0).sqrt().acos() / std::f64::consts::PI
}

fn check_overlap(parameter: &'static str, m: f64) -> Result<f64, ParameterError> {
    if (0.0..=1.0).contains(&m) {
        Ok(m)
    } else {
        Err(ParameterError::new(parameter, m, "an overlap in [0, 1]"))
    }
}

/// Draws $w^*$, $M = \operatorname{round}(\alpha N)$ inputs and their (noisy)
/// labels; the teacher, the inputs and the flips come from three jump-separated
/// xoshiro256++ streams of `seed`.
pub fn draw_perceptron(
    n: usize,
    alpha: f64,
    prior: WeightPrior,
    inputs: InputDistribution,
    label_noise: f64,
    seed: u64,
) -> Result<PerceptronSample, TheoryError> {
    if n == 0 {
        return Err(ParameterError::new("n", n, "a number of weights >= 1").into());
    }
    let alpha = check_alpha(alpha)?;
    let noise = check_label_noise(label_noise)?;
    let rows = (alpha * n as f64).round() as usize;
    let mut teacher_rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut input_rng = teacher_rng.clone();
    input_rng.jump();
    let mut flip_rng = input_rng.clone();
    flip_rng.jump();
    let teacher: Vec<f64> = (0..n).map(|_| prior.draw(&mut teacher_rng)).collect();
    let data: Vec<f64> = (0..rows * n)
        .map(|_| match inputs {
            InputDistribution::Gaussian => StandardNormal.sample(&mut input_rng),
            InputDistribution::Binary => sign_of(input_rng.random::<bool>()),
        })
        .collect();
    let labels = data
        .chunks_exact(n)
        .map(|row| {
            let field: f64 = row.iter().zip(&teacher).map(|(x, w)| x * w).sum();
            let flip = flip_rng.random::<f64>() < noise;
            sign_of((field >= 0.0) != flip)
        })
        .collect();
    Ok(PerceptronSample {
        inputs: data,
        rows,
        cols: n,
        labels,
        teacher,
    })
}

/// State evolution $m_0, m_1, \dots, m_{\text{steps}}$ from $m_0 = $ `initial`.
pub fn perceptron_state_evolution(
    prior: WeightPrior,
    alpha: f64,
    label_noise: f64,
    initial: f64,
    steps: usize,
) -> Result<Vec<f64>, TheoryError> {
    let alpha = check_alpha(alpha)?;
    let channel = SignChannel::new(check_label_noise(label_noise)?);
    let mut m = vec![check_overlap("initial", initial)?];
    for t in 0..steps {
        m.push(prior.overlap(alpha * channel.information(m[t])));
    }
    Ok(m)
}

/// A fixed point of the perceptron's state evolution.
#[derive(Debug, Clone, Serialize)]
pub struct PerceptronPoint {
    /// Prior of the teacher.
    pub prior: WeightPrior,
    /// $\alpha = M/N$.
    pub alpha: f64,
    /// Label-flip probability $\eta$.
    pub label_noise: f64,
    /// The overlap $m = q$ at the fixed point reached from `initial`.
    pub overlap: f64,
    /// Its conjugate $\hat m$.
    pub overlap_hat: f64,
    /// $\arccos(\sqrt m)/\pi$ (against the noiseless teacher).
    pub generalization_error: f64,
    /// State-evolution steps taken.
    pub iterations: usize,
}

/// Iterates the state evolution from `initial` (e.g. $10^{-6}$, or 0: the
/// sign channel makes even $m = 0$ informative) until $|m_{t+1} - m_t| \le 10^{-13}$,
/// at most $10^5$ steps. The fixed point reached is the one AMP reaches from
/// an uninformed start: for the binary prior the poor branch below
/// $\alpha_{alg} \approx 1.493$ and $m = 1$ above.
pub fn perceptron_state_evolution_fixed_point(
    prior: WeightPrior,
    alpha: f64,
    label_noise: f64,
    initial: f64,
) -> Result<PerceptronPoint, TheoryError> {
    const TOLERANCE: f64 = 1e-13;
    const MAX_STEPS: usize = 100_000;
    let alpha = check_alpha(alpha)?;
    let noise = check_label_noise(label_noise)?;
    let channel = SignChannel::new(noise);
    let mut m = check_overlap("initial", initial)?;
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    let mut m_hat = 0.0;
    while residual > TOLERANCE {
        if iterations == MAX_STEPS {
            return Err(TheoryError::NotConverged {
                method: "perceptron state evolution",
                iterations,
                residual,
                tolerance: TOLERANCE,
                advice: "alpha is at a spinodal (critical slowing down); move it slightly",
            });
        }
        iterations += 1;
        m_hat = alpha * channel.information(m);
        let next = prior.overlap(m_hat);
        residual = (next - m).abs();
        m = next;
    }
    Ok(PerceptronPoint {
        prior,
        alpha,
        label_noise: noise,
        overlap: m,
        overlap_hat: m_hat,
        generalization_error: generalization_error(m),
        iterations,
    })
}

/// A GAMP run on one data set, beside its state evolution.
#[derive(Debug, Clone, Serialize)]
pub struct PerceptronAmpRun {
    /// Prior used by the denoiser.
    pub prior: WeightPrior,
    /// $\alpha = M/N$.
    pub alpha: f64,
    /// Label-flip probability assumed by the channel.
    pub label_noise: f64,
    /// Posterior means $\hat w_i$.
    pub estimate: Vec<f64>,
    /// Mean posterior variance $V$ of the final iterate.
    pub variance: f64,
    /// Whether $\max_i|\hat w_i^{t+1} - \hat w_i^t|$ fell below the tolerance.
    pub converged: bool,
    /// Iterations done.
    pub iterations: usize,
    /// Last $\max_i|\hat w_i^{t+1} - \hat w_i^t|$ (before damping).
    pub residual: f64,
    /// $m_t = \hat w^t\cdot w^*/N$ for $t = 0, 1, \dots$ (empty without the truth).
    pub teacher_overlaps: Vec<f64>,
    /// $q_t = |\hat w^t|^2/N$.
    pub self_overlaps: Vec<f64>,
    /// State evolution $m_t$ from $m_0 = 0$, same $t$.
    pub state_evolution: Vec<f64>,
    /// $\arccos\big(\hat w\cdot w^*/(|\hat w||w^*|)\big)/\pi$ of the final estimate (with the truth).
    pub generalization_error: Option<f64>,
    /// $\arccos(\sqrt{m_t})/\pi$ at the last state-evolution step.
    pub predicted_generalization_error: f64,
}

/// Runs Bayes-optimal GAMP on `inputs` (row-major `rows` $\times$ `cols`,
/// entries of variance 1) with `labels` $\pm 1$, from $\hat w = 0$.
/// `options.damping` mixes new and old $(\hat w, v)$; the state evolution
/// describes the undamped iteration. `truth`, when given, yields the
/// teacher overlaps and the generalisation error.
#[allow(clippy::too_many_arguments)]
pub fn perceptron_amp(
    inputs: &[f64],
    rows: usize,
    cols: usize,
    labels: &[f64],
    prior: WeightPrior,
    label_noise: f64,
    options: &IterationOptions,
    truth: Option<&[f64]>,
) -> Result<PerceptronAmpRun, TheoryError> {
    options.check()?;
    let noise = check_label_noise(label_noise)?;
    if rows == 0 {
        return Err(ParameterError::new("rows", rows, "a number of examples >= 1").into());
    }
    if cols == 0 {
        return Err(ParameterError::new("cols", cols, "a number of weights >= 1").into());
    }
    if inputs.len() != rows * cols {
        return Err(ParameterError::new(
            "inputs",
            format!("{} values", inputs.len()),
            format!("rows * cols = {} values", rows * cols),
        )
        .into());
    }
    if labels.len() != rows || labels.iter().any(|&y| y != 1.0 && y != -1.0) {
        return Err(ParameterError::new(
            "labels",
            format!("{} values", labels.len()),
            format!("{rows} labels, each +1 or -1"),
        )
        .into());
    }
    if let Some(w) = truth
        && (w.len() != cols || w.iter().any(|v| !v.is_finite()))
    {
        return Err(ParameterError::new(
            "truth",
            format!("{} values", w.len()),
            format!("{cols} finite teacher weights"),
        )
        .into());
    }
    let channel = SignChannel::new(noise);
    let nf = cols as f64;
    let scale = 1.0 / nf.sqrt();
    let mut estimate = vec![0.0; cols];
    let mut variances = vec![1.0; cols];
    let mut g = vec![0.0; rows];
    let mut field = vec![0.0; cols];
    let overlap = |w: &[f64]| truth.map(|t| w.iter().zip(t).map(|(a, b)| a * b).sum::<f64>() / nf);
    let norm = |w: &[f64]| w.iter().map(|a| a * a).sum::<f64>() / nf;
    let mut teacher_overlaps: Vec<f64> = overlap(&estimate).into_iter().collect();
    let mut self_overlaps = vec![0.0];
    let mut residual = f64::INFINITY;
    let mut iterations = 0;
    // V is floored at 1/M: the channel sees a data set only through the examples
    // within ~sqrt(V) of the decision boundary; with fewer than ~1 of them (a
    // perfectly separated, recovered teacher) every g_out underflows to 0, A = 0
    // and the estimate would collapse to 0 at the next step.
    let floor = 1.0 / rows as f64;
    let mean_variance = |v: &[f64]| (v.iter().sum::<f64>() / nf).max(floor);
    while iterations < options.max_iterations && residual > options.tolerance {
        iterations += 1;
        let variance = mean_variance(&variances);
        let mut precision = 0.0;
        for ((row, g_mu), &y) in inputs.chunks_exact(cols).zip(&mut g).zip(labels) {
            let product: f64 = row.iter().zip(&estimate).map(|(x, w)| x * w).sum();
            let omega = scale * product - variance * *g_mu;
            let (score, slope) = channel.output(y, omega, variance);
            *g_mu = score;
            precision -= slope;
        }
        let precision = precision / nf;
        field
            .iter_mut()
            .zip(&estimate)
            .for_each(|(b, &w)| *b = precision * w);
        for (row, &g_mu) in inputs.chunks_exact(cols).zip(&g) {
            let weight = scale * g_mu;
            field
                .iter_mut()
                .zip(row)
                .for_each(|(b, x)| *b += weight * x);
        }
        residual = 0.0;
        for ((w, v), &b) in estimate.iter_mut().zip(&mut variances).zip(&field) {
            let (mean, var) = prior.denoise(precision, b);
            residual = f64::max(residual, (mean - *w).abs());
            *w += options.damping * (mean - *w);
            *v += options.damping * (var - *v);
        }
        teacher_overlaps.extend(overlap(&estimate));
        self_overlaps.push(norm(&estimate));
    }
    let state_evolution =
        perceptron_state_evolution(prior, rows as f64 / nf, noise, 0.0, iterations)?;
    let predicted = generalization_error(*state_evolution.last().unwrap_or(&0.0));
    let measured = truth.map(|t| {
        let cosine = overlap(&estimate).unwrap_or(0.0)
            / (norm(&estimate) * norm(t)).sqrt().max(f64::MIN_POSITIVE);
        cosine.clamp(-1.0, 1.0).acos() / std::f64::consts::PI
    });
    Ok(PerceptronAmpRun {
        prior,
        alpha: rows as f64 / nf,
        label_noise: noise,
        variance: mean_variance(&variances),
        estimate,
        converged: residual <= options.tolerance,
        iterations,
        residual,
        teacher_overlaps,
        self_overlaps,
        state_evolution,
        generalization_error: measured,
        predicted_generalization_error: predicted,
    })
}

#[cfg(test)]
#[path = "amp_tests.rs"]
mod tests;
