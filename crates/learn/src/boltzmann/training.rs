//! Training a restricted Boltzmann machine by stochastic gradient ascent
//! on the log-likelihood, with the model's term from Gibbs chains.
//!
//! The gradient of the mean log-likelihood is
//! $\partial_{W_{ij}} \mathcal L = \langle v_i h_j\rangle_\text{data} - \langle v_i h_j\rangle_\text{model}$
//! (and $\langle v_i\rangle$, $\langle h_j\rangle$ for the biases). The data
//! term is exact on a mini-batch, with $h_j$ replaced by its conditional
//! mean $\sigma(c_j + (vW)_j)$; the model term comes from a negative
//! phase ([`NegativePhase`]):
//!
//! * **CD-$k$** (Hinton 2002): chains started at the batch's data, $k$ Gibbs
//!   steps;
//! * **PCD-$k$** (Tieleman 2008): persistent chains carried from batch to
//!   batch;
//! * **parallel tempering** (Desjardins et al. 2010): every persistent chain a
//!   ladder of inverse temperatures $1 = \beta_0 > \dots > \beta_{T-1}$ on
//!   $p_\beta(v) \propto e^{\beta b\cdot v}\prod_j(1+e^{\beta(c_j+(vW)_j)})$,
//!   neighbours exchanging configurations with probability
//!   $\min\bigl(1, \frac{p^*_{\beta_a}(v_b)\\,p^*_{\beta_b}(v_a)}{p^*_{\beta_a}(v_a)\\,p^*_{\beta_b}(v_b)}\bigr)$
//!   after every Gibbs step; the $\beta = 1$ rows are the negative particles.
//!
//! The update is $u \leftarrow \mu u + \eta\\,(g - \lambda W)$, $W \leftarrow W + u$,
//! with momentum $\mu$, learning rate $\eta$ and weight decay $\lambda$ (on
//! the weights only). One epoch visits the rows in an order drawn from the
//! trainer's own stream; the whole [`Trainer`], stream included, is what
//! a checkpoint saves, so a resumed run continues bit for bit.

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2};
use quench_core::rng::StreamRng;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::logistic::logistic_in_place;
use super::rbm::{Rbm, sigmoid, softplus, uniform};
use crate::error::{LearnError, at_least, in_closed_range, parameter, positive};

/// How the model's term of the gradient is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum NegativePhase {
    /// CD-$k$: $k$ Gibbs steps from the batch's data.
    Contrastive {
        /// Gibbs steps $k$.
        steps: usize,
    },
    /// PCD-$k$: $k$ Gibbs steps of persistent chains per batch.
    Persistent {
        /// Gibbs steps $k$.
        steps: usize,
    },
    /// Persistent chains, each a ladder of `temperatures` inverse
    /// temperatures spaced geometrically from 1 down to `lowest_beta`.
    Tempering {
        /// Gibbs steps (each followed by an exchange pass) per batch.
        steps: usize,
        /// Rungs of each ladder (at least 2).
        temperatures: usize,
        /// The smallest inverse temperature, in $(0, 1)$.
        lowest_beta: f64,
    },
}

impl NegativePhase {
    /// A short name: `cd-1`, `pcd-1`, `pt-1`.
    pub fn name(&self) -> String {
        match self {
            Self::Contrastive { steps } => format!("cd-{steps}"),
            Self::Persistent { steps } => format!("pcd-{steps}"),
            Self::Tempering { steps, .. } => format!("pt-{steps}"),
        }
    }

    fn steps(&self) -> usize {
        match *self {
            Self::Contrastive { steps }
            | Self::Persistent { steps }
            | Self::Tempering { steps, .. } => steps,
        }
    }
}

/// The hyper-parameters of training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingOptions {
    /// The negative phase.
    pub negative: NegativePhase,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// $\eta$.
    pub learning_rate: f64,
    /// $\mu \in [0, 1)$.
    pub momentum: f64,
    /// $\lambda \ge 0$.
    pub weight_decay: f64,
    /// Persistent chains (ladders for tempering); ignored by CD.
    pub chains: usize,
}

impl TrainingOptions {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), LearnError> {
        at_least("batch_size", self.batch_size, 1)?;
        positive("learning_rate", self.learning_rate)?;
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            return Err(parameter(
                "momentum",
                self.momentum,
                "a real number in [0, 1)",
            ));
        }
        in_closed_range("weight_decay", self.weight_decay, 0.0, f64::MAX)?;
        at_least("steps", self.negative.steps(), 1)?;
        match self.negative {
            NegativePhase::Contrastive { .. } => {}
            NegativePhase::Persistent { .. } => {
                at_least("chains", self.chains, 1)?;
            }
            NegativePhase::Tempering {
                temperatures,
                lowest_beta,
                ..
            } => {
                at_least("chains", self.chains, 1)?;
                at_least("temperatures", temperatures, 2)?;
                if !(lowest_beta > 0.0 && lowest_beta < 1.0) {
                    return Err(parameter(
                        "lowest_beta",
                        lowest_beta,
                        "a real number in (0, 1)",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// What one epoch did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochSummary {
    /// Epochs done, this one included.
    pub epoch: u64,
    /// Mini-batches.
    pub batches: u64,
    /// Exchange acceptance of the tempering ladders over the epoch (NaN otherwise).
    pub exchange_acceptance: f64,
}

/// The machine's parameters in single precision, as training updates them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SinglePrecision {
    visible: usize,
    hidden: usize,
    weights: Vec<f32>,
    visible_bias: Vec<f32>,
    hidden_bias: Vec<f32>,
}

impl SinglePrecision {
    fn of(machine: &Rbm) -> Self {
        let single = |x: &[f64]| x.iter().map(|&x| x as f32).collect::<Vec<f32>>();
        Self {
            visible: machine.visible(),
            hidden: machine.hidden(),
            weights: single(machine.weights()),
            visible_bias: single(machine.visible_bias()),
            hidden_bias: single(machine.hidden_bias()),
        }
    }

    /// Copies the parameters into `machine` (double precision).
    fn store(&self, machine: &mut Rbm) {
        let copy = |to: &mut [f64], from: &[f32]| {
            to.iter_mut().zip(from).for_each(|(t, &f)| *t = f as f64)
        };
        copy(machine.weights_mut(), &self.weights);
        copy(machine.visible_bias_mut(), &self.visible_bias);
        copy(machine.hidden_bias_mut(), &self.hidden_bias);
    }

    fn weight_view(&self) -> ArrayView2<'_, f32> {
        ArrayView2::from_shape((self.visible, self.hidden), &self.weights).expect("shape")
    }

    /// `out` $= VW + c$.
    fn hidden_input(&self, visible: &[f32], rows: usize, out: &mut Vec<f32>) {
        out.resize(rows * self.hidden, 0.0);
        let v = ArrayView2::from_shape((rows, self.visible), visible).expect("visible batch");
        let mut o = ArrayViewMut2::from_shape((rows, self.hidden), &mut out[..]).expect("hidden");
        general_mat_mul(1.0, &v, &self.weight_view(), 0.0, &mut o);
        for row in out.chunks_exact_mut(self.hidden) {
            for (x, &c) in row.iter_mut().zip(&self.hidden_bias) {
                *x += c;
            }
        }
    }

    /// `out` $= HW^\top + b$.
    fn visible_input(&self, hidden: &[f32], rows: usize, out: &mut Vec<f32>) {
        out.resize(rows * self.visible, 0.0);
        let h = ArrayView2::from_shape((rows, self.hidden), hidden).expect("hidden batch");
        let mut o = ArrayViewMut2::from_shape((rows, self.visible), &mut out[..]).expect("visible");
        general_mat_mul(1.0, &h, &self.weight_view().t(), 0.0, &mut o);
        for row in out.chunks_exact_mut(self.visible) {
            for (x, &b) in row.iter_mut().zip(&self.visible_bias) {
                *x += b;
            }
        }
    }
}

/// A uniform number in $[0, 1)$ with 24 random bits.
#[inline]
fn uniform32(rng: &mut impl Rng) -> f32 {
    (rng.next_u32() >> 8) as f32 * (1.0 / (1u32 << 24) as f32)
}

/// Each state 1 with probability $\sigma(\beta x)$ of its input $x$;
/// `probabilities` is scratch.
fn sample_from_inputs(
    inputs: &[f32],
    beta: f32,
    probabilities: &mut Vec<f32>,
    states: &mut [f32],
    rng: &mut impl Rng,
) {
    probabilities.clear();
    probabilities.extend_from_slice(inputs);
    logistic_in_place(probabilities, beta);
    for (s, &p) in states.iter_mut().zip(probabilities.iter()) {
        *s = if uniform32(rng) < p { 1.0 } else { 0.0 };
    }
}

/// Scratch matrices of one mini-batch step (not saved).
#[derive(Debug, Clone, Default)]
struct Buffers {
    batch: Vec<f32>,
    chain_input: Vec<f32>,
    chain_hidden: Vec<f32>,
    chain_visible_input: Vec<f32>,
    negative_visible: Vec<f32>,
    stacked_visible: Vec<f32>,
    stacked_hidden: Vec<f32>,
    probabilities: Vec<f32>,
}

/// A machine under training with its optimiser state and chains: all that a
/// checkpoint saves. Training runs in single precision (the parameters,
/// the chains and the matrix products), as is usual for stochastic
/// gradients whose noise is far above $10^{-7}$; [`Trainer::machine`] is
/// the double-precision copy, brought up to date after every epoch, that
/// likelihoods are computed from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trainer {
    machine: Rbm,
    parameters: SinglePrecision,
    options: TrainingOptions,
    /// Momentum of $W$, $b$, $c$ (as [`Rbm::parameters`]).
    velocity: Vec<f32>,
    /// Persistent visible states, chain-major (each chain's ladder
    /// contiguous, $\beta = 1$ first); empty for CD.
    chains: Vec<f32>,
    /// PCD: the chains' hidden inputs $c + vW$ from the last negative phase
    /// (with the parameters before that step's update), where the next
    /// Gibbs step starts.
    chain_input: Vec<f32>,
    /// The ladder's inverse temperatures (`[1.0]` without tempering).
    betas: Vec<f32>,
    rng: StreamRng,
    epoch: u64,
    #[serde(skip)]
    buffers: Buffers,
}

impl Trainer {
    /// A trainer of `machine` whose persistent chains start uniformly at
    /// random; every random number comes from `rng`.
    pub fn new(
        machine: Rbm,
        options: TrainingOptions,
        mut rng: StreamRng,
    ) -> Result<Self, LearnError> {
        options.validate()?;
        let nv = machine.visible();
        let betas: Vec<f32> = match options.negative {
            NegativePhase::Tempering {
                temperatures,
                lowest_beta,
                ..
            } => (0..temperatures)
                .map(|t| lowest_beta.powf(t as f64 / (temperatures - 1) as f64) as f32)
                .collect(),
            _ => vec![1.0],
        };
        let rows = match options.negative {
            NegativePhase::Contrastive { .. } => 0,
            _ => options.chains * betas.len(),
        };
        let chains: Vec<f32> = (0..rows * nv)
            .map(|_| if uniform32(&mut rng) < 0.5 { 1.0 } else { 0.0 })
            .collect();
        let parameters = SinglePrecision::of(&machine);
        let mut chain_input = Vec::new();
        if matches!(options.negative, NegativePhase::Persistent { .. }) {
            parameters.hidden_input(&chains, rows, &mut chain_input);
        }
        let count = machine.weights().len() + machine.visible() + machine.hidden();
        Ok(Self {
            machine,
            parameters,
            options,
            velocity: vec![0.0; count],
            chains,
            chain_input,
            betas,
            rng,
            epoch: 0,
            buffers: Buffers::default(),
        })
    }

    /// The machine as trained so far (double precision, as of the last epoch).
    pub fn machine(&self) -> &Rbm {
        &self.machine
    }

    /// The options.
    pub fn options(&self) -> &TrainingOptions {
        &self.options
    }

    /// Epochs done.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The persistent chains' visible states at $\beta = 1$ (row-major),
    /// empty for CD: samples of the model as training left them.
    pub fn particles(&self) -> Vec<f64> {
        self.particles_of(&self.chains)
            .into_iter()
            .map(f64::from)
            .collect()
    }

    fn particles_of(&self, chains: &[f32]) -> Vec<f32> {
        let nv = self.machine.visible();
        chains
            .chunks_exact(nv * self.betas.len())
            .flat_map(|ladder| ladder[..nv].iter().copied())
            .collect()
    }

    /// One pass over `data` (row-major, $N_v$ columns of zeros and ones) in
    /// mini-batches, in an order drawn from the trainer's stream.
    pub fn train_epoch(&mut self, data: &[f64]) -> Result<EpochSummary, LearnError> {
        let nv = self.machine.visible();
        if data.is_empty() || !data.len().is_multiple_of(nv) {
            return Err(parameter(
                "data",
                data.len(),
                format!("a non-empty multiple of {nv} numbers (rows of the visible layer)"),
            ));
        }
        let rows = data.len() / nv;
        let mut order: Vec<usize> = (0..rows).collect();
        for k in (1..rows).rev() {
            let j = (uniform(&mut self.rng) * (k + 1) as f64) as usize;
            order.swap(k, j.min(k));
        }
        let mut batches = 0;
        let (mut accepted, mut attempted) = (0u64, 0u64);
        let mut batch = std::mem::take(&mut self.buffers.batch);
        for indices in order.chunks(self.options.batch_size) {
            batch.clear();
            for &r in indices {
                batch.extend(data[r * nv..(r + 1) * nv].iter().map(|&x| x as f32));
            }
            let (a, t) = self.step(&batch, indices.len());
            accepted += a;
            attempted += t;
            batches += 1;
        }
        self.buffers.batch = batch;
        self.parameters.store(&mut self.machine);
        self.epoch += 1;
        Ok(EpochSummary {
            epoch: self.epoch,
            batches,
            exchange_acceptance: if attempted > 0 {
                accepted as f64 / attempted as f64
            } else {
                f64::NAN
            },
        })
    }

    /// One mini-batch of `rows` rows: returns the exchanges accepted and attempted.
    ///
    /// Three matrix products for PCD: the chains' visible inputs, the
    /// hidden inputs of the batch and the negative particles stacked in one
    /// matrix $[V_+; V_-]$, and the gradient as one product
    /// $[V_+; V_-]^\top [H_+/B; -H_-/C]$ accumulated into the velocity.
    fn step(&mut self, batch: &[f32], rows: usize) -> (u64, u64) {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let mut buffers = std::mem::take(&mut self.buffers);
        let exchanges = match self.options.negative {
            NegativePhase::Contrastive { steps } => {
                // The first half-step starts from the batch's own inputs.
                let mut chains = std::mem::take(&mut buffers.negative_visible);
                chains.clear();
                chains.extend_from_slice(batch);
                self.parameters
                    .hidden_input(batch, rows, &mut buffers.chain_input);
                self.gibbs(&mut chains, rows, steps, &mut buffers, None);
                buffers.negative_visible = chains;
                (0, 0)
            }
            NegativePhase::Persistent { steps } => {
                let mut chains = std::mem::take(&mut self.chains);
                let count = chains.len() / nv;
                std::mem::swap(&mut buffers.chain_input, &mut self.chain_input);
                self.gibbs(&mut chains, count, steps, &mut buffers, None);
                buffers.negative_visible.clear();
                buffers.negative_visible.extend_from_slice(&chains);
                self.chains = chains;
                (0, 0)
            }
            NegativePhase::Tempering { steps, .. } => {
                let mut chains = std::mem::take(&mut self.chains);
                let count = chains.len() / nv;
                let mut exchanges = (0, 0);
                self.parameters
                    .hidden_input(&chains, count, &mut buffers.chain_input);
                self.gibbs(
                    &mut chains,
                    count,
                    steps,
                    &mut buffers,
                    Some(&mut exchanges),
                );
                buffers.negative_visible = self.particles_of(&chains);
                self.chains = chains;
                exchanges
            }
        };
        // [V+; V-] and its hidden inputs in one product.
        let negatives = buffers.negative_visible.len() / nv;
        buffers.stacked_visible.clear();
        buffers.stacked_visible.extend_from_slice(batch);
        buffers
            .stacked_visible
            .extend_from_slice(&buffers.negative_visible);
        self.parameters.hidden_input(
            &buffers.stacked_visible,
            rows + negatives,
            &mut buffers.stacked_hidden,
        );
        if matches!(self.options.negative, NegativePhase::Persistent { .. }) {
            // The next step's first half-step starts from these inputs.
            self.chain_input.clear();
            self.chain_input
                .extend_from_slice(&buffers.stacked_hidden[rows * nh..]);
        }
        logistic_in_place(&mut buffers.stacked_hidden, 1.0);
        self.update(rows, negatives, &mut buffers);
        self.buffers = buffers;
        exchanges
    }

    /// `steps` Gibbs steps $v\to h\to v$ of `rows` chains (each row at its
    /// rung's $\beta$), from the chains' hidden inputs in
    /// `buffers.chain_input`; when tempering, an exchange pass before each
    /// step.
    fn gibbs(
        &mut self,
        chains: &mut [f32],
        rows: usize,
        steps: usize,
        buffers: &mut Buffers,
        mut exchanges: Option<&mut (u64, u64)>,
    ) {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let rungs = self.betas.len();
        buffers.chain_hidden.resize(rows * nh, 0.0);
        for step in 0..steps {
            if step > 0 {
                self.parameters
                    .hidden_input(chains, rows, &mut buffers.chain_input);
            }
            if let Some(counts) = exchanges.as_deref_mut() {
                self.exchange(chains, &mut buffers.chain_input, counts);
            }
            for (r, (h, x)) in buffers
                .chain_hidden
                .chunks_exact_mut(nh)
                .zip(buffers.chain_input.chunks_exact(nh))
                .enumerate()
            {
                sample_from_inputs(
                    x,
                    self.betas[r % rungs],
                    &mut buffers.probabilities,
                    h,
                    &mut self.rng,
                );
            }
            self.parameters.visible_input(
                &buffers.chain_hidden,
                rows,
                &mut buffers.chain_visible_input,
            );
            let gaussian = self.machine.is_gaussian();
            for (r, (v, x)) in chains
                .chunks_exact_mut(nv)
                .zip(buffers.chain_visible_input.chunks_exact(nv))
                .enumerate()
            {
                let beta = self.betas[r % rungs];
                if gaussian {
                    // v | h ~ N(b + Wh, 1 / beta).
                    let deviation = beta.sqrt().recip();
                    for (v, &x) in v.iter_mut().zip(x) {
                        let z: f32 = rand_distr::Distribution::sample(
                            &rand_distr::StandardNormal,
                            &mut self.rng,
                        );
                        *v = x + deviation * z;
                    }
                } else {
                    sample_from_inputs(x, beta, &mut buffers.probabilities, v, &mut self.rng);
                }
            }
        }
    }

    /// One pass of exchanges between neighbouring rungs of every ladder
    /// (pairs $(0,1), (1,2), \dots$ in turn), swapping rows of the chains
    /// and of their inputs $x = c + vW$.
    fn exchange(&mut self, chains: &mut [f32], input: &mut [f32], counts: &mut (u64, u64)) {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let rungs = self.betas.len();
        let b = &self.parameters.visible_bias;
        let gaussian = self.machine.is_gaussian();
        // ln p*_beta(v) = -beta (visible term of F) + sum softplus(beta x).
        let log_weight = |beta: f64, v: &[f32], x: &[f32]| -> f64 {
            let visible: f64 = if gaussian {
                -0.5 * v
                    .iter()
                    .zip(b)
                    .map(|(&v, &b)| f64::from((v - b) * (v - b)))
                    .sum::<f64>()
            } else {
                v.iter()
                    .zip(b)
                    .map(|(&v, &b)| f64::from(v * b))
                    .sum::<f64>()
            };
            beta * visible
                + x.iter()
                    .map(|&x| softplus(beta * f64::from(x)))
                    .sum::<f64>()
        };
        let ladders = chains.len() / (nv * rungs);
        for ladder in 0..ladders {
            for t in 0..rungs - 1 {
                let (a, c) = (ladder * rungs + t, ladder * rungs + t + 1);
                let (va, vc) = (&chains[a * nv..(a + 1) * nv], &chains[c * nv..(c + 1) * nv]);
                let (xa, xc) = (&input[a * nh..(a + 1) * nh], &input[c * nh..(c + 1) * nh]);
                let (ba, bc) = (f64::from(self.betas[t]), f64::from(self.betas[t + 1]));
                let log_ratio = log_weight(ba, vc, xc) + log_weight(bc, va, xa)
                    - log_weight(ba, va, xa)
                    - log_weight(bc, vc, xc);
                counts.1 += 1;
                if log_ratio >= 0.0 || uniform(&mut self.rng) < log_ratio.exp() {
                    counts.0 += 1;
                    for k in 0..nv {
                        chains.swap(a * nv + k, c * nv + k);
                    }
                    for k in 0..nh {
                        input.swap(a * nh + k, c * nh + k);
                    }
                }
            }
        }
    }

    /// The gradient step with momentum and weight decay, from the stacked
    /// visible rows and their hidden means in the buffers: the batch's
    /// `rows` first, then the `negatives` particles.
    fn update(&mut self, rows: usize, negatives: usize, buffers: &mut Buffers) {
        let (nv, nh) = (self.machine.visible(), self.machine.hidden());
        let options = self.options;
        let (momentum, rate, decay) = (
            options.momentum as f32,
            options.learning_rate as f32,
            options.weight_decay as f32,
        );
        let (positive_weight, negative_weight) = (1.0 / rows as f32, -1.0 / negatives as f32);
        // The bias gradients: column sums of the stacked rows, signed and scaled.
        let mut visible_gradient = vec![0.0f32; nv];
        let mut hidden_gradient = vec![0.0f32; nh];
        for (k, (v, h)) in buffers
            .stacked_visible
            .chunks_exact(nv)
            .zip(buffers.stacked_hidden.chunks_exact_mut(nh))
            .enumerate()
        {
            let weight = if k < rows {
                positive_weight
            } else {
                negative_weight
            };
            for (g, &x) in visible_gradient.iter_mut().zip(v) {
                *g += weight * x;
            }
            for (g, x) in hidden_gradient.iter_mut().zip(h.iter_mut()) {
                *g += weight * *x;
                // Scaled for the product below.
                *x *= weight;
            }
        }
        let parameters = &mut self.parameters;
        let (weights_velocity, rest) = self.velocity.split_at_mut(nv * nh);
        let (visible_velocity, hidden_velocity) = rest.split_at_mut(nv);
        // u <- mu u + eta [V+; V-]^T [H+/B; -H-/C], then the decay, then W += u.
        {
            let stacked = rows + negatives;
            let v = ArrayView2::from_shape((stacked, nv), &buffers.stacked_visible[..])
                .expect("stacked visible");
            let h = ArrayView2::from_shape((stacked, nh), &buffers.stacked_hidden[..])
                .expect("stacked hidden");
            let mut u = ArrayViewMut2::from_shape((nv, nh), &mut weights_velocity[..])
                .expect("velocity shape");
            general_mat_mul(rate, &v.t(), &h, momentum, &mut u);
        }
        for (u, w) in weights_velocity.iter_mut().zip(&mut parameters.weights) {
            *u -= rate * decay * *w;
            *w += *u;
        }
        for (velocity, bias, gradient) in [
            (
                visible_velocity,
                &mut parameters.visible_bias,
                visible_gradient,
            ),
            (
                hidden_velocity,
                &mut parameters.hidden_bias,
                hidden_gradient,
            ),
        ] {
            for ((u, b), g) in velocity.iter_mut().zip(bias.iter_mut()).zip(&gradient) {
                *u = momentum * *u + rate * g;
                *b += *u;
            }
        }
    }
}

/// The mean squared reconstruction error
/// $\frac{1}{M N_v}\sum_d |v^{(d)} - \sigma(b + W\sigma(c + W^\top v^{(d)}))|^2$
/// (Gaussian visible units: the mean $b + W\sigma(\dots)$ without the outer $\sigma$)
/// (mean-field, no sampling): a cheap monitor, never a substitute for the likelihood.
pub fn reconstruction_error(machine: &Rbm, data: &[f64]) -> f64 {
    let (nv, nh) = (machine.visible(), machine.hidden());
    let rows = data.len() / nv;
    let mut hidden = vec![0.0; rows * nh];
    machine.hidden_input(data, rows, 1.0, &mut hidden);
    hidden.iter_mut().for_each(|x| *x = sigmoid(*x));
    let mut visible = vec![0.0; rows * nv];
    machine.visible_input(&hidden, rows, 1.0, &mut visible);
    let gaussian = machine.is_gaussian();
    let squares: f64 = visible
        .iter()
        .zip(data)
        .map(|(&x, &v)| (v - if gaussian { x } else { sigmoid(x) }).powi(2))
        .sum();
    squares / data.len().max(1) as f64
}

/// `count` samples of the machine after `steps` Gibbs steps from uniformly
/// random visible states (for figures; not exact).
pub fn gibbs_samples(machine: &Rbm, count: usize, steps: usize, rng: &mut impl Rng) -> Vec<f64> {
    let (nv, nh) = (machine.visible(), machine.hidden());
    let mut visible: Vec<f64> = (0..count * nv)
        .map(|_| if uniform(rng) < 0.5 { 1.0 } else { 0.0 })
        .collect();
    let mut input = vec![0.0; count * nh];
    let mut hidden = vec![0.0; count * nh];
    let mut visible_input = vec![0.0; count * nv];
    for _ in 0..steps {
        machine.hidden_input(&visible, count, 1.0, &mut input);
        for (h, &x) in hidden.iter_mut().zip(&input) {
            *h = if uniform(rng) < sigmoid(x) { 1.0 } else { 0.0 };
        }
        machine.visible_input(&hidden, count, 1.0, &mut visible_input);
        for (v, &x) in visible.iter_mut().zip(&visible_input) {
            *v = if machine.is_gaussian() {
                x + rand_distr::Distribution::<f64>::sample(&rand_distr::StandardNormal, rng)
            } else if uniform(rng) < sigmoid(x) {
                1.0
            } else {
                0.0
            };
        }
    }
    visible
}
