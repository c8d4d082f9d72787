//! Mini-batch training with Adam, early stopping and checkpointable state.
//!
//! Each epoch visits the training images in an order drawn from the
//! trainer's stream, in mini-batches of [`TrainingOptions::batch_size`], and
//! takes one Adam step per batch on the mean logistic loss
//! $\ell(z, y) = \ln(1 + e^{z}) - yz$ (computed as
//! $\max(z, 0) + \ln(1 + e^{-|z|}) - yz$). Adam (Kingma and Ba, ICLR 2015):
//! $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
//! $w \leftarrow w - \eta\\,\hat m / (\sqrt{\hat v} + \epsilon)$ with the bias
//! corrections $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$ and
//! $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$.
//!
//! After each epoch the validation loss decides: the weights with the lowest
//! one are kept, and training stops after [`TrainingOptions::patience`]
//! epochs without a new lowest (or after [`TrainingOptions::epochs`]).
//! [`Trainer::state`] captures everything (weights, Adam moments, the best
//! weights, the stream, the history), so a checkpointed run resumes bit for
//! bit.

use candle_core::{Device, Tensor};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use quench_core::{ParameterError, StreamRng};

use crate::architecture::{Architecture, Network};
use crate::data::ImageSet;
use crate::error::NeuralError;

const BETA_1: f64 = 0.9;
const BETA_2: f64 = 0.999;
const EPSILON: f64 = 1e-8;

/// How a network is trained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingOptions {
    /// Most epochs.
    pub epochs: usize,
    /// Images per Adam step.
    pub batch_size: usize,
    /// Adam's step size $\eta$.
    pub learning_rate: f64,
    /// Epochs without a lower validation loss before stopping.
    pub patience: usize,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        Self {
            epochs: 30,
            batch_size: 32,
            learning_rate: 1e-3,
            patience: 5,
        }
    }
}

impl TrainingOptions {
    /// Checks every field, naming the one out of range.
    pub fn validate(&self) -> Result<(), ParameterError> {
        if !(1..=100_000).contains(&self.epochs) {
            return Err(ParameterError::new(
                "epochs",
                self.epochs,
                "an integer 1 <= epochs <= 100000",
            ));
        }
        if !(1..=65_536).contains(&self.batch_size) {
            return Err(ParameterError::new(
                "batch_size",
                self.batch_size,
                "an integer 1 <= batch_size <= 65536",
            ));
        }
        if !(self.learning_rate.is_finite()
            && self.learning_rate > 0.0
            && self.learning_rate <= 1.0)
        {
            return Err(ParameterError::new(
                "learning_rate",
                self.learning_rate,
                "a rate 0 < learning_rate <= 1",
            ));
        }
        if self.patience == 0 {
            return Err(ParameterError::new("patience", 0, "at least 1 epoch"));
        }
        Ok(())
    }
}

/// What one epoch did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's batches (weights changing).
    pub training_loss: f64,
    /// Mean loss on the validation images after the epoch.
    pub validation_loss: f64,
    /// Fraction of validation images classified right ($z > 0$ for label 1).
    pub validation_accuracy: f64,
    /// Whether this epoch set a new lowest validation loss.
    pub improved: bool,
}

/// Everything a trainer holds, for checkpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainerState {
    /// The architecture.
    pub architecture: Architecture,
    /// The input shape `(C, H, W)`.
    pub input: (usize, usize, usize),
    /// The options.
    pub options: TrainingOptions,
    /// Adam steps taken.
    pub steps: u64,
    /// Current weights.
    pub weights: Vec<Vec<f32>>,
    /// Adam's first moments.
    pub first_moment: Vec<Vec<f32>>,
    /// Adam's second moments.
    pub second_moment: Vec<Vec<f32>>,
    /// Weights with the lowest validation loss so far.
    pub best_weights: Vec<Vec<f32>>,
    /// That loss ($+\infty$ before the first epoch).
    pub best_validation_loss: f64,
    /// Epochs since it was reached.
    pub epochs_since_best: usize,
    /// The shuffling stream.
    pub rng: StreamRng,
    /// One record per epoch.
    pub history: Vec<EpochRecord>,
}

/// Trains one network (module docs).
#[derive(Debug)]
pub struct Trainer {
    network: Network,
    options: TrainingOptions,
    steps: u64,
    first_moment: Vec<Tensor>,
    second_moment: Vec<Tensor>,
    best_weights: Vec<Vec<f32>>,
    best_validation_loss: f64,
    epochs_since_best: usize,
    rng: StreamRng,
    history: Vec<EpochRecord>,
}

/// Mean logistic loss of logits `z` against labels `y` (module docs).
fn logistic_loss(z: &Tensor, y: &Tensor) -> candle_core::Result<Tensor> {
    let softplus = (z.relu()? + (z.abs()?.neg()?.exp()? + 1.0)?.log()?)?;
    (softplus - y.mul(z)?)?.mean_all()
}

impl Trainer {
    /// A trainer for `network`; `rng` orders the mini-batches.
    pub fn new(
        network: Network,
        options: TrainingOptions,
        rng: StreamRng,
    ) -> Result<Self, NeuralError> {
        options.validate()?;
        let zeros = |network: &Network| -> Result<Vec<Tensor>, NeuralError> {
            network
                .variables()
                .into_iter()
                .map(|v| Ok(v.as_tensor().zeros_like()?))
                .collect()
        };
        Ok(Self {
            first_moment: zeros(&network)?,
            second_moment: zeros(&network)?,
            best_weights: network.weights()?,
            network,
            options,
            steps: 0,
            best_validation_loss: f64::INFINITY,
            epochs_since_best: 0,
            rng,
            history: Vec::new(),
        })
    }

    /// The network as it is now.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The epochs so far.
    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Whether training is over: all epochs done, or `patience` epochs
    /// without a lower validation loss.
    pub fn finished(&self) -> bool {
        self.history.len() >= self.options.epochs || self.epochs_since_best >= self.options.patience
    }

    fn check(&self, set: &ImageSet, name: &str) -> Result<(), NeuralError> {
        if set.shape() != self.network.input_shape() {
            return Err(NeuralError::Data(format!(
                "the {name} images are {:?}, the network reads {:?}",
                set.shape(),
                self.network.input_shape()
            )));
        }
        if set.is_empty() {
            return Err(NeuralError::Data(format!("the {name} set is empty")));
        }
        if let Some(label) = set.labels().iter().find(|&&y| y != 0.0 && y != 1.0) {
            return Err(NeuralError::Data(format!(
                "a {name} label is {label}; labels must be 0 or 1"
            )));
        }
        Ok(())
    }

    /// One epoch over `training`, then the validation loss and accuracy.
    pub fn epoch(
        &mut self,
        training: &ImageSet,
        validation: &ImageSet,
    ) -> Result<EpochRecord, NeuralError> {
        self.check(training, "training")?;
        self.check(validation, "validation")?;
        let device = self.network.device().clone();
        let mut order: Vec<usize> = (0..training.len()).collect();
        order.shuffle(&mut self.rng);
        let mut loss_sum = 0.0;
        for batch in order.chunks(self.options.batch_size) {
            let (x, y) = training.batch(batch, &device)?;
            let loss = logistic_loss(&self.network.logits(&x)?, &y)?;
            loss_sum += f64::from(loss.to_scalar::<f32>()?) * batch.len() as f64;
            let gradients = loss.backward()?;
            self.steps += 1;
            let t = self.steps as i32;
            let correction_1 = 1.0 - BETA_1.powi(t);
            let correction_2 = 1.0 - BETA_2.powi(t);
            for (k, variable) in self.network.variables().into_iter().enumerate() {
                let Some(gradient) = gradients.get(variable.as_tensor()) else {
                    continue;
                };
                let m = (self.first_moment[k].affine(BETA_1, 0.0)?
                    + gradient.affine(1.0 - BETA_1, 0.0)?)?
                .detach();
                let v = (self.second_moment[k].affine(BETA_2, 0.0)?
                    + gradient.sqr()?.affine(1.0 - BETA_2, 0.0)?)?
                .detach();
                let step = m
                    .affine(self.options.learning_rate / correction_1, 0.0)?
                    .div(&(v.affine(1.0 / correction_2, 0.0)?.sqrt()? + EPSILON)?)?;
                variable.set(&(variable.as_tensor() - step)?.detach())?;
                self.first_moment[k] = m;
                self.second_moment[k] = v;
            }
        }
        let (validation_loss, validation_accuracy) = self.evaluate(validation)?;
        let improved = validation_loss < self.best_validation_loss;
        if improved {
            self.best_validation_loss = validation_loss;
            self.best_weights = self.network.weights()?;
            self.epochs_since_best = 0;
        } else {
            self.epochs_since_best += 1;
        }
        let record = EpochRecord {
            epoch: self.history.len() + 1,
            training_loss: loss_sum / training.len() as f64,
            validation_loss,
            validation_accuracy,
            improved,
        };
        self.history.push(record);
        Ok(record)
    }

    /// Mean logistic loss and accuracy of the current network on `set`.
    pub fn evaluate(&self, set: &ImageSet) -> Result<(f64, f64), NeuralError> {
        let device = self.network.device();
        let indices: Vec<usize> = (0..set.len()).collect();
        let mut loss = 0.0;
        let mut right = 0usize;
        for chunk in indices.chunks(self.options.batch_size.max(256)) {
            let (x, y) = set.batch(chunk, device)?;
            let z = self.network.logits(&x)?;
            loss += f64::from(logistic_loss(&z, &y)?.to_scalar::<f32>()?) * chunk.len() as f64;
            let z = z.to_vec1::<f32>()?;
            let y = y.to_vec1::<f32>()?;
            right += z
                .iter()
                .zip(&y)
                .filter(|(z, y)| (**z > 0.0) == (**y > 0.5))
                .count();
        }
        Ok((loss / set.len() as f64, right as f64 / set.len() as f64))
    }

    /// Trains until [`Trainer::finished`].
    pub fn run(&mut self, training: &ImageSet, validation: &ImageSet) -> Result<(), NeuralError> {
        while !self.finished() {
            self.epoch(training, validation)?;
        }
        Ok(())
    }

    /// The network with the weights of the lowest validation loss.
    pub fn into_best(self) -> Result<Network, NeuralError> {
        self.network.set_weights(&self.best_weights)?;
        Ok(self.network)
    }

    /// Everything, for a checkpoint.
    pub fn state(&self) -> Result<TrainerState, NeuralError> {
        let flat = |tensors: &[Tensor]| -> Result<Vec<Vec<f32>>, NeuralError> {
            tensors
                .iter()
                .map(|t| Ok(t.flatten_all()?.to_vec1::<f32>()?))
                .collect()
        };
        Ok(TrainerState {
            architecture: self.network.architecture(),
            input: self.network.input_shape(),
            options: self.options,
            steps: self.steps,
            weights: self.network.weights()?,
            first_moment: flat(&self.first_moment)?,
            second_moment: flat(&self.second_moment)?,
            best_weights: self.best_weights.clone(),
            best_validation_loss: self.best_validation_loss,
            epochs_since_best: self.epochs_since_best,
            rng: self.rng.clone(),
            history: self.history.clone(),
        })
    }

    /// A trainer resumed from a checkpointed state.
    pub fn from_state(state: TrainerState, device: &Device) -> Result<Self, NeuralError> {
        // The initial weights are overwritten; any stream builds the shapes.
        let mut scratch = quench_core::stream(0, quench_core::Purpose::Named("shape"), 0, 0);
        let network = Network::new(state.architecture, state.input, &mut scratch, device)?;
        network.set_weights(&state.weights)?;
        let tensors = |values: &[Vec<f32>]| -> Result<Vec<Tensor>, NeuralError> {
            let variables = network.variables();
            if values.len() != variables.len() {
                return Err(NeuralError::State(format!(
                    "{} moment tensors for {} weights",
                    values.len(),
                    variables.len()
                )));
            }
            variables
                .iter()
                .zip(values)
                .map(|(v, values)| Ok(Tensor::from_vec(values.clone(), v.shape(), device)?))
                .collect()
        };
        Ok(Self {
            first_moment: tensors(&state.first_moment)?,
            second_moment: tensors(&state.second_moment)?,
            network,
            options: state.options,
            steps: state.steps,
            best_weights: state.best_weights,
            best_validation_loss: state.best_validation_loss,
            epochs_since_best: state.epochs_since_best,
            rng: state.rng,
            history: state.history,
        })
    }
}
