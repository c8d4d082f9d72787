//! The `[[data]]` entries of an intrinsic-dimension spec: which keys each
//! source takes, and how an entry becomes grid points (one per listed
//! dimension, latent dimension, temperature or class).

use std::path::Path;
use std::sync::Arc;

use quench_geometry::{Activation, Embedding, HiddenManifold, Manifold, Teacher};
use serde::Deserialize;

use super::spec::{DataPoint, Source};
use crate::error::SpecError;
use crate::family::spin_glass::spec::Reporter;

/// The most points one data set may ask for.
pub(super) const MAX_POINTS: usize = 1 << 24;
/// The most coordinates of a generated point.
const MAX_COORDINATES: usize = 1 << 16;
/// The largest Ising lattice.
const MAX_LENGTH: usize = 256;

/// One `[[data]]` entry as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    name: Option<String>,
    source: String,
    manifold: Option<String>,
    dimension: Option<Vec<usize>>,
    ambient: Option<usize>,
    rotate: Option<bool>,
    noise: Option<f64>,
    points: Option<usize>,
    latent: Option<Vec<usize>>,
    inputs: Option<usize>,
    activation: Option<String>,
    length: Option<usize>,
    temperatures: Option<Vec<f64>>,
    classes: Option<Vec<u32>>,
    path: Option<String>,
    labels: Option<String>,
}

/// The keys each source accepts (besides `name`, `source` and `points`).
fn keys_of(source: &str) -> &'static [&'static str] {
    match source {
        "manifold" => &["manifold", "dimension", "ambient", "rotate", "noise"],
        "hidden-manifold" => &["latent", "inputs", "activation"],
        "ising" => &["length", "temperatures"],
        "digits" => &["classes"],
        "file" => &["path", "labels", "classes"],
        _ => &[],
    }
}

/// The keys given in a `[[data]]` entry, by name.
fn given_keys(d: &RawData) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let mut add = |given: bool, key| {
        if given {
            keys.push(key);
        }
    };
    add(d.manifold.is_some(), "manifold");
    add(d.dimension.is_some(), "dimension");
    add(d.ambient.is_some(), "ambient");
    add(d.rotate.is_some(), "rotate");
    add(d.noise.is_some(), "noise");
    add(d.latent.is_some(), "latent");
    add(d.inputs.is_some(), "inputs");
    add(d.activation.is_some(), "activation");
    add(d.length.is_some(), "length");
    add(d.temperatures.is_some(), "temperatures");
    add(d.classes.is_some(), "classes");
    add(d.path.is_some(), "path");
    add(d.labels.is_some(), "labels");
    keys
}

pub(super) fn distinct<T: PartialEq + std::fmt::Display>(
    r: &Reporter,
    key: &str,
    values: &[T],
    valid: impl Fn(&T) -> bool,
    allowed: &str,
) -> Result<(), SpecError> {
    if values.is_empty() {
        return Err(r.at(key, "is empty", allowed));
    }
    for (k, v) in values.iter().enumerate() {
        if !valid(v) || values[..k].contains(v) {
            return Err(r.at(
                &format!("{key}[{k}]"),
                format!("{v} is out of range or listed twice"),
                allowed,
            ));
        }
    }
    Ok(())
}

/// Appends the grid points of entry `entry` to `points`.
pub(super) fn parse_entry(
    r: &Reporter,
    entry: usize,
    d: &RawData,
    folder: &Path,
    points: &mut Vec<DataPoint>,
) -> Result<(), SpecError> {
    let key = |name: &str| format!("data[{entry}].{name}");
    let accepted = keys_of(&d.source);
    if accepted.is_empty() {
        return Err(r.at(
            &key("source"),
            format!("unknown source {:?}", d.source),
            "\"manifold\", \"hidden-manifold\", \"ising\", \"digits\" or \"file\"",
        ));
    }
    for given in given_keys(d) {
        if !accepted.contains(&given) {
            return Err(r.at(
                &key(given),
                format!("does not apply to source = {:?}", d.source),
                format!(
                    "for this source: name, source, points, {}",
                    accepted.join(", ")
                ),
            ));
        }
    }
    let label = d.name.clone().unwrap_or_else(|| d.source.clone());
    if label.is_empty() || label.contains(['|', '\n']) {
        return Err(r.at(&key("name"), format!("{label:?}"), "a non-empty label"));
    }
    if points.iter().any(|p| p.label == label) {
        return Err(r.at(
            &key("name"),
            format!("{label:?} names an earlier entry too"),
            "a name of its own for each [[data]] entry (name = \"...\")",
        ));
    }
    if let Some(count) = d.points
        && !(1..=MAX_POINTS).contains(&count)
    {
        return Err(r.at(
            &key("points"),
            format!("{count}"),
            format!("an integer in 1..={MAX_POINTS}"),
        ));
    }
    let generated = d.points.unwrap_or(2000);
    let mut push = |source: Source, count: Option<usize>, truth: Option<f64>, x: f64| {
        points.push(DataPoint {
            index: points.len(),
            entry,
            label: label.clone(),
            source,
            count,
            truth,
            x,
        });
    };
    match d.source.as_str() {
        "manifold" => {
            let name = d.manifold.as_deref().ok_or_else(|| {
                r.at(
                    &key("manifold"),
                    "is missing",
                    "\"cube\", \"sphere\", \"torus\", \"gaussian\" or \"swiss-roll\"",
                )
            })?;
            let dimensions = match (name, &d.dimension) {
                ("swiss-roll", None) => vec![2],
                ("swiss-roll", Some(_)) => {
                    return Err(r.at(
                        &key("dimension"),
                        "the Swiss roll is two-dimensional",
                        "leave it out",
                    ));
                }
                (_, Some(list)) => list.clone(),
                (_, None) => {
                    return Err(r.at(
                        &key("dimension"),
                        "is missing",
                        "a list of intrinsic dimensions d >= 1",
                    ));
                }
            };
            distinct(
                r,
                &key("dimension"),
                &dimensions,
                |&x| (1..=4096).contains(&x),
                "distinct dimensions in 1..=4096",
            )?;
            let noise = d.noise.unwrap_or(0.0);
            if !(noise.is_finite() && noise >= 0.0) {
                return Err(r.at(
                    &key("noise"),
                    format!("{noise}"),
                    "a finite standard deviation >= 0",
                ));
            }
            for &dimension in &dimensions {
                let manifold = match name {
                    "cube" => Manifold::Cube { dimension },
                    "sphere" => Manifold::Sphere { dimension },
                    "torus" => Manifold::Torus { dimension },
                    "gaussian" => Manifold::Gaussian { dimension },
                    "swiss-roll" => Manifold::SwissRoll,
                    other => {
                        return Err(r.at(
                            &key("manifold"),
                            format!("unknown manifold {other:?}"),
                            "\"cube\", \"sphere\", \"torus\", \"gaussian\" or \"swiss-roll\"",
                        ));
                    }
                };
                let ambient = d.ambient.unwrap_or(manifold.coordinates());
                if ambient < manifold.coordinates() || ambient > MAX_COORDINATES {
                    return Err(r.at(
                        &key("ambient"),
                        format!(
                            "{ambient} coordinates for a {} of dimension {dimension} (drawn in {})",
                            manifold.name(),
                            manifold.coordinates()
                        ),
                        format!(
                            "at least the manifold's own coordinates, at most {MAX_COORDINATES}"
                        ),
                    ));
                }
                let embedding = Embedding {
                    ambient,
                    rotate: d.rotate.unwrap_or(true),
                    noise,
                };
                push(
                    Source::Manifold {
                        manifold,
                        embedding,
                    },
                    Some(generated),
                    Some(manifold.dimension() as f64),
                    manifold.dimension() as f64,
                );
            }
        }
        "hidden-manifold" => {
            let latents = d.latent.clone().ok_or_else(|| {
                r.at(
                    &key("latent"),
                    "is missing",
                    "a list of latent dimensions D >= 1",
                )
            })?;
            distinct(
                r,
                &key("latent"),
                &latents,
                |&x| (1..=4096).contains(&x),
                "distinct latent dimensions in 1..=4096",
            )?;
            let inputs = d.inputs.unwrap_or(500);
            if !(1..=MAX_COORDINATES).contains(&inputs) {
                return Err(r.at(
                    &key("inputs"),
                    format!("{inputs}"),
                    format!("an integer in 1..={MAX_COORDINATES}"),
                ));
            }
            let activation = parse_activation(r, &key("activation"), d.activation.as_deref())?;
            for &latent in &latents {
                push(
                    Source::HiddenManifold(HiddenManifold {
                        latent,
                        inputs,
                        activation,
                        teacher: Teacher::Perceptron,
                    }),
                    Some(generated),
                    Some(latent as f64),
                    latent as f64,
                );
            }
        }
        "ising" => {
            let length = d.length.unwrap_or(16);
            if !(4..=MAX_LENGTH).contains(&length) || !length.is_multiple_of(2) {
                return Err(r.at(
                    &key("length"),
                    format!("{length}"),
                    format!("an even length in 4..={MAX_LENGTH}"),
                ));
            }
            let temperatures = d.temperatures.clone().ok_or_else(|| {
                r.at(
                    &key("temperatures"),
                    "is missing",
                    "a list of temperatures T > 0",
                )
            })?;
            distinct(
                r,
                &key("temperatures"),
                &temperatures,
                |&t| t.is_finite() && t > 0.0,
                "distinct finite temperatures > 0",
            )?;
            for &temperature in &temperatures {
                push(
                    Source::Ising {
                        length,
                        temperature,
                    },
                    Some(generated),
                    None,
                    temperature,
                );
            }
        }
        "digits" | "file" => {
            // A file is read once, now, so that a bad file stops the run
            // before its results directory is made; its points share it.
            let file = if d.source == "file" {
                let path = d.path.as_deref().ok_or_else(|| {
                    r.at(
                        &key("path"),
                        "is missing",
                        "a .npy, .csv or IDX file, relative to the spec",
                    )
                })?;
                let path = folder.join(path);
                let labels = d.labels.as_deref().map(|l| folder.join(l));
                let data = quench_data::load_file(
                    &path,
                    labels.as_deref(),
                    quench_data::LabelColumn::None,
                )
                .map_err(|e| r.at(&key("path"), e.to_string(), ""))?;
                Some((path, Arc::new(data)))
            } else {
                None
            };
            let source = |class: Option<u32>| match &file {
                None => Ok(Source::Digits { class }),
                Some((path, data)) => {
                    if let Some(c) = class
                        && !data.labels().is_some_and(|l| l.contains(&c))
                    {
                        return Err(r.at(
                            &key("classes"),
                            format!("`{}` has no row of class {c}", path.display()),
                            "classes the file's labels hold (an IDX file needs labels = \"...\")",
                        ));
                    }
                    Ok(Source::File {
                        path: path.clone(),
                        data: Arc::clone(data),
                        class,
                    })
                }
            };
            match &d.classes {
                None => push(source(None)?, d.points, None, f64::NAN),
                Some(classes) => {
                    distinct(
                        r,
                        &key("classes"),
                        classes,
                        |&c| c < 1 << 16,
                        "distinct class labels",
                    )?;
                    if d.source == "digits" && classes.iter().any(|&c| c > 9) {
                        return Err(r.at(
                            &key("classes"),
                            "the digits have classes 0 to 9",
                            "distinct classes in 0..=9",
                        ));
                    }
                    for &class in classes {
                        push(source(Some(class))?, d.points, None, class as f64);
                    }
                }
            }
        }
        _ => unreachable!("sources are checked above"),
    }
    Ok(())
}

fn parse_activation(r: &Reporter, key: &str, name: Option<&str>) -> Result<Activation, SpecError> {
    Ok(match name.unwrap_or("tanh") {
        "tanh" => Activation::Tanh,
        "sign" => Activation::Sign,
        "relu" => Activation::Relu,
        "linear" => Activation::Linear,
        other => {
            return Err(r.at(
                key,
                format!("unknown activation {other:?}"),
                "\"tanh\", \"sign\", \"relu\" or \"linear\"",
            ));
        }
    })
}
