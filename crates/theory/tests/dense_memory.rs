//! Capacities of dense associative memories against Monte Carlo of random
//! patterns and exact finite-N overlap distributions.

use quench_theory::hopfield::dense::{
    PatternEnsemble, argmax_basin_threshold, binary_rate, exponential_capacity,
    log_sum_exp_threshold, polynomial_bit_error, polynomial_capacity_coefficient,
    polynomial_error_free_capacity, polynomial_signal_to_noise,
};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn cubic_memory_flips_bits_at_the_predicted_rate() {
    // F(x) = x^3, N = 192, P = 3072: SNR = N^2 / (3 P) = 4, bit error Phi(-2) = 0.0228.
    // Finite-N effects (signal 6N^2 - 12N + 8, noise moments of N - 1 signs) move it
    // to about 0.0233; 19200 bits give a standard error of 0.0011.
    let (n, p, trials) = (192usize, 3072usize, 100);
    let words = n / 64;
    let snr = polynomial_signal_to_noise(3, n as f64, p as f64).unwrap();
    assert!((snr - 4.0).abs() < 1e-12);
    let predicted = polynomial_bit_error(3, n as f64, p as f64).unwrap();
    let f = |x: f64| x * x * x;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let (mut flips, mut bits) = (0usize, 0usize);
    let mut others = vec![0u64; p * words];
    for _ in 0..trials {
        let target: Vec<u64> = (0..words).map(|_| rng.next_u64()).collect();
        others.iter_mut().for_each(|w| *w = rng.next_u64());
        // Overlap of each other pattern with the target, from XOR popcounts.
        let overlaps: Vec<f64> = others
            .chunks(words)
            .map(|w| {
                let differ: u32 = w
                    .iter()
                    .zip(&target)
                    .map(|(a, b)| (a ^ b).count_ones())
                    .sum();
                n as f64 - 2.0 * f64::from(differ)
            })
            .collect();
        for i in 0..n {
            let (word, bit) = (i / 64, i % 64);
            // Energy gain of keeping bit i aligned with the target, all other bits on it.
            let mut field = f(n as f64) - f(n as f64 - 2.0);
            for (w, &overlap) in others.chunks(words).zip(&overlaps) {
                let agree = if ((w[word] ^ target[word]) >> bit) & 1 == 0 {
                    1.0
                } else {
                    -1.0
                };
                let rest = overlap - agree;
                field += agree * (f(rest + 1.0) - f(rest - 1.0));
            }
            flips += usize::from(field < 0.0);
            bits += 1;
        }
    }
    let measured = flips as f64 / bits as f64;
    assert!(
        (0.019..0.028).contains(&measured),
        "measured {measured}, predicted {predicted}"
    );
    assert!((predicted - 0.02275).abs() < 1e-4);
}

#[test]
fn polynomial_capacities() {
    // n = 2: McEliece et al. N / (2 ln N); n = 3: N^2 / (6 ln N).
    let n = 1000.0f64;
    let two = polynomial_error_free_capacity(2, n).unwrap();
    assert!((two - n / (2.0 * n.ln())).abs() < 1e-9);
    let three = polynomial_error_free_capacity(3, n).unwrap();
    assert!((three - n * n / (6.0 * n.ln())).abs() < 1e-6);
    // At P_max the expected number of wrong bits in the pattern, N Phi(-sqrt(2 ln N)),
    // vanishes (slowly: like 1/sqrt(4 pi ln N)).
    for n in [1e3, 1e6] {
        let p = polynomial_error_free_capacity(4, n).unwrap();
        let wrong = n * polynomial_bit_error(4, n, p).unwrap();
        assert!(
            wrong < 1.0 / (4.0 * std::f64::consts::PI * n.ln()).sqrt(),
            "{n}: {wrong}"
        );
    }
    // With errors: alpha_n(eps) = 1 / ((2n - 3)!! z^2); z = 1.959964 at eps = 0.025.
    let a = polynomial_capacity_coefficient(3, 0.025).unwrap();
    assert!((a - 1.0 / (3.0 * 1.959_963_984_540_054f64.powi(2))).abs() < 1e-12);
    assert!(polynomial_capacity_coefficient(1, 0.1).is_err());
}

/// ln P(sum of n random signs >= n t) exactly, by the binomial sum in log space.
fn binary_log_tail(n: u64, t: f64) -> f64 {
    let first = ((n as f64 * (1.0 + t) / 2.0).ceil()) as u64;
    let terms: Vec<f64> = (first..=n)
        .map(|k| {
            libm::lgamma(n as f64 + 1.0)
                - libm::lgamma(k as f64 + 1.0)
                - libm::lgamma((n - k) as f64 + 1.0)
                - n as f64 * std::f64::consts::LN_2
        })
        .collect();
    let top = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    top + terms.iter().map(|x| (x - top).exp()).sum::<f64>().ln()
}

/// ln P(xi . x / N >= t) for xi uniform on the sphere in N dimensions:
/// density proportional to (1 - t^2)^((N-3)/2).
fn spherical_log_tail(n: f64, t: f64) -> f64 {
    let a = 0.5 * (n - 3.0);
    let g = |u: f64| a * (1.0 - u * u).ln();
    let steps = 200_000;
    let h = (1.0 - t) / steps as f64;
    let sum: f64 = (0..steps)
        .map(|k| (g(t + (k as f64 + 0.5) * h) - g(t)).exp() * h)
        .sum();
    let log_beta = libm::lgamma(0.5) + libm::lgamma(0.5 * (n - 1.0)) - libm::lgamma(0.5 * n);
    g(t) + sum.ln() - log_beta
}

#[test]
fn overlap_rates_are_the_large_deviations_of_exact_distributions() {
    // (1/N) ln P(t >= t0) -> -J(t0) with O(ln N / N) corrections.
    for (n, t) in [(2_000u64, 0.4), (20_000, 0.4), (20_000, 0.8)] {
        let exact = binary_log_tail(n, t) / n as f64;
        let rate = binary_rate(t).unwrap();
        assert!(
            (exact + rate).abs() < (n as f64).ln() / n as f64,
            "{n} {t}: {exact} {rate}"
        );
    }
    for (n, t) in [(2_000.0, 0.5), (20_000.0, 0.5)] {
        let exact = spherical_log_tail(n, t) / n;
        let rate = PatternEnsemble::Spherical.overlap_rate(t);
        assert!(
            (exact + rate).abs() < f64::ln(n) / n,
            "{n} {t}: {exact} {rate}"
        );
    }
    // The spherical density itself, by sampling random directions in N = 40.
    let (n, t0, samples) = (40usize, 0.3, 40_000);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let mut above = 0usize;
    for _ in 0..samples {
        // Box–Muller Gaussians; the overlap with e_1 of the normalised vector.
        let v: Vec<f64> = (0..n)
            .map(|_| {
                let (u, w) = (1.0 - uniform(&mut rng), uniform(&mut rng));
                (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * w).cos()
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        above += usize::from(v[0] / norm >= t0);
    }
    let measured = above as f64 / samples as f64;
    let exact = spherical_log_tail(n as f64, t0).exp();
    // Standard error sqrt(p (1 - p) / samples) = 0.0013 at p = 0.03.
    assert!((measured - exact).abs() < 0.006, "{measured} {exact}");
}

#[test]
fn argmax_basins_match_exact_finite_size_retrieval_probabilities() {
    // A cue at overlap m is retrieved when none of the other e^{alpha N} patterns
    // overlaps it more: probability exp(-e^{alpha N} P(t >= m)). Across the
    // threshold alpha = J(m) it goes from 1 to 0 as N grows.
    let m = 0.6;
    let sphere = argmax_basin_threshold(PatternEnsemble::Spherical, m).unwrap();
    assert!((sphere + 0.5 * (1.0 - m * m).ln()).abs() < 1e-15);
    let binary = argmax_basin_threshold(PatternEnsemble::Binary, m).unwrap();
    let success = |log_tail: f64, alpha: f64, n: f64| (-(alpha * n + log_tail).exp()).exp();
    for n in [2_000u64, 20_000] {
        let nf = n as f64;
        let (s, b) = (spherical_log_tail(nf, m), binary_log_tail(n, m));
        assert!(
            success(s, sphere - 0.01, nf) > 0.99 && success(s, sphere + 0.01, nf) < 0.01,
            "{n}"
        );
        assert!(
            success(b, binary - 0.01, nf) > 0.99 && success(b, binary + 0.01, nf) < 0.01,
            "{n}"
        );
    }
    // The exponential memory in one step behaves like the argmax at m = 1 - 2 rho.
    let rho = 0.2;
    let c = exponential_capacity(rho).unwrap();
    assert!(
        (c.typical_pattern
            - argmax_basin_threshold(PatternEnsemble::Binary, 1.0 - 2.0 * rho).unwrap())
        .abs()
            < 1e-15
    );
    assert!((c.all_patterns - 0.5 * c.typical_pattern).abs() < 1e-15);
}

/// Poisson draw: exact (Knuth) for small means, normal approximation up to 1e3,
/// the mean itself beyond (relative fluctuation below 3 percent, invisible in ln / N).
fn poisson(mean: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
    if mean > 1e3 {
        return mean;
    }
    if mean > 30.0 {
        let (u, w) = (1.0 - uniform(rng), uniform(rng));
        let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * w).cos();
        return (mean + mean.sqrt() * z).round().max(0.0);
    }
    let limit = (-mean).exp();
    let (mut k, mut product) = (0.0, uniform(rng));
    while product > limit {
        k += 1.0;
        product *= uniform(rng);
    }
    k
}

#[test]
fn binary_random_energy_model_exponent_and_threshold() {
    // e^{alpha N} binary patterns: the number at overlap t with xi^1 is Poisson with
    // mean e^{alpha N} C(N, k) 2^-N; sample those counts and compare
    // (1/N) ln sum_mu e^{lambda xi^mu . xi^1} with the closed form, in the
    // non-condensed (alpha = 0.3) and condensed (alpha = 0.1) regimes at lambda = 0.8,
    // and across the threshold alpha_1 = lambda - ln cosh lambda = 0.5092.
    let (n, lambda) = (4000u64, 0.8);
    let nf = n as f64;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut sampled = |alpha: f64| {
        let mut terms = Vec::new();
        for k in 0..=n {
            let log_p = libm::lgamma(nf + 1.0)
                - libm::lgamma(k as f64 + 1.0)
                - libm::lgamma((n - k) as f64 + 1.0)
                - nf * std::f64::consts::LN_2;
            let log_mean = alpha * nf + log_p;
            let energy = lambda * (2.0 * k as f64 - nf);
            if log_mean > 10.0 {
                terms.push(log_mean + energy);
            } else {
                let count = poisson(log_mean.exp(), &mut rng);
                if count > 0.0 {
                    terms.push(count.ln() + energy);
                }
            }
        }
        let top = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        (top + terms.iter().map(|x| (x - top).exp()).sum::<f64>().ln()) / nf
    };
    for alpha in [0.3, 0.1] {
        let exponent = PatternEnsemble::Binary.rem_exponent(lambda, alpha);
        let measured = sampled(alpha);
        // Finite-N corrections are O(ln N / N) = 2e-3.
        assert!(
            (measured - exponent).abs() < 4e-3,
            "{alpha}: {measured} {exponent}"
        );
    }
    let threshold = log_sum_exp_threshold(PatternEnsemble::Binary, lambda).unwrap();
    assert!((threshold - 0.5092).abs() < 1e-4);
    // Retrieval (signal e^{lambda N} above the rest) just below the threshold, not above.
    assert!(sampled(threshold - 0.02) < lambda);
    assert!(sampled(threshold + 0.02) > lambda);
}

#[test]
fn spherical_and_gaussian_thresholds() {
    // Spherical: alpha_1 grows without bound, like (ln lambda + 1) / 2 + O(1/lambda)
    // (lambda (1 - t*) -> 1/2, 1 - t*^2 -> 1/lambda); Gaussian saturates at 1/2.
    for (lambda, tolerance) in [(100.0f64, 2e-3), (1000.0, 2e-4)] {
        let a = log_sum_exp_threshold(PatternEnsemble::Spherical, lambda).unwrap();
        assert!(
            (a - 0.5 * (lambda.ln() + 1.0)).abs() < tolerance,
            "{lambda} {a}"
        );
    }
    assert_eq!(
        log_sum_exp_threshold(PatternEnsemble::Gaussian, 3.0).unwrap(),
        0.5
    );
    // Gaussian just above lambda = 1 is condensed: the largest overlap sqrt(2 alpha) decides.
    let g = PatternEnsemble::Gaussian;
    assert!((g.rem_exponent(2.0, 0.5) - 2.0).abs() < 1e-15);
    assert!((g.largest_overlap(0.5) - 1.0).abs() < 1e-15);
    assert!(log_sum_exp_threshold(PatternEnsemble::Binary, 0.0).is_err());
}
