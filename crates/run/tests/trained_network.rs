//! The trained-network family against truth: a perceptron ($L = 0$) trained
//! on random labels interpolates exactly the data sets that are linearly
//! separable (decided by the maximal-stability programme on the same
//! examples), around Gardner's and Cover's $P = 2N$; and networks with a
//! hidden layer never interpolate far below the transition and always far
//! above it (the controls of every figure), and so do recurrent networks on
//! sequences; Reber examples name exactly the symbols that may follow.

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

const RECURRENT: &str = r#"
name = "recurrent-controls"
seed = 5
[model]
model = "trained-network"
architecture = "recurrent"
data = "random-labels"
activation = "tanh"
length = 6
[grid]
inputs = [4]
examples = [30]
depth = [1]
width = [2, 24]
[training]
method = "adam"
rate = 0.05
steps = 10000
measurements = 4
replicas = 2
test_examples = 20
[ensemble]
samples = 3
"#;

/// A recurrent layer of 2 units (N = 14 weights) never stores the random
/// labels of 30 sequences of 6 steps (C = 180 constraints); one of 24 units
/// (N = 696, N/C = 3.9) always does, before the steps run out.
#[test]
fn recurrent_networks_interpolate_far_above_the_transition_only() {
    let work = scratch("recurrent");
    let family = TrainedNetworks;
    let spec = family.parse("recurrent.toml", RECURRENT).unwrap();
    assert_eq!(spec.points[0].parameters, 14);
    assert_eq!(spec.points[1].parameters, 696);
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let runs = Table::read(&out.join("runs.parquet")).unwrap();
    let (width, interpolated, steps, unsatisfied, constraints) = (
        runs.integers("width"),
        runs.integers("interpolated"),
        runs.integers("steps"),
        runs.integers("unsatisfied"),
        runs.numbers("constraints"),
    );
    assert_eq!(runs.rows(), 2 * 3 * 2);
    for row in 0..runs.rows() {
        assert_eq!(constraints[row], 180.0);
        if width[row] == 2 {
            assert_eq!(interpolated[row], 0);
            assert!(unsatisfied[row] > 0);
        } else {
            assert_eq!(interpolated[row], 1, "row {row}: {} steps", steps[row]);
            assert_eq!(unsatisfied[row], 0);
            assert!(steps[row] < 10000);
        }
    }
    std::fs::remove_dir_all(&work).unwrap();
}

/// Every Reber example is one-hot symbols of a string of the grammar with,
/// at each step, +1 exactly for the symbols allowed next (so the next
/// symbol is always among them) and 0 with zero inputs past its end; the
/// mean number of constraints per string agrees with the exact one the
/// spec computes (within four standard errors).
#[test]
fn reber_examples_name_the_symbols_that_may_follow() {
    for (data, length) in [("reber", 14), ("embedded-reber", 20)] {
        let text = format!(
            "name = \"reber\"\nseed = 2\n[model]\nmodel = \"trained-network\"\narchitecture = \"recurrent\"\ndata = \"{data}\"\nlength = {length}\n[grid]\nexamples = [400]\nwidth = [4]\n[training]\ntest_examples = 10\n"
        );
        let spec = TrainedNetworks.parse("reber.toml", &text).unwrap();
        let point = &spec.points[0];
        let examples = data::examples(&spec, point, 0);
        let k = 7;
        let mut counts = Vec::new();
        for b in 0..400 {
            let mut constraints = 0.0;
            for t in 0..length {
                let at = (b * length + t) * k;
                let x = &examples.training[at..at + k];
                let y = &examples.training_labels[at..at + k];
                let ones = x.iter().filter(|&&v| v == 1.0).count();
                if y.iter().all(|&v| v == 0.0) {
                    assert!(x.iter().all(|&v| v == 0.0), "{data}: inputs past the end");
                    continue;
                }
                assert_eq!(ones, 1, "{data}: one symbol per step");
                assert!(y.iter().all(|&v| v == 1.0 || v == -1.0));
                constraints += k as f64;
                if t + 1 < length {
                    let next = &examples.training[at + k..at + 2 * k];
                    if let Some(symbol) = next.iter().position(|&v| v == 1.0) {
                        assert_eq!(y[symbol], 1.0, "{data}: sequence {b}, step {t}");
                    }
                }
            }
            counts.push(constraints);
        }
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        let sd = (counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / 399.0).sqrt();
        let exact = point.constraints / point.examples as f64;
        assert!(
            (mean - exact).abs() < 4.0 * sd / 20.0,
            "{data}: {mean} constraints per string drawn, {exact} exact"
        );
    }
}
