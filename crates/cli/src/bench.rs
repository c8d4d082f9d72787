//! `quench bench`: throughput of the kernels on the standard workloads.

use clap::{Args, ValueEnum};
use quench_mc::benchmark::{self, BenchmarkOptions, Kernel, Workload};
use quench_mc::dense::DensePrecision;
use quench_mc::{RandomPolicy, WordWidth};
use quench_run::RunError;

use crate::bench_rbm::{RBM_DIGITS, RbmBench};

#[derive(Clone, Copy, ValueEnum)]
pub enum KernelChoice {
    /// The fastest valid kernel for the workload.
    Auto,
    /// The scalar reference sampler.
    Scalar,
    /// Multispin coding (lattices, sparse graphs).
    Multispin,
    /// Dense cached-field kernel, f64.
    DenseF64,
    /// Dense cached-field kernel, f32.
    DenseF32,
    /// Dense kernel with bit-packed ±1 couplings (the spec key's name).
    #[value(name = "packed-signs", alias = "dense-packed")]
    PackedSigns,
    /// One sample per f32 vector lane (lattices, sparse graphs, real couplings).
    FloatLanes,
    /// The float-lane kernel's portable code compiled for AVX2.
    FloatLanesAvx2,
    /// The float-lane kernel in portable code (no vector intrinsics).
    FloatLanesPortable,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Policy {
    /// One uniform per site shared by all lanes.
    Shared,
    /// Independent uniforms per lane.
    Independent,
}

#[derive(Args)]
#[command(
    after_help = "Workloads: ea3d-16, ea3d-32, ea2d-64, sk-2000, rrg3-4096 (±J couplings), ea3d-16-gaussian, sk-2000-gaussian, rrg3-4096-gaussian (Gaussian couplings; --kernel auto runs what quench run would: float lanes on the lattice and the graph, dense f32 on SK), perceptron-binary (binary-weight perceptron, N = 1000, P = 800: the vector flip kernel against the portable one), rbm-digits (an RBM trained by PCD-1 on the binarised 8x8 digits or --data: seconds per epoch and the exact log-likelihood; only when named), deep-network (a design-space sweep of a deep perceptron network, N = c = 100, L = 10, M = 3200: every weight rotated and every hidden spin flipped once, beside a recomputation of every field; only when named).\n\nExamples:\n  quench bench --json\n  quench bench --workload ea3d-16 --threads 1 --json\n  quench bench --workload ea3d-32 --threads 2 --policy independent\n  quench bench --workload ea3d-16-gaussian --kernel float-lanes-avx2\n  quench bench --workload rbm-digits --hidden 16 --epochs 10 --save machine.json"
)]
pub struct BenchArgs {
    /// One workload (default: all).
    #[arg(long)]
    workload: Option<String>,
    /// Worker threads.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    threads: u64,
    /// Kernel.
    #[arg(long, value_enum, default_value = "auto")]
    kernel: KernelChoice,
    /// Word width of the multispin kernel in bits: 64, 256 or 512 (default: the widest this CPU offers).
    #[arg(long)]
    width: Option<u32>,
    /// Random-number policy of the multispin kernel.
    #[arg(long, value_enum, default_value = "shared")]
    policy: Policy,
    /// Seconds measured per workload.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
    /// rbm-digits: a CSV file of 0/1 rows (no labels) instead of the shipped digits.
    #[arg(long)]
    data: Option<std::path::PathBuf>,
    /// rbm-digits: hidden units.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    hidden: u64,
    /// rbm-digits: epochs timed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    epochs: u64,
    /// rbm-digits: rows per mini-batch (and persistent chains).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    batch_size: u64,
    /// rbm-digits: learning rate.
    #[arg(long, default_value_t = 0.1)]
    learning_rate: f64,
    /// rbm-digits: seed of the initial weights, the batch order and the chains.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// rbm-digits: write the trained machine's parameters to this JSON file.
    #[arg(long)]
    save: Option<std::path::PathBuf>,
}

/// The perceptron workload's name (its kernels live in `quench-learn`).
const PERCEPTRON_BINARY: &str = "perceptron-binary";

/// The deep-network workload's name (its moves live in `quench-learn`).
const DEEP_NETWORK: &str = "deep-network";

pub fn execute(args: BenchArgs) -> Result<(), RunError> {
    if args.workload.as_deref() == Some(RBM_DIGITS) {
        if !(args.learning_rate.is_finite() && args.learning_rate > 0.0) {
            return Err(RunError::Input(format!(
                "--learning-rate: {} is out of range; allowed: a number > 0",
                args.learning_rate
            )));
        }
        let result = crate::bench_rbm::execute(&RbmBench {
            data: args.data,
            hidden: args.hidden as usize,
            epochs: args.epochs as usize,
            batch_size: args.batch_size as usize,
            learning_rate: args.learning_rate,
            save: args.save,
            seed: args.seed,
            json: args.json,
        })?;
        if args.json {
            println!(
                "{}",
                crate::print::json_text(&serde_json::json!({ "rbm": [result] }))?
            );
        }
        return Ok(());
    }
    if args.workload.as_deref() == Some(DEEP_NETWORK) {
        let options = quench_learn::deep::benchmark::BenchmarkOptions::default();
        let result = quench_learn::deep::benchmark::run(&options)
            .map_err(|e| RunError::Input(format!("{DEEP_NETWORK}: {e}")))?;
        if args.json {
            println!(
                "{}",
                crate::print::json_text(&serde_json::json!({ "deep_network": [result] }))?
            );
        } else {
            println!(
                "{DEEP_NETWORK} N {} c {} L {} M {} {} weights, one core: {:.3} s per sweep ({:.3} s weights at {:.0} ns per rotation, {:.3} s hidden spins at {:.1} ns per flip attempt); recomputing every field {:.3} s; acceptance {:.3} (weights), {:.3} (spins)",
                result.width,
                result.connectivity,
                result.depth,
                result.patterns,
                result.weights,
                result.seconds_per_sweep,
                result.weight_seconds,
                result.ns_per_weight_attempt,
                result.spin_seconds,
                result.ns_per_spin_attempt,
                result.recompute_seconds,
                result.acceptance[0],
                result.acceptance[1],
            );
        }
        return Ok(());
    }
    for (flag, given) in [
        ("--data", args.data.is_some()),
        ("--save", args.save.is_some()),
    ] {
        if given {
            return Err(RunError::Input(format!(
                "{flag} applies to --workload {RBM_DIGITS} only"
            )));
        }
    }
    let perceptron = match args.workload.as_deref() {
        Some(PERCEPTRON_BINARY) => true,
        Some(_) => false,
        None => true,
    };
    if perceptron && args.workload.is_some() && !matches!(args.kernel, KernelChoice::Auto) {
        return Err(RunError::Input(format!(
            "--kernel: {PERCEPTRON_BINARY} always measures its vector kernel against its portable one; allowed: auto"
        )));
    }
    let workloads: Vec<Workload> = match &args.workload {
        Some(name) if name == PERCEPTRON_BINARY => Vec::new(),
        Some(name) => vec![Workload::from_name(name).map_err(|e| {
            RunError::Input(format!(
                "--workload: {e}; or {PERCEPTRON_BINARY}, {RBM_DIGITS}, {DEEP_NETWORK}"
            ))
        })?],
        None => Workload::ALL.to_vec(),
    };
    let width = match args.width {
        None => WordWidth::widest(),
        Some(64) => WordWidth::Bits64,
        Some(256) => WordWidth::Bits256,
        Some(512) => WordWidth::Bits512,
        Some(other) => {
            return Err(RunError::Input(format!(
                "--width: {other} is not a word width; allowed: 64, 256, 512"
            )));
        }
    };
    if !width.is_available() {
        return Err(RunError::Input(format!(
            "--width: {} bits are not available on this CPU; allowed: {:?}",
            width.bits(),
            WordWidth::available()
                .iter()
                .map(|w| w.bits())
                .collect::<Vec<_>>()
        )));
    }
    if !(args.seconds.is_finite() && args.seconds > 0.0) {
        return Err(RunError::Input(format!(
            "--seconds: {} is out of range; allowed: a number > 0",
            args.seconds
        )));
    }
    let mut results = Vec::new();
    for workload in workloads {
        let mut options = BenchmarkOptions::new(workload);
        options.kernel = match args.kernel {
            KernelChoice::Auto => workload.default_kernel(),
            KernelChoice::Scalar => Kernel::Scalar,
            KernelChoice::Multispin => Kernel::Multispin,
            KernelChoice::DenseF64 => Kernel::Dense(DensePrecision::F64),
            KernelChoice::DenseF32 => Kernel::Dense(DensePrecision::F32),
            KernelChoice::PackedSigns => Kernel::Dense(DensePrecision::PackedSigns),
            KernelChoice::FloatLanes
            | KernelChoice::FloatLanesAvx2
            | KernelChoice::FloatLanesPortable => Kernel::FloatLanes,
        };
        use quench_mc::float_lanes::LaneInstructions;
        match args.kernel {
            KernelChoice::FloatLanesPortable => options.instructions = LaneInstructions::Portable,
            KernelChoice::FloatLanesAvx2 => {
                if !LaneInstructions::Avx2.is_available() {
                    return Err(RunError::Input(
                        "--kernel float-lanes-avx2: this CPU has no AVX2".into(),
                    ));
                }
                options.instructions = LaneInstructions::Avx2;
            }
            _ => {}
        }
        options.width = width;
        options.policy = match args.policy {
            Policy::Shared => RandomPolicy::SharedPerSite,
            Policy::Independent => RandomPolicy::IndependentPerLane,
        };
        options.threads = args.threads as usize;
        options.seconds = args.seconds;
        let result = benchmark::run(&options)
            .map_err(|e| RunError::Input(format!("{}: {e}", workload.name())))?;
        if !args.json {
            println!(
                "{:<18} kernel {:<18} {:>3}-bit words, rng {:<20} threads {}: {:>9.4} flips/ns ({:.4} per core, {:.2} ns per flip per core)",
                result.workload,
                result.kernel,
                result.word_bits,
                result
                    .random_policy
                    .map_or("-".to_string(), |p| format!("{p:?}")),
                result.threads,
                result.flips_per_ns,
                result.flips_per_ns_per_core,
                result.ns_per_flip_per_core,
            );
        }
        results.push(result);
    }
    let mut perceptron_results = Vec::new();
    if perceptron {
        let options = quench_learn::perceptron::benchmark::BenchmarkOptions {
            threads: args.threads as usize,
            seconds: args.seconds,
            ..Default::default()
        };
        let result = quench_learn::perceptron::benchmark::run(&options)
            .map_err(|e| RunError::Input(format!("{PERCEPTRON_BINARY}: {e}")))?;
        if !args.json {
            for kernel in [&result.vector, &result.portable] {
                println!(
                    "{PERCEPTRON_BINARY} N {} P {} kernel {:<8} threads {}: {:.4} ns per pattern per attempt per core ({:.1} ns per attempt, acceptance {:.3})",
                    result.dimension,
                    result.patterns,
                    kernel.kernel,
                    result.threads,
                    kernel.ns_per_pattern_per_attempt,
                    kernel.ns_per_attempt,
                    kernel.acceptance,
                );
            }
            println!(
                "{PERCEPTRON_BINARY} vector kernel {:.2}x the portable one",
                result.speedup
            );
        }
        perceptron_results.push(result);
    }
    if args.json {
        let text = crate::print::json_text(
            &serde_json::json!({ "results": results, "perceptron": perceptron_results }),
        )?;
        println!("{text}");
    }
    Ok(())
}
