//! Deep-network runs end to end: killed with SIGKILL and resumed, and on
//! one or two threads, they give the same tables byte for byte; the
//! report holds its profiles and teacher figures.

mod common;

use common::{assert_same_tables, interrupt_and_resume, reference_run, run, scratch, text};

/// Both scenarios' moves at once: a teacher, learning and unlearning, a
/// tempering ladder over spherical rotations and hidden-spin flips (gap
/// loss), with sparse wiring.
const SPEC: &str = r#"
name = "deep-network-resume"
seed = 11
[model]
model = "deep-network"
scenario = "teacher"
noise = 0.1
weights = "spherical"
loss = "gaps"
[grid]
width = [12]
depth = [4]
connectivity = [6]
alpha = [2.0, 6.0]
start = ["random", "teacher"]
[dynamics]
temperatures = [0.1, 0.2, 0.4]
sweeps = 400
step = 0.2
measurements = 5
replicas = 2
test_patterns = 100
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.02
"#;

const TABLES: [&str; 3] = ["layers.parquet", "training.parquet", "moves.parquet"];

#[test]
fn deep_network_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let work = scratch("deep-network-resume");
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
        "no kill landed while the units were running"
    );
    assert_same_tables(&reference, &interrupted, &TABLES);
    let report = text(&std::fs::read(reference.join("report.md")).unwrap());
    assert!(
        report.contains("| 12 | 4 | 6 | 6 | 36 | teacher |"),
        "{report}"
    );
    for figure in [
        "profile-spin-L4.png",
        "profile-bond-L4.png",
        "profile-permutation-L4.png",
        "teacher-profile-L4.png",
        "training-error-L4.png",
        "test-agreement-L4.png",
        "test-agreement-alpha.png",
        "layers-time-L4-N12-teacher.png",
        "layers-time-L4-N12-random.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
