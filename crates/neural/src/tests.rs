//! Controls of the training pipeline: a separable toy set is learnt exactly,
//! shuffled labels teach nothing, and a checkpoint resumes bit for bit.

use candle_core::Device;
use rand::RngExt;

use quench_core::{Purpose, StreamRng, stream};

use crate::{Architecture, ImageSet, Network, Trainer, TrainingOptions};

const SIDE: usize = 8;

/// Ordered images (all spins along a random sign, 5 % flipped; label 1) and
/// random ones (label 0): separable by $|m|$, as ferromagnet and paramagnet
/// snapshots far from $T_c$ are.
fn toy_set(count: usize, rng: &mut StreamRng) -> ImageSet {
    let mut set = ImageSet::new(1, SIDE, SIDE);
    let mut image = vec![0.0f32; SIDE * SIDE];
    for k in 0..count {
        let ordered = k % 2 == 0;
        let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
        for value in image.iter_mut() {
            *value = if ordered {
                if rng.random::<f64>() < 0.05 {
                    -sign
                } else {
                    sign
                }
            } else if rng.random::<bool>() {
                1.0
            } else {
                -1.0
            };
        }
        set.push(&image, if ordered { 1.0 } else { 0.0 }).unwrap();
    }
    set
}

fn architectures() -> [Architecture; 3] {
    [
        Architecture::FullyConnected {
            width: 16,
            layers: 1,
        },
        Architecture::Convolutional {
            channels: 4,
            layers: 2,
        },
        Architecture::Residual {
            channels: 4,
            blocks: 1,
        },
    ]
}

fn trained(
    architecture: Architecture,
    training: &ImageSet,
    validation: &ImageSet,
    seed: u64,
) -> Trainer {
    let device = Device::Cpu;
    let mut init = stream(seed, Purpose::Named("init"), 0, 0);
    let network = Network::new(architecture, training.shape(), &mut init, &device).unwrap();
    let options = TrainingOptions {
        epochs: 40,
        batch_size: 16,
        learning_rate: 3e-3,
        patience: 8,
    };
    let mut trainer = Trainer::new(
        network,
        options,
        stream(seed, Purpose::Named("order"), 0, 0),
    )
    .unwrap();
    trainer.run(training, validation).unwrap();
    trainer
}

#[test]
fn every_architecture_learns_a_separable_toy_set_exactly() {
    let mut rng = stream(1, Purpose::Named("toy"), 0, 0);
    let training = toy_set(800, &mut rng);
    let validation = toy_set(200, &mut rng);
    let test = toy_set(200, &mut rng);
    for architecture in architectures() {
        let trainer = trained(architecture, &training, &validation, 2);
        let network = trainer.into_best().unwrap();
        let outputs = network.outputs(&test, 64).unwrap();
        let right = outputs
            .iter()
            .zip(test.labels())
            .filter(|(f, y)| (**f > 0.5) == (**y > 0.5))
            .count();
        assert_eq!(
            right,
            test.len(),
            "{}: {right} of {} right",
            architecture.name(),
            test.len()
        );
    }
}

#[test]
fn shuffled_labels_do_not_beat_chance_on_held_out_images() {
    let mut rng = stream(3, Purpose::Named("toy"), 0, 0);
    let shuffle = &mut stream(3, Purpose::Named("shuffle"), 0, 0);
    let all = toy_set(800, &mut rng).with_shuffled_labels(shuffle);
    let (training, held_out) = all.split(0.5, shuffle);
    let (training, validation) = training.split(0.25, shuffle);
    for architecture in architectures() {
        let trainer = trained(architecture, &training, &validation, 4);
        let (_, accuracy) = trainer.evaluate(&held_out).unwrap();
        // Binomial error of the accuracy of a coin on 400 images: 0.025.
        let sigma = (0.25 / held_out.len() as f64).sqrt();
        assert!(
            (accuracy - 0.5).abs() < 4.0 * sigma,
            "{}: held-out accuracy {accuracy} with shuffled labels",
            architecture.name()
        );
    }
}

#[test]
fn a_checkpointed_trainer_resumes_bit_for_bit() {
    let mut rng = stream(5, Purpose::Named("toy"), 0, 0);
    let training = toy_set(96, &mut rng);
    let validation = toy_set(32, &mut rng);
    let device = Device::Cpu;
    let architecture = Architecture::Residual {
        channels: 3,
        blocks: 1,
    };
    let options = TrainingOptions {
        epochs: 4,
        batch_size: 16,
        learning_rate: 1e-2,
        patience: 10,
    };
    let fresh = || {
        let mut init = stream(6, Purpose::Named("init"), 0, 0);
        let network = Network::new(architecture, training.shape(), &mut init, &device).unwrap();
        Trainer::new(network, options, stream(6, Purpose::Named("order"), 0, 0)).unwrap()
    };
    let mut straight = fresh();
    straight.run(&training, &validation).unwrap();

    let mut first = fresh();
    first.epoch(&training, &validation).unwrap();
    first.epoch(&training, &validation).unwrap();
    let text = serde_json::to_string(&first.state().unwrap()).unwrap();
    drop(first);
    let mut resumed = Trainer::from_state(serde_json::from_str(&text).unwrap(), &device).unwrap();
    resumed.run(&training, &validation).unwrap();
    assert_eq!(resumed.state().unwrap(), straight.state().unwrap());
    // A different initialisation stream gives a different network.
    let mut init = stream(7, Purpose::Named("init"), 0, 0);
    let other = Network::new(architecture, training.shape(), &mut init, &device).unwrap();
    assert_ne!(
        other.weights().unwrap(),
        fresh().network().weights().unwrap()
    );
}

#[test]
fn bad_options_and_data_are_named() {
    let error = TrainingOptions {
        learning_rate: 0.0,
        ..TrainingOptions::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(error.parameter, "learning_rate");
    let error = Architecture::Convolutional {
        channels: 0,
        layers: 2,
    }
    .validate()
    .unwrap_err();
    assert_eq!(error.parameter, "channels");
    let mut set = ImageSet::new(1, 4, 4);
    assert!(
        set.push(&[1.0; 15], 1.0)
            .unwrap_err()
            .to_string()
            .contains("16")
    );
    let mut init = stream(8, Purpose::Named("init"), 0, 0);
    let huge = Architecture::FullyConnected {
        width: 4096,
        layers: 8,
    };
    let error = Network::new(huge, (1, 512, 512), &mut init, &Device::Cpu).unwrap_err();
    assert!(error.to_string().contains("parameters"), "{error}");
}
