//! The network a replica trains, dense or recurrent, behind one interface:
//! what the training loop, the checkpoints and the measurements need.

use quench_core::rng::StreamRng;
use quench_neural::committee::Activation;
use quench_neural::{
    Adam, DenseNetwork, Evaluation, Loss, RecurrentNetwork, RecurrentWorkspace, Workspace,
};
use serde::{Deserialize, Serialize};

use super::spec::{Architecture, TrainedPoint};

/// One replica's network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Learner {
    /// A fully connected network: one example, one label.
    Dense(DenseNetwork),
    /// A recurrent network: sequences of `length` steps.
    Recurrent {
        /// The network.
        network: RecurrentNetwork,
        /// $T$.
        length: usize,
    },
}

/// The buffers of either kind of network.
#[derive(Debug, Default)]
pub struct Work {
    dense: Workspace,
    recurrent: RecurrentWorkspace,
}

impl Learner {
    /// A network of `point`'s size with weights from `rng`.
    pub fn new(
        architecture: Architecture,
        point: &TrainedPoint,
        activation: Activation,
        rng: &mut StreamRng,
    ) -> Self {
        match architecture {
            Architecture::Dense => Learner::Dense(DenseNetwork::new(
                point.inputs,
                point.width,
                point.depth,
                activation,
                rng,
            )),
            Architecture::Recurrent { length, outputs } => Learner::Recurrent {
                network: RecurrentNetwork::new(
                    point.inputs,
                    point.width,
                    point.depth,
                    outputs,
                    activation,
                    rng,
                ),
                length,
            },
        }
    }

    /// The weights, matrix by matrix.
    pub fn weights(&self) -> &[Vec<f64>] {
        match self {
            Learner::Dense(network) => network.weights(),
            Learner::Recurrent { network, .. } => network.weights(),
        }
    }

    /// Every weight in one vector.
    pub fn flat_weights(&self) -> Vec<f64> {
        self.weights().iter().flatten().copied().collect()
    }

    /// The weights of the units that read the inputs, row by row.
    pub fn first_layer(&self) -> &[f64] {
        &self.weights()[0]
    }

    /// Loss and counts on a data set.
    pub fn evaluate(
        &self,
        inputs: &[f64],
        labels: &[f64],
        loss: Loss,
        work: &mut Work,
    ) -> Evaluation {
        match self {
            Learner::Dense(network) => network.evaluate(inputs, labels, loss, &mut work.dense),
            Learner::Recurrent { network, length } => {
                network.evaluate(inputs, labels, *length, loss, &mut work.recurrent)
            }
        }
    }

    /// Loss, counts and the gradient (left in `work`).
    pub fn evaluate_with_gradient(
        &self,
        inputs: &[f64],
        labels: &[f64],
        loss: Loss,
        work: &mut Work,
    ) -> Evaluation {
        match self {
            Learner::Dense(network) => {
                network.evaluate_with_gradient(inputs, labels, loss, &mut work.dense)
            }
            Learner::Recurrent { network, length } => {
                network.evaluate_with_gradient(inputs, labels, *length, loss, &mut work.recurrent)
            }
        }
    }

    /// A step of `-rate` times the gradient in `work`.
    pub fn apply_gradient(&mut self, rate: f64, work: &Work) {
        match self {
            Learner::Dense(network) => network.apply_gradient(rate, &work.dense),
            Learner::Recurrent { network, .. } => network.apply_gradient(rate, &work.recurrent),
        }
    }

    /// An Adam step with the gradient in `work`.
    pub fn apply_adam(&mut self, adam: &mut Adam, rate: f64, work: &Work) {
        match self {
            Learner::Dense(network) => adam.apply(network, rate, &work.dense),
            Learner::Recurrent { network, .. } => network.apply_adam(adam, rate, &work.recurrent),
        }
    }

    /// The outputs on `inputs`, in the layout of the labels.
    pub fn outputs(&self, inputs: &[f64], work: &mut Work) -> Vec<f64> {
        match self {
            Learner::Dense(network) => network.outputs(inputs, &mut work.dense),
            Learner::Recurrent { network, length } => {
                network.outputs(inputs, *length, &mut work.recurrent)
            }
        }
    }

    /// The activations of every hidden layer on `inputs`, one vector per
    /// layer of rows of $h$ (examples; for sequences, every step of every
    /// sequence, time-major).
    pub fn hidden_representations(&self, inputs: &[f64], work: &mut Work) -> Vec<Vec<f64>> {
        match self {
            Learner::Dense(network) => network.hidden_representations(inputs, &mut work.dense),
            Learner::Recurrent { network, length } => {
                network.hidden_representations(inputs, *length, &mut work.recurrent)
            }
        }
    }
}
