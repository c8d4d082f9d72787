//! Inverse-Ising runs end to end: killed with SIGKILL and resumed, and on
//! one or two threads, they give the same tables byte for byte.

mod common;

use common::{assert_same_tables, interrupt_and_resume, reference_run, run, scratch, text};

/// Monte Carlo learning (persistent tempering chains) beside the three
/// other methods, at two temperatures and three data sizes.
const SPEC: &str = r#"
name = "inverse-ising-resume"
seed = 7
[model]
model = "fully-visible"
[teacher]
model = "sk"
n = 8
field = 0.2
[data]
temperatures = [1.5, 0.8]
configurations = [300, 3000, 20000]
spacing = 1
equilibration = 200
ladder = 4
ladder_maximum = 2.5
[inference]
methods = ["learning", "mean-field", "tap", "pseudo-likelihood"]
moments = "monte-carlo"
learning_rate = 0.1
iterations = 1500
chains = 8
sweeps = 4
chain_temperatures = [1.0, 1.5, 2.2]
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.02
"#;

const TABLES: [&str; 2] = ["reconstruction.parquet", "data.parquet"];

#[test]
fn inverse_ising_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let work = scratch("inverse-ising-resume");
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
    assert!(report.contains("| 0.8 | 20000 | learning |"), "{report}");
    for figure in [
        "reconstruction-T1p5.png",
        "reconstruction-T0p8.png",
        "reconstruction-temperature.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
