//! The fast kernels end to end: a spec that selects them runs them, their
//! results agree with exact enumeration sample by sample, and their runs
//! resume bit for bit after SIGKILL.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{assert_same_tables, interrupt_and_resume, run, scratch, text};
use quench_run::family::spin_glass::{Spec, sample_streams};
use quench_run::table::Table;

fn spec_text(name: &str, model: &str, grid: &str, samples: u64, algorithm: &str) -> String {
    format!(
        r#"
name = "{name}"
seed = 21

[model]
{model}

[grid]
{grid}

[ensemble]
samples = {samples}

[algorithm]
method = "parallel-tempering"
replicas = 2
{algorithm}

[temperatures]
values = [0.6, 0.9, 1.3, 2.0]
"#
    )
}

/// Every sample's energy per spin at every temperature against exact
/// enumeration of the same sample: the largest |z| (z in the run's own
/// autocorrelation-aware standard errors) over samples and temperatures
/// stays below 4.5, and the report names the kernel.
fn check_against_enumeration(source: &str, kernel_in_report: &str) {
    let work = scratch(&format!("exact-{kernel_in_report}"));
    let path = work.join("spec.toml");
    std::fs::write(&path, source).unwrap();
    let out = work.join("run");
    let output = run(&path, &out, 2, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains(&format!("- kernel: {kernel_in_report}")),
        "report.md does not name the {kernel_in_report} kernel"
    );

    let spec = Spec::parse("spec.toml", source).unwrap();
    let point = &spec.points[0];
    let thermal = Table::read(&out.join("thermal.parquet")).unwrap();
    let mut exact = Vec::new();
    for s in 0..spec.samples {
        let (seed, stream) = sample_streams(spec.seed, point.index, s);
        let sample = point.ensemble.draw(seed, stream).unwrap();
        exact.push(quench_exact::Enumeration::new(&sample).unwrap());
    }
    let (mut checked, mut worst) = (0, 0.0f64);
    for i in 0..thermal.rows() {
        if thermal.texts("observable")[i] != "energy" {
            continue;
        }
        let sample = thermal.integers("sample")[i] as usize;
        let t = thermal.numbers("temperature")[i];
        let (mean, error) = (thermal.numbers("mean")[i], thermal.numbers("error")[i]);
        let truth = exact[sample].thermal(t).unwrap().energy_per_spin;
        let z = (mean - truth) / error;
        worst = worst.max(z.abs());
        assert_eq!(thermal.integers("count")[i], spec.algorithm.measurements());
        assert!(
            z.abs() < 4.5,
            "{kernel_in_report}: sample {sample}, T = {t}: {mean} ± {error} against exact {truth} (z = {z:.2})"
        );
        checked += 1;
    }
    assert_eq!(checked, spec.samples as usize * 4);
    eprintln!("{kernel_in_report}: {checked} energies, largest |z| = {worst:.2}");
    std::fs::remove_dir_all(&work).unwrap();
}

/// Multispin coding on 2D ±J lattices (70 samples: one lane block of 64 and
/// a padded one), both random-number policies, measuring every round and
/// every third round.
#[test]
fn multispin_runs_match_exact_enumeration() {
    for (noise, every) in [("shared", 1), ("independent", 3)] {
        let source = spec_text(
            "multispin-exact",
            "model = \"ea\"\ndimension = 2\ncouplings = \"pm1\"",
            "length = [4]",
            70,
            &format!(
                "order = \"checkerboard\"\nkernel = \"multispin\"\nlane_noise = \"{noise}\"\nequilibration_rounds = 2000\nmeasurement_rounds = 30000\nmeasure_every = {every}"
            ),
        );
        check_against_enumeration(&source, "multispin");
    }
}

/// The float lanes on 2D Gaussian lattices with and without a field (20
/// samples: a group of 16 and a padded one), measuring every round and
/// every third round.
#[test]
fn float_lane_runs_match_exact_enumeration() {
    for (field, every) in [(0.0, 1), (0.4, 3)] {
        let source = spec_text(
            "float-lanes-exact",
            "model = \"ea\"\ndimension = 2\ncouplings = \"gaussian\"",
            &format!("length = [4]\nfield = [{field}]"),
            20,
            &format!(
                "order = \"checkerboard\"\nkernel = \"float-lanes\"\nequilibration_rounds = 2000\nmeasurement_rounds = 30000\nmeasure_every = {every}"
            ),
        );
        check_against_enumeration(&source, "float-lanes");
    }
}

/// The dense kernels on SK: packed signs for ±J couplings, `f32` and `f64`
/// cached fields for Gaussian couplings in a field.
#[test]
fn dense_runs_match_exact_enumeration() {
    for (couplings, field, kernel) in [
        ("pm1", 0.0, "packed-signs"),
        ("gaussian", 0.3, "dense-f32"),
        ("gaussian", 0.3, "dense-f64"),
    ] {
        let source = spec_text(
            "dense-exact",
            &format!("model = \"sk\"\ncouplings = \"{couplings}\""),
            &format!("n = [12]\nfield = [{field}]"),
            6,
            &format!(
                "kernel = \"{kernel}\"\nequilibration_rounds = 2000\nmeasurement_rounds = 20000"
            ),
        );
        check_against_enumeration(&source, kernel);
    }
}

/// `kernel = "auto"` picks multispin for a ±J lattice in checkerboard order,
/// float lanes for Gaussian couplings or fields there, packed signs for ±J
/// SK and `f32` fields for Gaussian SK; the scalar kernel otherwise.
#[test]
fn auto_picks_the_fastest_valid_kernel() {
    let kernels = |model: &str, grid: &str, algorithm: &str| {
        let source = spec_text(
            "auto",
            model,
            grid,
            4,
            &format!("{algorithm}\nequilibration_rounds = 1\nmeasurement_rounds = 1"),
        );
        Spec::parse("auto.toml", &source).unwrap().points[0].kernel
    };
    let lattice = "model = \"ea\"\ndimension = 3\ncouplings = \"pm1\"";
    assert!(matches!(
        kernels(lattice, "length = [4]", "order = \"checkerboard\""),
        quench_mc::Kernel::Multispin {
            policy: quench_mc::RandomPolicy::SharedPerSite,
            ..
        }
    ));
    assert!(matches!(
        kernels(
            lattice,
            "length = [4]",
            "order = \"checkerboard\"\nlane_noise = \"independent\""
        ),
        quench_mc::Kernel::Multispin {
            policy: quench_mc::RandomPolicy::IndependentPerLane,
            ..
        }
    ));
    assert_eq!(
        kernels(lattice, "length = [4]", "order = \"sequential\""),
        quench_mc::Kernel::Scalar
    );
    // Gaussian couplings or a field on a lattice: the float lanes.
    let gaussian = "model = \"ea\"\ndimension = 3\ncouplings = \"gaussian\"";
    assert_eq!(
        kernels(gaussian, "length = [4]", "order = \"checkerboard\""),
        quench_mc::Kernel::FloatLanes
    );
    assert_eq!(
        kernels(
            lattice,
            "length = [4]\nfield = [0.5]",
            "order = \"checkerboard\""
        ),
        quench_mc::Kernel::FloatLanes
    );
    assert_eq!(
        kernels(
            lattice,
            "length = [4]",
            "order = \"checkerboard\"\nrule = \"heat-bath\""
        ),
        quench_mc::Kernel::Scalar
    );
    // Random regular graphs: every sample has its own graph, so no multispin.
    assert_eq!(
        kernels(
            "model = \"random-regular\"\ndegree = 3\ncouplings = \"pm1\"",
            "n = [16]",
            ""
        ),
        quench_mc::Kernel::Scalar
    );
    assert_eq!(
        kernels("model = \"sk\"\ncouplings = \"pm1\"", "n = [16]", ""),
        quench_mc::Kernel::PackedSigns
    );
    assert_eq!(
        kernels("model = \"sk\"\ncouplings = \"gaussian\"", "n = [16]", ""),
        quench_mc::Kernel::DenseF32
    );
}

const RESUME_TABLES: [&str; 5] = [
    "thermal.parquet",
    "disorder.parquet",
    "overlap_distribution.parquet",
    "exchange.parquet",
    "sites.parquet",
];

/// A run of `source` killed at random moments and resumed, and a run on one
/// thread, give the uninterrupted run's tables byte for byte.
fn check_resume(name: &str, source: &str) {
    let work = scratch(name);
    let spec = work.join("spec.toml");
    std::fs::write(&spec, source).unwrap();
    let reference = work.join("reference");
    let start = Instant::now();
    let output = run(&spec, &reference, 2, false);
    let duration = start.elapsed();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let one_thread = work.join("one-thread");
    let output = run(&spec, &one_thread, 1, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &one_thread, &RESUME_TABLES);
    let interrupted = work.join("interrupted");
    let kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        kills >= 1,
        "{name}: no kill landed while samples were running"
    );
    assert_same_tables(&reference, &interrupted, &RESUME_TABLES);
    assert!(!Path::new(&interrupted.join("checkpoints")).exists());
    std::fs::remove_dir_all(&work).unwrap();
}

fn with_observables(source: String) -> String {
    source
        + r#"
[observables]
site_magnetisations = true

[output]
checkpoint_seconds = 0.02
"#
}

/// Multispin blocks checkpoint their lanes' chains, measurements and site
/// magnetisations, and resume bit for bit.
#[test]
fn multispin_runs_resume_bit_for_bit() {
    let source = spec_text(
        "multispin-resume",
        "model = \"ea\"\ndimension = 2\ncouplings = \"pm1\"",
        "length = [4, 6]",
        70,
        "order = \"checkerboard\"\nequilibration_rounds = 1000\nmeasurement_rounds = 3000",
    );
    check_resume("multispin-resume", &with_observables(source));
}

/// Float-lane blocks checkpoint their lanes' chains and generators and
/// resume bit for bit.
#[test]
fn float_lane_runs_resume_bit_for_bit() {
    let source = spec_text(
        "float-lanes-resume",
        "model = \"ea\"\ndimension = 3\ncouplings = \"gaussian\"",
        "length = [4, 6]",
        20,
        "order = \"checkerboard\"\nequilibration_rounds = 1000\nmeasurement_rounds = 3000",
    );
    check_resume("float-lanes-resume", &with_observables(source));
}

/// Dense runs checkpoint their cached `f32` fields with the chains and
/// resume bit for bit (the fields' rounding is part of the trajectory).
#[test]
fn dense_runs_resume_bit_for_bit() {
    let source = spec_text(
        "dense-resume",
        "model = \"sk\"\ncouplings = \"gaussian\"",
        "n = [32, 48]",
        4,
        "equilibration_rounds = 15000\nmeasurement_rounds = 30000",
    );
    check_resume("dense-resume", &with_observables(source));
}
