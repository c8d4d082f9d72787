//! Annealed importance sampling of $\ln Z$ (Neal 2001; for RBMs Salakhutdinov
//! & Murray, ICML 2008), forward and reverse, with error bars.
//!
//! The path runs from a base machine $A$ (no weights, visible biases $b_A$,
//! $N_h$ free hidden units: $Z_A = 2^{N_h}\prod_i(1+e^{b_{A,i}})$) to the
//! machine $B$ through
//! $\ln p^*_\beta(v) = (1-\beta)\\, b_A\cdot v + \beta\\, b\cdot v +
//! \sum_j \operatorname{softplus}\bigl(\beta\\,(c_j + (vW)_j)\bigr)$
//! (at $\beta = 0$ the softplus terms are the $N_h \ln 2$ of $A$'s free hidden units),
//! so that $p^*_0$ is $A$'s and $p^*_1 = e^{-F(v)}$ is $B$'s. Each chain starts
//! from an exact sample of $A$, gathers the log-weight
//! $w = \sum_k \ln p^*_{\beta_k}(v_{k-1}) - \ln p^*_{\beta_{k-1}}(v_{k-1})$
//! and moves by one Gibbs step $v\to h\to v$ that leaves $p_{\beta_k}$
//! invariant. With $r_m = e^{w_m}$ over $M$ chains,
//! $\widehat Z = Z_A\\, \bar r$ is unbiased, and $\ln\widehat Z$ is on
//! average *below* $\ln Z$ (Jensen): a log-likelihood from forward AIS
//! errs on the optimistic side. Its error bar is the delta method's
//! $s_r/(\bar r\sqrt M)$, with the interval $\ln(\bar r \pm 3 s_r/\sqrt M)$
//! of Salakhutdinov & Murray beside it, and the effective number of chains
//! $(\sum r)^2/\sum r^2$ to show when a few chains carry the estimate.
//!
//! For Gaussian visible units the base is $\mathcal N(b_A, 1)$ for every
//! visible unit ($Z_A = 2^{N_h}(2\pi)^{N_v/2}$) and the visible term of the
//! path is $-\frac12\sum_i[(1-\beta)(v_i - b_{A,i})^2 + \beta(v_i - b_i)^2]$,
//! so that $v\mid h$ at $\beta$ is $\mathcal N((1-\beta)b_A + \beta(b + Wh), 1)$.
//!
//! **Reverse AIS** runs the same path from $B$ to $A$, starting from exact
//! samples of $B$ (cheap when its smaller layer can be tabulated,
//! [`super::exact::ExactSampler`]): $\mathbb E[e^{w}] = Z_A/Z_B$, so its
//! $\ln\widehat Z$ is on average *above* $\ln Z$. Forward and reverse
//! estimates together bracket the truth; where they disagree by more than
//! their error bars, neither is to be trusted.
//!
//! Chains run in groups of [`GROUP`], each group a batch of matrix products
//! with its own stream (`Purpose::Named("ais")`, chain = group), in
//! parallel, combined in order: the estimate does not depend on the thread
//! count.

use quench_core::rng::{Purpose, StreamRng, stream};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::exact::ExactSampler;
use super::rbm::{Rbm, sample_bernoulli, sigmoid, softplus, uniform};
use crate::error::{LearnError, at_least, parameter};

/// Chains per group (one batch of matrix products, one random stream).
pub const GROUP: usize = 32;

/// The inverse temperatures $0 = \beta_0 < \dots < \beta_K = 1$ of an AIS path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AisSchedule {
    betas: Vec<f64>,
}

impl AisSchedule {
    /// A schedule from its inverse temperatures: they start at 0, end at 1
    /// and do not decrease.
    pub fn new(betas: Vec<f64>) -> Result<Self, LearnError> {
        if betas.len() < 2 || betas[0] != 0.0 || *betas.last().unwrap() != 1.0 {
            return Err(parameter(
                "schedule",
                format!("{} inverse temperatures", betas.len()),
                "at least two inverse temperatures from exactly 0 to exactly 1",
            ));
        }
        if let Some(w) = betas
            .windows(2)
            .find(|w| w[1].partial_cmp(&w[0]).is_none_or(|o| o.is_lt()))
        {
            return Err(parameter(
                "schedule",
                format!("{} after {}", w[1], w[0]),
                "non-decreasing inverse temperatures",
            ));
        }
        Ok(Self { betas })
    }

    /// $K$ equal steps.
    pub fn linear(steps: usize) -> Result<Self, LearnError> {
        at_least("ais_steps", steps, 1)?;
        Self::new((0..=steps).map(|k| k as f64 / steps as f64).collect())
    }

    /// The shape of Salakhutdinov & Murray (2008), scaled to `steps` in all:
    /// $\frac{500}{14500}$ of the steps in $[0, 0.5]$, $\frac{4000}{14500}$ in
    /// $[0.5, 0.9]$ and the rest in $[0.9, 1]$, where the distributions change fastest.
    pub fn standard(steps: usize) -> Result<Self, LearnError> {
        at_least("ais_steps", steps, 3)?;
        let first = (steps * 500 / 14500).max(1);
        let second = (steps * 4000 / 14500).max(1);
        let third = steps.saturating_sub(first + second).max(1);
        let mut betas = Vec::with_capacity(first + second + third + 1);
        for (start, end, count) in [(0.0, 0.5, first), (0.5, 0.9, second), (0.9, 1.0, third)] {
            for k in 0..count {
                betas.push(start + (end - start) * k as f64 / count as f64);
            }
        }
        betas.push(1.0);
        Self::new(betas)
    }

    /// The inverse temperatures.
    pub fn betas(&self) -> &[f64] {
        &self.betas
    }

    /// Steps $K$.
    pub fn steps(&self) -> usize {
        self.betas.len() - 1
    }
}

/// An AIS estimate of $\ln Z$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AisEstimate {
    /// $\ln\widehat Z$.
    pub log_partition: f64,
    /// Its standard error (delta method).
    pub standard_error: f64,
    /// $\ln Z_A + \ln(\bar r - 3 s_r/\sqrt M)$ ($-\infty$ when negative).
    pub lower: f64,
    /// $\ln Z_A + \ln(\bar r + 3 s_r/\sqrt M)$.
    pub upper: f64,
    /// $(\sum r)^2/\sum r^2$.
    pub effective_chains: f64,
    /// Chains $M$.
    pub chains: usize,
}

impl AisEstimate {
    /// The estimate from log-weights, for $Z = Z_A\\,\mathbb E[e^{w}]$
    /// (`sign` $= 1$, forward) or $Z = Z_A/\mathbb E[e^{w}]$ (`sign` $= -1$,
    /// reverse).
    fn from_log_weights(log_weights: &[f64], log_base: f64, sign: f64) -> Self {
        let chains = log_weights.len();
        let max = log_weights
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let ratios: Vec<f64> = log_weights.iter().map(|w| (w - max).exp()).collect();
        let m = chains as f64;
        let mean = ratios.iter().sum::<f64>() / m;
        let variance = if chains > 1 {
            ratios.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (m - 1.0)
        } else {
            f64::NAN
        };
        let spread = (variance / m).sqrt();
        let squares: f64 = ratios.iter().map(|r| r * r).sum();
        let effective_chains = (mean * m).powi(2) / squares;
        let log_mean = max + mean.ln();
        let low = max + (mean - 3.0 * spread).max(0.0).ln();
        let high = max + (mean + 3.0 * spread).ln();
        let (lower, upper) = if sign > 0.0 {
            (log_base + low, log_base + high)
        } else {
            (log_base - high, log_base - low)
        };
        Self {
            log_partition: log_base + sign * log_mean,
            standard_error: spread / mean,
            lower,
            upper,
            effective_chains,
            chains,
        }
    }
}

/// $\ln Z_A$ of the base machine with visible biases `base` and `hidden` free units.
pub fn base_log_partition(base: &[f64], hidden: usize) -> f64 {
    hidden as f64 * std::f64::consts::LN_2 + base.iter().map(|&b| softplus(b)).sum::<f64>()
}

/// $\ln Z_A$ of the base of a machine with Gaussian visible units:
/// `visible` units $\mathcal N(b_A, 1)$ and `hidden` free units.
pub fn gaussian_base_log_partition(visible: usize, hidden: usize) -> f64 {
    hidden as f64 * std::f64::consts::LN_2
        + 0.5 * visible as f64 * (2.0 * std::f64::consts::PI).ln()
}

fn standard_normal(rng: &mut StreamRng) -> f64 {
    rand_distr::Distribution::<f64>::sample(&rand_distr::StandardNormal, rng)
}

/// What the chains of one group share: the machine, the base and the path.
struct Path<'a> {
    machine: &'a Rbm,
    base: &'a [f64],
    betas: &'a [f64],
}

impl Path<'_> {
    /// $\ln Z_A$ of the path's base.
    fn base_log_partition(&self) -> f64 {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        if self.machine.is_gaussian() {
            gaussian_base_log_partition(nv, nh)
        } else {
            base_log_partition(self.base, nh)
        }
    }

    /// $\ln p^*_\beta(v)$ of every row, from the rows' inputs $x = c + vW$.
    fn log_weight(&self, beta: f64, visible: &[f64], input: &[f64], out: &mut [f64]) {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let b = self.machine.visible_bias();
        for ((v, x), o) in visible
            .chunks_exact(nv)
            .zip(input.chunks_exact(nh))
            .zip(out.iter_mut())
        {
            let mut linear = 0.0;
            if self.machine.is_gaussian() {
                for i in 0..nv {
                    let (a, m) = (v[i] - self.base[i], v[i] - b[i]);
                    linear -= 0.5 * ((1.0 - beta) * a * a + beta * m * m);
                }
            } else {
                for i in 0..nv {
                    linear += v[i] * ((1.0 - beta) * self.base[i] + beta * b[i]);
                }
            }
            *o = linear + x.iter().map(|&x| softplus(beta * x)).sum::<f64>();
        }
    }

    /// One Gibbs step $v\to h\to v$ at $\beta$ for every row, from the rows'
    /// inputs $x = c + vW$.
    #[allow(clippy::too_many_arguments)]
    fn gibbs(
        &self,
        beta: f64,
        rows: usize,
        visible: &mut [f64],
        input: &[f64],
        hidden: &mut [f64],
        visible_input: &mut [f64],
        rng: &mut StreamRng,
    ) {
        for (h, &x) in hidden.iter_mut().zip(input) {
            *h = if uniform(rng) < sigmoid(beta * x) {
                1.0
            } else {
                0.0
            };
        }
        self.machine
            .visible_input(hidden, rows, beta, visible_input);
        let nv = self.machine.visible();
        for (row, v) in visible_input
            .chunks_exact_mut(nv)
            .zip(visible.chunks_exact_mut(nv))
        {
            for i in 0..nv {
                let x = row[i] + (1.0 - beta) * self.base[i];
                v[i] = if self.machine.is_gaussian() {
                    x + standard_normal(rng)
                } else if uniform(rng) < sigmoid(x) {
                    1.0
                } else {
                    0.0
                };
            }
        }
    }

    /// Runs `rows` chains from `visible` along the path (forward: $\beta$
    /// rising; reverse: falling) and returns their log-weights.
    fn run(
        &self,
        visible: &mut [f64],
        rows: usize,
        reverse: bool,
        rng: &mut StreamRng,
    ) -> Vec<f64> {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let mut input = vec![0.0; rows * nh];
        let mut hidden = vec![0.0; rows * nh];
        let mut visible_input = vec![0.0; rows * nv];
        let mut weights = vec![0.0; rows];
        let mut now = vec![0.0; rows];
        let mut before = vec![0.0; rows];
        let steps = self.betas.len() - 1;
        for step in 1..=steps {
            // Forward: from beta_{k-1} to beta_k; reverse: from beta_k to beta_{k-1}.
            let (from, to) = if reverse {
                (self.betas[steps + 1 - step], self.betas[steps - step])
            } else {
                (self.betas[step - 1], self.betas[step])
            };
            self.machine.hidden_input(visible, rows, 1.0, &mut input);
            self.log_weight(to, visible, &input, &mut now);
            self.log_weight(from, visible, &input, &mut before);
            for ((w, a), b) in weights.iter_mut().zip(&now).zip(&before) {
                *w += a - b;
            }
            if step < steps {
                self.gibbs(
                    to,
                    rows,
                    visible,
                    &input,
                    &mut hidden,
                    &mut visible_input,
                    rng,
                );
            }
        }
        weights
    }
}

/// Checks the base biases against the machine.
fn check_base(machine: &Rbm, base: &[f64], chains: usize) -> Result<(), LearnError> {
    at_least("ais_chains", chains, 2)?;
    if base.len() != machine.visible() || base.iter().any(|b| !b.is_finite()) {
        return Err(parameter(
            "base",
            base.len(),
            format!("{} finite visible biases", machine.visible()),
        ));
    }
    Ok(())
}

impl Path<'_> {
    /// The log-weights of `chains` chains in groups of [`GROUP`], each
    /// group from `stream(seed, Named(name), sample, group)`, started by
    /// `start(rows of the visible layer, stream)`, run in parallel and
    /// concatenated in group order.
    #[allow(clippy::too_many_arguments)]
    fn log_weights(
        &self,
        chains: usize,
        seed: u64,
        sample: u64,
        name: &'static str,
        reverse: bool,
        start: impl Fn(&mut [f64], &mut StreamRng) + Sync,
    ) -> Vec<f64> {
        let nv = self.machine.visible();
        groups(chains)
            .into_par_iter()
            .map(|(group, rows)| {
                let mut rng = stream(seed, Purpose::Named(name), sample, group as u64);
                let mut visible = vec![0.0; rows * nv];
                start(&mut visible, &mut rng);
                self.run(&mut visible, rows, reverse, &mut rng)
            })
            .collect::<Vec<_>>()
            .concat()
    }
}

/// Forward AIS: `chains` chains from the base machine (visible biases
/// `base`, e.g. the data's log-odds) to `machine`, each group of [`GROUP`]
/// chains from `stream(seed, Named("ais"), sample, group)`.
pub fn ais(
    machine: &Rbm,
    base: &[f64],
    schedule: &AisSchedule,
    chains: usize,
    seed: u64,
    sample: u64,
) -> Result<AisEstimate, LearnError> {
    check_base(machine, base, chains)?;
    let path = Path {
        machine,
        base,
        betas: schedule.betas(),
    };
    let probabilities: Vec<f64> = base.iter().map(|&b| sigmoid(b)).collect();
    let gaussian = machine.is_gaussian();
    let log_weights = path.log_weights(chains, seed, sample, "ais", false, |visible, rng| {
        for row in visible.chunks_exact_mut(probabilities.len()) {
            if gaussian {
                for (v, &b) in row.iter_mut().zip(base) {
                    *v = b + standard_normal(rng);
                }
            } else {
                sample_bernoulli(&probabilities, row, rng);
            }
        }
    });
    Ok(AisEstimate::from_log_weights(
        &log_weights,
        path.base_log_partition(),
        1.0,
    ))
}

/// Reverse AIS: `chains` chains from exact samples of `machine` (its
/// smaller layer tabulated, [`ExactSampler`]) down to the base machine,
/// each group from `stream(seed, Named("reverse-ais"), sample, group)`.
pub fn reverse_ais(
    machine: &Rbm,
    base: &[f64],
    schedule: &AisSchedule,
    chains: usize,
    seed: u64,
    sample: u64,
) -> Result<AisEstimate, LearnError> {
    check_base(machine, base, chains)?;
    let sampler = ExactSampler::new(machine)?;
    let path = Path {
        machine,
        base,
        betas: schedule.betas(),
    };
    let nv = machine.visible();
    let log_weights =
        path.log_weights(chains, seed, sample, "reverse-ais", true, |visible, rng| {
            for row in visible.chunks_exact_mut(nv) {
                sampler.sample_visible(row, rng);
            }
        });
    Ok(AisEstimate::from_log_weights(
        &log_weights,
        path.base_log_partition(),
        -1.0,
    ))
}

/// `(group, rows)` of `chains` chains in groups of [`GROUP`].
fn groups(chains: usize) -> Vec<(usize, usize)> {
    (0..chains.div_ceil(GROUP))
        .map(|g| (g, GROUP.min(chains - g * GROUP)))
        .collect()
}
