//! The restricted Boltzmann machine: its parameters, conditionals and free
//! energies, on mini-batches through matrix products.
//!
//! Binary units $v \in \\{0,1\\}^{N_v}$, $h \in \\{0,1\\}^{N_h}$ and the energy
//! $E(v,h) = -b\cdot v - c\cdot h - v^\top W h$, so that the layers are
//! conditionally independent:
//! $P(h_j = 1\mid v) = \sigma\bigl(c_j + (v W)_j\bigr)$ and
//! $P(v_i = 1\mid h) = \sigma\bigl(b_i + (W h)_i\bigr)$. Summing out one
//! layer gives the free energies
//! $F(v) = -b\cdot v - \sum_j \operatorname{softplus}\bigl(c_j + (vW)_j\bigr)$ and
//! $F(h) = -c\cdot h - \sum_i \operatorname{softplus}\bigl(b_i + (Wh)_i\bigr)$,
//! with $p(v) = e^{-F(v)}/Z$.
//!
//! **Gaussian visible units** ([`VisibleUnits::Gaussian`], for real-valued
//! data standardised to unit variance): $E(v,h) = \frac12|v - b|^2 - c\cdot h - v^\top W h$
//! with $v \in \mathbb R^{N_v}$, so that $v\mid h \sim \mathcal N(b + Wh, 1)$,
//! $P(h_j = 1\mid v)$ is as above, and
//! $F(v) = \frac12|v - b|^2 - \sum_j \operatorname{softplus}\bigl(c_j + (vW)_j\bigr)$.
//! $p(v)$ is then a density, and its log-likelihoods are in nats per unit
//! volume (they may be positive).
//!
//! A batch is a row-major matrix, one configuration per row, of `f64`
//! zeros and ones: the products $VW$ and $HW^\top$ of a whole batch are
//! single matrix multiplications (ndarray's, through `matrixmultiply`).

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};
use rand::Rng;
use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

use crate::error::{LearnError, at_least, parameter};

/// The largest number of weights a machine may have ($2^{32}$, 32 GiB of `f64`).
pub const MAX_WEIGHTS: usize = 1 << 32;

/// $\sigma(x) = 1/(1+e^{-x})$.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// $\operatorname{softplus}(x) = \ln(1+e^x)$, without overflow.
#[inline]
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// A uniform number in $[0, 1)$ from the top 53 bits of one draw.
#[inline]
pub(crate) fn uniform(rng: &mut impl Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The kind of the visible units (the hidden units are binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VisibleUnits {
    /// $v_i \in \\{0, 1\\}$.
    #[default]
    Binary,
    /// $v_i \in \mathbb R$, unit variance given the hidden layer.
    Gaussian,
}

/// A restricted Boltzmann machine with binary hidden units and binary (or
/// Gaussian) visible units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rbm {
    visible: usize,
    hidden: usize,
    #[serde(default)]
    units: VisibleUnits,
    /// $W_{ij}$, row-major: visible unit $i$, hidden unit $j$.
    weights: Vec<f64>,
    /// $b_i$.
    visible_bias: Vec<f64>,
    /// $c_j$.
    hidden_bias: Vec<f64>,
}

/// Checks the sizes of a machine before anything is allocated.
pub(crate) fn check_sizes(visible: usize, hidden: usize) -> Result<usize, LearnError> {
    at_least("visible", visible, 1)?;
    at_least("hidden", hidden, 1)?;
    match visible.checked_mul(hidden) {
        Some(count) if count <= MAX_WEIGHTS => Ok(count),
        _ => Err(parameter(
            "hidden",
            hidden,
            format!("at most {} weights in all (visible × hidden)", MAX_WEIGHTS),
        )),
    }
}

impl Rbm {
    /// A machine with all parameters zero (the uniform distribution).
    pub fn zeros(visible: usize, hidden: usize) -> Result<Self, LearnError> {
        let count = check_sizes(visible, hidden)?;
        Ok(Self {
            visible,
            hidden,
            units: VisibleUnits::Binary,
            weights: vec![0.0; count],
            visible_bias: vec![0.0; visible],
            hidden_bias: vec![0.0; hidden],
        })
    }

    /// Weights drawn i.i.d. from $\mathcal N(0, \text{scale}^2)$, biases zero
    /// (Hinton's practical guide takes scale 0.01).
    pub fn random(
        visible: usize,
        hidden: usize,
        scale: f64,
        rng: &mut impl Rng,
    ) -> Result<Self, LearnError> {
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(parameter("scale", scale, "a finite real number >= 0"));
        }
        let mut machine = Self::zeros(visible, hidden)?;
        let normal = Normal::new(0.0, scale).expect("finite non-negative scale");
        for w in &mut machine.weights {
            *w = normal.sample(rng);
        }
        Ok(machine)
    }

    /// A machine from its parameters: `weights` row-major, visible × hidden.
    pub fn from_parameters(
        visible: usize,
        hidden: usize,
        weights: Vec<f64>,
        visible_bias: Vec<f64>,
        hidden_bias: Vec<f64>,
    ) -> Result<Self, LearnError> {
        let count = check_sizes(visible, hidden)?;
        if weights.len() != count {
            return Err(parameter(
                "weights",
                weights.len(),
                format!("visible × hidden = {count} numbers"),
            ));
        }
        if visible_bias.len() != visible {
            return Err(parameter(
                "visible_bias",
                visible_bias.len(),
                format!("{visible} numbers"),
            ));
        }
        if hidden_bias.len() != hidden {
            return Err(parameter(
                "hidden_bias",
                hidden_bias.len(),
                format!("{hidden} numbers"),
            ));
        }
        if let Some(bad) = weights
            .iter()
            .chain(&visible_bias)
            .chain(&hidden_bias)
            .find(|x| !x.is_finite())
        {
            return Err(parameter("weights", bad, "finite real numbers"));
        }
        Ok(Self {
            visible,
            hidden,
            units: VisibleUnits::Binary,
            weights,
            visible_bias,
            hidden_bias,
        })
    }

    /// The same machine with visible units of kind `units`.
    pub fn with_visible_units(mut self, units: VisibleUnits) -> Self {
        self.units = units;
        self
    }

    /// The kind of the visible units.
    pub fn visible_units(&self) -> VisibleUnits {
        self.units
    }

    /// Whether the visible units are Gaussian.
    pub fn is_gaussian(&self) -> bool {
        self.units == VisibleUnits::Gaussian
    }

    /// The visible layer's part of $-F(v)$ and of $-E(v,h)$: $b\cdot v$
    /// (binary) or $-\frac12|v - b|^2$ (Gaussian).
    #[inline]
    pub fn visible_term(&self, visible: &[f64]) -> f64 {
        match self.units {
            VisibleUnits::Binary => visible
                .iter()
                .zip(&self.visible_bias)
                .map(|(v, b)| v * b)
                .sum(),
            VisibleUnits::Gaussian => {
                -0.5 * visible
                    .iter()
                    .zip(&self.visible_bias)
                    .map(|(v, b)| (v - b) * (v - b))
                    .sum::<f64>()
            }
        }
    }

    /// Sets the visible biases to $\ln\frac{p_i}{1-p_i}$ of the data's
    /// marginals (clamped to $[10^{-3}, 1-10^{-3}]$): the independent
    /// model of the data, the usual start of training and the base of AIS.
    /// Gaussian units: the biases are the data's means.
    pub fn set_visible_bias_from_data(&mut self, marginals: &[f64]) {
        if self.is_gaussian() {
            self.visible_bias.copy_from_slice(marginals);
            return;
        }
        for (b, &p) in self.visible_bias.iter_mut().zip(marginals) {
            let p = p.clamp(1e-3, 1.0 - 1e-3);
            *b = (p / (1.0 - p)).ln();
        }
    }

    /// Visible units $N_v$.
    pub fn visible(&self) -> usize {
        self.visible
    }

    /// Hidden units $N_h$.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// $W$, row-major visible × hidden.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// $W$, mutable.
    pub fn weights_mut(&mut self) -> &mut [f64] {
        &mut self.weights
    }

    /// $b$.
    pub fn visible_bias(&self) -> &[f64] {
        &self.visible_bias
    }

    /// $b$, mutable.
    pub fn visible_bias_mut(&mut self) -> &mut [f64] {
        &mut self.visible_bias
    }

    /// $c$.
    pub fn hidden_bias(&self) -> &[f64] {
        &self.hidden_bias
    }

    /// $c$, mutable.
    pub fn hidden_bias_mut(&mut self) -> &mut [f64] {
        &mut self.hidden_bias
    }

    /// Every parameter in one vector: $W$, then $b$, then $c$.
    pub fn parameters(&self) -> Vec<f64> {
        let mut all = self.weights.clone();
        all.extend_from_slice(&self.visible_bias);
        all.extend_from_slice(&self.hidden_bias);
        all
    }

    fn weight_view(&self) -> ArrayView2<'_, f64> {
        ArrayView2::from_shape((self.visible, self.hidden), &self.weights).expect("shape")
    }

    /// `out` $= \beta\\,(VW + c)$ for the `rows` configurations in `visible`.
    pub fn hidden_input(&self, visible: &[f64], rows: usize, beta: f64, out: &mut [f64]) {
        let v = ArrayView2::from_shape((rows, self.visible), visible).expect("visible batch");
        let mut o = ArrayViewMut2::from_shape((rows, self.hidden), out).expect("hidden batch");
        general_mat_mul(beta, &v, &self.weight_view(), 0.0, &mut o);
        for row in out.chunks_exact_mut(self.hidden) {
            for (x, &c) in row.iter_mut().zip(&self.hidden_bias) {
                *x += beta * c;
            }
        }
    }

    /// `out` $= \beta\\,(HW^\top + b)$ for the `rows` configurations in `hidden`.
    pub fn visible_input(&self, hidden: &[f64], rows: usize, beta: f64, out: &mut [f64]) {
        let h = ArrayView2::from_shape((rows, self.hidden), hidden).expect("hidden batch");
        let mut o = ArrayViewMut2::from_shape((rows, self.visible), out).expect("visible batch");
        general_mat_mul(beta, &h, &self.weight_view().t(), 0.0, &mut o);
        for row in out.chunks_exact_mut(self.visible) {
            for (x, &b) in row.iter_mut().zip(&self.visible_bias) {
                *x += beta * b;
            }
        }
    }

    /// $F(v)$ of one visible configuration.
    pub fn free_energy(&self, visible: &[f64]) -> f64 {
        let mut input = self.hidden_bias.clone();
        for (i, &v) in visible.iter().enumerate() {
            if v != 0.0 {
                let row = &self.weights[i * self.hidden..(i + 1) * self.hidden];
                for (x, &w) in input.iter_mut().zip(row) {
                    *x += v * w;
                }
            }
        }
        -self.visible_term(visible) - input.iter().map(|&x| softplus(x)).sum::<f64>()
    }

    /// $F(v)$ of every row of a batch, from its hidden input $VW + c$
    /// (`input`, as [`Rbm::hidden_input`] with $\beta = 1$ leaves it).
    pub fn free_energies(&self, visible: &[f64], input: &[f64], out: &mut [f64]) {
        for ((v, x), f) in visible
            .chunks_exact(self.visible)
            .zip(input.chunks_exact(self.hidden))
            .zip(out.iter_mut())
        {
            *f = -self.visible_term(v) - x.iter().map(|&x| softplus(x)).sum::<f64>();
        }
    }

    /// $E(v, h)$.
    pub fn energy(&self, visible: &[f64], hidden: &[f64]) -> f64 {
        let mut energy = -self.visible_term(visible);
        for (i, &v) in visible.iter().enumerate() {
            if v != 0.0 {
                let row = &self.weights[i * self.hidden..(i + 1) * self.hidden];
                let coupling: f64 = row.iter().zip(hidden).map(|(w, h)| w * h).sum();
                energy -= v * coupling;
            }
        }
        energy
            - hidden
                .iter()
                .zip(&self.hidden_bias)
                .map(|(h, c)| h * c)
                .sum::<f64>()
    }
}

/// Replaces every input by $\sigma(\text{input})$.
pub fn logistic_in_place(values: &mut [f64]) {
    for x in values {
        *x = sigmoid(*x);
    }
}

/// `states[k]` $= 1$ with probability `probabilities[k]`, else 0.
pub fn sample_bernoulli(probabilities: &[f64], states: &mut [f64], rng: &mut impl Rng) {
    for (s, &p) in states.iter_mut().zip(probabilities) {
        *s = if uniform(rng) < p { 1.0 } else { 0.0 };
    }
}

/// The marginals $\frac1M\sum_d v_i^{(d)}$ of `rows` configurations.
pub fn marginals(data: &[f64], columns: usize) -> Vec<f64> {
    let mut sums = vec![0.0; columns];
    let mut rows = 0usize;
    for row in data.chunks_exact(columns) {
        for (s, &v) in sums.iter_mut().zip(row) {
            *s += v;
        }
        rows += 1;
    }
    for s in &mut sums {
        *s /= rows.max(1) as f64;
    }
    sums
}
