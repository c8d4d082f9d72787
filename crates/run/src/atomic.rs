//! Atomic file writes: a reader (or a resumed run) sees the old file or the new one, never half of one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::RunError;

/// The temporary name a file is written under before it is renamed into place.
fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `bytes` to `path` through a temporary file in the same directory,
/// synchronised to disk and renamed over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RunError> {
    let temporary = temporary_path(path);
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(directory) = File::open(parent)
        {
            // Persist the rename itself; not every platform can sync a directory.
            let _ = directory.sync_all();
        }
        Ok(())
    })();
    result.map_err(|source: std::io::Error| {
        let _ = fs::remove_file(&temporary);
        RunError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Removes temporaries left in `directory` by an interrupted process.
pub fn remove_partial_files(directory: &Path) -> Result<(), RunError> {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(RunError::Io {
                path: directory.to_path_buf(),
                source,
            });
        }
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().contains(".partial-") {
            fs::remove_file(entry.path()).map_err(RunError::io(entry.path()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let directory = std::env::temp_dir().join(format!("quench-atomic-{}", std::process::id()));
        fs::create_dir_all(&directory).unwrap();
        let path = directory.join("table.bin");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(&directory)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1);
        fs::remove_dir_all(&directory).unwrap();
    }
}
