//! Exact sums over the smaller layer of a machine: $\ln Z$, the
//! log-likelihood, the model's moments (hence the exact gradient) and exact
//! samples.
//!
//! With the smaller layer $x$ (of $n \le$ [`MAX_EXACT_UNITS`] units; the
//! other layer $y$ summed out analytically),
//! $\ln Z = \ln\sum_x \exp\bigl(a\cdot x + \sum_k
//! \operatorname{softplus}(a'_k + (Wx)_k)\bigr)$ with $a, a'$ the biases of
//! $x$ and $y$. The $2^n$ states are visited in blocks of $2^{12}$ in Gray
//! code order, so that each state costs one column update of the input
//! $a' + Wx$; every block starts from a freshly computed input (no drift) and
//! the blocks, run in parallel, are combined in their order, so that the
//! result does not depend on the thread count.

use rand::Rng;
use rayon::prelude::*;

use super::rbm::{Rbm, sigmoid, softplus, uniform};
use crate::error::{LearnError, parameter};

/// The largest layer that is summed over exactly ($2^{28}$ states).
pub const MAX_EXACT_UNITS: usize = 28;

/// The largest layer whose $2^n$ probabilities are tabulated for exact sampling.
pub const MAX_SAMPLED_UNITS: usize = 22;

/// Bits of a Gray-code block.
const BLOCK_BITS: usize = 12;

/// Which layer an exact sum runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The visible units.
    Visible,
    /// The hidden units.
    Hidden,
}

/// The layer an exact computation enumerates: the smaller one (always the
/// hidden layer when the visible units are Gaussian).
pub fn smaller_layer(machine: &Rbm) -> Layer {
    if machine.is_gaussian() || machine.hidden() <= machine.visible() {
        Layer::Hidden
    } else {
        Layer::Visible
    }
}

/// Units of the enumerated layer, $\min(N_v, N_h)$ ($N_h$ for Gaussian
/// visible units): what exact sums cost ($2^n$ states).
pub fn smaller_layer_units(machine: &Rbm) -> usize {
    match smaller_layer(machine) {
        Layer::Hidden => machine.hidden(),
        Layer::Visible => machine.visible(),
    }
}

/// Whether exact sums over `machine` are within [`MAX_EXACT_UNITS`].
pub fn exact_is_possible(machine: &Rbm) -> bool {
    smaller_layer_units(machine) <= MAX_EXACT_UNITS
}

/// The enumerated layer's view of the machine: biases of the enumerated
/// layer, of the other layer, and the weights with the enumerated layer's
/// unit as the outer index (each unit's column contiguous).
struct Enumerated {
    units: usize,
    others: usize,
    bias: Vec<f64>,
    other_bias: Vec<f64>,
    /// `columns[k * others + l]`: the weight between enumerated unit `k` and other unit `l`.
    columns: Vec<f64>,
    layer: Layer,
    /// Gaussian visible units (then the hidden layer is enumerated):
    /// $\frac{N_v}2\ln 2\pi - \frac12|b|^2$, the constant of every log-weight.
    gaussian: Option<f64>,
}

impl Enumerated {
    fn new(machine: &Rbm) -> Result<Self, LearnError> {
        let layer = smaller_layer(machine);
        let (units, others) = match layer {
            Layer::Hidden => (machine.hidden(), machine.visible()),
            Layer::Visible => (machine.visible(), machine.hidden()),
        };
        if units > MAX_EXACT_UNITS {
            return Err(parameter(
                "hidden",
                units,
                format!(
                    "exact sums need a layer of at most {MAX_EXACT_UNITS} units (use AIS beyond)"
                ),
            ));
        }
        let (nv, nh) = (machine.visible(), machine.hidden());
        let w = machine.weights();
        let (bias, other_bias, columns) = match layer {
            Layer::Visible => (
                machine.visible_bias().to_vec(),
                machine.hidden_bias().to_vec(),
                w.to_vec(),
            ),
            Layer::Hidden => {
                let mut transposed = vec![0.0; nv * nh];
                for i in 0..nv {
                    for j in 0..nh {
                        transposed[j * nv + i] = w[i * nh + j];
                    }
                }
                (
                    machine.hidden_bias().to_vec(),
                    machine.visible_bias().to_vec(),
                    transposed,
                )
            }
        };
        let gaussian = machine.is_gaussian().then(|| {
            0.5 * nv as f64 * (2.0 * std::f64::consts::PI).ln()
                - 0.5 * machine.visible_bias().iter().map(|b| b * b).sum::<f64>()
        });
        Ok(Self {
            units,
            others,
            bias,
            other_bias,
            columns,
            layer,
            gaussian,
        })
    }

    fn blocks(&self) -> u64 {
        1u64 << self.units.saturating_sub(BLOCK_BITS)
    }

    fn block_bits(&self) -> usize {
        self.units.min(BLOCK_BITS)
    }

    /// Visits every state of block `block`: `visit(state bits, a·x, a' + Wx)`.
    fn visit_block(&self, block: u64, mut visit: impl FnMut(u64, f64, &[f64])) {
        let bits = self.block_bits();
        let high = block << bits;
        let mut input = self.other_bias.clone();
        let mut linear = 0.0;
        for k in bits..self.units {
            if high >> k & 1 == 1 {
                linear += self.bias[k];
                let column = &self.columns[k * self.others..(k + 1) * self.others];
                for (x, &w) in input.iter_mut().zip(column) {
                    *x += w;
                }
            }
        }
        let mut state = high;
        visit(state, linear, &input);
        for step in 1u64..(1u64 << bits) {
            let k = step.trailing_zeros() as usize;
            state ^= 1 << k;
            let sign = if state >> k & 1 == 1 { 1.0 } else { -1.0 };
            linear += sign * self.bias[k];
            let column = &self.columns[k * self.others..(k + 1) * self.others];
            for (x, &w) in input.iter_mut().zip(column) {
                *x += sign * w;
            }
            visit(state, linear, &input);
        }
    }

    /// The unnormalised log-probability of a state from its visit: the
    /// other layer summed out, $\sum\operatorname{softplus}(x)$ for binary
    /// units, the Gaussian integral $\frac12(|x|^2 - |b|^2) + \frac{N_v}2\ln2\pi$
    /// (with $x = b + Wh$) for Gaussian visible units.
    fn log_weight(&self, linear: f64, input: &[f64]) -> f64 {
        match self.gaussian {
            None => linear + input.iter().map(|&x| softplus(x)).sum::<f64>(),
            Some(constant) => linear + constant + 0.5 * input.iter().map(|&x| x * x).sum::<f64>(),
        }
    }

    /// The other layer's conditional mean given its input.
    fn mean(&self, input: f64) -> f64 {
        if self.gaussian.is_some() {
            input
        } else {
            sigmoid(input)
        }
    }

    fn log_partition(&self) -> f64 {
        let partial: Vec<(f64, f64)> = (0..self.blocks())
            .into_par_iter()
            .map(|block| {
                let mut accumulator = LogSum::default();
                self.visit_block(block, |_, linear, input| {
                    accumulator.add(self.log_weight(linear, input));
                });
                (accumulator.max, accumulator.sum)
            })
            .collect();
        let mut total = LogSum::default();
        for (max, sum) in partial {
            total.merge(max, sum);
        }
        total.value()
    }
}

/// A running $\ln\sum_k e^{x_k}$ as a maximum and a rescaled sum.
#[derive(Debug, Clone, Copy)]
struct LogSum {
    max: f64,
    sum: f64,
}

impl Default for LogSum {
    fn default() -> Self {
        Self {
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }
}

impl LogSum {
    fn add(&mut self, x: f64) {
        if x > self.max {
            self.sum = self.sum * (self.max - x).exp() + 1.0;
            self.max = x;
        } else {
            self.sum += (x - self.max).exp();
        }
    }

    fn merge(&mut self, max: f64, sum: f64) {
        if sum == 0.0 {
            return;
        }
        if max > self.max {
            self.sum = self.sum * (self.max - max).exp() + sum;
            self.max = max;
        } else {
            self.sum += sum * (max - self.max).exp();
        }
    }

    fn value(&self) -> f64 {
        self.max + self.sum.ln()
    }
}

/// $\ln Z$ of a machine, exactly.
pub fn log_partition(machine: &Rbm) -> Result<f64, LearnError> {
    Ok(Enumerated::new(machine)?.log_partition())
}

/// The mean log-likelihood $\frac1M\sum_d \ln p(v^{(d)})$ of `data`
/// (row-major, $M$ rows of $N_v$ zeros and ones) for a given $\ln Z$.
pub fn mean_log_likelihood(machine: &Rbm, data: &[f64], log_partition: f64) -> f64 {
    -mean_free_energy(machine, data) - log_partition
}

/// $\frac1M\sum_d F(v^{(d)})$, in parallel blocks combined in order.
pub fn mean_free_energy(machine: &Rbm, data: &[f64]) -> f64 {
    const BLOCK: usize = 256;
    let nv = machine.visible();
    let rows = data.len() / nv;
    let sums: Vec<f64> = data
        .par_chunks(BLOCK * nv)
        .map(|block| {
            let count = block.len() / nv;
            let mut input = vec![0.0; count * machine.hidden()];
            machine.hidden_input(block, count, 1.0, &mut input);
            let mut free = vec![0.0; count];
            machine.free_energies(block, &input, &mut free);
            free.iter().sum::<f64>()
        })
        .collect();
    sums.iter().sum::<f64>() / rows.max(1) as f64
}

/// The model's moments $\langle v_i h_j\rangle$, $\langle v_i\rangle$ and
/// $\langle h_j\rangle$, exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    /// $\langle v_i h_j\rangle$, row-major visible × hidden.
    pub visible_hidden: Vec<f64>,
    /// $\langle v_i\rangle$.
    pub visible: Vec<f64>,
    /// $\langle h_j\rangle$.
    pub hidden: Vec<f64>,
}

/// The model's exact moments, by a sum over the smaller layer with the other
/// layer's conditional means: for an enumerated hidden layer
/// $\langle v_i h_j\rangle = \sum_h p(h)\\, h_j\\, \sigma\bigl(b_i + (Wh)_i\bigr)$.
pub fn model_moments(machine: &Rbm) -> Result<Moments, LearnError> {
    let enumerated = Enumerated::new(machine)?;
    let log_z = enumerated.log_partition();
    let (n, m) = (enumerated.units, enumerated.others);
    // Per block: sums of p x_k y_l (n × m), p x_k, p y_l.
    let partial: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = (0..enumerated.blocks())
        .into_par_iter()
        .map(|block| {
            let mut cross = vec![0.0; n * m];
            let mut first = vec![0.0; n];
            let mut second = vec![0.0; m];
            let mut means = vec![0.0; m];
            enumerated.visit_block(block, |state, linear, input| {
                let p = (enumerated.log_weight(linear, input) - log_z).exp();
                for (mean, &x) in means.iter_mut().zip(input) {
                    *mean = p * enumerated.mean(x);
                }
                for (s, &mean) in second.iter_mut().zip(&means) {
                    *s += mean;
                }
                for (k, f) in first.iter_mut().enumerate() {
                    if state >> k & 1 == 1 {
                        *f += p;
                        for (c, &mean) in cross[k * m..(k + 1) * m].iter_mut().zip(&means) {
                            *c += mean;
                        }
                    }
                }
            });
            (cross, first, second)
        })
        .collect();
    let mut cross = vec![0.0; n * m];
    let mut first = vec![0.0; n];
    let mut second = vec![0.0; m];
    for (c, f, s) in partial {
        cross.iter_mut().zip(c).for_each(|(a, b)| *a += b);
        first.iter_mut().zip(f).for_each(|(a, b)| *a += b);
        second.iter_mut().zip(s).for_each(|(a, b)| *a += b);
    }
    Ok(match enumerated.layer {
        Layer::Visible => Moments {
            visible_hidden: cross,
            visible: first,
            hidden: second,
        },
        Layer::Hidden => {
            let (nv, nh) = (m, n);
            let mut visible_hidden = vec![0.0; nv * nh];
            for j in 0..nh {
                for i in 0..nv {
                    visible_hidden[i * nh + j] = cross[j * nv + i];
                }
            }
            Moments {
                visible_hidden,
                visible: second,
                hidden: first,
            }
        }
    })
}

/// The data's moments with the hidden layer summed out:
/// $\frac1M\sum_d v_i^{(d)}\sigma\bigl(c_j + (v^{(d)}W)_j\bigr)$ and so on.
pub fn data_moments(machine: &Rbm, data: &[f64]) -> Moments {
    let (nv, nh) = (machine.visible(), machine.hidden());
    let rows = data.len() / nv;
    let mut input = vec![0.0; rows * nh];
    machine.hidden_input(data, rows, 1.0, &mut input);
    let mut visible_hidden = vec![0.0; nv * nh];
    let mut visible = vec![0.0; nv];
    let mut hidden = vec![0.0; nh];
    for (v, x) in data.chunks_exact(nv).zip(input.chunks_exact(nh)) {
        let means: Vec<f64> = x.iter().map(|&x| sigmoid(x)).collect();
        for (h, &mean) in hidden.iter_mut().zip(&means) {
            *h += mean;
        }
        for (i, &vi) in v.iter().enumerate() {
            visible[i] += vi;
            if vi != 0.0 {
                for (c, &mean) in visible_hidden[i * nh..(i + 1) * nh].iter_mut().zip(&means) {
                    *c += vi * mean;
                }
            }
        }
    }
    let scale = 1.0 / rows.max(1) as f64;
    for x in visible_hidden
        .iter_mut()
        .chain(&mut visible)
        .chain(&mut hidden)
    {
        *x *= scale;
    }
    Moments {
        visible_hidden,
        visible,
        hidden,
    }
}

/// The exact gradient of the mean log-likelihood with respect to every
/// parameter ($W$, then $b$, then $c$, as [`Rbm::parameters`]): data
/// moments minus model moments.
pub fn exact_gradient(machine: &Rbm, data: &[f64]) -> Result<Vec<f64>, LearnError> {
    let model = model_moments(machine)?;
    let data = data_moments(machine, data);
    Ok(data
        .visible_hidden
        .iter()
        .zip(&model.visible_hidden)
        .chain(data.visible.iter().zip(&model.visible))
        .chain(data.hidden.iter().zip(&model.hidden))
        .map(|(d, m)| d - m)
        .collect())
}

/// Exact samples of a machine whose smaller layer has at most
/// [`MAX_SAMPLED_UNITS`] units: the smaller layer from its tabulated
/// marginal, then the other layer from its conditional.
#[derive(Debug, Clone)]
pub struct ExactSampler {
    machine: Rbm,
    layer: Layer,
    /// Cumulative probabilities of the $2^n$ states of the smaller layer.
    cumulative: Vec<f64>,
}

impl ExactSampler {
    /// Tabulates the smaller layer's marginal.
    pub fn new(machine: &Rbm) -> Result<Self, LearnError> {
        let enumerated = Enumerated::new(machine)?;
        if enumerated.units > MAX_SAMPLED_UNITS {
            return Err(parameter(
                "hidden",
                enumerated.units,
                format!("exact sampling needs a layer of at most {MAX_SAMPLED_UNITS} units"),
            ));
        }
        let log_z = enumerated.log_partition();
        let size = 1usize << enumerated.units;
        let mut probability = vec![0.0; size];
        for block in 0..enumerated.blocks() {
            enumerated.visit_block(block, |state, linear, input| {
                probability[state as usize] = (enumerated.log_weight(linear, input) - log_z).exp();
            });
        }
        let mut total = 0.0;
        for p in &mut probability {
            total += *p;
            *p = total;
        }
        Ok(Self {
            machine: machine.clone(),
            layer: enumerated.layer,
            cumulative: probability,
        })
    }

    /// One visible configuration, exactly from $p(v)$, into `visible`.
    pub fn sample_visible(&self, visible: &mut [f64], rng: &mut impl Rng) {
        let total = *self.cumulative.last().expect("at least one state");
        let u = uniform(rng) * total;
        let state = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.cumulative.len() - 1);
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        match self.layer {
            Layer::Visible => {
                for (i, v) in visible.iter_mut().enumerate() {
                    *v = (state >> i & 1) as f64;
                }
            }
            Layer::Hidden => {
                let hidden: Vec<f64> = (0..nh).map(|j| (state >> j & 1) as f64).collect();
                let mut input = vec![0.0; nv];
                self.machine.visible_input(&hidden, 1, 1.0, &mut input);
                for (v, &x) in visible.iter_mut().zip(&input) {
                    *v = if self.machine.is_gaussian() {
                        x + rand_distr::Distribution::<f64>::sample(
                            &rand_distr::StandardNormal,
                            rng,
                        )
                    } else if uniform(rng) < sigmoid(x) {
                        1.0
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}
