//! The `instance` model: one sample the user gives in files.
//!
//! ```toml
//! [model]
//! model = "instance"
//! couplings = "my-graph.txt"      # an edge list `i j J`, or a dense matrix `*.npy`
//! fields = "my-fields.txt"        # optional: lines `i h`, or a `*.npy` vector
//! field = 0.0                     # optional uniform field, added to the file's fields
//! coupling_variance = 0.0625      # optional: the variance of the Gaussian ensemble the
//!                                 # couplings came from (enables the energy/link-overlap check)
//!
//! [ensemble]
//! samples = 1                     # an instance is one sample
//! ```
//!
//! The file formats are those of [`quench_core::instance`]. Relative paths
//! are resolved against the directory of the spec file. The number of spins
//! comes from the file: `[grid]` needs no `n` (if it gives one, or `[model]`
//! does, it must be the file's), and `grid.field = [...]` runs the instance
//! at several uniform fields. A run copies the instance files into the
//! results directory under the relative paths the spec gives, so that the
//! stored `spec.toml` finds them there (`quench report`).
//!
//! Every sampler that applies to the couplings runs: the dense kernels for a
//! `.npy` matrix (or an edge list over every pair), the sparse and multispin
//! kernels for other graphs, checkerboard order on a two-colourable graph,
//! Wolff updates on a ferromagnetic instance without field. Sample 0 of an
//! instance run draws the thermal streams of sample 0 of any spin-glass run
//! at the same grid point and seed, so a sample that quench drew and
//! `quench draw` wrote out gives, read back, the same tables (SK and random
//! graphs bit for bit; a lattice comes back as a graph, without the Fourier
//! overlap and $\xi_L/L$, and in checkerboard order the multispin kernel
//! lays a graph out by its colouring rather than its geometry, so those
//! runs agree within errors only).

use std::path::{Path, PathBuf};

use quench_core::{Instance, ModelSpec};
use quench_mc::Kernel;

use super::raw::RawSpec;
use super::{GridPoint, Reporter, SizeKey};
use crate::error::SpecError;

/// The keys of an instance's `[model]` table.
const KEYS: &str = "model, couplings, fields, n, field, coupling_variance";

/// Where a path written in the spec file `file` points: relative paths
/// are relative to the spec file's directory.
pub(crate) fn resolve(file: &str, written: &str) -> PathBuf {
    let path = Path::new(written);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match Path::new(file).parent() {
        Some(directory) => directory.join(path),
        None => path.to_path_buf(),
    }
}

fn path_key(
    reporter: &Reporter<'_>,
    model: &toml::Table,
    key: &str,
) -> Result<Option<(String, PathBuf)>, SpecError> {
    match model.get(key) {
        None => Ok(None),
        Some(toml::Value::String(written)) if !written.is_empty() => {
            Ok(Some((written.clone(), resolve(reporter.file, written))))
        }
        Some(other) => Err(reporter.at(
            &format!("model.{key}"),
            format!("expected a file name, found {}", other.type_str()),
            "a path in quotes, relative to the spec file's directory",
        )),
    }
}

/// The grid points of an instance spec: one per field, all of the file's size.
pub(super) fn grid_points(
    reporter: &Reporter<'_>,
    raw: &RawSpec,
) -> Result<(SizeKey, Vec<GridPoint>), SpecError> {
    let mut model = raw.model.clone();
    if let Some(key) = model
        .keys()
        .find(|k| !KEYS.split(", ").any(|x| x == k.as_str()))
    {
        return Err(reporter.at(
            &format!("model.{key}"),
            format!("unknown key `{key}` for model \"instance\""),
            KEYS,
        ));
    }
    let Some((_, couplings)) = path_key(reporter, &model, "couplings")? else {
        return Err(reporter.at(
            "model",
            "missing key `couplings` for model \"instance\"",
            "couplings = \"FILE\": an edge list `i j J`, or a dense matrix FILE.npy",
        ));
    };
    let fields = path_key(reporter, &model, "fields")?.map(|(_, path)| path);
    let instance = Instance::read(&couplings, fields.as_deref()).map_err(|e| {
        let key = if e.file == couplings {
            "model.couplings"
        } else {
            "model.fields"
        };
        let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
        let allowed = if e.allowed.is_empty() {
            format!(
                "a readable file; relative paths are resolved against the directory of {}",
                reporter.file
            )
        } else {
            e.allowed
        };
        reporter.at(
            key,
            format!("{}{line}: {}", e.file.display(), e.message),
            allowed,
        )
    })?;
    if raw.grid.length.is_some() {
        return Err(reporter.at(
            "grid.length",
            "model \"instance\" has no size key `length`",
            "no size: the number of spins comes from the file",
        ));
    }
    if let Some(sizes) = &raw.grid.n {
        if raw.model.contains_key("n") {
            return Err(reporter.at(
                "grid.n",
                "`n` is given both in [model] and in [grid]",
                "one of the two, or none",
            ));
        }
        if let Some((i, &n)) = sizes
            .iter()
            .enumerate()
            .find(|&(_, &n)| usize::try_from(n).ok() != Some(instance.n))
        {
            return Err(reporter.at(
                &format!("grid.n[{i}]"),
                format!(
                    "n = {n}, but {} has n = {} spins",
                    couplings.display(),
                    instance.n
                ),
                format!("no n (it comes from the file), or n = [{}]", instance.n),
            ));
        }
        if sizes.len() != 1 {
            return Err(reporter.at(
                "grid.n",
                format!("{} sizes for one instance", sizes.len()),
                format!("no n (it comes from the file), or n = [{}]", instance.n),
            ));
        }
    }
    for (key, integer) in [("n", true), ("field", false), ("coupling_variance", false)] {
        let fits = match raw.model.get(key) {
            None | Some(toml::Value::Integer(_)) => true,
            Some(toml::Value::Float(_)) => !integer,
            Some(_) => false,
        };
        if !fits {
            return Err(reporter.at(
                &format!("model.{key}"),
                format!(
                    "expected {}",
                    if integer { "an integer" } else { "a number" }
                ),
                if integer { "an integer" } else { "a number" },
            ));
        }
    }
    // The model as quench-core reads it: the paths resolved.
    for (key, path) in [("couplings", Some(&couplings)), ("fields", fields.as_ref())] {
        if let Some(path) = path {
            model.insert(
                key.into(),
                toml::Value::String(path.to_string_lossy().into_owned()),
            );
        }
    }
    let fields = super::grid::grid_fields(reporter, raw)?;
    let mut points = Vec::new();
    for (field_path, field) in fields {
        let mut table = model.clone();
        if let Some(h) = field {
            table.insert("field".into(), toml::Value::Float(h));
        }
        let spec: ModelSpec =
            toml::Value::Table(table)
                .try_into()
                .map_err(|e: toml::de::Error| {
                    reporter.at("model", e.message().trim().to_string(), KEYS)
                })?;
        let ensemble = spec.instance_ensemble(&instance).map_err(|e| {
            let key = match e.parameter {
                "field" => field_path.clone(),
                "n" => "model.n".into(),
                "coupling_variance" => "model.coupling_variance".into(),
                _ => "model.couplings".into(),
            };
            reporter.at(
                &key,
                format!("{} is out of range", e.value),
                e.allowed.clone(),
            )
        })?;
        points.push(GridPoint {
            index: points.len(),
            size: instance.n,
            field: spec.field(),
            model: spec,
            ensemble,
            kernel: Kernel::Scalar,
        });
    }
    Ok((SizeKey::N, points))
}

/// An instance is one sample: `ensemble.samples` must be 1.
pub(super) fn check_samples(
    reporter: &Reporter<'_>,
    points: &[GridPoint],
    samples: u64,
) -> Result<(), SpecError> {
    if samples != 1 && points.iter().any(|p| is_instance(&p.model)) {
        return Err(reporter.at(
            "ensemble.samples",
            format!("{samples} samples of one instance would all be the same couplings"),
            "samples = 1 (for an independent thermal history, run again with another seed)",
        ));
    }
    Ok(())
}

/// Whether `model` is an instance read from files.
pub fn is_instance(model: &ModelSpec) -> bool {
    matches!(model, ModelSpec::Instance { .. })
}

/// Whether the instance at `point` is a ferromagnet as far as Wolff
/// cluster updates go: every coupling $\ge 0$, and no fields from its
/// file (a uniform field is refused by the caller, which says so).
pub(super) fn is_unfrustrated(point: &GridPoint) -> bool {
    is_instance(&point.model)
        && point
            .ensemble
            .draw(0, 0)
            .is_ok_and(|s| s.is_ferromagnetic() && (point.field != 0.0 || !s.has_field()))
}

/// The copies of an instance's files a results directory keeps: `(path as
/// the spec writes it, bytes)` for every relative path that stays inside
/// the directory (absolute paths and paths through `..` are not copied).
pub fn copies(model_table: &toml::Table, points: &[GridPoint]) -> Vec<(String, PathBuf)> {
    let Some(ModelSpec::Instance {
        couplings, fields, ..
    }) = points.first().map(|p| &p.model)
    else {
        return Vec::new();
    };
    let mut copies = Vec::new();
    for (key, resolved) in [("couplings", Some(couplings)), ("fields", fields.as_ref())] {
        let (Some(written), Some(resolved)) =
            (model_table.get(key).and_then(|v| v.as_str()), resolved)
        else {
            continue;
        };
        let path = Path::new(written);
        if path.is_relative()
            && path
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            copies.push((written.to_string(), resolved.clone()));
        }
    }
    copies
}

#[cfg(test)]
mod tests {
    use super::super::Spec;

    /// Parses a spec written next to the instance file `name` with `text`
    /// in a fresh directory; returns the error text, if any.
    fn parse(test: &str, instance: &str, model: &str, algorithm: &str) -> Result<Spec, String> {
        let directory = std::env::temp_dir().join(format!(
            "quench-spec-instance-{}-{test}",
            std::process::id()
        ));
        std::fs::create_dir_all(&directory).unwrap();
        std::fs::write(directory.join("J.txt"), instance).unwrap();
        let file = directory.join("spec.toml");
        let source = format!(
            "name = \"t\"\nseed = 1\n\n[model]\nmodel = \"instance\"\ncouplings = \"J.txt\"\n{model}\n\n\
             [ensemble]\nsamples = 1\n\n[algorithm]\nmethod = \"parallel-tempering\"\nreplicas = 2\n\
             equilibration_rounds = 10\nmeasurement_rounds = 10\n{algorithm}\n\n\
             [temperatures]\nminimum = 0.5\nmaximum = 1.5\ncount = 3\n"
        );
        let result = Spec::parse(&file.display().to_string(), &source).map_err(|e| e.to_string());
        std::fs::remove_dir_all(&directory).unwrap();
        result
    }

    const SQUARE: &str = "0 1 1\n1 2 1\n2 3 1\n3 0 1\n";
    const TRIANGLE: &str = "0 1 1\n1 2 1\n2 0 -1\n";

    #[test]
    fn relative_paths_are_read_from_the_spec_directory() {
        let spec = parse("relative", SQUARE, "", "").unwrap();
        assert_eq!(spec.points.len(), 1);
        assert_eq!(spec.points[0].ensemble.n(), 4);
        assert_eq!(spec.points[0].size, 4);
    }

    #[test]
    fn samplers_that_apply_to_the_couplings_run() {
        // A 4-cycle is two-colourable, a frustrated triangle is not.
        assert!(
            parse(
                "square-checkerboard",
                SQUARE,
                "",
                "order = \"checkerboard\""
            )
            .is_ok()
        );
        let error = parse(
            "triangle-checkerboard",
            TRIANGLE,
            "",
            "order = \"checkerboard\"",
        )
        .unwrap_err();
        assert!(error.contains("key `algorithm.order`"), "{error}");
        // Wolff updates need every coupling >= 0 and no field.
        assert!(parse("square-wolff", SQUARE, "", "wolff_updates_per_round = 1").is_ok());
        let error = parse(
            "triangle-wolff",
            TRIANGLE,
            "",
            "wolff_updates_per_round = 1",
        )
        .unwrap_err();
        assert!(
            error.contains("key `algorithm.wolff_updates_per_round`"),
            "{error}"
        );
        let error = parse(
            "square-wolff-field",
            SQUARE,
            "field = 0.5",
            "wolff_updates_per_round = 1",
        )
        .unwrap_err();
        assert!(error.contains("in a field"), "{error}");
    }

    #[test]
    fn bad_model_keys_are_located() {
        let cases = [
            (
                "n = 5",
                "key `model.n`",
                "the number of spins of the file, 4",
            ),
            ("length = 5", "key `model.length`", "unknown key `length`"),
            (
                "coupling_variance = -1.0",
                "key `model.coupling_variance`",
                "> 0",
            ),
            ("field = \"x\"", "key `model.field`", "a number"),
            ("fields = 3", "key `model.fields`", "a path in quotes"),
            (
                "fields = \"h.txt\"",
                "key `model.fields`",
                "h.txt: no such file",
            ),
            ("\n[grid]\nlength = [4]", "key `grid.length`", "no size"),
            (
                "\n[grid]\nn = [4, 4]",
                "key `grid.n`",
                "2 sizes for one instance",
            ),
        ];
        for (i, (model, key, words)) in cases.into_iter().enumerate() {
            let error = parse(&format!("bad-{i}"), SQUARE, model, "").unwrap_err();
            assert!(
                error.contains(key) && error.contains(words),
                "{model}: {error}"
            );
            assert!(error.contains("spec.toml:"), "{error}");
        }
    }
}
