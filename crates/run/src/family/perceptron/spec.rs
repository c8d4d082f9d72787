//! The spec of a perceptron experiment (`model = "perceptron"`): schema
//! and validation, every error located in the file.
//!
//! ```toml
//! name = "perceptron-capacity"
//! seed = 1989
//! [model]
//! model = "perceptron"
//! inputs = "binary"            # entries of x: "binary" (±1) or "gaussian"
//! labels = "random"            # or "teacher"
//! teacher = "binary"           # labels = "teacher": the teacher's weights (default: the student's)
//! label_noise = 0.0            # labels = "teacher": flip probability in [0, 1/2)
//! margin = 0.0                 # kappa: stored when every stability exceeds it
//! [grid]
//! weights = ["spherical", "binary"]
//! n = [15, 19, 23]
//! alpha = [0.5, 1.0]           # teacher-student only: loads P/N
//! [ensemble]
//! samples = 64
//! [algorithm]
//! method = "capacity"          # or "teacher-student"
//! [output]
//! checkpoint_seconds = 60      # how often a running Monte Carlo sample saves its state
//! ```
//!
//! `capacity` (random labels) finds, for each training set of
//! $\lceil\alpha_{\max} N\rceil$ patterns, its critical number of patterns
//! $P_c$ (the largest prefix stored): spherical weights exactly by the
//! convex programme; binary weights exactly by enumeration when
//! $N \le$ `enumeration_limit`, and always by simulated annealing (keys
//! `alpha_max`, `enumeration_limit`, `annealing_sweeps`, `beta_start`,
//! `beta_end`). Two more heuristic learners run on request, by the same
//! bisection: SBPI for binary weights (`sbpi_sweeps` > 0; `sbpi_threshold`,
//! `sbpi_reinforcement`, `sbpi_hidden_bound`) and gradient descent on the
//! sphere for spherical ones (`gradient_steps` > 0; `gradient_learning_rate`,
//! `gradient_target_margin`); each heuristic's failures against the exact
//! decision are tabulated, and where no exact decision exists the stored
//! fraction is that of the best heuristic (the largest lower bound on
//! $P_c$). With `solution_alpha = [...]` (loads up to `alpha_max`),
//! enumerated binary samples also give the overlaps of independent uniform
//! solutions at those loads and the ultrametric triplet test on them,
//! from `solution_triplets` drawn triplets per load and sample.
//!
//! `teacher-student` (teacher labels) runs the listed `learners` on each
//! training set of $P = \mathrm{round}(\alpha N)$ patterns: `"gibbs"`
//! (Monte Carlo sampling of the posterior $e^{-\beta E}$ with parallel
//! tempering over `temperatures`: flips of binary weights, plane rotations
//! of spherical ones; two independent
//! replicas, `sweeps` of which the first `burn_in` fraction is discarded;
//! `shown_temperatures` picks those drawn with their theory),
//! `"exact"` (binary weights, enumeration at the same temperatures) and
//! `"amp"` (Bayes-optimal GAMP, `amp_iterations`, `amp_damping`,
//! `amp_tolerance`).

use quench_learn::perceptron::{
    AnnealingSchedule, GradientSchedule, InputDistribution, SbpiSchedule, WeightKind,
};
use serde::Deserialize;

use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;
use crate::family::{ModelInfo, ParameterInfo};

/// The `[algorithm] method` values of perceptron experiments.
pub const PERCEPTRON_METHODS: [&str; 2] = ["capacity", "teacher-student"];

/// The learners of a teacher–student experiment.
pub const LEARNERS: [&str; 3] = ["gibbs", "exact", "amp"];

/// Largest $N$ that `exact` and `enumeration_limit` accept ($2^{28}$ vectors per sample).
pub const ENUMERATION_MAX: usize = 28;

/// The model of perceptron experiments, for `quench models`.
pub fn catalogue() -> Vec<ModelInfo> {
    let parameter = |key, meaning, allowed, default| ParameterInfo {
        key,
        meaning,
        allowed,
        default,
    };
    vec![ModelInfo {
        name: "perceptron",
        aliases: &[],
        description: "perceptron learning P = alpha N labelled inputs: storage capacity with random labels ([algorithm] method = \"capacity\") and teacher-student generalisation ([algorithm] method = \"teacher-student\"), beside Gardner's and Gyorgyi's replica theory",
        hamiltonian: "E(w) = #{mu : y^mu w.x^mu / sqrt(N) <= kappa}, posterior P(w | data) ~ P0(w) exp(-beta E(w))",
        size_key: "n",
        parameters: vec![
            parameter(
                "weights",
                "the student's weights (a grid key)",
                "\"spherical\" (|w|^2 = N) and/or \"binary\" (w_i = ±1)",
                None,
            ),
            parameter(
                "n",
                "number of weights N (a grid key)",
                "integers >= 2",
                None,
            ),
            parameter(
                "alpha",
                "loads P/N (a grid key of teacher-student runs)",
                "numbers > 0",
                None,
            ),
            parameter(
                "inputs",
                "distribution of the input entries",
                "\"binary\" (±1) or \"gaussian\"",
                Some("\"binary\""),
            ),
            parameter(
                "labels",
                "where the labels come from",
                "\"random\" or \"teacher\"",
                Some("\"random\""),
            ),
            parameter(
                "teacher",
                "the teacher's weights",
                "\"spherical\" or \"binary\"",
                Some("the student's"),
            ),
            parameter(
                "label_noise",
                "probability that a teacher's label is flipped",
                "a number in [0, 0.5)",
                Some("0"),
            ),
            parameter(
                "margin",
                "kappa: a pattern is stored when its stability exceeds it",
                "a number >= 0 (0 for teacher-student)",
                Some("0"),
            ),
        ],
    }]
}

/// Whether a spec is a perceptron experiment: `model = "perceptron"`.
pub fn claims(document: &toml::Table) -> bool {
    document
        .get("model")
        .and_then(|t| t.get("model"))
        .and_then(|v| v.as_str())
        == Some("perceptron")
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
    algorithm: RawAlgorithm,
    #[serde(default)]
    output: RawOutput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    checkpoint_seconds: f64,
}

impl Default for RawOutput {
    fn default() -> Self {
        Self {
            checkpoint_seconds: 60.0,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[allow(dead_code)]
    model: String,
    inputs: Option<String>,
    labels: Option<String>,
    teacher: Option<String>,
    label_noise: Option<f64>,
    margin: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    weights: Vec<String>,
    n: Vec<usize>,
    alpha: Option<Vec<f64>>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlgorithm {
    method: String,
    // capacity
    alpha_max: Option<f64>,
    enumeration_limit: Option<usize>,
    annealing_sweeps: Option<u64>,
    beta_start: Option<f64>,
    beta_end: Option<f64>,
    solution_alpha: Option<Vec<f64>>,
    solution_triplets: Option<usize>,
    sbpi_sweeps: Option<u64>,
    sbpi_threshold: Option<f64>,
    sbpi_reinforcement: Option<f64>,
    sbpi_hidden_bound: Option<i32>,
    gradient_steps: Option<u64>,
    gradient_learning_rate: Option<f64>,
    gradient_target_margin: Option<f64>,
    // teacher-student
    learners: Option<Vec<String>>,
    temperatures: Option<Vec<f64>>,
    shown_temperatures: Option<Vec<f64>>,
    sweeps: Option<u64>,
    burn_in: Option<f64>,
    amp_iterations: Option<usize>,
    amp_damping: Option<f64>,
    amp_tolerance: Option<f64>,
}

const CAPACITY_KEYS: &str = "method, alpha_max, enumeration_limit, annealing_sweeps, beta_start, beta_end, sbpi_sweeps, sbpi_threshold, sbpi_reinforcement, sbpi_hidden_bound, gradient_steps, gradient_learning_rate, gradient_target_margin, solution_alpha, solution_triplets";
const TEACHER_STUDENT_KEYS: &str = "method, learners, temperatures, shown_temperatures, sweeps, burn_in, amp_iterations, amp_damping, amp_tolerance";

/// A storage-capacity experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityExperiment {
    /// Largest load: every sample has $\lceil\alpha_{\max}N\rceil$ patterns.
    pub alpha_max: f64,
    /// Binary weights with $N$ up to this are also enumerated.
    pub enumeration_limit: usize,
    /// Simulated annealing of binary weights.
    pub annealing: AnnealingSchedule,
    /// SBPI on binary weights, if requested.
    pub sbpi: Option<SbpiSchedule>,
    /// Gradient descent on spherical weights, if requested.
    pub gradient: Option<GradientSchedule>,
    /// Loads at which enumerated binary samples give solution overlaps
    /// (ascending; empty: none).
    pub solution_alphas: Vec<f64>,
    /// Triplets of solutions drawn per load and sample.
    pub solution_triplets: usize,
}

/// Which learners a teacher–student experiment runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Learners {
    /// Monte Carlo sampling of the posterior with parallel tempering.
    pub gibbs: bool,
    /// Exact enumeration of the posterior.
    pub exact: bool,
    /// Bayes-optimal GAMP.
    pub amp: bool,
}

/// A teacher–student experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherStudentExperiment {
    /// Loads $\alpha = P/N$.
    pub alphas: Vec<f64>,
    /// The learners.
    pub learners: Learners,
    /// Temperatures of the posterior, ascending (the tempering ladder, and
    /// where Gibbs and exact learning are measured).
    pub temperatures: Vec<f64>,
    /// The temperatures drawn in the figures with their theory (all by default).
    pub shown_temperatures: Vec<f64>,
    /// Monte Carlo sweeps (each followed by an exchange pass).
    pub sweeps: u64,
    /// Sweeps discarded before measuring.
    pub burn_in: u64,
    /// GAMP iteration budget.
    pub amp_iterations: usize,
    /// GAMP damping in $[0, 1)$.
    pub amp_damping: f64,
    /// GAMP convergence tolerance.
    pub amp_tolerance: f64,
}

/// What the experiment does.
#[derive(Debug, Clone, PartialEq)]
pub enum PerceptronExperiment {
    /// Critical numbers of patterns, random labels.
    Capacity(CapacityExperiment),
    /// Generalisation from a teacher's labels.
    TeacherStudent(TeacherStudentExperiment),
}

/// One grid point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerceptronPoint {
    /// Index in the grid.
    pub index: usize,
    /// The student's weights.
    pub weights: WeightKind,
    /// $N$.
    pub n: usize,
    /// Load $\alpha$ (capacity: $\alpha_{\max}$).
    pub alpha: f64,
    /// Patterns drawn per sample.
    pub patterns: usize,
}

/// A validated perceptron spec.
#[derive(Debug, Clone, PartialEq)]
pub struct PerceptronSpec {
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
    /// Input entries.
    pub inputs: InputDistribution,
    /// The teacher's weights (`None`: random labels; `Some(None)`: the student's kind).
    pub teacher: Option<Option<WeightKind>>,
    /// Label-flip probability.
    pub label_noise: f64,
    /// Margin $\kappa$.
    pub margin: f64,
    /// Disorder samples per point.
    pub samples: u64,
    /// Seconds between checkpoints of a running Monte Carlo sample.
    pub checkpoint_seconds: f64,
    /// Grid points: weights slowest, then $N$, then $\alpha$.
    pub points: Vec<PerceptronPoint>,
    /// The experiment.
    pub experiment: PerceptronExperiment,
}

impl PerceptronSpec {
    /// The teacher's kind at a point (`None` for random labels).
    pub fn teacher_at(&self, point: &PerceptronPoint) -> Option<WeightKind> {
        self.teacher.map(|kind| kind.unwrap_or(point.weights))
    }
}

fn weight_kind(name: &str) -> Option<WeightKind> {
    match name {
        "spherical" => Some(WeightKind::Spherical),
        "binary" => Some(WeightKind::Binary),
        _ => None,
    }
}

impl PerceptronSpec {
    /// Validates the text `source` of the file `file`.
    pub fn parse(file: &str, source: &str) -> Result<Self, SpecError> {
        let reporter = Reporter::with_top_keys(
            file,
            source,
            "name, description, seed, [model], [grid], [ensemble], [algorithm], [output]",
        );
        let r = &reporter;
        let raw: RawSpec = toml::from_str(source).map_err(|e| r.deserialisation(&e))?;
        r.run_name(&raw.name)?;
        let m = &raw.model;
        let inputs = match m.inputs.as_deref() {
            None | Some("binary") => InputDistribution::Binary,
            Some("gaussian") => InputDistribution::Gaussian,
            Some(other) => {
                return Err(r.at(
                    "model.inputs",
                    format!("unknown input distribution {other:?}"),
                    "\"binary\" (±1) or \"gaussian\"",
                ));
            }
        };
        let teacher = match m.labels.as_deref() {
            None | Some("random") => {
                for (key, present) in [
                    ("model.teacher", m.teacher.is_some()),
                    ("model.label_noise", m.label_noise.is_some()),
                ] {
                    if present {
                        return Err(r.at(key, "applies to labels = \"teacher\" only", ""));
                    }
                }
                None
            }
            Some("teacher") => Some(match m.teacher.as_deref() {
                None => None,
                Some(name) => Some(weight_kind(name).ok_or_else(|| {
                    r.at(
                        "model.teacher",
                        format!("unknown teacher weights {name:?}"),
                        "\"spherical\" or \"binary\"",
                    )
                })?),
            }),
            Some(other) => {
                return Err(r.at(
                    "model.labels",
                    format!("unknown labels {other:?}"),
                    "\"random\" or \"teacher\"",
                ));
            }
        };
        let label_noise = m.label_noise.unwrap_or(0.0);
        if !(label_noise.is_finite() && (0.0..0.5).contains(&label_noise)) {
            return Err(r.at(
                "model.label_noise",
                format!("{label_noise} is out of range"),
                "a probability in [0, 0.5)",
            ));
        }
        let margin = m.margin.unwrap_or(0.0);
        if !(margin.is_finite() && (0.0..=10.0).contains(&margin)) {
            return Err(r.at(
                "model.margin",
                format!("{margin} is out of range"),
                "a number in [0, 10]",
            ));
        }
        r.samples(raw.ensemble.samples)?;
        let checkpoint = raw.output.checkpoint_seconds;
        if !(checkpoint.is_finite() && checkpoint > 0.0) {
            return Err(r.at(
                "output.checkpoint_seconds",
                format!("{checkpoint} is out of range"),
                "a number of seconds > 0",
            ));
        }
        let mut kinds = Vec::new();
        if raw.grid.weights.is_empty() {
            return Err(r.at(
                "grid.weights",
                "no weights listed",
                "a non-empty list of \"spherical\" and \"binary\"",
            ));
        }
        for (i, name) in raw.grid.weights.iter().enumerate() {
            let kind = weight_kind(name).ok_or_else(|| {
                r.at(
                    &format!("grid.weights[{i}]"),
                    format!("unknown weights {name:?}"),
                    "\"spherical\" or \"binary\"",
                )
            })?;
            if kinds.contains(&kind) {
                return Err(r.at(
                    &format!("grid.weights[{i}]"),
                    format!("{name:?} is listed twice"),
                    "each kind of weights once",
                ));
            }
            kinds.push(kind);
        }
        r.sizes(&raw.grid.n, 2, 100_000)?;
        for (i, &n) in raw.grid.n.iter().enumerate() {
            // A binary teacher's field on ±1 inputs is 0 for some inputs when N is even.
            let binary_teacher = teacher.is_some_and(|t: Option<WeightKind>| {
                t == Some(WeightKind::Binary)
                    || (t.is_none() && kinds.contains(&WeightKind::Binary))
            });
            if binary_teacher && inputs == InputDistribution::Binary && n % 2 == 0 {
                return Err(r.at(
                    &format!("grid.n[{i}]"),
                    format!("N = {n} is even: a binary teacher's field w*.x on ±1 inputs can be 0 and give no label"),
                    "odd sizes with a binary teacher on binary inputs",
                ));
            }
        }
        let a = &raw.algorithm;
        let (experiment, points) = match a.method.as_str() {
            "capacity" => {
                if teacher.is_some() {
                    return Err(r.at(
                        "model.labels",
                        "a capacity run stores random labels (a teacher's labels are always stored by the teacher)",
                        "labels = \"random\" with method = \"capacity\"",
                    ));
                }
                if raw.grid.alpha.is_some() {
                    return Err(r.at(
                        "grid.alpha",
                        "a capacity run finds each sample's critical load up to algorithm.alpha_max",
                        "grid.weights and grid.n only",
                    ));
                }
                for (key, present) in [
                    ("algorithm.learners", a.learners.is_some()),
                    ("algorithm.temperatures", a.temperatures.is_some()),
                    (
                        "algorithm.shown_temperatures",
                        a.shown_temperatures.is_some(),
                    ),
                    ("algorithm.sweeps", a.sweeps.is_some()),
                    ("algorithm.burn_in", a.burn_in.is_some()),
                    ("algorithm.amp_iterations", a.amp_iterations.is_some()),
                    ("algorithm.amp_damping", a.amp_damping.is_some()),
                    ("algorithm.amp_tolerance", a.amp_tolerance.is_some()),
                ] {
                    if present {
                        return Err(r.at(
                            key,
                            "is a teacher-student key",
                            format!("for method = \"capacity\": {CAPACITY_KEYS}"),
                        ));
                    }
                }
                let experiment = capacity(r, a)?;
                let mut points = Vec::new();
                for &weights in &kinds {
                    for &n in &raw.grid.n {
                        points.push(PerceptronPoint {
                            index: points.len(),
                            weights,
                            n,
                            alpha: experiment.alpha_max,
                            patterns: (experiment.alpha_max * n as f64).ceil() as usize,
                        });
                    }
                }
                (PerceptronExperiment::Capacity(experiment), points)
            }
            "teacher-student" => {
                if teacher.is_none() {
                    return Err(r.at(
                        "model.labels",
                        "a teacher-student run needs a teacher",
                        "labels = \"teacher\"",
                    ));
                }
                for (key, present) in [
                    ("algorithm.alpha_max", a.alpha_max.is_some()),
                    ("algorithm.enumeration_limit", a.enumeration_limit.is_some()),
                    ("algorithm.annealing_sweeps", a.annealing_sweeps.is_some()),
                    ("algorithm.beta_start", a.beta_start.is_some()),
                    ("algorithm.beta_end", a.beta_end.is_some()),
                    ("algorithm.solution_alpha", a.solution_alpha.is_some()),
                    ("algorithm.sbpi_sweeps", a.sbpi_sweeps.is_some()),
                    ("algorithm.sbpi_threshold", a.sbpi_threshold.is_some()),
                    (
                        "algorithm.sbpi_reinforcement",
                        a.sbpi_reinforcement.is_some(),
                    ),
                    ("algorithm.sbpi_hidden_bound", a.sbpi_hidden_bound.is_some()),
                    ("algorithm.gradient_steps", a.gradient_steps.is_some()),
                    (
                        "algorithm.gradient_learning_rate",
                        a.gradient_learning_rate.is_some(),
                    ),
                    (
                        "algorithm.gradient_target_margin",
                        a.gradient_target_margin.is_some(),
                    ),
                    ("algorithm.solution_triplets", a.solution_triplets.is_some()),
                ] {
                    if present {
                        return Err(r.at(
                            key,
                            "is a capacity key",
                            format!("for method = \"teacher-student\": {TEACHER_STUDENT_KEYS}"),
                        ));
                    }
                }
                if margin != 0.0 {
                    return Err(r.at(
                        "model.margin",
                        "teacher-student learning counts training errors at margin 0",
                        "margin = 0 (or leave it out)",
                    ));
                }
                let experiment = teacher_student(r, &raw, &kinds)?;
                let mut points = Vec::new();
                for &weights in &kinds {
                    for &n in &raw.grid.n {
                        for &alpha in &experiment.alphas {
                            points.push(PerceptronPoint {
                                index: points.len(),
                                weights,
                                n,
                                alpha,
                                patterns: (alpha * n as f64).round() as usize,
                            });
                        }
                    }
                }
                (PerceptronExperiment::TeacherStudent(experiment), points)
            }
            other => {
                return Err(r.at(
                    "algorithm.method",
                    format!("{other:?} is not a perceptron method"),
                    PERCEPTRON_METHODS
                        .iter()
                        .map(|m| format!("\"{m}\""))
                        .collect::<Vec<_>>()
                        .join(" or "),
                ));
            }
        };
        if let Some(p) = points.iter().find(|p| p.patterns == 0) {
            return Err(r.at(
                "grid.alpha",
                format!("alpha = {} at n = {} rounds to no pattern", p.alpha, p.n),
                format!("alpha >= {} at n = {}", 0.5 / p.n as f64, p.n),
            ));
        }
        Ok(Self {
            file: file.to_string(),
            source: source.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            inputs,
            teacher,
            label_noise,
            margin,
            samples: raw.ensemble.samples,
            checkpoint_seconds: raw.output.checkpoint_seconds,
            points,
            experiment,
        })
    }
}

fn capacity(r: &Reporter<'_>, a: &RawAlgorithm) -> Result<CapacityExperiment, SpecError> {
    let alpha_max = a.alpha_max.unwrap_or(3.0);
    if !(alpha_max.is_finite() && alpha_max > 0.0 && alpha_max <= 100.0) {
        return Err(r.at(
            "algorithm.alpha_max",
            format!("{alpha_max} is out of range"),
            "a load in (0, 100]",
        ));
    }
    let enumeration_limit = a.enumeration_limit.unwrap_or(21);
    if enumeration_limit > ENUMERATION_MAX {
        return Err(r.at(
            "algorithm.enumeration_limit",
            format!("{enumeration_limit} is out of range (2^N weight vectors per sample)"),
            format!("an integer in 0..={ENUMERATION_MAX} (0: never enumerate)"),
        ));
    }
    let annealing = AnnealingSchedule {
        beta_start: a.beta_start.unwrap_or(0.5),
        beta_end: a.beta_end.unwrap_or(4.0),
        sweeps: a.annealing_sweeps.unwrap_or(1000),
    };
    if let Err(error) = annealing.validate() {
        let key = match error.to_string() {
            s if s.contains("beta_start") => "algorithm.beta_start",
            s if s.contains("beta_end") => "algorithm.beta_end",
            _ => "algorithm.annealing_sweeps",
        };
        return Err(r.at(key, error.to_string(), ""));
    }
    if annealing.sweeps > 10_000_000 {
        return Err(r.at(
            "algorithm.annealing_sweeps",
            format!("{} is out of range", annealing.sweeps),
            "an integer in 1..=10000000",
        ));
    }
    let sbpi = sbpi_schedule(r, a)?;
    let gradient = gradient_schedule(r, a)?;
    let solution_alphas = a.solution_alpha.clone().unwrap_or_default();
    for (i, &alpha) in solution_alphas.iter().enumerate() {
        let ascending = i == 0 || alpha > solution_alphas[i - 1];
        if !(alpha.is_finite() && alpha > 0.0 && alpha <= alpha_max && ascending) {
            return Err(r.at(
                &format!("algorithm.solution_alpha[{i}]"),
                format!("{alpha} is out of range"),
                format!("ascending loads in (0, alpha_max = {alpha_max}]"),
            ));
        }
    }
    let solution_triplets = a.solution_triplets.unwrap_or(2000);
    if !(1..=1_000_000).contains(&solution_triplets) {
        return Err(r.at(
            "algorithm.solution_triplets",
            format!("{solution_triplets} is out of range"),
            "an integer in 1..=1000000",
        ));
    }
    Ok(CapacityExperiment {
        alpha_max,
        enumeration_limit,
        annealing,
        sbpi,
        gradient,
        solution_alphas,
        solution_triplets,
    })
}

/// Keys of a learner that runs only when its budget key is present and > 0.
fn requested(
    r: &Reporter<'_>,
    budget: (&str, Option<u64>),
    others: &[(&str, bool)],
) -> Result<Option<u64>, SpecError> {
    match budget.1 {
        Some(0) | None => {
            if let Some((key, _)) = others.iter().find(|(_, present)| *present) {
                return Err(r.at(
                    key,
                    format!("has no effect without {}", budget.0),
                    format!("{} > 0, or leave this key out", budget.0),
                ));
            }
            Ok(None)
        }
        Some(count) if count > 10_000_000 => Err(r.at(
            budget.0,
            format!("{count} is out of range"),
            "an integer in 0..=10000000 (0: off)",
        )),
        Some(count) => Ok(Some(count)),
    }
}

fn sbpi_schedule(r: &Reporter<'_>, a: &RawAlgorithm) -> Result<Option<SbpiSchedule>, SpecError> {
    let Some(sweeps) = requested(
        r,
        ("algorithm.sbpi_sweeps", a.sbpi_sweeps),
        &[
            ("algorithm.sbpi_threshold", a.sbpi_threshold.is_some()),
            (
                "algorithm.sbpi_reinforcement",
                a.sbpi_reinforcement.is_some(),
            ),
            ("algorithm.sbpi_hidden_bound", a.sbpi_hidden_bound.is_some()),
        ],
    )?
    else {
        return Ok(None);
    };
    let defaults = SbpiSchedule::DEFAULT;
    let schedule = SbpiSchedule {
        threshold: a.sbpi_threshold.unwrap_or(defaults.threshold),
        reinforcement: a.sbpi_reinforcement.unwrap_or(defaults.reinforcement),
        hidden_bound: a.sbpi_hidden_bound.unwrap_or(defaults.hidden_bound),
        sweeps,
    };
    if let Err(error) = schedule.validate() {
        let message = error.to_string();
        let key = if message.contains("threshold") {
            "algorithm.sbpi_threshold"
        } else if message.contains("reinforcement") {
            "algorithm.sbpi_reinforcement"
        } else {
            "algorithm.sbpi_hidden_bound"
        };
        return Err(r.at(key, message, ""));
    }
    Ok(Some(schedule))
}

fn gradient_schedule(
    r: &Reporter<'_>,
    a: &RawAlgorithm,
) -> Result<Option<GradientSchedule>, SpecError> {
    let Some(steps) = requested(
        r,
        ("algorithm.gradient_steps", a.gradient_steps),
        &[
            (
                "algorithm.gradient_learning_rate",
                a.gradient_learning_rate.is_some(),
            ),
            (
                "algorithm.gradient_target_margin",
                a.gradient_target_margin.is_some(),
            ),
        ],
    )?
    else {
        return Ok(None);
    };
    let schedule = GradientSchedule {
        learning_rate: a.gradient_learning_rate.unwrap_or(1.0),
        target_margin: a.gradient_target_margin.unwrap_or(0.02),
        steps,
    };
    if let Err(error) = schedule.validate() {
        let message = error.to_string();
        let key = if message.contains("learning_rate") {
            "algorithm.gradient_learning_rate"
        } else {
            "algorithm.gradient_target_margin"
        };
        return Err(r.at(key, message, ""));
    }
    Ok(Some(schedule))
}

fn teacher_student(
    r: &Reporter<'_>,
    raw: &RawSpec,
    kinds: &[WeightKind],
) -> Result<TeacherStudentExperiment, SpecError> {
    let a = &raw.algorithm;
    let Some(alphas) = raw.grid.alpha.clone() else {
        return Err(r.at(
            "grid",
            "a teacher-student run needs grid.alpha",
            "alpha = [loads P/N > 0]",
        ));
    };
    r.loads(&alphas, 100.0)?;
    let names = a
        .learners
        .clone()
        .unwrap_or_else(|| vec!["gibbs".into(), "amp".into()]);
    let mut learners = Learners {
        gibbs: false,
        exact: false,
        amp: false,
    };
    if names.is_empty() {
        return Err(r.at(
            "algorithm.learners",
            "no learner listed",
            "a non-empty list of \"gibbs\", \"exact\", \"amp\"",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        let key = format!("algorithm.learners[{i}]");
        let slot = match name.as_str() {
            "gibbs" => &mut learners.gibbs,
            "exact" => &mut learners.exact,
            "amp" => &mut learners.amp,
            other => {
                return Err(r.at(
                    &key,
                    format!("unknown learner {other:?}"),
                    "\"gibbs\" (Monte Carlo of the posterior), \"exact\" (enumeration) or \"amp\"",
                ));
            }
        };
        if *slot {
            return Err(r.at(
                &key,
                format!("{name:?} is listed twice"),
                "each learner once",
            ));
        }
        *slot = true;
    }
    let sampled = learners.gibbs || learners.exact;
    if learners.exact && kinds.contains(&WeightKind::Spherical) {
        return Err(r.at(
            "algorithm.learners",
            "\"exact\" enumerates binary weights; spherical weights have a continuum",
            "learners \"gibbs\" and \"amp\" with spherical weights, or grid.weights = [\"binary\"]",
        ));
    }
    if learners.exact
        && let Some(&n) = raw.grid.n.iter().find(|&&n| n > ENUMERATION_MAX)
    {
        return Err(r.at(
            "grid.n",
            format!("the \"exact\" learner enumerates 2^N weight vectors; N = {n} is too large"),
            format!("N <= {ENUMERATION_MAX} with learners = [\"exact\", ...]"),
        ));
    }
    let temperatures = a.temperatures.clone().unwrap_or_default();
    if sampled {
        if temperatures.is_empty()
            || temperatures
                .iter()
                .any(|&t| !(t.is_finite() && t > 0.0 && t <= 1000.0))
        {
            return Err(r.at(
                "algorithm.temperatures",
                "gibbs and exact learning need the posterior's temperatures",
                "a non-empty list of T in (0, 1000], ascending",
            ));
        }
        if temperatures.windows(2).any(|w| w[1] <= w[0]) {
            return Err(r.at(
                "algorithm.temperatures",
                "temperatures are not strictly ascending",
                "T_0 < T_1 < ... (the tempering ladder, coldest first)",
            ));
        }
    } else if a.temperatures.is_some() {
        return Err(r.at(
            "algorithm.temperatures",
            "applies to the \"gibbs\" and \"exact\" learners",
            "",
        ));
    }
    let shown_temperatures = match &a.shown_temperatures {
        None => temperatures.clone(),
        Some(shown) => {
            if let Some((i, t)) = shown
                .iter()
                .enumerate()
                .find(|(_, t)| !temperatures.contains(t))
            {
                return Err(r.at(
                    &format!("algorithm.shown_temperatures[{i}]"),
                    format!("{t} is not one of algorithm.temperatures"),
                    format!("values from {temperatures:?}"),
                ));
            }
            shown.clone()
        }
    };
    let sweeps = a.sweeps.unwrap_or(2000);
    if learners.gibbs && !(10..=100_000_000).contains(&sweeps) {
        return Err(r.at(
            "algorithm.sweeps",
            format!("{sweeps} is out of range"),
            "an integer in 10..=100000000",
        ));
    }
    let burn_in = a.burn_in.unwrap_or(0.5);
    if !(burn_in.is_finite() && (0.0..1.0).contains(&burn_in)) {
        return Err(r.at(
            "algorithm.burn_in",
            format!("{burn_in} is out of range"),
            "a fraction of the sweeps in [0, 1)",
        ));
    }
    let amp_iterations = a.amp_iterations.unwrap_or(500);
    if !(1..=100_000).contains(&amp_iterations) {
        return Err(r.at(
            "algorithm.amp_iterations",
            format!("{amp_iterations} is out of range"),
            "an integer in 1..=100000",
        ));
    }
    let amp_damping = a.amp_damping.unwrap_or(0.3);
    if !(amp_damping.is_finite() && (0.0..1.0).contains(&amp_damping)) {
        return Err(r.at(
            "algorithm.amp_damping",
            format!("{amp_damping} is out of range"),
            "a number in [0, 1)",
        ));
    }
    let amp_tolerance = a.amp_tolerance.unwrap_or(1e-8);
    if !(amp_tolerance.is_finite() && amp_tolerance > 0.0) {
        return Err(r.at(
            "algorithm.amp_tolerance",
            format!("{amp_tolerance} is out of range"),
            "a number > 0",
        ));
    }
    Ok(TeacherStudentExperiment {
        alphas,
        learners,
        temperatures,
        shown_temperatures,
        sweeps,
        burn_in: (burn_in * sweeps as f64).floor() as u64,
        amp_iterations,
        amp_damping,
        amp_tolerance,
    })
}
