//! Times one multispin chain's sweeps alone (no energies, no exchanges) on a
//! 3D ±J lattice, to separate the kernel from the driver and from memory:
//! a small $L$ keeps the chain in L1/L2, a large one does not.
//!
//! ```text
//! cargo run --release -p quench-mc --example kernel_sweep -- [L] [WIDTH] [POLICY] [SECONDS] [DIMENSION]
//! ```
//!
//! Prints attempted flips per nanosecond of wall time and of process CPU time.

use std::time::Instant;

use quench_core::{CouplingDistribution, ModelSpec, Purpose, Sample, StreamKey, random_spins};
use quench_mc::multispin::kernel::{self, BlockRng};
use quench_mc::multispin::{MultispinLayout, Words, pack_lane};
use quench_mc::{RandomPolicy, WordWidth};

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |s| s.1)
        .split_whitespace()
        .collect();
    let tick = |k: usize| {
        fields
            .get(k)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let argument = |k: usize, default: &str| arguments.get(k).cloned().unwrap_or(default.into());
    let length: i64 = argument(0, "16").parse().expect("L");
    let width = match argument(1, "512").as_str() {
        "64" => WordWidth::Bits64,
        "256" => WordWidth::Bits256,
        _ => WordWidth::Bits512,
    };
    let policy = match argument(2, "shared").as_str() {
        "independent" => RandomPolicy::IndependentPerLane,
        _ => RandomPolicy::SharedPerSite,
    };
    let seconds: f64 = argument(3, "2").parse().expect("SECONDS");
    let dimension: i64 = argument(4, "3").parse().expect("DIMENSION");
    let ensemble = ModelSpec::EdwardsAnderson {
        dimension,
        length,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    }
    .ensemble()
    .expect("valid model");
    let lanes = width.bits();
    let samples: Vec<Sample> = (0..lanes as u64)
        .map(|i| ensemble.draw(1, i).expect("sample"))
        .collect();
    let layout = MultispinLayout::new(&samples).expect("layout");
    let (n, blocks) = (layout.sites(), layout.blocks());
    let mut words = Words::zeros(n * blocks);
    for lane in 0..lanes {
        let mut rng = StreamKey::new(2, Purpose::InitialState, lane as u64, 0).rng();
        pack_lane(&mut words, blocks, lane, &random_spins(n, &mut rng));
    }
    let mut rngs: Vec<BlockRng> = (0..layout.generators())
        .map(|b| BlockRng::from_key(StreamKey::new(2, Purpose::Dynamics, b as u64, 0)))
        .collect();
    let thresholds = layout.thresholds(1.0);
    // Ten sweeps per call, as a tempering run with ten sweeps per exchange.
    let mut ten_sweeps = || {
        let chain = kernel::ChainWords {
            spins: &mut words,
            rngs: &mut rngs,
            thresholds: &thresholds,
            unsatisfied: None,
        };
        kernel::sweep_chains(&layout, &mut [chain], 10, policy, width, true)
    };
    ten_sweeps();
    ten_sweeps();
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let mut sweeps = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        ten_sweeps();
        sweeps += 10;
    }
    let (wall, cpu) = (start.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let flips = (sweeps * (n * lanes) as u64) as f64;
    println!(
        "{dimension}D L={length} width={} policy={policy:?} sweeps={sweeps}: {:.2} flips/ns wall, {:.2} flips/CPU-ns, {:.2} ns per site update of {lanes} lanes (CPU)",
        width.bits(),
        flips / (wall * 1e9),
        flips / (cpu * 1e9),
        cpu * 1e9 / (sweeps * n as u64) as f64,
    );
}
