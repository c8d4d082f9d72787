//! Phase-classification runs end to end: killed with SIGKILL and resumed,
//! and with one or two threads (in quench and in candle's matrix products),
//! they give the same tables byte for byte.

mod common;

use std::time::Instant;

use common::{assert_same_tables, interrupt_and_resume, quench, scratch, text};

/// Every architecture, an Ising training model tested on itself, on a
/// weaker horizontal bond and on two antiferromagnetic diagonals (with
/// the isotropic test, a sweep of J_d: the anisotropy figures), two
/// lattice sizes.
const SPEC: &str = r#"
name = "classify-resume"
seed = 11
[model]
model = "phase-classifier"
[training]
lattice = "ising"
ordered = [1.4, 1.7]
disordered = [3.0, 3.3]
snapshots = 40
[[test]]
lattice = "ising"
temperatures = { from = 1.8, to = 2.8, points = 7 }
snapshots = 30
[[test]]
lattice = "ising"
couplings = [1.0, 0.5, 0.0]
temperatures = { from = 0.8, to = 1.2, points = 7, relative = true, narrowing = 1.0 }
snapshots = 30
[[test]]
lattice = "ising"
couplings = [1.0, 1.0, -0.3]
temperatures = { from = 0.8, to = 1.2, points = 7, relative = true }
snapshots = 30
[[test]]
lattice = "ising"
couplings = [1.0, 1.0, -0.6]
temperatures = { from = 0.8, to = 1.2, points = 7, relative = true }
snapshots = 30
[data]
lengths = [6, 8]
pilot = 200
[networks]
architectures = [
  { kind = "fully-connected", width = 8, layers = 1 },
  { kind = "convolutional", channels = 3, layers = 2 },
  { kind = "residual", channels = 3, blocks = 1 },
]
networks = 2
epochs = 6
learning_rate = 0.01
bootstrap = 20
[output]
checkpoint_seconds = 0.02
"#;

const TABLES: [&str; 6] = [
    "snapshots.parquet",
    "training.parquet",
    "outputs.parquet",
    "curves.parquet",
    "peaks.parquet",
    "scaling.parquet",
];

fn run(spec: &std::path::Path, out: &std::path::Path, threads: u32) -> std::process::Output {
    quench()
        .arg("run")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--quiet")
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .unwrap()
}

#[test]
fn classification_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let work = scratch("classify-resume");
    let spec = work.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let reference = work.join("reference");
    let start = Instant::now();
    let output = run(&spec, &reference, 2);
    let duration = start.elapsed();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let single = work.join("single");
    let output = run(&spec, &single, 1);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &single, &TABLES);
    let interrupted = work.join("interrupted");
    let mid_run_kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        mid_run_kills >= 1,
        "no kill landed while the units were running"
    );
    assert_same_tables(&reference, &interrupted, &TABLES);
    let report = text(&std::fs::read(reference.join("report.md")).unwrap());
    assert!(report.contains("| exact | 2.2692 |"), "{report}");
    assert!(report.contains("## Transfer"), "{report}");
    // The anisotropy table: J_d = -0.6, -0.3, 0 (not the J_h = 0.5 test), one row per architecture.
    assert!(report.contains("## Anisotropy"), "{report}");
    for (diagonal, exact) in [
        ("-0.600", "1.1100"),
        ("-0.300", "1.7493"),
        ("0.000", "2.2692"),
    ] {
        let rows = report
            .lines()
            .filter(|l| l.starts_with(&format!("| {diagonal} | {exact} |")))
            .count();
        assert_eq!(rows, 3, "J_d = {diagonal}: {report}");
    }
    for figure in [
        "probability-cnn-test0.png",
        "variance-resnet-4-test1.png",
        "scaling-width-test0.png",
        "scaling-position-test1.png",
        "transfer.png",
        "anisotropy.png",
        "anisotropy-exponent.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
