//! The `quench` command: argument parsing and printing; the work is in the library crates.
//!
//! Exit status: 0 on success, 2 on bad input (arguments, spec files, output
//! directories, corrupted checkpoints), 1 on other failures.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use quench_core::{CouplingDistribution, ModelSpec};
use quench_run::{ProgressMode, RunError, RunOptions};

mod bench;
mod bench_rbm;
mod dimension;
mod print;
mod theory;

#[derive(Parser)]
#[command(
    name = "quench",
    version,
    about = "A laboratory for the statistical physics of disordered systems: spin glasses, their Monte Carlo and their theory",
    after_help = "Examples:\n  quench run experiments/sk-transition.toml\n  quench exact --model sk --n 12 --samples 1000 --temperatures 0.5,1,2 --seed 7 --json\n  quench models\n  quench draw experiments/sk-transition.toml --sample 3 --out sk.npy\n  quench plan experiments/sk-transition.toml\n  quench theory sk --temperature 0 --rsb full\n  quench bench --workload ea3d-16 --json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an experiment described by a spec file: tables, figures and a report in one directory.
    #[command(
        after_help = "Examples:\n  quench run experiments/sk-transition.toml\n  quench run experiments/sk-transition.toml --out runs/sk --threads 2\n  quench run --resume --out runs/sk          (continue after a crash; the spec is kept in runs/sk)\n\nThe results directory holds manifest.json, thermal/disorder/overlap_distribution/exchange/theory .parquet, SVG and PNG figures and report.md.\nWhile running it holds checkpoints/; --resume continues from them and gives bit-for-bit the results of an uninterrupted run."
    )]
    Run(RunArgs),
    /// Print the units of work of a spec: what `--shard K/N` divides.
    #[command(
        after_help = "Examples:\n  quench plan experiments/sk-transition.toml\n  quench plan experiments/ea3d-transition.toml --json\n\nUnits are a pure function of the spec. Shard K of N runs the units at positions K, K + N, K + 2N, ... of the plan."
    )]
    Plan(PlanArgs),
    /// Merge the finished shards of one spec into one results directory.
    #[command(
        after_help = "Example:\n  quench run spec.toml --shard 0/2 --out runs/s0 & quench run spec.toml --shard 1/2 --out runs/s1; wait\n  quench merge runs/s0 runs/s1 --out runs/whole\n\nThe tables are bit for bit those of `quench run spec.toml` in one process."
    )]
    Merge(MergeArgs),
    /// Enumerate small samples exactly and print disorder-averaged thermal averages.
    #[command(
        after_help = "Examples:\n  quench exact --model sk --n 12 --samples 1000 --temperatures 0.5,1,2 --seed 7 --json\n  quench exact --model ea --dimension 2 --length 4 --couplings pm1 --samples 100 --temperatures 0.5,1"
    )]
    Exact(Box<ExactArgs>),
    /// Re-draw the figures and report.md of a results directory from its stored tables.
    #[command(after_help = "Example:\n  quench report runs/sk-transition")]
    Report(ReportArgs),
    /// Write one drawn sample of a spec out as an instance file (an edge list, or FILE.npy).
    #[command(
        after_help = "Examples:\n  quench draw experiments/sk-transition.toml --point 0 --sample 3 --out sk.npy\n  quench draw experiments/ea3d-transition.toml --out ea.txt\n\nThe sample is the one `quench run` simulates as that sample of that grid point. A spec with\n[model] model = \"instance\", couplings = \"FILE\" runs it again (see `quench models`)."
    )]
    Draw(DrawArgs),
    /// List the models, their parameters and what they mean.
    #[command(after_help = "Examples:\n  quench models\n  quench models --json")]
    Models(JsonFlag),
    /// Theory: replica solutions of SK, the AT line, p-spin thresholds, sparse-graph transitions, perceptrons, the spiked Wigner model.
    Theory(theory::TheoryArgs),
    /// Measure the throughput of the Monte Carlo kernels on standard workloads.
    Bench(bench::BenchArgs),
    /// The intrinsic dimension of a data set (TwoNN, Levina-Bickel, correlation dimension), with its error.
    #[command(
        after_help = "Examples:\n  quench dimension --data digits --json\n  quench dimension --data digits --class 3 --estimator mle --k 10\n  quench dimension --data points.npy --estimator correlation --scaling\n  quench dimension --data train-images-idx3-ubyte.gz --labels train-labels-idx1-ubyte.gz --class 1 --points 5000\n\nJSON: dimension, error (and where it comes from), points used, the scale it holds at; --scaling adds the estimate on 2, 4, 8, ... disjoint subsets."
    )]
    Dimension(dimension::DimensionArgs),
}

#[derive(Args)]
struct JsonFlag {
    /// Print one JSON document on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct RunArgs {
    /// The spec file (optional with --resume: the run's own copy is used).
    spec: Option<PathBuf>,
    /// Results directory [default: runs/NAME, NAME being the spec's name].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all logical CPUs]; results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Continue the run in the results directory (start it if there is none).
    #[arg(long)]
    resume: bool,
    /// No progress bar or log lines.
    #[arg(long)]
    quiet: bool,
    /// Print one JSON document (the outcome) on standard output.
    #[arg(long)]
    json: bool,
    /// Run only shard K of N (0 <= K < N) of the plan, into --out; `quench merge` joins the shards.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
}

#[derive(Args)]
struct PlanArgs {
    /// The spec file.
    spec: PathBuf,
    /// Print one JSON document on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct MergeArgs {
    /// Directories of finished shards (`quench run --shard K/N --out DIR`).
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// The results directory to write (must not exist).
    #[arg(long)]
    out: PathBuf,
    /// Print one JSON document (the outcome) on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExactArgs {
    /// Model: sk, ea, ferromagnet, random-regular, erdos-renyi, hopfield, instance, perceptron (binary weights).
    #[arg(long)]
    model: String,
    /// The couplings file of --model instance: an edge list `i j J`, or FILE.npy.
    #[arg(long, value_name = "FILE")]
    instance: Option<PathBuf>,
    /// A per-site fields file of --model instance: lines `i h`, or FILE.npy.
    #[arg(long, value_name = "FILE")]
    instance_fields: Option<PathBuf>,
    /// Number of spins (sk, random-regular, erdos-renyi, hopfield) or weights (perceptron).
    #[arg(long, allow_negative_numbers = true)]
    n: Option<i64>,
    /// Lattice dimension (ea, ferromagnet).
    #[arg(long, allow_negative_numbers = true)]
    dimension: Option<i64>,
    /// Lattice side (ea, ferromagnet).
    #[arg(long, allow_negative_numbers = true)]
    length: Option<i64>,
    /// Degree (random-regular).
    #[arg(long, allow_negative_numbers = true)]
    degree: Option<i64>,
    /// Mean degree (erdos-renyi).
    #[arg(long, allow_negative_numbers = true)]
    mean_degree: Option<f64>,
    /// Stored patterns (hopfield, perceptron).
    #[arg(long, allow_negative_numbers = true)]
    patterns: Option<i64>,
    /// Load P/N of a perceptron's training sets (perceptron; or --patterns P).
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f64>,
    /// Input entries of a perceptron's training sets: binary (±1) or gaussian.
    #[arg(long, value_parser = ["binary", "gaussian"])]
    inputs: Option<String>,
    /// A perceptron's labels: random, or from a teacher.
    #[arg(long, value_parser = ["random", "teacher"])]
    labels: Option<String>,
    /// The teacher's weights (perceptron, --labels teacher): binary or spherical.
    #[arg(long, value_parser = ["binary", "spherical"])]
    teacher: Option<String>,
    /// Probability that a teacher's label is flipped (perceptron).
    #[arg(long, allow_negative_numbers = true)]
    label_noise: Option<f64>,
    /// Margin kappa of a perceptron: a pattern is stored when its stability exceeds it.
    #[arg(long, allow_negative_numbers = true)]
    margin: Option<f64>,
    /// Coupling distribution: gaussian or pm1.
    #[arg(long, default_value = "gaussian", value_parser = ["gaussian", "pm1"])]
    couplings: String,
    /// Uniform field h.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    field: f64,
    /// Disorder samples [default: 100; 1 for --model instance, which is one sample].
    #[arg(long)]
    samples: Option<u64>,
    /// Temperatures, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        allow_negative_numbers = true
    )]
    temperatures: Vec<f64>,
    /// Master seed.
    #[arg(long)]
    seed: u64,
    /// Worker threads [default: all logical CPUs].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Print one JSON document on standard output.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DrawArgs {
    /// The spec file (a spin-glass spec; a memory spec: its patterns; a perceptron spec: its training set).
    spec: PathBuf,
    /// Grid point (sizes outer, fields inner, from 0).
    #[arg(long, default_value_t = 0)]
    point: usize,
    /// Disorder sample within the grid point (from 0).
    #[arg(long, default_value_t = 0)]
    sample: u64,
    /// The file to write (must not exist): FILE.npy for a dense float64 matrix, any other name for an edge list `i j J`; for a memory spec FILE.npy, the patterns (P x N int8); for a perceptron spec FILE-inputs.npy, FILE-labels.npy and FILE-teacher.npy (a teacher's labels).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct ReportArgs {
    /// A results directory written by `quench run`.
    directory: PathBuf,
    /// Print the list of files written as one JSON document.
    #[arg(long)]
    json: bool,
}

fn required<T>(value: Option<T>, flag: &str, model: &str) -> Result<T, RunError> {
    value.ok_or_else(|| RunError::Input(format!("--{flag} is required for --model {model}")))
}

/// The training-set ensemble and margin of `quench exact --model perceptron`.
fn exact_perceptron_ensemble(
    args: &ExactArgs,
) -> Result<(quench_learn::perceptron::DataEnsemble, f64), RunError> {
    use quench_learn::perceptron::{DataEnsemble, InputDistribution, LabelRule, WeightKind};
    let m = "perceptron";
    let n = required(args.n, "n", m)?;
    if !(1..=quench_run::family::perceptron::exact::MAX_DIMENSION as i64).contains(&n) {
        return Err(RunError::Input(format!(
            "--n {n}: allowed: 1 to {} weights (2^N vectors per training set)",
            quench_run::family::perceptron::exact::MAX_DIMENSION
        )));
    }
    let n = n as usize;
    let patterns = match (args.patterns, args.alpha) {
        (Some(p), None) if (1..=1 << 20).contains(&p) => p as usize,
        (Some(p), None) => {
            return Err(RunError::Input(format!(
                "--patterns {p}: allowed: 1 to 1048576"
            )));
        }
        (None, Some(alpha))
            if alpha.is_finite() && (alpha * n as f64).round() >= 1.0 && alpha <= 1000.0 =>
        {
            (alpha * n as f64).round() as usize
        }
        (None, Some(alpha)) => {
            return Err(RunError::Input(format!(
                "--alpha {alpha}: allowed: a load with round(alpha N) between 1 and 1000 N"
            )));
        }
        (Some(_), Some(_)) => {
            return Err(RunError::Input(
                "--patterns and --alpha: give one of them".into(),
            ));
        }
        (None, None) => {
            return Err(RunError::Input(
                "--patterns P or --alpha A is required for --model perceptron".into(),
            ));
        }
    };
    let inputs = match args.inputs.as_deref() {
        Some("gaussian") => InputDistribution::Gaussian,
        _ => InputDistribution::Binary,
    };
    let labels = match args.labels.as_deref() {
        Some("teacher") => LabelRule::Teacher {
            teacher: match args.teacher.as_deref() {
                Some("spherical") => WeightKind::Spherical,
                _ => WeightKind::Binary,
            },
            noise: args.label_noise.unwrap_or(0.0),
        },
        _ => {
            for (flag, given) in [
                ("teacher", args.teacher.is_some()),
                ("label-noise", args.label_noise.is_some()),
            ] {
                if given {
                    return Err(RunError::Input(format!(
                        "--{flag} applies to --labels teacher only"
                    )));
                }
            }
            LabelRule::Random
        }
    };
    let ensemble = DataEnsemble {
        dimension: n,
        patterns,
        inputs,
        labels,
    };
    ensemble
        .validate()
        .map_err(|e| RunError::Input(format!("--model perceptron: {e}")))?;
    Ok((ensemble, args.margin.unwrap_or(0.0)))
}

fn exact_model(args: &ExactArgs) -> Result<ModelSpec, RunError> {
    let couplings = if args.couplings == "pm1" {
        CouplingDistribution::PlusMinusOne
    } else {
        CouplingDistribution::Gaussian
    };
    let field = args.field;
    let m = args.model.as_str();
    Ok(match m {
        "sk" | "sherrington-kirkpatrick" => ModelSpec::SherringtonKirkpatrick {
            n: required(args.n, "n", m)?,
            couplings,
            field,
        },
        "ea" | "edwards-anderson" => ModelSpec::EdwardsAnderson {
            dimension: required(args.dimension, "dimension", m)?,
            length: required(args.length, "length", m)?,
            couplings,
            field,
        },
        "ferromagnet" => ModelSpec::Ferromagnet {
            dimension: required(args.dimension, "dimension", m)?,
            length: required(args.length, "length", m)?,
            field,
        },
        "random-regular" => ModelSpec::RandomRegular {
            n: required(args.n, "n", m)?,
            degree: required(args.degree, "degree", m)?,
            couplings,
            field,
        },
        "erdos-renyi" => ModelSpec::ErdosRenyi {
            n: required(args.n, "n", m)?,
            mean_degree: required(args.mean_degree, "mean-degree", m)?,
            couplings,
            field,
        },
        "hopfield" => ModelSpec::Hopfield {
            n: required(args.n, "n", m)?,
            patterns: required(args.patterns, "patterns", m)?,
            field,
        },
        "instance" => {
            if let Some(samples) = args.samples.filter(|&s| s != 1) {
                return Err(RunError::Input(format!(
                    "--samples {samples}: an instance is one sample; allowed: 1"
                )));
            }
            ModelSpec::Instance {
                couplings: required(args.instance.clone(), "instance", m)?,
                fields: args.instance_fields.clone(),
                n: args.n,
                field,
                coupling_variance: None,
            }
        }
        other => {
            return Err(RunError::Input(format!(
                "--model: unknown model {other:?}; allowed: {}",
                quench_run::family::spin_glass::models::MODEL_NAMES
            )));
        }
    })
}

fn pool(threads: Option<u64>) -> Result<rayon::ThreadPool, RunError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        builder = builder.num_threads(threads as usize);
    }
    builder
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))
}

fn execute(command: Command) -> Result<(), RunError> {
    match command {
        Command::Run(args) => {
            let out = match (&args.out, &args.spec) {
                (Some(out), _) => out.clone(),
                (None, Some(spec)) => {
                    PathBuf::from("runs").join(quench_run::runner::validate(spec)?)
                }
                (None, None) => {
                    return Err(RunError::Input(
                        "give a spec file, or --out DIR with --resume".into(),
                    ));
                }
            };
            let options = RunOptions {
                threads: args.threads.map(|t| t as usize),
                resume: args.resume,
                progress: if args.quiet || args.json {
                    ProgressMode::Silent
                } else {
                    ProgressMode::Automatic
                },
                shard: args
                    .shard
                    .as_deref()
                    .map(quench_run::runner::Shard::parse)
                    .transpose()?,
                ..RunOptions::new(out)
            };
            let outcome = quench_run::run(args.spec.as_deref(), &options)?;
            print::run_outcome(&outcome, args.json);
            Ok(())
        }
        Command::Plan(args) => {
            let plan = quench_run::runner::plan_file(&args.spec)?;
            print::plan(&plan, args.json);
            Ok(())
        }
        Command::Merge(args) => {
            let outcome = quench_run::runner::merge(&args.shards, &args.out)?;
            print::run_outcome(&outcome, args.json);
            Ok(())
        }
        Command::Exact(args) => {
            if args.model == "perceptron" {
                let (ensemble, margin) = exact_perceptron_ensemble(&args)?;
                let result = pool(args.threads)?.install(|| {
                    quench_run::family::perceptron::exact::exact_perceptron(
                        &ensemble,
                        margin,
                        args.samples.unwrap_or(100),
                        &args.temperatures,
                        args.seed,
                    )
                })?;
                print::exact_perceptron(&result, args.json);
                return Ok(());
            }
            for (flag, given) in [
                ("alpha", args.alpha.is_some()),
                ("inputs", args.inputs.is_some()),
                ("labels", args.labels.is_some()),
                ("teacher", args.teacher.is_some()),
                ("label-noise", args.label_noise.is_some()),
                ("margin", args.margin.is_some()),
            ] {
                if given {
                    return Err(RunError::Input(format!(
                        "--{flag} applies to --model perceptron only"
                    )));
                }
            }
            let model = exact_model(&args)?;
            let result = pool(args.threads)?.install(|| {
                quench_run::exact::exact_ensemble(
                    &model,
                    args.samples.unwrap_or(match model {
                        ModelSpec::Instance { .. } => 1,
                        _ => 100,
                    }),
                    &args.temperatures,
                    args.seed,
                )
            })?;
            print::exact(&result, args.json);
            Ok(())
        }
        Command::Report(args) => {
            let files = quench_run::write_report(&args.directory)?;
            print::files(&args.directory, &files, args.json);
            Ok(())
        }
        Command::Draw(args) => {
            let source = quench_run::runner::read_spec(&args.spec)?;
            if quench_run::family::registry::claiming(&source).name() != "spin-glass" {
                // Another family's disorder (a memory spec's patterns) as a NumPy array.
                let drawn = quench_run::draw::draw_file(
                    &args.spec,
                    args.point,
                    args.sample,
                    quench_run::theory::Naming::Flag,
                )?;
                for (name, file) in quench_run::draw::write_arrays(&drawn, &args.out)? {
                    let shape = drawn.array(&name).map(|a| a.shape().to_vec());
                    println!(
                        "{}: {name} {:?} of {}",
                        file.display(),
                        shape.unwrap_or_default(),
                        drawn.description
                    );
                }
                return Ok(());
            }
            let drawn = quench_run::draw::draw_sample(&args.spec, args.point, args.sample)?;
            quench_run::draw::write_sample(&drawn, &args.spec, &args.out)?;
            let sample = &drawn.sample;
            println!(
                "{}: sample {} of grid point {} ({} spins, {} bonds, {})",
                args.out.display(),
                drawn.index,
                drawn.point,
                sample.n(),
                sample.bond_count(),
                if sample.is_dense() { "dense" } else { "sparse" }
            );
            if drawn.field != 0.0 {
                println!(
                    "the uniform field {} is not in the file: give `field = {}` in the instance's [model]",
                    drawn.field, drawn.field
                );
            }
            Ok(())
        }
        Command::Models(flag) => {
            print::models(flag.json);
            Ok(())
        }
        Command::Theory(command) => theory::execute(command),
        Command::Bench(args) => bench::execute(args),
        Command::Dimension(args) => dimension::execute(args),
    }
}

fn main() -> ExitCode {
    // A reader that stops early (`quench plan SPEC | head`) ends the output
    // quietly, as for any Unix tool, instead of a panic on a broken pipe.
    // SAFETY: restoring a signal's default disposition before any thread
    // starts has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_status() as u8)
        }
    }
}
