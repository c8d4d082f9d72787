//! The spec of a hidden-manifold experiment (`model = "hidden-manifold"`):
//! two-layer networks trained by online SGD on structured and on i.i.d.
//! data, every error located in the file.
//!
//! ```toml
//! name = "hidden-manifold"
//! seed = 2020
//! [model]
//! model = "hidden-manifold"
//! [[data]]
//! name = "hidden manifold"   # label in tables and figures (default: the source)
//! source = "hidden-manifold" # "hidden-manifold", "gaussian" (i.i.d. inputs, perceptron teacher) or "digits" (even against odd)
//! inputs = 500               # N (hidden-manifold, gaussian)
//! latent = 10                # D (hidden-manifold)
//! activation = "sign"        # f of x = f(F^T c / sqrt(D)) (hidden-manifold): "sign", "tanh", "relu", "linear"
//! [network]
//! hidden = 4                 # K hidden units
//! activation = "erf"         # g: "erf", "tanh", "relu", "linear"
//! learning_rate = 0.2        # eta (first layer eta/sqrt(N) times the gradient's x, second eta/N)
//! first_scale = 1.0          # standard deviation of the first-layer weights at the start
//! second_scale = 1.0         # ... of the second layer's
//! train_second = true        # whether the second layer learns
//! [training]
//! examples = 2000            # P training examples, sampled with replacement, one per step
//! time = 100                 # steps / N
//! measurements = 24          # logarithmically spaced
//! students = 2               # networks from independent starts on the same examples
//! test_examples = 2000       # fresh test inputs (digits: the examples not in training)
//! [ensemble]
//! samples = 4                # independent data sets and starts
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_geometry::Activation as InputActivation;
use quench_neural::committee::Activation;
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::deep_network::spec::measurement_times;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

const MAX_INPUTS: usize = 1 << 16;
const MAX_EXAMPLES: usize = 1 << 22;
const MAX_HIDDEN: usize = 4096;
/// The 8×8 digits shipped with quench.
pub const DIGITS: usize = 1797;

/// Whether a spec is a hidden-manifold experiment.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "hidden-manifold")
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
        name: "hidden-manifold",
        aliases: &[],
        description: "two-layer networks (soft committee machines) trained by online SGD on the hidden manifold model (inputs x = f(F^T c/sqrt(D)) on a D-dimensional manifold, labels from a perceptron acting on c), on i.i.d. Gaussian inputs with a perceptron teacher, and on the 8x8 digits (even against odd)",
        hamiltonian: "loss (y - sum_k v_k g(w_k . x / sqrt(N)))^2 / 2 per example",
        size_key: "inputs",
        parameters: vec![
            parameter(
                "data[k].source",
                "the k-th data set",
                "\"hidden-manifold\", \"gaussian\" or \"digits\"",
                None,
            ),
            parameter("network.hidden", "K hidden units", "1..=4096", Some("4")),
        ],
    }]
}

/// Where one point's examples come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DataSource {
    /// The hidden manifold model with a perceptron teacher on the latent vector.
    HiddenManifold {
        /// $N$.
        inputs: usize,
        /// $D$.
        latent: usize,
        /// $f$.
        activation: InputActivation,
    },
    /// Standard Gaussian inputs, labels $\operatorname{sign}(\theta \cdot x)$.
    Gaussian {
        /// $N$.
        inputs: usize,
    },
    /// The 8×8 digits, $+1$ for even and $-1$ for odd.
    Digits,
}

impl DataSource {
    /// $N$.
    pub fn inputs(&self) -> usize {
        match *self {
            DataSource::HiddenManifold { inputs, .. } | DataSource::Gaussian { inputs } => inputs,
            DataSource::Digits => 64,
        }
    }

    /// The source's name in tables.
    pub fn name(&self) -> &'static str {
        match self {
            DataSource::HiddenManifold { .. } => "hidden-manifold",
            DataSource::Gaussian { .. } => "gaussian",
            DataSource::Digits => "digits",
        }
    }
}

/// One grid point: a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningPoint {
    /// Index in the grid.
    pub index: usize,
    /// Label.
    pub label: String,
    /// The examples.
    pub source: DataSource,
    /// Training examples $P$.
    pub examples: usize,
    /// Test examples.
    pub test_examples: usize,
}

/// The network and how it learns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkOptions {
    /// $K$.
    pub hidden: usize,
    /// $g$.
    pub activation: Activation,
    /// $\eta$.
    pub learning_rate: f64,
    /// Initial standard deviation of $w$.
    pub first_scale: f64,
    /// Initial standard deviation of $v$.
    pub second_scale: f64,
    /// Whether $v$ learns.
    pub train_second: bool,
}

/// A validated hidden-manifold spec.
#[derive(Debug, Clone)]
pub struct HiddenManifoldSpec {
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
    /// The data sets.
    pub points: Vec<LearningPoint>,
    /// The network.
    pub network: NetworkOptions,
    /// Steps over $N$.
    pub time: f64,
    /// Measurements per run, logarithmically spaced in steps.
    pub measurements: usize,
    /// Students per sample.
    pub students: usize,
    /// Samples per point.
    pub samples: u64,
    /// Seconds between checkpoints.
    pub checkpoint_seconds: f64,
}

impl HiddenManifoldSpec {
    /// Steps of SGD at `point`: `time` × N.
    pub fn steps(&self, point: &LearningPoint) -> u64 {
        (self.time * point.source.inputs() as f64).round().max(1.0) as u64
    }

    /// The measurement steps at `point`, increasing, the last [`Self::steps`].
    pub fn measurement_steps(&self, point: &LearningPoint) -> Vec<u64> {
        measurement_times(self.steps(point), self.measurements)
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
    data: Vec<RawData>,
    #[serde(default)]
    network: RawNetwork,
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    name: Option<String>,
    source: String,
    inputs: Option<usize>,
    latent: Option<usize>,
    activation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    #[serde(default = "default_hidden")]
    hidden: usize,
    #[serde(default = "default_activation")]
    activation: String,
    #[serde(default = "default_rate")]
    learning_rate: f64,
    #[serde(default = "one")]
    first_scale: f64,
    #[serde(default = "one")]
    second_scale: f64,
    #[serde(default = "yes")]
    train_second: bool,
}

fn default_hidden() -> usize {
    4
}
fn default_activation() -> String {
    "erf".into()
}
fn default_rate() -> f64 {
    0.2
}
fn one() -> f64 {
    1.0
}
fn yes() -> bool {
    true
}

impl Default for RawNetwork {
    fn default() -> Self {
        Self {
            hidden: default_hidden(),
            activation: default_activation(),
            learning_rate: default_rate(),
            first_scale: 1.0,
            second_scale: 1.0,
            train_second: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTraining {
    #[serde(default = "default_examples")]
    examples: usize,
    #[serde(default = "default_time")]
    time: f64,
    #[serde(default = "default_measurements")]
    measurements: usize,
    #[serde(default = "default_students")]
    students: usize,
    #[serde(default = "default_test")]
    test_examples: usize,
}

fn default_examples() -> usize {
    1000
}
fn default_time() -> f64 {
    100.0
}
fn default_measurements() -> usize {
    24
}
fn default_students() -> usize {
    2
}
fn default_test() -> usize {
    1000
}

impl Default for RawTraining {
    fn default() -> Self {
        Self {
            examples: default_examples(),
            time: default_time(),
            measurements: default_measurements(),
            students: default_students(),
            test_examples: default_test(),
        }
    }
}

impl HiddenManifoldSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [[data]], [network], [training], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let t = &raw.training;
        if !(2..=MAX_EXAMPLES).contains(&t.examples) {
            return Err(r.at(
                "training.examples",
                format!("{}", t.examples),
                format!("an integer in 2..={MAX_EXAMPLES}"),
            ));
        }
        if !(1..=MAX_EXAMPLES).contains(&t.test_examples) {
            return Err(r.at(
                "training.test_examples",
                format!("{}", t.test_examples),
                format!("an integer in 1..={MAX_EXAMPLES}"),
            ));
        }
        if !(t.time.is_finite() && t.time > 0.0 && t.time <= 1e6) {
            return Err(r.at(
                "training.time",
                format!("{} is out of range", t.time),
                "steps / N in (0, 1e6]",
            ));
        }
        if !(1..=1000).contains(&t.measurements) {
            return Err(r.at(
                "training.measurements",
                format!("{}", t.measurements),
                "an integer in 1..=1000",
            ));
        }
        if !(1..=64).contains(&t.students) {
            return Err(r.at(
                "training.students",
                format!("{}", t.students),
                "an integer in 1..=64 (disagreements need 2)",
            ));
        }
        if raw.data.is_empty() {
            return Err(r.at("data", "is empty", "at least one [[data]] entry"));
        }
        let mut points: Vec<LearningPoint> = Vec::new();
        for (k, d) in raw.data.iter().enumerate() {
            let key = |name: &str| format!("data[{k}].{name}");
            let refuse = |name: &str, given: bool| {
                if given {
                    Err(r.at(
                        &key(name),
                        format!("does not apply to source = {:?}", d.source),
                        "leave it out",
                    ))
                } else {
                    Ok(())
                }
            };
            let inputs = d.inputs.unwrap_or(500);
            if !(1..=MAX_INPUTS).contains(&inputs) {
                return Err(r.at(
                    &key("inputs"),
                    format!("{inputs}"),
                    format!("an integer in 1..={MAX_INPUTS}"),
                ));
            }
            let source = match d.source.as_str() {
                "hidden-manifold" => {
                    let latent = d.latent.unwrap_or(10);
                    if !(1..=MAX_INPUTS).contains(&latent) {
                        return Err(r.at(
                            &key("latent"),
                            format!("{latent}"),
                            format!("an integer in 1..={MAX_INPUTS}"),
                        ));
                    }
                    let activation = match d.activation.as_deref().unwrap_or("sign") {
                        "sign" => InputActivation::Sign,
                        "tanh" => InputActivation::Tanh,
                        "relu" => InputActivation::Relu,
                        "linear" => InputActivation::Linear,
                        other => {
                            return Err(r.at(
                                &key("activation"),
                                format!("unknown activation {other:?}"),
                                "\"sign\", \"tanh\", \"relu\" or \"linear\"",
                            ));
                        }
                    };
                    DataSource::HiddenManifold {
                        inputs,
                        latent,
                        activation,
                    }
                }
                "gaussian" => {
                    refuse("latent", d.latent.is_some())?;
                    refuse("activation", d.activation.is_some())?;
                    DataSource::Gaussian { inputs }
                }
                "digits" => {
                    refuse("latent", d.latent.is_some())?;
                    refuse("activation", d.activation.is_some())?;
                    refuse("inputs", d.inputs.is_some())?;
                    if t.examples >= DIGITS {
                        return Err(r.at(
                            "training.examples",
                            format!("{} training examples of the {DIGITS} digits", t.examples),
                            format!("fewer than {DIGITS}: the rest are the test examples"),
                        ));
                    }
                    DataSource::Digits
                }
                other => {
                    return Err(r.at(
                        &key("source"),
                        format!("unknown source {other:?}"),
                        "\"hidden-manifold\", \"gaussian\" or \"digits\"",
                    ));
                }
            };
            let label = d.name.clone().unwrap_or_else(|| d.source.clone());
            if label.is_empty() || points.iter().any(|p| p.label == label) {
                return Err(r.at(
                    &key("name"),
                    format!("{label:?} is empty or names an earlier entry too"),
                    "a name of its own for each [[data]] entry",
                ));
            }
            let test_examples = if source == DataSource::Digits {
                DIGITS - t.examples
            } else {
                t.test_examples
            };
            points.push(LearningPoint {
                index: k,
                label,
                source,
                examples: t.examples,
                test_examples,
            });
        }
        let n = &raw.network;
        if !(1..=MAX_HIDDEN).contains(&n.hidden) {
            return Err(r.at(
                "network.hidden",
                format!("{}", n.hidden),
                format!("an integer in 1..={MAX_HIDDEN}"),
            ));
        }
        let activation = match n.activation.as_str() {
            "erf" => Activation::Erf,
            "tanh" => Activation::Tanh,
            "relu" => Activation::Relu,
            "linear" => Activation::Linear,
            other => {
                return Err(r.at(
                    "network.activation",
                    format!("unknown activation {other:?}"),
                    "\"erf\", \"tanh\", \"relu\" or \"linear\"",
                ));
            }
        };
        for (key, value, high) in [
            ("network.learning_rate", n.learning_rate, 100.0),
            ("network.first_scale", n.first_scale, 1e3),
            ("network.second_scale", n.second_scale, 1e3),
        ] {
            if !(value.is_finite() && value > 0.0 && value <= high) {
                return Err(r.at(
                    key,
                    format!("{value} is out of range"),
                    format!("a number in (0, {high}]"),
                ));
            }
        }
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            points,
            network: NetworkOptions {
                hidden: n.hidden,
                activation,
                learning_rate: n.learning_rate,
                first_scale: n.first_scale,
                second_scale: n.second_scale,
                train_second: n.train_second,
            },
            time: t.time,
            measurements: t.measurements,
            students: t.students,
            samples: raw.ensemble.samples,
            checkpoint_seconds,
        })
    }
}
