//! Averages over disorder samples ([`DisorderAverage`]).

use crate::error::StatsError;
use crate::estimate::{Estimate, decimals_for_error, mean_and_variance, write_value_error};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The disorder average $\[x\]$ of a per-sample quantity, keeping every
/// sample's value for the sample-to-sample distribution.
///
/// Disorder samples are independent, so the error is the plain standard
/// error over samples, $s/\sqrt{M}$ with
/// $s^2 = \sum_s (x_s - \[x\])^2/(M-1)$. It contains both the
/// sample-to-sample spread and the thermal noise of each sample's value:
/// $s^2 \approx \sigma^2_\text{disorder} + \overline{\epsilon^2_\text{thermal}}$.
/// Compare [`mean_thermal_error`](Self::mean_thermal_error) with
/// [`standard_deviation`](Self::standard_deviation): if the thermal error is
/// a small fraction of the spread, longer runs per sample will not help and
/// more samples will.
///
/// For ratios of disorder averages (Binder cumulant, correlation length) use
/// [`jackknife`](crate::jackknife) instead.
///
/// Displays as `0.5123 ± 0.0042 [M=400, σ=0.084]` (error and sample
/// standard deviation $\sigma$ to two significant digits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisorderAverage {
    values: Vec<f64>,
    mean_thermal_error: Option<f64>,
}

impl DisorderAverage {
    /// From one value per disorder sample (in sample order, which is kept).
    ///
    /// With no value the mean is `NaN`; with fewer than two, the error and
    /// standard deviation are `NaN`.
    pub fn new(values: Vec<f64>) -> Self {
        Self {
            values,
            mean_thermal_error: None,
        }
    }

    /// From one thermal [`Estimate`] per disorder sample: keeps their means
    /// as the values and records the mean of their errors as
    /// [`mean_thermal_error`](Self::mean_thermal_error).
    pub fn from_estimates(estimates: &[Estimate]) -> Self {
        let mean_thermal_error = if estimates.is_empty() {
            None
        } else {
            Some(estimates.iter().map(|e| e.error).sum::<f64>() / estimates.len() as f64)
        };
        Self {
            values: estimates.iter().map(|e| e.mean).collect(),
            mean_thermal_error,
        }
    }

    /// The per-sample values, in the order given.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of disorder samples $M$.
    pub fn count(&self) -> usize {
        self.values.len()
    }

    /// Disorder average $\[x\] = \frac1M \sum_s x_s$.
    pub fn mean(&self) -> f64 {
        mean_and_variance(&self.values).0
    }

    /// Sample-to-sample standard deviation $s$ (denominator $M-1$).
    pub fn standard_deviation(&self) -> f64 {
        mean_and_variance(&self.values).1.sqrt()
    }

    /// Standard error of the disorder average, $s/\sqrt{M}$.
    pub fn error(&self) -> f64 {
        self.standard_deviation() / (self.count() as f64).sqrt()
    }

    /// Mean of the thermal (within-sample) errors, if built with
    /// [`from_estimates`](Self::from_estimates).
    pub fn mean_thermal_error(&self) -> Option<f64> {
        self.mean_thermal_error
    }

    /// Median of the sample values, `quantile(0.5)`; `NaN` without samples.
    pub fn median(&self) -> f64 {
        self.quantile(0.5).unwrap_or(f64::NAN)
    }

    /// The $p$-quantile of the sample values, interpolating linearly between
    /// order statistics: with the values sorted as
    /// $x_{(0)} \le \dots \le x_{(M-1)}$ and $h = (M-1)p$, the result is
    /// $x_{(\lfloor h\rfloor)} + (h - \lfloor h\rfloor)(x_{(\lfloor h\rfloor+1)} - x_{(\lfloor h\rfloor)})$
    /// (the default of R and NumPy). `quantile(0.0)` is the minimum and
    /// `quantile(1.0)` the maximum.
    ///
    /// Errors if `p` is not in $[0, 1]$ or there are no samples. `NaN`
    /// values sort above $+\infty$.
    pub fn quantile(&self, p: f64) -> Result<f64, StatsError> {
        if !(0.0..=1.0).contains(&p) {
            return Err(StatsError::invalid("p", p, "must lie in [0, 1]"));
        }
        if self.values.is_empty() {
            return Err(StatsError::TooFewSamples {
                statistic: "quantile",
                needed: 1,
                got: 0,
            });
        }
        let mut sorted = self.values.clone();
        sorted.sort_by(f64::total_cmp);
        let h = (sorted.len() - 1) as f64 * p;
        let below = h.floor() as usize;
        let above = (below + 1).min(sorted.len() - 1);
        let fraction = h - below as f64;
        if fraction == 0.0 {
            Ok(sorted[below])
        } else {
            Ok(sorted[below] + fraction * (sorted[above] - sorted[below]))
        }
    }

    /// The disorder average as an [`Estimate`] with `tau_int` $= 1/2$
    /// (samples are independent) and `count` the number of samples.
    pub fn to_estimate(&self) -> Estimate {
        Estimate {
            mean: self.mean(),
            error: self.error(),
            tau_int: 0.5,
            count: self.count() as u64,
        }
    }
}

impl fmt::Display for DisorderAverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value_error(f, self.mean(), self.error())?;
        let deviation = self.standard_deviation();
        match decimals_for_error(deviation) {
            Some(decimals) => write!(f, " [M={}, σ={deviation:.decimals$}]", self.count()),
            None => write!(f, " [M={}, σ={deviation}]", self.count()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_and_quantiles() {
        let average = DisorderAverage::new(vec![4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!(average.count(), 5);
        assert_eq!(average.values(), &[4.0, 1.0, 3.0, 2.0, 5.0]);
        assert_eq!(average.mean(), 3.0);
        // s^2 = 10/4
        assert!((average.standard_deviation() - 2.5_f64.sqrt()).abs() < 1e-15);
        assert!((average.error() - 0.5_f64.sqrt()).abs() < 1e-15);
        assert_eq!(average.median(), 3.0);
        assert_eq!(average.quantile(0.0).unwrap(), 1.0);
        assert_eq!(average.quantile(1.0).unwrap(), 5.0);
        assert_eq!(average.quantile(0.125).unwrap(), 1.5);
        let even = DisorderAverage::new(vec![1.0, 2.0, 3.0, 10.0]);
        assert_eq!(even.median(), 2.5);
        assert_eq!(average.mean_thermal_error(), None);
    }

    #[test]
    fn quantile_rejects_bad_input() {
        let average = DisorderAverage::new(vec![1.0, 2.0]);
        let error = average.quantile(1.5).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid parameter `p` = 1.5: must lie in [0, 1]"
        );
        assert!(average.quantile(f64::NAN).is_err());
        let empty = DisorderAverage::new(Vec::new());
        assert!(empty.quantile(0.5).is_err());
        assert!(empty.median().is_nan());
        assert!(empty.mean().is_nan());
        assert!(DisorderAverage::new(vec![1.0]).error().is_nan());
    }

    #[test]
    fn from_estimates_keeps_means_and_thermal_error() {
        let estimates: Vec<Estimate> = [(1.0, 0.1), (2.0, 0.3), (4.0, 0.2)]
            .iter()
            .map(|&(mean, error)| Estimate {
                mean,
                error,
                tau_int: 1.0,
                count: 100,
            })
            .collect();
        let average = DisorderAverage::from_estimates(&estimates);
        assert_eq!(average.values(), &[1.0, 2.0, 4.0]);
        assert!((average.mean_thermal_error().unwrap() - 0.2).abs() < 1e-15);
        let estimate = average.to_estimate();
        assert!((estimate.mean - 7.0 / 3.0).abs() < 1e-15);
        assert_eq!(estimate.count, 3);
        assert_eq!(estimate.error, average.error());
    }

    #[test]
    fn display() {
        let average = DisorderAverage::new(vec![1.0, 2.0, 3.0, 4.0]);
        // mean 2.5, s = 1.29, error = 0.645
        assert_eq!(average.to_string(), "2.50 ± 0.65 [M=4, σ=1.3]");
        let narrow = DisorderAverage::new(vec![1.0, 1.001, 1.002]);
        assert_eq!(narrow.to_string(), "1.00100 ± 0.00058 [M=3, σ=0.0010]");
    }
}
