//! Runs through the seam: a spec of any family, run on a Rust thread that
//! Python watches (progress) and can stop (Ctrl-C); plans, merges, reports,
//! the registry's models, and the stored tables read back as arrays.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use quench_run::draw::DrawnArray;
use quench_run::progress::Control;
use quench_run::runner::{self, Shard, SpecSource};
use quench_run::table::{Column, Table};
use quench_run::{ProgressMode, RunError, RunOptions, RunOutcome};

use crate::{arrays, errors};

/// The outcome of a finished run, as the dictionary `quench.Result` is built from.
fn outcome_dict<'py>(py: Python<'py>, outcome: &RunOutcome) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("out", outcome.out.clone())?;
    dict.set_item("already_complete", outcome.already_complete)?;
    dict.set_item("shard", outcome.shard.map(|s| (s.index, s.count)))?;
    let manifest = serde_json::to_string(&outcome.manifest)
        .map_err(|e| errors::failure(py, format!("manifest to JSON: {e}")))?;
    dict.set_item("manifest_json", manifest)?;
    Ok(dict)
}

/// What the run thread leaves behind.
type Finished = Option<Result<RunOutcome, RunError>>;

/// A run on its own thread: `quench.run` polls it and stops it on Ctrl-C.
#[pyclass(module = "quench._quench", frozen)]
pub struct Job {
    control: Arc<Control>,
    finished: Arc<(Mutex<Finished>, Condvar)>,
}

#[pymethods]
impl Job {
    /// Starts running a spec (`text` named `file` in messages; no text:
    /// resume the run in `out` from its own copy of the spec).
    #[staticmethod]
    #[pyo3(signature = (text, file, out, threads=None, resume=false, shard=None))]
    fn start(
        py: Python<'_>,
        text: Option<String>,
        file: String,
        out: PathBuf,
        threads: Option<usize>,
        resume: bool,
        shard: Option<String>,
    ) -> PyResult<Self> {
        let control = Control::new();
        let finished = Arc::new((Mutex::new(None), Condvar::new()));
        let options = RunOptions {
            threads,
            resume,
            progress: ProgressMode::Silent,
            control: control.clone(),
            ..RunOptions::new(out)
        };
        let done = finished.clone();
        std::thread::Builder::new()
            .name("quench-run".into())
            .spawn(move || {
                let result = shard
                    .as_deref()
                    .map(Shard::parse)
                    .transpose()
                    .and_then(|shard| {
                        let options = RunOptions { shard, ..options };
                        runner::run_source(text.map(|t| SpecSource::text(file, t)), &options)
                    });
                let (slot, signal) = &*done;
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
                signal.notify_all();
            })
            .map_err(|e| errors::failure(py, format!("cannot start the run: {e}")))?;
        Ok(Self { control, finished })
    }

    /// Waits up to `timeout` seconds (forever with `None`) with the GIL
    /// released; whether the run has ended.
    #[pyo3(signature = (timeout=None))]
    fn wait(&self, py: Python<'_>, timeout: Option<f64>) -> bool {
        let finished = self.finished.clone();
        py.detach(move || {
            let (slot, signal) = &*finished;
            let guard = slot.lock().unwrap_or_else(PoisonError::into_inner);
            match timeout {
                None => signal
                    .wait_while(guard, |f| f.is_none())
                    .unwrap_or_else(PoisonError::into_inner)
                    .is_some(),
                Some(seconds) => signal
                    .wait_timeout_while(guard, Duration::from_secs_f64(seconds.max(0.0)), |f| {
                        f.is_none()
                    })
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
                    .is_some(),
            }
        })
    }

    /// `(done, total)` progress steps; `(0, 0)` until the run has planned.
    fn progress(&self) -> (u64, u64) {
        self.control.progress()
    }

    /// Asks the run to stop: running units save their checkpoints and end.
    fn stop(&self) {
        self.control.request_stop();
    }

    /// The outcome (a dict) once the run has ended, or its error raised.
    fn result<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (slot, _) = &*self.finished;
        let result = slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| {
                errors::failure(py, "the run has not ended (or its result was taken)")
            })?;
        match result {
            Ok(outcome) => outcome_dict(py, &outcome),
            Err(error) => Err(errors::run_error(py, error)),
        }
    }
}

/// Validates a spec; returns the experiment's name.
#[pyfunction]
fn validate(py: Python<'_>, text: String, file: String) -> PyResult<String> {
    runner::validate_source(&SpecSource::text(file, text)).map_err(|e| errors::run_error(py, e))
}

/// The plan of a spec as JSON (`quench plan --json`, without the version).
#[pyfunction]
fn plan(py: Python<'_>, text: String, file: String) -> PyResult<String> {
    let plan = py
        .detach(|| runner::plan_source(&SpecSource::text(file, text)))
        .map_err(|e| errors::run_error(py, e))?;
    serde_json::to_string(&plan).map_err(|e| errors::failure(py, e.to_string()))
}

/// Merges finished shards into `out`.
#[pyfunction]
fn merge<'py>(py: Python<'py>, shards: Vec<PathBuf>, out: PathBuf) -> PyResult<Bound<'py, PyDict>> {
    let outcome = py
        .detach(|| runner::merge(&shards, &out))
        .map_err(|e| errors::run_error(py, e))?;
    outcome_dict(py, &outcome)
}

/// Re-draws the figures and report of a finished run; the files written.
#[pyfunction]
fn report(py: Python<'_>, directory: PathBuf) -> PyResult<Vec<String>> {
    py.detach(|| quench_run::write_report(&directory))
        .map_err(|e| errors::run_error(py, e))
}

/// Every family's models and methods, as JSON (`quench models --json`).
#[pyfunction]
fn models(py: Python<'_>) -> PyResult<String> {
    let families: Vec<_> = quench_run::family::registry::FAMILIES
        .iter()
        .map(|f| f.describe())
        .collect();
    serde_json::to_string(&families).map_err(|e| errors::failure(py, e.to_string()))
}

/// A stored Parquet table as `[(name, column)]`: numeric columns as numpy
/// arrays that own the values read (`uint64`, `float64`), text as lists.
#[pyfunction]
fn read_table<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyList>> {
    let table = py
        .detach(|| Table::read(&path))
        .map_err(|e| errors::run_error(py, e))?;
    let columns = PyList::empty(py);
    for (name, column) in table.into_columns() {
        let values = match column {
            Column::Integer(values) => arrays::array(py, &[values.len()], values)?,
            Column::Number(values) => arrays::array(py, &[values.len()], values)?,
            Column::Text(values) => PyList::new(py, values)?.into_any(),
        };
        columns.append((name, values))?;
    }
    Ok(columns)
}

/// Sample `sample` of grid point `point` of a spec of any family, as the
/// run draws it: `(description, [(name, array)])`.
#[pyfunction]
fn draw<'py>(
    py: Python<'py>,
    text: String,
    file: String,
    point: usize,
    sample: u64,
) -> PyResult<(String, Bound<'py, PyList>)> {
    let drawn = py
        .detach(|| {
            quench_run::draw::draw(
                &file,
                &text,
                point,
                sample,
                quench_run::theory::Naming::Argument,
            )
        })
        .map_err(|e| errors::run_error(py, e))?;
    let list = PyList::empty(py);
    for (name, values) in drawn.arrays {
        let values = match values {
            DrawnArray::Float64 { shape, data } => arrays::array(py, &shape, data)?,
            DrawnArray::Integer64 { shape, data } => arrays::array(py, &shape, data)?,
            DrawnArray::Integer8 { shape, data } => arrays::array(py, &shape, data)?,
        };
        list.append((name, values))?;
    }
    Ok((drawn.description, list))
}

/// The TOML text of a spec given as JSON (a Python dict, dumped): tables
/// and arrays as in the file; `null` is refused with its key.
#[pyfunction]
fn spec_from_json(py: Python<'_>, json: &str) -> PyResult<String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(errors::input_from(py))?;
    fn check(value: &serde_json::Value, key: &str) -> Result<(), String> {
        match value {
            serde_json::Value::Null => Err(format!(
                "spec: {key} is None; allowed: a string, number, boolean, list or dict (leave the key out for its default)"
            )),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check(item, &format!("{key}[{i}]"))),
            serde_json::Value::Object(fields) => fields.iter().try_for_each(|(name, item)| {
                let key = if key.is_empty() {
                    name.clone()
                } else {
                    format!("{key}.{name}")
                };
                check(item, &key)
            }),
            _ => Ok(()),
        }
    }
    if !value.is_object() {
        return Err(errors::input(
            py,
            "spec: a dict of the spec's tables and keys, as in the TOML file",
        ));
    }
    check(&value, "").map_err(|m| errors::input(py, m))?;
    let table: toml::Table =
        serde_json::from_value(value).map_err(|e| errors::input(py, format!("spec: {e}")))?;
    toml::to_string(&table).map_err(|e| errors::input(py, format!("spec: {e}")))
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Job>()?;
    module.add_function(wrap_pyfunction!(validate, module)?)?;
    module.add_function(wrap_pyfunction!(plan, module)?)?;
    module.add_function(wrap_pyfunction!(merge, module)?)?;
    module.add_function(wrap_pyfunction!(report, module)?)?;
    module.add_function(wrap_pyfunction!(models, module)?)?;
    module.add_function(wrap_pyfunction!(read_table, module)?)?;
    module.add_function(wrap_pyfunction!(spec_from_json, module)?)?;
    module.add_function(wrap_pyfunction!(draw, module)?)?;
    Ok(())
}
