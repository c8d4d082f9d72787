//! The `[model]` and `[grid]` sections expanded into grid points: one
//! validated ensemble per size and field (its kernel is resolved later, from
//! the `[algorithm]` section).

use quench_core::ModelSpec;
use quench_mc::Kernel;

use super::raw::RawSpec;
use super::{GridPoint, Reporter, SizeKey};
use crate::error::SpecError;
use crate::family::registry;
use crate::family::spin_glass::models;

/// The size key of the model and its grid points, sizes outer and fields
/// inner; every error names the `[model]` or `[grid]` key.
pub(super) fn grid_points(
    reporter: &Reporter<'_>,
    raw: &RawSpec,
) -> Result<(SizeKey, Vec<GridPoint>), SpecError> {
    let model_name = match raw.model.get("model") {
        Some(toml::Value::String(name)) => name.clone(),
        Some(other) => {
            return Err(reporter.at(
                "model.model",
                format!("expected a string, found {}", other.type_str()),
                registry::model_names(),
            ));
        }
        None => {
            return Err(reporter.at("model", "missing key `model`", registry::model_names()));
        }
    };
    let Some(model_info) = models::find(&model_name) else {
        return Err(reporter.at(
            "model.model",
            format!("unknown model {model_name:?}"),
            registry::model_names(),
        ));
    };
    if model_info.name == "instance" {
        return super::instance::grid_points(reporter, raw);
    }
    let size_key = if model_info.size_key == "length" {
        SizeKey::Length
    } else {
        SizeKey::N
    };
    let other_key = match size_key {
        SizeKey::N => "length",
        SizeKey::Length => "n",
    };
    let (sizes, other) = match size_key {
        SizeKey::N => (&raw.grid.n, &raw.grid.length),
        SizeKey::Length => (&raw.grid.length, &raw.grid.n),
    };
    if other.is_some() {
        return Err(reporter.at(
            &format!("grid.{other_key}"),
            format!("model {model_name:?} has no size key `{other_key}`"),
            format!("grid.{}", size_key.name()),
        ));
    }
    let key = size_key.name();
    let sizes: Vec<(String, toml::Value)> = match (sizes, raw.model.get(key)) {
        (Some(_), Some(_)) => {
            return Err(reporter.at(
                &format!("grid.{key}"),
                format!("`{key}` is given both in [model] and in [grid]"),
                "one of the two",
            ));
        }
        (Some(list), None) if list.is_empty() => {
            return Err(reporter.at(
                &format!("grid.{key}"),
                "the list is empty",
                "at least one size",
            ));
        }
        (Some(list), None) => list
            .iter()
            .enumerate()
            .map(|(i, &v)| (format!("grid.{key}[{i}]"), toml::Value::Integer(v)))
            .collect(),
        (None, Some(value)) => vec![(format!("model.{key}"), value.clone())],
        (None, None) => {
            return Err(reporter.at(
                "grid",
                format!("no size: model {model_name:?} needs `{key}`"),
                format!("`{key} = [...]` in [grid], or `{key} = ...` in [model]"),
            ));
        }
    };
    let fields = grid_fields(reporter, raw)?;
    for (i, (path, value)) in sizes.iter().enumerate() {
        if let Some((first, _)) = sizes[..i].iter().find(|(_, v)| v == value) {
            return Err(reporter.at(
                path,
                format!("size {value} is listed twice (first at {first}); each would be a different disorder draw under one label"),
                "each size once (raise ensemble.samples for more samples)",
            ));
        }
    }
    let mut points = Vec::new();
    for (size_path, size_value) in &sizes {
        for (field_path, field) in &fields {
            let mut table = raw.model.clone();
            table.insert(key.to_string(), size_value.clone());
            if let Some(h) = field {
                table.insert("field".to_string(), toml::Value::Float(*h));
            }
            let model: ModelSpec =
                toml::Value::Table(table)
                    .try_into()
                    .map_err(|e: toml::de::Error| {
                        let message = e.message().trim().to_string();
                        let (what, allowed) = match message.split_once(", expected ") {
                            Some((what, expected)) => {
                                (what.to_string(), expected.trim_end_matches('.').to_string())
                            }
                            None => (message.clone(), String::new()),
                        };
                        let named = backticked(&what).unwrap_or_default().to_string();
                        // An unknown variant names a value (`couplings = "cauchy"`): find the key holding it.
                        let holder = raw
                            .model
                            .iter()
                            .find(|(k, v)| {
                                k.as_str() != "model"
                                    && !named.is_empty()
                                    && (v.as_str() == Some(named.as_str())
                                        || v.to_string() == named)
                            })
                            .map(|(k, _)| k.clone());
                        let key = holder
                            .or_else(|| (!named.is_empty()).then(|| named.clone()))
                            .map(|k| format!("model.{k}"))
                            .filter(|k| reporter.located.has_key(k))
                            .unwrap_or_else(|| "model".to_string());
                        let allowed = reporter.choice(&key).unwrap_or(allowed);
                        reporter.at(&key, what, allowed)
                    })?;
            let ensemble = model.ensemble().map_err(|e| {
                let path = if e.parameter == key {
                    size_path.clone()
                } else if e.parameter == "field" {
                    field_path.clone()
                } else {
                    format!("model.{}", e.parameter)
                };
                reporter.parameter(&path, &e)
            })?;
            let size = match size_value {
                toml::Value::Integer(v) => *v as usize,
                _ => 0,
            };
            let field = match &model {
                ModelSpec::SherringtonKirkpatrick { field, .. }
                | ModelSpec::EdwardsAnderson { field, .. }
                | ModelSpec::Ferromagnet { field, .. }
                | ModelSpec::RandomRegular { field, .. }
                | ModelSpec::ErdosRenyi { field, .. }
                | ModelSpec::Hopfield { field, .. }
                | ModelSpec::Instance { field, .. } => *field,
            };
            points.push(GridPoint {
                index: points.len(),
                size,
                field,
                model,
                ensemble,
                kernel: Kernel::Scalar,
            });
        }
    }
    Ok((size_key, points))
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

/// The fields of a spec's grid points, each with the key that gives it:
/// the `grid.field` list, or the model's own field (one point, `None`: the
/// model's value or its default). Refuses a field given both in `[model]`
/// and in `[grid]`, an empty list and a field listed twice. Shared by the
/// ensemble models and the instance model, so that both refuse alike.
pub(super) fn grid_fields(
    reporter: &Reporter<'_>,
    raw: &RawSpec,
) -> Result<Vec<(String, Option<f64>)>, SpecError> {
    let fields: Vec<(String, Option<f64>)> = match (&raw.grid.field, raw.model.get("field")) {
        (Some(_), Some(_)) => {
            return Err(reporter.at(
                "grid.field",
                "`field` is given both in [model] and in [grid]",
                "one of the two",
            ));
        }
        (Some(list), None) if list.is_empty() => {
            return Err(reporter.at("grid.field", "the list is empty", "at least one field"));
        }
        (Some(list), None) => list
            .iter()
            .enumerate()
            .map(|(i, &h)| (format!("grid.field[{i}]"), Some(h)))
            .collect(),
        (None, _) => vec![("model.field".to_string(), None)],
    };
    for (i, (path, value)) in fields.iter().enumerate() {
        if let Some((first, _)) = fields[..i].iter().find(|(_, v)| v == value) {
            return Err(reporter.at(
                path,
                format!(
                    "field {} is listed twice (first at {first})",
                    value.unwrap_or(0.0)
                ),
                "each field once",
            ));
        }
    }
    Ok(fields)
}
