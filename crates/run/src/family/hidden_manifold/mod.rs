//! The hidden-manifold family: two-layer networks trained by online SGD on
//! structured data (the hidden manifold model of Goldt, Mézard, Krzakala
//! and Zdeborová; the 8×8 digits) and on i.i.d. Gaussian inputs, with their
//! learning curves on one set of axes (seed `000`, "The Challenge of Data
//! Structure": structured data behave like real data, i.i.d. data do not).
//!
//! ```text
//! SPEC.toml (model = "hidden-manifold") ──HiddenManifoldSpec::parse──> HiddenManifoldSpec
//!   unit = (point: one data source; sample)
//!     ──examples::examples (keyed streams)──> P training and the test examples, standardised
//!       by the training set's mean and deviation of every coordinate
//!     ──TwoNN on the training inputs──> their intrinsic dimension
//!     ──students (TwoLayer, independent starts) see the same examples, one per step,
//!       drawn with replacement; measured at logarithmic times, checkpointed──> LearningSample
//! units ──tables──> curves.parquet (per sample and time: training and test error,
//!                   test loss, disagreement between students), data.parquet
//!       ──report──> learning curves of every source on one figure, disagreement
//! ```
//!
//! Streams: sample `s` of point `p` from
//! `UnitStreams::new(seed, FamilyStreams::Named("hidden-manifold"), p, s)`:
//! the data (features, teacher, latents or Gaussian inputs, the digits'
//! split), the students' starts (chain = student) and the order of the
//! examples (a hash of the step), so a resumed run repeats every step.

pub mod examples;
pub mod report;
pub mod spec;

use std::path::Path;

use quench_core::rng::{Purpose, splitmix64};
use quench_core::{FamilyStreams, UnitStreams};
use quench_geometry::{Estimator, Options, Points, TwoNnFit, estimate};
use quench_neural::TwoLayer;
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::table::{Column, Table};
pub use examples::{Examples, examples};
pub use spec::{DataSource, HiddenManifoldSpec, LearningPoint};

/// The hidden-manifold family.
pub struct HiddenManifolds;

const STREAMS: FamilyStreams = FamilyStreams::Named("hidden-manifold");

/// Errors of the students at one time, means over students (and pairs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LearningMeasure {
    /// Steps done.
    pub step: u64,
    /// Fraction of training examples misclassified.
    pub training_error: f64,
    /// Fraction of test examples misclassified.
    pub test_error: f64,
    /// $\tfrac12 (y - \hat y)^2$ on the test examples.
    pub test_loss: f64,
    /// Fraction of test inputs two students classify differently (NaN for one student).
    pub disagreement: f64,
}

/// One sample's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningSample {
    /// Grid point.
    pub point: usize,
    /// Sample.
    pub sample: u64,
    /// TwoNN's intrinsic dimension of the standardised training inputs.
    pub dimension: f64,
    /// Its error.
    pub dimension_error: f64,
    /// Fraction of training labels $+1$.
    pub positive: f64,
    /// The measurements, in time order.
    pub measurements: Vec<LearningMeasure>,
}

#[derive(Serialize, Deserialize)]
struct Running {
    step: u64,
    students: Vec<TwoLayer>,
    measurements: Vec<LearningMeasure>,
}

/// Signs and losses of `network` on `inputs`.
fn classify(
    network: &TwoLayer,
    inputs: &[f64],
    labels: &[f64],
    fields: &mut [f64],
) -> (Vec<bool>, f64) {
    let n = network.inputs();
    let mut loss = 0.0;
    let signs = inputs
        .chunks_exact(n)
        .zip(labels)
        .map(|(x, &y)| {
            let out = network.output_with(x, fields);
            loss += 0.5 * (y - out) * (y - out);
            out >= 0.0
        })
        .collect();
    (signs, loss / labels.len() as f64)
}

fn measure(step: u64, students: &[TwoLayer], examples: &Examples) -> LearningMeasure {
    let mut fields = vec![0.0; students[0].hidden()];
    let error = |signs: &[bool], labels: &[f64]| {
        signs
            .iter()
            .zip(labels)
            .filter(|(s, y)| **s != (**y > 0.0))
            .count() as f64
            / labels.len() as f64
    };
    let (mut training_error, mut test_error, mut test_loss) = (0.0, 0.0, 0.0);
    let mut test_signs = Vec::with_capacity(students.len());
    for student in students {
        let (signs, _) = classify(
            student,
            &examples.training,
            &examples.training_labels,
            &mut fields,
        );
        training_error += error(&signs, &examples.training_labels);
        let (signs, loss) = classify(student, &examples.test, &examples.test_labels, &mut fields);
        test_error += error(&signs, &examples.test_labels);
        test_loss += loss;
        test_signs.push(signs);
    }
    let k = students.len() as f64;
    let mut disagreement = 0.0;
    let mut pairs = 0;
    for a in 0..test_signs.len() {
        for b in a + 1..test_signs.len() {
            disagreement += test_signs[a]
                .iter()
                .zip(&test_signs[b])
                .filter(|(x, y)| x != y)
                .count() as f64
                / test_signs[a].len() as f64;
            pairs += 1;
        }
    }
    LearningMeasure {
        step,
        training_error: training_error / k,
        test_error: test_error / k,
        test_loss: test_loss / k,
        disagreement: if pairs > 0 {
            disagreement / pairs as f64
        } else {
            f64::NAN
        },
    }
}

impl Family for HiddenManifolds {
    type Spec = HiddenManifoldSpec;
    type UnitResult = LearningSample;

    fn name(&self) -> &'static str {
        "hidden-manifold"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "hidden-manifold",
            description: "two-layer networks trained by online SGD on the hidden manifold model, on i.i.d. Gaussian inputs and on the digits: learning curves, disagreement between students, the intrinsic dimension of each source",
            methods: vec![MethodInfo {
                name: "online-sgd",
                description: "soft committee machines (K hidden units, both layers trained) by SGD on the quadratic loss, one example per step drawn with replacement from P training examples, learning rates eta/sqrt(N) and eta/N (Saad-Solla scaling)",
            }],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<HiddenManifoldSpec, RunError> {
        Ok(HiddenManifoldSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a HiddenManifoldSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &HiddenManifoldSpec) -> crate::memory::MemoryEstimate {
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                let n = p.source.inputs() as f64;
                let rows = (p.examples + p.test_examples) as f64;
                let latent = match p.source {
                    DataSource::HiddenManifold { latent, .. } => latent as f64,
                    _ => 0.0,
                };
                // Examples (and the model's latents while drawing), the
                // students and a checkpoint's copy of them, the neighbours of
                // the dimension estimate.
                2.0 * rows * (n + latent + 1.0) * 8.0
                    + 4.0 * (spec.students * spec.network.hidden) as f64 * n * 8.0
                    + p.examples as f64 * 64.0
            })
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: spec.measurements as f64 * 48.0 + 256.0,
            units: spec.points.len() as f64 * spec.samples as f64,
        }
    }

    fn plan(&self, spec: &HiddenManifoldSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &HiddenManifoldSpec, unit: &Unit) -> u64 {
        spec.steps(&spec.points[unit.point])
    }

    fn work_done(
        &self,
        _spec: &HiddenManifoldSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context.load::<Running>()?.map_or(0, |r| r.step))
    }

    fn run_unit(
        &self,
        spec: &HiddenManifoldSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<LearningSample, RunError> {
        let point = &spec.points[unit.point];
        let examples = examples(spec, point, unit.first)?;
        let n = examples.inputs;
        let p = examples.training_labels.len();
        let points = Points::new(&examples.training, n)
            .map_err(|e| RunError::Input(format!("{}: {e}", spec.file)))?;
        let (dimension, dimension_error) = match estimate(
            points,
            Estimator::TwoNn {
                fit: TwoNnFit::Likelihood,
            },
            Options::default(),
        ) {
            Ok(d) => (d.dimension, d.error),
            Err(_) => (f64::NAN, f64::NAN),
        };
        let positive = examples
            .training_labels
            .iter()
            .filter(|&&y| y > 0.0)
            .count() as f64
            / p as f64;
        let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, unit.first);
        let net = spec.network;
        let mut running = context.load::<Running>()?.unwrap_or_else(|| Running {
            step: 0,
            students: (0..spec.students as u64)
                .map(|student| {
                    TwoLayer::new(
                        n,
                        net.hidden,
                        net.activation,
                        net.first_scale,
                        net.second_scale,
                        net.train_second,
                        &mut streams.stream(Purpose::InitialState, student),
                    )
                })
                .collect(),
            measurements: Vec::new(),
        });
        let (seed, index) = streams.seed_and_sample();
        let order = splitmix64(splitmix64(seed ^ 0x6f72_6465_7273) ^ index);
        let mut fields = vec![0.0; net.hidden];
        for &target in &spec.measurement_steps(point) {
            if target <= running.step {
                continue;
            }
            while running.step < target {
                let end = target.min(running.step + 4096);
                for step in running.step..end {
                    let example = (splitmix64(order ^ step) % p as u64) as usize;
                    let x = &examples.training[example * n..(example + 1) * n];
                    let y = examples.training_labels[example];
                    for student in &mut running.students {
                        student.step(x, y, net.learning_rate, &mut fields);
                    }
                }
                context.advance(end - running.step);
                running.step = end;
                if running.step < target && context.due() {
                    context.save(&running)?;
                }
            }
            running
                .measurements
                .push(measure(running.step, &running.students, &examples));
            if context.due() {
                context.save(&running)?;
            }
        }
        Ok(LearningSample {
            point: point.index,
            sample: unit.first,
            dimension,
            dimension_error,
            positive,
            measurements: running.measurements,
        })
    }

    fn tables(
        &self,
        spec: &HiddenManifoldSpec,
        results: Vec<(Unit, LearningSample)>,
    ) -> Result<Tables, RunError> {
        let samples: Vec<LearningSample> = results.into_iter().map(|(_, s)| s).collect();
        let mut out = Tables::default();
        let rows: Vec<(&LearningSample, &LearningMeasure)> = samples
            .iter()
            .flat_map(|s| s.measurements.iter().map(move |m| (s, m)))
            .collect();
        let label = |s: &LearningSample| spec.points[s.point].label.clone();
        let number = |f: &dyn Fn(&LearningMeasure) -> f64| {
            Column::Number(rows.iter().map(|r| f(r.1)).collect())
        };
        out.table(
            "curves.parquet",
            Table::new(vec![
                (
                    "point",
                    Column::Integer(rows.iter().map(|r| r.0.point as u64).collect()),
                ),
                (
                    "data",
                    Column::Text(rows.iter().map(|r| label(r.0)).collect()),
                ),
                (
                    "sample",
                    Column::Integer(rows.iter().map(|r| r.0.sample).collect()),
                ),
                (
                    "step",
                    Column::Integer(rows.iter().map(|r| r.1.step).collect()),
                ),
                (
                    "time",
                    Column::Number(
                        rows.iter()
                            .map(|r| {
                                r.1.step as f64 / spec.points[r.0.point].source.inputs() as f64
                            })
                            .collect(),
                    ),
                ),
                ("training_error", number(&|m| m.training_error)),
                ("test_error", number(&|m| m.test_error)),
                ("test_loss", number(&|m| m.test_loss)),
                ("disagreement", number(&|m| m.disagreement)),
            ]),
        );
        out.table(
            "data.parquet",
            Table::new(vec![
                (
                    "point",
                    Column::Integer(samples.iter().map(|s| s.point as u64).collect()),
                ),
                ("data", Column::Text(samples.iter().map(label).collect())),
                (
                    "source",
                    Column::Text(
                        samples
                            .iter()
                            .map(|s| spec.points[s.point].source.name().to_string())
                            .collect(),
                    ),
                ),
                (
                    "sample",
                    Column::Integer(samples.iter().map(|s| s.sample).collect()),
                ),
                (
                    "inputs",
                    Column::Integer(
                        samples
                            .iter()
                            .map(|s| spec.points[s.point].source.inputs() as u64)
                            .collect(),
                    ),
                ),
                (
                    "examples",
                    Column::Integer(
                        samples
                            .iter()
                            .map(|s| spec.points[s.point].examples as u64)
                            .collect(),
                    ),
                ),
                (
                    "dimension",
                    Column::Number(samples.iter().map(|s| s.dimension).collect()),
                ),
                (
                    "dimension_error",
                    Column::Number(samples.iter().map(|s| s.dimension_error).collect()),
                ),
                (
                    "positive_fraction",
                    Column::Number(samples.iter().map(|s| s.positive).collect()),
                ),
            ]),
        );
        Ok(out)
    }

    fn report(
        &self,
        spec: &HiddenManifoldSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The examples of `point`, sample `sample`, standardised as the
    /// students see them: `"training_inputs"`, `"training_labels"`,
    /// `"test_inputs"`, `"test_labels"` (float64).
    fn draw(
        &self,
        spec: &HiddenManifoldSpec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.points.len())?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        let p = &spec.points[point];
        let e = examples(spec, p, sample)?;
        let n = e.inputs;
        let array = |values: Vec<f64>, columns: usize| DrawnArray::Float64 {
            shape: if columns == 1 {
                vec![values.len()]
            } else {
                vec![values.len() / columns, columns]
            },
            data: values,
        };
        Ok(Drawn {
            description: format!(
                "hidden-manifold examples {:?} of {}, grid point {point}, sample {sample}: {} training and {} test examples of {n} inputs",
                p.label,
                spec.file,
                e.training_labels.len(),
                e.test_labels.len()
            ),
            arrays: vec![
                ("training_inputs".to_string(), array(e.training, n)),
                ("training_labels".to_string(), array(e.training_labels, 1)),
                ("test_inputs".to_string(), array(e.test, n)),
                ("test_labels".to_string(), array(e.test_labels, 1)),
            ],
            sample: None,
        })
    }
}
