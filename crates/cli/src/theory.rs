//! `quench theory`: replica, cavity and p-spin results from the command line.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use quench_core::CouplingDistribution;
use quench_run::RunError;
use quench_theory::TheoryError;
use quench_theory::sk::ParisiOptions;

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

/// A parameter outside the supported domain is bad input (status 2); a
/// solver that did not converge is a failure (status 1). Either way no number is printed.
fn failure(error: TheoryError) -> RunError {
    match error {
        TheoryError::Parameter(p) => {
            RunError::Input(format!("--{}: {p}", p.parameter.replace('_', "-")))
        }
        other => RunError::theory("theory")(other),
    }
}

/// Prints `value` (JSON or the `human` text) and, with `--out DIR`, writes
/// its tables there as Parquet ([`quench_run::json_tables`]) beside
/// `result.json`. The JSON (printed and stored) is the `--json`
/// [`document`](crate::print::document), with `quench_version`; the tables
/// hold the result alone.
fn emit<T: serde::Serialize>(
    value: &T,
    as_json: bool,
    out: Option<&Path>,
    human: impl FnOnce(),
) -> Result<(), RunError> {
    let document = serde_json::to_value(value).map_err(|e| RunError::Encoding(e.to_string()))?;
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
        human();
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
    match arguments.command {
        TheoryCommand::Sk(args) => {
            let options = match args.accuracy {
                Accuracy::Fast => ParisiOptions::fast(),
                Accuracy::Accurate => ParisiOptions::accurate(),
            };
            let (t, h) = (args.temperature, args.field);
            match args.rsb {
                Breaking::Rs => {
                    let s = quench_theory::sk::replica_symmetric(t, h).map_err(failure)?;
                    emit(&s, args.json, out, || {
                        println!("SK, replica symmetric, T = {t}, h = {h}");
                        println!("  q = {:.10}   m = {:.10}", s.overlap, s.magnetisation);
                        println!(
                            "  free energy {:.10}   energy {:.10}   entropy {:.10}",
                            s.free_energy, s.energy, s.entropy
                        );
                        println!("  susceptibility beta(1-q) = {:.10}", s.susceptibility);
                        println!("  stable (above the AT line): {}", s.stable);
                    })?;
                }
                Breaking::OneStep | Breaking::TwoSteps => {
                    let steps = if matches!(args.rsb, Breaking::OneStep) {
                        1
                    } else {
                        2
                    };
                    let s = quench_theory::sk::replica_symmetry_breaking(t, h, steps, &options)
                        .map_err(failure)?;
                    emit(&s, args.json, out, || {
                        println!(
                            "SK, {steps}-step RSB, T = {t}, h = {h} ({} steps used)",
                            s.steps
                        );
                        println!(
                            "  free energy {:.10}   energy {:.10}",
                            s.free_energy, s.energy
                        );
                        if let Some(entropy) = s.entropy {
                            println!("  entropy {entropy:.10}");
                        }
                        println!("  susceptibility {:.10}", s.susceptibility);
                        for step in &s.order_parameter {
                            println!(
                                "  q = {:.8} for x in [{:.6}, {:.6}]",
                                step.overlap, step.x_low, step.x_high
                            );
                        }
                    })?;
                }
                Breaking::Full => {
                    let s = quench_theory::sk::full_replica_symmetry_breaking(t, h, &options)
                        .map_err(failure)?;
                    emit(&s, args.json, out, || {
                        println!("SK, full RSB (Parisi), T = {t}, h = {h}");
                        println!(
                            "  free energy {:.9} ± {:.1e} (extrapolated in the number of steps; grid error {:.1e})",
                            s.free_energy, s.error_estimate, s.discretisation_error
                        );
                        println!(
                            "  energy {:.9} ± {:.1e} (extrapolated; {:.9} with {} steps)",
                            s.energy, s.energy_error, s.solution.energy, s.solution.steps
                        );
                        if let (Some(entropy), Some(error)) = (s.entropy, s.entropy_error) {
                            println!("  entropy {entropy:.3e} ± {error:.1e} (extrapolated)");
                        }
                        for c in &s.convergence {
                            println!("  k = {:>3}: f = {:.10}", c.steps, c.free_energy);
                        }
                        println!("  q(x), steps: {}", s.solution.order_parameter.len());
                        println!("  use --json for q(x) and P(q)");
                    })?;
                }
            }
        }
        TheoryCommand::SkAtLine(args) => {
            let point =
                quench_theory::sk::almeida_thouless_field(args.temperature).map_err(failure)?;
            emit(&point, args.json, out, || {
                println!(
                    "de Almeida-Thouless line: h_AT({}) = {:.10} (q = {:.10})",
                    point.temperature, point.field, point.overlap
                );
            })?;
        }
        TheoryCommand::Pspin(args) => {
            if args.spherical {
                let s = quench_theory::pspin::spherical_p_spin(args.p).map_err(failure)?;
                emit(&s, args.json, out, || {
                    println!(
                        "spherical {}-spin: T_d = {:.10}, T_s = {:.10}",
                        s.p, s.dynamic_temperature, s.static_temperature
                    );
                    println!(
                        "  plateau q_d = {:.10}, threshold energy {:.10}",
                        s.plateau, s.threshold_energy
                    );
                })?;
            } else {
                let s = quench_theory::pspin::ising_p_spin(args.p).map_err(failure)?;
                emit(&s, args.json, out, || {
                    println!(
                        "Ising {}-spin: T_d = {:.6}, T_s = {:.6}",
                        s.p, s.dynamic_temperature, s.static_temperature
                    );
                })?;
            }
        }
        TheoryCommand::Hopfield(args) => {
            use quench_theory::hopfield;
            let capacity = hopfield::capacity_at_temperature(args.temperature).map_err(failure)?;
            let states = args
                .alpha
                .map(|alpha| hopfield::saddle_points(alpha, args.temperature))
                .transpose()
                .map_err(failure)?;
            let document = serde_json::json!({
                "temperature": args.temperature,
                "alpha_c": capacity.alpha_c,
                "m": capacity.m,
                "capacity": capacity,
                "glass_temperature_at_alpha_c": hopfield::glass_temperature(capacity.alpha_c).map_err(failure)?,
                "alpha": args.alpha,
                "states": states,
            });
            emit(&document, args.json, out, || {
                println!(
                    "Hopfield network (AGS, replica symmetric), T = {}: alpha_c = {:.6}, m = {:.6} (error fraction {:.5})",
                    args.temperature, capacity.alpha_c, capacity.m, capacity.error_fraction
                );
                for state in states.iter().flatten() {
                    println!(
                        "  alpha = {}: {:?} m = {:.6} q = {:.6} r = {:.6} f = {:.6} stable = {}",
                        state.alpha,
                        state.branch,
                        state.m,
                        state.q,
                        state.r,
                        state.free_energy,
                        state.stable
                    );
                }
            })?;
        }
        TheoryCommand::Sparse(args) => {
            use quench_theory::cavity::{GraphEnsemble, instability_temperature};
            let couplings = if args.couplings == "pm1" {
                CouplingDistribution::PlusMinusOne
            } else {
                CouplingDistribution::Gaussian
            };
            let degree = args.degree;
            let graph = match args.graph {
                Graph::Regular => {
                    if degree.fract() != 0.0 || !(2.0..=10_000.0).contains(&degree) {
                        return Err(RunError::Input(format!(
                            "--degree {degree}: with --graph regular the degree is an integer in 2..=10000 \
                             (use --graph erdos-renyi for a mean degree)"
                        )));
                    }
                    GraphEnsemble::RandomRegular {
                        degree: degree as usize,
                    }
                }
                Graph::ErdosRenyi => GraphEnsemble::ErdosRenyi {
                    mean_degree: degree,
                },
            };
            // Every failure here is about --degree: out of range, or a graph
            // without a transition (degree 2, mean degree <= 1).
            let critical =
                instability_temperature(graph, couplings).map_err(|error| match error {
                    TheoryError::Parameter(p) => {
                        RunError::Input(format!("--degree {}: allowed is {}", p.value, p.allowed))
                    }
                    TheoryError::NoSolution { reason, .. } => {
                        RunError::Input(format!("--degree {degree}: {reason}"))
                    }
                    other => RunError::theory("theory")(other),
                })?;
            let (name, condition) = match graph {
                GraphEnsemble::RandomRegular { .. } => (
                    "regular",
                    "(c - 1) E[tanh^2(J / T_c)] = 1 (paramagnetic instability of belief propagation)",
                ),
                GraphEnsemble::ErdosRenyi { .. } => (
                    "erdos-renyi",
                    "c E[tanh^2(J / T_c)] = 1 (paramagnetic instability of belief propagation; Poisson(c) excess degrees)",
                ),
            };
            let document = serde_json::json!({
                "graph": name,
                "degree": match graph {
                    GraphEnsemble::RandomRegular { degree } => serde_json::json!(degree),
                    GraphEnsemble::ErdosRenyi { mean_degree } => serde_json::json!(mean_degree),
                },
                "mean_degree": graph.mean_degree(),
                "mean_excess_degree": graph.mean_excess_degree(),
                "couplings": args.couplings,
                "critical_temperature": critical,
                "condition": condition,
            });
            emit(&document, args.json, out, || match graph {
                GraphEnsemble::RandomRegular { degree } => println!(
                    "random {degree}-regular graph, {} couplings: T_c = {critical:.10} from (c-1) E tanh^2(J/T_c) = 1",
                    args.couplings
                ),
                GraphEnsemble::ErdosRenyi { mean_degree } => println!(
                    "Erdős–Rényi graph of mean degree {mean_degree}, {} couplings: T_c = {critical:.10} from c E tanh^2(J/T_c) = 1",
                    args.couplings
                ),
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16 item 10: a theory point that cannot be computed exits with a
    /// reason, 2 for a parameter outside the domain and 1 for a numerical failure.
    #[test]
    fn theory_failures_map_to_exit_status_2_or_1() {
        let domain =
            quench_theory::sk::replica_symmetry_breaking(1e-4, 0.0, 1, &ParisiOptions::fast())
                .unwrap_err();
        let error = failure(domain);
        assert_eq!(error.exit_status(), 2);
        assert!(error.to_string().contains("--temperature"), "{error}");
        let numerical = TheoryError::NotConverged {
            method: "the one-step Parisi minimisation",
            iterations: 7,
            residual: 1.0,
            tolerance: 1e-3,
            advice: "no number is given at this point",
        };
        let error = failure(numerical);
        assert_eq!(error.exit_status(), 1);
        assert!(error.to_string().contains("did not converge"), "{error}");
    }
}
