//! Two-layer networks trained one example at a time: the soft committee
//! machine of online learning (Saad and Solla 1995; Goldt, Mézard, Krzakala
//! and Zdeborová 2020 for the hidden manifold model).
//!
//! A network of $K$ hidden units reads $N$ inputs:
//! $$\hat y(x) = \sum_{k=1}^K v_k\\, g(\lambda_k), \qquad \lambda_k = \frac{w_k \cdot x}{\sqrt N},$$
//! and one step of stochastic gradient descent on the quadratic loss
//! $\tfrac12 (y - \hat y)^2$ of the example $(x, y)$, with $\Delta = y - \hat y$, is
//! $$w_k \leftarrow w_k + \frac{\eta}{\sqrt N}\\, \Delta\\, v_k\\, g'(\lambda_k)\\, x, \qquad
//!   v_k \leftarrow v_k + \frac{\eta}{N}\\, \Delta\\, g(\lambda_k),$$
//! the scaling under which $N$ steps (one unit of the time $\alpha = t/N$)
//! change the order parameters $w_k \cdot w_l / N$ by $O(1)$ as $N \to \infty$.
//!
//! The loop is written out rather than run through candle: one step is two
//! products of a $K \times N$ matrix with a vector ($K N$ of order $10^3$),
//! for which a tensor library's per-call overhead would be most of the time.
//!
//! A linear student with one unit and $v = 1$ fixed learning a linear teacher
//! $y = w^* \cdot x / \sqrt N$ ($|w^*|^2 = N$) from Gaussian inputs has the
//! exact mean-field error $\epsilon(\alpha) = \epsilon(0)\\, e^{-\eta(2-\eta)\alpha}$,
//! $\epsilon = \tfrac12 \mathbb E (y - \hat y)^2$: the test of this module.

use quench_core::rng::StreamRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

/// The hidden units' activation $g$.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    /// $g(x) = \operatorname{erf}(x/\sqrt 2)$, the activation of the solvable theory.
    Erf,
    /// $g(x) = \tanh x$.
    Tanh,
    /// $g(x) = \max(x, 0)$.
    Relu,
    /// $g(x) = x$.
    Linear,
}

impl Activation {
    /// $g(x)$ and $g'(x)$.
    #[inline]
    pub fn value_and_slope(self, x: f64) -> (f64, f64) {
        match self {
            Activation::Erf => (
                libm::erf(x * std::f64::consts::FRAC_1_SQRT_2),
                (2.0 / std::f64::consts::PI).sqrt() * (-0.5 * x * x).exp(),
            ),
            Activation::Tanh => {
                let t = x.tanh();
                (t, 1.0 - t * t)
            }
            Activation::Relu => {
                if x > 0.0 {
                    (x, 1.0)
                } else {
                    (0.0, 0.0)
                }
            }
            Activation::Linear => (x, 1.0),
        }
    }

    /// The name a spec gives it.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Erf => "erf",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Linear => "linear",
        }
    }
}

/// A two-layer network of $K$ hidden units on $N$ inputs (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoLayer {
    inputs: usize,
    activation: Activation,
    /// $w$, row $k$ the weights of unit $k$ ($K \times N$).
    first: Vec<f64>,
    /// $v$ ($K$).
    second: Vec<f64>,
    /// Whether steps change $v$.
    train_second: bool,
}

impl TwoLayer {
    /// A network with $w_{ki} \sim \mathcal N(0, \sigma_w^2)$ and
    /// $v_k \sim \mathcal N(0, \sigma_v^2)$ drawn from `rng` ($w$ first, row
    /// after row). With `train_second` false, $v$ stays as drawn.
    pub fn new(
        inputs: usize,
        hidden: usize,
        activation: Activation,
        first_scale: f64,
        second_scale: f64,
        train_second: bool,
        rng: &mut StreamRng,
    ) -> Self {
        let mut normal = |scale: f64| {
            let z: f64 = StandardNormal.sample(rng);
            scale * z
        };
        let first = (0..inputs * hidden).map(|_| normal(first_scale)).collect();
        let second = (0..hidden).map(|_| normal(second_scale)).collect();
        Self {
            inputs,
            activation,
            first,
            second,
            train_second,
        }
    }

    /// A network with the given weights ($w$ row after row).
    ///
    /// # Panics
    /// When `first.len()` is not `second.len() * inputs`.
    pub fn from_weights(
        inputs: usize,
        activation: Activation,
        first: Vec<f64>,
        second: Vec<f64>,
        train_second: bool,
    ) -> Self {
        assert_eq!(first.len(), second.len() * inputs, "w must be K x N");
        Self {
            inputs,
            activation,
            first,
            second,
            train_second,
        }
    }

    /// $N$.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// $K$.
    pub fn hidden(&self) -> usize {
        self.second.len()
    }

    /// $w$, $K \times N$ row after row.
    pub fn first(&self) -> &[f64] {
        &self.first
    }

    /// $v$.
    pub fn second(&self) -> &[f64] {
        &self.second
    }

    /// $\hat y(x)$, leaving $\lambda$ in `fields` ($K$ values).
    #[inline]
    pub fn output_with(&self, x: &[f64], fields: &mut [f64]) -> f64 {
        debug_assert_eq!(x.len(), self.inputs);
        let scale = 1.0 / (self.inputs as f64).sqrt();
        let mut output = 0.0;
        for ((w, lambda), v) in self
            .first
            .chunks_exact(self.inputs)
            .zip(fields.iter_mut())
            .zip(&self.second)
        {
            *lambda = dot(w, x) * scale;
            output += v * self.activation.value_and_slope(*lambda).0;
        }
        output
    }

    /// $\hat y(x)$.
    pub fn output(&self, x: &[f64]) -> f64 {
        let mut fields = vec![0.0; self.hidden()];
        self.output_with(x, &mut fields)
    }

    /// One step of SGD on $(x, y)$ with learning rate $\eta$ (module docs);
    /// returns $\tfrac12 (y - \hat y)^2$ before the step. `fields` is
    /// scratch of $K$ values.
    pub fn step(&mut self, x: &[f64], y: f64, rate: f64, fields: &mut [f64]) -> f64 {
        let output = self.output_with(x, fields);
        let delta = y - output;
        let n = self.inputs as f64;
        let first_rate = rate / n.sqrt() * delta;
        let second_rate = rate / n * delta;
        for ((w, &lambda), v) in self
            .first
            .chunks_exact_mut(self.inputs)
            .zip(fields.iter())
            .zip(self.second.iter_mut())
        {
            let (g, slope) = self.activation.value_and_slope(lambda);
            let factor = first_rate * *v * slope;
            if factor != 0.0 {
                for (wi, xi) in w.iter_mut().zip(x) {
                    *wi += factor * xi;
                }
            }
            if self.train_second {
                *v += second_rate * g;
            }
        }
        0.5 * delta * delta
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    // Four partial sums: the compiler keeps them in vector registers.
    let mut sums = [0.0; 4];
    let (a4, a_rest) = a.split_at(a.len() / 4 * 4);
    let (b4, b_rest) = b.split_at(a4.len());
    for (x, y) in a4.chunks_exact(4).zip(b4.chunks_exact(4)) {
        for j in 0..4 {
            sums[j] += x[j] * y[j];
        }
    }
    let mut total = (sums[0] + sums[1]) + (sums[2] + sums[3]);
    for (x, y) in a_rest.iter().zip(b_rest) {
        total += x * y;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use quench_core::rng::{Purpose, stream};

    /// The step is the gradient of the loss: a finite difference of
    /// $\tfrac12(y - \hat y)^2$ in one weight of each layer equals minus the
    /// step's change over the rate (with the layer's scaling).
    #[test]
    fn a_step_follows_the_gradient_of_the_quadratic_loss() {
        let mut rng = stream(3, Purpose::Named("test"), 0, 0);
        for activation in [Activation::Erf, Activation::Tanh, Activation::Linear] {
            let net = TwoLayer::new(7, 3, activation, 1.0, 1.0, true, &mut rng);
            let x: Vec<f64> = (0..7).map(|_| StandardNormal.sample(&mut rng)).collect();
            let y = 0.7;
            let loss = |n: &TwoLayer| 0.5 * (y - n.output(&x)).powi(2);
            let rate = 1e-7;
            let mut stepped = net.clone();
            stepped.step(&x, y, rate, &mut [0.0; 3]);
            let h = 1e-6;
            let gradient = |change: &dyn Fn(&mut TwoLayer, f64)| {
                let (mut plus, mut minus) = (net.clone(), net.clone());
                change(&mut plus, h);
                change(&mut minus, -h);
                (loss(&plus) - loss(&minus)) / (2.0 * h)
            };
            // First layer: the step is -eta times the gradient (the gradient
            // carries the 1/sqrt(N) of the field).
            let first = gradient(&|n: &mut TwoLayer, d| n.first[4] += d);
            let implied = -(stepped.first[4] - net.first[4]) / rate;
            assert!(
                (implied - first).abs() < 1e-5 * (1.0 + first.abs()),
                "{activation:?}: first layer step implies {implied}, gradient {first}"
            );
            // Second layer: -eta/N times the gradient.
            let second = gradient(&|n: &mut TwoLayer, d| n.second[1] += d);
            let implied = -(stepped.second[1] - net.second[1]) / rate * 7.0;
            assert!(
                (implied - second).abs() < 1e-5 * (1.0 + second.abs()),
                "{activation:?}: second layer step implies {implied}, gradient {second}"
            );
        }
    }

    /// Online SGD of a linear student on a linear teacher: the mean test
    /// error over independent runs follows $\epsilon(0) e^{-\eta(2-\eta)\alpha}$
    /// within its standard error (plus the $O(1/N)$ of finite $N$).
    #[test]
    fn a_linear_student_follows_the_exact_online_learning_curve() {
        let (n, runs, rate, alpha) = (400usize, 24usize, 0.5, 2.0);
        let mut final_errors = Vec::new();
        let mut initial = Vec::new();
        for run in 0..runs as u64 {
            let mut rng = stream(11, Purpose::Named("linear online"), run, 0);
            let teacher: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
            let mut student =
                TwoLayer::from_weights(n, Activation::Linear, vec![0.0; n], vec![1.0], false);
            // epsilon = (Q - 2R + T)/2 from the weights directly.
            let error = |s: &TwoLayer| {
                let w = s.first();
                let q = dot(w, w) / n as f64;
                let r = dot(w, &teacher) / n as f64;
                let t = dot(&teacher, &teacher) / n as f64;
                0.5 * (q - 2.0 * r + t)
            };
            initial.push(error(&student));
            let mut x = vec![0.0; n];
            for _ in 0..(alpha * n as f64) as usize {
                x.iter_mut()
                    .for_each(|xi| *xi = StandardNormal.sample(&mut rng));
                let y = dot(&teacher, &x) / (n as f64).sqrt();
                student.step(&x, y, rate, &mut [0.0]);
            }
            final_errors.push(error(&student) / initial.last().unwrap());
        }
        let mean = final_errors.iter().sum::<f64>() / runs as f64;
        let spread = (final_errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>()
            / (runs - 1) as f64
            / runs as f64)
            .sqrt();
        let exact = (-rate * (2.0 - rate) * alpha).exp();
        // O(1/N) corrections of finite N: eta^2 / N per unit time, relative.
        let finite_size = exact * rate * rate * alpha / n as f64 * 4.0;
        assert!(
            (mean - exact).abs() < 4.0 * spread + finite_size,
            "mean relative error {mean} ± {spread}, exact {exact}"
        );
    }
}
