//! Fixed-width histograms ([`Histogram`]), e.g. for the overlap distribution
//! $P(q)$ on $[-1, 1]$ or energy histograms.

use crate::error::StatsError;
use serde::{Deserialize, Serialize};

/// A weighted histogram with `bins` equal-width bins on $[\text{low}, \text{high}]$.
///
/// Bin $i$ covers $[\text{low} + i w, \text{low} + (i+1) w)$ with
/// $w = (\text{high}-\text{low})/\text{bins}$; the last bin also contains
/// $x = \text{high}$, so that e.g. $q = 1$ is counted in $P(q)$ on $[-1, 1]$.
/// A value exactly on an interior edge may land in either neighbouring bin
/// after rounding. Values below `low` (including $-\infty$) go to
/// [`underflow`](Self::underflow), values above `high` (including $+\infty$)
/// to [`overflow`](Self::overflow) and `NaN` to
/// [`nan_weight`](Self::nan_weight).
///
/// ```
/// use quench_stats::Histogram;
/// let mut overlap = Histogram::new(-1.0, 1.0, 4).unwrap();
/// for q in [-1.0, -0.3, 0.2, 0.9, 1.0] {
///     overlap.add(q);
/// }
/// assert_eq!(overlap.counts(), &[1.0, 1.0, 1.0, 2.0]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    low: f64,
    high: f64,
    counts: Vec<f64>,
    underflow: f64,
    overflow: f64,
    nan_weight: f64,
    /// $\sum w x$ over in-range entries, for the exact mean.
    weighted_sum: f64,
}

impl Histogram {
    /// An empty histogram with `bins` bins on $[\text{low}, \text{high}]$.
    ///
    /// Errors unless `bins` $\ge 1$, both bounds are finite, `low < high`
    /// and `high - low` is finite.
    pub fn new(low: f64, high: f64, bins: usize) -> Result<Self, StatsError> {
        if bins == 0 {
            return Err(StatsError::invalid("bins", bins, "must be at least 1"));
        }
        if !low.is_finite() {
            return Err(StatsError::invalid("low", low, "must be a finite number"));
        }
        if !high.is_finite() {
            return Err(StatsError::invalid("high", high, "must be a finite number"));
        }
        if low >= high {
            return Err(StatsError::invalid(
                "high",
                high,
                format!("must be greater than `low` = {low}"),
            ));
        }
        if !(high - low).is_finite() {
            return Err(StatsError::invalid(
                "high",
                high,
                format!("`high - low` must be finite (got `low` = {low})"),
            ));
        }
        Ok(Self {
            low,
            high,
            counts: vec![0.0; bins],
            underflow: 0.0,
            overflow: 0.0,
            nan_weight: 0.0,
            weighted_sum: 0.0,
        })
    }

    /// Lower edge of the first bin.
    pub fn low(&self) -> f64 {
        self.low
    }

    /// Upper edge of the last bin.
    pub fn high(&self) -> f64 {
        self.high
    }

    /// Number of bins.
    pub fn bins(&self) -> usize {
        self.counts.len()
    }

    /// Width of every bin, $(\text{high}-\text{low})/\text{bins}$.
    pub fn bin_width(&self) -> f64 {
        (self.high - self.low) / self.bins() as f64
    }

    /// Adds `x` with weight 1.
    pub fn add(&mut self, x: f64) {
        self.add_weighted(x, 1.0);
    }

    /// Adds `x` with weight `weight` (e.g. a reweighting factor). Weights are
    /// not checked; a negative weight subtracts.
    pub fn add_weighted(&mut self, x: f64, weight: f64) {
        if x.is_nan() {
            self.nan_weight += weight;
        } else if x < self.low {
            self.underflow += weight;
        } else if x > self.high {
            self.overflow += weight;
        } else {
            let bins = self.bins();
            let position = (x - self.low) / (self.high - self.low) * bins as f64;
            let index = (position as usize).min(bins - 1);
            self.counts[index] += weight;
            self.weighted_sum += weight * x;
        }
    }

    /// Total weight in each bin.
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// Total weight of values below `low`.
    pub fn underflow(&self) -> f64 {
        self.underflow
    }

    /// Total weight of values above `high`.
    pub fn overflow(&self) -> f64 {
        self.overflow
    }

    /// Total weight of `NaN` values.
    pub fn nan_weight(&self) -> f64 {
        self.nan_weight
    }

    /// Total weight inside $[\text{low}, \text{high}]$.
    pub fn in_range_weight(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// Total weight of everything added: in range, underflow, overflow and
    /// `NaN`.
    pub fn total_weight(&self) -> f64 {
        self.in_range_weight() + self.underflow + self.overflow + self.nan_weight
    }

    /// Probability density estimate $p_i = c_i / (W w)$ with $c_i$ the
    /// weight of bin $i$, $W$ the in-range weight and $w$ the bin width, so
    /// that $\sum_i p_i w = 1$. Out-of-range weight is not included. All
    /// entries are `NaN` if the in-range weight is zero.
    pub fn density(&self) -> Vec<f64> {
        let normalisation = self.in_range_weight() * self.bin_width();
        self.counts.iter().map(|c| c / normalisation).collect()
    }

    /// Centre of each bin, $\text{low} + (i + 1/2) w$.
    pub fn bin_centers(&self) -> Vec<f64> {
        let width = self.bin_width();
        (0..self.bins())
            .map(|i| self.low + (i as f64 + 0.5) * width)
            .collect()
    }

    /// The `bins + 1` bin edges from `low` to `high` (both exact).
    pub fn bin_edges(&self) -> Vec<f64> {
        let width = self.bin_width();
        let bins = self.bins();
        (0..=bins)
            .map(|i| {
                if i == bins {
                    self.high
                } else {
                    self.low + i as f64 * width
                }
            })
            .collect()
    }

    /// Weighted mean of the in-range values, computed from the values
    /// themselves (not from bin centres). `NaN` if the in-range weight is 0.
    pub fn mean(&self) -> f64 {
        self.weighted_sum / self.in_range_weight()
    }

    /// Multiplies every weight (in range, out of range and NaN) by `factor`:
    /// used to normalise per-sample histograms before averaging them over
    /// disorder, so that every sample counts equally.
    pub fn scale(&mut self, factor: f64) {
        for count in &mut self.counts {
            *count *= factor;
        }
        self.underflow *= factor;
        self.overflow *= factor;
        self.nan_weight *= factor;
        self.weighted_sum *= factor;
    }

    /// Adds the content of `other`, e.g. the histogram of another disorder
    /// sample or replica. Both must have the same `low`, `high` and `bins`;
    /// otherwise returns [`StatsError::HistogramMismatch`] and leaves `self`
    /// unchanged.
    pub fn merge(&mut self, other: &Histogram) -> Result<(), StatsError> {
        if self.low != other.low || self.high != other.high || self.bins() != other.bins() {
            return Err(StatsError::HistogramMismatch {
                low: self.low,
                high: self.high,
                bins: self.bins(),
                other_low: other.low,
                other_high: other.high,
                other_bins: other.bins(),
            });
        }
        for (count, other_count) in self.counts.iter_mut().zip(&other.counts) {
            *count += other_count;
        }
        self.underflow += other.underflow;
        self.overflow += other.overflow;
        self.nan_weight += other.nan_weight;
        self.weighted_sum += other.weighted_sum;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_rejects_bad_parameters_and_names_them() {
        let message = |result: Result<Histogram, StatsError>| result.unwrap_err().to_string();
        assert_eq!(
            message(Histogram::new(0.0, 1.0, 0)),
            "invalid parameter `bins` = 0: must be at least 1"
        );
        assert_eq!(
            message(Histogram::new(f64::NAN, 1.0, 10)),
            "invalid parameter `low` = NaN: must be a finite number"
        );
        assert_eq!(
            message(Histogram::new(0.0, f64::INFINITY, 10)),
            "invalid parameter `high` = inf: must be a finite number"
        );
        assert_eq!(
            message(Histogram::new(1.0, 1.0, 10)),
            "invalid parameter `high` = 1: must be greater than `low` = 1"
        );
        assert!(message(Histogram::new(2.0, -1.0, 10)).contains("`high` = -1"));
        assert!(message(Histogram::new(-f64::MAX, f64::MAX, 10)).contains("`high - low`"));
    }

    #[test]
    fn edges_and_out_of_range_values() {
        let mut histogram = Histogram::new(-1.0, 1.0, 4).unwrap();
        histogram.add(-1.0); // low edge: first bin
        histogram.add(1.0); // high edge: last bin
        histogram.add(0.0); // interior edge between bins 1 and 2
        histogram.add(-0.75);
        histogram.add(1.0 + 1e-12);
        histogram.add(f64::INFINITY);
        histogram.add(-1.5);
        histogram.add(f64::NEG_INFINITY);
        histogram.add(f64::NAN);
        histogram.add_weighted(0.9, 2.5);
        assert_eq!(histogram.counts(), &[2.0, 0.0, 1.0, 3.5]);
        assert_eq!(histogram.underflow(), 2.0);
        assert_eq!(histogram.overflow(), 2.0);
        assert_eq!(histogram.nan_weight(), 1.0);
        assert_eq!(histogram.in_range_weight(), 6.5);
        assert_eq!(histogram.total_weight(), 11.5);
        // Exact in-range mean: (-1 + 1 + 0 - 0.75 + 2.5 * 0.9) / 6.5
        assert!((histogram.mean() - 1.5 / 6.5).abs() < 1e-15);
        assert_eq!(histogram.bin_edges(), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert_eq!(histogram.bin_centers(), vec![-0.75, -0.25, 0.25, 0.75]);
        assert_eq!(histogram.bin_width(), 0.5);
        assert_eq!(
            (histogram.low(), histogram.high(), histogram.bins()),
            (-1.0, 1.0, 4)
        );
    }

    #[test]
    fn values_just_below_high_stay_in_range() {
        // Rounding in the bin index must never push a value <= high past the
        // last bin.
        let mut histogram = Histogram::new(0.1, 0.7, 3).unwrap();
        for x in [0.7, 0.7 - f64::EPSILON, 0.1, 0.3, 0.5] {
            histogram.add(x);
        }
        assert_eq!(histogram.in_range_weight(), 5.0);
        assert_eq!(histogram.overflow() + histogram.underflow(), 0.0);
        assert_eq!(*histogram.bin_edges().last().unwrap(), 0.7);
    }

    #[test]
    fn density_integrates_to_one_over_the_range() {
        let mut histogram = Histogram::new(-2.0, 3.0, 7).unwrap();
        for i in 0..1000 {
            let x = -2.5 + 6.0 * f64::from((i * 7919) % 1000) / 1000.0;
            histogram.add_weighted(x, 1.0 + f64::from(i % 3));
        }
        assert!(histogram.underflow() > 0.0 && histogram.overflow() > 0.0);
        let integral: f64 = histogram
            .density()
            .iter()
            .map(|p| p * histogram.bin_width())
            .sum();
        assert!((integral - 1.0).abs() < 1e-12, "integral = {integral}");
        let empty = Histogram::new(0.0, 1.0, 2).unwrap();
        assert!(empty.density().iter().all(|p| p.is_nan()));
        assert!(empty.mean().is_nan());
    }

    #[test]
    fn merge_adds_everything_and_rejects_other_binning() {
        let mut first = Histogram::new(0.0, 1.0, 2).unwrap();
        let mut second = first.clone();
        let mut both = first.clone();
        for x in [0.1, 0.7, 1.5, -0.2] {
            first.add(x);
            both.add(x);
        }
        for x in [0.2, 0.3, f64::NAN] {
            second.add_weighted(x, 2.0);
            both.add_weighted(x, 2.0);
        }
        first.merge(&second).unwrap();
        assert_eq!(first, both);

        let other = Histogram::new(0.0, 1.0, 3).unwrap();
        let before = first.clone();
        let error = first.merge(&other).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot merge histograms with different binning: \
             [0, 1] with 2 bins versus [0, 1] with 3 bins"
        );
        assert_eq!(first, before);
        assert!(first.merge(&Histogram::new(0.0, 2.0, 2).unwrap()).is_err());
    }

    #[test]
    fn scale_multiplies_every_weight_and_keeps_mean_and_density() {
        let mut histogram = Histogram::new(0.0, 1.0, 4).unwrap();
        for x in [0.1, 0.2, 0.6, 0.9, 1.5, -1.0, f64::NAN] {
            histogram.add(x);
        }
        let (mean, density) = (histogram.mean(), histogram.density());
        histogram.scale(1.0 / histogram.total_weight());
        assert!((histogram.total_weight() - 1.0).abs() < 1e-15);
        assert!((histogram.underflow() - 1.0 / 7.0).abs() < 1e-15);
        assert!((histogram.nan_weight() - 1.0 / 7.0).abs() < 1e-15);
        assert!((histogram.mean() - mean).abs() < 1e-15);
        for (scaled, original) in histogram.density().iter().zip(&density) {
            assert!((scaled - original).abs() < 1e-12);
        }
    }
}
