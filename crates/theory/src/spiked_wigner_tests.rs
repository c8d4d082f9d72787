use super::*;

/// Mean and standard error of the mean.
fn mean_and_error(values: &[f64]) -> (f64, f64) {
    let k = values.len() as f64;
    let mean = values.iter().sum::<f64>() / k;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (k - 1.0);
    (mean, (var / k).sqrt())
}

fn final_overlap(n: usize, snr: f64, prior: SignalPrior, seed: u64) -> f64 {
    let sample = draw_spiked_wigner(n, snr, prior, seed).unwrap();
    let start = WignerStart {
        side_snr: 0.05,
        seed: 100 + seed,
    };
    let options = IterationOptions {
        damping: 1.0,
        tolerance: 1e-6,
        max_iterations: 60,
    };
    let run = spiked_wigner_amp(
        &sample.matrix,
        n,
        snr,
        prior,
        &start,
        &options,
        Some(&sample.signal),
    )
    .unwrap();
    assert_eq!(run.overlaps.len(), run.state_evolution.len());
    *run.overlaps.last().unwrap()
}

#[test]
fn amp_reaches_the_state_evolution_fixed_point() {
    // Sample-to-sample fluctuations of the overlap are O(1/sqrt N); with k seeds
    // the mean must lie within 4 standard errors of the SE (the error floored at
    // 1/sqrt(N k), so that an unluckily small spread of 4 seeds cannot make the
    // test stricter than the finite-size scale).
    let (n, seeds) = (2000, 4);
    for prior in [SignalPrior::Rademacher, SignalPrior::Gaussian] {
        for snr in [2.0, 3.0] {
            let theory = spiked_wigner_state_evolution(snr, prior).unwrap().overlap;
            let finals: Vec<f64> = (0..seeds)
                .map(|s| final_overlap(n, snr, prior, s))
                .collect();
            let (mean, error) = mean_and_error(&finals);
            let tolerance = 4.0 * error.max(1.0 / ((n * seeds as usize) as f64).sqrt());
            println!("{prior:?} snr {snr}: AMP {mean:.4} +- {error:.4}, SE {theory:.4}");
            assert!(
                (mean - theory).abs() < tolerance,
                "{prior:?} {snr}: {finals:?} vs {theory}"
            );
        }
        // Below the transition the overlap decays to O(1/sqrt N).
        for seed in 0..2 {
            let m = final_overlap(n, 0.5, prior, seed);
            assert!(m.abs() < 3.0 / (n as f64).sqrt(), "{prior:?} snr 0.5: {m}");
        }
    }
}

#[test]
fn gaussian_prior_fixed_point_is_one_minus_inverse_snr() {
    for snr in [0.5, 1.0, 1.5, 2.0, 5.0] {
        let steps =
            spiked_wigner_state_evolution_steps(snr, SignalPrior::Gaussian, 0.01, 3000).unwrap();
        let exact = f64::max(0.0, 1.0 - 1.0 / snr);
        // At snr = 1 the approach to 0 is algebraic, m_t ~ 1/t.
        let slack = if snr == 1.0 { 1e-3 } else { 1e-12 };
        assert!(
            (steps.last().unwrap() - exact).abs() < slack,
            "{snr}: {steps:?}"
        );
        let point = spiked_wigner_state_evolution(snr, SignalPrior::Gaussian).unwrap();
        assert!((point.overlap - exact).abs() < 1e-15 && (point.mmse - 1.0 + exact).abs() < 1e-15);
    }
}

#[test]
fn rademacher_transition_is_continuous_at_snr_one() {
    for snr in [0.3, 1.0] {
        assert_eq!(
            spiked_wigner_state_evolution(snr, SignalPrior::Rademacher)
                .unwrap()
                .overlap,
            0.0
        );
    }
    // m = eps - eps^2/3 + O(eps^3), eps = snr - 1: the error divided by eps^3
    // must stay bounded as eps shrinks (it tends to about -0.78).
    for eps in [0.04, 0.02, 0.01, 0.005] {
        let m = spiked_wigner_state_evolution(1.0 + eps, SignalPrior::Rademacher)
            .unwrap()
            .overlap;
        let remainder = (m - (eps - eps * eps / 3.0)) / eps.powi(3);
        println!("eps {eps}: m {m}, remainder / eps^3 {remainder}");
        assert!(remainder.abs() < 1.5, "{eps}: {m}");
    }
    // The root found agrees with iterating the state evolution, and exceeds the
    // Gaussian prior's overlap (a discrete prior is easier to estimate).
    for snr in [1.5, 2.0, 3.0] {
        let point = spiked_wigner_state_evolution(snr, SignalPrior::Rademacher).unwrap();
        let steps =
            spiked_wigner_state_evolution_steps(snr, SignalPrior::Rademacher, 0.05, 400).unwrap();
        assert!((steps.last().unwrap() - point.overlap).abs() < 1e-10);
        assert!(point.overlap > 1.0 - 1.0 / snr);
        assert!((point.matrix_mmse - (1.0 - point.overlap.powi(2))).abs() < 1e-15);
    }
}

#[test]
fn bad_parameters_are_named() {
    let name = |e: TheoryError| match e {
        TheoryError::Parameter(p) => p.parameter,
        other => panic!("{other}"),
    };
    let options = IterationOptions::default();
    let start = WignerStart::default();
    let matrix = vec![0.0; 4];
    for snr in [-1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(
            name(spiked_wigner_state_evolution(snr, SignalPrior::Gaussian).unwrap_err()),
            "snr"
        );
        assert_eq!(
            name(draw_spiked_wigner(3, snr, SignalPrior::Gaussian, 0).unwrap_err()),
            "snr"
        );
    }
    assert_eq!(
        name(draw_spiked_wigner(0, 1.0, SignalPrior::Gaussian, 0).unwrap_err()),
        "n"
    );
    let amp = |m: &[f64], n: usize, start: &WignerStart, truth: Option<&[f64]>| {
        spiked_wigner_amp(m, n, 1.0, SignalPrior::Rademacher, start, &options, truth).unwrap_err()
    };
    assert_eq!(name(amp(&matrix, 0, &start, None)), "n");
    assert_eq!(name(amp(&matrix, 3, &start, None)), "matrix");
    assert_eq!(name(amp(&matrix, 2, &start, Some(&[1.0]))), "truth");
    let bad_start = WignerStart {
        side_snr: 0.0,
        seed: 0,
    };
    assert_eq!(name(amp(&matrix, 2, &bad_start, None)), "side_snr");
    assert_eq!(
        name(spiked_wigner_state_evolution_steps(1.0, SignalPrior::Gaussian, -1.0, 3).unwrap_err()),
        "side_snr"
    );
}

#[test]
fn drawn_matrix_is_symmetric_with_the_documented_scale() {
    let n = 400;
    let sample = draw_spiked_wigner(n, 4.0, SignalPrior::Rademacher, 7).unwrap();
    let y = &sample.matrix;
    assert!((0..n).all(|i| (0..n).all(|j| y[i * n + j] == y[j * n + i])));
    // x^T Y x / N = sqrt(snr) + x^T W x / N, the last of standard deviation
    // sqrt(2/N) = 0.07 for a Rademacher spike: allow 4 of them.
    let x = &sample.signal;
    let quadratic: f64 = (0..n)
        .map(|i| x[i] * (0..n).map(|j| y[i * n + j] * x[j]).sum::<f64>())
        .sum();
    let value = quadratic / n as f64;
    assert!((value - 2.0).abs() < 0.3, "{value}");
    // Off-diagonal noise of variance 1/N: sum of squares / N^2 ~ 1/N (+ snr/N^2 spike).
    let mean_square = y.iter().map(|v| v * v).sum::<f64>() / (n * n) as f64;
    assert!((mean_square * n as f64 - 1.0).abs() < 0.03, "{mean_square}");
}
