//! quench's errors as the Python exceptions of `quench.errors`.
//!
//! The classes live in Python (so that they subclass `ValueError` or
//! `RuntimeError` as a Python user expects, and carry attributes); this
//! module looks them up and raises them.

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use quench_run::RunError;

/// Raises `quench.errors.<class>(message)` with the keyword attributes `attributes`.
fn raise(py: Python<'_>, class: &str, message: String, attributes: &[(&str, Py<PyAny>)]) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let errors = py.import("quench.errors")?;
        let class = errors.getattr(class)?;
        let keywords = PyDict::new(py);
        for (key, value) in attributes {
            keywords.set_item(*key, value)?;
        }
        let error = class.call((message,), Some(&keywords))?;
        Ok(PyErr::from_value(error))
    })();
    made.unwrap_or_else(|failure| failure)
}

/// A [`RunError`] as a Python exception: `SpecError` (a bad spec: file,
/// line, key, allowed), `InputError` (other bad input), `KeyboardInterrupt`
/// (a run stopped on request, its checkpoints saved), `QuenchError`
/// (failures). Each carries `exit_status`, the command line's.
pub fn run_error(py: Python<'_>, error: RunError) -> PyErr {
    let status = match error.exit_status().into_py_any(py) {
        Ok(status) => status,
        Err(failure) => return failure,
    };
    match &error {
        RunError::Spec(spec) => {
            let attributes = (|| -> PyResult<Vec<(&str, Py<PyAny>)>> {
                Ok(vec![
                    ("file", spec.file.clone().into_py_any(py)?),
                    ("line", spec.line.into_py_any(py)?),
                    ("key", spec.key.clone().into_py_any(py)?),
                    ("allowed", spec.allowed.clone().into_py_any(py)?),
                    ("exit_status", status),
                ])
            })();
            match attributes {
                Ok(attributes) => raise(py, "SpecError", error.to_string(), &attributes),
                Err(failure) => failure,
            }
        }
        RunError::Interrupted { .. } => PyKeyboardInterrupt::new_err(error.to_string()),
        _ if error.is_bad_input() => raise(
            py,
            "InputError",
            error.to_string(),
            &[("exit_status", status)],
        ),
        _ => raise(
            py,
            "QuenchError",
            error.to_string(),
            &[("exit_status", status)],
        ),
    }
}

/// Bad input named by the Python parameter it came from.
pub fn input(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "InputError", message.into(), &[])
}

/// Maps any error that displays to `InputError`.
pub fn input_from<E: std::fmt::Display>(py: Python<'_>) -> impl FnOnce(E) -> PyErr + '_ {
    move |error| input(py, error.to_string())
}

/// A failure (not the caller's input).
pub fn failure(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, "QuenchError", message.into(), &[])
}
