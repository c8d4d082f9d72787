//! Deep recurrent networks trained on sequences by back-propagation
//! through time: the networks of the learning transition with recurrence
//! (Hertz, seed `002`).
//!
//! A network of $L$ layers of $h$ units reads a sequence $x(0), \dots,
//! x(T-1)$ of $d$-dimensional inputs; each layer is fed by the layer below
//! *at the same time* and by itself *one time earlier* (the interactions
//! within a layer), and $K$ linear read-outs look at the top layer:
//! $$ z_l(t) = \frac{W_l\\,a_{l-1}(t)}{\sqrt{n_{l-1}}} + \frac{U_l\\,a_l(t-1)}{\sqrt h}, \qquad a_l(t) = g(z_l(t)), \qquad f(t) = \frac{V a_L(t)}{\sqrt h} \in \mathbb R^K, $$
//! with $a_0(t) = x(t)$, $n_0 = d$, $n_l = h$, $a_l(-1) = 0$, no biases, and
//! every weight drawn from $\mathcal N(0, 1)$ as in [`crate::dense`] (so the
//! recurrent matrices $U_l/\sqrt h$ have spectral radius about one, the
//! edge between forgetting and chaos for $g = \tanh$). It has
//! $N = dh + (L-1)h^2 + Lh^2 + Kh$ weights; with $U_l = 0$ it is the
//! [`DenseNetwork`](crate::DenseNetwork) applied at every time step (a test).
//!
//! The data are $P$ sequences with a label $y_{\mu t k} \in \\{-1, 0, +1\\}$
//! per sequence, time and read-out; a label 0 is *no constraint* (a position
//! past the end of a shorter sequence, padded with zero inputs, which the
//! causal network never sees before). The loss is the mean of the
//! [`Loss`] over the constraints, unsatisfied constraints counted as for
//! the dense networks. The gradient is back-propagated through time by hand
//! (tested against finite differences), the products in `matrixmultiply`'s
//! single-threaded `dgemm`. Both passes go layer by layer (layer $l$ at time
//! $t$ needs layer $l-1$ at $t$ and itself at $t-1$): a layer's feed from
//! below, the read-outs, the weight gradients and the derivatives passed
//! down are single products over all $TP$ rows, and only the recurrence
//! steps through time; $g$ and $g'$ are evaluated once per unit and step.
//!
//! Layouts: inputs sequence-major, $P \times T \times d$; labels and outputs
//! $P \times T \times K$; weights in the order $W_1, U_1, \dots, W_L, U_L, V$,
//! each row-major (rows are the units written to).

use quench_core::rng::StreamRng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::committee::Activation;
use crate::dense::{Adam, Evaluation, Loss, Tally};
use crate::linear::{accumulate, product};

/// A deep recurrent network (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrentNetwork {
    inputs: usize,
    width: usize,
    layers: usize,
    outputs: usize,
    activation: Activation,
    /// $W_1, U_1, \dots, W_L, U_L, V$.
    weights: Vec<Vec<f64>>,
}

/// Buffers for the passes over a batch of sequences, reused between steps.
#[derive(Debug, Default, Clone)]
pub struct RecurrentWorkspace {
    /// The inputs, time-major ($T \times P \times d$).
    inputs: Vec<f64>,
    /// Pre-activations of every layer, $T \times P \times h$.
    fields: Vec<Vec<f64>>,
    /// Activations of every layer, $T \times P \times h$.
    activations: Vec<Vec<f64>>,
    /// Their derivatives $g'(z)$, computed with them.
    derivatives: Vec<Vec<f64>>,
    /// Read-outs, $T \times P \times K$.
    outputs: Vec<f64>,
    /// $\partial(\text{mean loss})/\partial f$, $T \times P \times K$.
    slopes: Vec<f64>,
    /// $\partial/\partial a_l(t)$ of one layer at every time, $T \times P \times h$.
    upstream: Vec<f64>,
    /// $\partial/\partial z_l(t)$ of one layer at every time.
    deltas: Vec<f64>,
    /// The next layer's `upstream`, being computed.
    below: Vec<f64>,
    /// The gradient, shaped as the weights.
    gradient: Vec<Vec<f64>>,
}

impl RecurrentNetwork {
    /// A network on `inputs` coordinates with `layers` recurrent layers of
    /// `width` units and `outputs` read-outs, weights from $\mathcal N(0,1)$
    /// drawn from `rng` matrix by matrix ($W_1, U_1, \dots, V$), row by row.
    ///
    /// # Panics
    /// If any size is 0.
    pub fn new(
        inputs: usize,
        width: usize,
        layers: usize,
        outputs: usize,
        activation: Activation,
        rng: &mut StreamRng,
    ) -> Self {
        assert!(
            inputs > 0 && width > 0 && layers > 0 && outputs > 0,
            "a recurrent network needs inputs, width, layers and outputs"
        );
        let weights = Self::shapes(inputs, width, layers, outputs)
            .into_iter()
            .map(|size| (0..size).map(|_| StandardNormal.sample(rng)).collect())
            .collect();
        Self {
            inputs,
            width,
            layers,
            outputs,
            activation,
            weights,
        }
    }

    /// The number of weights of each matrix, in order.
    fn shapes(inputs: usize, width: usize, layers: usize, outputs: usize) -> Vec<usize> {
        let mut shapes = Vec::with_capacity(2 * layers + 1);
        for l in 0..layers {
            shapes.push(width * if l == 0 { inputs } else { width });
            shapes.push(width * width);
        }
        shapes.push(outputs * width);
        shapes
    }

    /// $N = dh + (L-1)h^2 + Lh^2 + Kh$, without building the network.
    pub fn parameter_count(inputs: usize, width: usize, layers: usize, outputs: usize) -> usize {
        Self::shapes(inputs, width, layers, outputs).iter().sum()
    }

    /// Number of inputs $d$.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// Number of read-outs $K$.
    pub fn outputs_per_step(&self) -> usize {
        self.outputs
    }

    /// Number of weights $N$.
    pub fn parameters(&self) -> usize {
        self.weights.iter().map(Vec::len).sum()
    }

    /// The weights, $W_1, U_1, \dots, W_L, U_L, V$.
    pub fn weights(&self) -> &[Vec<f64>] {
        &self.weights
    }

    /// Every weight in one vector, in the order of [`RecurrentNetwork::weights`].
    pub fn flat_weights(&self) -> Vec<f64> {
        self.weights.iter().flatten().copied().collect()
    }

    /// Forward pass of the sequences of length `length` in `inputs`: the
    /// fields, activations and read-outs in `work`; the number of sequences.
    fn forward(&self, inputs: &[f64], length: usize, work: &mut RecurrentWorkspace) -> usize {
        let (d, h, k, layers) = (self.inputs, self.width, self.outputs, self.layers);
        assert!(
            length > 0 && inputs.len().is_multiple_of(length * d),
            "{} inputs are not sequences of {length} steps of {d}",
            inputs.len()
        );
        let count = inputs.len() / (length * d);
        work.inputs.clear();
        work.inputs.resize(length * count * d, 0.0);
        for b in 0..count {
            for t in 0..length {
                work.inputs[(t * count + b) * d..][..d]
                    .copy_from_slice(&inputs[(b * length + t) * d..][..d]);
            }
        }
        let block = count * h;
        work.fields.resize(layers, Vec::new());
        work.activations.resize(layers, Vec::new());
        work.derivatives.resize(layers, Vec::new());
        for l in 0..layers {
            work.derivatives[l].clear();
            work.derivatives[l].resize(length * block, 0.0);
            work.fields[l].clear();
            work.fields[l].resize(length * block, 0.0);
            work.activations[l].clear();
            work.activations[l].resize(length * block, 0.0);
        }
        work.outputs.clear();
        work.outputs.resize(length * count * k, 0.0);
        let recurrent_scale = 1.0 / (h as f64).sqrt();
        let rows = length * count;
        // Layer by layer (layer l at time t needs layer l − 1 at t and
        // itself at t − 1): the feed from below at every time in one
        // product, then the recurrence step by step.
        for l in 0..layers {
            let mut fields = std::mem::take(&mut work.fields[l]);
            let mut own = std::mem::take(&mut work.activations[l]);
            let mut derivatives = std::mem::take(&mut work.derivatives[l]);
            let (n_in, source) = if l == 0 {
                (d, &work.inputs[..])
            } else {
                (h, &work.activations[l - 1][..])
            };
            product(
                rows,
                n_in,
                h,
                1.0 / (n_in as f64).sqrt(),
                source,
                false,
                &self.weights[2 * l],
                true,
                &mut fields,
            );
            for t in 0..length {
                let now = t * block..(t + 1) * block;
                if t > 0 {
                    accumulate(
                        count,
                        h,
                        h,
                        recurrent_scale,
                        &own[(t - 1) * block..t * block],
                        false,
                        &self.weights[2 * l + 1],
                        true,
                        &mut fields[now.clone()],
                    );
                }
                for ((a, slope), &z) in own[now.clone()]
                    .iter_mut()
                    .zip(&mut derivatives[now.clone()])
                    .zip(&fields[now])
                {
                    (*a, *slope) = self.activation.value_and_slope(z);
                }
            }
            work.fields[l] = fields;
            work.activations[l] = own;
            work.derivatives[l] = derivatives;
        }
        product(
            rows,
            h,
            k,
            recurrent_scale,
            &work.activations[layers - 1],
            false,
            &self.weights[2 * layers],
            true,
            &mut work.outputs,
        );
        count
    }

    /// The read-outs $f_k(t)$ of the sequences of length `length` in
    /// `inputs`, sequence-major ($P \times T \times K$).
    pub fn outputs(
        &self,
        inputs: &[f64],
        length: usize,
        work: &mut RecurrentWorkspace,
    ) -> Vec<f64> {
        let count = self.forward(inputs, length, work);
        let k = self.outputs;
        let mut out = vec![0.0; work.outputs.len()];
        for b in 0..count {
            for t in 0..length {
                out[(b * length + t) * k..][..k]
                    .copy_from_slice(&work.outputs[(t * count + b) * k..][..k]);
            }
        }
        out
    }

    /// The activations of every layer on the sequences in `inputs`
    /// (sequence-major): one vector per layer of $T \times P$ rows of $h$
    /// activations, time-major (row $tP + \mu$ is sequence $\mu$ at time
    /// $t$; positions past the end of a padded sequence included).
    pub fn hidden_representations(
        &self,
        inputs: &[f64],
        length: usize,
        work: &mut RecurrentWorkspace,
    ) -> Vec<Vec<f64>> {
        self.forward(inputs, length, work);
        work.activations.clone()
    }

    /// Tallies the read-outs of the last forward pass against `labels`,
    /// leaving $\partial(\text{mean loss})/\partial f$ in `work.slopes`.
    fn tally(
        &self,
        labels: &[f64],
        count: usize,
        length: usize,
        loss: Loss,
        work: &mut RecurrentWorkspace,
    ) -> Evaluation {
        let k = self.outputs;
        assert_eq!(
            labels.len(),
            count * length * k,
            "labels for {count} sequences of {length} steps of {k} read-outs"
        );
        let mut tally = Tally::default();
        work.slopes.clear();
        work.slopes.resize(work.outputs.len(), 0.0);
        for b in 0..count {
            for t in 0..length {
                for j in 0..k {
                    let at = (t * count + b) * k + j;
                    work.slopes[at] =
                        tally.add(work.outputs[at], labels[(b * length + t) * k + j], loss);
                }
            }
        }
        let constraints = tally.constraints().max(1) as f64;
        for s in &mut work.slopes {
            *s /= constraints;
        }
        tally.finish()
    }

    /// The loss, unsatisfied constraints and errors on a data set of
    /// sequences of length `length` (labels 0: no constraint).
    pub fn evaluate(
        &self,
        inputs: &[f64],
        labels: &[f64],
        length: usize,
        loss: Loss,
        work: &mut RecurrentWorkspace,
    ) -> Evaluation {
        let count = self.forward(inputs, length, work);
        self.tally(labels, count, length, loss, work)
    }

    /// The evaluation at the current weights and the gradient of the mean
    /// loss in `work`, back-propagated through time.
    pub fn evaluate_with_gradient(
        &self,
        inputs: &[f64],
        labels: &[f64],
        length: usize,
        loss: Loss,
        work: &mut RecurrentWorkspace,
    ) -> Evaluation {
        let count = self.forward(inputs, length, work);
        let evaluation = self.tally(labels, count, length, loss, work);
        let (d, h, k, layers) = (self.inputs, self.width, self.outputs, self.layers);
        let block = count * h;
        let scale = 1.0 / (h as f64).sqrt();
        work.gradient.resize(self.weights.len(), Vec::new());
        for (g, w) in work.gradient.iter_mut().zip(&self.weights) {
            g.clear();
            g.resize(w.len(), 0.0);
        }
        let rows = length * count;
        for buffer in [&mut work.upstream, &mut work.deltas, &mut work.below] {
            buffer.clear();
            buffer.resize(rows * h, 0.0);
        }
        // dV = e^T a_L / sqrt(h) and d/da_L = e V / sqrt(h), every time at once.
        product(
            k,
            rows,
            h,
            scale,
            &work.slopes,
            true,
            &work.activations[layers - 1],
            false,
            &mut work.gradient[2 * layers],
        );
        product(
            rows,
            k,
            h,
            scale,
            &work.slopes,
            false,
            &self.weights[2 * layers],
            false,
            &mut work.upstream,
        );
        for l in (0..layers).rev() {
            // Backwards in time: d/da_l(t) gains the recurrence's share from
            // t + 1 before delta_l(t) = d/da_l(t) g'(z_l(t)).
            for t in (0..length).rev() {
                let now = t * block..(t + 1) * block;
                if t + 1 < length {
                    accumulate(
                        count,
                        h,
                        h,
                        scale,
                        &work.deltas[(t + 1) * block..(t + 2) * block],
                        false,
                        &self.weights[2 * l + 1],
                        false,
                        &mut work.upstream[now.clone()],
                    );
                }
                for ((delta, &up), &slope) in work.deltas[now.clone()]
                    .iter_mut()
                    .zip(&work.upstream[now.clone()])
                    .zip(&work.derivatives[l][now])
                {
                    *delta = up * slope;
                }
            }
            // dW_l = delta^T a_{l-1} / sqrt(n_{l-1}), every time at once.
            let (n_in, source) = if l == 0 {
                (d, &work.inputs[..])
            } else {
                (h, &work.activations[l - 1][..])
            };
            product(
                h,
                rows,
                n_in,
                1.0 / (n_in as f64).sqrt(),
                &work.deltas,
                true,
                source,
                false,
                &mut work.gradient[2 * l],
            );
            // dU_l = sum over t >= 1 of delta(t)^T a_l(t - 1) / sqrt(h).
            if length > 1 {
                product(
                    h,
                    rows - count,
                    h,
                    scale,
                    &work.deltas[block..],
                    true,
                    &work.activations[l][..(length - 1) * block],
                    false,
                    &mut work.gradient[2 * l + 1],
                );
            }
            // d/da_{l-1} = delta_l W_l / sqrt(h), every time at once.
            if l > 0 {
                product(
                    rows,
                    h,
                    h,
                    scale,
                    &work.deltas,
                    false,
                    &self.weights[2 * l],
                    false,
                    &mut work.below,
                );
                std::mem::swap(&mut work.upstream, &mut work.below);
            }
        }
        evaluation
    }

    /// The gradient the last [`RecurrentNetwork::evaluate_with_gradient`] left in `work`.
    pub fn gradient<'a>(&self, work: &'a RecurrentWorkspace) -> &'a [Vec<f64>] {
        &work.gradient
    }

    /// Moves every weight by `-rate` times the gradient in `work`.
    pub fn apply_gradient(&mut self, rate: f64, work: &RecurrentWorkspace) {
        for (w, g) in self.weights.iter_mut().zip(&work.gradient) {
            for (w, g) in w.iter_mut().zip(g) {
                *w -= rate * g;
            }
        }
    }

    /// One Adam step at rate `rate` with the gradient in `work` (`adam`
    /// made by [`Adam::for_weights`] of this network's weights).
    pub fn apply_adam(&mut self, adam: &mut Adam, rate: f64, work: &RecurrentWorkspace) {
        adam.step(&mut self.weights, &work.gradient, rate);
    }

    /// One step of gradient descent with rate `rate` on the sequences
    /// given: the evaluation before the step.
    pub fn descend(
        &mut self,
        inputs: &[f64],
        labels: &[f64],
        length: usize,
        loss: Loss,
        rate: f64,
        work: &mut RecurrentWorkspace,
    ) -> Evaluation {
        let evaluation = self.evaluate_with_gradient(inputs, labels, length, loss, work);
        self.apply_gradient(rate, work);
        evaluation
    }
}

#[cfg(test)]
#[path = "recurrent_tests.rs"]
mod tests;
