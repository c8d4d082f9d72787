//! Training throughput of `DenseNetwork` and `RecurrentNetwork`: examples
//! (sequence steps for the recurrent networks) per second of full-batch
//! gradient descent (forward, back-propagation, update) on one core, for a
//! few architectures of the interpolation and recurrent-learning experiments.
//!
//! `cargo run --release -p quench-neural --example throughput`

use std::time::Instant;

use quench_core::rng::{Purpose, stream};
use quench_neural::committee::Activation;
use quench_neural::{DenseNetwork, Loss, RecurrentNetwork, RecurrentWorkspace, Workspace};
use rand_distr::{Distribution, StandardNormal};

fn main() {
    println!("d     P     L  h     g     weights  steps  examples/s   ns per example-weight");
    for (d, p, depth, width, activation) in [
        (20, 400, 0, 0, Activation::Relu),
        (20, 400, 1, 8, Activation::Relu),
        (20, 400, 1, 32, Activation::Relu),
        (20, 400, 2, 32, Activation::Relu),
        (64, 1000, 1, 64, Activation::Relu),
        (64, 1000, 3, 64, Activation::Relu),
        (20, 400, 1, 8, Activation::Tanh),
        (20, 400, 2, 32, Activation::Tanh),
    ] {
        let mut rng = stream(1, Purpose::Disorder, 0, 0);
        let x: Vec<f64> = (0..d * p)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let y: Vec<f64> = (0..p)
            .map(|k| if k % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let mut network = DenseNetwork::new(d, width, depth, activation, &mut rng);
        let mut work = Workspace::default();
        let steps = (2e8 / (p * network.parameters()) as f64).clamp(20.0, 20000.0) as usize;
        network.descend(&x, &y, Loss::QuadraticHinge, 1e-3, &mut work);
        let start = Instant::now();
        for _ in 0..steps {
            network.descend(&x, &y, Loss::QuadraticHinge, 1e-3, &mut work);
        }
        let seconds = start.elapsed().as_secs_f64();
        let rate = (steps * p) as f64 / seconds;
        println!(
            "{d:<5} {p:<5} {depth:<2} {width:<5} {:<5} {:<8} {steps:<6} {rate:<12.3e} {:.2}",
            activation.name(),
            network.parameters(),
            1e9 / (rate * network.parameters() as f64)
        );
    }
    println!();
    println!("recurrent: d   P   T   L  h     weights  steps  steps/s      ns per step-weight");
    for (d, p, length, layers, width) in [
        (8, 80, 10, 1, 8),
        (8, 80, 10, 1, 24),
        (8, 80, 10, 2, 16),
        (7, 200, 20, 1, 16),
    ] {
        let mut rng = stream(2, Purpose::Disorder, 0, 0);
        let x: Vec<f64> = (0..d * p * length)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let y: Vec<f64> = (0..p * length)
            .map(|k| if k % 3 == 0 { 1.0 } else { -1.0 })
            .collect();
        let mut network = RecurrentNetwork::new(d, width, layers, 1, Activation::Tanh, &mut rng);
        let mut work = RecurrentWorkspace::default();
        let positions = p * length;
        let steps = (2e8 / (positions * network.parameters()) as f64).clamp(20.0, 20000.0) as usize;
        network.descend(&x, &y, length, Loss::QuadraticHinge, 1e-3, &mut work);
        let start = Instant::now();
        for _ in 0..steps {
            network.descend(&x, &y, length, Loss::QuadraticHinge, 1e-3, &mut work);
        }
        let seconds = start.elapsed().as_secs_f64();
        let rate = (steps * positions) as f64 / seconds;
        println!(
            "           {d:<3} {p:<3} {length:<3} {layers:<2} {width:<5} {:<8} {steps:<6} {rate:<12.3e} {:.2}",
            network.parameters(),
            1e9 / (rate * network.parameters() as f64)
        );
    }
}
