//! Training does not depend on the number of threads. The only test in this
//! binary, so that changing `RAYON_NUM_THREADS` (which candle reads at every
//! matrix product to split the work) races with nothing.

use candle_core::Device;
use rand::RngExt;

use quench_core::{Purpose, stream};
use quench_neural::{Architecture, ImageSet, Network, Trainer, TrainingOptions};

fn train(threads: &str) -> Vec<Vec<f32>> {
    // SAFETY: no other thread of this test binary reads the environment.
    unsafe { std::env::set_var("RAYON_NUM_THREADS", threads) };
    let mut rng = stream(1, Purpose::Named("images"), 0, 0);
    let side = 16;
    let mut set = ImageSet::new(1, side, side);
    for k in 0..256 {
        let image: Vec<f32> = (0..side * side)
            .map(|_| {
                if rng.random::<f64>() < 0.3 + 0.4 * (k % 2) as f64 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect();
        set.push(&image, (k % 2) as f32).unwrap();
    }
    let device = Device::Cpu;
    let mut weights = Vec::new();
    for architecture in [
        Architecture::FullyConnected {
            width: 64,
            layers: 2,
        },
        Architecture::Convolutional {
            channels: 8,
            layers: 2,
        },
        Architecture::Residual {
            channels: 8,
            blocks: 1,
        },
    ] {
        let mut init = stream(2, Purpose::Named("init"), 0, 0);
        let network = Network::new(architecture, set.shape(), &mut init, &device).unwrap();
        let options = TrainingOptions {
            epochs: 2,
            batch_size: 64,
            learning_rate: 1e-2,
            patience: 5,
        };
        let mut trainer =
            Trainer::new(network, options, stream(2, Purpose::Named("order"), 0, 0)).unwrap();
        trainer.run(&set, &set).unwrap();
        weights.extend(trainer.network().weights().unwrap());
    }
    weights
}

#[test]
fn training_gives_the_same_weights_with_one_and_two_threads() {
    let two = train("2");
    let one = train("1");
    assert_eq!(one, two);
}
