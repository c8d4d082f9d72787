//! Every `quench theory` command, through the library functions the command
//! line calls (`quench_run::theory`), so the numbers are the same.

use pyo3::prelude::*;
use quench_run::theory::{
    self as library, AtLineParameters, DeepNetworkParameters, HopfieldParameters, Naming,
    PerceptronParameters, PspinDynamicsParameters, PspinParameters, SkParameters, SparseParameters,
    SpikedWignerParameters, TeacherStudentParameters,
};
use serde_json::{Map, Value};

use crate::errors;

/// The parameters of one call, read by name with errors naming the parameter.
struct Parameters<'a, 'py> {
    py: Python<'py>,
    values: &'a Map<String, Value>,
}

impl Parameters<'_, '_> {
    fn number(&self, key: &str) -> PyResult<f64> {
        self.values
            .get(key)
            .and_then(Value::as_f64)
            .ok_or_else(|| errors::input(self.py, format!("{key}: a number is required")))
    }

    fn optional_number(&self, key: &str, default: f64) -> PyResult<f64> {
        match self.values.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(_) => self.number(key),
        }
    }

    fn choice<T: std::str::FromStr<Err = String>>(&self, key: &str, default: &str) -> PyResult<T> {
        let text = match self.values.get(key) {
            None | Some(Value::Null) => default,
            Some(Value::String(text)) => text.as_str(),
            Some(other) => {
                return Err(errors::input(
                    self.py,
                    format!("{key}: {other} is not a string"),
                ));
            }
        };
        text.parse()
            .map_err(|message: String| errors::input(self.py, format!("{key}: {message}")))
    }
}

/// `quench theory COMMAND --json` for `command` with `parameters` (a JSON
/// object of the command's parameters, named as in Python): the document
/// as JSON, without `quench_version`.
#[pyfunction]
fn theory(py: Python<'_>, command: &str, parameters: &str) -> PyResult<String> {
    let values: Map<String, Value> =
        serde_json::from_str(parameters).map_err(errors::input_from(py))?;
    let p = Parameters {
        py,
        values: &values,
    };
    let naming = Naming::Argument;
    let result = match command {
        "sk" => {
            let parameters = SkParameters {
                temperature: p.number("temperature")?,
                field: p.optional_number("field", 0.0)?,
                breaking: p.choice("rsb", "full")?,
                accuracy: p.choice("accuracy", "accurate")?,
            };
            py.detach(|| library::sk(&parameters, naming))
        }
        "sk-at-line" => {
            let parameters = AtLineParameters {
                temperature: p.number("temperature")?,
            };
            py.detach(|| library::sk_at_line(&parameters, naming))
        }
        "pspin" => {
            let order = p.number("p")?;
            if order.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&order) {
                return Err(errors::input(py, format!("p: {order}; allowed: an integer >= 3")));
            }
            let parameters = PspinParameters {
                p: order as u32,
                spherical: values.get("spherical").and_then(Value::as_bool).unwrap_or(false),
            };
            py.detach(|| library::pspin(&parameters, naming))
        }
        "pspin-dynamics" => {
            let order = p.number("p")?;
            if order.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&order) {
                return Err(errors::input(py, format!("p: {order}; allowed: an integer >= 2")));
            }
            let points = p.optional_number("points", 256.0)?;
            if points.fract() != 0.0 || !(0.0..=1e9).contains(&points) {
                return Err(errors::input(
                    py,
                    format!("points: {points}; allowed: an even integer in 32..=4096"),
                ));
            }
            let waiting_times = match values.get("waiting_times") {
                None | Some(Value::Null) => None,
                Some(Value::Array(times)) => Some(
                    times
                        .iter()
                        .map(|time| {
                            time.as_f64().ok_or_else(|| {
                                errors::input(py, format!("waiting_times: {time} is not a number"))
                            })
                        })
                        .collect::<PyResult<Vec<f64>>>()?,
                ),
                Some(other) => {
                    return Err(errors::input(
                        py,
                        format!("waiting_times: {other} is not a list of numbers"),
                    ));
                }
            };
            let parameters = PspinDynamicsParameters {
                p: order as u32,
                temperature: p.number("temperature")?,
                time: p.number("time")?,
                waiting_times,
                points: points as usize,
                equilibrium: values.get("equilibrium").and_then(Value::as_bool).unwrap_or(false),
            };
            py.detach(|| library::pspin_dynamics(&parameters, naming))
        }
        "hopfield" => {
            let parameters = HopfieldParameters {
                temperature: p.number("temperature")?,
                alpha: match values.get("alpha") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(p.number("alpha")?),
                },
            };
            py.detach(|| library::hopfield(&parameters, naming))
        }
        "sparse" => {
            let parameters = SparseParameters {
                graph: p.choice("graph", "regular")?,
                degree: p.number("degree")?,
                couplings: p.choice("couplings", "pm1")?,
            };
            py.detach(|| library::sparse(&parameters, naming))
        }
        "perceptron" => {
            let parameters = PerceptronParameters {
                weights: p.choice("weights", "spherical")?,
                kappa: p.optional_number("kappa", 0.0)?,
                alpha: match values.get("alpha") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(p.number("alpha")?),
                },
            };
            py.detach(|| library::perceptron(&parameters, naming))
        }
        "teacher-student" => {
            let parameters = TeacherStudentParameters {
                weights: p.choice("weights", "spherical")?,
                learning: p.choice("learning", "bayes")?,
                alpha: p.number("alpha")?,
                temperature: p.optional_number("temperature", 0.0)?,
                label_noise: p.optional_number("label_noise", 0.0)?,
            };
            py.detach(|| library::teacher_student(&parameters, naming))
        }
        "deep-network" => {
            let depth = p.number("depth")?;
            if depth.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&depth) {
                return Err(errors::input(
                    py,
                    format!("depth: {depth}; allowed: a number of layers in 1..=1000"),
                ));
            }
            let parameters = DeepNetworkParameters {
                scenario: p.choice("scenario", "random")?,
                depth: depth as usize,
                kappa: p.optional_number("kappa", 0.0)?,
                alpha: match values.get("alpha") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(p.number("alpha")?),
                },
            };
            py.detach(|| library::deep_network(&parameters, naming))
        }
        "spiked-wigner" => {
            let parameters = SpikedWignerParameters {
                snr: p.number("snr")?,
                prior: p.choice("prior", "rademacher")?,
            };
            py.detach(|| library::spiked_wigner(&parameters, naming))
        }
        other => {
            return Err(errors::input(
                py,
                format!(
                    "theory: unknown command {other:?}; allowed: \"sk\", \"sk-at-line\", \"pspin\", \"pspin-dynamics\", \"hopfield\", \"sparse\", \"perceptron\", \"teacher-student\", \"deep-network\", \"spiked-wigner\""
                ),
            ));
        }
    }
    .map_err(|e| errors::run_error(py, e))?;
    serde_json::to_string(&result.document).map_err(|e| errors::failure(py, e.to_string()))
}

pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(theory, module)?)
}
