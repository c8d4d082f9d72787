//! Jackknife over disorder samples for non-linear functions of disorder
//! averages.

use crate::error::StatsError;
use crate::estimate::write_value_error;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Result of [`jackknife`].
///
/// Displays as `0.8123 ± 0.0042 [jackknife, M=400]` (the plain value, not the
/// bias-corrected one).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct JackknifeEstimate {
    /// $f$ evaluated at the full disorder averages,
    /// $f(\bar a_1, \dots, \bar a_C)$.
    pub value: f64,
    /// Jackknife bias-corrected value
    /// $M f(\bar a) - (M-1)\\,\overline{f_{(s)}}$, which removes the $O(1/M)$
    /// bias of a non-linear $f$.
    pub bias_corrected: f64,
    /// Jackknife standard error
    /// $\sqrt{\frac{M-1}{M}\sum_s (f_{(s)} - \overline{f_{(s)}})^2}$.
    pub error: f64,
    /// Number of disorder samples $M$.
    pub samples: usize,
}

impl fmt::Display for JackknifeEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value_error(f, self.value, self.error)?;
        write!(f, " [jackknife, M={}]", self.samples)
    }
}

/// Jackknife estimate of $f$ applied to disorder averages, with its error
/// and bias correction.
///
/// `columns[c][s]` is the thermal average of quantity $c$ in disorder sample
/// $s$ (e.g. column 0 holds $\langle q^2 \rangle$ and column 1
/// $\langle q^4 \rangle$ of every sample). `f` receives the vector of
/// disorder averages $(\bar a_1, \dots, \bar a_C)$, one entry per column, and
/// returns the derived quantity. For each sample $s$ the leave-one-out
/// averages $\bar a_{c,(s)} = \bar a_c + (\bar a_c - a_{c,s})/(M-1)$ give
/// $f_{(s)}$; the total cost is $O(MC)$ plus $M+1$ calls of `f`.
///
/// Errors if there is no column, if the columns differ in length, or if
/// there are fewer than $M = 2$ samples.
///
/// Binder cumulant $g = \frac12\bigl(3 - [\langle q^4\rangle]/[\langle q^2\rangle]^2\bigr)$:
///
/// ```
/// use quench_stats::jackknife;
/// let q2 = [0.30, 0.42, 0.25, 0.38];
/// let q4 = [0.12, 0.21, 0.08, 0.17];
/// let binder = jackknife(&[&q2, &q4], |m| 0.5 * (3.0 - m[1] / (m[0] * m[0]))).unwrap();
/// assert!(binder.value > 0.0 && binder.value < 1.0);
/// assert!(binder.error > 0.0);
/// ```
pub fn jackknife<F: Fn(&[f64]) -> f64>(
    columns: &[&[f64]],
    f: F,
) -> Result<JackknifeEstimate, StatsError> {
    let first = columns.first().ok_or(StatsError::NoColumns)?;
    let samples = first.len();
    if let Some((column, found)) = columns
        .iter()
        .map(|column| column.len())
        .enumerate()
        .find(|&(_, len)| len != samples)
    {
        return Err(StatsError::ColumnLengthMismatch {
            column,
            expected: samples,
            found,
        });
    }
    if samples < 2 {
        return Err(StatsError::TooFewSamples {
            statistic: "jackknife",
            needed: 2,
            got: samples,
        });
    }
    let m = samples as f64;
    let means: Vec<f64> = columns
        .iter()
        .map(|column| crate::estimate::mean_and_variance(column).0)
        .collect();
    let value = f(&means);
    let mut leave_one_out = vec![0.0; columns.len()];
    let leave_one_out_values: Vec<f64> = (0..samples)
        .map(|s| {
            for ((slot, column), &mean) in leave_one_out.iter_mut().zip(columns).zip(&means) {
                *slot = mean + (mean - column[s]) / (m - 1.0);
            }
            f(&leave_one_out)
        })
        .collect();
    let mean_leave_one_out = leave_one_out_values.iter().sum::<f64>() / m;
    let sum_of_squares: f64 = leave_one_out_values
        .iter()
        .map(|v| (v - mean_leave_one_out).powi(2))
        .sum();
    Ok(JackknifeEstimate {
        value,
        bias_corrected: m * value - (m - 1.0) * mean_leave_one_out,
        error: ((m - 1.0) / m * sum_of_squares).sqrt(),
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_name_the_problem() {
        let a = [1.0, 2.0, 3.0];
        let b = [1.0, 2.0];
        let error = jackknife(&[&a, &b], |m| m[0]).unwrap_err();
        assert_eq!(
            error,
            StatsError::ColumnLengthMismatch {
                column: 1,
                expected: 3,
                found: 2
            }
        );
        assert!(
            error.to_string().contains("column 1 has 2 entries"),
            "{error}"
        );
        let error = jackknife(&[&a[..1]], |m| m[0]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "jackknife needs at least 2 samples, got 1"
        );
        let error = jackknife(&[], |_| 0.0).unwrap_err();
        assert_eq!(error, StatsError::NoColumns);
    }

    #[test]
    fn display() {
        let estimate = JackknifeEstimate {
            value: 0.812_34,
            bias_corrected: 0.81,
            error: 0.004_23,
            samples: 400,
        };
        assert_eq!(estimate.to_string(), "0.8123 ± 0.0042 [jackknife, M=400]");
    }
}
