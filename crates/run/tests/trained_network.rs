//! The trained-network family against truth: a perceptron ($L = 0$) trained
//! on random labels interpolates exactly the data sets that are linearly
//! separable (decided by the maximal-stability programme on the same
//! examples), around Gardner's and Cover's $P = 2N$; and networks with a
//! hidden layer never interpolate far below the transition and always far
//! above it (the controls of every figure).

use quench_learn::perceptron::data::{Inputs, TrainingSet};
use quench_learn::perceptron::spherical::maximal_stability;
use quench_run::family::Family;
use quench_run::family::trained_network::{TrainedNetworks, data};
use quench_run::runner::{self, RunOptions};
use quench_run::table::Table;

fn scratch(name: &str) -> std::path::PathBuf {
    let directory = std::env::temp_dir().join(format!(
        "quench-trained-network-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

const PERCEPTRON: &str = r#"
name = "perceptron-truth"
seed = 11
[model]
model = "trained-network"
data = "random-labels"
loss = "quadratic-hinge"
[grid]
inputs = [12, 16, 18, 20, 22, 24, 30]
examples = [40]
depth = [0]
[training]
method = "adam"
rate = 0.1
steps = 40000
measurements = 4
replicas = 1
test_examples = 10
[ensemble]
samples = 12
"#;

/// Every perceptron interpolates its data set exactly when the data set is
/// separable: trained and exact decisions agree sample by sample, and the
/// fraction separable crosses 1/2 at N = P/2 (Cover: exactly 1/2 there).
#[test]
fn a_trained_perceptron_interpolates_exactly_the_separable_data_sets() {
    let work = scratch("perceptron");
    let family = TrainedNetworks;
    let spec = family.parse("perceptron.toml", PERCEPTRON).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let runs = Table::read(&out.join("runs.parquet")).unwrap();
    let (point, sample, interpolated) = (
        runs.integers("point"),
        runs.integers("sample"),
        runs.integers("interpolated"),
    );
    assert_eq!(runs.rows(), 7 * 12);
    let mut separable_at = vec![0usize; spec.points.len()];
    for row in 0..runs.rows() {
        let p = &spec.points[point[row] as usize];
        let examples = data::examples(&spec, p, sample[row]);
        let labels = examples
            .training_labels
            .iter()
            .map(|&y| if y > 0.0 { 1 } else { -1 })
            .collect();
        let set = TrainingSet::from_parts(
            examples.inputs,
            Inputs::Real(examples.training),
            labels,
            None,
        )
        .unwrap();
        let exact = maximal_stability(&set).unwrap();
        assert!(exact.certain, "{exact:?}");
        assert_eq!(
            interpolated[row] == 1,
            exact.separable,
            "d = {}, sample {}: trained {}, exact {}",
            p.inputs,
            sample[row],
            interpolated[row],
            exact.separable
        );
        separable_at[point[row] as usize] += usize::from(exact.separable);
    }
    // Far below P = 2N nothing, far above everything is separable.
    assert_eq!(separable_at[0], 0, "{separable_at:?}");
    assert_eq!(separable_at[6], 12, "{separable_at:?}");
    std::fs::remove_dir_all(&work).unwrap();
}

const HIDDEN: &str = r#"
name = "hidden-controls"
seed = 3
[model]
model = "trained-network"
data = "random-labels"
activation = "relu"
[grid]
inputs = [10]
examples = [100]
depth = [1]
width = [2, 40]
[training]
method = "adam"
rate = 0.05
steps = 20000
measurements = 4
replicas = 2
test_examples = 50
[ensemble]
samples = 4
"#;

/// A network of one hidden layer with N/P = 0.22 never interpolates 100
/// random labels; with N/P = 4.4 it always does, and sooner than the steps
/// allowed.
#[test]
fn hidden_layer_networks_interpolate_far_above_the_transition_only() {
    let work = scratch("hidden");
    let family = TrainedNetworks;
    let spec = family.parse("hidden.toml", HIDDEN).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let runs = Table::read(&out.join("runs.parquet")).unwrap();
    let (width, interpolated, steps, unsatisfied) = (
        runs.integers("width"),
        runs.integers("interpolated"),
        runs.integers("steps"),
        runs.integers("unsatisfied"),
    );
    assert_eq!(runs.rows(), 2 * 4 * 2);
    for row in 0..runs.rows() {
        if width[row] == 2 {
            assert_eq!(interpolated[row], 0);
            assert!(unsatisfied[row] > 0);
        } else {
            assert_eq!(interpolated[row], 1, "row {row}: {} steps", steps[row]);
            assert_eq!(unsatisfied[row], 0);
            assert!(steps[row] < 20000);
        }
    }
    std::fs::remove_dir_all(&work).unwrap();
}
