//! Autocorrelation function and integrated autocorrelation time with Sokal's
//! automatic window.
//!
//! For a stationary series $x_1,\dots,x_n$ with mean $\bar x$ the
//! autocovariance at lag $t$ is estimated as
//! $$C(t) = \frac{1}{n-t}\sum_{i=1}^{n-t} (x_i - \bar x)(x_{i+t} - \bar x),$$
//! the normalised autocorrelation as $\rho(t) = C(t)/C(0)$ and the integrated
//! autocorrelation time with window $W$ as
//! $$\tau_\text{int}(W) = \frac12 + \sum_{t=1}^{W} \rho(t).$$
//! The sums are evaluated for all lags at once with a fast Fourier transform,
//! in $O(n \log n)$ time and about $32 \cdot 2n$ bytes of scratch memory; for
//! series too long to hold in memory use
//! [`BinningAccumulator`](crate::BinningAccumulator).

use crate::error::StatsError;
use crate::estimate::mean_and_variance;
use serde::{Deserialize, Serialize};

/// Default factor $c$ of Sokal's window rule $W \ge c\,\tau_\text{int}(W)$.
///
/// Sokal recommends $c \approx 4$–$6$ for roughly exponential decay; with
/// $c = 5$ the neglected tail is about $e^{-5} \approx 0.7\,\%$ of
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
    /// Whether a window with $W \ge c\,\tau_\text{int}(W)$ was found. If not,
    /// the series is too short compared to its autocorrelation time, the sum
    /// ran over all lags $W = n-1$ and `tau_int` is unreliable.
    pub window_found: bool,
}

/// Integrated autocorrelation time of a time series with Sokal's automatic
/// window and the default factor [`SOKAL_WINDOW_FACTOR`] ($c = 5$).
///
/// Returns the smallest-window $\tau_\text{int}(W)$ with
/// $W \ge c\,\tau_\text{int}(W)$ (see [`sokal_autocorrelation`] for the
/// window and the error). `NaN` for fewer than two values, $1/2$ for a
/// constant series.
pub fn autocorrelation_time_sokal(series: &[f64]) -> f64 {
    sokal_autocorrelation(series, SOKAL_WINDOW_FACTOR).map_or(f64::NAN, |sokal| sokal.tau_int)
}

/// Integrated autocorrelation time with Sokal's automatic window for a
/// chosen window factor $c$: the smallest $W$ with
/// $W \ge c\,\tau_\text{int}(W)$.
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
    let autocovariance = autocovariance(series, n - 1);
    let c0 = autocovariance[0];
    if c0 == 0.0 {
        return Ok(SokalEstimate {
            tau_int: 0.5,
            tau_int_error: 0.0,
            window: 0,
            window_found: true,
        });
    }
    let mut tau_int = 0.5;
    let mut window = n - 1;
    let mut window_found = false;
    for (lag, &c) in autocovariance.iter().enumerate().skip(1) {
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

/// Autocovariance $C(t)$ for $t = 0, \dots, \text{max\_lag} \le n-1$.
fn autocovariance(series: &[f64], max_lag: usize) -> Vec<f64> {
    let n = series.len();
    let (mean, _) = mean_and_variance(series);
    let size = (2 * n).next_power_of_two();
    let mut re = vec![0.0; size];
    let mut im = vec![0.0; size];
    for (slot, &x) in re.iter_mut().zip(series) {
        *slot = x - mean;
    }
    let twiddles = Twiddles::new(size);
    fft(&mut re, &mut im, &twiddles);
    for (r, i) in re.iter_mut().zip(im.iter_mut()) {
        *r = *r * *r + *i * *i;
        *i = 0.0;
    }
    // The power spectrum is real and even, so its forward transform equals
    // `size` times its inverse transform: the circular autocorrelation, which
    // equals the linear one thanks to the zero padding to at least 2n.
    fft(&mut re, &mut im, &twiddles);
    (0..=max_lag)
        .map(|lag| re[lag] / (size as f64 * (n - lag) as f64))
        .collect()
}

/// $e^{-2\pi i k/N}$ for $k < N/2$, each evaluated directly for accuracy.
struct Twiddles {
    cos: Vec<f64>,
    sin: Vec<f64>,
}

impl Twiddles {
    fn new(size: usize) -> Self {
        let angles = (0..size / 2).map(|k| -2.0 * std::f64::consts::PI * k as f64 / size as f64);
        Self {
            cos: angles.clone().map(f64::cos).collect(),
            sin: angles.map(f64::sin).collect(),
        }
    }
}

/// In-place iterative radix-2 forward discrete Fourier transform
/// $X_k = \sum_j x_j e^{-2\pi i jk/N}$; the length must be a power of two.
fn fft(re: &mut [f64], im: &mut [f64], twiddles: &Twiddles) {
    let size = re.len();
    debug_assert!(size.is_power_of_two() && im.len() == size);
    if size < 2 {
        return;
    }
    let bits = size.trailing_zeros();
    for i in 0..size {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut half = 1;
    while half < size {
        let stride = size / (2 * half);
        for start in (0..size).step_by(2 * half) {
            for k in 0..half {
                let (wr, wi) = (twiddles.cos[k * stride], twiddles.sin[k * stride]);
                let (a, b) = (start + k, start + k + half);
                let tr = wr * re[b] - wi * im[b];
                let ti = wr * im[b] + wi * re[b];
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        half *= 2;
    }
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
            let fast = autocovariance(&series, n - 1);
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
    fn autocorrelation_function_of_an_alternating_series() {
        let series: Vec<f64> = (0..1000).map(|i| if i % 2 == 0 { 1.0 } else { -1.0 }).collect();
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
        // A ramp is "correlated" over its whole length: no window is found.
        let ramp: Vec<f64> = (0..100).map(f64::from).collect();
        let sokal = sokal_autocorrelation(&ramp, SOKAL_WINDOW_FACTOR).unwrap();
        assert!(!sokal.window_found);
        assert_eq!(sokal.window, 99);
    }
}
