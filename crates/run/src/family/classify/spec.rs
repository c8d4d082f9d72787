//! The spec of a phase-classification experiment (`model = "phase-classifier"`):
//! schema and validation, every error located in the file.
//!
//! ```toml
//! name = "classify-ising"
//! seed = 2024
//! [model]
//! model = "phase-classifier"
//! [training]                       # the model whose snapshots teach the networks
//! lattice = "ising"                # "ising" (triangular couplings) or "baxter-wu"
//! couplings = [1.0, 1.0, 0.0]      # ising: [J_v, J_h, J_d]; baxter-wu: [J]
//! ordered = [1.5, 1.7, 1.9]        # temperatures labelled ordered (1)
//! disordered = [2.7, 2.9, 3.1]     # temperatures labelled disordered (0)
//! snapshots = 100                  # per training temperature
//! [[test]]                         # one or more models the trained networks are tested on
//! lattice = "ising"
//! couplings = [1.0, 1.0, 0.0]
//! temperatures = { from = 2.0, to = 2.6, points = 31 }   # relative = true: in units of the exact T_c
//!                                  # narrowing = x: at side L the grid keeps its centre and
//!                                  # points, its half-width times (L_min / L)^x (the peak of
//!                                  # V narrows like L^(-1/nu): x = 1/nu keeps it resolved)
//! snapshots = 100                  # per test temperature
//! [data]
//! lengths = [12, 24, 48]           # the grid: one unit per L
//! input = "spins"                  # or "energies" (each site's bond or triangle energy)
//! equilibration = 200              # steps before the pilot (a step: a sweep and cluster moves)
//! pilot = 1000                     # shortest pilot measuring tau_int
//! spacing_factor = 2.0             # snapshots f tau_int apart
//! maximum_spacing = 2000           # refuse rather than keep correlated snapshots
//! [networks]
//! architectures = [{ kind = "fully-connected", width = 64, layers = 2 },
//!                  { kind = "convolutional", channels = 8, layers = 3 },
//!                  { kind = "residual", channels = 8, blocks = 2 }]
//! networks = 3                     # independently trained per architecture and L
//! epochs = 30
//! batch_size = 32
//! learning_rate = 1e-3
//! patience = 5                     # epochs without a lower validation loss
//! validation = 0.2                 # fraction of the training snapshots held out
//! bootstrap = 200                  # replicas for every error bar
//! device = "cpu"                   # or "cuda" / "cuda:N" in a build with `--features cuda`
//! [output]
//! checkpoint_seconds = 60
//! ```

use quench_critical::snapshots::SnapshotOptions;
use quench_critical::{CriticalModel, TriangularLattice};
use quench_neural::{Architecture, Backend, TrainingOptions};
use quench_theory::triangular::TriangularCouplings;
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::sections::RawOutput;
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The largest lattice side.
pub const MAX_LENGTH: usize = 512;

/// The most snapshots per temperature.
const MAX_SNAPSHOTS: usize = 1_000_000;

/// Whether a spec is a phase-classification experiment.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "phase-classifier")
}

/// The model of phase-classification experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    vec![ModelInfo {
        name: "phase-classifier",
        aliases: &[],
        description: "neural networks (fully connected, convolutional, residual) trained to tell ordered from disordered snapshots of a lattice model far from T_c, tested near T_c: P(T;L), V(T;L), the peak of V and finite-size scaling for T* and 1/nu; transfer to anisotropic couplings and between the Ising and Baxter-Wu classes",
        hamiltonian: "ising: H = -sum_i s_i (J_h s_{i+x} + J_v s_{i+y} + J_d s_{i+x+y}); baxter-wu: H = -J sum over triangles s_i s_j s_k (periodic L x L)",
        size_key: "lengths",
        parameters: vec![
            ParameterInfo {
                key: "training.lattice, test.lattice",
                meaning: "the model whose snapshots train, and those tested",
                allowed: "\"ising\" or \"baxter-wu\"",
                default: Some("\"ising\""),
            },
            ParameterInfo {
                key: "training.couplings, test.couplings",
                meaning: "ising: [J_v, J_h, J_d] with every pair sum > 0; baxter-wu: [J > 0]",
                allowed: "finite numbers",
                default: Some("[1, 1, 0] or [1]"),
            },
        ],
    }]
}

/// Where the network's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The spins $\pm 1$.
    Spins,
    /// Each site's owned bond (Ising) or triangle (Baxter–Wu) energy,
    /// divided by its largest magnitude: values in $[-1, 1]$.
    Energies,
}

impl Input {
    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Input::Spins => "spins",
            Input::Energies => "energies",
        }
    }
}

/// A model tested, with its temperature grid.
#[derive(Debug, Clone, PartialEq)]
pub struct TestSet {
    /// The model.
    pub model: CriticalModel,
    /// Its name in tables: `ising(J_v,J_h,J_d)` or `baxter-wu(J)`.
    pub label: String,
    /// The temperatures at the smallest side.
    pub temperatures: Vec<f64>,
    /// The exponent $x$ by which the grid narrows with the side: at side
    /// $L$ it keeps its centre and its points, its half-width times
    /// $(L_{\min}/L)^x$ (0: the same grid at every side).
    pub narrowing: f64,
    /// $L_{\min}$, the smallest side of the spec.
    pub smallest_length: usize,
    /// Snapshots per temperature.
    pub snapshots: usize,
}

impl TestSet {
    /// The temperature grid at side `length`.
    pub fn temperatures_at(&self, length: usize) -> Vec<f64> {
        if self.narrowing == 0.0 {
            return self.temperatures.clone();
        }
        let centre = 0.5 * (self.temperatures[0] + self.temperatures[self.temperatures.len() - 1]);
        let factor = (self.smallest_length as f64 / length as f64).powf(self.narrowing);
        self.temperatures
            .iter()
            .map(|t| centre + factor * (t - centre))
            .collect()
    }
}

/// A validated phase-classification spec.
#[derive(Debug, Clone)]
pub struct ClassifySpec {
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
    /// The training model.
    pub training_model: CriticalModel,
    /// Its label.
    pub training_label: String,
    /// Temperatures labelled ordered.
    pub ordered: Vec<f64>,
    /// Temperatures labelled disordered.
    pub disordered: Vec<f64>,
    /// Snapshots per training temperature.
    pub training_snapshots: usize,
    /// The tested models.
    pub tests: Vec<TestSet>,
    /// Lattice sides (the grid).
    pub lengths: Vec<usize>,
    /// The input.
    pub input: Input,
    /// How snapshots are taken (`snapshots` is set per temperature set).
    pub snapshot_options: SnapshotOptions,
    /// The architectures.
    pub architectures: Vec<Architecture>,
    /// Networks per architecture and length.
    pub networks: usize,
    /// Training options.
    pub training: TrainingOptions,
    /// Validation fraction.
    pub validation: f64,
    /// Bootstrap replicas.
    pub bootstrap: usize,
    /// Where the networks train: the CPU (bit for bit for any thread
    /// count) or a GPU (within rounding; see [`quench_neural::backend`]).
    pub backend: Backend,
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
    #[allow(dead_code)]
    model: RawModel,
    training: RawTraining,
    test: Vec<RawTest>,
    data: RawData,
    networks: RawNetworks,
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
struct RawTraining {
    #[serde(default = "default_lattice")]
    lattice: String,
    #[serde(default)]
    couplings: Option<Vec<f64>>,
    ordered: Vec<f64>,
    disordered: Vec<f64>,
    #[serde(default = "default_snapshots")]
    snapshots: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    #[serde(default = "default_lattice")]
    lattice: String,
    #[serde(default)]
    couplings: Option<Vec<f64>>,
    temperatures: RawGrid,
    #[serde(default = "default_snapshots")]
    snapshots: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    from: f64,
    to: f64,
    points: usize,
    #[serde(default)]
    relative: bool,
    #[serde(default)]
    narrowing: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    lengths: Vec<usize>,
    #[serde(default = "default_input")]
    input: String,
    #[serde(default = "default_equilibration")]
    equilibration: usize,
    #[serde(default = "default_pilot")]
    pilot: usize,
    #[serde(default = "default_spacing_factor")]
    spacing_factor: f64,
    #[serde(default = "default_maximum_spacing")]
    maximum_spacing: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetworks {
    architectures: Vec<Architecture>,
    #[serde(default = "default_networks")]
    networks: usize,
    #[serde(default = "default_epochs")]
    epochs: usize,
    #[serde(default = "default_batch")]
    batch_size: usize,
    #[serde(default = "default_learning_rate")]
    learning_rate: f64,
    #[serde(default = "default_patience")]
    patience: usize,
    #[serde(default = "default_validation")]
    validation: f64,
    #[serde(default = "default_bootstrap")]
    bootstrap: usize,
    #[serde(default = "default_device")]
    device: String,
}

fn default_lattice() -> String {
    "ising".into()
}
fn default_snapshots() -> usize {
    100
}
fn default_input() -> String {
    "spins".into()
}
fn default_equilibration() -> usize {
    200
}
fn default_pilot() -> usize {
    1000
}
fn default_spacing_factor() -> f64 {
    2.0
}
fn default_maximum_spacing() -> usize {
    2000
}
fn default_networks() -> usize {
    3
}
fn default_epochs() -> usize {
    30
}
fn default_batch() -> usize {
    32
}
fn default_learning_rate() -> f64 {
    1e-3
}
fn default_patience() -> usize {
    5
}
fn default_validation() -> f64 {
    0.2
}
fn default_device() -> String {
    "cpu".into()
}
fn default_bootstrap() -> usize {
    200
}

/// The model and its label from `lattice` and `couplings` at `key`.
fn model(
    r: &Reporter<'_>,
    key: &str,
    lattice: &str,
    couplings: Option<&[f64]>,
) -> Result<(CriticalModel, String), SpecError> {
    match lattice {
        "ising" => {
            let c = couplings.unwrap_or(&[1.0, 1.0, 0.0]);
            let [v, h, d] = c else {
                return Err(r.at(
                    &format!("{key}.couplings"),
                    format!("{} couplings", c.len()),
                    "[J_v, J_h, J_d] for lattice = \"ising\"",
                ));
            };
            let couplings = TriangularCouplings::new(*v, *h, *d)
                .map_err(|e| r.at(&format!("{key}.couplings"), e.value, e.allowed))?;
            Ok((
                CriticalModel::Ising(couplings),
                format!("ising({v},{h},{d})"),
            ))
        }
        "baxter-wu" => {
            let c = couplings.unwrap_or(&[1.0]);
            let [j] = c else {
                return Err(r.at(
                    &format!("{key}.couplings"),
                    format!("{} couplings", c.len()),
                    "[J] for lattice = \"baxter-wu\"",
                ));
            };
            let model = CriticalModel::baxter_wu(*j)
                .map_err(|e| r.at(&format!("{key}.couplings"), e.value, e.allowed))?;
            Ok((model, format!("baxter-wu({j})")))
        }
        other => Err(r.at(
            &format!("{key}.lattice"),
            format!("unknown lattice {other:?}"),
            "\"ising\" or \"baxter-wu\"",
        )),
    }
}

fn temperatures(r: &Reporter<'_>, key: &str, values: &[f64]) -> Result<(), SpecError> {
    if values.is_empty() {
        return Err(r.at(key, "is empty", "a list of temperatures > 0"));
    }
    for (k, &t) in values.iter().enumerate() {
        if !(t.is_finite() && t > 0.0) || values[..k].contains(&t) {
            return Err(r.at(
                &format!("{key}[{k}]"),
                format!("{t} is out of range or repeated"),
                "distinct finite temperatures > 0",
            ));
        }
    }
    Ok(())
}

fn snapshots(r: &Reporter<'_>, key: &str, value: usize) -> Result<(), SpecError> {
    if !(2..=MAX_SNAPSHOTS).contains(&value) {
        return Err(r.at(
            key,
            format!("{value} is out of range"),
            format!("an integer 2 <= snapshots <= {MAX_SNAPSHOTS}"),
        ));
    }
    Ok(())
}

impl ClassifySpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [training], [[test]], [data], [networks], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        let t = &raw.training;
        let (training_model, training_label) =
            model(r, "training", &t.lattice, t.couplings.as_deref())?;
        temperatures(r, "training.ordered", &t.ordered)?;
        temperatures(r, "training.disordered", &t.disordered)?;
        let critical = training_model.critical_temperature();
        if let Some(k) = t.ordered.iter().position(|&x| x >= critical) {
            return Err(r.at(
                &format!("training.ordered[{k}]"),
                format!("{} is not below T_c = {critical:.6}", t.ordered[k]),
                "ordered temperatures below the training model's exact T_c",
            ));
        }
        if let Some(k) = t.disordered.iter().position(|&x| x <= critical) {
            return Err(r.at(
                &format!("training.disordered[{k}]"),
                format!("{} is not above T_c = {critical:.6}", t.disordered[k]),
                "disordered temperatures above the training model's exact T_c",
            ));
        }
        snapshots(r, "training.snapshots", t.snapshots)?;
        if raw.test.is_empty() {
            return Err(r.at("test", "no [[test]] table", "at least one model to test"));
        }
        let mut tests = Vec::with_capacity(raw.test.len());
        for (k, test) in raw.test.iter().enumerate() {
            let key = format!("test[{k}]");
            let (model, label) = model(r, &key, &test.lattice, test.couplings.as_deref())?;
            let g = &test.temperatures;
            if !(5..=10_000).contains(&g.points) {
                return Err(r.at(
                    &format!("{key}.temperatures.points"),
                    format!("{} points", g.points),
                    "5 to 10000 points (the peak fit has 4 parameters)",
                ));
            }
            let scale = if g.relative {
                model.critical_temperature()
            } else {
                1.0
            };
            if !(g.from.is_finite() && g.to.is_finite() && g.from > 0.0 && g.to > g.from) {
                return Err(r.at(
                    &format!("{key}.temperatures"),
                    format!("from = {}, to = {}", g.from, g.to),
                    "finite 0 < from < to",
                ));
            }
            if !(g.narrowing.is_finite() && (0.0..=3.0).contains(&g.narrowing)) {
                return Err(r.at(
                    &format!("{key}.temperatures.narrowing"),
                    format!("{}", g.narrowing),
                    "an exponent 0 <= narrowing <= 3 (0: the same grid at every side)",
                ));
            }
            let grid = (0..g.points)
                .map(|p| scale * (g.from + (g.to - g.from) * p as f64 / (g.points - 1) as f64))
                .collect();
            snapshots(r, &format!("{key}.snapshots"), test.snapshots)?;
            tests.push(TestSet {
                model,
                label,
                temperatures: grid,
                narrowing: g.narrowing,
                smallest_length: 0,
                snapshots: test.snapshots,
            });
        }
        let d = &raw.data;
        if d.lengths.is_empty() {
            return Err(r.at("data.lengths", "is empty", "a list of lattice sides"));
        }
        let models: Vec<CriticalModel> = std::iter::once(training_model)
            .chain(tests.iter().map(|t| t.model))
            .collect();
        for (k, &length) in d.lengths.iter().enumerate() {
            let key = format!("data.lengths[{k}]");
            if !(4..=MAX_LENGTH).contains(&length) || d.lengths[..k].contains(&length) {
                return Err(r.at(
                    &key,
                    format!("{length} is out of range or repeated"),
                    format!("distinct sides 4 <= L <= {MAX_LENGTH}"),
                ));
            }
            let lattice =
                TriangularLattice::square(length).map_err(|e| r.at(&key, e.value, e.allowed))?;
            for model in &models {
                model
                    .check_lattice(&lattice)
                    .map_err(|e| r.at(&key, e.value, e.allowed))?;
            }
        }
        let smallest_length = d.lengths.iter().copied().min().expect("lengths");
        for test in &mut tests {
            test.smallest_length = smallest_length;
        }
        let input = match d.input.as_str() {
            "spins" => Input::Spins,
            "energies" => Input::Energies,
            other => {
                return Err(r.at(
                    "data.input",
                    format!("unknown input {other:?}"),
                    "\"spins\" or \"energies\"",
                ));
            }
        };
        let snapshot_options = SnapshotOptions {
            snapshots: t.snapshots,
            equilibration: d.equilibration,
            pilot: d.pilot,
            spacing_factor: d.spacing_factor,
            maximum_spacing: d.maximum_spacing,
        };
        snapshot_options
            .validate()
            .map_err(|e| r.at(&format!("data.{}", e.parameter), e.value, e.allowed))?;
        let n = &raw.networks;
        if n.architectures.is_empty() {
            return Err(r.at(
                "networks.architectures",
                "is empty",
                "a list of { kind = \"fully-connected\" | \"convolutional\" | \"residual\", ... }",
            ));
        }
        for (k, architecture) in n.architectures.iter().enumerate() {
            architecture.validate().map_err(|e| {
                r.at(
                    &format!("networks.architectures[{k}].{}", e.parameter),
                    e.value,
                    e.allowed,
                )
            })?;
            if n.architectures[..k].contains(architecture) {
                return Err(r.at(
                    &format!("networks.architectures[{k}]"),
                    "is listed twice",
                    "each architecture once",
                ));
            }
        }
        if !(1..=1000).contains(&n.networks) {
            return Err(r.at(
                "networks.networks",
                format!("{} networks", n.networks),
                "1 to 1000 networks per architecture and length",
            ));
        }
        let training = TrainingOptions {
            epochs: n.epochs,
            batch_size: n.batch_size,
            learning_rate: n.learning_rate,
            patience: n.patience,
        };
        training
            .validate()
            .map_err(|e| r.at(&format!("networks.{}", e.parameter), e.value, e.allowed))?;
        let images = (t.ordered.len() + t.disordered.len()) * t.snapshots;
        let held = (images as f64 * n.validation).round() as usize;
        if !(n.validation > 0.0 && n.validation < 1.0) || held == 0 || held == images {
            return Err(r.at(
                "networks.validation",
                format!("{} of {images} training snapshots", n.validation),
                "a fraction 0 < validation < 1 that holds out at least one snapshot and keeps one",
            ));
        }
        if !(2..=100_000).contains(&n.bootstrap) {
            return Err(r.at(
                "networks.bootstrap",
                format!("{} replicas", n.bootstrap),
                "2 to 100000 replicas",
            ));
        }
        let backend =
            Backend::parse(&n.device).map_err(|e| r.at("networks.device", e.value, e.allowed))?;
        let checkpoint_seconds = raw.output.checkpoint_seconds(r)?;
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            training_model,
            training_label,
            ordered: t.ordered.clone(),
            disordered: t.disordered.clone(),
            training_snapshots: t.snapshots,
            tests,
            lengths: d.lengths.clone(),
            input,
            snapshot_options,
            architectures: n.architectures.clone(),
            networks: n.networks,
            training,
            validation: n.validation,
            bootstrap: n.bootstrap,
            backend,
            checkpoint_seconds,
        })
    }

    /// Training temperatures with their labels: ordered ones (1) first.
    pub fn training_temperatures(&self) -> Vec<(f64, f32)> {
        self.ordered
            .iter()
            .map(|&t| (t, 1.0))
            .chain(self.disordered.iter().map(|&t| (t, 0.0)))
            .collect()
    }
}
