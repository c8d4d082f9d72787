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
    /// The samplers or the model failed while running.
    #[error("{0}")]
    Sampler(String),
}

impl RunError {
    /// Whether the error is the user's input (exit status 2) rather than a failure (1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            RunError::Spec(_) | RunError::Input(_) | RunError::Checkpoint { .. }
        )
    }

    /// The process exit status for this error: 2 for bad input, 1 otherwise.
    pub fn exit_status(&self) -> i32 {
        if self.is_bad_input() { 2 } else { 1 }
    }

    /// Maps an I/O error on `path` to [`RunError::Io`] naming it.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> RunError {
        let path = path.into();
        move |source| RunError::Io { path, source }
    }
}

impl From<quench_mc::SamplerError> for RunError {
    fn from(error: quench_mc::SamplerError) -> Self {
        RunError::Sampler(error.to_string())
    }
}

impl From<quench_core::ModelError> for RunError {
    fn from(error: quench_core::ModelError) -> Self {
        RunError::Sampler(error.to_string())
    }
}
