//! The intrinsic-dimension and hidden-manifold families end to end: killed
//! with SIGKILL and resumed, and on one or two threads, they give the same
//! tables byte for byte; the intrinsic-dimension family measures what
//! `quench dimension` measures; the reports hold their figures.

mod common;

use common::{assert_same_tables, interrupt_and_resume, quench, reference_run, run, scratch, text};

/// Every source but files, every estimator, the scaling.
const DIMENSION_SPEC: &str = r#"
name = "intrinsic-dimension-resume"
seed = 5
[model]
model = "intrinsic-dimension"
[[data]]
name = "spheres"
source = "manifold"
manifold = "sphere"
dimension = [2, 5]
ambient = 12
points = 3000
[[data]]
name = "hidden"
source = "hidden-manifold"
latent = [3]
inputs = 60
points = 2000
[[data]]
name = "ising"
source = "ising"
length = 8
temperatures = [2.0, 3.0]
points = 600
[[data]]
name = "digits"
source = "digits"
[[data]]
name = "threes"
source = "digits"
classes = [3, 4]
[estimators]
use = ["two-nn", "mle", "correlation"]
k = [5, 10]
subsets = 4
scaling = true
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.01
"#;

#[test]
fn intrinsic_dimension_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let tables = ["estimates.parquet", "scaling.parquet"];
    let work = scratch("intrinsic-dimension-resume");
    let (spec, duration) = reference_run(&work, DIMENSION_SPEC);
    let reference = work.join("reference");
    let single = work.join("single");
    let output = run(&spec, &single, 1, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &single, &tables);
    let interrupted = work.join("interrupted");
    let mid_run_kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        mid_run_kills >= 1,
        "no kill landed while the units were running"
    );
    assert_same_tables(&reference, &interrupted, &tables);
    for figure in [
        "dimension-spheres.png",
        "dimension-ising.png",
        "dimension-threes.png",
        "scaling-spheres.png",
        "scaling-digits.png",
    ] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    // The family's TwoNN on all digits is the number `quench dimension` prints.
    let output = quench()
        .args(["dimension", "--data", "digits", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let report = text(&std::fs::read(reference.join("report.md")).unwrap());
    let expected = format!(
        "| all | 1797 | 1797 | 64 | ? | {:.2} ± {:.2} |",
        printed["dimension"].as_f64().unwrap(),
        printed["error"].as_f64().unwrap()
    );
    assert!(report.contains(&expected), "{expected} not in\n{report}");
    std::fs::remove_dir_all(&work).unwrap();
}

const LEARNING_SPEC: &str = r#"
name = "hidden-manifold-resume"
seed = 9
[model]
model = "hidden-manifold"
[[data]]
source = "hidden-manifold"
inputs = 200
latent = 6
[[data]]
source = "gaussian"
inputs = 200
[[data]]
source = "digits"
[network]
hidden = 3
learning_rate = 0.3
[training]
examples = 800
time = 400
measurements = 12
students = 3
test_examples = 500
[ensemble]
samples = 2
[output]
checkpoint_seconds = 0.01
"#;

#[test]
fn hidden_manifold_runs_resume_bit_for_bit_and_do_not_depend_on_the_thread_count() {
    let tables = ["curves.parquet", "data.parquet"];
    let work = scratch("hidden-manifold-resume");
    let (spec, duration) = reference_run(&work, LEARNING_SPEC);
    let reference = work.join("reference");
    let single = work.join("single");
    let output = run(&spec, &single, 1, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_same_tables(&reference, &single, &tables);
    let interrupted = work.join("interrupted");
    let mid_run_kills = interrupt_and_resume(&spec, &interrupted, duration, 2);
    assert!(
        mid_run_kills >= 1,
        "no kill landed while the units were running"
    );
    assert_same_tables(&reference, &interrupted, &tables);
    for figure in ["learning-curves.png", "disagreement.png"] {
        assert!(reference.join(figure).exists(), "{figure}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}

/// A CSV file of points on a circle in three coordinates, read through the
/// spec (relative to the spec's folder): every estimator finds d = 1.
#[test]
fn a_data_file_named_by_the_spec_is_read_and_measured() {
    let work = scratch("intrinsic-dimension-file");
    let mut csv = String::new();
    for i in 0..1500u64 {
        // SplitMix64-hashed angles: a low-discrepancy (Weyl) sequence would
        // not be Poisson, and TwoNN reads about 2.5 on it.
        let mut x = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        let angle = std::f64::consts::TAU * u;
        csv.push_str(&format!(
            "{},{},{}\n",
            angle.cos(),
            angle.sin(),
            0.5 * angle.cos()
        ));
    }
    std::fs::write(work.join("circle.csv"), csv).unwrap();
    let spec = work.join("spec.toml");
    std::fs::write(
        &spec,
        r#"
name = "circle"
seed = 1
[model]
model = "intrinsic-dimension"
[[data]]
name = "circle"
source = "file"
path = "circle.csv"
"#,
    )
    .unwrap();
    let out = work.join("out");
    let output = run(&spec, &out, 2, false);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = text(&std::fs::read(out.join("report.md")).unwrap());
    let row = report
        .lines()
        .find(|l| l.starts_with("| all | 1500 |"))
        .unwrap_or_else(|| panic!("no row in\n{report}"));
    let estimates: Vec<(f64, f64)> = row
        .split('|')
        .filter_map(|cell| {
            let (value, error) = cell.trim().split_once(" ± ")?;
            Some((value.parse().unwrap(), error.parse().unwrap()))
        })
        .collect();
    assert_eq!(estimates.len(), 3, "{row}");
    for (value, error) in estimates {
        assert!((value - 1.0).abs() < 4.0 * error + 0.02, "{row}");
    }
    std::fs::remove_dir_all(&work).unwrap();
}
