//! Your own instance: a sample that quench drew, written out with `quench
//! draw` and read back by a spec with `model = "instance"`, runs to the same
//! tables, bit for bit; and a tiny instance agrees with exact enumeration.

use std::path::{Path, PathBuf};

use quench_core::{CouplingDistribution, ModelSpec};
use quench_run::draw::{draw_sample, write_sample};
use quench_run::runner::{self, RunOptions};
use quench_run::table::Table;

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("quench-instance-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn run(spec: &Path, out: &Path) {
    let options = RunOptions {
        threads: Some(2),
        ..RunOptions::new(out)
    };
    runner::run(Some(spec), &options).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
}

/// A spec named `name` with the `[model]` and `[grid]` text `model`, and a
/// short parallel-tempering run with `algorithm` lines added.
fn spec(name: &str, model: &str, algorithm: &str) -> String {
    format!(
        "name = \"{name}\"\nseed = 31\n\n{model}\n\n[ensemble]\nsamples = 1\n\n\
         [algorithm]\nmethod = \"parallel-tempering\"\nreplicas = 2\n\
         equilibration_rounds = 200\nmeasurement_rounds = 400\n{algorithm}\n\n\
         [temperatures]\nminimum = 0.4\nmaximum = 1.6\ncount = 5\n"
    )
}

/// The rows of a table as text with every number's bits, without the
/// columns `skip` and the rows whose `observable` is one of `lattice_only`.
fn rows(path: &Path, skip: &[&str], lattice_only: &[&str]) -> Vec<String> {
    let table = Table::read(path).unwrap();
    let names: Vec<String> = table
        .names()
        .iter()
        .filter(|n| !skip.contains(&n.as_str()))
        .cloned()
        .collect();
    let observable = table
        .names()
        .iter()
        .any(|n| n == "observable")
        .then(|| table.texts("observable").to_vec());
    (0..table.rows())
        .filter(|&r| {
            observable
                .as_ref()
                .is_none_or(|o| !lattice_only.contains(&o[r].as_str()))
        })
        .map(|r| {
            names
                .iter()
                .map(|name| {
                    let (i, x, t) = (table.integers(name), table.numbers(name), table.texts(name));
                    if !i.is_empty() {
                        i[r].to_string()
                    } else if !x.is_empty() {
                        format!("{:x}", x[r].to_bits())
                    } else {
                        t[r].clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

const TABLES: [&str; 4] = [
    "thermal.parquet",
    "disorder.parquet",
    "overlap_distribution.parquet",
    "exchange.parquet",
];

/// Runs `model` as drawn, writes its sample 0 to `file`, runs `instance`
/// (whose `[model]` points at `file`) and returns both results directories.
fn drawn_and_read_back(
    name: &str,
    model: &str,
    instance: &str,
    algorithm: &str,
    file: &str,
) -> (PathBuf, PathBuf) {
    let work = scratch(name);
    let drawn_spec = work.join("drawn.toml");
    std::fs::write(&drawn_spec, spec(name, model, algorithm)).unwrap();
    let drawn = draw_sample(&drawn_spec, 0, 0).unwrap();
    // The instance spec lives in a subdirectory: its relative path is resolved from there.
    std::fs::create_dir_all(work.join("specs/data")).unwrap();
    write_sample(&drawn, &drawn_spec, &work.join("specs/data").join(file)).unwrap();
    let instance_spec = work.join("specs/instance.toml");
    std::fs::write(&instance_spec, spec(name, instance, algorithm)).unwrap();
    let (a, b) = (work.join("drawn"), work.join("instance"));
    run(&drawn_spec, &a);
    run(&instance_spec, &b);
    // The results directory keeps the instance, where its stored spec finds it.
    assert_eq!(
        std::fs::read(b.join("data").join(file)).unwrap(),
        std::fs::read(work.join("specs/data").join(file)).unwrap()
    );
    (a, b)
}

fn assert_same_bytes(a: &Path, b: &Path) {
    for table in TABLES {
        let (x, y) = (
            std::fs::read(a.join(table)).unwrap(),
            std::fs::read(b.join(table)).unwrap(),
        );
        assert!(
            x == y,
            "{table} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// A drawn SK sample (dense Gaussian couplings, in a field), written as a
/// `.npy` matrix and read back with its ensemble's variance, gives the same
/// tables byte for byte, the equilibration identity included.
#[test]
fn an_sk_sample_written_as_npy_runs_to_the_same_tables() {
    let n = 12;
    let (a, b) = drawn_and_read_back(
        "sk",
        &format!(
            "[model]\nmodel = \"sk\"\ncouplings = \"gaussian\"\nfield = 0.3\n\n[grid]\nn = [{n}]"
        ),
        &format!(
            "[model]\nmodel = \"instance\"\ncouplings = \"data/sk.npy\"\nfield = 0.3\ncoupling_variance = {}",
            1.0 / n as f64
        ),
        "",
        "sk.npy",
    );
    assert_same_bytes(&a, &b);
    let disorder = rows(&b.join("disorder.parquet"), &[], &[]);
    assert!(
        disorder.iter().any(|r| r.contains("equilibration_gap")),
        "the Gaussian identity is checked on the instance"
    );
}

/// A drawn ±J random-regular sample in a field, written as an edge list,
/// gives the same tables byte for byte with the kernel `auto` picks for
/// both. (One grid point: another point of the drawn spec draws another
/// graph, while an instance is the same couplings at every point.)
#[test]
fn a_random_regular_sample_written_as_edges_runs_to_the_same_tables() {
    let (a, b) = drawn_and_read_back(
        "rrg",
        "[model]\nmodel = \"random-regular\"\ndegree = 3\ncouplings = \"pm1\"\n\n[grid]\nn = [20]\nfield = [0.5]",
        "[model]\nmodel = \"instance\"\ncouplings = \"data/rrg.txt\"\n\n[grid]\nn = [20]\nfield = [0.5]",
        "rule = \"heat-bath\"",
        "rrg.txt",
    );
    assert_same_bytes(&a, &b);
}

/// A drawn 2D ±J Edwards–Anderson sample, written as an edge list, is a
/// graph without the lattice: every table row equals the drawn run's,
/// except the size column (`length` there, `n` here) and the rows only a
/// lattice has (Fourier overlap, correlation length).
#[test]
fn an_ea_sample_written_as_edges_runs_to_the_same_rows() {
    let (a, b) = drawn_and_read_back(
        "ea",
        "[model]\nmodel = \"ea\"\ndimension = 2\ncouplings = \"pm1\"\n\n[grid]\nlength = [4]",
        "[model]\nmodel = \"instance\"\ncouplings = \"data/ea.txt\"",
        "kernel = \"scalar\"",
        "ea.txt",
    );
    let lattice_only = ["fourier_overlap_squared", "correlation_length_over_length"];
    for table in TABLES {
        let (x, y) = (
            rows(&a.join(table), &["size"], &lattice_only),
            rows(&b.join(table), &["size"], &lattice_only),
        );
        assert!(!x.is_empty(), "{table} is empty");
        assert_eq!(x, y, "{table}");
    }
}

/// `quench exact` on an instance file equals `quench exact` on the sample
/// it was drawn as; and a Monte Carlo run of the instance agrees with the
/// exact energies within its errors.
#[test]
fn a_tiny_instance_agrees_with_exact_enumeration() {
    let work = scratch("exact");
    let sk = ModelSpec::SherringtonKirkpatrick {
        n: 10,
        couplings: CouplingDistribution::PlusMinusOne,
        field: 0.0,
    };
    let sample = sk.ensemble().unwrap().draw(5, 0).unwrap();
    let path = work.join("sk10.txt");
    let mut text = Vec::new();
    quench_core::instance::write_edges(&sample, "an SK sample of n = 10", &mut text).unwrap();
    std::fs::write(&path, text).unwrap();
    let instance = ModelSpec::Instance {
        couplings: path.clone(),
        fields: None,
        n: None,
        field: 0.0,
        coupling_variance: None,
    };
    let temperatures = [0.5, 1.0, 2.0];
    let exact = quench_run::exact::exact_ensemble(&instance, 1, &temperatures, 5).unwrap();
    let drawn = quench_run::exact::exact_ensemble(&sk, 1, &temperatures, 5).unwrap();
    // (Debug, not ==: one sample has NaN errors.)
    assert_eq!(
        format!("{:?}", exact.temperatures),
        format!("{:?}", drawn.temperatures)
    );

    let spec_path = work.join("sk10.toml");
    std::fs::write(
        &spec_path,
        "name = \"sk10\"\nseed = 2\n\n[model]\nmodel = \"instance\"\ncouplings = \"sk10.txt\"\n\n\
         [ensemble]\nsamples = 1\n\n[algorithm]\nmethod = \"parallel-tempering\"\nreplicas = 2\n\
         equilibration_rounds = 2000\nmeasurement_rounds = 40000\n\n\
         [temperatures]\nvalues = [0.5, 1.0, 2.0]\n",
    )
    .unwrap();
    let out = work.join("out");
    run(&spec_path, &out);
    let thermal = Table::read(&out.join("thermal.parquet")).unwrap();
    let (observable, temperature) = (thermal.texts("observable"), thermal.numbers("temperature"));
    let (mean, error) = (thermal.numbers("mean"), thermal.numbers("error"));
    for point in &exact.temperatures {
        let row = (0..thermal.rows())
            .find(|&r| observable[r] == "energy" && temperature[r] == point.temperature)
            .unwrap();
        let expected = point.energy_per_spin.mean;
        assert!(
            (mean[row] - expected).abs() < 4.0 * error[row] + 1e-12,
            "T = {}: Monte Carlo {} ± {}, exact {expected}",
            point.temperature,
            mean[row],
            error[row]
        );
    }
}

/// In checkerboard order `auto` runs the multispin kernel on the lattice
/// and on the instance's two-coloured graph alike; the kernel lays a
/// lattice's sites out by its geometry and a graph's by its colouring, so
/// the two consume random numbers differently: the energies agree within
/// errors, not bit for bit.
#[test]
fn an_ea_sample_in_checkerboard_order_runs_multispin_too() {
    let (a, b) = drawn_and_read_back(
        "ea-checkerboard",
        "[model]\nmodel = \"ea\"\ndimension = 2\ncouplings = \"pm1\"\n\n[grid]\nlength = [4]",
        "[model]\nmodel = \"instance\"\ncouplings = \"data/ea.txt\"",
        "order = \"checkerboard\"",
        "ea.txt",
    );
    let multispin = |out: &Path| {
        std::fs::read_to_string(out.join("report.md"))
            .unwrap()
            .contains("kernel: multispin")
    };
    assert!(
        multispin(&a) && multispin(&b),
        "both run the multispin kernel"
    );
    let energies = |out: &Path| {
        let table = Table::read(&out.join("thermal.parquet")).unwrap();
        let observable = table.texts("observable");
        let (mean, error) = (table.numbers("mean"), table.numbers("error"));
        (0..table.rows())
            .filter(|&r| observable[r] == "energy")
            .map(|r| (mean[r], error[r]))
            .collect::<Vec<_>>()
    };
    let (x, y) = (energies(&a), energies(&b));
    assert_eq!(x.len(), 5);
    for ((m, e), (n, f)) in x.into_iter().zip(y) {
        assert!(
            (m - n).abs() <= 4.0 * (e * e + f * f).sqrt() + 1e-9,
            "{m} ± {e} against {n} ± {f}"
        );
    }
}
