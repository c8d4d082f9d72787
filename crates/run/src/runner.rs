//! The runner: spec -> family -> plan of units -> results directory, for
//! every family alike.
//!
//! The work of a run is its family's *plan*: units of work ([`Unit`]), a
//! pure function of the spec. Units run in parallel with rayon, each from
//! its own random streams, saving its running state to
//! `checkpoints/point-P-first-S.ckpt` every `checkpoint_seconds` and its
//! finished result to `units/point-P-first-S.unit` (both atomic, with a
//! CRC-32 and the run's fingerprint). A resumed run loads finished units
//! and continues running ones from their last state, so results depend
//! neither on the number of threads nor on where the run was interrupted.
//!
//! **Plan, execute, merge.** A run can be cut into shards ([`Shard`]: unit
//! `i` of the plan belongs to shard `i mod count`), each run by its own
//! process (`quench run --shard K/N`), anywhere. A finished shard keeps its
//! units' results in `units/` with `spec.toml` and `shard.json`; [`merge`]
//! collects them and writes the tables, figures and report, bit for bit
//! those of a run done whole in one process.
//!
//! A results directory in progress holds `checkpoints/` (with `spec.toml`,
//! the spec as started, and `session.json`) and `units/`; a finished one
//! holds the tables, figures, `report.md` and, written last,
//! `manifest.json`.

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::atomic::write_atomically;
use crate::checkpoint::{self, Binding, Stage};
use crate::directory::Preparation;
use crate::error::RunError;
use crate::family::{Family, ReportBuilder, Unit, UnitContext, registry};
use crate::manifest::Manifest;
use crate::progress::{Control, Progress, ProgressMode};

/// Options of `quench run`.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The results directory.
    pub out: PathBuf,
    /// Worker threads (`None`: all logical CPUs).
    pub threads: Option<usize>,
    /// Continue the run in `out` if there is one.
    pub resume: bool,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// Run only this shard of the plan (`None`: all of it).
    pub shard: Option<Shard>,
    /// Progress counters and the stop request, shared with the caller.
    pub control: Arc<Control>,
}

impl RunOptions {
    /// Options for a whole run into `out` on all CPUs, silent.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            out: out.into(),
            threads: None,
            resume: false,
            progress: ProgressMode::Silent,
            shard: None,
            control: Control::new(),
        }
    }
}

/// One of `count` shards of a plan: the units whose position in the plan
/// is `index` modulo `count` (round robin, so that every shard gets units
/// of every size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: usize,
    /// How many shards.
    pub count: usize,
}

impl Shard {
    /// Reads `K/N` (shard `K` of `N`, `0 <= K < N`).
    pub fn parse(text: &str) -> Result<Self, RunError> {
        let bad = || {
            RunError::Input(format!(
                "--shard {text:?}: expected K/N with 0 <= K < N, e.g. 0/4"
            ))
        };
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            index.trim().parse().map_err(|_| bad())?,
            count.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// Whether the unit at `position` in the plan is this shard's.
    pub fn holds(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

/// The units of a spec, as `quench plan` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The family that runs the spec.
    pub family: &'static str,
    /// The experiment's name.
    pub name: String,
    /// The units in merge order.
    pub units: Vec<Unit>,
    /// Progress steps of each unit (rounds times samples, or 1), a measure of its cost.
    pub work: Vec<u64>,
}

/// What `run` did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The results directory.
    pub out: PathBuf,
    /// Its manifest (for a shard, what it ran: see [`ShardRecord`]).
    pub manifest: Manifest,
    /// The directory already held a finished run; nothing was computed.
    pub already_complete: bool,
    /// The shard run, when only a shard was.
    pub shard: Option<Shard>,
}

/// `shard.json` of a finished shard, written last.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord {
    /// The shard.
    pub shard: Shard,
    /// The spec as run.
    pub spec: String,
    /// The units it ran, in plan order.
    pub units: Vec<Unit>,
}

/// The directory of checkpoints (running states) inside a results directory.
pub fn checkpoint_directory(out: &Path) -> PathBuf {
    out.join("checkpoints")
}

/// The directory of finished units' results inside a results directory.
pub fn unit_directory(out: &Path) -> PathBuf {
    out.join("units")
}

/// A spec's text and the name its errors give it (a file's path, or a
/// label such as `<string>` for a spec given as text).
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// The name in messages.
    pub file: String,
    /// The TOML text.
    pub text: String,
}

impl SpecSource {
    /// Reads the spec file at `path` ([`read_spec`]).
    pub fn read(path: &Path) -> Result<Self, RunError> {
        Ok(Self {
            file: path.display().to_string(),
            text: read_spec(path)?,
        })
    }

    /// A spec given as text, named `file` in messages.
    pub fn text(file: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            text: text.into(),
        }
    }
}

/// The spec given, or the copy a run in `options.out` started with, or
/// both (they must agree).
fn resolve_source(given: Option<SpecSource>, options: &RunOptions) -> Result<SpecSource, RunError> {
    let stored_path = checkpoint_directory(&options.out).join("spec.toml");
    let stored = if options.resume && stored_path.exists() {
        Some(fs::read_to_string(&stored_path).map_err(RunError::io(&stored_path))?)
    } else {
        None
    };
    match (given, stored) {
        (Some(given), stored) => {
            if let Some(stored) = stored
                && stored != given.text
            {
                return Err(RunError::Input(format!(
                    "{} differs from the spec the run in {} started with ({}); resume without a spec file, or choose another --out",
                    given.file,
                    options.out.display(),
                    stored_path.display()
                )));
            }
            Ok(given)
        }
        (None, Some(stored)) => Ok(SpecSource::text(stored_path.display().to_string(), stored)),
        (None, None) => {
            // A finished run keeps its spec beside its manifest.
            let finished = options.out.join("spec.toml");
            if options.resume
                && finished.exists()
                && (options.out.join("manifest.json").exists()
                    || options.out.join("shard.json").exists())
            {
                let source = fs::read_to_string(&finished).map_err(RunError::io(&finished))?;
                return Ok(SpecSource::text(finished.display().to_string(), source));
            }
            Err(RunError::Input(format!(
                "no spec file given and no run to resume in {}: it holds neither checkpoints/spec.toml (a run in progress) nor manifest.json and spec.toml (a finished run); give the spec file",
                options.out.display()
            )))
        }
    }
}

/// Reads a spec file as text: a missing file, a directory, or bytes that are
/// not UTF-8 (with the line and column of the first bad byte) are bad input.
pub fn read_spec(path: &Path) -> Result<String, RunError> {
    if path.is_dir() {
        return Err(RunError::Input(format!(
            "{} is a directory; give a spec file (a .toml file such as experiments/sk-transition.toml)",
            path.display()
        )));
    }
    let bytes = fs::read(path)
        .map_err(|e| RunError::Input(format!("cannot read spec file {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + valid.iter().rev().take_while(|&&b| b != b'\n').count();
        RunError::Spec(crate::error::SpecError {
            file: path.display().to_string(),
            line,
            key: None,
            message: format!("byte {column} of this line is not UTF-8 text"),
            allowed: Some("a TOML file in UTF-8".into()),
        })
    })
}

/// Runs (or resumes) the experiment, writing the results directory
/// `options.out` (or, with `options.shard`, the shard's units).
pub fn run(spec_path: Option<&Path>, options: &RunOptions) -> Result<RunOutcome, RunError> {
    run_source(spec_path.map(SpecSource::read).transpose()?, options)
}

/// [`run`] for a spec given as text (or `None`: the one a run in
/// `options.out` started with).
pub fn run_source(spec: Option<SpecSource>, options: &RunOptions) -> Result<RunOutcome, RunError> {
    let spec = resolve_source(spec, options)?;
    registry::claiming(&spec.text).run(&spec.file, &spec.text, options)
}

/// Validates a spec file; returns the experiment's name.
pub fn validate(spec_path: &Path) -> Result<String, RunError> {
    validate_source(&SpecSource::read(spec_path)?)
}

/// Validates a spec; returns the experiment's name.
pub fn validate_source(spec: &SpecSource) -> Result<String, RunError> {
    registry::claiming(&spec.text).validate(&spec.file, &spec.text)
}

/// The plan of a spec file.
pub fn plan_file(spec_path: &Path) -> Result<Plan, RunError> {
    plan_source(&SpecSource::read(spec_path)?)
}

/// The plan of a spec.
pub fn plan_source(spec: &SpecSource) -> Result<Plan, RunError> {
    registry::claiming(&spec.text).plan(&spec.file, &spec.text)
}

/// Merges finished shards of one spec into the results directory `out`
/// (which must not exist): tables, figures, report and manifest, as a
/// whole run writes them.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<RunOutcome, RunError> {
    let first = shards
        .first()
        .ok_or_else(|| RunError::Input("give at least one shard directory".into()))?;
    let path = first.join("spec.toml");
    if !first.join("shard.json").exists() {
        return Err(RunError::Input(format!(
            "{} is not a finished shard (no shard.json); run it to the end with `quench run --shard K/N --resume`",
            first.display()
        )));
    }
    let source = fs::read_to_string(&path).map_err(RunError::io(&path))?;
    registry::claiming(&source).merge(&path.display().to_string(), &source, shards, out)
}

/// Draws the figures and writes `report.md` for the finished run in `out`
/// from its stored tables; returns the file names.
pub fn write_report(out: &Path) -> Result<Vec<String>, RunError> {
    let path = out.join("spec.toml");
    if !path.exists() {
        return Err(RunError::Input(format!(
            "{} is not a finished quench results directory (no spec.toml)",
            out.display()
        )));
    }
    let source = fs::read_to_string(&path).map_err(RunError::io(&path))?;
    registry::claiming(&source).report(&path.display().to_string(), &source, out)
}

/// The plan of a validated spec (refused, like the run, if the run could
/// not fit in memory: a plan of too many units would not either).
pub fn plan<F: Family>(family: &F, spec: &F::Spec) -> Result<Plan, RunError> {
    crate::memory::check(&family.memory(spec), 1)?;
    let units = family.plan(spec);
    Ok(Plan {
        family: family.name(),
        name: family.header(spec).name.to_string(),
        work: units.iter().map(|u| family.work(spec, u)).collect(),
        units,
    })
}

/// Runs (or resumes) `spec` of `family` into `options.out`.
pub fn run_family<F: Family>(
    family: &F,
    spec: &F::Spec,
    options: &RunOptions,
) -> Result<RunOutcome, RunError> {
    let header = family.header(spec);
    let threads = options.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    crate::memory::check(&family.memory(spec), threads.max(1))?;
    let workspace = match crate::directory::prepare(header.source, options)? {
        Preparation::Finished(outcome) => return Ok(*outcome),
        Preparation::Ready(workspace) => workspace,
    };
    let binding = |stage, unit: &Unit| Binding::new(header.source, family.name(), stage, *unit);
    let units: Vec<Unit> = family
        .plan(spec)
        .into_iter()
        .enumerate()
        .filter(|(position, _)| options.shard.is_none_or(|s| s.holds(*position)))
        .map(|(_, unit)| unit)
        .collect();
    let unit_path = |unit: &Unit| {
        workspace
            .units
            .join(format!("{}.{UNIT_EXTENSION}", unit.stem()))
    };
    let counter = AtomicU64::new(0);
    let context = |unit: &Unit, progress| UnitContext {
        path: workspace
            .checkpoints
            .join(format!("{}.{RUNNING_EXTENSION}", unit.stem())),
        binding: binding(Stage::Running, unit),
        progress,
        control: &options.control,
        out: &workspace.out,
        interval: header.checkpoint_seconds,
        last_save: Cell::new(Instant::now()),
    };
    let (mut total, mut already) = (0, 0);
    for unit in &units {
        let work = family.work(spec, unit);
        total += work;
        already += if unit_path(unit).exists() {
            work
        } else {
            family.work_done(spec, unit, &context(unit, &counter))?
        };
    }
    let progress = Progress::start(
        options.progress,
        header.name.to_string(),
        total,
        already,
        options.control.clone(),
        workspace.session_ticker(),
    );
    let results: Result<Vec<(Unit, F::UnitResult)>, RunError> = workspace.pool.install(|| {
        units
            .par_iter()
            .map(|unit| {
                let done = unit_path(unit);
                let finished = binding(Stage::Finished, unit);
                if let Some(result) = checkpoint::load(&done, &finished)? {
                    return Ok((*unit, result));
                }
                if options.control.stop_requested() {
                    return Err(RunError::Interrupted {
                        out: workspace.out.clone(),
                    });
                }
                let context = context(unit, progress.counter());
                let result = family.run_unit(spec, unit, &context)?;
                checkpoint::save(&done, &result, &finished)?;
                match fs::remove_file(&context.path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(RunError::io(&context.path)(e));
                    }
                    _ => {}
                }
                Ok((*unit, result))
            })
            .collect()
    });
    progress.finish();
    let results = results?;
    if let Some(shard) = options.shard {
        let record = ShardRecord {
            shard,
            spec: header.source.to_string(),
            units: results.iter().map(|(unit, _)| *unit).collect(),
        };
        return workspace.finish_shard(&header, &record);
    }
    let files = write_outputs(family, spec, results, &workspace.out)?;
    workspace.finish(&header, files)
}

/// Merges the finished shards `shards` of `spec` into `out`.
pub fn merge_family<F: Family>(
    family: &F,
    spec: &F::Spec,
    shards: &[PathBuf],
    out: &Path,
) -> Result<RunOutcome, RunError> {
    let header = family.header(spec);
    crate::memory::check(&family.memory(spec), 1)?;
    for shard in shards {
        let path = shard.join("shard.json");
        let record: ShardRecord = fs::read(&path)
            .map_err(|e| {
                RunError::Input(format!(
                    "{} is not a finished shard ({}: {e}); run it to the end with `quench run --shard K/N --resume`",
                    shard.display(),
                    path.display()
                ))
            })
            .and_then(|bytes| {
                serde_json::from_slice(&bytes)
                    .map_err(|e| RunError::Input(format!("{}: {e}", path.display())))
            })?;
        if record.spec != header.source {
            return Err(RunError::Input(format!(
                "{} ran a different spec than {}; merge only shards of one spec",
                shard.display(),
                shards[0].display()
            )));
        }
    }
    let mut results = Vec::new();
    for unit in family.plan(spec) {
        let name = format!("{}.{UNIT_EXTENSION}", unit.stem());
        let found = shards
            .iter()
            .map(|shard| unit_directory(shard).join(&name))
            .find(|path| path.exists())
            .ok_or_else(|| {
                RunError::Input(format!(
                    "no shard holds unit {name} (point {}, samples {}..{}); run the missing shard",
                    unit.point,
                    unit.first,
                    unit.first + unit.count
                ))
            })?;
        let binding = Binding::new(header.source, family.name(), Stage::Finished, unit);
        let result = checkpoint::load(&found, &binding)?.ok_or_else(|| {
            RunError::Input(format!("{} vanished while merging", found.display()))
        })?;
        results.push((unit, result));
    }
    let options = RunOptions::new(out);
    let workspace = match crate::directory::prepare(header.source, &options)? {
        Preparation::Finished(outcome) => return Ok(*outcome),
        Preparation::Ready(workspace) => workspace,
    };
    let files = write_outputs(family, spec, results, out)?;
    workspace.finish(&header, files)
}

/// Re-draws the figures and `report.md` of `spec`'s finished run in `out`.
pub fn report_family<F: Family>(
    family: &F,
    spec: &F::Spec,
    out: &Path,
) -> Result<Vec<String>, RunError> {
    let mut report = ReportBuilder::default();
    family.report(spec, out, &mut report)?;
    let mut files = Vec::new();
    for (stem, figure) in &report.figures {
        files.extend(crate::figure::write_figure(out, stem, figure)?);
    }
    for (stem, grid) in &report.images {
        files.extend(crate::image::write_image_grid(out, stem, grid)?);
    }
    write_atomically(&out.join("report.md"), report.markdown.as_bytes())?;
    files.push("report.md".into());
    Ok(files)
}

/// Writes `spec.toml`, the tables, the family's other files and the report.
fn write_outputs<F: Family>(
    family: &F,
    spec: &F::Spec,
    results: Vec<(Unit, F::UnitResult)>,
    out: &Path,
) -> Result<Vec<String>, RunError> {
    let header = family.header(spec);
    write_atomically(&out.join("spec.toml"), header.source.as_bytes())?;
    let mut files = vec!["spec.toml".to_string()];
    let outputs = family.tables(spec, results)?;
    for (name, table) in &outputs.tables {
        table.write(&out.join(name))?;
        files.push(name.clone());
    }
    for (name, bytes) in &outputs.files {
        let path = out.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(RunError::io(parent))?;
        }
        write_atomically(&path, bytes)?;
        files.push(name.clone());
    }
    files.extend(report_family(family, spec, out)?);
    Ok(files)
}

/// Extension of a finished unit's result file.
pub const UNIT_EXTENSION: &str = "unit";
/// Extension of a running unit's checkpoint.
pub const RUNNING_EXTENSION: &str = "ckpt";
