//! The trained-network family: fully connected networks trained by
//! gradient descent on P examples, across a grid of sizes, to see the
//! interpolation (jamming) transition of training (seeds `000`, `001`,
//! `002`): below a number of parameters $N^*$ of order $P$ the networks
//! cannot fit the data and stop with unsatisfied constraints; above it
//! they reach zero training error; near it training takes longest.
//! With `architecture = "recurrent"` the networks are deep recurrent
//! networks ([`quench_neural::RecurrentNetwork`], seed `002`) and an example
//! is a sequence with a label at every step (from a recurrent teacher,
//! random, or the Reber grammar); the transition is then read against the
//! number of constraints $C = PTK$ rather than $P$ ([`Learner`] hides which
//! network a replica trains).
//!
//! ```text
//! SPEC.toml (model = "trained-network") ──TrainedNetworkSpec::parse──> TrainedNetworkSpec
//!   unit = (point: d, P, L, h; sample)
//!     ──data::examples (keyed by d, P and the sample: every size learns the same data)──>
//!       P training and the test examples
//!     ──replicas (Learner: DenseNetwork or RecurrentNetwork, independent starts) trained one after the other, full-batch
//!       gradient descent or SGD, until they interpolate or the steps run out; measured at
//!       logarithmic times; checkpointed mid-training; every pair's hidden representations
//!       of the test inputs compared──> TrainedSample
//! units ──tables──> runs.parquet (per replica: interpolated, steps, final loss, unsatisfied
//!                   constraints, errors, test error), curves.parquet (against time),
//!                   pairs.parquet (agreement of two replicas on the test inputs, the
//!                   permutation-invariant overlap of their first layers and of their last
//!                   hidden layers' representations), representations.parquet (that overlap
//!                   at every hidden layer, trained and at the start), ageing.parquet (between
//!                   every two measurement times: the weights' displacement and correlation,
//!                   the outputs' correlation, the loss displacement)
//!       ──report──> fraction interpolating, unsatisfied constraints, training time, test error
//!                   and replica agreement against N/P; the transition N* per (L, P) with its
//!                   bootstrap error; Gardner's P = 2N for the perceptron
//! ```
//!
//! Streams: the data of sample `s` from
//! `UnitStreams::new(seed, FamilyStreams::Named("trained-network"), d << 32 | P, s)`,
//! replica `r`'s start from the point's unit streams (`InitialState`, chain
//! `r`), and SGD's batches from a hash of the step, so a resumed run repeats
//! every step.

pub mod data;
pub mod learner;
pub mod report;
pub mod spec;

use std::path::Path;

use quench_core::rng::{Purpose, splitmix64};
use quench_core::{FamilyStreams, UnitStreams};
use quench_neural::overlap::representation_overlap;
use quench_neural::{Adam, Evaluation, Loss};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
use crate::family::hidden_manifold::examples::Examples;
use crate::table::{Column, Table};
pub use learner::{Learner, Work};
pub use spec::{Architecture, DataKind, Method, TrainedNetworkSpec, TrainedPoint};

/// The trained-network family.
pub struct TrainedNetworks;

const STREAMS: FamilyStreams = FamilyStreams::Named("trained-network");

/// Steps between checks of the checkpoint clock.
const CHECK_EVERY: u64 = 64;

/// One network at one time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// Steps done.
    pub step: u64,
    /// Mean training loss.
    pub loss: f64,
    /// Unsatisfied training examples.
    pub unsatisfied: u64,
    /// Misclassified training examples.
    pub errors: u64,
    /// Fraction of test examples misclassified (NaN for random labels).
    pub test_error: f64,
}

/// One replica's training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicaRun {
    /// Which replica.
    pub replica: usize,
    /// Whether it reached zero unsatisfied constraints.
    pub interpolated: bool,
    /// The step at which it did, or the steps done.
    pub steps: u64,
    /// The state at the end.
    pub last: CurvePoint,
    /// The state at the measurement times (after it stopped, its final state).
    pub curve: Vec<CurvePoint>,
    /// The signs of its outputs on the test inputs.
    pub test_signs: Vec<bool>,
    /// Its first layer's weights (the units reading the inputs), row by row.
    pub first_layer: Vec<f64>,
    /// The two-time quantities between every two measurement times while
    /// it trained.
    pub ageing: Vec<Ageing>,
    /// The trained network, until the sample's pairs are compared.
    #[serde(default)]
    pub network: Option<Learner>,
}

/// Two replicas of one sample compared layer by layer: the
/// permutation-invariant overlap of their hidden layers' representations
/// of the test inputs ([`quench_neural::overlap::representation_overlap`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairOverlaps {
    /// The first replica.
    pub first: usize,
    /// The second.
    pub second: usize,
    /// Trained, per hidden layer from the inputs up.
    pub trained: Vec<f64>,
    /// The same networks at their independent starts: what the shared
    /// inputs alone make two random networks share.
    pub initial: Vec<f64>,
}

/// One sample's replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedSample {
    /// Grid point.
    pub point: usize,
    /// Sample.
    pub sample: u64,
    /// The replicas.
    pub runs: Vec<ReplicaRun>,
    /// Every pair of replicas compared.
    pub pairs: Vec<PairOverlaps>,
}

#[derive(Serialize, Deserialize)]
struct Running {
    replica: usize,
    step: u64,
    network: Learner,
    /// Adam's moments (method "adam").
    adam: Option<Adam>,
    curve: Vec<CurvePoint>,
    /// The network at every measurement time so far (for the ageing).
    snapshots: Vec<Snapshot>,
    /// $\Delta(t_w, t)$ so far.
    ageing: Vec<Ageing>,
    done: Vec<ReplicaRun>,
}

/// A network at one measurement time, as the two-time quantities of the
/// ageing need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Steps done.
    pub step: u64,
    /// Every weight.
    pub weights: Vec<f64>,
    /// The margins $m_\mu = y_\mu f_\mu$ of every training constraint.
    pub margins: Vec<f64>,
}

impl Snapshot {
    /// `network` at step `step` on the training inputs `inputs` with
    /// labels `labels` (positions with label 0 left out).
    fn take(step: u64, network: &Learner, inputs: &[f64], labels: &[f64], work: &mut Work) -> Self {
        let outputs = network.outputs(inputs, work);
        Self {
            step,
            weights: network.flat_weights(),
            margins: outputs
                .iter()
                .zip(labels)
                .filter(|(_, y)| **y != 0.0)
                .map(|(f, y)| f * y)
                .collect(),
        }
    }
}

/// The two-time quantities of the weights, the outputs and the loss
/// between a waiting time $t_w$ and a later time $t$.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ageing {
    /// The earlier time $t_w$ (steps).
    pub waiting: u64,
    /// The later time $t$.
    pub time: u64,
    /// $\Delta(t_w, t) = \frac1N\sum_i\big(w_i(t) - w_i(t_w)\big)^2$.
    pub displacement: f64,
    /// $C(t_w, t) = w(t)\cdot w(t_w)/(|w(t)|\\,|w(t_w)|)$: the correlation of
    /// the directions, blind to the growth of the norm.
    pub correlation: f64,
    /// $C_f(t_w, t) = m(t)\cdot m(t_w)/(|m(t)|\\,|m(t_w)|)$ for the margins
    /// $m_\mu = y_\mu f_\mu$ of the $C$ training constraints: the
    /// correlation of the outputs, blind to the weights' symmetries.
    pub output_correlation: f64,
    /// $\Delta_\ell(t_w, t) = \frac1C\sum_\mu\big(\ell_\mu(t) - \ell_\mu(t_w)\big)^2$:
    /// how far the loss of each constraint has moved, the loss's own
    /// two-time fluctuation (the mean loss can stand still while the
    /// constraints trade their share of it).
    pub loss_displacement: f64,
}

impl Ageing {
    /// The two-time quantities from `earlier` ($t_w$) to `now` ($t$) for
    /// the loss `loss`.
    pub fn between(earlier: &Snapshot, now: &Snapshot, loss: Loss) -> Self {
        let norm = |w: &[f64]| w.iter().map(|x| x * x).sum::<f64>().sqrt();
        let (mut squared, mut dot) = (0.0, 0.0);
        for (a, b) in now.weights.iter().zip(&earlier.weights) {
            squared += (a - b) * (a - b);
            dot += a * b;
        }
        let mut loss_squared = 0.0;
        let mut output_dot = 0.0;
        for (&m, &m_w) in now.margins.iter().zip(&earlier.margins) {
            // A margin is the output of a constraint with label +1.
            let change = loss.value_and_slope(m, 1.0).0 - loss.value_and_slope(m_w, 1.0).0;
            loss_squared += change * change;
            output_dot += m * m_w;
        }
        Self {
            waiting: earlier.step,
            time: now.step,
            displacement: squared / now.weights.len().max(1) as f64,
            correlation: dot / (norm(&now.weights) * norm(&earlier.weights)),
            output_correlation: output_dot / (norm(&now.margins) * norm(&earlier.margins)),
            loss_displacement: loss_squared / now.margins.len().max(1) as f64,
        }
    }
}

/// The fraction of the test labels the network gets wrong, and the signs of
/// its outputs there (positions with label 0, past the end of a sequence,
/// are left out of both).
fn test(network: &Learner, examples: &Examples, work: &mut Work) -> (f64, Vec<bool>) {
    let outputs = network.outputs(&examples.test, work);
    let (signs, labels): (Vec<bool>, Vec<bool>) = outputs
        .iter()
        .zip(&examples.test_labels)
        .filter(|(_, y)| **y != 0.0)
        .map(|(&f, &y)| (f >= 0.0, y > 0.0))
        .unzip();
    let wrong = signs.iter().zip(&labels).filter(|(s, y)| s != y).count();
    (wrong as f64 / signs.len().max(1) as f64, signs)
}

fn curve_point(
    step: u64,
    evaluation: Evaluation,
    network: &Learner,
    examples: &Examples,
    labelled: bool,
    work: &mut Work,
) -> CurvePoint {
    CurvePoint {
        step,
        loss: evaluation.loss,
        unsatisfied: evaluation.unsatisfied as u64,
        errors: evaluation.errors as u64,
        test_error: if labelled {
            test(network, examples, work).0
        } else {
            f64::NAN
        },
    }
}

/// Every pair of replicas compared layer by layer on the test inputs: their
/// hidden representations trained (`trained`) and at their starts
/// (`initial`), one network per replica in each.
fn pair_overlaps(
    test_inputs: &[f64],
    width: usize,
    initial: &[Learner],
    trained: &[Learner],
) -> Vec<PairOverlaps> {
    let mut work = Work::default();
    let mut represent = |networks: &[Learner]| -> Vec<Vec<Vec<f64>>> {
        networks
            .iter()
            .map(|network| network.hidden_representations(test_inputs, &mut work))
            .collect()
    };
    let (initial, trained) = (represent(initial), represent(trained));
    let compare = |x: &[Vec<f64>], y: &[Vec<f64>]| -> Vec<f64> {
        x.iter()
            .zip(y)
            .map(|(a, b)| representation_overlap(a, width, b, width))
            .collect()
    };
    let mut pairs = Vec::new();
    for a in 0..trained.len() {
        for b in a + 1..trained.len() {
            pairs.push(PairOverlaps {
                first: a,
                second: b,
                trained: compare(&trained[a], &trained[b]),
                initial: compare(&initial[a], &initial[b]),
            });
        }
    }
    pairs
}

impl TrainedNetworks {
    /// Trains `running.network` from `running.step` until it interpolates
    /// or the steps run out, saving when due.
    fn train(
        spec: &TrainedNetworkSpec,
        examples: &Examples,
        order: u64,
        running: &mut Running,
        context: &UnitContext<'_>,
    ) -> Result<ReplicaRun, RunError> {
        let labelled = spec.data.has_test_labels();
        let (x, y) = (&examples.training, &examples.training_labels);
        // One example: T steps of d inputs and of K labels.
        let length = spec.architecture.length();
        let (row, labels_per_row) = (
            length * examples.inputs,
            length * spec.architecture.outputs(),
        );
        let p = y.len() / labels_per_row;
        let mut work = Work::default();
        let mut batch_inputs = Vec::new();
        let mut batch_labels = Vec::new();
        let epoch = match spec.method {
            Method::GradientDescent | Method::Adam => 1,
            Method::Sgd { batch } => p.div_ceil(batch) as u64,
        };
        loop {
            let step = running.step;
            let measure = spec.times.binary_search(&step).is_ok();
            let check = step.is_multiple_of(epoch) || measure || step == spec.steps;
            // Full-batch gradient descent evaluates every step with its gradient.
            let evaluation = match spec.method {
                Method::GradientDescent | Method::Adam => Some(
                    running
                        .network
                        .evaluate_with_gradient(x, y, spec.loss, &mut work),
                ),
                Method::Sgd { .. } if check => {
                    Some(running.network.evaluate(x, y, spec.loss, &mut work))
                }
                Method::Sgd { .. } => None,
            };
            if let Some(e) = evaluation
                && (measure || e.interpolates() || step == spec.steps)
            {
                let point = curve_point(step, e, &running.network, examples, labelled, &mut work);
                if measure {
                    running.curve.push(point);
                    let now = Snapshot::take(step, &running.network, x, y, &mut work);
                    for earlier in &running.snapshots {
                        running
                            .ageing
                            .push(Ageing::between(earlier, &now, spec.loss));
                    }
                    running.snapshots.push(now);
                }
                if e.interpolates() || step == spec.steps {
                    // Progress was counted in blocks of CHECK_EVERY steps.
                    context.advance(spec.steps - step / CHECK_EVERY * CHECK_EVERY);
                    let (_, test_signs) = test(&running.network, examples, &mut work);
                    // After it stops, the network keeps its final state.
                    let mut curve = std::mem::take(&mut running.curve);
                    for &t in spec.times.iter().filter(|&&t| t > step) {
                        curve.push(CurvePoint { step: t, ..point });
                    }
                    return Ok(ReplicaRun {
                        replica: running.replica,
                        interpolated: e.interpolates(),
                        steps: step,
                        last: point,
                        curve,
                        test_signs,
                        first_layer: running.network.first_layer().to_vec(),
                        ageing: std::mem::take(&mut running.ageing),
                        network: Some(running.network.clone()),
                    });
                }
            }
            match spec.method {
                Method::GradientDescent => running.network.apply_gradient(spec.rate, &work),
                Method::Adam => running.network.apply_adam(
                    running.adam.as_mut().expect("Adam's moments"),
                    spec.rate,
                    &work,
                ),
                Method::Sgd { batch } => {
                    batch_inputs.clear();
                    batch_labels.clear();
                    let key = splitmix64(order ^ splitmix64(step));
                    for k in 0..batch as u64 {
                        let example = (splitmix64(key ^ k) % p as u64) as usize;
                        batch_inputs.extend_from_slice(&x[example * row..(example + 1) * row]);
                        batch_labels.extend_from_slice(
                            &y[example * labels_per_row..(example + 1) * labels_per_row],
                        );
                    }
                    running.network.evaluate_with_gradient(
                        &batch_inputs,
                        &batch_labels,
                        spec.loss,
                        &mut work,
                    );
                    running.network.apply_gradient(spec.rate, &work);
                }
            }
            running.step += 1;
            if running.step.is_multiple_of(CHECK_EVERY) {
                context.advance(CHECK_EVERY);
                if context.due() {
                    context.save(&*running)?;
                }
            }
        }
    }
}

impl Family for TrainedNetworks {
    type Spec = TrainedNetworkSpec;
    type UnitResult = TrainedSample;

    fn name(&self) -> &'static str {
        "trained-network"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "trained-network",
            description: "fully connected networks trained by gradient descent on P examples across a grid of sizes: the interpolation (jamming) transition, training times, test errors, agreement between replicas",
            methods: vec![
                MethodInfo {
                    name: "gradient-descent",
                    description: "full-batch gradient descent at a constant rate until no example is unsatisfied (gap 1 - y f <= 1e-6) or the steps run out",
                },
                MethodInfo {
                    name: "adam",
                    description: "full-batch Adam (beta1 = 0.9, beta2 = 0.999, eps = 1e-8, bias-corrected) at a constant rate, its moments checkpointed",
                },
                MethodInfo {
                    name: "sgd",
                    description: "stochastic gradient descent on batches drawn with replacement by a hash of the step, at a constant rate; interpolation checked once per epoch",
                },
            ],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<TrainedNetworkSpec, RunError> {
        Ok(TrainedNetworkSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a TrainedNetworkSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &TrainedNetworkSpec) -> crate::memory::MemoryEstimate {
        let batch = |p: usize| match spec.method {
            Method::GradientDescent | Method::Adam => p,
            Method::Sgd { batch } => batch.max(p.min(4096)),
        };
        let (length, outputs) = (
            spec.architecture.length() as f64,
            spec.architecture.outputs() as f64,
        );
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                let rows = (p.examples + p.test_examples) as f64;
                let width = p.width.max(1) as f64;
                // Examples (T steps of d inputs and K labels); weights,
                // gradient and a checkpoint's copy; the snapshots of the
                // ageing; the fields, activations and deltas of the largest
                // batch at every step; the test signs.
                rows * length * (p.inputs as f64 + outputs) * 8.0
                    + (4 + spec.times.len()) as f64 * p.parameters as f64 * 8.0
                    + spec.times.len() as f64 * p.examples as f64 * length * outputs * 8.0
                    + batch(p.examples).max(p.test_examples) as f64
                        * length
                        * (width * (3 * p.depth.max(1) + 2) as f64 + 3.0 * outputs)
                        * 8.0
                    + spec.replicas as f64 * p.test_examples as f64 * length * outputs
                    // The trained replicas, kept until their representations
                    // of the test inputs (all of them, at the start and
                    // trained) are compared.
                    + spec.replicas as f64
                        * (p.parameters as f64
                            + 2.0 * (p.test_examples * p.depth * p.width) as f64 * length)
                        * 8.0
            })
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result: spec
                .points
                .iter()
                .map(|p| {
                    spec.replicas as f64
                        * (spec.times.len() as f64 * 40.0
                            + p.test_examples as f64 * length * outputs
                            + (p.inputs * p.width.max(1)) as f64 * 8.0
                            + (spec.times.len() * spec.times.len()) as f64 * 12.0
                            + spec.replicas as f64 * p.depth as f64 * 8.0
                            + 1024.0)
                })
                .fold(0.0, f64::max),
            units: spec.points.len() as f64 * spec.samples as f64,
        }
    }

    fn plan(&self, spec: &TrainedNetworkSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &TrainedNetworkSpec, _unit: &Unit) -> u64 {
        spec.steps * spec.replicas as u64
    }

    fn work_done(
        &self,
        spec: &TrainedNetworkSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context.load::<Running>()?.map_or(0, |r| {
            r.replica as u64 * spec.steps + r.step / CHECK_EVERY * CHECK_EVERY
        }))
    }

    fn run_unit(
        &self,
        spec: &TrainedNetworkSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<TrainedSample, RunError> {
        let point = &spec.points[unit.point];
        let examples = data::examples(spec, point, unit.first);
        let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, unit.first);
        let initial_network = |replica: usize| {
            Learner::new(
                spec.architecture,
                point,
                spec.activation,
                &mut streams.stream(Purpose::InitialState, replica as u64),
            )
        };
        let start = |replica: usize| {
            let network = initial_network(replica);
            Running {
                replica,
                step: 0,
                adam: (spec.method == Method::Adam).then(|| Adam::for_weights(network.weights())),
                network,
                curve: Vec::new(),
                snapshots: Vec::new(),
                ageing: Vec::new(),
                done: Vec::new(),
            }
        };
        let mut running = context.load::<Running>()?.unwrap_or_else(|| start(0));
        let (seed, index) = streams.seed_and_sample();
        loop {
            let order = splitmix64(splitmix64(seed ^ 0x0062_6174_6368_6573) ^ index)
                ^ splitmix64(running.replica as u64);
            let run = Self::train(spec, &examples, order, &mut running, context)?;
            let mut done = std::mem::take(&mut running.done);
            done.push(run);
            if done.len() == spec.replicas {
                let initial: Vec<Learner> = (0..done.len()).map(initial_network).collect();
                let trained: Vec<Learner> = done
                    .iter_mut()
                    .map(|run| run.network.take().expect("a trained network"))
                    .collect();
                let pairs = pair_overlaps(&examples.test, point.width, &initial, &trained);
                return Ok(TrainedSample {
                    point: point.index,
                    sample: unit.first,
                    runs: done,
                    pairs,
                });
            }
            running = Running {
                done,
                ..start(running.replica + 1)
            };
            if context.due() {
                context.save(&running)?;
            }
        }
    }

    fn tables(
        &self,
        spec: &TrainedNetworkSpec,
        results: Vec<(Unit, TrainedSample)>,
    ) -> Result<Tables, RunError> {
        let samples: Vec<TrainedSample> = results.into_iter().map(|(_, s)| s).collect();
        let mut out = Tables::default();
        let runs: Vec<(&TrainedSample, &ReplicaRun)> = samples
            .iter()
            .flat_map(|s| s.runs.iter().map(move |r| (s, r)))
            .collect();
        let point_columns = |rows: &[&TrainedSample]| -> Vec<(&'static str, Column)> {
            let p = |f: &dyn Fn(&TrainedPoint) -> u64| {
                Column::Integer(rows.iter().map(|s| f(&spec.points[s.point])).collect())
            };
            vec![
                ("point", p(&|q| q.index as u64)),
                ("inputs", p(&|q| q.inputs as u64)),
                ("examples", p(&|q| q.examples as u64)),
                ("depth", p(&|q| q.depth as u64)),
                ("width", p(&|q| q.width as u64)),
                ("parameters", p(&|q| q.parameters as u64)),
                (
                    "constraints",
                    Column::Number(
                        rows.iter()
                            .map(|s| spec.points[s.point].constraints)
                            .collect(),
                    ),
                ),
                (
                    "sample",
                    Column::Integer(rows.iter().map(|s| s.sample).collect()),
                ),
            ]
        };
        let owners: Vec<&TrainedSample> = runs.iter().map(|r| r.0).collect();
        let mut columns = point_columns(&owners);
        let integer =
            |f: &dyn Fn(&ReplicaRun) -> u64| Column::Integer(runs.iter().map(|r| f(r.1)).collect());
        let number =
            |f: &dyn Fn(&ReplicaRun) -> f64| Column::Number(runs.iter().map(|r| f(r.1)).collect());
        columns.extend([
            ("replica", integer(&|r| r.replica as u64)),
            ("interpolated", integer(&|r| u64::from(r.interpolated))),
            ("steps", integer(&|r| r.steps)),
            ("loss", number(&|r| r.last.loss)),
            ("unsatisfied", integer(&|r| r.last.unsatisfied)),
            ("errors", integer(&|r| r.last.errors)),
            ("test_error", number(&|r| r.last.test_error)),
        ]);
        out.table("runs.parquet", Table::new(columns));
        // One row per item of every replica: its point, sample and replica,
        // then the item's own columns (integers, or numbers).
        type Columns = Vec<(&'static str, Column)>;
        /// A column of an item: its name, whether it holds integers, its value.
        type Field<T> = (&'static str, bool, fn(&T) -> f64);
        fn per_item<T>(
            runs: &[(&TrainedSample, &ReplicaRun)],
            point_columns: &dyn Fn(&[&TrainedSample]) -> Columns,
            items: fn(&ReplicaRun) -> &[T],
            fields: &[Field<T>],
        ) -> Table {
            let rows: Vec<(&TrainedSample, &ReplicaRun, &T)> = runs
                .iter()
                .flat_map(|&(s, r)| items(r).iter().map(move |item| (s, r, item)))
                .collect();
            let owners: Vec<&TrainedSample> = rows.iter().map(|r| r.0).collect();
            let mut columns = point_columns(&owners);
            columns.push((
                "replica",
                Column::Integer(rows.iter().map(|r| r.1.replica as u64).collect()),
            ));
            for &(name, integer, value) in fields {
                columns.push((
                    name,
                    if integer {
                        Column::Integer(rows.iter().map(|r| value(r.2) as u64).collect())
                    } else {
                        Column::Number(rows.iter().map(|r| value(r.2)).collect())
                    },
                ));
            }
            Table::new(columns)
        }
        out.table(
            "curves.parquet",
            per_item(
                &runs,
                &point_columns,
                |r| &r.curve,
                &[
                    ("step", true, |c: &CurvePoint| c.step as f64),
                    ("loss", false, |c| c.loss),
                    ("unsatisfied", true, |c| c.unsatisfied as f64),
                    ("errors", true, |c| c.errors as f64),
                    ("test_error", false, |c| c.test_error),
                ],
            ),
        );
        out.table(
            "ageing.parquet",
            per_item(
                &runs,
                &point_columns,
                |r| &r.ageing,
                &[
                    ("waiting", true, |a: &Ageing| a.waiting as f64),
                    ("time", true, |a| a.time as f64),
                    ("displacement", false, |a| a.displacement),
                    ("correlation", false, |a| a.correlation),
                    ("output_correlation", false, |a| a.output_correlation),
                    ("loss_displacement", false, |a| a.loss_displacement),
                ],
            ),
        );
        // Pairs of replicas: the fraction of test inputs on which they agree.
        let mut owners = Vec::new();
        let (mut first, mut second, mut agreement) = (Vec::new(), Vec::new(), Vec::new());
        let mut weight_overlap = Vec::new();
        let (mut representation, mut initial_representation) = (Vec::new(), Vec::new());
        let last = |values: &[f64]| values.last().copied().unwrap_or(f64::NAN);
        for s in &samples {
            let inputs = spec.points[s.point].inputs;
            for pair in &s.pairs {
                representation.push(last(&pair.trained));
                initial_representation.push(last(&pair.initial));
            }
            for a in 0..s.runs.len() {
                for b in a + 1..s.runs.len() {
                    let (x, y) = (&s.runs[a].test_signs, &s.runs[b].test_signs);
                    let same = x.iter().zip(y).filter(|(u, v)| u == v).count();
                    owners.push(s);
                    first.push(a as u64);
                    second.push(b as u64);
                    agreement.push(same as f64 / x.len().max(1) as f64);
                    weight_overlap.push(quench_neural::overlap::weight_overlap(
                        &s.runs[a].first_layer,
                        &s.runs[b].first_layer,
                        inputs,
                    ));
                }
            }
        }
        let mut columns = point_columns(&owners);
        columns.extend([
            ("first", Column::Integer(first)),
            ("second", Column::Integer(second)),
            ("test_agreement", Column::Number(agreement)),
            ("weight_overlap", Column::Number(weight_overlap)),
            ("representation_overlap", Column::Number(representation)),
            (
                "initial_representation_overlap",
                Column::Number(initial_representation),
            ),
        ]);
        out.table("pairs.parquet", Table::new(columns));
        // Every hidden layer of every pair.
        let rows: Vec<(&TrainedSample, &PairOverlaps, usize)> = samples
            .iter()
            .flat_map(|s| {
                s.pairs
                    .iter()
                    .flat_map(move |pair| (0..pair.trained.len()).map(move |l| (s, pair, l)))
            })
            .collect();
        let owners: Vec<&TrainedSample> = rows.iter().map(|r| r.0).collect();
        let mut columns = point_columns(&owners);
        let integer = |f: &dyn Fn(&(&TrainedSample, &PairOverlaps, usize)) -> u64| {
            Column::Integer(rows.iter().map(f).collect())
        };
        columns.extend([
            ("first", integer(&|r| r.1.first as u64)),
            ("second", integer(&|r| r.1.second as u64)),
            ("layer", integer(&|r| r.2 as u64 + 1)),
            (
                "representation_overlap",
                Column::Number(rows.iter().map(|r| r.1.trained[r.2]).collect()),
            ),
            (
                "initial_representation_overlap",
                Column::Number(rows.iter().map(|r| r.1.initial[r.2]).collect()),
            ),
        ]);
        out.table("representations.parquet", Table::new(columns));
        Ok(out)
    }

    fn report(
        &self,
        spec: &TrainedNetworkSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The examples of `point`, sample `sample`, as the networks see them:
    /// `"training_inputs"`, `"training_labels"`, `"test_inputs"`,
    /// `"test_labels"` (float64).
    fn draw(
        &self,
        spec: &TrainedNetworkSpec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.points.len())?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        let p = &spec.points[point];
        let e = data::examples(spec, p, sample);
        let n = e.inputs;
        // Dense: (examples, d) and (examples,); sequences: (examples, T, d) and (examples, T, K).
        let (length, outputs) = (spec.architecture.length(), spec.architecture.outputs());
        let array = |values: Vec<f64>, per_step: usize, scalar: bool| DrawnArray::Float64 {
            shape: if !spec.architecture.is_recurrent() {
                if scalar {
                    vec![values.len()]
                } else {
                    vec![values.len() / per_step, per_step]
                }
            } else {
                vec![values.len() / (length * per_step), length, per_step]
            },
            data: values,
        };
        Ok(Drawn {
            description: format!(
                "trained-network examples ({}) of {}, grid point {point}, sample {sample}: {} training and {} test examples of {}{n} inputs",
                spec.data.name(),
                spec.file,
                e.training_labels.len() / (length * outputs),
                e.test_labels.len() / (length * outputs),
                if spec.architecture.is_recurrent() {
                    format!("{length} steps of ")
                } else {
                    String::new()
                }
            ),
            arrays: vec![
                ("training_inputs".to_string(), array(e.training, n, false)),
                (
                    "training_labels".to_string(),
                    array(e.training_labels, outputs, true),
                ),
                ("test_inputs".to_string(), array(e.test, n, false)),
                (
                    "test_labels".to_string(),
                    array(e.test_labels, outputs, true),
                ),
            ],
            sample: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-time quantities by hand: weights moved by (0, 3) from (3, 4)
    /// to (3, 7); margins (2, −1) to (0.5, 0.5) under the quadratic hinge,
    /// losses (0, 2) to (0.125, 0.125).
    #[test]
    fn two_time_quantities_follow_their_definitions() {
        let earlier = Snapshot {
            step: 10,
            weights: vec![3.0, 4.0],
            margins: vec![2.0, -1.0],
        };
        let now = Snapshot {
            step: 30,
            weights: vec![3.0, 7.0],
            margins: vec![0.5, 0.5],
        };
        let a = Ageing::between(&earlier, &now, Loss::QuadraticHinge);
        assert_eq!((a.waiting, a.time), (10, 30));
        assert!((a.displacement - 4.5).abs() < 1e-12);
        let correlation = (9.0 + 28.0) / (5.0 * 58f64.sqrt());
        assert!((a.correlation - correlation).abs() < 1e-12);
        let outputs = (1.0 - 0.5) / (5f64.sqrt() * 0.5f64.sqrt());
        assert!((a.output_correlation - outputs).abs() < 1e-12);
        let loss = (0.125f64.powi(2) + 1.875f64.powi(2)) / 2.0;
        assert!((a.loss_displacement - loss).abs() < 1e-12);
        // A network against itself: nothing moved.
        let same = Ageing::between(&now, &now, Loss::Hinge);
        assert_eq!((same.displacement, same.loss_displacement), (0.0, 0.0));
        assert!(
            (same.correlation - 1.0).abs() < 1e-12 && (same.output_correlation - 1.0).abs() < 1e-12
        );
    }
}
