//! Temporary files for the loader tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file under `std::env::temp_dir()` with a unique name, removed on drop.
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// Writes `bytes` to a fresh file whose name ends with `suffix`.
    pub fn with_bytes(suffix: &str, bytes: &[u8]) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "quench-data-test-{}-{unique}-{suffix}",
            std::process::id()
        ));
        std::fs::write(&path, bytes).expect("cannot write a temporary file");
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as it appears in messages.
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
