//! RBM runs end to end: killed with SIGKILL and resumed, and on one or two
//! threads, they give the same tables byte for byte.

mod common;

use common::{assert_same_tables, interrupt_and_resume, reference_run, run, scratch, text};

/// Samples of a teacher; one machine small enough for exact ln Z and the
/// AIS check, one evaluated by AIS (its smaller layer of 10 units is above
/// `exact_limit`); CD, PCD and tempering.
const SPEC: &str = r#"
name = "rbm-resume"
seed = 5
[model]
model = "rbm"
hidden = [3, 10]
[data]
source = "teacher"
visible = 16
teacher_hidden = 6
teacher_scale = 3.0
rows = 2000
test_fraction = 0.25
[training]
methods = ["cd-1", "pcd-2", "pt-1"]
epochs = 60
batch_size = 10
learning_rate = 0.05
momentum = 0.5
weight_decay = 0.0001
chains = 20
temperatures = 4
lowest_beta = 0.5
[likelihood]
every = 4
exact_limit = 8
ais_chains = 64
ais_steps = 300
check = true
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.02
shown_samples = 20
"#;

const TABLES: [&str; 8] = [
    "curves.parquet",
    "learning.parquet",
    "final.parquet",
    "ais_check.parquet",
    "machines/point-000-weights.npy",
    "machines/point-005-hidden-bias.npy",
    "samples/point-004.npy",
    "samples/point-001.npy",
];

#[test]
fn rbm_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let work = scratch("rbm-resume");
    let (spec, duration) = reference_run(&work, SPEC);
    let reference = work.join("reference");
    // One thread: the same bytes.
    let single = work.join("single");
    let output = run(&spec, &single, 1, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &single, &TABLES);
    // Killed at random moments and resumed: the same bytes.
    let interrupted = work.join("interrupted");
    let mid_run_kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        mid_run_kills >= 1,
        "no kill landed while trainings were running"
    );
    assert_same_tables(&reference, &interrupted, &TABLES);
    // Both estimators ran, and the report drew its figures.
    let curves = std::fs::read(reference.join("report.md")).unwrap();
    let report = text(&curves);
    assert!(report.contains("| 3 | cd-1 | exact |"), "{report}");
    assert!(report.contains("| 10 | pt-1 | ais |"), "{report}");
    for figure in [
        "log-likelihood-h3.png",
        "log-likelihood-h10.png",
        "filters-h10-pcd-2.png",
        "samples-h3-pt-1.png",
        "data.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
