//! `quench theory`: replica, cavity and p-spin results from the command line.
//!
//! The flags are parsed here; the computing is [`quench_run::theory`], which
//! the Python package calls too.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use quench_run::RunError;
use quench_run::theory::{self, Naming, TheoryResult};

#[derive(Subcommand)]
pub enum TheoryCommand {
    /// Sherrington-Kirkpatrick at one (T, h): replica-symmetric, k-step or full replica-symmetry breaking.
    #[command(
        after_help = "Examples:\n  quench theory sk --temperature 0.5 --rsb full --json\n  quench theory sk --temperature 0 --rsb 1rsb\n  quench theory sk --temperature 0.6 --field 0.3 --rsb rs"
    )]
    Sk(SkArgs),
    /// The de Almeida-Thouless field h_AT(T) of SK, 0 < T <= 1.
    #[command(after_help = "Example:\n  quench theory sk-at-line --temperature 0.8 --json")]
    SkAtLine(AtLineArgs),
    /// p-spin glass thresholds: dynamic and static (Kauzmann) temperatures, plateau, threshold energy.
    #[command(
        after_help = "Examples:\n  quench theory pspin --p 3 --spherical --json\n  quench theory pspin --p 3"
    )]
    Pspin(PspinArgs),
    /// Hopfield network (Amit-Gutfreund-Sompolinsky, replica symmetric): the capacity alpha_c(T) and the retrieval overlap there.
    #[command(
        after_help = "Examples:\n  quench theory hopfield --temperature 0 --json\n  quench theory hopfield --temperature 0.3 --alpha 0.05"
    )]
    Hopfield(HopfieldArgs),
    /// Spin glass on a random regular or Erdős–Rényi graph: the cavity (Bethe) critical temperature.
    #[command(
        after_help = "Examples:\n  quench theory sparse --degree 3 --couplings pm1 --json\n  quench theory sparse --graph erdos-renyi --degree 2.5 --couplings gaussian"
    )]
    Sparse(SparseArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Breaking {
    /// Replica symmetric.
    Rs,
    /// One step of replica-symmetry breaking.
    #[value(name = "1rsb")]
    OneStep,
    /// Two steps.
    #[value(name = "2rsb")]
    TwoSteps,
    /// Full replica-symmetry breaking (Parisi), extrapolated in the number of steps.
    Full,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Accuracy {
    /// About 1e-6 at T > 0 in tens of milliseconds.
    Fast,
    /// About 1e-7 and better, seconds at T = 0.
    Accurate,
}

#[derive(Args)]
pub struct SkArgs {
    /// Temperature T >= 0.
    #[arg(long, allow_negative_numbers = true)]
    temperature: f64,
    /// Uniform field h.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    field: f64,
    /// Level of replica-symmetry breaking.
    #[arg(long, value_enum, default_value = "full")]
    rsb: Breaking,
    /// Numerical accuracy of the Parisi solution.
    #[arg(long, value_enum, default_value = "accurate")]
    accuracy: Accuracy,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct AtLineArgs {
    /// Temperature, 0 < T <= 1.
    #[arg(long, allow_negative_numbers = true)]
    temperature: f64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct PspinArgs {
    /// Interaction order p >= 3.
    #[arg(long)]
    p: u32,
    /// Spherical spins (the default is Ising spins).
    #[arg(long)]
    spherical: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Graph {
    /// Random regular graph: every site has --degree neighbours (an integer >= 2).
    Regular,
    /// Erdős–Rényi graph of mean degree --degree (a real number > 0; Poisson degrees).
    ErdosRenyi,
}

#[derive(Args)]
pub struct SparseArgs {
    /// Graph ensemble.
    #[arg(long, value_enum, default_value = "regular")]
    graph: Graph,
    /// Degree c of the random regular graph (an integer in 2..=10000), or
    /// mean degree of the Erdős–Rényi graph (a real number in (0, 10000]).
    #[arg(long, allow_negative_numbers = true)]
    degree: f64,
    /// Coupling distribution: gaussian or pm1.
    #[arg(long, default_value = "pm1", value_parser = ["gaussian", "pm1"])]
    couplings: String,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct HopfieldArgs {
    /// Temperature, 0 <= T < 1.
    #[arg(long, allow_negative_numbers = true)]
    temperature: f64,
    /// Also solve the saddle-point equations at this load alpha = P/N (every branch).
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f64>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

/// Prints `result` (its JSON document or its human summary) and, with
/// `--out DIR`, writes its tables there as Parquet
/// ([`quench_run::json_tables`]) beside `result.json`. The JSON (printed
/// and stored) is the `--json` [`document`](crate::print::document), with
/// `quench_version`; the tables hold the result alone.
fn emit(result: TheoryResult, as_json: bool, out: Option<&Path>) -> Result<(), RunError> {
    let document = result.document;
    let text = crate::print::json_text(&document)?;
    if let Some(directory) = out {
        if directory.exists() && !directory.is_dir() {
            return Err(RunError::Input(format!(
                "--out {}: exists and is not a directory",
                directory.display()
            )));
        }
        std::fs::create_dir_all(directory).map_err(RunError::io(directory))?;
        for (name, table) in quench_run::json_tables::tables_from_json(&document) {
            table.write(&directory.join(format!("{name}.parquet")))?;
        }
        let path = directory.join("result.json");
        quench_run::atomic::write_atomically(&path, text.as_bytes())?;
    }
    if as_json {
        println!("{text}");
    } else {
        println!("{}", result.summary);
        if let Some(directory) = out {
            println!("tables: {}", directory.display());
        }
    }
    Ok(())
}

/// `quench theory`: the model's subcommand and where to store its tables.
#[derive(Args)]
pub struct TheoryArgs {
    #[command(subcommand)]
    command: TheoryCommand,
    /// Also write the result as Parquet tables into this directory
    /// (summary.parquet with the scalars, one table per list such as q(x)) and
    /// result.json.
    #[arg(long, global = true)]
    out: Option<PathBuf>,
}

pub fn execute(arguments: TheoryArgs) -> Result<(), RunError> {
    let out = arguments.out.as_deref();
    let naming = Naming::Flag;
    let (result, json) = match arguments.command {
        TheoryCommand::Sk(args) => {
            let parameters = theory::SkParameters {
                temperature: args.temperature,
                field: args.field,
                breaking: match args.rsb {
                    Breaking::Rs => theory::Breaking::ReplicaSymmetric,
                    Breaking::OneStep => theory::Breaking::OneStep,
                    Breaking::TwoSteps => theory::Breaking::TwoSteps,
                    Breaking::Full => theory::Breaking::Full,
                },
                accuracy: match args.accuracy {
                    Accuracy::Fast => theory::Accuracy::Fast,
                    Accuracy::Accurate => theory::Accuracy::Accurate,
                },
            };
            (theory::sk(&parameters, naming)?, args.json)
        }
        TheoryCommand::SkAtLine(args) => {
            let parameters = theory::AtLineParameters {
                temperature: args.temperature,
            };
            (theory::sk_at_line(&parameters, naming)?, args.json)
        }
        TheoryCommand::Pspin(args) => {
            let parameters = theory::PspinParameters {
                p: args.p,
                spherical: args.spherical,
            };
            (theory::pspin(&parameters, naming)?, args.json)
        }
        TheoryCommand::Hopfield(args) => {
            let parameters = theory::HopfieldParameters {
                temperature: args.temperature,
                alpha: args.alpha,
            };
            (theory::hopfield(&parameters, naming)?, args.json)
        }
        TheoryCommand::Sparse(args) => {
            let parameters = theory::SparseParameters {
                graph: match args.graph {
                    Graph::Regular => theory::Graph::Regular,
                    Graph::ErdosRenyi => theory::Graph::ErdosRenyi,
                },
                degree: args.degree,
                couplings: args.couplings.parse().map_err(RunError::Input)?,
            };
            (theory::sparse(&parameters, naming)?, args.json)
        }
    };
    emit(result, json, out)
}
