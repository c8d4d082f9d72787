//! `quench_run::draw::draw`: the drawn disorder of any family, as named
//! arrays, is what the run uses; points and samples outside the spec are
//! refused with the parameter and the allowed range.

use std::path::{Path, PathBuf};

use quench_core::Sample;
use quench_learn::patterns::BinaryPatterns;
use quench_run::Spec;
use quench_run::draw::{Drawn, DrawnArray, draw, draw_file, draw_sample};
use quench_run::family::Family;
use quench_run::family::memory::{Memories, MemoryExperiment, MemorySpec, point_seed};
use quench_run::family::spin_glass::sample_streams;
use quench_run::theory::Naming;

fn experiments(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../experiments")
        .join(name)
}

fn test_spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(name)
}

fn float64<'a>(drawn: &'a Drawn, name: &str) -> (&'a [usize], &'a [f64]) {
    match drawn.array(name) {
        Some(DrawnArray::Float64 { shape, data }) => (shape, data),
        other => panic!("{name}: {other:?}"),
    }
}

/// The sample the run simulates at `point`, `sample` (its streams, its ensemble).
fn run_sample(spec_path: &Path, point: usize, sample: u64) -> (Sample, f64) {
    let spec = Spec::read(spec_path).unwrap();
    let grid_point = &spec.points[point];
    let (seed, stream) = sample_streams(spec.seed, grid_point.index, sample);
    (
        grid_point.ensemble.draw(seed, stream).unwrap(),
        grid_point.field,
    )
}

/// Checks the arrays of a spin-glass draw against `sample`.
fn check_arrays(drawn: &Drawn, sample: &Sample, field: f64) {
    let n = sample.n();
    if sample.is_dense() {
        let (shape, couplings) = float64(drawn, "couplings");
        assert_eq!(shape, [n, n]);
        for i in 0..n {
            for j in 0..n {
                assert_eq!(couplings[i * n + j], sample.coupling(i, j), "J[{i}][{j}]");
            }
        }
        assert!(drawn.array("edges").is_none());
    } else {
        let bonds = sample.bonds().unwrap();
        let Some(DrawnArray::Integer64 { shape, data: edges }) = drawn.array("edges") else {
            panic!("no edges: {drawn:?}")
        };
        assert_eq!(shape, &[bonds.len(), 2]);
        let (shape, weights) = float64(drawn, "weights");
        assert_eq!(shape, [bonds.len()]);
        for (k, bond) in bonds.iter().enumerate() {
            assert_eq!(
                (edges[2 * k], edges[2 * k + 1]),
                (bond.i as i64, bond.j as i64)
            );
            assert_eq!(weights[k], bond.coupling);
        }
        assert!(drawn.array("couplings").is_none());
    }
    let (shape, fields) = float64(drawn, "fields");
    assert_eq!(shape, [n]);
    assert_eq!(fields, sample.fields());
    let (shape, uniform) = float64(drawn, "uniform_field");
    assert!(shape.is_empty());
    assert_eq!(uniform, [field]);
    match (drawn.array("patterns"), sample.patterns()) {
        (Some(DrawnArray::Integer8 { shape, data }), Some(patterns)) => {
            assert_eq!(shape, &[patterns.len() / n, n]);
            assert_eq!(data, patterns);
        }
        (None, None) => {}
        (drawn, sample) => panic!("patterns: drawn {drawn:?}, sample {sample:?}"),
    }
    assert_eq!(drawn.sample.as_ref(), Some(sample));
}

/// Dense (SK) and sparse (3D EA) samples: the arrays are the run's sample,
/// and the same sample `draw_sample` gives (the one `quench draw` writes).
#[test]
fn spin_glass_arrays_are_the_sample_the_run_draws() {
    for (spec, point, sample) in [
        ("sk-transition.toml", 1, 3),
        ("ea3d-transition.toml", 0, 2),
        ("sk-tap.toml", 0, 0),
    ] {
        let path = experiments(spec);
        let drawn = draw_file(&path, point, sample, Naming::Argument).unwrap();
        let (run, field) = run_sample(&path, point, sample);
        check_arrays(&drawn, &run, field);
        assert_eq!(
            draw_sample(&path, point, sample).unwrap().sample,
            run,
            "{spec}"
        );
        assert!(drawn.description.contains(&format!("sample {sample}")));
    }
}

/// A spin-glass Hopfield sample carries its patterns, P x N int8.
#[test]
fn spin_glass_hopfield_sample_has_its_patterns() {
    let source = "name = \"hopfield-glass\"\nseed = 5\n\n[model]\nmodel = \"hopfield\"\npatterns = 3\n\n\
                  [grid]\nn = [16]\n\n[ensemble]\nsamples = 2\n\n[algorithm]\nmethod = \"parallel-tempering\"\n\
                  replicas = 2\nequilibration_rounds = 10\nmeasurement_rounds = 10\n\n\
                  [temperatures]\nminimum = 0.4\nmaximum = 1.6\ncount = 3\n";
    let drawn = draw("hopfield-glass.toml", source, 0, 1, Naming::Argument).unwrap();
    let spec = Spec::parse("hopfield-glass.toml", source).unwrap();
    let (seed, stream) = sample_streams(spec.seed, spec.points[0].index, 1);
    let sample = spec.points[0].ensemble.draw(seed, stream).unwrap();
    assert!(sample.patterns().is_some());
    check_arrays(&drawn, &sample, spec.points[0].field);
    let Some(DrawnArray::Integer8 { shape, .. }) = drawn.array("patterns") else {
        panic!("{drawn:?}")
    };
    assert_eq!(shape, &[3, 16]);
}

fn memory_spec(path: &Path) -> MemorySpec {
    let source = std::fs::read_to_string(path).unwrap();
    Memories
        .parse(&path.display().to_string(), &source)
        .unwrap()
}

fn patterns(drawn: &Drawn) -> (&[usize], &[i8]) {
    match drawn.array("patterns") {
        Some(DrawnArray::Integer8 { shape, data }) => (shape, data),
        other => panic!("patterns: {other:?}"),
    }
}

/// Hopfield retrieval: the patterns of grid point `p`, sample `k` are the
/// `round(alpha N)` patterns drawn from the point's seed and the sample's
/// disorder stream, as the unit's `retrieval_sample` draws them.
#[test]
fn memory_patterns_are_the_ones_the_unit_stores() {
    let path = test_spec("hopfield-retrieval.toml");
    let spec = memory_spec(&path);
    let MemoryExperiment::Retrieval(retrieval) = &spec.experiment else {
        panic!("a retrieval spec")
    };
    for (point, sample) in [(0, 0), (1, 3), (3, 2)] {
        let drawn = draw_file(&path, point, sample, Naming::Argument).unwrap();
        let p = retrieval.points[point];
        let count = ((p.alpha * p.n as f64).round() as usize).max(1);
        let expected = BinaryPatterns::draw(
            spec.patterns,
            p.n,
            count,
            point_seed(spec.seed, point),
            sample,
        )
        .unwrap();
        let (shape, data) = patterns(&drawn);
        assert_eq!(shape, [count, p.n]);
        assert_eq!(data, expected.values());
        assert!(drawn.sample.is_none());
        // The unit's own drawing, through the learn crate's spec.
        let mut unit = quench_learn::hopfield::experiment::RetrievalSpec::new(
            p.n,
            quench_learn::hopfield::experiment::Load::Ratio(p.alpha),
            quench_learn::dynamics::Dynamics::Synchronous,
            point_seed(spec.seed, point),
        );
        unit.distribution = spec.patterns;
        assert_eq!(unit.draw_patterns(sample).unwrap(), expected);
    }
    // Different samples draw different patterns.
    let a = draw_file(&path, 0, 0, Naming::Argument).unwrap();
    let b = draw_file(&path, 0, 1, Naming::Argument).unwrap();
    assert_ne!(patterns(&a).1, patterns(&b).1);
}

/// Dense-memory capacity: the `upper` patterns of a size's sample, of which
/// every search point stores a prefix.
#[test]
fn dense_memory_patterns_are_the_largest_draw_of_the_search() {
    let path = test_spec("dense-capacity.toml");
    let spec = memory_spec(&path);
    let MemoryExperiment::Capacity(capacity) = &spec.experiment else {
        panic!("a capacity spec")
    };
    let drawn = draw_file(&path, 1, 2, Naming::Argument).unwrap();
    let n = capacity.sizes[1];
    let expected = BinaryPatterns::draw(
        spec.patterns,
        n,
        capacity.upper,
        point_seed(spec.seed, 1),
        2,
    )
    .unwrap();
    let (shape, data) = patterns(&drawn);
    assert_eq!(shape, [capacity.upper, n]);
    assert_eq!(data, expected.values());
    let smaller = BinaryPatterns::draw(spec.patterns, n, 5, point_seed(spec.seed, 1), 2).unwrap();
    assert_eq!(&data[..5 * n], smaller.values());
}

/// A point or sample outside the spec is refused, naming the parameter as
/// the caller spells it and the allowed range; nothing is drawn.
#[test]
fn out_of_range_points_and_samples_are_refused() {
    let cases = [
        (experiments("sk-transition.toml"), 3, 48),
        (test_spec("hopfield-retrieval.toml"), 4, 4),
        (test_spec("dense-capacity.toml"), 2, 3),
    ];
    for (path, points, samples) in cases {
        let file = path.display().to_string();
        let error = draw_file(&path, points, 0, Naming::Argument).unwrap_err();
        assert_eq!(error.exit_status(), 2);
        assert_eq!(
            error.to_string(),
            format!(
                "point = {points}: {file} has {points} grid points; allowed: 0 to {}",
                points - 1
            )
        );
        let error = draw_file(&path, 0, samples, Naming::Flag).unwrap_err();
        assert_eq!(error.exit_status(), 2);
        assert_eq!(
            error.to_string(),
            format!(
                "--sample {samples}: {file} has {samples} samples per grid point; allowed: 0 to {}",
                samples - 1
            )
        );
        assert!(draw_file(&path, points - 1, samples - 1, Naming::Argument).is_ok());
    }
}

/// The arrays are written as NumPy files.
#[test]
fn drawn_arrays_are_npy_files() {
    let path = test_spec("hopfield-retrieval.toml");
    let drawn = draw_file(&path, 1, 0, Naming::Flag).unwrap();
    let (shape, data) = patterns(&drawn);
    let bytes = drawn.array("patterns").unwrap().npy_bytes().unwrap();
    assert!(bytes.starts_with(b"\x93NUMPY"));
    let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let header = String::from_utf8_lossy(&bytes[..header_end]);
    assert!(header.contains("'descr': '|i1'"), "{header}");
    assert!(
        header.contains(&format!("'shape': ({}, {})", shape[0], shape[1])),
        "{header}"
    );
    let body: Vec<i8> = bytes[header_end..].iter().map(|&b| b as i8).collect();
    assert_eq!(body, data);
}

/// The drawn teacher and configurations are the run's: TAP inversion of the
/// drawn series gives the reconstruction error the run's table holds.
#[test]
fn inverse_ising_draws_the_teacher_and_the_data_the_run_learns_from() {
    use quench_learn::boltzmann::visible::{FullyVisible, SpinMoments, reconstruction_error};
    use quench_theory::inverse::{SpinStatistics, tap_inversion};
    let spec_path = test_spec("inverse-ising.toml");
    let (point, sample) = (1, 1);
    let drawn = draw_file(&spec_path, point, sample, Naming::Argument).unwrap();
    let teacher = drawn.sample.clone().expect("the teacher sample");
    let (_, temperature) = float64(&drawn, "temperature");
    let Some(DrawnArray::Integer8 { shape, data }) = drawn.array("configurations") else {
        panic!("{drawn:?}")
    };
    assert_eq!(shape, &[2000, 8]);
    let moments = SpinMoments::from_configurations(data, 8).unwrap();
    let statistics =
        SpinStatistics::new(moments.magnetisations.clone(), moments.connected()).unwrap();
    let inferred = tap_inversion(&statistics).unwrap();
    let truth = FullyVisible::from_sample(&teacher, 1.0 / temperature[0]).unwrap();
    let error = reconstruction_error(&inferred.couplings, truth.couplings());

    let out = std::env::temp_dir().join(format!("quench-draw-inverse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    quench_run::runner::run(Some(&spec_path), &quench_run::runner::RunOptions::new(&out)).unwrap();
    let table = quench_run::table::Table::read(&out.join("reconstruction.parquet")).unwrap();
    let row = (0..table.rows())
        .find(|&k| {
            table.numbers("temperature")[k] == temperature[0]
                && table.integers("sample")[k] == sample
                && table.integers("configurations")[k] == 2000
                && table.texts("method")[k] == "tap"
        })
        .unwrap();
    assert_eq!(table.numbers("coupling_error")[row], error);
    std::fs::remove_dir_all(&out).unwrap();
}
