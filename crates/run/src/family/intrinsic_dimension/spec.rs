//! The spec of an intrinsic-dimension experiment
//! (`model = "intrinsic-dimension"`): data sets, estimators, every error
//! located in the file.
//!
//! ```toml
//! name = "intrinsic-dimension"
//! seed = 22
//! [model]
//! model = "intrinsic-dimension"
//! [[data]]                   # one entry per data set; list-valued keys make one point per value
//! name = "spheres"           # label in tables and figures (default: the source)
//! source = "manifold"        # "manifold", "hidden-manifold", "ising", "digits" or "file"
//! manifold = "sphere"        # manifold: "cube", "sphere", "torus", "gaussian" or "swiss-roll"
//! dimension = [2, 4, 8]      # manifold: its intrinsic dimensions d
//! ambient = 32               # manifold: coordinates D (at least the manifold's own)
//! rotate = true              # manifold: a random rotation into the D coordinates
//! noise = 0.0                # manifold: Gaussian noise per coordinate
//! points = 4000              # points drawn (digits and files: a random subset; default all)
//! [[data]]
//! source = "hidden-manifold"
//! latent = [2, 4, 8, 16]     # D of the latent space
//! inputs = 500               # N coordinates of the inputs
//! activation = "tanh"        # "tanh", "sign", "relu" or "linear"
//! [[data]]
//! source = "ising"           # snapshots of the square-lattice Ising model (J = 1), spins as coordinates
//! length = 16
//! temperatures = [1.5, 2.0, 2.269, 2.5, 3.0]
//! [[data]]
//! source = "digits"          # the shipped 8x8 digits
//! classes = [0, 1, 2]        # one point per class (default: all digits together)
//! [[data]]
//! source = "file"
//! path = "mnist.npy"         # .npy, .csv or IDX, relative to this file; labels = "labels.idx" for IDX classes
//! [estimators]
//! use = ["two-nn", "mle", "correlation"]
//! fit = "likelihood"         # TwoNN: "likelihood" or "regression" (discard = 0.1 of the largest ratios)
//! k = [5, 10, 20]            # Levina-Bickel neighbours: one estimate per k
//! low = 1e-4                 # correlation: fit where C(r) is between low and high
//! high = 1e-2
//! subsets = 8                # disjoint subsets for the errors of mle and correlation
//! scaling = true             # also estimate on 2, 4, 8, ... disjoint subsets (dimension against scale)
//! smallest = 64              # the smallest subset of the scaling
//! [ensemble]
//! samples = 4                # independent draws of generated data (digits and files are drawn once)
//! [output]
//! checkpoint_seconds = 60
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quench_critical::snapshots::SnapshotOptions;
use quench_data::Dataset;
use quench_geometry::{Embedding, Estimator, HiddenManifold, Manifold, TwoNnFit};
use serde::Deserialize;

use super::entries::{MAX_POINTS, RawData, distinct, parse_entry};
use crate::error::SpecError;
use crate::family::sections::{RawEnsemble, RawOutput};
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// Whether a spec is an intrinsic-dimension experiment.
pub fn claims(document: &toml::Table) -> bool {
    crate::family::sections::names_model(document, "intrinsic-dimension")
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
        name: "intrinsic-dimension",
        aliases: &[],
        description: "the intrinsic dimension of data sets (benchmark manifolds of known d, the hidden manifold model, Ising snapshots across T_c, the 8x8 digits and files) by TwoNN, Levina-Bickel and the correlation dimension, with errors and against the scale",
        hamiltonian: "none: p(r) ~ c r^d for the number of points within r of a point",
        size_key: "points",
        parameters: vec![
            parameter(
                "data[k].source",
                "what the k-th data set is",
                "\"manifold\", \"hidden-manifold\", \"ising\", \"digits\" or \"file\"",
                None,
            ),
            parameter(
                "estimators.use",
                "estimators",
                "\"two-nn\", \"mle\", \"correlation\"",
                Some("all three"),
            ),
        ],
    }]
}

/// Where one grid point's points come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A benchmark manifold.
    Manifold {
        /// The manifold.
        manifold: Manifold,
        /// How it is embedded.
        embedding: Embedding,
    },
    /// The hidden manifold model's inputs.
    HiddenManifold(HiddenManifold),
    /// Ising snapshots on an $L \times L$ square lattice at temperature $T$.
    Ising {
        /// $L$.
        length: usize,
        /// $T$.
        temperature: f64,
    },
    /// The shipped 8×8 digits, one class or all.
    Digits {
        /// The class, or all digits.
        class: Option<u32>,
    },
    /// A data file.
    File {
        /// The file (resolved against the spec's folder).
        path: PathBuf,
        /// Its contents, read once when the spec is validated.
        data: Arc<Dataset>,
        /// The class, or every row.
        class: Option<u32>,
    },
}

impl Source {
    /// Whether independent samples draw different points.
    pub fn is_random(&self) -> bool {
        !matches!(self, Source::Digits { .. } | Source::File { .. })
    }

    /// The source's name in tables.
    pub fn name(&self) -> &'static str {
        match self {
            Source::Manifold { .. } => "manifold",
            Source::HiddenManifold(_) => "hidden-manifold",
            Source::Ising { .. } => "ising",
            Source::Digits { .. } => "digits",
            Source::File { .. } => "file",
        }
    }
}

/// One grid point: a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct DataPoint {
    /// Index in the grid.
    pub index: usize,
    /// The `[[data]]` entry it comes from.
    pub entry: usize,
    /// The entry's name.
    pub label: String,
    /// Where its points come from.
    pub source: Source,
    /// Points to use (`None`: all of a fixed data set).
    pub count: Option<usize>,
    /// The true intrinsic dimension, where known (manifolds; the latent
    /// dimension of the hidden manifold model).
    pub truth: Option<f64>,
    /// The value the point varies along its entry: $d$, $D$, $T$ or the class
    /// (NaN for a single data set).
    pub x: f64,
}

/// A validated intrinsic-dimension spec.
#[derive(Debug, Clone)]
pub struct DimensionSpec {
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
    pub points: Vec<DataPoint>,
    /// The estimators, in the order they run.
    pub estimators: Vec<Estimator>,
    /// Disjoint subsets for the errors of Levina–Bickel and the correlation dimension.
    pub subsets: usize,
    /// Whether the dimension is also measured against the scale.
    pub scaling: bool,
    /// The smallest subset of the scaling.
    pub smallest: usize,
    /// How Ising snapshots are taken (their number is the point's count).
    pub snapshot_options: SnapshotOptions,
    /// Samples of random data sets.
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
    #[allow(dead_code)]
    model: RawModel,
    data: Vec<RawData>,
    #[serde(default)]
    estimators: RawEstimators,
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
struct RawEstimators {
    #[serde(default = "default_use", rename = "use")]
    names: Vec<String>,
    #[serde(default = "default_fit")]
    fit: String,
    #[serde(default = "default_discard")]
    discard: f64,
    #[serde(default = "default_k")]
    k: Vec<usize>,
    #[serde(default = "default_low")]
    low: f64,
    #[serde(default = "default_high")]
    high: f64,
    #[serde(default = "default_subsets")]
    subsets: usize,
    #[serde(default)]
    scaling: bool,
    #[serde(default = "default_smallest")]
    smallest: usize,
    #[serde(default = "default_equilibration")]
    equilibration: usize,
    #[serde(default = "default_pilot")]
    pilot: usize,
}

fn default_use() -> Vec<String> {
    vec!["two-nn".into(), "mle".into(), "correlation".into()]
}
fn default_fit() -> String {
    "likelihood".into()
}
fn default_discard() -> f64 {
    0.1
}
fn default_k() -> Vec<usize> {
    vec![10]
}
fn default_low() -> f64 {
    1e-4
}
fn default_high() -> f64 {
    1e-2
}
fn default_subsets() -> usize {
    8
}
fn default_smallest() -> usize {
    64
}
fn default_equilibration() -> usize {
    SnapshotOptions::default().equilibration
}
fn default_pilot() -> usize {
    SnapshotOptions::default().pilot
}

impl Default for RawEstimators {
    fn default() -> Self {
        Self {
            names: default_use(),
            fit: default_fit(),
            discard: default_discard(),
            k: default_k(),
            low: default_low(),
            high: default_high(),
            subsets: default_subsets(),
            scaling: false,
            smallest: default_smallest(),
            equilibration: default_equilibration(),
            pilot: default_pilot(),
        }
    }
}

impl DimensionSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [[data]], [estimators], [ensemble], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        r.samples(raw.ensemble.samples)?;
        if raw.data.is_empty() {
            return Err(r.at("data", "is empty", "at least one [[data]] entry"));
        }
        let folder = Path::new(file).parent().unwrap_or(Path::new("."));
        let mut points = Vec::new();
        for (entry, d) in raw.data.iter().enumerate() {
            parse_entry(r, entry, d, folder, &mut points)?;
        }
        let estimators = parse_estimators(r, &raw.estimators)?;
        let e = &raw.estimators;
        if !(2..=1024).contains(&e.subsets) {
            return Err(r.at(
                "estimators.subsets",
                format!("{}", e.subsets),
                "an integer in 2..=1024",
            ));
        }
        if !(8..=MAX_POINTS).contains(&e.smallest) {
            return Err(r.at(
                "estimators.smallest",
                format!("{}", e.smallest),
                format!("an integer in 8..={MAX_POINTS}"),
            ));
        }
        let snapshot_options = SnapshotOptions {
            equilibration: e.equilibration,
            pilot: e.pilot,
            ..SnapshotOptions::default()
        };
        snapshot_options
            .validate()
            .map_err(|x| r.at(&format!("estimators.{}", x.parameter), x.value, x.allowed))?;
        for point in &points {
            let fewest = estimators
                .iter()
                .map(|e| e.minimum_points())
                .max()
                .unwrap_or(8);
            if let Some(count) = point.count
                && count < fewest
            {
                return Err(r.at(
                    &format!("data[{}].points", point.entry),
                    format!("{count} points are too few for the estimators"),
                    format!("at least {fewest} points"),
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
            estimators,
            subsets: e.subsets,
            scaling: e.scaling,
            smallest: e.smallest,
            snapshot_options,
            samples: raw.ensemble.samples,
            checkpoint_seconds,
        })
    }

    /// The samples of `point` the plan runs: every sample of random data,
    /// one of a fixed data set.
    pub fn samples_of(&self, point: &DataPoint) -> u64 {
        if point.source.is_random() {
            self.samples
        } else {
            1
        }
    }
}

fn parse_estimators(r: &Reporter, e: &RawEstimators) -> Result<Vec<Estimator>, SpecError> {
    if e.names.is_empty() {
        return Err(r.at(
            "estimators.use",
            "is empty",
            "a list of \"two-nn\", \"mle\", \"correlation\"",
        ));
    }
    let mut estimators = Vec::new();
    for (k, name) in e.names.iter().enumerate() {
        if e.names[..k].contains(name) {
            return Err(r.at(
                &format!("estimators.use[{k}]"),
                format!("{name:?} is listed twice"),
                "each estimator once",
            ));
        }
        match name.as_str() {
            "two-nn" => {
                let fit = match e.fit.as_str() {
                    "likelihood" => TwoNnFit::Likelihood,
                    "regression" => TwoNnFit::Regression { discard: e.discard },
                    other => {
                        return Err(r.at(
                            "estimators.fit",
                            format!("unknown fit {other:?}"),
                            "\"likelihood\" or \"regression\"",
                        ));
                    }
                };
                if !(e.discard.is_finite() && (0.0..1.0).contains(&e.discard)) {
                    return Err(r.at(
                        "estimators.discard",
                        format!("{} is out of range", e.discard),
                        "a fraction of the ratios in [0, 1)",
                    ));
                }
                estimators.push(Estimator::TwoNn { fit });
            }
            "mle" => {
                distinct(
                    r,
                    "estimators.k",
                    &e.k,
                    |&k| (2..=1024).contains(&k),
                    "distinct neighbour counts in 2..=1024",
                )?;
                estimators.extend(e.k.iter().map(|&k| Estimator::LevinaBickel { k }));
            }
            "correlation" => {
                let valid = |x: f64| x.is_finite() && x > 0.0 && x < 1.0;
                if !(valid(e.low) && valid(e.high) && e.low < e.high) {
                    return Err(r.at(
                        "estimators.high",
                        format!("low = {}, high = {}", e.low, e.high),
                        "fractions of the pairs with 0 < low < high < 1",
                    ));
                }
                estimators.push(Estimator::Correlation {
                    low: e.low,
                    high: e.high,
                });
            }
            other => {
                return Err(r.at(
                    &format!("estimators.use[{k}]"),
                    format!("unknown estimator {other:?}"),
                    "\"two-nn\", \"mle\" or \"correlation\"",
                ));
            }
        }
    }
    Ok(estimators)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
name = "x"
seed = 1
[model]
model = "intrinsic-dimension"
[[data]]
source = "manifold"
manifold = "torus"
dimension = [1, 3]
ambient = 10
[[data]]
source = "digits"
classes = [0, 7]
[[data]]
source = "ising"
length = 8
temperatures = [2.0, 3.0]
points = 100
"#;

    #[test]
    fn entries_expand_into_one_point_per_listed_value() {
        let spec = DimensionSpec::parse("x.toml", SPEC).unwrap();
        let x: Vec<f64> = spec.points.iter().map(|p| p.x).collect();
        assert_eq!(x, vec![1.0, 3.0, 0.0, 7.0, 2.0, 3.0]);
        assert_eq!(spec.points[1].truth, Some(3.0));
        assert_eq!(spec.points[2].count, None);
        assert_eq!(spec.estimators.len(), 3);
        assert_eq!(spec.samples_of(&spec.points[2]), 1);
        assert_eq!(spec.samples_of(&spec.points[4]), 4);
    }

    #[test]
    fn a_key_of_another_source_is_refused_with_its_place() {
        let bad = SPEC.replace("classes = [0, 7]", "classes = [0, 7]\nlength = 3");
        let error = DimensionSpec::parse("x.toml", &bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains("data[1].length"), "{error}");
        assert!(error.contains("does not apply"), "{error}");
    }
}
