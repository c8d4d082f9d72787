//! The examples of one sample: the quenched disorder that every replica of
//! a trained network sees.

use quench_core::UnitStreams;
use quench_core::rng::{Purpose, splitmix64};
use quench_geometry::{HiddenManifold, Teacher};
use quench_neural::{DenseNetwork, RecurrentNetwork, RecurrentWorkspace, Workspace};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, StandardNormal};

use super::STREAMS;
use super::spec::{Architecture, DataKind, TrainedNetworkSpec, TrainedPoint};
use crate::family::hidden_manifold::examples::{Examples, standardise};

/// The teacher's labels of a batch of inputs.
type Labeller = Box<dyn Fn(&[f64]) -> Vec<f64>>;

fn sign(x: f64) -> f64 {
    if x >= 0.0 { 1.0 } else { -1.0 }
}

/// The training and test examples of `point`, sample `sample`: Gaussian
/// inputs (random labels, or a teacher's, the training labels flipped with
/// the spec's probability), the hidden manifold model (a perceptron's
/// labels of the latent coordinates, flipped likewise, standardised), or
/// the digits split by the
/// sample's stream and standardised by the training set. The data depend
/// on the inputs, examples and sample, not on the network's size, so every
/// width of a sweep learns the same data sets.
///
/// For recurrent networks an example is a sequence: $T$ steps of $d$
/// inputs (sequence-major) and $T \times K$ labels, from a recurrent
/// teacher of the spec's width and depth, or random, or a Reber string
/// (one-hot symbols; labels $+1$ for the symbols that may come next, $-1$
/// for the others, 0 past the end of the string, padded with zero inputs).
pub fn examples(spec: &TrainedNetworkSpec, point: &TrainedPoint, sample: u64) -> Examples {
    // Keyed by (d, P) rather than the point: the same data for every network size.
    let key = (point.inputs as u64) << 32 | point.examples as u64;
    let streams = UnitStreams::new(spec.seed, STREAMS, key, sample);
    let (d, p, test) = (point.inputs, point.examples, point.test_examples);
    let (length, outputs) = (spec.architecture.length(), spec.architecture.outputs());
    let gaussian = |count: usize, chain: u64| -> Vec<f64> {
        let mut rng = streams.stream(Purpose::Named("trained-network inputs"), chain);
        (0..count * length * d)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect()
    };
    match spec.data {
        DataKind::RandomLabels => {
            let mut rng = streams.stream(Purpose::Named("trained-network labels"), 0);
            let mut labels = |count: usize| -> Vec<f64> {
                (0..count)
                    .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                    .collect()
            };
            let training_labels = labels(p * length * outputs);
            let test_labels = labels(test * length * outputs);
            Examples {
                inputs: d,
                training: gaussian(p, 0),
                training_labels,
                test: gaussian(test, 1),
                test_labels,
            }
        }
        DataKind::Teacher {
            width,
            depth,
            noise,
        } => {
            let rng = &mut streams.stream(Purpose::Named("trained-network teacher"), 0);
            let label: Labeller = match spec.architecture {
                Architecture::Dense => {
                    let teacher = DenseNetwork::new(d, width, depth, spec.activation, rng);
                    Box::new(move |x| {
                        let outputs = teacher.outputs(x, &mut Workspace::default());
                        outputs.into_iter().map(sign).collect()
                    })
                }
                Architecture::Recurrent { length, outputs } => {
                    let teacher =
                        RecurrentNetwork::new(d, width, depth, outputs, spec.activation, rng);
                    Box::new(move |x| {
                        let outputs =
                            teacher.outputs(x, length, &mut RecurrentWorkspace::default());
                        outputs.into_iter().map(sign).collect()
                    })
                }
            };
            let (training, test_inputs) = (gaussian(p, 0), gaussian(test, 1));
            let mut training_labels = label(&training);
            flip(&mut training_labels, noise, &streams);
            Examples {
                inputs: d,
                training_labels,
                test_labels: label(&test_inputs),
                training,
                test: test_inputs,
            }
        }
        DataKind::Reber { embedded } => {
            let symbols = quench_data::REBER_SYMBOLS.len();
            let strings = |count: usize, chain: u64| -> (Vec<f64>, Vec<f64>) {
                let mut rng = streams.stream(Purpose::Named("trained-network reber"), chain);
                let mut inputs = vec![0.0; count * length * symbols];
                let mut labels = vec![0.0; count * length * symbols];
                for b in 0..count {
                    // The grammar's strings of at most T symbols, each with
                    // its probability given that length.
                    let string = loop {
                        let s = quench_data::reber_string(embedded, &mut rng);
                        if s.len() <= length {
                            break s;
                        }
                    };
                    for (t, &symbol) in string.symbols().iter().enumerate() {
                        let at = (b * length + t) * symbols;
                        inputs[at + symbol as usize] = 1.0;
                        let next = string.successors(t);
                        for k in 0..symbols {
                            labels[at + k] = if next & (1 << k) != 0 { 1.0 } else { -1.0 };
                        }
                    }
                }
                (inputs, labels)
            };
            let (training, training_labels) = strings(p, 0);
            let (test, test_labels) = strings(test, 1);
            Examples {
                inputs: symbols,
                training,
                training_labels,
                test,
                test_labels,
            }
        }
        DataKind::HiddenManifold {
            latent,
            activation,
            noise,
        } => {
            let model = HiddenManifold {
                latent,
                inputs: d,
                activation,
                teacher: Teacher::Perceptron,
            };
            // The features and the teacher of this data set, its training
            // and test latents two samples of the model.
            let (seed, index) = streams.seed_and_sample();
            let model_seed = splitmix64(seed ^ splitmix64(index));
            let draw = |count: usize, part: u64| {
                model
                    .draw(count, model_seed, part)
                    .expect("sizes checked when the spec was read")
            };
            let (training, testing) = (draw(p, 0), draw(test, 1));
            let mut examples = Examples {
                inputs: d,
                training: training.inputs,
                training_labels: training.labels,
                test: testing.inputs,
                test_labels: testing.labels,
            };
            flip(&mut examples.training_labels, noise, &streams);
            standardise(&mut examples);
            examples
        }
        DataKind::Digits => {
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
            let mut examples = Examples {
                inputs: 64,
                training,
                training_labels,
                test,
                test_labels,
            };
            standardise(&mut examples);
            examples
        }
    }
}

/// Flips each label with probability `noise` (the training labels of a
/// rule with noise; the test labels stay the rule's).
fn flip(labels: &mut [f64], noise: f64, streams: &UnitStreams) {
    if noise > 0.0 {
        let mut rng = streams.stream(Purpose::Named("trained-network label noise"), 0);
        for y in labels {
            if rng.random::<f64>() < noise {
                *y = -*y;
            }
        }
    }
}
