use super::*;

/// Mean and standard error of the mean.
fn mean_and_error(values: &[f64]) -> (f64, f64) {
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
    (mean, (var / k).sqrt())
}

fn undamped() -> IterationOptions {
    IterationOptions {
        damping: 1.0,
        tolerance: 1e-8,
        max_iterations: 40,
    }
}

#[test]
fn gaussian_prior_reaches_the_bayes_optimal_asymptote() {
    // Bayes-optimal spherical perceptron: eps_g ~ 0.442 / alpha as alpha -> oo.
    // Corrections are O(1/alpha): extrapolate alpha * eps linearly in 1/alpha.
    let product = |alpha: f64| {
        let point = perceptron_state_evolution_fixed_point(WeightPrior::Gaussian, alpha, 0.0, 1e-6)
            .unwrap();
        alpha * point.generalization_error
    };
    let (a, b) = (product(200.0), product(400.0));
    let limit = 2.0 * b - a;
    println!("alpha eps: {a} {b} -> {limit}");
    assert!((limit - 0.442).abs() < 5e-4, "{limit}");
}

#[test]
fn binary_prior_jumps_to_perfect_recovery_at_the_algorithmic_threshold() {
    // Barbier et al. PNAS 2019: binary prior, sign channel, alpha_alg = 1.493.
    let recovers = |alpha: f64| {
        perceptron_state_evolution_fixed_point(WeightPrior::Binary, alpha, 0.0, 1e-6)
            .unwrap()
            .overlap
            > 1.0 - 1e-9
    };
    let poor = perceptron_state_evolution_fixed_point(WeightPrior::Binary, 1.4, 0.0, 1e-6).unwrap();
    println!("poor branch at 1.4: {poor:?}");
    assert!(poor.overlap < 0.9);
    let (mut low, mut high) = (1.4, 1.6);
    assert!(!recovers(low) && recovers(high));
    while high - low > 2e-5 {
        let middle = 0.5 * (low + high);
        if recovers(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    println!("alpha_alg in [{low}, {high}]");
    assert!((0.5 * (low + high) - 1.493).abs() < 5e-4);
}

#[test]
fn amp_follows_state_evolution_on_finite_samples() {
    // The final overlap fluctuates from sample to sample by O(1/sqrt N): the mean
    // over k seeds must lie within 4 standard errors of the SE fixed point (the
    // error floored at 1/sqrt(N k), so that 4 seeds of unluckily small spread
    // cannot make the test stricter than the finite-size scale).
    let (n, seeds) = (1000, 4);
    for &(prior, alpha) in &[
        (WeightPrior::Gaussian, 2.0),
        (WeightPrior::Binary, 1.2),
        (WeightPrior::Binary, 2.0),
    ] {
        let point = perceptron_state_evolution_fixed_point(prior, alpha, 0.0, 0.0).unwrap();
        let mut overlaps = Vec::new();
        for seed in 0..seeds {
            let sample =
                draw_perceptron(n, alpha, prior, InputDistribution::Gaussian, 0.0, seed).unwrap();
            let run = perceptron_amp(
                &sample.inputs,
                sample.rows,
                sample.cols,
                &sample.labels,
                prior,
                0.0,
                &undamped(),
                Some(&sample.teacher),
            )
            .unwrap();
            assert_eq!(run.teacher_overlaps.len(), run.state_evolution.len());
            // Nishimori on the sample: q_t tracks m_t.
            let (m, q) = (
                *run.teacher_overlaps.last().unwrap(),
                *run.self_overlaps.last().unwrap(),
            );
            assert!((m - q).abs() < 4.0 / (n as f64).sqrt(), "{m} {q}");
            overlaps.push(m);
        }
        let (mean, error) = mean_and_error(&overlaps);
        let tolerance = 4.0 * error.max(1.0 / ((n * seeds as usize) as f64).sqrt());
        println!(
            "{prior:?} alpha {alpha}: AMP {mean:.4} +- {error:.4}, SE {:.4}",
            point.overlap
        );
        assert!(
            (mean - point.overlap).abs() < tolerance,
            "{overlaps:?} vs {point:?}"
        );
    }
}

#[test]
fn label_noise_and_binary_inputs_run_and_agree_with_state_evolution() {
    let (n, alpha, noise) = (1000, 3.0, 0.1);
    let point =
        perceptron_state_evolution_fixed_point(WeightPrior::Gaussian, alpha, noise, 0.0).unwrap();
    let sample = draw_perceptron(
        n,
        alpha,
        WeightPrior::Gaussian,
        InputDistribution::Binary,
        noise,
        9,
    )
    .unwrap();
    let flipped = sample
        .labels
        .iter()
        .zip(sample.inputs.chunks_exact(n))
        .filter(|&(y, x)| {
            let field: f64 = x.iter().zip(&sample.teacher).map(|(a, b)| a * b).sum();
            y * field < 0.0
        });
    let fraction = flipped.count() as f64 / sample.rows as f64;
    assert!((fraction - noise).abs() < 4.0 * (noise * (1.0 - noise) / sample.rows as f64).sqrt());
    let run = perceptron_amp(
        &sample.inputs,
        sample.rows,
        n,
        &sample.labels,
        WeightPrior::Gaussian,
        noise,
        &undamped(),
        Some(&sample.teacher),
    )
    .unwrap();
    let m = *run.teacher_overlaps.last().unwrap();
    println!("noisy: AMP {m:.4}, SE {:.4}", point.overlap);
    assert!((m - point.overlap).abs() < 4.0 / (n as f64).sqrt() * 2.0);
    let eps = run.generalization_error.unwrap();
    assert!(
        (eps - point.generalization_error).abs() < 0.03,
        "{eps} {point:?}"
    );
}

#[test]
fn bad_parameters_are_named() {
    let name = |e: TheoryError| match e {
        TheoryError::Parameter(p) => p.parameter,
        other => panic!("{other}"),
    };
    let g = WeightPrior::Gaussian;
    for alpha in [-1.0, f64::NAN] {
        assert_eq!(
            name(perceptron_state_evolution(g, alpha, 0.0, 0.0, 3).unwrap_err()),
            "alpha"
        );
        assert_eq!(
            name(perceptron_state_evolution_fixed_point(g, alpha, 0.0, 0.0).unwrap_err()),
            "alpha"
        );
    }
    for noise in [-0.1, 0.5, f64::NAN] {
        assert_eq!(
            name(perceptron_state_evolution(g, 1.0, noise, 0.0, 3).unwrap_err()),
            "label_noise"
        );
        assert_eq!(
            name(draw_perceptron(3, 1.0, g, InputDistribution::Gaussian, noise, 0).unwrap_err()),
            "label_noise"
        );
    }
    assert_eq!(
        name(perceptron_state_evolution(g, 1.0, 0.0, 1.5, 3).unwrap_err()),
        "initial"
    );
    assert_eq!(
        name(draw_perceptron(0, 1.0, g, InputDistribution::Gaussian, 0.0, 0).unwrap_err()),
        "n"
    );
    let options = undamped();
    let amp = |x: &[f64], rows, cols, y: &[f64], truth: Option<&[f64]>| {
        perceptron_amp(x, rows, cols, y, g, 0.0, &options, truth).unwrap_err()
    };
    let x = [1.0; 6];
    assert_eq!(name(amp(&x, 0, 3, &[], None)), "rows");
    assert_eq!(name(amp(&x, 2, 0, &[1.0, 1.0], None)), "cols");
    assert_eq!(name(amp(&x, 2, 2, &[1.0, 1.0], None)), "inputs");
    assert_eq!(name(amp(&x, 2, 3, &[1.0], None)), "labels");
    assert_eq!(name(amp(&x, 2, 3, &[1.0, 0.5], None)), "labels");
    assert_eq!(name(amp(&x, 2, 3, &[1.0, -1.0], Some(&[1.0]))), "truth");
    let bad = IterationOptions {
        damping: 0.0,
        ..options
    };
    let e = perceptron_amp(&x, 2, 3, &[1.0, -1.0], g, 0.0, &bad, None).unwrap_err();
    assert_eq!(name(e), "damping");
}
