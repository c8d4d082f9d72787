//! The computations behind `quench theory`, as library calls: replica,
//! cavity and p-spin results of [`quench_theory`], each as the JSON
//! document `quench theory ... --json` prints and the human summary it
//! prints without `--json`.
//!
//! ```text
//! SkParameters ──sk──> TheoryResult { document, summary }
//! AtLineParameters ──sk_at_line──> ...    PspinParameters ──pspin──> ...
//! HopfieldParameters ──hopfield──> ...    SparseParameters ──sparse──> ...
//! PerceptronParameters ──perceptron──> ... TeacherStudentParameters ──teacher_student──> ...
//! DeepNetworkParameters ──deep_network──> ... SpikedWignerParameters ──spiked_wigner──> ...
//! ```
//!
//! The command line parses its flags into these parameters and prints the
//! result (adding `quench_version` to the document); the Python package
//! calls the same functions. The choices ([`Breaking`], [`Accuracy`],
//! [`Graph`], [`SparseCouplings`], [`PerceptronWeights`], [`Learning`],
//! [`SignalPrior`]) parse from the lowercase names the
//! command line uses (`"1rsb"`, `"erdos-renyi"`, `"pm1"`, ...).
//!
//! Errors follow the command line's exit statuses: a parameter outside its
//! domain is [`RunError::Input`] (status 2), a solver that did not converge
//! is [`RunError::Theory`] (status 1). Messages name the parameter as the
//! caller spells it ([`Naming`]): `--temperature` on the command line,
//! `temperature` from Python.

use std::fmt;
use std::str::FromStr;

use quench_core::CouplingDistribution;
use quench_theory::TheoryError;
use quench_theory::sk::ParisiOptions;

use crate::error::RunError;

/// How error messages name a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// As a command-line flag: `--temperature`, `--degree` (underscores become dashes).
    Flag,
    /// As a function argument: `temperature`, `degree`.
    Argument,
}

impl Naming {
    /// The name of `parameter` (as `quench_theory` spells it, `snake_case`).
    pub fn name(self, parameter: &str) -> String {
        match self {
            Naming::Flag => format!("--{}", parameter.replace('_', "-")),
            Naming::Argument => parameter.to_string(),
        }
    }

    /// `parameter` with its value: `--degree 2.5` or `degree = 2.5`.
    pub fn setting(self, parameter: &str, value: impl fmt::Display) -> String {
        match self {
            Naming::Flag => format!("{} {value}", self.name(parameter)),
            Naming::Argument => format!("{} = {value}", self.name(parameter)),
        }
    }

    /// A parameter outside the supported domain is bad input (status 2); a
    /// solver that did not converge is a failure (status 1).
    pub fn failure(self, error: TheoryError) -> RunError {
        match error {
            TheoryError::Parameter(p) => {
                RunError::Input(format!("{}: {p}", self.name(p.parameter)))
            }
            other => RunError::theory("theory")(other),
        }
    }
}

/// What one theory command gives.
#[derive(Debug, Clone, PartialEq)]
pub struct TheoryResult {
    /// The result as `quench theory ... --json` prints it, without
    /// `quench_version` (which the command line adds).
    pub document: serde_json::Value,
    /// The human text `quench theory ...` prints without `--json`, its lines
    /// joined by `'\n'` (no final newline).
    pub summary: String,
}

impl TheoryResult {
    fn new<T: serde::Serialize>(value: &T, lines: Vec<String>) -> Result<Self, RunError> {
        Ok(Self {
            document: serde_json::to_value(value).map_err(|e| RunError::Encoding(e.to_string()))?,
            summary: lines.join("\n"),
        })
    }
}

/// An unknown name for a choice: the message lists the allowed names.
pub(crate) fn unknown(what: &str, given: &str, allowed: &[&str]) -> String {
    format!(
        "{what} {given:?} is not known; allowed: {}",
        allowed
            .iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Implements `name`, `NAMES`, `FromStr` and `Display` for a choice.
macro_rules! choice {
    ($type:ident, $what:literal, $($variant:ident => $name:literal),+ $(,)?) => {
        impl $type {
            /// Every name, in order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The lowercase name the command line uses.
            pub fn name(self) -> &'static str {
                match self {
                    $($type::$variant => $name),+
                }
            }
        }

        impl FromStr for $type {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($name => Ok($type::$variant),)+
                    _ => Err(unknown($what, text, Self::NAMES)),
                }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

mod dynamics;
mod learning;

pub use dynamics::{PspinDynamicsParameters, pspin_dynamics};

pub use learning::{
    DeepNetworkParameters, DeepNetworkScenario, Learning, PerceptronParameters, PerceptronWeights,
    SignalPrior, SpikedWignerParameters, TeacherStudentParameters, deep_network, perceptron,
    spiked_wigner, teacher_student,
};

/// The level of replica-symmetry breaking of an SK solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaking {
    /// Replica symmetric (`"rs"`).
    ReplicaSymmetric,
    /// One step of replica-symmetry breaking (`"1rsb"`).
    OneStep,
    /// Two steps (`"2rsb"`).
    TwoSteps,
    /// Full replica-symmetry breaking (Parisi), extrapolated in the number of steps (`"full"`).
    Full,
}

choice!(Breaking, "rsb", ReplicaSymmetric => "rs", OneStep => "1rsb", TwoSteps => "2rsb", Full => "full");

/// Numerical accuracy of the Parisi solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accuracy {
    /// About $10^{-6}$ at $T > 0$ in tens of milliseconds (`"fast"`).
    Fast,
    /// About $10^{-7}$ and better, seconds at $T = 0$ (`"accurate"`).
    Accurate,
}

choice!(Accuracy, "accuracy", Fast => "fast", Accurate => "accurate");

/// Graph ensemble of a sparse spin glass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graph {
    /// Random regular graph: every site has `degree` neighbours, an integer in 2..=10000 (`"regular"`).
    Regular,
    /// Erdős–Rényi graph of mean degree `degree`, a real number in (0, 10000] (`"erdos-renyi"`).
    ErdosRenyi,
}

choice!(Graph, "graph", Regular => "regular", ErdosRenyi => "erdos-renyi");

/// Coupling distribution of a sparse spin glass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SparseCouplings {
    /// Gaussian couplings of mean 0 and variance 1 (`"gaussian"`).
    Gaussian,
    /// $J = \\pm 1$ with equal probability (`"pm1"`).
    PlusMinusOne,
}

choice!(SparseCouplings, "couplings", Gaussian => "gaussian", PlusMinusOne => "pm1");

/// `quench theory sk`: Sherrington–Kirkpatrick at one $(T, h)$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkParameters {
    /// Temperature $T \\ge 0$.
    pub temperature: f64,
    /// Uniform field $h$.
    pub field: f64,
    /// Level of replica-symmetry breaking.
    pub breaking: Breaking,
    /// Numerical accuracy of the Parisi solution (not used by the replica-symmetric one).
    pub accuracy: Accuracy,
}

/// `quench theory sk-at-line`: the de Almeida–Thouless field $h_{AT}(T)$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AtLineParameters {
    /// Temperature, $0 < T \\le 1$.
    pub temperature: f64,
}

/// `quench theory pspin`: thresholds of the p-spin glass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PspinParameters {
    /// Interaction order $p \\ge 3$.
    pub p: u32,
    /// Spherical spins (otherwise Ising spins).
    pub spherical: bool,
}

/// `quench theory hopfield`: the AGS capacity and, at a load, the saddle points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HopfieldParameters {
    /// Temperature, $0 \\le T < 1$.
    pub temperature: f64,
    /// Also solve the saddle-point equations at this load $\\alpha = P/N$ (every branch).
    pub alpha: Option<f64>,
}

/// `quench theory sparse`: the cavity (Bethe) critical temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SparseParameters {
    /// Graph ensemble.
    pub graph: Graph,
    /// Degree $c$ of the random regular graph, or mean degree of the Erdős–Rényi graph.
    pub degree: f64,
    /// Coupling distribution.
    pub couplings: SparseCouplings,
}

/// SK at one $(T, h)$: replica symmetric, one or two steps of replica-symmetry
/// breaking, or full (Parisi) breaking extrapolated in the number of steps.
pub fn sk(parameters: &SkParameters, naming: Naming) -> Result<TheoryResult, RunError> {
    let options = match parameters.accuracy {
        Accuracy::Fast => ParisiOptions::fast(),
        Accuracy::Accurate => ParisiOptions::accurate(),
    };
    let (t, h) = (parameters.temperature, parameters.field);
    let failure = |e| naming.failure(e);
    match parameters.breaking {
        Breaking::ReplicaSymmetric => {
            let s = quench_theory::sk::replica_symmetric(t, h).map_err(failure)?;
            let lines = vec![
                format!("SK, replica symmetric, T = {t}, h = {h}"),
                format!("  q = {:.10}   m = {:.10}", s.overlap, s.magnetisation),
                format!(
                    "  free energy {:.10}   energy {:.10}   entropy {:.10}",
                    s.free_energy, s.energy, s.entropy
                ),
                format!("  susceptibility beta(1-q) = {:.10}", s.susceptibility),
                format!("  stable (above the AT line): {}", s.stable),
            ];
            TheoryResult::new(&s, lines)
        }
        Breaking::OneStep | Breaking::TwoSteps => {
            let steps = if parameters.breaking == Breaking::OneStep {
                1
            } else {
                2
            };
            let s = quench_theory::sk::replica_symmetry_breaking(t, h, steps, &options)
                .map_err(failure)?;
            let mut lines = vec![
                format!(
                    "SK, {steps}-step RSB, T = {t}, h = {h} ({} steps used)",
                    s.steps
                ),
                format!(
                    "  free energy {:.10}   energy {:.10}",
                    s.free_energy, s.energy
                ),
            ];
            if let Some(entropy) = s.entropy {
                lines.push(format!("  entropy {entropy:.10}"));
            }
            lines.push(format!("  susceptibility {:.10}", s.susceptibility));
            for step in &s.order_parameter {
                lines.push(format!(
                    "  q = {:.8} for x in [{:.6}, {:.6}]",
                    step.overlap, step.x_low, step.x_high
                ));
            }
            TheoryResult::new(&s, lines)
        }
        Breaking::Full => {
            let s = quench_theory::sk::full_replica_symmetry_breaking(t, h, &options)
                .map_err(failure)?;
            let mut lines = vec![
                format!("SK, full RSB (Parisi), T = {t}, h = {h}"),
                format!(
                    "  free energy {:.9} ± {:.1e} (extrapolated in the number of steps; grid error {:.1e})",
                    s.free_energy, s.error_estimate, s.discretisation_error
                ),
                format!(
                    "  energy {:.9} ± {:.1e} (extrapolated; {:.9} with {} steps)",
                    s.energy, s.energy_error, s.solution.energy, s.solution.steps
                ),
            ];
            if let (Some(entropy), Some(error)) = (s.entropy, s.entropy_error) {
                lines.push(format!(
                    "  entropy {entropy:.3e} ± {error:.1e} (extrapolated)"
                ));
            }
            for c in &s.convergence {
                lines.push(format!("  k = {:>3}: f = {:.10}", c.steps, c.free_energy));
            }
            lines.push(format!(
                "  q(x), steps: {}",
                s.solution.order_parameter.len()
            ));
            lines.push("  use --json for q(x) and P(q)".to_string());
            TheoryResult::new(&s, lines)
        }
    }
}

/// The de Almeida–Thouless field $h_{AT}(T)$ of SK, $0 < T \\le 1$.
pub fn sk_at_line(parameters: &AtLineParameters, naming: Naming) -> Result<TheoryResult, RunError> {
    let point = quench_theory::sk::almeida_thouless_field(parameters.temperature)
        .map_err(|e| naming.failure(e))?;
    let line = format!(
        "de Almeida-Thouless line: h_AT({}) = {:.10} (q = {:.10})",
        point.temperature, point.field, point.overlap
    );
    TheoryResult::new(&point, vec![line])
}

/// The p-spin glass: dynamic and static (Kauzmann) temperatures, and for
/// spherical spins the plateau and the threshold energy.
pub fn pspin(parameters: &PspinParameters, naming: Naming) -> Result<TheoryResult, RunError> {
    let failure = |e| naming.failure(e);
    if parameters.spherical {
        let s = quench_theory::pspin::spherical_p_spin(parameters.p).map_err(failure)?;
        let lines = vec![
            format!(
                "spherical {}-spin: T_d = {:.10}, T_s = {:.10}",
                s.p, s.dynamic_temperature, s.static_temperature
            ),
            format!(
                "  plateau q_d = {:.10}, threshold energy {:.10}",
                s.plateau, s.threshold_energy
            ),
        ];
        TheoryResult::new(&s, lines)
    } else {
        let s = quench_theory::pspin::ising_p_spin(parameters.p).map_err(failure)?;
        let line = format!(
            "Ising {}-spin: T_d = {:.6}, T_s = {:.6}",
            s.p, s.dynamic_temperature, s.static_temperature
        );
        TheoryResult::new(&s, vec![line])
    }
}

/// The Hopfield network (Amit–Gutfreund–Sompolinsky, replica symmetric):
/// the capacity $\\alpha_c(T)$, the retrieval overlap there, and with
/// `alpha` every saddle point at that load.
pub fn hopfield(parameters: &HopfieldParameters, naming: Naming) -> Result<TheoryResult, RunError> {
    use quench_theory::hopfield;
    let failure = |e| naming.failure(e);
    let temperature = parameters.temperature;
    let capacity = hopfield::capacity_at_temperature(temperature).map_err(failure)?;
    let states = parameters
        .alpha
        .map(|alpha| hopfield::saddle_points(alpha, temperature))
        .transpose()
        .map_err(failure)?;
    let document = serde_json::json!({
        "temperature": temperature,
        "alpha_c": capacity.alpha_c,
        "m": capacity.m,
        "capacity": capacity,
        "glass_temperature_at_alpha_c": hopfield::glass_temperature(capacity.alpha_c).map_err(failure)?,
        "alpha": parameters.alpha,
        "states": states,
    });
    let mut lines = vec![format!(
        "Hopfield network (AGS, replica symmetric), T = {}: alpha_c = {:.6}, m = {:.6} (error fraction {:.5})",
        temperature, capacity.alpha_c, capacity.m, capacity.error_fraction
    )];
    for state in states.iter().flatten() {
        lines.push(format!(
            "  alpha = {}: {:?} m = {:.6} q = {:.6} r = {:.6} f = {:.6} stable = {}",
            state.alpha, state.branch, state.m, state.q, state.r, state.free_energy, state.stable
        ));
    }
    TheoryResult::new(&document, lines)
}

/// A spin glass on a random regular or Erdős–Rényi graph: the cavity
/// (Bethe) critical temperature, where the paramagnetic solution of belief
/// propagation becomes unstable.
pub fn sparse(parameters: &SparseParameters, naming: Naming) -> Result<TheoryResult, RunError> {
    use quench_theory::cavity::{GraphEnsemble, instability_temperature};
    let couplings = match parameters.couplings {
        SparseCouplings::PlusMinusOne => CouplingDistribution::PlusMinusOne,
        SparseCouplings::Gaussian => CouplingDistribution::Gaussian,
    };
    let degree = parameters.degree;
    let graph = match parameters.graph {
        Graph::Regular => {
            if degree.fract() != 0.0 || !(2.0..=10_000.0).contains(&degree) {
                return Err(RunError::Input(format!(
                    "{}: with {} the degree is an integer in 2..=10000 \
                     (use {} for a mean degree)",
                    naming.setting("degree", degree),
                    naming.setting("graph", display_choice(naming, "regular")),
                    naming.setting("graph", display_choice(naming, "erdos-renyi")),
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
    // Every failure here is about the degree: out of range, or a graph
    // without a transition (degree 2, mean degree <= 1).
    let critical = instability_temperature(graph, couplings).map_err(|error| match error {
        TheoryError::Parameter(p) => RunError::Input(format!(
            "{}: allowed is {}",
            naming.setting("degree", &p.value),
            p.allowed
        )),
        TheoryError::NoSolution { reason, .. } => {
            RunError::Input(format!("{}: {reason}", naming.setting("degree", degree)))
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
    let couplings_name = parameters.couplings.name();
    let document = serde_json::json!({
        "graph": name,
        "degree": match graph {
            GraphEnsemble::RandomRegular { degree } => serde_json::json!(degree),
            GraphEnsemble::ErdosRenyi { mean_degree } => serde_json::json!(mean_degree),
        },
        "mean_degree": graph.mean_degree(),
        "mean_excess_degree": graph.mean_excess_degree(),
        "couplings": couplings_name,
        "critical_temperature": critical,
        "condition": condition,
    });
    let line = match graph {
        GraphEnsemble::RandomRegular { degree } => format!(
            "random {degree}-regular graph, {couplings_name} couplings: T_c = {critical:.10} from (c-1) E tanh^2(J/T_c) = 1"
        ),
        GraphEnsemble::ErdosRenyi { mean_degree } => format!(
            "Erdős–Rényi graph of mean degree {mean_degree}, {couplings_name} couplings: T_c = {critical:.10} from c E tanh^2(J/T_c) = 1"
        ),
    };
    TheoryResult::new(&document, vec![line])
}

/// A choice's value as the caller writes it: bare after a flag, quoted as an argument.
fn display_choice(naming: Naming, name: &str) -> String {
    match naming {
        Naming::Flag => name.to_string(),
        Naming::Argument => format!("{name:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(document: &serde_json::Value, key: &str) -> f64 {
        document[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} in {document}"))
    }

    /// Issue 16 item 10: a theory point that cannot be computed exits with a
    /// reason, 2 for a parameter outside the domain and 1 for a numerical
    /// failure; the parameter is named as the caller spells it.
    #[test]
    fn theory_failures_map_to_exit_status_2_or_1() {
        for (naming, name) in [
            (Naming::Flag, "--temperature:"),
            (Naming::Argument, "temperature:"),
        ] {
            let domain =
                quench_theory::sk::replica_symmetry_breaking(1e-4, 0.0, 1, &ParisiOptions::fast())
                    .unwrap_err();
            let error = naming.failure(domain);
            assert_eq!(error.exit_status(), 2);
            assert!(error.to_string().starts_with(name), "{error}");
            let numerical = TheoryError::NotConverged {
                method: "the one-step Parisi minimisation",
                iterations: 7,
                residual: 1.0,
                tolerance: 1e-3,
                advice: "no number is given at this point",
            };
            let error = naming.failure(numerical);
            assert_eq!(error.exit_status(), 1);
            assert!(error.to_string().contains("did not converge"), "{error}");
        }
        let sk_error = |naming| {
            sk(
                &SkParameters {
                    temperature: -1.0,
                    field: 0.0,
                    breaking: Breaking::ReplicaSymmetric,
                    accuracy: Accuracy::Fast,
                },
                naming,
            )
            .unwrap_err()
        };
        assert!(
            sk_error(Naming::Flag)
                .to_string()
                .starts_with("--temperature: ")
        );
        assert!(
            sk_error(Naming::Argument)
                .to_string()
                .starts_with("temperature: ")
        );
        let regular = |naming, degree| {
            sparse(
                &SparseParameters {
                    graph: Graph::Regular,
                    degree,
                    couplings: SparseCouplings::PlusMinusOne,
                },
                naming,
            )
            .unwrap_err()
        };
        for degree in [2.5, 2.0] {
            let flag = regular(Naming::Flag, degree);
            assert_eq!(flag.exit_status(), 2);
            assert!(flag.to_string().starts_with("--degree "), "{flag}");
            let argument = regular(Naming::Argument, degree);
            assert_eq!(argument.exit_status(), 2);
            assert!(argument.to_string().starts_with("degree = "), "{argument}");
        }
        assert!(
            regular(Naming::Argument, 2.5)
                .to_string()
                .contains("graph = \"erdos-renyi\""),
        );
    }

    /// The choices parse from the command line's names, and an unknown name
    /// lists the allowed ones.
    #[test]
    fn choices_parse_from_their_names() {
        for name in Breaking::NAMES {
            assert_eq!(name.parse::<Breaking>().unwrap().name(), *name);
        }
        assert_eq!("1rsb".parse::<Breaking>(), Ok(Breaking::OneStep));
        assert_eq!("erdos-renyi".parse::<Graph>(), Ok(Graph::ErdosRenyi));
        assert_eq!(
            "pm1".parse::<SparseCouplings>(),
            Ok(SparseCouplings::PlusMinusOne)
        );
        assert_eq!("accurate".parse::<Accuracy>(), Ok(Accuracy::Accurate));
        let error = "3rsb".parse::<Breaking>().unwrap_err();
        assert_eq!(
            error,
            "rsb \"3rsb\" is not known; allowed: \"rs\", \"1rsb\", \"2rsb\", \"full\""
        );
    }

    /// Replica-symmetric SK at $T = 0.5$, $h = 0$: below $T_c = 1$ the
    /// overlap is positive (and the solution unstable, below the AT line).
    #[test]
    fn sk_replica_symmetric_orders_below_the_critical_temperature() {
        let result = sk(
            &SkParameters {
                temperature: 0.5,
                field: 0.0,
                breaking: Breaking::ReplicaSymmetric,
                accuracy: Accuracy::Fast,
            },
            Naming::Argument,
        )
        .unwrap();
        let q = number(&result.document, "overlap");
        assert!(q > 0.1 && q < 1.0, "q = {q}");
        assert_eq!(result.document["stable"], false);
        assert!(
            result
                .summary
                .starts_with("SK, replica symmetric, T = 0.5, h = 0\n")
        );
        assert_eq!(result.summary.lines().count(), 5);
    }

    /// The AT line ends at $h_{AT}(1) = 0$.
    #[test]
    fn almeida_thouless_field_vanishes_at_the_critical_temperature() {
        let result = sk_at_line(&AtLineParameters { temperature: 1.0 }, Naming::Argument).unwrap();
        assert!(
            number(&result.document, "field").abs() < 1e-6,
            "{}",
            result.document
        );
        let below = sk_at_line(&AtLineParameters { temperature: 0.8 }, Naming::Argument).unwrap();
        assert!(number(&below.document, "field") > 0.1);
    }

    /// Spherical 3-spin (Crisanti–Sommers): $T_d = \\sqrt{3/8}$.
    #[test]
    fn spherical_three_spin_dynamic_temperature() {
        let result = pspin(
            &PspinParameters {
                p: 3,
                spherical: true,
            },
            Naming::Argument,
        )
        .unwrap();
        let t_d = number(&result.document, "dynamic_temperature");
        assert!((t_d - (3.0f64 / 8.0).sqrt()).abs() < 1e-8, "T_d = {t_d}");
        assert!(number(&result.document, "static_temperature") < t_d);
        assert!(
            result
                .summary
                .starts_with("spherical 3-spin: T_d = 0.6123724357")
        );
    }

    /// Hopfield capacity at $T = 0$: $\\alpha_c \\approx 0.138$.
    #[test]
    fn hopfield_capacity_at_zero_temperature() {
        let result = hopfield(
            &HopfieldParameters {
                temperature: 0.0,
                alpha: Some(0.05),
            },
            Naming::Argument,
        )
        .unwrap();
        let alpha_c = number(&result.document, "alpha_c");
        assert!((alpha_c - 0.138).abs() < 0.001, "alpha_c = {alpha_c}");
        assert!(!result.document["states"].as_array().unwrap().is_empty());
        assert!(result.summary.lines().count() >= 2);
    }

    /// Random 3-regular graph, $\\pm J$: $T_c = 1/\\operatorname{atanh}(1/\\sqrt 2)$.
    #[test]
    fn regular_pm1_bethe_critical_temperature() {
        let result = sparse(
            &SparseParameters {
                graph: Graph::Regular,
                degree: 3.0,
                couplings: SparseCouplings::PlusMinusOne,
            },
            Naming::Argument,
        )
        .unwrap();
        let t_c = number(&result.document, "critical_temperature");
        let exact = 1.0 / (1.0 / 2.0f64.sqrt()).atanh();
        assert!((t_c - exact).abs() < 1e-8, "T_c = {t_c}, exact {exact}");
        assert_eq!(result.document["degree"], 3);
        assert_eq!(result.document["couplings"], "pm1");
    }
}
