//! The examples a hidden-manifold unit trains on: the hidden manifold
//! model, i.i.d. Gaussian inputs with a perceptron teacher, or the digits
//! (even against odd), drawn from the unit's keyed streams and standardised
//! by the training set.

use quench_core::UnitStreams;
use quench_core::rng::{Purpose, splitmix64};
use quench_geometry::{HiddenManifold, Teacher};
use rand::seq::SliceRandom;
use rand_distr::{Distribution, StandardNormal};

use super::STREAMS;
use super::spec::{DataSource, HiddenManifoldSpec, LearningPoint};
use crate::error::RunError;

/// Training and test examples of one sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples {
    /// $N$.
    pub inputs: usize,
    /// Training inputs, $P \times N$.
    pub training: Vec<f64>,
    /// Their labels $\pm 1$.
    pub training_labels: Vec<f64>,
    /// Test inputs.
    pub test: Vec<f64>,
    /// Their labels.
    pub test_labels: Vec<f64>,
}

fn sign(x: f64) -> f64 {
    if x >= 0.0 { 1.0 } else { -1.0 }
}

/// Centres and scales every coordinate by the training set's mean and
/// standard deviation (a constant coordinate is only centred).
pub(crate) fn standardise(examples: &mut Examples) {
    let n = examples.inputs;
    let rows = examples.training.len() / n;
    let mut mean = vec![0.0; n];
    let mut square = vec![0.0; n];
    for x in examples.training.chunks_exact(n) {
        for i in 0..n {
            mean[i] += x[i];
            square[i] += x[i] * x[i];
        }
    }
    let scale: Vec<f64> = (0..n)
        .map(|i| {
            mean[i] /= rows as f64;
            let variance = square[i] / rows as f64 - mean[i] * mean[i];
            if variance > 1e-12 {
                1.0 / variance.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    for values in [&mut examples.training, &mut examples.test] {
        for x in values.chunks_exact_mut(n) {
            for i in 0..n {
                x[i] = (x[i] - mean[i]) * scale[i];
            }
        }
    }
}

/// The examples of sample `sample` at `point`, as the unit trains on them.
pub fn examples(
    spec: &HiddenManifoldSpec,
    point: &LearningPoint,
    sample: u64,
) -> Result<Examples, RunError> {
    let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, sample);
    let (seed, index) = streams.seed_and_sample();
    let (p, test) = (point.examples, point.test_examples);
    let mut examples = match point.source {
        DataSource::HiddenManifold {
            inputs,
            latent,
            activation,
        } => {
            let model = HiddenManifold {
                latent,
                inputs,
                activation,
                teacher: Teacher::Perceptron,
            };
            // Features and teacher of this sample; training and test
            // latents from two samples of the model's streams.
            let model_seed = splitmix64(seed ^ splitmix64(index));
            let failed = |e| RunError::Input(format!("{}: data[{}]: {e}", spec.file, point.index));
            let training = model.draw(p, model_seed, 0).map_err(failed)?;
            let testing = model.draw(test, model_seed, 1).map_err(failed)?;
            Examples {
                inputs,
                training: training.inputs,
                training_labels: training.labels,
                test: testing.inputs,
                test_labels: testing.labels,
            }
        }
        DataSource::Gaussian { inputs } => {
            let mut rng = streams.stream(Purpose::Named("gaussian teacher"), 0);
            let teacher: Vec<f64> = (0..inputs)
                .map(|_| StandardNormal.sample(&mut rng))
                .collect();
            let draw = |count: usize, chain: u64| {
                let mut rng = streams.stream(Purpose::Named("gaussian inputs"), chain);
                let values: Vec<f64> = (0..count * inputs)
                    .map(|_| StandardNormal.sample(&mut rng))
                    .collect();
                let labels = values
                    .chunks_exact(inputs)
                    .map(|x| sign(x.iter().zip(&teacher).map(|(a, b)| a * b).sum()))
                    .collect();
                (values, labels)
            };
            let (training, training_labels) = draw(p, 0);
            let (test, test_labels) = draw(test, 1);
            Examples {
                inputs,
                training,
                training_labels,
                test,
                test_labels,
            }
        }
        DataSource::Digits => {
            let digits = quench_data::digits();
            let labels = digits.labels().expect("the digits have labels");
            let mut order: Vec<usize> = (0..digits.len()).collect();
            order.shuffle(&mut streams.stream(Purpose::Named("digits split"), 0));
            let part = |rows: &[usize]| {
                let values = digits.subset(rows).values().to_vec();
                let y = rows
                    .iter()
                    .map(|&r| {
                        if labels[r].is_multiple_of(2) {
                            1.0
                        } else {
                            -1.0
                        }
                    })
                    .collect();
                (values, y)
            };
            let (training, training_labels) = part(&order[..p]);
            let (test, test_labels) = part(&order[p..]);
            Examples {
                inputs: 64,
                training,
                training_labels,
                test,
                test_labels,
            }
        }
    };
    standardise(&mut examples);
    Ok(examples)
}
