//! Runs one standard throughput workload (see `quench_mc::benchmark`) and
//! prints its result as JSON, until `quench bench` wires the same call.
//!
//! ```text
//! cargo run --release -p quench-mc --example bench_workload -- \
//!     [WORKLOAD] [THREADS] [KERNEL] [WIDTH] [POLICY] [SECONDS] [LANES]
//! ```
//!
//! KERNEL: multispin | scalar | dense-f64 | dense-f32 | dense-packed-signs;
//! WIDTH: 64 | 256 | 512 (default: the widest available);
//! POLICY: shared | independent; LANES: samples of a multispin run (default:
//! the width's bits).

use quench_mc::benchmark::{self, BenchmarkOptions, Kernel, Workload};
use quench_mc::{DensePrecision, RandomPolicy, WordWidth};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let argument = |k: usize| arguments.get(k).map(String::as_str);
    let workload = Workload::from_name(argument(0).unwrap_or("ea3d-16"))?;
    let mut options = BenchmarkOptions::new(workload);
    if let Some(threads) = argument(1) {
        options.threads = threads
            .parse()
            .map_err(|_| format!("THREADS = {threads:?} is not a positive integer"))?;
    }
    if let Some(kernel) = argument(2) {
        options.kernel = match kernel {
            "multispin" => Kernel::Multispin,
            "scalar" => Kernel::Scalar,
            "dense-f64" => Kernel::Dense(DensePrecision::F64),
            "dense-f32" => Kernel::Dense(DensePrecision::F32),
            "dense-packed-signs" => Kernel::Dense(DensePrecision::PackedSigns),
            other => return Err(format!("KERNEL = {other:?}: use multispin, scalar, dense-f64, dense-f32 or dense-packed-signs").into()),
        };
    }
    if let Some(width) = argument(3) {
        options.width = match width {
            "64" => WordWidth::Bits64,
            "256" => WordWidth::Bits256,
            "512" => WordWidth::Bits512,
            other => return Err(format!("WIDTH = {other:?}: use 64, 256 or 512").into()),
        };
    }
    if let Some(policy) = argument(4) {
        options.policy = match policy {
            "shared" => RandomPolicy::SharedPerSite,
            "independent" => RandomPolicy::IndependentPerLane,
            other => return Err(format!("POLICY = {other:?}: use shared or independent").into()),
        };
    }
    if let Some(seconds) = argument(5) {
        options.seconds = seconds
            .parse()
            .map_err(|_| format!("SECONDS = {seconds:?} is not a number"))?;
    }
    if let Some(lanes) = argument(6) {
        options.lanes = Some(
            lanes
                .parse()
                .map_err(|_| format!("LANES = {lanes:?} is not a positive integer"))?,
        );
    }
    let result = benchmark::run(&options)?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}
