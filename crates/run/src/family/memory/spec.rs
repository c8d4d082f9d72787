//! The spec of an associative-memory experiment (`model = "hopfield"` or
//! `"dense-memory"`): schema and validation, every error located in the file.
//!
//! ```toml
//! name = "hopfield-capacity"
//! seed = 2026
//! [model]
//! model = "hopfield"          # or "dense-memory"
//! distribution = "unbiased"   # or "biased" with bias = a
//! [grid]
//! n = [500, 1000, 2000]
//! alpha = [0.05, 0.1, 0.15]   # hopfield: loads P/N
//! temperature = [0.0]         # hopfield: 0 = zero-temperature dynamics, > 0 Glauber
//! [ensemble]
//! samples = 24
//! [algorithm]
//! method = "retrieval"        # dense-memory: "capacity"
//! dynamics = "asynchronous"   # or "synchronous" (T = 0 only)
//! order = "random"            # or "sequential"
//! sweeps = 60
//! initial_overlap = 1.0
//! retrieval_threshold = 0.9
//! ```
//!
//! A dense memory names its `interaction` (`polynomial`,
//! `rectified-polynomial` with `degree`, `exponential`, `log-sum-exp` with
//! `sharpness`) and searches, for each `n`, the largest number of patterns
//! retrieved: `[algorithm]` keys `initial_error`, `allowed_error`,
//! `required_success`, `tested_patterns`, `lower`, `upper`, `sweeps`, `order`.

use quench_learn::dense::Interaction;
use quench_learn::dynamics::UpdateOrder;
use quench_learn::patterns::BinaryDistribution;
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The model names this module runs.
pub const MEMORY_MODELS: [&str; 2] = ["hopfield", "dense-memory"];

/// The `[algorithm] method` values of associative-memory experiments.
pub const MEMORY_METHODS: [&str; 2] = ["retrieval", "capacity"];

/// The models of memory experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let n = ParameterInfo {
        key: "n",
        meaning: "number of neurons N (a grid key)",
        allowed: "an integer >= 1",
        default: None,
    };
    let distribution = ParameterInfo {
        key: "distribution",
        meaning: "distribution of the stored patterns",
        allowed: "\"unbiased\" or \"biased\" (with bias = a in (-1, 1))",
        default: Some("\"unbiased\""),
    };
    vec![
        ModelInfo {
            name: "hopfield",
            aliases: &[],
            description: "Hopfield network with Hebbian couplings, started at a stored pattern ([algorithm] method = \"retrieval\"; the grid varies n, alpha = P/N and temperature)",
            hamiltonian: "H = -sum_{i<j} J_ij s_i s_j, J_ij = (1/N) sum_mu xi_i^mu xi_j^mu",
            size_key: "n",
            parameters: vec![
                n.clone(),
                distribution.clone(),
                ParameterInfo {
                    key: "alpha",
                    meaning: "loads P/N (a grid key)",
                    allowed: "numbers > 0",
                    default: None,
                },
                ParameterInfo {
                    key: "temperature",
                    meaning: "temperatures (a grid key): 0 runs zero-temperature dynamics, > 0 Glauber",
                    allowed: "numbers >= 0",
                    default: Some("[0.0]"),
                },
            ],
        },
        ModelInfo {
            name: "dense-memory",
            aliases: &[],
            description: "dense associative memory with an interaction function F of the pattern overlaps ([algorithm] method = \"capacity\" finds the largest number of patterns retrieved at each n)",
            hamiltonian: "E = -sum_mu F(sum_i xi_i^mu s_i)",
            size_key: "n",
            parameters: vec![
                n,
                distribution,
                ParameterInfo {
                    key: "interaction",
                    meaning: "the function F",
                    allowed: "\"polynomial\" or \"rectified-polynomial\" (with degree), \"exponential\", \"log-sum-exp\" (with sharpness)",
                    default: None,
                },
                ParameterInfo {
                    key: "degree",
                    meaning: "the power of a (rectified) polynomial F(x) = x^degree",
                    allowed: "an integer from 1 to 64",
                    default: None,
                },
                ParameterInfo {
                    key: "sharpness",
                    meaning: "the inverse temperature of log-sum-exp",
                    allowed: "a number > 0",
                    default: None,
                },
            ],
        },
    ]
}

/// Whether the spec text is an associative-memory experiment (see
/// [`claims`]). A text that does not parse is not one.
pub fn is_memory_spec(source: &str) -> bool {
    toml::from_str::<toml::Table>(source).is_ok_and(|document| claims(&document))
}

/// Whether a spec is an associative-memory experiment: a dense memory, or
/// any spec whose `[algorithm] method` is `retrieval` or `capacity`
/// except a perceptron's (whose own capacity method is its family's). (A
/// Hopfield network sampled by parallel tempering is a spin-glass spec like
/// any other.)
pub fn claims(document: &toml::Table) -> bool {
    let text = |table: &str, key: &str| {
        document
            .get(table)
            .and_then(|t| t.get(key))
            .and_then(|v| v.as_str())
    };
    text("model", "model") == Some("dense-memory")
        || (text("algorithm", "method").is_some_and(|m| MEMORY_METHODS.contains(&m))
            && text("model", "model") != Some("perceptron"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    #[serde(default)]
    description: String,
    seed: u64,
    model: RawModel,
    grid: RawGrid,
    #[serde(default)]
    ensemble: RawEnsemble,
    #[serde(default)]
    algorithm: RawAlgorithm,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    model: String,
    #[serde(default)]
    distribution: Option<String>,
    #[serde(default)]
    bias: Option<f64>,
    #[serde(default)]
    interaction: Option<String>,
    #[serde(default)]
    degree: Option<u32>,
    #[serde(default)]
    sharpness: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    n: Vec<usize>,
    #[serde(default)]
    alpha: Option<Vec<f64>>,
    #[serde(default)]
    temperature: Option<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnsemble {
    samples: u64,
}

impl Default for RawEnsemble {
    fn default() -> Self {
        Self { samples: 16 }
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAlgorithm {
    method: Option<String>,
    dynamics: Option<String>,
    order: Option<String>,
    sweeps: Option<usize>,
    initial_overlap: Option<f64>,
    retrieval_threshold: Option<f64>,
    initial_error: Option<f64>,
    allowed_error: Option<f64>,
    required_success: Option<f64>,
    tested_patterns: Option<usize>,
    lower: Option<usize>,
    upper: Option<usize>,
}

/// Zero-temperature update scheme of a Hopfield experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroTemperatureDynamics {
    /// One spin at a time until a sweep changes nothing.
    Asynchronous,
    /// All spins at once until a fixed point or a 2-cycle.
    Synchronous,
}

/// One point of a Hopfield grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetrievalPoint {
    /// Index in the grid.
    pub index: usize,
    /// Neurons $N$.
    pub n: usize,
    /// Load $\alpha = P/N$.
    pub alpha: f64,
    /// Temperature (0: zero-temperature dynamics; otherwise Glauber).
    pub temperature: f64,
}

/// A Hopfield retrieval experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrievalExperiment {
    /// Grid points, `n` slowest, then `temperature`, then `alpha`.
    pub points: Vec<RetrievalPoint>,
    /// Update scheme at $T = 0$.
    pub zero_temperature: ZeroTemperatureDynamics,
    /// Visiting order of asynchronous sweeps.
    pub order: UpdateOrder,
    /// Sweep budget (zero temperature) or run length (Glauber).
    pub sweeps: usize,
    /// Overlap of the start with the pattern.
    pub initial_overlap: f64,
    /// Retrieved when the final overlap exceeds this.
    pub retrieval_threshold: f64,
}

/// A dense-memory capacity experiment: the largest $P$ retrieved at each $N$.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityExperiment {
    /// The sizes $N$.
    pub sizes: Vec<usize>,
    /// The energy's $F$.
    pub interaction: Interaction,
    /// Fraction of corrupted bits at the start.
    pub initial_error: f64,
    /// Largest fraction of wrong bits that counts as retrieved.
    pub allowed_error: f64,
    /// Probability of retrieval required to call $P$ stored.
    pub required_success: f64,
    /// Patterns tested per sample.
    pub tested_patterns: usize,
    /// Search range of $P$.
    pub lower: usize,
    /// Search range of $P$.
    pub upper: usize,
    /// Sweep budget of each retrieval.
    pub sweeps: usize,
    /// Visiting order.
    pub order: UpdateOrder,
}

/// What the experiment does.
#[derive(Debug, Clone, PartialEq)]
pub enum MemoryExperiment {
    /// Hopfield retrieval against load, size and temperature.
    Retrieval(RetrievalExperiment),
    /// Dense-memory capacity against size.
    Capacity(CapacityExperiment),
}

/// A validated associative-memory spec.
#[derive(Debug, Clone, PartialEq)]
pub struct MemorySpec {
    /// The file as given.
    pub file: String,
    /// Its text.
    pub source: String,
    /// Run name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Master seed.
    pub seed: u64,
    /// Pattern distribution.
    pub patterns: BinaryDistribution,
    /// Disorder samples per grid point.
    pub samples: u64,
    /// The experiment.
    pub experiment: MemoryExperiment,
}

const RETRIEVAL_KEYS: &str =
    "method, dynamics, order, sweeps, initial_overlap, retrieval_threshold";
const CAPACITY_KEYS: &str =
    "order, sweeps, initial_error, allowed_error, required_success, tested_patterns, lower, upper";

impl MemorySpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [grid], [ensemble], [algorithm]",
        );
        let raw: RawSpec = toml::from_str(source).map_err(|e| reporter.deserialisation(&e))?;
        let r = &reporter;
        r.run_name(&raw.name)?;
        let patterns = match (raw.model.distribution.as_deref(), raw.model.bias) {
            (None | Some("unbiased"), None) => BinaryDistribution::Unbiased,
            (Some("biased"), Some(bias)) if bias.is_finite() && bias.abs() < 1.0 => {
                BinaryDistribution::Biased { bias }
            }
            (Some("biased"), Some(bias)) => {
                return Err(r.at(
                    "model.bias",
                    format!("{bias} is out of range"),
                    "a number in (-1, 1)",
                ));
            }
            (Some("biased"), None) => {
                return Err(r.at(
                    "model.distribution",
                    "biased patterns need model.bias",
                    "bias = a with -1 < a < 1",
                ));
            }
            (None | Some("unbiased"), Some(_)) => {
                return Err(r.at(
                    "model.bias",
                    "bias applies to distribution = \"biased\" only",
                    "",
                ));
            }
            (Some(other), _) => {
                return Err(r.at(
                    "model.distribution",
                    format!("unknown pattern distribution {other:?}"),
                    "\"unbiased\" or \"biased\"",
                ));
            }
        };
        r.samples(raw.ensemble.samples)?;
        r.sizes(&raw.grid.n, 2, 1_000_000)?;
        let order = match raw.algorithm.order.as_deref() {
            None | Some("random") => UpdateOrder::Random,
            Some("sequential") => UpdateOrder::Sequential,
            Some(other) => {
                return Err(r.at(
                    "algorithm.order",
                    format!("unknown order {other:?}"),
                    "\"random\" or \"sequential\"",
                ));
            }
        };
        let a = &raw.algorithm;
        let method = a.method.as_deref();
        let experiment = match raw.model.model.as_str() {
            "hopfield" => {
                if method != Some("retrieval") {
                    return Err(r.at(
                        "algorithm.method",
                        format!("{method:?} is not a Hopfield retrieval method"),
                        "\"retrieval\" (or a spin-glass method such as \"parallel-tempering\" with model.patterns = P)",
                    ));
                }
                for (key, present) in [
                    ("model.interaction", raw.model.interaction.is_some()),
                    ("model.degree", raw.model.degree.is_some()),
                    ("model.sharpness", raw.model.sharpness.is_some()),
                ] {
                    if present {
                        return Err(r.at(key, "applies to model = \"dense-memory\" only", ""));
                    }
                }
                for (key, present) in [
                    ("algorithm.initial_error", a.initial_error.is_some()),
                    ("algorithm.allowed_error", a.allowed_error.is_some()),
                    ("algorithm.required_success", a.required_success.is_some()),
                    ("algorithm.tested_patterns", a.tested_patterns.is_some()),
                    ("algorithm.lower", a.lower.is_some()),
                    ("algorithm.upper", a.upper.is_some()),
                ] {
                    if present {
                        return Err(r.at(
                            key,
                            "is a dense-memory capacity key",
                            format!("for model = \"hopfield\": {RETRIEVAL_KEYS}"),
                        ));
                    }
                }
                MemoryExperiment::Retrieval(retrieval(r, &raw.grid, a, order)?)
            }
            "dense-memory" => {
                if !matches!(method, None | Some("capacity")) {
                    return Err(r.at(
                        "algorithm.method",
                        format!("{method:?} is not a dense-memory method"),
                        "\"capacity\"",
                    ));
                }
                if raw.grid.alpha.is_some() || raw.grid.temperature.is_some() {
                    let key = if raw.grid.alpha.is_some() {
                        "grid.alpha"
                    } else {
                        "grid.temperature"
                    };
                    return Err(r.at(
                        key,
                        "a dense-memory capacity run searches P at each n at zero temperature",
                        "grid.n only",
                    ));
                }
                for (key, present) in [
                    ("algorithm.dynamics", a.dynamics.is_some()),
                    ("algorithm.initial_overlap", a.initial_overlap.is_some()),
                    (
                        "algorithm.retrieval_threshold",
                        a.retrieval_threshold.is_some(),
                    ),
                ] {
                    if present {
                        return Err(r.at(
                            key,
                            "is a Hopfield retrieval key",
                            format!("for model = \"dense-memory\": {CAPACITY_KEYS}"),
                        ));
                    }
                }
                MemoryExperiment::Capacity(capacity(r, &raw, order)?)
            }
            other => {
                return Err(r.at(
                    "model.model",
                    format!("{other:?} is not an associative memory"),
                    MEMORY_MODELS.join(", "),
                ));
            }
        };
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            patterns,
            samples: raw.ensemble.samples,
            experiment,
        })
    }

    /// Reads and validates the spec file at `path`.
    pub fn read(path: &std::path::Path) -> Result<Self, crate::RunError> {
        let source = crate::runner::read_spec(path)?;
        Ok(Self::parse(&path.display().to_string(), &source)?)
    }
}

fn probability(
    r: &Reporter<'_>,
    key: &str,
    value: Option<f64>,
    default: f64,
    low: f64,
    high: f64,
) -> Result<f64, SpecError> {
    let value = value.unwrap_or(default);
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(r.at(
            key,
            format!("{value} is out of range"),
            format!("a number in [{low}, {high}]"),
        ))
    }
}

fn sweeps(r: &Reporter<'_>, value: Option<usize>, default: usize) -> Result<usize, SpecError> {
    let sweeps = value.unwrap_or(default);
    if (1..=1_000_000).contains(&sweeps) {
        Ok(sweeps)
    } else {
        Err(r.at(
            "algorithm.sweeps",
            format!("{sweeps} is out of range"),
            "an integer in 1..=1000000",
        ))
    }
}

fn retrieval(
    r: &Reporter<'_>,
    grid: &RawGrid,
    a: &RawAlgorithm,
    order: UpdateOrder,
) -> Result<RetrievalExperiment, SpecError> {
    let Some(alphas) = &grid.alpha else {
        return Err(r.at(
            "grid",
            "a Hopfield experiment needs grid.alpha",
            "alpha = [loads P/N > 0]",
        ));
    };
    r.loads(alphas, 10.0)?;
    for (i, &alpha) in alphas.iter().enumerate() {
        if let Some(&n) = grid.n.iter().find(|&&n| (alpha * n as f64).round() < 1.0) {
            return Err(r.at(
                &format!("grid.alpha[{i}]"),
                format!(
                    "alpha = {alpha} at n = {n} stores {} patterns, which rounds to none",
                    alpha * n as f64
                ),
                format!("alpha >= {} at n = {n} (one pattern)", 0.5 / n as f64),
            ));
        }
    }
    let temperatures = grid.temperature.clone().unwrap_or_else(|| vec![0.0]);
    if temperatures.is_empty() || temperatures.iter().any(|&t| !(t.is_finite() && t >= 0.0)) {
        return Err(r.at(
            "grid.temperature",
            "temperatures out of range",
            "a non-empty list of T >= 0 (0: zero-temperature dynamics)",
        ));
    }
    let zero_temperature = match a.dynamics.as_deref() {
        None | Some("asynchronous") => ZeroTemperatureDynamics::Asynchronous,
        Some("synchronous") => {
            if temperatures.iter().any(|&t| t > 0.0) {
                return Err(r.at(
                    "algorithm.dynamics",
                    "synchronous dynamics is zero-temperature; T > 0 in grid.temperature runs Glauber dynamics",
                    "\"asynchronous\" with T > 0, or only T = 0",
                ));
            }
            ZeroTemperatureDynamics::Synchronous
        }
        Some(other) => {
            return Err(r.at(
                "algorithm.dynamics",
                format!("unknown dynamics {other:?}"),
                "\"asynchronous\" or \"synchronous\"",
            ));
        }
    };
    let mut points = Vec::new();
    for &n in &grid.n {
        for &temperature in &temperatures {
            for &alpha in alphas {
                points.push(RetrievalPoint {
                    index: points.len(),
                    n,
                    alpha,
                    temperature,
                });
            }
        }
    }
    Ok(RetrievalExperiment {
        points,
        zero_temperature,
        order,
        sweeps: sweeps(r, a.sweeps, 100)?,
        initial_overlap: probability(
            r,
            "algorithm.initial_overlap",
            a.initial_overlap,
            1.0,
            -1.0,
            1.0,
        )?,
        retrieval_threshold: probability(
            r,
            "algorithm.retrieval_threshold",
            a.retrieval_threshold,
            0.9,
            -1.0,
            1.0,
        )?,
    })
}

fn capacity(
    r: &Reporter<'_>,
    raw: &RawSpec,
    order: UpdateOrder,
) -> Result<CapacityExperiment, SpecError> {
    let m = &raw.model;
    let interaction = match m.interaction.as_deref() {
        Some(kind @ ("polynomial" | "rectified-polynomial")) => {
            let Some(degree) = m.degree else {
                return Err(r.at(
                    "model.interaction",
                    format!("{kind} needs model.degree"),
                    "degree = n with 1 <= n <= 64",
                ));
            };
            if m.sharpness.is_some() {
                return Err(r.at("model.sharpness", "applies to log-sum-exp only", ""));
            }
            if kind == "polynomial" {
                Interaction::Polynomial { degree }
            } else {
                Interaction::RectifiedPolynomial { degree }
            }
        }
        Some("exponential") => Interaction::Exponential,
        Some("log-sum-exp") => Interaction::LogSumExp {
            sharpness: m.sharpness.unwrap_or(1.0),
        },
        Some(other) => {
            return Err(r.at(
                "model.interaction",
                format!("unknown interaction {other:?}"),
                "\"polynomial\", \"rectified-polynomial\", \"exponential\" or \"log-sum-exp\"",
            ));
        }
        None => {
            return Err(r.at(
                "model",
                "a dense memory needs model.interaction",
                "\"polynomial\", \"rectified-polynomial\", \"exponential\" or \"log-sum-exp\"",
            ));
        }
    };
    if let Err(e) = interaction.validate() {
        let key = match interaction {
            Interaction::LogSumExp { .. } => "model.sharpness",
            _ => "model.degree",
        };
        return Err(r.at(key, e.to_string(), ""));
    }
    let a = &raw.algorithm;
    let lower = a.lower.unwrap_or(2);
    let upper = a.upper.unwrap_or(1 << 20);
    if lower == 0 || upper < lower || upper > 1 << 24 {
        return Err(r.at(
            if a.upper.is_some() {
                "algorithm.upper"
            } else {
                "algorithm.lower"
            },
            format!("search range {lower}..={upper} is invalid"),
            "1 <= lower <= upper <= 16777216",
        ));
    }
    let tested_patterns = a.tested_patterns.unwrap_or(8);
    if tested_patterns == 0 {
        return Err(r.at(
            "algorithm.tested_patterns",
            "0 is out of range",
            "an integer >= 1",
        ));
    }
    let required_success = probability(
        r,
        "algorithm.required_success",
        a.required_success,
        0.9,
        0.0,
        1.0,
    )?;
    if required_success == 0.0 {
        return Err(r.at(
            "algorithm.required_success",
            "0 is out of range",
            "a probability in (0, 1]",
        ));
    }
    Ok(CapacityExperiment {
        sizes: raw.grid.n.clone(),
        interaction,
        initial_error: probability(r, "algorithm.initial_error", a.initial_error, 0.1, 0.0, 0.5)?,
        allowed_error: probability(
            r,
            "algorithm.allowed_error",
            a.allowed_error,
            0.01,
            0.0,
            0.5,
        )?,
        required_success,
        tested_patterns,
        lower,
        upper,
        sweeps: sweeps(r, a.sweeps, 100)?,
        order,
    })
}
