//! Training sets of the perceptron: the quenched disorder of learning.
//!
//! $P$ inputs $x^\mu \in \mathbb R^N$ with i.i.d. entries of mean $0$ and
//! variance $1$ (either $\pm1$ or standard Gaussian) and labels
//! $y^\mu = \pm1$, either random (the *storage* problem) or given by a
//! teacher perceptron $w^*$ (the *generalisation* problem),
//! $y^\mu = \mathrm{sign}(w^*\cdot x^\mu)$, each flipped independently with
//! probability $\eta$ (label noise).
//!
//! **Randomness.** [`TrainingSet::draw`] uses three streams of the disorder
//! sample: inputs from `(seed, Disorder, sample, 0)`, drawn pattern after
//! pattern; the teacher from `(seed, Disorder, sample, 1)`; random labels
//! and label flips from `(seed, Disorder, sample, 2)`, one draw per pattern.
//! So the first $P'$ patterns of a draw of $P > P'$ are the draw of $P'$
//! (with the same teacher): a training set grows by appending data.
//!
//! **Ties.** A constraint is satisfied when its stability is strictly above
//! the margin, $\Delta^\mu > \kappa$; at $\kappa = 0$ a field exactly $0$
//! counts as a mistake. A binary teacher on $\pm1$ inputs with $N$ even
//! would meet $w^*\cdot x = 0$ (with probability of order $N^{-1/2}$) and
//! have no label to give: that combination is refused.

use crate::error::{LearnError, at_least, in_closed_range, parameter};
use quench_core::rng::{Purpose, stream};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

/// The distribution of the input entries $x_i^\mu$.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputDistribution {
    /// $x_i^\mu = \pm1$ with probability $1/2$ each (integer stabilities).
    Binary,
    /// $x_i^\mu \sim \mathcal N(0, 1)$.
    Gaussian,
}

impl InputDistribution {
    /// The name used in specs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InputDistribution::Binary => "binary",
            InputDistribution::Gaussian => "gaussian",
        }
    }
}

/// The kind of weights of a perceptron (student or teacher).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightKind {
    /// Real weights on the sphere $|w|^2 = N$.
    Spherical,
    /// Ising weights $w_i = \pm 1$.
    Binary,
}

impl WeightKind {
    /// The name used in specs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            WeightKind::Spherical => "spherical",
            WeightKind::Binary => "binary",
        }
    }
}

/// Where the labels come from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LabelRule {
    /// Independent random labels $\pm1$ (storage capacity).
    Random,
    /// $y^\mu = \mathrm{sign}(w^*\cdot x^\mu)$ of a teacher drawn uniformly
    /// among weights of kind `teacher`, each label flipped with probability
    /// `noise` $\in [0, 1/2]$.
    Teacher {
        /// The teacher's kind of weights.
        teacher: WeightKind,
        /// Label-flip probability $\eta$.
        noise: f64,
    },
}

/// An ensemble of training sets: sizes and distributions, without the seed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DataEnsemble {
    /// Input dimension $N$ (the number of weights).
    pub dimension: usize,
    /// Number of patterns $P$.
    pub patterns: usize,
    /// Distribution of the input entries.
    pub inputs: InputDistribution,
    /// The labels.
    pub labels: LabelRule,
}

impl DataEnsemble {
    /// Checks sizes and parameters: $N \ge 1$, $P \ge 1$, $P N$ addressable,
    /// label noise in $[0, 1/2]$, and $N$ odd for a binary teacher on $\pm1$ inputs.
    pub fn validate(&self) -> Result<(), LearnError> {
        at_least("dimension", self.dimension, 1)?;
        at_least("patterns", self.patterns, 1)?;
        self.dimension.checked_mul(self.patterns).ok_or_else(|| {
            parameter(
                "patterns",
                self.patterns,
                "a count with dimension * patterns addressable",
            )
        })?;
        if let LabelRule::Teacher { teacher, noise } = self.labels {
            in_closed_range("label_noise", noise, 0.0, 0.5)?;
            if teacher == WeightKind::Binary
                && self.inputs == InputDistribution::Binary
                && self.dimension.is_multiple_of(2)
            {
                return Err(parameter(
                    "dimension",
                    self.dimension,
                    "an odd dimension for a binary teacher on binary (±1) inputs \
                     (with N even the teacher's field w*·x can be 0 and give no label)",
                ));
            }
        }
        Ok(())
    }

    /// The load $\alpha = P/N$.
    pub fn load(&self) -> f64 {
        self.patterns as f64 / self.dimension as f64
    }

    /// Bytes a drawn training set occupies (inputs, labels, teacher).
    pub fn bytes(&self) -> u64 {
        let entries = self.dimension as u64 * self.patterns as u64;
        let per_entry = match self.inputs {
            InputDistribution::Binary => 1,
            InputDistribution::Gaussian => 8,
        };
        entries * per_entry + self.patterns as u64 + 8 * self.dimension as u64
    }
}

/// The input matrix, pattern-major ($P \times N$, row $\mu$ is $x^\mu$).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Inputs {
    /// Entries $\pm1$.
    Binary(Vec<i8>),
    /// Real entries.
    Real(Vec<f64>),
}

/// One training set: inputs, labels and (for teacher labels) the teacher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSet {
    dimension: usize,
    patterns: usize,
    inputs: Inputs,
    labels: Vec<i8>,
    teacher: Option<Vec<f64>>,
}

fn sign(up: bool) -> i8 {
    if up { 1 } else { -1 }
}

impl TrainingSet {
    /// Draws the training set of disorder sample `sample` of the run with
    /// master seed `seed` (streams in the module docs).
    pub fn draw(ensemble: &DataEnsemble, seed: u64, sample: u64) -> Result<Self, LearnError> {
        ensemble.validate()?;
        let (n, p) = (ensemble.dimension, ensemble.patterns);
        let mut input_rng = stream(seed, Purpose::Disorder, sample, 0);
        let inputs = match ensemble.inputs {
            InputDistribution::Binary => {
                Inputs::Binary((0..n * p).map(|_| sign(input_rng.random())).collect())
            }
            InputDistribution::Gaussian => Inputs::Real(
                (0..n * p)
                    .map(|_| input_rng.sample::<f64, _>(StandardNormal))
                    .collect(),
            ),
        };
        let mut label_rng = stream(seed, Purpose::Disorder, sample, 2);
        let (labels, teacher) = match ensemble.labels {
            LabelRule::Random => ((0..p).map(|_| sign(label_rng.random())).collect(), None),
            LabelRule::Teacher { teacher, noise } => {
                let mut teacher_rng = stream(seed, Purpose::Disorder, sample, 1);
                let weights = draw_weights(teacher, n, &mut teacher_rng);
                let mut set = Self {
                    dimension: n,
                    patterns: p,
                    inputs,
                    labels: Vec::new(),
                    teacher: None,
                };
                let labels = (0..p)
                    .map(|mu| {
                        let field = set.field(mu, &weights);
                        let clean = sign(field > 0.0);
                        if label_rng.random_bool(noise) {
                            -clean
                        } else {
                            clean
                        }
                    })
                    .collect();
                set.labels = labels;
                set.teacher = Some(weights);
                return Ok(set);
            }
        };
        Ok(Self {
            dimension: n,
            patterns: p,
            inputs,
            labels,
            teacher,
        })
    }

    /// A training set from explicit pattern-major inputs ($P \times N$) and
    /// labels $\pm1$; `teacher`, if given, has $N$ entries.
    pub fn from_parts(
        dimension: usize,
        inputs: Inputs,
        labels: Vec<i8>,
        teacher: Option<Vec<f64>>,
    ) -> Result<Self, LearnError> {
        at_least("dimension", dimension, 1)?;
        at_least("patterns", labels.len(), 1)?;
        let length = match &inputs {
            Inputs::Binary(values) => {
                if let Some(k) = values.iter().position(|&x| x != 1 && x != -1) {
                    return Err(parameter(
                        "inputs",
                        values[k],
                        format!("±1 entries (entry {k})"),
                    ));
                }
                values.len()
            }
            Inputs::Real(values) => {
                if let Some(k) = values.iter().position(|x| !x.is_finite()) {
                    return Err(parameter(
                        "inputs",
                        values[k],
                        format!("finite entries (entry {k})"),
                    ));
                }
                values.len()
            }
        };
        if length != dimension * labels.len() {
            return Err(parameter(
                "inputs",
                length,
                format!(
                    "{} entries (patterns x dimension)",
                    dimension * labels.len()
                ),
            ));
        }
        if let Some(k) = labels.iter().position(|&y| y != 1 && y != -1) {
            return Err(parameter("labels", labels[k], format!("±1 (label {k})")));
        }
        if let Some(t) = &teacher
            && t.len() != dimension
        {
            return Err(parameter(
                "teacher",
                t.len(),
                format!("{dimension} weights"),
            ));
        }
        Ok(Self {
            dimension,
            patterns: labels.len(),
            inputs,
            labels,
            teacher,
        })
    }

    /// The first `patterns` examples of this set (with the same teacher):
    /// the training set a run with fewer patterns draws from the same
    /// streams, since inputs and labels are drawn pattern by pattern.
    pub fn prefix(&self, patterns: usize) -> Result<Self, LearnError> {
        if patterns == 0 || patterns > self.patterns {
            return Err(parameter(
                "patterns",
                patterns,
                format!("a count in 1..={}", self.patterns),
            ));
        }
        let entries = patterns * self.dimension;
        let inputs = match &self.inputs {
            Inputs::Binary(values) => Inputs::Binary(values[..entries].to_vec()),
            Inputs::Real(values) => Inputs::Real(values[..entries].to_vec()),
        };
        Ok(Self {
            dimension: self.dimension,
            patterns,
            inputs,
            labels: self.labels[..patterns].to_vec(),
            teacher: self.teacher.clone(),
        })
    }

    /// Input dimension $N$.
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// Number of patterns $P$.
    pub fn patterns(&self) -> usize {
        self.patterns
    }

    /// The load $\alpha = P/N$.
    pub fn load(&self) -> f64 {
        self.patterns as f64 / self.dimension as f64
    }

    /// The inputs, pattern-major.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// The labels $y^\mu = \pm1$.
    pub fn labels(&self) -> &[i8] {
        &self.labels
    }

    /// The teacher $w^*$, when the labels came from one.
    pub fn teacher(&self) -> Option<&[f64]> {
        self.teacher.as_deref()
    }

    /// $w\cdot x^\mu$ (no normalisation).
    pub fn field(&self, mu: usize, weights: &[f64]) -> f64 {
        let n = self.dimension;
        match &self.inputs {
            Inputs::Binary(x) => x[mu * n..(mu + 1) * n]
                .iter()
                .zip(weights)
                .map(|(&x, &w)| f64::from(x) * w)
                .sum(),
            Inputs::Real(x) => x[mu * n..(mu + 1) * n]
                .iter()
                .zip(weights)
                .map(|(&x, &w)| x * w)
                .sum(),
        }
    }

    /// The stabilities $\Delta^\mu = y^\mu w\cdot x^\mu/|w|$ of `weights`
    /// (normalised to the sphere $|w|^2 = N$, so for binary weights
    /// $\Delta^\mu = y^\mu w\cdot x^\mu/\sqrt N$).
    pub fn stabilities(&self, weights: &[f64]) -> Vec<f64> {
        let norm = weights.iter().map(|w| w * w).sum::<f64>().sqrt();
        (0..self.patterns)
            .map(|mu| f64::from(self.labels[mu]) * self.field(mu, weights) / norm)
            .collect()
    }

    /// The number of constraints $\Delta^\mu > \kappa$ that `weights` violate.
    pub fn violations(&self, weights: &[f64], margin: f64) -> usize {
        self.stabilities(weights)
            .iter()
            .filter(|&&d| d <= margin)
            .count()
    }

    /// The signed inputs $\xi^\mu_i = y^\mu x^\mu_i$ in weight-major order
    /// (entry `i * P + mu`), as the flip kernels read them.
    pub(crate) fn signed_columns_binary(&self) -> Option<Vec<i8>> {
        let Inputs::Binary(x) = &self.inputs else {
            return None;
        };
        let (n, p) = (self.dimension, self.patterns);
        let mut columns = vec![0i8; n * p];
        for mu in 0..p {
            let y = self.labels[mu];
            for i in 0..n {
                columns[i * p + mu] = y * x[mu * n + i];
            }
        }
        Some(columns)
    }

    /// As [`TrainingSet::signed_columns_binary`] for real inputs (binary ones widened).
    pub(crate) fn signed_columns_real(&self) -> Vec<f64> {
        let (n, p) = (self.dimension, self.patterns);
        let mut columns = vec![0.0; n * p];
        for mu in 0..p {
            let y = f64::from(self.labels[mu]);
            for i in 0..n {
                let x = match &self.inputs {
                    Inputs::Binary(x) => f64::from(x[mu * n + i]),
                    Inputs::Real(x) => x[mu * n + i],
                };
                columns[i * p + mu] = y * x;
            }
        }
        columns
    }
}

/// Draws weights of `kind`: $\pm1$ uniformly, or a uniform point of the
/// sphere $|w|^2 = N$ (a normalised Gaussian vector).
pub fn draw_weights<R: Rng + ?Sized>(kind: WeightKind, dimension: usize, rng: &mut R) -> Vec<f64> {
    match kind {
        WeightKind::Binary => (0..dimension)
            .map(|_| if rng.random::<bool>() { 1.0 } else { -1.0 })
            .collect(),
        WeightKind::Spherical => {
            let mut w: Vec<f64> = (0..dimension)
                .map(|_| rng.sample::<f64, _>(StandardNormal))
                .collect();
            let scale = (dimension as f64 / w.iter().map(|x| x * x).sum::<f64>()).sqrt();
            w.iter_mut().for_each(|x| *x *= scale);
            w
        }
    }
}

/// The overlap $R = w\cdot w'/N$ after normalising both to $|w|^2 = N$,
/// i.e. the cosine of the angle between them.
pub fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum();
    let nb: f64 = b.iter().map(|x| x * x).sum();
    dot / (na * nb).sqrt()
}

/// The generalisation error of a student at overlap (cosine) $R$ with the
/// teacher on Gaussian inputs: $\varepsilon = \arccos(R)/\pi$, exactly the
/// probability that the two disagree on a fresh input (and the large-$N$
/// value for $\pm1$ inputs).
pub fn generalization_error(teacher_overlap: f64) -> f64 {
    teacher_overlap.clamp(-1.0, 1.0).acos() / std::f64::consts::PI
}
