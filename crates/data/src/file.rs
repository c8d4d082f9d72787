//! One entry point for a data file of any format quench reads, chosen by
//! its extension.

use std::path::Path;

use crate::csv::{CsvOptions, LabelColumn, load_csv};
use crate::dataset::Dataset;
use crate::error::DataError;
use crate::idx::load_idx;
use crate::npy::load_npy;

/// Reads `path` by its extension: `.npy` ([`load_npy`]), `.csv`, `.txt`
/// or `.tsv` ([`load_csv`], tab-separated for `.tsv`, labels in the column
/// `label`), anything else as IDX ([`load_idx`], with the labels file
/// `labels`).
///
/// # Errors
///
/// The loader's own errors; [`DataError::InvalidParameter`] when `labels` is
/// given for a file that is not IDX (a CSV file carries its labels in a
/// column, a `.npy` array has none).
pub fn load_file(
    path: &Path,
    labels: Option<&Path>,
    label: LabelColumn,
) -> Result<Dataset, DataError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = matches!(extension.as_str(), "csv" | "txt" | "tsv");
    if labels.is_some() && (extension == "npy" || text) {
        return Err(DataError::InvalidParameter {
            parameter: "labels",
            value: format!("`{}` beside `{}`", labels.unwrap_or(path).display(), path.display()),
            requirement: "a labels file is for IDX data; a CSV file carries its labels in a column, a .npy array has none".into(),
        });
    }
    match extension.as_str() {
        "npy" => load_npy(path),
        _ if text => load_csv(
            path,
            CsvOptions {
                label,
                delimiter: if extension == "tsv" { b'\t' } else { b',' },
                ..CsvOptions::default()
            },
        ),
        _ => load_idx(path, labels),
    }
}
