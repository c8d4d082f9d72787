//! The seam between the runner and the kinds of experiment it runs.
//!
//! A *family* is one kind of experiment: spin-glass sampling, associative
//! memories, and the learning experiments to come. The runner knows none of
//! them by name. A family declares, through the [`Family`] trait:
//!
//! * which spec files are its own ([`Family::claims`]), and how a spec is
//!   read and validated ([`Family::parse`]: every error names the file, the
//!   line and the key, as [`crate::SpecError`] does);
//! * the *plan*: the units of work of a spec ([`Family::plan`]), a pure
//!   function of the spec, each a block of disorder samples at one grid
//!   point ([`Unit`]);
//! * the memory a run of the spec needs ([`Family::memory`]), from the spec
//!   alone: the runner refuses what cannot fit before it creates anything
//!   ([`crate::memory`]);
//! * how one unit runs ([`Family::run_unit`]) from explicit random streams
//!   ([`quench_core::UnitStreams`]), saving its running state through the
//!   [`UnitContext`] so that a killed run resumes bit for bit;
//! * the tables its finished units make ([`Family::tables`]), the figures
//!   and report section drawn from those tables with their theory
//!   ([`Family::report`]), and its models and methods
//!   ([`Family::describe`], for `quench models`);
//! * optionally, a sample's quenched disorder as named arrays
//!   ([`Family::draw`], for `quench draw` and the Python package).
//!
//! The runner ([`crate::runner`]) owns everything else: the results
//! directory, atomic writes, checkpoints and resume, progress and ETA,
//! threads, the manifest, Parquet writing, figure rendering, assembling
//! `report.md`, and the sharding of a plan across processes
//! ([`crate::runner::Shard`], [`crate::runner::merge`]).
//!
//! ```text
//! SPEC.toml ──registry::claiming──> family ──parse──> F::Spec
//!   ──plan──> [Unit] ──(any subset, any process)──> run_unit(UnitContext) ──> F::UnitResult
//!        units/point-P-first-S.unit (CRC-32, atomic), checkpoints/point-P-first-S.ckpt while running
//!   all units, in plan order ──tables──> Tables ──runner──> *.parquet, arrays
//!   ──report(ReportBuilder)──> figures (SVG, PNG) + report.md ──> manifest.json (last)
//! ```
//!
//! The families: [`spin_glass`] (parallel tempering and its kernels, with
//! replica, TAP and exact theory) and [`memory`] (Hopfield retrieval and
//! dense-memory capacity, with the AGS theory) and [`perceptron`] (storage
//! capacity and teacher–student learning, with Gardner's and Györgyi's
//! replica theory, GAMP and exact enumeration) and [`boltzmann`] (restricted
//! Boltzmann machines trained on data, with exact or AIS log-likelihoods) and
//! [`inverse_ising`] (fully visible machines learning a teacher back) and
//! [`classify`] (neural networks trained on snapshots find $T_c$ and $\nu$) and
//! [`deep_network`] (the design space of deep perceptron networks, layer by
//! layer, with the dense-limit replica theory) and [`intrinsic_dimension`]
//! (the intrinsic dimension of data: benchmark manifolds, the hidden
//! manifold model, Ising snapshots, digits and files) and
//! [`hidden_manifold`] (two-layer networks trained by online SGD on
//! structured and on i.i.d. data) and [`trained_network`] (fully connected
//! networks trained by gradient descent across sizes: the interpolation
//! transition) and [`glassy_dynamics`] ($p$-spin glasses quenched from
//! infinite temperature, simulated and beside the Cugliandolo–Kurchan
//! solution).
//! [`registry::FAMILIES`] lists them, one line each.
//!
//! # Adding a family
//!
//! 1. Make a folder `family/<name>/` with a `mod.rs` holding a unit struct
//!    (`pub struct Perceptrons;`) and its `impl Family`.
//! 2. Choose a spec: its `[model] model` names (or `[algorithm] method`
//!    values) are what [`Family::claims`] looks for. Parse it with serde
//!    (`deny_unknown_fields`) and report errors through
//!    [`crate::family::spin_glass::spec::Reporter`], which locates keys.
//! 3. Cut the work into [`Unit`]s: every unit a point and a block of
//!    samples. Draw every random number from
//!    `UnitStreams::new(seed, FamilyStreams::Named("<name>"), point, sample)`,
//!    never from a clock or a global generator, so that any subset of
//!    units, run in any process, gives the same numbers.
//! 4. Move the family's variables through quench-mc's move seam
//!    ([`quench_mc::moves`]): implement `LocalMoves` for them (what a move
//!    at a site changes, and its energy change) and the seam's Metropolis,
//!    heat-bath, Glauber and greedy acceptances and its sweeps, descents
//!    and annealing run them, as they run the Hopfield network's; a
//!    `quench_mc::Ladder` of the family's own chains (`Exchangeable`) and
//!    `quench_mc::exchange_pass` temper them. Save the
//!    unit's running state with [`UnitContext::save`] when
//!    [`UnitContext::due`], and start from [`UnitContext::load`].
//! 5. Return rows as [`crate::table::Table`]s from [`Family::tables`] and
//!    draw figures from the stored tables in [`Family::report`].
//! 6. Add one line to [`registry::FAMILIES`]. Nothing in the runner, the
//!    store or the report changes.
//!
//! A worked family, its whole `impl Family` in about 200 lines, is the crate's test
//! `tests/worked_family.rs`: independent spins in a field, sampled by
//! heat bath, whose magnetisation is checked against the exact
//! $\tanh(\beta h)$, run whole and sharded through the same runner.

pub mod boltzmann;
pub mod classify;
pub mod deep_network;
pub mod glassy_dynamics;
pub mod hidden_manifold;
pub mod intrinsic_dimension;
pub mod inverse_ising;
pub mod memory;
pub mod perceptron;
pub mod registry;
mod sections;
pub mod spin_glass;
pub mod trained_network;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::RunError;
use crate::figure::Figure;
use crate::table::Table;

/// One unit of work: the samples `first..first + count` of grid point
/// `point`, run together. Units are a pure function of the spec, and each
/// is run from its own streams, so a subset of units gives the same results
/// in any process.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
pub struct Unit {
    /// Grid point.
    pub point: usize,
    /// First disorder sample.
    pub first: u64,
    /// Samples in the unit (at least 1).
    pub count: u64,
}

impl Unit {
    /// One sample.
    pub fn sample(point: usize, sample: u64) -> Self {
        Self {
            point,
            first: sample,
            count: 1,
        }
    }

    /// The file stem naming this unit's checkpoint and result.
    pub fn stem(&self) -> String {
        format!("point-{:03}-first-{:06}", self.point, self.first)
    }

    /// The samples of the unit.
    pub fn samples(&self) -> std::ops::Range<u64> {
        self.first..self.first + self.count
    }
}

/// The fields every spec has, as a family's spec holds them.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// The file the spec came from.
    pub file: &'a str,
    /// Its text as run.
    pub source: &'a str,
    /// Experiment name.
    pub name: &'a str,
    /// Free text for the report.
    pub description: &'a str,
    /// Master seed.
    pub seed: u64,
    /// Seconds between checkpoints of a running unit.
    pub checkpoint_seconds: f64,
}

/// What one unit sees of the runner: its checkpoint (the running state,
/// saved atomically with a CRC-32, the run's fingerprint and the unit's
/// slot) and the progress counter.
pub struct UnitContext<'a> {
    pub(crate) path: PathBuf,
    pub(crate) binding: crate::checkpoint::Binding,
    pub(crate) progress: &'a AtomicU64,
    pub(crate) control: &'a crate::progress::Control,
    pub(crate) out: &'a Path,
    pub(crate) interval: f64,
    pub(crate) last_save: std::cell::Cell<Instant>,
}

impl UnitContext<'_> {
    /// The running state saved by an earlier session, if any.
    pub fn load<T: DeserializeOwned>(&self) -> Result<Option<T>, RunError> {
        crate::checkpoint::load(&self.path, &self.binding)
    }

    /// Whether the checkpoint interval has passed since the last save (or
    /// the unit's start), or a stop was requested
    /// ([`crate::progress::Control::request_stop`]).
    pub fn due(&self) -> bool {
        self.control.stop_requested()
            || self.last_save.get().elapsed().as_secs_f64() >= self.interval
    }

    /// Saves the running state now. When a stop was requested it returns
    /// [`RunError::Interrupted`] after saving, so that `?` ends the unit
    /// with its checkpoint intact.
    pub fn save<T: Serialize>(&self, state: &T) -> Result<(), RunError> {
        crate::checkpoint::save(&self.path, state, &self.binding)?;
        self.last_save.set(Instant::now());
        if self.control.stop_requested() {
            return Err(RunError::Interrupted {
                out: self.out.to_path_buf(),
            });
        }
        Ok(())
    }

    /// Counts `work` more steps done, for the progress bar.
    pub fn advance(&self, work: u64) {
        self.progress.fetch_add(work, Ordering::Relaxed);
    }

    /// The checkpoint file (for messages).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// What a run writes besides the Parquet tables: named files (`.npy`
/// arrays, say) as bytes.
#[derive(Default)]
pub struct Tables {
    /// `(file name, table)`, written as Parquet in this order.
    pub tables: Vec<(String, Table)>,
    /// `(relative path, bytes)`, written atomically after the tables.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Tables {
    /// Adds a table.
    pub fn table(&mut self, name: impl Into<String>, table: Table) {
        self.tables.push((name.into(), table));
    }
}

/// The report of a results directory as a family writes it: figures to
/// render and Markdown. The runner renders every figure as SVG and PNG and
/// writes `report.md`.
#[derive(Default)]
pub struct ReportBuilder {
    pub(crate) figures: Vec<(String, Figure)>,
    pub(crate) images: Vec<(String, crate::image::ImageGrid)>,
    /// The Markdown of `report.md`.
    pub markdown: String,
}

impl ReportBuilder {
    /// Adds a figure saved as `stem.svg` and `stem.png`.
    pub fn figure(&mut self, stem: impl Into<String>, figure: Figure) {
        self.figures.push((stem.into(), figure));
    }

    /// Adds a grid of images saved as `stem.svg` and `stem.png`.
    pub fn image(&mut self, stem: impl Into<String>, grid: crate::image::ImageGrid) {
        self.images.push((stem.into(), grid));
    }
}

/// Models and methods of a family, for `quench models`.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyInfo {
    /// The family's name.
    pub family: &'static str,
    /// What its experiments are.
    pub description: &'static str,
    /// The `[algorithm] method` values it runs.
    pub methods: Vec<MethodInfo>,
    /// The models it draws.
    pub models: Vec<ModelInfo>,
}

/// One method of a family.
#[derive(Debug, Clone, Serialize)]
pub struct MethodInfo {
    /// The value of `method = "..."`.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// One parameter of a model.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterInfo {
    /// Key in the `[model]` table.
    pub key: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// Allowed values.
    pub allowed: &'static str,
    /// Default, if the key may be left out.
    pub default: Option<&'static str>,
}

/// One model of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// The value of `model = "..."`.
    pub name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// What it is.
    pub description: &'static str,
    /// The Hamiltonian and normalisation.
    pub hamiltonian: &'static str,
    /// The size key a grid varies (`n`, or `length` on lattices).
    pub size_key: &'static str,
    /// Its parameters.
    pub parameters: Vec<ParameterInfo>,
}

impl ModelInfo {
    /// Whether `name` is this model's name or one of its aliases.
    pub fn accepts(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

/// One kind of experiment. See the module docs for the contract and how to
/// add one.
pub trait Family: Sync + 'static {
    /// A validated spec.
    type Spec: Send + Sync;
    /// The finished result of one unit, saved as it is and merged in plan order.
    type UnitResult: Serialize + DeserializeOwned + Send;

    /// The family's name, as `quench models` and manifests print it.
    fn name(&self) -> &'static str;

    /// Models, methods and parameters.
    fn describe(&self) -> FamilyInfo;

    /// Whether a spec (parsed as plain TOML) is this family's.
    fn claims(&self, document: &toml::Table) -> bool;

    /// Reads and validates a spec; nothing is started on an error.
    fn parse(&self, file: &str, source: &str) -> Result<Self::Spec, RunError>;

    /// The fields every spec has.
    fn header<'a>(&self, spec: &'a Self::Spec) -> Header<'a>;

    /// The memory the spec's run needs, from the spec alone (nothing is
    /// drawn or allocated): the runner refuses a run that cannot fit
    /// before it creates anything ([`crate::memory`]).
    fn memory(&self, spec: &Self::Spec) -> crate::memory::MemoryEstimate;

    /// The units of work, in the order their results are merged.
    fn plan(&self, spec: &Self::Spec) -> Vec<Unit>;

    /// Progress steps of one unit (rounds times samples, say).
    fn work(&self, spec: &Self::Spec, unit: &Unit) -> u64;

    /// Progress steps a unit's running checkpoint has done already.
    fn work_done(
        &self,
        _spec: &Self::Spec,
        _unit: &Unit,
        _context: &UnitContext<'_>,
    ) -> Result<u64, RunError> {
        Ok(0)
    }

    /// Runs one unit to its end, from its checkpoint if the context has one.
    fn run_unit(
        &self,
        spec: &Self::Spec,
        unit: &Unit,
        context: &UnitContext<'_>,
    ) -> Result<Self::UnitResult, RunError>;

    /// The tables of all units' results, given in plan order.
    fn tables(
        &self,
        spec: &Self::Spec,
        results: Vec<(Unit, Self::UnitResult)>,
    ) -> Result<Tables, RunError>;

    /// Figures and Markdown from the stored tables in `out`.
    fn report(
        &self,
        spec: &Self::Spec,
        out: &Path,
        report: &mut ReportBuilder,
    ) -> Result<(), RunError>;

    /// The quenched disorder of sample `sample` at grid point `point`,
    /// exactly as [`Family::run_unit`] draws it, as named arrays (for
    /// `quench draw` and the Python package). Refuse a point or sample
    /// outside the spec with [`crate::draw::check_point`] and
    /// [`crate::draw::check_sample`], whose messages name the parameter as
    /// `naming` says. The default: the family cannot draw samples.
    fn draw(
        &self,
        _spec: &Self::Spec,
        _point: usize,
        _sample: u64,
        _naming: crate::theory::Naming,
    ) -> Result<crate::draw::Drawn, RunError> {
        Err(RunError::Input(format!(
            "family {} cannot draw samples",
            self.name()
        )))
    }
}
