//! The trained-network family against truth: a perceptron ($L = 0$) trained
//! on random labels interpolates exactly the data sets that are linearly
//! separable (decided by the maximal-stability programme on the same
//! examples), around Gardner's and Cover's $P = 2N$; and networks with a
//! hidden layer never interpolate far below the transition and always far
//! above it (the controls of every figure), and so do recurrent networks on
//! sequences; Reber examples name exactly the symbols that may follow;
//! hidden-manifold examples lie on a manifold of the latent dimension; and
//! replicas of a single unit learning a perceptron's rule agree in weights
//! and in representation where their random starts did not.

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

/// The rank of the rows of `values` (`columns` per row), centred on their
/// mean, by Gaussian elimination with partial pivoting.
fn centred_rank(values: &[f64], columns: usize) -> usize {
    let rows = values.len() / columns;
    let mut m: Vec<Vec<f64>> = values.chunks_exact(columns).map(<[f64]>::to_vec).collect();
    for c in 0..columns {
        let mean = m.iter().map(|r| r[c]).sum::<f64>() / rows as f64;
        for r in &mut m {
            r[c] -= mean;
        }
    }
    let scale = m.iter().flatten().fold(0.0f64, |a, &v| a.max(v.abs()));
    let (mut rank, mut row) = (0, 0);
    for c in 0..columns {
        let Some(pivot) = (row..rows).max_by(|&a, &b| m[a][c].abs().total_cmp(&m[b][c].abs()))
        else {
            break;
        };
        if m[pivot][c].abs() <= 1e-9 * scale {
            continue;
        }
        m.swap(row, pivot);
        let (above, below) = m.split_at_mut(row + 1);
        let pivot_row = &above[row];
        for r in below {
            let factor = r[c] / pivot_row[c];
            for (x, &p) in r[c..].iter_mut().zip(&pivot_row[c..]) {
                *x -= factor * p;
            }
        }
        row += 1;
        rank += 1;
    }
    rank
}

/// With f linear the hidden manifold model's inputs span exactly the D
/// latent dimensions (standardising only rescales coordinates), with f = sign
/// they fill the space; the labels are ±1 in both halves; and label noise
/// flips a fraction of the training labels within four standard errors of
/// the probability asked, leaving the inputs and the test labels alone.
#[test]
fn hidden_manifold_examples_lie_on_a_manifold_of_the_latent_dimension() {
    let spec_text = |activation: &str, noise: f64| {
        format!(
            "name = \"manifold\"\nseed = 3\n[model]\nmodel = \"trained-network\"\ndata = \"hidden-manifold\"\nlatent = 5\nmanifold_activation = \"{activation}\"\nlabel_noise = {noise}\n[grid]\ninputs = [30]\nexamples = [2000]\nwidth = [4]\n[training]\ntest_examples = 100\n"
        )
    };
    let examples = |activation: &str, noise: f64| {
        let spec = TrainedNetworks
            .parse("manifold.toml", &spec_text(activation, noise))
            .unwrap();
        data::examples(&spec, &spec.points[0], 1)
    };
    let linear = examples("linear", 0.0);
    assert_eq!(linear.inputs, 30);
    assert_eq!(centred_rank(&linear.training[..60 * 30], 30), 5);
    let sign = examples("sign", 0.0);
    assert_eq!(centred_rank(&sign.training[..60 * 30], 30), 30);
    for e in [&linear, &sign] {
        assert!(
            e.training_labels
                .iter()
                .chain(&e.test_labels)
                .all(|&y| y == 1.0 || y == -1.0)
        );
    }
    let noisy = examples("sign", 0.2);
    assert_eq!(noisy.training, sign.training);
    assert_eq!(noisy.test_labels, sign.test_labels);
    let flipped = noisy
        .training_labels
        .iter()
        .zip(&sign.training_labels)
        .filter(|(a, b)| a != b)
        .count() as f64
        / 2000.0;
    let error = (0.2f64 * 0.8 / 2000.0).sqrt();
    assert!(
        (flipped - 0.2).abs() < 4.0 * error,
        "{flipped} of the labels flipped"
    );
}

const SINGLE_UNIT: &str = r#"
name = "single-unit-replicas"
seed = 8
[model]
model = "trained-network"
data = "teacher"
teacher_depth = 0
activation = "tanh"
[grid]
inputs = [10]
examples = [300]
depth = [1]
width = [1]
[training]
method = "adam"
rate = 0.05
steps = 4000
measurements = 4
replicas = 3
test_examples = 500
[ensemble]
samples = 2
"#;

/// One tanh unit learning a perceptron teacher's labels has one solution
/// up to its sign: its replicas end with (nearly) the same weights and the
/// same representation of the test inputs (overlaps above 0.9), though
/// their random starts shared neither (below 0.5); every pair of every
/// data set is in both tables, the last layer's overlap in the pairs'.
#[test]
fn replicas_of_a_single_unit_learn_the_teachers_direction() {
    let work = scratch("single-unit");
    let family = TrainedNetworks;
    let spec = family.parse("single.toml", SINGLE_UNIT).unwrap();
    let out = work.join("out");
    runner::run_family(&family, &spec, &RunOptions::new(&out)).unwrap();
    let pairs = Table::read(&out.join("pairs.parquet")).unwrap();
    let layers = Table::read(&out.join("representations.parquet")).unwrap();
    assert_eq!(pairs.rows(), 2 * 3);
    assert_eq!(layers.rows(), 2 * 3);
    assert!(layers.integers("layer").iter().all(|&l| l == 1));
    let (weights, trained, initial) = (
        pairs.numbers("weight_overlap"),
        pairs.numbers("representation_overlap"),
        pairs.numbers("initial_representation_overlap"),
    );
    for row in 0..pairs.rows() {
        assert!(
            weights[row] > 0.9,
            "pair {row}: weight overlap {}",
            weights[row]
        );
        assert!(
            trained[row] > 0.9 && trained[row] <= 1.0,
            "pair {row}: {}",
            trained[row]
        );
        assert!(
            initial[row] < 0.5,
            "pair {row}: at the start {}",
            initial[row]
        );
    }
    let mut by_layer = layers.numbers("representation_overlap").to_vec();
    let mut by_pair = trained.to_vec();
    by_layer.sort_by(f64::total_cmp);
    by_pair.sort_by(f64::total_cmp);
    assert_eq!(by_layer, by_pair);
    std::fs::remove_dir_all(&work).unwrap();
}
