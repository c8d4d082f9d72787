//! The phase-classification family: neural networks trained to tell ordered
//! from disordered snapshots find $T_c$ and $\nu$ by finite-size scaling of
//! their output.
//!
//! ```text
//! SPEC.toml (model = "phase-classifier", [training], [[test]], [data] lengths, [networks])
//!   unit = one lattice side L
//!     snapshots (quench-critical: Metropolis + Wolff / Novotny–Evertz clusters, spaced by
//!       their measured tau_int) at every training temperature (labelled 1 below T_c, 0 above)
//!       and at every temperature of every tested model
//!     ──split (validation fraction)──> training, validation images (spins or local energies)
//!     for every architecture, `networks` networks from their own streams (quench-neural:
//!       Adam, early stopping on the validation loss), checkpointed after each:
//!       the best network's outputs f on every test snapshot
//! units ──tables──> snapshots / training / outputs / timings .parquet
//!   per (architecture, test, L): bootstrap over networks and snapshots ──> curves.parquet
//!     (P(T), V(T)), peak fit ──> peaks.parquet (mu, sigma_-, sigma_+ with errors)
//!   per (architecture, test): fit over L ──> scaling.parquet (1/nu, T*, beside the exact values)
//!   ──report──> P and V against T per L with the exact T_c, the scaling plots, the seed's tables
//! ```
//!
//! Streams: `UnitStreams::new(seed, Named("phase-classifier"), L index, 0)`
//! with purposes `training-snapshots` (chain: temperature index),
//! `test-snapshots` (chain: test index × 2^32 + temperature index),
//! `validation-split`, `network-init` and `network-order` (chain: the
//! network's index), `bootstrap` (chain: architecture × 2^32 + test). Training
//! is deterministic on the CPU for any thread count (quench-neural), so the
//! tables are too, except `timings.parquet` (wall-clock seconds).

mod report;
pub mod spec;
mod tables;
mod transfer;

use std::path::Path;
use std::time::Instant;

use quench_core::{FamilyStreams, Purpose, StreamRng, UnitStreams};
use quench_critical::snapshots::SnapshotOptions;
use quench_critical::{
    CriticalModel, Kernel, LatticeChain, SnapshotSet, TriangularLattice, generate_snapshots,
};
use quench_neural::{ImageSet, Network, Trainer};
use serde::{Deserialize, Serialize};

use super::{Family, FamilyInfo, Header, MethodInfo, ReportBuilder, Tables, Unit, UnitContext};
use crate::error::RunError;
pub use spec::{ClassifySpec, Input, TestSet};

/// The phase-classification family.
pub struct PhaseClassifiers;

const STREAMS: FamilyStreams = FamilyStreams::Named("phase-classifier");

/// Images per forward pass when evaluating.
const EVALUATION_BATCH: usize = 256;

/// The diagnostics of the snapshots of one temperature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRow {
    /// "training", or the tested model's label.
    pub set: String,
    /// $T$.
    pub temperature: f64,
    /// 1 ordered, 0 disordered, NaN for test snapshots.
    pub label: f64,
    /// Steps between kept snapshots.
    pub spacing: u64,
    /// Rounds of stretching the spacing.
    pub rounds: u64,
    /// Steps of the pilot.
    pub pilot_steps: u64,
    /// $\tau_\text{int}$ of the energy in the pilot, in steps.
    pub pilot_tau_energy: f64,
    /// $\tau_\text{int}$ of the order parameter in the pilot.
    pub pilot_tau_order: f64,
    /// $\tau_\text{int}$ of the kept energies, in snapshots.
    pub kept_tau_energy: f64,
    /// $\tau_\text{int}$ of the kept order parameters.
    pub kept_tau_order: f64,
    /// Mean energy per site of the kept snapshots.
    pub energy: f64,
    /// Mean order parameter.
    pub order_parameter: f64,
    /// Mean cluster size measured in equilibration.
    pub mean_cluster: f64,
    /// Seconds the snapshots took.
    pub seconds: f64,
}

/// One trained network and its outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkResult {
    /// Index of the architecture in the spec.
    pub architecture: usize,
    /// Network index within the architecture.
    pub network: usize,
    /// Epochs trained.
    pub epochs: u64,
    /// The lowest validation loss.
    pub best_validation_loss: f64,
    /// The best network's accuracy on the validation snapshots.
    pub validation_accuracy: f64,
    /// Seconds of training.
    pub seconds: f64,
    /// Training snapshots processed per second (forward and backward).
    pub snapshots_per_second: f64,
    /// The outputs `[test][temperature][snapshot]`.
    pub outputs: Vec<Vec<Vec<f32>>>,
}

/// The result of one unit: one lattice side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthResult {
    /// $L$.
    pub length: usize,
    /// Snapshot diagnostics: training temperatures, then every test's.
    pub snapshots: Vec<SnapshotRow>,
    /// Every network, architecture-major.
    pub networks: Vec<NetworkResult>,
}

/// The checkpoint of a unit: the networks done.
#[derive(Serialize, Deserialize)]
struct RunningState {
    networks: Vec<NetworkResult>,
}

/// The largest magnitude of a site's owned energy, which scales energy inputs to $[-1, 1]$.
fn energy_scale(model: &CriticalModel) -> f64 {
    match model {
        CriticalModel::Ising(c) => c.vertical.abs() + c.horizontal.abs() + c.diagonal.abs(),
        CriticalModel::BaxterWu { coupling } => 2.0 * coupling.abs(),
    }
}

/// Snapshots of `model` at `temperature`: started ordered below $T_c$ and
/// random above.
fn take_snapshots(
    spec: &ClassifySpec,
    model: CriticalModel,
    lattice: &TriangularLattice,
    temperature: f64,
    count: usize,
    rng: StreamRng,
) -> Result<(SnapshotSet, f64), RunError> {
    let start = Instant::now();
    let mut kernel = Kernel::new(model, lattice, 1.0 / temperature);
    let mut chain = if temperature < model.critical_temperature() {
        LatticeChain::ordered(lattice, rng)
    } else {
        LatticeChain::random(lattice, rng)
    };
    let options = SnapshotOptions {
        snapshots: count,
        ..spec.snapshot_options
    };
    let set = generate_snapshots(&mut kernel, &mut chain, temperature, &options)
        .map_err(|e| RunError::Input(format!("{}: {e}", spec.file)))?;
    Ok((set, start.elapsed().as_secs_f64()))
}

fn snapshot_row(set: &SnapshotSet, name: &str, label: f64, seconds: f64) -> SnapshotRow {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    SnapshotRow {
        set: name.to_string(),
        temperature: set.temperature,
        label,
        spacing: set.spacing as u64,
        rounds: set.rounds as u64,
        pilot_steps: set.pilot_steps as u64,
        pilot_tau_energy: set.pilot.energy.tau_int,
        pilot_tau_order: set.pilot.order_parameter.tau_int,
        kept_tau_energy: set.kept.energy.tau_int,
        kept_tau_order: set.kept.order_parameter.tau_int,
        energy: mean(&set.energy),
        order_parameter: mean(&set.order_parameter),
        mean_cluster: set.mean_cluster,
        seconds,
    }
}

/// Appends the snapshots of `set` to `images` as the spec's input.
fn append_images(
    spec: &ClassifySpec,
    lattice: &TriangularLattice,
    set: &SnapshotSet,
    label: f32,
    images: &mut ImageSet,
) -> Result<(), RunError> {
    let mut local = vec![0.0; lattice.sites()];
    let mut image = vec![0.0f32; lattice.sites()];
    let scale = energy_scale(&set.model);
    for index in 0..set.len() {
        let spins = set.snapshot(index);
        match spec.input {
            Input::Spins => {
                for (value, &s) in image.iter_mut().zip(&spins) {
                    *value = f32::from(s);
                }
            }
            Input::Energies => {
                set.model.local_energies(lattice, &spins, &mut local);
                for (value, &e) in image.iter_mut().zip(&local) {
                    *value = (e / scale) as f32;
                }
            }
        }
        images
            .push(&image, label)
            .map_err(|e| RunError::Input(e.to_string()))?;
    }
    Ok(())
}

fn neural(error: quench_neural::NeuralError) -> RunError {
    RunError::Input(format!("network: {error}"))
}

fn run_length(
    spec: &ClassifySpec,
    point: usize,
    context: &UnitContext<'_>,
) -> Result<LengthResult, RunError> {
    let length = spec.lengths[point];
    let lattice = TriangularLattice::square(length).map_err(|e| RunError::Input(e.to_string()))?;
    let streams = UnitStreams::new(spec.seed, STREAMS, point as u64, 0);
    let mut rows = Vec::new();
    let mut all = ImageSet::new(1, length, length);
    for (k, (temperature, label)) in spec.training_temperatures().into_iter().enumerate() {
        let rng = streams.stream(Purpose::Named("training-snapshots"), k as u64);
        let (set, seconds) = take_snapshots(
            spec,
            spec.training_model,
            &lattice,
            temperature,
            spec.training_snapshots,
            rng,
        )?;
        rows.push(snapshot_row(&set, "training", f64::from(label), seconds));
        append_images(spec, &lattice, &set, label, &mut all)?;
    }
    let mut tests: Vec<Vec<ImageSet>> = Vec::with_capacity(spec.tests.len());
    for (k, test) in spec.tests.iter().enumerate() {
        let temperatures = test.temperatures_at(length);
        let mut per_temperature = Vec::with_capacity(temperatures.len());
        for (p, &temperature) in temperatures.iter().enumerate() {
            let rng = streams.stream(
                Purpose::Named("test-snapshots"),
                (k as u64) << 32 | p as u64,
            );
            let (set, seconds) =
                take_snapshots(spec, test.model, &lattice, temperature, test.snapshots, rng)?;
            rows.push(snapshot_row(&set, &test.label, f64::NAN, seconds));
            let mut images = ImageSet::new(1, length, length);
            append_images(spec, &lattice, &set, 0.0, &mut images)?;
            per_temperature.push(images);
        }
        tests.push(per_temperature);
    }
    let (training, validation) = all.split(
        spec.validation,
        &mut streams.stream(Purpose::Named("validation-split"), 0),
    );
    let mut state = context.load::<RunningState>()?.unwrap_or(RunningState {
        networks: Vec::new(),
    });
    let device = spec.backend.device().map_err(neural)?;
    for (a, &architecture) in spec.architectures.iter().enumerate() {
        for k in 0..spec.networks {
            let index = a * spec.networks + k;
            if index < state.networks.len() {
                continue;
            }
            let mut init = streams.stream(Purpose::Named("network-init"), index as u64);
            let network =
                Network::new(architecture, all.shape(), &mut init, &device).map_err(neural)?;
            let order = streams.stream(Purpose::Named("network-order"), index as u64);
            let mut trainer = Trainer::new(network, spec.training, order).map_err(neural)?;
            let start = Instant::now();
            trainer.run(&training, &validation).map_err(neural)?;
            let seconds = start.elapsed().as_secs_f64();
            let epochs = trainer.history().len();
            let best_validation_loss = trainer
                .history()
                .iter()
                .map(|r| r.validation_loss)
                .fold(f64::INFINITY, f64::min);
            let best = trainer.into_best().map_err(neural)?;
            let outputs = best
                .outputs(&validation, EVALUATION_BATCH)
                .map_err(neural)?;
            let right = outputs
                .iter()
                .zip(validation.labels())
                .filter(|(f, y)| (**f > 0.5) == (**y > 0.5))
                .count();
            let outputs = tests
                .iter()
                .map(|per_temperature| {
                    per_temperature
                        .iter()
                        .map(|images| best.outputs(images, EVALUATION_BATCH))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(neural)?;
            state.networks.push(NetworkResult {
                architecture: a,
                network: k,
                epochs: epochs as u64,
                best_validation_loss,
                validation_accuracy: right as f64 / validation.len() as f64,
                seconds,
                snapshots_per_second: (epochs * (training.len() + validation.len())) as f64
                    / seconds.max(1e-9),
                outputs,
            });
            context.advance(1);
            if context.due() {
                context.save(&state)?;
            }
        }
    }
    Ok(LengthResult {
        length,
        snapshots: rows,
        networks: state.networks,
    })
}

impl Family for PhaseClassifiers {
    type Spec = ClassifySpec;
    type UnitResult = LengthResult;

    fn name(&self) -> &'static str {
        "phase-classifier"
    }

    fn describe(&self) -> FamilyInfo {
        FamilyInfo {
            family: "phase-classifier",
            description: "neural networks that find phase transitions: trained on ordered and disordered snapshots far from T_c, their output near T_c gives T* and 1/nu by finite-size scaling (Ising, anisotropic Ising, Baxter-Wu; transfer between them)",
            methods: vec![MethodInfo {
                name: "phase-classifier",
                description: "snapshots by Metropolis and cluster moves spaced by their measured tau_int; fully connected, convolutional and residual networks on candle (Adam, early stopping); bootstrap over networks and snapshots; asymmetric-Gaussian peak of V(T) and power-law fits over L",
            }],
            models: spec::catalogue(),
        }
    }

    fn claims(&self, document: &toml::Table) -> bool {
        spec::claims(document)
    }

    fn parse(&self, file: &str, source: &str) -> Result<ClassifySpec, RunError> {
        Ok(ClassifySpec::parse(file, source)?)
    }

    fn header<'a>(&self, spec: &'a ClassifySpec) -> Header<'a> {
        Header {
            file: &spec.file,
            source: &spec.source,
            name: &spec.name,
            description: &spec.description,
            seed: spec.seed,
            checkpoint_seconds: spec.checkpoint_seconds,
        }
    }

    fn memory(&self, spec: &ClassifySpec) -> crate::memory::MemoryEstimate {
        let largest = spec.lengths.iter().copied().max().unwrap_or(0) as f64;
        let sites = largest * largest;
        let training =
            ((spec.ordered.len() + spec.disordered.len()) * spec.training_snapshots) as f64;
        let tested: f64 = spec
            .tests
            .iter()
            .map(|t| (t.temperatures.len() * t.snapshots) as f64)
            .sum();
        let networks = (spec.architectures.len() * spec.networks) as f64;
        let parameters = spec
            .architectures
            .iter()
            .map(|a| a.parameters((1, largest as usize, largest as usize)) as f64)
            .fold(0.0, f64::max);
        // Images as f32 (training twice: the set and its split), packed
        // snapshots, the outputs, a network with Adam's moments and gradients,
        // and the activations of one batch (a generous 64 channels per site).
        let batch = spec.training.batch_size.max(EVALUATION_BATCH) as f64;
        crate::memory::MemoryEstimate {
            per_unit: 4.0 * sites * (2.0 * training + tested)
                + sites / 8.0 * (training + tested)
                + 4.0 * tested * networks
                + 20.0 * parameters
                + 4.0 * 64.0 * sites * batch * 4.0,
            per_result: 4.0 * tested * networks + 1024.0,
            units: spec.lengths.len() as f64,
        }
    }

    fn plan(&self, spec: &ClassifySpec) -> Vec<Unit> {
        (0..spec.lengths.len())
            .map(|p| Unit::sample(p, 0))
            .collect()
    }

    fn work(&self, spec: &ClassifySpec, _unit: &Unit) -> u64 {
        (spec.architectures.len() * spec.networks) as u64
    }

    fn work_done(
        &self,
        _spec: &ClassifySpec,
        _unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(context
            .load::<RunningState>()?
            .map_or(0, |state| state.networks.len() as u64))
    }

    fn run_unit(
        &self,
        spec: &ClassifySpec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<LengthResult, RunError> {
        run_length(spec, unit.point, context)
    }

    fn tables(
        &self,
        spec: &ClassifySpec,
        results: Vec<(Unit, LengthResult)>,
    ) -> Result<Tables, RunError> {
        tables::tables(spec, results.into_iter().map(|(_, r)| r).collect())
    }

    fn report(
        &self,
        spec: &ClassifySpec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError> {
        report::write_report(spec, out, report)
    }
}
