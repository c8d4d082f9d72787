//! Time of one zero-temperature asynchronous sweep of a Hopfield network at
//! N = 10^4, P = 0.1 N, pattern-based against coupling-based, on one core.
//!
//! ```sh
//! cargo run -p quench-learn --release --example retrieval_sweep [N]
//! ```
//!
//! Two starts: a random configuration (about 43 % of the spins flip in the
//! first sweep, the worst case for both representations) and a stored
//! pattern with 10 % of its spins flipped (a retrieval sweep: about N/10
//! flips). Each time is the median of several sweeps from the same state.

use quench_core::rng::{Purpose, stream};
use quench_learn::dynamics::UpdateOrder;
use quench_learn::hopfield::{HopfieldNetwork, HopfieldState, Representation};
use quench_learn::patterns::{BinaryDistribution, BinaryPatterns, corrupted_pattern};
use std::time::{Duration, Instant};

/// Random visiting order, as in the retrieval experiments (sequential order
/// is a little faster: the next column is then always the adjacent one).
const ORDER: UpdateOrder = UpdateOrder::Random;

fn median_sweep(
    network: &HopfieldNetwork,
    start: &HopfieldState,
    repeats: usize,
) -> (Duration, u64) {
    let mut order = vec![0; network.neurons()];
    let mut times = Vec::new();
    let mut flips = 0;
    for _ in 0..repeats {
        let mut state = start.clone();
        let mut rng = stream(1, Purpose::Dynamics, 0, 0);
        let clock = Instant::now();
        flips = network.zero_temperature_sweep(&mut state, ORDER, &mut order, &mut rng);
        times.push(clock.elapsed());
    }
    times.sort();
    (times[repeats / 2], flips)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(10_000, |a| a.parse().expect("N is an integer"));
    let p = n / 10;
    println!("Hopfield network, N = {n}, P = {p} (alpha = 0.1), one thread");
    let clock = Instant::now();
    let patterns =
        BinaryPatterns::draw(BinaryDistribution::Unbiased, n, p, 1, 0).expect("valid sizes");
    println!("draw patterns:                 {:>10.3?}", clock.elapsed());

    let mut networks = Vec::new();
    for representation in [Representation::Patterns, Representation::Couplings] {
        let clock = Instant::now();
        let network =
            HopfieldNetwork::new(patterns.clone(), representation).expect("valid network");
        println!("build {representation:<23?} {:>10.3?}", clock.elapsed());
        if representation == Representation::Patterns {
            println!(
                "kernels:                       {:>10}",
                network.simd().name()
            );
        }
        networks.push(network);
    }

    let random = quench_core::random_spins(n, &mut stream(1, Purpose::InitialState, 0, 0));
    let noisy = corrupted_pattern(
        patterns.pattern(0),
        0.8,
        &mut stream(1, Purpose::InitialState, 0, 1),
    )
    .expect("valid overlap");
    for (label, spins) in [("random start", random), ("pattern, 10 % flipped", noisy)] {
        println!("\none sweep from a {label}:");
        let mut times = Vec::new();
        for network in &networks {
            let start = network.state(spins.clone()).expect("valid state");
            let (time, flips) = median_sweep(network, &start, 7);
            println!(
                "  {:<12} {:>10.3?}  ({flips} flips, {:.2} ns per spin visit)",
                format!("{:?}", network.representation()),
                time,
                time.as_nanos() as f64 / n as f64
            );
            times.push(time);
        }
        println!(
            "  ratio pattern-based / coupling-based: {:.2}",
            times[0].as_secs_f64() / times[1].as_secs_f64()
        );
    }
}
