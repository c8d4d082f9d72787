//! The [`Estimate`] type and the helper [`mean_and_standard_error`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// A Monte Carlo estimate of one quantity: mean, standard error, integrated
/// autocorrelation time and number of measurements.
///
/// Produced by [`BinningAccumulator::estimate`](crate::BinningAccumulator::estimate)
/// and [`estimate_from_series`](crate::estimate_from_series).
///
/// The fields obey, for $n$ measurements of variance $\sigma^2$,
/// $$\text{error}^2 = \frac{2\\,\tau_\text{int}\\,\sigma^2}{n},$$
/// with the convention $\tau_\text{int} = 1/2$ for uncorrelated data.
///
/// Displays as `-0.7412 ± 0.0031 [τ=2.4, n=10000]`: the error is shown with
/// two significant digits and the mean to the same decimal place. An explicit
/// precision (`{:.6}`) overrides this and applies to both mean and error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Sample mean of the measurements.
    pub mean: f64,
    /// Standard error of the mean, autocorrelations included. `NaN` when it
    /// cannot be estimated (fewer than two measurements).
    pub error: f64,
    /// Integrated autocorrelation time $\tau_\text{int}$ in units of
    /// measurements, with $\tau_\text{int} = 1/2$ for uncorrelated data.
    pub tau_int: f64,
    /// Number of measurements $n$.
    pub count: u64,
}

impl Estimate {
    /// Deviation of the mean from an exact value in units of the error,
    /// $z = (\bar x - x_\text{exact}) / \text{error}$.
    ///
    /// For a correct error estimate, $|z| \le 2$ about 95 % of the time.
    /// When the error is zero, returns 0 if the mean equals `exact` and
    /// $\pm\infty$ (with the sign of the deviation) otherwise. Returns `NaN`
    /// if the error or the mean is `NaN`.
    pub fn z_score(&self, exact: f64) -> f64 {
        let deviation = self.mean - exact;
        if self.error == 0.0 {
            if deviation == 0.0 {
                0.0
            } else {
                deviation.signum() * f64::INFINITY
            }
        } else {
            deviation / self.error
        }
    }

    /// Relative error $\text{error} / |\bar x|$.
    pub fn relative_error(&self) -> f64 {
        self.error / self.mean.abs()
    }
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value_error(f, self.mean, self.error)?;
        write!(f, " [τ={:.1}, n={}]", self.tau_int, self.count)
    }
}

/// Number of decimals that shows `error` with two significant digits.
pub(crate) fn decimals_for_error(error: f64) -> Option<usize> {
    if error.is_finite() && error > 0.0 {
        let magnitude = error.log10().floor() as i64;
        Some((1 - magnitude).clamp(0, 17) as usize)
    } else {
        None
    }
}

/// Writes `value ± error`, honouring an explicit precision of the formatter.
pub(crate) fn write_value_error(f: &mut fmt::Formatter<'_>, value: f64, error: f64) -> fmt::Result {
    match f.precision().or_else(|| decimals_for_error(error)) {
        Some(decimals) => write!(f, "{value:.decimals$} ± {error:.decimals$}"),
        None => write!(f, "{value} ± {error}"),
    }
}

/// Mean and standard error of the mean of independent data,
/// $\bar x$ and $s/\sqrt{n}$ with $s^2 = \sum_i (x_i - \bar x)^2/(n-1)$.
///
/// No autocorrelation correction: use it for independent samples (e.g.
/// disorder samples, independent runs); for a Markov chain time series use
/// [`estimate_from_series`](crate::estimate_from_series). Computed with
/// Welford's update, stable for large offsets. Returns `(NaN, NaN)` for an
/// empty slice and `(x, NaN)` for a single value.
pub fn mean_and_standard_error(data: &[f64]) -> (f64, f64) {
    let (mean, variance) = mean_and_variance(data);
    (mean, (variance / data.len() as f64).sqrt())
}

/// Mean and unbiased sample variance (denominator $n-1$) by Welford's update.
/// `(NaN, NaN)` for no data, `(x, NaN)` for one value.
pub(crate) fn mean_and_variance(data: &[f64]) -> (f64, f64) {
    let mut welford = Welford::default();
    for &x in data {
        welford.push(x);
    }
    (welford.mean(), welford.variance())
}

/// Welford's running mean and sum of squared deviations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Welford {
    /// Number of values seen.
    pub(crate) count: u64,
    /// Running mean.
    pub(crate) mean: f64,
    /// Running sum of squared deviations from the mean.
    pub(crate) m2: f64,
}

impl Welford {
    /// Adds one value.
    #[inline]
    pub(crate) fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Mean, `NaN` without data.
    pub(crate) fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.mean }
    }

    /// Unbiased variance, `NaN` with fewer than two values.
    pub(crate) fn variance(&self) -> f64 {
        if self.count < 2 {
            f64::NAN
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimate(mean: f64, error: f64) -> Estimate {
        Estimate {
            mean,
            error,
            tau_int: 2.4,
            count: 10000,
        }
    }

    #[test]
    fn display_rounds_to_two_significant_digits_of_the_error() {
        assert_eq!(
            estimate(-0.741_234, 0.003_12).to_string(),
            "-0.7412 ± 0.0031 [τ=2.4, n=10000]"
        );
        assert_eq!(
            estimate(1234.56, 12.3).to_string(),
            "1235 ± 12 [τ=2.4, n=10000]"
        );
        assert_eq!(
            format!("{:.2}", estimate(1.0, 0.5)),
            "1.00 ± 0.50 [τ=2.4, n=10000]"
        );
        assert_eq!(estimate(1.5, 0.0).to_string(), "1.5 ± 0 [τ=2.4, n=10000]");
        assert_eq!(
            estimate(1.5, f64::NAN).to_string(),
            "1.5 ± NaN [τ=2.4, n=10000]"
        );
    }

    #[test]
    fn z_score_handles_zero_error() {
        assert_eq!(estimate(1.0, 0.5).z_score(0.0), 2.0);
        assert_eq!(estimate(1.0, 0.0).z_score(1.0), 0.0);
        assert_eq!(estimate(1.0, 0.0).z_score(2.0), f64::NEG_INFINITY);
        assert_eq!(estimate(1.0, 0.0).z_score(0.0), f64::INFINITY);
        assert!(estimate(1.0, f64::NAN).z_score(0.0).is_nan());
    }

    #[test]
    fn mean_and_standard_error_of_small_sets() {
        let (mean, error) = mean_and_standard_error(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(mean, 2.5);
        // s^2 = 5/3, error = sqrt(5/12)
        assert!((error - (5.0_f64 / 12.0).sqrt()).abs() < 1e-15);
        let (mean, error) = mean_and_standard_error(&[7.0]);
        assert_eq!(mean, 7.0);
        assert!(error.is_nan());
        let (mean, error) = mean_and_standard_error(&[]);
        assert!(mean.is_nan() && error.is_nan());
    }

    #[test]
    fn welford_is_stable_for_large_offsets() {
        let data: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i % 2)).collect();
        let (mean, variance) = mean_and_variance(&data);
        assert!((mean - (1e9 + 0.5)).abs() < 1e-6);
        // exact: 1000 values, 500 of each: s^2 = 0.25 * 1000 / 999
        assert!((variance - 250.0 / 999.0).abs() < 1e-9);
    }
}
