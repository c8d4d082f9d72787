//! Training and evaluation throughput of the three architectures on random
//! L x L spin images, for bench/RESULTS.md:
//!
//! ```text
//! cargo run --release -p quench-neural --example throughput
//! RAYON_NUM_THREADS=1 cargo run --release -p quench-neural --example throughput
//! ```
//!
//! "train" counts snapshots through one epoch (forward, backward, Adam) plus
//! the validation pass over the same set; "eval" is the forward pass alone.

use std::time::Instant;

use candle_core::Device;
use quench_core::{Purpose, stream};
use quench_neural::{Architecture, ImageSet, Network, Trainer, TrainingOptions};
use rand::RngExt;

fn main() {
    let mut rng = stream(1, Purpose::Named("images"), 0, 0);
    let images = 512;
    for side in [12usize, 24, 48] {
        let mut set = ImageSet::new(1, side, side);
        for k in 0..images {
            let image: Vec<f32> = (0..side * side)
                .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
                .collect();
            set.push(&image, (k % 2) as f32).unwrap();
        }
        for architecture in [
            Architecture::FullyConnected {
                width: 64,
                layers: 2,
            },
            Architecture::Convolutional {
                channels: 8,
                layers: 3,
            },
            Architecture::Residual {
                channels: 8,
                blocks: 2,
            },
        ] {
            let mut init = stream(1, Purpose::Named("init"), 0, 0);
            let network = Network::new(architecture, set.shape(), &mut init, &Device::Cpu).unwrap();
            let options = TrainingOptions {
                epochs: 2,
                batch_size: 32,
                learning_rate: 1e-3,
                patience: 5,
            };
            let mut trainer =
                Trainer::new(network, options, stream(1, Purpose::Named("order"), 0, 0)).unwrap();
            let start = Instant::now();
            trainer.run(&set, &set).unwrap();
            let training = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let _ = trainer.network().outputs(&set, 256).unwrap();
            let evaluation = start.elapsed().as_secs_f64();
            println!(
                "L = {side:>2}  {:<9} train {:>8.0} snapshots/s   eval {:>8.0} snapshots/s",
                architecture.name(),
                2.0 * images as f64 / training,
                images as f64 / evaluation
            );
        }
    }
}
