//! The perceptron family through the runner, against exact results: Cover's
//! theorem for the capacity of spherical weights, exact enumeration for
//! the Monte Carlo posterior of binary weights, and the thread count.

use std::path::{Path, PathBuf};

use quench_run::runner::{self, RunOptions};
use quench_run::table::Table;

fn scratch(name: &str) -> PathBuf {
    let directory =
        std::env::temp_dir().join(format!("quench-perceptron-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

fn run(work: &Path, name: &str, source: &str, threads: usize) -> PathBuf {
    let spec = work.join(format!("{name}.toml"));
    std::fs::write(&spec, source).unwrap();
    let out = work.join(name);
    runner::run(
        Some(&spec),
        &RunOptions {
            threads: Some(threads),
            ..RunOptions::new(&out)
        },
    )
    .unwrap();
    out
}

/// Spherical weights on Gaussian inputs (general position): the fraction
/// of training sets whose first $P$ patterns are separable is Cover's
/// $C(P, N)/2^P$ at every $P$, $1/2$ at $P = 2N$. Each fraction is a
/// binomial count of 600 independent sets: within 4 of its standard
/// deviations at every $P$ (20 loads). Binary weights: annealing never
/// claims more than the enumeration, and the binary $P_c$ never exceeds the
/// spherical one on the same set (a binary vector lies on the sphere).
#[test]
fn capacity_fractions_follow_cover_and_binary_never_beats_spherical() {
    let work = scratch("cover");
    let samples = 600;
    let out = run(
        &work,
        "cover",
        &format!(
            r#"
name = "cover"
seed = 31
[model]
model = "perceptron"
inputs = "gaussian"
[grid]
weights = ["spherical", "binary"]
n = [8]
[ensemble]
samples = {samples}
[algorithm]
method = "capacity"
alpha_max = 2.5
enumeration_limit = 8
annealing_sweeps = 100
sbpi_sweeps = 100
gradient_steps = 300
"#
        ),
        2,
    );
    let capacity = Table::read(&out.join("capacity.parquet")).unwrap();
    let (weights, patterns, stored) = (
        capacity.texts("weights"),
        capacity.integers("patterns"),
        capacity.numbers("stored"),
    );
    let mut checked = 0;
    for i in 0..capacity.rows() {
        if weights[i] != "spherical" {
            continue;
        }
        let exact =
            quench_learn::perceptron::cover_separable_fraction(patterns[i] as usize, 8).unwrap();
        let sigma = (exact * (1.0 - exact) / samples as f64).sqrt().max(1e-9);
        assert!(
            (stored[i] - exact).abs() <= 4.0 * sigma,
            "P = {}: measured {} against Cover's {exact} (sigma {sigma})",
            patterns[i],
            stored[i]
        );
        if patterns[i] == 16 {
            assert_eq!(exact, 0.5);
        }
        checked += 1;
    }
    assert_eq!(checked, 20);
    let table = Table::read(&out.join("samples.parquet")).unwrap();
    let (kind, exact, annealed, sbpi, gradient) = (
        table.texts("weights"),
        table.numbers("exact_critical"),
        table.numbers("annealed_critical"),
        table.numbers("sbpi_critical"),
        table.numbers("gradient_critical"),
    );
    let (mut sbpi_reached, mut gradient_reached) = (0, 0);
    let half = table.rows() / 2;
    assert_eq!(half, samples);
    for i in 0..half {
        // Rows: spherical samples first, then binary ones, sample by sample.
        assert_eq!(
            (kind[i].as_str(), kind[half + i].as_str()),
            ("spherical", "binary")
        );
        assert!(annealed[half + i] <= exact[half + i]);
        // The learners' successes are proofs: never above the exact P_c.
        assert!(sbpi[half + i] >= 0.0 && sbpi[half + i] <= exact[half + i]);
        assert!(gradient[i] >= 0.0 && gradient[i] <= exact[i]);
        assert_eq!((sbpi[i], gradient[half + i]), (-1.0, -1.0), "not run");
        sbpi_reached += usize::from(sbpi[half + i] == exact[half + i]);
        gradient_reached += usize::from(gradient[i] == exact[i]);
        assert!(
            exact[half + i] <= exact[i],
            "sample {i}: binary P_c {} > spherical {}",
            exact[half + i],
            exact[i]
        );
    }
    // Reaching P_c exactly means storing the set at the edge of its
    // capacity, the hardest load: at N = 8 SBPI (100 sweeps) did on 39 % of
    // the sets and gradient descent (300 steps) on 35 %; a learner that
    // does nothing useful reaches it on none but the trivial ones.
    assert!(
        sbpi_reached * 4 >= samples && gradient_reached * 4 >= samples,
        "SBPI {sbpi_reached}, gradient descent {gradient_reached} of {samples}"
    );
    std::fs::remove_dir_all(&work).unwrap();
}

const TEACHER: &str = r#"
name = "gibbs-against-exact"
seed = 17
[model]
model = "perceptron"
inputs = "gaussian"
labels = "teacher"
[grid]
weights = ["binary"]
n = [11]
alpha = [0.8, 1.6]
[ensemble]
samples = 12
[algorithm]
method = "teacher-student"
learners = ["gibbs", "exact"]
temperatures = [0.4, 0.7, 1.2]
sweeps = 6000
burn_in = 0.2
"#;

/// Monte Carlo with tempering against exact enumeration of all $2^{11}$
/// students of the same training sets, at every temperature: the paired
/// difference (Monte Carlo minus exact) of each sample has mean zero, and
/// its spread over the 12 samples is the Monte Carlo's own thermal error
/// (autocorrelations included, the samples being independent): the mean
/// difference is within 5 of its standard errors, for the training error,
/// the generalisation error and the student overlap (18 comparisons). The
/// same run on one thread gives the same tables, byte for byte.
#[test]
fn gibbs_sampling_matches_exact_enumeration_on_the_same_training_sets() {
    let work = scratch("gibbs");
    let out = run(&work, "gibbs", TEACHER, 2);
    let learning = Table::read(&out.join("learning.parquet")).unwrap();
    let (point, sample, learner, temperature) = (
        learning.integers("point"),
        learning.integers("sample"),
        learning.texts("learner"),
        learning.numbers("temperature"),
    );
    let mut compared = 0;
    for observable in ["training_error", "generalization_error", "student_overlap"] {
        let value = learning.numbers(observable);
        for p in 0..2u64 {
            for t in [0.4, 0.7, 1.2] {
                let differences: Vec<f64> = (0..12u64)
                    .map(|s| {
                        let find = |who: &str| {
                            (0..learning.rows())
                                .find(|&i| {
                                    point[i] == p
                                        && sample[i] == s
                                        && learner[i] == who
                                        && temperature[i] == t
                                })
                                .map(|i| value[i])
                                .unwrap()
                        };
                        find("gibbs") - find("exact")
                    })
                    .collect();
                let n = differences.len() as f64;
                let mean = differences.iter().sum::<f64>() / n;
                let variance =
                    differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
                let error = (variance / n).sqrt();
                assert!(
                    mean.abs() <= 5.0 * error.max(1e-6),
                    "{observable}, point {p}, T = {t}: Monte Carlo - exact = {mean} ± {error}"
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 18);
    let one_thread = run(&work, "gibbs-one-thread", TEACHER, 1);
    for table in [
        "learning.parquet",
        "learning_summary.parquet",
        "theory.parquet",
    ] {
        assert_eq!(
            std::fs::read(out.join(table)).unwrap(),
            std::fs::read(one_thread.join(table)).unwrap(),
            "{table} depends on the thread count"
        );
    }
    std::fs::remove_dir_all(&work).unwrap();
}

/// Solution overlaps through the runner: a set has uniform solutions at a
/// load exactly when its enumerated $P_c$ reaches that load (two
/// independent enumerations agree), overlaps and gaps lie where they
/// must, and the tables do not depend on the thread count.
#[test]
fn solution_overlaps_exist_exactly_where_the_enumerated_capacity_reaches() {
    let work = scratch("solutions");
    let source = r#"
name = "solutions"
seed = 8
[model]
model = "perceptron"
[grid]
weights = ["binary"]
n = [11]
[ensemble]
samples = 24
[algorithm]
method = "capacity"
alpha_max = 1.2
enumeration_limit = 11
annealing_sweeps = 50
solution_alpha = [0.3, 0.6, 0.9, 1.1]
solution_triplets = 300
"#;
    let out = run(&work, "solutions", source, 2);
    let samples = Table::read(&out.join("samples.parquet")).unwrap();
    let overlaps = Table::read(&out.join("solution_overlaps.parquet")).unwrap();
    let (sample, patterns, solutions) = (
        overlaps.integers("sample"),
        overlaps.integers("patterns"),
        overlaps.integers("solutions"),
    );
    let (q, lower, upper) = (
        overlaps.numbers("overlap"),
        overlaps.numbers("lower_gap"),
        overlaps.numbers("upper_gap"),
    );
    let critical = samples.numbers("exact_critical");
    let mut rows = 0;
    for (s, &p_c) in samples.integers("sample").iter().zip(critical) {
        for load in [3u64, 7, 10, 12] {
            let row = (0..overlaps.rows()).find(|&i| sample[i] == *s && patterns[i] == load);
            assert_eq!(
                row.is_some(),
                p_c >= load as f64,
                "sample {s}, P = {load}: P_c = {p_c}"
            );
            if let Some(i) = row {
                assert!(solutions[i] >= 1);
                assert!((-1.0..=1.0).contains(&q[i]));
                assert!(lower[i] >= 0.0 && upper[i] >= 0.0 && lower[i] + upper[i] <= 2.0);
                rows += 1;
            }
        }
    }
    assert_eq!(rows, overlaps.rows());
    assert!(rows >= 48, "{rows} rows");
    let one_thread = run(&work, "solutions-one-thread", source, 1);
    for table in [
        "solution_overlaps.parquet",
        "solution_summary.parquet",
        "theory.parquet",
    ] {
        assert_eq!(
            std::fs::read(out.join(table)).unwrap(),
            std::fs::read(one_thread.join(table)).unwrap(),
            "{table}"
        );
    }
}
