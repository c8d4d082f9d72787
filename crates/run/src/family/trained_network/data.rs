//! The examples of one sample: the quenched disorder that every replica of
//! a trained network sees.

use quench_core::UnitStreams;
use quench_core::rng::Purpose;
use quench_neural::{DenseNetwork, Workspace};
use rand::RngExt;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, StandardNormal};

use super::STREAMS;
use super::spec::{DataKind, TrainedNetworkSpec, TrainedPoint};
use crate::family::hidden_manifold::examples::{Examples, standardise};

fn sign(x: f64) -> f64 {
    if x >= 0.0 { 1.0 } else { -1.0 }
}

/// The training and test examples of `point`, sample `sample`: Gaussian
/// inputs (random labels, or a teacher's, the training labels flipped with
/// the spec's probability), or the digits split by the
/// sample's stream and standardised by the training set. The data depend
/// on the inputs, examples and sample, not on the network's size, so every
/// width of a sweep learns the same data sets.
pub fn examples(spec: &TrainedNetworkSpec, point: &TrainedPoint, sample: u64) -> Examples {
    // Keyed by (d, P) rather than the point: the same data for every network size.
    let key = (point.inputs as u64) << 32 | point.examples as u64;
    let streams = UnitStreams::new(spec.seed, STREAMS, key, sample);
    let (d, p, test) = (point.inputs, point.examples, point.test_examples);
    let gaussian = |count: usize, chain: u64| -> Vec<f64> {
        let mut rng = streams.stream(Purpose::Named("trained-network inputs"), chain);
        (0..count * d)
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
            let training_labels = labels(p);
            let test_labels = labels(test);
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
            let teacher = DenseNetwork::new(
                d,
                width,
                depth,
                spec.activation,
                &mut streams.stream(Purpose::Named("trained-network teacher"), 0),
            );
            let mut work = Workspace::default();
            let (training, test_inputs) = (gaussian(p, 0), gaussian(test, 1));
            let label = |x: &[f64], work: &mut Workspace| -> Vec<f64> {
                teacher.outputs(x, work).into_iter().map(sign).collect()
            };
            let mut training_labels = label(&training, &mut work);
            if noise > 0.0 {
                let mut rng = streams.stream(Purpose::Named("trained-network label noise"), 0);
                for y in &mut training_labels {
                    if rng.random::<f64>() < noise {
                        *y = -*y;
                    }
                }
            }
            Examples {
                inputs: d,
                training_labels,
                test_labels: label(&test_inputs, &mut work),
                training,
                test: test_inputs,
            }
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
