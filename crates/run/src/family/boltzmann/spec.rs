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

use std::path::{Path, PathBuf};

use quench_data::{
    Binarisation, BinaryDataset, CsvOptions, LabelColumn, digits, load_csv, load_idx,
};
use quench_learn::boltzmann::exact::{MAX_EXACT_UNITS, MAX_SAMPLED_UNITS};
use quench_learn::boltzmann::{NegativePhase, TrainingOptions};
use serde::Deserialize;

use super::data::IsingData;
use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The data sources.
pub const SOURCES: [&str; 5] = ["digits", "csv", "idx", "teacher", "ising"];

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
}

fn default_scale() -> f64 {
    0.01
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    source: String,
    binarisation: Option<String>,
    threshold: Option<f64>,
    #[serde(default = "default_test_fraction")]
    test_fraction: f64,
    path: Option<String>,
    labels: Option<String>,
    labels_path: Option<String>,
    visible: Option<usize>,
    teacher_hidden: Option<usize>,
    teacher_scale: Option<f64>,
    rows: Option<usize>,
    length: Option<usize>,
    temperatures: Option<Vec<f64>>,
    spacing: Option<usize>,
    equilibration: Option<usize>,
}

fn default_test_fraction() -> f64 {
    0.2
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

/// A random teacher machine whose exact samples are the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeacherData {
    /// Visible units.
    pub visible: usize,
    /// The teacher's hidden units.
    pub hidden: usize,
    /// Its weights' standard deviation (biases: half of it).
    pub scale: f64,
    /// Rows drawn (train and test together).
    pub rows: usize,
}

/// Where the data come from.
#[derive(Debug, Clone, PartialEq)]
pub enum DataSource {
    /// The shipped 8×8 digits.
    Digits,
    /// A CSV file.
    Csv {
        /// Its path, resolved against the spec's directory.
        path: PathBuf,
        /// The label column.
        labels: LabelColumn,
    },
    /// IDX files (MNIST's format).
    Idx {
        /// The images.
        path: PathBuf,
        /// The labels, if given.
        labels: Option<PathBuf>,
    },
    /// Exact samples of a random teacher RBM.
    Teacher(TeacherData),
    /// Configurations of the 2D Ising ferromagnet at each temperature.
    Ising(IsingData),
}

/// One data set, split: the whole data of a run, or one temperature's
/// configurations.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// The temperature of Ising data (NaN otherwise).
    pub temperature: f64,
    /// Training rows.
    pub train: BinaryDataset,
    /// Held-out rows.
    pub test: BinaryDataset,
    /// Ising data: the integrated autocorrelation time of $|m|$ along the
    /// stored configurations, in configurations (NaN otherwise).
    pub autocorrelation: f64,
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
            .map_err(|e| {
                let key = parameter_key(&e.to_string());
                r.at(&format!("training.{key}"), e.to_string(), "")
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
        let loaded = load_data(r, &raw.data, directory, raw.seed)?;
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

/// The spec key a `LearnError` message names (its first word).
fn parameter_key(message: &str) -> String {
    let word: String = message
        .trim_start_matches("parameter ")
        .trim_start_matches('`')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        "methods".into()
    } else {
        word
    }
}

struct Loaded {
    source: DataSource,
    binarisation: Binarisation,
    datasets: Vec<DataSet>,
    teacher_test_log_likelihood: Option<f64>,
}

/// One data set without temperature.
fn single(train: BinaryDataset, test: BinaryDataset) -> Vec<DataSet> {
    vec![DataSet {
        temperature: f64::NAN,
        train,
        test,
        autocorrelation: f64::NAN,
    }]
}

/// Reads (or draws) the data and splits it; every error names the key.
fn load_data(
    r: &Reporter<'_>,
    d: &RawData,
    directory: &Path,
    seed: u64,
) -> Result<Loaded, SpecError> {
    if !SOURCES.contains(&d.source.as_str()) {
        return Err(r.at(
            "data.source",
            format!("unknown source {:?}", d.source),
            "\"digits\", \"csv\", \"idx\", \"teacher\" or \"ising\"",
        ));
    }
    if !(d.test_fraction.is_finite() && (0.0..1.0).contains(&d.test_fraction)) {
        return Err(r.at(
            "data.test_fraction",
            format!("{} is out of range", d.test_fraction),
            "a number in [0, 1)",
        ));
    }
    let only = |keys: &[(&str, bool)], source: &str| -> Result<(), SpecError> {
        for (key, present) in keys {
            if *present {
                return Err(r.at(
                    &format!("data.{key}"),
                    format!("does not apply to source = {:?}", d.source),
                    format!("only with source = \"{source}\""),
                ));
            }
        }
        Ok(())
    };
    let teacher_keys = [
        ("visible", d.visible.is_some()),
        ("teacher_hidden", d.teacher_hidden.is_some()),
        ("teacher_scale", d.teacher_scale.is_some()),
    ];
    let ising_keys = [
        ("length", d.length.is_some()),
        ("temperatures", d.temperatures.is_some()),
        ("spacing", d.spacing.is_some()),
        ("equilibration", d.equilibration.is_some()),
    ];
    let bits_only = |source: &str| -> Result<(), SpecError> {
        for (key, present) in [
            ("binarisation", d.binarisation.is_some()),
            ("threshold", d.threshold.is_some()),
        ] {
            if present {
                return Err(r.at(
                    &format!("data.{key}"),
                    format!("does not apply to source = \"{source}\" (its samples are bits)"),
                    "",
                ));
            }
        }
        Ok(())
    };
    let file_keys = [
        ("path", d.path.is_some()),
        ("labels", d.labels.is_some()),
        ("labels_path", d.labels_path.is_some()),
    ];
    let path = |key: &str| -> Result<PathBuf, SpecError> {
        let given = d.path.as_deref().ok_or_else(|| {
            r.at(
                key,
                format!("is missing for source = {:?}", d.source),
                "a path in quotes, relative to the spec file's directory",
            )
        })?;
        Ok(directory.join(given))
    };
    if d.source == "teacher" {
        only(&file_keys, "csv\" or \"idx")?;
        only(&ising_keys, "ising")?;
        bits_only("teacher")?;
        return teacher_data(r, d, seed);
    }
    if d.source == "ising" {
        only(&file_keys, "csv\" or \"idx")?;
        only(&teacher_keys, "teacher")?;
        bits_only("ising")?;
        return ising_data(r, d, seed);
    }
    only(&teacher_keys, "teacher")?;
    only(&ising_keys, "ising")?;
    if d.rows.is_some() {
        return Err(r.at(
            "data.rows",
            format!("does not apply to source = {:?}", d.source),
            "only with source = \"teacher\" or \"ising\"",
        ));
    }
    let (source, dataset) = match d.source.as_str() {
        "digits" => {
            only(&file_keys, "csv\" or \"idx")?;
            (DataSource::Digits, digits())
        }
        "csv" => {
            if d.labels_path.is_some() {
                return Err(r.at(
                    "data.labels_path",
                    "applies to source = \"idx\" only",
                    "labels = \"none\", \"first\" or \"last\" for a CSV file",
                ));
            }
            let labels = match d.labels.as_deref() {
                None | Some("none") => LabelColumn::None,
                Some("first") => LabelColumn::First,
                Some("last") => LabelColumn::Last,
                Some(other) => {
                    return Err(r.at(
                        "data.labels",
                        format!("unknown label column {other:?}"),
                        "\"none\", \"first\" or \"last\"",
                    ));
                }
            };
            let file = path("data.path")?;
            let options = CsvOptions {
                label: labels,
                ..CsvOptions::default()
            };
            let dataset =
                load_csv(&file, options).map_err(|e| r.at("data.path", e.to_string(), ""))?;
            (DataSource::Csv { path: file, labels }, dataset)
        }
        _ => {
            if d.labels.is_some() {
                return Err(r.at(
                    "data.labels",
                    "applies to source = \"csv\" only",
                    "labels_path = \"FILE\" for IDX labels",
                ));
            }
            let file = path("data.path")?;
            let labels = d.labels_path.as_ref().map(|p| directory.join(p));
            let dataset = load_idx(&file, labels.as_deref()).map_err(|e| {
                let key = if labels.is_some() && e.to_string().contains("label") {
                    "data.labels_path"
                } else {
                    "data.path"
                };
                r.at(key, e.to_string(), "")
            })?;
            (DataSource::Idx { path: file, labels }, dataset)
        }
    };
    let binarisation = match d.binarisation.as_deref() {
        None | Some("threshold") => {
            let fraction = d.threshold.unwrap_or(0.5);
            if !(fraction.is_finite() && (0.0..=1.0).contains(&fraction)) {
                return Err(r.at(
                    "data.threshold",
                    format!("{fraction} is out of range"),
                    "a fraction of the value range in [0, 1]",
                ));
            }
            Binarisation::Threshold { fraction }
        }
        Some("bernoulli") => {
            if d.threshold.is_some() {
                return Err(r.at(
                    "data.threshold",
                    "applies to binarisation = \"threshold\" only",
                    "",
                ));
            }
            Binarisation::Bernoulli { seed }
        }
        Some(other) => {
            return Err(r.at(
                "data.binarisation",
                format!("unknown binarisation {other:?}"),
                "\"threshold\" or \"bernoulli\"",
            ));
        }
    };
    let binary = dataset
        .binarise(binarisation)
        .map_err(|e| r.at("data.binarisation", e.to_string(), ""))?;
    let (train, test) = binary
        .split(d.test_fraction, seed)
        .map_err(|e| r.at("data.test_fraction", e.to_string(), ""))?;
    if train.is_empty() {
        return Err(r.at(
            "data.test_fraction",
            "leaves no training rows",
            "a smaller fraction",
        ));
    }
    Ok(Loaded {
        source,
        binarisation,
        datasets: single(train, test),
        teacher_test_log_likelihood: None,
    })
}

/// Exact samples of a random teacher RBM, split into train and test.
fn teacher_data(r: &Reporter<'_>, d: &RawData, seed: u64) -> Result<Loaded, SpecError> {
    let need = |key: &str, value: Option<usize>, low: usize, high: usize| {
        integer_key(r, "teacher", key, value, low, high)
    };
    let visible = need("visible", d.visible, 1, 4096)?;
    let hidden = need("teacher_hidden", d.teacher_hidden, 1, 4096)?;
    if visible.min(hidden) > MAX_SAMPLED_UNITS {
        return Err(r.at(
            "data.teacher_hidden",
            format!("{hidden} hidden and {visible} visible units"),
            format!("a teacher with a layer of at most {MAX_SAMPLED_UNITS} units (exact samples)"),
        ));
    }
    let rows = need("rows", d.rows, 2, 10_000_000)?;
    let scale = d.teacher_scale.unwrap_or(1.0);
    if !(scale.is_finite() && scale >= 0.0) {
        return Err(r.at(
            "data.teacher_scale",
            format!("{scale} is out of range"),
            "a number >= 0",
        ));
    }
    let teacher = TeacherData {
        visible,
        hidden,
        scale,
        rows,
    };
    let (train, test, log_likelihood) =
        super::data::teacher_samples(&teacher, d.test_fraction, seed)
            .map_err(|e| r.at("data.teacher_hidden", e.to_string(), ""))?;
    Ok(Loaded {
        source: DataSource::Teacher(teacher),
        binarisation: Binarisation::Threshold { fraction: 0.5 },
        datasets: single(train, test),
        teacher_test_log_likelihood: Some(log_likelihood),
    })
}

/// Configurations of the 2D Ising ferromagnet, one data set per temperature.
fn ising_data(r: &Reporter<'_>, d: &RawData, seed: u64) -> Result<Loaded, SpecError> {
    let need =
        |key: &str, value: Option<usize>, default: Option<usize>, low: usize, high: usize| {
            integer_key(r, "ising", key, value.or(default), low, high)
        };
    let length = need("length", d.length, None, 2, 256)?;
    let rows = need("rows", d.rows, None, 2, 1_000_000)?;
    if (length * length).saturating_mul(rows) > 1 << 28 {
        return Err(r.at(
            "data.rows",
            format!("{rows} configurations of {} spins", length * length),
            "at most 2^28 spins in all per temperature",
        ));
    }
    let data = IsingData {
        length,
        rows,
        spacing: need("spacing", d.spacing, Some(1), 1, 10_000)?,
        equilibration: need("equilibration", d.equilibration, Some(200), 0, 1_000_000)?,
    };
    let temperatures = d.temperatures.as_deref().ok_or_else(|| {
        r.at(
            "data.temperatures",
            "is missing for source = \"ising\"",
            "a list of temperatures > 0",
        )
    })?;
    if temperatures.is_empty() {
        return Err(r.at(
            "data.temperatures",
            "is empty",
            "a list of temperatures > 0",
        ));
    }
    let mut datasets = Vec::new();
    for (k, &temperature) in temperatures.iter().enumerate() {
        let key = format!("data.temperatures[{k}]");
        if !(temperature.is_finite() && temperature > 0.0) {
            return Err(r.at(
                &key,
                format!("{temperature} is out of range"),
                "a temperature > 0",
            ));
        }
        if temperatures[..k].contains(&temperature) {
            return Err(r.at(
                &key,
                format!("{temperature} is listed twice"),
                "each temperature once",
            ));
        }
        let (spins, autocorrelation) =
            super::data::ising_configurations(&data, temperature, k, seed)
                .map_err(|e| r.at(&key, e.to_string(), ""))?;
        let bits = BinaryDataset::from_spins(rows, length * length, &spins)
            .and_then(|b| b.with_image_shape(length, length))
            .map_err(|e| r.at(&key, e.to_string(), ""))?;
        let test_rows = (d.test_fraction * rows as f64).round() as usize;
        let train: Vec<usize> = (0..rows - test_rows).collect();
        let test: Vec<usize> = (rows - test_rows..rows).collect();
        if train.is_empty() {
            return Err(r.at(
                "data.test_fraction",
                "leaves no training rows",
                "a smaller fraction",
            ));
        }
        datasets.push(DataSet {
            temperature,
            train: bits
                .subset(&train)
                .with_name(format!("Ising configurations at T = {temperature} (train)")),
            test: bits
                .subset(&test)
                .with_name(format!("Ising configurations at T = {temperature} (test)")),
            autocorrelation,
        });
    }
    Ok(Loaded {
        source: DataSource::Ising(data),
        binarisation: Binarisation::Threshold { fraction: 0.5 },
        datasets,
        teacher_test_log_likelihood: None,
    })
}

/// The integer `data.{key}` of a data source: present and in `low..=high`.
fn integer_key(
    r: &Reporter<'_>,
    source: &str,
    key: &str,
    value: Option<usize>,
    low: usize,
    high: usize,
) -> Result<usize, SpecError> {
    let allowed = format!("an integer in {low}..={high}");
    let value = value.ok_or_else(|| {
        r.at(
            &format!("data.{key}"),
            format!("is missing for source = \"{source}\""),
            allowed.clone(),
        )
    })?;
    if !(low..=high).contains(&value) {
        return Err(r.at(
            &format!("data.{key}"),
            format!("{value} is out of range"),
            allowed,
        ));
    }
    Ok(value)
}
