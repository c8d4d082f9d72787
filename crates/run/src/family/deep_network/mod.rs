//! The deep-network family: the design space of deep perceptron networks
//! (Yoshino), simulated layer by layer beside its replica theory.
//!
//! ```text
//! SPEC.toml (model = "deep-network") ──DeepNetworkSpec::parse──> DeepNetworkSpec
//!   unit = (point: N, L, c, alpha, start; sample)
//!     ──DeepData::draw (keyed by the point without its start)──> DesignSpace (S(0), S(L), teacher)
//!     ──R students (each a tempering ladder, or one chain), sweeps of weight and hidden-spin moves,
//!       measured at logarithmic times, checkpointed──> DeepSample (per time and layer: q, Q, q^2, r, R, test overlaps)
//! units ──tables──> layers / training / moves .parquet
//!       ──report──> layer profiles (with the dense-limit replica theory), overlaps against time and load
//! ```
//!
//! Streams: a point's training sets from
//! `UnitStreams::new(seed, FamilyStreams::Named("deep-network"), data_key, sample)`,
//! where `data_key` ignores the start, so learning and unlearning see the
//! same data; the students' starts and moves from the unit's own streams
//! (`point`, `sample`), chain `replica × ladder + slot`.

pub mod report;
pub mod spec;
mod tables;
mod teacher_theory;

use std::path::Path;

use quench_core::rng::Purpose;
use quench_core::{FamilyStreams, UnitStreams};
use quench_learn::deep::{
    AlignedOverlaps, DeepData, DesignChain, DesignSpace, DesignState, MoveScratch,
    aligned_overlaps, feed_forward, permutation_invariant_overlap,
};
use quench_mc::moves::Metropolis;
use quench_mc::tempering::{Ladder, exchange_pass};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
pub use spec::{DeepNetworkSpec, DeepPoint, Start};

/// The deep-network family.
pub struct DeepNetworks;

const STREAMS: FamilyStreams = FamilyStreams::Named("deep-network");

/// Overlaps of one layer at one time, averaged over students (pairs of
/// students), gauge-aligned as [`aligned_overlaps`] says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayerMeasure {
    /// $q(l)$ between students on the training inputs.
    pub spin: f64,
    /// $Q(l)$ between students (NaN at $l = 0$).
    pub bond: f64,
    /// The unbiased mean squared perceptron overlap between students
    /// ([`quench_learn::deep::AlignedOverlaps::bond_squared`]; NaN at $l = 0$).
    pub bond_squared: f64,
    /// The permutation-invariant $q^2(l)$ between students.
    pub permutation: f64,
    /// The unbiased mean squared neuron overlap between students
    /// ([`quench_learn::deep::AlignedOverlaps::spin_squared`]).
    pub spin_squared: f64,
    /// Student–teacher spin overlap on the training inputs (NaN without a teacher).
    pub teacher_spin: f64,
    /// Student–teacher bond overlap (NaN without a teacher, and at $l = 0$).
    pub teacher_bond: f64,
    /// $q(l)$ between students on fresh inputs.
    pub test_spin: f64,
    /// Student–teacher overlap on fresh inputs (NaN without a teacher).
    pub test_teacher: f64,
}

/// Everything measured at one time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    /// Sweeps done.
    pub sweep: u64,
    /// $E$ over its number of terms, mean over students.
    pub training_error: f64,
    /// Per layer $l = 0..L$.
    pub layers: Vec<LayerMeasure>,
}

/// One sample's run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeepSample {
    /// Grid point.
    pub point: usize,
    /// Sample.
    pub sample: u64,
    /// The measurements, in time order.
    pub measurements: Vec<Measurement>,
    /// Acceptance of weight moves and of hidden-spin flips (measured chains).
    pub acceptance: [f64; 2],
    /// Exchange acceptance between neighbouring temperatures, mean over students.
    pub exchange_acceptance: Vec<f64>,
}

/// A unit's running state (its checkpoint).
#[derive(Serialize, Deserialize)]
struct Running {
    sweep: u64,
    ladders: Vec<Ladder<DesignChain>>,
    measurements: Vec<Measurement>,
    /// Weight moves made, attempted; spin flips made, attempted (measured chains).
    moves: [u64; 4],
}

/// The training set of sample `sample` at `point`, as the units draw it.
pub fn training_data(
    spec: &DeepNetworkSpec,
    point: &DeepPoint,
    sample: u64,
) -> Result<DeepData, RunError> {
    let (seed, sample) =
        UnitStreams::new(spec.seed, STREAMS, point.data_key, sample).seed_and_sample();
    Ok(DeepData::draw(
        point.architecture,
        point.patterns,
        spec.scenario,
        seed,
        sample,
    )?)
}

fn test_inputs(
    spec: &DeepNetworkSpec,
    point: &DeepPoint,
    sample: u64,
    data: &DeepData,
) -> Vec<f64> {
    let (seed, sample) =
        UnitStreams::new(spec.seed, STREAMS, point.data_key, sample).seed_and_sample();
    data.test_inputs(spec.test_patterns, seed, sample)
}

impl Family for DeepNetworks {
    type Spec = DeepNetworkSpec;
    type UnitResult = DeepSample;

    fn name(&self) -> &'static str {
        "deep-network"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "deep-network",
            description: "deep perceptron networks as disordered systems: Monte Carlo in the design space of weights and hidden representations, random or teacher data, layer-resolved overlaps between students and with the teacher, beside the dense-limit replica theory",
            methods: vec![MethodInfo {
                name: "design-space",
                description: "students (replicas on the same data) moved by weight rotations or flips and hidden-spin flips through the move seam: zero-temperature learning from a random start or unlearning from the teacher, Metropolis, or parallel tempering over a ladder",
            }],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<DeepNetworkSpec, RunError> {
        Ok(DeepNetworkSpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a DeepNetworkSpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &DeepNetworkSpec) -> crate::memory::MemoryEstimate {
        let chains = (spec.replicas * spec.temperatures.len()) as f64;
        let per_unit = spec
            .points
            .iter()
            .map(|p| {
                let a = &p.architecture;
                let state = a.state_bytes(p.patterns) as f64;
                let layers = (a.depth + 1) as f64 * a.width as f64;
                // Students, the teacher's state and the data, a checkpoint's
                // serialised copy of the running state, and the test
                // representations of every student and the teacher.
                let test = (spec.replicas + 1) as f64 * layers * spec.test_patterns as f64 * 8.0;
                (2.0 * chains + 2.0) * state + test + 2.0 * layers * p.patterns as f64 * 8.0
            })
            .fold(0.0, f64::max);
        let per_result = spec
            .points
            .iter()
            .map(|p| spec.times.len() as f64 * (p.architecture.depth + 1) as f64 * 64.0 + 256.0)
            .fold(0.0, f64::max);
        crate::memory::MemoryEstimate {
            per_unit,
            per_result,
            units: (spec.points.len() as u64 * spec.samples) as f64,
        }
    }

    fn plan(&self, spec: &DeepNetworkSpec) -> Vec<Unit> {
        spec.points
            .iter()
            .flat_map(|p| (0..spec.samples).map(move |s| Unit::sample(p.index, s)))
            .collect()
    }

    fn work(&self, spec: &DeepNetworkSpec, _unit: &Unit) -> u64 {
        spec.sweeps
    }

    fn work_done(
        &self,
        _spec: &DeepNetworkSpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context.load::<Running>()?.map_or(0, |r| r.sweep))
    }

    fn run_unit(
        &self,
        spec: &DeepNetworkSpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<DeepSample, RunError> {
        let point = &spec.points[unit.point];
        let data = training_data(spec, point, unit.first)?;
        let tests = test_inputs(spec, point, unit.first, &data);
        let space = DesignSpace::new(data, spec.margin, spec.loss)?;
        let streams = UnitStreams::new(spec.seed, STREAMS, point.index as u64, unit.first);
        run_students(spec, point, unit.first, &space, &tests, &streams, context)
    }

    fn tables(
        &self,
        spec: &DeepNetworkSpec,
        results: Vec<(Unit, DeepSample)>,
    ) -> Result<Tables, RunError> {
        tables::tables(spec, results.into_iter().map(|(_, s)| s).collect())
    }

    fn report(
        &self,
        spec: &DeepNetworkSpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }

    /// The training set of the point's sample: `"inputs"` and `"outputs"`
    /// ($M \times N$, int8), `"wiring"` (the input neurons of every
    /// perceptron, $L \times N \times c$, int64) and, with a teacher,
    /// `"teacher_weights"` ($L \times N \times c$, float64).
    fn draw(
        &self,
        spec: &DeepNetworkSpec,
        point: usize,
        sample: u64,
        naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        use crate::draw::{Drawn, DrawnArray};
        crate::draw::check_point(naming, &spec.file, point, spec.points.len())?;
        crate::draw::check_sample(naming, &spec.file, sample, spec.samples)?;
        let p = &spec.points[point];
        let data = training_data(spec, p, sample)?;
        let a = p.architecture;
        let spins = |values: &[f64]| DrawnArray::Integer8 {
            shape: vec![data.patterns, a.width],
            data: values.iter().map(|&x| x as i8).collect(),
        };
        let mut wiring = Vec::with_capacity(a.bonds());
        for l in 1..=a.depth {
            for k in 0..a.width {
                wiring.extend(data.wiring.inputs(l, k).iter().map(|&i| i64::from(i)));
            }
        }
        let shape = vec![a.depth, a.width, a.connectivity];
        let mut arrays = vec![
            ("inputs".to_string(), spins(&data.inputs)),
            ("outputs".to_string(), spins(&data.outputs)),
            (
                "wiring".to_string(),
                DrawnArray::Integer64 {
                    shape: shape.clone(),
                    data: wiring,
                },
            ),
        ];
        if let Some(teacher) = &data.teacher {
            arrays.push((
                "teacher_weights".to_string(),
                DrawnArray::Float64 {
                    shape,
                    data: teacher.weights.clone(),
                },
            ));
        }
        Ok(Drawn {
            description: format!(
                "deep-network training set of {}, grid point {point} (N = {}, L = {}, c = {}, {} patterns), sample {sample}",
                spec.file, a.width, a.depth, a.connectivity, p.patterns
            ),
            arrays,
            sample: None,
        })
    }
}

/// The students' starting chains: one ladder per student.
fn start_ladders(
    spec: &DeepNetworkSpec,
    point: &DeepPoint,
    space: &DesignSpace,
    streams: &UnitStreams,
) -> Vec<Ladder<DesignChain>> {
    let k = spec.temperatures.len() as u64;
    (0..spec.replicas as u64)
        .map(|replica| {
            let chains = (0..k)
                .map(|slot| {
                    let chain = replica * k + slot;
                    let state = match point.start {
                        Start::Random => {
                            space.random_state(&mut streams.stream(Purpose::InitialState, chain))
                        }
                        Start::Teacher => space
                            .teacher_state()
                            .expect("the spec allows a teacher start only with a teacher"),
                    };
                    DesignChain {
                        state,
                        rng: streams.stream(Purpose::Dynamics, chain),
                    }
                })
                .collect();
            Ladder::new(chains, streams.stream(Purpose::Exchange, replica))
        })
        .collect()
}

fn run_students(
    spec: &DeepNetworkSpec,
    point: &DeepPoint,
    sample: u64,
    space: &DesignSpace,
    tests: &[f64],
    streams: &UnitStreams,
    context: &UnitContext<'_>,
) -> Result<DeepSample, RunError> {
    let betas: Vec<f64> = spec
        .temperatures
        .iter()
        .map(|&t| if t == 0.0 { f64::INFINITY } else { 1.0 / t })
        .collect();
    let mut running = match context.load::<Running>()? {
        Some(running) => running,
        None => Running {
            sweep: 0,
            ladders: start_ladders(spec, point, space, streams),
            measurements: Vec::new(),
            moves: [0; 4],
        },
    };
    let teacher_tests = space
        .data()
        .teacher
        .as_ref()
        .map(|t| feed_forward(space.wiring(), &t.weights, tests));
    let mut scratch = MoveScratch::default();
    while running.sweep < spec.sweeps {
        for ladder in &mut running.ladders {
            for (slot, chain) in ladder.chains.iter_mut().enumerate() {
                let moves = space.sweep(
                    &mut chain.state,
                    &Metropolis { beta: betas[slot] },
                    spec.step_at(point),
                    &mut scratch,
                    &mut chain.rng,
                );
                if slot == 0 {
                    running.moves[0] += moves.weights;
                    running.moves[1] += moves.weight_attempts;
                    running.moves[2] += moves.spins;
                    running.moves[3] += moves.spin_attempts;
                }
            }
            if betas.len() > 1 {
                exchange_pass(&betas, ladder, |_| {});
            }
        }
        running.sweep += 1;
        if spec.times.binary_search(&running.sweep).is_ok() {
            let students: Vec<&DesignState> =
                running.ladders.iter().map(|l| &l.chains[0].state).collect();
            running.measurements.push(measure(
                space,
                &students,
                tests,
                teacher_tests.as_deref(),
                running.sweep,
            ));
        }
        context.advance(1);
        if context.due() && running.sweep < spec.sweeps {
            context.save(&running)?;
        }
    }
    let ratio = |made: u64, attempted: u64| {
        if attempted == 0 {
            f64::NAN
        } else {
            made as f64 / attempted as f64
        }
    };
    let exchange_acceptance = (0..betas.len().saturating_sub(1))
        .map(|pair| {
            let accepted: u64 = running
                .ladders
                .iter()
                .map(|l| l.exchange_accepts[pair])
                .sum();
            let attempted: u64 = running
                .ladders
                .iter()
                .map(|l| l.exchange_attempts[pair])
                .sum();
            ratio(accepted, attempted)
        })
        .collect();
    Ok(DeepSample {
        point: point.index,
        sample,
        measurements: running.measurements,
        acceptance: [
            ratio(running.moves[0], running.moves[1]),
            ratio(running.moves[2], running.moves[3]),
        ],
        exchange_acceptance,
    })
}

/// Students `x < y` and their aligned overlaps on the training and on the test inputs.
type PairOverlaps = (usize, usize, AlignedOverlaps, AlignedOverlaps);

/// The layer-resolved overlaps of the students at one time, every one
/// gauge-aligned ([`aligned_overlaps`]) but the permutation-invariant $q^2$.
fn measure(
    space: &DesignSpace,
    students: &[&DesignState],
    tests: &[f64],
    teacher_tests: Option<&[Vec<f64>]>,
    sweep: u64,
) -> Measurement {
    let a = *space.architecture();
    let size = a.width * space.data().patterns;
    let wiring = space.wiring();
    let training: Vec<Vec<&[f64]>> = students
        .iter()
        .map(|s| {
            (0..=a.depth)
                .map(|l| &s.spins[l * size..(l + 1) * size])
                .collect()
        })
        .collect();
    let represented: Vec<Vec<Vec<f64>>> =
        students.iter().map(|s| space.represent(s, tests)).collect();
    let tested: Vec<Vec<&[f64]>> = represented
        .iter()
        .map(|layers| layers.iter().map(|x| x.as_slice()).collect())
        .collect();
    let count = students.len();
    let mut pairs = Vec::new();
    for x in 0..count {
        for y in x + 1..count {
            let train = aligned_overlaps(
                wiring,
                &students[x].weights,
                &training[x],
                &students[y].weights,
                &training[y],
            );
            let test = aligned_overlaps(
                wiring,
                &students[x].weights,
                &tested[x],
                &students[y].weights,
                &tested[y],
            );
            pairs.push((x, y, train, test));
        }
    }
    let teacher = space.data().teacher.as_ref().map(|t| {
        let train: Vec<&[f64]> = t.layers.iter().map(|x| x.as_slice()).collect();
        let test: Vec<&[f64]> = teacher_tests
            .expect("a teacher's test layers")
            .iter()
            .map(|x| x.as_slice())
            .collect();
        (0..count)
            .map(|k| {
                (
                    aligned_overlaps(
                        wiring,
                        &students[k].weights,
                        &training[k],
                        &t.weights,
                        &train,
                    ),
                    aligned_overlaps(wiring, &students[k].weights, &tested[k], &t.weights, &test),
                )
            })
            .collect::<Vec<_>>()
    });
    let pair_mean =
        |f: &dyn Fn(&PairOverlaps) -> f64| pairs.iter().map(f).sum::<f64>() / pairs.len() as f64;
    let teacher_mean = |f: &dyn Fn(&(AlignedOverlaps, AlignedOverlaps)) -> f64| match &teacher {
        Some(t) => t.iter().map(f).sum::<f64>() / count as f64,
        None => f64::NAN,
    };
    let layers = (0..=a.depth)
        .map(|l| LayerMeasure {
            spin: pair_mean(&|p| p.2.spin[l]),
            bond: if l == 0 {
                f64::NAN
            } else {
                pair_mean(&|p| p.2.bond[l - 1])
            },
            permutation: pair_mean(&|p| {
                permutation_invariant_overlap(training[p.0][l], training[p.1][l], a.width)
            }),
            spin_squared: pair_mean(&|p| p.2.spin_squared[l]),
            bond_squared: if l == 0 {
                f64::NAN
            } else {
                pair_mean(&|p| p.2.bond_squared[l - 1])
            },
            teacher_spin: teacher_mean(&|t| t.0.spin[l]),
            teacher_bond: if l == 0 {
                f64::NAN
            } else {
                teacher_mean(&|t| t.0.bond[l - 1])
            },
            test_spin: pair_mean(&|p| p.3.spin[l]),
            test_teacher: teacher_mean(&|t| t.1.spin[l]),
        })
        .collect();
    Measurement {
        sweep,
        training_error: students
            .iter()
            .map(|s| space.training_error(s))
            .sum::<f64>()
            / count as f64,
        layers,
    }
}
