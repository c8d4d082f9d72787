//! The spec of a deep-network experiment (`model = "deep-network"`):
//! schema and validation, every error located in the file.
//!
//! ```toml
//! name = "deep-network-profile"
//! seed = 2020
//! [model]
//! model = "deep-network"
//! scenario = "random"        # "random" inputs and outputs, or "teacher" (a network of the same architecture)
//! noise = 0.0                # teacher: probability that an output bit is flipped, in [0, 1/2]
//! weights = "spherical"      # "spherical" (|J|^2 = c per perceptron) or "binary" (J = ±1)
//! loss = "gaps"              # "gaps" (hidden spins are variables; E = violated gaps) or "output" (feed-forward; E = wrong output bits)
//! margin = 0.0               # kappa
//! [grid]
//! width = [16]               # N, neurons per layer
//! depth = [6]                # L, layers of perceptrons
//! connectivity = [16]        # c, inputs per perceptron (each <= every width); default: c = N (global coupling)
//! alpha = [1.0, 4.0, 16.0]   # M = round(alpha c) training patterns
//! start = ["random"]         # "random" (learning) and/or "teacher" (unlearning; teacher scenario)
//! [dynamics]
//! temperatures = [0.0]       # one temperature (0: accept every move with dE <= 0), or a ladder > 0 for parallel tempering (the first is measured)
//! sweeps = 2000              # sweeps over every weight and hidden spin
//! step = 0.1                 # rotation of a spherical weight vector per move (radians, about)
//! step_per_pattern = 3.0     # or: the rotation step / M, so that a move changes O(1) of the M gaps at every size
//! measurements = 16          # measurement times, logarithmically spaced up to sweeps
//! replicas = 2               # students per sample, on the same data (at least 2)
//! test_patterns = 1000       # fresh inputs for the test overlaps
//! [ensemble]
//! samples = 8
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_learn::deep::{Architecture, Loss, Scenario};
use quench_learn::perceptron::WeightKind;
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The largest width, depth, pattern count and replica count a spec may ask for.
const MAX_WIDTH: usize = 4096;
const MAX_DEPTH: usize = 256;
const MAX_PATTERNS: usize = 1 << 22;
const MAX_REPLICAS: usize = 16;
const MAX_LADDER: usize = 32;

/// Whether a spec is a deep-network experiment: `model = "deep-network"`.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "deep-network")
}

/// The model of deep-network experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let parameter = |key, meaning, allowed, default| ParameterInfo {
        key,
        meaning,
        allowed,
        default,
    };
    vec![ModelInfo {
        name: "deep-network",
        aliases: &[],
        description: "deep network of L layers of N sign neurons, each a perceptron reading c neurons of the layer before; M = alpha c patterns fix the input and output layers; weights and hidden representations are the variables (Yoshino's design space)",
        hamiltonian: "E = #{(l, k, mu): S_lk^mu (J_lk . S_(l-1)^mu)/sqrt(c) <= kappa} (gaps), or the number of wrong output bits of the feed-forward network (output)",
        size_key: "width",
        parameters: vec![
            parameter(
                "scenario",
                "where the outputs come from",
                "\"random\" or \"teacher\"",
                Some("\"random\""),
            ),
            parameter(
                "noise",
                "teacher: output-flip probability",
                "a number in [0, 0.5]",
                Some("0"),
            ),
            parameter(
                "weights",
                "kind of weights",
                "\"spherical\" or \"binary\"",
                Some("\"spherical\""),
            ),
            parameter(
                "loss",
                "what the energy counts",
                "\"gaps\" or \"output\"",
                Some("\"gaps\""),
            ),
            parameter("margin", "kappa of the gaps", "a finite number", Some("0")),
        ],
    }]
}

/// Where a student starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Uniform weights and hidden spins: learning.
    Random,
    /// The teacher's configuration: unlearning.
    Teacher,
}

impl Start {
    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Start::Random => "random",
            Start::Teacher => "teacher",
        }
    }
}

/// One grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct DeepPoint {
    /// Index in the grid.
    pub index: usize,
    /// The network.
    pub architecture: Architecture,
    /// $\alpha$ as written.
    pub alpha: f64,
    /// $M = \mathrm{round}(\alpha c)$.
    pub patterns: usize,
    /// The start.
    pub start: Start,
    /// The key of the point's training sets: equal for points that differ only in `start`.
    pub data_key: u64,
}

/// A validated deep-network spec.
#[derive(Debug, Clone)]
pub struct DeepNetworkSpec {
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
    /// The data scenario.
    pub scenario: Scenario,
    /// The loss.
    pub loss: Loss,
    /// $\kappa$.
    pub margin: f64,
    /// The grid.
    pub points: Vec<DeepPoint>,
    /// Temperatures (the first measured; several: parallel tempering).
    pub temperatures: Vec<f64>,
    /// Sweeps.
    pub sweeps: u64,
    /// Rotation step (radians), or the step times $M$ when `step_per_pattern`.
    pub step: f64,
    /// Whether the rotation step of a point is `step` / M.
    pub step_per_pattern: bool,
    /// Measurement times (sweeps), increasing, the last `sweeps`.
    pub times: Vec<u64>,
    /// Students per sample.
    pub replicas: usize,
    /// Fresh test inputs.
    pub test_patterns: usize,
    /// Samples per point.
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
    dynamics: RawDynamics,
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
    #[serde(default = "default_scenario")]
    scenario: String,
    #[serde(default)]
    noise: f64,
    #[serde(default = "default_weights")]
    weights: String,
    #[serde(default = "default_loss")]
    loss: String,
    #[serde(default)]
    margin: f64,
}

fn default_scenario() -> String {
    "random".into()
}
fn default_weights() -> String {
    "spherical".into()
}
fn default_loss() -> String {
    "gaps".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    width: Vec<usize>,
    depth: Vec<usize>,
    #[serde(default)]
    connectivity: Option<Vec<usize>>,
    alpha: Vec<f64>,
    #[serde(default)]
    start: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDynamics {
    #[serde(default = "default_temperatures")]
    temperatures: Vec<f64>,
    #[serde(default = "default_sweeps")]
    sweeps: u64,
    #[serde(default)]
    step: Option<f64>,
    #[serde(default)]
    step_per_pattern: Option<f64>,
    #[serde(default = "default_measurements")]
    measurements: usize,
    #[serde(default = "default_replicas")]
    replicas: usize,
    #[serde(default = "default_test_patterns")]
    test_patterns: usize,
}

fn default_temperatures() -> Vec<f64> {
    vec![0.0]
}
fn default_sweeps() -> u64 {
    1000
}
fn default_step() -> f64 {
    0.1
}
fn default_measurements() -> usize {
    16
}
fn default_replicas() -> usize {
    2
}
fn default_test_patterns() -> usize {
    1000
}

impl Default for RawDynamics {
    fn default() -> Self {
        Self {
            temperatures: default_temperatures(),
            sweeps: default_sweeps(),
            step: None,
            step_per_pattern: None,
            measurements: default_measurements(),
            replicas: default_replicas(),
            test_patterns: default_test_patterns(),
        }
    }
}

/// `count` measurement times from 1 to `sweeps`, logarithmically spaced,
/// rounded and distinct (fewer when `sweeps` is small), the last `sweeps`.
pub fn measurement_times(sweeps: u64, count: usize) -> Vec<u64> {
    let mut times: Vec<u64> = (0..count)
        .map(|k| {
            let x = if count == 1 {
                1.0
            } else {
                k as f64 / (count - 1) as f64
            };
            (sweeps as f64).powf(x).round() as u64
        })
        .collect();
    times.push(sweeps);
    times.sort_unstable();
    times.dedup();
    times.retain(|&t| t >= 1);
    times
}

fn sizes(
    r: &Reporter,
    key: &str,
    values: &[usize],
    low: usize,
    high: usize,
) -> Result<(), SpecError> {
    if values.is_empty() {
        return Err(r.at(
            key,
            "is empty",
            format!("a list of integers in {low}..={high}"),
        ));
    }
    for (k, &v) in values.iter().enumerate() {
        if !(low..=high).contains(&v) || values[..k].contains(&v) {
            return Err(r.at(
                &format!("{key}[{k}]"),
                format!("{v} is out of range or listed twice"),
                format!("distinct integers in {low}..={high}"),
            ));
        }
    }
    Ok(())
}

impl DeepNetworkSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [grid], [dynamics], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        let m = &raw.model;
        let scenario = match m.scenario.as_str() {
            "random" => Scenario::Random,
            "teacher" => {
                if !(m.noise.is_finite() && (0.0..=0.5).contains(&m.noise)) {
                    return Err(r.at(
                        "model.noise",
                        format!("{} is out of range", m.noise),
                        "a probability in [0, 0.5]",
                    ));
                }
                Scenario::Teacher { noise: m.noise }
            }
            other => {
                return Err(r.at(
                    "model.scenario",
                    format!("unknown scenario {other:?}"),
                    "\"random\" or \"teacher\"",
                ));
            }
        };
        if scenario == Scenario::Random && m.noise != 0.0 {
            return Err(r.at(
                "model.noise",
                "applies to scenario = \"teacher\" only",
                "leave it out",
            ));
        }
        let weights = match m.weights.as_str() {
            "spherical" => WeightKind::Spherical,
            "binary" => WeightKind::Binary,
            other => {
                return Err(r.at(
                    "model.weights",
                    format!("unknown weights {other:?}"),
                    "\"spherical\" or \"binary\"",
                ));
            }
        };
        let loss = match m.loss.as_str() {
            "gaps" => Loss::Gaps,
            "output" => Loss::OutputError,
            other => {
                return Err(r.at(
                    "model.loss",
                    format!("unknown loss {other:?}"),
                    "\"gaps\" (the design space: hidden spins are variables) or \"output\" (feed-forward output error)",
                ));
            }
        };
        if !m.margin.is_finite() {
            return Err(r.at("model.margin", format!("{}", m.margin), "a finite number"));
        }
        let g = &raw.grid;
        sizes(r, "grid.width", &g.width, 1, MAX_WIDTH)?;
        sizes(r, "grid.depth", &g.depth, 1, MAX_DEPTH)?;
        if let Some(c) = &g.connectivity {
            let narrowest = *g.width.iter().min().expect("non-empty");
            sizes(r, "grid.connectivity", c, 1, narrowest)?;
        }
        if g.alpha.is_empty() {
            return Err(r.at("grid.alpha", "is empty", "a list of loads alpha > 0"));
        }
        for (k, &a) in g.alpha.iter().enumerate() {
            if !(a.is_finite() && a > 0.0) || g.alpha[..k].contains(&a) {
                return Err(r.at(
                    &format!("grid.alpha[{k}]"),
                    format!("{a} is out of range or listed twice"),
                    "distinct finite loads alpha > 0",
                ));
            }
        }
        let starts = match &g.start {
            None => vec![Start::Random],
            Some(names) => {
                if names.is_empty() {
                    return Err(r.at("grid.start", "is empty", "\"random\" and/or \"teacher\""));
                }
                let mut starts = Vec::new();
                for (k, name) in names.iter().enumerate() {
                    let start = match name.as_str() {
                        "random" => Start::Random,
                        "teacher" if scenario != Scenario::Random => Start::Teacher,
                        "teacher" => {
                            return Err(r.at(
                                &format!("grid.start[{k}]"),
                                "\"teacher\" needs a teacher",
                                "\"random\" with scenario = \"random\"; \"teacher\" with scenario = \"teacher\"",
                            ));
                        }
                        other => {
                            return Err(r.at(
                                &format!("grid.start[{k}]"),
                                format!("unknown start {other:?}"),
                                "\"random\" (learning) or \"teacher\" (unlearning)",
                            ));
                        }
                    };
                    if starts.contains(&start) {
                        return Err(r.at(
                            &format!("grid.start[{k}]"),
                            "is listed twice",
                            "each start once",
                        ));
                    }
                    starts.push(start);
                }
                starts
            }
        };
        let d = &raw.dynamics;
        if d.temperatures.is_empty() || d.temperatures.len() > MAX_LADDER {
            return Err(r.at(
                "dynamics.temperatures",
                format!("{} temperatures", d.temperatures.len()),
                format!("1 to {MAX_LADDER} temperatures"),
            ));
        }
        for (k, &t) in d.temperatures.iter().enumerate() {
            let ladder = d.temperatures.len() > 1;
            let valid = t.is_finite() && if ladder { t > 0.0 } else { t >= 0.0 };
            if !valid || (k > 0 && t <= d.temperatures[k - 1]) {
                return Err(r.at(
                    &format!("dynamics.temperatures[{k}]"),
                    format!("{t} is out of range"),
                    "one temperature >= 0, or an increasing ladder of temperatures > 0",
                ));
            }
        }
        if d.sweeps == 0 || d.sweeps > 1 << 40 {
            return Err(r.at(
                "dynamics.sweeps",
                format!("{}", d.sweeps),
                "an integer in 1..=2^40",
            ));
        }
        let (step, step_per_pattern, step_key) = match (d.step, d.step_per_pattern) {
            (Some(_), Some(_)) => {
                return Err(r.at(
                    "dynamics.step_per_pattern",
                    "is given beside dynamics.step",
                    "one of step (radians) and step_per_pattern (radians times M)",
                ));
            }
            (None, Some(x)) => (x, true, "dynamics.step_per_pattern"),
            (Some(x), None) => (x, false, "dynamics.step"),
            (None, None) => (default_step(), false, "dynamics.step"),
        };
        let largest = if step_per_pattern { 1e6 } else { 10.0 };
        if !(step.is_finite() && step > 0.0 && step <= largest) {
            return Err(r.at(
                step_key,
                format!("{step} is out of range"),
                format!(
                    "a number in (0, {largest}] (radians{})",
                    if step_per_pattern {
                        " times M"
                    } else {
                        ", about"
                    }
                ),
            ));
        }
        if d.measurements == 0 || d.measurements > 1000 {
            return Err(r.at(
                "dynamics.measurements",
                format!("{}", d.measurements),
                "an integer in 1..=1000",
            ));
        }
        if !(2..=MAX_REPLICAS).contains(&d.replicas) {
            return Err(r.at(
                "dynamics.replicas",
                format!("{}", d.replicas),
                format!("an integer in 2..={MAX_REPLICAS} (overlaps need two students)"),
            ));
        }
        if !(1..=MAX_PATTERNS).contains(&d.test_patterns) {
            return Err(r.at(
                "dynamics.test_patterns",
                format!("{}", d.test_patterns),
                format!("an integer in 1..={MAX_PATTERNS}"),
            ));
        }
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        let mut points = Vec::new();
        let mut data_key = 0u64;
        for &width in &g.width {
            for &depth in &g.depth {
                let connectivities = g.connectivity.clone().unwrap_or_else(|| vec![width]);
                for &connectivity in &connectivities {
                    for &alpha in &g.alpha {
                        let patterns = (alpha * connectivity as f64).round() as usize;
                        if !(1..=MAX_PATTERNS).contains(&patterns) {
                            return Err(r.at(
                                "grid.alpha",
                                format!("{alpha} x c = {connectivity} gives {patterns} patterns"),
                                format!("1..={MAX_PATTERNS} patterns"),
                            ));
                        }
                        let architecture = Architecture {
                            width,
                            depth,
                            connectivity,
                            weights,
                        };
                        architecture
                            .validate()
                            .map_err(|e| r.at("grid", e.to_string(), ""))?;
                        for &start in &starts {
                            points.push(DeepPoint {
                                index: points.len(),
                                architecture,
                                alpha,
                                patterns,
                                start,
                                data_key,
                            });
                        }
                        data_key += 1;
                    }
                }
            }
        }
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            scenario,
            loss,
            margin: m.margin,
            points,
            temperatures: d.temperatures.clone(),
            sweeps: d.sweeps,
            step,
            step_per_pattern,
            times: measurement_times(d.sweeps, d.measurements),
            replicas: d.replicas,
            test_patterns: d.test_patterns,
            samples: raw.ensemble.samples,
            checkpoint_seconds,
        })
    }

    /// The noise of the teacher scenario (0 without a teacher).
    pub fn noise(&self) -> f64 {
        match self.scenario {
            Scenario::Random => 0.0,
            Scenario::Teacher { noise } => noise,
        }
    }

    /// The rotation step at `point` (radians).
    pub fn step_at(&self, point: &DeepPoint) -> f64 {
        if self.step_per_pattern {
            self.step / point.patterns as f64
        } else {
            self.step
        }
    }

    /// Whether the data have a teacher.
    pub fn has_teacher(&self) -> bool {
        matches!(self.scenario, Scenario::Teacher { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurement_times_are_logarithmic_and_end_at_the_sweeps() {
        assert_eq!(measurement_times(1000, 4), vec![1, 10, 100, 1000]);
        assert_eq!(measurement_times(3, 10), vec![1, 2, 3]);
        assert_eq!(measurement_times(7, 1), vec![7]);
    }
}
