//! Jackknife and disorder averages on synthetic disorder samples.

mod common;

use common::{ar1, normal, normals, rng};
use quench_stats::{
    DisorderAverage, Estimate, estimate_from_series, jackknife, mean_and_standard_error,
};

#[test]
fn jackknife_of_a_linear_function_equals_the_standard_error() {
    // For f = 2 [a] - 3 [b] + 1 the leave-one-out values are linear in the
    // samples and the jackknife error is exactly the standard error of
    // 2 a_s - 3 b_s; the bias correction vanishes.
    let mut rng = rng(42);
    let a: Vec<f64> = (0..137).map(|_| 5.0 + normal(&mut rng)).collect();
    let b: Vec<f64> = a.iter().map(|x| 0.3 * x + 0.5 * normal(&mut rng)).collect();
    let combined: Vec<f64> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| 2.0 * x - 3.0 * y + 1.0)
        .collect();
    let (mean, error) = mean_and_standard_error(&combined);
    let estimate = jackknife(&[&a, &b], |m| 2.0 * m[0] - 3.0 * m[1] + 1.0).unwrap();
    assert_eq!(estimate.samples, 137);
    assert!((estimate.value - mean).abs() < 1e-12 * mean.abs());
    assert!((estimate.bias_corrected - mean).abs() < 1e-12 * mean.abs());
    assert!(
        (estimate.error - error).abs() < 1e-12 * error,
        "{estimate:?} vs {error}"
    );
}

/// Delta-method error of $[a]/[b]$ from the sample (co)variances.
fn delta_method_ratio_error(a: &[f64], b: &[f64]) -> f64 {
    let m = a.len() as f64;
    let (mean_a, error_a) = mean_and_standard_error(a);
    let (mean_b, error_b) = mean_and_standard_error(b);
    let covariance = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - mean_a) * (y - mean_b))
        .sum::<f64>()
        / (m - 1.0);
    let ratio = mean_a / mean_b;
    ratio
        * ((error_a / mean_a).powi(2) + (error_b / mean_b).powi(2)
            - 2.0 * covariance / (m * mean_a * mean_b))
            .sqrt()
}

/// Correlated samples $a_s = 2 + 0.3\eta_1$, $b_s = 1 + 0.1\eta_1 + 0.2\eta_2$.
fn correlated_pair(rng: &mut rand_xoshiro::Xoshiro256PlusPlus, m: usize) -> (Vec<f64>, Vec<f64>) {
    (0..m)
        .map(|_| {
            let (eta1, eta2) = (normal(rng), normal(rng));
            (2.0 + 0.3 * eta1, 1.0 + 0.1 * eta1 + 0.2 * eta2)
        })
        .unzip()
}

#[test]
fn jackknife_ratio_error_agrees_with_the_delta_method() {
    // Both are first-order propagations of the same sample covariances; they
    // differ at relative order (coefficient of variation of the means)^2 and
    // 1/M, well below 1 % here.
    let (a, b) = correlated_pair(&mut rng(8), 1000);
    let estimate = jackknife(&[&a, &b], |m| m[0] / m[1]).unwrap();
    let delta = delta_method_ratio_error(&a, &b);
    assert!(
        (estimate.error / delta - 1.0).abs() < 0.01,
        "{estimate:?} vs {delta}"
    );
    let ratio = a.iter().sum::<f64>() / b.iter().sum::<f64>();
    assert!((estimate.value / ratio - 1.0).abs() < 1e-12);
}

#[test]
fn jackknife_ratio_error_matches_the_spread_over_replicas() {
    // 400 independent replicas of M = 50 samples: the spread of [a]/[b]
    // across replicas is the true error. Its estimate from 400 replicas has
    // relative sigma 1/sqrt(2 * 399) = 3.5 %; the root-mean-square jackknife
    // error is far more precise. Allow 15 % (4 sigma plus O(1/M) effects).
    let mut rng = rng(9);
    let replicas = 400;
    let mut values = Vec::with_capacity(replicas);
    let mut mean_squared_error = 0.0;
    for _ in 0..replicas {
        let (a, b) = correlated_pair(&mut rng, 50);
        let estimate = jackknife(&[&a, &b], |m| m[0] / m[1]).unwrap();
        values.push(estimate.value);
        mean_squared_error += estimate.error.powi(2) / replicas as f64;
    }
    let (_, error_of_mean) = mean_and_standard_error(&values);
    let spread = error_of_mean * (replicas as f64).sqrt();
    let ratio = mean_squared_error.sqrt() / spread;
    assert!(
        (ratio - 1.0).abs() < 0.15,
        "jackknife / true error = {ratio}"
    );
}

#[test]
fn jackknife_bias_correction_removes_the_bias_of_a_squared_mean() {
    // f = [x]^2 has bias E[f] - mu^2 = sigma^2 / M. The bias-corrected value
    // is identically [x]^2 - s^2/M (s^2 with denominator M-1), whose
    // expectation is exactly mu^2.
    let mut rng = rng(10);
    let m = 10;
    let replicas = 2000;
    let mut naive = Vec::with_capacity(replicas);
    let mut corrected = Vec::with_capacity(replicas);
    for _ in 0..replicas {
        let x: Vec<f64> = (0..m).map(|_| 1.0 + normal(&mut rng)).collect();
        let estimate = jackknife(&[&x], |means| means[0] * means[0]).unwrap();
        let (mean, error) = mean_and_standard_error(&x);
        let identity = mean * mean - error * error;
        assert!(
            (estimate.bias_corrected - identity).abs() < 1e-12 * identity.abs().max(1.0),
            "{} vs {identity}",
            estimate.bias_corrected
        );
        naive.push(estimate.value);
        corrected.push(estimate.bias_corrected);
    }
    // Over the replicas: the naive mean sits sigma^2/M = 0.1 above mu^2 = 1
    // (about 7 standard errors), the corrected one is compatible with 1.
    let (naive_mean, naive_error) = mean_and_standard_error(&naive);
    let (corrected_mean, corrected_error) = mean_and_standard_error(&corrected);
    assert!(
        ((naive_mean - 1.1) / naive_error).abs() < 4.0,
        "naive {naive_mean} ± {naive_error}"
    );
    assert!(
        ((corrected_mean - 1.0) / corrected_error).abs() < 4.0,
        "corrected {corrected_mean} ± {corrected_error}"
    );
    assert!((naive_mean - 1.0) / naive_error > 4.0);
}

#[test]
fn disorder_spread_separates_from_thermal_noise() {
    // 200 samples with sample mean mu_s ~ N(0.5, 0.05^2), each measured by an
    // AR(1) run of 4096 values (tau_int = 1.5, thermal error about 0.027).
    // The observed spread satisfies s^2 ~ sigma_d^2 + <thermal error^2>;
    // with M = 200, s^2 has relative sigma sqrt(2/199) = 10 %; allow 3 sigma.
    let mut rng = rng(12);
    let samples = 200;
    let sigma_disorder = 0.05;
    let mut mean_squared_thermal_error = 0.0;
    let estimates: Vec<Estimate> = (0..samples)
        .map(|_| {
            let mu = 0.5 + sigma_disorder * normal(&mut rng);
            let series: Vec<f64> = ar1(&mut rng, 0.5, 4096).iter().map(|x| mu + x).collect();
            let estimate = estimate_from_series(&series);
            mean_squared_thermal_error += estimate.error.powi(2) / samples as f64;
            estimate
        })
        .collect();
    let average = DisorderAverage::from_estimates(&estimates);
    assert_eq!(average.count(), samples);
    let thermal = average.mean_thermal_error().unwrap();
    assert!(
        (thermal / (3.0_f64 / 4096.0).sqrt() - 1.0).abs() < 0.1,
        "{thermal}"
    );
    let expected_variance = sigma_disorder.powi(2) + mean_squared_thermal_error;
    let ratio = average.standard_deviation().powi(2) / expected_variance;
    assert!((ratio - 1.0).abs() < 0.3, "s^2 / expected = {ratio}");
    let z = (average.mean() - 0.5) / average.error();
    assert!(z.abs() < 4.0, "{average}");
}

#[test]
fn quantiles_of_a_large_sample() {
    // Median of 10001 standard normals: sigma = sqrt(pi/2)/sqrt(M) = 0.0125.
    // Quartiles at +-0.6745 with sigma = 0.0136.
    let average = DisorderAverage::new(normals(&mut rng(13), 10_001));
    assert!(
        average.median().abs() < 4.0 * 0.0125,
        "{}",
        average.median()
    );
    let lower = average.quantile(0.25).unwrap();
    let upper = average.quantile(0.75).unwrap();
    assert!((lower + 0.6745).abs() < 4.0 * 0.0136, "{lower}");
    assert!((upper - 0.6745).abs() < 4.0 * 0.0136, "{upper}");
    assert!(average.quantile(0.0).unwrap() <= lower);
    assert!((average.standard_deviation() - 1.0).abs() < 4.0 / (2.0 * 10_000.0_f64).sqrt());
}
