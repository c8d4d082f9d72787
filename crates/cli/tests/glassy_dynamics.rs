//! Glassy-dynamics runs end to end: killed with SIGKILL and resumed, and on
//! one or two threads, they give the same tables byte for byte; the report
//! holds its figures and the Cugliandolo–Kurchan solution.

mod common;

use common::{assert_same_tables, interrupt_and_resume, reference_run, run, scratch, text};

/// Two sizes of the spherical 3-spin model quenched to T = 0.5, with
/// response twins at three waiting times, and the CK solution on a small
/// grid; checkpoints between histories.
const SPEC: &str = r#"
name = "glassy-dynamics-resume"
seed = 17
[model]
model = "glassy-dynamics"
system = "spherical-pspin"
p = 3
[grid]
sizes = [32, 48]
temperature = 0.5
[dynamics]
time_step = 0.01
final_time = 32
waiting_times = [1, 2, 4]
measurements = 20
lags = 12
field = 0.05
histories = 8
[ensemble]
samples = 3
[theory]
points = 64
[output]
checkpoint_seconds = 0.02
"#;

const TABLES: [&str; 5] = [
    "one_time.parquet",
    "two_time.parquet",
    "theory.parquet",
    "theory_one_time.parquet",
    "theory_two_time.parquet",
];

#[test]
fn glassy_dynamics_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let work = scratch("glassy-dynamics-resume");
    let (spec, duration) = reference_run(&work, SPEC);
    let reference = work.join("reference");
    let single = work.join("single");
    let output = run(&spec, &single, 1, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &single, &TABLES);
    let interrupted = work.join("interrupted");
    let mid_run_kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        mid_run_kills >= 1,
        "no kill landed while the histories were running"
    );
    assert_same_tables(&reference, &interrupted, &TABLES);
    let report = text(&std::fs::read(reference.join("report.md")).unwrap());
    assert!(report.contains("Cugliandolo–Kurchan (solved)"), "{report}");
    assert!(report.contains("| 48 | 0.5 | 24 |"), "{report}");
    for figure in [
        "energy.png",
        "correlation-N32.png",
        "correlation-N48.png",
        "response.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
