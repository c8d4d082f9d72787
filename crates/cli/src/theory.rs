//! `quench theory`: replica, cavity, p-spin, perceptron, deep-network and
//! spiked-Wigner results from the command line.
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
    /// Spherical p-spin quenched from infinite temperature: the Cugliandolo-Kurchan equations for e(t), C(t, t_w), chi(t, t_w), with the asymptotic ageing state.
    #[command(
        after_help = "Examples:\n  quench theory pspin-dynamics --p 3 --temperature 0.5 --time 1000 --json\n  quench theory pspin-dynamics --p 3 --temperature 0.8 --time 100 --waiting-times 4,16 --out ck\n  quench theory pspin-dynamics --p 3 --temperature 0.62 --time 1e6 --equilibrium"
    )]
    PspinDynamics(PspinDynamicsArgs),
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
    /// Perceptron storage (Gardner): the capacity alpha_c(kappa) of spherical or binary weights, and the solution space at a load.
    #[command(
        after_help = "Examples:\n  quench theory perceptron --weights spherical --kappa 0 --json\n  quench theory perceptron --weights binary --kappa 0 --alpha 0.5"
    )]
    Perceptron(PerceptronArgs),
    /// Teacher-student perceptron: generalisation error of a Gibbs or Bayes-optimal student, the binary first-order transition.
    #[command(
        after_help = "Examples:\n  quench theory teacher-student --weights binary --learning bayes --alpha 1.4 --json\n  quench theory teacher-student --weights spherical --learning gibbs --alpha 3 --temperature 0.2 --label-noise 0.1"
    )]
    TeacherStudent(TeacherStudentArgs),
    /// Deep network of perceptrons (Yoshino, replica symmetric): the overlap profile q_l, Q_l through the layers at a load, or the load alpha_glass where replica symmetry first breaks.
    #[command(
        after_help = "Examples:\n  quench theory deep-network --depth 10 --alpha 3 --json\n  quench theory deep-network --depth 5 --kappa 0.5\n  quench theory deep-network --scenario teacher --depth 5 --alpha 8"
    )]
    DeepNetwork(DeepNetworkArgs),
    /// Spiked Wigner matrix: the Bayes-optimal overlap and MMSE of a rank-one spike (transition at snr = 1).
    #[command(
        after_help = "Example:\n  quench theory spiked-wigner --snr 2 --prior rademacher --json"
    )]
    SpikedWigner(SpikedWignerArgs),
}

#[derive(Args)]
pub struct PspinDynamicsArgs {
    /// Interaction order p >= 2 (p = 2 is spherical SK, solvable exactly).
    #[arg(long)]
    p: u32,
    /// Temperature after the quench, T > 0.
    #[arg(long, allow_negative_numbers = true)]
    temperature: f64,
    /// Last time of the integration (t = 10^4 takes about a second).
    #[arg(long, allow_negative_numbers = true)]
    time: f64,
    /// Waiting times t_w, comma separated (default: powers of two up to time/4).
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    waiting_times: Option<Vec<f64>>,
    /// Grid points per block, even, 32..=4096 (cost grows as points^3).
    #[arg(long, default_value_t = 256)]
    points: usize,
    /// Also the equilibrium correlation C(tau) at this temperature (mode-coupling near T_d), its plateau and relaxation time.
    #[arg(long)]
    equilibrium: bool,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Weights {
    /// On the sphere |w|^2 = N.
    Spherical,
    /// w_i = +1 or -1.
    Binary,
}

impl Weights {
    fn choice(self) -> theory::PerceptronWeights {
        match self {
            Weights::Spherical => theory::PerceptronWeights::Spherical,
            Weights::Binary => theory::PerceptronWeights::Binary,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DeepNetworkScenario {
    /// Random inputs with random outputs.
    Random,
    /// Labels of a teacher network of the same architecture.
    Teacher,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Learning {
    /// Drawn from the posterior at --temperature, weighted by the training errors.
    Gibbs,
    /// Bayes-optimal (the Nishimori temperature of --label-noise; --temperature is not used).
    Bayes,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SignalPrior {
    /// x_i = +1 or -1.
    Rademacher,
    /// x_i standard Gaussian.
    Gaussian,
}

#[derive(Args)]
pub struct PerceptronArgs {
    /// Spherical or binary weights.
    #[arg(long, value_enum)]
    weights: Weights,
    /// Margin kappa (stability threshold), kappa >= -10.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    kappa: f64,
    /// Also the overlap and entropy of the solution space at this load alpha = P/N.
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f64>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct TeacherStudentArgs {
    /// Weights of teacher and student.
    #[arg(long, value_enum)]
    weights: Weights,
    /// How the student is chosen.
    #[arg(long, value_enum, default_value = "bayes")]
    learning: Learning,
    /// Load alpha = P/N (examples per weight), alpha >= 0.
    #[arg(long, allow_negative_numbers = true)]
    alpha: f64,
    /// Temperature of the Gibbs student, T >= 0.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    temperature: f64,
    /// Probability that a teacher label is flipped, in [0, 1/2).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    label_noise: f64,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DeepNetworkArgs {
    /// Number of layers L (1..=1000): the inputs feed layer 1, layer L holds the outputs.
    #[arg(long)]
    depth: usize,
    /// random: random outputs (replica symmetric, its instability); teacher: a teacher network's labels, the student drawn from the Gardner volume (the Nishimori line, kappa = 0): the informed and uninformed branches.
    #[arg(long, value_enum, default_value = "random")]
    scenario: DeepNetworkScenario,
    /// Margin kappa of every neuron's gap, kappa >= -10.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    kappa: f64,
    /// The layer profile at this load alpha = M/c > 0 (patterns per weight of a perceptron); without it, the first instability alpha_glass.
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f64>,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct SpikedWignerArgs {
    /// Signal-to-noise ratio lambda >= 0 of Y = sqrt(lambda)/N x x^T + W.
    #[arg(long, allow_negative_numbers = true)]
    snr: f64,
    /// Prior of the spike.
    #[arg(long, value_enum, default_value = "rademacher")]
    prior: SignalPrior,
    /// Print one JSON document.
    #[arg(long)]
    json: bool,
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
        TheoryCommand::PspinDynamics(args) => {
            let parameters = theory::PspinDynamicsParameters {
                p: args.p,
                temperature: args.temperature,
                time: args.time,
                waiting_times: args.waiting_times,
                points: args.points,
                equilibrium: args.equilibrium,
            };
            (theory::pspin_dynamics(&parameters, naming)?, args.json)
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
        TheoryCommand::Perceptron(args) => {
            let parameters = theory::PerceptronParameters {
                weights: args.weights.choice(),
                kappa: args.kappa,
                alpha: args.alpha,
            };
            (theory::perceptron(&parameters, naming)?, args.json)
        }
        TheoryCommand::TeacherStudent(args) => {
            let parameters = theory::TeacherStudentParameters {
                weights: args.weights.choice(),
                learning: match args.learning {
                    Learning::Gibbs => theory::Learning::Gibbs,
                    Learning::Bayes => theory::Learning::Bayes,
                },
                alpha: args.alpha,
                temperature: args.temperature,
                label_noise: args.label_noise,
            };
            (theory::teacher_student(&parameters, naming)?, args.json)
        }
        TheoryCommand::DeepNetwork(args) => {
            let parameters = theory::DeepNetworkParameters {
                scenario: match args.scenario {
                    DeepNetworkScenario::Random => theory::DeepNetworkScenario::Random,
                    DeepNetworkScenario::Teacher => theory::DeepNetworkScenario::Teacher,
                },
                depth: args.depth,
                kappa: args.kappa,
                alpha: args.alpha,
            };
            (theory::deep_network(&parameters, naming)?, args.json)
        }
        TheoryCommand::SpikedWigner(args) => {
            let parameters = theory::SpikedWignerParameters {
                snr: args.snr,
                prior: match args.prior {
                    SignalPrior::Rademacher => theory::SignalPrior::Rademacher,
                    SignalPrior::Gaussian => theory::SignalPrior::Gaussian,
                },
            };
            (theory::spiked_wigner(&parameters, naming)?, args.json)
        }
    };
    emit(result, json, out)
}
