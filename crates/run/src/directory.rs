//! The life of a results directory, shared by every family: refuse or
//! resume an existing one, hold `checkpoints/` (with the spec as started and
//! the session record) and `units/` while working, and finish with
//! `manifest.json`, written last, and both removed; or, for a shard, with
//! `units/` kept beside `spec.toml` and `shard.json`, written last.

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use crate::atomic::{remove_partial_files, write_atomically};
use crate::error::RunError;
use crate::family::Header;
use crate::manifest::{self, Manifest, Session};
use crate::runner::{RunOptions, RunOutcome, ShardRecord, checkpoint_directory, unit_directory};

/// A results directory ready for work.
pub(crate) struct Workspace {
    /// The results directory.
    pub out: PathBuf,
    /// Its `checkpoints/`.
    pub checkpoints: PathBuf,
    /// Its `units/`.
    pub units: PathBuf,
    /// The worker threads.
    pub pool: rayon::ThreadPool,
    session_path: PathBuf,
    /// The advisory lock on `checkpoints/lock`, held while working.
    _lock: fs::File,
    previous: Session,
    start: Instant,
    cpu_start: f64,
}

/// What [`prepare`] found.
pub(crate) enum Preparation {
    /// The directory holds a finished run of the same spec: nothing to do.
    Finished(Box<RunOutcome>),
    /// Work can start (or continue).
    Ready(Workspace),
}

/// Checks `options.out` for a run of the spec `source` and prepares it: a
/// new directory, or with `--resume` the one a run left.
pub(crate) fn prepare(source: &str, options: &RunOptions) -> Result<Preparation, RunError> {
    let out = &options.out;
    let checkpoints = checkpoint_directory(out);
    let manifest_path = out.join("manifest.json");
    let shard_path = out.join("shard.json");
    if out.exists() {
        if !options.resume {
            return Err(RunError::Input(format!(
                "{} already exists; pass --resume to continue or re-use it, or choose another --out",
                out.display()
            )));
        }
        if manifest_path.exists() && !checkpoints.exists() {
            let manifest: Manifest = serde_json::from_slice(
                &fs::read(&manifest_path).map_err(RunError::io(&manifest_path))?,
            )
            .map_err(|e| RunError::Input(format!("{}: {e}", manifest_path.display())))?;
            if manifest.spec != source {
                return Err(RunError::Input(format!(
                    "{} holds a finished run of a different spec; choose another --out",
                    out.display()
                )));
            }
            return Ok(Preparation::Finished(Box::new(RunOutcome {
                out: out.clone(),
                manifest,
                already_complete: true,
                shard: None,
            })));
        }
        if shard_path.exists() && !checkpoints.exists() {
            let record: ShardRecord =
                serde_json::from_slice(&fs::read(&shard_path).map_err(RunError::io(&shard_path))?)
                    .map_err(|e| RunError::Input(format!("{}: {e}", shard_path.display())))?;
            if record.spec != source || Some(record.shard) != options.shard {
                return Err(RunError::Input(format!(
                    "{} holds a finished shard of another spec or shard; choose another --out",
                    out.display()
                )));
            }
            let manifest_path = out.join("shard-manifest.json");
            let manifest: Manifest = serde_json::from_slice(
                &fs::read(&manifest_path).map_err(RunError::io(&manifest_path))?,
            )
            .map_err(|e| RunError::Input(format!("{}: {e}", manifest_path.display())))?;
            return Ok(Preparation::Finished(Box::new(RunOutcome {
                out: out.clone(),
                manifest,
                already_complete: true,
                shard: Some(record.shard),
            })));
        }
    }
    if out.exists() && !checkpoints.exists() {
        // With --resume: a directory that is neither a run in progress nor
        // a finished one (handled above) must be empty, or it is the user's.
        let mut entries = fs::read_dir(out).map_err(RunError::io(out))?;
        if entries.next().is_some() {
            return Err(RunError::Input(format!(
                "{} is not a quench results directory (no checkpoints/, manifest.json or shard.json) and is not empty; --resume continues only a quench run: choose another --out",
                out.display()
            )));
        }
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        if threads == 0 {
            return Err(RunError::Input("--threads must be at least 1".into()));
        }
        builder = builder.num_threads(threads);
    }
    let pool = builder
        .build()
        .map_err(|e| RunError::Threads(e.to_string()))?;
    fs::create_dir_all(&checkpoints).map_err(RunError::io(&checkpoints))?;
    let lock = lock(out, &checkpoints)?;
    let units = unit_directory(out);
    fs::create_dir_all(&units).map_err(RunError::io(&units))?;
    remove_partial_files(&checkpoints)?;
    remove_partial_files(&units)?;
    remove_partial_files(out)?;
    let spec_copy = checkpoints.join("spec.toml");
    if !spec_copy.exists() {
        write_atomically(&spec_copy, source.as_bytes())?;
    }
    let session_path = checkpoints.join("session.json");
    let previous = fs::read(&session_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Session {
            started_at: manifest::now(),
            wall_seconds: 0.0,
            cpu_seconds: 0.0,
            sessions: 0,
        });
    let workspace = Workspace {
        out: out.clone(),
        checkpoints,
        units,
        pool,
        session_path,
        _lock: lock,
        previous,
        start: Instant::now(),
        cpu_start: manifest::process_cpu_seconds(),
    };
    // Record this session at once: a process killed within the first tick still counts.
    workspace.record_session()?;
    Ok(Preparation::Ready(workspace))
}

impl Workspace {
    /// The sessions so far, this one included up to now.
    pub fn session(&self) -> Session {
        session_now(&self.previous, self.start, self.cpu_start)
    }

    /// A closure that writes the session record, for the progress thread's ticks.
    pub fn session_ticker(&self) -> impl Fn() + Send + 'static {
        let (previous, start, cpu_start) = (self.previous.clone(), self.start, self.cpu_start);
        let path = self.session_path.clone();
        move || {
            if let Ok(bytes) = serde_json::to_vec_pretty(&session_now(&previous, start, cpu_start))
            {
                let _ = write_atomically(&path, &bytes);
            }
        }
    }

    /// Writes the session record to `checkpoints/session.json`.
    pub fn record_session(&self) -> Result<(), RunError> {
        write_atomically(&self.session_path, &pretty_json(&self.session())?)
    }

    fn manifest(&self, header: &Header<'_>, files: Vec<String>) -> Result<Manifest, RunError> {
        Ok(Manifest {
            name: header.name.to_string(),
            spec_file: header.file.to_string(),
            spec: header.source.to_string(),
            spec_parsed: toml::from_str::<serde_json::Value>(header.source)
                .map_err(|e| RunError::Encoding(format!("spec to JSON: {e}")))?,
            quench_version: env!("CARGO_PKG_VERSION").to_string(),
            git_revision: manifest::git_revision(),
            seed: header.seed,
            threads: self.pool.current_num_threads(),
            finished_at: manifest::now(),
            session: self.session(),
            machine: manifest::machine(),
            files,
        })
    }

    /// Writes `manifest.json` (last, so its presence means the run finished)
    /// and removes the checkpoints and unit results.
    pub fn finish(self, header: &Header<'_>, files: Vec<String>) -> Result<RunOutcome, RunError> {
        let manifest = self.manifest(header, files)?;
        write_atomically(&self.out.join("manifest.json"), &pretty_json(&manifest)?)?;
        fs::remove_dir_all(&self.checkpoints).map_err(RunError::io(&self.checkpoints))?;
        fs::remove_dir_all(&self.units).map_err(RunError::io(&self.units))?;
        Ok(RunOutcome {
            out: self.out,
            manifest,
            already_complete: false,
            shard: None,
        })
    }

    /// Finishes a shard: `spec.toml`, `shard-manifest.json` (what ran, where
    /// and for how long) and, last, `shard.json`; the checkpoints are removed
    /// and the units' results kept in `units/` for [`crate::runner::merge`].
    pub fn finish_shard(
        self,
        header: &Header<'_>,
        record: &ShardRecord,
    ) -> Result<RunOutcome, RunError> {
        write_atomically(&self.out.join("spec.toml"), header.source.as_bytes())?;
        let manifest = self.manifest(header, vec!["spec.toml".into(), "units/".into()])?;
        write_atomically(
            &self.out.join("shard-manifest.json"),
            &pretty_json(&manifest)?,
        )?;
        fs::remove_dir_all(&self.checkpoints).map_err(RunError::io(&self.checkpoints))?;
        write_atomically(&self.out.join("shard.json"), &pretty_json(record)?)?;
        Ok(RunOutcome {
            out: self.out,
            manifest,
            already_complete: false,
            shard: Some(record.shard),
        })
    }
}

/// Takes the advisory lock of the run in `out`: one process at a time works
/// in a results directory; a second is refused at once with a message.
fn lock(out: &std::path::Path, checkpoints: &std::path::Path) -> Result<fs::File, RunError> {
    let path = checkpoints.join("lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(RunError::io(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(RunError::Input(format!(
            "another quench process is working in {} (it holds {}); wait for it to finish, or choose another --out",
            out.display(),
            path.display()
        ))),
        Err(fs::TryLockError::Error(source)) => Err(RunError::Io { path, source }),
    }
}

fn pretty_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, RunError> {
    serde_json::to_vec_pretty(value).map_err(|e| RunError::Encoding(e.to_string()))
}

fn session_now(previous: &Session, start: Instant, cpu_start: f64) -> Session {
    Session {
        started_at: previous.started_at.clone(),
        wall_seconds: previous.wall_seconds + start.elapsed().as_secs_f64(),
        cpu_seconds: previous.cpu_seconds + (manifest::process_cpu_seconds() - cpu_start),
        sessions: previous.sessions + 1,
    }
}
