//! Autocorrelation function and integrated autocorrelation time with Sokal's
//! automatic window.
//!
//! For a stationary series $x_1,\dots,x_n$ with mean $\bar x$ the
//! autocovariance at lag $t$ is estimated as
//! $$C(t) = \frac{1}{n-t}\sum_{i=1}^{n-t} (x_i - \bar x)(x_{i+t} - \bar x),$$
//! the normalised autocorrelation as $\rho(t) = C(t)/C(0)$ and the integrated
//! autocorrelation time with window $W$ as
//! $$\tau_\text{int}(W) = \frac12 + \sum_{t=1}^{W} \rho(t).$$
//! The first 256 lags are summed directly ($O(n)$ each), which covers
//! $\tau_\text{int} \lesssim 50$ with Sokal's window; larger lags come from
//! one fast Fourier transform of the zero-padded series, $O(n \log n)$ time
//! and about $16 \cdot 4n$ bytes of scratch memory (about half a second for
//! $n = 2^{20}$). For series too long to hold in memory use
//! [`BinningAccumulator`](crate::BinningAccumulator).

use crate::error::StatsError;
use crate::estimate::mean_and_variance;
use serde::{Deserialize, Serialize};

/// Default factor $c$ of Sokal's window rule $W \ge c\\,\tau_\text{int}(W)$.
///
/// Sokal recommends $c \approx 4$–$6$ for roughly exponential decay; with
/// $c = 5$ the neglected tail is about $e^{-5} \approx 0.7\\,\\%$ of
/// $\tau_\text{int}$ for a single exponential, while the statistical error
/// stays small.
pub const SOKAL_WINDOW_FACTOR: f64 = 5.0;

/// Result of [`sokal_autocorrelation`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SokalEstimate {
    /// Integrated autocorrelation time $\tau_\text{int}(W)$ in units of
    /// measurements ($1/2$ for uncorrelated data).
    pub tau_int: f64,
    /// Statistical error of `tau_int` from the Madras–Sokal formula
    /// $\sigma_\tau \approx \tau_\text{int} \sqrt{2(2W+1)/n}$.
    pub tau_int_error: f64,
    /// The chosen window $W$ (largest lag included in the sum).
    pub window: usize,
    /// Whether a window with $W \ge c\\,\tau_\text{int}(W)$ was found. If not,
    /// the sum ran over all lags, $W = n-1$, and `tau_int` is unreliable.
    ///
    /// A found window does not certify the estimate: for a series not much
    /// longer than its autocorrelation time the estimated $\rho(t)$ turns
    /// negative at large lags (the deviations from the sample mean sum to
    /// zero), $\tau_\text{int}(W)$ drops and the condition is met with a
    /// strongly underestimated $\tau_\text{int}$. Trust the result only if
    /// $n \gtrsim 100\\,\tau_\text{int}$ (Sokal advises $n \gtrsim 1000\\,\tau$).
    pub window_found: bool,
}

/// Integrated autocorrelation time of a time series with Sokal's automatic
/// window and the default factor [`SOKAL_WINDOW_FACTOR`] ($c = 5$).
///
/// Returns the smallest-window $\tau_\text{int}(W)$ with
/// $W \ge c\\,\tau_\text{int}(W)$ (see [`sokal_autocorrelation`] for the
/// window and the error). `NaN` for fewer than two values, $1/2$ for a
/// constant series.
pub fn autocorrelation_time_sokal(series: &[f64]) -> f64 {
    sokal_autocorrelation(series, SOKAL_WINDOW_FACTOR).map_or(f64::NAN, |sokal| sokal.tau_int)
}

/// Integrated autocorrelation time with Sokal's automatic window for a
/// chosen window factor $c$: the smallest $W$ with
/// $W \ge c\\,\tau_\text{int}(W)$.
///
/// Errors if `window_factor` is not finite and positive, or if the series
/// has fewer than two values. A constant series gives $\tau_\text{int} = 1/2$
/// with window 0.
pub fn sokal_autocorrelation(
    series: &[f64],
    window_factor: f64,
) -> Result<SokalEstimate, StatsError> {
    if !(window_factor.is_finite() && window_factor > 0.0) {
        return Err(StatsError::invalid(
            "window_factor",
            window_factor,
            "must be finite and positive (Sokal recommends 4 to 6)",
        ));
    }
    let n = series.len();
    if n < 2 {
        return Err(StatsError::TooFewSamples {
            statistic: "Sokal autocorrelation time",
            needed: 2,
            got: n,
        });
    }
    let deviations = deviations_from_mean(series);
    let direct = |lag: usize| lagged_product_sum(&deviations, lag) / (n - lag) as f64;
    let c0 = direct(0);
    if c0 == 0.0 {
        return Ok(SokalEstimate {
            tau_int: 0.5,
            tau_int_error: 0.0,
            window: 0,
            window_found: true,
        });
    }
    // Direct sums for the first lags: cheap when tau_int is small, which is
    // the usual case. All remaining lags by one FFT if the window is larger.
    let mut by_fft: Option<Vec<f64>> = None;
    let mut tau_int = 0.5;
    let mut window = n - 1;
    let mut window_found = false;
    for lag in 1..n {
        let c = if lag <= DIRECT_MAX_LAG {
            direct(lag)
        } else {
            by_fft.get_or_insert_with(|| autocovariance_by_fft(&deviations, n - 1))[lag]
        };
        tau_int += c / c0;
        if lag as f64 >= window_factor * tau_int {
            window = lag;
            window_found = true;
            break;
        }
    }
    let tau_int_error = tau_int * (2.0 * (2.0 * window as f64 + 1.0) / n as f64).sqrt();
    Ok(SokalEstimate {
        tau_int,
        tau_int_error,
        window,
        window_found,
    })
}

/// Normalised autocorrelation function $\rho(t) = C(t)/C(0)$ for lags
/// $t = 0, \dots, \min(\text{max\_lag}, n-1)$.
///
/// Empty for an empty series; every entry is `NaN` for a constant series
/// ($C(0) = 0$). Estimates at lags close to $n$ average few products and are
/// very noisy.
pub fn autocorrelation_function(series: &[f64], max_lag: usize) -> Vec<f64> {
    if series.is_empty() {
        return Vec::new();
    }
    let autocovariance = autocovariance(series, max_lag.min(series.len() - 1));
    let c0 = autocovariance[0];
    autocovariance.iter().map(|c| c / c0).collect()
}

/// Largest lag computed by direct $O(n)$ sums before switching to the FFT.
/// One FFT of the padded series costs about as much as a few hundred lags.
const DIRECT_MAX_LAG: usize = 256;

/// Autocovariance $C(t)$ for $t = 0, \dots, \text{max\_lag} \le n-1$, by
/// direct sums for few lags and by FFT otherwise.
fn autocovariance(series: &[f64], max_lag: usize) -> Vec<f64> {
    let deviations = deviations_from_mean(series);
    let n = series.len();
    if max_lag <= DIRECT_MAX_LAG {
        (0..=max_lag)
            .map(|lag| lagged_product_sum(&deviations, lag) / (n - lag) as f64)
            .collect()
    } else {
        autocovariance_by_fft(&deviations, max_lag)
    }
}

/// $x_i - \bar x$ for every value.
fn deviations_from_mean(series: &[f64]) -> Vec<f64> {
    let (mean, _) = mean_and_variance(series);
    series.iter().map(|x| x - mean).collect()
}

/// $\sum_{i} d_i d_{i+t}$, with eight partial sums (faster and more accurate
/// than one running sum).
fn lagged_product_sum(deviations: &[f64], lag: usize) -> f64 {
    let (head, tail) = (&deviations[..deviations.len() - lag], &deviations[lag..]);
    let mut partial = [0.0; 8];
    let head_chunks = head.chunks_exact(8);
    let tail_chunks = tail.chunks_exact(8);
    let remainder: f64 = head_chunks
        .remainder()
        .iter()
        .zip(tail_chunks.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a, b) in head_chunks.zip(tail_chunks) {
        for k in 0..8 {
            partial[k] += a[k] * b[k];
        }
    }
    partial.iter().sum::<f64>() + remainder
}

/// Autocovariance from the deviations for lags $0..=\text{max\_lag}$ by FFT
/// (`rustfft`): zero-pad to at least $2n$ so that the circular
/// autocorrelation equals the linear one, take $|X_k|^2$ and transform back.
fn autocovariance_by_fft(deviations: &[f64], max_lag: usize) -> Vec<f64> {
    use rustfft::FftPlanner;
    use rustfft::num_complex::Complex;
    let n = deviations.len();
    let size = (2 * n).next_power_of_two();
    let mut data = vec![Complex::new(0.0, 0.0); size];
    for (slot, &d) in data.iter_mut().zip(deviations) {
        slot.re = d;
    }
    let mut planner = FftPlanner::<f64>::new();
    planner.plan_fft_forward(size).process(&mut data);
    for z in data.iter_mut() {
        *z = Complex::new(z.norm_sqr(), 0.0);
    }
    planner.plan_fft_inverse(size).process(&mut data);
    (0..=max_lag)
        .map(|lag| data[lag].re / (size as f64 * (n - lag) as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct_autocovariance(series: &[f64], lag: usize) -> f64 {
        let n = series.len();
        let mean = series.iter().sum::<f64>() / n as f64;
        (0..n - lag)
            .map(|i| (series[i] - mean) * (series[i + lag] - mean))
            .sum::<f64>()
            / (n - lag) as f64
    }

    #[test]
    fn fft_autocovariance_matches_the_direct_sum() {
        for n in [2, 3, 7, 64, 100, 1000] {
            let series: Vec<f64> = (0..n)
                .map(|i| ((i * 7919 + 13) % 97) as f64 + 1e3)
                .collect();
            let fast = autocovariance_by_fft(&deviations_from_mean(&series), n - 1);
            let c0 = direct_autocovariance(&series, 0);
            for (lag, &c) in fast.iter().enumerate().take(50) {
                let direct = direct_autocovariance(&series, lag);
                assert!(
                    (c - direct).abs() < 1e-12 * c0,
                    "n = {n}, lag = {lag}: {c} vs {direct}"
                );
            }
        }
    }

    #[test]
    fn sokal_beyond_the_direct_lags_matches_direct_sums() {
        // A slowly decorrelating series (tau_int ~ 100) needs a window
        // beyond DIRECT_MAX_LAG, where the autocovariance comes from the FFT.
        use rand::SeedableRng;
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(17);
        let mut x = 0.0;
        let series: Vec<f64> = (0..20_000)
            .map(|_| {
                let eta: f64 = StandardNormal.sample(&mut rng);
                x = 0.99 * x + 0.141 * eta;
                x
            })
            .collect();
        let sokal = sokal_autocorrelation(&series, SOKAL_WINDOW_FACTOR).unwrap();
        assert!(
            sokal.window_found && sokal.window > DIRECT_MAX_LAG,
            "{sokal:?}"
        );
        let c0 = direct_autocovariance(&series, 0);
        let direct = 0.5
            + (1..=sokal.window)
                .map(|lag| direct_autocovariance(&series, lag) / c0)
                .sum::<f64>();
        assert!(
            (sokal.tau_int - direct).abs() < 1e-10 * direct,
            "{sokal:?} vs {direct}"
        );
        let previous = direct - direct_autocovariance(&series, sokal.window) / c0;
        assert!(((sokal.window - 1) as f64) < SOKAL_WINDOW_FACTOR * previous);
        let rho = autocorrelation_function(&series, 300);
        assert_eq!(rho.len(), 301);
        assert!((rho[300] - direct_autocovariance(&series, 300) / c0).abs() < 1e-12);
    }

    #[test]
    fn autocorrelation_function_of_an_alternating_series() {
        let series: Vec<f64> = (0..1000)
            .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let rho = autocorrelation_function(&series, 4);
        let expected = [1.0, -1.0, 1.0, -1.0, 1.0];
        assert_eq!(rho.len(), 5);
        for (r, e) in rho.iter().zip(expected) {
            assert!((r - e).abs() < 1e-12);
        }
        assert_eq!(autocorrelation_function(&series[..3], 10).len(), 3);
        assert!(autocorrelation_function(&[], 10).is_empty());
    }

    #[test]
    fn sokal_edge_cases() {
        assert!(autocorrelation_time_sokal(&[1.0]).is_nan());
        assert_eq!(autocorrelation_time_sokal(&[2.0; 10]), 0.5);
        let error = sokal_autocorrelation(&[1.0, 2.0, 3.0], 0.0).unwrap_err();
        assert!(error.to_string().contains("`window_factor`"), "{error}");
        let error = sokal_autocorrelation(&[1.0], 5.0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Sokal autocorrelation time needs at least 2 samples, got 1"
        );
        let series: Vec<f64> = (0..100).map(|i| ((i * 7919) % 31) as f64).collect();
        let sokal = sokal_autocorrelation(&series, SOKAL_WINDOW_FACTOR).unwrap();
        assert!(sokal.window_found);
        assert!(sokal.window as f64 >= SOKAL_WINDOW_FACTOR * sokal.tau_int);
    }
}
