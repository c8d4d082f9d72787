//! The perceptron family: storage capacity and teacher–student learning,
//! finite-$N$ experiments beside Gardner's and Györgyi's replica theory.
//!
//! ```text
//! SPEC.toml (model = "perceptron") ──PerceptronSpec::parse──> PerceptronSpec
//!   capacity:        unit = (weights, N, sample) ──TrainingSet (ceil(alpha_max N) patterns)
//!                      ──spherical_ / gradient_ | enumerated_ / annealed_ / sbpi_critical_patterns──> CapacitySample (P_c)
//!   teacher-student: unit = (weights, N, alpha, sample) ──TrainingSet (round(alpha N) patterns, teacher)
//!                      ──exact::enumerate | GAMP | tempering of two replicas (binary flips or
//!                        spherical plane rotations, checkpointed)──> LearningSample
//! units ──tables──> samples / capacity / annealing | learning / learning_summary, theory .parquet
//!       ──report──> figures (replica theory on the same axes) + report.md
//! ```
//!
//! A capacity sample's training sets are keyed by $(N, \text{sample})$
//! only, so spherical and binary weights see the same sets (a paired
//! comparison); a teacher–student point's by the point. Every random
//! number comes from `UnitStreams::new(seed, FamilyStreams::Named("perceptron"), key, sample)`.

pub mod exact;
pub mod report;
pub mod spec;
mod tables;

use std::path::Path;

use quench_core::rng::{Purpose, StreamRng};
use quench_core::{FamilyStreams, UnitStreams};
use quench_learn::perceptron::{
    BinaryPerceptron, DataEnsemble, Inputs, LabelRule, SolutionOverlaps, SphereChain,
    SphericalPerceptron, TrainingSet, WeightChain, WeightKind, annealed_critical_patterns, cosine,
    enumerate, enumerated_critical_patterns, generalization_error, gradient_critical_patterns,
    sbpi_critical_patterns, solution_overlaps, spherical_critical_patterns,
};
use quench_mc::moves::{Metropolis, Visit, sweep};
use quench_mc::tempering::{Exchangeable, Ladder, exchange_pass};
use rand::RngExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::theory::Naming;
pub use spec::{PerceptronExperiment, PerceptronPoint, PerceptronSpec};

/// The perceptron family.
pub struct Perceptrons;

const STREAMS: FamilyStreams = FamilyStreams::Named("perceptron");

/// The critical number of patterns of one capacity sample.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapacitySample {
    /// Grid point.
    pub point: usize,
    /// Disorder sample.
    pub sample: u64,
    /// The exact $P_c$ (convex programme or enumeration), when decided.
    pub exact: Option<usize>,
    /// Whether every convex programme of the exact decision was certain.
    pub certain: bool,
    /// The $P_c$ simulated annealing reached (binary weights).
    pub annealed: Option<usize>,
    /// The $P_c$ SBPI reached (binary weights, when requested).
    #[serde(default)]
    pub sbpi: Option<usize>,
    /// The $P_c$ gradient descent reached (spherical weights, when requested).
    #[serde(default)]
    pub gradient: Option<usize>,
    /// Overlaps of uniform solutions at the spec's `solution_alpha` loads
    /// (enumerated binary samples).
    #[serde(default)]
    pub solutions: Vec<SolutionOverlaps>,
}

/// Posterior averages of one learner at one temperature.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Measure {
    /// Temperature (NaN for AMP).
    pub temperature: f64,
    /// Training errors per pattern.
    pub training_error: f64,
    /// $R = w\cdot w^*/(|w||w^*|)$.
    pub teacher_overlap: f64,
    /// $q = w^a\cdot w^b/N$ of two students (AMP: $|\hat w|^2/N$).
    pub student_overlap: f64,
    /// $\arccos(R)/\pi$ averaged over the posterior (AMP: of the estimate).
    pub generalization_error: f64,
    /// AMP: the state evolution's $\arccos(\sqrt{m_t})/\pi$ at the last iteration.
    pub state_evolution: f64,
}

/// What one teacher–student sample gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LearningSample {
    /// Grid point.
    pub point: usize,
    /// Disorder sample.
    pub sample: u64,
    /// Monte Carlo, one per temperature.
    pub gibbs: Vec<Measure>,
    /// Exchange acceptance of neighbouring temperatures (pooled over both replicas).
    pub exchange_acceptance: Vec<f64>,
    /// Exact enumeration, one per temperature.
    pub exact: Vec<Measure>,
    /// GAMP.
    pub amp: Option<Measure>,
    /// Whether GAMP converged.
    pub amp_converged: bool,
}

/// The result of one unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum UnitOutcome {
    /// A capacity sample.
    Capacity(CapacitySample),
    /// A teacher–student sample.
    Learning(LearningSample),
}

/// The running state of the tempering of one sample (what a checkpoint holds).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct GibbsState<C> {
    /// Sweeps done.
    sweep: u64,
    /// Two independent replicas, each a ladder over the temperatures.
    ladders: Vec<Ladder<C>>,
    /// Per temperature: sums of E/P, R, epsilon and q over the measurements.
    sums: Vec<[f64; 4]>,
    /// Measurements made.
    measurements: u64,
}

/// The streams of the data of point `point`'s sample `sample`.
fn data_streams(spec: &PerceptronSpec, point: &PerceptronPoint, sample: u64) -> UnitStreams {
    let key = match &spec.experiment {
        // Keyed by N: spherical and binary weights store the same sets.
        PerceptronExperiment::Capacity(_) => point.n as u64,
        PerceptronExperiment::TeacherStudent(_) => point.index as u64,
    };
    UnitStreams::new(spec.seed, STREAMS, key, sample)
}

/// The ensemble of point `point`.
fn ensemble(spec: &PerceptronSpec, point: &PerceptronPoint) -> DataEnsemble {
    DataEnsemble {
        dimension: point.n,
        patterns: point.patterns,
        inputs: spec.inputs,
        labels: match spec.teacher_at(point) {
            None => LabelRule::Random,
            Some(teacher) => LabelRule::Teacher {
                teacher,
                noise: spec.label_noise,
            },
        },
    }
}

/// The training set of sample `sample` at point `point`, as the units draw it.
pub fn training_set(
    spec: &PerceptronSpec,
    point: &PerceptronPoint,
    sample: u64,
) -> Result<TrainingSet, RunError> {
    let (seed, sample) = data_streams(spec, point, sample).seed_and_sample();
    Ok(TrainingSet::draw(&ensemble(spec, point), seed, sample)?)
}

impl Family for Perceptrons {
    type Spec = PerceptronSpec;
    type UnitResult = UnitOutcome;

    fn name(&self) -> &'static str {
        "perceptron"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "perceptron",
            description: "perceptrons with spherical or binary weights: the probability that P = alpha N random labels can be stored, and learning from a teacher's labels, beside the replica theory",
            methods: vec![
                MethodInfo {
                    name: "capacity",
                    description: "each training set's critical number of patterns: spherical weights by a convex programme, binary weights by exact enumeration (small N) and simulated annealing",
                },
                MethodInfo {
                    name: "teacher-student",
                    description: "generalisation error and overlaps against alpha: Monte Carlo sampling of the posterior with parallel tempering (gibbs), exact enumeration (exact) and Bayes-optimal GAMP (amp)",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<PerceptronSpec, RunError> {
        Ok(PerceptronSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a PerceptronSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &PerceptronSpec) -> crate::memory::MemoryEstimate {
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                let (n, patterns) = (p.n as f64, p.patterns as f64);
                // The drawn set (at most 8 bytes an entry), the perceptron's
                // columns and bits, GAMP's real copy, and the chains' fields.
                let chains = match &spec.experiment {
                    PerceptronExperiment::TeacherStudent(t) if t.learners.gibbs => {
                        2.0 * t.temperatures.len() as f64 * (8.0 * patterns + 2.0 * n + 64.0)
                    }
                    _ => 0.0,
                };
                // Solution overlaps keep (bits, first violation) of the
                // vectors storing the smallest load, twice while blocks merge.
                let solutions = match &spec.experiment {
                    PerceptronExperiment::Capacity(c)
                        if p.weights == WeightKind::Binary
                            && p.n <= c.enumeration_limit
                            && !c.solution_alphas.is_empty() =>
                    {
                        32.0 * 2f64.powi(p.n as i32)
                    }
                    _ => 0.0,
                };
                // (The learners' real copy of the signed patterns: 8 bytes an entry.)
                34.0 * n * patterns + chains + 64.0 * 8.0 * n * (patterns + 1.0) + solutions
            })
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: 1024.0,
            units: (spec.points.len() as u64 * spec.samples) as f64,
        }
    }

    fn plan(&self, spec: &PerceptronSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &PerceptronSpec, _unit: &Unit) -> u64 {
        match &spec.experiment {
            PerceptronExperiment::TeacherStudent(t) if t.learners.gibbs => t.sweeps,
            _ => 1,
        }
    }

    fn work_done(
        &self,
        spec: &PerceptronSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        match &spec.experiment {
            PerceptronExperiment::TeacherStudent(t) if t.learners.gibbs => {
                sweeps_done(&spec.points[unit.point], context)
            }
            _ => Ok(0),
        }
    }

    fn run_unit(
        &self,
        spec: &PerceptronSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<UnitOutcome, RunError> {
        let point = &spec.points[unit.point];
        let data = training_set(spec, point, unit.first)?;
        let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, unit.first);
        match &spec.experiment {
            PerceptronExperiment::Capacity(c) => {
                let outcome = capacity_sample(spec, c, point, unit.first, &data, &streams)?;
                context.advance(1);
                Ok(UnitOutcome::Capacity(outcome))
            }
            PerceptronExperiment::TeacherStudent(t) => Ok(UnitOutcome::Learning(learning_sample(
                t,
                spec.label_noise,
                point,
                unit.first,
                &data,
                &streams,
                context,
            )?)),
        }
    }

    fn tables(
        &self,
        spec: &PerceptronSpec,
        results: Vec<(Unit, UnitOutcome)>,
    ) -> Result<Tables, RunError> {
        tables::tables(spec, results.into_iter().map(|(_, o)| o).collect())
    }

    fn report(
        &self,
        spec: &PerceptronSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The training set of the point's sample: `"inputs"` ($P\times N$,
    /// int8 for ±1 entries, float64 for Gaussian), `"labels"` ($P$, int8)
    /// and, with a teacher, `"teacher"` ($N$, float64).
    fn draw(
        &self,
        spec: &PerceptronSpec,
        point: usize,
        sample: u64,
        naming: Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.points.len())?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        let p = &spec.points[point];
        let data = training_set(spec, p, sample)?;
        let shape = vec![data.patterns(), data.dimension()];
        let inputs = match data.inputs() {
            Inputs::Binary(values) => DrawnArray::Integer8 {
                shape,
                data: values.clone(),
            },
            Inputs::Real(values) => DrawnArray::Float64 {
                shape,
                data: values.clone(),
            },
        };
        let mut arrays = vec![
            ("inputs".to_string(), inputs),
            (
                "labels".to_string(),
                DrawnArray::Integer8 {
                    shape: vec![data.patterns()],
                    data: data.labels().to_vec(),
                },
            ),
        ];
        if let Some(teacher) = data.teacher() {
            arrays.push((
                "teacher".to_string(),
                DrawnArray::Float64 {
                    shape: vec![teacher.len()],
                    data: teacher.to_vec(),
                },
            ));
        }
        Ok(Drawn {
            description: format!(
                "perceptron training set of {}, grid point {point} ({} weights, n = {}, {} patterns), sample {sample}",
                spec.file,
                p.weights.name(),
                p.n,
                p.patterns
            ),
            arrays,
            sample: None,
        })
    }
}

fn capacity_sample(
    spec: &PerceptronSpec,
    c: &spec::CapacityExperiment,
    point: &PerceptronPoint,
    sample: u64,
    data: &TrainingSet,
    streams: &UnitStreams,
) -> Result<CapacitySample, RunError> {
    let mut outcome = CapacitySample {
        point: point.index,
        sample,
        exact: None,
        certain: true,
        annealed: None,
        sbpi: None,
        gradient: None,
        solutions: Vec::new(),
    };
    match point.weights {
        WeightKind::Spherical => {
            let search = spherical_critical_patterns(data, spec.margin)?;
            outcome.exact = Some(search.critical_patterns);
            outcome.certain = search.certain;
            if let Some(schedule) = &c.gradient {
                let mut rng = streams.stream(Purpose::Dynamics, 3);
                let search = gradient_critical_patterns(data, spec.margin, schedule, &mut rng)?;
                outcome.gradient = Some(search.critical_patterns);
            }
        }
        WeightKind::Binary => {
            if point.n <= c.enumeration_limit {
                outcome.exact = Some(enumerated_critical_patterns(data, spec.margin)?);
                if !c.solution_alphas.is_empty() {
                    let mut loads: Vec<usize> = c
                        .solution_alphas
                        .iter()
                        .map(|alpha| {
                            ((alpha * point.n as f64).round() as usize).clamp(1, point.patterns)
                        })
                        .collect();
                    loads.dedup();
                    let mut rng = streams.stream(Purpose::Dynamics, 1);
                    outcome.solutions = solution_overlaps(
                        data,
                        spec.margin,
                        &loads,
                        c.solution_triplets,
                        &mut rng,
                    )?;
                }
            }
            let mut rng = streams.stream(Purpose::Dynamics, 0);
            let search = annealed_critical_patterns(data, spec.margin, &c.annealing, &mut rng)?;
            outcome.annealed = Some(search.critical_patterns);
            if let Some(schedule) = &c.sbpi {
                let mut rng = streams.stream(Purpose::Dynamics, 2);
                let search = sbpi_critical_patterns(data, spec.margin, schedule, &mut rng)?;
                outcome.sbpi = Some(search.critical_patterns);
            }
        }
    }
    Ok(outcome)
}

fn learning_sample(
    t: &spec::TeacherStudentExperiment,
    label_noise: f64,
    point: &PerceptronPoint,
    sample: u64,
    data: &TrainingSet,
    streams: &UnitStreams,
    context: &UnitContext<'_>,
) -> Result<LearningSample, RunError> {
    let teacher = data.teacher().expect("teacher-student sets have a teacher");
    let mut outcome = LearningSample {
        point: point.index,
        sample,
        gibbs: Vec::new(),
        exchange_acceptance: Vec::new(),
        exact: Vec::new(),
        amp: None,
        amp_converged: false,
    };
    if t.learners.exact {
        let enumeration = enumerate(data, 0.0)?;
        for &temperature in &t.temperatures {
            let posterior = enumeration.posterior(1.0 / temperature)?;
            outcome.exact.push(Measure {
                temperature,
                training_error: posterior.energy / point.patterns as f64,
                teacher_overlap: posterior.teacher_overlap.unwrap_or(f64::NAN),
                student_overlap: posterior.student_overlap,
                generalization_error: posterior.generalization_error.unwrap_or(f64::NAN),
                state_evolution: f64::NAN,
            });
        }
    }
    if t.learners.amp {
        let (amp, converged) = amp(t, label_noise, point, data, teacher)?;
        outcome.amp = Some(amp);
        outcome.amp_converged = converged;
    }
    if t.learners.gibbs {
        let (gibbs, acceptance) = gibbs(t, point, data, teacher, streams, context)?;
        outcome.gibbs = gibbs;
        outcome.exchange_acceptance = acceptance;
    } else {
        context.advance(1);
    }
    Ok(outcome)
}

/// Bayes-optimal GAMP with the prior of the point's weights (binary: ±1,
/// spherical: Gaussian, its large-$N$ equivalent).
fn amp(
    t: &spec::TeacherStudentExperiment,
    label_noise: f64,
    point: &PerceptronPoint,
    data: &TrainingSet,
    teacher: &[f64],
) -> Result<(Measure, bool), RunError> {
    use quench_theory::mean_field::IterationOptions;
    use quench_theory::perceptron::amp::{WeightPrior, perceptron_amp};
    let inputs: Vec<f64> = match data.inputs() {
        Inputs::Binary(values) => values.iter().map(|&x| f64::from(x)).collect(),
        Inputs::Real(values) => values.clone(),
    };
    let labels: Vec<f64> = data.labels().iter().map(|&y| f64::from(y)).collect();
    let prior = match point.weights {
        WeightKind::Binary => WeightPrior::Binary,
        WeightKind::Spherical => WeightPrior::Gaussian,
    };
    let options = IterationOptions {
        damping: 1.0 - t.amp_damping,
        tolerance: t.amp_tolerance,
        max_iterations: t.amp_iterations,
    };
    let run = perceptron_amp(
        &inputs,
        data.patterns(),
        data.dimension(),
        &labels,
        prior,
        // The channel's noise is the spec's label noise, known to the learner.
        label_noise,
        &options,
        Some(teacher),
    )
    .map_err(RunError::theory("GAMP on a training set"))?;
    let r = cosine(&run.estimate, teacher);
    Ok((
        Measure {
            temperature: f64::NAN,
            training_error: f64::NAN,
            teacher_overlap: r,
            student_overlap: run.self_overlaps.last().copied().unwrap_or(f64::NAN),
            generalization_error: generalization_error(r),
            state_evolution: run.predicted_generalization_error,
        },
        run.converged,
    ))
}

/// Work space of a sweep, reused across sweeps.
#[derive(Default)]
struct Scratch {
    order: Vec<usize>,
    fields: Vec<f64>,
}

/// A chain of weights that samples the posterior: what [`gibbs`] needs of
/// binary and spherical weights alike.
trait PosteriorChain: Exchangeable + Serialize + DeserializeOwned {
    /// The perceptron the chain moves on.
    type Model;
    /// A random start at `point`, and the chain's own stream of moves.
    fn start(model: &Self::Model, start: &mut StreamRng, rng: StreamRng) -> Result<Self, RunError>;
    /// One sweep at inverse temperature `beta`.
    fn advance(&mut self, model: &Self::Model, beta: f64, scratch: &mut Scratch);
    /// Training errors.
    fn violations(&self) -> u64;
    /// The weights as reals.
    fn real_weights(&self) -> Vec<f64>;
    /// $w\cdot w'/N$.
    fn overlap(&self, other: &Self) -> f64;
}

impl PosteriorChain for WeightChain {
    type Model = BinaryPerceptron;

    fn start(
        model: &BinaryPerceptron,
        start: &mut StreamRng,
        rng: StreamRng,
    ) -> Result<Self, RunError> {
        let weights = (0..model.dimension())
            .map(|_| if start.random::<bool>() { 1 } else { -1 })
            .collect();
        Ok(WeightChain {
            state: model.state(weights)?,
            rng,
        })
    }

    fn advance(&mut self, model: &BinaryPerceptron, beta: f64, scratch: &mut Scratch) {
        sweep(
            model,
            &mut self.state,
            &Metropolis { beta },
            Visit::RandomPermutation,
            &mut scratch.order,
            &mut self.rng,
        );
    }

    fn violations(&self) -> u64 {
        self.state.violations
    }

    fn real_weights(&self) -> Vec<f64> {
        self.state.real_weights()
    }

    fn overlap(&self, other: &Self) -> f64 {
        let n = self.state.weights.len();
        self.state
            .weights
            .iter()
            .zip(&other.state.weights)
            .map(|(&x, &y)| i64::from(x * y))
            .sum::<i64>() as f64
            / n as f64
    }
}

impl PosteriorChain for SphereChain {
    type Model = SphericalPerceptron;

    fn start(
        model: &SphericalPerceptron,
        start: &mut StreamRng,
        rng: StreamRng,
    ) -> Result<Self, RunError> {
        Ok(SphereChain {
            state: model.random_state(start),
            rng,
        })
    }

    fn advance(&mut self, model: &SphericalPerceptron, beta: f64, scratch: &mut Scratch) {
        model.sweep(&mut self.state, beta, &mut scratch.fields, &mut self.rng);
    }

    fn violations(&self) -> u64 {
        self.state.violations
    }

    fn real_weights(&self) -> Vec<f64> {
        self.state.weights.clone()
    }

    fn overlap(&self, other: &Self) -> f64 {
        let n = self.state.weights.len();
        self.state
            .weights
            .iter()
            .zip(&other.state.weights)
            .map(|(x, y)| x * y)
            .sum::<f64>()
            / n as f64
    }
}

/// Sweeps a checkpoint of point `point` has done.
fn sweeps_done(point: &PerceptronPoint, context: &UnitContext<'_>) -> Result<u64, RunError> {
    Ok(match point.weights {
        WeightKind::Binary => context.load::<GibbsState<WeightChain>>()?.map(|s| s.sweep),
        WeightKind::Spherical => context.load::<GibbsState<SphereChain>>()?.map(|s| s.sweep),
    }
    .unwrap_or(0))
}

/// Samples the posterior of the point's weights ([`tempering`]).
fn gibbs(
    t: &spec::TeacherStudentExperiment,
    point: &PerceptronPoint,
    data: &TrainingSet,
    teacher: &[f64],
    streams: &UnitStreams,
    context: &UnitContext<'_>,
) -> Result<(Vec<Measure>, Vec<f64>), RunError> {
    match point.weights {
        WeightKind::Binary => tempering::<WeightChain>(
            &BinaryPerceptron::new(data, 0.0)?,
            t,
            point,
            teacher,
            streams,
            context,
        ),
        WeightKind::Spherical => tempering::<SphereChain>(
            &SphericalPerceptron::new(data, 0.0)?,
            t,
            point,
            teacher,
            streams,
            context,
        ),
    }
}

/// Parallel tempering of two independent replicas over the temperatures,
/// measuring after the burn-in at every sweep; checkpointed.
fn tempering<C: PosteriorChain>(
    model: &C::Model,
    t: &spec::TeacherStudentExperiment,
    point: &PerceptronPoint,
    teacher: &[f64],
    streams: &UnitStreams,
    context: &UnitContext<'_>,
) -> Result<(Vec<Measure>, Vec<f64>), RunError> {
    let k = t.temperatures.len();
    let betas: Vec<f64> = t.temperatures.iter().map(|&x| 1.0 / x).collect();
    let mut state = match context.load::<GibbsState<C>>()? {
        Some(state) => state,
        None => {
            let mut ladders = Vec::with_capacity(2);
            for replica in 0..2u64 {
                let mut chains = Vec::with_capacity(k);
                for slot in 0..k as u64 {
                    let chain = replica * k as u64 + slot;
                    let mut start = streams.stream(Purpose::InitialState, chain);
                    chains.push(C::start(
                        model,
                        &mut start,
                        streams.stream(Purpose::Dynamics, chain),
                    )?);
                }
                ladders.push(Ladder::new(
                    chains,
                    streams.stream(Purpose::Exchange, replica),
                ));
            }
            GibbsState {
                sweep: 0,
                ladders,
                sums: vec![[0.0; 4]; k],
                measurements: 0,
            }
        }
    };
    let mut scratch = Scratch::default();
    let patterns = point.patterns as f64;
    while state.sweep < t.sweeps {
        for ladder in &mut state.ladders {
            for (slot, chain) in ladder.chains.iter_mut().enumerate() {
                chain.advance(model, betas[slot], &mut scratch);
            }
            exchange_pass(&betas, ladder, |_| {});
        }
        state.sweep += 1;
        if state.sweep > t.burn_in {
            for slot in 0..k {
                let (a, b) = (
                    &state.ladders[0].chains[slot],
                    &state.ladders[1].chains[slot],
                );
                let (ra, rb) = (
                    cosine(&a.real_weights(), teacher),
                    cosine(&b.real_weights(), teacher),
                );
                let q = a.overlap(b);
                let sums = &mut state.sums[slot];
                sums[0] += (a.violations() + b.violations()) as f64 / (2.0 * patterns);
                sums[1] += (ra + rb) / 2.0;
                sums[2] += (generalization_error(ra) + generalization_error(rb)) / 2.0;
                sums[3] += q;
            }
            state.measurements += 1;
        }
        context.advance(1);
        if context.due() && state.sweep < t.sweeps {
            context.save(&state)?;
        }
    }
    let count = state.measurements.max(1) as f64;
    let measures = (0..k)
        .map(|slot| {
            let s = state.sums[slot];
            Measure {
                temperature: t.temperatures[slot],
                training_error: s[0] / count,
                teacher_overlap: s[1] / count,
                student_overlap: s[3] / count,
                generalization_error: s[2] / count,
                state_evolution: f64::NAN,
            }
        })
        .collect();
    let acceptance = (0..k.saturating_sub(1))
        .map(|pair| {
            let accepted: u64 = state.ladders.iter().map(|l| l.exchange_accepts[pair]).sum();
            let attempted: u64 = state
                .ladders
                .iter()
                .map(|l| l.exchange_attempts[pair])
                .sum();
            accepted as f64 / attempted.max(1) as f64
        })
        .collect();
    Ok((measures, acceptance))
}
