//! Fully connected networks trained by gradient descent on a whole data
//! set: the networks of the interpolation (jamming) transition.
//!
//! A network of depth $L$ (hidden layers) and width $h$ reads $d$ inputs,
//! without biases, in the "neural tangent" scaling where every weight is
//! drawn from $\mathcal N(0, 1)$ and every pre-activation is divided by the
//! square root of its fan-in:
//! $$ z^{(1)} = \frac{W^{(1)}x}{\sqrt d}, \qquad z^{(l)} = \frac{W^{(l)}g(z^{(l-1)})}{\sqrt h}, \qquad f(x) = z^{(L+1)} \in \mathbb R, $$
//! so that $L = 0$ is the perceptron $f = w\cdot x/\sqrt d$. It has
//! $N = dh + (L-1)h^2 + h$ parameters ($N = d$ at $L = 0$).
//!
//! The loss of a data set $\\{(x_\mu, y_\mu = \pm1)\\}_{\mu \le P}$ is the mean
//! $\frac1P\sum_\mu\ell(y_\mu f(x_\mu))$ of ([`Loss`])
//! * the hinge $\ell = \max(0, \Delta_\mu)$, $\Delta_\mu = 1 - y_\mu f(x_\mu)$,
//! * the quadratic hinge $\ell = \tfrac12\max(0, \Delta_\mu)^2$ (Geiger,
//!   Spigler, d'Ascoli, Sagun, Baity-Jesi, Biroli and Wyart, Phys. Rev. E
//!   100, 012115 (2019)),
//! * the quadratic loss $\ell = \tfrac12(y_\mu - f(x_\mu))^2$.
//!
//! With the hinge losses example $\mu$ is an *unsatisfied constraint* when
//! $\Delta_\mu > 10^{-6}$ ([`GAP_TOLERANCE`]); the network *interpolates*
//! the data when none is, which is what "reaching zero training error"
//! means at the interpolation transition (the margin 1 is arbitrary: the
//! output scales with the weights). With the quadratic loss, interpolation
//! is read as zero sign errors.
//!
//! The gradient is back-propagated by hand through the layers, the batch
//! products by `matrixmultiply`'s single-threaded `dgemm`, so that a
//! network's training is the same, bit for bit, on any number of threads;
//! it is tested against finite differences. The networks here have
//! $10^2$–$10^4$ weights and are trained by thousands of full-batch steps;
//! candle's per-operation overhead would be most of each step, and the
//! parallelism is across networks (the runner's units), not inside one.

use quench_core::rng::StreamRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::committee::Activation;
use crate::linear::product;

/// An example counts as unsatisfied when its gap $\Delta = 1 - yf$ exceeds
/// this: gradient descent on the quadratic hinge approaches the boundary
/// $\Delta = 0$ of the satisfied region only exponentially in time, so an
/// exact zero would never be reached in the phase where interpolation is
/// possible, while where it is not the unsatisfied gaps stay of order one
/// over the number of constraints.
pub const GAP_TOLERANCE: f64 = 1e-6;

/// The loss of one example as a function of $y f$ (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// $\max(0, 1 - yf)$.
    Hinge,
    /// $\tfrac12\max(0, 1 - yf)^2$.
    QuadraticHinge,
    /// $\tfrac12(y - f)^2$.
    Quadratic,
}

impl Loss {
    /// $\ell$ and $\partial\ell/\partial f$ at output `f` and label `y`.
    #[inline]
    pub fn value_and_slope(self, f: f64, y: f64) -> (f64, f64) {
        match self {
            Loss::Hinge => {
                let gap = 1.0 - y * f;
                if gap > 0.0 { (gap, -y) } else { (0.0, 0.0) }
            }
            Loss::QuadraticHinge => {
                let gap = 1.0 - y * f;
                if gap > 0.0 {
                    (0.5 * gap * gap, -y * gap)
                } else {
                    (0.0, 0.0)
                }
            }
            Loss::Quadratic => {
                let difference = f - y;
                (0.5 * difference * difference, difference)
            }
        }
    }

    /// The name a spec gives it.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Hinge => "hinge",
            Loss::QuadraticHinge => "quadratic-hinge",
            Loss::Quadratic => "quadratic",
        }
    }
}

/// What one pass over a data set measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The mean loss.
    pub loss: f64,
    /// Examples with $1 - yf > 10^{-6}$ (hinge losses) or a wrong sign (quadratic loss).
    pub unsatisfied: usize,
    /// Examples with $yf \le 0$.
    pub errors: usize,
}

impl Evaluation {
    /// Whether the network interpolates the data: no unsatisfied example.
    pub fn interpolates(&self) -> bool {
        self.unsatisfied == 0
    }
}

/// A fully connected network (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenseNetwork {
    /// Layer sizes $d, h, \dots, h, 1$.
    sizes: Vec<usize>,
    activation: Activation,
    /// Layer $l$'s weights, `sizes[l + 1]` rows of `sizes[l]`.
    weights: Vec<Vec<f64>>,
}

/// Buffers for the passes over a batch, reused between steps.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    /// Pre-activations of every layer, batch-major.
    fields: Vec<Vec<f64>>,
    /// Activations of every hidden layer, batch-major.
    activations: Vec<Vec<f64>>,
    /// Their derivatives $g'(z)$, computed with them (one evaluation of
    /// $g$ per unit and example, not two).
    derivatives: Vec<Vec<f64>>,
    /// Back-propagated derivatives, two buffers.
    deltas: [Vec<f64>; 2],
    /// The gradient, shaped as the weights.
    gradient: Vec<Vec<f64>>,
}

impl DenseNetwork {
    /// A network on `inputs` coordinates with `hidden_layers` layers of
    /// `width` units (0 layers: the perceptron), weights from $\mathcal N(0,1)$
    /// drawn from `rng` layer by layer, row by row.
    pub fn new(
        inputs: usize,
        width: usize,
        hidden_layers: usize,
        activation: Activation,
        rng: &mut StreamRng,
    ) -> Self {
        let mut sizes = vec![inputs];
        sizes.extend(std::iter::repeat_n(width, hidden_layers));
        sizes.push(1);
        let weights = sizes
            .windows(2)
            .map(|pair| {
                (0..pair[0] * pair[1])
                    .map(|_| StandardNormal.sample(rng))
                    .collect()
            })
            .collect();
        Self {
            sizes,
            activation,
            weights,
        }
    }

    /// The network with these layer sizes ($d, h, \dots, h, 1$) and weights.
    #[cfg(test)]
    pub(crate) fn from_parts(
        sizes: Vec<usize>,
        activation: Activation,
        weights: Vec<Vec<f64>>,
    ) -> Self {
        Self {
            sizes,
            activation,
            weights,
        }
    }

    /// Number of inputs $d$.
    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    /// Number of hidden layers $L$.
    pub fn hidden_layers(&self) -> usize {
        self.sizes.len() - 2
    }

    /// Number of weights $N$.
    pub fn parameters(&self) -> usize {
        Self::parameter_count(self.sizes[0], self.sizes[1], self.hidden_layers())
    }

    /// $N = dh + (L-1)h^2 + h$ ($d$ for $L = 0$), without building the network.
    pub fn parameter_count(inputs: usize, width: usize, hidden_layers: usize) -> usize {
        if hidden_layers == 0 {
            inputs
        } else {
            inputs * width + (hidden_layers - 1) * width * width + width
        }
    }

    /// The weights, layer by layer.
    pub fn weights(&self) -> &[Vec<f64>] {
        &self.weights
    }

    /// Every weight in one vector, layer by layer.
    pub fn flat_weights(&self) -> Vec<f64> {
        self.weights.iter().flatten().copied().collect()
    }

    /// Forward pass of `count` examples (`inputs` batch-major): the
    /// pre-activations of every layer in `work.fields`.
    fn forward(&self, inputs: &[f64], count: usize, work: &mut Workspace) {
        let layers = self.weights.len();
        work.fields.resize(layers, Vec::new());
        work.activations
            .resize(layers.saturating_sub(1), Vec::new());
        work.derivatives
            .resize(layers.saturating_sub(1), Vec::new());
        for l in 0..layers {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let mut fields = std::mem::take(&mut work.fields[l]);
            fields.clear();
            fields.resize(count * n_out, 0.0);
            let source: &[f64] = if l == 0 {
                inputs
            } else {
                &work.activations[l - 1]
            };
            product(
                count,
                n_in,
                n_out,
                1.0 / (n_in as f64).sqrt(),
                source,
                false,
                &self.weights[l],
                true,
                &mut fields,
            );
            if l + 1 < layers {
                let (activations, derivatives) =
                    (&mut work.activations[l], &mut work.derivatives[l]);
                activations.resize(fields.len(), 0.0);
                derivatives.resize(fields.len(), 0.0);
                for ((a, slope), &z) in activations
                    .iter_mut()
                    .zip(derivatives.iter_mut())
                    .zip(&fields)
                {
                    (*a, *slope) = self.activation.value_and_slope(z);
                }
            }
            work.fields[l] = fields;
        }
    }

    /// The outputs $f(x)$ of `inputs` (batch-major, $d$ per example).
    pub fn outputs(&self, inputs: &[f64], work: &mut Workspace) -> Vec<f64> {
        let count = inputs.len() / self.inputs();
        self.forward(inputs, count, work);
        work.fields.last().expect("an output layer").clone()
    }

    /// The activations of every hidden layer on `inputs` (batch-major, $d$
    /// per example): one vector per layer, $h$ per example, example-major.
    pub fn hidden_representations(&self, inputs: &[f64], work: &mut Workspace) -> Vec<Vec<f64>> {
        let count = inputs.len() / self.inputs();
        self.forward(inputs, count, work);
        work.activations.clone()
    }

    /// The loss, unsatisfied examples and errors on a data set.
    pub fn evaluate(
        &self,
        inputs: &[f64],
        labels: &[f64],
        loss: Loss,
        work: &mut Workspace,
    ) -> Evaluation {
        self.forward(inputs, labels.len(), work);
        let outputs = work.fields.last().expect("an output layer");
        tally(outputs, labels, loss).0
    }

    /// The evaluation at the current weights and the gradient of the mean
    /// loss in `work` (read it with [`DenseNetwork::gradient`]).
    pub fn evaluate_with_gradient(
        &self,
        inputs: &[f64],
        labels: &[f64],
        loss: Loss,
        work: &mut Workspace,
    ) -> Evaluation {
        let count = labels.len();
        self.forward(inputs, count, work);
        let layers = self.weights.len();
        let (evaluation, slopes) = tally(work.fields.last().expect("output"), labels, loss);
        work.gradient.resize(layers, Vec::new());
        let mut delta = std::mem::take(&mut work.deltas[0]);
        let mut next = std::mem::take(&mut work.deltas[1]);
        delta.clear();
        delta.extend(slopes.iter().map(|s| s / count as f64));
        for l in (0..layers).rev() {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let scale = 1.0 / (n_in as f64).sqrt();
            let source: &[f64] = if l == 0 {
                inputs
            } else {
                &work.activations[l - 1]
            };
            let gradient = &mut work.gradient[l];
            gradient.clear();
            gradient.resize(n_out * n_in, 0.0);
            // dW = delta^T source / sqrt(n_in).
            product(
                n_out, count, n_in, scale, &delta, true, source, false, gradient,
            );
            if l > 0 {
                // delta' = (delta W / sqrt(n_in)) g'(z).
                next.clear();
                next.resize(count * n_in, 0.0);
                product(
                    count,
                    n_out,
                    n_in,
                    scale,
                    &delta,
                    false,
                    &self.weights[l],
                    false,
                    &mut next,
                );
                for (d, &slope) in next.iter_mut().zip(&work.derivatives[l - 1]) {
                    *d *= slope;
                }
                std::mem::swap(&mut delta, &mut next);
            }
        }
        work.deltas = [delta, next];
        evaluation
    }

    /// The gradient the last [`DenseNetwork::evaluate_with_gradient`] left in `work`.
    pub fn gradient<'a>(&self, work: &'a Workspace) -> &'a [Vec<f64>] {
        &work.gradient
    }

    /// Moves every weight by `-rate` times the gradient the last
    /// [`DenseNetwork::evaluate_with_gradient`] left in `work`.
    pub fn apply_gradient(&mut self, rate: f64, work: &Workspace) {
        for (w, g) in self.weights.iter_mut().zip(&work.gradient) {
            for (w, g) in w.iter_mut().zip(g) {
                *w -= rate * g;
            }
        }
    }

    /// One step of gradient descent with rate `rate` on the examples given:
    /// the evaluation before the step.
    pub fn descend(
        &mut self,
        inputs: &[f64],
        labels: &[f64],
        loss: Loss,
        rate: f64,
        work: &mut Workspace,
    ) -> Evaluation {
        let evaluation = self.evaluate_with_gradient(inputs, labels, loss, work);
        self.apply_gradient(rate, work);
        evaluation
    }
}

/// Adam's moments for a [`DenseNetwork`] (Kingma and Ba 2015, with
/// $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$ and bias correction):
/// serialisable, so that a checkpoint resumes the same steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adam {
    first: Vec<Vec<f64>>,
    second: Vec<Vec<f64>>,
    steps: u64,
}

impl Adam {
    const BETA1: f64 = 0.9;
    const BETA2: f64 = 0.999;
    const EPSILON: f64 = 1e-8;

    /// Zero moments for `network`.
    pub fn new(network: &DenseNetwork) -> Self {
        Self::for_weights(&network.weights)
    }

    /// Zero moments for weights shaped as `weights`.
    pub fn for_weights(weights: &[Vec<f64>]) -> Self {
        let zeros: Vec<Vec<f64>> = weights.iter().map(|w| vec![0.0; w.len()]).collect();
        Self {
            first: zeros.clone(),
            second: zeros,
            steps: 0,
        }
    }

    /// One Adam step of `network` at rate `rate` with the gradient the last
    /// [`DenseNetwork::evaluate_with_gradient`] left in `work`.
    pub fn apply(&mut self, network: &mut DenseNetwork, rate: f64, work: &Workspace) {
        self.step(&mut network.weights, &work.gradient, rate);
    }

    /// One Adam step of `weights` at rate `rate` along `gradient` (shaped as
    /// the weights this was made for).
    pub fn step(&mut self, weights: &mut [Vec<f64>], gradient: &[Vec<f64>], rate: f64) {
        self.steps += 1;
        let t = self.steps as i32;
        let correction1 = 1.0 - Self::BETA1.powi(t);
        let correction2 = 1.0 - Self::BETA2.powi(t);
        for ((w, g), (m, v)) in weights
            .iter_mut()
            .zip(gradient)
            .zip(self.first.iter_mut().zip(self.second.iter_mut()))
        {
            for (((w, &g), m), v) in w.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
                *m = Self::BETA1 * *m + (1.0 - Self::BETA1) * g;
                *v = Self::BETA2 * *v + (1.0 - Self::BETA2) * g * g;
                let m_hat = *m / correction1;
                let v_hat = *v / correction2;
                *w -= rate * m_hat / (v_hat.sqrt() + Self::EPSILON);
            }
        }
    }
}

/// The running sums of an [`Evaluation`], one constraint at a time.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    total: f64,
    constraints: usize,
    unsatisfied: usize,
    errors: usize,
}

impl Tally {
    /// Counts output `f` against label `y` and returns $\partial\ell/\partial f$;
    /// a label 0 is no constraint (a position past the end of a sequence):
    /// it counts for nothing and its slope is 0.
    #[inline]
    pub(crate) fn add(&mut self, f: f64, y: f64, loss: Loss) -> f64 {
        if y == 0.0 {
            return 0.0;
        }
        let (value, slope) = loss.value_and_slope(f, y);
        self.total += value;
        self.constraints += 1;
        let margin = y * f;
        if margin <= 0.0 {
            self.errors += 1;
        }
        let bad = match loss {
            Loss::Hinge | Loss::QuadraticHinge => margin < 1.0 - GAP_TOLERANCE,
            Loss::Quadratic => margin <= 0.0,
        };
        if bad {
            self.unsatisfied += 1;
        }
        slope
    }

    /// The constraints counted so far.
    pub(crate) fn constraints(&self) -> usize {
        self.constraints
    }

    /// The mean loss over the constraints, and the counts.
    pub(crate) fn finish(self) -> Evaluation {
        Evaluation {
            loss: self.total / self.constraints.max(1) as f64,
            unsatisfied: self.unsatisfied,
            errors: self.errors,
        }
    }
}

/// The evaluation of `outputs` against `labels` and $\partial\ell/\partial f$ per example.
fn tally(outputs: &[f64], labels: &[f64], loss: Loss) -> (Evaluation, Vec<f64>) {
    let mut tally = Tally::default();
    let slopes = outputs
        .iter()
        .zip(labels)
        .map(|(&f, &y)| tally.add(f, y, loss))
        .collect();
    (tally.finish(), slopes)
}

#[cfg(test)]
#[path = "dense_tests.rs"]
mod tests;
