//! The spec of a restricted-Boltzmann-machine experiment (`model = "rbm"`):
//! schema and validation, every error located in the file.
//!
//! ```toml
//! name = "rbm-digits"
//! seed = 1985
//! [model]
//! model = "rbm"
//! hidden = [16]                 # hidden units (a grid key)
//! initial_scale = 0.01          # weights drawn from N(0, scale^2); visible biases from the data
//! visible_units = "binary"      # or "gaussian": real values standardised per column, v | h ~ N(b + Wh, 1)
//! [data]
//! source = "digits"             # "digits" (shipped), "csv", "idx" or "teacher"
//! binarisation = "threshold"    # or "bernoulli" (pixel on with probability value / maximum)
//! threshold = 0.5               # fraction of the value range (digits: pixel >= 8 of 16)
//! test_fraction = 0.2           # held out, stratified by class when there are labels
//! # source = "csv":  path = "mine.csv", labels = "none" | "first" | "last"
//! # source = "idx":  path = "train-images-idx3-ubyte.gz", labels_path = "..." (optional)
//! # source = "teacher": visible, teacher_hidden, teacher_scale, rows (samples of a random RBM)
//! # source = "ising":   length, temperatures = [...], rows, spacing, equilibration
//! #                     (2D Ising configurations from quench's Wolff and Metropolis samplers;
//! #                     every temperature is a data set, trained on separately)
//! [training]
//! methods = ["cd-1", "cd-10", "pcd-1", "pt-1"]   # cd-K, pcd-K, pt-K (parallel tempering)
//! epochs = 30
//! batch_size = 20
//! learning_rate = 0.05
//! momentum = 0.5
//! weight_decay = 0.0001
//! chains = 100                  # persistent chains (pcd, pt)
//! temperatures = 10             # pt: rungs per ladder
//! lowest_beta = 0.3             # pt: the hottest rung's inverse temperature
//! [likelihood]
//! every = 1                     # evaluate every this many epochs (and after the last)
//! exact_limit = 20              # exact ln Z when the smaller layer has at most this many units
//! ais_chains = 128              # otherwise AIS, forward
//! ais_steps = 2000
//! check = true                  # after training: forward and reverse AIS beside the exact ln Z
//! [ensemble]
//! samples = 3                   # independent trainings (initial weights, batch order, chains)
//! [output]
//! checkpoint_seconds = 60
//! shown_samples = 40            # model samples drawn in the figures
//! ```

use std::path::Path;

use quench_data::Binarisation;
use quench_learn::boltzmann::exact::{MAX_EXACT_UNITS, MAX_SAMPLED_UNITS};
use quench_learn::boltzmann::{NegativePhase, TrainingOptions, VisibleUnits};
use serde::Deserialize;

pub use super::sources::{DataSet, DataSource, SOURCES, TeacherData};
use super::sources::{RawData, load_data};
use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The largest number of weights a spec may ask for (visible × hidden).
const MAX_WEIGHTS: usize = 1 << 28;

/// Whether a spec is an RBM experiment: `model = "rbm"`.
pub fn claims(document: &toml::Table) -> bool {
    document
        .get("model")
        .and_then(|t| t.get("model"))
        .and_then(|v| v.as_str())
        == Some("rbm")
}

/// The model of RBM experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let parameter = |key, meaning, allowed, default| ParameterInfo {
        key,
        meaning,
        allowed,
        default,
    };
    vec![ModelInfo {
        name: "rbm",
        aliases: &[],
        description: "restricted Boltzmann machine with binary units trained on binary data (the shipped 8x8 digits, CSV or IDX files, or samples of a random teacher RBM) by CD-k, PCD-k or parallel tempering, with exact or AIS log-likelihoods per epoch",
        hamiltonian: "E(v,h) = -b.v - c.h - v^T W h, v in {0,1}^Nv, h in {0,1}^Nh, p(v) = exp(-F(v))/Z",
        size_key: "hidden",
        parameters: vec![
            parameter("hidden", "hidden units (a grid key)", "integers >= 1", None),
            parameter(
                "initial_scale",
                "standard deviation of the initial weights",
                "a number >= 0",
                Some("0.01"),
            ),
        ],
    }]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: String,
    #[serde(default)]
    description: String,
    seed: u64,
    model: RawModel,
    data: RawData,
    training: RawTraining,
    #[serde(default)]
    likelihood: RawLikelihood,
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
    hidden: Vec<usize>,
    #[serde(default = "default_scale")]
    initial_scale: f64,
    #[serde(default)]
    visible_units: Option<String>,
}

fn default_scale() -> f64 {
    0.01
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    methods: Vec<String>,
    epochs: u64,
    #[serde(default = "default_batch")]
    batch_size: usize,
    #[serde(default = "default_rate")]
    learning_rate: f64,
    #[serde(default)]
    momentum: f64,
    #[serde(default)]
    weight_decay: f64,
    chains: Option<usize>,
    #[serde(default = "default_temperatures")]
    temperatures: usize,
    #[serde(default = "default_lowest_beta")]
    lowest_beta: f64,
}

fn default_batch() -> usize {
    20
}
fn default_rate() -> f64 {
    0.05
}
fn default_temperatures() -> usize {
    10
}
fn default_lowest_beta() -> f64 {
    0.3
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLikelihood {
    every: u64,
    exact_limit: usize,
    ais_chains: usize,
    ais_steps: usize,
    check: bool,
}

impl Default for RawLikelihood {
    fn default() -> Self {
        Self {
            every: 1,
            exact_limit: 20,
            ais_chains: 128,
            ais_steps: 2000,
            check: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnsemble {
    samples: u64,
}

impl Default for RawEnsemble {
    fn default() -> Self {
        Self { samples: 3 }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    #[serde(default = "default_checkpoint")]
    checkpoint_seconds: f64,
    #[serde(default = "default_shown")]
    shown_samples: usize,
}

fn default_checkpoint() -> f64 {
    60.0
}
fn default_shown() -> usize {
    40
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            checkpoint_seconds: default_checkpoint(),
            shown_samples: default_shown(),
        }
    }
}

/// One grid point: a hidden-layer size and a training method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RbmPoint {
    /// Index in the grid.
    pub index: usize,
    /// Index of the data set (the temperature of Ising data).
    pub data: usize,
    /// The data set's temperature (NaN unless Ising).
    pub temperature: f64,
    /// Index of the hidden size in the spec's list.
    pub hidden_index: usize,
    /// Hidden units.
    pub hidden: usize,
    /// The negative phase.
    pub negative: NegativePhase,
}

/// How likelihoods are measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LikelihoodOptions {
    /// Evaluate every this many epochs.
    pub every: u64,
    /// Exact $\ln Z$ up to this many units in the smaller layer.
    pub exact_limit: usize,
    /// AIS chains.
    pub ais_chains: usize,
    /// AIS steps.
    pub ais_steps: usize,
    /// Forward and reverse AIS beside the exact value after training.
    pub check: bool,
}

/// A validated RBM spec, with its data loaded.
#[derive(Debug, Clone)]
pub struct RbmSpec {
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
    /// Initial weights' standard deviation.
    pub initial_scale: f64,
    /// Binary or Gaussian visible units.
    pub visible_units: VisibleUnits,
    /// The hidden sizes, as listed.
    pub hidden: Vec<usize>,
    /// The data's source.
    pub data_source: DataSource,
    /// How real values became bits.
    pub binarisation: Binarisation,
    /// Held-out fraction.
    pub test_fraction: f64,
    /// The data sets (one, or one per temperature of Ising data).
    pub datasets: Vec<DataSet>,
    /// The teacher's exact test log-likelihood (teacher data only), nats per row.
    pub teacher_test_log_likelihood: Option<f64>,
    /// Epochs.
    pub epochs: u64,
    /// Hyper-parameters shared by every method (the negative phase is each point's).
    pub training: TrainingOptions,
    /// Likelihood measurement.
    pub likelihood: LikelihoodOptions,
    /// Independent trainings per point.
    pub samples: u64,
    /// Seconds between checkpoints.
    pub checkpoint_seconds: f64,
    /// Model samples shown in the figures.
    pub shown_samples: usize,
    /// Grid points: data set slowest, then hidden size, then method.
    pub points: Vec<RbmPoint>,
}

impl RbmSpec {
    /// Visible units.
    pub fn visible(&self) -> usize {
        self.datasets[0].train.features()
    }

    /// The data set of a point.
    pub fn data(&self, point: &RbmPoint) -> &DataSet {
        &self.datasets[point.data]
    }

    /// The training options of a point.
    pub fn options(&self, point: &RbmPoint) -> TrainingOptions {
        TrainingOptions {
            negative: point.negative,
            ..self.training
        }
    }
}

/// Parses `cd-K`, `pcd-K`, `pt-K`.
fn method(name: &str, temperatures: usize, lowest_beta: f64) -> Option<NegativePhase> {
    let (kind, steps) = name.split_once('-')?;
    let steps: usize = steps.parse().ok().filter(|&k| k >= 1)?;
    match kind {
        "cd" => Some(NegativePhase::Contrastive { steps }),
        "pcd" => Some(NegativePhase::Persistent { steps }),
        "pt" => Some(NegativePhase::Tempering {
            steps,
            temperatures,
            lowest_beta,
        }),
        _ => None,
    }
}

impl RbmSpec {
    /// Validates the text `source` of the file `file` and loads its data.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [data], [training], [likelihood], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let m = &raw.model;
        if m.hidden.is_empty() {
            return Err(r.at("model.hidden", "is empty", "a list of integers >= 1"));
        }
        for (k, &h) in m.hidden.iter().enumerate() {
            if h == 0 {
                return Err(r.at(
                    &format!("model.hidden[{k}]"),
                    "0 hidden units",
                    "integers >= 1",
                ));
            }
        }
        if !(m.initial_scale.is_finite() && m.initial_scale >= 0.0) {
            return Err(r.at(
                "model.initial_scale",
                format!("{} is out of range", m.initial_scale),
                "a number >= 0",
            ));
        }
        let t = &raw.training;
        if t.methods.is_empty() {
            return Err(r.at(
                "training.methods",
                "is empty",
                "a list of \"cd-K\", \"pcd-K\", \"pt-K\" (K >= 1 Gibbs steps)",
            ));
        }
        let mut methods = Vec::new();
        for (k, name) in t.methods.iter().enumerate() {
            let phase = method(name, t.temperatures, t.lowest_beta).ok_or_else(|| {
                r.at(
                    &format!("training.methods[{k}]"),
                    format!("unknown method {name:?}"),
                    "\"cd-K\" (contrastive divergence), \"pcd-K\" (persistent) or \"pt-K\" (parallel tempering), K >= 1 Gibbs steps",
                )
            })?;
            if methods.contains(&phase) {
                return Err(r.at(
                    &format!("training.methods[{k}]"),
                    format!("{name:?} is listed twice"),
                    "each method once",
                ));
            }
            methods.push(phase);
        }
        if t.epochs == 0 || t.epochs > 1_000_000 {
            return Err(r.at(
                "training.epochs",
                format!("{} is out of range", t.epochs),
                "an integer in 1..=1000000",
            ));
        }
        let uses_chains = methods
            .iter()
            .any(|m| !matches!(m, NegativePhase::Contrastive { .. }));
        if t.chains.is_some() && !uses_chains {
            return Err(r.at(
                "training.chains",
                "applies to persistent methods (pcd-K, pt-K) only",
                "",
            ));
        }
        let training = TrainingOptions {
            negative: methods[0],
            batch_size: t.batch_size,
            learning_rate: t.learning_rate,
            momentum: t.momentum,
            weight_decay: t.weight_decay,
            chains: t.chains.unwrap_or(t.batch_size),
        };
        for &negative in &methods {
            TrainingOptions {
                negative,
                ..training
            }
            .validate()
            .map_err(|e| match e {
                quench_learn::LearnError::Parameter(p) => {
                    r.at(&format!("training.{}", p.parameter), p.value, p.allowed)
                }
                other => r.at("training.methods", other.to_string(), ""),
            })?;
        }
        let l = &raw.likelihood;
        if l.every == 0 {
            return Err(r.at("likelihood.every", "0 epochs", "an integer >= 1"));
        }
        if l.exact_limit > MAX_EXACT_UNITS {
            return Err(r.at(
                "likelihood.exact_limit",
                format!("{} units", l.exact_limit),
                format!("at most {MAX_EXACT_UNITS} (2^{MAX_EXACT_UNITS} states per ln Z)"),
            ));
        }
        if l.ais_chains < 2 || l.ais_chains > 1 << 20 {
            return Err(r.at(
                "likelihood.ais_chains",
                format!("{} chains", l.ais_chains),
                "an integer in 2..=1048576",
            ));
        }
        if l.ais_steps < 3 || l.ais_steps > 10_000_000 {
            return Err(r.at(
                "likelihood.ais_steps",
                format!("{} steps", l.ais_steps),
                "an integer in 3..=10000000",
            ));
        }
        let o = &raw.output;
        if !(o.checkpoint_seconds.is_finite() && o.checkpoint_seconds > 0.0) {
            return Err(r.at(
                "output.checkpoint_seconds",
                format!("{} is out of range", o.checkpoint_seconds),
                "a number of seconds > 0",
            ));
        }
        if o.shown_samples == 0 || o.shown_samples > 400 {
            return Err(r.at(
                "output.shown_samples",
                format!("{} samples", o.shown_samples),
                "an integer in 1..=400",
            ));
        }
        let directory = Path::new(file).parent().unwrap_or(Path::new("."));
        let visible_units = match m.visible_units.as_deref() {
            None | Some("binary") => VisibleUnits::Binary,
            Some("gaussian") => VisibleUnits::Gaussian,
            Some(other) => {
                return Err(r.at(
                    "model.visible_units",
                    format!("unknown visible units {other:?}"),
                    "\"binary\" or \"gaussian\" (real values, standardised per column)",
                ));
            }
        };
        let loaded = load_data(
            r,
            &raw.data,
            directory,
            raw.seed,
            visible_units == VisibleUnits::Gaussian,
        )?;
        let visible = loaded.datasets[0].train.features();
        for (k, &h) in m.hidden.iter().enumerate() {
            if visible.checked_mul(h).is_none_or(|w| w > MAX_WEIGHTS) {
                return Err(r.at(
                    &format!("model.hidden[{k}]"),
                    format!("{h} hidden units make {visible} x {h} weights"),
                    format!("at most {MAX_WEIGHTS} weights (visible x hidden)"),
                ));
            }
        }
        if l.check
            && !m
                .hidden
                .iter()
                .any(|&h| h.min(visible) <= MAX_SAMPLED_UNITS)
        {
            return Err(r.at(
                "likelihood.check",
                "no machine has a layer small enough for exact samples (reverse AIS)",
                format!("false, or a hidden size with min(hidden, visible) <= {MAX_SAMPLED_UNITS}"),
            ));
        }
        let mut points = Vec::new();
        for (data, set) in loaded.datasets.iter().enumerate() {
            for (hidden_index, &hidden) in m.hidden.iter().enumerate() {
                for &negative in &methods {
                    points.push(RbmPoint {
                        index: points.len(),
                        data,
                        temperature: set.temperature,
                        hidden_index,
                        hidden,
                        negative,
                    });
                }
            }
        }
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            initial_scale: m.initial_scale,
            visible_units,
            hidden: m.hidden.clone(),
            data_source: loaded.source,
            binarisation: loaded.binarisation,
            test_fraction: raw.data.test_fraction,
            datasets: loaded.datasets,
            teacher_test_log_likelihood: loaded.teacher_test_log_likelihood,
            epochs: t.epochs,
            training,
            likelihood: LikelihoodOptions {
                every: l.every,
                exact_limit: l.exact_limit,
                ais_chains: l.ais_chains,
                ais_steps: l.ais_steps,
                check: l.check,
            },
            samples: raw.ensemble.samples,
            checkpoint_seconds: o.checkpoint_seconds,
            shown_samples: o.shown_samples,
            points,
        })
    }
}
