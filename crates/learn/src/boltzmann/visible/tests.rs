use quench_core::rng::Purpose;
use quench_core::{FamilyStreams, UnitStreams};
use rand_distr::{Distribution, Normal};

use super::*;

fn rng(index: u64) -> quench_core::rng::StreamRng {
    UnitStreams::new(17, FamilyStreams::Named("visible-tests"), index, 0)
        .stream(Purpose::Disorder, 0)
}

/// An SK-like machine: couplings $\mathcal N(0, \beta^2/N)$, fields $\mathcal N(0, 0.1)$.
fn machine(n: usize, beta: f64, index: u64) -> FullyVisible {
    let mut rng = rng(index);
    let normal = Normal::new(0.0, beta / (n as f64).sqrt()).unwrap();
    let mut couplings = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..i {
            let x = normal.sample(&mut rng);
            couplings[i * n + j] = x;
            couplings[j * n + i] = x;
        }
    }
    let fields = (0..n)
        .map(|_| 0.3 * Normal::new(0.0, 1.0).unwrap().sample(&mut rng))
        .collect();
    FullyVisible::from_parameters(couplings, fields).unwrap()
}

fn brute_force(machine: &FullyVisible) -> (f64, SpinMoments) {
    let n = machine.n();
    let mut z = 0.0;
    let mut m = vec![0.0; n];
    let mut c = vec![0.0; n * n];
    for state in 0..1usize << n {
        let spins: Vec<Spin> = (0..n)
            .map(|i| if state >> i & 1 == 1 { 1 } else { -1 })
            .collect();
        let w = machine.exponent(&spins).exp();
        z += w;
        for i in 0..n {
            m[i] += w * f64::from(spins[i]);
            for j in 0..n {
                c[i * n + j] += w * f64::from(spins[i] * spins[j]);
            }
        }
    }
    (
        z.ln(),
        SpinMoments {
            magnetisations: m.iter().map(|v| v / z).collect(),
            correlations: c.iter().map(|v| v / z).collect(),
        },
    )
}

#[test]
fn enumerated_moments_equal_the_brute_force_sums() {
    // 14 spins: four Gray-code blocks, combined in order.
    for n in [3, 14] {
        let machine = machine(n, 1.3, n as u64);
        let (log_z, moments) = log_partition_and_moments(&machine).unwrap();
        let (exact_log_z, exact) = brute_force(&machine);
        assert!((log_z - exact_log_z).abs() < 1e-10 * exact_log_z.abs());
        for (a, b) in moments
            .correlations
            .iter()
            .chain(&moments.magnetisations)
            .zip(exact.correlations.iter().chain(&exact.magnetisations))
        {
            assert!((a - b).abs() < 1e-11, "{a} vs {b}");
        }
    }
}

/// The learning rule is the gradient of the exact log-likelihood: central
/// differences of $\mathcal L$ in every coupling and field.
#[test]
fn learning_rule_is_the_derivative_of_the_exact_log_likelihood() {
    let n = 5;
    let truth = machine(n, 1.0, 1);
    let data = SpinMoments::from_configurations(
        &ExactVisibleSampler::new(&truth)
            .unwrap()
            .samples(200, &mut rng(2)),
        n,
    )
    .unwrap();
    let point = machine(n, 0.7, 3);
    let likelihood = |m: &FullyVisible| {
        visible_log_likelihood(m, &data, log_partition_and_moments(m).unwrap().0)
    };
    let (_, model) = log_partition_and_moments(&point).unwrap();
    let epsilon = 1e-5;
    for i in 0..n {
        for j in i..n {
            let mut coupling = vec![0.0; n * n];
            let mut field = vec![0.0; n];
            let rule = if i == j {
                field[i] = 1.0;
                data.magnetisations[i] - model.magnetisations[i]
            } else {
                coupling[i * n + j] = 1.0;
                coupling[j * n + i] = 1.0;
                data.correlations[i * n + j] - model.correlations[i * n + j]
            };
            let (mut plus, mut minus) = (point.clone(), point.clone());
            plus.add(epsilon, &coupling, &field);
            minus.add(-epsilon, &coupling, &field);
            let difference = (likelihood(&plus) - likelihood(&minus)) / (2.0 * epsilon);
            assert!(
                (difference - rule).abs() < 1e-8,
                "({i},{j}): {difference} vs {rule}"
            );
        }
    }
}

/// Exact samples reproduce the exact moments within their binomial errors.
#[test]
fn exact_samples_have_the_exact_moments() {
    let n = 6;
    let machine = machine(n, 1.5, 4);
    let rows = 20_000;
    let spins = ExactVisibleSampler::new(&machine)
        .unwrap()
        .samples(rows, &mut rng(5));
    let sampled = SpinMoments::from_configurations(&spins, n).unwrap();
    let (_, exact) = log_partition_and_moments(&machine).unwrap();
    for (a, b) in sampled
        .correlations
        .iter()
        .chain(&sampled.magnetisations)
        .zip(exact.correlations.iter().chain(&exact.magnetisations))
    {
        let sigma = ((1.0 - b * b) / rows as f64).sqrt().max(1e-12);
        assert!((a - b).abs() < 4.5 * sigma, "{a} vs {b} (sigma {sigma})");
    }
}

/// From the machine's own exact moments, learning returns the machine.
#[test]
fn learning_from_exact_moments_returns_the_machine() {
    let n = 8;
    let truth = machine(n, 1.5, 6);
    let (_, moments) = log_partition_and_moments(&truth).unwrap();
    let outcome = boltzmann_learning(
        &moments,
        FullyVisible::zeros(n).unwrap(),
        &LearningOptions {
            tolerance: 1e-10,
            ..LearningOptions::default()
        },
        0,
        0,
    )
    .unwrap();
    assert!(outcome.converged, "{outcome:?}");
    let error = reconstruction_error(outcome.machine.couplings(), truth.couplings());
    assert!(error < 1e-7, "{error}");
    for (h, t) in outcome.machine.fields().iter().zip(truth.fields()) {
        assert!((h - t).abs() < 1e-7);
    }
}

/// Mean and standard error of the mean.
fn mean_and_error(values: &[f64]) -> (f64, f64) {
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
    (mean, (variance / k).sqrt())
}

/// Squared coupling errors $\sum_{i<j}(\hat J_{ij} - J_{ij})^2$ of the
/// maximum-likelihood and pseudo-likelihood estimates over `replicas`
/// independent data sets of `rows` exact samples.
fn squared_errors(truth: &FullyVisible, rows: usize, replicas: u64) -> (Vec<f64>, Vec<f64>) {
    let n = truth.n();
    let sampler = ExactVisibleSampler::new(truth).unwrap();
    let squared = |m: &FullyVisible| {
        0.5 * m
            .couplings()
            .iter()
            .zip(truth.couplings())
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
    };
    let mut likelihood = Vec::new();
    let mut pseudo = Vec::new();
    for replica in 0..replicas {
        let spins = sampler.samples(rows, &mut rng(100 + replica + 1000 * rows as u64));
        let moments = SpinMoments::from_configurations(&spins, n).unwrap();
        let options = LearningOptions {
            tolerance: 1e-9,
            ..LearningOptions::default()
        };
        let learned =
            boltzmann_learning(&moments, FullyVisible::zeros(n).unwrap(), &options, 0, 0).unwrap();
        assert!(learned.converged);
        likelihood.push(squared(&learned.machine));
        let fitted = pseudo_likelihood(&spins, n, &PseudoLikelihoodOptions::default()).unwrap();
        assert!(
            fitted.converged,
            "{:?} {}",
            fitted.gradient, fitted.iterations
        );
        pseudo.push(squared(&fitted.machine));
    }
    (likelihood, pseudo)
}

/// Learning recovers the couplings of a known machine, with the error the
/// theory predicts: maximum likelihood reaches the Cramér–Rao bound
/// $\mathbb E\lVert\hat J - J\rVert^2 = \operatorname{tr}F^{-1}_{JJ}/M$ (the
/// Fisher information exact by enumeration), at two data sizes a factor 8
/// apart; pseudo-likelihood's error falls by the same factor 8. Tolerances
/// are the replicas' own standard errors.
#[test]
fn learning_recovers_the_couplings_with_the_cramer_rao_error() {
    let n = 5;
    let truth = machine(n, 1.2, 7);
    let bound = fisher_information(&truth)
        .unwrap()
        .coupling_variance()
        .unwrap();
    let replicas = 60;
    let mut pseudo_means = Vec::new();
    for rows in [1000, 8000] {
        let (likelihood, pseudo) = squared_errors(&truth, rows, replicas);
        let (mean, error) = mean_and_error(&likelihood);
        let predicted = bound / rows as f64;
        assert!(
            (mean - predicted).abs() < 4.0 * error,
            "M = {rows}: MLE squared error {mean:.3e} ± {error:.1e}, Cramér–Rao {predicted:.3e}"
        );
        pseudo_means.push(mean_and_error(&pseudo));
    }
    let ((coarse, coarse_error), (fine, fine_error)) = (pseudo_means[0], pseudo_means[1]);
    let ratio = coarse / fine;
    let ratio_error =
        ratio * ((coarse_error / coarse).powi(2) + (fine_error / fine).powi(2)).sqrt();
    assert!(
        (ratio - 8.0).abs() < 4.0 * ratio_error,
        "pseudo-likelihood error ratio {ratio:.2} ± {ratio_error:.2}, expected 8"
    );
}

/// Monte Carlo learning is unbiased: from a machine's exact moments, the
/// distance of two independent runs to the truth is their own noise (half
/// their squared distance from each other), not more.
#[test]
fn monte_carlo_learning_finds_the_machine_up_to_its_own_noise() {
    let n = 6;
    let truth = machine(n, 1.5, 8);
    let (_, moments) = log_partition_and_moments(&truth).unwrap();
    let options = LearningOptions {
        learning_rate: 0.2,
        iterations: 1500,
        moments: ModelMoments::MonteCarlo(MonteCarloMoments {
            chains: 8,
            temperatures: vec![1.0, 1.5, 2.2],
            sweeps: 4,
            equilibration: 50,
        }),
        ..LearningOptions::default()
    };
    let runs: Vec<FullyVisible> = (0..2)
        .map(|index| {
            boltzmann_learning(
                &moments,
                FullyVisible::zeros(n).unwrap(),
                &options,
                5,
                index,
            )
            .unwrap()
            .machine
        })
        .collect();
    let distance =
        |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>();
    let noise = 0.5 * distance(runs[0].couplings(), runs[1].couplings());
    let bias = 0.5
        * (distance(runs[0].couplings(), truth.couplings())
            + distance(runs[1].couplings(), truth.couplings()));
    assert!(noise > 0.0);
    assert!(
        bias < 4.0 * noise,
        "squared distance to the truth {bias:.3e}, noise {noise:.3e}"
    );
    assert!(reconstruction_error(runs[0].couplings(), truth.couplings()) < 0.1);
}

#[test]
fn bad_machines_and_data_are_refused() {
    let error = FullyVisible::from_parameters(vec![0.0, 1.0, 0.5, 0.0], vec![0.0; 2]).unwrap_err();
    assert!(error.to_string().contains("symmetric"), "{error}");
    let error = SpinMoments::from_configurations(&[1, -1, 0, 1], 2).unwrap_err();
    assert!(error.to_string().contains("+1 or -1"), "{error}");
    let big = FullyVisible::zeros(MAX_VISIBLE_EXACT + 1).unwrap();
    let error = log_partition_and_moments(&big).unwrap_err();
    assert!(error.to_string().contains("at most 24 spins"), "{error}");
    // A spin that never flips has no finite maximum of its pseudo-likelihood.
    let frozen = [1, 1, 1, -1, 1, 1, 1, -1];
    let error = pseudo_likelihood(&frozen, 2, &PseudoLikelihoodOptions::default()).unwrap_err();
    assert!(error.to_string().contains("spin 0"), "{error}");
}
