//! Errors of the runner: bad input (exit status 2) or failures while running (exit status 1).

use std::path::PathBuf;

/// A problem with a spec file, located by file, line and key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {location}{message}{allowed}", location = self.key.as_ref().map(|k| format!("key `{k}`: ")).unwrap_or_default(), allowed = self.allowed.as_ref().map(|a| format!("; allowed: {a}")).unwrap_or_default())]
pub struct SpecError {
    /// The spec file.
    pub file: String,
    /// 1-based line of the offending key or value (the file's first line when no key applies).
    pub line: usize,
    /// Dotted key path, e.g. `algorithm.replicas` or `grid.n[2]`.
    pub key: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What would be accepted instead.
    pub allowed: Option<String>,
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The spec file is invalid (nothing was started).
    #[error("{0}")]
    Spec(#[from] SpecError),
    /// A command-line value or the state of the output directory is unusable (nothing was started).
    #[error("{0}")]
    Input(String),
    /// A checkpoint failed its integrity check or belongs to another run.
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A table could not be written or read.
    #[error("table {path}: {reason}")]
    Table {
        /// The table file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A figure could not be drawn.
    #[error("figure {path}: {reason}")]
    Figure {
        /// The figure file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A Monte Carlo sampler failed.
    #[error("{0}")]
    Sampler(#[from] quench_mc::SamplerError),
    /// A model could not be drawn.
    #[error("{0}")]
    Model(#[from] quench_core::ModelError),
    /// A learning experiment failed.
    #[error("{0}")]
    Learning(#[from] quench_learn::LearnError),
    /// A theory solver failed on what a run asked of it.
    #[error("{what}: {source}")]
    Theory {
        /// What was being solved.
        what: &'static str,
        /// The solver's error.
        source: quench_theory::TheoryError,
    },
    /// An exact solution failed on what a run asked of it.
    #[error("{what}: {source}")]
    Exact {
        /// What was being computed.
        what: &'static str,
        /// The error.
        source: quench_exact::kaufman::KaufmanError,
    },
    /// Worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// A result could not be encoded (JSON, MessagePack).
    #[error("cannot encode a result: {0}")]
    Encoding(String),
    /// The run was asked to stop ([`crate::progress::Control::request_stop`])
    /// and did, its running units saved: the directory resumes.
    #[error(
        "interrupted: the run in {} stopped with its checkpoints saved; `quench run --resume --out {}` continues it",
        out.display(),
        out.display()
    )]
    Interrupted {
        /// The results directory.
        out: PathBuf,
    },
}

impl RunError {
    /// Whether the error is the user's input (exit status 2) rather than a failure (1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            RunError::Spec(_) | RunError::Input(_) | RunError::Checkpoint { .. }
        )
    }

    /// The process exit status for this error: 2 for bad input, 130 for an
    /// interrupted run (as after SIGINT), 1 otherwise.
    pub fn exit_status(&self) -> i32 {
        match self {
            RunError::Interrupted { .. } => 130,
            _ if self.is_bad_input() => 2,
            _ => 1,
        }
    }

    /// Maps an I/O error on `path` to [`RunError::Io`] naming it.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> RunError {
        let path = path.into();
        move |source| RunError::Io { path, source }
    }
}

impl RunError {
    /// Maps a theory error met while solving `what`.
    pub fn theory(what: &'static str) -> impl FnOnce(quench_theory::TheoryError) -> RunError {
        move |source| RunError::Theory { what, source }
    }

    /// Maps an exact-solution error met while computing `what`.
    pub fn exact(
        what: &'static str,
    ) -> impl FnOnce(quench_exact::kaufman::KaufmanError) -> RunError {
        move |source| RunError::Exact { what, source }
    }
}
