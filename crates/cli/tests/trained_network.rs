//! The trained-network family end to end: killed with SIGKILL and resumed,
//! and on one or two threads, full-batch Adam on a teacher's labels, SGD on
//! random labels, and recurrent networks trained by SGD on Reber strings
//! give the same tables byte for byte; the reports hold their figures.

mod common;

use common::{assert_same_tables, interrupt_and_resume, reference_run, run, scratch, text};

const ADAM_SPEC: &str = r#"
name = "trained-network-resume"
seed = 8
[model]
model = "trained-network"
data = "teacher"
teacher_width = 3
teacher_depth = 1
activation = "tanh"
[grid]
inputs = [12]
examples = [80, 160]
depth = [0, 1, 2]
width = [3, 12]
[training]
method = "adam"
rate = 0.02
steps = 3000
measurements = 8
replicas = 2
test_examples = 300
[ensemble]
samples = 3
[output]
checkpoint_seconds = 0.01
"#;

const SGD_SPEC: &str = r#"
name = "trained-network-sgd"
seed = 9
[model]
model = "trained-network"
data = "random-labels"
loss = "hinge"
[grid]
inputs = [8]
examples = [60]
depth = [1]
width = [4, 16]
[training]
method = "sgd"
batch = 10
rate = 0.2
steps = 4000
measurements = 6
replicas = 3
test_examples = 100
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.01
"#;

const RECURRENT_SPEC: &str = r#"
name = "trained-network-recurrent"
seed = 10
[model]
model = "trained-network"
architecture = "recurrent"
data = "reber"
length = 12
activation = "tanh"
[grid]
examples = [40]
depth = [1, 2]
width = [3, 8]
[training]
method = "sgd"
batch = 8
rate = 0.5
steps = 1500
measurements = 6
replicas = 2
test_examples = 50
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.01
"#;

const TABLES: [&str; 3] = ["runs.parquet", "curves.parquet", "pairs.parquet"];

fn resumes_and_ignores_threads(name: &str, spec_text: &str, figures: &[&str]) {
    let work = scratch(name);
    let (spec, duration) = reference_run(&work, spec_text);
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
    for figure in figures {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}

#[test]
fn adam_on_a_teacher_resumes_bit_for_bit_and_does_not_depend_on_the_thread_count() {
    resumes_and_ignores_threads(
        "trained-network-adam",
        ADAM_SPEC,
        &[
            "interpolation-fraction.png",
            "unsatisfied.png",
            "training-time.png",
            "test-error.png",
            "replica-agreement.png",
            "weight-overlap.png",
        ],
    );
}

#[test]
fn sgd_on_random_labels_resumes_bit_for_bit_and_does_not_depend_on_the_thread_count() {
    resumes_and_ignores_threads(
        "trained-network-sgd",
        SGD_SPEC,
        &["interpolation-fraction.png", "replica-agreement.png"],
    );
}

#[test]
fn recurrent_networks_on_reber_strings_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    resumes_and_ignores_threads(
        "trained-network-recurrent",
        RECURRENT_SPEC,
        &[
            "interpolation-fraction.png",
            "test-error.png",
            "replica-agreement.png",
        ],
    );
}
