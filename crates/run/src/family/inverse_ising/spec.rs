//! The spec of an inverse-Ising experiment (`model = "fully-visible"`):
//! schema and validation, every error located in the file.
//!
//! ```toml
//! name = "inverse-ising"
//! seed = 1985
//! [model]
//! model = "fully-visible"          # a fully visible Boltzmann machine learns the teacher back
//! [teacher]                        # any quench model: its samples' Boltzmann measure is the data's
//! model = "sk"
//! n = 16
//! [data]
//! temperatures = [2.0, 1.0, 0.7]   # a grid key: J / T is what is learned
//! configurations = [100, 1000, 10000]  # data sizes: prefixes of one series per sample
//! spacing = 2                      # tempering rounds (a sweep of every rung, then exchanges) between configurations
//! equilibration = 1000             # rounds before the first
//! ladder = 8                       # rungs of the tempering ladder, geometric from T
//! ladder_maximum = 3.0             # the hottest rung's temperature (at least T)
//! [inference]
//! methods = ["learning", "mean-field", "tap", "pseudo-likelihood"]
//! moments = "exact"                # learning: "exact" (N <= 24) or "monte-carlo"
//! learning_rate = 0.5              # exact: first step; monte-carlo: every step
//! iterations = 5000                # exact: most iterations; monte-carlo: the iterations
//! tolerance = 1e-6                 # exact: stop when every gradient component is below it
//! weight_decay = 0.0               # learning: the penalty (lambda / 2) sum J^2
//! regularisation = 0.0             # pseudo-likelihood: the same penalty, per spin
//! chains = 16                      # monte-carlo: tempering ladders
//! sweeps = 10                      # monte-carlo: measured rounds per update
//! chain_temperatures = [1.0, 1.4, 2.0]  # monte-carlo: the learning chains' ladder (first 1)
//! [ensemble]
//! samples = 4                      # teacher samples (the same sample at every temperature)
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_core::{Ensemble, ModelSpec};
use quench_learn::boltzmann::visible::{
    LearningOptions, MAX_VISIBLE_EXACT, ModelMoments, MonteCarloMoments, PseudoLikelihoodOptions,
};
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The largest teacher (spins): every method is at least $O(N^2)$ per
/// configuration, and Monte Carlo learning $O(N^2)$ per measured sweep.
const MAX_SPINS: usize = 4096;

/// The largest data size.
const MAX_CONFIGURATIONS: usize = 10_000_000;

/// Whether a spec is an inverse-Ising experiment: `model = "fully-visible"`.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "fully-visible")
}

/// The model of inverse-Ising experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    vec![ModelInfo {
        name: "fully-visible",
        aliases: &[],
        description: "fully visible Boltzmann machine learning the couplings of a teacher model (any quench model, [teacher]) back from its Boltzmann samples: the learning rule (exact or Monte Carlo moments), naive mean-field and TAP inversion, pseudo-likelihood",
        hamiltonian: "p(s) = exp(sum_{i<j} J_ij s_i s_j + sum_i h_i s_i) / Z, learned J against J*/T",
        size_key: "temperatures",
        parameters: vec![ParameterInfo {
            key: "model",
            meaning: "the learning machine (the teacher is the [teacher] table)",
            allowed: "\"fully-visible\"",
            default: None,
        }],
    }]
}

/// One inference method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The Ackley–Hinton–Sejnowski learning rule.
    Learning,
    /// Naive mean-field inversion.
    MeanField,
    /// TAP inversion.
    Tap,
    /// Pseudo-likelihood maximisation.
    PseudoLikelihood,
}

impl Method {
    /// Every method, in the order of the tables.
    pub const ALL: [Method; 4] = [
        Method::Learning,
        Method::MeanField,
        Method::Tap,
        Method::PseudoLikelihood,
    ];

    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Learning => "learning",
            Method::MeanField => "mean-field",
            Method::Tap => "tap",
            Method::PseudoLikelihood => "pseudo-likelihood",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    #[serde(default)]
    description: String,
    seed: u64,
    #[allow(dead_code)]
    model: RawModel,
    teacher: ModelSpec,
    data: RawData,
    inference: RawInference,
    #[serde(default)]
    ensemble: RawEnsemble,
    #[serde(default)]
    output: RawOutput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[allow(dead_code)]
    model: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    temperatures: Vec<f64>,
    configurations: Vec<usize>,
    #[serde(default = "default_spacing")]
    spacing: u64,
    #[serde(default = "default_equilibration")]
    equilibration: u64,
    #[serde(default = "default_ladder")]
    ladder: usize,
    #[serde(default = "default_ladder_maximum")]
    ladder_maximum: f64,
}

fn default_spacing() -> u64 {
    2
}
fn default_equilibration() -> u64 {
    1000
}
fn default_ladder() -> usize {
    8
}
fn default_ladder_maximum() -> f64 {
    3.0
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInference {
    methods: Vec<String>,
    #[serde(default = "default_moments")]
    moments: String,
    #[serde(default)]
    learning_rate: Option<f64>,
    #[serde(default)]
    iterations: Option<usize>,
    #[serde(default = "default_tolerance")]
    tolerance: f64,
    #[serde(default)]
    weight_decay: f64,
    #[serde(default)]
    regularisation: f64,
    #[serde(default)]
    chains: Option<usize>,
    #[serde(default)]
    sweeps: Option<u64>,
    #[serde(default)]
    chain_temperatures: Option<Vec<f64>>,
}

fn default_moments() -> String {
    "exact".into()
}
fn default_tolerance() -> f64 {
    1e-6
}

/// How the data are drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct DataOptions {
    /// Rounds between stored configurations.
    pub spacing: u64,
    /// Rounds before the first.
    pub equilibration: u64,
    /// Rungs of the tempering ladder.
    pub ladder: usize,
    /// The hottest rung's temperature.
    pub ladder_maximum: f64,
}

/// A validated inverse-Ising spec.
#[derive(Debug, Clone)]
pub struct InverseIsingSpec {
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
    /// The teacher's ensemble.
    pub teacher: Ensemble,
    /// The teacher's model, as written.
    pub teacher_spec: ModelSpec,
    /// Spins.
    pub n: usize,
    /// The temperatures (grid points).
    pub temperatures: Vec<f64>,
    /// Data sizes, ascending.
    pub configurations: Vec<usize>,
    /// How the data are drawn.
    pub data: DataOptions,
    /// The methods, in the order listed.
    pub methods: Vec<Method>,
    /// The learning rule's options.
    pub learning: LearningOptions,
    /// Pseudo-likelihood's options.
    pub pseudo_likelihood: PseudoLikelihoodOptions,
    /// Teacher samples.
    pub samples: u64,
    /// Seconds between checkpoints.
    pub checkpoint_seconds: f64,
}

impl InverseIsingSpec {
    /// The largest data size.
    pub fn largest(&self) -> usize {
        *self.configurations.last().expect("at least one size")
    }

    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [teacher], [data], [inference], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let teacher = raw
            .teacher
            .ensemble()
            .map_err(|e| r.at(&format!("teacher.{}", e.parameter), e.value, e.allowed))?;
        let n = teacher.n();
        if n > MAX_SPINS {
            return Err(r.at(
                "teacher",
                format!("{n} spins"),
                format!("at most {MAX_SPINS} spins"),
            ));
        }
        let d = &raw.data;
        if d.temperatures.is_empty() {
            return Err(r.at(
                "data.temperatures",
                "is empty",
                "a list of temperatures > 0",
            ));
        }
        for (k, &t) in d.temperatures.iter().enumerate() {
            if !(t.is_finite() && t > 0.0) {
                return Err(r.at(
                    &format!("data.temperatures[{k}]"),
                    format!("{t} is out of range"),
                    "a finite temperature > 0",
                ));
            }
            if d.temperatures[..k].contains(&t) {
                return Err(r.at(
                    &format!("data.temperatures[{k}]"),
                    format!("{t} is listed twice"),
                    "distinct temperatures",
                ));
            }
        }
        if d.configurations.is_empty() {
            return Err(r.at(
                "data.configurations",
                "is empty",
                "an ascending list of data sizes",
            ));
        }
        for (k, &m) in d.configurations.iter().enumerate() {
            if !(2..=MAX_CONFIGURATIONS).contains(&m) || (k > 0 && m <= d.configurations[k - 1]) {
                return Err(r.at(
                    &format!("data.configurations[{k}]"),
                    format!("{m} is out of range"),
                    format!("strictly ascending data sizes in 2..={MAX_CONFIGURATIONS}"),
                ));
            }
        }
        let largest = *d.configurations.last().expect("non-empty");
        if largest.saturating_mul(n) > 1 << 31 {
            return Err(r.at(
                "data.configurations",
                format!("{largest} configurations of {n} spins"),
                "at most 2^31 spins in all (the series is held in memory)",
            ));
        }
        if d.spacing == 0 {
            return Err(r.at("data.spacing", "0 rounds", "an integer >= 1"));
        }
        if d.ladder == 0 || d.ladder > 64 {
            return Err(r.at(
                "data.ladder",
                format!("{} rungs", d.ladder),
                "an integer in 1..=64",
            ));
        }
        let hottest = d.temperatures.iter().copied().fold(0.0, f64::max);
        let above = if d.ladder == 1 {
            d.ladder_maximum >= hottest
        } else {
            d.ladder_maximum > hottest
        };
        if !(d.ladder_maximum.is_finite() && above) {
            return Err(r.at(
                "data.ladder_maximum",
                format!("{} is out of range", d.ladder_maximum),
                format!(
                    "a finite temperature above the highest data temperature {hottest} (equal to it only with ladder = 1)"
                ),
            ));
        }
        let i = &raw.inference;
        if i.methods.is_empty() {
            return Err(r.at("inference.methods", "is empty", method_names()));
        }
        let mut methods = Vec::new();
        for (k, name) in i.methods.iter().enumerate() {
            let method = Method::parse(name).ok_or_else(|| {
                r.at(
                    &format!("inference.methods[{k}]"),
                    format!("unknown method {name:?}"),
                    method_names(),
                )
            })?;
            if methods.contains(&method) {
                return Err(r.at(
                    &format!("inference.methods[{k}]"),
                    format!("{name:?} is listed twice"),
                    "each method once",
                ));
            }
            methods.push(method);
        }
        let learns = methods.contains(&Method::Learning);
        let monte_carlo = match i.moments.as_str() {
            "exact" => false,
            "monte-carlo" => true,
            other => {
                return Err(r.at(
                    "inference.moments",
                    format!("unknown moments {other:?}"),
                    "\"exact\" (enumeration, N <= 24) or \"monte-carlo\" (tempering chains)",
                ));
            }
        };
        if learns && !monte_carlo && n > MAX_VISIBLE_EXACT {
            return Err(r.at(
                "inference.moments",
                format!("\"exact\" for {n} spins"),
                format!(
                    "\"exact\" up to {MAX_VISIBLE_EXACT} spins (2^N states per step); \"monte-carlo\" beyond"
                ),
            ));
        }
        for (key, given) in [
            ("chains", i.chains.is_some()),
            ("sweeps", i.sweeps.is_some()),
            ("chain_temperatures", i.chain_temperatures.is_some()),
        ] {
            if given && !monte_carlo {
                return Err(r.at(
                    &format!("inference.{key}"),
                    "applies to moments = \"monte-carlo\" only",
                    "",
                ));
            }
        }
        let moments = if monte_carlo {
            ModelMoments::MonteCarlo(MonteCarloMoments {
                chains: i.chains.unwrap_or(16),
                temperatures: i
                    .chain_temperatures
                    .clone()
                    .unwrap_or_else(|| vec![1.0, 1.4, 2.0]),
                sweeps: i.sweeps.unwrap_or(10),
                equilibration: 200,
            })
        } else {
            ModelMoments::Exact
        };
        let learning = LearningOptions {
            learning_rate: i
                .learning_rate
                .unwrap_or(if monte_carlo { 0.05 } else { 0.5 }),
            iterations: i
                .iterations
                .unwrap_or(if monte_carlo { 2000 } else { 5000 }),
            tolerance: i.tolerance,
            weight_decay: i.weight_decay,
            moments,
        };
        learning.validate().map_err(|e| match e {
            quench_learn::LearnError::Parameter(p) => {
                r.at(&format!("inference.{}", p.parameter), p.value, p.allowed)
            }
            other => r.at("inference", other.to_string(), ""),
        })?;
        let pseudo_likelihood = PseudoLikelihoodOptions {
            regularisation: i.regularisation,
            ..PseudoLikelihoodOptions::default()
        };
        if !(i.regularisation.is_finite() && i.regularisation >= 0.0) {
            return Err(r.at(
                "inference.regularisation",
                format!("{} is out of range", i.regularisation),
                "a number >= 0",
            ));
        }
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            teacher,
            teacher_spec: raw.teacher,
            n,
            temperatures: d.temperatures.clone(),
            configurations: d.configurations.clone(),
            data: DataOptions {
                spacing: d.spacing,
                equilibration: d.equilibration,
                ladder: d.ladder,
                ladder_maximum: d.ladder_maximum,
            },
            methods,
            learning,
            pseudo_likelihood,
            samples: raw.ensemble.samples,
            checkpoint_seconds,
        })
    }
}

fn method_names() -> String {
    Method::ALL
        .iter()
        .map(|m| format!("{:?}", m.name()))
        .collect::<Vec<_>>()
        .join(", ")
}
