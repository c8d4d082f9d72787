//! The spec of a trained-network experiment (`model = "trained-network"`):
//! fully connected networks trained by gradient descent on a data set of
//! P examples, across a grid of sizes; every error located in the file.
//!
//! ```toml
//! name = "interpolation-transition"
//! seed = 2019
//! [model]
//! model = "trained-network"
//! architecture = "dense"      # or "recurrent": L layers with recurrence within each, read out at every step of a sequence
//! data = "random-labels"      # "random-labels", "teacher" (a random network labels Gaussian inputs), "digits" (even against odd)
//!                             # or "hidden-manifold" (inputs on a D-dimensional manifold, a perceptron's labels of its coordinates);
//!                             # recurrent: "random-labels", "teacher" (a random recurrent network), "reber" or "embedded-reber"
//! activation = "relu"         # of the hidden units: "relu", "tanh", "erf", "linear"
//! loss = "quadratic-hinge"    # "hinge", "quadratic-hinge", "quadratic"
//! teacher_width = 4           # (teacher) the teacher's hidden width
//! teacher_depth = 1           # (teacher) its hidden layers, 0 a perceptron
//! label_noise = 0.0           # (teacher, hidden-manifold) probability that a training label is flipped
//! latent = 10                 # (hidden-manifold) D, the manifold's dimension
//! manifold_activation = "sign" # (hidden-manifold) f in x = f(F^T c / sqrt D): "sign", "tanh", "relu", "linear"
//! length = 10                 # (recurrent) T, steps per sequence (Reber: the longest string, default 20)
//! outputs = 1                 # (recurrent) K read-outs per step (Reber: 7, the symbols that may come next)
//! [grid]
//! inputs = [20]               # d (not with digits: 64; nor with Reber: 7, one-hot symbols)
//! examples = [100, 200]       # P
//! depth = [1]                 # hidden layers L; 0 is the perceptron (no width)
//! width = [2, 3, 4, 6, 8]     # h
//! [training]
//! method = "gradient-descent" # or "adam" (full batch), or "sgd": batches of `batch` examples, drawn by a hash of the step
//! rate = 1.0                  # constant learning rate
//! batch = 32                  # (sgd)
//! steps = 20000               # at most; a network stops once it interpolates
//! measurements = 16           # logarithmically spaced times of the curves
//! replicas = 2                # networks from independent starts on the same data
//! test_examples = 1000        # fresh inputs (digits: the examples not trained on)
//! [ensemble]
//! samples = 8                 # independent data sets
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_neural::Loss;
use quench_neural::committee::Activation;
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::deep_network::spec::measurement_times;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

const MAX_INPUTS: usize = 1 << 14;
const MAX_EXAMPLES: usize = 1 << 20;
const MAX_WIDTH: usize = 1 << 12;
const MAX_DEPTH: usize = 16;
const MAX_LENGTH: usize = 1 << 12;
const MAX_OUTPUTS: usize = 1 << 10;
const MAX_PARAMETERS: usize = 1 << 24;
/// The 8×8 digits shipped with quench.
const DIGITS: usize = 1797;

/// Whether a spec is a trained-network experiment.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "trained-network")
}

/// The model of the family, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let parameter = |key, meaning, allowed, default| ParameterInfo {
        key,
        meaning,
        allowed,
        default,
    };
    vec![ModelInfo {
        name: "trained-network",
        aliases: &[],
        description: "fully connected networks (L hidden layers of width h, no biases, 1/sqrt(fan-in) scaling), or deep recurrent networks (L layers with recurrence within each, read out at every step), trained by full-batch gradient descent or SGD on P examples: random labels, a teacher network's labels, the 8x8 digits (even against odd), the hidden manifold model, or sequences (a recurrent teacher's, random, Reber strings); whether they interpolate, how long it takes, what they learn",
        hamiltonian: "mean over examples of the hinge max(0, 1 - y f(x)), its square / 2, or (y - f(x))^2 / 2",
        size_key: "grid.width",
        parameters: vec![
            parameter(
                "model.data",
                "the examples",
                "\"random-labels\", \"teacher\", \"digits\" or \"hidden-manifold\"; recurrent: \"random-labels\", \"teacher\", \"reber\" or \"embedded-reber\"",
                Some("random-labels"),
            ),
            parameter(
                "model.latent",
                "(hidden-manifold) D, the dimension of the manifold the inputs lie on",
                "1..=16384",
                Some("10"),
            ),
            parameter(
                "model.manifold_activation",
                "(hidden-manifold) f in x = f(F^T c / sqrt D)",
                "\"sign\", \"tanh\", \"relu\", \"linear\"",
                Some("\"sign\""),
            ),
            parameter(
                "model.architecture",
                "the networks",
                "\"dense\" or \"recurrent\"",
                Some("dense"),
            ),
            parameter(
                "model.length",
                "(recurrent) T, steps per sequence; Reber: the longest string",
                "1..=4096 (Reber: from the shortest string, 5 or 9)",
                Some("10 (Reber: 20)"),
            ),
            parameter(
                "model.outputs",
                "(recurrent) K read-outs per step",
                "1..=1024 (Reber: 7, fixed)",
                Some("1"),
            ),
            parameter("grid.width", "h, hidden units per layer", "1..=4096", None),
            parameter(
                "grid.depth",
                "L hidden layers (0: the perceptron)",
                "0..=16",
                Some("[1]"),
            ),
            parameter("grid.examples", "P training examples", "1..=1048576", None),
        ],
    }]
}

/// The networks trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    /// Fully connected feed-forward networks ([`quench_neural::DenseNetwork`]).
    Dense,
    /// Layers with recurrence within each, read out at every step of a
    /// sequence ([`quench_neural::RecurrentNetwork`]).
    Recurrent {
        /// $T$, steps per sequence (the longest string for Reber).
        length: usize,
        /// $K$, read-outs per step.
        outputs: usize,
    },
}

impl Architecture {
    /// Steps per example: 1 for a dense network.
    pub fn length(&self) -> usize {
        match self {
            Architecture::Dense => 1,
            Architecture::Recurrent { length, .. } => *length,
        }
    }

    /// Labels per step: 1 for a dense network.
    pub fn outputs(&self) -> usize {
        match self {
            Architecture::Dense => 1,
            Architecture::Recurrent { outputs, .. } => *outputs,
        }
    }

    /// Whether the networks are recurrent.
    pub fn is_recurrent(&self) -> bool {
        matches!(self, Architecture::Recurrent { .. })
    }
}

/// Where the examples come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DataKind {
    /// Gaussian inputs, labels $\pm1$ independent of them: memorisation.
    RandomLabels,
    /// Gaussian inputs labelled by the sign of a random network.
    Teacher {
        /// Its hidden width.
        width: usize,
        /// Its hidden layers.
        depth: usize,
        /// Probability that a training label is flipped (test labels are the teacher's).
        noise: f64,
    },
    /// The 8×8 digits, $+1$ for even, standardised by the training set.
    Digits,
    /// The hidden manifold model ([`quench_geometry::HiddenManifold`]):
    /// inputs $x = f(F^\top c/\sqrt D)$ on a manifold of dimension $D$ in
    /// $\mathbb R^d$, labelled by a perceptron teacher on the latent $c$,
    /// standardised by the training set.
    HiddenManifold {
        /// $D$, the latent dimension.
        latent: usize,
        /// $f$.
        activation: quench_geometry::Activation,
        /// Probability that a training label is flipped.
        noise: f64,
    },
    /// Strings of the Reber grammar (embedded, or not) read one symbol at a
    /// time, labelled with the symbols that may come next
    /// ([`quench_data::reber_string`]).
    Reber {
        /// The embedded grammar.
        embedded: bool,
    },
}

impl DataKind {
    /// The name in tables.
    pub fn name(&self) -> &'static str {
        match self {
            DataKind::RandomLabels => "random-labels",
            DataKind::Teacher { .. } => "teacher",
            DataKind::Digits => "digits",
            DataKind::HiddenManifold { .. } => "hidden-manifold",
            DataKind::Reber { embedded: false } => "reber",
            DataKind::Reber { embedded: true } => "embedded-reber",
        }
    }

    /// Whether the test examples have meaningful labels.
    pub fn has_test_labels(&self) -> bool {
        !matches!(self, DataKind::RandomLabels)
    }
}

/// How the networks are trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Every step on every example.
    GradientDescent,
    /// Every step on every example, with Adam's moments.
    Adam,
    /// Every step on `batch` examples drawn without a clock: a hash of the step.
    Sgd {
        /// Examples per step.
        batch: usize,
    },
}

/// One grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedPoint {
    /// Index in the grid.
    pub index: usize,
    /// $d$.
    pub inputs: usize,
    /// $P$.
    pub examples: usize,
    /// $L$.
    pub depth: usize,
    /// $h$ (0 for the perceptron).
    pub width: usize,
    /// $N$.
    pub parameters: usize,
    /// $C$, the constraints of a data set: $P$ for a dense network, $PTK$
    /// for sequences (Reber: $PK\langle\ell\rangle$, with $\langle\ell\rangle$ the
    /// grammar's mean length among strings of at most $T$ symbols).
    pub constraints: f64,
    /// Test examples.
    pub test_examples: usize,
}

/// A validated trained-network spec.
#[derive(Debug, Clone)]
pub struct TrainedNetworkSpec {
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
    /// The networks.
    pub architecture: Architecture,
    /// The examples.
    pub data: DataKind,
    /// Hidden units' activation.
    pub activation: Activation,
    /// The loss.
    pub loss: Loss,
    /// The grid.
    pub points: Vec<TrainedPoint>,
    /// Gradient descent or SGD.
    pub method: Method,
    /// Learning rate.
    pub rate: f64,
    /// Most steps per network.
    pub steps: u64,
    /// Times of the curves.
    pub times: Vec<u64>,
    /// Networks per data set.
    pub replicas: usize,
    /// Data sets per point.
    pub samples: u64,
    /// Seconds between checkpoints.
    pub checkpoint_seconds: f64,
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
    training: RawTraining,
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
    architecture: Option<String>,
    length: Option<usize>,
    outputs: Option<usize>,
    data: Option<String>,
    activation: Option<String>,
    loss: Option<String>,
    teacher_width: Option<usize>,
    teacher_depth: Option<usize>,
    label_noise: Option<f64>,
    latent: Option<usize>,
    manifold_activation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    inputs: Option<Vec<usize>>,
    examples: Vec<usize>,
    depth: Option<Vec<usize>>,
    width: Option<Vec<usize>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    #[serde(default = "default_method")]
    method: String,
    #[serde(default = "default_rate")]
    rate: f64,
    batch: Option<usize>,
    #[serde(default = "default_steps")]
    steps: u64,
    #[serde(default = "default_measurements")]
    measurements: usize,
    #[serde(default = "default_replicas")]
    replicas: usize,
    #[serde(default = "default_test")]
    test_examples: usize,
}

fn default_method() -> String {
    "gradient-descent".into()
}
fn default_rate() -> f64 {
    1.0
}
fn default_steps() -> u64 {
    10_000
}
fn default_measurements() -> usize {
    16
}
fn default_replicas() -> usize {
    2
}
fn default_test() -> usize {
    1000
}

impl Default for RawTraining {
    fn default() -> Self {
        Self {
            method: default_method(),
            rate: default_rate(),
            batch: None,
            steps: default_steps(),
            measurements: default_measurements(),
            replicas: default_replicas(),
            test_examples: default_test(),
        }
    }
}

/// A non-empty list of integers in `low..=high`, each once.
fn list(
    r: &Reporter,
    key: &str,
    values: &[usize],
    low: usize,
    high: usize,
) -> Result<(), SpecError> {
    if values.is_empty() {
        return Err(r.at(key, "is empty", "a list of at least one integer"));
    }
    for (k, &v) in values.iter().enumerate() {
        if !(low..=high).contains(&v) {
            return Err(r.at(
                key,
                format!("entry {k} = {v} is out of range"),
                format!("integers in {low}..={high}"),
            ));
        }
        if values[..k].contains(&v) {
            return Err(r.at(key, format!("{v} appears twice"), "each value once"));
        }
    }
    Ok(())
}

impl TrainedNetworkSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [grid], [training], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let m = &raw.model;
        let refuse = |key: &str, given: bool, why: &str| {
            if given {
                Err(r.at(key, format!("does not apply {why}"), "leave it out"))
            } else {
                Ok(())
            }
        };
        let activation = match m.activation.as_deref().unwrap_or("relu") {
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "erf" => Activation::Erf,
            "linear" => Activation::Linear,
            other => {
                return Err(r.at(
                    "model.activation",
                    format!("unknown activation {other:?}"),
                    "\"relu\", \"tanh\", \"erf\" or \"linear\"",
                ));
            }
        };
        let loss = match m.loss.as_deref().unwrap_or("quadratic-hinge") {
            "hinge" => Loss::Hinge,
            "quadratic-hinge" => Loss::QuadraticHinge,
            "quadratic" => Loss::Quadratic,
            other => {
                return Err(r.at(
                    "model.loss",
                    format!("unknown loss {other:?}"),
                    "\"hinge\", \"quadratic-hinge\" or \"quadratic\"",
                ));
            }
        };
        let recurrent = match m.architecture.as_deref().unwrap_or("dense") {
            "dense" => {
                refuse(
                    "model.length",
                    m.length.is_some(),
                    "to a dense network (architecture = \"recurrent\")",
                )?;
                refuse(
                    "model.outputs",
                    m.outputs.is_some(),
                    "to a dense network (architecture = \"recurrent\")",
                )?;
                false
            }
            "recurrent" => true,
            other => {
                return Err(r.at(
                    "model.architecture",
                    format!("unknown architecture {other:?}"),
                    "\"dense\" or \"recurrent\"",
                ));
            }
        };
        let label_noise = |given: Option<f64>| {
            let noise = given.unwrap_or(0.0);
            if (0.0..=0.5).contains(&noise) {
                Ok(noise)
            } else {
                Err(r.at(
                    "model.label_noise",
                    format!("{noise} is out of range"),
                    "a probability in [0, 0.5]",
                ))
            }
        };
        let data = match m.data.as_deref().unwrap_or("random-labels") {
            "random-labels" => DataKind::RandomLabels,
            name @ ("reber" | "embedded-reber") => {
                if !recurrent {
                    return Err(r.at(
                        "model.data",
                        format!("{name:?} is a set of sequences"),
                        "architecture = \"recurrent\", or the data \"random-labels\", \"teacher\" or \"digits\"",
                    ));
                }
                DataKind::Reber {
                    embedded: name == "embedded-reber",
                }
            }
            "teacher" => {
                let width = m.teacher_width.unwrap_or(4);
                let depth = m.teacher_depth.unwrap_or(1);
                if !(1..=MAX_WIDTH).contains(&width) {
                    return Err(r.at(
                        "model.teacher_width",
                        format!("{width}"),
                        format!("an integer in 1..={MAX_WIDTH}"),
                    ));
                }
                let lowest = usize::from(recurrent);
                if !(lowest..=MAX_DEPTH).contains(&depth) {
                    return Err(r.at(
                        "model.teacher_depth",
                        format!("{depth}"),
                        format!("an integer in {lowest}..={MAX_DEPTH} (layers of the teacher)"),
                    ));
                }
                DataKind::Teacher {
                    width,
                    depth,
                    noise: label_noise(m.label_noise)?,
                }
            }
            "digits" if recurrent => {
                return Err(r.at(
                    "model.data",
                    "the digits are not sequences",
                    "for recurrent networks \"random-labels\", \"teacher\", \"reber\" or \"embedded-reber\"",
                ));
            }
            "digits" => DataKind::Digits,
            "hidden-manifold" if recurrent => {
                return Err(r.at(
                    "model.data",
                    "the hidden manifold model's examples are not sequences",
                    "for recurrent networks \"random-labels\", \"teacher\", \"reber\" or \"embedded-reber\"",
                ));
            }
            "hidden-manifold" => {
                let latent = m.latent.unwrap_or(10);
                if !(1..=MAX_INPUTS).contains(&latent) {
                    return Err(r.at(
                        "model.latent",
                        format!("{latent}"),
                        format!("an integer in 1..={MAX_INPUTS}, the manifold's dimension D"),
                    ));
                }
                let activation = match m.manifold_activation.as_deref().unwrap_or("sign") {
                    "sign" => quench_geometry::Activation::Sign,
                    "tanh" => quench_geometry::Activation::Tanh,
                    "relu" => quench_geometry::Activation::Relu,
                    "linear" => quench_geometry::Activation::Linear,
                    other => {
                        return Err(r.at(
                            "model.manifold_activation",
                            format!("unknown activation {other:?}"),
                            "\"sign\", \"tanh\", \"relu\" or \"linear\"",
                        ));
                    }
                };
                DataKind::HiddenManifold {
                    latent,
                    activation,
                    noise: label_noise(m.label_noise)?,
                }
            }
            other => {
                return Err(r.at(
                    "model.data",
                    format!("unknown data {other:?}"),
                    "\"random-labels\", \"teacher\", \"digits\" or \"hidden-manifold\"; for recurrent networks also \"reber\" or \"embedded-reber\"",
                ));
            }
        };
        let architecture = if recurrent {
            let reber = matches!(data, DataKind::Reber { .. });
            let shortest = match data {
                DataKind::Reber { embedded: true } => 9,
                DataKind::Reber { embedded: false } => 5,
                _ => 1,
            };
            let length = m.length.unwrap_or(if reber { 20 } else { 10 });
            if !(shortest..=MAX_LENGTH).contains(&length) {
                return Err(r.at(
                    "model.length",
                    format!("{length}"),
                    if reber {
                        format!(
                            "an integer in {shortest}..={MAX_LENGTH}: the longest string, at least the grammar's shortest"
                        )
                    } else {
                        format!("an integer in 1..={MAX_LENGTH}")
                    },
                ));
            }
            let outputs = if reber {
                refuse(
                    "model.outputs",
                    m.outputs.is_some(),
                    "to Reber strings (7 read-outs, one per symbol)",
                )?;
                quench_data::REBER_SYMBOLS.len()
            } else {
                m.outputs.unwrap_or(1)
            };
            if !(1..=MAX_OUTPUTS).contains(&outputs) {
                return Err(r.at(
                    "model.outputs",
                    format!("{outputs}"),
                    format!("an integer in 1..={MAX_OUTPUTS}"),
                ));
            }
            Architecture::Recurrent { length, outputs }
        } else {
            Architecture::Dense
        };
        if !matches!(data, DataKind::Teacher { .. }) {
            refuse(
                "model.teacher_width",
                m.teacher_width.is_some(),
                "without a teacher (data = \"teacher\")",
            )?;
            refuse(
                "model.teacher_depth",
                m.teacher_depth.is_some(),
                "without a teacher (data = \"teacher\")",
            )?;
        }
        if !matches!(
            data,
            DataKind::Teacher { .. } | DataKind::HiddenManifold { .. }
        ) {
            refuse(
                "model.label_noise",
                m.label_noise.is_some(),
                "without a rule to flip (data = \"teacher\" or \"hidden-manifold\")",
            )?;
        }
        if !matches!(data, DataKind::HiddenManifold { .. }) {
            refuse(
                "model.latent",
                m.latent.is_some(),
                "without the hidden manifold model (data = \"hidden-manifold\")",
            )?;
            refuse(
                "model.manifold_activation",
                m.manifold_activation.is_some(),
                "without the hidden manifold model (data = \"hidden-manifold\")",
            )?;
        }
        let g = &raw.grid;
        let inputs = match (&g.inputs, data) {
            (Some(_), DataKind::Digits) => {
                return Err(r.at(
                    "grid.inputs",
                    "does not apply to the digits (64 pixels)",
                    "leave it out",
                ));
            }
            (None, DataKind::Digits) => vec![64],
            (Some(_), DataKind::Reber { .. }) => {
                return Err(r.at(
                    "grid.inputs",
                    "does not apply to Reber strings (7 symbols, one-hot)",
                    "leave it out",
                ));
            }
            (None, DataKind::Reber { .. }) => vec![quench_data::REBER_SYMBOLS.len()],
            (Some(values), _) => {
                list(r, "grid.inputs", values, 1, MAX_INPUTS)?;
                values.clone()
            }
            (None, _) => {
                return Err(r.at("grid", "has no inputs", "grid.inputs = [d, ...]"));
            }
        };
        list(r, "grid.examples", &g.examples, 1, MAX_EXAMPLES)?;
        let depths = g.depth.clone().unwrap_or_else(|| vec![1]);
        list(r, "grid.depth", &depths, usize::from(recurrent), MAX_DEPTH)?;
        let widths = g.width.clone().unwrap_or_default();
        if depths.iter().any(|&l| l > 0) {
            if g.width.is_none() {
                return Err(r.at(
                    "grid",
                    "has no width",
                    "grid.width = [h, ...] for networks with hidden layers",
                ));
            }
            list(r, "grid.width", &widths, 1, MAX_WIDTH)?;
        } else if g.width.is_some() {
            refuse("grid.width", true, "to perceptrons alone (depth = [0])")?;
        }
        let t = &raw.training;
        let method = match t.method.as_str() {
            "gradient-descent" => {
                refuse(
                    "training.batch",
                    t.batch.is_some(),
                    "to full-batch gradient descent",
                )?;
                Method::GradientDescent
            }
            "adam" => {
                refuse("training.batch", t.batch.is_some(), "to full-batch Adam")?;
                Method::Adam
            }
            "sgd" => {
                let batch = t.batch.unwrap_or(32);
                if !(1..=MAX_EXAMPLES).contains(&batch) {
                    return Err(r.at(
                        "training.batch",
                        format!("{batch}"),
                        format!("an integer in 1..={MAX_EXAMPLES}"),
                    ));
                }
                Method::Sgd { batch }
            }
            other => {
                return Err(r.at(
                    "training.method",
                    format!("unknown method {other:?}"),
                    "\"gradient-descent\", \"adam\" or \"sgd\"",
                ));
            }
        };
        if !(t.rate.is_finite() && t.rate > 0.0 && t.rate <= 1e3) {
            return Err(r.at(
                "training.rate",
                format!("{} is out of range", t.rate),
                "a number in (0, 1000]",
            ));
        }
        if !(1..=100_000_000).contains(&t.steps) {
            return Err(r.at(
                "training.steps",
                format!("{}", t.steps),
                "an integer in 1..=100000000",
            ));
        }
        if !(1..=1000).contains(&t.measurements) {
            return Err(r.at(
                "training.measurements",
                format!("{}", t.measurements),
                "an integer in 1..=1000",
            ));
        }
        if !(1..=64).contains(&t.replicas) {
            return Err(r.at(
                "training.replicas",
                format!("{}", t.replicas),
                "an integer in 1..=64 (overlaps need 2)",
            ));
        }
        if !(1..=MAX_EXAMPLES).contains(&t.test_examples) {
            return Err(r.at(
                "training.test_examples",
                format!("{}", t.test_examples),
                format!("an integer in 1..={MAX_EXAMPLES}"),
            ));
        }
        // Constraints per example: T K steps and read-outs (Reber: K times
        // the mean length of the strings of at most T symbols).
        let per_example = match (architecture, data) {
            (Architecture::Recurrent { length, outputs }, DataKind::Reber { embedded }) => {
                let distribution = quench_data::reber_length_distribution(embedded, length);
                let total: f64 = distribution.iter().sum();
                let mean: f64 = distribution
                    .iter()
                    .enumerate()
                    .map(|(n, p)| n as f64 * p)
                    .sum::<f64>()
                    / total;
                mean * outputs as f64
            }
            (architecture, _) => (architecture.length() * architecture.outputs()) as f64,
        };
        let mut points = Vec::new();
        for &d in &inputs {
            for &p in &g.examples {
                if let DataKind::HiddenManifold { latent, .. } = data {
                    // What quench-geometry's generator holds at once: refused
                    // here, with the keys, rather than there.
                    let bytes = 8
                        * (p.max(t.test_examples) as u128 * (d + latent + 1) as u128
                            + (latent * (d + 1)) as u128);
                    if bytes > quench_geometry::neighbours::MEMORY_LIMIT {
                        return Err(r.at(
                            "grid.examples",
                            format!(
                                "{p} examples of d = {d} inputs from D = {latent} latent dimensions need {bytes} bytes at once"
                            ),
                            format!(
                                "at most {} bytes: fewer examples, inputs or latent dimensions",
                                quench_geometry::neighbours::MEMORY_LIMIT
                            ),
                        ));
                    }
                }
                if data == DataKind::Digits && p >= DIGITS {
                    return Err(r.at(
                        "grid.examples",
                        format!("{p} training examples of the {DIGITS} digits"),
                        format!("fewer than {DIGITS}: the rest are the test examples"),
                    ));
                }
                for &depth in &depths {
                    let layer_widths = if depth == 0 { vec![0] } else { widths.clone() };
                    for width in layer_widths {
                        let parameters = match architecture {
                            Architecture::Dense => {
                                quench_neural::DenseNetwork::parameter_count(d, width, depth)
                            }
                            Architecture::Recurrent { outputs, .. } => {
                                quench_neural::RecurrentNetwork::parameter_count(
                                    d, width, depth, outputs,
                                )
                            }
                        };
                        if parameters > MAX_PARAMETERS {
                            return Err(r.at(
                                "grid.width",
                                format!(
                                    "d = {d}, h = {width}, L = {depth} give {parameters} weights"
                                ),
                                format!("at most {MAX_PARAMETERS} weights per network"),
                            ));
                        }
                        if let Method::Sgd { batch } = method
                            && batch > p
                        {
                            return Err(r.at(
                                "training.batch",
                                format!("{batch} is larger than P = {p}"),
                                "a batch of at most the smallest grid.examples",
                            ));
                        }
                        points.push(TrainedPoint {
                            index: points.len(),
                            inputs: d,
                            examples: p,
                            depth,
                            width,
                            parameters,
                            constraints: p as f64 * per_example,
                            test_examples: if data == DataKind::Digits {
                                DIGITS - p
                            } else {
                                t.test_examples
                            },
                        });
                    }
                }
            }
        }
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            architecture,
            data,
            activation,
            loss,
            points,
            method,
            rate: t.rate,
            steps: t.steps,
            times: measurement_times(t.steps, t.measurements),
            replicas: t.replicas,
            samples: raw.ensemble.samples,
            checkpoint_seconds,
        })
    }
}
